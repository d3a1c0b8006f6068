#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "engine/engine.h"
#include "engine/internal.h"
#include "facts/facts.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* How an each over the elements of a collection went so far. */
struct each_tally {
	size_t judged;
	size_t counts[ST__COUNT];
};

/*
 * The collection a top-level each iterates, in *coll; or 1 when there is
 * none to iterate and that decided out (missing: SKIP or the rule's empty
 * status; unreadable: ERROR), with what was found there as evidence.
 */
static int each_collection(const struct check *c, const struct expr *e, struct ev *ev,
			   struct check_result *out, json_t **coll, const char **coll_source)
{
	char *err = NULL;
	int missing;
	*coll = combine_collection(ev, e->each, &err, &missing, coll_source);
	if (*coll)
		return 0;
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
	f->target = finding_str(ev->label);
	f->status = out->status;
	f->source = finding_take(*coll_source ? xstrdup(*coll_source) : xasprintf("facts:%s", e->each));
	f->note = finding_str(out->reason);
	return 1;
}

/* Judge one element of the collection (its idx-th; key for an object's): at most one finding. */
static void each_element(const struct check *c, const struct expr *e, const struct ev *ev,
			 const char *coll_source, json_t *el, size_t idx, const char *key,
			 struct each_tally *tally, struct check_result *out)
{
	(void)c;
	struct trace t = {0};
	struct ev sub = *ev;
	sub.elem = el;
	sub.prefix = NULL;
	sub.trace = &t;
	sub.raw_api = engine_raw_api_path(strncmp(e->each, "$.", 2) ? e->each : e->each + 2);
	json_t *src_ref = json_object_get(el, "_source");
	const char *src = json_string_value(src_ref);
	sub.elem_source = src ? xstrdup(src) : coll_source ? xasprintf("%s[%zu]", coll_source, idx) :
			  xasprintf("facts:%s[%zu]", e->each, idx);
	json_t *name = combine_element_name(e, el, idx, key);
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
		f->target = json_incref(name);
		f->status = ST_SKIP;
		f->note = finding_str("boxaudit's own container (the auditor itself); not judged");
		f->source = finding_str(sub.elem_source);
	} else if (eerr) {
		struct finding *f = result_add_finding(out);
		f->target = json_incref(name);
		f->status = ST_ERROR;
		f->note = finding_str(eerr);
		f->source = finding_str(sub.elem_source);
		tally->counts[ST_ERROR]++;
		tally->judged++;
	} else if (keep) {
		enum status s = expr_eval(e->test, &sub);
		findings_for_element(out, name, sub.elem_source, json_is_string(src_ref) ? src_ref : NULL, s, &t);
		tally->counts[s]++;
		tally->judged++;
	}
	trace_release(&t);
	free(sub.elem_source);
	json_decref(name);
}

/* The status and reason of a top-level each, from its tally. */
static void each_finish(const struct check *c, const struct expr *e, const struct each_tally *tally,
			struct check_result *out)
{
	const char *noun = findings_noun(c->rule->target);
	size_t judged = tally->judged;
	if (!judged) {
		out->status = e->empty;
		out->reason = xasprintf("no %s to judge", noun);
	} else if (tally->counts[ST_FAIL]) {
		out->status = ST_FAIL;
		out->reason = xasprintf("%zu of %zu %s fail", tally->counts[ST_FAIL], judged, noun);
	} else if (tally->counts[ST_ERROR]) {
		out->status = ST_ERROR;
		out->reason = xasprintf("%zu of %zu %s could not be judged", tally->counts[ST_ERROR], judged, noun);
	} else if (tally->counts[ST_PASS]) {
		out->status = ST_PASS;
		out->reason = xasprintf("all %zu %s pass", tally->counts[ST_PASS], noun);
	} else {
		out->status = ST_SKIP;
		/* One shared reason (a fact left out on purpose, say) is worth showing. */
		const char *why = out->nfindings ? json_string_value(out->findings[0].note) : NULL;
		for (size_t k = 1; why && k < out->nfindings; k++)
			if (!out->findings[k].note || strcmp(json_string_value(out->findings[k].note), why))
				why = NULL;
		out->reason = why ? xasprintf("not applicable to any of the %zu %s: %s", judged, noun, why)
				  : xasprintf("not applicable to any of the %zu %s", judged, noun);
	}
}

