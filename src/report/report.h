/*
 * report: the report document every writer renders.
 *
 * report_build turns results into one JSON document (reports/
 * boxaudit-report.schema.json); writers only render it, so text, JSON,
 * HTML and JUnit always show the same numbers.  A writer appends its
 * output to a buf (capped by the caller) and returns 0, or -1 with *err.
 *
 * Stage report (HACKING.md): writers render the document and compute
 * nothing; scores come from score/.
 */
#ifndef BOXAUDIT_REPORT_H
#define BOXAUDIT_REPORT_H

#include <jansson.h>
#include "base/buf.h"
#include "engine/result.h"
#include "score/score.h"

struct fleet;	/* fleet/merge.h: opaque here */

struct report_input {
	json_t *facts;			/* borrowed: meta is read from it */
	struct benchmark *const *benches;
	size_t nbenches;
	struct check_result *results;	/* in report order; released by report_build */
	size_t nresults;
	const struct score_opts *score;
	json_t *notes;			/* borrowed array of strings, or NULL */
	/* What the audit was asked for, recorded in "selection"; may all be 0/NULL. */
	const struct check_selection *select;
	const char *started_at, *finished_at;	/* "YYYY-MM-DDTHH:MM:SSZ", or NULL */
	const char *root_path;		/* the audited root as an absolute path, or NULL */
	json_t *context;		/* borrowed {NAME: fact} (the platforms' context), or NULL */
	/*
	 * 0: the findings go into the document and the results are released.
	 * 1: the document leaves them out and the results stay the caller's,
	 * for writers to render one check at a time (write_opts.results).
	 */
	int findings_apart;
};

/*
 * A new report document; in->facts needs only "meta" and "refused".
 * Unless in->findings_apart, the results are released as they are turned
 * into the document.
 */
json_t *report_build(const struct report_input *in);

/* How a writer renders: options that do not change the document. */
struct write_opts {
	int color;	/* ANSI colours (text) */
	int verbose;	/* findings of passing checks too (text) */
	/*
	 * The results of a document built with findings_apart, in the order of
	 * its checks; NULL for a document that holds its findings.
	 */
	const struct check_result *results;
	/* A fleet document's hosts and worst checks, kept apart (fleet/merge.h); NULL otherwise. */
	const struct fleet *fleet;
};

/*
 * The findings of check c, the i-th of the document's "checks": its own
 * "findings", or those of o->results[i] (new reference; an empty array
 * when there are none).
 */
json_t *report_findings(const json_t *c, size_t i, const struct write_opts *o);
/*
 * The order to show check c's findings fs in, as indexes into order (room
 * for all of them): for a failing or erroring check, the findings with its
 * status first, so that a display cut short still shows why.
 */
void report_findings_order(const json_t *c, const json_t *fs, size_t *order);
/* Check c with its findings (new reference): c itself when it holds them, else a copy with them. */
json_t *report_check(const json_t *c, size_t i, const struct write_opts *o);

/*
 * A document dumped as jansson's JSON_INDENT(2) (pretty) or compact dump
 * would write it, byte for byte, except that the arrays named in lazy are
 * written element by element by their dump function (n elements; an
 * element at the nesting of a top-level array's member): a large array
 * never exists in memory.  0, or -1 when out is full.
 */
struct report_lazy {
	const char *key;
	size_t n;
	int (*dump)(struct buf *out, size_t i, size_t flags, int pretty, const void *arg);
	const void *arg;
};
int report_dump_lazy(const json_t *doc, const struct report_lazy *lazy, size_t nlazy, struct buf *out,
		     int pretty);
/* Element v of a lazy array, with flags as given to the dump function. */
int report_dump_element(const json_t *v, struct buf *out, size_t flags, int pretty);

/* A writer appends doc rendered to out; 0, or -1 with *err (the caller frees). */
typedef int writer_fn(const json_t *doc, const struct write_opts *o, struct buf *out, char **err);

struct writer {
	const char *name;		/* as --format and -o FORMAT:FILE take it */
	const char *const *extensions;	/* file name endings that choose it, NULL-terminated */
	writer_fn *write;
};

/*
 * The report writers: text, json, jsonl (the JSON report on one line, for
 * log pipelines and the Kubernetes DaemonSet), html, junit, xccdf (XCCDF
 * 1.2), arf (ARF 1.1) and sarif (SARIF 2.1.0).
 */
extern const struct writer report_writers[];
/* The writer of table (ended by a NULL name) named name, or NULL. */
const struct writer *writer_find(const struct writer *table, const char *name);
/* The writer of table whose extensions end path, or NULL. */
const struct writer *writer_for_path(const struct writer *table, const char *path);

/* A file to write (-o): a format name and a path ("-" for standard output). */
struct report_output {
	const char *format;
	const char *path;
};

writer_fn report_write_text, report_write_json, report_write_jsonl, report_write_html,
	report_write_junit, report_write_xccdf, report_write_arf, report_write_sarif;

/* The drift document (score/drift.h) as text: the diff command and the text report. */
int drift_write_text(const json_t *drift, struct buf *out);

#endif
