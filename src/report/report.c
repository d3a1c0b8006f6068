#include "config.h"
#include <string.h>
#include "report/report.h"
#include "score/xccdf.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

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

static json_t *check_json(const struct check_result *r, const struct score_opts *so, int apart)
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
	if (c->unverified) {
		json_t *u = json_array();
		if (c->unverified & CHECK_UNVERIFIED_LEVEL)
			json_array_append_new(u, json_string("level"));
		if (c->unverified & CHECK_UNVERIFIED_ASSESSMENT)
			json_array_append_new(u, json_string("assessment"));
		json_object_set_new(o, "unverified", u);
	}
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
	if (!apart)
		json_object_set_new(o, "findings", result_findings_json(r));
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
		json_array_append_new(checks, check_json(&in->results[i], in->score, in->findings_apart));
		if (!in->findings_apart)
			check_result_release(&in->results[i]);
	}
	json_object_set_new(doc, "checks", checks);
	json_object_set_new(doc, "notes", in->notes ? json_incref(in->notes) : json_array());
	json_t *refused = json_object_get(in->facts, "refused");
	json_object_set_new(doc, "refused", json_is_array(refused) ? json_incref(refused) : json_array());
	json_object_set_new(doc, "context", in->context ? json_incref(in->context) : json_object());
	return doc;
}

json_t *report_findings(const json_t *c, size_t i, const struct write_opts *o)
{
	const json_t *fs = json_object_get(c, "findings");
	if (fs || !o || !o->results)
		return fs ? json_incref((json_t *)fs) : json_array();
	return result_findings_json(&o->results[i]);
}

void report_findings_order(const json_t *c, const json_t *fs, size_t *order)
{
	const char *st = json_string_value(json_object_get(c, "status"));
	int first = st && (!strcmp(st, "FAIL") || !strcmp(st, "ERROR"));
	size_t total = json_array_size(fs), n = 0;
	for (int pass = first ? 0 : 1; pass < 2; pass++)
		for (size_t i = 0; i < total; i++) {
			const char *fst = json_string_value(json_object_get(json_array_get(fs, i), "status"));
			int same = fst && !strcmp(fst, st);
			if (!first || (pass == 0) == same)
				order[n++] = i;
		}
}

json_t *report_check(const json_t *c, size_t i, const struct write_opts *o)
{
	if (json_object_get(c, "findings") || !o || !o->results)
		return json_incref((json_t *)c);
	json_t *full = json_copy((json_t *)c);
	json_object_set_new(full, "findings", result_findings_json(&o->results[i]));
	return full;
}

static int dump_to_buf(const char *p, size_t n, void *arg)
{
	return buf_add(arg, p, n);
}

/* jansson's output with every line after the first indented further: a value nested in a streamed document. */
struct indented {
	struct buf *out;
	const char *pad;
};

static int dump_indented(const char *p, size_t n, void *arg)
{
	struct indented *in = arg;
	/* jansson escapes newlines inside strings: a raw one is layout. */
	const char *nl;
	while ((nl = memchr(p, '\n', n))) {
		size_t k = (size_t)(nl - p) + 1;
		if (buf_add(in->out, p, k) < 0 || buf_addstr(in->out, in->pad) < 0)
			return -1;
		p += k;
		n -= k;
	}
	return buf_add(in->out, p, n);
}

static int dump_value(const json_t *v, struct buf *out, size_t flags, const char *pad)
{
	struct indented in = { out, pad };
	return json_dump_callback(v, dump_indented, &in, flags | JSON_ENCODE_ANY);
}

/* A member "key": value of a streamed object, after its separator. */
static int dump_member(struct buf *out, const char *key, const json_t *v, size_t flags, int pretty,
		       const char *pad)
{
	json_t *k = json_string(key);
	int r = dump_value(k, out, flags, "");
	json_decref(k);
	r |= buf_addstr(out, pretty ? ": " : ":");
	r |= dump_value(v, out, flags, pad);
	return r;
}

static int dump_string_member(struct buf *out, const char *sep, const char *key, const json_t *s,
			      size_t flags, int pretty)
{
	int r = buf_addstr(out, sep);
	r |= dump_member(out, key, s ? s : json_null(), flags, pretty, "");
	return r;
}

/*
 * One finding, as jansson dumps report_findings' objects, but from the
 * struct: no object is built for it (a check of 10,000 containers has
 * 10,000 of them).  Values still go through jansson.
 */
static int dump_finding(struct buf *out, const struct finding *f, size_t flags, int pretty)
{
	const char *sep = pretty ? ",\n          " : ",";
	int r = buf_addstr(out, pretty ? "{\n          " : "{");
	r |= dump_string_member(out, "", "target", f->target, flags, pretty);
	if (f->field)
		r |= dump_string_member(out, sep, "field", f->field, flags, pretty);
	json_t *st = json_string(status_name(f->status));
	r |= dump_string_member(out, sep, "status", st, flags, pretty);
	json_decref(st);
	r |= buf_addstr(out, sep);
	r |= dump_member(out, "actual", f->actual ? f->actual : json_null(), flags, pretty,
			 pretty ? "          " : "");
	r |= dump_string_member(out, sep, "expected", f->expected, flags, pretty);
	json_t *src = f->source_base ? finding_take(finding_source(f)) : json_incref(f->source);
	r |= dump_string_member(out, sep, "source", src, flags, pretty);
	json_decref(src);
	if (f->note)
		r |= dump_string_member(out, sep, "note", f->note, flags, pretty);
	return r | buf_addstr(out, pretty ? "\n        }" : "}");
}

