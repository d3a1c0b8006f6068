#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "collect/systemd.h"
#include "parse/unit.h"
#include "base/limits.h"
#include "parse/redact.h"
#include "parse/envfile.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system", NULL
};

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
		unit_parse(u, path, b.data, b.len);
	}
	buf_release(&b);
}


json_t *systemd_unit_collect(const struct rootfs *r, const char *unit)
{
	return systemd_unit_collect_env(r, unit, NULL);
}

json_t *systemd_unit_collect_env(const struct rootfs *r, const char *unit, json_t **raw_env)
{
	if (raw_env)
		*raw_env = NULL;
	json_t *o = json_object();
	struct unit_state u;
	unit_state_init(&u);
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
		char *val = unit_specifiers(eq + 1, unit);
		json_object_set_new(env, k, json_string(val));
		free(val);
		free(k);
	}
	json_array_foreach(u.env_files, i, v) {
		/* Debian's etcd.service: EnvironmentFile=-/etc/default/%p */
		char *ep = unit_specifiers(json_string_value(json_object_get(v, "path")), unit);
		json_object_set_new(v, "path", json_string(ep));
		free(ep);
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
			unit_add_error(&u, path, line,
				  "ExecStart= given %zu times without a reset (only Type=oneshot allows this)",
				  nexec);
		json_object_set_new(o, "exec_start", unit_expand_exec(&u, raw, path, line, env));
		json_object_set_new(o, "exec_start_raw", json_string(raw));
	} else {
		json_object_set_new(o, "exec_start", json_null());
		json_object_set_new(o, "exec_start_raw", json_null());
	}
	json_object_set_new(o, "dropins", dropins);
	if (raw_env)
		*raw_env = json_deep_copy(env);
	/* Expansion used the real values; the facts keep no secrets. */
	redact_env_object(env);
	json_object_set_new(o, "environment", env);
	json_object_set(o, "environment_files", u.env_files);
	json_object_set(o, "listen_stream", u.listen);
	json_object_set(o, "errors", u.errors);
	unit_state_release(&u);
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
