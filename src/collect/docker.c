#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "collect/docker.h"
#include "parse/redact.h"
#include "parse/dockerd.h"
#include "parse/envfile.h"
#include "collect/proc.h"
#include "collect/systemd.h"
#include "collect/users.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *const env_file_paths[] = {"/etc/default/docker", "/etc/sysconfig/docker", NULL};

/* {"path", "exists", "values"} or with "error". */
static json_t *env_file(const struct rootfs *r, const char *path)
{
	struct buf b;
	char *e = NULL;
	json_t *o = json_pack("{s:s}", "path", path);
	buf_init(&b, ROOTFS_READ_CAP);
	if (rootfs_read(r, path, ROOTFS_READ_CAP, &b, &e) < 0) {
		int missing = errno == ENOENT;
		json_object_set_new(o, "exists", json_boolean(!missing));
		if (!missing)
			json_object_set_new(o, "error", json_string(e));
		free(e);
	} else {
		json_object_set_new(o, "exists", json_true());
		json_t *v = envfile_parse(b.data, b.len, path, &e);
		if (v) {
			redact_env_object(v);
			json_object_set_new(o, "values", v);
		} else {
			json_object_set_new(o, "error", json_string(e));
			free(e);
		}
	}
	buf_release(&b);
	return o;
}

/*
 * The home directory of uid from the audited root's /etc/passwd, or NULL:
 * only to find a rootless daemon's ~/.config/docker/daemon.json (users.h
 * keeps names only).
 */
static char *passwd_home(const struct rootfs *r, unsigned long uid)
{
	struct buf b;
	char *home = NULL;
	buf_init(&b, ROOTFS_READ_CAP);
	if (rootfs_read(r, "/etc/passwd", ROOTFS_READ_CAP, &b, NULL) == 0) {
		char *save = NULL;
		for (char *line = strtok_r(b.data, "\n", &save); line && !home;
		     line = strtok_r(NULL, "\n", &save)) {
			/* name:passwd:uid:gid:gecos:home:shell */
			char *f[7] = {0};
			int nf = 0;
			for (char *p = line; p && nf < 7; nf++) {
				f[nf] = p;
				p = strchr(p, ':');
				if (p)
					*p++ = '\0';
			}
			char *end;
			if (nf < 6 || !*f[2])
				continue;
			unsigned long u = strtoul(f[2], &end, 10);
			if (!*end && u == uid && f[5][0] == '/')
				home = xstrdup(f[5]);
		}
	}
	buf_release(&b);
	return home;
}

static const char *setting_str(json_t *settings, const char *key)
{
	return json_string_value(json_object_get(json_object_get(settings, key), "value"));
}

/* The Docker API socket: a unix:// host, else docker.socket when socket-activated, else the default. */
static json_t *docker_socket(json_t *settings, json_t *sock_unit, int rootless, unsigned long uid)
{
	json_t *hosts = json_object_get(settings, "hosts");
	json_t *hv = json_object_get(hosts, "value");
	const char *hsrc = json_string_value(json_object_get(hosts, "source"));
	int fd = 0;
	size_t i;
	json_t *h;
	json_array_foreach(hv, i, h) {
		const char *s = json_string_value(h);
		if (s && !strncmp(s, "unix://", 7) && s[7])
			return fact_value(json_string(s + 7), hsrc);
		if (s && !strncmp(s, "fd://", 5))
			fd = 1;
	}
	if (json_array_size(hv) && !fd)
		return fact_value(json_null(), hsrc);	/* only tcp:// hosts: no unix socket */
	if (json_is_true(json_object_get(sock_unit, "exists")) &&
	    !json_is_true(json_object_get(sock_unit, "masked"))) {
		json_array_foreach(json_object_get(sock_unit, "listen_stream"), i, h) {
			const char *s = json_string_value(h);
			if (s && s[0] == '/')
				return fact_value(json_string(s), "systemd:docker.socket");
		}
	}
	if (rootless) {
		char *p = xasprintf("/run/user/%lu/docker.sock", uid);
		json_t *v = fact_value(json_string(p), "default(rootless)");
		free(p);
		return v;
	}
	return fact_value(json_string("/var/run/docker.sock"), "default");
}

/* Read and parse daemon.json; sets daemon.config_file and returns the object or NULL. */
static json_t *load_daemon_json(const struct rootfs *r, json_t *daemon, const char *path,
				const char *source, char **fatal)
{
	struct buf b;
	char *e = NULL;
	json_t *cf = json_pack("{s:s, s:s}", "path", path, "source", source);
	json_t *file = NULL;
	*fatal = NULL;
	json_object_set_new(daemon, "config_file", cf);
	buf_init(&b, ROOTFS_READ_CAP);
	if (rootfs_read(r, path, ROOTFS_READ_CAP, &b, &e) < 0) {
		int missing = errno == ENOENT;
		json_object_set_new(cf, "exists", json_boolean(!missing));
		if (!missing) {
			json_object_set_new(cf, "error", json_string(e));
			*fatal = e;
		} else {
			free(e);
		}
	} else {
		json_object_set_new(cf, "exists", json_true());
		file = dockerd_load_config(b.data, b.len, path, &e);
		/* The document as parsed: a fix plan patches it, keeping every other key. */
		if (file)
			json_object_set(cf, "content", file);
		if (!file) {
			json_object_set_new(cf, "error", json_string(e));
			*fatal = e;
		}
	}
	buf_release(&b);
	return file;
}

