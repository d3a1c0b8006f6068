/*
 * kubelet: compute the kubelet's effective configuration the way the
 * kubelet does (cmd/kubelet/app/server.go), with the origin of each value.
 * Pure: it reads no files; the caller (collect/kube.c) supplies the
 * command line and the contents of --config and the --config-dir files.
 * docs/KUBERNETES.md has the precedence rules and their sources.
 *
 * Which configuration fields are tracked, their flags and their defaults
 * are data (checks/kubernetes/components/kubelet.yaml, loaded by defs/
 * into a struct kube_schema); the kubelet's flag grammar is
 * kubelet_flags.c's table.
 *
 *	struct kubelet_args a;
 *	kubelet_args_parse(argv, &a);	  argv as in /proc/PID/cmdline
 *	... read a.config and the *.conf files under a.config_dir ...
 *	json_t *eff = kubelet_effective(schema, &a, &config, dropins, n);
 *	kubelet_args_release(&a);
 */
#ifndef BOXAUDIT_KUBELET_H
#define BOXAUDIT_KUBELET_H

#include <stddef.h>
#include <jansson.h>
#include "parse/pflag.h"

/* A configuration file: its path, and its text or why it is unreadable. */
struct kube_file {
	const char *path;
	const char *text;	/* NULL when unreadable */
	size_t len;
	const char *error;	/* when text is NULL */
};

enum kube_type { KT_BOOL, KT_INT, KT_STRING, KT_PATH, KT_DURATION, KT_LIST, KT_MAP_BOOL };

/* "bool", "int", "string", "path", "duration", "list", "map-bool": 0, or -1. */
int kube_type_parse(const char *s, enum kube_type *out);

/*
 * A configuration field, its flag, and its defaults (JSON values) without
 * and with --config.  zero_defaults: the config-mode defaulting also
 * replaces a zero value (a non-pointer field).
 */
struct kube_field {
	char *path, *flag;
	enum kube_type type;
	json_t *flag_default, *config_default;
	int zero_defaults;
};

/* A flag that is not a configuration field, and its default (NULL: none). */
struct kube_flag_setting {
	char *flag, *def;
};

struct kube_gate {
	char *name;
	int def;
	char *on_from;		/* "1.30": on by default from this minor version on, or NULL */
};

/* What a component's effective configuration tracks; owned by the defs. */
struct kube_schema {
	struct kube_field *fields;
	size_t nfields;
	struct kube_flag_setting *flags;
	size_t nflags;
	struct kube_gate *gates;
	size_t ngates;
};

struct kubelet_args {
	struct pflag_result pf;
	const char *config;	/* last --config, borrowed from pf; NULL if not given */
	const char *config_dir;	/* last --config-dir, or NULL */
};

/*
 * Parse the kubelet command line.  argv is a JSON array of strings with
 * the program name first; "hyperkube kubelet ..." is recognised.  Always
 * fills *a (release it with kubelet_args_release); returns the number of
 * parse errors (the kubelet would refuse to start).
 */
int kubelet_args_parse(const json_t *argv, struct kubelet_args *a);
void kubelet_args_release(struct kubelet_args *a);

/* The kubelet's definition of flag name, or NULL (kubelet_flags.c). */
const struct pflag_def *kubelet_flag(const char *name);
/* The last raw value of flag name in parsed flags, or NULL. */
const char *kubelet_last_flag(const json_t *flags, const char *name);

/*
 * The effective configuration as a new JSON object:
 *   {"mode": "config" | "flag",
 *    "flags": {NAME: [{"value": RAW, "source": "argv"}]},
 *    "args": [positional words] (only when present),
 *    "dropins": [*.conf paths applied, in order], "dropins_skipped": [...],
 *    "settings": {FIELD: {"value": V, "source": S} | {"error": MSG}},
 *    "errors": [MSG, ...]}
 * config is NULL when --config was not given (config->path is then
 * ignored); dropins are the regular files under --config-dir in the
 * kubelet's walk order (lexical per directory, subdirectories included),
 * .conf or not: the others are listed in dropins_skipped.
 * Sources: "argv:--FLAG", "config:PATH", "dropin:PATH",
 * "default(flag-mode)", "default(config-mode)", "default(feature-gate)",
 * "default" (flag-only settings).  Fields and gates are those of s.
 */
json_t *kubelet_effective(const struct kube_schema *s, const struct kubelet_args *a,
			  const struct kube_file *config, const struct kube_file *dropins, size_t ndropins);

#endif
