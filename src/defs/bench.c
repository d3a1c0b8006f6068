#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"

struct benchmark *defs_benchmark(const struct defs *d, const char *id)
{
	for (size_t i = 0; i < d->nbenches; i++)
		if (!strcmp(d->benches[i]->id, id))
			return d->benches[i];
	return NULL;
}

/*
 * A check id is dot-separated segments, each a number (CIS: "5.12") or a
 * control name of lowercase letters, digits and inner dashes (the Pod
 * Security Standards: "restricted.run-as-non-root").
 */
int check_id_valid(const char *id)
{
	const char *p = id;
	for (;;) {
		size_t n = strcspn(p, ".");
		if (n == 0)
			return 0;
		if (strspn(p, "0123456789") != n) {
			if (p[0] < 'a' || p[0] > 'z' || p[n - 1] == '-' ||
			    strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
				return 0;
		}
		p += n;
		if (!*p)
			return 1;
		p++;
	}
}

/*
 * A benchmark file is checked for shape now and kept as JSON (with the
 * positions of its checks recorded) until defs_resolve, because it may
 * extend a benchmark from a file not loaded yet.
 */
static int validate_check_entry(struct loader *l, yaml_node_t *n, int full)
{
	static const char *const keys[] = {
		"id", "rule", "level", "assessment", "title", "params", "remediation", "unverified", NULL
	};
	int rc = loader_check_keys(l, n, "check", keys);
	if (n->type != YAML_MAPPING_NODE)
		return -1;
	char *id = NULL, *rule = NULL, *assess = NULL;
	if (loader_get_str(l, n, "id", 1, &id) < 0 || loader_get_str(l, n, "rule", full, &rule) < 0 ||
	    loader_get_str(l, n, "assessment", full, &assess) < 0)
		rc = -1;
	if (id && !check_id_valid(id))
		rc = loader_error(l, loader_map_get(l, n, "id"),
				  "check id '%s' must look like 1.2.3 or baseline.host-process", id);
	if (assess && strcmp(assess, "automated") && strcmp(assess, "manual"))
		rc = loader_error(l, loader_map_get(l, n, "assessment"), "'assessment' is automated or manual, as CIS labels it");
	yaml_node_t *lv = loader_map_get(l, n, "level");
	const char *lvs = yamljson_scalar(lv);
	if (lv && (!lvs || (strcmp(lvs, "1") && strcmp(lvs, "2"))))
		rc = loader_error(l, lv, "'level' is 1 or 2");
	if (!lv && full)
		rc = loader_error(l, n, "missing required key 'level'");
	yaml_node_t *un = loader_map_get(l, n, "unverified");
	if (un && un->type != YAML_SEQUENCE_NODE)
		rc = loader_error(l, un, "'unverified' is a list of level, assessment");
	for (yaml_node_item_t *it = un && un->type == YAML_SEQUENCE_NODE ? un->data.sequence.items.start : NULL;
	     it && it < un->data.sequence.items.top; it++) {
		yaml_node_t *w = loader_node(l, *it);
		const char *ws = yamljson_scalar(w);
		if (!ws || (strcmp(ws, "level") && strcmp(ws, "assessment")))
			rc = loader_error(l, w, "'unverified' names level or assessment");
	}
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
		yaml_node_t *s = loader_map_get(l, rootn, lists[i]);
		json_t *a = json_object_get(raw, lists[i]);
		if (!s || s->type != YAML_SEQUENCE_NODE || !json_is_array(a))
			continue;
		size_t k = 0;
		for (yaml_node_item_t *it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++, k++) {
			yaml_node_t *e = loader_node(l, *it);
			json_t *entry = json_array_get(a, k);
			json_object_set_new(entry, "__pos",
					    json_sprintf("%s:%zu:%zu", l->file, e->start_mark.line + 1,
							 e->start_mark.column + 1));
			/* An id is text: a plain 1.10 must not become the number 1.1. */
			const char *id = yamljson_scalar(loader_map_get(l, e, "id"));
			if (id)
				json_object_set_new(entry, "id", json_string(id));
		}
	}
	yaml_node_t *ren = loader_map_get(l, rootn, "renumber");
	json_t *rj = json_object_get(raw, "renumber");
	if (ren && ren->type == YAML_MAPPING_NODE && json_is_object(rj))
		for (yaml_node_pair_t *p = ren->data.mapping.pairs.start; p < ren->data.mapping.pairs.top; p++) {
			const char *from = yamljson_scalar(loader_node(l, p->key));
			const char *to = yamljson_scalar(loader_node(l, p->value));
			if (from && to)
				json_object_set_new(rj, from, json_string(to));
		}
	yaml_node_t *rem = loader_map_get(l, rootn, "remove");
	json_t *remj = json_object_get(raw, "remove");
	if (rem && rem->type == YAML_SEQUENCE_NODE && json_is_array(remj)) {
		size_t k = 0;
		for (yaml_node_item_t *it = rem->data.sequence.items.start; it < rem->data.sequence.items.top; it++, k++) {
			const char *id = yamljson_scalar(loader_node(l, *it));
			if (id)
				json_array_set_new(remj, k, json_string(id));
		}
	}
	json_object_set_new(raw, "__pos", json_sprintf("%s:%zu:%zu", l->file,
						       rootn->start_mark.line + 1, rootn->start_mark.column + 1));
}

