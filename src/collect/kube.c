#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "collect/kube.h"
#include "defs/defs.h"
#include "parse/redact.h"
#include "parse/kubelet.h"
#include "parse/kubeyaml.h"
#include "parse/pflag.h"
#include "parse/rancher.h"
#include "collect/proc.h"
#include "collect/systemd.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"


/* An absolute path for p, relative ones taken from cwd (new string). */
void kube_read_file(const struct rootfs *r, const char *path, struct kube_file *f,
			   struct buf *b)
{
	char *err = NULL;
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	buf_init(b, ROOTFS_READ_CAP);
	if (rootfs_read(r, path, ROOTFS_READ_CAP, b, &err) < 0) {
		f->error = err;	/* freed by release_kube_file */
		return;
	}
	f->text = b->data;
	f->len = b->len;
}

void kube_release_file(struct kube_file *f, struct buf *b)
{
	free((char *)f->path);
	free((char *)f->error);
	buf_release(b);
}

/* filepath.WalkDir: lexical per directory, depth first; symlinks not followed. */
static void walk_dropins(const struct rootfs *r, const char *dir, int depth,
			 char ***paths, size_t *n, size_t *alloc, json_t *errors)
{
	char **names;
	size_t nn;
	char *err = NULL;
	if (rootfs_listdir(r, dir, &names, &nn, &err) < 0) {
		json_array_append_new(errors, json_string(err));
		free(err);
		return;
	}
	for (size_t i = 0; i < nn && *n < DROPIN_MAX_FILES; i++) {
		char *p = path_join(dir, names[i]);
		struct stat st;
		if (rootfs_stat(r, p, 0, &st, &err) < 0) {
			json_array_append_new(errors, json_string(err));
			free(err);
			free(p);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth < DROPIN_MAX_DEPTH)
				walk_dropins(r, p, depth + 1, paths, n, alloc, errors);
			free(p);
			continue;
		}
		ALLOC_GROW(*paths, *n + 1, *alloc);
		(*paths)[(*n)++] = p;
	}
	rootfs_free_list(names, nn);
}

static json_t *file_ref(const struct rootfs *r, const char *path)
{
	struct stat st;
	char *err = NULL;
	json_t *o = json_pack("{s:s}", "path", path);
	if (rootfs_stat(r, path, 1, &st, &err) == 0) {
		json_object_set_new(o, "exists", json_true());
	} else {
		json_object_set_new(o, "exists", json_boolean(errno != ENOENT));
		if (errno != ENOENT)
			json_object_set_new(o, "error", json_string(err));
		free(err);
	}
	return o;
}

json_t *kube_version_of(const struct rootfs *r, const char *exe)
{
	struct buf b;
	char *err = NULL;
	json_t *out;
	buf_init(&b, KUBE_BINARY_CAP);
	if (rootfs_read(r, exe, KUBE_BINARY_CAP, &b, &err) < 0) {
		out = json_pack("{s:s}", "error", err);
		free(err);
	} else {
		char *v = kube_version_scan(b.data, b.len);
		char *src = xasprintf("binary:%s", exe);
		out = v ? fact_value(json_string(v), src)
			: json_pack("{s:s}", "error", "no version string found in the binary");
		free(v);
		free(src);
	}
	buf_release(&b);
	return out;
}

static const char *setting_string(json_t *settings, const char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(settings, key), "value"));
	return s && *s ? s : NULL;
}

static json_t *path_or_null(const char *p)
{
	return p ? json_string(p) : json_null();
}

/*
 * Which of the processes found is the host's service (collect/proc.h);
 * the record goes in o.identification.  Ambiguity is recorded as an
 * error of the component: its settings cannot be known.
 */
