#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"

static const struct { const char *name; enum op op; int needs_value; } ops[] = {
	{"eq", OP_EQ, 1}, {"ne", OP_NE, 1}, {"lt", OP_LT, 1}, {"le", OP_LE, 1},
	{"gt", OP_GT, 1}, {"ge", OP_GE, 1}, {"in", OP_IN, 1}, {"not_in", OP_NOT_IN, 1},
	{"contains", OP_CONTAINS, 1}, {"not_contains", OP_NOT_CONTAINS, 1},
	{"regex", OP_REGEX, 1}, {"not_regex", OP_NOT_REGEX, 1},
	{"mode_max", OP_MODE_MAX, 1}, {"mode_eq", OP_MODE_EQ, 1}, {"owner", OP_OWNER, 1},
	{"exists", OP_EXISTS, 0}, {"absent", OP_ABSENT, 0}, {"empty", OP_EMPTY, 0},
	{"not_empty", OP_NOT_EMPTY, 0}, {"audited", OP_AUDITED, 0},
};

static const struct { const char *key; enum subject_kind kind; } subjects[] = {
	{"fact", SUBJ_FACT}, {"file", SUBJ_FILE}, {"file_fact", SUBJ_FILE_FACT},
	{"files_under", SUBJ_FILES_UNDER}, {"audit_path", SUBJ_AUDIT_PATH},
	{"audit_path_fact", SUBJ_AUDIT_PATH_FACT},
};

int defs_valid_mode(const char *s)
{
	if (!s || !*s || strlen(s) > 5)
		return 0;
	return strspn(s, "01234567") == strlen(s);
}

struct expr *expr_parse(struct loader *l, yaml_node_t *n, int depth);

static struct expr *new_expr(struct loader *l, yaml_node_t *n, enum expr_kind k)
{
	struct expr *e = xcalloc(1, sizeof(*e));
	e->kind = k;
	e->file = l->file;
	e->line = (int)n->start_mark.line + 1;
	e->col = (int)n->start_mark.column + 1;
	e->absent = ST_ERROR;
	e->on_error = ST_ERROR;
	e->empty = ST_SKIP;
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	free(e->subject);
	json_decref(e->value);
	free(e->value_text);
	if (e->re)
		pcre2_code_free(e->re);
	free(e->expect);
	free(e->skip_reason);
	for (size_t i = 0; i < e->nshow; i++)
		free(e->show[i]);
	free(e->show);
	for (size_t i = 0; i < e->nkids; i++)
		expr_free(e->kids[i]);
	free(e->kids);
	free(e->each);
	free(e->name_field);
	expr_free(e->where);
	expr_free(e->test);
	free(e);
}

static int parse_list_of_exprs(struct loader *l, yaml_node_t *seq, struct expr *e, int depth)
{
	if (seq->type != YAML_SEQUENCE_NODE)
		return loader_error(l, seq, "expected a list of tests");
	int rc = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		struct expr *k = expr_parse(l, loader_node(l, *it), depth + 1);
		if (!k) {
			rc = -1;
			continue;
		}
		e->kids = xrealloc(e->kids, (e->nkids + 1) * sizeof(*e->kids));
		e->kids[e->nkids++] = k;
	}
	if (!e->nkids && !rc)
		return loader_error(l, seq, "an empty list of tests");
	return rc;
}

