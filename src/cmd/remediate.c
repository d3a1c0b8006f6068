/*
 * boxaudit remediate REPORT.json -o DIR: the fix plan for the report's
 * failing checks (report/fixplan.h), one file per mechanism.
 *
 * boxaudit remediate REPORT.json --apply --root DIR: the same plan applied
 * inside an image root, through collect/rootfs_write.h (never the live
 * host: --root / is refused).  Every file is read again from the root and
 * patched as it is now, so that applying twice changes nothing more and a
 * file edited since the audit keeps its edits.
 */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd/cmd.h"
#include "collect/rootfs_write.h"
#include "collect/users.h"
#include "parse/dockerd.h"
#include "parse/kubeyaml.h"
#include "report/fixplan.h"
#include "score/drift.h"
#include "base/atomic.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int write_plan(const char *dir, const json_t *files)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		cmd_error("cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)files, k, v) {
		char *p = path_join(dir, k), *err = NULL;
		const char *t = json_string_value(v);
		if (atomic_write(p, t, strlen(t), &err) < 0) {
			cmd_error("%s", err);
			free(err);
			rc = -1;
		}
		free(p);
	}
	return rc;
}

struct apply {
	struct rootfs root;
	int quiet, failed;
};

static void report_action(struct apply *a, int ok, const char *what, const char *path, const json_t *checks,
			  const char *err)
{
	if (!ok) {
		a->failed = 1;
		cmd_error("not applied: %s %s: %s", what, path, err);
		return;
	}
	if (a->quiet)
		return;
	printf("applied  %-8s %s", what, path);
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c)
		printf("%s%s", i ? ", " : "  (fixes ", json_string_value(c));
	printf("%s\n", json_array_size(checks) ? ")" : "");
}

/* The file at path in the root as text (a new string), "" when it does not exist, NULL on error. */
static char *read_root(struct apply *a, const char *path, char **err)
{
	struct stat st;
	if (rootfs_lstat(&a->root, path, &st, err) < 0) {
		if (errno == ENOENT) {
			free(*err);
			*err = NULL;
			return xstrdup("");
		}
		return NULL;
	}
	if (S_ISLNK(st.st_mode)) {
		*err = xasprintf("'%s' is a symlink, and boxaudit never writes through a link", path);
		return NULL;
	}
	struct buf b;
	buf_init(&b, ROOTFS_READ_CAP);
	if (rootfs_read(&a->root, path, ROOTFS_READ_CAP, &b, err) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* The parent directory of path, created when missing (its own parent must exist). */
static int ensure_parent(struct apply *a, const char *path, mode_t mode, char **err)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char *dir = xstrndup(path, (size_t)(slash - path));
	int rc = rootfs_mkdir(&a->root, dir, mode, err);
	free(dir);
	return rc;
}

/* Write text (NULL: an earlier step failed, with *err) and say what came of it. */
static void write_reported(struct apply *a, const char *path, const char *text, mode_t mode,
			   const json_t *checks, char **err)
{
	if (text && rootfs_write_file(&a->root, path, text, strlen(text), mode, err) == 0)
		report_action(a, 1, "file", path, checks, NULL);
	else
		report_action(a, 0, "file", path, NULL, *err);
}

static json_t *all_checks(const json_t *map)
{
	json_t *out = json_array();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)map, k, v)
		json_array_extend(out, v);
	return out;
}

