#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "parse/kubelet.h"
#include "base/yamljson.h"
#include "parse/godur.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "parse/redact.h"
#include "base/banned.h"

/* ---- YAML to JSON ---------------------------------------------------- */

static int is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* A plain scalar resolved as go-yaml v2 does (YAML 1.1). */
static json_t *resolve_plain(const char *s)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"y", "Y", "yes", "Yes", "YES", "true", "True",
					    "TRUE", "on", "On", "ON", NULL};
	static const char *const falses[] = {"n", "N", "no", "No", "NO", "false", "False",
					     "FALSE", "off", "Off", "OFF", NULL};
	if (is_one_of(s, nulls))
		return json_null();
	if (is_one_of(s, trues))
		return json_true();
	if (is_one_of(s, falses))
		return json_false();
	if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.'))
		return json_string(s);
	/* integers: underscores dropped, base prefixes as strconv.ParseInt(s, 0, 64) */
	size_t n = strlen(s);
	char *plain = xmalloc(n + 1), *q = plain;
	for (const char *p = s; *p; p++)
		if (*p != '_')
			*q++ = *p;
	*q = 0;
	const char *digits = plain + (*plain == '-' || *plain == '+');
	if (isdigit((unsigned char)*digits)) {
		char *end;
		errno = 0;
		long long v;
		if (digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B'))
			v = strtoll(digits + 2, &end, 2), v = *plain == '-' ? -v : v;
		else
			v = strtoll(plain, &end, 0);
		if (!errno && !*end && end != plain) {
			free(plain);
			return json_integer(v);
		}
	}
	free(plain);
	/* floats: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
	const char *p = s + (*s == '-' || *s == '+');
	int ok = 0;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++, ok = 1;
	} else {
		while (isdigit((unsigned char)*p))
			p++, ok = 1;
		if (ok && *p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (ok && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!isdigit((unsigned char)*p))
			ok = 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (ok && !*p) {
		double d = strtod(s, NULL);
		/* encoding/json writes an integral float64 without a fraction */
		if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(long long)d)
			return json_integer((json_int_t)d);
		if (d == d && d - d == 0)	/* finite: JSON has no inf or nan */
			return json_real(d);
	}
	return json_string(s);
}

/* YAML as the kubelet reads it (sigs.k8s.io/yaml over go-yaml v2). */
static const struct yamljson_dialect kube_yaml = {
	.plain = resolve_plain, .last_key_wins = 1, .keys_as_text = 1,
	.reject_merge_keys = 1, .quote_name = 1, .max_nodes = KUBE_YAML_MAX_NODES, .max_depth = YAMLJSON_MAX_DEPTH,
};

json_t *kube_yaml_to_json(const char *text, size_t len, const char *name, char **err)
{
	return yamljson_parse_dialect(text, len, name, &kube_yaml, err);
}

json_t *kube_merge_patch(json_t *target, json_t *patch)
{
	if (!json_is_object(patch))
		return json_deep_copy(patch);
	json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(out, k);
		} else {
			json_t *merged = kube_merge_patch(json_object_get(out, k), v);
			json_object_set_new(out, k, merged);
		}
	}
	return out;
}

json_t *kube_get_path(json_t *obj, const char *path)
{
	const char *p = path;
	while (obj && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!json_is_object(obj))
			return NULL;
		char *seg = xstrndup(p, n);
		obj = json_object_get(obj, seg);
		free(seg);
		p += n + (dot ? 1 : 0);
	}
	return obj;
}

/* Set obj[path] = v (steals v), creating intermediate objects. */
static void set_path(json_t *obj, const char *path, json_t *v)
{
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		char *seg = xstrndup(path, (size_t)(dot - path));
		json_t *next = json_object_get(obj, seg);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, seg, next);
		}
		free(seg);
		obj = next;
		path = dot + 1;
	}
	json_object_set_new(obj, path, v);
}

/* ---- the kubelet's flags --------------------------------------------- */