/* The --pidfile a dockerd's own command line names, or NULL. */
static char *dockerd_pidfile(const struct proc_info *p)
{
	json_t *argv = json_array();
	for (size_t i = 0; i < p->argc; i++)
		json_array_append_new(argv, json_string(p->argv[i]));
	struct dockerd_argv a;
	dockerd_parse_argv(argv, &a);
	const char *f = setting_str(a.settings, "pidfile");
	char *out = f ? xstrdup(f) : NULL;
	dockerd_argv_release(&a);
	json_decref(argv);
	return out;
}

/*
 * The Engine API socket boxaudit talks to, when it is this host's unix
 * socket: --docker-host, else DOCKER_HOST, else the default.  *named says
 * whether the operator chose it.
 */
static const char *audited_socket(const struct collect_ctx *ctx, int *named)
{
	const char *h = ctx->opts ? ctx->opts->docker_host : NULL;
	if (!h)
		h = getenv("DOCKER_HOST");
	*named = h && *h;
	if (!*named)
		return "/var/run/docker.sock";
	return !strncmp(h, "unix://", 7) && h[7] ? h + 7 : NULL;
}

int collect_docker(struct collect_ctx *ctx)
{
	const struct rootfs *r = ctx->root;
	json_t *docker = json_object_get(ctx->facts, "docker");
	if (!json_is_object(docker)) {
		docker = json_object();
		json_object_set_new(ctx->facts, "docker", docker);
	}
	json_t *daemon = json_object();
	json_object_set_new(docker, "daemon", daemon);

	json_t *units = json_object();
	json_object_set_new(docker, "systemd", units);
	static const char *const unit_names[] = {"docker.service", "docker.socket",
						 "containerd.service", NULL};
	for (int i = 0; unit_names[i]; i++)
		json_object_set_new(units, unit_names[i], systemd_unit_collect(r, unit_names[i]));
	json_t *service = json_object_get(units, "docker.service");

	json_t *envs = json_object();
	for (int i = 0; env_file_paths[i]; i++)
		json_object_set_new(envs, env_file_paths[i], env_file(r, env_file_paths[i]));
	json_object_set_new(daemon, "env_files", envs);

	/* The running daemon, else what systemd would start. */
	static const char *const names[] = {"dockerd", NULL};
	struct proc_info *procs = NULL;
	size_t nprocs = 0;
	char *perr = NULL;
	json_t *argv = NULL;
	int have_proc = 0;
	unsigned long uid = 0;
	if (proc_find(r, names, &procs, &nprocs, &perr) < 0) {
		json_object_set_new(daemon, "proc_error", json_string(perr));
		free(perr);
	}
	json_t *pids = json_array();
	for (size_t i = 0; i < nprocs; i++)
		json_array_append_new(pids, json_integer(procs[i].pid));
	json_object_set_new(daemon, "processes", pids);
	/* A process named dockerd is only a candidate: which one is the host's (collect/proc.h). */
	static const char *const pidfiles[] = { "/var/run/docker.pid", "/run/docker.pid", NULL };
	int named = 0;
	const char *sock = audited_socket(ctx, &named);
	struct proc_service svc = {
		.unit = "docker.service", .pidfiles = pidfiles, .pidfile_of = dockerd_pidfile,
		.socket = sock, .peer_may_be_unprivileged = named,
		.unprivileged_when_alone = !json_is_true(json_object_get(service, "exists")),
		.socket_peer = ctx->live && sock && !(ctx->opts && ctx->opts->no_api) ? proc_socket_peer(sock) : 0,
	};
	json_t *ident = NULL;
	int k = nprocs ? proc_identify(r, ctx->live, procs, nprocs, &svc, &ident) : -1;
	if (ident) {
		json_object_set_new(daemon, "identification", ident);
		proc_note_rejected(json_object_get(ctx->facts, "notes"), "dockerd", ident);
	}
	json_object_set_new(daemon, "running", json_boolean(k >= 0 || k == -2));
	char *ambiguous = NULL;
	if (k == -2) {
		char *list = json_dumps(json_object_get(ident, "ambiguous"), JSON_COMPACT);
		ambiguous = xasprintf("more than one dockerd could be the host's daemon (pids %s), with the same "
				      "evidence; boxaudit does not guess (see docker.daemon.identification)", list);
		free(list);
		json_object_set_new(daemon, "process", json_null());
		json_object_set_new(daemon, "argv_source", json_string("ambiguous"));
	} else if (k >= 0) {
		json_t *pj = proc_info_json(&procs[k]);
		argv = json_incref(json_object_get(pj, "argv"));
		json_object_set_new(daemon, "process", pj);
		char *src = xasprintf("proc:%d", (int)procs[k].pid);
		json_object_set_new(daemon, "argv_source", json_string(src));
		free(src);
		uid = (unsigned long)procs[k].uid;
		have_proc = 1;
	} else {
		json_object_set_new(daemon, "process", json_null());
		json_t *es = json_object_get(service, "exec_start");
		if (json_is_true(json_object_get(service, "exists")) &&
		    !json_is_true(json_object_get(service, "masked")) && json_is_array(es)) {
			argv = json_incref(es);
			json_object_set_new(daemon, "argv_source", json_string("systemd:docker.service"));
		} else {
			json_object_set_new(daemon, "argv_source", json_string("none"));
		}
	}
	proc_info_free_all(procs, nprocs);
	json_object_set_new(daemon, "argv", argv ? argv : json_null());

	struct dockerd_argv a;
	dockerd_parse_argv(argv, &a);
	/* Parsed: the recorded command line keeps no secret values. */
	redact_argv(argv);
	json_object_set(daemon, "unknown_flags", a.unknown);
	json_object_set(daemon, "argv_errors", a.errors);

	/*
	 * Rootless: the daemon runs as a non-root user, or was told --rootless
	 * (RootlessKit runs it as uid 0 inside a user namespace; the uid seen
	 * from the host is then still the user's).
	 */
	int rootless = (have_proc && uid != 0) ||
		json_is_true(json_object_get(json_object_get(a.settings, "rootless"), "value"));
	json_object_set_new(daemon, "rootless", json_boolean(rootless));

	char *home = NULL;
	if (have_proc) {
		struct users us;
		users_load(&us, r);
		const char *name = users_name(&us, (uid_t)uid);
		json_object_set_new(daemon, "user", json_pack("{s:I, s:o}", "uid", (json_int_t)uid,
							      "name", name ? json_string(name) : json_null()));
		users_release(&us);
		if (uid != 0)
			home = passwd_home(r, uid);
	} else {
		json_object_set_new(daemon, "user", json_null());
	}

	/* daemon.json: --config-file, else the rootless user's, else /etc/docker. */
	const char *cf = setting_str(a.settings, "config-file");
	char *cf_alloc = NULL;
	const char *cf_src = "argv:--config-file";
	if (!cf && have_proc && uid != 0 && home) {
		cf = cf_alloc = xasprintf("%s/.config/docker/daemon.json", home);
		cf_src = "default(rootless)";
	} else if (!cf) {
		cf = DOCKERD_CONFIG_DEFAULT;
		cf_src = "default";
	}
	char *fatal = NULL;
	json_t *file = load_daemon_json(r, daemon, cf, cf_src, &fatal);
	free(cf_alloc);
	free(home);

	/* A command line over the cap was not read: settings from it would be a guess. */
	const char *argv_err = json_string_value(json_object_get(json_object_get(daemon, "process"),
								 "argv_error"));
	/*
	 * Without a process the command line is the unit's: a unit, drop-in or
	 * EnvironmentFile= that could not be read may change it, so settings
	 * from the rest would be a guess too.
	 */
	if (!argv_err && !have_proc)
		argv_err = systemd_unit_error(service);
	if (!fatal && ambiguous) {
		json_decref(file);
		file = NULL;
		fatal = ambiguous;
		ambiguous = NULL;
	}
	free(ambiguous);
	if (!fatal && argv_err) {
		json_decref(file);
		file = NULL;
		fatal = xstrdup(argv_err);
	}
	json_t *settings, *conflicts;
	if (fatal) {
		settings = json_pack("{s:s}", "error", fatal);
		conflicts = json_pack("{s:s}", "error", fatal);
		free(fatal);
	} else {
		settings = dockerd_merge(a.settings, file, &conflicts);
	}
	json_decref(file);
	json_object_set_new(daemon, "settings", settings);
	json_object_set_new(daemon, "conflicts", conflicts);
	dockerd_argv_release(&a);

	/* Sockets.  With no usable settings the default is all we can say. */
	json_t *sockets = json_object();
	json_object_set_new(docker, "sockets", sockets);
	json_object_set_new(sockets, "docker",
			    docker_socket(settings, json_object_get(units, "docker.socket"), rootless, uid));
	const char *ctr = setting_str(settings, "containerd");
	if (ctr && *ctr) {
		json_object_set_new(sockets, "containerd",
				    fact_value(json_string(ctr),
					       json_string_value(json_object_get(json_object_get(settings, "containerd"), "source"))));
	} else {
		json_object_set_new(sockets, "containerd",
				    fact_value(json_string("/run/containerd/containerd.sock"), "default"));
	}
	return 0;
}
