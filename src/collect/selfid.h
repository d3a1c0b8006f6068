/*
 * selfid: the Docker container boxaudit itself runs in, if any.
 *
 * In container mode (docs/FLEET.md) the auditor is one of the containers
 * it audits.  Its id is read from this process's own /proc (never from
 * the audited root): the source of the /etc/hostname, /etc/hosts or
 * /etc/resolv.conf bind mount in mountinfo (".../containers/<ID>/...",
 * which works with cgroup namespaces too), else a cgroup path
 * ("/docker/<ID>", "docker-<ID>.scope").  Ids are 64 lowercase hex digits.
 * All functions return a new string the caller frees, or NULL.
 */
#ifndef BOXAUDIT_SELFID_H
#define BOXAUDIT_SELFID_H

/* From the text of a mountinfo file. */
char *selfid_from_mountinfo(const char *text);
/* From the text of a /proc/PID/cgroup file. */
char *selfid_from_cgroup(const char *text);
/* This process's container id; *how (static string) names where it came from. */
char *selfid_detect(const char **how);

#endif
