/*
 * engine/internal.h: what the evaluator's files share, and nothing else
 * includes.  Evaluating an expression appends one trace entry per leaf; the
 * findings of a check are built from the trace (findings.c).
 *
 *	ops.c       operators: comparing a value or a file with what a leaf expects
 *	leaves.c    leaves: looking a subject up in the facts and judging it
 *	combine.c   all/any/none/not and each, in three-valued logic
 *	findings.c  findings and reasons from the trace
 *	eval.c      a check: applies, manual, iteration at the top
 *	plan.c      what the rules need collected
 */
#ifndef BOXAUDIT_ENGINE_INTERNAL_H
#define BOXAUDIT_ENGINE_INTERNAL_H

#include <jansson.h>
#include "defs/defs.h"
#include "engine/result.h"

/* One evaluated leaf, kept to build findings. */
struct trace_entry {
	char *target;
	char *subject;
	enum status status;	/* as the leaf judged, before any negation */
	int negated;		/* under an odd number of none/not */
	json_t *actual;
	char *expected;
	char *source;
	char *note;
	int skipped;		/* missing because a collector did not run */
	int is_fact;		/* subject is a fact path (not a file or audit path) */
	int setting;		/* the fact was a {value, source} setting: its source is its origin */
	const char *skip_reason;	/* the leaf's, in a rule's applies (borrowed from the definitions) */
};

struct trace {
	struct trace_entry *v;
	size_t n, alloc;
};

struct ev {
	json_t *facts;
	json_t *elem;		/* current element of an each, or NULL */
	char *elem_source;	/* its _source */
	const char *prefix;	/* subject prefix inside nested each ("Mounts[1].") */
	int raw_api;		/* the element is (inside) an Engine API body, as the daemon sent it */
	const json_t *params;
	const char *label;	/* finding target for facts */
	int negated;
	struct trace *trace;
};

/* Iterate a collection: the items of an array, or the values of an object (with their keys). */
struct coll_iter {
	json_t *c;
	size_t idx;
	void *iter;
};

/* trace.c */
struct trace_entry *trace_add(struct ev *ev, const char *target, const char *subject);
void trace_drop(struct trace *t, size_t from, size_t to);
void trace_entry_release(struct trace_entry *e);
void trace_release(struct trace *t);
/* The entry's status as shown: inverted under an odd number of none/not. */
enum status trace_shown(const struct trace_entry *e);
/* PASS and FAIL swapped; the other statuses unchanged. */
enum status status_invert(enum status s);

/* ops.c */
char *ops_value_text(const json_t *v);
char *ops_expected_text(const struct expr *e, const json_t *value);
/* The leaf's value, with "$name" resolved against the check's parameters. */
const json_t *ops_leaf_value(const struct expr *e, const struct ev *ev, char **err);
enum status ops_judge_value(const struct expr *e, const json_t *actual,
			    const json_t *want, char **err);
enum status ops_judge_file(const struct expr *e, struct ev *ev, const json_t *f,
			   struct trace_entry *t, const json_t *want);

/* leaves.c */
int engine_raw_api_path(const char *path);
/* Does e read collection (inside an element: only through an absolute "$." path)? */
int engine_expr_reads(const struct expr *e, const char *collection, int inside);
int leaf_is_wrapper(const struct ev *ev, const char *path, int absolute, const json_t *n);
const char *leaf_skipped_reason(json_t *base, const char *path);
int leaf_lookup_fact(struct ev *ev, const char *path, json_t **val, char **source, char **err, int *wrapped);
enum status leaf_absent_status(const struct expr *e, struct trace_entry *t, const char *what);
enum status leaf_eval_fact(const struct expr *e, struct ev *ev);
enum status leaf_eval_file(const struct expr *e, struct ev *ev);
enum status leaf_eval_audit(const struct expr *e, struct ev *ev);

/* combine.c */
enum status expr_eval(const struct expr *e, struct ev *ev);
enum status combine_all(const enum status *v, size_t n);
enum status combine_any(const enum status *v, size_t n);
json_t *combine_collection(struct ev *ev, const char *path, char **err, int *missing,
			   const char **source);
/* The element's name as a string (new reference: the element's own when it has one). */
json_t *combine_element_name(const struct expr *e, json_t *el, size_t idx, const char *key);
struct coll_iter coll_iter_init(json_t *c);
int coll_iter_next(struct coll_iter *it, json_t **el, const char **key);

/* findings.c */
void findings_from_entry(struct check_result *r, const struct trace_entry *t);
void findings_for_element(struct check_result *r, json_t *name, const char *elem_source, json_t *elem_source_ref,
			  enum status s,
			  const struct trace *t);
const char *findings_noun(enum target_kind t);
char *findings_summary(const struct check_result *r);

#endif
