#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "collect/host.h"
#include "parse/auditd.h"
#include "base/buf.h"
#include "facts/facts.h"
#include "base/jstr.h"
#include "collect/rootfs.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define MOUNTINFO_CAP (4u << 20)
#define MOUNTINFO_MAX_FIELDS 64

/* --- mounts -------------------------------------------------------------- */

/* Decode the kernel's octal escapes (\040 space, \011, \012, \134). */
static char *unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			int v = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
			if (v) {
				*o++ = (char)v;
				s += 4;
				continue;
			}
		}
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

static int all_digits(const char *s)
{
	if (!*s || strlen(s) > 10)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int is_devno(const char *s)
{
	const char *c = strchr(s, ':');
	if (!c || c == s || strlen(c + 1) > 10 || strlen(s) - strlen(c) > 10)
		return 0;
	char *maj = xstrndup(s, (size_t)(c - s));
	int ok = all_digits(maj) && all_digits(c + 1);
	free(maj);
	return ok;
}

/* The entry for one line's fields, or NULL with *why (static text or new). */
static json_t *mount_entry(char **f, int n, char **why)
{
	int sep = -1;
	for (int i = 6; i < n; i++) {
		if (!strcmp(f[i], "-")) {
			sep = i;
			break;
		}
	}
	if (n < 6) {
		*why = xasprintf("too few fields (%d)", n);
		return NULL;
	}
	if (sep < 0) {
		*why = xstrdup("no '-' separator");
		return NULL;
	}
	if (n - sep - 1 < 3) {
		*why = xstrdup("missing fields after '-'");
		return NULL;
	}
	if (!all_digits(f[0]) || !all_digits(f[1])) {
		*why = xasprintf("bad mount id '%s %s'", f[0], f[1]);
		return NULL;
	}
	if (!is_devno(f[2])) {
		*why = xasprintf("bad device number '%s'", f[2]);
		return NULL;
	}
	if (f[4][0] != '/') {
		*why = xasprintf("mount point '%s' is not absolute", f[4]);
		return NULL;
	}
	json_t *optional = json_array();
	for (int i = 6; i < sep; i++)
		json_array_append_new(optional, jstr(f[i]));
	char *root = unescape(f[3]), *mp = unescape(f[4]);
	char *fstype = unescape(f[sep + 1]), *dev = unescape(f[sep + 2]);
	json_t *e = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"id", (json_int_t)strtoll(f[0], NULL, 10),
		"parent_id", (json_int_t)strtoll(f[1], NULL, 10),
		"device_number", jstr(f[2]), "root", jstr(root), "mount_point", jstr(mp),
		"options", jstr(f[5]), "optional", optional,
		"fstype", jstr(fstype), "device", jstr(dev), "super_options", jstr(f[sep + 3]));
	free(root);
	free(mp);
	free(fstype);
	free(dev);
	return e;
}

static void add_line_error(json_t *errors, const char *source, int line, const char *why)
{
	char *msg = xasprintf("%s:%d: %s", source, line, why);
	json_array_append_new(errors, jstr(msg));
	free(msg);
}

void mountinfo_parse(const char *source, const char *text, size_t len,
		     json_t *entries, json_t *errors)
{
	const char *p = text, *end = text + len;
	int lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, l);
		p += l + 1;
		lineno++;
		if (strlen(line) != l) {
			add_line_error(errors, source, lineno, "NUL byte in line");
			free(line);
			continue;
		}
		char *f[MOUNTINFO_MAX_FIELDS];
		int n = 0;
		char *s = line;
		while (*s) {
			while (*s == ' ')
				*s++ = '\0';
			if (!*s)
				break;
			if (n == MOUNTINFO_MAX_FIELDS) {
				n = -1;
				break;
			}
			f[n++] = s;
			while (*s && *s != ' ')
				s++;
		}
		if (n == 0) {
			free(line);
			continue;
		}
		char *why = NULL;
		json_t *e = n < 0 ? NULL : mount_entry(f, n, &why);
		if (e)
			json_array_append_new(entries, e);
		else
			add_line_error(errors, source, lineno, why ? why : "too many fields");
		free(why);
		free(line);
	}
}

