/*
 * report: the report document every writer renders.
 *
 * report_build turns results into one JSON document (reports/
 * boxaudit-report.schema.json); writers only render it, so text, JSON,
 * HTML and JUnit always show the same numbers.  A writer appends its
 * output to a buf (capped by the caller) and returns 0, or -1 with *err.
 */
#ifndef BOXAUDIT_REPORT_H
#define BOXAUDIT_REPORT_H

#include <jansson.h>
#include "base/buf.h"
#include "engine/result.h"
#include "score/score.h"

struct report_input {
	json_t *facts;			/* borrowed: meta is read from it */
	struct benchmark *const *benches;
	size_t nbenches;
	struct check_result *results;	/* in report order; released by report_build */
	size_t nresults;
	const struct score_opts *score;
	json_t *notes;			/* borrowed array of strings, or NULL */
};

/*
 * A new report document.  The results are released as they are turned
 * into the document (a large audit holds only one copy of its findings);
 * in->facts needs only "meta" and "refused".
 */
json_t *report_build(const struct report_input *in);

/* FMT_JSONL: the JSON report on one line (log pipelines, the Kubernetes DaemonSet). */
enum report_format { FMT_TEXT, FMT_JSON, FMT_HTML, FMT_JUNIT, FMT_JSONL };
int report_format_parse(const char *s, enum report_format *out);
const char *report_format_name(enum report_format f);

struct text_opts {
	int color;	/* ANSI colours */
	int verbose;	/* findings of passing checks too */
};

int report_write_text(const json_t *doc, const struct text_opts *o, struct buf *out, char **err);
int report_write_json(const json_t *doc, struct buf *out, char **err);
int report_write_jsonl(const json_t *doc, struct buf *out, char **err);
int report_write_html(const json_t *doc, struct buf *out, char **err);
int report_write_junit(const json_t *doc, struct buf *out, char **err);

#endif
