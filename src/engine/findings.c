#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "engine/internal.h"
#include "base/jstr.h"
#include "parse/redact.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct finding *result_add_finding(struct check_result *r)
{
	ALLOC_GROW(r->findings, r->nfindings + 1, r->alloc);
	struct finding *f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	return f;
}

static void finding_release(struct finding *f)
{
	json_decref(f->target);
	json_decref(f->field);
	json_decref(f->actual);
	json_decref(f->expected);
	json_decref(f->source);
	json_decref(f->source_base);
	json_decref(f->note);
}

void check_result_release(struct check_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		finding_release(&r->findings[i]);
	free(r->findings);
	free(r->reason);
	json_decref(r->waiver);
	memset(r, 0, sizeof(*r));
}

void result_copy(const struct check_result *src, struct check_result *dst)
{
	*dst = *src;
	dst->reason = src->reason ? xstrdup(src->reason) : NULL;
	dst->waiver = json_incref(src->waiver);
	dst->findings = xcalloc(src->nfindings ? src->nfindings : 1, sizeof(*dst->findings));
	dst->alloc = src->nfindings ? src->nfindings : 1;
	for (size_t i = 0; i < src->nfindings; i++) {
		const struct finding *f = &src->findings[i];
		struct finding *g = &dst->findings[i];
		*g = *f;
		json_incref(g->target);
		json_incref(g->field);
		json_incref(g->actual);
		json_incref(g->expected);
		json_incref(g->source);
		json_incref(g->source_base);
		json_incref(g->note);
	}
}

json_t *finding_take(char *s)
{
	if (!s)
		return NULL;
	json_t *j = jstr(s);
	free(s);
	return j;
}

json_t *finding_str(const char *s)
{
	return s ? jstr(s) : NULL;
}

