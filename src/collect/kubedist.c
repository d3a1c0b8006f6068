/*
 * collect/kubedist.c: k3s and RKE2, the Kubernetes distributions that
 * embed their components (docs/KUBERNETES.md "k3s and RKE2").
 *
 * k3s runs the kubelet, kube-proxy, the API server, the controller manager,
 * the scheduler and etcd inside its one process; RKE2 runs the kubelet as
 * a process and the control plane as static pods it writes.  Neither has
 * a kubelet.service or a kubeadm manifest directory, so the ordinary
 * collectors would say "no kubelet" on their nodes.  This collector runs
 * first and derives, the way the distribution does, the command line it
 * gives each embedded component:
 *
 *   the distribution's own process (trusted as collect/proc.h says) or its
 *   systemd unit's ExecStart, the flags of config.yaml and config.yaml.d/
 *   inserted before them (parse/rancher.h), the distribution's defaults for
 *   each component, then the user's kubelet-arg, kube-apiserver-arg, ...
 *
 * and records them in kubernetes.distribution.commands.  The kubelet,
 * kube-proxy and control-plane collectors use a command from there when no
 * process, unit or manifest of their own is found, and every value keeps
 * its origin (config:FILE, unit:FILE, default(k3s server)).
 *
 * collect_kubernetes_distribution_check runs last: whatever the node has
 * and boxaudit could not derive (a malformed config.yaml, a control plane
 * RKE2 has not written yet) becomes an error naming why, so the checks
 * over it are ERROR, never a silent SKIP, and a note says so.
 *
 * The defaults are those of k3s's source (pkg/daemons/agent/agent.go
 * kubeletArgsAndConfig and defaultKubeletConfig, agent_linux.go
 * kubeProxyArgs, pkg/daemons/control/server.go apiServer,
 * controllerManager, scheduler) as the k3s CIS self-assessment guides show
 * them on a running server ("Running kube-apiserver ..." log lines); RKE2
 * uses k3s's agent.  docs/KUBERNETES.md lists them.  The kubelet's depend
 * on the version: a config drop-in from v1.32.1, flags before v1.32
 * (kubeletArgs); RKE2's --profile changes them, or stops RKE2 from
 * starting (checks/kubernetes/NOTES.md "RKE2's profile").
 */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "collect/collector.h"
#include "collect/proc.h"
#include "collect/rootfs.h"
#include "collect/systemd.h"
#include "collect/kube.h"
#include "collect/kubedist.h"
#include "collect/users.h"
#include "parse/rancher.h"
#include "parse/redact.h"
#include "facts/facts.h"
#include "base/buf.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct distribution {
	const char *name, *title;
	const char *server_unit, *agent_unit;
	const char *files[6];		/* binaries, configuration, data: evidence */
	const char *config, *config_env;	/* default config.yaml, and the variable that moves it */
	const char *data_dir;
	int control_plane_pods;		/* the control plane runs as static pods it writes (RKE2) */
	int always_etcd;		/* embedded etcd unless an external datastore is given (RKE2) */
	const char *proc;		/* its process name, when not name */
	int unsupported;		/* found, never derived: every check over it is ERROR */
	int cis_profile;		/* it has --profile (RKE2), which changes its defaults */
};

static const struct distribution dists[] = {
	{ "k3s", "k3s", "k3s.service", "k3s-agent.service",
	  { "/usr/local/bin/k3s", "/usr/bin/k3s", "/etc/rancher/k3s/config.yaml", "/var/lib/rancher/k3s", NULL },
	  "/etc/rancher/k3s/config.yaml", "K3S_CONFIG_FILE", "/var/lib/rancher/k3s", 0, 0, NULL, 0, 0 },
	{ "rke2", "RKE2", "rke2-server.service", "rke2-agent.service",
	  { "/usr/local/bin/rke2", "/usr/bin/rke2", "/opt/rke2/bin/rke2", "/etc/rancher/rke2/config.yaml",
	    "/var/lib/rancher/rke2", NULL },
	  "/etc/rancher/rke2/config.yaml", "RKE2_CONFIG_FILE", "/var/lib/rancher/rke2", 1, 1, NULL, 0, 1 },
	/* Present but not understood: their nodes are ERROR, never a silent "no kubelet". */
	{ "k0s", "k0s", "k0scontroller.service", "k0sworker.service",
	  { "/usr/local/bin/k0s", "/usr/bin/k0s", "/etc/k0s/k0s.yaml", "/var/lib/k0s", NULL },
	  NULL, NULL, "/var/lib/k0s", 0, 0, NULL, 1, 0 },
	{ "microk8s", "MicroK8s", "snap.microk8s.daemon-kubelite.service", NULL,
	  { "/snap/microk8s/current", "/var/snap/microk8s/current/args/kubelet", NULL },
	  NULL, NULL, "/var/snap/microk8s/current", 0, 0, "kubelite", 1, 0 },
};

/*
 * Flags of k3s and RKE2 server/agent that take no value (urfave/cli BoolFlag,
 * BoolTFlag), so "--flag word" keeps word apart: k3s-io/k3s pkg/cli/cmds
 * server.go, agent.go, root.go and rancher/rke2 pkg/cli/cmds (docs/KUBERNETES.md
 * "k3s and RKE2"), with the removed disable-selinux and no-flannel.
 */
static const char *const bool_flags[] = {
	"cluster-init", "cluster-reset", "secrets-encryption", "protect-kernel-defaults",
	"disable-apiserver", "disable-controller-manager", "disable-scheduler", "disable-etcd",
	"disable-kube-proxy", "disable-cloud-controller", "disable-network-policy",
	"disable-helm-controller", "disable-default-registry-endpoint", "embedded-registry",
	"selinux", "rootless", "debug", "docker", "prefer-bundled-bin", "flannel-ipv6-masq",
	"flannel-external-ip", "etcd-expose-metrics", "etcd-disable-snapshots",
	"etcd-snapshot-compress", "etcd-s3", "etcd-s3-insecure", "with-node-id", "enable-pprof",
	"supervisor-metrics", "alsologtostderr", "tls-san-security", "etcd-s3-skip-ssl-verify",
	"kine-tls", "disable-agent", "disable-apiserver-lb", "nonroot-devices", "enable-servicelb",
	"node-name-from-cloud-provider-metadata", "disable-selinux", "no-flannel", NULL,
};

/* The process the distribution runs as: server or agent, and where its command line comes from. */
struct dist_run {
	const struct distribution *d;
	const char *role;		/* "server", "agent", "unknown" */
	json_t *evidence;
	json_t *words;			/* the command line after the subcommand */
	char *words_origin;		/* "proc:PID", "unit:FILE" */
	json_t *env;			/* the unit's or process's environment (raw: not recorded) */
	json_t *unit;			/* the systemd unit that starts it, or NULL */
	int running;
	char *exe;
};

