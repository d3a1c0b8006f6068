/*
 * proc: find processes by executable name under ROOT/proc and read them.
 *
 * A process is matched by the basename of /proc/PID/exe (falling back to
 * /proc/PID/comm when exe is unreadable), never by its command line, so a
 * "grep dockerd" or a "/tmp/dockerd-fake" is not taken for the daemon.
 * Reads are bounded: argv is capped at PROC_ARGV_CAP bytes.  A process that
 * exits while being read is skipped.  All strings of a proc_info are owned
 * by it and freed by proc_info_release.
 */
#ifndef BOXAUDIT_PROC_H
#define BOXAUDIT_PROC_H

#include <sys/types.h>
#include <jansson.h>
#include "base/limits.h"
#include "collect/rootfs.h"


struct proc_info {
	pid_t pid;
	char *exe;	/* target of /proc/PID/exe ("" if unreadable) */
	char *comm;	/* /proc/PID/comm */
	char **argv;	/* NULL-terminated */
	size_t argc;
	uid_t uid;	/* real uid from /proc/PID/status */
	uid_t euid;	/* effective uid */
	char *argv_error;	/* why argv is empty (cmdline over the cap), or NULL */
	char *pid_ns, *mnt_ns;	/* "pid:[4026531836]" from /proc/PID/ns, or NULL when unreadable */
	char *cgroup;		/* /proc/PID/cgroup, or NULL */
};

/*
 * Fill *out with every process whose executable basename is one of names
 * (NULL-terminated), in pid order.  Returns the count, or -1 with *err set
 * when ROOT/proc cannot be listed (for example an unpacked image: no
 * processes, which callers treat as "not running").
 */
int proc_find(const struct rootfs *r, const char *const *names,
	      struct proc_info **out, size_t *n, char **err);
/*
 * Whether p is one of names by the rule proc_find matches with (the
 * basename of its exe, or its comm when exe is unreadable): for callers
 * that look for several names in one scan and sort the results.
 */
int proc_is_named(const struct proc_info *p, const char *const *names);
void proc_info_release(struct proc_info *p);
void proc_info_free_all(struct proc_info *v, size_t n);

/*
 * {"pid":..,"exe":..,"comm":..,"argv":[..],"uid":.., "argv_error"?: ..} as a
 * new reference.
 */
json_t *proc_info_json(const struct proc_info *p);

/*
 * {NAME: VALUE} of /proc/PID/environ (bounded; not for the facts: values
 * may be secrets), only the variables PREFIX_* when prefix is not NULL.
 */
json_t *proc_environ(const struct rootfs *r, pid_t pid, const char *prefix);

/*
 * Which of several processes of one name is the host's service.  A name is
 * no evidence: anyone can run a binary called dockerd.  Only what an
 * unprivileged user cannot forge counts (docs/SECURITY.md):
 * - it runs as root (real and effective uid 0), in the pid and mount
 *   namespaces of the host's init (/proc/1/ns; boxaudit's own on a live
 *   audit where init's cannot be read), from an executable that no
 *   non-root user can write (the file and every directory above it);
 *   otherwise it is rejected, whatever else it claims;
 * - then, strongest first: it serves the socket boxaudit talks to
 *   (SO_PEERCRED of the Engine API socket), it is in the service's own
 *   cgroup (/system.slice/UNIT, which only root can place it in), a pid
 *   file that only root can write holds its pid.
 * The candidate with the strongest evidence is chosen; when several share
 * it, none is: the caller reports them all.  A non-root process never
 * outranks a root one.
 */
struct proc_service {
	const char *unit;		/* "docker.service" */
	const char *const *pidfiles;	/* pid files the service writes by default, or NULL */
	/* The pid file a candidate's own command line names, as a new string, or NULL. */
	char *(*pidfile_of)(const struct proc_info *p);
	pid_t socket_peer;		/* the process serving the audited socket, or 0 */
	const char *socket;		/* that socket, for the record */
	int peer_may_be_unprivileged;	/* the operator named the socket: a rootless daemon counts */
	/*
	 * The service is not configured to run as root (no system unit): a
	 * non-root process (a rootless daemon) may be chosen when no root one
	 * is, and is recorded as such.
	 */
	int unprivileged_when_alone;
};

/*
 * Returns the index of the host's process in procs, -1 when no candidate
 * can be trusted (or there is none), -2 when several are equally likely.
 * *record (a new object) says for every candidate why it was accepted or
 * rejected: {"candidates": [{"pid", "uid", "exe", "accepted", "reason" |
 * "evidence": [...]}], "chosen": PID | null, "identified_by": [...],
 * "ambiguous": [PID, ...] (only on -2)}.
 */
int proc_identify(const struct rootfs *r, int live, const struct proc_info *procs, size_t n,
		  const struct proc_service *svc, json_t **record);

/*
 * Append to notes (an array of strings) one sentence per candidate of the
 * record that was not taken for the host's service named what.
 */
void proc_note_rejected(json_t *notes, const char *what, const json_t *record);

/*
 * The pid of the process listening on the unix socket at path (this
 * host's, live audits only), from SO_PEERCRED; 0 when it cannot be told.
 */
pid_t proc_socket_peer(const char *path);

#endif
