#include "config.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "engine/engine.h"
#include "parse/auditd.h"
#include "facts/facts.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* One evaluated leaf, kept to build findings. */
struct trace_entry {
	char *target;
	char *subject;
	enum status status;	/* as the leaf judged, before any negation */
	int negated;		/* under an odd number of none/not */
	json_t *actual;
	char *expected;
	char *source;
	char *note;
	int skipped;		/* missing because a collector did not run */
	int is_fact;		/* subject is a fact path (not a file or audit path) */
};

struct trace {
	struct trace_entry *v;
	size_t n, alloc;
};

struct ev {
	json_t *facts;
	json_t *elem;		/* current element of an each, or NULL */
	char *elem_source;	/* its _source */
	const char *prefix;	/* subject prefix inside nested each ("Mounts[1].") */
	const json_t *params;
	const char *label;	/* finding target for facts */
	int negated;
	struct trace *trace;
};

static void trace_entry_release(struct trace_entry *e)
{
	free(e->target);
	free(e->subject);
	json_decref(e->actual);
	free(e->expected);
	free(e->source);
	free(e->note);
}

static void trace_release(struct trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		trace_entry_release(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* Remove entries [from, to) of t. */
static void trace_drop(struct trace *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		trace_entry_release(&t->v[i]);
	memmove(t->v + from, t->v + to, (t->n - to) * sizeof(*t->v));
	t->n -= to - from;
}

static struct trace_entry *trace_add(struct ev *ev, const char *target, const char *subject)
{
	ALLOC_GROW(ev->trace->v, ev->trace->n + 1, ev->trace->alloc);
	struct trace_entry *e = &ev->trace->v[ev->trace->n++];
	memset(e, 0, sizeof(*e));
	e->target = xstrdup(target);
	e->subject = xasprintf("%s%s", ev->prefix ? ev->prefix : "", subject);
	e->negated = ev->negated;
	return e;
}

static enum status invert(enum status s)
{
	return s == ST_PASS ? ST_FAIL : s == ST_FAIL ? ST_PASS : s;
}

static enum status shown(const struct trace_entry *e)
{
	return e->negated ? invert(e->status) : e->status;
}

/* ---- expected values, as shown to a reader ---- */

static char *value_text(const json_t *v)
{
	if (json_is_string(v))
		return xasprintf("\"%s\"", json_string_value(v));
	return jstr_brief(v);
}

static char *expected_text(const struct expr *e, const json_t *value)
{
	if (e->expect)
		return xstrdup(e->expect);
	char *v = value ? value_text(value) : NULL;
	char *r;
	switch (e->op) {
	case OP_EQ: r = xasprintf("%s", v); break;
	case OP_NE: r = xasprintf("not %s", v); break;
	case OP_LT: r = xasprintf("< %s", v); break;
	case OP_LE: r = xasprintf("<= %s", v); break;
	case OP_GT: r = xasprintf("> %s", v); break;
	case OP_GE: r = xasprintf(">= %s", v); break;
	case OP_IN: r = xasprintf("one of %s", v); break;
	case OP_NOT_IN: r = xasprintf("none of %s", v); break;
	case OP_CONTAINS: r = xasprintf("contains %s", v); break;
	case OP_NOT_CONTAINS: r = xasprintf("does not contain %s", v); break;
	case OP_REGEX: r = xasprintf("matches /%s/", e->value_text); break;
	case OP_NOT_REGEX: r = xasprintf("does not match /%s/", e->value_text); break;
	case OP_MODE_MAX: r = xasprintf("mode %s or more restrictive", e->value_text); break;
	case OP_MODE_EQ: r = xasprintf("mode %s", e->value_text); break;
	case OP_OWNER: r = xasprintf("owned by %s", e->value_text); break;
	case OP_EXISTS: r = xstrdup("present"); break;
	case OP_ABSENT: r = xstrdup("absent"); break;
	case OP_EMPTY: r = xstrdup("empty or unset"); break;
	case OP_NOT_EMPTY: r = xstrdup("set"); break;
	case OP_AUDITED: r = xstrdup("an audit rule covers the path"); break;
	default: r = xstrdup("?");
	}
	free(v);
	return r;
}

/* ---- values ---- */

static int as_number(const json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		if (!*s)
			return -1;
		*out = strtod(s, &end);
		return *end ? -1 : 0;
	}
	return -1;
}

static int values_equal(const json_t *a, const json_t *b)
{
	double x, y;
	if (json_is_number(a) && json_is_number(b)) {
		x = json_number_value(a);
		y = json_number_value(b);
		return x == y;
	}
	return json_equal((json_t *)a, (json_t *)b);
}

static int is_empty(const json_t *v)
{
	if (!v || json_is_null(v))
		return 1;
	if (json_is_string(v))
		return json_string_length(v) == 0;
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (json_is_object(v))
		return json_object_size(v) == 0;
	return 0;
}

static int re_match(const pcre2_code *re, const json_t *v)
{
	char *owned = NULL;
	const char *s;
	size_t len;
	if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
	} else {
		owned = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		s = owned ? owned : "";
		len = strlen(s);
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	free(owned);
	return rc >= 0;
}

/* Resolve "$name" against the check's parameters. */
static const json_t *leaf_value(const struct expr *e, const struct ev *ev, char **err)
{
	const char *t = json_string_value(e->value);
	if (t && t[0] == '$') {
		const json_t *p = json_object_get(ev->params, t + 1);
		if (!p)
			*err = xasprintf("unknown parameter '%s' (%s:%d)", t, e->file, e->line);
		return p;
	}
	return e->value;
}

/* Judge a plain value; returns PASS/FAIL, or ERROR with *err. */
static enum status judge_value(const struct expr *e, const json_t *actual,
			       const json_t *want, char **err)
{
	double x, y;
	size_t i;
	json_t *el;
	switch (e->op) {
	case OP_EQ: return values_equal(actual, want) ? ST_PASS : ST_FAIL;
	case OP_NE: return values_equal(actual, want) ? ST_FAIL : ST_PASS;
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		if (as_number(want, &y) < 0) {
			*err = xstrdup("the expected value is not a number");
			return ST_ERROR;
		}
		if (as_number(actual, &x) < 0) {
			char *t = value_text(actual);
			*err = xasprintf("%s is not a number", t);
			free(t);
			return ST_ERROR;
		}
		switch (e->op) {
		case OP_LT: return x < y ? ST_PASS : ST_FAIL;
		case OP_LE: return x <= y ? ST_PASS : ST_FAIL;
		case OP_GT: return x > y ? ST_PASS : ST_FAIL;
		default: return x >= y ? ST_PASS : ST_FAIL;
		}
	case OP_IN: case OP_NOT_IN: {
		if (!json_is_array(want)) {
			*err = xstrdup("the expected value is not a list");
			return ST_ERROR;
		}
		int found = 0;
		json_array_foreach(want, i, el)
			if (values_equal(actual, el))
				found = 1;
		return (found == (e->op == OP_IN)) ? ST_PASS : ST_FAIL;
	}
	case OP_CONTAINS: case OP_NOT_CONTAINS: {
		int found = 0;
		if (json_is_array(actual)) {
			json_array_foreach(actual, i, el)
				if (values_equal(el, want))
					found = 1;
		} else if (json_is_object(actual) && json_is_string(want)) {
			found = json_object_get(actual, json_string_value(want)) != NULL;
		} else if (actual && !json_is_null(actual)) {
			found = values_equal(actual, want);
		}
		return (found == (e->op == OP_CONTAINS)) ? ST_PASS : ST_FAIL;
	}
	case OP_REGEX: case OP_NOT_REGEX: {
		int m = 0;
		if (json_is_array(actual)) {
			json_array_foreach(actual, i, el)
				if (re_match(e->re, el))
					m = 1;
		} else if (actual && !json_is_null(actual)) {
			m = re_match(e->re, actual);
		} else {
			json_t *none = json_string("");
			m = re_match(e->re, none);
			json_decref(none);
		}
		return (m == (e->op == OP_REGEX)) ? ST_PASS : ST_FAIL;
	}
	case OP_EXISTS: return actual && !json_is_null(actual) ? ST_PASS : ST_FAIL;
	case OP_ABSENT: return actual && !json_is_null(actual) ? ST_FAIL : ST_PASS;
	case OP_EMPTY: return is_empty(actual) ? ST_PASS : ST_FAIL;
	case OP_NOT_EMPTY: return is_empty(actual) ? ST_FAIL : ST_PASS;
	default:
		*err = xstrdup("operator does not apply to this subject");
		return ST_ERROR;
	}
}

/* ---- leaves ---- */

/*
 * Why a fact is missing on purpose: a collector that did not run (the
 * Engine API with --no-api, say) leaves {"skipped": "why"} in its place.
 * Returns the reason of the nearest such object on the path, or NULL.
 */
static const char *skipped_reason(json_t *base, const char *path)
{
	char *p = xstrdup(path);
	const char *why = NULL;
	for (;;) {
		json_t *n = facts_get(base, p, NULL);
		if (json_is_object(n) && json_is_string(json_object_get(n, "skipped"))) {
			why = json_string_value(json_object_get(n, "skipped"));
			break;
		}
		char *dot = strrchr(p, '.');
		if (!dot)
			break;
		*dot = '\0';
	}
	if (!why) {
		json_t *n = facts_get(base, p, NULL);
		if (json_is_object(n) && json_is_string(json_object_get(n, "skipped")))
			why = json_string_value(json_object_get(n, "skipped"));
	}
	free(p);
	return why;
}

/*
 * Look a fact up: "$.a.b" from the document root, otherwise relative to the
 * current element (or the root outside an each).  A {"value","source"}
 * node is unwrapped.  Returns 1 found, 0 missing, -1 error (*err).
 */
static int lookup_fact(struct ev *ev, const char *path, json_t **val, char **source, char **err)
{
	int absolute = !strncmp(path, "$.", 2);
	const char *p = absolute ? path + 2 : path;
	json_t *base = (!absolute && ev->elem) ? ev->elem : ev->facts;
	const char *ferr = NULL;
	/* "@" is the current element itself (a string of a list, say). */
	json_t *n = !strcmp(p, "@") && ev->elem ? ev->elem : facts_get(base, p, &ferr);
	*val = NULL;
	*source = NULL;
	if (ferr) {
		*err = xstrdup(ferr);
		return -1;
	}
	if (json_is_object(n) && json_object_get(n, "source") && json_object_get(n, "value") &&
	    json_object_size(n) <= 4) {
		if (json_is_true(json_object_get(n, "conflict"))) {
			const char *why = json_string_value(json_object_get(n, "conflict_reason"));
			*err = why ? xstrdup(why) :
				xasprintf("'%s' is set both on the command line and in the configuration file; dockerd refuses to start so", p);
			*source = xstrdup(json_string_value(json_object_get(n, "source")));
			return -1;
		}
		*source = xstrdup(json_string_value(json_object_get(n, "source")));
		n = json_object_get(n, "value");
	} else if (!absolute && ev->elem) {
		const char *es = ev->elem_source ? ev->elem_source : "element";
		if (!strcmp(p, "@") && !ev->prefix)
			*source = xstrdup(es);
		else
			*source = xasprintf("%s#%s%s", es, ev->prefix ? ev->prefix : "", p);
	} else {
		*source = xasprintf("facts:%s", p);
	}
	if (!n) {
		/* Inside an element a missing field reads as null, as the Engine API omits empty ones. */
		if (!absolute && ev->elem)
			return 1;
		return 0;
	}
	*val = n;
	return 1;
}

static enum status absent_status(const struct expr *e, struct trace_entry *t, const char *what)
{
	if (e->op == OP_ABSENT || e->op == OP_EMPTY)
		return ST_PASS;
	if (e->op == OP_EXISTS || e->op == OP_NOT_EMPTY)
		return ST_FAIL;
	if (!t->note)
		t->note = xstrdup(what);
	return e->absent;
}

/*
 * Add the fields named by `show` to the actual value: fields of the
 * element inside an each, else siblings of the fact (the object holding it).
 */
static json_t *with_shown(const struct expr *e, struct ev *ev, json_t *actual)
{
	if (!e->nshow)
		return actual;
	json_t *base = ev->elem;
	if (!base) {
		char *parent = xstrdup(strncmp(e->subject, "$.", 2) ? e->subject : e->subject + 2);
		/* The last separator outside brackets: a.b["c.d"] has parent a.b. */
		char *cut = NULL;
		int depth = 0;
		for (char *p = parent; *p; p++) {
			if (*p == '[') {
				if (!depth)
					cut = p;
				depth++;
			} else if (*p == ']' && depth) {
				depth--;
			} else if (*p == '.' && !depth) {
				cut = p;
			}
		}
		if (cut)
			*cut = '\0';
		base = cut ? facts_get(ev->facts, parent, NULL) : ev->facts;
		free(parent);
	}
	json_t *o = json_object();
	json_object_set_new(o, "value", actual ? actual : json_null());
	for (size_t i = 0; i < e->nshow; i++) {
		json_t *v = base ? facts_get(base, e->show[i], NULL) : NULL;
		json_object_set(o, e->show[i], v ? v : json_null());
	}
	return o;
}

static enum status eval_fact_leaf(const struct expr *e, struct ev *ev)
{
	json_t *val;
	char *source, *err = NULL;
	struct trace_entry *t = trace_add(ev, ev->label, e->subject);
	t->is_fact = 1;
	const json_t *want = NULL;
	if (e->value && !(want = leaf_value(e, ev, &err))) {
		t->note = err;
		t->expected = expected_text(e, e->value);
		return t->status = ST_ERROR;
	}
	t->expected = expected_text(e, want);
	int rc = lookup_fact(ev, e->subject, &val, &source, &err);
	t->source = source ? source : xasprintf("facts:%s", e->subject);
	if (rc < 0) {
		t->note = err;
		return t->status = e->on_error;
	}
	if (rc == 0) {
		const char *why = skipped_reason(ev->facts, strncmp(e->subject, "$.", 2) ? e->subject : e->subject + 2);
		char *what = why ? xstrdup(why) : xasprintf("'%s' was not collected", e->subject);
		t->status = absent_status(e, t, what);
		t->skipped = why != NULL;
		if (why && t->status == ST_ERROR)
			t->status = ST_SKIP;
		free(what);
		return t->status;
	}
	if (!val && ev->elem && strncmp(e->subject, "$.", 2)) {
		/* A missing field of an element reads as null, unless a collector left it out on purpose. */
		const char *why = skipped_reason(ev->elem, e->subject);
		if (why) {
			t->note = xstrdup(why);
			t->skipped = 1;
			return t->status = ST_SKIP;
		}
	}
	t->actual = with_shown(e, ev, val ? json_incref(val) : json_null());
	t->status = judge_value(e, val, want, &err);
	if (err)
		t->note = err;
	return t->status;
}

static void owner_text(const json_t *f, char **out)
{
	const char *o = json_string_value(json_object_get(f, "owner"));
	const char *g = json_string_value(json_object_get(f, "group"));
	json_int_t uid = json_integer_value(json_object_get(f, "uid"));
	json_int_t gid = json_integer_value(json_object_get(f, "gid"));
	char *os = o ? xstrdup(o) : xasprintf("%" JSON_INTEGER_FORMAT, uid);
	char *gs = g ? xstrdup(g) : xasprintf("%" JSON_INTEGER_FORMAT, gid);
	*out = xasprintf("%s:%s", os, gs);
	free(os);
	free(gs);
}

/* One side of "user:group": by id when numeric, else by name ("root" also matches id 0). */
static int owner_part_matches(const char *want, size_t len, const json_t *name, const json_t *id)
{
	char *w = xstrndup(want, len);
	int ok;
	char *end;
	long n = strtol(w, &end, 10);
	if (*w && !*end)
		ok = json_integer_value(id) == n;
	else if (json_is_string(name))
		ok = !strcmp(json_string_value(name), w);
	else
		ok = !strcmp(w, "root") && json_integer_value(id) == 0;
	free(w);
	return ok;
}

static enum status judge_file(const struct expr *e, struct ev *ev, const json_t *f,
			      struct trace_entry *t, const json_t *want)
{
	char *err = NULL;
	json_int_t mode = json_integer_value(json_object_get(f, "mode"));
	switch (e->op) {
	case OP_MODE_MAX: case OP_MODE_EQ: {
		long allowed = strtol(e->value_text, NULL, 8);
		t->actual = json_sprintf("%04llo", (unsigned long long)mode);
		if (e->op == OP_MODE_MAX)
			return (mode & ~allowed) == 0 ? ST_PASS : ST_FAIL;
		return mode == allowed ? ST_PASS : ST_FAIL;
	}
	case OP_OWNER: {
		char *have;
		owner_text(f, &have);
		t->actual = json_string(have);
		free(have);
		const char *w = e->value_text;
		const char *colon = strchr(w, ':');
		int ok = owner_part_matches(w, (size_t)(colon - w), json_object_get(f, "owner"), json_object_get(f, "uid")) &&
			 owner_part_matches(colon + 1, strlen(colon + 1), json_object_get(f, "group"), json_object_get(f, "gid"));
		return ok ? ST_PASS : ST_FAIL;
	}
	case OP_EXISTS:
		t->actual = json_string(json_string_value(json_object_get(f, "type")));
		return ST_PASS;
	case OP_ABSENT:
		t->actual = json_string(json_string_value(json_object_get(f, "type")));
		return ST_FAIL;
	default: {
		/* Other operators judge the file's type. */
		json_t *type = json_object_get(f, "type");
		t->actual = json_incref(type);
		enum status s = judge_value(e, type, want, &err);
		if (err)
			t->note = err;
		return s;
	}
	}
}

/* Judge the files entry for path; target is the file path. */
static enum status eval_file_at(const struct expr *e, struct ev *ev, const char *path,
				const char *how)
{
	struct trace_entry *t = trace_add(ev, path, e->subject);
	char *err = NULL;
	const json_t *want = e->value ? leaf_value(e, ev, &err) : NULL;
	t->expected = expected_text(e, want ? want : e->value);
	json_t *f = json_object_get(json_object_get(ev->facts, "files"), path);
	t->source = xstrdup(f && json_is_string(json_object_get(f, "source")) ?
			    json_string_value(json_object_get(f, "source")) : how);
	if (err) {
		t->note = err;
		return t->status = ST_ERROR;
	}
	if (!f) {
		t->note = xasprintf("'%s' was not collected", path);
		return t->status = ST_ERROR;
	}
	const char *ferr = json_string_value(json_object_get(f, "error"));
	if (ferr) {
		t->note = xstrdup(ferr);
		return t->status = ST_ERROR;
	}
	if (!json_is_true(json_object_get(f, "exists"))) {
		t->actual = json_string("absent");
		char *what = xasprintf("'%s' does not exist", path);
		t->status = absent_status(e, t, what);
		free(what);
		return t->status;
	}
	return t->status = judge_file(e, ev, f, t, want);
}

/* The path a file_fact or audit_path_fact names; NULL when not configured. */
static int fact_path(struct ev *ev, const char *fact, char **path, char **source, char **err)
{
	json_t *v;
	int rc = lookup_fact(ev, fact, &v, source, err);
	*path = NULL;
	if (rc <= 0)
		return rc;
	if (json_is_string(v) && json_string_length(v))
		*path = xstrdup(json_string_value(v));
	return *path ? 1 : 0;
}

static enum status combine_all(const enum status *v, size_t n);

static enum status eval_file_leaf(const struct expr *e, struct ev *ev)
{
	if (e->subj == SUBJ_FILE)
		return eval_file_at(e, ev, e->subject, "stat");
	if (e->subj == SUBJ_FILE_FACT) {
		char *path, *source = NULL, *err = NULL;
		int rc = fact_path(ev, e->subject, &path, &source, &err);
		if (rc <= 0) {
			struct trace_entry *t = trace_add(ev, ev->label, e->subject);
			t->expected = expected_text(e, e->value);
			t->source = source ? source : xasprintf("facts:%s", e->subject);
			if (rc < 0) {
				t->note = err;
				return t->status = ST_ERROR;
			}
			t->actual = json_string("not configured");
			char *what = xasprintf("no file is configured (%s)", e->subject);
			t->status = absent_status(e, t, what);
			free(what);
			return t->status;
		}
		free(source);
		enum status s = eval_file_at(e, ev, path, e->subject);
		free(path);
		return s;
	}
	/* files_under: every regular file below the directory. */
	json_t *d = json_object_get(json_object_get(ev->facts, "dirs"), e->subject);
	if (!d || json_is_string(json_object_get(d, "error")) ||
	    !json_is_true(json_object_get(d, "exists"))) {
		struct trace_entry *t = trace_add(ev, e->subject, e->subject);
		t->expected = expected_text(e, e->value);
		t->source = xasprintf("walk:%s", e->subject);
		if (!d) {
			t->note = xasprintf("'%s' was not collected", e->subject);
			return t->status = ST_ERROR;
		}
		if (json_is_string(json_object_get(d, "error"))) {
			t->note = xstrdup(json_string_value(json_object_get(d, "error")));
			return t->status = ST_ERROR;
		}
		t->actual = json_string("absent");
		char *what = xasprintf("'%s' does not exist", e->subject);
		t->status = absent_status(e, t, what);
		free(what);
		return t->status;
	}
	json_t *entries = json_object_get(d, "entries");
	size_t i, n = 0;
	json_t *f;
	enum status *st = xcalloc(json_array_size(entries) + 1, sizeof(*st));
	json_array_foreach(entries, i, f) {
		const char *type = json_string_value(json_object_get(f, "type"));
		const char *path = json_string_value(json_object_get(f, "path"));
		if (!path || (type && strcmp(type, "file")))
			continue;
		/* The walk recorded the entry; judge it as a files entry. */
		struct trace_entry *t = trace_add(ev, path, e->subject);
		t->expected = expected_text(e, e->value);
		t->source = xstrdup(json_is_string(json_object_get(f, "source")) ?
				    json_string_value(json_object_get(f, "source")) : "walk");
		if (json_is_string(json_object_get(f, "error"))) {
			t->note = xstrdup(json_string_value(json_object_get(f, "error")));
			st[n++] = t->status = ST_ERROR;
			continue;
		}
		st[n++] = t->status = judge_file(e, ev, f, t, e->value);
	}
	enum status s;
	if (!n) {
		struct trace_entry *t = trace_add(ev, e->subject, e->subject);
		t->expected = expected_text(e, e->value);
		t->source = xasprintf("walk:%s", e->subject);
		t->actual = json_string("no files");
		t->note = xasprintf("no files under '%s'", e->subject);
		s = t->status = ST_SKIP;
	} else {
		s = combine_all(st, n);
	}
	if (json_is_true(json_object_get(d, "truncated")) && s == ST_PASS) {
		struct trace_entry *t = trace_add(ev, e->subject, e->subject);
		t->note = xasprintf("'%s' holds more files than boxaudit walks; not all were judged", e->subject);
		t->source = xasprintf("walk:%s", e->subject);
		s = t->status = ST_ERROR;
	}
	free(st);
	return s;
}

static enum status eval_audit_leaf(const struct expr *e, struct ev *ev)
{
	char *path = NULL, *source = NULL, *err = NULL;
	if (e->subj == SUBJ_AUDIT_PATH) {
		path = xstrdup(e->subject);
	} else {
		int rc = fact_path(ev, e->subject, &path, &source, &err);
		if (rc <= 0) {
			struct trace_entry *t = trace_add(ev, ev->label, e->subject);
			t->expected = expected_text(e, NULL);
			t->source = source ? source : xasprintf("facts:%s", e->subject);
			t->note = rc < 0 ? err : xasprintf("no path is configured (%s)", e->subject);
			return t->status = rc < 0 ? ST_ERROR : e->absent == ST_ERROR ? ST_SKIP : e->absent;
		}
		free(source);
	}
	struct trace_entry *t = trace_add(ev, path, e->subject);
	t->expected = xasprintf("an audit rule for %s", path);
	const char *ferr = NULL;
	json_t *audit = facts_get(ev->facts, "audit", &ferr);
	if (ferr || !audit) {
		t->source = xstrdup("audit");
		t->note = xstrdup(ferr ? ferr : "audit rules were not collected");
		free(path);
		return t->status = ST_ERROR;
	}
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(audit, "rules"), i, r) {
		if (!audit_rule_covers(r, path))
			continue;
		const char *file = json_string_value(json_object_get(r, "file"));
		json_int_t line = json_integer_value(json_object_get(r, "line"));
		const char *kind = json_string_value(json_object_get(r, "kind"));
		const char *rpath = json_string_value(json_object_get(r, "path"));
		const char *perm = json_string_value(json_object_get(r, "perm"));
		const char *key = json_string_value(json_object_get(r, "key"));
		t->actual = json_sprintf("%s on %s%s%s%s%s", kind ? kind : "rule", rpath ? rpath : path,
					 perm ? " -p " : "", perm ? perm : "",
					 key ? " -k " : "", key ? key : "");
		t->source = xasprintf("audit:%s:%" JSON_INTEGER_FORMAT, file ? file : "?", line);
		free(path);
		return t->status = ST_PASS;
	}
	t->actual = json_string("no audit rule");
	json_t *files = json_object_get(audit, "files");
	char *list = json_dumps(files, JSON_COMPACT | JSON_ENCODE_ANY);
	t->source = xasprintf("audit:%s", list && json_array_size(files) ? list : "(no rules files)");
	free(list);
	free(path);
	/* A rules file or line that could not be read may hold the rule: not a FAIL. */
	const char *aerr = json_string_value(json_array_get(json_object_get(audit, "errors"), 0));
	if (aerr) {
		t->note = xasprintf("no audit rule found, but not every rule could be read: %s", aerr);
		return t->status = ST_ERROR;
	}
	return t->status = ST_FAIL;
}

