/*
 * kubelet: compute the kubelet's effective configuration the way the
 * kubelet does (cmd/kubelet/app/server.go), with the origin of each value.
 * Pure: it reads no files; the caller (collect_kube.c) supplies the
 * command line and the contents of --config and the --config-dir files.
 * docs/KUBELET.md has the precedence rules and their sources.
 *
 *	struct kubelet_args a;
 *	kubelet_args_parse(argv, &a);	  argv as in /proc/PID/cmdline
 *	... read a.config and the *.conf files under a.config_dir ...
 *	json_t *eff = kubelet_effective(&a, &config, dropins, n);
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
 * "default" (flag-only settings).
 */
json_t *kubelet_effective(const struct kubelet_args *a, const struct kube_file *config,
			  const struct kube_file *dropins, size_t ndropins);

/*
 * YAML (as sigs.k8s.io/yaml reads it: YAML 1.1 scalars, first document
 * only) to a new JSON value; an empty document is JSON null.  On error
 * return NULL with *err = "'NAME':LINE:COL: problem".  Aliases are
 * expanded within a bound (a "billion laughs" file is an error).
 */
json_t *kube_yaml_to_json(const char *text, size_t len, const char *name, char **err);

/*
 * The Kubernetes version embedded in a kubelet binary (len bytes of it):
 * the most frequent "v1.MINOR.PATCH" (MINOR 10-69) not preceded by a tab,
 * "@" or "/" (Go module versions in the build info and file paths), ties
 * going to the highest.  Returns a new string without the "v"
 * ("1.31.2"), or NULL when there is none.
 */
char *kube_version_scan(const char *data, size_t len);

/* RFC 7386 JSON merge patch: returns the patched target (a new reference). */
json_t *kube_merge_patch(json_t *target, json_t *patch);

/* Look up a dotted path of object keys ("authentication.x509.clientCAFile"). */
json_t *kube_get_path(json_t *obj, const char *path);

#endif
