/*
 * pflag: split a command line the way Go's spf13/pflag does, for a given
 * table of flags, so that argv read from /proc or derived from a systemd
 * unit means what the program itself took it to mean.
 *
 * Rules (pflag's): "--name=value"; "--name value" for non-bool flags (the
 * next word is taken even if it starts with "-"); a bool flag is true when
 * bare and takes a value only with "=" ("--flag false" leaves "false" as a
 * positional argument); "-x", "-x=v", "-xv", "-x v" for one-letter
 * shorthands; "--" ends the flags; anything else is a positional argument
 * and parsing continues after it.  With PFLAG_NORMALIZE_UNDERSCORE,
 * "_" in a name means "-" (Kubernetes' WordSepNormalizeFunc).
 *
 * Problems the program itself would refuse to start with (an unknown flag,
 * a missing value) are recorded in errors, and parsing continues.
 *
 * An unknown flag written without "=" may take the next word as its value
 * or not; which, the table cannot tell.  When that next word is a flag of
 * the table, it is parsed as a flag, and its name is recorded in shadowed
 * (with the unknown flag as written): what the program read there is
 * uncertain, and a caller that cares must not trust it.
 */
#ifndef BOXAUDIT_PFLAG_H
#define BOXAUDIT_PFLAG_H

#include <stddef.h>
#include <jansson.h>

enum pflag_type {
	PFLAG_BOOL,
	PFLAG_STRING,
	PFLAG_INT,		/* Go strconv.ParseInt(s, 0, 64): "0x10", "010" */
	PFLAG_DURATION,		/* Go time.ParseDuration (godur.h) */
	PFLAG_LIST,		/* string slice: each value CSV-split, repeats accumulate */
	PFLAG_MAP_BOOL,		/* "A=true,B=false": map[string]bool, repeats merge */
	PFLAG_MAP_STRING,	/* "k=v,k2=v2", repeats merge */
};

struct pflag_def {
	const char *name;	/* long name without "--" */
	enum pflag_type type;
	char shorthand;		/* 0 when none */
};

#define PFLAG_NORMALIZE_UNDERSCORE 1

struct pflag_result {
	json_t *flags;		/* {NAME: [raw value strings, in order]}; bare bools are "true" */
	json_t *args;		/* positional arguments */
	json_t *unknown;	/* unknown flags as written */
	json_t *errors;		/* messages */
	json_t *shadowed;	/* {NAME: "--unknown"}: NAME right after an unknown flag */
};

/*
 * Parse argv[0..argc) (argv[0] is NOT skipped: pass the words after the
 * program name).  Fills *res with new references the caller releases with
 * pflag_result_release.  Returns the number of errors.
 */
int pflag_parse(const struct pflag_def *defs, size_t ndefs, int options,
		const char *const *argv, size_t argc, struct pflag_result *res);
void pflag_result_release(struct pflag_result *res);

/* The definition named name, or NULL. */
const struct pflag_def *pflag_lookup(const struct pflag_def *defs, size_t ndefs,
				     const char *name);

/*
 * The typed value of a flag from its raw values (res->flags[name]), as the
 * program sees it after parsing: the last value for scalars, accumulated
 * for lists and maps.  Returns a new reference (bool, integer, string, array
 * or object; a duration stays the string as written), or NULL with *err
 * set when a value does not parse (the program would refuse it).
 */
json_t *pflag_value(const struct pflag_def *def, const json_t *raws, char **err);

/*
 * Why a shadowed flag's value cannot be told, as a sentence naming the flag,
 * the unknown flag before it (res->shadowed[flag]) and the program.
 */
char *pflag_shadow_reason(const char *flag, const char *by, const char *program);

/* Go strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False. */
int pflag_parse_bool(const char *s, int *out);

#endif
