#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * Ids are dot-separated segments, each a number ("1.1.10") or a control
 * name ("baseline.host-process").  Numbers compare by value, names by
 * their bytes, and a number sorts before a name.
 */
int check_id_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		if (!*a)
			return -1;
		if (!*b)
			return 1;
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		int na = strspn(a, "0123456789") == la && la > 0;
		int nb = strspn(b, "0123456789") == lb && lb > 0;
		if (na && nb) {
			long x = strtol(a, NULL, 10), y = strtol(b, NULL, 10);
			if (x != y)
				return x < y ? -1 : 1;
		} else if (na != nb) {
			return na ? -1 : 1;
		} else {
			int c = strncmp(a, b, la < lb ? la : lb);
			if (c)
				return c < 0 ? -1 : 1;
			if (la != lb)
				return la < lb ? -1 : 1;
		}
		a += la;
		b += lb;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
	}
	return 0;
}

char *check_section(const char *id)
{
	const char *dot = strchr(id, '.');
	return dot ? xstrndup(id, (size_t)(dot - id)) : xstrdup(id);
}

void check_release(struct check *c)
{
	free(c->id);
	free(c->title);
	free(c->assessment);
	free(c->remediation);
	json_decref(c->params);
}

__attribute__((format(printf, 3, 4)))
static void resolve_error(struct defs *d, json_t *entry, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	const char *pos = json_string_value(json_object_get(entry, "__pos"));
	defs_add_error(d, xasprintf("%s: %s", pos ? pos : "?", m));
	free(m);
}

static struct check *find_check(struct benchmark *b, const char *id)
{
	for (size_t i = 0; i < b->nchecks; i++)
		if (!strcmp(b->checks[i].id, id))
			return &b->checks[i];
	return NULL;
}

/* Apply the metadata of entry (title, level, assessment, params, remediation). */
static void apply_meta(struct check *c, json_t *entry)
{
	json_t *v;
	if ((v = json_object_get(entry, "title")) && json_is_string(v)) {
		free(c->title);
		c->title = xstrdup(json_string_value(v));
	}
	if ((v = json_object_get(entry, "level")))
		c->level = (int)json_integer_value(v);
	if ((v = json_object_get(entry, "assessment")) && json_is_string(v)) {
		free(c->assessment);
		c->assessment = xstrdup(json_string_value(v));
	}
	if ((v = json_object_get(entry, "unverified")) && json_is_array(v)) {
		size_t i;
		json_t *w;
		c->unverified = 0;
		json_array_foreach(v, i, w)
			c->unverified |= !strcmp(json_string_value(w) ? json_string_value(w) : "", "level")
				? CHECK_UNVERIFIED_LEVEL : CHECK_UNVERIFIED_ASSESSMENT;
	}
	if ((v = json_object_get(entry, "remediation")) && json_is_string(v)) {
		free(c->remediation);
		c->remediation = xstrdup(json_string_value(v));
	}
	if ((v = json_object_get(entry, "params")) && json_is_object(v))
		json_object_update(c->params, v);
}

static int bind_rule(struct defs *d, struct benchmark *b, struct check *c, json_t *entry)
{
	const char *key = json_string_value(json_object_get(entry, "rule"));
	if (!key)
		return 0;
	const struct rule *r = defs_rule(d, key);
	if (!r) {
		resolve_error(d, entry, "check %s of '%s' names unknown rule '%s'", c->id, b->id, key);
		return -1;
	}
	c->rule = r;
	json_decref(c->params);
	c->params = json_deep_copy(r->params);
	if (!c->title)
		c->title = xstrdup(r->title);
	return 0;
}

static int add_check(struct defs *d, struct benchmark *b, json_t *entry)
{
	const char *id = json_string_value(json_object_get(entry, "id"));
	if (find_check(b, id)) {
		resolve_error(d, entry, "duplicate check id '%s' in '%s'", id, b->id);
		return -1;
	}
	ALLOC_GROW(b->checks, b->nchecks + 1, b->alloc);
	struct check *c = &b->checks[b->nchecks];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(id);
	c->bench = b;
	c->params = json_object();
	if (bind_rule(d, b, c, entry) < 0) {
		check_release(c);
		return -1;
	}
	apply_meta(c, entry);
	b->nchecks++;
	return 0;
}

static int cmp_checks(const void *a, const void *b)
{
	return check_id_cmp(((const struct check *)a)->id, ((const struct check *)b)->id);
}

