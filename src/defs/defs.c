#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "defs/defs.h"
#include "base/limits.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"


/* Loading state for one file. */
struct loader {
	struct defs *d;
	const char *file;
	yaml_document_t doc;
};

static void add_error(struct defs *d, char *msg)
{
	if (d->nerrors >= DEFS_MAX_ERRORS) {
		free(msg);
		return;
	}
	ALLOC_GROW(d->errors, d->nerrors + 1, d->errors_alloc);
	d->errors[d->nerrors++] = msg;
}

__attribute__((format(printf, 3, 4)))
static int err_at(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	add_error(l->d, xasprintf("%s:%zu:%zu: %s", l->file,
				  n ? n->start_mark.line + 1 : 0,
				  n ? n->start_mark.column + 1 : 0, m));
	free(m);
	return -1;
}

static yaml_node_t *node(struct loader *l, int idx)
{
	return yaml_document_get_node(&l->doc, idx);
}

/* Look key up in mapping m; NULL when absent. */
static yaml_node_t *map_get(struct loader *l, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = yamljson_scalar(node(l, p->key));
		if (k && !strcmp(k, key))
			return node(l, p->value);
	}
	return NULL;
}

/* Every key of m must be in allowed (NULL-terminated), and appear once. */
static int check_keys(struct loader *l, yaml_node_t *m, const char *what,
		      const char *const *allowed)
{
	int rc = 0;
	if (!m || m->type != YAML_MAPPING_NODE)
		return err_at(l, m, "%s must be a mapping", what);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = node(l, p->key);
		const char *k = yamljson_scalar(kn);
		if (!k) {
			rc = err_at(l, kn, "%s: keys must be plain strings", what);
			continue;
		}
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (!strcmp(*a, k))
				ok = 1;
		if (!ok)
			rc = err_at(l, kn, "%s: unknown key '%s'", what, k);
		for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
			const char *k2 = yamljson_scalar(node(l, q->key));
			if (k2 && !strcmp(k, k2))
				rc = err_at(l, kn, "%s: duplicate key '%s'", what, k);
		}
	}
	return rc;
}

/* A required or optional string-valued key. */
static int get_str(struct loader *l, yaml_node_t *m, const char *key, int required,
		   char **out)
{
	yaml_node_t *v = map_get(l, m, key);
	*out = NULL;
	if (!v) {
		if (required)
			return err_at(l, m, "missing required key '%s'", key);
		return 0;
	}
	const char *s = yamljson_scalar(v);
	if (!s)
		return err_at(l, v, "'%s' must be a string", key);
	*out = xstrdup(s);
	return 0;
}

static int get_json(struct loader *l, yaml_node_t *n, json_t **out)
{
	char *err = NULL;
	*out = yamljson_node(&l->doc, n, l->file, 0, &err);
	if (!*out) {
		add_error(l->d, err);
		return -1;
	}
	return 0;
}

static const char *const target_names[] = {
	"host", "daemon", "file", "container", "image", "kubelet", "proxy", NULL
};

const char *target_name(enum target_kind t)
{
	return target_names[t];
}

static const char *const status_names[] = {
	"PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED"
};

const char *status_name(enum status s)
{
	return status_names[s];
}

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

static int parse_status_word(struct loader *l, yaml_node_t *n, enum status *out)
{
	const char *s = yamljson_scalar(n);
	if (s && !strcmp(s, "skip"))
		*out = ST_SKIP;
	else if (s && !strcmp(s, "fail"))
		*out = ST_FAIL;
	else if (s && !strcmp(s, "pass"))
		*out = ST_PASS;
	else if (s && !strcmp(s, "error"))
		*out = ST_ERROR;
	else
		return err_at(l, n, "expected one of skip, fail, pass, error");
	return 0;
}

static int valid_mode(const char *s)
{
	if (!s || !*s || strlen(s) > 5)
		return 0;
	return strspn(s, "01234567") == strlen(s);
}

static struct expr *parse_expr(struct loader *l, yaml_node_t *n, int depth);

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

