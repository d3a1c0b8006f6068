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

#endif
