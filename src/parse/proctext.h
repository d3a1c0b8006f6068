/*
 * proctext: the text of /proc/PID files, parsed (proc(5)).
 *
 * Pure: the caller reads the files (collect/proc.h).
 */
#ifndef BOXAUDIT_PROCTEXT_H
#define BOXAUDIT_PROCTEXT_H

#include <stddef.h>
#include <sys/types.h>

/* The real uid of a status file: the first number of its "Uid:" line.  0, or -1. */
int proc_status_uid(const char *status, uid_t *uid);
/* The state letter of a status file's "State:" line ('R', 'S', 'Z', ...), or 0. */
char proc_status_state(const char *status);
/* The effective uid: the second number of the "Uid:" line.  0, or -1. */
int proc_status_euid(const char *status, uid_t *euid);

/*
 * Is the process, by its /proc/PID/cgroup text, in the cgroup at path
 * ("/system.slice/docker.service") of any hierarchy (v2 "0::PATH", or a
 * v1 "N:CONTROLLERS:PATH")?  Only root can place a process there.
 */
int proc_cgroup_in(const char *cgroup, const char *path);

/*
 * Split a cmdline file (NUL-separated words; the last may lack its NUL)
 * into a new NULL-terminated array of new strings; *argc is its length.
 */
char **proc_split_argv(const char *data, size_t len, size_t *argc);

#endif
