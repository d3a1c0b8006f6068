#include "config.h"
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "score/waivers.h"
#include "base/buf.h"
#include "base/jstr.h"
#include "base/yamljson.h"
#include "base/xalloc.h"
#include "base/banned.h"

void waivers_init(struct waivers *w)
{
	w->v = NULL;
	w->n = 0;
}

static void waiver_release(struct waiver *v)
{
	free(v->bench);
	free(v->check);
	free(v->target);
	free(v->reason);
	free(v->owner);
	free(v->expires);
	free(v->where);
}

void waivers_release(struct waivers *w)
{
	for (size_t i = 0; i < w->n; i++)
		waiver_release(&w->v[i]);
	free(w->v);
	waivers_init(w);
}

int waivers_date_valid(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

static int fail_at(char **err, const char *name, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(char **err, const char *name, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	*err = xasprintf("%s:%lu: %s", name, (unsigned long)n->start_mark.line + 1, msg);
	free(msg);
	return -1;
}

static int parse_entry(yaml_document_t *doc, yaml_node_t *n, const char *name, struct waiver *v, char **err)
{
	static const char *const keys[] = { "check", "target", "reason", "owner", "expires" };
	char *vals[5] = { NULL };
	memset(v, 0, sizeof(*v));
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(err, name, n, "%s", "a waiver is a mapping (check, target, reason, owner, expires)");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key), *val = yaml_document_get_node(doc, p->value);
		const char *ks = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		int idx = -1;
		for (int i = 0; i < 5; i++)
			if (!strcmp(ks, keys[i]))
				idx = i;
		if (idx < 0) {
			fail_at(err, name, k, "unknown waiver key '%s' (check, target, reason, owner, expires)", ks);
			goto bad;
		}
		if (vals[idx]) {
			fail_at(err, name, k, "duplicate waiver key '%s'", ks);
			goto bad;
		}
		if (!val || val->type != YAML_SCALAR_NODE || !val->data.scalar.length) {
			fail_at(err, name, val ? val : k, "'%s' needs a non-empty text value", ks);
			goto bad;
		}
		if (strlen((const char *)val->data.scalar.value) != val->data.scalar.length) {
			fail_at(err, name, val, "'%s' holds a NUL byte", ks);
			goto bad;
		}
		vals[idx] = xstrdup((const char *)val->data.scalar.value);
		if (idx == 4 && !waivers_date_valid(vals[idx])) {
			fail_at(err, name, val, "bad expiry date '%s' (YYYY-MM-DD)", vals[idx]);
			goto bad;
		}
	}
	for (int i = 0; i < 5; i++)
		if (i != 1 && !vals[i]) {
			fail_at(err, name, n, "the waiver has no '%s'", keys[i]);
			goto bad;
		}
	char *colon = strrchr(vals[0], ':');
	if (colon && (colon == vals[0] || !colon[1])) {
		fail_at(err, name, n, "bad check '%s' (ID or BENCHMARK:ID)", vals[0]);
		goto bad;
	}
	if (colon) {
		v->bench = xstrndup(vals[0], (size_t)(colon - vals[0]));
		v->check = xstrdup(colon + 1);
		free(vals[0]);
	} else {
		v->check = vals[0];
	}
	v->target = vals[1];
	v->reason = vals[2];
	v->owner = vals[3];
	v->expires = vals[4];
	v->where = xasprintf("%s:%lu", name, (unsigned long)n->start_mark.line + 1);
	return 0;
bad:
	for (int i = 0; i < 5; i++)
		free(vals[i]);
	return -1;
}

int waivers_parse(struct waivers *w, const char *text, size_t len, const char *name, char **err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		*err = xasprintf("%s:%lu: %s", name, (unsigned long)parser.problem_mark.line + 1,
				 parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	int rc = 0;
	size_t before = w->n;
	yaml_node_t *root = yaml_document_get_root_node(&doc), *list = root;
	if (!root) {
		*err = xasprintf("%s:1: the waiver file is empty", name);
		rc = -1;
		goto out;
	}
	if (yamljson_check_budget(&doc, name, 0, YAMLJSON_MAX_BYTES, YAMLJSON_MAX_NODES, err) < 0) {
		rc = -1;
		goto out;
	}
	if (root->type == YAML_MAPPING_NODE) {
		list = NULL;
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&doc, p->key);
			const char *ks = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
			if (strcmp(ks, "waivers")) {
				rc = fail_at(err, name, k, "unknown key '%s' (the file holds 'waivers:')", ks);
				goto out;
			}
			list = yaml_document_get_node(&doc, p->value);
		}
		if (!list) {
			rc = fail_at(err, name, root, "%s", "no 'waivers:' list");
			goto out;
		}
	}
	if (list->type == YAML_SCALAR_NODE && !list->data.scalar.length)
		goto out;	/* "waivers:" with nothing under it */
	if (list->type != YAML_SEQUENCE_NODE) {
		rc = fail_at(err, name, list, "%s", "'waivers' is a list of waivers");
		goto out;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		struct waiver v;
		if (parse_entry(&doc, yaml_document_get_node(&doc, *it), name, &v, err) < 0) {
			rc = -1;
			break;
		}
		w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
		w->v[w->n++] = v;
	}
	if (rc < 0) {
		while (w->n > before)
			waiver_release(&w->v[--w->n]);
	}
