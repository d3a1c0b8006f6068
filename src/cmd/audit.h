/*
 * audit: the boxaudit commands, run from parsed options.
 *
 * main.c only parses the command line into these structs; everything
 * else happens here: load definitions, collect facts once, evaluate,
 * score, write every requested report.  Each function returns the exit
 * code: 0 no failure, 1 a check failed, 2 a usage, definition or I/O error.
 */
#ifndef BOXAUDIT_AUDIT_H
#define BOXAUDIT_AUDIT_H

#include "collect/collect.h"
#include "report/report.h"
#include "score/score.h"

struct audit_output {
	enum report_format format;
	const char *path;	/* "-" for standard output */
};

struct audit_opts {
	const char *root;		/* "/" unless --root */
	const char *checks_dir;		/* built-in definitions, or --checks-dir */
	const char **extra_dirs;	/* --add-checks, each loaded beside the built-in ones */
	size_t nextra;
	const char *benchmarks;		/* comma-separated ids, or NULL to detect */
	const char *only, *skip;	/* comma-separated id patterns (fnmatch) */
	int level;			/* 1 or 2; 0 for all */
	struct collect_opts collect;
	const char *facts_in, *facts_out;
	struct audit_output *outputs;
	size_t noutputs;
	int color;			/* -1 auto (TTY and no NO_COLOR) */
	int verbose, quiet;
	struct score_opts score;
	const char *container_only, *container_exclude;
	/* Issue 5: waivers, drift and CI gates. */
	const char *waivers;		/* --waivers FILE */
	const char *baseline;		/* --baseline PREVIOUS.json */
	int fail_on;			/* FAIL_ON_* bits; 0 means FAIL_ON_FAIL */
	int has_fail_under;
	double fail_under;		/* exit 1 when the overall score is below */
};

enum { FAIL_ON_FAIL = 1, FAIL_ON_ERROR = 2, FAIL_ON_NEW = 4 };

int audit_run(const struct audit_opts *o);
/* "boxaudit diff A.json B.json": the drift from A to B; 1 when B has regressions. */
int audit_diff(const struct audit_opts *o, const char *a, const char *b);
int audit_list(const struct audit_opts *o);
int audit_validate(const struct audit_opts *o, char *const *files, int nfiles);

/* The definitions directory used when --checks-dir is not given. */
const char *audit_default_checks_dir(void);

#endif
