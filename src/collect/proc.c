#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include "collect/proc.h"
#include "parse/proctext.h"
#include "base/limits.h"
#include "base/jstr.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"


static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int name_matches(const char *base, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(base, *names))
			return 1;
	return 0;
}

int proc_is_named(const struct proc_info *p, const char *const *names)
{
	return name_matches(*p->exe ? path_base(p->exe) : p->comm, names);
}

static int read_small(const struct rootfs *r, const char *path, size_t cap, struct buf *b)
{
	char *e = NULL;
	int rc = rootfs_read(r, path, cap, b, &e);
	free(e);
	return rc;
}

/* Read one process; 1 if it matches, 0 if not (or it vanished). */
static int read_one(const struct rootfs *r, pid_t pid, const char *const *names,
		    struct proc_info *pi)
{
	char path[64];
	char *exe = NULL, *e = NULL;
	struct buf b;
	int ret = 0;

	memset(pi, 0, sizeof(*pi));
	pi->pid = pid;
	buf_init(&b, PROC_SMALL_CAP);
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (rootfs_readlink(r, path, &exe, &e) < 0) {
		free(e);
		exe = xstrdup("");
	}
	size_t l = strlen(exe);
	static const char deleted[] = " (deleted)";
	if (l >= sizeof(deleted) - 1 && !strcmp(exe + l - (sizeof(deleted) - 1), deleted))
		exe[l - (sizeof(deleted) - 1)] = '\0';
	pi->exe = exe;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_small(r, path, PROC_SMALL_CAP, &b) < 0)
		goto out;	/* gone */
	size_t cl = b.len;
	while (cl && (b.data[cl - 1] == '\n' || b.data[cl - 1] == '\0'))
		cl--;
	pi->comm = xstrndup(b.data, cl);

	if (!proc_is_named(pi, names))
		goto out;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(r, path, PROC_SMALL_CAP, &b) < 0 || proc_status_uid(b.data, &pi->uid) < 0)
		goto out;
	/* A zombie (or a dead task) runs nothing: it is no daemon. */
	char state = proc_status_state(b.data);
	if (state == 'Z' || state == 'X')
		goto out;
	if (proc_status_euid(b.data, &pi->euid) < 0)
		pi->euid = pi->uid;
	static const char *const ns[] = { "pid", "mnt" };
	for (int i = 0; i < 2; i++) {
		char *t = NULL;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns[i]);
		if (rootfs_readlink(r, path, &t, &e) < 0) {
			free(e);
			e = NULL;
			t = NULL;
		}
		if (i == 0)
			pi->pid_ns = t;
		else
			pi->mnt_ns = t;
	}
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (read_small(r, path, PROC_SMALL_CAP, &b) == 0)
		pi->cgroup = xstrdup(b.data);

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (rootfs_read(r, path, PROC_ARGV_CAP, &b, &e) < 0) {
		if (errno != EFBIG) {
			free(e);
			goto out;
		}
		pi->argv_error = e;
		pi->argv = xcalloc(1, sizeof(char *));
		pi->argc = 0;
	} else {
		pi->argv = proc_split_argv(b.data, b.len, &pi->argc);
	}
	ret = 1;
out:
	buf_release(&b);
	if (!ret)
		proc_info_release(pi);
	return ret;
}

static int cmp_pid(const void *a, const void *b)
{
	long x = strtol(*(char *const *)a, NULL, 10), y = strtol(*(char *const *)b, NULL, 10);
	return (x > y) - (x < y);
}

int proc_find(const struct rootfs *r, const char *const *names,
	      struct proc_info **out, size_t *n, char **err)
{
	char **ents = NULL;
	size_t nents = 0, cnt = 0, alloc = 0;
	struct proc_info *v = NULL;

