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

/*
 * Judging a check element by element, as a collector hands the elements
 * of a collection over, so that a Docker host's 10,000 containers are
 * never all in memory at once.  engine_streams says whether c can be
 * judged so: its test is an each over collection (an absolute fact path,
 * "docker.api.containers") and nothing else of it reads the collection.
 * Then engine_stream_element for each element, in any order (idx: its
 * place in the collection), and engine_stream_end once the rest of the
 * facts are in: out is what engine_eval_check would have given over the
 * whole collection.
 */
struct engine_stream {
	const struct check *check;
	struct check_result result;	/* the findings so far */
	size_t *order;			/* the element index of each finding */
	size_t norder, alloc_order;
	size_t judged;
	size_t counts[ST__COUNT];
};

int engine_streams(const struct check *c, const char *collection);
void engine_stream_init(struct engine_stream *s, const struct check *c);
void engine_stream_element(struct engine_stream *s, json_t *facts, json_t *el, size_t idx);
/* Room for n findings in s (a hint: the collection's size). */
void engine_stream_reserve(struct engine_stream *s, size_t n);
/* Ends s (released after) into out, which the caller releases. */
void engine_stream_end(struct engine_stream *s, json_t *facts, struct check_result *out);
void engine_stream_release(struct engine_stream *s);
/* Does the check, or expression e, read collection (any of it, as engine_request would ask for it)? */
int engine_check_reads(const struct check *c, const char *collection);
int engine_expr_reads_collection(const struct expr *e, const char *collection);

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
