#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/xalloc.h"

static char empty_buf[1];

void buf_init(struct buf *b, size_t cap)
{
	b->data = empty_buf;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
	b->sink = NULL;
	b->sink_arg = NULL;
	b->sunk = 0;
	b->sink_errno = 0;
}

void buf_init_sink(struct buf *b, size_t cap, int (*sink)(void *arg, const char *p, size_t n),
		   void *arg)
{
	buf_init(b, cap);
	b->sink = sink;
	b->sink_arg = arg;
}

int buf_flush(struct buf *b)
{
	if (b->sink_errno)
		return -1;
	if (!b->sink || !b->len)
		return 0;
	if (b->sink(b->sink_arg, b->data, b->len) < 0) {
		b->sink_errno = errno ? errno : EIO;
		return -1;
	}
	b->sunk += b->len;
	buf_reset(b);
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->sink_errno || b->sunk > b->cap || n > b->cap - b->sunk - b->len)
		return -1;
	if (b->sink && b->len + n > BUF_SINK_CHUNK) {
		/* Held bytes first, then a large piece straight through. */
		if (buf_flush(b) < 0)
			return -1;
		if (n > BUF_SINK_CHUNK) {
			if (b->sink(b->sink_arg, p, n) < 0) {
				b->sink_errno = errno ? errno : EIO;
				return -1;
			}
			b->sunk += n;
			return 0;
		}
	}
	if (b->len + n + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc : 256;
		while (want < b->len + n + 1)
			want *= 2;
		if (want > b->cap + 1)
			want = b->cap + 1;
		b->data = xrealloc(b->alloc ? b->data : NULL, want);
		b->alloc = want;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	int r = buf_addstr(b, s);
	free(s);
	return r;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->data[0] = '\0';
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->data);
	b->data = empty_buf;
	b->len = 0;
	b->alloc = 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->alloc ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	b->data = empty_buf;
	b->len = 0;
	b->alloc = 0;
	return p;
}

int buf_read_file(struct buf *b, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return -1;
	char chunk[65536];
	size_t got;
	int rc = 0;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, got) < 0) {
			rc = -2;
			break;
		}
	if (!rc && ferror(f)) {
		rc = -1;
		if (!errno)
			errno = EIO;
	}
	int e = errno;
	if (f != stdin)
		fclose(f);
	errno = e;
	return rc;
}
