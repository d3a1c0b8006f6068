/*
 * fleet/internal.h: what the merge's files share, and nothing else
 * includes: read.c reads host reports into a struct merger, build.c turns
 * it into the fleet document.
 */
#ifndef BOXAUDIT_FLEET_INTERNAL_H
#define BOXAUDIT_FLEET_INTERNAL_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>
#include "fleet/merge.h"

#define REPORT_SCHEMA "boxaudit-report/1"
#define FLEET_SCHEMA "boxaudit-fleet/1"

struct merger {
	const struct merge_opts *o;
	json_t *hosts;		/* object: hostname -> host summary */
	json_t *skipped;	/* [{source, reason}] */
	json_t *duplicates;	/* [{hostname, kept, dropped}] */
	/*
	 * Titles once for the fleet, not once per host: "benchmark\nsection" ->
	 * section title, "benchmark\nid" -> {title, section} of a failing check.
	 */
	json_t *titles;
	size_t documents;	/* report documents read, good or bad */
	size_t ignored_lines;	/* lines of a JSON-lines input that are not JSON objects */
};

/* read.c: merge the reports at path (a file, a directory or "-") into m. */
void fleet_read_path(struct merger *m, const char *path);

/* build.c */
json_t *fleet_build(struct merger *m, json_t *expected);
json_t *fleet_read_expected(const char *path, char **err);
/* o[k] as a string, "" when it is not one. */
const char *fleet_str(const json_t *o, const char *k);
json_int_t fleet_ival(const json_t *o, const char *k);
/* "2026-01-02T03:04:05Z" as seconds since the epoch, or -1. */
time_t fleet_parse_time(const char *s);
/* "a\nb" as a new string. */
char *fleet_join_key(const char *a, const char *b);
/* qsort comparison of C strings. */
int fleet_cmp_str(const void *a, const void *b);

#endif
