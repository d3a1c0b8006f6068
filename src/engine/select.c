#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "engine/engine.h"
#include "facts/facts.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* "1.31.2", "v1.31" -> 1, 31; -1 when it does not read as MAJOR.MINOR. */
static int parse_version(const char *s, long *major, long *minor)
{
	char *end;
	if (!s)
		return -1;
	if (*s == 'v')
		s++;
	errno = 0;
	*major = strtol(s, &end, 10);
	if (errno || end == s || *end != '.')
		return -1;
	s = end + 1;
	*minor = strtol(s, &end, 10);
	if (errno || end == s || *minor < 0 || *major < 0)
		return -1;
	return 0;
}

/* The newest benchmark of platform p, or NULL. */
static struct benchmark *newest(const struct defs *d, const char *platform)
{
	struct benchmark *best = NULL;
	for (size_t i = 0; i < d->nbenches; i++) {
		struct benchmark *b = d->benches[i];
		if (!b->platform || strcmp(b->platform, platform))
			continue;
		if (!best || check_id_cmp(b->version, best->version) > 0)
			best = b;
	}
	return best;
}

/*
 * The benchmark of platform p for component version major.minor: the one
 * with the highest selects.from at or below it (no "from" is the lowest),
 * the newest on a tie.
 */
static struct benchmark *for_version(const struct defs *d, const char *platform, long major, long minor)
{
	struct benchmark *best = NULL;
	long best_major = -1, best_minor = -1;
	for (size_t i = 0; i < d->nbenches; i++) {
		struct benchmark *b = d->benches[i];
		long fm = 0, fn = 0;
		if (!b->platform || strcmp(b->platform, platform))
			continue;
		if (b->selects_from && parse_version(b->selects_from, &fm, &fn) < 0)
			continue;
		if (fm > major || (fm == major && fn > minor))
			continue;
		if (!best || fm > best_major || (fm == best_major && fn > best_minor) ||
		    (fm == best_major && fn == best_minor && check_id_cmp(b->version, best->version) > 0)) {
			best = b;
			best_major = fm;
			best_minor = fn;
		}
	}
	return best;
}

static void add(struct benchmark ***out, size_t *n, struct benchmark *b)
{
	*out = xrealloc(*out, (*n + 1) * sizeof(**out));
	(*out)[(*n)++] = b;
}

/* The version fact's value ({"value", "source"} unwrapped), or NULL. */
static const char *version_of(json_t *facts, const char *fact)
{
	json_t *v = facts_get(facts, fact, NULL);
	if (json_is_object(v))
		v = json_object_get(v, "value");
	return json_string_value(v);
}

int engine_select(const struct defs *d, json_t *facts, struct benchmark ***out, size_t *n,
		  json_t *notes)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < d->nplatforms; i++) {
		const struct platform *p = d->platforms[i];
		if (!p->detect || engine_eval_expr(p->detect, facts) != ST_PASS)
			continue;
		struct benchmark *b = NULL;
		long major, minor;
		if (p->version_fact) {
			const char *v = version_of(facts, p->version_fact);
			if (parse_version(v, &major, &minor) == 0 && (b = for_version(d, p->name, major, minor))) {
				json_array_append_new(notes, json_sprintf("benchmark %s selected for %s %ld.%ld",
									  b->id, p->version_of, major, minor));
			} else if ((b = newest(d, p->name))) {
				json_array_append_new(notes, json_sprintf("the %s version could not be determined; using the newest benchmark, %s",
									  p->version_of, b->id));
			}
		} else if (p->benchmark && (b = defs_benchmark(d, p->benchmark))) {
			json_array_append_new(notes, p->selected ?
				json_sprintf("benchmark %s selected: %s", b->id, p->selected) :
				json_sprintf("benchmark %s selected: %s is present", b->id, p->title ? p->title : p->name));
		} else if ((b = newest(d, p->name))) {
			json_array_append_new(notes, p->selected ?
				json_sprintf("benchmark %s selected: %s", b->id, p->selected) :
				json_sprintf("benchmark %s selected: %s is present", b->id, p->title ? p->title : p->name));
		}
		if (b)
			add(out, n, b);
	}
	for (size_t i = 0; !*n && i < d->nplatforms; i++) {
		const struct platform *p = d->platforms[i];
		struct benchmark *b = p->fallback ? newest(d, p->name) : NULL;
		if (b) {
			json_array_append_new(notes, json_sprintf("%s; auditing against %s", p->fallback, b->id));
			add(out, n, b);
		}
	}
	return *n ? 0 : -1;
}
