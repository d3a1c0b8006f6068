#include "config.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "parse/dockerd.h"
#include "base/xalloc.h"
#include "base/banned.h"

enum opt_type {
	T_BOOL,		/* bare flag means true; --flag=false */
	T_STRING,
	T_INT,
	T_LIST,		/* repeated flag accumulates */
	T_MAP,		/* repeated KEY=VALUE accumulates into an object */
	T_ULIMITS,	/* NAME=SOFT[:HARD] into {NAME: "SOFT:HARD"} */
	T_FLAG,		/* a flag with no daemon.json key (--help, --version, --validate) */
};

struct opt {
	const char *flag;	/* long name without "--" */
	char shorthand;
	const char *key;	/* daemon.json key */
	enum opt_type type;
	const char *def;	/* default as JSON text; "null" when it depends on the host */
};

/*
 * dockerd's flags (cmd/dockerd/config*.go, daemon/config) and defaults on
 * Linux.  "null" defaults depend on the environment (cgroup version,
 * $DOCKER_CERT_PATH, ...) and are left for rules to interpret.
 */
static const struct opt opts[] = {
	{"host", 'H', "hosts", T_LIST, "[]"},
	{"log-level", 'l', "log-level", T_STRING, "\"info\""},
	{"debug", 'D', "debug", T_BOOL, "false"},
	{"group", 'G', "group", T_STRING, "\"docker\""},
	{"pidfile", 'p', "pidfile", T_STRING, "\"/var/run/docker.pid\""},
	{"data-root", 0, "data-root", T_STRING, "\"/var/lib/docker\""},
	{"graph", 'g', "data-root", T_STRING, NULL},
	{"exec-root", 0, "exec-root", T_STRING, "\"/var/run/docker\""},
	{"config-file", 0, "config-file", T_STRING, "\"" DOCKERD_CONFIG_DEFAULT "\""},
	{"icc", 0, "icc", T_BOOL, "true"},
	{"iptables", 0, "iptables", T_BOOL, "true"},
	{"ip6tables", 0, "ip6tables", T_BOOL, "false"},
	{"ip-forward", 0, "ip-forward", T_BOOL, "true"},
	{"ip-masq", 0, "ip-masq", T_BOOL, "true"},
	{"ipv6", 0, "ipv6", T_BOOL, "false"},
	{"ip", 0, "ip", T_STRING, "\"0.0.0.0\""},
	{"insecure-registry", 0, "insecure-registries", T_LIST, "[]"},
	{"registry-mirror", 0, "registry-mirrors", T_LIST, "[]"},
	{"allow-nondistributable-artifacts", 0, "allow-nondistributable-artifacts", T_LIST, "[]"},
	{"storage-driver", 's', "storage-driver", T_STRING, "\"\""},
	{"storage-opt", 0, "storage-opts", T_LIST, "[]"},
	{"tls", 0, "tls", T_BOOL, "false"},
	{"tlsverify", 0, "tlsverify", T_BOOL, "false"},
	{"tlscacert", 0, "tlscacert", T_STRING, "null"},
	{"tlscert", 0, "tlscert", T_STRING, "null"},
	{"tlskey", 0, "tlskey", T_STRING, "null"},
	{"default-ulimit", 0, "default-ulimits", T_ULIMITS, "{}"},
	{"userns-remap", 0, "userns-remap", T_STRING, "\"\""},
	{"cgroup-parent", 0, "cgroup-parent", T_STRING, "\"\""},
	{"authorization-plugin", 0, "authorization-plugins", T_LIST, "[]"},
	{"log-driver", 0, "log-driver", T_STRING, "\"json-file\""},
	{"log-opt", 0, "log-opts", T_MAP, "{}"},
	{"log-format", 0, "log-format", T_STRING, "\"text\""},
	{"no-new-privileges", 0, "no-new-privileges", T_BOOL, "false"},
	{"live-restore", 0, "live-restore", T_BOOL, "false"},
	{"userland-proxy", 0, "userland-proxy", T_BOOL, "true"},
	{"userland-proxy-path", 0, "userland-proxy-path", T_STRING, "\"\""},
	{"seccomp-profile", 0, "seccomp-profile", T_STRING, "\"\""},
	{"experimental", 0, "experimental", T_BOOL, "false"},
	{"selinux-enabled", 0, "selinux-enabled", T_BOOL, "false"},
	{"containerd", 0, "containerd", T_STRING, "\"\""},
	{"containerd-namespace", 0, "containerd-namespace", T_STRING, "\"moby\""},
	{"containerd-plugins-namespace", 0, "containerd-plugin-namespace", T_STRING, "\"plugins.moby\""},
	{"default-runtime", 0, "default-runtime", T_STRING, "\"runc\""},
	{"add-runtime", 0, "runtimes", T_MAP, "{}"},
	{"exec-opt", 0, "exec-opts", T_LIST, "[]"},
	{"bridge", 'b', "bridge", T_STRING, "\"\""},
	{"bip", 0, "bip", T_STRING, "\"\""},
	{"fixed-cidr", 0, "fixed-cidr", T_STRING, "\"\""},
	{"fixed-cidr-v6", 0, "fixed-cidr-v6", T_STRING, "\"\""},
	{"default-gateway", 0, "default-gateway", T_STRING, "\"\""},
	{"default-gateway-v6", 0, "default-gateway-v6", T_STRING, "\"\""},
	{"default-address-pool", 0, "default-address-pools", T_LIST, "[]"},
	{"mtu", 0, "mtu", T_INT, "1500"},
	{"dns", 0, "dns", T_LIST, "[]"},
	{"dns-opt", 0, "dns-opts", T_LIST, "[]"},
	{"dns-search", 0, "dns-search", T_LIST, "[]"},
	{"label", 0, "labels", T_LIST, "[]"},
	{"default-cgroupns-mode", 0, "default-cgroupns-mode", T_STRING, "null"},
	{"default-ipc-mode", 0, "default-ipc-mode", T_STRING, "\"private\""},
	{"default-shm-size", 0, "default-shm-size", T_STRING, "\"64M\""},
	{"feature", 0, "features", T_MAP, "{}"},
	{"raw-logs", 0, "raw-logs", T_BOOL, "false"},
	{"max-concurrent-downloads", 0, "max-concurrent-downloads", T_INT, "3"},
	{"max-concurrent-uploads", 0, "max-concurrent-uploads", T_INT, "5"},
	{"max-download-attempts", 0, "max-download-attempts", T_INT, "5"},
	{"shutdown-timeout", 0, "shutdown-timeout", T_INT, "15"},
	{"oom-score-adjust", 0, "oom-score-adjust", T_INT, "null"},
	{"init", 0, "init", T_BOOL, "false"},
	{"init-path", 0, "init-path", T_STRING, "\"\""},
	{"rootless", 0, "rootless", T_BOOL, "false"},
	{"cpu-rt-period", 0, "cpu-rt-period", T_INT, "null"},
	{"cpu-rt-runtime", 0, "cpu-rt-runtime", T_INT, "null"},
	{"metrics-addr", 0, "metrics-addr", T_STRING, "\"\""},
	{"swarm-default-advertise-addr", 0, "swarm-default-advertise-addr", T_STRING, "\"\""},
	{"node-generic-resource", 0, "node-generic-resources", T_LIST, "[]"},
	{"network-control-plane-mtu", 0, "network-control-plane-mtu", T_INT, "1500"},
	{"host-gateway-ip", 0, "host-gateway-ip", T_STRING, "\"\""},
	{"http-proxy", 0, "http-proxy", T_STRING, "\"\""},
	{"https-proxy", 0, "https-proxy", T_STRING, "\"\""},
	{"no-proxy", 0, "no-proxy", T_STRING, "\"\""},
	{"api-cors-header", 0, "api-cors-header", T_STRING, "\"\""},
	{"cri-containerd", 0, "cri-containerd", T_BOOL, "false"},
	{"validate", 0, NULL, T_FLAG, NULL},
	{"help", 'h', NULL, T_FLAG, NULL},
	{"version", 'v', NULL, T_FLAG, NULL},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strlen(opts[i].flag) == len && !strncmp(opts[i].flag, name, len))
			return &opts[i];
	return NULL;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].shorthand == c)
			return &opts[i];
	return NULL;
}