static int resolve_one(struct defs *d, struct benchmark *b)
{
	int rc = 0;
	if (b->resolved)
		return 0;
	if (b->resolving) {
		resolve_error(d, b->raw, "benchmark '%s' extends itself through a cycle", b->id);
		return -1;
	}
	b->resolving = 1;
	json_t *raw = b->raw;
	if (b->extends) {
		struct benchmark *base = defs_benchmark(d, b->extends);
		if (!base) {
			resolve_error(d, raw, "benchmark '%s' extends unknown benchmark '%s'", b->id, b->extends);
			b->resolving = 0;
			return -1;
		}
		if (resolve_one(d, base) < 0) {
			b->resolving = 0;
			return -1;
		}
		if (!b->platform)
			b->platform = xstrdup(base->platform);
		json_t *merged = json_deep_copy(base->sections);
		json_object_update(merged, b->sections);
		json_decref(b->sections);
		b->sections = merged;
		for (size_t i = 0; i < base->nchecks; i++) {
			struct check *s = &base->checks[i];
			ALLOC_GROW(b->checks, b->nchecks + 1, b->alloc);
			struct check *c = &b->checks[b->nchecks++];
			*c = *s;
			c->id = xstrdup(s->id);
			c->title = xstrdup(s->title);
			c->assessment = s->assessment ? xstrdup(s->assessment) : NULL;
			c->remediation = s->remediation ? xstrdup(s->remediation) : NULL;
			c->params = json_deep_copy(s->params);
			c->bench = b;
		}
		/* Renumber in one step, so that 2.7 -> 2.8 and 2.8 -> 2.9 do not collide. */
		json_t *ren = json_object_get(raw, "renumber");
		const char *from;
		json_t *to;
		char **newids = xcalloc(b->nchecks + 1, sizeof(*newids));
		json_object_foreach(ren, from, to) {
			struct check *c = find_check(b, from);
			if (!c || !json_is_string(to)) {
				resolve_error(d, raw, "renumber: '%s' is not a check of '%s'", from, b->extends);
				rc = -1;
				continue;
			}
			newids[c - b->checks] = xstrdup(json_string_value(to));
		}
		for (size_t i = 0; i < b->nchecks; i++)
			if (newids[i]) {
				free(b->checks[i].id);
				b->checks[i].id = newids[i];
			}
		free(newids);
		json_t *rem = json_object_get(raw, "remove");
		size_t i;
		json_t *v;
		json_array_foreach(rem, i, v) {
			const char *id = json_string_value(v);
			struct check *c = id ? find_check(b, id) : NULL;
			if (!c) {
				resolve_error(d, raw, "remove: '%s' is not a check of '%s'", id ? id : "?", b->extends);
				rc = -1;
				continue;
			}
			check_release(c);
			size_t k = (size_t)(c - b->checks);
			memmove(c, c + 1, (b->nchecks - k - 1) * sizeof(*c));
			b->nchecks--;
		}
		json_array_foreach(json_object_get(raw, "add"), i, v)
			if (add_check(d, b, v) < 0)
				rc = -1;
		json_array_foreach(json_object_get(raw, "change"), i, v) {
			const char *id = json_string_value(json_object_get(v, "id"));
			struct check *c = find_check(b, id);
			if (!c) {
				resolve_error(d, v, "change: '%s' is not a check of '%s'", id, b->id);
				rc = -1;
				continue;
			}
			if (json_object_get(v, "rule")) {
				json_t *keep = json_incref(c->params);
				if (bind_rule(d, b, c, v) < 0)
					rc = -1;
				json_decref(keep);
			}
			apply_meta(c, v);
		}
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(raw, "checks"), i, v)
		if (add_check(d, b, v) < 0)
			rc = -1;
	qsort(b->checks, b->nchecks, sizeof(*b->checks), cmp_checks);
	for (size_t k = 0; k < b->nchecks; k++) {
		struct check *c = &b->checks[k];
		char *sec = check_section(c->id);
		if (!json_object_get(b->sections, sec))
			resolve_error(d, raw, "benchmark '%s' has no title for section '%s' of check %s", b->id, sec, c->id);
		free(sec);
		if (!c->level || !c->assessment || !c->rule) {
			resolve_error(d, raw, "check %s of '%s' lacks a level, assessment or rule", c->id, b->id);
			rc = -1;
		}
	}
	b->resolving = 0;
	b->resolved = 1;
	return rc;
}

int defs_resolve(struct defs *d)
{
	size_t before = d->nerrors;
	for (size_t i = 0; i < d->nbenches; i++)
		resolve_one(d, d->benches[i]);
	/* A platform that names its benchmark names one of its own. */
	for (size_t i = 0; i < d->nplatforms; i++) {
		const struct platform *p = d->platforms[i];
		const struct benchmark *b = p->benchmark ? defs_benchmark(d, p->benchmark) : NULL;
		if (p->benchmark && (!b || !b->platform || strcmp(b->platform, p->name)))
			defs_add_error(d, xasprintf("%s:%d: platform '%s' names benchmark '%s', which is not one of its benchmarks",
						    p->file, p->line, p->name, p->benchmark));
	}
	return d->nerrors > before ? -1 : 0;
}