static struct expr *parse_leaf(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = {
		"fact", "file", "file_fact", "files_under", "audit_path", "audit_path_fact",
		"op", "value", "absent", "on_error", "expect", "skip_reason", "show", NULL
	};
	struct expr *e = new_expr(l, n, EX_LEAF);
	int rc = loader_check_keys(l, n, "test", keys);
	int nsubj = 0;
	for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		yaml_node_t *v = loader_map_get(l, n, subjects[i].key);
		if (!v)
			continue;
		nsubj++;
		const char *s = yamljson_scalar(v);
		if (!s || !*s) {
			rc = loader_error(l, v, "'%s' must be a non-empty string", subjects[i].key);
			continue;
		}
		if ((subjects[i].kind == SUBJ_FILE || subjects[i].kind == SUBJ_FILES_UNDER ||
		     subjects[i].kind == SUBJ_AUDIT_PATH) && s[0] != '/')
			rc = loader_error(l, v, "'%s' must be an absolute path", subjects[i].key);
		e->subj = subjects[i].kind;
		free(e->subject);
		e->subject = xstrdup(s);
	}
	if (nsubj != 1)
		rc = loader_error(l, n, "a test names exactly one of fact, file, file_fact, files_under, audit_path, audit_path_fact");
	yaml_node_t *opn = loader_map_get(l, n, "op");
	const char *ops_s = yamljson_scalar(opn);
	int found = -1;
	if (!opn) {
		rc = loader_error(l, n, "missing required key 'op'");
	} else if (!ops_s) {
		rc = loader_error(l, opn, "'op' must be a string");
	} else {
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (!strcmp(ops[i].name, ops_s))
				found = (int)i;
		if (found < 0)
			rc = loader_error(l, opn, "unknown operator '%s'", ops_s);
	}
	yaml_node_t *val = loader_map_get(l, n, "value");
	if (found >= 0) {
		e->op = ops[found].op;
		if (ops[found].needs_value && !val)
			rc = loader_error(l, n, "operator '%s' needs a value", ops_s);
		if (!ops[found].needs_value && val)
			rc = loader_error(l, val, "operator '%s' takes no value", ops_s);
		if (e->op == OP_AUDITED && e->subj != SUBJ_AUDIT_PATH && e->subj != SUBJ_AUDIT_PATH_FACT)
			rc = loader_error(l, opn, "operator 'audited' applies to audit_path or audit_path_fact");
		if ((e->subj == SUBJ_AUDIT_PATH || e->subj == SUBJ_AUDIT_PATH_FACT) && e->op != OP_AUDITED)
			rc = loader_error(l, opn, "audit_path subjects take the operator 'audited'");
		if ((e->op == OP_MODE_MAX || e->op == OP_MODE_EQ || e->op == OP_OWNER) &&
		    e->subj == SUBJ_FACT)
			rc = loader_error(l, opn, "operator '%s' applies to file subjects", ops_s);
	}
	if (val) {
		if (loader_get_json(l, val, &e->value) < 0)
			rc = -1;
		const char *t = yamljson_scalar(val);
		e->value_text = t ? xstrdup(t) : NULL;
		int is_param = t && t[0] == '$';
		if (found >= 0 && (e->op == OP_MODE_MAX || e->op == OP_MODE_EQ) && !defs_valid_mode(t))
			rc = loader_error(l, val, "a mode is written in octal, like \"0644\"");
		if (found >= 0 && e->op == OP_OWNER && (!t || !strchr(t, ':')))
			rc = loader_error(l, val, "an owner is written \"user:group\"");
		if (found >= 0 && (e->op == OP_IN || e->op == OP_NOT_IN) && !is_param &&
		    e->value && !json_is_array(e->value))
			rc = loader_error(l, val, "operator '%s' needs a list", ops_s);
		if (found >= 0 && (e->op == OP_LT || e->op == OP_LE || e->op == OP_GT || e->op == OP_GE) &&
		    !is_param && e->value && !json_is_number(e->value))
			rc = loader_error(l, val, "operator '%s' needs a number", ops_s);
		if (found >= 0 && (e->op == OP_REGEX || e->op == OP_NOT_REGEX)) {
			if (!t) {
				rc = loader_error(l, val, "a regex must be a string");
			} else if (is_param) {
				rc = loader_error(l, val, "a regex cannot be a parameter");
			} else {
				int ec;
				PCRE2_SIZE off;
				e->re = pcre2_compile((PCRE2_SPTR)t, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off, NULL);
				if (!e->re) {
					PCRE2_UCHAR msg[256];
					pcre2_get_error_message(ec, msg, sizeof(msg));
					rc = loader_error(l, val, "invalid regex: %s at offset %zu", (char *)msg, (size_t)off);
				}
			}
		}
	}
	yaml_node_t *ab = loader_map_get(l, n, "absent");
	if (ab) {
		if (loader_status_word(l, ab, &e->absent) < 0)
			rc = -1;
	} else if (e->subj == SUBJ_FILE || e->subj == SUBJ_FILE_FACT || e->subj == SUBJ_FILES_UNDER) {
		e->absent = ST_SKIP;
	}
	yaml_node_t *oe = loader_map_get(l, n, "on_error");
	if (oe && loader_status_word(l, oe, &e->on_error) < 0)
		rc = -1;
	if (loader_get_str(l, n, "expect", 0, &e->expect) < 0)
		rc = -1;
	if (loader_get_str(l, n, "skip_reason", 0, &e->skip_reason) < 0)
		rc = -1;
	yaml_node_t *show = loader_map_get(l, n, "show");
	if (show) {
		if (show->type != YAML_SEQUENCE_NODE) {
			rc = loader_error(l, show, "'show' must be a list of field paths");
		} else {
			for (yaml_node_item_t *it = show->data.sequence.items.start; it < show->data.sequence.items.top; it++) {
				const char *s = yamljson_scalar(loader_node(l, *it));
				if (!s) {
					rc = loader_error(l, loader_node(l, *it), "'show' entries must be strings");
					continue;
				}
				e->show = xrealloc(e->show, (e->nshow + 1) * sizeof(*e->show));
				e->show[e->nshow++] = xstrdup(s);
			}
		}
	}
	if (rc < 0) {
		expr_free(e);
		return NULL;
	}
	return e;
}

