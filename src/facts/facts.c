#include "config.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "facts/facts.h"
#include "base/atomic.h"
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

void facts_keep_init(struct facts_keep *k)
{
	memset(k, 0, sizeof(*k));
}

static struct facts_keep *keep_child(struct facts_keep *k, const char *name)
{
	for (size_t i = 0; i < k->nkids; i++)
		if (!strcmp(k->kids[i].name, name))
			return &k->kids[i];
	ALLOC_GROW(k->kids, k->nkids + 1, k->alloc);
	struct facts_keep *c = &k->kids[k->nkids++];
	facts_keep_init(c);
	c->name = xstrdup(name);
	return c;
}

static int is_index(const char *seg)
{
	if (!*seg)
		return 1;	/* "[]": every element */
	for (; *seg; seg++)
		if (*seg < '0' || *seg > '9')
			return 0;
	return 1;
}

void facts_keep_add(struct facts_keep *k, const char *path)
{
	const char *p = path;
	char *seg;
	if (!strcmp(path, "@") || !*path) {
		k->all = 1;
		return;
	}
	while (!k->all && (seg = next_segment(&p))) {
		if (is_index(seg)) {
			/* An array on the way: its elements are looked through. */
			free(seg);
			continue;
		}
		if (!strcmp(seg, "@") || strchr(seg, '*')) {
			k->all = 1;
			free(seg);
			return;
		}
		k = keep_child(k, seg);
		free(seg);
	}
	/* The path ends here: all of it. */
	k->all = 1;
}

int facts_keep_all(const struct facts_keep *k)
{
	return k->all;
}

void facts_prune(json_t *v, const struct facts_keep *k, int depth)
{
	if (k->all || depth <= 0)
		return;
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			facts_prune(e, k, depth);
		return;
	}
	if (!json_is_object(v))
		return;
	const char *key;
	json_t *m;
	void *tmp;
	json_object_foreach_safe(v, tmp, key, m) {
		const struct facts_keep *c = NULL;
		for (size_t i = 0; i < k->nkids && !c; i++)
			if (!strcmp(k->kids[i].name, key))
				c = &k->kids[i];
		if (!c)
			json_object_del(v, key);
		else
			facts_prune(m, c, depth - 1);
	}
}

void facts_keep_release(struct facts_keep *k)
{
	for (size_t i = 0; i < k->nkids; i++) {
		/* Its name first: releasing a child clears it (facts_keep_init). */
		free(k->kids[i].name);
		facts_keep_release(&k->kids[i]);
	}
	free(k->kids);
	facts_keep_init(k);
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
