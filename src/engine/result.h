/*
 * result: what evaluating one check produced.
 *
 * A check_result owns its reason and findings; each finding owns its
 * strings and its actual value (a JSON reference).  The check itself is
 * borrowed from the defs.
 */
#ifndef BOXAUDIT_RESULT_H
#define BOXAUDIT_RESULT_H

#include <jansson.h>
#include "defs/defs.h"

struct finding {
	char *target;		/* "dockerd", "/etc/docker", a container name */
	char *field;		/* which value of the target ("icc", "HostConfig.Privileged"), or NULL */
	enum status status;
	json_t *actual;		/* the value seen, or NULL */
	char *expected;
	char *source;		/* where the value came from */
	char *note;		/* why, for SKIP and ERROR; may be NULL */
};

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

#endif