static void eval_top_each(const struct check *c, const struct expr *e, struct ev *ev,
			  struct check_result *out)
{
	json_t *coll;
	const char *coll_source = NULL;
	if (each_collection(c, e, ev, out, &coll, &coll_source))
		return;
	struct each_tally tally = {0};
	size_t idx = 0;
	struct coll_iter it = coll_iter_init(coll);
	json_t *el;
	const char *key;
	while (coll_iter_next(&it, &el, &key))
		each_element(c, e, ev, coll_source, el, idx++, key, &tally, out);
	each_finish(c, e, &tally, out);
}

/*
 * A rule's applies, when it does not hold, decides the result: SKIP with
 * the rule's reason (or the one the facts give), or ERROR when it cannot
 * be told.  Returns 1 then, with what it read as evidence.
 */
static int eval_applies(const struct check *c, const struct ev *base, struct check_result *out)
{
	const struct rule *r = c->rule;
	struct trace t = {0};
	struct ev ev = *base;
	ev.trace = &t;
	enum status a = expr_eval(r->applies, &ev);
	if (a == ST_PASS) {
		trace_release(&t);
		return 0;
	}
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
		/* The first condition that does not hold says why, when it has its own reason. */
		for (size_t i = 0; i < t.n && !out->reason; i++) {
			if (trace_shown(&t.v[i]) == ST_PASS)
				continue;
			if (t.v[i].skip_reason)
				out->reason = xstrdup(t.v[i].skip_reason);
			break;
		}
	}
	if (!out->reason)
		out->reason = xstrdup(r->skip_reason);
	/*
	 * What held is not why the check does not apply: only the rest is
	 * evidence.  A SKIP shows the condition that decided it and those that
	 * give the same reason (4.2.11: tlsCertFile and serverTLSBootstrap),
	 * not what no longer matters ("no kubelet": its version).
	 */
	const struct trace_entry *first = NULL;
	for (size_t i = 0; i < t.n && !first; i++)
		if (trace_shown(&t.v[i]) != ST_PASS)
			first = &t.v[i];
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_entry *e = &t.v[i];
		if ((!e->actual && !e->note) || trace_shown(e) == ST_PASS)
			continue;
		if (a != ST_ERROR && first && e != first &&
		    !(first->skip_reason && e->skip_reason && !strcmp(first->skip_reason, e->skip_reason)))
			continue;
		findings_from_entry(out, e);
	}
	for (size_t i = 0; i < out->nfindings; i++)
		out->findings[i].status = out->status;
	trace_release(&t);
	return 1;
}

/* A human decides a manual check; what its test showed is evidence for them. */
static void make_manual(const struct rule *r, struct check_result *out)
{
	free(out->reason);
	out->reason = xstrdup(r->review);
	out->status = ST_MANUAL;
	for (size_t i = 0; i < out->nfindings; i++) {
		out->findings[i].status = ST_MANUAL;
		json_decref(out->findings[i].expected);
		out->findings[i].expected = NULL;
	}
}

static struct ev check_ev(const struct check *c, json_t *facts, struct trace *t)
{
	const struct rule *r = c->rule;
	struct ev ev = {
		.facts = facts, .params = c->params,
		.label = r->label ? r->label : target_name(r->target), .trace = t,
	};
	return ev;
}

void engine_eval_check(const struct check *c, json_t *facts, struct check_result *out)
{
	const struct rule *r = c->rule;
	memset(out, 0, sizeof(*out));
	out->check = c;
	struct trace t = {0};
	struct ev ev = check_ev(c, facts, &t);
	if (r->applies && eval_applies(c, &ev, out))
		return;
	if (r->test && r->test->kind == EX_EACH) {
		eval_top_each(c, r->test, &ev, out);
	} else if (r->test) {
		out->status = expr_eval(r->test, &ev);
		for (size_t i = 0; i < t.n; i++)
			findings_from_entry(out, &t.v[i]);
		if (!r->manual) {
			out->reason = findings_summary(out);
			if (!out->reason)
				out->reason = xstrdup(out->status == ST_PASS ? "" : status_name(out->status));
		}
	}
	trace_release(&t);
	if (r->manual)
		make_manual(r, out);
}

int engine_streams(const struct check *c, const char *collection)
{
	const struct rule *r = c->rule;
	const struct expr *e = r->test;
	if (!e || e->kind != EX_EACH || strcmp(strncmp(e->each, "$.", 2) ? e->each : e->each + 2, collection))
		return 0;
	/* Nothing else of the rule may read the whole collection. */
	return !engine_expr_reads(r->applies, collection, 0) && !engine_expr_reads(e->where, collection, 1) &&
	       !engine_expr_reads(e->test, collection, 1);
}

