/*
 * An expression (checks/README.md "Expressions") as plain sentences, for
 * `boxaudit explain`.  It reads the definitions only: what a rule would
 * judge, never what a host holds.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *const op_words[] = {
	[OP_EQ] = "is", [OP_NE] = "is not", [OP_LT] = "is below", [OP_LE] = "is at most",
	[OP_GT] = "is above", [OP_GE] = "is at least", [OP_IN] = "is one of", [OP_NOT_IN] = "is none of",
	[OP_CONTAINS] = "contains", [OP_NOT_CONTAINS] = "does not contain", [OP_REGEX] = "matches the pattern",
	[OP_NOT_REGEX] = "does not match the pattern",
	[OP_MODE_MAX] = "has no permission bit outside", [OP_MODE_EQ] = "has exactly the mode",
	[OP_OWNER] = "is owned by", [OP_EXISTS] = "exists", [OP_ABSENT] = "is absent",
	[OP_EMPTY] = "is empty (null, \"\", [] or {})", [OP_NOT_EMPTY] = "is not empty",
	[OP_AUDITED] = "is covered by an audit rule (a watch, or a syscall rule that is not \"never\")",
};

static int no_value(enum op op)
{
	return op == OP_EXISTS || op == OP_ABSENT || op == OP_EMPTY || op == OP_NOT_EMPTY || op == OP_AUDITED;
}

static char *value_text(const struct expr *e, const json_t *params)
{
	const char *s = json_string_value(e->value);
	if (s && s[0] == '$') {
		json_t *p = json_object_get(params, s + 1);
		char *pv = p ? json_dumps(p, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		char *t = xasprintf("the parameter %s (%s)", s + 1, pv ? pv : "not set");
		free(pv);
		return t;
	}
	if (e->op == OP_REGEX || e->op == OP_NOT_REGEX || e->op == OP_MODE_MAX || e->op == OP_MODE_EQ ||
	    e->op == OP_OWNER)
		return xasprintf("%s", e->value_text ? e->value_text : s ? s : "?");
	char *d = e->value ? json_dumps(e->value, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	char *t = xstrdup(d ? d : "null");
	free(d);
	return t;
}

static char *subject_text(const struct expr *e)
{
	switch (e->subj) {
	case SUBJ_FACT:
		return !strcmp(e->subject, "@") ? xstrdup("the element itself") : xasprintf("the fact %s", e->subject);
	case SUBJ_FILE:
		return xasprintf("the file %s", e->subject);
	case SUBJ_FILE_FACT:
		return xasprintf("the file whose path the fact %s holds", e->subject);
	case SUBJ_FILES_UNDER:
		return xasprintf("every file under %s", e->subject);
	case SUBJ_AUDIT_PATH:
		return xasprintf("the path %s", e->subject);
	case SUBJ_AUDIT_PATH_FACT:
		return xasprintf("the path the fact %s holds", e->subject);
	}
	return xstrdup("?");
}

static int indent(struct buf *b, int depth)
{
	for (int i = 0; i < depth; i++)
		if (buf_addstr(b, "  ") < 0)
			return -1;
	return 0;
}

static int describe(struct buf *b, const struct expr *e, const json_t *params, int depth)
{
	int rc = indent(b, depth);
	switch (e->kind) {
	case EX_LEAF: {
		char *subj = subject_text(e);
		char *val = no_value(e->op) ? NULL : value_text(e, params);
		int def_absent = e->absent == ((e->subj == SUBJ_FILE || e->subj == SUBJ_FILE_FACT ||
						e->subj == SUBJ_FILES_UNDER) ? ST_SKIP : ST_ERROR);
		rc |= buf_addf(b, "- %s %s%s%s", subj, op_words[e->op], val ? " " : "", val ? val : "");
		if (e->expect)
			rc |= buf_addf(b, " (shown as \"%s\")", e->expect);
		if (!def_absent)
			rc |= buf_addf(b, "; when it is missing: %s", status_name(e->absent));
		if (e->on_error != ST_ERROR)
			rc |= buf_addf(b, "; when it cannot be read: %s", status_name(e->on_error));
		rc |= buf_addstr(b, "\n");
		free(subj);
		free(val);
		break;
	}
	case EX_ALL:
	case EX_ANY:
	case EX_NONE:
		rc |= buf_addstr(b, e->kind == EX_ALL ? "- all of these hold:\n" : e->kind == EX_ANY ?
				 "- at least one of these holds:\n" : "- none of these holds:\n");
		for (size_t i = 0; i < e->nkids; i++)
			rc |= describe(b, e->kids[i], params, depth + 1);
		break;
	case EX_NOT:
		rc |= buf_addstr(b, "- this does not hold:\n");
		for (size_t i = 0; i < e->nkids; i++)
			rc |= describe(b, e->kids[i], params, depth + 1);
		break;
	case EX_EACH:
		rc |= buf_addf(b, "- for every element of %s", !strcmp(e->each, "@") ? "the element" : e->each);
		if (e->name_field)
			rc |= buf_addf(b, " (each named by its %s)", e->name_field);
		if (e->empty_set)
			rc |= buf_addf(b, ", which passes when every element does; an empty collection is %s",
				       status_name(e->empty));
		else
			rc |= buf_addstr(b, depth ? ", which passes when every element does (and when there is none)" :
					 ", one finding per element; with no element at all the check is SKIP");
		if (e->on_error != ST_ERROR)
			rc |= buf_addf(b, "; when it cannot be read: %s", status_name(e->on_error));
		rc |= buf_addstr(b, "\n");
		if (e->where) {
			rc |= indent(b, depth + 1);
			rc |= buf_addstr(b, "- only the elements for which this holds:\n");
			rc |= describe(b, e->where, params, depth + 2);
		}
		rc |= indent(b, depth + 1);
		rc |= buf_addstr(b, "- each element passes when:\n");
		rc |= describe(b, e->test, params, depth + 2);
		break;
	}
	return rc ? -1 : 0;
}

char *defs_describe_expr(const struct expr *e, const json_t *params)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	if (describe(&b, e, params, 0) < 0) {
		buf_release(&b);
		return xstrdup("(too long to show)\n");
	}
	return buf_detach(&b, NULL);
}

static void add_subject(json_t *out, const char *prefix, const struct expr *e, const char *path)
{
	char *p;
	if (!strncmp(path, "$.", 2))
		p = xstrdup(path + 2);
	else if (prefix && !strcmp(path, "@"))
		p = xstrdup(prefix);
	else if (prefix)
		p = xasprintf("%s[].%s", prefix, path);
	else
		p = xstrdup(path);
	const char *kind = e->subj == SUBJ_FACT ? "fact" : e->subj == SUBJ_FILE ? "file" :
			   e->subj == SUBJ_FILE_FACT ? "file named by a fact" : e->subj == SUBJ_FILES_UNDER ?
			   "files under" : "audit rules for";
	size_t i;
	json_t *v;
	json_array_foreach(out, i, v)
		if (!strcmp(json_string_value(json_object_get(v, "path")), p) &&
		    !strcmp(json_string_value(json_object_get(v, "kind")), kind)) {
			free(p);
			return;
		}
	json_array_append_new(out, json_pack("{s:s,s:s}", "kind", kind, "path", p));
	free(p);
}

static void subjects(const struct expr *e, const char *prefix, json_t *out)
{
	if (!e)
		return;
	switch (e->kind) {
	case EX_LEAF:
		add_subject(out, prefix, e, e->subject);
		break;
	case EX_EACH: {
		char *p = !strncmp(e->each, "$.", 2) ? xstrdup(e->each + 2) :
			  prefix ? (!strcmp(e->each, "@") ? xstrdup(prefix) : xasprintf("%s[].%s", prefix, e->each)) :
			  xstrdup(e->each);
		subjects(e->where, p, out);
		subjects(e->test, p, out);
		free(p);
		break;
	}
	default:
		for (size_t i = 0; i < e->nkids; i++)
			subjects(e->kids[i], prefix, out);
	}
}

json_t *defs_expr_subjects(const struct expr *e)
{
	json_t *out = json_array();
	subjects(e, NULL, out);
	return out;
}
