#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collect/proc.h"
#include "parse/proctext.h"
#include "base/limits.h"
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

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int name_matches(const char *base, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(base, *names))
			return 1;
	return 0;
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

	if (!name_matches(*exe ? base_name(exe) : pi->comm, names))
		goto out;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(r, path, PROC_SMALL_CAP, &b) < 0 || proc_status_uid(b.data, &pi->uid) < 0)
		goto out;

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
