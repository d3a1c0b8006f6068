/*
 * fleet/internal.h: what the merge's files share, and nothing else
 * includes: read.c reads host reports into a struct merger, build.c turns
 * it into the fleet document.
 */
#ifndef BOXAUDIT_FLEET_INTERNAL_H
#define BOXAUDIT_FLEET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>
#include "fleet/merge.h"

#define REPORT_SCHEMA "boxaudit-report/1"
#define FLEET_SCHEMA "boxaudit-fleet/1"

/* The counts of a host or of one of its sections, as the report's summary has them. */
#define FLEET_NCOUNT 8	/* PASS FAIL MANUAL SKIP ERROR WAIVED total scored */
struct fleet_counts {
	json_int_t n[FLEET_NCOUNT];
	double score;
	int has_score;
};

/* One section of a host: a column of the matrix (an index into fleet.cols). */
struct fleet_sec {
	uint32_t col;
	struct fleet_counts c;
};

/* A check that failed or erred on a host (an index into fleet.checks). */
struct fleet_fail {
	uint32_t check;
	uint32_t error;		/* ERROR, else FAIL */
	json_int_t findings;
};

/*
 * One host, as compact as its facts allow: a 10,000-host fleet is held as
 * 10,000 of these and no JSON (docs/FLEET.md, "Scale").
 */
struct fleet_host {
	char *hostname, *source, *collected_at;	/* collected_at NULL: none */
	char *tool_version, *root, *score_model;
	time_t t;				/* collected_at, or -1 */
	int live, future, stale;
	const char *stale_why;			/* static */
	struct fleet_counts sum;
	struct fleet_sec *secs;
	size_t nsecs;
	struct fleet_fail *fails;
	size_t nfails;
};

/* The hosts failing one check, in host order. */
struct fleet_worst {
	uint32_t check;
	json_int_t failing, error;
	uint32_t *hosts;	/* indexes into fleet.hosts */
	uint8_t *is_error;
	size_t n;
};

/* What the fleet document leaves apart: its hosts and worst checks (merge.h). */
struct fleet {
	struct fleet_host *hosts;
	size_t nhosts, alloc;
	struct fleet_worst *worst;
	size_t nworst;
	/* Interned (benchmark, section) columns and (benchmark, id) checks. */
	json_t *colidx, *cols;		/* "bench\nsection" -> index; [{benchmark, section, title, anchor}] */
	json_t *checkidx, *checks;	/* "bench\nid" -> index; [{benchmark, id, title, section}] */
	time_t now;
};

struct merger {
	const struct merge_opts *o;
	struct fleet *f;
	json_t *byname;		/* object: hostname -> index into f->hosts */
	json_t *skipped;	/* [{source, reason}] */
	json_t *duplicates;	/* [{hostname, kept, dropped}] */
	size_t documents;	/* report documents read, good or bad */
	size_t ignored_lines;	/* lines of a JSON-lines input that are not JSON objects */
};

/* build.c: the interned column / check of (a, b), its title set when it has none yet. */
uint32_t fleet_col(struct fleet *f, const char *bench, const char *section, const char *title);
uint32_t fleet_check(struct fleet *f, const char *bench, const char *id, const char *title,
		     const char *section);
void fleet_host_release(struct fleet_host *h);
/* read.c: counts as the report's summaries have them (new reference). */
json_t *fleet_counts_json(const struct fleet_counts *c);

/* read.c: merge the reports at paths (files, directories or "-"), in order, into m. */
void fleet_read_paths(struct merger *m, char *const *paths, size_t n);

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
