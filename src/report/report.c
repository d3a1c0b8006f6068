#include "config.h"
#include <string.h>
#include "report/report.h"
#include "score/xccdf.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

static json_t *finding_json(const struct finding *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "target", jstr(f->target));
	if (f->field)
		json_object_set_new(o, "field", jstr(f->field));
	json_object_set_new(o, "status", json_string(status_name(f->status)));
	json_object_set(o, "actual", f->actual ? f->actual : json_null());
	json_object_set_new(o, "expected", jstr(f->expected));
	json_object_set_new(o, "source", jstr(f->source));
	if (f->note)
		json_object_set_new(o, "note", jstr(f->note));
	return o;
}

/* A copy of a fix block with each "$name" string replaced by the check's parameter. */
static json_t *fix_resolve(const json_t *v, const json_t *params)
{
	const char *s = json_string_value(v);
	if (s && s[0] == '$' && json_object_get(params, s + 1))
		return json_deep_copy(json_object_get(params, s + 1));
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
			json_object_set_new(o, k, fix_resolve(x, params));
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			json_array_append_new(a, fix_resolve(x, params));
		return a;
	}
	return json_deep_copy(v);
}

static json_t *check_json(const struct check_result *r, const struct score_opts *so)
{
	const struct check *c = r->check;
	const struct rule *ru = c->rule;
	char *sec = check_section(c->id);
	json_t *o = json_object();
	json_object_set_new(o, "benchmark", json_string(c->bench->id));
	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "title", jstr(c->title));
	json_object_set_new(o, "section", json_string(sec));
	json_object_set(o, "section_title", json_object_get(c->bench->sections, sec) ?
			json_object_get(c->bench->sections, sec) : json_null());
	json_object_set_new(o, "level", json_integer(c->level));
	json_object_set_new(o, "assessment", json_string(c->assessment));
	json_object_set_new(o, "evaluation", json_string(ru->manual ? "manual" : "automatic"));
	json_object_set_new(o, "target", json_string(target_name(ru->target)));
	json_object_set_new(o, "rule", json_string(ru->key));
	json_object_set_new(o, "status", json_string(status_name(r->status)));
	json_object_set_new(o, "scored", json_boolean(r->scored));
	json_object_set_new(o, "reason", jstr(r->reason ? r->reason : ""));
	json_object_set_new(o, "remediation", jstr(c->remediation ? c->remediation : ru->remediation));
	if (ru->description)
		json_object_set_new(o, "description", jstr(ru->description));
	if (ru->rationale)
		json_object_set_new(o, "rationale", jstr(ru->rationale));
	json_object_set_new(o, "weight", json_real(ru->weight));
	json_object_set_new(o, "score_weight", json_real(score_xccdf_weight(r, so)));
	json_object_set(o, "references", ru->references);
	if (ru->fix)
		json_object_set_new(o, "fix", fix_resolve(ru->fix, c->params));
	if (r->waiver)
		json_object_set(o, "waiver", r->waiver);
	json_t *fs = json_array();
	for (size_t i = 0; i < r->nfindings; i++)
		json_array_append_new(fs, finding_json(&r->findings[i]));
	json_object_set_new(o, "findings", fs);
	free(sec);
	return o;
}

struct section_key {
	const struct benchmark *b;
	const char *section;
};

static int in_section(const struct check_result *r, const void *arg)
{
	const struct section_key *k = arg;
	char *sec = check_section(r->check->id);
	int ok = r->check->bench == k->b && !strcmp(sec, k->section);
	free(sec);
	return ok;
}

static int in_bench(const struct check_result *r, const void *arg)
{
	return r->check->bench == arg;
}