/* ---- combinators ---- */

static enum status combine_all(const enum status *v, size_t n)
{
	int fail = 0, error = 0, pass = 0;
	for (size_t i = 0; i < n; i++) {
		fail |= v[i] == ST_FAIL;
		error |= v[i] == ST_ERROR;
		pass |= v[i] == ST_PASS;
	}
	return fail ? ST_FAIL : error ? ST_ERROR : pass ? ST_PASS : ST_SKIP;
}

static enum status combine_any(const enum status *v, size_t n)
{
	int fail = 0, error = 0, pass = 0;
	for (size_t i = 0; i < n; i++) {
		fail |= v[i] == ST_FAIL;
		error |= v[i] == ST_ERROR;
		pass |= v[i] == ST_PASS;
	}
	return pass ? ST_PASS : error ? ST_ERROR : fail ? ST_FAIL : ST_SKIP;
}

static enum status eval(const struct expr *e, struct ev *ev);

/* The name of an element for findings. */
static char *element_name(const struct expr *e, json_t *el, size_t idx, const char *key)
{
	if (e->name_field) {
		json_t *n = facts_get(el, e->name_field, NULL);
		if (json_is_string(n) && json_string_length(n))
			return xstrdup(json_string_value(n));
	}
	return key ? xstrdup(key) : xasprintf("#%zu", idx);
}

