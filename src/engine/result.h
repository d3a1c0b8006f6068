/*
 * result: what evaluating one check produced.
 *
 * A check_result owns its reason and findings; a finding holds references
 * to its values, jansson strings among them, so that one string (a
 * container's name, its source, a check's expectation) is shared by the
 * thousands of findings that repeat it.  The check itself is borrowed from
 * the defs.
 */
#ifndef BOXAUDIT_RESULT_H
#define BOXAUDIT_RESULT_H

#include <jansson.h>
#include "defs/defs.h"

struct finding {
	json_t *target;		/* string: "dockerd", "/etc/docker", a container name */
	json_t *field;		/* string: which value of the target ("icc", "HostConfig.Privileged"), or NULL */
	enum status status;
	json_t *actual;		/* the value seen, or NULL */
	json_t *expected;	/* string, or NULL */
	/*
	 * Where the value came from (finding_source): source, or when that is
	 * the element's source and the field's path ("api:/containers/ID/json"
	 * "#HostConfig.Privileged"), source_base, the element's, and field.
	 */
	json_t *source;
	json_t *source_base;
	json_t *note;		/* string: why, for SKIP and ERROR; or NULL */
	int item;		/* the value is one item of a list judged item by item */
};

/* The source of f as a new string, or NULL. */
char *finding_source(const struct finding *f);
/* A finding string from s (NULL for NULL); finding_take frees s. */
json_t *finding_str(const char *s);
json_t *finding_take(char *s);

struct check_result {
	const struct check *check;
	enum status status;
	char *reason;		/* one line: why this status */
	struct finding *findings;
	size_t nfindings, alloc;
	/* Set when a waiver turned a FAIL into WAIVED. */
	json_t *waiver;
	int scored;		/* counted by the scoring basis */
};

struct finding *result_add_finding(struct check_result *r);
void check_result_release(struct check_result *r);
/* A deep copy of src into dst (values shared by reference). */
void result_copy(const struct check_result *src, struct check_result *dst);
/*
 * Redact what r's reason and findings quote from the host (target, value,
 * source, note), in place: the last place a secret could land.
 */
void result_redact(struct check_result *r);
/*
 * The findings of r as a report's "findings" array (new reference).  Built when a writer needs them,
 * one check at a time: a report of 10,000 containers never holds all its
 * findings as JSON at once.
 */
json_t *result_findings_json(const struct check_result *r);

#endif