	*out = NULL;
	*n = 0;
	if (rootfs_listdir(r, "/proc", &ents, &nents, err) < 0)
		return -1;
	/* Sort the pid names numerically; drop everything else. */
	size_t np = 0;
	for (size_t i = 0; i < nents; i++) {
		if (is_pid(ents[i]) && strlen(ents[i]) < 10)
			ents[np++] = ents[i];
		else
			free(ents[i]);
	}
	qsort(ents, np, sizeof(*ents), cmp_pid);
	for (size_t i = 0; i < np; i++) {
		struct proc_info pi;
		if (read_one(r, (pid_t)strtol(ents[i], NULL, 10), names, &pi)) {
			ALLOC_GROW(v, cnt + 1, alloc);
			v[cnt++] = pi;
		}
	}
	rootfs_free_list(ents, np);
	*out = v;
	*n = cnt;
	return (int)cnt;
}

void proc_info_release(struct proc_info *p)
{
	free(p->exe);
	free(p->comm);
	free(p->argv_error);
	free(p->pid_ns);
	free(p->mnt_ns);
	free(p->cgroup);
	if (p->argv)
		for (size_t i = 0; i < p->argc; i++)
			free(p->argv[i]);
	free(p->argv);
	memset(p, 0, sizeof(*p));
}

void proc_info_free_all(struct proc_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		proc_info_release(&v[i]);
	free(v);
}

json_t *proc_info_json(const struct proc_info *p)
{
	json_t *argv = json_array();
	for (size_t i = 0; i < p->argc; i++)
		json_array_append_new(argv, json_string(p->argv[i]));
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:I}", "pid", (json_int_t)p->pid,
			      "exe", p->exe ? p->exe : "", "comm", p->comm ? p->comm : "",
			      "argv", argv, "uid", (json_int_t)p->uid);
	if (p->argv_error)
		json_object_set_new(o, "argv_error", json_string(p->argv_error));
	return o;
}

/* ---- which process is the host's ---- */

pid_t proc_socket_peer(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return 0;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	pid_t pid = 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		struct ucred cr;
		socklen_t len = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && cr.pid > 0)
			pid = cr.pid;
	}
	close(fd);
	return pid;
}

/*
 * Can a non-root user write path, or replace it through a directory above
 * it?  "yes" with *why, NULL for no, "unknown" when path cannot be stat'ed.
 */
static const char *writable_by_others(const struct rootfs *r, const char *path, char **why)
{
	char *p = xstrdup(path);
	const char *verdict = NULL;
	for (int first = 1;; first = 0) {
		struct stat st;
		if (rootfs_stat(r, p, 1, &st, NULL) < 0) {
			verdict = first ? "unknown" : NULL;
			break;
		}
		int w = st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH));
		/* A sticky directory of root's: others may add entries, not replace ours. */
		if (!first && st.st_uid == 0 && (st.st_mode & S_ISVTX))
			w = 0;
		if (w) {
			*why = xasprintf("%s '%s' is %s (uid %lu, mode %04o)",
					 first ? "its executable" : "the directory", p,
					 st.st_uid != 0 ? "not root's" : "writable by others",
					 (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
			verdict = "yes";
			break;
		}
		if (!strcmp(p, "/"))
			break;
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		if (slash == p)
			p[1] = '\0';
		else
			*slash = '\0';
	}
	free(p);
	return verdict;
}

/* Does a pid file that only root can write hold pid? */
static int pidfile_holds(const struct rootfs *r, const char *path, pid_t pid)
{
	struct stat st;
	struct buf b;
	int ok = 0;
	if (!path || path[0] != '/' || rootfs_stat(r, path, 0, &st, NULL) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	buf_init(&b, 64);
	if (rootfs_read(r, path, 64, &b, NULL) == 0) {
		char *end;
		long v = strtol(b.data, &end, 10);
		while (*end == '\n' || *end == ' ')
			end++;
		ok = end != b.data && !*end && v == (long)pid;
	}
	buf_release(&b);
	return ok;
}

/* Evidence levels: a non-root process is below any root one. */
enum { EV_UNPRIVILEGED, EV_NONE, EV_PIDFILE, EV_CGROUP, EV_PEER };

/*
 * The host's namespace of kind ns: its init's, or (init's being unreadable,
 * as in some sandboxes) on a live audit boxaudit's own, which are the
 * host's then.  A new string, or NULL; *whose says which.
 */
static char *host_ns(const struct rootfs *r, int live, const char *ns, const char **whose)
{
	char path[32], *t = NULL;
	snprintf(path, sizeof(path), "/proc/1/ns/%s", ns);
	if (rootfs_readlink(r, path, &t, NULL) == 0) {
		*whose = "the host's init";
		return t;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)getpid(), ns);
	if (live && rootfs_readlink(r, path, &t, NULL) == 0) {
		*whose = "boxaudit itself, on this host";
		return t;
	}
	return NULL;
}

