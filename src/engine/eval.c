#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "engine/engine.h"
#include "engine/internal.h"
#include "facts/facts.h"
#include "base/xalloc.h"
#include "base/banned.h"

static void eval_top_each(const struct check *c, const struct expr *e, struct ev *ev,
			  struct check_result *out)
{
	char *err = NULL;
	int missing;
	const char *coll_source = NULL;
	json_t *coll = combine_collection(ev, e->each, &err, &missing, &coll_source);
	if (!coll) {
		const char *why = missing ? leaf_skipped_reason(ev->facts, strncmp(e->each, "$.", 2) ? e->each : e->each + 2) : NULL;
		if (why) {
			out->status = ST_SKIP;
			out->reason = xasprintf("no %s to judge: %s", findings_noun(c->rule->target), why);
		} else if (missing) {
			out->status = e->empty;
			out->reason = xasprintf("no %s to judge (%s is empty)", findings_noun(c->rule->target), e->each);
		} else {
			out->status = ST_ERROR;
			out->reason = err;
			err = NULL;
		}
		free(err);
		/* What was found in the collection's place is the evidence. */
		struct finding *f = result_add_finding(out);
		f->target = xstrdup(ev->label);
		f->status = out->status;
		f->source = coll_source ? xstrdup(coll_source) : xasprintf("facts:%s", e->each);
		f->note = xstrdup(out->reason);
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
		sub.raw_api = engine_raw_api_path(strncmp(e->each, "$.", 2) ? e->each : e->each + 2);
		const char *src = json_string_value(json_object_get(el, "_source"));
		sub.elem_source = src ? xstrdup(src) : coll_source ? xasprintf("%s[%zu]", coll_source, idx) :
				  xasprintf("facts:%s[%zu]", e->each, idx);
		char *name = combine_element_name(e, el, idx, key);
		/* An element the collector could not read is an ERROR finding. */
		const char *eerr = json_string_value(json_object_get(el, "error"));
		int keep = 1;
		if (!eerr && e->where) {
			struct trace scratch = {0};
			sub.trace = &scratch;
			keep = expr_eval(e->where, &sub) == ST_PASS;
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
			enum status s = expr_eval(e->test, &sub);
			findings_for_element(out, name, s, &t);
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
		out->reason = xasprintf("no %s to judge", findings_noun(c->rule->target));
		return;
	}
	if (counts[ST_FAIL]) {
		out->status = ST_FAIL;
		out->reason = xasprintf("%zu of %zu %s fail", counts[ST_FAIL], judged, findings_noun(c->rule->target));
	} else if (counts[ST_ERROR]) {
		out->status = ST_ERROR;
		out->reason = xasprintf("%zu of %zu %s could not be judged", counts[ST_ERROR], judged, findings_noun(c->rule->target));
	} else if (counts[ST_PASS]) {
		out->status = ST_PASS;
		out->reason = xasprintf("all %zu %s pass", counts[ST_PASS], findings_noun(c->rule->target));
	} else {
		out->status = ST_SKIP;
		/* One shared reason (a fact left out on purpose, say) is worth showing. */
		const char *why = out->nfindings ? out->findings[0].note : NULL;
		for (size_t k = 1; why && k < out->nfindings; k++)
			if (!out->findings[k].note || strcmp(out->findings[k].note, why))
				why = NULL;
		out->reason = why ? xasprintf("not applicable to any of the %zu %s: %s", judged,
					      findings_noun(c->rule->target), why)
				  : xasprintf("not applicable to any of the %zu %s", judged, findings_noun(c->rule->target));
	}
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
		enum status a = expr_eval(r->applies, &ev);
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
					findings_from_entry(out, &t.v[i]);
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
			expr_eval(r->test, &ev);
			for (size_t i = 0; i < t.n; i++)
				findings_from_entry(out, &t.v[i]);
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
	out->status = expr_eval(r->test, &ev);
	for (size_t i = 0; i < t.n; i++)
		findings_from_entry(out, &t.v[i]);
	trace_release(&t);
	out->reason = findings_summary(out);
	if (!out->reason)
		out->reason = xstrdup(out->status == ST_PASS ? "" : status_name(out->status));
}

enum status engine_eval_expr(const struct expr *e, json_t *facts)
{
	struct trace t = {0};
	struct ev ev = { .facts = facts, .label = "host", .trace = &t };
	enum status s = expr_eval(e, &ev);
	trace_release(&t);
	return s;
}