/* Iterate a collection: the items of an array, or the values of an object (with their keys). */
struct coll_iter {
	json_t *c;
	size_t idx;
	void *iter;
};

static struct coll_iter coll_iter_init(json_t *c)
{
	struct coll_iter it = { c, 0, json_is_object(c) ? json_object_iter(c) : NULL };
	return it;
}

static int coll_iter_next(struct coll_iter *it, json_t **el, const char **key)
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
static json_t *collection(struct ev *ev, const char *path, char **err, int *missing,
			  const char **source)
{
	const char *ferr = NULL;
	int absolute = !strncmp(path, "$.", 2);
	json_t *base = (!absolute && ev->elem) ? ev->elem : ev->facts;
	json_t *c = !strcmp(path, "@") && ev->elem ? ev->elem : facts_get(base, absolute ? path + 2 : path, &ferr);
	*missing = 0;
	if (ferr) {
		*err = xstrdup(ferr);
		return NULL;
	}
	if (source)
		*source = NULL;
	if (json_is_object(c) && json_object_get(c, "value") && json_object_get(c, "source")) {
		if (source)
			*source = json_string_value(json_object_get(c, "source"));
		c = json_object_get(c, "value");
	}
	if (!c || json_is_null(c)) {
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
static enum status eval_each_nested(const struct expr *e, struct ev *ev)
{
	char *err = NULL;
	int missing;
	json_t *c = collection(ev, e->each, &err, &missing, NULL);
	if (!c) {
		const char *why = missing ? skipped_reason(ev->elem ? ev->elem : ev->facts,
						  strncmp(e->each, "$.", 2) ? e->each : e->each + 2) : NULL;
		if (missing && !why)
			return e->empty_set ? e->empty : ST_PASS;
		struct trace_entry *t = trace_add(ev, ev->label, e->each);
		t->note = why ? xstrdup(why) : err;
		if (why)
			free(err);
		t->skipped = why != NULL;
		t->source = xasprintf("facts:%s", e->each);
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
		char *nested_source = NULL;
		if (!ev->elem) {
			/* Outside a top-level each: the element is its own evidence. */
			const char *src = json_string_value(json_object_get(el, "_source"));
			sub.elem_source = nested_source = src ? xstrdup(src) :
				key ? xasprintf("facts:%s[\"%s\"]", e->each, key) : xasprintf("facts:%s[%zu]", e->each, idx);
			sub.prefix = NULL;
		}
		int keep = 1;
		if (e->where) {
			struct trace scratch = {0};
			sub.trace = &scratch;
			sub.negated = 0;
			keep = eval(e->where, &sub) == ST_PASS;
			trace_release(&scratch);
			sub.trace = ev->trace;
			sub.negated = ev->negated;
		}
		if (keep)
			st[n++] = eval(e->test, &sub);
		free(prefix);
		free(nested_source);
		idx++;
	}
	enum status s = n ? combine_all(st, n) : (e->empty_set ? e->empty : ST_PASS);
	free(st);
	return s;
}

static enum status eval(const struct expr *e, struct ev *ev)
{
	switch (e->kind) {
	case EX_LEAF:
		if (e->subj == SUBJ_FACT)
			return eval_fact_leaf(e, ev);
		if (e->subj == SUBJ_AUDIT_PATH || e->subj == SUBJ_AUDIT_PATH_FACT)
			return eval_audit_leaf(e, ev);
		return eval_file_leaf(e, ev);
	case EX_ALL: case EX_ANY: case EX_NONE: {
		enum status *st = xcalloc(e->nkids, sizeof(*st));
		size_t *start = xcalloc(e->nkids + 1, sizeof(*start));
		struct ev sub = *ev;
		if (e->kind == EX_NONE)
			sub.negated = !ev->negated;
		for (size_t i = 0; i < e->nkids; i++) {
			start[i] = ev->trace->n;
			st[i] = eval(e->kids[i], &sub);
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
		return e->kind == EX_NONE ? invert(s) : s;
	}
	case EX_NOT: {
		struct ev sub = *ev;
		sub.negated = !ev->negated;
		return invert(eval(e->kids[0], &sub));
	}
	case EX_EACH:
		return eval_each_nested(e, ev);
	}
	return ST_ERROR;
}

/* ---- checks ---- */

struct finding *result_add_finding(struct check_result *r)
{
	ALLOC_GROW(r->findings, r->nfindings + 1, r->alloc);
	struct finding *f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	return f;
}

void check_result_release(struct check_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		struct finding *f = &r->findings[i];
		free(f->target);
		free(f->field);
		json_decref(f->actual);
		free(f->expected);
		free(f->source);
		free(f->note);
	}
	free(r->findings);
	free(r->reason);
	json_decref(r->waiver);
	memset(r, 0, sizeof(*r));
}

/*
 * How a reader names the value a fact leaf judged: the last segment of an
 * absolute path ("docker.daemon.settings.icc" -> "icc",
 * 'kubernetes.kubelet.settings["readOnlyPort"]' -> "readOnlyPort").
 */
static char *field_name(const char *subject)
{
	const char *p = strncmp(subject, "$.", 2) ? subject : subject + 2;
	const char *last = p;
	int depth = 0;
	for (const char *q = p; *q; q++) {
		if (*q == '[') {
			if (!depth)
				last = q;
			depth++;
		} else if (*q == ']' && depth) {
			depth--;
		} else if (*q == '.' && !depth) {
			last = q + 1;
		}
	}
	if (*last == '[') {
		last++;
		size_t n = strcspn(last, "]");
		if (n >= 2 && (last[0] == '"' || last[0] == '\'') && last[n - 1] == last[0])
			return xstrndup(last + 1, n - 2);
		return xstrndup(last, n);
	}
	return xstrdup(last);
}

static void finding_from_entry(struct check_result *r, const struct trace_entry *t)
{
	struct finding *f = result_add_finding(r);
	f->target = xstrdup(t->target);
	if (t->is_fact && strcmp(t->subject, "@")) {
		f->field = field_name(t->subject);
		/* A label that already names it ("kubelet:readOnlyPort") needs no repeat. */
		size_t lt = strlen(f->target), lf = strlen(f->field);
		if (lt >= lf && !strcmp(f->target + lt - lf, f->field)) {
			free(f->field);
			f->field = NULL;
		}
	}
	f->status = shown(t);
	f->actual = json_incref(t->actual);
	f->expected = t->expected ? (t->negated ? xasprintf("not (%s)", t->expected) : xstrdup(t->expected)) : NULL;
	f->source = t->source ? xstrdup(t->source) : NULL;
	f->note = t->note ? xstrdup(t->note) : NULL;
}

/* One finding for an element, from the leaves evaluated over it. */
static void finding_for_element(struct check_result *r, const char *name, enum status s,
				const struct trace *t)
{
	struct finding *f = result_add_finding(r);
	f->target = xstrdup(name);
	f->status = s;
	json_t *actual = json_object();
	char *expected = NULL, *source = NULL;
	size_t used = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_entry *e = &t->v[i];
		/* A failing element shows what failed; others show everything judged. */
		if ((s == ST_FAIL || s == ST_ERROR) && shown(e) != s)
			continue;
		used++;
		json_object_set(actual, e->subject, e->actual ? e->actual : json_null());
		char *ex = e->expected ? (e->negated ? xasprintf("not (%s)", e->expected) : xstrdup(e->expected)) : NULL;
		if (ex) {
			char *joined = expected ? xasprintf("%s; %s: %s", expected, e->subject, ex)
						: xasprintf("%s: %s", e->subject, ex);
			free(expected);
			expected = joined;
			free(ex);
		}
		if (e->source && (!source || !strstr(source, e->source))) {
			char *joined = source ? xasprintf("%s, %s", source, e->source) : xstrdup(e->source);
			free(source);
			source = joined;
		}
		if (e->note && !f->note)
			f->note = xstrdup(e->note);
	}
	if (used == 1) {
		const char *k;
		json_t *v;
		json_object_foreach(actual, k, v) {
			f->actual = json_incref(v);
			if (strcmp(k, "@"))
				f->field = xstrdup(k);
			/* One leaf: its expectation needs no subject prefix. */
			const char *colon = expected ? strstr(expected, ": ") : NULL;
			if (colon) {
				char *ex = xstrdup(colon + 2);
				free(expected);
				expected = ex;
			}
			char *tgt = f->target;
			(void)tgt;
			json_t *keep = json_object();
			json_object_set(keep, k, v);
			json_decref(keep);
		}
		json_decref(actual);
	} else {
		f->actual = actual;
	}
	f->expected = expected;
	f->source = source;
}

static const char *noun(enum target_kind t)
{
	switch (t) {
	case TARGET_CONTAINER: return "containers";
	case TARGET_IMAGE: return "images";
	case TARGET_FILE: return "files";
	default: return "items";
	}
}

static void eval_top_each(const struct check *c, const struct expr *e, struct ev *ev,
			  struct check_result *out)
{
	char *err = NULL;
	int missing;
	const char *coll_source;
	json_t *coll = collection(ev, e->each, &err, &missing, &coll_source);
	if (!coll) {
		const char *why = missing ? skipped_reason(ev->facts, strncmp(e->each, "$.", 2) ? e->each : e->each + 2) : NULL;
		if (why) {
			out->status = ST_SKIP;
			out->reason = xasprintf("no %s to judge: %s", noun(c->rule->target), why);
		} else if (missing) {
			out->status = e->empty;
			out->reason = xasprintf("no %s to judge (%s is empty)", noun(c->rule->target), e->each);
		} else {
			out->status = ST_ERROR;
			out->reason = err;
			err = NULL;
		}
		free(err);
		return;
	}
	size_t idx = 0, judged = 0;
	size_t counts[ST__COUNT] = {0};
	struct coll_iter it = coll_iter_init(coll);
	json_t *el;
	const char *key;
	while (coll_iter_next(&it, &el, &key)) {
		struct trace t = {0};
		struct ev sub = *ev;
		sub.elem = el;
		sub.prefix = NULL;
		sub.trace = &t;
		const char *src = json_string_value(json_object_get(el, "_source"));
		sub.elem_source = src ? xstrdup(src) : coll_source ? xasprintf("%s[%zu]", coll_source, idx) :
				  xasprintf("facts:%s[%zu]", e->each, idx);
		char *name = element_name(e, el, idx, key);
		/* An element the collector could not read is an ERROR finding. */
		const char *eerr = json_string_value(json_object_get(el, "error"));
		int keep = 1;
		if (!eerr && e->where) {
			struct trace scratch = {0};
			sub.trace = &scratch;
			keep = eval(e->where, &sub) == ST_PASS;
			trace_release(&scratch);
			sub.trace = &t;
		}
		if (json_is_true(json_object_get(el, "_self"))) {
			/* boxaudit's own container, in container mode: listed, not judged. */
			struct finding *f = result_add_finding(out);
			f->target = xstrdup(name);
			f->status = ST_SKIP;
			f->note = xstrdup("boxaudit's own container (the auditor itself); not judged");
			f->source = xstrdup(sub.elem_source);
		} else if (eerr) {
			struct finding *f = result_add_finding(out);
			f->target = xstrdup(name);
			f->status = ST_ERROR;
			f->note = xstrdup(eerr);
			f->source = xstrdup(sub.elem_source);
			counts[ST_ERROR]++;
			judged++;
		} else if (keep) {
			enum status s = eval(e->test, &sub);
			finding_for_element(out, name, s, &t);
			counts[s]++;
			judged++;
		}
		trace_release(&t);
		free(sub.elem_source);
		free(name);
		idx++;
	}
	if (!judged) {
		out->status = e->empty;
		out->reason = xasprintf("no %s to judge", noun(c->rule->target));
		return;
	}
	if (counts[ST_FAIL]) {
		out->status = ST_FAIL;
		out->reason = xasprintf("%zu of %zu %s fail", counts[ST_FAIL], judged, noun(c->rule->target));
	} else if (counts[ST_ERROR]) {
		out->status = ST_ERROR;
		out->reason = xasprintf("%zu of %zu %s could not be judged", counts[ST_ERROR], judged, noun(c->rule->target));
	} else if (counts[ST_PASS]) {
		out->status = ST_PASS;
		out->reason = xasprintf("all %zu %s pass", counts[ST_PASS], noun(c->rule->target));
	} else {
		out->status = ST_SKIP;
		/* One shared reason (a fact left out on purpose, say) is worth showing. */
		const char *why = out->nfindings ? out->findings[0].note : NULL;
		for (size_t k = 1; why && k < out->nfindings; k++)
			if (!out->findings[k].note || strcmp(out->findings[k].note, why))
				why = NULL;
		out->reason = why ? xasprintf("not applicable to any of the %zu %s: %s", judged,
					      noun(c->rule->target), why)
				  : xasprintf("not applicable to any of the %zu %s", judged, noun(c->rule->target));
	}
}

/* The reason line of a non-iterating check, from its findings. */
static char *summarize(const struct check_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		if (f->status != r->status)
			continue;
		if (f->note)
			return xstrdup(f->note);
		char *a = value_text(f->actual);
		char *s = xasprintf("%s%s%s is %s, expected %s (%s)", f->target, f->field ? " " : "",
				    f->field ? f->field : "", a, f->expected ? f->expected : "?",
				    f->source ? f->source : "no source");
		free(a);
		return s;
	}
	return NULL;
}

