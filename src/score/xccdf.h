/*
 * xccdf: the scores of the XCCDF 1.2 scoring models, computed as OpenSCAP
 * computes them (src/XCCDF/result_scoring.c, NISTIR-7275r4 tables 40 and
 * 41), over the tree the XCCDF writer writes (docs/REPORTS.md):
 *
 *	Benchmark -> [one Group per benchmark, when there are several]
 *	          -> a Group per section, nested by id ("1" holds "1.1")
 *	          -> a Rule per check, in its section's Group
 *
 * Each check's XCCDF result is its status mapped as PASS pass, FAIL fail,
 * ERROR error, MANUAL notchecked, SKIP notapplicable, WAIVED
 * informational.  error counts as a failure; notchecked, notapplicable
 * and informational are left out.  Groups weigh 1; a rule weighs its
 * weight, or 0 when --automated-only leaves it out of the score.
 *
 *	urn:xccdf:scoring:default          weighted mean of the children's
 *	                                   scores at every level, maximum 100
 *	urn:xccdf:scoring:flat             sum of the weights of passing rules,
 *	                                   maximum the sum of the weights scored
 *	urn:xccdf:scoring:flat-unweighted  the same with every weight 1
 *
 * None of them is boxaudit's own score (score.h), which counts ERROR out
 * and does not average groups.
 */
#ifndef BOXAUDIT_SCORE_XCCDF_H
#define BOXAUDIT_SCORE_XCCDF_H

#include <stddef.h>
#include <jansson.h>
#include "engine/result.h"
#include "score/score.h"

/* The weight a check carries in the XCCDF models. */
double score_xccdf_weight(const struct check_result *r, const struct score_opts *o);

/*
 * The three models over r[0..n) (a report's results, in report order;
 * nbenches is how many benchmarks they span), as a new array of
 * {"system": URN, "score": S, "maximum": M}.
 */
json_t *score_xccdf(const struct check_result *r, size_t n, size_t nbenches,
		    const struct score_opts *o);

#endif
