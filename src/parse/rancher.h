/*
 * rancher: the command lines k3s and RKE2 give their embedded components,
 * derived the way they derive them.
 *
 * 1. Their configuration files (k3s pkg/configfilearg/parser.go):
 *    config.yaml, then each config.yaml.d/ *.yaml or *.yml in name order.
 *    A key replaces the value of an earlier file; "key+" appends to it; a
 *    list gives the flag once per element.  The flags the files give are
 *    inserted before the command line's, so for a flag given once the
 *    command line wins, and repeatable ones (kubelet-arg, ...) accumulate.
 * 2. Each component's arguments (k3s pkg/util/args.go GetArgs): the
 *    distribution's defaults, then the user's "KEY=VALUE" words (from
 *    kubelet-arg, kube-apiserver-arg, ...).  A user word for KEY drops the
 *    default ("KEY+=V" appends to it, "KEY-=V" prepends); the words come
 *    out as --KEY=VALUE, sorted by KEY.
 *
 * Pure: the caller reads the files.  Values keep their origins.
 */
#ifndef BOXAUDIT_RANCHER_H
#define BOXAUDIT_RANCHER_H

#include <stddef.h>
#include <jansson.h>

struct rancher_file {
	const char *path;
	const char *text;
	size_t len;
};

/*
 * The flags files give, as a new object {FLAG: [{"value": S, "origin":
 * "config:PATH"}, ...]}.  NULL with *err = "'PATH':LINE:COL: ..." when a
 * file is not YAML, not a mapping, or gives a value that is neither a
 * scalar nor a list of scalars (k3s would not start, or would not read it
 * as boxaudit does).
 */
json_t *rancher_config_flags(const struct rancher_file *files, size_t n, char **err);

/*
 * Append the command line's flags to flags (words after the subcommand):
 * "--K=V", "-K=V", "--K V"; a flag named in bool_flags (NULL-terminated)
 * takes no separate value.  origin labels each value ("unit:FILE").
 * Words that are not flags are ignored.  A flag not in bool_flags written
 * without "=" right before another flag ("--x --y") is read either way by
 * the distribution, as its value or as a bool beside it, depending on
 * whether x is a bool: that is returned as a reason (a new string), and
 * NULL when the words read one way only.
 */
char *rancher_cli_flags(json_t *flags, const char *const *words, size_t n, const char *const *bool_flags,
			const char *origin);

/* The last value of FLAG (borrowed {"value","origin"}), or NULL. */
json_t *rancher_last(json_t *flags, const char *flag);

/* A k3s boolean flag's value: 1 true, 0 false or absent ("true", "1", "t" ... as Go's strconv.ParseBool). */
int rancher_bool(json_t *flags, const char *flag);

/* A default argument of a component: KEY, VALUE, and where it comes from. */
struct rancher_arg {
	const char *key, *value, *origin;
};

/*
 * GetArgs: the component's command line (a new array, program first) from
 * its defaults and the user's words (the values of FLAG in flags, each
 * "KEY=VALUE", "KEY+=VALUE" or "KEY-=VALUE"; a bare KEY means true).
 * *origins (a new object) maps each KEY to the origin of its last value.
 */
json_t *rancher_getargs(const char *program, const struct rancher_arg *defaults, size_t ndefaults,
			json_t *user_words, json_t **origins);

/*
 * Replace the origins of settings derived from a synthesized command line:
 * every "source" (at any depth of settings) that is prefix + "--KEY" with
 * origins[KEY], when there is one.
 */
void rancher_relabel(json_t *settings, const char *prefix, json_t *origins);

/* Replace every "source" (at any depth of settings) equal to from with to. */
void rancher_relabel_exact(json_t *settings, const char *from, const char *to);

#endif
