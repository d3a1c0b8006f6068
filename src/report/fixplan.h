/*
 * fixplan: what configuration can change to fix a report's failing
 * checks, built from the report document alone (checks/README.md
 * "Fixes"): each check carries its rule's fix block, its findings say
 * which file, setting or path failed and where the value came from, and
 * the report's "context" holds the daemon.json, kubelet configuration and
 * units the values came from.
 *
 * The plan is a JSON object (docs/REPORTS.md "Fix plans"):
 *   {"daemon_json": {"path", "exists", "content" | null, "patch", "merged" | null, "keys": {KEY: [CHECK...]}},
 *    "kubelet": {"config_dir" | null, "dropin" | null, "patch", "fields": {FIELD: [CHECK...]}},
 *    "audit": [{"path", "perm", "key", "checks": [...]}],
 *    "files": [{"op": "chown" | "chmod", "path", "owner" | "mode", "checks": [...]}],
 *    "fixes": [{"check": "BENCH:ID", "benchmark", "id", "title", "mechanisms": [...]}],
 *    "notes": [{"kind", "check", "title", "text", "targets": [...]}],
 *    "report": {"hostname", "root", "live", "collected_at"}}
 * where a check is listed in "fixes" only when every failing finding of
 * it has an action; anything else is a note (a flag to change in a unit,
 * a container to re-create, an image to rebuild).
 */
#ifndef BOXAUDIT_FIXPLAN_H
#define BOXAUDIT_FIXPLAN_H

#include <jansson.h>
#include "base/buf.h"

#define FIXPLAN_DROPIN_NAME "90-boxaudit.conf"
#define FIXPLAN_AUDIT_RULES "/etc/audit/rules.d/boxaudit.rules"

/* A new plan, or NULL with *err when doc is not a boxaudit report. */
json_t *fixplan_build(const json_t *doc, char **err);

/*
 * The plan's files, as a new object {NAME: TEXT}: daemon.json,
 * daemon.json.patch, 90-boxaudit.conf, boxaudit.rules, fix.sh, NOTES.md
 * and plan.json, each only when it has something to say (NOTES.md and
 * plan.json always).
 */
json_t *fixplan_files(const json_t *plan);

/* The kubelet drop-in for patch (fields as nested objects), commented with the checks. */
char *fixplan_dropin_text(const json_t *patch, const json_t *fields);
/* boxaudit.rules holding rules (plan "audit" entries) after the lines of existing (or NULL). */
char *fixplan_audit_text(const json_t *rules, const char *existing);
/* A shell word for path: single-quoted, with ' as '\''; NULL when path cannot be one line. */
char *fixplan_shell_quote(const char *path);

#endif
