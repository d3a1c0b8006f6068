/*
 * collect_host: the host's mounts and auditd rules, into facts.mounts and
 * facts.audit (docs/FACTS.md "MOUNTS" and "AUDIT").
 */
#ifndef BOXAUDIT_COLLECT_HOST_H
#define BOXAUDIT_COLLECT_HOST_H

#include <stddef.h>
#include <jansson.h>
#include "collect/collector.h"

#define DOCKER_DEFAULT_ROOT "/var/lib/docker"

/*
 * Read ROOT/proc/1/mountinfo (or ROOT/proc/self/mountinfo) and set
 * facts.mounts, with docker_root from docker.daemon.settings["data-root"]
 * (collected before) or the default.  Like dockerd, the data root's
 * symlinks are resolved (inside the root) before its mount is looked up;
 * docker_root then has "resolved" next to "path" as configured.  Returns
 * 0, or -1 when no mountinfo could be read (facts.mounts is then
 * {"error": ...}).
 */
int collect_mounts(struct collect_ctx *ctx);

/*
 * Parse /etc/audit/audit.rules and /etc/audit/rules.d/ *.rules (in
 * lexical order) and set facts.audit.  Returns 0, or -1 when rules files
 * exist but none could be read (facts.audit is then {"error": ...}).
 */
int collect_audit(struct collect_ctx *ctx);

#endif