json_t *report_build(const struct report_input *in)
{
	json_t *doc = json_object();
	json_t *meta = json_object_get(in->facts, "meta");
	json_object_set_new(doc, "schema", json_string("boxaudit-report/1"));
	json_object_set_new(doc, "tool", json_pack("{s:s,s:s}", "name", "boxaudit", "version", PACKAGE_VERSION));
	json_t *host = json_object();
	json_object_set(host, "hostname", json_object_get(meta, "hostname") ? json_object_get(meta, "hostname") : json_null());
	json_object_set(host, "root", json_object_get(meta, "root") ? json_object_get(meta, "root") : json_null());
	json_object_set(host, "live", json_object_get(meta, "live") ? json_object_get(meta, "live") : json_false());
	if (in->root_path)
		json_object_set_new(host, "root_path", jstr(in->root_path));
	json_object_set_new(doc, "host", host);
	json_object_set(doc, "collected_at", json_object_get(meta, "collected_at") ? json_object_get(meta, "collected_at") : json_null());
	if (in->started_at)
		json_object_set_new(doc, "started_at", json_string(in->started_at));
	if (in->finished_at)
		json_object_set_new(doc, "finished_at", json_string(in->finished_at));
	const struct check_selection *sel = in->select;
	json_object_set_new(doc, "selection", json_pack("{s:o,s:o,s:o}",
		"level", sel && sel->level ? json_integer(sel->level) : json_null(),
		"checks", jstr(sel ? sel->only : NULL), "skip", jstr(sel ? sel->skip : NULL)));

	json_t *benches = json_array();
	json_t *sections = json_array();
	for (size_t i = 0; i < in->nbenches; i++) {
		const struct benchmark *b = in->benches[i];
		json_t *bo = json_pack("{s:s,s:s,s:s,s:s}", "id", b->id, "title", b->title,
				       "version", b->version, "platform", b->platform);
		json_object_set_new(bo, "summary", score_summary(in->results, in->nresults, in->score, in_bench, b));
		json_object_set_new(bo, "sections", json_is_object(b->sections) ? json_incref(b->sections) : json_object());
		json_array_append_new(benches, bo);
		/* Sections in the order their checks appear. */
		for (size_t k = 0; k < in->nresults; k++) {
			if (in->results[k].check->bench != b)
				continue;
			char *sec = check_section(in->results[k].check->id);
			int dup = 0;
			size_t si;
			json_t *so;
			json_array_foreach(sections, si, so)
				if (!strcmp(json_string_value(json_object_get(so, "benchmark")), b->id) &&
				    !strcmp(json_string_value(json_object_get(so, "section")), sec))
					dup = 1;
			if (!dup) {
				struct section_key key = { b, sec };
				json_t *s = json_object();
				json_object_set_new(s, "benchmark", json_string(b->id));
				json_object_set_new(s, "section", json_string(sec));
				json_object_set(s, "title", json_object_get(b->sections, sec) ?
						json_object_get(b->sections, sec) : json_null());
				json_object_set_new(s, "summary", score_summary(in->results, in->nresults, in->score, in_section, &key));
				json_array_append_new(sections, s);
			}
			free(sec);
		}
	}
	json_object_set_new(doc, "benchmarks", benches);

	json_t *summary = score_summary(in->results, in->nresults, in->score, NULL, NULL);
	json_object_set_new(summary, "score_model", json_string(score_model_name(in->score->model)));
	json_object_set_new(summary, "score_basis", json_string(score_basis(in->score)));
	json_object_set_new(summary, "automated_only", json_boolean(in->score->automated_only));
	json_object_set_new(summary, "sections", sections);
	json_t *xs = score_xccdf(in->results, in->nresults, in->nbenches, in->score);
	if (json_is_number(json_object_get(summary, "score"))) {
		char *urn = xasprintf("urn:boxaudit:scoring:%s", score_model_name(in->score->model));
		json_array_append_new(xs, json_pack("{s:s,s:O,s:f}", "system", urn, "score",
						    json_object_get(summary, "score"), "maximum", 100.0));
		free(urn);
	}
	json_object_set_new(summary, "xccdf_scores", xs);
	json_object_set_new(doc, "summary", summary);

	json_t *checks = json_array();
	for (size_t i = 0; i < in->nresults; i++) {
		json_array_append_new(checks, check_json(&in->results[i], in->score));
		check_result_release(&in->results[i]);
	}
	json_object_set_new(doc, "checks", checks);
	json_object_set_new(doc, "notes", in->notes ? json_incref(in->notes) : json_array());
	json_t *refused = json_object_get(in->facts, "refused");
	json_object_set_new(doc, "refused", json_is_array(refused) ? json_incref(refused) : json_array());
	json_object_set_new(doc, "context", in->context ? json_incref(in->context) : json_object());
	return doc;
}

static int dump_to_buf(const char *p, size_t n, void *arg)
{
	return buf_add(arg, p, n);
}

int report_write_json(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	/* Straight into the buffer: no second copy of a large report. */
	if (json_dump_callback(doc, dump_to_buf, out,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) < 0 ||
	    buf_addstr(out, "\n") < 0) {
		*err = xstrdup("the JSON report is larger than the output limit");
		return -1;
	}
	return 0;
}

int report_write_jsonl(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	/* Compact: one line, so a log collector keeps the report as one record. */
	if (json_dump_callback(doc, dump_to_buf, out, JSON_COMPACT | JSON_PRESERVE_ORDER |
			       JSON_REAL_PRECISION(15)) < 0 || buf_addstr(out, "\n") < 0) {
		*err = xstrdup("the JSON report is larger than the output limit");
		return -1;
	}
	return 0;
}
