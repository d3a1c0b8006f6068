#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "collect/host.h"
#include "parse/mountinfo.h"
#include "parse/auditd.h"
#include "facts/facts.h"
#include "base/buf.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * Resolve the symlinks of path inside the root, as dockerd does with its
 * data root; components that do not exist are kept as written.  A new
 * string, or NULL on a symlink loop.
 */
static char *resolve_in_root(const struct rootfs *r, const char *path)
{
	char *cur = xstrdup("");	/* resolved so far; "" is the root */
	char *rest = xstrdup(path);
	int links = 0;
	for (;;) {
		const char *p = rest;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t l = strcspn(p, "/");
		char *comp = xstrndup(p, l);
		char *tail = xstrdup(p + l);
		free(rest);
		rest = tail;
		if (!strcmp(comp, ".")) {
			free(comp);
			continue;
		}
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = '\0';
			free(comp);
			continue;
		}
		char *cand = xasprintf("%s/%s", cur, comp);
		free(comp);
		struct stat st;
		char *target = NULL;
		if (rootfs_stat(r, cand, 0, &st, NULL) == 0 && S_ISLNK(st.st_mode) &&
		    rootfs_readlink(r, cand, &target, NULL) == 0) {
			free(cand);
			if (++links > 40) {
				free(target);
				free(cur);
				free(rest);
				return NULL;
			}
			char *nrest = xasprintf("%s/%s", target, rest);
			if (target[0] == '/')
				cur[0] = '\0';
			free(target);
			free(rest);
			rest = nrest;
			continue;
		}
		free(cur);
		cur = cand;
	}
	free(rest);
	if (!*cur) {
		free(cur);
		return xstrdup("/");
	}
	return cur;
}

int collect_mounts(struct collect_ctx *ctx)
{
	/*
	 * /proc/1/mountinfo shows the mounts of the audited host's init.  With
	 * --root /host inside a container, that is the host's /proc only when
	 * the host's /proc is what is mounted at /host/proc (pid namespace of
	 * the host); mount points are then relative to the host init's root,
	 * which is the host root we audit.  Good enough for "is the docker
	 * data root on its own filesystem".
	 */
	static const char *const sources[] = {"/proc/1/mountinfo", "/proc/self/mountinfo"};
	struct buf b;
	char *err = NULL;
	const char *source = NULL;
	int e = ENOENT;
	buf_init(&b, MOUNTINFO_CAP);
	for (size_t i = 0; i < 2 && !source; i++) {
		free(err);
		err = NULL;
		if (rootfs_read(ctx->root, sources[i], MOUNTINFO_CAP, &b, &err) == 0)
			source = sources[i];
		else if ((e = errno) != ENOENT)
			break;
	}
	if (!source) {
		char *msg = jstr_text(err ? err : "unknown error");
		facts_set_error(ctx->facts, "mounts", "%s: %s", e == ENOENT ?
				"no /proc/1/mountinfo in the audited root" : "cannot read mountinfo", msg);
		free(msg);
		free(err);
		buf_release(&b);
		return -1;
	}
	free(err);

	json_t *entries = json_array(), *errors = json_array();
	mountinfo_parse(source, b.data, b.len, entries, errors);
	buf_release(&b);

	json_t *dr = facts_get(ctx->facts, "docker.daemon.settings[\"data-root\"].value", NULL);
	json_t *drsrc = facts_get(ctx->facts, "docker.daemon.settings[\"data-root\"].source", NULL);
	const char *path = json_is_string(dr) ? json_string_value(dr) : DOCKER_DEFAULT_ROOT;
	const char *how = json_is_string(dr) ? "mountinfo" :
		"mountinfo; data-root not collected, assumed " DOCKER_DEFAULT_ROOT;
	char *real = path[0] == '/' ? resolve_in_root(ctx->root, path) : NULL;
	json_t *root = mounts_docker_root(entries, real ? real : path, how);
	json_object_set_new(root, "path", jstr(path));
	if (real && !(path_within(real, path) && path_within(path, real))) {
		/* The data root is a symlink: the mount that counts is the target's. */
		json_object_set_new(root, "resolved", jstr(real));
	} else if (path[0] == '/' && !real) {
		json_object_set_new(root, "resolve_error", json_string("too many levels of symbolic links"));
	}
	free(real);
	if (json_is_string(drsrc))
		json_object_set(root, "path_source", drsrc);
	else
		json_object_set_new(root, "path_source", json_string(json_is_string(dr) ? "unknown" : "assumed"));
	json_object_set_new(ctx->facts, "mounts", json_pack("{s:s, s:o, s:o, s:o}",
		"source", source, "entries", entries, "errors", errors, "docker_root", root));
	return 0;
}