/* A JSON string of a formatted message (any bytes: jstr escapes what is not UTF-8). */
static json_t *jfmt(char *s)
{
	json_t *j = jstr(s);
	free(s);
	return j;
}

static void run_release(struct dist_run *run)
{
	json_decref(run->evidence);
	json_decref(run->words);
	json_decref(run->env);
	json_decref(run->unit);
	free(run->words_origin);
	free(run->exe);
}

/* The words after the first "server" or "agent" of argv (a JSON array), and which it was. */
static json_t *after_subcommand(json_t *argv, const char **role)
{
	json_t *words = json_array();
	size_t i, start = 0;
	json_t *w;
	json_array_foreach(argv, i, w) {
		const char *s = json_string_value(w);
		if (i && s && (!strcmp(s, "server") || !strcmp(s, "agent"))) {
			*role = !strcmp(s, "server") ? "server" : "agent";
			start = i + 1;
			break;
		}
	}
	for (i = start; start && i < json_array_size(argv); i++)
		json_array_append(words, json_array_get(argv, i));
	return words;
}

/* The process names of every distribution, for one scan of /proc (NULL-terminated). */
static const char *const *dist_proc_names(void)
{
	static const char *names[sizeof(dists) / sizeof(dists[0]) + 1];
	for (size_t i = 0; i < sizeof(dists) / sizeof(dists[0]); i++)
		names[i] = dists[i].proc ? dists[i].proc : dists[i].name;
	return names;
}

/*
 * Whether distribution d is on the node, with its evidence and command
 * line; 0 when not.  all (n of them) are the processes of every
 * distribution's name, from the one scan of /proc.
 */
static int detect(const struct collect_ctx *ctx, const struct distribution *d, struct proc_info *all, size_t nall,
		  struct dist_run *run)
{
	memset(run, 0, sizeof(*run));
	run->d = d;
	run->role = "unknown";
	run->evidence = json_array();
	json_t *units[2] = { NULL, NULL };
	json_t *envs[2] = { NULL, NULL };
	const char *unit_names[2] = { d->server_unit, d->agent_unit };
	for (int i = 0; i < 2; i++) {
		if (!unit_names[i])
			continue;
		units[i] = systemd_unit_collect_env(ctx->root, unit_names[i], &envs[i]);
		if (json_is_true(json_object_get(units[i], "exists")) && !json_is_true(json_object_get(units[i], "masked")))
			json_array_append_new(run->evidence, jfmt(xasprintf("unit:%s",
				json_string_value(json_object_get(units[i], "path")))));
	}
	for (size_t i = 0; d->files[i]; i++)
		if (rootfs_exists(ctx->root, d->files[i]))
			json_array_append_new(run->evidence, jfmt(xasprintf("file:%s", d->files[i])));

	/* The process: root's and the host's only (another user's "k3s" is not the node's). */
	const char *const names[] = { d->proc ? d->proc : d->name, NULL };
	/* this distribution's among them: copies that share their strings (all owns them) */
	struct proc_info *procs = xcalloc(nall ? nall : 1, sizeof(*procs));
	size_t n = 0;
	for (size_t i = 0; i < nall; i++)
		if (proc_is_named(&all[i], names))
			procs[n++] = all[i];
	json_t *ident = json_object();
	int k = n ? kube_identify(ctx->root, ctx->live, procs, n, d->server_unit, ident,
				  json_object_get(ctx->facts, "notes")) : -1;
	json_decref(ident);
	if (k >= 0) {
		json_t *pj = proc_info_json(&procs[k]);
		json_t *argv = json_object_get(pj, "argv");
		run->words = after_subcommand(argv, &run->role);
		json_array_append_new(run->evidence, jfmt(xasprintf("proc:%d %s %s", (int)procs[k].pid, d->name,
								     run->role)));
		run->running = 1;
		run->words_origin = xasprintf("proc:%d", (int)procs[k].pid);
		run->env = proc_environ(ctx->root, procs[k].pid, NULL);
		if (*procs[k].exe)
			run->exe = xstrdup(procs[k].exe);
		json_decref(pj);
	}
	free(procs);

	/* The unit of the role found (or the one that exists): its command line when no process was trusted. */
	int ui = !strcmp(run->role, "agent") ? 1 : !strcmp(run->role, "server") ? 0 :
		 json_is_true(json_object_get(units[0], "exists")) ? 0 :
		 json_is_true(json_object_get(units[1], "exists")) ? 1 : -1;
	if (ui >= 0 && json_is_true(json_object_get(units[ui], "exists"))) {
		run->unit = json_incref(units[ui]);
		/* A process may show a shortened command line; the unit says how it was started. */
		if (!run->words || json_array_size(run->words) == 0) {
			json_t *exec = json_object_get(units[ui], "exec_start");
			const char *role = ui ? "agent" : "server";
			json_decref(run->words);
			run->words = json_is_array(exec) ? after_subcommand(exec, &role) : json_array();
			if (!run->running)
				run->role = role;
			free(run->words_origin);
			run->words_origin = xasprintf("unit:%s", json_string_value(json_object_get(units[ui], "path")));
			if (!run->env)
				run->env = json_is_object(envs[ui]) ? json_incref(envs[ui]) : json_object();
			const char *exe = json_string_value(json_array_get(exec, 0));
			if (!run->exe && exe && *exe == '/')
				run->exe = xstrdup(exe);
		}
	}
	for (int i = 0; i < 2; i++) {
		json_decref(units[i]);
		json_decref(envs[i]);
	}
	if (!json_array_size(run->evidence)) {
		run_release(run);
		return 0;
	}
	if (!run->words)
		run->words = json_array();
	if (!run->env)
		run->env = json_object();
	if (!run->words_origin)
		run->words_origin = xstrdup("none");
	if (!run->exe)
		for (size_t i = 0; d->files[i] && !run->exe; i++)
			if (strstr(d->files[i], "/bin/") && rootfs_exists(ctx->root, d->files[i]))
				run->exe = xstrdup(d->files[i]);
	return 1;
}

