#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "parse/mountinfo.h"
#include "parse/auditd.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

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

