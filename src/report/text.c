#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "base/limits.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"


/*
 * Host-controlled text (a container named "\033]0;pwned\a"), and anything
 * in a report handed to diff or --baseline, must not reach a terminal as
 * control sequences: C0 and C1 controls, DEL and non-UTF-8 bytes are shown
 * as \xNN (jstr_terminal).
 */
static int add_clean(struct buf *b, const char *s)
{
	char *c = jstr_terminal(s);
	int r = buf_addstr(b, c);
	free(c);
	return r;
}

static int add_value(struct buf *b, const json_t *v)
{
	char *s = jstr_brief(v);
	int r = add_clean(b, s);
	free(s);
	return r;
}

struct style {
	const char *on, *off;
};

static struct style status_style(const char *st, int color)
{
	struct style s = { "", "" };
	if (!color)
		return s;
	s.off = "\033[0m";
	if (!strcmp(st, "PASS")) s.on = "\033[32m";
	else if (!strcmp(st, "FAIL")) s.on = "\033[1;31m";
	else if (!strcmp(st, "ERROR")) s.on = "\033[35m";
	else if (!strcmp(st, "WAIVED")) s.on = "\033[36m";
	else if (!strcmp(st, "MANUAL")) s.on = "\033[33m";
	else s.on = "\033[2m";
	return s;
}

/*
 * o[k] cleaned for a terminal, "" when it is not a string.  Every string
 * of the document this writer prints comes through here or add_clean; the
 * copies are kept until the writer ends (arena_release).
 */
static struct {
	char **v;
	size_t n, alloc;
} arena;

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	if (!s || !*s)
		return "";
	ALLOC_GROW(arena.v, arena.n + 1, arena.alloc);
	return arena.v[arena.n++] = jstr_terminal(s);
}

static void arena_release(void)
{
	for (size_t i = 0; i < arena.n; i++)
		free(arena.v[i]);
	free(arena.v);
	memset(&arena, 0, sizeof(arena));
}

static int add_counts(struct buf *b, const json_t *s)
{
	static const char *const names[] = { "PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED" };
	int r = 0;
	for (int i = 0; i < 6; i++) {
		json_int_t n = json_integer_value(json_object_get(s, names[i]));
		if (!n && i == 5)
			continue;
		r |= buf_addf(b, "%s%" JSON_INTEGER_FORMAT " %s", i ? ", " : "", n, names[i]);
	}
	return r;
}

static int add_score(struct buf *b, const json_t *s)
{
	json_t *sc = json_object_get(s, "score");
	if (json_is_number(sc))
		return buf_addf(b, "%.1f%%", json_number_value(sc));
	return buf_addstr(b, "n/a (nothing scorable)");
}

static int write_check(struct buf *b, const json_t *c, size_t index, const struct write_opts *o)
{
	const char *st = str(c, "status");
	struct style sty = status_style(st, o->color);
	int r = buf_addf(b, "%s%-6s%s %-7s ", sty.on, st, sty.off, str(c, "id"));
	r |= add_clean(b, str(c, "title"));
	r |= buf_addstr(b, "\n");
	const char *reason = str(c, "reason");
	int show_findings = o->verbose || !strcmp(st, "FAIL") || !strcmp(st, "ERROR");
	/* A failing check's findings say what its reason would. */
	json_t *findings = show_findings ? report_findings(c, index, o) : NULL;
	int has_findings = json_array_size(findings) > 0;
	if (*reason && strcmp(st, "PASS") && (strcmp(st, "MANUAL") || o->verbose) &&
	    !(show_findings && has_findings && strcmp(st, "ERROR"))) {
		r |= buf_addstr(b, "               ");
		r |= add_clean(b, reason);
		r |= buf_addstr(b, "\n");
	}
	const json_t *w = json_object_get(c, "waiver");
	if (w) {
		r |= buf_addstr(b, json_is_true(json_object_get(w, "expired")) ?
				"               waiver expired, not applied: " : "               waived: ");
		r |= add_clean(b, str(w, "reason"));
		r |= buf_addstr(b, " (owner ");
		r |= add_clean(b, str(w, "owner"));
		r |= buf_addf(b, ", expires %s)\n", str(w, "expires"));
	}
	if (!show_findings)
		return r;
	size_t i, shown = 0, skipped = 0;
	json_t *f;
	json_array_foreach(findings, i, f) {
		const char *fs = str(f, "status");
		if (!o->verbose && strcmp(fs, st)) {
			continue;
		}
		if (shown >= TEXT_FINDINGS_SHOWN) {
			skipped++;
			continue;
		}
		shown++;
		struct style fsty = status_style(fs, o->color);
		r |= buf_addf(b, "               %s%s%s ", fsty.on, fs, fsty.off);
		r |= add_clean(b, str(f, "target"));
		if (*str(f, "field")) {
			r |= buf_addstr(b, " ");
			r |= add_clean(b, str(f, "field"));
		}
		r |= buf_addstr(b, ": ");
		r |= add_value(b, json_object_get(f, "actual"));
		if (*str(f, "expected")) {
			r |= buf_addstr(b, " (expected ");
			r |= add_clean(b, str(f, "expected"));
			r |= buf_addstr(b, ")");
		}
		r |= buf_addstr(b, " [");
		r |= add_clean(b, str(f, "source"));
		r |= buf_addstr(b, "]");
		if (*str(f, "note") && strcmp(str(f, "note"), reason)) {
			r |= buf_addstr(b, " - ");
			r |= add_clean(b, str(f, "note"));
		}
		r |= buf_addstr(b, "\n");
	}
	if (skipped)
		r |= buf_addf(b, "               ... and %zu more (see the JSON report)\n", skipped);
	json_decref(findings);
	return r;
}