int kube_identify(const struct rootfs *r, int live, struct proc_info *procs, size_t n, const char *unit,
		    json_t *o, json_t *notes)
{
	if (!n)
		return -1;
	struct proc_service svc = { .unit = unit };
	json_t *ident = NULL;
	int k = proc_identify(r, live, procs, n, &svc, &ident);
	json_object_set_new(o, "identification", ident);
	proc_note_rejected(notes, unit, ident);
	if (k == -2) {
		char *list = json_dumps(json_object_get(ident, "ambiguous"), JSON_COMPACT);
		json_object_set_new(o, "ambiguous", json_sprintf("more than one process could be the host's %s "
				    "(pids %s), with the same evidence; boxaudit does not guess", unit, list));
		free(list);
	}
	return k;
}

/* ---- kube-proxy ------------------------------------------------------ */

/*
 * Every kube-proxy flag, so that "--flag value" splits as kube-proxy splits it:
 * kubernetes/website command-line-tools-reference/kube-proxy.md (3842a284,
 * about v1.31; no type word: a bool), and the deprecated healthz-port,
 * metrics-port and proxy-port-range (cmd/kube-proxy/app/options.go, c57e1156).
 */
static const struct pflag_def proxy_flags[] = {
	{"add-dir-header", PFLAG_BOOL, 0}, {"alsologtostderr", PFLAG_BOOL, 0},
	{"bind-address-hard-fail", PFLAG_BOOL, 0}, {"cleanup", PFLAG_BOOL, 0},
	{"conntrack-tcp-be-liberal", PFLAG_BOOL, 0}, {"help", PFLAG_BOOL, 'h'},
	{"init-only", PFLAG_BOOL, 0}, {"iptables-localhost-nodeports", PFLAG_BOOL, 0},
	{"ipvs-strict-arp", PFLAG_BOOL, 0}, {"log-text-split-stream", PFLAG_BOOL, 0},
	{"logtostderr", PFLAG_BOOL, 0}, {"masquerade-all", PFLAG_BOOL, 0},
	{"one-output", PFLAG_BOOL, 0}, {"profiling", PFLAG_BOOL, 0},
	{"skip-headers", PFLAG_BOOL, 0}, {"skip-log-headers", PFLAG_BOOL, 0},
	{"version", PFLAG_BOOL, 0}, {"bind-address", PFLAG_STRING, 0},
	{"cluster-cidr", PFLAG_STRING, 0}, {"config", PFLAG_STRING, 0},
	{"config-sync-period", PFLAG_STRING, 0}, {"conntrack-max-per-core", PFLAG_STRING, 0},
	{"conntrack-min", PFLAG_STRING, 0}, {"conntrack-tcp-timeout-close-wait", PFLAG_STRING, 0},
	{"conntrack-tcp-timeout-established", PFLAG_STRING, 0},
	{"conntrack-udp-timeout", PFLAG_STRING, 0},
	{"conntrack-udp-timeout-stream", PFLAG_STRING, 0}, {"detect-local-mode", PFLAG_STRING, 0},
	{"feature-gates", PFLAG_STRING, 0}, {"healthz-bind-address", PFLAG_STRING, 0},
	{"healthz-port", PFLAG_STRING, 0}, {"hostname-override", PFLAG_STRING, 0},
	{"iptables-masquerade-bit", PFLAG_STRING, 0},
	{"iptables-min-sync-period", PFLAG_STRING, 0}, {"iptables-sync-period", PFLAG_STRING, 0},
	{"ipvs-exclude-cidrs", PFLAG_STRING, 0}, {"ipvs-min-sync-period", PFLAG_STRING, 0},
	{"ipvs-scheduler", PFLAG_STRING, 0}, {"ipvs-sync-period", PFLAG_STRING, 0},
	{"ipvs-tcp-timeout", PFLAG_STRING, 0}, {"ipvs-tcpfin-timeout", PFLAG_STRING, 0},
	{"ipvs-udp-timeout", PFLAG_STRING, 0}, {"kube-api-burst", PFLAG_STRING, 0},
	{"kube-api-content-type", PFLAG_STRING, 0}, {"kube-api-qps", PFLAG_STRING, 0},
	{"kubeconfig", PFLAG_STRING, 0}, {"log-backtrace-at", PFLAG_STRING, 0},
	{"log-dir", PFLAG_STRING, 0}, {"log-file", PFLAG_STRING, 0},
	{"log-file-max-size", PFLAG_STRING, 0}, {"log-flush-frequency", PFLAG_STRING, 0},
	{"log-text-info-buffer-size", PFLAG_STRING, 0}, {"logging-format", PFLAG_STRING, 0},
	{"master", PFLAG_STRING, 0}, {"metrics-bind-address", PFLAG_STRING, 0},
	{"metrics-port", PFLAG_STRING, 0}, {"nodeport-addresses", PFLAG_STRING, 0},
	{"oom-score-adj", PFLAG_STRING, 0}, {"pod-bridge-interface", PFLAG_STRING, 0},
	{"pod-interface-name-prefix", PFLAG_STRING, 0}, {"proxy-mode", PFLAG_STRING, 0},
	{"proxy-port-range", PFLAG_STRING, 0},
	{"show-hidden-metrics-for-version", PFLAG_STRING, 0}, {"stderrthreshold", PFLAG_STRING, 0},
	{"v", PFLAG_INT, 'v'}, {"vmodule", PFLAG_STRING, 0}, {"write-config-to", PFLAG_STRING, 0},
};

