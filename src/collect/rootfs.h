/*
 * rootfs: read files of the audited host, never leaving its root.  Every
 * host read of every collector goes through here.
 *
 * Every path is absolute and interpreted inside the root directory given
 * to rootfs_open (like chroot): absolute symlinks are re-anchored at the
 * root, and a ".." that would climb above the root is refused with EXDEV.
 * The kernel never follows a link for us (each component is opened with
 * O_NOFOLLOW), so procfs magic links cannot lead out either, and ".." is
 * never asked of the kernel: the resolver keeps the directories it entered
 * and returns to the previous one, so a directory renamed out of the root
 * while a path is resolved cannot take the resolution with it.
 *
 * All functions return 0 (or an fd) on success, and -1 with errno set and
 * *err a new message the caller frees on failure.  ENOENT means the file
 * does not exist; EXDEV means the path was refused.
 */
#ifndef BOXAUDIT_ROOTFS_H
#define BOXAUDIT_ROOTFS_H

#include <sys/stat.h>
#include <stddef.h>
#include "base/buf.h"
#include "base/limits.h"

/* One path refused with EXDEV and the message that said so. */
struct rootfs_refusal {
	char *path;
	char *reason;
};

struct rootfs_refusals {
	struct rootfs_refusal *v;
	size_t n, alloc;
};

struct rootfs {
	int fd;		/* O_PATH descriptor of the root directory */
	char *dir;	/* as given, for messages */
	/*
	 * Every path refused so far (EXDEV), in order and without repeats, so
	 * that the report can list them whatever collector asked.  Owned by
	 * the rootfs, freed by rootfs_close.
	 */
	struct rootfs_refusals *refused;
};


int rootfs_open(struct rootfs *r, const char *dir, char **err);
void rootfs_close(struct rootfs *r);

/* stat PATH; follow says whether a final symlink is followed. */
int rootfs_stat(const struct rootfs *r, const char *path, int follow,
		struct stat *st, char **err);

/*
 * Read the regular file at PATH into out (initialised by the caller; its
 * cap is replaced by cap).  FIFOs, sockets and devices are refused without
 * being opened for reading, so they never block.  A file larger than cap
 * is an error (EFBIG), not a truncated read.
 */
int rootfs_read(const struct rootfs *r, const char *path, size_t cap,
		struct buf *out, char **err);

/* Whether PATH exists (stat, a final symlink followed); an error is "no". */
int rootfs_exists(const struct rootfs *r, const char *path);

/* Read the target of the symlink PATH (not followed) into a new string. */
int rootfs_readlink(const struct rootfs *r, const char *path, char **target,
		    char **err);

/* Sorted names in the directory PATH, without "." and "..". */
int rootfs_listdir(const struct rootfs *r, const char *path, char ***names,
		   size_t *n, char **err);
void rootfs_free_list(char **names, size_t n);

/* Join a directory and a name into a new string ("/" + "x" = "/x"). */
char *path_join(const char *dir, const char *name);

#endif
