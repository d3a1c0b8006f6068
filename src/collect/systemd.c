#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "collect/systemd.h"
#include "parse/redact.h"
#include "parse/envfile.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* Unit files and environment files are small; cap like any config file. */
#define UNIT_CAP ROOTFS_READ_CAP

static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system", NULL
};

/* What the directives of one unit (and its drop-ins) amount to. */
struct unit_state {
	json_t *exec;		/* array of {"raw", "path", "line"}: ExecStart= since the last reset */
	json_t *env;		/* array of "K=V" from Environment=, in order */
	json_t *env_files;	/* array of {"path", "optional"} */
	json_t *listen;		/* array of ListenStream= values */
	json_t *errors;
};

static void add_error(struct unit_state *u, const char *path, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add_error(struct unit_state *u, const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	char *full = line ? xasprintf("%s:%zu: %s", path, line, m) : xasprintf("%s: %s", path, m);
	json_array_append_new(u->errors, json_string(full));
	free(m);
	free(full);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static void directive(struct unit_state *u, const char *path, size_t line,
		      const char *section, const char *key, const char *value)
{
	if (!strcmp(section, "Service") && !strcmp(key, "ExecStart")) {
		if (!*value) {
			json_array_clear(u->exec);
			return;
		}
		json_array_append_new(u->exec, json_pack("{s:s, s:s, s:I}", "raw", value,
							 "path", path, "line", (json_int_t)line));
	} else if (!strcmp(section, "Service") && !strcmp(key, "Environment")) {
		if (!*value) {
			json_array_clear(u->env);
			return;
		}
		char *e = NULL;
		json_t *words = split_words(value, &e);
		if (!words) {
			add_error(u, path, line, "Environment=: %s", e);
			free(e);
			return;
		}
		size_t i;
		json_t *w;
		json_array_foreach(words, i, w) {
			const char *s = json_string_value(w);
			const char *eq = strchr(s, '=');
			int ok = eq && eq != s && (isalpha((unsigned char)*s) || *s == '_');
			for (const char *c = s; ok && c < eq; c++)
				ok = isalnum((unsigned char)*c) || *c == '_';
			if (!ok)
				add_error(u, path, line, "Environment=: invalid assignment '%s'", s);
			else
				json_array_append(u->env, w);
		}
		json_decref(words);
	} else if (!strcmp(section, "Service") && !strcmp(key, "EnvironmentFile")) {
		if (!*value) {
			json_array_clear(u->env_files);
			return;
		}
		int optional = *value == '-';
		const char *f = optional ? value + 1 : value;
		if (*f != '/') {
			add_error(u, path, line, "EnvironmentFile=: '%s' is not an absolute path", f);
			return;
		}
		json_array_append_new(u->env_files, json_pack("{s:s, s:b}", "path", f,
							      "optional", optional));
	} else if (!strcmp(section, "Socket") && !strcmp(key, "ListenStream")) {
		if (!*value)
			json_array_clear(u->listen);
		else
			json_array_append_new(u->listen, json_string(value));
	}
}

/* Parse one unit file or drop-in of text into u. */
static void parse_unit(struct unit_state *u, const char *path, char *text, size_t len)
{
	char section[64] = "";
	struct buf logical;
	char *p = text, *end = text + len;
	size_t line = 0;

	if (memchr(text, '\0', len)) {
		add_error(u, path, 0, "contains a NUL byte");
		return;
	}
	buf_init(&logical, UNIT_CAP);
	while (p < end) {
		size_t start = line + 1;
		buf_reset(&logical);
		/* Join continuation lines: a trailing backslash becomes a space. */
		for (;;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
			line++;
			char *next = nl ? nl + 1 : end;
			const char *s = p;
			while (s < p + l && isspace((unsigned char)*s))
				s++;
			/* Comment lines inside a continuation are skipped, as systemd does. */
			if (logical.len && (*s == '#' || *s == ';')) {
				p = next;
				if (p == end)
					break;
				continue;
			}
			while (l && p[l - 1] == '\r')
				l--;
			int cont = l && p[l - 1] == '\\' && s < p + l && *s != '#' && *s != ';';
			if (buf_add(&logical, p, cont ? l - 1 : l) < 0 ||
			    (cont && buf_addstr(&logical, " ") < 0))
				abort();	/* cannot happen: the text is under the same cap */
			p = next;
			if (!cont || p == end)
				break;
		}
		char *s = trim(logical.data);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			size_t n = strlen(s);
			if (s[n - 1] != ']' || n < 3 || n - 2 >= sizeof(section)) {
				add_error(u, path, start, "invalid section header '%s'", s);
				section[0] = '\0';
				continue;
			}
			memcpy(section, s + 1, n - 2);
			section[n - 2] = '\0';
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			add_error(u, path, start, "missing '=' in '%s'", s);
			continue;
		}
		if (!section[0]) {
			add_error(u, path, start, "assignment outside of a section");
			continue;
		}
		*eq = '\0';
		directive(u, path, start, section, trim(s), trim(eq + 1));
	}
	buf_release(&logical);
}

static int str_in(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

static int cmp_base(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');
	return strcmp(x, y);
}

/* Drop-in paths in the order they apply; masked (/dev/null or empty) ones left out. */
static json_t *find_dropins(const struct rootfs *r, struct unit_state *u, const char *unit)
{
	json_t *seen = json_array();
	char **paths = NULL;
	size_t np = 0, alloc = 0;
	for (int d = 0; unit_dirs[d]; d++) {
		char *dir = xasprintf("%s/%s.d", unit_dirs[d], unit);
		char **names;
		size_t n;
		char *e = NULL;
		if (rootfs_listdir(r, dir, &names, &n, &e) < 0) {
			/* An unreadable or refused drop-in directory may hold overrides. */
			if (errno != ENOENT && errno != ENOTDIR)
				json_array_append_new(u->errors, json_string(e));
			free(e);
			free(dir);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			size_t l = strlen(names[i]);
			if (l < 6 || strcmp(names[i] + l - 5, ".conf") || str_in(seen, names[i]))
				continue;
			json_array_append_new(seen, json_string(names[i]));
			ALLOC_GROW(paths, np + 1, alloc);
			paths[np++] = path_join(dir, names[i]);
		}
		rootfs_free_list(names, n);
		free(dir);
	}
	json_decref(seen);
	if (np)
		qsort(paths, np, sizeof(*paths), cmp_base);
	json_t *out = json_array();
	for (size_t i = 0; i < np; i++) {
		json_array_append_new(out, json_string(paths[i]));
		free(paths[i]);
	}
	free(paths);
	return out;
}

/* 1 if PATH is masked: a symlink to /dev/null, or an empty file. */
static int is_masked(const struct rootfs *r, const char *path)
{
	struct stat st;
	char *t = NULL, *e = NULL;
	if (rootfs_stat(r, path, 0, &st, &e) < 0) {
		free(e);
		return 0;
	}
	if (S_ISLNK(st.st_mode) && rootfs_readlink(r, path, &t, &e) == 0) {
		int m = !strcmp(t, "/dev/null");
		free(t);
		if (m)
			return 1;
	}
	free(e);
	if (rootfs_stat(r, path, 1, &st, NULL) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
		return 1;
	return 0;
}

static void read_and_parse(const struct rootfs *r, struct unit_state *u, const char *path)
{
	struct buf b;
	char *e = NULL;
	buf_init(&b, UNIT_CAP);
	if (rootfs_read(r, path, UNIT_CAP, &b, &e) < 0) {
		json_array_append_new(u->errors, json_string(e));
		free(e);
	} else {
		parse_unit(u, path, b.data, b.len);
	}
	buf_release(&b);
}

/* Expand ${NAME} inside a word and $$; the whole-word $NAME case is the caller's. */
static char *expand_braces(const char *w, json_t *env)
{
	struct buf b;
	buf_init(&b, UNIT_CAP);
	for (const char *p = w; *p;) {
		if (p[0] == '$' && p[1] == '$') {
			if (buf_add(&b, "$", 1) < 0)
				break;
			p += 2;
			continue;
		}
		if (p[0] == '$' && p[1] == '{') {
			const char *c = strchr(p + 2, '}');
			if (c) {
				char *name = xstrndup(p + 2, (size_t)(c - p - 2));
				const char *v = json_string_value(json_object_get(env, name));
				free(name);
				if (v && buf_addstr(&b, v) < 0)
					break;
				p = c + 1;
				continue;
			}
		}
		if (buf_add(&b, p, 1) < 0)
			break;
		p++;
	}
	return buf_detach(&b, NULL);
}

static int is_var_word(const char *w)
{
	if (w[0] != '$' || !(isalpha((unsigned char)w[1]) || w[1] == '_'))
		return 0;
	for (const char *c = w + 2; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return 0;
	return 1;
}

/* Split the ExecStart line and expand variables the way systemd does. */
static json_t *expand_exec(struct unit_state *u, const char *raw, const char *path,
			   size_t line, json_t *env)
{
	/* Prefixes: - ignore failure, @ argv[0] follows, : no expansion, + ! privileges. */
	int at = 0, noexpand = 0;
	while (*raw && strchr("-@:+!", *raw)) {
		if (*raw == '@')
			at = 1;
		if (*raw == ':')
			noexpand = 1;
		raw++;
	}
	char *e = NULL;
	json_t *words = split_words(raw, &e);
	if (!words) {
		add_error(u, path, line, "ExecStart=: %s", e);
		free(e);
		return json_null();
	}
	if (at && json_array_size(words) >= 2)
		json_array_remove(words, 1);	/* the argv[0] override */
	if (noexpand)
		return words;
	json_t *out = json_array();
	size_t i;
	json_t *w;
	json_array_foreach(words, i, w) {
		const char *s = json_string_value(w);
		if (i > 0 && is_var_word(s)) {
			const char *v = json_string_value(json_object_get(env, s + 1));
			if (!v)
				continue;
			json_t *parts = split_words(v, &e);
			if (!parts) {
				add_error(u, path, line, "ExecStart=: $%s: %s", s + 1, e);
				free(e);
				continue;
			}
			json_array_extend(out, parts);
			json_decref(parts);
			continue;
		}
		char *x = expand_braces(s, env);
		json_array_append_new(out, json_string(x));
		free(x);
	}
	json_decref(words);
	return out;
}

json_t *systemd_unit_collect(const struct rootfs *r, const char *unit)
{
	json_t *o = json_object();
	struct unit_state u = { json_array(), json_array(), json_array(), json_array(), json_array() };
	char *found = NULL, *lookup_err = NULL;

	json_object_set_new(o, "name", json_string(unit));
	for (int d = 0; unit_dirs[d] && !found; d++) {
		char *p = path_join(unit_dirs[d], unit);
		struct stat st;
		char *e = NULL;
		if (rootfs_stat(r, p, 0, &st, &e) == 0) {
			found = p;
		} else {
			if (errno != ENOENT && errno != ENOTDIR) {
				json_array_append_new(u.errors, json_string(e));
				if (!lookup_err)
					lookup_err = xstrdup(e);
			}
			free(e);
			free(p);
		}
	}
	if (!found && lookup_err) {
		/* Not found, but a directory that may hold it was unreadable: unknown, not absent. */
		json_object_set_new(o, "error", json_string(lookup_err));
	} else {
		json_object_set_new(o, "exists", json_boolean(found != NULL));
		json_object_set_new(o, "path", found ? json_string(found) : json_null());
	}
	free(lookup_err);
	int masked = found && is_masked(r, found);
	json_object_set_new(o, "masked", json_boolean(masked));
	json_t *dropins = found && !masked ? find_dropins(r, &u, unit) : json_array();

	if (found && !masked) {
		read_and_parse(r, &u, found);
		size_t i;
		json_t *d;
		json_array_foreach(dropins, i, d) {
			if (is_masked(r, json_string_value(d))) {
				json_array_remove(dropins, i--);
				continue;
			}
			read_and_parse(r, &u, json_string_value(d));
		}
	}

	/* Environment=, then each EnvironmentFile= in order: later assignments win. */
	json_t *env = json_object();
	size_t i;
	json_t *v;
	json_array_foreach(u.env, i, v) {
		const char *s = json_string_value(v);
		const char *eq = strchr(s, '=');
		char *k = xstrndup(s, (size_t)(eq - s));
		json_object_set_new(env, k, json_string(eq + 1));
		free(k);
	}
	json_array_foreach(u.env_files, i, v) {
		const char *p = json_string_value(json_object_get(v, "path"));
		int optional = json_is_true(json_object_get(v, "optional"));
		struct buf b;
		char *e = NULL;
		buf_init(&b, UNIT_CAP);
		if (rootfs_read(r, p, UNIT_CAP, &b, &e) < 0) {
			int missing = errno == ENOENT;
			json_object_set_new(v, "exists", json_boolean(!missing));
			if (!missing || !optional)
				json_object_set_new(v, "error", json_string(e));
			free(e);
		} else {
			json_object_set_new(v, "exists", json_true());
			json_t *vals = envfile_parse(b.data, b.len, p, &e);
			if (!vals) {
				json_object_set_new(v, "error", json_string(e));
				free(e);
			} else {
				json_object_update(env, vals);
				json_decref(vals);
			}
		}
		buf_release(&b);
	}

	size_t nexec = json_array_size(u.exec);
	if (nexec) {
		json_t *last = json_array_get(u.exec, nexec - 1);
		const char *raw = json_string_value(json_object_get(last, "raw"));
		const char *path = json_string_value(json_object_get(last, "path"));
		size_t line = (size_t)json_integer_value(json_object_get(last, "line"));
		if (nexec > 1)
			add_error(&u, path, line,
				  "ExecStart= given %zu times without a reset (only Type=oneshot allows this)",
				  nexec);
		json_object_set_new(o, "exec_start", expand_exec(&u, raw, path, line, env));
		json_object_set_new(o, "exec_start_raw", json_string(raw));
	} else {
		json_object_set_new(o, "exec_start", json_null());
		json_object_set_new(o, "exec_start_raw", json_null());
	}
	json_object_set_new(o, "dropins", dropins);
	/* Expansion used the real values; the facts keep no secrets. */
	redact_env_object(env);
	json_object_set_new(o, "environment", env);
	json_object_set_new(o, "environment_files", u.env_files);
	json_object_set_new(o, "listen_stream", u.listen);
	json_object_set_new(o, "errors", u.errors);
	json_decref(u.exec);
	json_decref(u.env);
	free(found);
	return o;
}

const char *systemd_unit_error(const json_t *unit)
{
	if (json_is_string(json_object_get(unit, "error")))
		return json_string_value(json_object_get(unit, "error"));
	if (!json_is_true(json_object_get(unit, "exists")) ||
	    json_is_true(json_object_get(unit, "masked")))
		return NULL;
	const char *e = json_string_value(json_array_get(json_object_get(unit, "errors"), 0));
	if (e)
		return e;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(unit, "environment_files"), i, f) {
		e = json_string_value(json_object_get(f, "error"));
		if (e)
			return e;
	}
	return NULL;
}