static const char *last_flag(json_t *flags, const char *name)
{
	json_t *l = json_object_get(flags, name);
	size_t n = json_array_size(l);
	return n ? json_string_value(json_array_get(l, n - 1)) : NULL;
}

/*
 * kube-proxy's settings and files from its words (after the program):
 * with --config, the file replaces everything bound to the configuration
 * (its flags are ignored: cmd/kube-proxy/app/server.go and the flag help
 * "This parameter is ignored if a config file is specified by --config");
 * without it, the flag or the default 127.0.0.1:10249.  map turns a path
 * kube-proxy names into a host path (NULL: not on the host); NULL map:
 * absolute from "/".
 */
void kube_proxy_settings(const struct rootfs *r, const char *const *words, size_t nwords, const char *origin,
			 char *(*map)(void *arg, const char *path), void *arg, json_t *o)
{
	struct pflag_result pf;
	pflag_parse(proxy_flags, sizeof(proxy_flags) / sizeof(proxy_flags[0]),
		    PFLAG_NORMALIZE_UNDERSCORE, words, nwords, &pf);
	json_t *settings = json_object(), *files = json_object();
	const char *config = last_flag(pf.flags, "config");
	const char *flag_metrics = last_flag(pf.flags, "metrics-bind-address");
	const char *flag_kubeconfig = last_flag(pf.flags, "kubeconfig");
	if (config && *config) {
		char *cfg = map ? map(arg, config) : path_abs("/", config);
		struct kube_file f;
		struct buf b;
		json_t *doc = NULL;
		char *perr = NULL;
		if (!cfg) {
			perr = xasprintf("'%s' is inside kube-proxy's container (no hostPath volume holds it)", config);
			f.text = NULL;
			memset(&b, 0, sizeof(b));
			f.path = f.error = NULL;
		} else {
			kube_read_file(r, cfg, &f, &b);
		}
		json_object_set_new(files, "config", cfg ? json_string(cfg) : json_null());
		if (perr)
			;
		else if (!f.text)
			perr = xasprintf("'%s': %s", cfg, f.error);
		else if (!(doc = kube_yaml_to_json(f.text, f.len, cfg, &perr)))
			;
		else if (!json_is_object(doc) ||
			 !json_is_string(json_object_get(doc, "kind")) ||
			 strcmp(json_string_value(json_object_get(doc, "kind")), "KubeProxyConfiguration") != 0)
			perr = xasprintf("'%s': not a KubeProxyConfiguration", cfg);
		if (perr) {
			json_object_set_new(settings, "metricsBindAddress", json_pack("{s:s}", "error", perr));
			json_object_set_new(files, "kubeconfig", json_pack("{s:s}", "error", perr));
			free(perr);
		} else {
			char *src = xasprintf("config:%s", cfg);
			const char *m = json_string_value(json_object_get(doc, "metricsBindAddress"));
			json_object_set_new(settings, "metricsBindAddress",
					    m && *m ? fact_value(json_string(m), src)
						    : fact_value(json_string("127.0.0.1:10249"), "default(config-mode)"));
			const char *kc = json_string_value(kube_get_path(doc, "clientConnection.kubeconfig"));
			char *kch = kc && *kc ? (map ? map(arg, kc) : path_abs("/", kc)) : NULL;
			json_object_set_new(files, "kubeconfig", path_or_null(kch));
			free(kch);
			free(src);
		}
		if (flag_metrics || flag_kubeconfig) {
			json_t *ign = json_array();
			if (flag_metrics)
				json_array_append_new(ign, json_string("--metrics-bind-address"));
			if (flag_kubeconfig)
				json_array_append_new(ign, json_string("--kubeconfig"));
			json_object_set_new(o, "ignored_flags", ign);
		}
		json_decref(doc);
		if (cfg)
			kube_release_file(&f, &b);
		free(cfg);
	} else {
		json_object_set_new(files, "config", json_null());
		char *src = xasprintf("%s--metrics-bind-address", origin);
		json_object_set_new(settings, "metricsBindAddress",
				    flag_metrics ? fact_value(json_string(flag_metrics), src)
						 : fact_value(json_string("127.0.0.1:10249"), "default"));
		free(src);
		char *kch = flag_kubeconfig && *flag_kubeconfig ? (map ? map(arg, flag_kubeconfig) : xstrdup(flag_kubeconfig)) : NULL;
		json_object_set_new(files, "kubeconfig", path_or_null(kch));
		free(kch);
	}
	/* A flag right after an unknown one may have been its value (pflag.h "shadowed"). */
	const char *by_config = json_string_value(json_object_get(pf.shadowed, "config"));
	static const char *const shadowable[][2] = {
		{ "metrics-bind-address", "metricsBindAddress" }, { "kubeconfig", "kubeconfig" },
	};
	for (size_t i = 0; i < 2; i++) {
		const char *by = by_config ? by_config
			: !config ? json_string_value(json_object_get(pf.shadowed, shadowable[i][0])) : NULL;
		if (!by)
			continue;
		char *why = pflag_shadow_reason(by_config ? "config" : shadowable[i][0], by, "kube-proxy");
		json_object_set_new(i ? files : settings, shadowable[i][1], json_pack("{s:s}", "error", why));
		free(why);
	}
	json_object_set_new(o, "settings", settings);
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "errors", json_incref(pf.errors));
	pflag_result_release(&pf);
}