void expr_free(struct expr *e);
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
		return err_at(l, seq, "expected a list of tests");
	int rc = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		struct expr *k = parse_expr(l, node(l, *it), depth + 1);
		if (!k) {
			rc = -1;
			continue;
		}
		e->kids = xrealloc(e->kids, (e->nkids + 1) * sizeof(*e->kids));
		e->kids[e->nkids++] = k;
	}
	if (!e->nkids && !rc)
		return err_at(l, seq, "an empty list of tests");
	return rc;
}

static struct expr *parse_leaf(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = {
		"fact", "file", "file_fact", "files_under", "audit_path", "audit_path_fact",
		"op", "value", "absent", "on_error", "expect", "show", NULL
	};
	struct expr *e = new_expr(l, n, EX_LEAF);
	int rc = check_keys(l, n, "test", keys);
	int nsubj = 0;
	for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		yaml_node_t *v = map_get(l, n, subjects[i].key);
		if (!v)
			continue;
		nsubj++;
		const char *s = yamljson_scalar(v);
		if (!s || !*s) {
			rc = err_at(l, v, "'%s' must be a non-empty string", subjects[i].key);
			continue;
		}
		if ((subjects[i].kind == SUBJ_FILE || subjects[i].kind == SUBJ_FILES_UNDER ||
		     subjects[i].kind == SUBJ_AUDIT_PATH) && s[0] != '/')
			rc = err_at(l, v, "'%s' must be an absolute path", subjects[i].key);
		e->subj = subjects[i].kind;
		free(e->subject);
		e->subject = xstrdup(s);
	}
	if (nsubj != 1)
		rc = err_at(l, n, "a test names exactly one of fact, file, file_fact, files_under, audit_path, audit_path_fact");
	yaml_node_t *opn = map_get(l, n, "op");
	const char *ops_s = yamljson_scalar(opn);
	int found = -1;
	if (!opn) {
		rc = err_at(l, n, "missing required key 'op'");
	} else if (!ops_s) {
		rc = err_at(l, opn, "'op' must be a string");
	} else {
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (!strcmp(ops[i].name, ops_s))
				found = (int)i;
		if (found < 0)
			rc = err_at(l, opn, "unknown operator '%s'", ops_s);
	}
	yaml_node_t *val = map_get(l, n, "value");
	if (found >= 0) {
		e->op = ops[found].op;
		if (ops[found].needs_value && !val)
			rc = err_at(l, n, "operator '%s' needs a value", ops_s);
		if (!ops[found].needs_value && val)
			rc = err_at(l, val, "operator '%s' takes no value", ops_s);
		if (e->op == OP_AUDITED && e->subj != SUBJ_AUDIT_PATH && e->subj != SUBJ_AUDIT_PATH_FACT)
			rc = err_at(l, opn, "operator 'audited' applies to audit_path or audit_path_fact");
		if ((e->subj == SUBJ_AUDIT_PATH || e->subj == SUBJ_AUDIT_PATH_FACT) && e->op != OP_AUDITED)
			rc = err_at(l, opn, "audit_path subjects take the operator 'audited'");
		if ((e->op == OP_MODE_MAX || e->op == OP_MODE_EQ || e->op == OP_OWNER) &&
		    e->subj == SUBJ_FACT)
			rc = err_at(l, opn, "operator '%s' applies to file subjects", ops_s);
	}
	if (val) {
		if (get_json(l, val, &e->value) < 0)
			rc = -1;
		const char *t = yamljson_scalar(val);
		e->value_text = t ? xstrdup(t) : NULL;
		int is_param = t && t[0] == '$';
		if (found >= 0 && (e->op == OP_MODE_MAX || e->op == OP_MODE_EQ) && !valid_mode(t))
			rc = err_at(l, val, "a mode is written in octal, like \"0644\"");
		if (found >= 0 && e->op == OP_OWNER && (!t || !strchr(t, ':')))
			rc = err_at(l, val, "an owner is written \"user:group\"");
		if (found >= 0 && (e->op == OP_IN || e->op == OP_NOT_IN) && !is_param &&
		    e->value && !json_is_array(e->value))
			rc = err_at(l, val, "operator '%s' needs a list", ops_s);
		if (found >= 0 && (e->op == OP_LT || e->op == OP_LE || e->op == OP_GT || e->op == OP_GE) &&
		    !is_param && e->value && !json_is_number(e->value))
			rc = err_at(l, val, "operator '%s' needs a number", ops_s);
		if (found >= 0 && (e->op == OP_REGEX || e->op == OP_NOT_REGEX)) {
			if (!t) {
				rc = err_at(l, val, "a regex must be a string");
			} else if (is_param) {
				rc = err_at(l, val, "a regex cannot be a parameter");
			} else {
				int ec;
				PCRE2_SIZE off;
				e->re = pcre2_compile((PCRE2_SPTR)t, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off, NULL);
				if (!e->re) {
					PCRE2_UCHAR msg[256];
					pcre2_get_error_message(ec, msg, sizeof(msg));
					rc = err_at(l, val, "invalid regex: %s at offset %zu", (char *)msg, (size_t)off);
				}
			}
		}
	}
	yaml_node_t *ab = map_get(l, n, "absent");
	if (ab) {
		if (parse_status_word(l, ab, &e->absent) < 0)
			rc = -1;
	} else if (e->subj == SUBJ_FILE || e->subj == SUBJ_FILE_FACT || e->subj == SUBJ_FILES_UNDER) {
		e->absent = ST_SKIP;
	}
	yaml_node_t *oe = map_get(l, n, "on_error");
	if (oe && parse_status_word(l, oe, &e->on_error) < 0)
		rc = -1;
	if (get_str(l, n, "expect", 0, &e->expect) < 0)
		rc = -1;
	yaml_node_t *show = map_get(l, n, "show");
	if (show) {
		if (show->type != YAML_SEQUENCE_NODE) {
			rc = err_at(l, show, "'show' must be a list of field paths");
		} else {
			for (yaml_node_item_t *it = show->data.sequence.items.start; it < show->data.sequence.items.top; it++) {
				const char *s = yamljson_scalar(node(l, *it));
				if (!s) {
					rc = err_at(l, node(l, *it), "'show' entries must be strings");
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

static struct expr *parse_expr(struct loader *l, yaml_node_t *n, int depth)
{
	static const char *const each_keys[] = { "each", "name", "where", "test", "empty", "on_error", NULL };
	if (depth > 32) {
		err_at(l, n, "tests nested too deeply");
		return NULL;
	}
	if (!n || n->type != YAML_MAPPING_NODE) {
		err_at(l, n, "a test must be a mapping");
		return NULL;
	}
	static const struct { const char *key; enum expr_kind kind; } combs[] = {
		{"all", EX_ALL}, {"any", EX_ANY}, {"none", EX_NONE}, {"not", EX_NOT},
	};
	for (size_t i = 0; i < sizeof(combs) / sizeof(combs[0]); i++) {
		yaml_node_t *v = map_get(l, n, combs[i].key);
		if (!v)
			continue;
		if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
			err_at(l, n, "'%s' stands alone in its mapping", combs[i].key);
			return NULL;
		}
		struct expr *e = new_expr(l, n, combs[i].kind);
		int rc;
		if (combs[i].kind == EX_NOT) {
			struct expr *k = parse_expr(l, v, depth + 1);
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
	if (map_get(l, n, "each")) {
		struct expr *e = new_expr(l, n, EX_EACH);
		int rc = check_keys(l, n, "each", each_keys);
		if (get_str(l, n, "each", 1, &e->each) < 0 || get_str(l, n, "name", 0, &e->name_field) < 0)
			rc = -1;
		yaml_node_t *w = map_get(l, n, "where");
		if (w && !(e->where = parse_expr(l, w, depth + 1)))
			rc = -1;
		yaml_node_t *t = map_get(l, n, "test");
		if (!t)
			rc = err_at(l, n, "'each' needs a 'test'");
		else if (!(e->test = parse_expr(l, t, depth + 1)))
			rc = -1;
		yaml_node_t *em = map_get(l, n, "empty");
		if (em && parse_status_word(l, em, &e->empty) < 0)
			rc = -1;
		e->empty_set = em != NULL;
		yaml_node_t *oe = map_get(l, n, "on_error");
		if (oe && parse_status_word(l, oe, &e->on_error) < 0)
			rc = -1;
		if (rc < 0) {
			expr_free(e);
			return NULL;
		}
		return e;
	}
	return parse_leaf(l, n);
}

const struct rule *defs_rule(const struct defs *d, const char *key)
{
	for (size_t i = 0; i < d->nrules; i++)
		if (!strcmp(d->rules[i]->key, key))
			return d->rules[i];
	return NULL;
}

struct benchmark *defs_benchmark(const struct defs *d, const char *id)
{
	for (size_t i = 0; i < d->nbenches; i++)
		if (!strcmp(d->benches[i]->id, id))
			return d->benches[i];
	return NULL;
}

static void rule_free(struct rule *r)
{
	free(r->key);
	free(r->title);
	free(r->label);
	free(r->description);
	free(r->remediation);
	free(r->review);
	free(r->skip_reason);
	json_decref(r->references);
	json_decref(r->params);
	expr_free(r->applies);
	expr_free(r->test);
	free(r);
}

static int parse_rule(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = {
		"key", "title", "target", "label", "description", "remediation", "references",
		"weight", "evaluate", "review", "params", "applies", "skip_reason", "test", NULL
	};
	struct rule *r = xcalloc(1, sizeof(*r));
	int rc = check_keys(l, n, "rule", keys);
	if (rc < 0 && n->type != YAML_MAPPING_NODE) {
		free(r);
		return -1;
	}
	r->file = l->file;
	r->line = (int)n->start_mark.line + 1;
	r->weight = 1.0;
	char *target = NULL, *evaluate = NULL;
	if (get_str(l, n, "key", 1, &r->key) < 0)
		rc = -1;
	if (get_str(l, n, "title", 1, &r->title) < 0)
		rc = -1;
	if (get_str(l, n, "target", 1, &target) < 0)
		rc = -1;
	if (get_str(l, n, "label", 0, &r->label) < 0)
		rc = -1;
	if (get_str(l, n, "description", 0, &r->description) < 0)
		rc = -1;
	if (get_str(l, n, "remediation", 1, &r->remediation) < 0)
		rc = -1;
	if (get_str(l, n, "review", 0, &r->review) < 0)
		rc = -1;
	if (get_str(l, n, "skip_reason", 0, &r->skip_reason) < 0)
		rc = -1;
	if (get_str(l, n, "evaluate", 0, &evaluate) < 0)
		rc = -1;
	if (target) {
		int found = 0;
		for (int i = 0; target_names[i]; i++)
			if (!strcmp(target_names[i], target)) {
				r->target = (enum target_kind)i;
				found = 1;
			}
		if (!found)
			rc = err_at(l, map_get(l, n, "target"), "unknown target '%s' (host, daemon, file, container, image, kubelet, proxy)", target);
	}
	free(target);
	if (evaluate && strcmp(evaluate, "auto") && strcmp(evaluate, "manual"))
		rc = err_at(l, map_get(l, n, "evaluate"), "'evaluate' is auto or manual");
	r->manual = evaluate && !strcmp(evaluate, "manual");
	free(evaluate);
	yaml_node_t *w = map_get(l, n, "weight");
	if (w) {
		const char *s = yamljson_scalar(w);
		char *end = NULL;
		r->weight = s ? strtod(s, &end) : -1;
		if (!s || *end || r->weight < 0)
			rc = err_at(l, w, "'weight' must be a non-negative number");
	}
	yaml_node_t *refs = map_get(l, n, "references");
	if (refs) {
		if (get_json(l, refs, &r->references) < 0)
			rc = -1;
		else if (!json_is_array(r->references))
			rc = err_at(l, refs, "'references' must be a list");
	} else {
		r->references = json_array();
	}
	yaml_node_t *params = map_get(l, n, "params");
	if (params) {
		if (get_json(l, params, &r->params) < 0)
			rc = -1;
		else if (!json_is_object(r->params))
			rc = err_at(l, params, "'params' must be a mapping");
	} else {
		r->params = json_object();
	}
	yaml_node_t *ap = map_get(l, n, "applies");
	if (ap && !(r->applies = parse_expr(l, ap, 0)))
		rc = -1;
	if (ap && !r->skip_reason)
		rc = err_at(l, ap, "a rule with 'applies' needs a 'skip_reason'");
	yaml_node_t *t = map_get(l, n, "test");
	if (t && !(r->test = parse_expr(l, t, 0)))
		rc = -1;
	if (!r->manual && !t)
		rc = err_at(l, n, "rule '%s' is evaluated automatically but has no 'test'", r->key ? r->key : "?");
	if (r->manual && !r->review)
		rc = err_at(l, n, "rule '%s' is manual and needs a 'review' text", r->key ? r->key : "?");
	if (r->key && defs_rule(l->d, r->key))
		rc = err_at(l, map_get(l, n, "key"), "duplicate rule key '%s'", r->key);
	if (rc < 0) {
		rule_free(r);
		return -1;
	}
	ALLOC_GROW(l->d->rules, l->d->nrules + 1, l->d->rules_alloc);
	l->d->rules[l->d->nrules++] = r;
	return 0;
}

static int parse_library(struct loader *l, yaml_node_t *seq)
{
	if (seq->type != YAML_SEQUENCE_NODE)
		return err_at(l, seq, "'rules' must be a list");
	int rc = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++)
		if (parse_rule(l, node(l, *it)) < 0)
			rc = -1;
	return rc;
}

/*
 * A benchmark file is checked for shape now and kept as JSON (with the
 * positions of its checks recorded) until defs_resolve, because it may
 * extend a benchmark from a file not loaded yet.
 */
static int validate_check_entry(struct loader *l, yaml_node_t *n, int full)
{
	static const char *const keys[] = {
		"id", "rule", "level", "assessment", "title", "params", "remediation", NULL
	};
	int rc = check_keys(l, n, "check", keys);
	if (n->type != YAML_MAPPING_NODE)
		return -1;
	char *id = NULL, *rule = NULL, *assess = NULL;
	if (get_str(l, n, "id", 1, &id) < 0 || get_str(l, n, "rule", full, &rule) < 0 ||
	    get_str(l, n, "assessment", full, &assess) < 0)
		rc = -1;
	if (id && (strspn(id, "0123456789.") != strlen(id) || !id[0] || id[0] == '.'))
		rc = err_at(l, map_get(l, n, "id"), "check id '%s' must look like 1.2.3", id);
	if (assess && strcmp(assess, "automated") && strcmp(assess, "manual"))
		rc = err_at(l, map_get(l, n, "assessment"), "'assessment' is automated or manual, as CIS labels it");
	yaml_node_t *lv = map_get(l, n, "level");
	const char *lvs = yamljson_scalar(lv);
	if (lv && (!lvs || (strcmp(lvs, "1") && strcmp(lvs, "2"))))
		rc = err_at(l, lv, "'level' is 1 or 2");
	if (!lv && full)
		rc = err_at(l, n, "missing required key 'level'");
	if (rule && !defs_rule(l->d, rule)) {
		/* Rules may live in a later file: checked again in resolve. */
	}
	free(id);
	free(rule);
	free(assess);
	return rc;
}

/* Remember where each check entry was written, for errors found later. */
static void stash_lines(struct loader *l, yaml_node_t *rootn, json_t *raw)
{
	const char *lists[] = { "checks", "add", "change" };
	for (int i = 0; i < 3; i++) {
		yaml_node_t *s = map_get(l, rootn, lists[i]);
		json_t *a = json_object_get(raw, lists[i]);
		if (!s || s->type != YAML_SEQUENCE_NODE || !json_is_array(a))
			continue;
		size_t k = 0;
		for (yaml_node_item_t *it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++, k++) {
			yaml_node_t *e = node(l, *it);
			json_t *entry = json_array_get(a, k);
			json_object_set_new(entry, "__pos",
					    json_sprintf("%s:%zu:%zu", l->file, e->start_mark.line + 1,
							 e->start_mark.column + 1));
			/* An id is text: a plain 1.10 must not become the number 1.1. */
			const char *id = yamljson_scalar(map_get(l, e, "id"));
			if (id)
				json_object_set_new(entry, "id", json_string(id));
		}
	}
	yaml_node_t *ren = map_get(l, rootn, "renumber");
	json_t *rj = json_object_get(raw, "renumber");
	if (ren && ren->type == YAML_MAPPING_NODE && json_is_object(rj))
		for (yaml_node_pair_t *p = ren->data.mapping.pairs.start; p < ren->data.mapping.pairs.top; p++) {
			const char *from = yamljson_scalar(node(l, p->key));
			const char *to = yamljson_scalar(node(l, p->value));
			if (from && to)
				json_object_set_new(rj, from, json_string(to));
		}
	yaml_node_t *rem = map_get(l, rootn, "remove");
	json_t *remj = json_object_get(raw, "remove");
	if (rem && rem->type == YAML_SEQUENCE_NODE && json_is_array(remj)) {
		size_t k = 0;
		for (yaml_node_item_t *it = rem->data.sequence.items.start; it < rem->data.sequence.items.top; it++, k++) {
			const char *id = yamljson_scalar(node(l, *it));
			if (id)
				json_array_set_new(remj, k, json_string(id));
		}
	}
	json_object_set_new(raw, "__pos", json_sprintf("%s:%zu:%zu", l->file,
						       rootn->start_mark.line + 1, rootn->start_mark.column + 1));
}

static int parse_benchmark(struct loader *l, yaml_node_t *rootn)
{
	static const char *const top_keys[] = {
		"benchmark", "sections", "checks", "renumber", "add", "change", "remove", NULL
	};
	static const char *const head_keys[] = {
		"id", "title", "version", "platform", "rules", "extends", NULL
	};
	int rc = check_keys(l, rootn, "benchmark file", top_keys);
	yaml_node_t *head = map_get(l, rootn, "benchmark");
	if (check_keys(l, head, "benchmark", head_keys) < 0)
		return -1;
	struct benchmark *b = xcalloc(1, sizeof(*b));
	b->file = l->file;
	b->line = (int)head->start_mark.line + 1;
	char *rules_file = NULL;
	if (get_str(l, head, "id", 1, &b->id) < 0)
		rc = -1;
	if (get_str(l, head, "title", 1, &b->title) < 0)
		rc = -1;
	if (get_str(l, head, "version", 1, &b->version) < 0)
		rc = -1;
	if (get_str(l, head, "platform", 0, &b->platform) < 0)
		rc = -1;
	if (get_str(l, head, "extends", 0, &b->extends) < 0)
		rc = -1;
	if (get_str(l, head, "rules", 0, &rules_file) < 0)
		rc = -1;
	free(rules_file);
	if (!b->extends && !b->platform)
		rc = err_at(l, head, "missing required key 'platform'");
	if (b->platform && strcmp(b->platform, "docker") && strcmp(b->platform, "kubernetes"))
		rc = err_at(l, map_get(l, head, "platform"), "'platform' is docker or kubernetes");
	yaml_node_t *checks = map_get(l, rootn, "checks");
	if (!checks && !b->extends)
		rc = err_at(l, rootn, "a benchmark needs 'checks' (or 'extends')");
	if (checks && checks->type != YAML_SEQUENCE_NODE)
		rc = err_at(l, checks, "'checks' must be a list");
	else if (checks)
		for (yaml_node_item_t *it = checks->data.sequence.items.start; it < checks->data.sequence.items.top; it++)
			if (validate_check_entry(l, node(l, *it), 1) < 0)
				rc = -1;
	const char *lists[] = { "add", "change" };
	for (int i = 0; i < 2; i++) {
		yaml_node_t *s = map_get(l, rootn, lists[i]);
		if (!s)
			continue;
		if (!b->extends)
			rc = err_at(l, s, "'%s' needs 'extends'", lists[i]);
		if (s->type != YAML_SEQUENCE_NODE) {
			rc = err_at(l, s, "'%s' must be a list", lists[i]);
			continue;
		}
		for (yaml_node_item_t *it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++)
			if (validate_check_entry(l, node(l, *it), i == 0) < 0)
				rc = -1;
	}
	yaml_node_t *ren = map_get(l, rootn, "renumber");
	if (ren && ren->type != YAML_MAPPING_NODE)
		rc = err_at(l, ren, "'renumber' must be a mapping of old id to new id");
	yaml_node_t *rem = map_get(l, rootn, "remove");
	if (rem && rem->type != YAML_SEQUENCE_NODE)
		rc = err_at(l, rem, "'remove' must be a list of ids");
	yaml_node_t *sec = map_get(l, rootn, "sections");
	if (b->id && defs_benchmark(l->d, b->id))
		rc = err_at(l, map_get(l, head, "id"), "duplicate benchmark id '%s'", b->id);
	if (rc == 0 && get_json(l, rootn, &b->raw) < 0)
		rc = -1;
	if (rc == 0)
		stash_lines(l, rootn, b->raw);
	if (rc == 0 && sec) {
		b->sections = json_incref(json_object_get(b->raw, "sections"));
		if (!json_is_object(b->sections))
			rc = err_at(l, sec, "'sections' must be a mapping of id to title");
	}
	/* Duplicate ids in the check list, with positions. */
	if (rc == 0 && checks) {
		for (yaml_node_item_t *it = checks->data.sequence.items.start; it < checks->data.sequence.items.top; it++) {
			const char *a = yamljson_scalar(map_get(l, node(l, *it), "id"));
			for (yaml_node_item_t *jt = checks->data.sequence.items.start; jt < it; jt++) {
				const char *bb = yamljson_scalar(map_get(l, node(l, *jt), "id"));
				if (a && bb && !strcmp(a, bb))
					rc = err_at(l, node(l, *it), "duplicate check id '%s'", a);
			}
		}
	}
	if (rc < 0) {
		free(b->id);
		free(b->title);
		free(b->version);
		free(b->platform);
		free(b->extends);
		json_decref(b->raw);
		json_decref(b->sections);
		free(b);
		return -1;
	}
	if (!b->sections)
		b->sections = json_object();
	ALLOC_GROW(l->d->benches, l->d->nbenches + 1, l->d->benches_alloc);
	l->d->benches[l->d->nbenches++] = b;
	return 0;
}

void defs_init(struct defs *d)
{
	memset(d, 0, sizeof(*d));
}

static int load_text(struct loader *lp, size_t before, const char *text, size_t len);

int defs_load_file(struct defs *d, const char *path)
{
	struct loader l = { .d = d };
	size_t before = d->nerrors;
	ALLOC_GROW(d->files, d->nfiles + 1, d->files_alloc);
	d->files[d->nfiles++] = xstrdup(path);
	l.file = d->files[d->nfiles - 1];

	/* Definitions are the operator's own files, read from the real filesystem. */
	struct buf b;
	buf_init(&b, DEFS_FILE_CAP);
	int r = buf_read_file(&b, path);
	if (r < 0) {
		add_error(d, r == -2 ? xasprintf("%s: larger than %u bytes", path, DEFS_FILE_CAP) :
				       xasprintf("%s: cannot open: %s", path, strerror(errno)));
		buf_release(&b);
		return -1;
	}
	int rc = load_text(&l, before, b.data, b.len);
	buf_release(&b);
	return rc;
}

int defs_load_text(struct defs *d, const char *name, const char *text, size_t len)
{
	struct loader l = { .d = d };
	size_t before = d->nerrors;
	ALLOC_GROW(d->files, d->nfiles + 1, d->files_alloc);
	d->files[d->nfiles++] = xstrdup(name);
	l.file = d->files[d->nfiles - 1];
	if (len > DEFS_FILE_CAP) {
		add_error(d, xasprintf("%s: larger than %u bytes", name, DEFS_FILE_CAP));
		return -1;
	}
	return load_text(&l, before, text, len);
}

/* Parse one definitions file's text for the loader l (l->file names it). */
static int load_text(struct loader *lp, size_t before, const char *text, size_t len)
{
	struct loader l = *lp;
	struct defs *d = l.d;
	const char *path = l.file;
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		add_error(d, xasprintf("%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
				       parser.problem_mark.column + 1,
				       parser.problem ? parser.problem : "invalid YAML"));
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	yaml_node_t *rootn = yaml_document_get_root_node(&l.doc);
	if (!rootn) {
		add_error(d, xasprintf("%s: empty file", path));
	} else if (rootn->type != YAML_MAPPING_NODE) {
		err_at(&l, rootn, "expected a mapping with 'rules' or 'benchmark'");
	} else if (map_get(&l, rootn, "rules")) {
		static const char *const keys[] = { "rules", NULL };
		if (check_keys(&l, rootn, "rule library", keys) == 0)
			parse_library(&l, map_get(&l, rootn, "rules"));
	} else if (map_get(&l, rootn, "benchmark")) {
		parse_benchmark(&l, rootn);
	} else {
		err_at(&l, rootn, "expected a mapping with 'rules' or 'benchmark'");
	}
	yaml_document_delete(&l.doc);
	return d->nerrors > before ? -1 : 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct defs *d, const char *dir, int depth)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		add_error(d, xasprintf("%s: cannot open checks directory: %s", dir, strerror(errno)));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	int rc = 0;
	/* Rule libraries first, so benchmark files can name their rules. */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < n; i++) {
			char *p = xasprintf("%s/%s", dir, names[i]);
			struct stat st;
			size_t len = strlen(names[i]);
			int is_yaml = len > 5 && !strcmp(names[i] + len - 5, ".yaml");
			int is_rules = is_yaml && strstr(names[i], "rules") != NULL;
			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (pass == 2 && depth < 8 && load_dir(d, p, depth + 1) < 0)
					rc = -1;
			} else if (is_yaml && ((pass == 0 && is_rules) || (pass == 1 && !is_rules))) {
				if (defs_load_file(d, p) < 0)
					rc = -1;
			}
			free(p);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int defs_load_dir(struct defs *d, const char *dir)
{
	return load_dir(d, dir, 0);
}

/* ---- resolving benchmarks ---- */

int check_id_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		if (!*a)
			return -1;
		if (!*b)
			return 1;
		long x = strtol(a, (char **)&a, 10);
		long y = strtol(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
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

static void check_release(struct check *c)
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
	add_error(d, xasprintf("%s: %s", pos ? pos : "?", m));
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
	return d->nerrors > before ? -1 : 0;
}

void defs_release(struct defs *d)
{
	for (size_t i = 0; i < d->nrules; i++)
		rule_free(d->rules[i]);
	free(d->rules);
	for (size_t i = 0; i < d->nbenches; i++) {
		struct benchmark *b = d->benches[i];
		for (size_t k = 0; k < b->nchecks; k++)
			check_release(&b->checks[k]);
		free(b->checks);
		free(b->id);
		free(b->title);
		free(b->version);
		free(b->platform);
		free(b->extends);
		json_decref(b->sections);
		json_decref(b->raw);
		free(b);
	}
	free(d->benches);
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i]);
	free(d->files);
	for (size_t i = 0; i < d->nerrors; i++)
		free(d->errors[i]);
	free(d->errors);
	memset(d, 0, sizeof(*d));
}