static const struct pflag_def kubelet_flags[] = {
	/* fields CIS section 4 looks at (typed) */
	{"anonymous-auth", PFLAG_BOOL, 0},
	{"authentication-token-webhook", PFLAG_BOOL, 0},
	{"client-ca-file", PFLAG_STRING, 0},
	{"authorization-mode", PFLAG_STRING, 0},
	{"read-only-port", PFLAG_INT, 0},
	{"streaming-connection-idle-timeout", PFLAG_DURATION, 0},
	{"make-iptables-util-chains", PFLAG_BOOL, 0},
	{"event-qps", PFLAG_INT, 0},
	{"tls-cert-file", PFLAG_STRING, 0},
	{"tls-private-key-file", PFLAG_STRING, 0},
	{"rotate-certificates", PFLAG_BOOL, 0},
	{"rotate-server-certificates", PFLAG_BOOL, 0},
	{"feature-gates", PFLAG_MAP_BOOL, 0},
	{"tls-cipher-suites", PFLAG_LIST, 0},
	{"pod-max-pids", PFLAG_INT, 0},
	{"seccomp-default", PFLAG_BOOL, 0},
	{"protect-kernel-defaults", PFLAG_BOOL, 0},
	{"hostname-override", PFLAG_STRING, 0},
	{"kubeconfig", PFLAG_STRING, 0},
	{"bootstrap-kubeconfig", PFLAG_STRING, 0},
	{"config", PFLAG_STRING, 0},
	{"config-dir", PFLAG_STRING, 0},
	{"cert-dir", PFLAG_STRING, 0},
	/* other boolean flags: they never take the next word */
	{"help", PFLAG_BOOL, 'h'}, {"version", PFLAG_BOOL, 0},
	{"enable-server", PFLAG_BOOL, 0}, {"fail-swap-on", PFLAG_BOOL, 0},
	{"fail-cgroupv1", PFLAG_BOOL, 0}, {"enable-debugging-handlers", PFLAG_BOOL, 0},
	{"enable-controller-attach-detach", PFLAG_BOOL, 0},
	{"serialize-image-pulls", PFLAG_BOOL, 0}, {"cgroups-per-qos", PFLAG_BOOL, 0},
	{"cpu-cfs-quota", PFLAG_BOOL, 0}, {"kernel-memcg-notification", PFLAG_BOOL, 0},
	{"local-storage-capacity-isolation", PFLAG_BOOL, 0}, {"register-node", PFLAG_BOOL, 0},
	{"register-schedulable", PFLAG_BOOL, 0}, {"exit-on-lock-contention", PFLAG_BOOL, 0},
	{"windows-service", PFLAG_BOOL, 0}, {"keep-terminated-pod-volumes", PFLAG_BOOL, 0},
	{"experimental-allocatable-ignore-eviction", PFLAG_BOOL, 0},
	{"experimental-check-node-capabilities-before-mount", PFLAG_BOOL, 0},
	{"experimental-kernel-memcg-notification", PFLAG_BOOL, 0},
	{"enable-cadvisor-json-endpoints", PFLAG_BOOL, 0}, {"enable-load-reader", PFLAG_BOOL, 0},
	{"docker-only", PFLAG_BOOL, 0}, {"docker-tls", PFLAG_BOOL, 0},
	{"log-cadvisor-usage", PFLAG_BOOL, 0}, {"storage-driver-secure", PFLAG_BOOL, 0},
	{"add-dir-header", PFLAG_BOOL, 0}, {"alsologtostderr", PFLAG_BOOL, 0},
	{"logtostderr", PFLAG_BOOL, 0}, {"one-output", PFLAG_BOOL, 0},
	{"skip-headers", PFLAG_BOOL, 0}, {"skip-log-headers", PFLAG_BOOL, 0},
	{"log-json-split-stream", PFLAG_BOOL, 0}, {"log-text-split-stream", PFLAG_BOOL, 0},
	{"containerized", PFLAG_BOOL, 0}, {"allow-privileged", PFLAG_BOOL, 0},
	{"enforce-node-allocatable", PFLAG_STRING, 0},
	/* other flags that take a value */
	{"v", PFLAG_INT, 'v'}, {"vmodule", PFLAG_STRING, 0}, {"log-backtrace-at", PFLAG_STRING, 0},
	{"log-dir", PFLAG_STRING, 0}, {"log-file", PFLAG_STRING, 0},
	{"log-file-max-size", PFLAG_STRING, 0}, {"stderrthreshold", PFLAG_STRING, 0},
	{"log-flush-frequency", PFLAG_STRING, 0}, {"logging-format", PFLAG_STRING, 0},
	{"log-json-info-buffer-size", PFLAG_STRING, 0}, {"log-text-info-buffer-size", PFLAG_STRING, 0},
	{"node-ip", PFLAG_STRING, 0}, {"provider-id", PFLAG_STRING, 0},
	{"root-dir", PFLAG_STRING, 0}, {"lock-file", PFLAG_STRING, 0},
	{"register-with-taints", PFLAG_STRING, 0}, {"node-labels", PFLAG_STRING, 0},
	{"image-credential-provider-config", PFLAG_STRING, 0},
	{"image-credential-provider-bin-dir", PFLAG_STRING, 0},
	{"cloud-provider", PFLAG_STRING, 0}, {"cloud-config", PFLAG_STRING, 0},
	{"experimental-mounter-path", PFLAG_STRING, 0}, {"windows-priorityclass", PFLAG_STRING, 0},
	{"minimum-container-ttl-duration", PFLAG_STRING, 0},
	{"maximum-dead-containers-per-container", PFLAG_STRING, 0},
	{"maximum-dead-containers", PFLAG_STRING, 0}, {"pod-infra-container-image", PFLAG_STRING, 0},
	{"container-runtime", PFLAG_STRING, 0}, {"container-runtime-endpoint", PFLAG_STRING, 0},
	{"image-service-endpoint", PFLAG_STRING, 0}, {"non-masquerade-cidr", PFLAG_STRING, 0},
	{"runtime-cgroups", PFLAG_STRING, 0}, {"kubelet-cgroups", PFLAG_STRING, 0},
	{"system-cgroups", PFLAG_STRING, 0}, {"cgroup-root", PFLAG_STRING, 0},
	{"cgroup-driver", PFLAG_STRING, 0}, {"sync-frequency", PFLAG_STRING, 0},
	{"file-check-frequency", PFLAG_STRING, 0}, {"http-check-frequency", PFLAG_STRING, 0},
	{"manifest-url", PFLAG_STRING, 0}, {"manifest-url-header", PFLAG_STRING, 0},
	{"pod-manifest-path", PFLAG_STRING, 0}, {"address", PFLAG_STRING, 0},
	{"port", PFLAG_STRING, 0}, {"healthz-port", PFLAG_STRING, 0},
	{"healthz-bind-address", PFLAG_STRING, 0}, {"tls-min-version", PFLAG_STRING, 0},
	{"authentication-token-webhook-cache-ttl", PFLAG_STRING, 0},
	{"authorization-webhook-cache-authorized-ttl", PFLAG_STRING, 0},
	{"authorization-webhook-cache-unauthorized-ttl", PFLAG_STRING, 0},
	{"cluster-dns", PFLAG_STRING, 0}, {"cluster-domain", PFLAG_STRING, 0},
	{"resolv-conf", PFLAG_STRING, 0}, {"pod-cidr", PFLAG_STRING, 0},
	{"max-pods", PFLAG_STRING, 0}, {"pods-per-core", PFLAG_STRING, 0},
	{"event-burst", PFLAG_STRING, 0}, {"kube-api-qps", PFLAG_STRING, 0},
	{"kube-api-burst", PFLAG_STRING, 0}, {"kube-api-content-type", PFLAG_STRING, 0},
	{"registry-qps", PFLAG_STRING, 0}, {"registry-burst", PFLAG_STRING, 0},
	{"image-gc-high-threshold", PFLAG_STRING, 0}, {"image-gc-low-threshold", PFLAG_STRING, 0},
	{"image-minimum-gc-age", PFLAG_STRING, 0}, {"image-maximum-gc-age", PFLAG_STRING, 0},
	{"volume-stats-agg-period", PFLAG_STRING, 0}, {"volume-plugin-dir", PFLAG_STRING, 0},
	{"node-status-update-frequency", PFLAG_STRING, 0},
	{"node-status-max-images", PFLAG_STRING, 0}, {"runtime-request-timeout", PFLAG_STRING, 0},
	{"eviction-hard", PFLAG_STRING, 0}, {"eviction-soft", PFLAG_STRING, 0},
	{"eviction-soft-grace-period", PFLAG_STRING, 0},
	{"eviction-pressure-transition-period", PFLAG_STRING, 0},
	{"eviction-max-pod-grace-period", PFLAG_STRING, 0},
	{"eviction-minimum-reclaim", PFLAG_STRING, 0}, {"system-reserved", PFLAG_STRING, 0},
	{"kube-reserved", PFLAG_STRING, 0}, {"system-reserved-cgroup", PFLAG_STRING, 0},
	{"kube-reserved-cgroup", PFLAG_STRING, 0}, {"reserved-cpus", PFLAG_STRING, 0},
	{"reserved-memory", PFLAG_STRING, 0}, {"container-log-max-size", PFLAG_STRING, 0},
	{"container-log-max-files", PFLAG_STRING, 0}, {"allowed-unsafe-sysctls", PFLAG_STRING, 0},
	{"oom-score-adj", PFLAG_STRING, 0}, {"cpu-manager-policy", PFLAG_STRING, 0},
	{"cpu-manager-policy-options", PFLAG_STRING, 0},
	{"cpu-manager-reconcile-period", PFLAG_STRING, 0}, {"memory-manager-policy", PFLAG_STRING, 0},
	{"topology-manager-policy", PFLAG_STRING, 0}, {"topology-manager-scope", PFLAG_STRING, 0},
	{"topology-manager-policy-options", PFLAG_STRING, 0}, {"qos-reserved", PFLAG_STRING, 0},
	{"cpu-cfs-quota-period", PFLAG_STRING, 0}, {"max-open-files", PFLAG_STRING, 0},
	{"hairpin-mode", PFLAG_STRING, 0}, {"iptables-masquerade-bit", PFLAG_STRING, 0},
	{"iptables-drop-bit", PFLAG_STRING, 0}, {"boot-id-file", PFLAG_STRING, 0},
	{"machine-id-file", PFLAG_STRING, 0}, {"housekeeping-interval", PFLAG_STRING, 0},
	{"global-housekeeping-interval", PFLAG_STRING, 0}, {"containerd", PFLAG_STRING, 0},
	{"containerd-namespace", PFLAG_STRING, 0}, {"docker", PFLAG_STRING, 0},
	{"docker-root", PFLAG_STRING, 0}, {"docker-endpoint", PFLAG_STRING, 0},
	{"network-plugin", PFLAG_STRING, 0}, {"cni-bin-dir", PFLAG_STRING, 0},
	{"cni-conf-dir", PFLAG_STRING, 0}, {"cni-cache-dir", PFLAG_STRING, 0},
	{"network-plugin-mtu", PFLAG_STRING, 0}, {"image-pull-progress-deadline", PFLAG_STRING, 0},
	{"dynamic-config-dir", PFLAG_STRING, 0}, {"seccomp-profile-root", PFLAG_STRING, 0},
	{"application-metrics-count-limit", PFLAG_STRING, 0},
	{"event-storage-age-limit", PFLAG_STRING, 0}, {"event-storage-event-limit", PFLAG_STRING, 0},
	{"storage-driver-buffer-duration", PFLAG_STRING, 0}, {"storage-driver-db", PFLAG_STRING, 0},
	{"storage-driver-host", PFLAG_STRING, 0}, {"storage-driver-password", PFLAG_STRING, 0},
	{"storage-driver-table", PFLAG_STRING, 0}, {"storage-driver-user", PFLAG_STRING, 0},
	{"container-hints", PFLAG_STRING, 0}, {"node-status-report-frequency", PFLAG_STRING, 0},
	{"shutdown-grace-period", PFLAG_STRING, 0},
	{"shutdown-grace-period-critical-pods", PFLAG_STRING, 0},
	{"pod-max-pids-per-core", PFLAG_STRING, 0},
};
#define NKUBELET_FLAGS (sizeof(kubelet_flags) / sizeof(kubelet_flags[0]))