int report_write_text(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	int r = 0;
	const json_t *host = json_object_get(doc, "host");
	r |= buf_addf(out, "boxaudit %s: host ", str(json_object_get(doc, "tool"), "version"));
	r |= add_clean(out, *str(host, "hostname") ? str(host, "hostname") : "(unknown)");
	r |= buf_addstr(out, ", root ");
	r |= add_clean(out, str(host, "root"));
	r |= buf_addf(out, ", %s\n", str(doc, "collected_at"));
	size_t i, k;
	json_t *b, *c, *s;
	json_array_foreach(json_object_get(doc, "benchmarks"), i, b)
		r |= buf_addf(out, "benchmark: %s v%s (%s)\n", str(b, "title"), str(b, "version"), str(b, "id"));
	json_array_foreach(json_object_get(doc, "notes"), i, c) {
		r |= buf_addstr(out, "note: ");
		r |= add_clean(out, json_string_value(c));
		r |= buf_addstr(out, "\n");
	}
	json_array_foreach(json_object_get(json_object_get(doc, "summary"), "sections"), i, s) {
		r |= buf_addf(out, "\n== %s %s (%s) ==\n", str(s, "section"), str(s, "title"), str(s, "benchmark"));
		json_array_foreach(json_object_get(doc, "checks"), k, c) {
			if (strcmp(str(c, "benchmark"), str(s, "benchmark")) || strcmp(str(c, "section"), str(s, "section")))
				continue;
			r |= write_check(out, c, k, o);
		}
		const json_t *ss = json_object_get(s, "summary");
		r |= buf_addstr(out, "   section: ");
		r |= add_counts(out, ss);
		r |= buf_addstr(out, "; score ");
		r |= add_score(out, ss);
		r |= buf_addstr(out, "\n");
	}
	json_array_foreach(json_object_get(doc, "refused"), i, c) {
		r |= buf_addstr(out, "refused: ");
		r |= add_clean(out, str(c, "reason"));
		r |= buf_addstr(out, "\n");
	}
	const json_t *sum = json_object_get(doc, "summary");
	r |= buf_addstr(out, "\nSummary: ");
	r |= add_counts(out, sum);
	r |= buf_addstr(out, "\nScore: ");
	r |= add_score(out, sum);
	r |= buf_addf(out, " (%" JSON_INTEGER_FORMAT " scored; %s)\n",
		      json_integer_value(json_object_get(sum, "scored")), str(sum, "score_basis"));
	if (json_object_get(doc, "drift"))
		r |= drift_write_text(json_object_get(doc, "drift"), out);
	arena_release();
	if (r) {
		*err = xstrdup("the text report is larger than the output limit");
		return -1;
	}
	return 0;
}

/* ---- the drift document ---- */

static int items(struct buf *out, const json_t *list, int findings)
{
	size_t i, shown = 0, more = 0;
	json_t *it;
	int r = 0;
	json_array_foreach(list, i, it) {
		const char *ch = str(it, "change");
		if (!strcmp(ch, "unchanged"))
			continue;
		if (shown++ >= DRIFT_ITEMS_SHOWN) {
			more++;
			continue;
		}
		r |= buf_addf(out, "  %-9s %-7s ", !strcmp(ch, "new") ? "NEW" : "RESOLVED", str(it, "id"));
		if (findings) {
			r |= add_clean(out, str(it, "target"));
			r |= buf_addstr(out, " - ");
		}
		r |= add_clean(out, str(it, "title"));
		r |= buf_addf(out, " (%s -> %s)\n", str(it, "before"), str(it, "now"));
	}
	if (more)
		r |= buf_addf(out, "  ... and %zu more (see the JSON report)\n", more);
	return r;
}

int drift_write_text(const json_t *drift, struct buf *out)
{
	const json_t *b = json_object_get(drift, "baseline"), *s = json_object_get(drift, "summary");
	int r = buf_addstr(out, "\nDrift since the baseline (host ");
	r |= add_clean(out, str(b, "hostname"));
	r |= buf_addf(out, ", collected %s):\n", str(b, "collected_at"));
	r |= buf_addf(out, "  checks: %" JSON_INTEGER_FORMAT " newly failing, %" JSON_INTEGER_FORMAT
		      " resolved, %" JSON_INTEGER_FORMAT " still failing\n",
		      json_integer_value(json_object_get(s, "checks_new")),
		      json_integer_value(json_object_get(s, "checks_resolved")),
		      json_integer_value(json_object_get(s, "checks_unchanged")));
	r |= buf_addf(out, "  findings: %" JSON_INTEGER_FORMAT " new, %" JSON_INTEGER_FORMAT
		      " resolved, %" JSON_INTEGER_FORMAT " unchanged\n",
		      json_integer_value(json_object_get(s, "findings_new")),
		      json_integer_value(json_object_get(s, "findings_resolved")),
		      json_integer_value(json_object_get(s, "findings_unchanged")));
	const json_t *bs = json_object_get(b, "score"), *ns = json_object_get(json_object_get(drift, "current"), "score");
	if (json_is_number(bs) && json_is_number(ns))
		r |= buf_addf(out, "  score: %.1f%% -> %.1f%%\n", json_number_value(bs), json_number_value(ns));
	r |= items(out, json_object_get(drift, "checks"), 0);
	r |= items(out, json_object_get(drift, "findings"), 1);
	arena_release();
	return r ? -1 : 0;
}