/* config.yaml and config.yaml.d/ *.yaml|*.yml (name order), as k3s reads them; NULL with *err. */
static json_t *read_config(const struct rootfs *r, const char *config, json_t *files_read, char **err)
{
	char *dir = xasprintf("%s.d", config);
	char **names = NULL;
	size_t nn = 0;
	char *lerr = NULL;
	if (rootfs_listdir(r, dir, &names, &nn, &lerr) < 0) {
		free(lerr);
		nn = 0;
		names = NULL;
	}
	size_t cap = nn + 1, n = 0;
	struct rancher_file *files = xcalloc(cap, sizeof(*files));
	struct buf *bufs = xcalloc(cap, sizeof(*bufs));
	char **paths = xcalloc(cap, sizeof(*paths));
	json_t *out = NULL;
	for (size_t i = 0; i <= nn; i++) {
		char *p;
		if (i == 0) {
			p = xstrdup(config);
		} else {
			const char *nm = names[i - 1];
			size_t l = strlen(nm);
			if (!((l > 5 && !strcasecmp(nm + l - 5, ".yaml")) || (l > 4 && !strcasecmp(nm + l - 4, ".yml"))))
				continue;
			p = path_join(dir, nm);
			struct stat st;
			char *serr = NULL;
			if (rootfs_stat(r, p, 1, &st, &serr) < 0 || S_ISDIR(st.st_mode)) {
				free(serr);
				free(p);
				continue;
			}
		}
		buf_init(&bufs[n], ROOTFS_READ_CAP);
		char *rerr = NULL;
		if (rootfs_read(r, p, ROOTFS_READ_CAP, &bufs[n], &rerr) < 0) {
			int missing = i == 0 && !rootfs_exists(r, p);
			buf_release(&bufs[n]);
			if (missing) {		/* an absent config.yaml is no error */
				free(rerr);
				free(p);
				continue;
			}
			*err = xasprintf("'%s': %s", p, rerr);
			free(rerr);
			free(p);
			goto out;
		}
		paths[n] = p;
		files[n] = (struct rancher_file){ p, bufs[n].data, bufs[n].len };
		json_array_append_new(files_read, json_string(p));
		n++;
	}
	out = rancher_config_flags(files, n, err);
out:
	for (size_t i = 0; i < n; i++) {
		buf_release(&bufs[i]);
		free(paths[i]);
	}
	free(files);
	free(bufs);
	free(paths);
	rootfs_free_list(names, nn);
	free(dir);
	return out;
}

/* The value of flag (or its short form), else the environment variable, else dflt (borrowed or dflt). */
static const char *flag_or(json_t *flags, const char *flag, const char *shortf, const char *dflt)
{
	json_t *v = rancher_last(flags, flag);
	if (!v && shortf)
		v = rancher_last(flags, shortf);
	const char *s = json_string_value(json_object_get(v, "value"));
	return s && *s ? s : dflt;
}

/*
 * The environment variables its flags read (urfave/cli EnvVar), for the
 * flags neither the command line nor a file gives: PREFIX_NAME.
 */
static void env_flags(json_t *flags, json_t *env, const char *prefix, const char *origin)
{
	static const struct {
		const char *var, *flag;
	} vars[] = {
		{ "DATA_DIR", "data-dir" }, { "NODE_NAME", "node-name" }, { "URL", "server" },
		{ "KUBECONFIG_OUTPUT", "write-kubeconfig" }, { "KUBECONFIG_MODE", "write-kubeconfig-mode" },
		{ "DATASTORE_ENDPOINT", "datastore-endpoint" }, { "DATASTORE_CAFILE", "datastore-cafile" },
		{ "DATASTORE_CERTFILE", "datastore-certfile" }, { "DATASTORE_KEYFILE", "datastore-keyfile" },
		{ "CLUSTER_INIT", "cluster-init" }, { "SELINUX", "selinux" },
		{ "CIS_PROFILE", "profile" },	/* RKE2's only: rke2 server --profile [$RKE2_CIS_PROFILE] */
	};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if (!strcmp(vars[i].flag, "profile") && strcmp(prefix, "RKE2"))
			continue;
		char *name = xasprintf("%s_%s", prefix, vars[i].var);
		const char *v = json_string_value(json_object_get(env, name));
		if (v && *v && !json_object_get(flags, vars[i].flag)) {
			char *o = xasprintf("env:%s (%s)", name, origin);
			json_object_set_new(flags, vars[i].flag, json_pack("[{s:s,s:s}]", "value", v, "origin", o));
			free(o);
		}
		free(name);
	}
}

/* A growing list of default arguments whose strings the list owns. */
struct args {
	struct rancher_arg *v;
	char **owned;
	size_t n, alloc, nowned, owned_alloc;
	const char *origin;
};