char *finding_source(const struct finding *f)
{
	if (f->source_base)
		return xasprintf("%s%s%s", json_string_value(f->source_base),
				 strchr(json_string_value(f->source_base), '#') ? "." : "#",
				 json_string_value(f->field));
	return f->source ? xstrdup(json_string_value(f->source)) : NULL;
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

/*
 * The target and field a fact leaf's finding shows.  A label that already
 * names the field ("kubelet:readOnlyPort") needs no repeat.  A label that
 * names one setting of a component ("kubelet:tlsCipherSuites") is not the
 * name of the component's other facts: another setting is shown as
 * "kubelet:serverTLSBootstrap", any other fact as the component's field
 * ("kubelet" "present"), never under the checked setting's name.
 */
static void finding_name(struct finding *f, const struct trace_entry *t)
{
	char *field = field_name(t->subject);
	/* X.source, the origin of setting X: shown as X's "origin" */
	size_t ls = strlen(t->subject);
	if (!strcmp(field, "source") && ls > 7 && !strcmp(t->subject + ls - 7, ".source")) {
		char *setting = xstrndup(t->subject, ls - 7);
		free(field);
		field = field_name(setting);
		free(setting);
		const char *label = t->target;
		size_t lt = strlen(label), lf = strlen(field);
		if (lt >= lf && !strcmp(label + lt - lf, field) && (lt == lf || strchr(":.- ", label[lt - lf - 1]))) {
			f->target = finding_str(label);
			f->field = finding_str("origin");
			free(field);
			return;
		}
		char *named = xasprintf("%s origin", field);
		free(field);
		field = named;
	}
	const char *label = t->target;
	size_t lt = strlen(label), lf = strlen(field);
	const char *colon = strchr(label, ':');
	int names_it = lt >= lf && !strcmp(label + lt - lf, field) &&
		       (lt == lf || strchr(":.- ", label[lt - lf - 1]));
	if (names_it || !colon || strchr(label, ' ')) {
		f->target = finding_str(label);
		if (names_it)
			free(field);
		else
			f->field = finding_take(field);
		return;
	}
	if (t->setting) {
		f->target = finding_take(xasprintf("%.*s:%s", (int)(colon - label), label, field));
		free(field);
	} else {
		f->target = finding_take(xstrndup(label, (size_t)(colon - label)));
		f->field = finding_take(field);
	}
}

void findings_from_entry(struct check_result *r, const struct trace_entry *t)
{
	struct finding *f = result_add_finding(r);
	if (t->is_fact && strcmp(t->subject, "@") && t->target)
		finding_name(f, t);
	else
		f->target = finding_str(t->target);
	f->status = trace_shown(t);
	f->item = t->is_fact && !strcmp(t->subject, "@");
	f->actual = json_incref(t->actual);
	f->expected = t->expected ? finding_take(t->negated ? xasprintf("not (%s)", t->expected) : xstrdup(t->expected)) : NULL;
	f->source = finding_str(t->source);
	f->note = finding_str(t->note);
}

/* One finding for an element, from the leaves evaluated over it. */
void findings_for_element(struct check_result *r, json_t *name, const char *elem_source, json_t *elem_source_ref,
			  enum status s, const struct trace *t)
{
	struct finding *f = result_add_finding(r);
	f->target = json_incref(name);
	f->status = s;
	char *note = NULL;
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
		if (e->note && !note)
			note = xstrdup(e->note);
	}
	f->note = finding_take(note);
	/* One leaf, or one leaf over several items (its values as a list), is shown by itself. */
	int single = json_object_size(actual) == 1 && (used == 1 || json_object_size(multi) > 0);
	json_decref(multi);
	if (single) {
		const char *k;
		json_t *v;
		json_object_foreach(actual, k, v) {
			f->actual = json_incref(v);
			if (strcmp(k, "@"))
				f->field = jstr(k);
			/* One leaf: its expectation needs no subject prefix. */
			const char *colon = expected ? strstr(expected, ": ") : NULL;
			if (colon) {
				char *ex = xstrdup(colon + 2);
				free(expected);
				expected = ex;
			}
		}
		json_decref(actual);
	} else {
		f->actual = actual;
	}
	f->expected = finding_take(expected);
	/*
	 * The common source, the element's own and the field's path, is kept
	 * as the element's (shared by every check's finding for it): 10,000
	 * containers do not hold 30 copies of their source each.
	 */
	size_t bl = elem_source ? strlen(elem_source) : 0;
	const char *fieldv = json_string_value(f->field);
	if (elem_source_ref && source && fieldv && !strncmp(source, elem_source, bl) &&
	    source[bl] == (strchr(elem_source, '#') ? '.' : '#') && !strcmp(source + bl + 1, fieldv) &&
	    !strcmp(json_string_value(elem_source_ref), elem_source)) {
		f->source_base = json_incref(elem_source_ref);
		free(source);
	} else {
		f->source = finding_take(source);
	}
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

/*
 * Where a value came from, said in words for a reason line: "set in FILE",
 * "set by --flag", "left at the default (config mode)".  The finding keeps
 * the source as written (config:FILE, argv:--flag, default(config-mode));
 * a source that names only the target itself (stat of the file judged) says
 * nothing more and gives NULL; any other is quoted as it is.
 */
static char *source_words(const char *src, const char *target)
{
	static const struct { const char *prefix, *words; } kinds[] = {
		{"config:", "set in "}, {"dropin:", "set in the drop-in "}, {"argv:", "set by "},
		{"binary:", "read from the binary "}, {"unit:", "set in the unit "},
		{"manifest:", "set in the manifest "},
	};
	if (!src)
		return xstrdup("no source");
	if (!strncmp(src, "stat:", 5) && target && !strcmp(src + 5, target))
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t pl = strlen(kinds[i].prefix);
		if (strncmp(src, kinds[i].prefix, pl) || !src[pl] || strchr(src, ','))
			continue;
		/* "manifest:FILE#--flag": the flag, in that file; "unit:FILE#env": that part of it. */
		const char *hash = strchr(src + pl, '#');
		if (!hash || !hash[1])
			return xasprintf("%s%s", kinds[i].words, src + pl);
		if (!strncmp(hash + 1, "--", 2) && !strncmp(kinds[i].words, "set in ", 7))
			/* The flag last: "--token-auth-file in ..." would read as the flag's value to the redaction. */
			return xasprintf("%s%.*s by the flag %s", kinds[i].words, (int)(hash - src - pl), src + pl, hash + 1);
		return xasprintf("%s%.*s (%s)", kinds[i].words, (int)(hash - src - pl), src + pl, hash + 1);
	}
	if (!strcmp(src, "default"))
		return xstrdup("left at the default");
	if (!strcmp(src, "default(feature-gate)"))
		return xstrdup("left at the feature gate's default");
	size_t n = strlen(src);
	if (!strncmp(src, "default(", 8) && n > 9 && src[n - 1] == ')') {
		char *what = xstrndup(src + 8, n - 9);
		/* "config-mode" reads "config mode" */
		size_t w = strlen(what);
		if (w > 5 && !strcmp(what + w - 5, "-mode"))
			what[w - 5] = ' ';
		char *s = xasprintf("left at the default (%s)", what);
		free(what);
		return s;
	}
	return xasprintf("source %s", src);
}

