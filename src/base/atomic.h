/*
 * atomic: write a report file so that readers see the old or the new
 * contents, never half of either: a temporary file of our own beside it
 * (O_EXCL, never opened through a link), fsync, then rename over the name.
 *
 * boxaudit runs as root and writes where the operator says, often into
 * directories other users can write.  So:
 * - A symlink named as the output is refused, not followed: boxaudit never
 *   writes through a link it did not create.  Symlinks on the way to the
 *   file's directory are followed only where another user could not have
 *   planted them (the kernel's protected_symlinks rule: in a sticky,
 *   world-writable directory, only our own or the directory owner's).
 * - An existing entry that belongs to another user in a sticky directory
 *   (/tmp) is refused, never replaced or written.
 * - A FIFO or character device named directly (-o /dev/null) is written in
 *   place: renaming over it would replace the device with a file.  Block
 *   devices and sockets are refused.
 * - "-", /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N write to
 *   that descriptor.
 */
#ifndef BOXAUDIT_ATOMIC_H
#define BOXAUDIT_ATOMIC_H

#include <stddef.h>

/* Returns 0, or -1 with *err (the caller frees) and path untouched. */
int atomic_write(const char *path, const char *data, size_t len, char **err);

/*
 * The same in pieces, for a report streamed as it is rendered:
 *
 *	struct atomic_file f;
 *	if (atomic_open(&f, path, &err) < 0)
 *		... nothing was created ...
 *	atomic_add(&f, p, n);			(as often as needed)
 *	if (atomic_commit(&f, &err) < 0)	(or atomic_abort: path untouched)
 *		... path untouched, the temporary file removed ...
 *
 * A descriptor or device written in place ("-", a FIFO) gets the bytes as
 * they come: there is nothing to rename.
 */
struct atomic_file {
	int fd;		/* where the bytes go */
	int dir;	/* the directory of path, or -1 */
	int own_fd;	/* fd is ours to close */
	int err_no;	/* the first write error, or 0 */
	char *path, *base, *tmp;	/* tmp: the temporary name in dir, or NULL */
};

int atomic_open(struct atomic_file *f, const char *path, char **err);
/* 0, or -1 (the error is kept and reported by atomic_commit). */
int atomic_add(struct atomic_file *f, const void *p, size_t n);
int atomic_commit(struct atomic_file *f, char **err);
void atomic_abort(struct atomic_file *f);

/* Write all of p to fd, again after EINTR and short writes; 0, or -1 with errno. */
int atomic_write_all(int fd, const char *p, size_t len);

#endif