static const char *last_string(const json_t *flags, const char *name)
{
	json_t *l = json_object_get(flags, name);
	size_t n = json_array_size(l);
	return n ? json_string_value(json_array_get(l, n - 1)) : NULL;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int kubelet_args_parse(const json_t *argv, struct kubelet_args *a)
{
	size_t n = json_array_size(argv), skip = 1;
	const char **words = xcalloc(n + 1, sizeof(*words));
	for (size_t i = 0; i < n; i++) {
		const char *w = json_string_value(json_array_get(argv, i));
		words[i] = w ? w : "";
	}
	if (n >= 2 && strcmp(base_name(words[0]), "hyperkube") == 0 &&
	    strcmp(words[1], "kubelet") == 0)
		skip = 2;
	if (skip > n)
		skip = n;
	int nerr = pflag_parse(kubelet_flags, NKUBELET_FLAGS, PFLAG_NORMALIZE_UNDERSCORE,
			       words + skip, n - skip, &a->pf);
	free(words);
	a->config = last_string(a->pf.flags, "config");
	a->config_dir = last_string(a->pf.flags, "config-dir");
	if (a->config && !*a->config)
		a->config = NULL;
	if (a->config_dir && !*a->config_dir)
		a->config_dir = NULL;
	return nerr;
}

void kubelet_args_release(struct kubelet_args *a)
{
	pflag_result_release(&a->pf);
	a->config = a->config_dir = NULL;
}

/* ---- effective configuration ----------------------------------------- */

enum ktype { KT_BOOL, KT_INT, KT_STRING, KT_PATH, KT_DURATION, KT_LIST, KT_MAP_BOOL };

/*
 * A KubeletConfiguration field, its flag, and its defaults.  zero_defaults
 * says SetDefaults_KubeletConfiguration also replaces a zero value (a
 * non-pointer field: "" mode, 0s duration, a negative podPidsLimit).
 */
static const struct kfield {
	const char *path, *flag;
	enum ktype type;
	const char *flag_default, *config_default;	/* JSON */
	int zero_defaults;
} kfields[] = {
	{"authentication.anonymous.enabled", "anonymous-auth", KT_BOOL, "true", "false", 0},
	{"authentication.webhook.enabled", "authentication-token-webhook", KT_BOOL, "false", "true", 0},
	{"authentication.x509.clientCAFile", "client-ca-file", KT_PATH, "\"\"", "\"\"", 0},
	{"authorization.mode", "authorization-mode", KT_STRING, "\"AlwaysAllow\"", "\"Webhook\"", 1},
	{"readOnlyPort", "read-only-port", KT_INT, "10255", "0", 0},
	{"streamingConnectionIdleTimeout", "streaming-connection-idle-timeout", KT_DURATION,
	 "\"4h0m0s\"", "\"4h0m0s\"", 1},
	{"makeIPTablesUtilChains", "make-iptables-util-chains", KT_BOOL, "true", "true", 0},
	{"eventRecordQPS", "event-qps", KT_INT, "50", "50", 0},
	{"tlsCertFile", "tls-cert-file", KT_PATH, "\"\"", "\"\"", 0},
	{"tlsPrivateKeyFile", "tls-private-key-file", KT_PATH, "\"\"", "\"\"", 0},
	{"rotateCertificates", "rotate-certificates", KT_BOOL, "false", "false", 0},
	{"serverTLSBootstrap", "rotate-server-certificates", KT_BOOL, "false", "false", 0},
	{"featureGates", "feature-gates", KT_MAP_BOOL, "{}", "{}", 0},
	{"tlsCipherSuites", "tls-cipher-suites", KT_LIST, "null", "null", 0},
	{"podPidsLimit", "pod-max-pids", KT_INT, "-1", "-1", 1},
	{"seccompDefault", "seccomp-default", KT_BOOL, "false", "false", 0},
	{"protectKernelDefaults", "protect-kernel-defaults", KT_BOOL, "false", "false", 0},
};
#define NKFIELDS (sizeof(kfields) / sizeof(kfields[0]))

/* Flags that are not KubeletConfiguration fields (KubeletFlags). */
static const struct {
	const char *flag, *def;
} flag_only[] = {
	{"hostname-override", NULL}, {"kubeconfig", NULL}, {"bootstrap-kubeconfig", NULL},
	{"config", NULL}, {"config-dir", NULL}, {"cert-dir", "/var/lib/kubelet/pki"},
};

/* Feature gate defaults that CIS checks (pkg/features/kube_features.go). */
static const struct {
	const char *gate;
	int def;
} gate_defaults[] = {
	{"RotateKubeletServerCertificate", 1},	/* Beta, on by default since 1.12 */
};

struct eff {
	json_t *doc;		/* the configuration being built (v1beta1 JSON) */
	json_t *origin;		/* {FIELD: source} */
	json_t *gate_origin;	/* {GATE: source} */
	const char *default_src;
	json_t *errors;
};

static json_t *json_parse_const(const char *s)
{
	return json_loads(s, JSON_DECODE_ANY, NULL);
}

/* Is v of the field's JSON type?  Returns a reason when it is not. */
static const char *type_problem(const struct kfield *f, json_t *v)
{
	switch (f->type) {
	case KT_BOOL:
		return json_is_boolean(v) ? NULL : "expected a boolean";
	case KT_INT:
		return json_is_integer(v) ? NULL : "expected an integer";
	case KT_STRING:
	case KT_PATH:
		return json_is_string(v) ? NULL : "expected a string";
	case KT_DURATION: {
		if (!json_is_string(v))
			return "expected a duration string";
		int64_t ns;
		char *e = NULL;
		if (godur_parse(json_string_value(v), &ns, &e) < 0) {
			free(e);
			return "not a valid Go duration";
		}
		return NULL;
	}
	case KT_LIST: {
		if (!json_is_array(v))
			return "expected a list";
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			if (!json_is_string(x))
				return "expected a list of strings";
		return NULL;
	}
	case KT_MAP_BOOL: {
		if (!json_is_object(v))
			return "expected a map";
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)	/* null: removed by a merge patch */
			if (!json_is_boolean(x) && !json_is_null(x))
				return "expected a map of booleans";
		return NULL;
	}
	}
	return NULL;
}

