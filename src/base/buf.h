/*
 * buf: a growable byte buffer with a mandatory size cap.
 *
 * Untrusted input (a daemon.json, an Engine API body) is read into a buf so
 * that a huge or endless source hits the cap instead of exhausting memory.
 * The data is always NUL-terminated; len excludes the terminator.
 *
 *	struct buf b;
 *	buf_init(&b, 1 << 20);
 *	if (buf_add(&b, p, n) < 0)
 *		... over the cap: b is unchanged ...
 *	buf_release(&b);
 *
 * A buf with a sink (buf_init_sink) streams: whenever BUF_SINK_CHUNK bytes
 * are held they are handed to the sink and dropped, so a report of any
 * size costs one chunk of memory.  The cap then counts every byte added;
 * data holds only what has not been handed on yet, so a writer must never
 * read back what it wrote.
 */
#ifndef BOXAUDIT_BUF_H
#define BOXAUDIT_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap;	/* largest len allowed (counting sunk bytes, with a sink) */
	/* Optional: where full chunks go (0, or -1 with errno set). */
	int (*sink)(void *arg, const char *p, size_t n);
	void *sink_arg;
	size_t sunk;		/* bytes already handed to the sink */
	int sink_errno;		/* why the sink failed, or 0 */
};

#define BUF_SINK_CHUNK (64 * 1024)

#define BUF_WUR __attribute__((warn_unused_result))

void buf_init(struct buf *b, size_t cap);
/* A streaming buf: see above.  Call buf_flush at the end. */
void buf_init_sink(struct buf *b, size_t cap, int (*sink)(void *arg, const char *p, size_t n),
		   void *arg);
/* Hand what is held to the sink: 0, or -1 (b->sink_errno says why). */
int buf_flush(struct buf *b) BUF_WUR;
/*
 * Append; return -1 (adding nothing) when the cap would be exceeded or the
 * sink failed (then sink_errno is set).
 */
int buf_add(struct buf *b, const void *p, size_t n) BUF_WUR;
int buf_addstr(struct buf *b, const char *s) BUF_WUR;
int buf_addf(struct buf *b, const char *fmt, ...) BUF_WUR __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
/* Free the contents; b may be reused after buf_init. */
void buf_release(struct buf *b);
/*
 * Append the file at path ("-" for standard input) to b, at most b->cap
 * bytes in all.  For the operator's own files (definitions, waivers,
 * reports); host files go through rootfs.  Returns 0, -1 when the file
 * cannot be opened or read (errno says why), -2 when it is over the cap.
 */
int buf_read_file(struct buf *b, const char *path) BUF_WUR;
/* Hand the data to the caller (who frees it) and reset b. */
char *buf_detach(struct buf *b, size_t *len);

#endif