struct expr *expr_parse(struct loader *l, yaml_node_t *n, int depth)
{
	static const char *const each_keys[] = { "each", "name", "where", "test", "empty", "on_error", NULL };
	if (depth > 32) {
		loader_error(l, n, "tests nested too deeply");
		return NULL;
	}
	if (!n || n->type != YAML_MAPPING_NODE) {
		loader_error(l, n, "a test must be a mapping");
		return NULL;
	}
	static const struct { const char *key; enum expr_kind kind; } combs[] = {
		{"all", EX_ALL}, {"any", EX_ANY}, {"none", EX_NONE}, {"not", EX_NOT},
	};
	for (size_t i = 0; i < sizeof(combs) / sizeof(combs[0]); i++) {
		yaml_node_t *v = loader_map_get(l, n, combs[i].key);
		if (!v)
			continue;
		if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
			loader_error(l, n, "'%s' stands alone in its mapping", combs[i].key);
			return NULL;
		}
		struct expr *e = new_expr(l, n, combs[i].kind);
		int rc;
		if (combs[i].kind == EX_NOT) {
			struct expr *k = expr_parse(l, v, depth + 1);
			rc = k ? 0 : -1;
			if (k) {
				e->kids = xmalloc(sizeof(*e->kids));
				e->kids[0] = k;
				e->nkids = 1;
			}
		} else {
			rc = parse_list_of_exprs(l, v, e, depth);
		}
		if (rc < 0) {
			expr_free(e);
			return NULL;
		}
		return e;
	}
	if (loader_map_get(l, n, "each")) {
		struct expr *e = new_expr(l, n, EX_EACH);
		int rc = loader_check_keys(l, n, "each", each_keys);
		if (loader_get_str(l, n, "each", 1, &e->each) < 0 || loader_get_str(l, n, "name", 0, &e->name_field) < 0)
			rc = -1;
		yaml_node_t *w = loader_map_get(l, n, "where");
		if (w && !(e->where = expr_parse(l, w, depth + 1)))
			rc = -1;
		yaml_node_t *t = loader_map_get(l, n, "test");
		if (!t)
			rc = loader_error(l, n, "'each' needs a 'test'");
		else if (!(e->test = expr_parse(l, t, depth + 1)))
			rc = -1;
		yaml_node_t *em = loader_map_get(l, n, "empty");
		if (em && loader_status_word(l, em, &e->empty) < 0)
			rc = -1;
		e->empty_set = em != NULL;
		yaml_node_t *oe = loader_map_get(l, n, "on_error");
		if (oe && loader_status_word(l, oe, &e->on_error) < 0)
			rc = -1;
		if (rc < 0) {
			expr_free(e);
			return NULL;
		}
		return e;
	}
	return parse_leaf(l, n);
}
