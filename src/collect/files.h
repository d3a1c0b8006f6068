/*
 * collect_files: stat files and walk directories of the audited root into
 * facts.files and facts.dirs (docs/FACTS.md "FILE" and "DIR").
 *
 * Owner and group names come from struct users (the audited root's own
 * /etc/passwd and /etc/group).  Paths that rootfs refuses (they lead
 * outside the audited root) get an "error" and are also listed in the
 * top-level "refused" array.
 */
#ifndef BOXAUDIT_COLLECT_FILES_H
#define BOXAUDIT_COLLECT_FILES_H

#include <sys/stat.h>
#include <jansson.h>
#include "base/limits.h"
#include "collect/collector.h"
#include "collect/users.h"


/*
 * The FILE object for path as a new reference: path, exists, type, mode,
 * uid, gid, owner, group (null when unnamed) and "source": "stat:PATH".
 * st is what rootfs_stat returned; "link" is the caller's to add.
 */
json_t *file_fact(const char *path, const struct stat *st, const struct users *u);

/* Name of the file type of m: "file", "directory", "symlink", ... */
const char *file_type_name(mode_t m);

/*
 * Set facts.files[PATH] for each of paths[0..n) not already there.
 * Returns the number of paths recorded (errors are recorded too).
 */
int collect_files(struct collect_ctx *ctx, const struct users *u,
		  const char *const *paths, size_t n);

/* Set facts.dirs[DIR] for each of dirs[0..n) not already there. */
int collect_dirs(struct collect_ctx *ctx, const struct users *u,
		 const char *const *dirs, size_t n);

/* collect_dirs with another entry limit than DIR_MAX_ENTRIES (tests). */
int collect_dirs_limit(struct collect_ctx *ctx, const struct users *u,
		       const char *const *dirs, size_t n, size_t max_entries);

#endif