void engine_stream_init(struct engine_stream *s, const struct check *c)
{
	memset(s, 0, sizeof(*s));
	s->check = c;
	s->result.check = c;
}

void engine_stream_reserve(struct engine_stream *s, size_t n)
{
	if (s->result.alloc < n) {
		s->result.findings = xrealloc(s->result.findings, n * sizeof(*s->result.findings));
		s->result.alloc = n;
	}
	if (s->alloc_order < n) {
		s->order = xrealloc(s->order, n * sizeof(*s->order));
		s->alloc_order = n;
	}
}

/* Point *v at same when they are equal values. */
static void share(json_t **v, json_t *same)
{
	if (*v && same && *v != same && json_equal(*v, same)) {
		json_decref(*v);
		*v = json_incref(same);
	}
}

void engine_stream_element(struct engine_stream *s, json_t *facts, json_t *el, size_t idx)
{
	const struct check *c = s->check;
	struct trace t = {0};
	struct ev ev = check_ev(c, facts, &t);
	size_t before = s->result.nfindings;
	struct each_tally tally = { s->judged, {0} };
	memcpy(tally.counts, s->counts, sizeof(tally.counts));
	each_element(c, c->rule->test, &ev, NULL, el, idx, NULL, &tally, &s->result);
	s->judged = tally.judged;
	memcpy(s->counts, tally.counts, sizeof(tally.counts));
	for (size_t i = before; i < s->result.nfindings; i++) {
		ALLOC_GROW(s->order, s->norder + 1, s->alloc_order);
		s->order[s->norder++] = idx;
		/* A check says the same of most elements: one copy of its field and expectation. */
		if (i) {
			struct finding *f = &s->result.findings[i], *prev = &s->result.findings[i - 1];
			share(&f->field, prev->field);
			share(&f->expected, prev->expected);
			share(&f->note, prev->note);
			if (!json_is_object(f->actual) && !json_is_array(f->actual))
				share(&f->actual, prev->actual);
		}
	}
	trace_release(&t);
}

static const size_t *sort_order;

static int by_element(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	if (sort_order[x] != sort_order[y])
		return sort_order[x] < sort_order[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

void engine_stream_end(struct engine_stream *s, json_t *facts, struct check_result *out)
{
	const struct check *c = s->check;
	const struct rule *r = c->rule;
	memset(out, 0, sizeof(*out));
	out->check = c;
	struct trace t = {0};
	struct ev ev = check_ev(c, facts, &t);
	if (r->applies && eval_applies(c, &ev, out)) {
		engine_stream_release(s);
		return;
	}
	/* The findings in the collection's order, whatever order the elements came in. */
	size_t n = s->result.nfindings, *perm = xcalloc(n ? n : 1, sizeof(*perm));
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	sort_order = s->order;
	qsort(perm, n, sizeof(*perm), by_element);
	sort_order = NULL;
	/* Applied in place, cycle by cycle: no second array of 10,000 findings. */
	for (size_t i = 0; i < n; i++) {
		if (perm[i] == i)
			continue;
		struct finding hold = s->result.findings[i];
		size_t k = i;
		while (perm[k] != i) {
			s->result.findings[k] = s->result.findings[perm[k]];
			size_t next = perm[k];
			perm[k] = k;
			k = next;
		}
		s->result.findings[k] = hold;
		perm[k] = k;
	}
	free(perm);
	out->findings = s->result.findings;
	out->nfindings = n;
	out->alloc = s->result.alloc;
	s->result.findings = NULL;
	s->result.nfindings = 0;
	s->result.alloc = 0;
	struct each_tally tally = { s->judged, {0} };
	memcpy(tally.counts, s->counts, sizeof(tally.counts));
	each_finish(c, r->test, &tally, out);
	if (r->manual)
		make_manual(r, out);
	engine_stream_release(s);
}

void engine_stream_release(struct engine_stream *s)
{
	check_result_release(&s->result);
	free(s->order);
	const struct check *c = s->check;
	engine_stream_init(s, c);
}

enum status engine_eval_expr(const struct expr *e, json_t *facts)
{
	struct trace t = {0};
	struct ev ev = { .facts = facts, .label = "host", .trace = &t };
	enum status s = expr_eval(e, &ev);
	trace_release(&t);
	return s;
}
