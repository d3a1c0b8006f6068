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
	char *argv_error;	/* why argv is empty (cmdline over the cap), or NULL */
};

/*
 * Fill *out with every process whose executable basename is one of names
 * (NULL-terminated), in pid order.  Returns the count, or -1 with *err set
 * when ROOT/proc cannot be listed (for example an unpacked image: no
 * processes, which callers treat as "not running").
 */
int proc_find(const struct rootfs *r, const char *const *names,
	      struct proc_info **out, size_t *n, char **err);
void proc_info_release(struct proc_info *p);
void proc_info_free_all(struct proc_info *v, size_t n);

/*
 * {"pid":..,"exe":..,"comm":..,"argv":[..],"uid":.., "argv_error"?: ..} as a
 * new reference.
 */
json_t *proc_info_json(const struct proc_info *p);

#endif
