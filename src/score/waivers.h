/*
 * waivers: accepted risk.  A YAML file lists waivers; a failing finding a
 * waiver matches becomes WAIVED, and a check left with no failing finding
 * becomes WAIVED (scoring then leaves it out).
 *
 *	waivers:                      (or the list alone, as the document)
 *	  - check: "5.5"              (a check id, or "BENCHMARK:ID")
 *	    target: "legacy-*"        (optional fnmatch pattern on the finding's target)
 *	    reason: vendor appliance, isolated network     (required)
 *	    owner: ops@example.com                         (required)
 *	    expires: 2027-03-31                            (required, YYYY-MM-DD)
 *
 * A waiver applies through its expiry day; after it, it is ignored and the
 * report says so (a note, and "expired": true on the check's waiver).
 */
#ifndef BOXAUDIT_WAIVERS_H
#define BOXAUDIT_WAIVERS_H

#include <stddef.h>
#include <jansson.h>
#include "base/limits.h"
#include "engine/result.h"

struct waiver {
	char *bench;		/* NULL: any benchmark */
	char *check;
	char *target;		/* NULL: every target */
	char *reason, *owner, *expires;
	char *where;		/* "FILE:LINE" */
};

struct waivers {
	struct waiver *v;
	size_t n;
};


void waivers_init(struct waivers *w);
/*
 * Parse YAML text (name is used in messages) and append its waivers.
 * Returns 0, or -1 with *err (the caller frees) as "NAME:LINE: problem";
 * w then holds nothing from this text.
 */
int waivers_parse(struct waivers *w, const char *text, size_t len, const char *name, char **err);
/* Read path (bounded) and parse it. */
int waivers_load(struct waivers *w, const char *path, char **err);
void waivers_release(struct waivers *w);

/* 1 when s is a real calendar date written YYYY-MM-DD. */
int waivers_date_valid(const char *s);

/*
 * Apply the waivers to results (call before score_mark).  today is
 * "YYYY-MM-DD".  Waived findings get status WAIVED and a note; a waived
 * check gets status WAIVED and r->waiver (a new object: check, benchmark,
 * target, reason, owner, expires, source).  Expired waivers that matched
 * add a string to notes (an array) and, on a check still failing,
 * r->waiver with "expired": true.  Returns the number of findings waived.
 */
size_t waivers_apply(const struct waivers *w, struct check_result *r, size_t n,
		     const char *today, json_t *notes);

#endif
