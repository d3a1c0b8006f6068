/*
 * drift: what changed between two report documents (an earlier run, the
 * baseline, and this one).  A failing item is a check whose status is
 * FAIL, or a finding whose status is FAIL, keyed by benchmark, check id
 * and (for findings) target: "new" fails now and did not before,
 * "resolved" failed before and does not now, "unchanged" fails in both.
 * A new privileged container is a new finding even when 5.5 already failed.
 *
 * The drift object:
 *   {"baseline": {"hostname", "collected_at", "score"}, "current": {...},
 *    "summary": {"checks_new", "checks_resolved", "checks_unchanged",
 *                "findings_new", "findings_resolved", "findings_unchanged",
 *                "regressions"},     (checks_new + findings_new)
 *    "checks":   [{"change", "benchmark", "id", "title", "before", "now"}],
 *    "findings": [{"change", "benchmark", "id", "title", "target", "before", "now"}]}
 * where before/now are statuses, or "absent".
 */
#ifndef BOXAUDIT_DRIFT_H
#define BOXAUDIT_DRIFT_H

#include <jansson.h>
#include "base/limits.h"
#include "base/buf.h"
#include "engine/result.h"


/* A report document read from path (new reference), or NULL with *err. */
json_t *drift_load(const char *path, char **err);

/*
 * A new drift object, or NULL with *err when either is not a boxaudit
 * report.  results: those of a current document built with its findings
 * apart (report/report.h), else NULL.
 */
json_t *drift_compute(const json_t *baseline, const json_t *current, const struct check_result *results,
		      char **err);

/* Regressions counted in a drift object (0 for NULL). */
json_int_t drift_regressions(const json_t *drift);


#endif