static const struct opt *find_key(const char *key)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].key && !strcmp(opts[i].key, key))
			return &opts[i];
	return NULL;
}

static void add_err(struct dockerd_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_err(struct dockerd_argv *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(a->errors, json_string(m));
	free(m);
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, int *out)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False", NULL};
	for (int i = 0; t[i]; i++) {
		if (!strcmp(s, t[i])) {
			*out = 1;
			return 0;
		}
		if (!strcmp(s, f[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* "SOFT[:HARD]" normalised to "SOFT:HARD"; NULL if malformed. */
static char *ulimit_norm(const char *v)
{
	char *end;
	errno = 0;
	long long soft = strtoll(v, &end, 10);
	if (errno || end == v)
		return NULL;
	long long hard = soft;
	if (*end == ':') {
		const char *h = end + 1;
		hard = strtoll(h, &end, 10);
		if (errno || end == h)
			return NULL;
	}
	if (*end)
		return NULL;
	return xasprintf("%lld:%lld", soft, hard);
}

/* Record one flag occurrence: form is the flag as written ("-H", "--icc"). */
static void set_flag(struct dockerd_argv *a, const struct opt *o, const char *form,
		     const char *value)
{
	if (o->type == T_FLAG)
		return;
	char *src = xasprintf("argv:%s", form);
	json_t *cur = json_object_get(a->settings, o->key);
	json_t *v = NULL;
	int b;
	switch (o->type) {
	case T_BOOL:
		if (parse_bool(value, &b) < 0) {
			add_err(a, "invalid argument '%s' for '%s': not a boolean", value, form);
			v = json_string(value);
		} else {
			v = json_boolean(b);
		}
		break;
	case T_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(value, &end, 0);
		if (errno || end == value || *end) {
			add_err(a, "invalid argument '%s' for '%s': not an integer", value, form);
			v = json_string(value);
		} else {
			v = json_integer(n);
		}
		break;
	}
	case T_STRING:
		v = json_string(value);
		break;
	case T_LIST:
		v = cur ? json_copy(json_object_get(cur, "value")) : json_array();
		json_array_append_new(v, json_string(value));
		break;
	case T_MAP:
	case T_ULIMITS: {
		v = cur ? json_copy(json_object_get(cur, "value")) : json_object();
		const char *eq = strchr(value, '=');
		if (!eq || eq == value) {
			add_err(a, "invalid argument '%s' for '%s': expected NAME=VALUE", value, form);
			break;
		}
		char *k = xstrndup(value, (size_t)(eq - value));
		if (o->type == T_ULIMITS) {
			char *n = ulimit_norm(eq + 1);
			if (!n)
				add_err(a, "invalid argument '%s' for '%s': expected NAME=SOFT[:HARD]", value, form);
			json_object_set_new(v, k, json_string(n ? n : eq + 1));
			free(n);
		} else if (!strcmp(o->key, "features")) {
			if (parse_bool(eq + 1, &b) < 0) {
				add_err(a, "invalid argument '%s' for '%s': not a boolean", value, form);
				json_object_set_new(v, k, json_string(eq + 1));
			} else {
				json_object_set_new(v, k, json_boolean(b));
			}
		} else {
			json_object_set_new(v, k, json_string(eq + 1));
		}
		free(k);
		break;
	}
	case T_FLAG:
		break;
	}
	/* A list keeps the form of its first occurrence. */
	if (cur && (o->type == T_LIST || o->type == T_MAP || o->type == T_ULIMITS)) {
		json_object_set_new(cur, "value", v);
	} else {
		json_object_set_new(a->settings, o->key, json_pack("{s:o, s:s}", "value", v,
								 "source", src));
	}
	free(src);
}

static void add_unknown(struct dockerd_argv *a, const char *flag, const char *value)
{
	json_array_append_new(a->unknown, json_pack("{s:s, s:o}", "flag", flag,
						    "value", value ? json_string(value) : json_null()));
}

void dockerd_parse_argv(const json_t *argv, struct dockerd_argv *out)
{
	size_t n = json_array_size(argv);
	out->settings = json_object();
	out->unknown = json_array();
	out->errors = json_array();
	for (size_t i = 1; i < n; i++) {
		const char *arg = json_string_value(json_array_get(argv, i));
		if (!arg)
			continue;
		if (!strcmp(arg, "--")) {
			for (i++; i < n; i++)
				add_err(out, "unexpected argument '%s': dockerd takes no arguments",
					json_string_value(json_array_get(argv, i)));
			break;
		}
		if (arg[0] != '-' || !arg[1]) {
			add_err(out, "unexpected argument '%s': dockerd takes no arguments", arg);
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			if (!len || name[0] == '-' || name[0] == '=') {
				add_err(out, "bad flag syntax: '%s'", arg);
				continue;
			}
			char *form = xstrndup(arg, len + 2);
			const struct opt *o = find_long(name, len);
			if (!o) {
				/* Unknown: most dockerd flags take a value, so a following non-flag is its value. */
				const char *next = i + 1 < n ? json_string_value(json_array_get(argv, i + 1)) : NULL;
				if (eq)
					add_unknown(out, form, eq + 1);
				else if (next && next[0] != '-')
					add_unknown(out, form, next), i++;
				else
					add_unknown(out, form, NULL);
			} else if (eq) {
				set_flag(out, o, form, eq + 1);
			} else if (o->type == T_BOOL || o->type == T_FLAG) {
				set_flag(out, o, form, "true");
			} else if (i + 1 < n) {
				set_flag(out, o, form, json_string_value(json_array_get(argv, ++i)));
			} else {
				add_err(out, "flag needs an argument: '%s'", form);
			}
			free(form);
			continue;
		}
		/* Shorthands, possibly combined: -Dl debug, -Htcp://x, -l=debug. */
		const char *s = arg + 1;
		while (*s) {
			char form[3] = {'-', *s, '\0'};
			const struct opt *o = find_short(*s);
			if (!o) {
				add_unknown(out, form, s[1] ? s + 1 : NULL);
				break;
			}
			if (s[1] == '=' ) {
				set_flag(out, o, form, s + 2);
				break;
			}
			if (o->type == T_BOOL || o->type == T_FLAG) {
				set_flag(out, o, form, "true");
				s++;
				continue;
			}
			if (s[1]) {
				set_flag(out, o, form, s + 1);
			} else if (i + 1 < n) {
				set_flag(out, o, form, json_string_value(json_array_get(argv, ++i)));
			} else {
				add_err(out, "flag needs an argument: '%s'", form);
			}
			break;
		}
	}
}

void dockerd_argv_release(struct dockerd_argv *a)
{
	json_decref(a->settings);
	json_decref(a->unknown);
	json_decref(a->errors);
	a->settings = a->unknown = a->errors = NULL;
}

json_t *dockerd_load_config(const char *text, size_t len, const char *path, char **err)
{
	json_error_t je;
	/* Duplicate keys are accepted, the last one winning, as Go's encoding/json does. */
	json_t *j = json_loadb(text, len, JSON_DECODE_ANY, &je);
	if (!j) {
		*err = xasprintf("'%s':%d:%d: %s", path, je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		*err = xasprintf("'%s':1:1: the configuration is not a JSON object", path);
		json_decref(j);
		return NULL;
	}
	return j;
}

/* daemon.json's {"nofile": {"Name": "nofile", "Soft": 1, "Hard": 2}} as {"nofile": "1:2"}. */
static json_t *ulimits_from_file(json_t *v)
{
	if (!json_is_object(v))
		return json_incref(v);
	json_t *out = json_object();
	const char *k;
	json_t *u;
	json_object_foreach(v, k, u) {
		json_t *soft = json_object_get(u, "Soft"), *hard = json_object_get(u, "Hard");
		if (json_is_integer(soft) && json_is_integer(hard)) {
			char *s = xasprintf("%lld:%lld", (long long)json_integer_value(soft),
					    (long long)json_integer_value(hard));
			json_object_set_new(out, k, json_string(s));
			free(s);
		} else {
			json_object_set(out, k, u);	/* kept as given */
		}
	}
	return out;
}

json_t *dockerd_merge(const json_t *argv_settings, const json_t *file, json_t **conflicts)
{
	json_t *s = json_object();
	*conflicts = json_array();
	for (size_t i = 0; i < NOPTS; i++) {
		if (!opts[i].key || !opts[i].def || json_object_get(s, opts[i].key))
			continue;
		json_t *v = json_loads(opts[i].def, JSON_DECODE_ANY, NULL);
		json_object_set_new(s, opts[i].key, json_pack("{s:o, s:s}", "value", v ? v : json_null(),
							      "source", "default"));
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)file, k, v) {
		/* "graph" is the deprecated name of "data-root". */
		const char *key = strcmp(k, "graph") ? k : "data-root";
		const struct opt *o = find_key(key);
		json_t *val = o && o->type == T_ULIMITS ? ulimits_from_file(v) : json_incref(v);
		char *src = xasprintf("daemon.json:%s", k);
		json_object_set_new(s, key, json_pack("{s:o, s:s}", "value", val, "source", src));
		free(src);
	}
	json_object_foreach((json_t *)argv_settings, k, v) {
		json_t *cur = json_object_get(s, k);
		const char *cur_src = json_string_value(json_object_get(cur, "source"));
		json_t *set = json_deep_copy(v);
		if (cur_src && !strncmp(cur_src, "daemon.json:", 12)) {
			json_array_append_new(*conflicts, json_pack("{s:s, s:O, s:s}", "key", k,
					"flag", json_object_get(v, "source"), "file", cur_src));
			json_object_set_new(set, "conflict", json_true());
		}
		json_object_set_new(s, k, set);
	}
	return s;
}
