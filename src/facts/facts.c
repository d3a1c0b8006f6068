#include "config.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include "facts/facts.h"
#include "base/atomic.h"
#include "collect/containers.h"
#include "collect/docker.h"
#include "collect/files.h"
#include "collect/host.h"
#include "collect/kube.h"
#include "base/jstr.h"
#include "collect/users.h"
#include "base/xalloc.h"
#include "base/banned.h"

void facts_set_error(json_t *obj, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	json_object_set_new(obj, key, json_pack("{s:s}", "error", msg));
	free(msg);
}

json_t *fact_value(json_t *v, const char *src)
{
	json_t *o = json_object();
	json_object_set_new(o, "value", v ? v : json_null());
	json_object_set_new(o, "source", json_string(src));
	return o;
}

/* Read the next path segment from *p into a new string; NULL at the end. */
static char *next_segment(const char **p)
{
	const char *s = *p;
	if (*s == '.')
		s++;
	if (!*s)
		return NULL;
	if (*s == '[') {
		s++;
		char q = (*s == '"' || *s == '\'') ? *s++ : 0;
		const char *e = s;
		while (*e && !(q ? (*e == q && e[1] == ']') : *e == ']'))
			e++;
		char *seg = xstrndup(s, (size_t)(e - s));
		if (*e)
			e += q ? 2 : 1;
		*p = e;
		return seg;
	}
	const char *e = s;
	while (*e && *e != '.' && *e != '[')
		e++;
	*p = e;
	return xstrndup(s, (size_t)(e - s));
}

json_t *facts_get(json_t *node, const char *path, const char **error_out)
{
	const char *p = path;
	char *seg;
	if (error_out)
		*error_out = NULL;
	while (node && (seg = next_segment(&p))) {
		if (json_is_object(node)) {
			json_t *e = json_object_get(node, "error");
			json_t *next = json_object_get(node, seg);
			if (json_is_string(e) && !next) {
				if (error_out)
					*error_out = json_string_value(e);
				free(seg);
				return NULL;
			}
			node = next;
		} else if (json_is_array(node)) {
			char *end;
			long i = strtol(seg, &end, 10);
			node = (*end || i < 0) ? NULL : json_array_get(node, (size_t)i);
		} else {
			node = NULL;
		}
		free(seg);
	}
	if (node && json_is_object(node) && error_out && !*error_out) {
		json_t *e = json_object_get(node, "error");
		if (json_is_string(e))
			*error_out = json_string_value(e);
	}
	return node;
}

/* ---- collection ---- */

static void derive_ulimit_overrides(json_t *facts);

static void set_meta(json_t *facts, struct rootfs *root, int live)
{
	json_t *meta = json_object();
	struct buf b;
	buf_init(&b, 4096);
	char *hostname = NULL;
	if (rootfs_read(root, "/etc/hostname", 4096, &b, NULL) == 0) {
		b.data[strcspn(b.data, "\r\n")] = '\0';
		if (b.data[0])
			hostname = xstrdup(b.data);
	}
	buf_release(&b);
	if (live || !hostname) {
		struct utsname u;
		if (live && uname(&u) == 0) {
			free(hostname);
			hostname = xstrdup(u.nodename);
		}
	}
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(meta, "root", jstr(root->dir));
	json_object_set_new(meta, "hostname", jstr(hostname));
	json_object_set_new(meta, "collected_at", json_string(when));
	json_object_set_new(meta, "boxaudit_version", json_string(PACKAGE_VERSION));
	json_object_set_new(meta, "live", json_boolean(live));
	json_object_set_new(facts, "meta", meta);
	free(hostname);
}

/* Paths held by facts (a TLS key named in daemon.json, a unit file). */
static void add_fact_paths(json_t *facts, const struct fact_request *req,
			   const char ***paths, size_t *n, size_t *alloc)
{
	for (size_t i = 0; i < req->nfile_facts; i++) {
		json_t *v = facts_get(facts, req->file_facts[i], NULL);
		if (json_is_object(v) && json_object_get(v, "value"))
			v = json_object_get(v, "value");
		/* One path, or a list of them (a unit and its drop-ins). */
		size_t k, count = json_is_array(v) ? json_array_size(v) : 1;
		for (k = 0; k < count; k++) {
			const char *p = json_string_value(json_is_array(v) ? json_array_get(v, k) : v);
			if (p && p[0] == '/') {
				ALLOC_GROW(*paths, *n + 1, *alloc);
				(*paths)[(*n)++] = p;
			}
		}
	}
}