int bench_parse(struct loader *l, yaml_node_t *rootn)
{
	static const char *const top_keys[] = {
		"benchmark", "sections", "checks", "renumber", "add", "change", "remove", NULL
	};
	static const char *const head_keys[] = {
		"id", "title", "version", "platform", "rules", "extends", "selects", NULL
	};
	static const char *const selects_keys[] = { "from", NULL };
	int rc = loader_check_keys(l, rootn, "benchmark file", top_keys);
	yaml_node_t *head = loader_map_get(l, rootn, "benchmark");
	if (loader_check_keys(l, head, "benchmark", head_keys) < 0)
		return -1;
	struct benchmark *b = xcalloc(1, sizeof(*b));
	b->file = l->file;
	b->line = (int)head->start_mark.line + 1;
	char *rules_file = NULL;
	if (loader_get_str(l, head, "id", 1, &b->id) < 0)
		rc = -1;
	if (loader_get_str(l, head, "title", 1, &b->title) < 0)
		rc = -1;
	if (loader_get_str(l, head, "version", 1, &b->version) < 0)
		rc = -1;
	if (loader_get_str(l, head, "platform", 0, &b->platform) < 0)
		rc = -1;
	if (loader_get_str(l, head, "extends", 0, &b->extends) < 0)
		rc = -1;
	if (loader_get_str(l, head, "rules", 0, &rules_file) < 0)
		rc = -1;
	free(rules_file);
	if (!b->extends && !b->platform)
		rc = loader_error(l, head, "missing required key 'platform'");
	yaml_node_t *sel = loader_map_get(l, head, "selects");
	if (sel && (loader_check_keys(l, sel, "selects", selects_keys) < 0 ||
		    loader_get_str(l, sel, "from", 1, &b->selects_from) < 0))
		rc = -1;
	yaml_node_t *checks = loader_map_get(l, rootn, "checks");
	if (!checks && !b->extends)
		rc = loader_error(l, rootn, "a benchmark needs 'checks' (or 'extends')");
	if (checks && checks->type != YAML_SEQUENCE_NODE)
		rc = loader_error(l, checks, "'checks' must be a list");
	else if (checks)
		for (yaml_node_item_t *it = checks->data.sequence.items.start; it < checks->data.sequence.items.top; it++)
			if (validate_check_entry(l, loader_node(l, *it), 1) < 0)
				rc = -1;
	const char *lists[] = { "add", "change" };
	for (int i = 0; i < 2; i++) {
		yaml_node_t *s = loader_map_get(l, rootn, lists[i]);
		if (!s)
			continue;
		if (!b->extends)
			rc = loader_error(l, s, "'%s' needs 'extends'", lists[i]);
		if (s->type != YAML_SEQUENCE_NODE) {
			rc = loader_error(l, s, "'%s' must be a list", lists[i]);
			continue;
		}
		for (yaml_node_item_t *it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++)
			if (validate_check_entry(l, loader_node(l, *it), i == 0) < 0)
				rc = -1;
	}
	yaml_node_t *ren = loader_map_get(l, rootn, "renumber");
	if (ren && ren->type != YAML_MAPPING_NODE)
		rc = loader_error(l, ren, "'renumber' must be a mapping of old id to new id");
	yaml_node_t *rem = loader_map_get(l, rootn, "remove");
	if (rem && rem->type != YAML_SEQUENCE_NODE)
		rc = loader_error(l, rem, "'remove' must be a list of ids");
	yaml_node_t *sec = loader_map_get(l, rootn, "sections");
	if (b->id && defs_benchmark(l->d, b->id))
		rc = loader_error(l, loader_map_get(l, head, "id"), "duplicate benchmark id '%s'", b->id);
	if (rc == 0 && loader_get_json(l, rootn, &b->raw) < 0)
		rc = -1;
	if (rc == 0)
		stash_lines(l, rootn, b->raw);
	if (rc == 0 && sec) {
		b->sections = json_incref(json_object_get(b->raw, "sections"));
		if (!json_is_object(b->sections))
			rc = loader_error(l, sec, "'sections' must be a mapping of id to title");
	}
	/* Duplicate ids in the check list, with positions. */
	if (rc == 0 && checks) {
		for (yaml_node_item_t *it = checks->data.sequence.items.start; it < checks->data.sequence.items.top; it++) {
			const char *a = yamljson_scalar(loader_map_get(l, loader_node(l, *it), "id"));
			for (yaml_node_item_t *jt = checks->data.sequence.items.start; jt < it; jt++) {
				const char *bb = yamljson_scalar(loader_map_get(l, loader_node(l, *jt), "id"));
				if (a && bb && !strcmp(a, bb))
					rc = loader_error(l, loader_node(l, *it), "duplicate check id '%s'", a);
			}
		}
	}
	if (rc < 0) {
		benchmark_free(b);
		return -1;
	}
	if (!b->sections)
		b->sections = json_object();
	ALLOC_GROW(l->d->benches, l->d->nbenches + 1, l->d->benches_alloc);
	l->d->benches[l->d->nbenches++] = b;
	return 0;
}
