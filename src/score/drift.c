#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "score/drift.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"


json_t *drift_load(const char *path, char **err)
{
	struct buf b;
	buf_init(&b, DRIFT_MAX_BYTES);
	int bad = buf_read_file(&b, path);
	json_t *doc = NULL;
	json_error_t e;
	if (bad)
		*err = bad == -2 ? xasprintf("report '%s' is larger than %u bytes", path, DRIFT_MAX_BYTES) :
				   xasprintf("cannot open report '%s': %s", path, strerror(errno));
	else if (!(doc = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &e)))
		*err = xasprintf("%s:%d: %s", path, e.line, e.text);
	buf_release(&b);
	return doc;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int is_report(const json_t *doc)
{
	return json_is_object(doc) && !strcmp(str(doc, "schema"), "boxaudit-report/1") &&
	       json_is_array(json_object_get(doc, "checks"));
}

static char *key(const json_t *c, const char *target)
{
	return target ? xasprintf("%s\x1f%s\x1f%s", str(c, "benchmark"), str(c, "id"), target) :
			xasprintf("%s\x1f%s", str(c, "benchmark"), str(c, "id"));
}

/* Index a report: check key -> check, finding key -> "FAIL" or another status. */
static void index_report(const json_t *doc, const struct check_result *results, json_t *checks,
			 json_t *findings)
{
	size_t i, k;
	json_t *c, *f;
	json_array_foreach(json_object_get(doc, "checks"), i, c) {
		char *ck = key(c, NULL);
		json_object_set(checks, ck, c);
		free(ck);
		json_t *fs = results && !json_object_get(c, "findings") ? result_findings_json(&results[i]) :
			     json_incref(json_object_get(c, "findings"));
		json_array_foreach(fs, k, f) {
			char *fk = key(c, str(f, "target"));
			const char *st = str(f, "status");
			/* One failing finding for a target makes the target fail. */
			if (!json_object_get(findings, fk) || !strcmp(st, "FAIL"))
				json_object_set_new(findings, fk, json_pack("{s:s,s:O}", "status", st, "check", c));
			free(fk);
		}
		json_decref(fs);
	}
}

static const char *change(const char *before, const char *now)
{
	int b = !strcmp(before, "FAIL"), n = !strcmp(now, "FAIL");
	return n && !b ? "new" : b && !n ? "resolved" : b && n ? "unchanged" : NULL;
}

static void count(json_t *summary, const char *what, const char *ch)
{
	char *k = xasprintf("%s_%s", what, ch);
	json_object_set_new(summary, k, json_integer(json_integer_value(json_object_get(summary, k)) + 1));
	free(k);
}

static json_t *side(const json_t *doc)
{
	const json_t *host = json_object_get(doc, "host");
	json_t *score = json_object_get(json_object_get(doc, "summary"), "score");
	return json_pack("{s:O?,s:O?,s:O}", "hostname", json_object_get(host, "hostname"),
			 "collected_at", json_object_get(doc, "collected_at"),
			 "score", score ? score : json_null());
}

/* Compare the items of one kind (checks or findings) in both indexes. */
static void compare(json_t *drift, const char *what, json_t *before, json_t *now)
{
	json_t *out = json_object_get(drift, what), *summary = json_object_get(drift, "summary");
	int findings = !strcmp(what, "findings");
	for (int pass = 0; pass < 2; pass++) {
		json_t *a = pass ? before : now, *b = pass ? now : before;
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v) {
			json_t *other = json_object_get(b, k);
			if (pass && other)
				continue;	/* seen in the first pass */
			const json_t *c = findings ? json_object_get(v, "check") : v;
			const char *st = str(v, "status"), *ost = other ? str(other, "status") : "absent";
			const char *bst = pass ? st : ost, *nst = pass ? ost : st;
			const char *ch = change(bst, nst);
			if (!ch)
				continue;
			json_t *it = json_pack("{s:s,s:s,s:s,s:s}", "change", ch, "benchmark", str(c, "benchmark"),
					       "id", str(c, "id"), "title", str(c, "title"));
			if (findings) {
				const char *t = strrchr(k, '\x1f');
				json_object_set_new(it, "target", json_string(t ? t + 1 : ""));
			}
			json_object_set_new(it, "before", json_string(bst));
			json_object_set_new(it, "now", json_string(nst));
			json_array_append_new(out, it);
			count(summary, what, ch);
		}
	}
}

json_t *drift_compute(const json_t *baseline, const json_t *current, const struct check_result *results,
		      char **err)
{
	if (!is_report(baseline) || !is_report(current)) {
		*err = xstrdup(!is_report(baseline) ? "the baseline is not a boxaudit JSON report" :
						       "the report is not a boxaudit JSON report");
		return NULL;
	}
	json_t *bc = json_object(), *bf = json_object(), *nc = json_object(), *nf = json_object();
	index_report(baseline, NULL, bc, bf);
	index_report(current, results, nc, nf);
	json_t *summary = json_object();
	static const char *const names[] = { "checks", "findings" }, *const chs[] = { "new", "resolved", "unchanged" };
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 3; k++) {
			char *n = xasprintf("%s_%s", names[i], chs[k]);
			json_object_set_new(summary, n, json_integer(0));
			free(n);
		}
	json_t *d = json_pack("{s:o,s:o,s:o,s:[],s:[]}", "baseline", side(baseline), "current", side(current),
			      "summary", summary, "checks", "findings");
	compare(d, "checks", bc, nc);
	compare(d, "findings", bf, nf);
	json_object_set_new(summary, "regressions",
			    json_integer(json_integer_value(json_object_get(summary, "checks_new")) +
					 json_integer_value(json_object_get(summary, "findings_new"))));
	json_decref(bc);
	json_decref(bf);
	json_decref(nc);
	json_decref(nf);
	return d;
}

json_int_t drift_regressions(const json_t *drift)
{
	return json_integer_value(json_object_get(json_object_get(drift, "summary"), "regressions"));
}