int proc_identify(const struct rootfs *r, int live, const struct proc_info *procs, size_t n,
		  const struct proc_service *svc, json_t **record)
{
	json_t *cands = json_array();
	int *level = xcalloc(n + 1, sizeof(*level));
	int *ok = xcalloc(n + 1, sizeof(*ok));
	const char *whose = NULL;
	char *init_pid = host_ns(r, live, "pid", &whose);
	char *init_mnt = host_ns(r, live, "mnt", &whose);
	char *unit_cgroup = xasprintf("/system.slice/%s", svc->unit);
	int best = EV_UNPRIVILEGED - 1;

	for (size_t i = 0; i < n; i++) {
		const struct proc_info *p = &procs[i];
		json_t *c = json_pack("{s:I, s:I, s:s}", "pid", (json_int_t)p->pid, "uid", (json_int_t)p->uid,
				      "exe", *p->exe ? p->exe : p->comm ? p->comm : "");
		json_t *ev = json_array();
		char *reject = NULL, *exe_why = NULL;
		int peer = svc->socket_peer && svc->socket_peer == p->pid;
		const char *exe_w = *p->exe ? writable_by_others(r, p->exe, &exe_why) : "unknown";
		if (peer && svc->peer_may_be_unprivileged) {
			/* The operator named this socket: its daemon is the one audited, rootless or not. */
		} else if (p->uid != 0 || p->euid != 0) {
			if (!svc->unprivileged_when_alone)
				reject = xasprintf("runs as uid %lu, not root: not the host's service", (unsigned long)p->uid);
			else if (exe_w && !strcmp(exe_w, "yes"))
				reject = xasprintf("%s: a non-root user could have replaced it", exe_why);
		} else if (init_pid && (!p->pid_ns || strcmp(init_pid, p->pid_ns))) {
			reject = xasprintf("not in the host's pid namespace (%s; %s is in %s)",
					   p->pid_ns ? p->pid_ns : "unreadable", whose, init_pid);
		} else if (init_mnt && (!p->mnt_ns || strcmp(init_mnt, p->mnt_ns))) {
			reject = xasprintf("not in the host's mount namespace (%s; %s is in %s)",
					   p->mnt_ns ? p->mnt_ns : "unreadable", whose, init_mnt);
		} else if (exe_w && !strcmp(exe_w, "yes")) {
			reject = xasprintf("%s: a non-root user could have replaced it", exe_why);
		}
		free(exe_why);
		if (reject) {
			json_object_set_new(c, "accepted", json_false());
			json_object_set_new(c, "reason", json_string(reject));
			free(reject);
			json_decref(ev);
			json_array_append_new(cands, c);
			continue;
		}
		ok[i] = 1;
		if ((p->uid != 0 || p->euid != 0) && !peer)
			json_array_append_new(ev, json_sprintf("runs as uid %lu: a rootless daemon, chosen only while no root one "
							       "runs and %s is not configured", (unsigned long)p->uid, svc->unit));
		if (p->uid == 0 && p->euid == 0)
			json_array_append_new(ev, json_string(init_pid ? "runs as root in the host's pid and mount namespaces"
							       : "runs as root (the host's namespaces could not be read)"));
		if (*p->exe)
			json_array_append_new(ev, exe_w ? json_sprintf("its executable %s could not be checked (gone since it started?)", p->exe)
							: json_sprintf("its executable %s is root's and no other user can write it", p->exe));
		level[i] = (p->uid != 0 || p->euid != 0) && !peer ? EV_UNPRIVILEGED : EV_NONE;
		if (peer) {
			json_array_append_new(ev, json_sprintf("it serves %s (SO_PEERCRED)", svc->socket ? svc->socket : "the audited socket"));
			level[i] = EV_PEER;
		}
		if (p->cgroup && proc_cgroup_in(p->cgroup, unit_cgroup)) {
			json_array_append_new(ev, json_sprintf("it is in the cgroup %s, where only root can place it", unit_cgroup));
			if (level[i] < EV_CGROUP)
				level[i] = EV_CGROUP;
		}
		char *own = svc->pidfile_of ? svc->pidfile_of(p) : NULL;
		const char *held = NULL;
		for (const char *const *f = svc->pidfiles; f && *f && !held; f++)
			if (pidfile_holds(r, *f, p->pid))
				held = *f;
		if (!held && own && pidfile_holds(r, own, p->pid))
			held = own;
		if (held) {
			json_array_append_new(ev, json_sprintf("the root-owned pid file %s holds its pid", held));
			if (level[i] < EV_PIDFILE)
				level[i] = EV_PIDFILE;
		}
		free(own);
		json_object_set_new(c, "accepted", json_true());
		json_object_set_new(c, "evidence", ev);
		json_array_append_new(cands, c);
		if (level[i] > best)
			best = level[i];
	}
	int chosen = -1;
	json_t *ambiguous = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!ok[i] || level[i] != best)
			continue;
		json_array_append_new(ambiguous, json_integer(procs[i].pid));
		chosen = chosen == -1 ? (int)i : -2;
	}
	*record = json_pack("{s:o}", "candidates", cands);
	if (chosen >= 0) {
		json_object_set_new(*record, "chosen", json_integer(procs[chosen].pid));
		json_object_set(*record, "identified_by",
				json_object_get(json_array_get(cands, (size_t)chosen), "evidence"));
		json_decref(ambiguous);
	} else {
		json_object_set_new(*record, "chosen", json_null());
		if (chosen == -2)
			json_object_set_new(*record, "ambiguous", ambiguous);
		else
			json_decref(ambiguous);
	}
	free(init_pid);
	free(init_mnt);
	free(unit_cgroup);
	free(level);
	free(ok);
	return chosen;
}