static void arg(struct args *a, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void arg(struct args *a, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = xvasprintf(fmt, ap);
	va_end(ap);
	ALLOC_GROW(a->v, a->n + 1, a->alloc);
	ALLOC_GROW(a->owned, a->nowned + 1, a->owned_alloc);
	a->owned[a->nowned++] = v;
	a->v[a->n++] = (struct rancher_arg){ key, v, a->origin };
}

/* KEY from a k3s flag when it is given (its value and origin), else dflt (when not NULL) as a default. */
static void arg_or(struct args *a, const char *key, json_t *flags, const char *flag, const char *dflt)
{
	json_t *v = rancher_last(flags, flag);
	const char *s = json_string_value(json_object_get(v, "value"));
	if (s && *s) {
		const char *saved = a->origin;
		a->origin = json_string_value(json_object_get(v, "origin"));
		arg(a, key, "%s", s);
		a->origin = saved;
	} else if (dflt) {
		arg(a, key, "%s", dflt);
	}
}

static void args_release(struct args *a)
{
	for (size_t i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* commands[name] = {argv, origins, source}: the component's command line from its defaults and user words. */
static json_t *command(json_t *commands, const char *name, struct args *a, json_t *flags, const char *user_flag,
		       const char *source)
{
	json_t *origins = NULL;
	json_t *argv = rancher_getargs(name, a->v, a->n, user_flag ? json_object_get(flags, user_flag) : NULL, &origins);
	json_t *c = json_pack("{s:o,s:o,s:s,s:s}", "argv", argv, "origins", origins, "prefix", "dist:",
			      "source", source);
	json_object_set_new(commands, name, c);
	args_release(a);
	return c;
}

/*
 * The KubeletConfiguration k3s writes as DIR/00-NAME-defaults.conf at
 * start (defaultKubeletConfig), for a node where it is not on disk yet.
 */
static char *kubelet_defaults(const char *data, int protect_kernel_defaults)
{
	return xasprintf("apiVersion: kubelet.config.k8s.io/v1beta1\n"
			 "kind: KubeletConfiguration\n"
			 "authentication:\n"
			 "  anonymous:\n    enabled: false\n"
			 "  webhook:\n    enabled: true\n    cacheTTL: 2m0s\n"
			 "  x509:\n    clientCAFile: %s/agent/client-ca.crt\n"
			 "authorization:\n  mode: Webhook\n"
			 "cgroupDriver: cgroupfs\n"
			 "clusterDomain: cluster.local\n"
			 "failSwapOn: false\n"
			 "healthzBindAddress: 127.0.0.1\n"
			 "protectKernelDefaults: %s\n"
			 "readOnlyPort: 0\n"
			 "staticPodPath: %s/agent/pod-manifests\n"
			 "streamingConnectionIdleTimeout: 4h0m0s\n"
			 "tlsCertFile: %s/agent/serving-kubelet.crt\n"
			 "tlsPrivateKeyFile: %s/agent/serving-kubelet.key\n",
			 data, protect_kernel_defaults ? "true" : "false", data, data, data);
}

/* The node name k3s registers: --node-name (or K3S_NODE_NAME), else the host name (lower case). */
static char *node_name(const struct rootfs *r, json_t *flags)
{
	const char *s = flag_or(flags, "node-name", NULL, NULL);
	if (s && *s)
		return xstrdup(s);
	struct buf b;
	char *err = NULL, *out = NULL;
	buf_init(&b, 4096);
	if (rootfs_read(r, "/etc/hostname", 4096, &b, &err) == 0) {
		size_t l = strcspn(b.data ? b.data : "", " \t\r\n");
		if (l) {
			out = xstrndup(b.data, l);
			for (char *p = out; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
		}
	}
	free(err);
	buf_release(&b);
	return out;
}

/* MAJOR.MINOR.PATCH of the distribution's version ("1.32.4"); 0 when it is not known. */
static int dist_version(json_t *dist, unsigned long v[3])
{
	const char *s = json_string_value(json_object_get(json_object_get(dist, "version"), "value"));
	if (!s)
		return 0;
	for (int i = 0; i < 3; i++) {
		char *end;
		if (*s < '0' || *s > '9')
			return 0;
		v[i] = strtoul(s, &end, 10);
		s = end;
		if (i < 2 && *s++ != '.')
			return 0;
	}
	return 1;
}

/* Whether version v is at least a.b.c. */
static int version_ge(const unsigned long v[3], unsigned long a, unsigned long b, unsigned long c)
{
	return v[0] != a ? v[0] > a : v[1] != b ? v[1] > b : v[2] >= c;
}

/*
 * How the distribution gives its kubelet its settings, by its version
 * (docs/KUBERNETES.md "k3s and RKE2", step 6): 1, the config drop-in
 * 00-NAME-defaults.conf and --config-dir (k3s-io/k3s#2116, from v1.32.1);
 * 0, flags only (kubeletArgs, every release before v1.32); -1 with *why
 * (new) when boxaudit cannot tell.
 */
static int kubelet_dropin_era(const struct distribution *d, json_t *dist, char **why)
{
	unsigned long v[3];
	if (!dist_version(dist, v)) {
		const char *e = json_string_value(json_object_get(json_object_get(dist, "version"), "error"));
		*why = xasprintf("the %s version is unknown (%s), and %s passes its kubelet settings as flags before "
				 "v1.32 and as the drop-in 00-%s-defaults.conf from v1.32.1, so they cannot be derived",
				 d->title, e ? e : "not read", d->title, d->name);
		return -1;
	}
	if (version_ge(v, 1, 32, 1))
		return 1;
	if (!version_ge(v, 1, 32, 0))
		return 0;
	*why = xasprintf("whether %s v%lu.%lu.%lu passes its kubelet settings as flags or writes the drop-in "
			 "00-%s-defaults.conf (v1.32.1 and later do) is not verified, so they cannot be derived",
			 d->title, v[0], v[1], v[2], d->name);
	return -1;
}

/*
 * RKE2's --profile (profile: in config.yaml, RKE2_CIS_PROFILE): 1 when it
 * runs RKE2 in CIS mode, 0 when there is none, -1 with *why (new) when
 * RKE2 refuses to start with it, or when whether this release accepts it
 * is not verified.  Sources: pkg/cli/cmds/profile_linux.go validateProfile
 * and pkg/rke2/rke2.go isCISMode (NOTES.md "RKE2's profile").
 */
static int rke2_profile(json_t *flags, json_t *dist, char **why)
{
	const char *p = flag_or(flags, "profile", NULL, NULL);
	if (!p || !*p)
		return 0;
	unsigned long v[3];
	int known = dist_version(dist, v);
	const char *invalid = "RKE2 refuses to start with it: \"invalid value provided for --profile flag\" "
			      "(pkg/cli/cmds/profile_linux.go validateProfile)";
	if (!known) {
		*why = xasprintf("profile: %s is set, and what it makes RKE2 do depends on its version, which is "
				 "unknown", p);
		return -1;
	}
	if (!strcmp(p, "cis")) {
		if (version_ge(v, 1, 29, 0))
			return 1;
		*why = xasprintf("profile: cis is set, and whether RKE2 v%lu.%lu.%lu accepts it (its guides name "
				 "cis-1.23 up to v1.28) is not verified", v[0], v[1], v[2]);
		return -1;
	}
	if (!strcmp(p, "cis-1.23")) {
		if (version_ge(v, 1, 25, 0) && !version_ge(v, 1, 29, 0))
			return 1;
		*why = version_ge(v, 1, 29, 0)
			? xasprintf("profile: cis-1.23 is set, and RKE2 v%lu.%lu.%lu refuses to start with it "
				    "(pkg/rke2/rke2.go isCISMode: \"cis-1.23 profile is deprecated. Please use 'cis' "
				    "instead.\"; later releases: \"invalid value provided for --profile flag\")",
				    v[0], v[1], v[2])
			: xasprintf("profile: cis-1.23 is set, and RKE2 before v1.25 knows only cis-1.5 and cis-1.6: "
				    "%s", invalid);
		return -1;
	}
	if (!strcmp(p, "cis-1.5") || !strcmp(p, "cis-1.6")) {
		if (!version_ge(v, 1, 25, 0))
			return 1;
		*why = xasprintf("profile: %s is set, and RKE2 v1.25 and later do not know it: %s", p, invalid);
		return -1;
	}
	if (!strcmp(p, "etcd")) {
		*why = xstrdup("profile: etcd is set, and which RKE2 releases accept it is not verified");
		return -1;
	}
	*why = xasprintf("profile: %s is set: %s", p, invalid);
	return -1;
}

/*
 * In CIS mode RKE2 sets --protect-kernel-defaults (setCISFlags), and
 * refuses to start when it is set to false: 0, or -1 with *why (new).
 */
static int rke2_cis_flags(json_t *flags, const char *role, char **why)
{
	json_t *v = rancher_last(flags, "protect-kernel-defaults");
	if (v && !rancher_bool(flags, "protect-kernel-defaults")) {
		*why = xasprintf("RKE2 refuses to start: \"--protect-kernel-defaults must be true when using "
				 "--profile=%s\" (%s; pkg/cli/cmds/profile_linux.go setCISFlags)",
				 flag_or(flags, "profile", NULL, ""),
				 json_string_value(json_object_get(v, "origin")));
		return -1;
	}
	char *o = xasprintf("default(rke2 %s, profile: %s)", role, flag_or(flags, "profile", NULL, ""));
	json_object_set_new(flags, "protect-kernel-defaults", json_pack("[{s:s,s:s}]", "value", "true", "origin", o));
	free(o);
	return 0;
}

/*
 * A CIS-mode RKE2 server needs the etcd user and group, and exits without
 * them (profile_linux.go validateETCDReqs: user.Lookup("etcd"),
 * user.LookupGroup("etcd")): 0, or -1 with *why (new).
 */
static int rke2_etcd_user(const struct rootfs *r, char **why)
{
	struct users u;
	uid_t uid;
	gid_t gid;
	int rc = users_load(&u, r);
	if (rc < 0 || !rootfs_exists(r, "/etc/passwd") || !rootfs_exists(r, "/etc/group")) {
		const char *e = u.passwd.error ? u.passwd.error : u.group.error;
		*why = e ? xasprintf("RKE2 in CIS mode needs the etcd user and group, and /etc/passwd or /etc/group "
				     "cannot be read: %s", e)
			 : xstrdup("RKE2 in CIS mode needs the etcd user and group, and /etc/passwd or /etc/group is "
				   "not there to say whether they exist");
	} else if (users_uid(&u, "etcd", &uid) < 0) {
		*why = xstrdup("RKE2 refuses to start in CIS mode: \"missing required: user: unknown user etcd\" "
			       "(pkg/cli/cmds/profile_linux.go validateETCDReqs; /etc/passwd has no etcd)");
	} else if (groups_gid(&u, "etcd", &gid) < 0) {
		*why = xstrdup("RKE2 refuses to start in CIS mode: \"missing required: group: unknown group etcd\" "
			       "(pkg/cli/cmds/profile_linux.go validateETCDReqs; /etc/group has no etcd)");
	}
	users_release(&u);
	return *why ? -1 : 0;
}

/*
 * The kubelet's flags k3s (and RKE2, which runs k3s's agent) passed before
 * the drop-in (pkg/daemons/agent/agent_linux.go kubeletArgs, v1.31 and
 * before): those the CIS checks read, and their neighbours.
 */
static void kubelet_flags_before_dropin(struct args *a, json_t *flags, const char *data)
{
	arg(a, "healthz-bind-address", "127.0.0.1");
	arg(a, "read-only-port", "0");
	arg(a, "cluster-domain", "cluster.local");
	arg(a, "kubeconfig", "%s/agent/kubelet.kubeconfig", data);
	arg(a, "eviction-hard", "imagefs.available<5%%,nodefs.available<5%%");
	arg(a, "eviction-minimum-reclaim", "imagefs.available=10%%,nodefs.available=10%%");
	arg(a, "fail-swap-on", "false");
	arg(a, "cgroup-driver", "cgroupfs");
	arg(a, "authentication-token-webhook", "true");
	arg(a, "anonymous-auth", "false");
	arg(a, "authorization-mode", "Webhook");
	arg(a, "pod-manifest-path", "%s/agent/pod-manifests", data);
	arg(a, "serialize-image-pulls", "false");
	arg(a, "containerd", "/run/k3s/containerd/containerd.sock");
	arg(a, "container-runtime-endpoint", "unix:///run/k3s/containerd/containerd.sock");
	arg(a, "client-ca-file", "%s/agent/client-ca.crt", data);
	arg(a, "tls-cert-file", "%s/agent/serving-kubelet.crt", data);
	arg(a, "tls-private-key-file", "%s/agent/serving-kubelet.key", data);
	if (rancher_bool(flags, "protect-kernel-defaults")) {
		const char *saved = a->origin;
		a->origin = json_string_value(json_object_get(rancher_last(flags, "protect-kernel-defaults"), "origin"));
		arg(a, "protect-kernel-defaults", "true");
		a->origin = saved;
	}
}

/*
 * The commands of k3s's embedded components, and facts of the
 * distribution (data_dir, datastore) into dist.
 */
static void derive(const struct collect_ctx *ctx, const struct dist_run *run, json_t *flags, json_t *dist)
{
	const struct distribution *d = run->d;
	const struct rootfs *r = ctx->root;
	json_t *commands = json_object();
	json_object_set_new(dist, "commands", commands);
	/* K3S_DATA_DIR, K3S_NODE_NAME, ... are in flags already (env_flags) */
	const char *data = flag_or(flags, "data-dir", "d", d->data_dir);
	json_object_set_new(dist, "data_dir", json_string(data));
	char *src_agent = xasprintf("default(%s agent)", d->name), *src_server = xasprintf("default(%s server)", d->name);
	char *node = node_name(r, flags);
	int node_given = rancher_last(flags, "node-name") != NULL;
	char *how = xasprintf("%s %s (%s, %s's configuration files and defaults)", d->name, run->role,
			      run->words_origin, d->name);

	/* The kubelet (kubeletArgsAndConfig): flags, and the defaults drop-in it writes. */
	char *era_why = NULL;
	int era = kubelet_dropin_era(d, dist, &era_why);
	struct args a = { .origin = src_agent };
	if (era == 0) {
		kubelet_flags_before_dropin(&a, flags, data);
	} else {
		arg(&a, "config-dir", "%s/agent/etc/kubelet.conf.d", data);
		arg(&a, "kubeconfig", "%s/agent/kubelet.kubeconfig", data);
		arg(&a, "read-only-port", "0");
	}
	/* Always set: to the node name, which defaults to the host name. */
	if (node_given)
		arg_or(&a, "hostname-override", flags, "node-name", NULL);
	else
		arg(&a, "hostname-override", "%s", node ? node : "(this node's host name)");
	if (!rancher_bool(flags, "disable-cloud-controller"))
		arg(&a, "cloud-provider", "external");
	json_t *kc = command(commands, "kubelet", &a, flags, "kubelet-arg", how);
	if (era < 0)	/* not a guess: its checks are ERROR with why */
		json_object_set_new(kc, "error", jfmt(era_why));
	char *dropin = xasprintf("%s/agent/etc/kubelet.conf.d/00-%s-defaults.conf", data, d->name);
	if (era == 1 && !rootfs_exists(r, dropin)) {
		char *text = kubelet_defaults(data, rancher_bool(flags, "protect-kernel-defaults"));
		char *label = xasprintf("default(%s agent: %s is written when %s starts; not on disk)", d->name,
					dropin, d->name);
		json_t *def = json_pack("{s:s,s:s,s:s}", "path", dropin, "text", text, "source", label);
		/* what a flag of the distribution's decided is labelled with that flag's origin */
		json_t *pk = rancher_last(flags, "protect-kernel-defaults");
		if (pk)
			json_object_set_new(def, "sources", json_pack("{s:O}", "protectKernelDefaults",
								     json_object_get(pk, "origin")));
		json_object_set_new(kc, "defaults_dropin", def);
		free(text);
		free(label);
	}
	free(dropin);

	/* kube-proxy (kubeProxyArgs), unless disabled. */
	if (!rancher_bool(flags, "disable-kube-proxy")) {
		a = (struct args){ .origin = src_agent };
		arg(&a, "proxy-mode", "iptables");
		arg(&a, "healthz-bind-address", "127.0.0.1");
		arg(&a, "kubeconfig", "%s/agent/kubeproxy.kubeconfig", data);
		arg_or(&a, "cluster-cidr", flags, "cluster-cidr", "10.42.0.0/16");
		arg(&a, "conntrack-max-per-core", "0");
		arg(&a, "conntrack-tcp-timeout-established", "0s");
		arg(&a, "conntrack-tcp-timeout-close-wait", "0s");
		if (node_given)
			arg_or(&a, "hostname-override", flags, "node-name", NULL);
		else
			arg(&a, "hostname-override", "%s", node ? node : "(this node's host name)");
		command(commands, "kube-proxy", &a, flags, "kube-proxy-arg", how);
	}

	/* The datastore: embedded etcd, an external one, or kine (SQLite by default). */
	const char *endpoint = flag_or(flags, "datastore-endpoint", NULL, NULL);
	char *etcd_dir = xasprintf("%s/server/db/etcd", data);
	const char *store = endpoint ? (!strncmp(endpoint, "http://", 7) || !strncmp(endpoint, "https://", 8) ?
					"external-etcd" : "kine")
		: d->always_etcd || rancher_bool(flags, "cluster-init") || flag_or(flags, "server", "s", NULL) ||
		  rootfs_exists(r, etcd_dir) ?
		"etcd" : "kine";
	json_object_set_new(dist, "datastore", json_string(store));
	static const char *const disables[] = { "disable-apiserver", "disable-controller-manager", "disable-scheduler",
						"disable-etcd", "disable-kube-proxy", NULL };
	json_t *disabled = json_array();
	for (size_t i = 0; disables[i]; i++)
		if (rancher_bool(flags, disables[i]))
			json_array_append_new(disabled, json_string(disables[i]));
	json_object_set_new(dist, "disabled", disabled);

	if (strcmp(run->role, "agent") && !d->control_plane_pods) {
		char *s = xasprintf("%s/server", data);
		if (!rancher_bool(flags, "disable-apiserver")) {
			a = (struct args){ .origin = src_server };
			arg_or(&a, "advertise-port", flags, "https-listen-port", "6443");
			arg(&a, "allow-privileged", "true");
			arg(&a, "anonymous-auth", "false");
			arg(&a, "api-audiences", "https://kubernetes.default.svc.cluster.local,%s", d->name);
			arg(&a, "authorization-mode", "Node,RBAC");
			arg(&a, "bind-address", "127.0.0.1");
			arg(&a, "cert-dir", "%s/tls/temporary-certs", s);
			arg(&a, "client-ca-file", "%s/tls/client-ca.crt", s);
			arg(&a, "egress-selector-config-file", "%s/etc/egress-selector-config.yaml", s);
			arg(&a, "enable-admission-plugins", "NodeRestriction");
			arg(&a, "enable-aggregator-routing", "true");
			arg(&a, "enable-bootstrap-token-auth", "true");
			if (!strcmp(store, "etcd")) {
				arg(&a, "etcd-cafile", "%s/tls/etcd/server-ca.crt", s);
				arg(&a, "etcd-certfile", "%s/tls/etcd/client.crt", s);
				arg(&a, "etcd-keyfile", "%s/tls/etcd/client.key", s);
				arg(&a, "etcd-servers", "https://127.0.0.1:2379");
			} else if (!strcmp(store, "external-etcd")) {
				arg_or(&a, "etcd-servers", flags, "datastore-endpoint", NULL);
				arg_or(&a, "etcd-cafile", flags, "datastore-cafile", NULL);
				arg_or(&a, "etcd-certfile", flags, "datastore-certfile", NULL);
				arg_or(&a, "etcd-keyfile", flags, "datastore-keyfile", NULL);
			} else {
				arg(&a, "etcd-servers", "unix://kine.sock");
			}
			if (rancher_bool(flags, "secrets-encryption")) {
				arg(&a, "encryption-provider-config", "%s/cred/encryption-config.json", s);
				arg(&a, "encryption-provider-config-automatic-reload", "true");
			}
			arg(&a, "kubelet-certificate-authority", "%s/tls/server-ca.crt", s);
			arg(&a, "kubelet-client-certificate", "%s/tls/client-kube-apiserver.crt", s);
			arg(&a, "kubelet-client-key", "%s/tls/client-kube-apiserver.key", s);
			arg(&a, "kubelet-preferred-address-types", "InternalIP,ExternalIP,Hostname");
			arg(&a, "profiling", "false");
			arg(&a, "proxy-client-cert-file", "%s/tls/client-auth-proxy.crt", s);
			arg(&a, "proxy-client-key-file", "%s/tls/client-auth-proxy.key", s);
			arg(&a, "requestheader-allowed-names", "system:auth-proxy");
			arg(&a, "requestheader-client-ca-file", "%s/tls/request-header-ca.crt", s);
			arg(&a, "requestheader-extra-headers-prefix", "X-Remote-Extra-");
			arg(&a, "requestheader-group-headers", "X-Remote-Group");
			arg(&a, "requestheader-username-headers", "X-Remote-User");
			arg(&a, "secure-port", "6444");
			arg(&a, "service-account-issuer", "https://kubernetes.default.svc.cluster.local");
			arg(&a, "service-account-key-file", "%s/tls/service.key", s);
			arg(&a, "service-account-signing-key-file", "%s/tls/service.current.key", s);
			arg_or(&a, "service-cluster-ip-range", flags, "service-cidr", "10.43.0.0/16");
			arg_or(&a, "service-node-port-range", flags, "service-node-port-range", "30000-32767");
			arg(&a, "storage-backend", "etcd3");
			/* k3s's default suites (the k3s CIS 1.12 guide, 1.2.29: "By default, the K3s kube-apiserver complies") */
			arg(&a, "tls-cipher-suites", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
			    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
			    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305");
			arg(&a, "tls-cert-file", "%s/tls/serving-kube-apiserver.crt", s);
			arg(&a, "tls-private-key-file", "%s/tls/serving-kube-apiserver.key", s);
			command(commands, "kube-apiserver", &a, flags, "kube-apiserver-arg", how);
		}
		if (!rancher_bool(flags, "disable-controller-manager")) {
			a = (struct args){ .origin = src_server };
			arg(&a, "allocate-node-cidrs", "true");
			arg(&a, "authentication-kubeconfig", "%s/cred/controller.kubeconfig", s);
			arg(&a, "authorization-kubeconfig", "%s/cred/controller.kubeconfig", s);
			arg(&a, "bind-address", "127.0.0.1");
			arg_or(&a, "cluster-cidr", flags, "cluster-cidr", "10.42.0.0/16");
			arg(&a, "kubeconfig", "%s/cred/controller.kubeconfig", s);
			arg(&a, "profiling", "false");
			arg(&a, "root-ca-file", "%s/tls/server-ca.crt", s);
			arg(&a, "secure-port", "10257");
			arg(&a, "service-account-private-key-file", "%s/tls/service.current.key", s);
			arg(&a, "use-service-account-credentials", "true");
			command(commands, "kube-controller-manager", &a, flags, "kube-controller-manager-arg", how);
		}
		if (!rancher_bool(flags, "disable-scheduler")) {
			a = (struct args){ .origin = src_server };
			arg(&a, "authentication-kubeconfig", "%s/cred/scheduler.kubeconfig", s);
			arg(&a, "authorization-kubeconfig", "%s/cred/scheduler.kubeconfig", s);
			arg(&a, "bind-address", "127.0.0.1");
			arg(&a, "kubeconfig", "%s/cred/scheduler.kubeconfig", s);
			arg(&a, "profiling", "false");
			arg(&a, "secure-port", "10259");
			command(commands, "kube-scheduler", &a, flags, "kube-scheduler-arg", how);
		}
		/* Embedded etcd reads the configuration file k3s writes (etcd-arg is merged into it). */
		if (!strcmp(store, "etcd") && !rancher_bool(flags, "disable-etcd")) {
			a = (struct args){ .origin = src_server };
			arg(&a, "config-file", "%s/db/etcd/config", s);
			command(commands, "etcd", &a, flags, NULL, how);
		}
		free(s);
	}
	if (strcmp(run->role, "agent")) {
		char *s = xasprintf("%s/server", data);
		/* The administrative kubeconfigs it writes (1.1.13/1.1.14): admin.kubeconfig, and k3s.yaml. */
		json_t *admin = json_array();
		char *p = xasprintf("%s/cred/admin.kubeconfig", s);
		if (rootfs_exists(r, p))
			json_array_append_new(admin, json_string(p));
		free(p);
		/* the cluster-admin kubeconfig it writes for users (--write-kubeconfig, mode --write-kubeconfig-mode) */
		char *dflt = xasprintf("/etc/rancher/%s/%s.yaml", d->name, d->name);
		const char *w = flag_or(flags, "write-kubeconfig", "o", dflt);
		if (*w == '/' && rootfs_exists(r, w))
			json_array_append_new(admin, json_string(w));
		free(dflt);
		json_object_set_new(dist, "admin_kubeconfigs", admin);
		free(s);
	}
	free(etcd_dir);
	free(node);
	free(how);
	free(src_agent);
	free(src_server);
}

/* Set PARENT.OBJ.KEY to an error saying why, unless it says true already; PARENT.OBJ is returned. */
static json_t *not_understood(json_t *parent, const char *obj, const char *key, const char *why)
{
	json_t *o = json_object_get(parent, obj);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, obj, o);
	}
	if (!json_is_true(json_object_get(o, key)))
		json_object_set_new(o, key, json_pack("{s:s}", "error", why));
	return o;
}

static json_t *k8s_object(json_t *facts)
{
	json_t *k8s = json_object_get(facts, "kubernetes");
	if (!json_is_object(k8s)) {
		k8s = json_object();
		json_object_set_new(facts, "kubernetes", k8s);
	}
	return k8s;
}

int collect_kubernetes_distribution(struct collect_ctx *ctx)
{
	json_t *k8s = k8s_object(ctx->facts);
	struct dist_run run;
	int found = 0;
	/* One scan of /proc for every distribution's process, not one each. */
	struct proc_info *procs = NULL;
	size_t nprocs = 0;
	char *perr = NULL;
	if (proc_find(ctx->root, dist_proc_names(), &procs, &nprocs, &perr) < 0) {
		free(perr);
		nprocs = 0;
	}
	for (size_t i = 0; i < sizeof(dists) / sizeof(dists[0]) && !found; i++)
		found = detect(ctx, &dists[i], procs, nprocs, &run);
	proc_info_free_all(procs, nprocs);
	if (!found) {
		json_object_set_new(k8s, "distribution", json_pack("{s:b}", "found", 0));
		return 0;
	}
	const struct distribution *d = run.d;
	json_t *dist = json_pack("{s:s,s:s,s:b,s:s,s:O,s:b,s:s,s:b}", "name", d->name, "title", d->title, "found", 1,
				 "role", run.role, "evidence", run.evidence, "running", run.running,
				 "command_line", run.words_origin, "understood", 0);
	json_object_set_new(k8s, "distribution", dist);
	json_object_set_new(dist, "version", run.exe ? kube_version_of(ctx->root, run.exe)
						      : json_pack("{s:s}", "error", "no executable of it was found"));
	if (run.unit) {
		json_t *uf = json_array();
		if (json_is_string(json_object_get(run.unit, "path")))
			json_array_append(uf, json_object_get(run.unit, "path"));
		json_array_extend(uf, json_object_get(run.unit, "dropins"));
		json_object_set_new(dist, "unit_files", uf);
		const char *uerr = systemd_unit_error(run.unit);
		if (uerr && !run.running) {
			json_object_set_new(dist, "error", json_string(uerr));
			run_release(&run);
			return 0;
		}
	}

	if (d->unsupported) {
		json_object_set_new(dist, "unsupported", json_true());
		json_object_set_new(dist, "error", jfmt(xasprintf("boxaudit does not derive how %s runs its components",
								   d->title)));
		run_release(&run);
		return 0;
	}
	/* Its configuration file: --config/-c, else the variable, else the default. */
	json_t *cli = json_object();
	size_t nw = json_array_size(run.words);
	const char **words = xcalloc(nw + 1, sizeof(*words));
	for (size_t i = 0; i < nw; i++)
		words[i] = json_string_value(json_array_get(run.words, i)) ? json_string_value(json_array_get(run.words, i)) : "";
	char *cli_why = rancher_cli_flags(cli, words, nw, bool_flags, run.words_origin);
	const char *config = flag_or(cli, "config", "c", json_string_value(json_object_get(run.env, d->config_env)));
	const char *prefix = !strcmp(d->name, "k3s") ? "K3S" : "RKE2";
	char *cfg = xstrdup(config ? config : d->config);
	json_t *read = json_array(), *flags;
	char *err = NULL;
	flags = read_config(ctx->root, cfg, read, &err);
	json_object_set_new(dist, "config_files", read);
	if (cli_why) {
		json_object_set_new(dist, "error", jfmt(cli_why));
		cli_why = NULL;
		json_decref(flags);
	} else if (!flags) {
		json_object_set_new(dist, "error", jfmt(err));
	} else {
		/* The command line's flags come after the files' */
		free(rancher_cli_flags(flags, words, nw, bool_flags, run.words_origin));
		env_flags(flags, run.env, prefix, run.words_origin);
		char *profile_why = NULL;
		if (d->cis_profile) {	/* RKE2's profile changes its defaults, or stops it */
			int cis = rke2_profile(flags, dist, &profile_why);
			if (cis > 0 && rke2_cis_flags(flags, run.role, &profile_why) == 0 &&
			    (!strcmp(run.role, "agent") || rke2_etcd_user(ctx->root, &profile_why) == 0))
				json_object_set_new(dist, "profile", json_string(flag_or(flags, "profile", NULL, "")));
		}
		if (profile_why) {
			json_object_set_new(dist, "error", jfmt(profile_why));
			json_object_set_new(dist, "error_kind", json_string("profile"));
		} else {
			derive(ctx, &run, flags, dist);
			json_object_set_new(dist, "understood", json_true());
		}
		json_decref(flags);
	}
	free(words);
	free(cfg);
	json_decref(cli);
	run_release(&run);
	return 0;
}

int collect_kubernetes_distribution_check(struct collect_ctx *ctx)
{
	json_t *k8s = k8s_object(ctx->facts);
	json_t *dist = json_object_get(k8s, "distribution");
	if (!json_is_true(json_object_get(dist, "found")))
		return 0;
	const char *title = json_string_value(json_object_get(dist, "title"));
	const char *role = json_string_value(json_object_get(dist, "role"));
	json_t *ev = json_object_get(dist, "evidence");
	const char *derr = json_string_value(json_object_get(dist, "error"));
	int understood = json_is_true(json_object_get(dist, "understood"));
	char *first = xstrdup(json_string_value(json_array_get(ev, 0)));
	int unsupported = json_is_true(json_object_get(dist, "unsupported"));
	const char *kind = json_string_value(json_object_get(dist, "error_kind"));
	int profile_err = kind && !strcmp(kind, "profile");
	char *why = unsupported ? xasprintf("%s is present (%s%s), but %s", title, first,
					    json_array_size(ev) > 1 ? ", ..." : "", derr)
		  : derr && profile_err ? xasprintf("%s is present (%s%s) but %s", title, first,
						    json_array_size(ev) > 1 ? ", ..." : "", derr)
		  : derr ? xasprintf("%s is present (%s%s) but its configuration cannot be read: %s", title, first,
				     json_array_size(ev) > 1 ? ", ..." : "", derr)
			 : xasprintf("%s is present (%s%s) but boxaudit could not derive how it runs this component",
				     title, first, json_array_size(ev) > 1 ? ", ..." : "");
	json_t *gaps = json_array();
	/* The kubelet (one boxaudit derived or found wins: present stays true). */
	json_t *kubelet = json_object_get(k8s, "kubelet");
	if (!json_is_true(json_object_get(kubelet, "present"))) {
		not_understood(k8s, "kubelet", "present", why);
		kubelet = json_object_get(k8s, "kubelet");
		json_t *files = json_object_get(kubelet, "files");
		if (!json_is_object(files)) {
			files = json_object();
			json_object_set_new(kubelet, "files", files);
		}
		json_object_set_new(files, "service", json_pack("{s:s}", "error", why));
		json_object_set_new(files, "proxy_kubeconfig", json_pack("{s:s}", "error", why));
		json_array_append_new(gaps, json_string("the kubelet"));
	}
	/* Both embed kube-proxy, unless it is disabled. */
	json_t *proxy = json_object_get(k8s, "proxy");
	json_t *cmds = json_object_get(dist, "commands");
	if (!json_is_true(json_object_get(proxy, "running")) && !json_is_true(json_object_get(proxy, "configured")) &&
	    (!understood || json_object_get(cmds, "kube-proxy"))) {
		not_understood(k8s, "proxy", "running", why);
		not_understood(k8s, "proxy", "configured", why);
		json_array_append_new(gaps, json_string("kube-proxy"));
	}
	/* A server runs the control plane too (unless told not to); an agent is a worker. */
	if (role && strcmp(role, "agent")) {
		static const struct {
			const char *key, *name, *disable;
		} comps[] = {
			{ "apiserver", "kube-apiserver", "disable-apiserver" },
			{ "controller_manager", "kube-controller-manager", "disable-controller-manager" },
			{ "scheduler", "kube-scheduler", "disable-scheduler" },
			{ "etcd", "etcd", "disable-etcd" },
		};
		json_t *cp = json_object_get(k8s, "control_plane");
		json_t *disabled = json_object_get(dist, "disabled");
		const char *store = json_string_value(json_object_get(dist, "datastore"));
		json_t *missing = json_array();
		int any = 0;
		for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
			if (json_is_true(json_object_get(json_object_get(cp, comps[i].key), "found"))) {
				any = 1;
				continue;
			}
			if (understood && (jstr_array_has(disabled, comps[i].disable) ||
					   (!strcmp(comps[i].key, "etcd") && store && strcmp(store, "etcd"))))
				continue;
			json_array_append_new(missing, json_string(comps[i].name));
		}
		if (json_array_size(missing)) {
			char *list = jstr_array_join(missing, ", ");
			const char *data = json_string_value(json_object_get(dist, "data_dir"));
			int rke2 = !strcmp(json_string_value(json_object_get(dist, "name")), "rke2");
			/* why they are missing: said in each check's reason and, shorter, in the note */
			char *cause = rke2 ? xasprintf("RKE2 runs the control plane as static pods it writes under "
						       "%s/agent/pod-manifests when it starts, and their manifests "
						       "are not there", data ? data : "its data directory")
					   : NULL;
			char *cpwhy = derr ? xstrdup(why)
				: cause ? xasprintf("%s server is present (%s) but %s %s not found: %s", title, first, list,
						    json_array_size(missing) > 1 ? "were" : "was", cause)
				: xasprintf("%s server is present (%s) but boxaudit could not derive how it runs %s",
					    title, first, list);
			if (!any)
				cp = not_understood(k8s, "control_plane", "present", cpwhy);
			for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++)
				if (jstr_array_has(missing, comps[i].name))
					not_understood(cp, comps[i].key, "found", cpwhy);
			json_array_append_new(gaps, derr ? json_string("the control plane") :
				jfmt(xasprintf("%s (%s)", list, cause ? cause : "not derived")));
			free(cause);
			free(cpwhy);
			free(list);
		}
		json_decref(missing);
	}
	json_t *notes = json_object_get(ctx->facts, "notes");
	if (json_is_array(notes)) {
		char *all = jstr_array_join(ev, ", ");
		char *files = jstr_array_join(json_object_get(dist, "config_files"), ", ");
		const char *store = json_string_value(json_object_get(dist, "datastore"));
		if (json_array_size(gaps)) {
			char *g = jstr_array_join(gaps, ", ");
			json_array_append_new(notes, jfmt(xasprintf(
				"Kubernetes distribution %s (%s) found: %s. Not understood: %s%s%s; the checks that "
				"depend on it are ERROR, not SKIP.", title, role, all, g,
				unsupported ? ": " : profile_err ? ", because " : derr ? ", because its configuration cannot be read: " : "",
				derr ? derr : "")));
			free(g);
		} else {
			json_array_append_new(notes, jfmt(xasprintf(
				"Kubernetes distribution %s (%s) found: %s. Its components' settings are derived from "
				"%s, %s%s and %s's defaults%s%s.", title, role, all,
				json_string_value(json_object_get(dist, "command_line")), *files ? "" : "no configuration file",
				files, title, store ? "; datastore: " : "", store ? store : "")));
		}
		free(files);
		free(all);
	}
	json_decref(gaps);
	free(first);
	free(why);
	return 0;
}