/* Check c of a document built with findings_apart, its findings from r (always its last member). */
static int dump_check(struct buf *out, const json_t *c, const struct check_result *r, size_t flags, int pretty)
{
	const char *sep = pretty ? ",\n      " : ",";
	int rc = buf_addstr(out, pretty ? "{\n      " : "{");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)c, key, v) {
		rc |= dump_member(out, key, v, flags, pretty, pretty ? "      " : "");
		rc |= buf_addstr(out, sep);
	}
	json_t *k = json_string("findings");
	rc |= dump_value(k, out, flags, "");
	json_decref(k);
	rc |= buf_addstr(out, pretty ? ": " : ":");
	if (!r->nfindings) {
		rc |= buf_addstr(out, "[]");
	} else {
		rc |= buf_addstr(out, pretty ? "[\n        " : "[");
		for (size_t i = 0; i < r->nfindings && !rc; i++) {
			if (i)
				rc |= buf_addstr(out, pretty ? ",\n        " : ",");
			rc |= dump_finding(out, &r->findings[i], flags, pretty);
		}
		rc |= buf_addstr(out, pretty ? "\n      ]" : "]");
	}
	return rc | buf_addstr(out, pretty ? "\n    }" : "}");
}

int report_dump_lazy(const json_t *doc, const struct report_lazy *lazy, size_t nlazy, struct buf *out,
		     int pretty)
{
	size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
	const char *sep = pretty ? ",\n  " : ",";
	int r = buf_addstr(out, pretty && json_object_size(doc) ? "{\n  " : "{");
	const char *key;
	json_t *v;
	int first = 1;
	json_object_foreach((json_t *)doc, key, v) {
		if (!first)
			r |= buf_addstr(out, sep);
		first = 0;
		const struct report_lazy *l = NULL;
		for (size_t i = 0; i < nlazy && !l; i++)
			if (!strcmp(key, lazy[i].key) && lazy[i].n)
				l = &lazy[i];
		if (!l) {
			r |= dump_member(out, key, v, flags, pretty, pretty ? "  " : "");
			continue;
		}
		json_t *k = json_string(key);
		r |= dump_value(k, out, flags, "");
		json_decref(k);
		r |= buf_addstr(out, pretty ? ": [\n    " : ":[");
		for (size_t i = 0; i < l->n; i++) {
			if (i)
				r |= buf_addstr(out, pretty ? ",\n    " : ",");
			r |= l->dump(out, i, flags, pretty, l->arg);
			if (r)
				return -1;
		}
		r |= buf_addstr(out, pretty ? "\n  ]" : "]");
	}
	r |= buf_addstr(out, pretty && !first ? "\n}" : "}");
	return r ? -1 : 0;
}

int report_dump_element(const json_t *v, struct buf *out, size_t flags, int pretty)
{
	return dump_value(v, out, flags, pretty ? "    " : "");
}

struct checks_arg {
	const json_t *checks;
	const struct write_opts *o;
};

static int dump_check_at(struct buf *out, size_t i, size_t flags, int pretty, const void *arg)
{
	const struct checks_arg *a = arg;
	const json_t *c = json_array_get(a->checks, i);
	if (json_object_get(c, "findings"))
		return report_dump_element(c, out, flags, pretty);
	return dump_check(out, c, &a->o->results[i], flags, pretty);
}

/*
 * The document as jansson would dump it whole, with each check's findings
 * written from its results (a document built with findings_apart): the
 * same bytes, for the memory of none of them.
 */
static int dump_streamed(const json_t *doc, const struct write_opts *o, struct buf *out, int pretty)
{
	struct checks_arg a = { json_object_get(doc, "checks"), o };
	const struct report_lazy lazy = { "checks", json_array_size(a.checks), dump_check_at, &a };
	return report_dump_lazy(doc, &lazy, 1, out, pretty);
}

static int dump_doc(const json_t *doc, const struct write_opts *o, struct buf *out, int pretty)
{
	if (o && o->results)
		return dump_streamed(doc, o, out, pretty);
	/* Straight into the buffer: no second copy of a large report. */
	return json_dump_callback(doc, dump_to_buf, out, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
				  (pretty ? JSON_INDENT(2) : JSON_COMPACT));
}

int report_write_json(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	if (dump_doc(doc, o, out, 1) < 0 || buf_addstr(out, "\n") < 0) {
		*err = xstrdup("the JSON report is larger than the output limit");
		return -1;
	}
	return 0;
}

int report_write_jsonl(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	/* Compact: one line, so a log collector keeps the report as one record. */
	if (dump_doc(doc, o, out, 0) < 0 || buf_addstr(out, "\n") < 0) {
		*err = xstrdup("the JSON report is larger than the output limit");
		return -1;
	}
	return 0;
}