/* Every path rootfs refused, whichever collector asked, once each. */
static void add_refusals(json_t *facts, const struct rootfs *root)
{
	json_t *list = json_object_get(facts, "refused");
	if (!root->refused || !json_is_array(list))
		return;
	for (size_t i = 0; i < root->refused->n; i++) {
		const struct rootfs_refusal *f = &root->refused->v[i];
		size_t k;
		json_t *e;
		int dup = 0;
		json_array_foreach(list, k, e) {
			const char *p = json_string_value(json_object_get(e, "path"));
			if (p && !strcmp(p, f->path))
				dup = 1;
		}
		if (!dup)
			json_array_append_new(list, json_pack("{s:s, s:s}", "path", f->path,
							      "reason", f->reason));
	}
}

json_t *facts_collect(struct rootfs *root, const struct collect_opts *opts,
		      const struct fact_request *req, char **err)
{
	json_t *facts = json_object();
	char *real = realpath(root->dir, NULL);
	int live = real && !strcmp(real, "/");
	free(real);
	struct collect_ctx ctx = { .root = root, .live = live, .opts = opts, .facts = facts };

	json_object_set_new(facts, "schema", json_string("boxaudit-facts/1"));
	set_meta(facts, root, live);
	json_object_set_new(facts, "refused", json_array());
	json_object_set_new(facts, "files", json_object());
	json_object_set_new(facts, "dirs", json_object());

	/* Configuration first: the paths that files and mounts need come from it. */
	collect_docker(&ctx);
	if (req->want_api)
		collect_api(&ctx);
	if (req->want_kubernetes)
		collect_kubernetes(&ctx);
	collect_mounts(&ctx);
	collect_audit(&ctx);

	struct users users;
	users_load(&users, root);
	const char **paths = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; i < req->nfiles; i++) {
		ALLOC_GROW(paths, n + 1, alloc);
		paths[n++] = req->files[i];
	}
	add_fact_paths(facts, req, &paths, &n, &alloc);
	collect_files(&ctx, &users, paths, n);
	collect_dirs(&ctx, &users, req->dirs, req->ndirs);
	derive_ulimit_overrides(facts);
	add_refusals(facts, root);
	free(paths);
	users_release(&users);
	(void)err;
	return facts;
}

/*
 * Facts derived from others, for rules that cannot compute them: which
 * container ulimits differ from the daemon's --default-ulimit (Docker
 * copies the default into HostConfig.Ulimits, so a plain container would
 * look like an override).
 */
static void derive_ulimit_overrides(json_t *facts)
{
	json_t *cs = facts_get(facts, "docker.api.containers", NULL);
	const char *err = NULL;
	json_t *defaults = facts_get(facts, "docker.daemon.settings[\"default-ulimits\"]", &err);
	if (json_is_object(defaults) && json_object_get(defaults, "value"))
		defaults = json_object_get(defaults, "value");
	size_t i;
	json_t *c;
	json_array_foreach(cs, i, c) {
		json_t *ul = facts_get(c, "HostConfig.Ulimits", NULL);
		if (!json_is_object(c) || json_object_get(c, "error"))
			continue;
		if (err && json_array_size(ul)) {
			json_object_set_new(c, "_ulimit_overrides",
					    json_pack("{s:s}", "error", err));
			continue;
		}
		json_t *over = json_array();
		size_t k;
		json_t *u;
		json_array_foreach(ul, k, u) {
			const char *name = json_string_value(json_object_get(u, "Name"));
			const char *d = name ? json_string_value(json_object_get(defaults, name)) : NULL;
			char *have = xasprintf("%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
					       json_integer_value(json_object_get(u, "Soft")),
					       json_integer_value(json_object_get(u, "Hard")));
			if (!d || strcmp(d, have))
				json_array_append(over, u);
			free(have);
		}
		json_object_set_new(c, "_ulimit_overrides", over);
	}
}

json_t *facts_load(const char *path, char **err)
{
	json_error_t je;
	json_t *f = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!f) {
		*err = xasprintf("'%s':%d:%d: %s", path, je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(f) || strcmp(json_string_value(json_object_get(f, "schema")) ?
					  json_string_value(json_object_get(f, "schema")) : "", "boxaudit-facts/1")) {
		*err = xasprintf("'%s': not a boxaudit facts snapshot (schema boxaudit-facts/1)", path);
		json_decref(f);
		return NULL;
	}
	/* A snapshot from an older boxaudit may lack derived facts. */
	derive_ulimit_overrides(f);
	return f;
}

int facts_dump(const json_t *facts, const char *path, char **err)
{
	char *s = json_dumps(facts, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (!s) {
		*err = xstrdup("cannot serialise the facts");
		return -1;
	}
	int rc = atomic_write(path, s, strlen(s), err);
	free(s);
	return rc;
}
