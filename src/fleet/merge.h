/*
 * merge: one fleet report from many host reports ("boxaudit merge").
 *
 * Inputs are JSON reports (reports/boxaudit-report.schema.json), files or
 * directories of them (*.json, *.jsonl, *.ndjson, *.log; not recursive).
 * A file named *.jsonl, *.ndjson or *.log, and "-" (standard input), holds
 * one report per line, as the DaemonSet prints them (kubectl logs).
 *
 * Reports are read one at a time: each is parsed, reduced to a host summary
 * (scores per section, the checks that failed) and freed, so memory grows
 * with the summary, not with the reports.  A file that is not JSON or not a
 * boxaudit report is listed under "skipped" (and warned about on stderr)
 * and the rest is merged.  Two reports of one hostname keep the newer.
 *
 * The fleet document ("boxaudit-fleet/1", docs/FLEET.md) has hosts (sorted
 * by hostname, each with an "anchor"), sections (the matrix columns),
 * worst_checks, stale, missing, unexpected, duplicates and skipped.
 */
#ifndef BOXAUDIT_MERGE_H
#define BOXAUDIT_MERGE_H

#include <jansson.h>
#include <time.h>
#include "base/limits.h"
#include "base/buf.h"
#include "report/report.h"


struct merge_opts {
	double stale_after_hours;	/* > 0: hosts whose report is older are stale */
	const char *expect_hosts;	/* file of expected hostnames (one a line, # comments), or NULL */
	time_t now;			/* reference time for staleness; 0: time(NULL) */
	int quiet;			/* no warnings on stderr */
};

/*
 * Merge the reports in paths (files, directories or "-"; host reports and
 * fleet reports alike).  Returns a new fleet document, or NULL with *err
 * (the caller frees) when the expected hosts file cannot be read.  A fleet
 * with no host merged is still returned: the caller decides
 * (summary.hosts == 0).
 *
 * The document's "hosts" and "worst_checks" are empty placeholders: they
 * stay in *apart, compact (struct fleet, a few KB a host), and the writers
 * render them one at a time when write_opts.fleet is *apart.  The caller
 * frees *apart with fleet_free() after the writers ran.
 */
json_t *merge_reports(char *const *paths, size_t npaths, const struct merge_opts *o, struct fleet **apart,
		      char **err);
void fleet_free(struct fleet *f);

/*
 * The document's hosts and worst checks, from o->fleet when it is set,
 * else from the document's own arrays: how many, and the i-th (new
 * reference).
 */
size_t fleet_nhosts(const json_t *doc, const struct write_opts *o);
json_t *fleet_host_at(const json_t *doc, const struct write_opts *o, size_t i);
size_t fleet_nworst(const json_t *doc, const struct write_opts *o);
json_t *fleet_worst_at(const json_t *doc, const struct write_opts *o, size_t i);
/* Every failing check's {title, section} by "benchmark\nid" (new reference). */
json_t *fleet_check_titles(const json_t *doc, const struct write_opts *o);

/* Writers of the fleet document: json, text and html. */
extern const struct writer fleet_writers[];
writer_fn fleet_write_json, fleet_write_text, fleet_write_html;

#endif