static int is_zero(const struct kfield *f, json_t *v)
{
	if (f->type == KT_STRING)
		return json_is_string(v) && !*json_string_value(v);
	if (f->type == KT_DURATION) {
		int64_t ns = 1;
		char *e = NULL;
		if (json_is_string(v) && godur_parse(json_string_value(v), &ns, &e) == 0)
			return ns == 0;
		free(e);
		return 0;
	}
	if (f->type == KT_INT)	/* podPidsLimit: nil or negative means -1 */
		return json_is_integer(v) && json_integer_value(v) < 0;
	return 0;
}

/* SetDefaults_KubeletConfiguration for the fields we track. */
static void apply_defaults(struct eff *e)
{
	for (size_t i = 0; i < NKFIELDS; i++) {
		const struct kfield *f = &kfields[i];
		json_t *v = kube_get_path(e->doc, f->path);
		if (v && !json_is_null(v) && !(f->zero_defaults && is_zero(f, v)))
			continue;
		set_path(e->doc, f->path, json_parse_const(f->config_default));
		json_object_set_new(e->origin, f->path, json_string("default(config-mode)"));
	}
}

static void note_gates(struct eff *e, json_t *gates, const char *src)
{
	const char *k;
	json_t *v;
	json_object_foreach(gates, k, v)
		if (!json_is_null(v))
			json_object_set_new(e->gate_origin, k, json_string(src));
}

