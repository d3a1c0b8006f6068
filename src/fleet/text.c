/*
 * fleet/text.c: the fleet document as JSON and as text.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "fleet/merge.h"
#include "fleet/internal.h"
#include "report/xml.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct lazy_arg {
	const json_t *doc;
	const struct write_opts *o;
	json_t *(*at)(const json_t *doc, const struct write_opts *o, size_t i);
};

static int dump_at(struct buf *out, size_t i, size_t flags, int pretty, const void *arg)
{
	const struct lazy_arg *a = arg;
	json_t *v = a->at(a->doc, a->o, i);
	int r = report_dump_element(v, out, flags, pretty);
	json_decref(v);
	return r;
}

/* The document with its hosts and worst checks written one at a time. */
int fleet_write_json(const json_t *fleet, const struct write_opts *o, struct buf *out, char **err)
{
	struct lazy_arg hosts = { fleet, o, fleet_host_at }, worst = { fleet, o, fleet_worst_at };
	const struct report_lazy lazy[] = {
		{ "hosts", fleet_nhosts(fleet, o), dump_at, &hosts },
		{ "worst_checks", fleet_nworst(fleet, o), dump_at, &worst },
	};
	if (report_dump_lazy(fleet, lazy, 2, out, 1) < 0 || buf_addstr(out, "\n") < 0) {
		*err = xstrdup("the fleet report is larger than the output limit");
		return -1;
	}
	return 0;
}

static void score_str(const json_t *v, char *s, size_t n)
{
	if (json_is_number(v))
		snprintf(s, n, "%.1f%%", json_number_value(v));
	else
		snprintf(s, n, "n/a");
}

int fleet_write_text(const json_t *fleet, const struct write_opts *o, struct buf *out, char **err)
{
	const json_t *sum = json_object_get(fleet, "summary"), *score = json_object_get(sum, "score");
	char mean[32], lo[32];
	score_str(json_object_get(score, "mean"), mean, sizeof(mean));
	score_str(json_object_get(score, "min"), lo, sizeof(lo));
	int r = buf_addf(out, "boxaudit fleet: %lld hosts (%lld failing), %lld skipped, %lld stale",
			 (long long)fleet_ival(sum, "hosts"), (long long)fleet_ival(sum, "hosts_failing"),
			 (long long)fleet_ival(sum, "skipped"), (long long)fleet_ival(sum, "stale"));
	if (r == 0 && json_is_integer(json_object_get(sum, "missing")))
		r = buf_addf(out, ", %lld missing", (long long)fleet_ival(sum, "missing"));
	if (r == 0)
		r = buf_addf(out, "; mean score %s (lowest %s)\n\n%-32s %7s %5s %5s %8s\n", mean, lo,
			     "HOST", "SCORE", "FAIL", "ERROR", "AGE(h)");
	size_t i, count = fleet_nhosts(fleet, o);
	json_t *h;
	for (i = 0; i < count; i++) {
		h = fleet_host_at(fleet, o, i);
		const json_t *hs = json_object_get(h, "summary"), *age = json_object_get(h, "age_hours");
		char sc[32], ag[32];
		score_str(json_object_get(hs, "score"), sc, sizeof(sc));
		if (json_is_number(age))
			snprintf(ag, sizeof(ag), "%.1f", json_number_value(age));
		else
			snprintf(ag, sizeof(ag), "?");
		char *name = jstr_terminal(fleet_str(h, "hostname"));
		if (r == 0)
			r = buf_addf(out, "%-32s %7s %5lld %5lld %8s%s%s\n", name, sc, (long long)fleet_ival(hs, "FAIL"),
				     (long long)fleet_ival(hs, "ERROR"), ag, json_is_true(json_object_get(h, "stale")) ? "  STALE" : "",
				     json_is_true(json_object_get(h, "future")) ? " (FROM THE FUTURE)" : "");
		free(name);
		json_decref(h);
	}
	count = fleet_nworst(fleet, o);
	if (r == 0 && count)
		r = buf_addstr(out, "\nWorst checks (hosts failing):\n");
	for (i = 0; i < count && i < 20; i++) {
		h = fleet_worst_at(fleet, o, i);
		char *t = jstr_terminal(fleet_str(h, "title"));
		char *id = jstr_terminal(fleet_str(h, "id"));
		if (r == 0)
			r = buf_addf(out, "  %5lld  %-8s %s\n", (long long)(fleet_ival(h, "failing_hosts") + fleet_ival(h, "error_hosts")),
				     id, t);
		free(t);
		free(id);
		json_decref(h);
	}
	static const char *const lists[] = { "missing", "unexpected" };
	for (size_t l = 0; l < 2; l++) {
		const json_t *a = json_object_get(fleet, lists[l]);
		if (r == 0 && json_array_size(a))
			r = buf_addf(out, "\n%s hosts:\n", l == 0 ? "Missing" : "Unexpected");
		json_array_foreach(a, i, h) {
			char *n = jstr_terminal(json_string_value(h));
			if (r == 0)
				r = buf_addf(out, "  %s\n", n);
			free(n);
		}
	}
	const json_t *dup = json_object_get(fleet, "duplicates");
	if (r == 0 && json_array_size(dup))
		r = buf_addstr(out, "\nConflicting reports (two reports claim one host):\n");
	json_array_foreach(dup, i, h) {
		const json_t *r0 = json_array_get(json_object_get(h, "reports"), 0);
		const json_t *r1 = json_array_get(json_object_get(h, "reports"), 1);
		char *n = jstr_terminal(fleet_str(h, "hostname"));
		char *s0 = jstr_terminal(fleet_str(r0, "source")), *t0 = jstr_terminal(fleet_str(r0, "collected_at"));
		char *s1 = jstr_terminal(fleet_str(r1, "source")), *t1 = jstr_terminal(fleet_str(r1, "collected_at"));
		if (r == 0)
			r = buf_addf(out, "  %s: kept %s (%s%s); also %s (%s%s)\n", n, s0, t0,
				     json_is_true(json_object_get(r0, "future")) ? ", in the future" : "", s1, t1,
				     json_is_true(json_object_get(r1, "future")) ? ", in the future" : "");
		free(n);
		free(s0);
		free(t0);
		free(s1);
		free(t1);
	}
	const json_t *sk = json_object_get(fleet, "skipped");
	if (r == 0 && json_array_size(sk))
		r = buf_addstr(out, "\nSkipped inputs:\n");
	json_array_foreach(sk, i, h) {
		char *s = jstr_terminal(fleet_str(h, "source")), *why = jstr_terminal(fleet_str(h, "reason"));
		if (r == 0)
			r = buf_addf(out, "  %s: %s\n", s, why);
		free(s);
		free(why);
	}
	if (r < 0) {
		*err = xstrdup("the fleet report is larger than the output limit");
		return -1;
	}
	return 0;
}


static const char *const no_ext[] = { NULL };
const struct writer fleet_writers[] = {
	{ "text", no_ext, fleet_write_text },
	{ "json", no_ext, fleet_write_json },
	{ "html", no_ext, fleet_write_html },
	{ NULL, NULL, NULL },
};