/* A value as a reason line says it: null is "not set", "" is "empty". */
static char *value_words(const json_t *v)
{
	if (!v || json_is_null(v))
		return xstrdup("not set");
	if (json_is_string(v) && !json_string_length(v))
		return xstrdup("empty");
	return ops_value_text(v);
}

/* The reason line of a non-iterating check, from its findings. */
char *findings_summary(const struct check_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		if (f->status != r->status)
			continue;
		const char *target = json_string_value(f->target);
		const char *field = f->field ? json_string_value(f->field) : NULL;
		if (f->note && f->status == ST_ERROR)
			return xasprintf("%s%s%s could not be judged: %s", target ? target : "the value", field ? " " : "",
					 field ? field : "", json_string_value(f->note));
		if (f->note)
			return xstrdup(json_string_value(f->note));
		/* The first of several findings alike (items of a list, files) is named, the rest counted. */
		size_t alike = 0, others = 0;
		for (size_t k = i + 1; k < r->nfindings; k++) {
			if (r->findings[k].status != f->status)
				continue;
			if (r->findings[k].item == f->item && json_equal(r->findings[k].expected, f->expected) &&
			    !r->findings[k].note)
				alike++;
			else
				others++;
		}
		/* A failure that others share (4.2.9: no certificate file, and no bootstrapping either) says so. */
		if (f->status != ST_FAIL && f->status != ST_ERROR)
			others = 0;
		char *a = value_words(f->actual);
		char *src = finding_source(f);
		char *where = source_words(src, target);
		char *more;
		if (alike && others)
			more = xasprintf("; and %zu more like it, %zu other finding%s", alike, others, others > 1 ? "s" : "");
		else if (alike)
			more = xasprintf("; and %zu more like it", alike);
		else if (others)
			more = xasprintf("; and %zu other finding%s", others, others > 1 ? "s" : "");
		else
			more = xstrdup("");
		char *s = xasprintf("%s%s%s %s %s, expected %s%s%s%s", target ? target : "the value", field ? " " : "",
				    field ? field : "", f->item ? "includes" : "is", a,
				    f->expected ? json_string_value(f->expected) : "?", where ? "; " : "", where ? where : "", more);
		free(more);
		free(where);
		free(src);
		free(a);
		return s;
	}
	return NULL;
}

/*
 * What a finding quotes from the host (its value, target, source and note)
 * went through the facts' redaction already; this is the last place a
 * secret could land (a note quoting a line, a key in a source), so it is
 * redacted once more.  What comes from the definitions (expected, field)
 * is the operator's own text.
 */
static void redact_string(json_t **s)
{
	if (!*s)
		return;
	const char *v = json_string_value(*s);
	char *r = redact_text(v);
	if (strcmp(r, v)) {
		json_decref(*s);
		*s = jstr(r);
	}
	free(r);
}

void result_redact(struct check_result *r)
{
	if (r->reason) {
		char *x = redact_text(r->reason);
		free(r->reason);
		r->reason = x;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		struct finding *f = &r->findings[i];
		redact_string(&f->target);
		redact_string(&f->source);
		redact_string(&f->source_base);
		redact_string(&f->note);
		if (json_is_object(f->actual) || json_is_array(f->actual) || json_is_string(f->actual)) {
			/* Through a holder: a bare string is replaced, not edited. */
			json_t *hold = json_pack("{s:O}", "v", f->actual);
			redact_tree(hold);
			json_decref(f->actual);
			f->actual = json_incref(json_object_get(hold, "v"));
			json_decref(hold);
		}
	}
}

/* A finding as the report shows it. */
static json_t *finding_json(const struct finding *f)
{
	json_t *o = json_object();
	json_object_set(o, "target", f->target ? f->target : json_null());
	if (f->field)
		json_object_set(o, "field", f->field);
	json_object_set_new(o, "status", json_string(status_name(f->status)));
	json_object_set(o, "actual", f->actual ? f->actual : json_null());
	json_object_set(o, "expected", f->expected ? f->expected : json_null());
	json_t *src = finding_take(finding_source(f));
	json_object_set_new(o, "source", src ? src : json_null());
	if (f->note)
		json_object_set(o, "note", f->note);
	return o;
}

json_t *result_findings_json(const struct check_result *r)
{
	json_t *fs = json_array();
	for (size_t i = 0; i < r->nfindings; i++)
		json_array_append_new(fs, finding_json(&r->findings[i]));
	return fs;
}
