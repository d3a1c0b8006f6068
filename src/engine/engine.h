/*
 * engine: evaluate checks over the facts document.
 *
 * Evaluation is a pure function of the check and the facts: it never
 * touches the host.  The semantics of the expression language are those
 * of checks/README.md.
 *
 * Stage engine (HACKING.md): reads the facts and the definitions, never
 * the host; what to collect it only names (collect/collect.h).
 */
#ifndef BOXAUDIT_ENGINE_H
#define BOXAUDIT_ENGINE_H

#include <jansson.h>
#include "defs/defs.h"
#include "engine/result.h"

/* Evaluate c over facts into out (which the caller releases). */
void engine_eval_check(const struct check *c, json_t *facts, struct check_result *out);

#include "collect/collect.h"

/* Evaluate a bare expression (a platform's detect) over facts. */
enum status engine_eval_expr(const struct expr *e, json_t *facts);

/*
 * Choose the benchmarks for the audited host when --benchmark is not
 * given: for each platform whose detect holds, its benchmark for the
 * version found (or its newest); when none is detected, the newest
 * benchmark of the first platform with a fallback.  A note per choice is
 * appended to notes.  Returns 0, or -1 when nothing could be chosen.
 */
int engine_select(const struct defs *d, json_t *facts, struct benchmark ***out, size_t *n,
		  json_t *notes);

/*
 * Add to req the facts, files, directories and fact-held paths that the
 * rules of checks[0..n) read, so that they are collected.  The strings are
 * borrowed from the definitions; free req with collect_request_release.
 */
void engine_request(const struct check *const *checks, size_t n, struct collect_request *req);
/* The same for what choosing benchmarks reads: every platform's detect and version fact. */
void engine_request_platforms(const struct defs *d, struct collect_request *req);

#endif
