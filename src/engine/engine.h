/*
 * engine: evaluate checks over the facts document.
 *
 * Evaluation is a pure function of the check and the facts: it never
 * touches the host.  The semantics of the expression language are those
 * of checks/README.md.
 */
#ifndef BOXAUDIT_ENGINE_H
#define BOXAUDIT_ENGINE_H

#include <jansson.h>
#include "defs/defs.h"
#include "engine/result.h"

/* Evaluate c over facts into out (which the caller releases). */
void engine_eval_check(const struct check *c, json_t *facts, struct check_result *out);

#include "collect/collect.h"

/*
 * Add to req the facts, files, directories and fact-held paths that the
 * rules of checks[0..n) read, so that they are collected.  The strings are
 * borrowed from the definitions; free req with collect_request_release.
 */
void engine_request(const struct check *const *checks, size_t n, struct collect_request *req);

#endif
