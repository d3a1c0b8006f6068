#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "engine/internal.h"
#include "facts/facts.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

enum status combine_all(const enum status *v, size_t n)
{
	int fail = 0, error = 0, pass = 0;
	for (size_t i = 0; i < n; i++) {
		fail |= v[i] == ST_FAIL;
		error |= v[i] == ST_ERROR;
		pass |= v[i] == ST_PASS;
	}
	return fail ? ST_FAIL : error ? ST_ERROR : pass ? ST_PASS : ST_SKIP;
}

enum status combine_any(const enum status *v, size_t n)
{
	int fail = 0, error = 0, pass = 0;
	for (size_t i = 0; i < n; i++) {
		fail |= v[i] == ST_FAIL;
		error |= v[i] == ST_ERROR;
		pass |= v[i] == ST_PASS;
	}
	return pass ? ST_PASS : error ? ST_ERROR : fail ? ST_FAIL : ST_SKIP;
}

/* The name of an element for findings. */
json_t *combine_element_name(const struct expr *e, json_t *el, size_t idx, const char *key)
{
	if (e->name_field) {
		json_t *n = facts_get(el, e->name_field, NULL);
		if (json_is_string(n) && json_string_length(n))
			return json_incref(n);
	}
	return key ? jstr(key) : finding_take(xasprintf("#%zu", idx));
}

struct coll_iter coll_iter_init(json_t *c)
{
	struct coll_iter it = { c, 0, json_is_object(c) ? json_object_iter(c) : NULL };
	return it;
}

int coll_iter_next(struct coll_iter *it, json_t **el, const char **key)
{
	*key = NULL;
	if (json_is_array(it->c)) {
		if (it->idx >= json_array_size(it->c))
			return 0;
		*el = json_array_get(it->c, it->idx++);
		return 1;
	}
	if (!it->iter)
		return 0;
	*key = json_object_iter_key(it->iter);
	*el = json_object_iter_value(it->iter);
	it->iter = json_object_iter_next(it->c, it->iter);
	return 1;
}

/* Collect the elements of a collection: array items or object values. */
json_t *combine_collection(struct ev *ev, const char *path, char **err, int *missing,
			   const char **source)
{
	if (source)
		*source = NULL;
	const char *ferr = NULL;
	int absolute = !strncmp(path, "$.", 2);
	json_t *base = (!absolute && ev->elem) ? ev->elem : ev->facts;
	json_t *c = !strcmp(path, "@") && ev->elem ? ev->elem : facts_get(base, absolute ? path + 2 : path, &ferr);
	*missing = 0;
	if (ferr) {
		*err = xstrdup(ferr);
		/* A setting that could not be read names the file it is in. */
		if (source && json_is_object(c) && json_is_string(json_object_get(c, "source")))
			*source = json_string_value(json_object_get(c, "source"));
		return NULL;
	}
	if (source)
		*source = NULL;
	if (leaf_is_wrapper(ev, absolute ? path + 2 : path, absolute, c)) {
		if (source)
			*source = json_string_value(json_object_get(c, "source"));
		c = json_object_get(c, "value");
	}
	/* Left out on purpose ({"skipped": "why"}): missing, and the caller finds why. */
	if (!c || json_is_null(c) || (json_is_object(c) && json_is_string(json_object_get(c, "skipped")))) {
		*missing = 1;
		return NULL;
	}
	if (!json_is_array(c) && !json_is_object(c)) {
		*err = xasprintf("'%s' is not a collection", path);
		return NULL;
	}
	return c;
}

/* A nested each: holds when every element (after where) passes. */
/*
 * An empty (or absent) collection decided a nested each: that is
 * evidence too.  Without it, a "not" over an each that holds because
 * nothing is dropped left its finding with no value and no source.
 */
static void trace_empty(const struct expr *e, struct ev *ev, json_t *coll, const char *wrapped, enum status s)
{
	struct trace_entry *t = trace_add(ev, ev->label, e->each);
	t->is_fact = 1;
	t->setting = wrapped != NULL;
	t->actual = coll ? json_incref(coll) : json_null();
	/* A setting's list (or its absence) was decided by its origin. */
	t->source = wrapped && !ev->elem ? xstrdup(wrapped) :
		    ev->elem ? xasprintf("%s#%s%s", ev->elem_source ? ev->elem_source : "element",
					 ev->prefix ? ev->prefix : "", e->each)
			     : xasprintf("facts:%s", e->each);
	if (e->test && e->test->kind == EX_LEAF) {
		char *x = ops_expected_text(e->test, e->test->value);
		t->expected = xasprintf("every element %s", x);
		free(x);
	} else {
		t->expected = xstrdup("every element passes");
	}
	t->status = s;
}

