#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "engine/internal.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct finding *result_add_finding(struct check_result *r)
{
	ALLOC_GROW(r->findings, r->nfindings + 1, r->alloc);
	struct finding *f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	return f;
}

void check_result_release(struct check_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		struct finding *f = &r->findings[i];
		free(f->target);
		free(f->field);
		json_decref(f->actual);
		free(f->expected);
		free(f->source);
		free(f->note);
	}
	free(r->findings);
	free(r->reason);
	json_decref(r->waiver);
	memset(r, 0, sizeof(*r));
}

/*
 * How a reader names the value a fact leaf judged: the last segment of an
 * absolute path ("docker.daemon.settings.icc" -> "icc",
 * 'kubernetes.kubelet.settings["readOnlyPort"]' -> "readOnlyPort").
 */
static char *field_name(const char *subject)
{
	const char *p = strncmp(subject, "$.", 2) ? subject : subject + 2;
	const char *last = p;
	int depth = 0;
	for (const char *q = p; *q; q++) {
		if (*q == '[') {
			if (!depth)
				last = q;
			depth++;
		} else if (*q == ']' && depth) {
			depth--;
		} else if (*q == '.' && !depth) {
			last = q + 1;
		}
	}
	if (*last == '[') {
		last++;
		size_t n = strcspn(last, "]");
		if (n >= 2 && (last[0] == '"' || last[0] == '\'') && last[n - 1] == last[0])
			return xstrndup(last + 1, n - 2);
		return xstrndup(last, n);
	}
	return xstrdup(last);
}

void findings_from_entry(struct check_result *r, const struct trace_entry *t)
{
	struct finding *f = result_add_finding(r);
	f->target = xstrdup(t->target);
	if (t->is_fact && strcmp(t->subject, "@")) {
		f->field = field_name(t->subject);
		/* A label that already names it ("kubelet:readOnlyPort") needs no repeat. */
		size_t lt = strlen(f->target), lf = strlen(f->field);
		if (lt >= lf && !strcmp(f->target + lt - lf, f->field)) {
			free(f->field);
			f->field = NULL;
		}
	}
	f->status = trace_shown(t);
	f->actual = json_incref(t->actual);
	f->expected = t->expected ? (t->negated ? xasprintf("not (%s)", t->expected) : xstrdup(t->expected)) : NULL;
	f->source = t->source ? xstrdup(t->source) : NULL;
	f->note = t->note ? xstrdup(t->note) : NULL;
}

/* One finding for an element, from the leaves evaluated over it. */
void findings_for_element(struct check_result *r, const char *name, enum status s,
			  const struct trace *t)
{
	struct finding *f = result_add_finding(r);
	f->target = xstrdup(name);
	f->status = s;
	json_t *actual = json_object();
	json_t *multi = json_object();	/* subjects judged more than once (items of a nested each) */
	char *expected = NULL, *source = NULL;
	size_t used = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_entry *e = &t->v[i];
		/* A failing element shows what failed; others show everything judged. */
		if ((s == ST_FAIL || s == ST_ERROR) && trace_shown(e) != s)
			continue;
		used++;
		json_t *v = e->actual ? e->actual : json_null();
		json_t *had = json_object_get(actual, e->subject);
		if (!had) {
			json_object_set(actual, e->subject, v);
		} else if (json_object_get(multi, e->subject) || !json_equal(had, v)) {
			/* The same leaf over several items: every value is evidence, not only the last. */
			if (!json_object_get(multi, e->subject)) {
				json_object_set_new(actual, e->subject, json_pack("[O]", had));
				json_object_set_new(multi, e->subject, json_true());
			}
			json_array_append(json_object_get(actual, e->subject), v);
		}
		char *ex = e->expected ? (e->negated ? xasprintf("not (%s)", e->expected) : xstrdup(e->expected)) : NULL;
		char *piece = ex ? xasprintf("%s: %s", e->subject, ex) : NULL;
		if (piece && (!expected || !strstr(expected, piece))) {
			char *joined = expected ? xasprintf("%s; %s", expected, piece) : xstrdup(piece);
			free(expected);
			expected = joined;
		}
		free(piece);
		free(ex);
		if (e->source && (!source || !strstr(source, e->source))) {
			char *joined = source ? xasprintf("%s, %s", source, e->source) : xstrdup(e->source);
			free(source);
			source = joined;
		}
		if (e->note && !f->note)
			f->note = xstrdup(e->note);
	}
	/* One leaf, or one leaf over several items (its values as a list), is shown by itself. */
	int single = json_object_size(actual) == 1 && (used == 1 || json_object_size(multi) > 0);
	json_decref(multi);
	if (single) {
		const char *k;
		json_t *v;
		json_object_foreach(actual, k, v) {
			f->actual = json_incref(v);
			if (strcmp(k, "@"))
				f->field = xstrdup(k);
			/* One leaf: its expectation needs no subject prefix. */
			const char *colon = expected ? strstr(expected, ": ") : NULL;
			if (colon) {
				char *ex = xstrdup(colon + 2);
				free(expected);
				expected = ex;
			}
			char *tgt = f->target;
			(void)tgt;
			json_t *keep = json_object();
			json_object_set(keep, k, v);
			json_decref(keep);
		}
		json_decref(actual);
	} else {
		f->actual = actual;
	}
	f->expected = expected;
	f->source = source;
}

const char *findings_noun(enum target_kind t)
{
	switch (t) {
	case TARGET_CONTAINER: return "containers";
	case TARGET_IMAGE: return "images";
	case TARGET_FILE: return "files";
	default: return "items";
	}
}

/* The reason line of a non-iterating check, from its findings. */
char *findings_summary(const struct check_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		if (f->status != r->status)
			continue;
		if (f->note)
			return xstrdup(f->note);
		char *a = ops_value_text(f->actual);
		char *s = xasprintf("%s%s%s is %s, expected %s (%s)", f->target, f->field ? " " : "",
				    f->field ? f->field : "", a, f->expected ? f->expected : "?",
				    f->source ? f->source : "no source");
		free(a);
		return s;
	}
	return NULL;
}