void engine_eval_check(const struct check *c, json_t *facts, struct check_result *out)
{
	const struct rule *r = c->rule;
	memset(out, 0, sizeof(*out));
	out->check = c;
	struct trace t = {0};
	struct ev ev = {
		.facts = facts, .params = c->params,
		.label = r->label ? r->label : target_name(r->target), .trace = &t,
	};
	if (r->applies) {
		enum status a = eval(r->applies, &ev);
		if (a != ST_PASS) {
			if (a == ST_ERROR) {
				out->status = ST_ERROR;
				for (size_t i = 0; i < t.n && !out->reason; i++)
					if (t.v[i].note)
						out->reason = xasprintf("cannot tell whether the check applies: %s", t.v[i].note);
			} else {
				out->status = ST_SKIP;
				/* "the API was not contacted" says more than the rule's reason. */
				for (size_t i = 0; i < t.n && !out->reason; i++)
					if (t.v[i].skipped && t.v[i].note)
						out->reason = xstrdup(t.v[i].note);
				if (!out->reason)
					out->reason = xstrdup(r->skip_reason);
			}
			if (!out->reason)
				out->reason = xstrdup(r->skip_reason);
			for (size_t i = 0; i < t.n; i++)
				if (t.v[i].actual || t.v[i].note)
					finding_from_entry(out, &t.v[i]);
			for (size_t i = 0; i < out->nfindings; i++)
				out->findings[i].status = out->status;
			trace_release(&t);
			return;
		}
		trace_release(&t);
	}
	if (r->manual) {
		/* A human decides; what a test can show is evidence for them. */
		out->status = ST_MANUAL;
		out->reason = xstrdup(r->review);
		if (r->test && r->test->kind == EX_EACH) {
			eval_top_each(c, r->test, &ev, out);
			free(out->reason);
			out->reason = xstrdup(r->review);
		} else if (r->test) {
			eval(r->test, &ev);
			for (size_t i = 0; i < t.n; i++)
				finding_from_entry(out, &t.v[i]);
		}
		out->status = ST_MANUAL;
		for (size_t i = 0; i < out->nfindings; i++) {
			out->findings[i].status = ST_MANUAL;
			free(out->findings[i].expected);
			out->findings[i].expected = NULL;
		}
		trace_release(&t);
		return;
	}
	if (r->test->kind == EX_EACH) {
		eval_top_each(c, r->test, &ev, out);
		return;
	}
	out->status = eval(r->test, &ev);
	for (size_t i = 0; i < t.n; i++)
		finding_from_entry(out, &t.v[i]);
	trace_release(&t);
	out->reason = summarize(out);
	if (!out->reason)
		out->reason = xstrdup(out->status == ST_PASS ? "" : status_name(out->status));
}

