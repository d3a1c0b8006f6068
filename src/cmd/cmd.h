/*
 * cmd: the boxaudit commands, one file each, run from parsed options.
 *
 * main.c parses the command line into a struct cmd_opts and calls the
 * command from its table; everything else happens here: load
 * definitions, collect facts once, evaluate, score, write every requested
 * report.  Each command returns the exit code: 0 no failure, 1 a check
 * failed (or a gate tripped; for diff, a regression), 2 a usage,
 * definition or I/O error.
 */
#ifndef BOXAUDIT_CMD_H
#define BOXAUDIT_CMD_H

#include <stddef.h>
#include "collect/collect.h"
#include "defs/defs.h"
#include "fleet/merge.h"
#include "report/report.h"
#include "score/score.h"

struct cmd_opts {
	const char *root;		/* "/" unless --root */
	const char *checks_dir;		/* built-in definitions, or --checks-dir */
	const char **extra_dirs;	/* --add-checks, each loaded beside the built-in ones */
	size_t nextra;
	const char *benchmarks;		/* comma-separated ids, or NULL to detect */
	struct check_selection select;	/* --level, --check, --skip */
	struct collect_opts collect;
	const char *facts_in, *facts_out;
	struct report_output *outputs;
	size_t noutputs;
	int color;			/* -1 auto (TTY and no NO_COLOR) */
	int verbose, quiet;
	struct score_opts score;
	const char *container_only, *container_exclude;
	const char *waivers;		/* --waivers FILE */
	const char *baseline;		/* --baseline PREVIOUS.json */
	int fail_on;			/* FAIL_ON_* bits; 0 means FAIL_ON_FAIL */
	int has_fail_under;
	double fail_under;		/* exit 1 when the overall score is below */
	struct merge_opts merge;	/* merge: --stale-after, --expect-hosts */
	const char *state_dir;		/* --state-dir DIR: baseline and history kept there */
	long keep;			/* --keep N: reports kept in the state directory */
	int apply;			/* remediate --apply */
	const char *plan_dir;		/* remediate -o DIR */
	int root_given;			/* --root was on the command line */
};

enum { FAIL_ON_FAIL = 1, FAIL_ON_ERROR = 2, FAIL_ON_NEW = 4 };

/* A command: args are the words after the options. */
typedef int cmd_fn(const struct cmd_opts *o, char *const *args, size_t nargs);

cmd_fn cmd_audit, cmd_list, cmd_validate, cmd_diff, cmd_merge, cmd_explain, cmd_remediate, cmd_trend;

/* ---- common.c ---- */

/*
 * Print "boxaudit: MESSAGE" on standard error.  Messages quote files and
 * hosts: secrets in them are redacted and control characters escaped.
 */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The definitions directory used when --checks-dir is not given. */
const char *cmd_checks_dir(void);
/* Load the built-in (or --checks-dir) and --add-checks definitions; -1 after printing errors. */
int cmd_load_defs(const struct cmd_opts *o, struct defs *d);
void cmd_print_errors(const struct defs *d);
/*
 * Render doc with w into a buffer capped at cap and write it atomically
 * to path; 0, or -1 after printing why.
 */
int cmd_write(const struct writer *w, const json_t *doc, const struct write_opts *wo,
	      const char *path, size_t cap);

/* A boxaudit JSON report (schema boxaudit-report/1, with checks and a summary)? */
int cmd_is_report(const json_t *doc);

/* ---- state.c: --state-dir ---- */

/* The kept report names of dir (boxaudit-STAMP[-NN].json), oldest first; -1 with *err. */
int cmd_state_list(const char *dir, char ***names, size_t *n, char **err);
/*
 * The newest report kept in dir, as a new reference, or NULL: when there
 * is none (a note says "no baseline yet"), or when it cannot be read or is
 * not a boxaudit report (a note says so; the run starts afresh).  NULL
 * with *err set only when dir exists but cannot be listed.
 */
json_t *cmd_state_last(const char *dir, json_t *notes, char **err);
/*
 * Keep doc in dir (created if missing) atomically, then remove all but the
 * newest keep.  results: as write_opts.results.  Returns 0, -1 with *err,
 * or -2 when writing the report failed (and was reported already).
 */
int cmd_state_keep(const char *dir, const json_t *doc, const struct check_result *results, long keep,
		   char **err);

#endif