void proc_note_rejected(json_t *notes, const char *what, const json_t *record)
{
	size_t i;
	json_t *c;
	if (!json_is_array(notes))
		return;
	json_array_foreach(json_object_get(record, "candidates"), i, c) {
		if (json_is_true(json_object_get(c, "accepted")))
			continue;
		json_array_append_new(notes, json_sprintf("a process %s (pid %" JSON_INTEGER_FORMAT ", uid %"
			JSON_INTEGER_FORMAT ") was not taken for the host's %s: %s",
			json_string_value(json_object_get(c, "exe")),
			json_integer_value(json_object_get(c, "pid")), json_integer_value(json_object_get(c, "uid")),
			what, json_string_value(json_object_get(c, "reason"))));
	}
}

json_t *proc_environ(const struct rootfs *r, pid_t pid, const char *prefix)
{
	json_t *env = json_object();
	char *p = xasprintf("/proc/%d/environ", (int)pid), *err = NULL;
	struct buf b;
	buf_init(&b, PROC_ARGV_CAP);
	size_t pl = prefix ? strlen(prefix) : 0;
	if (rootfs_read(r, p, PROC_ARGV_CAP, &b, &err) == 0) {
		for (size_t i = 0; i < b.len;) {
			const char *s = b.data + i;
			size_t n = strnlen(s, b.len - i);
			const char *eq = memchr(s, '=', n);
			if (eq && (!prefix || (n > pl && !strncmp(s, prefix, pl) && s[pl] == '_'))) {
				char *k = xstrndup(s, (size_t)(eq - s)), *v = xstrndup(eq + 1, n - (size_t)(eq - s) - 1);
				json_object_set_new(env, k, jstr(v));
				free(k);
				free(v);
			}
			i += n + 1;
		}
	}
	free(err);
	buf_release(&b);
	free(p);
	return env;
}
