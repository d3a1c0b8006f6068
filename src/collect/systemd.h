/*
 * systemd: resolve a unit the way systemd does, and derive its ExecStart.
 *
 * The unit file is the first of /etc/systemd/system, /run/systemd/system,
 * /usr/local/lib/systemd/system (where RKE2's tarball installs its units),
 * /usr/lib/systemd/system and /lib/systemd/system that has it (a symlink to
 * /dev/null means masked).  Drop-ins are NAME.d/ *.conf from all of those
 * directories, a later directory's file of the same name shadowed by an
 * earlier one, applied in lexical order of file name.  Directives keep
 * systemd's semantics: an empty ExecStart= resets the list, Environment=
 * and EnvironmentFile= accumulate (a leading "-" makes the file optional),
 * and $VAR / ${VAR} in ExecStart are expanded ($VAR splits into words).
 */
#ifndef BOXAUDIT_SYSTEMD_H
#define BOXAUDIT_SYSTEMD_H

#include <jansson.h>
#include "collect/rootfs.h"

/*
 * Resolve UNIT (e.g. "docker.service") and return a new JSON object
 * (docs/FACTS.md, "systemd unit"):
 *   {"name", "exists", "path", "masked", "dropins": [paths],
 *    "exec_start": [argv words after expansion] or null,
 *    "exec_start_raw": "...", "environment": {K: V},
 *    "environment_files": [{"path", "optional", "exists", "error"?}],
 *    "listen_stream": [..] (sockets), "errors": [msgs with file:line]}
 * "environment" is Environment= then each EnvironmentFile= (parsed with
 * envfile_parse) in order, later assignments winning; it is what ExecStart
 * was expanded with.  An empty unit file is masked like a /dev/null link.
 * ExecStart prefixes (-@:+!) are stripped; "@" drops the argv[0] word.
 */
json_t *systemd_unit_collect(const struct rootfs *r, const char *unit);
/*
 * The same, and *raw_env (a new object) the environment before redaction,
 * for a caller that must read the values (etcd's ETCD_*) and keeps them
 * out of the facts.
 */
json_t *systemd_unit_collect_env(const struct rootfs *r, const char *unit, json_t **raw_env);

/*
 * The first error that leaves a collected unit's command line unknown (the
 * unit could not be looked up or read, a drop-in or EnvironmentFile= could
 * not be read or parsed), or NULL.  Borrowed from unit.
 */
const char *systemd_unit_error(const json_t *unit);

#endif