/* ---- what the rules need collected ---- */

/* each_path: the collection an enclosing each iterates, or NULL. */
static void request_expr(const struct expr *e, const char *each_path, struct collect_request *req)
{
	if (!e)
		return;
	switch (e->kind) {
	case EX_LEAF:
		if (e->subj == SUBJ_FILE)
			collect_request_add(&req->files, &req->nfiles, e->subject);
		else if (e->subj == SUBJ_FILE_FACT && !strcmp(e->subject, "@") && each_path)
			/* The paths are the elements of the collection itself. */
			collect_request_add(&req->file_facts, &req->nfile_facts, each_path);
		else if (e->subj == SUBJ_FILE_FACT)
			collect_request_add(&req->file_facts, &req->nfile_facts, e->subject);
		else if (e->subj == SUBJ_FILES_UNDER)
			collect_request_add(&req->dirs, &req->ndirs, e->subject);
		if (e->subj == SUBJ_FACT || e->subj == SUBJ_FILE_FACT || e->subj == SUBJ_AUDIT_PATH_FACT)
			collect_request_add(&req->facts, &req->nfacts, e->subject);
		break;
	case EX_EACH:
		collect_request_add(&req->facts, &req->nfacts, e->each);
		request_expr(e->where, e->each, req);
		request_expr(e->test, e->each, req);
		break;
	default:
		for (size_t i = 0; i < e->nkids; i++)
			request_expr(e->kids[i], each_path, req);
	}
}

void engine_request(const struct check *const *checks, size_t n, struct collect_request *req)
{
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = checks[i]->rule;
		request_expr(r->applies, NULL, req);
		request_expr(r->test, NULL, req);
	}
}
