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

#include "collect.h"
#include "report.h"
#include "score.h"

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
};

int audit_run(const struct audit_opts *o);
int audit_list(const struct audit_opts *o);
int audit_validate(const struct audit_opts *o, char *const *files, int nfiles);

/* The definitions directory used when --checks-dir is not given. */
const char *audit_default_checks_dir(void);

#endif