/*
 * kube-proxy as a trusted process; kubecp.c adds kube-proxy.service or a
 * static pod when none runs.
 */
static json_t *collect_proxy(const struct rootfs *r, int live, json_t *notes)
{
	static const char *const names[] = {"kube-proxy", NULL};
	struct proc_info *procs = NULL;
	size_t n = 0;
	char *err = NULL;
	json_t *o = json_object();

	if (proc_find(r, names, &procs, &n, &err) < 0) {
		json_object_set_new(o, "proc_error", json_string(err));
		free(err);
	}
	int k = kube_identify(r, live, procs, n, "kube-proxy.service", o, notes);
	json_object_set_new(o, "running", json_boolean(k >= 0));
	if (k < 0) {
		proc_info_free_all(procs, n);
		return o;
	}
	json_t *pj = proc_info_json(&procs[k]);
	redact_argv(json_object_get(pj, "argv"));
	json_object_set_new(o, "process", pj);
	size_t argc = procs[k].argc;
	kube_proxy_settings(r, (const char *const *)procs[k].argv + (argc > 0), argc > 0 ? argc - 1 : 0,
			    "argv:", NULL, NULL, o);
	proc_info_free_all(procs, n);
	return o;
}

/* ---- kubelet --------------------------------------------------------- */

static int is_kubelet(const struct proc_info *p)
{
	const char *exe = *p->exe ? p->exe : p->comm;
	const char *b = strrchr(exe, '/');
	b = b ? b + 1 : exe;
	if (strcmp(b, "kubelet") == 0)
		return 1;
	return strcmp(b, "hyperkube") == 0 && p->argc > 1 && strcmp(p->argv[1], "kubelet") == 0;
}

