/*
 * trend: the scores of a host's reports over time (boxaudit trend), read
 * from the reports as they were written (scores are never recomputed).
 *
 * The trend document:
 *   {"schema": "boxaudit-trend/1",
 *    "points":   [{"file", "hostname", "collected_at", "score", "counts": {STATUS: n}}],  oldest first
 *    "sections": [{"key": "BENCH:SECTION", "benchmark", "section", "title", "scores": [S | null, ...]}],
 *    "changes":  [{"from", "to", "benchmark", "id", "title", "before", "now"}],
 *    "notes":    ["..."]}
 * where scores[i] belongs to points[i], and a change is a check whose
 * status differs between two consecutive reports ("absent" when a report
 * does not hold the check).
 */
#ifndef BOXAUDIT_TREND_H
#define BOXAUDIT_TREND_H

#include <jansson.h>
#include "report/report.h"

/*
 * A new trend document from n report documents (borrowed) named by files;
 * they are ordered by collected_at.  notes (borrowed) is copied in.
 */
json_t *trend_build(json_t *const *docs, const char *const *files, size_t n, const json_t *notes);

/* The trend as a self-contained HTML page (inline SVG, no script). */
writer_fn trend_write_html;

#endif
