#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"

const struct rule *defs_rule(const struct defs *d, const char *key)
{
	for (size_t i = 0; i < d->nrules; i++)
		if (!strcmp(d->rules[i]->key, key))
			return d->rules[i];
	return NULL;
}

void rule_free(struct rule *r)
{
	free(r->key);
	free(r->title);
	free(r->label);
	free(r->description);
	free(r->rationale);
	free(r->remediation);
	free(r->review);
	free(r->skip_reason);
	json_decref(r->references);
	json_decref(r->params);
	json_decref(r->fix);
	expr_free(r->applies);
	expr_free(r->test);
	free(r);
}

static int rule_parse(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = {
		"key", "title", "target", "label", "description", "remediation", "references",
		"weight", "evaluate", "review", "params", "applies", "skip_reason", "test", "rationale",
		"fix", NULL
	};
	struct rule *r = xcalloc(1, sizeof(*r));
	int rc = loader_check_keys(l, n, "rule", keys);
	if (rc < 0 && n->type != YAML_MAPPING_NODE) {
		free(r);
		return -1;
	}
	r->file = l->file;
	r->line = (int)n->start_mark.line + 1;
	r->weight = 1.0;
	char *target = NULL, *evaluate = NULL;
	if (loader_get_str(l, n, "key", 1, &r->key) < 0)
		rc = -1;
	if (loader_get_str(l, n, "title", 1, &r->title) < 0)
		rc = -1;
	if (loader_get_str(l, n, "target", 1, &target) < 0)
		rc = -1;
	if (loader_get_str(l, n, "label", 0, &r->label) < 0)
		rc = -1;
	if (loader_get_str(l, n, "description", 0, &r->description) < 0)
		rc = -1;
	if (loader_get_str(l, n, "rationale", 0, &r->rationale) < 0)
		rc = -1;
	if (loader_get_str(l, n, "remediation", 1, &r->remediation) < 0)
		rc = -1;
	if (loader_get_str(l, n, "review", 0, &r->review) < 0)
		rc = -1;
	if (loader_get_str(l, n, "skip_reason", 0, &r->skip_reason) < 0)
		rc = -1;
	if (loader_get_str(l, n, "evaluate", 0, &evaluate) < 0)
		rc = -1;
	if (target) {
		int found = 0;
		for (int i = 0; target_names[i]; i++)
			if (!strcmp(target_names[i], target)) {
				r->target = (enum target_kind)i;
				found = 1;
			}
		if (!found)
			rc = loader_error(l, loader_map_get(l, n, "target"), "unknown target '%s' (host, daemon, file, container, image, kubelet, proxy)", target);
	}
	free(target);
	if (evaluate && strcmp(evaluate, "auto") && strcmp(evaluate, "manual"))
		rc = loader_error(l, loader_map_get(l, n, "evaluate"), "'evaluate' is auto or manual");
	r->manual = evaluate && !strcmp(evaluate, "manual");
	free(evaluate);
	yaml_node_t *w = loader_map_get(l, n, "weight");
	if (w) {
		const char *s = yamljson_scalar(w);
		char *end = NULL;
		r->weight = s ? strtod(s, &end) : -1;
		if (!s || *end || r->weight < 0)
			rc = loader_error(l, w, "'weight' must be a non-negative number");
	}
	yaml_node_t *refs = loader_map_get(l, n, "references");
	if (refs) {
		if (loader_get_json(l, refs, &r->references) < 0)
			rc = -1;
		else if (!json_is_array(r->references))
			rc = loader_error(l, refs, "'references' must be a list");
	} else {
		r->references = json_array();
	}
	yaml_node_t *params = loader_map_get(l, n, "params");
	if (params) {
		if (loader_get_json(l, params, &r->params) < 0)
			rc = -1;
		else if (!json_is_object(r->params))
			rc = loader_error(l, params, "'params' must be a mapping");
	} else {
		r->params = json_object();
	}
	yaml_node_t *fix = loader_map_get(l, n, "fix");
	if (fix && fix_parse(l, fix, &r->fix) < 0)
		rc = -1;
	yaml_node_t *ap = loader_map_get(l, n, "applies");
	if (ap && !(r->applies = expr_parse(l, ap, 0)))
		rc = -1;
	if (ap && !r->skip_reason)
		rc = loader_error(l, ap, "a rule with 'applies' needs a 'skip_reason'");
	yaml_node_t *t = loader_map_get(l, n, "test");
	if (t && !(r->test = expr_parse(l, t, 0)))
		rc = -1;
	if (!r->manual && !t)
		rc = loader_error(l, n, "rule '%s' is evaluated automatically but has no 'test'", r->key ? r->key : "?");
	if (r->manual && !r->review)
		rc = loader_error(l, n, "rule '%s' is manual and needs a 'review' text", r->key ? r->key : "?");
	if (r->key && defs_rule(l->d, r->key))
		rc = loader_error(l, loader_map_get(l, n, "key"), "duplicate rule key '%s'", r->key);
	if (rc < 0) {
		rule_free(r);
		return -1;
	}
	ALLOC_GROW(l->d->rules, l->d->nrules + 1, l->d->rules_alloc);
	l->d->rules[l->d->nrules++] = r;
	return 0;
}

int rules_parse_library(struct loader *l, yaml_node_t *seq)
{
	if (seq->type != YAML_SEQUENCE_NODE)
		return loader_error(l, seq, "'rules' must be a list");
	int rc = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++)
		if (rule_parse(l, loader_node(l, *it)) < 0)
			rc = -1;
	return rc;
}