/*
 * The kubelet: its trusted process, else kubelet.service, else the command
 * line a distribution gives its embedded kubelet (dist: the facts of
 * collect/kubedist.c, borrowed; its defaults drop-in is applied first when
 * the distribution has not written it yet).
 */
static json_t *collect_kubelet(const struct rootfs *r, json_t *proxy_files,
			       const struct kube_schema *schema, int live, json_t *notes, json_t *dist)
{
	static const char *const names[] = {"kubelet", "hyperkube", NULL};
	struct proc_info *procs = NULL;
	size_t n = 0;
	char *err = NULL;
	json_t *o = json_object();
	json_t *argv = NULL;
	const char *exe = NULL;
	char *cwd = xstrdup("/");

	json_t *dcmd = NULL;	/* the distribution's command, when the kubelet's is it */
	json_t *unit = systemd_unit_collect(r, "kubelet.service");
	if (proc_find(r, names, &procs, &n, &err) < 0) {
		json_object_set_new(o, "proc_error", json_string(err));
		free(err);
	}
	/* hyperkube runs other components too: only its kubelet is a candidate. */
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_kubelet(&procs[i]))
			procs[nk++] = procs[i];
		else
			proc_info_release(&procs[i]);
	}
	n = nk;
	int ki = kube_identify(r, live, procs, n, "kubelet.service", o, notes);
	size_t k = ki >= 0 ? (size_t)ki : n;
	int unit_usable = json_is_true(json_object_get(unit, "exists")) &&
			  !json_is_true(json_object_get(unit, "masked"));
	json_object_set_new(o, "running", json_boolean(k < n || ki == -2));
	if (ki == -2) {
		/* Which command line is the kubelet's is unknown: its settings are too. */
		argv = json_array();
		json_object_set_new(o, "process", json_null());
		json_object_set_new(o, "argv_source", json_string("ambiguous"));
	} else if (k < n) {
		json_t *pj = proc_info_json(&procs[k]);
		argv = json_incref(json_object_get(pj, "argv"));
		json_object_set_new(o, "process", pj);
		char *src = xasprintf("proc:%d", (int)procs[k].pid);
		json_object_set_new(o, "argv_source", json_string(src));
		free(src);
		char *link = xasprintf("/proc/%d/cwd", (int)procs[k].pid);
		char *target = NULL;
		if (rootfs_readlink(r, link, &target, &err) == 0 && *target == '/') {
			free(cwd);
			cwd = target;
		} else {
			free(target);
			free(err);
			err = NULL;
		}
		free(link);
		if (*procs[k].exe)
			exe = procs[k].exe;
	} else if (unit_usable && json_is_array(json_object_get(unit, "exec_start"))) {
		argv = json_incref(json_object_get(unit, "exec_start"));
		json_object_set_new(o, "process", json_null());
		json_object_set_new(o, "argv_source", json_string("systemd:kubelet.service"));
	} else if ((dcmd = json_object_get(json_object_get(dist, "commands"), "kubelet"))) {
		argv = json_deep_copy(json_object_get(dcmd, "argv"));
		json_object_set_new(o, "process", json_null());
		json_object_set(o, "argv_source", json_object_get(dcmd, "source"));
		json_object_set_new(o, "running", json_boolean(json_is_true(json_object_get(dist, "running"))));
	} else {
		json_object_set_new(o, "process", json_null());
		json_object_set_new(o, "argv_source", json_string("none"));
	}
	json_t *unit_err = json_object_get(unit, "error");
	static const char *const binaries[] = { "/usr/bin/kubelet", "/usr/local/bin/kubelet", "/opt/bin/kubelet",
						"/home/kubernetes/bin/kubelet", NULL };
	const char *binary = NULL;
	for (size_t i = 0; !argv && !json_is_true(json_object_get(unit, "exists")) && binaries[i] && !binary; i++)
		if (rootfs_exists(r, binaries[i]))
			binary = binaries[i];
	if (!argv && json_is_string(unit_err)) {
		/* No process, and kubelet.service could not be looked up: unknown, not absent. */
		json_object_set_new(o, "present", json_pack("{s:O}", "error", unit_err));
	} else if (binary) {
		/* Installed, but nothing says how it runs: its settings cannot be known. */
		json_t *why = json_sprintf("a kubelet is installed (%s) but no process, kubelet.service or known "
					   "distribution says how it runs, so its settings cannot be derived", binary);
		if (json_is_array(notes))
			json_array_append_new(notes, json_sprintf("Not understood: %s; the kubelet's checks are ERROR, "
								  "not SKIP.", json_string_value(why)));
		json_object_set_new(o, "present", json_pack("{s:o}", "error", why));
		json_object_set_new(o, "installed", json_true());
	} else
		json_object_set_new(o, "present",
				    json_boolean(argv || json_is_true(json_object_get(unit, "exists"))));
	json_t *service = json_array();
	if (json_is_string(json_object_get(unit, "path")))
		json_array_append(service, json_object_get(unit, "path"));
	json_array_extend(service, json_object_get(unit, "dropins"));
	if (dcmd)	/* the unit that starts the distribution starts its kubelet */
		json_array_extend(service, json_object_get(dist, "unit_files"));
	if (json_is_string(unit_err) && !json_array_size(service)) {
		json_decref(service);
		service = json_pack("{s:O}", "error", unit_err);
	}
	json_object_set_new(o, "systemd", json_pack("{s:O}", "kubelet.service", unit));
	json_decref(unit);

	if (!argv) {
		json_object_set_new(o, "files", json_pack("{s:n,s:n,s:n,s:n,s:n,s:o,s:O}",
							  "kubeconfig", "config", "client_ca", "tls_cert",
							  "tls_key", "service", service, "proxy_kubeconfig",
							  json_object_get(proxy_files, "kubeconfig") ?
							  json_object_get(proxy_files, "kubeconfig") : json_null()));
		proc_info_free_all(procs, n);
		free(cwd);
		return o;
	}
	json_object_set_new(o, "argv", argv);
	/* Without a process the command line is the unit's: an unread drop-in may change it. */
	/* (a distribution's command may say why its kubelet's settings cannot be derived) */
	const char *fatal = ki == -2 ? json_string_value(json_object_get(o, "ambiguous")) :
			    k < n ? procs[k].argv_error :
			    dcmd ? json_string_value(json_object_get(dcmd, "error")) :
				   systemd_unit_error(json_object_get(json_object_get(o, "systemd"), "kubelet.service"));
	if (fatal) {
		/* an empty or cut command line would read as flag-mode defaults */
		json_object_set_new(o, "settings", json_pack("{s:s}", "error", fatal));
		json_object_set_new(o, "errors", json_pack("[s]", fatal));
		/* The files the command line would name are unknown too, not unconfigured. */
		json_t *files = json_pack("{s:o}", "service", service);
		static const char *const named[] = {"kubeconfig", "config", "client_ca", "tls_cert",
						    "tls_key", NULL};
		for (int i = 0; named[i]; i++)
			json_object_set_new(files, named[i], json_pack("{s:s}", "error", fatal));
		json_object_set_new(o, "files", files);
		json_object_set_new(o, "version", json_pack("{s:s}", "error", "command line not read"));
		proc_info_free_all(procs, n);
		free(cwd);
		return o;
	}
	const char *argv0 = json_string_value(json_array_get(argv, 0));
	if (!exe && argv0 && *argv0 == '/')
		exe = argv0;

	struct kubelet_args a;
	kubelet_args_parse(argv, &a);
	/* Parsed: the recorded command line keeps no secret values. */
	redact_argv(argv);
	json_t *errors = json_array();
	struct kube_file config, *dropins = NULL;
	struct buf config_buf, *bufs = NULL;
	char *config_path = NULL, *dir_path = NULL;
	char **paths = NULL;
	size_t npaths = 0, alloc = 0;
	if (a.config) {
		config_path = path_abs(cwd, a.config);
		kube_read_file(r, config_path, &config, &config_buf);
		json_t *fr = file_ref(r, config_path);
		json_object_set_new(o, "config_file", fr);
	} else {
		json_object_set_new(o, "config_file", json_null());
	}
	json_t *ddef = json_object_get(dcmd, "defaults_dropin");
	if (a.config_dir) {
		dir_path = path_abs(cwd, a.config_dir);
		/* The distribution writes its drop-in directory when it starts: not there yet is not an error. */
		if (ddef) {
			ALLOC_GROW(paths, npaths + 1, alloc);
			paths[npaths++] = xstrdup(json_string_value(json_object_get(ddef, "path")));
		}
		if (!ddef || rootfs_exists(r, dir_path))
			walk_dropins(r, dir_path, 0, &paths, &npaths, &alloc, errors);
		dropins = xcalloc(npaths ? npaths : 1, sizeof(*dropins));
		bufs = xcalloc(npaths ? npaths : 1, sizeof(*bufs));
		for (size_t i = 0; i < npaths; i++) {
			size_t len = strlen(paths[i]);
			if (ddef && i == 0) {	/* what it would write, from its defaults */
				const char *t = json_string_value(json_object_get(ddef, "text"));
				dropins[i].path = xstrdup(paths[i]);
				buf_init(&bufs[i], ROOTFS_READ_CAP);
				if (buf_add(&bufs[i], t, strlen(t)) < 0)
					abort();	/* a few hundred bytes, well within the cap */
				dropins[i].text = bufs[i].data;
				dropins[i].len = bufs[i].len;
			} else if (len >= 5 && strcmp(paths[i] + len - 5, ".conf") == 0) {
				kube_read_file(r, paths[i], &dropins[i], &bufs[i]);
			} else {	/* skipped by the kubelet: not read */
				dropins[i].path = xstrdup(paths[i]);
				buf_init(&bufs[i], 0);
			}
		}
	}
	json_object_set_new(o, "config_dir", path_or_null(dir_path));

	/* config.path is the resolved path: sources name it */
	json_t *eff = kubelet_effective(schema, &a, a.config ? &config : NULL, dropins, npaths);
	const char *key;
	json_t *v;
	json_object_foreach(eff, key, v) {
		if (strcmp(key, "errors") == 0)
			json_array_extend(errors, v);
		else
			json_object_set(o, key, v);
	}
	json_object_set_new(o, "errors", errors);
	json_t *settings = json_object_get(eff, "settings");
	if (dcmd) {	/* origins: the distribution's default, or the configuration that set it */
		rancher_relabel(settings, "argv:", json_object_get(dcmd, "origins"));
		rancher_relabel(json_object_get(o, "settings"), "argv:", json_object_get(dcmd, "origins"));
		if (ddef) {
			const char *label = json_string_value(json_object_get(ddef, "source"));
			char *from = xasprintf("dropin:%s", json_string_value(json_object_get(ddef, "path")));
			/* a value of the drop-in that one of the distribution's flags decided: that flag's origin */
			const char *skey;
			json_t *sv;
			json_object_foreach(json_object_get(ddef, "sources"), skey, sv) {
				json_t *set = json_object_get(json_object_get(o, "settings"), skey);
				const char *src = json_string_value(json_object_get(set, "source"));
				if (src && !strcmp(src, from) && json_is_string(sv))
					json_object_set(set, "source", sv);
			}
			rancher_relabel_exact(json_object_get(o, "settings"), from, label);
			free(from);
		}
	}

	/* files the CIS checks stat */
	json_t *files = json_object();
	const char *kc = setting_string(settings, "kubeconfig");
	char *kc_abs = kc ? path_abs(cwd, kc) : NULL;
	json_object_set_new(files, "kubeconfig", path_or_null(kc_abs));
	json_object_set_new(files, "config", path_or_null(config_path));
	const char *ca = setting_string(settings, "authentication.x509.clientCAFile");
	const char *cert = setting_string(settings, "tlsCertFile");
	const char *key_file = setting_string(settings, "tlsPrivateKeyFile");
	char *ca_abs = ca ? path_abs(cwd, ca) : NULL;
	char *cert_abs = cert ? path_abs(cwd, cert) : NULL;
	char *key_abs = key_file ? path_abs(cwd, key_file) : NULL;
	json_object_set_new(files, "client_ca", path_or_null(ca_abs));
	json_object_set_new(files, "tls_cert", path_or_null(cert_abs));
	json_object_set_new(files, "tls_key", path_or_null(key_abs));
	json_object_set_new(files, "service", service);
	json_t *pk = json_object_get(proxy_files, "kubeconfig");
	json_object_set_new(files, "proxy_kubeconfig", pk ? json_incref(pk) : json_null());
	json_object_set_new(o, "files", files);

	json_object_set_new(o, "version", dcmd ? json_incref(json_object_get(dist, "version")) :
					  exe ? kube_version_of(r, exe)
					      : json_pack("{s:s}", "error", "kubelet executable not known"));

	free(kc_abs);
	free(ca_abs);
	free(cert_abs);
	free(key_abs);
	json_decref(eff);
	if (a.config)
		kube_release_file(&config, &config_buf);
	for (size_t i = 0; i < npaths; i++) {
		kube_release_file(&dropins[i], &bufs[i]);
		free(paths[i]);
	}
	free(paths);
	free(dropins);
	free(bufs);
	free(config_path);
	free(dir_path);
	kubelet_args_release(&a);
	proc_info_free_all(procs, n);
	free(cwd);
	return o;
}

int collect_kubernetes(struct collect_ctx *ctx)
{
	json_t *k = json_object_get(ctx->facts, "kubernetes");
	if (!json_is_object(k)) {
		k = json_object();
		json_object_set_new(ctx->facts, "kubernetes", k);
	}
	json_t *notes = json_object_get(ctx->facts, "notes");
	json_t *proxy = collect_proxy(ctx->root, ctx->live, notes);
	/* What the kubelet's effective configuration tracks is data. */
	static const struct kube_schema none;
	const struct component *c = defs_component(ctx->opts->defs, "kubelet");
	json_t *kubelet = collect_kubelet(ctx->root, json_object_get(proxy, "files"), c ? &c->schema : &none, ctx->live,
					  notes, json_object_get(k, "distribution"));
	if (!c)
		json_array_append_new(json_object_get(kubelet, "errors"),
				      json_string("no definition of the kubelet's configuration is loaded "
						  "(checks/kubernetes/components/kubelet.yaml)"));
	json_object_set_new(k, "kubelet", kubelet);
	json_object_set_new(k, "proxy", proxy);
	return 0;
}
