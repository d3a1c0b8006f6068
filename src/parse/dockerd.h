/*
 * dockerd: the Docker daemon's effective configuration, from its command
 * line (parsed as dockerd's pflag does), daemon.json and Docker's defaults.
 *
 * Settings are keyed by daemon.json names ("hosts", "icc", "log-opts") and
 * hold {"value": V, "source": S}: "default", "daemon.json:KEY" or
 * "argv:FLAG" with the flag as written ("argv:-H").  Values are typed as in
 * daemon.json (bool, string, integer, array, object), except that
 * default-ulimits is normalised to {NAME: "SOFT:HARD"} from either form.
 * All json_t results are new references the caller decrefs.
 */
#ifndef BOXAUDIT_DOCKERD_H
#define BOXAUDIT_DOCKERD_H

#include <jansson.h>

#define DOCKERD_CONFIG_DEFAULT "/etc/docker/daemon.json"

struct dockerd_argv {
	json_t *settings;	/* {KEY: {"value", "source"}} set on the command line */
	json_t *unknown;	/* [{"flag": "--x", "value": "v" | null}] not in our table */
	json_t *errors;		/* ["..."]: what dockerd itself would reject */
};

/* Parse argv (a JSON array of strings; argv[0], the program, is skipped). */
void dockerd_parse_argv(const json_t *argv, struct dockerd_argv *out);
void dockerd_argv_release(struct dockerd_argv *a);

/*
 * Parse daemon.json text into a new object, or return NULL with *err set to
 * "'PATH':LINE:COLUMN: TEXT" (a syntax error, or a document that is not an
 * object).
 */
json_t *dockerd_load_config(const char *text, size_t len, const char *path, char **err);

/*
 * The effective settings: defaults, then file (may be NULL: no daemon.json),
 * then argv_settings (may be NULL).  A key in both argv and the file is
 * appended to *conflicts as {"key", "flag": "argv:..", "file": "daemon.json:.."}
 * and its setting (the argv value) carries "conflict": true.
 */
json_t *dockerd_merge(const json_t *argv_settings, const json_t *file, json_t **conflicts);

#endif
