/*
 * rootfs_write: change files inside an audited image root (remediate
 * --apply), under the containment rules of reading (rootfs.h) and
 * stricter ones:
 *
 *  - every path is resolved inside the root opened by rootfs_open: each
 *    component is opened with O_NOFOLLOW, an intermediate symlink is
 *    followed only inside the root (absolute targets re-anchored at it), a
 *    ".." that would climb above the root is refused (EXDEV);
 *  - the final component is never followed: a symlink there is refused
 *    (ELOOP), so nothing is ever written through a link boxaudit did not
 *    create, and only regular files are replaced;
 *  - a file is replaced atomically: a temporary file beside it (O_EXCL,
 *    O_NOFOLLOW), fsync, renameat; it keeps the mode and owner of the file
 *    it replaces;
 *  - the live root is refused: rootfs_write_check fails for a root that is
 *    the running system's "/" (same device and inode), whatever its name.
 *
 * Every function returns 0, or -1 with errno set and *err a new message.
 */
#ifndef BOXAUDIT_ROOTFS_WRITE_H
#define BOXAUDIT_ROOTFS_WRITE_H

#include <stddef.h>
#include <sys/types.h>
#include "collect/rootfs.h"

/* 0 when r may be written to: it is not the running system's root. */
int rootfs_write_check(const struct rootfs *r, char **err);

/*
 * Replace (or create, with mode new_mode and owner 0:0) the regular file
 * at path with len bytes of data.
 */
int rootfs_write_file(const struct rootfs *r, const char *path, const char *data, size_t len,
		      mode_t new_mode, char **err);

/* Create the directory path (its parent must exist); an existing directory is fine. */
int rootfs_mkdir(const struct rootfs *r, const char *path, mode_t mode, char **err);

/* chmod / chown path itself (a file, directory or socket; never a symlink). */
int rootfs_chmod(const struct rootfs *r, const char *path, mode_t mode, char **err);
int rootfs_chown(const struct rootfs *r, const char *path, uid_t uid, gid_t gid, char **err);

/* lstat of path itself, resolved as above; ENOENT when it does not exist. */
int rootfs_lstat(const struct rootfs *r, const char *path, struct stat *st, char **err);

#endif