static enum status eval_each_nested(const struct expr *e, struct ev *ev)
{
	char *err = NULL;
	int missing;
	const char *wrapped = NULL;
	json_t *c = combine_collection(ev, e->each, &err, &missing, &wrapped);
	if (!c) {
		const char *why = missing ? leaf_skipped_reason(ev->elem ? ev->elem : ev->facts,
						  strncmp(e->each, "$.", 2) ? e->each : e->each + 2) : NULL;
		if (missing && !why) {
			enum status s = e->empty_set ? e->empty : ST_PASS;
			trace_empty(e, ev, NULL, wrapped, s);
			return s;
		}
		struct trace_entry *t = trace_add(ev, ev->label, e->each);
		t->note = why ? xstrdup(why) : err;
		if (why)
			free(err);
		t->skipped = why != NULL;
		t->source = wrapped ? xstrdup(wrapped) : xasprintf("facts:%s", e->each);
		return t->status = why ? ST_SKIP : e->on_error;
	}
	enum status *st = xcalloc(json_is_array(c) ? json_array_size(c) + 1 : json_object_size(c) + 1, sizeof(*st));
	size_t n = 0, idx = 0;
	struct coll_iter it = coll_iter_init(c);
	json_t *el;
	const char *key;
	while (coll_iter_next(&it, &el, &key)) {
		struct ev sub = *ev;
		char *prefix = key ? xasprintf("%s%s[\"%s\"].", ev->prefix ? ev->prefix : "", e->each, key)
				   : xasprintf("%s%s[%zu].", ev->prefix ? ev->prefix : "", e->each, idx);
		sub.elem = el;
		sub.prefix = prefix;
		if (!ev->elem || !strncmp(e->each, "$.", 2))
			sub.raw_api = engine_raw_api_path(strncmp(e->each, "$.", 2) ? e->each : e->each + 2);
		char *nested_source = NULL;
		if (ev->elem && wrapped) {
			/* A list with its own source inside an element: its items are evidence from there. */
			/* An item of a derived list is evidence from the whole; an object item is one entry of it. */
			sub.elem_source = nested_source = !json_is_object(el) ? xstrdup(wrapped) :
				key ? xasprintf("%s[\"%s\"]", wrapped, key) : xasprintf("%s[%zu]", wrapped, idx);
			sub.prefix = NULL;
		} else if (!ev->elem) {
			/*
			 * Outside a top-level each: the element is its own evidence;
			 * an item of a setting with an origin comes from there (the
			 * file, drop-in or flag that set the list), not from the facts.
			 */
			const char *src = json_string_value(json_object_get(el, "_source"));
			sub.elem_source = nested_source = src ? xstrdup(src) :
				wrapped && !json_is_object(el) ? xstrdup(wrapped) :
				key ? xasprintf("facts:%s[\"%s\"]", e->each, key) : xasprintf("facts:%s[%zu]", e->each, idx);
			sub.prefix = NULL;
		}
		int keep = 1;
		if (e->where) {
			struct trace scratch = {0};
			sub.trace = &scratch;
			sub.negated = 0;
			keep = expr_eval(e->where, &sub) == ST_PASS;
			trace_release(&scratch);
			sub.trace = ev->trace;
			sub.negated = ev->negated;
		}
		if (keep)
			st[n++] = expr_eval(e->test, &sub);
		free(prefix);
		free(nested_source);
		idx++;
	}
	enum status s = n ? combine_all(st, n) : (e->empty_set ? e->empty : ST_PASS);
	if (!n)
		trace_empty(e, ev, c, wrapped, s);
	free(st);
	if (!n && wrapped && ev->elem) {
		/* An empty list with a source of its own is the evidence: nothing in it. */
		struct trace_entry *t = trace_add(ev, ev->label, e->each);
		t->is_fact = 1;
		t->actual = json_incref(c);
		t->source = xstrdup(wrapped);
		t->status = s;
	}
	return s;
}

enum status expr_eval(const struct expr *e, struct ev *ev)
{
	switch (e->kind) {
	case EX_LEAF:
		if (e->subj == SUBJ_FACT)
			return leaf_eval_fact(e, ev);
		if (e->subj == SUBJ_AUDIT_PATH || e->subj == SUBJ_AUDIT_PATH_FACT)
			return leaf_eval_audit(e, ev);
		return leaf_eval_file(e, ev);
	case EX_ALL: case EX_ANY: case EX_NONE: {
		enum status *st = xcalloc(e->nkids, sizeof(*st));
		size_t *start = xcalloc(e->nkids + 1, sizeof(*start));
		struct ev sub = *ev;
		if (e->kind == EX_NONE)
			sub.negated = !ev->negated;
		for (size_t i = 0; i < e->nkids; i++) {
			start[i] = ev->trace->n;
			st[i] = expr_eval(e->kids[i], &sub);
		}
		start[e->nkids] = ev->trace->n;
		enum status s = e->kind == EX_ALL ? combine_all(st, e->nkids) : combine_any(st, e->nkids);
		/*
		 * When one alternative decided an any (or broke a none), the others
		 * are not evidence: drop what they traced, last first.
		 */
		if (e->kind != EX_ALL && s == ST_PASS)
			for (size_t i = e->nkids; i-- > 0;)
				if (st[i] != ST_PASS)
					trace_drop(ev->trace, start[i], start[i + 1]);
		free(start);
		free(st);
		return e->kind == EX_NONE ? status_invert(s) : s;
	}
	case EX_NOT: {
		struct ev sub = *ev;
		sub.negated = !ev->negated;
		return status_invert(expr_eval(e->kids[0], &sub));
	}
	case EX_EACH:
		return eval_each_nested(e, ev);
	}
	return ST_ERROR;
}