static void apply_daemon_json(struct apply *a, const json_t *dj)
{
	const char *path = str(dj, "path");
	char *err = NULL;
	json_t *checks = all_checks(json_object_get(dj, "keys"));
	char *text = read_root(a, path, &err);
	json_t *cur = NULL;
	if (text && *text)
		cur = dockerd_load_config(text, strlen(text), path, &err);
	else if (text)
		cur = json_object();
	if (cur) {
		json_t *merged = kube_merge_patch(cur, json_object_get(dj, "patch"));
		char *out = json_dumps(merged, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		char *nl = xasprintf("%s\n", out);
		write_reported(a, path, ensure_parent(a, path, 0755, &err) == 0 ? nl : NULL, 0644, checks, &err);
		free(out);
		free(nl);
		json_decref(merged);
		json_decref(cur);
	} else {
		report_action(a, 0, "file", path, NULL, err);
	}
	free(text);
	free(err);
	json_decref(checks);
}

static void apply_kubelet(struct apply *a, const json_t *kl)
{
	const char *path = str(kl, "dropin");
	char *err = NULL;
	json_t *checks = all_checks(json_object_get(kl, "fields"));
	char *text = NULL;
	json_t *patch = NULL;
	if (rootfs_mkdir(&a->root, str(kl, "config_dir"), 0755, &err) == 0 && (text = read_root(a, path, &err))) {
		/* An earlier apply's drop-in: keep its fields, patch ours over them. */
		json_t *old = *text ? kube_yaml_to_json(text, strlen(text), path, &err) : json_object();
		if (old && !json_is_object(old)) {
			json_decref(old);
			old = json_object();
		}
		if (old) {
			json_object_del(old, "apiVersion");
			json_object_del(old, "kind");
			patch = kube_merge_patch(old, json_object_get(kl, "patch"));
			json_decref(old);
		}
	}
	char *out = patch ? fixplan_dropin_text(patch, json_object_get(kl, "fields")) : NULL;
	write_reported(a, path, out, 0644, checks, &err);
	free(out);
	json_decref(patch);
	free(text);
	free(err);
	json_decref(checks);
}

static void apply_audit(struct apply *a, const json_t *rules)
{
	const char *path = FIXPLAN_AUDIT_RULES;
	char *err = NULL;
	json_t *checks = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(rules, i, e)
		json_array_extend(checks, json_object_get(e, "checks"));
	char *text = NULL;
	char *out = NULL;
	if (rootfs_mkdir(&a->root, "/etc/audit", 0750, &err) == 0 &&
	    rootfs_mkdir(&a->root, "/etc/audit/rules.d", 0750, &err) == 0 && (text = read_root(a, path, &err)))
		out = fixplan_audit_text(rules, text);
	write_reported(a, path, out, 0640, checks, &err);
	free(out);
	free(text);
	free(err);
	json_decref(checks);
}

/* "user:group" by the root's own /etc/passwd and /etc/group (numbers are taken as ids). */
static int owner_ids(const struct users *u, const char *owner, uid_t *uid, gid_t *gid, char **err)
{
	const char *colon = strchr(owner, ':');
	if (!colon) {
		*err = xasprintf("'%s' is not user:group", owner);
		return -1;
	}
	char *user = xstrndup(owner, (size_t)(colon - owner));
	const char *group = colon + 1;
	char *end;
	int rc = 0;
	unsigned long n = strtoul(user, &end, 10);
	if (*user && !*end)
		*uid = (uid_t)n;
	else if (users_uid(u, user, uid) < 0)
		rc = -1;
	n = strtoul(group, &end, 10);
	if (*group && !*end)
		*gid = (gid_t)n;
	else if (rc == 0 && groups_gid(u, group, gid) < 0)
		rc = -1;
	if (rc < 0)
		*err = xasprintf("'%s' names a user or group that the root's /etc/passwd or /etc/group lacks", owner);
	free(user);
	return rc;
}

static void apply_files(struct apply *a, const json_t *files)
{
	struct users u;
	users_load(&u, &a->root);
	/* chown first: changing the owner clears setuid and setgid bits that chmod sets. */
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *e;
		json_array_foreach(files, i, e) {
			int is_chown = !strcmp(str(e, "op"), "chown");
			if (is_chown != (pass == 0))
				continue;
			const char *path = str(e, "path");
			char *err = NULL;
			int rc;
			if (is_chown) {
				uid_t uid;
				gid_t gid;
				rc = owner_ids(&u, str(e, "owner"), &uid, &gid, &err);
				if (rc == 0)
					rc = rootfs_chown(&a->root, path, uid, gid, &err);
			} else {
				rc = rootfs_chmod(&a->root, path, (mode_t)strtoul(str(e, "mode"), NULL, 8), &err);
			}
			report_action(a, rc == 0, str(e, "op"), path, json_object_get(e, "checks"), err);
			free(err);
		}
	}
	users_release(&u);
}

static int apply_plan(const struct cmd_opts *o, const json_t *plan)
{
	struct apply a = { .quiet = o->quiet };
	char *err = NULL;
	if (rootfs_open(&a.root, o->root, &err) < 0 || rootfs_write_check(&a.root, &err) < 0) {
		cmd_error("%s", err);
		free(err);
		if (a.root.fd >= 0)
			rootfs_close(&a.root);
		return 2;
	}
	if (json_object_get(plan, "daemon_json"))
		apply_daemon_json(&a, json_object_get(plan, "daemon_json"));
	if (json_object_get(plan, "kubelet"))
		apply_kubelet(&a, json_object_get(plan, "kubelet"));
	if (json_array_size(json_object_get(plan, "audit")))
		apply_audit(&a, json_object_get(plan, "audit"));
	apply_files(&a, json_object_get(plan, "files"));
	if (!o->quiet)
		printf("%zu checks fixed by configuration; %zu notes for a person (NOTES.md)\n",
		       json_array_size(json_object_get(plan, "fixes")), json_array_size(json_object_get(plan, "notes")));
	rootfs_close(&a.root);
	return a.failed ? 2 : 0;
}

int cmd_remediate(const struct cmd_opts *o, char *const *args, size_t nargs)
{
	(void)nargs;
	if (o->apply && !o->root_given) {
		cmd_error("--apply needs --root DIR: it changes an image root, never the live host");
		return 2;
	}
	if (o->apply) {
		char *real = realpath(o->root, NULL);
		int live = real && !strcmp(real, "/");
		free(real);
		if (live) {
			cmd_error("%s", "refusing --apply --root /: remediate only changes an image root; "
				  "on a live host write the plan with -o DIR, review it and apply it yourself");
			return 2;
		}
	}
	char *err = NULL;
	json_t *doc = drift_load(args[0], &err), *plan = doc ? fixplan_build(doc, &err) : NULL;
	if (!plan) {
		cmd_error("%s%s%s", doc ? args[0] : "", doc ? ": " : "", err);
		free(err);
		json_decref(doc);
		return 2;
	}
	int rc = 0;
	json_t *files = fixplan_files(plan);
	if (o->plan_dir && write_plan(o->plan_dir, files) < 0)
		rc = 2;
	if (rc == 0 && o->apply)
		rc = apply_plan(o, plan);
	else if (rc == 0 && !o->quiet)
		printf("wrote the plan to %s: %zu checks fixed by configuration, %zu notes (NOTES.md)\n", o->plan_dir,
		       json_array_size(json_object_get(plan, "fixes")), json_array_size(json_object_get(plan, "notes")));
	json_decref(files);
	json_decref(plan);
	json_decref(doc);
	return rc;
}
