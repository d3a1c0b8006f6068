/*
 * score: turn check results into counts and scores.
 *
 * The default model is passed / (passed + failed) over the checks boxaudit
 * judged mechanically (MANUAL, SKIP, ERROR and WAIVED are left out and
 * only counted), in percent.  "flat" weights each check by its rule's
 * weight (XCCDF flat); "absolute" is 100 when nothing fails, else 0.  With
 * automated_only, only checks CIS labels Automated are scored.  A score is
 * null when nothing is scorable.
 *
 * Stage score (HACKING.md): reads results, never the facts or the host.
 */
#ifndef BOXAUDIT_SCORE_H
#define BOXAUDIT_SCORE_H

#include <jansson.h>
#include "engine/result.h"

enum score_model { SCORE_DEFAULT, SCORE_FLAT, SCORE_ABSOLUTE };

struct score_opts {
	enum score_model model;
	int automated_only;
};

int score_model_parse(const char *s, enum score_model *out);
const char *score_model_name(enum score_model m);
/* One sentence saying what the score is computed over. */
const char *score_basis(const struct score_opts *o);

/* Mark each result scored or not (sets r->scored). */
void score_mark(struct check_result *r, size_t n, const struct score_opts *o);

/*
 * Counts and score of the results for which keep(r, arg) is true (all
 * when keep is NULL), as a new JSON object:
 *   {"PASS": n, "FAIL": n, "MANUAL": n, "SKIP": n, "ERROR": n, "WAIVED": n,
 *    "total": n, "scored": n, "score": 87.5 | null}
 */
json_t *score_summary(const struct check_result *r, size_t n, const struct score_opts *o,
		      int (*keep)(const struct check_result *, const void *), const void *arg);

#endif
