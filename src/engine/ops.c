#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "engine/internal.h"
#include "base/regex.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

char *ops_value_text(const json_t *v)
{
	if (json_is_string(v))
		return xasprintf("\"%s\"", json_string_value(v));
	return jstr_brief(v);
}

char *ops_expected_text(const struct expr *e, const json_t *value)
{
	if (e->expect)
		return xstrdup(e->expect);
	char *v = value ? ops_value_text(value) : NULL;
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

/* 1 match, 0 none, -1 when pcre2 could not tell (*err). */
static int re_match(const pcre2_code *re, const json_t *v, char **err)
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
	int rc = regex_match(re, s, len, err);
	free(owned);
	return rc;
}

/* Resolve "$name" against the check's parameters. */
const json_t *ops_leaf_value(const struct expr *e, const struct ev *ev, char **err)
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
/* A value's JSON type as a reader names it; integers and reals are one. */
static const char *type_word(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: return "a string";
	case JSON_INTEGER: case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_ARRAY: return "a list";
	case JSON_OBJECT: return "an object";
	default: return "null";
	}
}

/* The one scalar type of want (or of every element of a list want), or NULL. */
static const char *wanted_type(const json_t *want, int list)
{
	if (!list)
		return json_is_string(want) || json_is_number(want) || json_is_boolean(want) ? type_word(want) : NULL;
	const char *t = NULL;
	size_t i;
	json_t *el;
	json_array_foreach(want, i, el) {
		const char *w = wanted_type(el, 0);
		if (!w || (t && strcmp(t, w)))
			return NULL;
		t = w;
	}
	return t;
}

/*
 * A fact of another JSON type than the rule compares it with is not a
 * verdict: "root" is not {"value": "root"}, and an object where a string
 * belongs (a hostile or broken daemon's answer) must not read as "not
 * root".  Returns the complaint, or NULL when the types agree.
 */
static char *type_mismatch(const struct expr *e, const json_t *actual, const json_t *want)
{
	const char *t = NULL;
	if (!actual || json_is_null(actual))
		return NULL;
	switch (e->op) {
	case OP_EQ: case OP_NE: t = wanted_type(want, 0); break;
	case OP_IN: case OP_NOT_IN: t = json_is_array(want) ? wanted_type(want, 1) : NULL; break;
	case OP_REGEX: case OP_NOT_REGEX: {
		/* Text, numbers and booleans are matched as text; a list element by element. */
		if (json_is_object(actual))
			return xstrdup("expected a string, got an object");
		size_t i;
		json_t *el;
		json_array_foreach(actual, i, el)
			if (json_is_object(el) || json_is_array(el))
				return xasprintf("expected a list of strings, got %s in it", type_word(el));
		return NULL;
	}
	default: return NULL;
	}
	if (t && strcmp(t, type_word(actual)))
		return xasprintf("expected %s, got %s", t, type_word(actual));
	return NULL;
}

enum status ops_judge_value(const struct expr *e, const json_t *actual,
			    const json_t *want, char **err)
{
	double x, y;
	size_t i;
	json_t *el;
	if ((*err = type_mismatch(e, actual, want)))
		return ST_ERROR;
	switch (e->op) {
	case OP_EQ: return values_equal(actual, want) ? ST_PASS : ST_FAIL;
	case OP_NE: return values_equal(actual, want) ? ST_FAIL : ST_PASS;
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		if (as_number(want, &y) < 0) {
			*err = xstrdup("the expected value is not a number");
			return ST_ERROR;
		}
		if (as_number(actual, &x) < 0) {
			char *t = ops_value_text(actual);
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
			json_array_foreach(actual, i, el) {
				int r = re_match(e->re, el, err);
				if (r < 0)
					return ST_ERROR;
				m |= r;
			}
		} else if (actual && !json_is_null(actual)) {
			if ((m = re_match(e->re, actual, err)) < 0)
				return ST_ERROR;
		} else {
			json_t *none = json_string("");
			m = re_match(e->re, none, err);
			json_decref(none);
			if (m < 0)
				return ST_ERROR;
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

enum status ops_judge_file(const struct expr *e, struct ev *ev, const json_t *f,
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
		enum status s = ops_judge_value(e, type, want, &err);
		if (err)
			t->note = err;
		return s;
	}
	}
}