json_t *mounts_docker_root(const json_t *entries, const char *path, const char *source)
{
	const char *best = NULL;
	const json_t *best_e = NULL;
	size_t best_len = 0, i;
	json_t *e;
	if (!path || path[0] != '/')
	{
		char *msg = xasprintf("data-root '%s' is not an absolute path", path ? path : "(null)");
		json_t *o = json_pack("{s:o, s:s}", "error", jstr(msg), "source", source);
		free(msg);
		return o;
	}
	json_array_foreach(entries, i, e) {
		const char *mp = json_string_value(json_object_get(e, "mount_point"));
		if (!mp || !path_within(mp, path))
			continue;
		/* Equal lengths: the later mount is on top of the earlier one. */
		size_t l = strlen(mp);
		while (l > 1 && mp[l - 1] == '/')
			l--;
		if (!best || l >= best_len) {
			best = mp;
			best_e = e;
			best_len = l;
		}
	}
	if (!best) {
		char *msg = xasprintf("no mount covers '%s'", path);
		json_t *o = json_pack("{s:o, s:o, s:s}", "path", jstr(path), "error", jstr(msg),
				      "source", source);
		free(msg);
		return o;
	}
	return json_pack("{s:o, s:o, s:O, s:O, s:b, s:s}", "path", jstr(path),
			 "mount_point", jstr(best), "device", json_object_get(best_e, "device"),
			 "fstype", json_object_get(best_e, "fstype"), "separate", best_len > 1,
			 "source", source);
}

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

/* --- audit rules --------------------------------------------------------- */

#define AUDIT_RULES "/etc/audit/audit.rules"
#define AUDIT_RULES_D "/etc/audit/rules.d"

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a > b && !strcmp(s + a - b, suffix);
}

int collect_audit(struct collect_ctx *ctx)
{
	json_t *files = json_array(), *rules = json_array(), *errors = json_array();
	char **paths = NULL;
	size_t npaths = 0, alloc = 0;
	char **names = NULL;
	size_t n = 0;
	char *err = NULL;
	size_t existing = 0, read_ok = 0;
	char *first_error = NULL;

	ALLOC_GROW(paths, npaths + 1, alloc);
	paths[npaths++] = xstrdup(AUDIT_RULES);
	if (rootfs_listdir(ctx->root, AUDIT_RULES_D, &names, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (!has_suffix(names[i], ".rules"))
				continue;
			ALLOC_GROW(paths, npaths + 1, alloc);
			paths[npaths++] = path_join(AUDIT_RULES_D, names[i]);
		}
		rootfs_free_list(names, n);
	} else {
		if (errno != ENOENT) {
			existing++;
			json_array_append_new(errors, jstr(err));
			first_error = xstrdup(err);
		}
		free(err);
	}

	struct buf b;
	buf_init(&b, ROOTFS_READ_CAP);
	for (size_t i = 0; i < npaths; i++) {
		err = NULL;
		if (rootfs_read(ctx->root, paths[i], ROOTFS_READ_CAP, &b, &err) < 0) {
			if (errno != ENOENT) {
				existing++;
				json_array_append_new(errors, jstr(err));
				if (!first_error)
					first_error = xstrdup(err);
			}
			free(err);
			continue;
		}
		existing++;
		read_ok++;
		json_array_append_new(files, jstr(paths[i]));
		audit_parse(paths[i], b.data, b.len, rules, errors);
	}
	buf_release(&b);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);

	int ret = 0;
	if (existing && !read_ok) {
		char *msg = jstr_text(first_error);
		facts_set_error(ctx->facts, "audit", "no audit rules file could be read: %s", msg);
		free(msg);
		json_decref(files);
		json_decref(rules);
		json_decref(errors);
		ret = -1;
	} else {
		json_t *a = json_pack("{s:o, s:o, s:o}", "files", files, "rules", rules,
				      "errors", errors);
		if (!existing)
			json_object_set_new(a, "note", json_string("no audit rules files"));
		json_object_set_new(ctx->facts, "audit", a);
	}
	free(first_error);
	return ret;
}