/*
 * Check apiVersion/kind and the types of the tracked fields of a parsed
 * file.  Returns a new message on a problem.
 */
static char *check_file(const char *path, json_t *obj)
{
	if (json_is_null(obj))
		return xasprintf("'%s': kubelet config file is empty", path);
	if (!json_is_object(obj))
		return xasprintf("'%s': not a KubeletConfiguration object", path);
	const char *api = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (!api || !kind)
		return xasprintf("'%s': no apiVersion/kind", path);
	if (strcmp(api, "kubelet.config.k8s.io/v1beta1") != 0 || strcmp(kind, "KubeletConfiguration") != 0)
		return xasprintf("'%s': unknown apiVersion/kind '%s, Kind=%s'", path, api, kind);
	for (size_t i = 0; i < NKFIELDS; i++) {
		json_t *v = kube_get_path(obj, kfields[i].path);
		const char *why = v && !json_is_null(v) ? type_problem(&kfields[i], v) : NULL;
		if (why)
			return xasprintf("'%s': %s: %s", path, kfields[i].path, why);
	}
	return NULL;
}

/* Relative paths in the --config file are relative to its directory. */
static void resolve_paths(json_t *obj, const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir = slash ? xstrndup(file, (size_t)(slash - file)) : xstrdup(".");
	for (size_t i = 0; i < NKFIELDS; i++) {
		if (kfields[i].type != KT_PATH)
			continue;
		json_t *v = kube_get_path(obj, kfields[i].path);
		const char *s = json_string_value(v);
		if (s && *s && *s != '/') {
			char *abs = xasprintf("%s/%s", *dir ? dir : "", s);
			json_string_set(v, abs);
			free(abs);
		}
	}
	free(dir);
}

