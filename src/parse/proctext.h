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

/*
 * Split a cmdline file (NUL-separated words; the last may lack its NUL)
 * into a new NULL-terminated array of new strings; *argc is its length.
 */
char **proc_split_argv(const char *data, size_t len, size_t *argc);

#endif
