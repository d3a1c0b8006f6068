/*
 * atomic: write a file so that readers see the old or the new contents,
 * never half of either: a temporary file beside it, fsync, then rename.
 * "-" writes to standard output.  A path that is not a regular file
 * (/dev/null, a FIFO, /dev/stdout) is written in place: renaming over it
 * would replace the device with a file.  A symlink is followed, so the
 * file it names is replaced, not the link.
 */
#ifndef BOXAUDIT_ATOMIC_H
#define BOXAUDIT_ATOMIC_H

#include <stddef.h>

/* Returns 0, or -1 with *err (the caller frees) and path untouched. */
int atomic_write(const char *path, const char *data, size_t len, char **err);

#endif