static json_t *load_file(const struct kube_file *f, char **err)
{
	if (!f->text) {
		*err = xasprintf("'%s': %s", f->path, f->error ? f->error : "unreadable");
		return NULL;
	}
	if (f->len == 0) {
		*err = xasprintf("'%s': kubelet config file was empty", f->path);
		return NULL;
	}
	json_t *obj = kube_yaml_to_json(f->text, f->len, f->path, err);
	if (!obj)
		return NULL;
	*err = check_file(f->path, obj);
	if (*err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* After merging patch: a field the patch names gets its origin; a removed one loses it. */
static void note_patch(struct eff *e, json_t *patch, const char *src)
{
	for (size_t i = 0; i < NKFIELDS; i++) {
		json_t *pv = kube_get_path(patch, kfields[i].path);
		if (pv && !json_is_null(pv))
			json_object_set_new(e->origin, kfields[i].path, json_string(src));
		json_t *now = kube_get_path(e->doc, kfields[i].path);
		if (!now)
			json_object_del(e->origin, kfields[i].path);
	}
	json_t *pg = json_object_get(patch, "featureGates");
	if (json_is_null(pg)) {
		json_object_clear(e->gate_origin);
	} else if (json_is_object(pg)) {
		const char *k;
		json_t *v;
		json_object_foreach(pg, k, v) {
			if (json_is_null(v))
				json_object_del(e->gate_origin, k);
			else
				json_object_set_new(e->gate_origin, k, json_string(src));
		}
	}
}

/* {"value": v, "source": src}: setting borrows v, setting_new steals it. */
static json_t *setting(json_t *v, const char *src)
{
	return json_pack("{s:O,s:s}", "value", v ? v : json_null(), "source", src);
}

static json_t *setting_new(json_t *v, const char *src)
{
	return json_pack("{s:o,s:s}", "value", v ? v : json_null(), "source", src);
}

json_t *kubelet_effective(const struct kubelet_args *a, const struct kube_file *config,
			  const struct kube_file *dropins, size_t ndropins)
{
	struct eff e = {json_object(), json_object(), json_object(), NULL, json_array()};
	json_t *out = json_object();
	json_t *settings = json_object();
	json_t *applied = json_array(), *skipped = json_array();
	char *fatal = NULL;	/* a file problem that makes every field unknown */
	int config_mode = a->config != NULL;
	const char *k;
	json_t *v;

	json_array_extend(e.errors, a->pf.errors);
	e.default_src = config_mode ? "default(config-mode)" : "default(flag-mode)";

	/* 1. the baseline: flag-mode defaults (v1beta1 + applyLegacyDefaults) */
	if (!config_mode) {
		for (size_t i = 0; i < NKFIELDS; i++) {
			set_path(e.doc, kfields[i].path, json_parse_const(kfields[i].flag_default));
			json_object_set_new(e.origin, kfields[i].path, json_string("default(flag-mode)"));
		}
	}
	/* 2. --config replaces it, decoded and defaulted */
	if (config_mode && config) {
		char *err = NULL;
		json_t *obj = load_file(config, &err);
		if (!obj) {
			fatal = err;
		} else {
			char *src = xasprintf("config:%s", config->path);
			resolve_paths(obj, config->path);
			json_decref(e.doc);
			e.doc = obj;
			for (size_t i = 0; i < NKFIELDS; i++) {
				json_t *fv = kube_get_path(obj, kfields[i].path);
				if (fv && !json_is_null(fv))
					json_object_set_new(e.origin, kfields[i].path, json_string(src));
			}
			/* encoding/json decodes a null map value as false */
			json_t *fg = json_object_get(obj, "featureGates");
			const char *gk;
			json_t *gv;
			json_object_foreach(fg, gk, gv)
				if (json_is_null(gv))
					json_object_set_new(fg, gk, json_false());
			note_gates(&e, fg, src);
			apply_defaults(&e);
			free(src);
		}
	} else if (config_mode) {
		fatal = xasprintf("'%s': not read", a->config);
	}
	/* 3. --config-dir: *.conf files merged in walk order, then defaults again */
	if (a->config_dir && !fatal) {
		for (size_t i = 0; i < ndropins && !fatal; i++) {
			const struct kube_file *d = &dropins[i];
			if (!has_suffix(d->path, ".conf")) {
				json_array_append_new(skipped, json_string(d->path));
				continue;
			}
			char *err = NULL;
			json_t *patch = load_file(d, &err);
			if (!patch) {
				fatal = err;
				break;
			}
			char *src = xasprintf("dropin:%s", d->path);
			json_t *merged = kube_merge_patch(e.doc, patch);
			json_decref(e.doc);
			e.doc = merged;
			note_patch(&e, patch, src);
			json_array_append_new(applied, json_string(d->path));
			json_decref(patch);
			free(src);
		}
		if (!fatal)
			apply_defaults(&e);
	}
	/* 4. every command-line flag last */
	for (size_t i = 0; i < NKFIELDS; i++) {
		const struct kfield *f = &kfields[i];
		json_t *raws = json_object_get(a->pf.flags, f->flag);
		if (!raws)
			continue;
		const struct pflag_def *def = pflag_lookup(kubelet_flags, NKUBELET_FLAGS, f->flag);
		char *err = NULL;
		json_t *fv = pflag_value(def, raws, &err);
		char *src = xasprintf("argv:--%s", f->flag);
		if (!fv) {
			json_object_set_new(settings, f->path, json_pack("{s:s}", "error", err));
			json_array_append_new(e.errors, json_string(err));
			free(err);
		} else if (f->type == KT_MAP_BOOL) {
			/* kubeletConfigFlagPrecedence: flag gates, then file-only gates added back */
			json_t *gates = json_object_get(e.doc, "featureGates");
			if (!json_is_object(gates)) {
				gates = json_object();
				json_object_set_new(e.doc, "featureGates", gates);
			}
			json_object_update(gates, fv);
			note_gates(&e, fv, src);
			json_object_set_new(e.origin, f->path, json_string(src));
			json_decref(fv);
		} else {
			set_path(e.doc, f->path, fv);
			json_object_set_new(e.origin, f->path, json_string(src));
		}
		free(src);
	}

	/* settings */
	for (size_t i = 0; i < NKFIELDS; i++) {
		const struct kfield *f = &kfields[i];
		if (json_object_get(settings, f->path))
			continue;	/* a bad flag value */
		const char *src = json_string_value(json_object_get(e.origin, f->path));
		if (fatal && (!src || strncmp(src, "argv:", 5) != 0)) {
			json_object_set_new(settings, f->path, json_pack("{s:s}", "error", fatal));
			continue;
		}
		json_t *fv = kube_get_path(e.doc, f->path);
		if (f->type == KT_MAP_BOOL && fatal) {
			json_object_set_new(settings, f->path, json_pack("{s:s}", "error", fatal));
			continue;
		}
		json_object_set_new(settings, f->path, setting(fv, src ? src : e.default_src));
		if (f->type == KT_DURATION && json_is_string(fv)) {
			int64_t ns;
			char *err = NULL;
			char *key = xasprintf("%s_ns", f->path);
			if (godur_parse(json_string_value(fv), &ns, &err) == 0)
				json_object_set_new(settings, key, setting_new(json_integer(ns), src ? src : e.default_src));
			else
				json_object_set_new(settings, key, json_pack("{s:s}", "error", err));
			free(err);
			free(key);
		}
	}
	/* featureGates: the map, its sources, and each gate CIS names */
	json_t *gates = json_object_get(e.doc, "featureGates");
	if (!fatal || json_object_size(e.gate_origin)) {
		json_t *srcs = json_array();
		json_object_foreach(e.gate_origin, k, v) {
			int seen = 0;
			size_t j;
			json_t *s;
			json_array_foreach(srcs, j, s)
				seen |= json_equal(s, v);
			if (!seen)
				json_array_append(srcs, v);
		}
		if (!fatal) {
			json_t *gs = json_object_get(settings, "featureGates");
			if (gs && json_object_get(gs, "value") && json_array_size(srcs)) {
				char *joined = NULL;
				size_t j;
				json_t *s;
				json_array_foreach(srcs, j, s) {
					char *n = xasprintf("%s%s%s", joined ? joined : "", joined ? "," : "",
							    json_string_value(s));
					free(joined);
					joined = n;
				}
				json_object_set_new(gs, "source", json_string(joined));
				free(joined);
			}
		}
		json_decref(srcs);
	}
	for (size_t i = 0; i < sizeof(gate_defaults) / sizeof(gate_defaults[0]); i++) {
		char *key = xasprintf("featureGates.%s", gate_defaults[i].gate);
		json_t *gv = json_object_get(gates, gate_defaults[i].gate);
		const char *src = json_string_value(json_object_get(e.gate_origin, gate_defaults[i].gate));
		if (fatal && !(src && strncmp(src, "argv:", 5) == 0))
			json_object_set_new(settings, key, json_pack("{s:s}", "error", fatal));
		else if (json_is_boolean(gv))
			json_object_set_new(settings, key, setting(gv, src ? src : e.default_src));
		else
			json_object_set_new(settings, key, setting_new(json_boolean(gate_defaults[i].def),
								   "default(feature-gate)"));
		free(key);
	}
	/* flag-only settings */
	for (size_t i = 0; i < sizeof(flag_only) / sizeof(flag_only[0]); i++) {
		const char *s = last_string(a->pf.flags, flag_only[i].flag);
		char *src = xasprintf("argv:--%s", flag_only[i].flag);
		if (s)
			json_object_set_new(settings, flag_only[i].flag, setting_new(json_string(s), src));
		else
			json_object_set_new(settings, flag_only[i].flag,
					    setting_new(flag_only[i].def ? json_string(flag_only[i].def) : NULL,
						    "default"));
		free(src);
	}

	if (fatal)
		json_array_append_new(e.errors, json_string(fatal));
	json_t *flags = json_object();
	json_object_foreach(a->pf.flags, k, v) {
		json_t *list = json_array();
		size_t j;
		json_t *raw;
		json_array_foreach(v, j, raw)
			json_array_append_new(list, setting(raw, "argv"));
		json_object_set_new(flags, k, list);
	}
	json_object_set_new(out, "mode", json_string(config_mode ? "config" : "flag"));
	json_object_set_new(out, "flags", flags);
	if (json_array_size(a->pf.args))
		json_object_set(out, "args", a->pf.args);
	/* Unknown flags are copies of command-line words: they keep no secret values either. */
	redact_argv(a->pf.unknown);
	redact_argv(a->pf.args);
	if (json_array_size(a->pf.unknown))
		json_object_set(out, "unknown_flags", a->pf.unknown);
	json_object_set_new(out, "dropins", applied);
	json_object_set_new(out, "dropins_skipped", skipped);
	json_object_set_new(out, "settings", settings);
	json_object_set_new(out, "errors", e.errors);
	free(fatal);
	json_decref(e.doc);
	json_decref(e.origin);
	json_decref(e.gate_origin);
	return out;
}

/* ---- version -------------------------------------------------------- */

char *kube_version_scan(const char *data, size_t len)
{
	struct cand {
		unsigned minor, patch, count;
	} c[64];
	size_t nc = 0;
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), "v1.", 3);
		if (!hit)
			break;
		p = hit + 3;
		char prev = hit > data ? hit[-1] : 0;
		if (prev == '\t' || prev == '@' || prev == '/')
			continue;
		const char *q = p;
		unsigned minor = 0, patch = 0;
		int nd = 0;
		while (q < end && isdigit((unsigned char)*q) && nd < 3)
			minor = minor * 10 + (unsigned)(*q++ - '0'), nd++;
		if (nd == 0 || nd > 2 || q >= end || *q != '.')
			continue;
		q++;
		nd = 0;
		while (q < end && isdigit((unsigned char)*q) && nd < 4)
			patch = patch * 10 + (unsigned)(*q++ - '0'), nd++;
		if (nd == 0 || nd > 3 || (q < end && (isdigit((unsigned char)*q) || *q == '.')))
			continue;
		if (minor < 10 || minor > 69)
			continue;
		size_t i;
		for (i = 0; i < nc; i++)
			if (c[i].minor == minor && c[i].patch == patch)
				break;
		if (i == nc) {
			if (nc == 64)
				continue;
			c[nc++] = (struct cand){minor, patch, 0};
		}
		c[i].count++;
	}
	if (!nc)
		return NULL;
	size_t best = 0;
	for (size_t i = 1; i < nc; i++)
		if (c[i].count > c[best].count ||
		    (c[i].count == c[best].count &&
		     (c[i].minor > c[best].minor ||
		      (c[i].minor == c[best].minor && c[i].patch > c[best].patch))))
			best = i;
	return xasprintf("1.%u.%u", c[best].minor, c[best].patch);
}
