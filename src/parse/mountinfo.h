/*
 * mountinfo: the kernel's /proc/PID/mountinfo text (proc(5)), parsed, and
 * the mount that holds a path.  Pure: collect/host.h reads the file.
 */
#ifndef BOXAUDIT_MOUNTINFO_H
#define BOXAUDIT_MOUNTINFO_H

#include <stddef.h>
#include <jansson.h>

/*
 * Parse mountinfo text (proc(5)); append entry objects to entries and
 * "SOURCE:LINE: reason" strings to errors (both borrowed).
 */
void mountinfo_parse(const char *source, const char *text, size_t len,
		     json_t *entries, json_t *errors);

/*
 * The docker_root object for data-root path over parsed entries, as a new
 * reference: {"path", "mount_point", "device", "fstype", "separate",
 * "source"} (the mount holding path), or {"path", "error", "source"}
 * when no mount covers the path.
 */
json_t *mounts_docker_root(const json_t *entries, const char *path, const char *source);

#endif