out:
	yaml_document_delete(&doc);
	return rc;
}

int waivers_load(struct waivers *w, const char *path, char **err)
{
	struct buf b;
	buf_init(&b, WAIVERS_MAX_BYTES);
	int rc = buf_read_file(&b, path);
	if (rc == -2)
		*err = xasprintf("waiver file '%s' is larger than %u bytes", path, WAIVERS_MAX_BYTES);
	else if (rc < 0)
		*err = xasprintf("cannot open waiver file '%s': %s", path, strerror(errno));
	rc = rc < 0 ? -1 : 0;
	if (!rc)
		rc = waivers_parse(w, b.data, b.len, path, err);
	buf_release(&b);
	return rc;
}

static int matches_check(const struct waiver *v, const struct check_result *r)
{
	return !strcmp(v->check, r->check->id) && (!v->bench || !strcmp(v->bench, r->check->bench->id));
}

static int matches_target(const struct waiver *v, const struct finding *f)
{
	return !v->target || (f->target && !fnmatch(v->target, json_string_value(f->target), 0));
}

static json_t *waiver_json(const struct waiver *v, int expired)
{
	json_t *o = json_object();
	json_object_set_new(o, "check", jstr(v->check));
	if (v->bench)
		json_object_set_new(o, "benchmark", jstr(v->bench));
	if (v->target)
		json_object_set_new(o, "target", jstr(v->target));
	json_object_set_new(o, "reason", jstr(v->reason));
	json_object_set_new(o, "owner", jstr(v->owner));
	json_object_set_new(o, "expires", jstr(v->expires));
	json_object_set_new(o, "source", jstr(v->where));
	if (expired)
		json_object_set_new(o, "expired", json_true());
	return o;
}

static void note_expired(json_t *notes, const struct waiver *v, const char *id)
{
	char *s = xasprintf("waiver %s for check %s expired on %s and no longer applies", v->where, id, v->expires);
	json_array_append_new(notes, jstr(s));
	free(s);
}

size_t waivers_apply(const struct waivers *w, struct check_result *r, size_t n,
		     const char *today, json_t *notes)
{
	size_t waived = 0;
	char *noted = xcalloc(w->n ? w->n : 1, 1);	/* expired waivers already in notes */
	for (size_t i = 0; i < n; i++) {
		if (r[i].status != ST_FAIL)
			continue;
		const struct waiver *used = NULL, *expired = NULL;
		size_t failing = 0;
		for (size_t k = 0; k < r[i].nfindings; k++) {
			struct finding *f = &r[i].findings[k];
			if (f->status != ST_FAIL)
				continue;
			const struct waiver *hit = NULL;
			for (size_t j = 0; j < w->n && !hit; j++) {
				const struct waiver *v = &w->v[j];
				if (!matches_check(v, &r[i]) || !matches_target(v, f))
					continue;
				if (strcmp(today, v->expires) > 0) {
					if (!expired)
						expired = v;
					if (!noted[j]) {
						noted[j] = 1;
						note_expired(notes, v, r[i].check->id);
					}
					continue;
				}
				hit = v;
			}
			if (!hit) {
				failing++;
				continue;
			}
			f->status = ST_WAIVED;
			json_decref(f->note);
			f->note = finding_take(xasprintf("waived: %s (owner %s, expires %s)", hit->reason, hit->owner,
							 hit->expires));
			if (!used)
				used = hit;
			waived++;
		}
		/* A check that failed without findings: only a waiver for every target fits. */
		if (!r[i].nfindings) {
			for (size_t j = 0; j < w->n && !used; j++) {
				const struct waiver *v = &w->v[j];
				if (!matches_check(v, &r[i]) || v->target)
					continue;
				if (strcmp(today, v->expires) > 0) {
					expired = expired ? expired : v;
					if (!noted[j]) {
						noted[j] = 1;
						note_expired(notes, v, r[i].check->id);
					}
				} else
					used = v;
			}
			failing = !used;
		}
		if (used && !failing) {
			r[i].status = ST_WAIVED;
			json_decref(r[i].waiver);
			r[i].waiver = waiver_json(used, 0);
		} else if (expired && !r[i].waiver) {
			r[i].waiver = waiver_json(expired, 1);
		}
	}
	free(noted);
	return waived;
}
