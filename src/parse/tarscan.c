#include "config.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "parse/tarscan.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define BLOCK 512

enum { S_HEADER, S_ZERO, S_DATA, S_END, S_ERROR };

/* ustar header layout */
#define H_NAME 0
#define H_MODE 100
#define H_SIZE 124
#define H_CHKSUM 148
#define H_TYPE 156
#define H_MAGIC 257
#define H_PREFIX 345

static void fail(struct tarscan *ts, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct tarscan *ts, const char *fmt, ...)
{
	if (!ts->error) {
		va_list ap;
		va_start(ap, fmt);
		ts->error = xvasprintf(fmt, ap);
		va_end(ap);
	}
	ts->state = S_ERROR;
}

void tarscan_init(struct tarscan *ts, size_t max_files)
{
	memset(ts, 0, sizeof(*ts));
	ts->max_files = max_files;
	ts->state = S_HEADER;
}

void tarscan_release(struct tarscan *ts)
{
	for (size_t i = 0; i < ts->nfiles; i++)
		free(ts->files[i].path);
	free(ts->files);
	free(ts->error);
	free(ts->ext);
	free(ts->next_name);
	memset(ts, 0, sizeof(*ts));
}

/* An octal field, spaces and NULs trimmed at both ends (as Go and GNU tar read them). */
static int parse_octal(const unsigned char *f, size_t n, uint64_t *out)
{
	size_t a = 0, b = n;
	while (a < b && (f[a] == ' ' || f[a] == '\0'))
		a++;
	while (b > a && (f[b - 1] == ' ' || f[b - 1] == '\0'))
		b--;
	uint64_t v = 0;
	for (size_t i = a; i < b; i++) {
		if (f[i] < '0' || f[i] > '7' || v > (UINT64_MAX >> 3))
			return -1;
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	*out = v;
	return 0;
}

/* Octal, or GNU base-256 (high bit set; negative numbers refused). */
static int parse_numeric(const unsigned char *f, size_t n, uint64_t *out)
{
	if (!(f[0] & 0x80))
		return parse_octal(f, n, out);
	if (f[0] & 0x40)
		return -1;
	uint64_t v = f[0] & 0x3f;
	for (size_t i = 1; i < n; i++) {
		if (v > (UINT64_MAX >> 8))
			return -1;
		v = (v << 8) | f[i];
	}
	*out = v;
	return 0;
}

static int all_zero(const unsigned char *p)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The stored checksum matches the unsigned (or, for old writers, the signed) sum. */
static int checksum_ok(const unsigned char *h)
{
	uint64_t want;
	if (parse_octal(h + H_CHKSUM, 8, &want) < 0)
		return 0;
	uint64_t usum = 0;
	int64_t ssum = 0;
	for (size_t i = 0; i < BLOCK; i++) {
		unsigned char c = (i >= H_CHKSUM && i < H_CHKSUM + 8) ? ' ' : h[i];
		usum += c;
		ssum += (signed char)c;
	}
	return want == usum || (int64_t)want == ssum;
}

/* "./a/b", "/a/b", "a/b/" -> "/a/b"; s is n raw bytes (stops at a NUL). */
static char *norm_path(const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	if (nul)
		n = (size_t)(nul - s);
	for (;;) {
		if (n >= 2 && s[0] == '.' && s[1] == '/') {
			s += 2;
			n -= 2;
		} else if (n >= 1 && s[0] == '/') {
			s++;
			n--;
		} else {
			break;
		}
	}
	while (n && s[n - 1] == '/')
		n--;
	char *p = xmalloc(n + 2);
	p[0] = '/';
	memcpy(p + 1, s, n);
	p[n + 1] = '\0';
	return p;
}

/* The entry's name: a pending long name or pax path, else ustar prefix/name. */
static char *entry_name(struct tarscan *ts)
{
	if (ts->next_name) {
		char *p = norm_path(ts->next_name, strlen(ts->next_name));
		free(ts->next_name);
		ts->next_name = NULL;
		return p;
	}
	const char *h = (const char *)ts->hdr;
	size_t nl = strnlen(h + H_NAME, 100);
	size_t pl = 0;
	if (!memcmp(h + H_MAGIC, "ustar\0", 6))
		pl = strnlen(h + H_PREFIX, 155);
	if (!pl)
		return norm_path(h + H_NAME, nl);
	char joined[155 + 1 + 100];
	memcpy(joined, h + H_PREFIX, pl);
	joined[pl] = '/';
	memcpy(joined + pl + 1, h + H_NAME, nl);
	return norm_path(joined, pl + 1 + nl);
}

static void record(struct tarscan *ts, unsigned mode)
{
	char *path = entry_name(ts);
	ts->found++;
	if (ts->nfiles >= ts->max_files) {
		ts->truncated = 1;
		free(path);
		return;
	}
	ALLOC_GROW(ts->files, ts->nfiles + 1, ts->alloc);
	ts->files[ts->nfiles].path = path;
	ts->files[ts->nfiles].mode = mode;
	ts->nfiles++;
}

/* Set up skipping (or capturing, kind 'L'/'x') size bytes of data and padding. */
static void start_data(struct tarscan *ts, uint64_t size, int kind)
{
	ts->data_size = size;
	ts->data_left = (size + BLOCK - 1) / BLOCK * BLOCK;
	ts->ext_kind = kind;
	if (kind) {
		free(ts->ext);
		ts->ext = xmalloc((size_t)size + 1);
		ts->ext_len = 0;
		ts->ext_cap = (size_t)size;
	}
	ts->state = ts->data_left ? S_DATA : S_HEADER;
}

/* Parse "LEN key=value\n" records; remembers path= and size= for the next entry. */
static void parse_pax(struct tarscan *ts, uint64_t at)
{
	const char *p = ts->ext, *end = ts->ext + ts->ext_len;
	while (p < end) {
		size_t len = 0, i = 0;
		while (p + i < end && p[i] >= '0' && p[i] <= '9' && i < 9)
			len = len * 10 + (size_t)(p[i++] - '0');
		if (!i || p + i >= end || p[i] != ' ' || len <= i + 1 || len > (size_t)(end - p) ||
		    p[len - 1] != '\n') {
			fail(ts, "malformed pax record in the tar header at byte %llu",
			     (unsigned long long)at);
			return;
		}
		const char *kv = p + i + 1, *rec_end = p + len - 1;
		const char *eq = memchr(kv, '=', (size_t)(rec_end - kv));
		if (!eq || eq == kv) {
			fail(ts, "malformed pax record in the tar header at byte %llu",
			     (unsigned long long)at);
			return;
		}
		size_t klen = (size_t)(eq - kv), vlen = (size_t)(rec_end - eq - 1);
		const char *v = eq + 1;
		if (klen == 4 && !memcmp(kv, "path", 4)) {
			free(ts->next_name);
			ts->next_name = NULL;
			if (vlen > TARSCAN_NAME_MAX) {
				fail(ts, "pax path of %zu bytes exceeds %d bytes at byte %llu", vlen,
				     TARSCAN_NAME_MAX, (unsigned long long)at);
				return;
			}
			if (vlen)
				ts->next_name = xstrndup(v, vlen);
		} else if (klen == 4 && !memcmp(kv, "size", 4)) {
			uint64_t s = 0;
			int ok = vlen > 0 && vlen <= 19;
			for (size_t k = 0; ok && k < vlen; k++) {
				if (v[k] < '0' || v[k] > '9')
					ok = 0;
				else
					s = s * 10 + (uint64_t)(v[k] - '0');
			}
			if (!ok || s > TARSCAN_SIZE_MAX) {
				fail(ts, "invalid pax size in the tar header at byte %llu",
				     (unsigned long long)at);
				return;
			}
			ts->next_size = s;
			ts->next_size_set = 1;
		}
		p += len;
	}
}

/* Captured extension data is complete: turn it into the next entry's name or size. */
static void finish_ext(struct tarscan *ts)
{
	uint64_t at = ts->offset;
	int kind = ts->ext_kind;
	ts->ext_kind = 0;
	ts->ext[ts->ext_len] = '\0';
	if (kind == 'L') {
		free(ts->next_name);
		size_t n = strnlen(ts->ext, ts->ext_len);
		ts->next_name = n ? xstrndup(ts->ext, n) : NULL;
	} else {
		parse_pax(ts, at);
	}
	free(ts->ext);
	ts->ext = NULL;
	ts->ext_len = ts->ext_cap = 0;
}

static void process_header(struct tarscan *ts)
{
	const unsigned char *h = ts->hdr;
	uint64_t at = ts->offset - BLOCK;
	if (all_zero(h)) {
		if (ts->state == S_ZERO)
			ts->state = S_END;
		else
			ts->state = S_ZERO;
		return;
	}
	if (ts->state == S_ZERO) {
		fail(ts, "invalid end of tar archive at byte %llu: a lone zero block",
		     (unsigned long long)at);
		return;
	}
	if (!checksum_ok(h)) {
		fail(ts, "bad tar header checksum at byte %llu", (unsigned long long)at);
		return;
	}
	uint64_t size, mode;
	if (parse_numeric(h + H_SIZE, 12, &size) < 0 || size > TARSCAN_SIZE_MAX) {
		fail(ts, "invalid size field in the tar header at byte %llu", (unsigned long long)at);
		return;
	}
	if (parse_numeric(h + H_MODE, 8, &mode) < 0) {
		fail(ts, "invalid mode field in the tar header at byte %llu", (unsigned long long)at);
		return;
	}
	char type = (char)h[H_TYPE];
	switch (type) {
	case 'L':
		if (size > TARSCAN_NAME_MAX) {
			fail(ts, "GNU long name of %llu bytes exceeds %d bytes at byte %llu",
			     (unsigned long long)size, TARSCAN_NAME_MAX, (unsigned long long)at);
			return;
		}
		start_data(ts, size, 'L');
		break;
	case 'x':
		if (size > TARSCAN_PAX_MAX) {
			fail(ts, "pax header of %llu bytes exceeds %zu bytes at byte %llu",
			     (unsigned long long)size, TARSCAN_PAX_MAX, (unsigned long long)at);
			return;
		}
		start_data(ts, size, 'x');
		break;
	case 'g':	/* pax global header */
	case 'K':	/* GNU long link name */
		start_data(ts, size, 0);
		break;
	default: {
		ts->entries++;
		if (ts->next_size_set)
			size = ts->next_size;
		ts->next_size_set = 0;
		int regular = type == '0' || type == '\0' || type == '7' || type == '1';
		if (regular && (mode & 06000))
			record(ts, (unsigned)(mode & 07777));
		free(ts->next_name);
		ts->next_name = NULL;
		/* Header-only types carry no data whatever the size field says (Go's reader). */
		if (type >= '1' && type <= '6')
			size = 0;
		start_data(ts, size, 0);
		break;
	}
	}
	if (ts->state == S_HEADER && ts->ext_kind)
		finish_ext(ts);
}

int tarscan_feed(struct tarscan *ts, const void *data, size_t n)
{
	const unsigned char *p = data;
	while (n) {
		switch (ts->state) {
		case S_END:
			ts->offset += n;
			return 1;
		case S_ERROR:
			return -1;
		case S_HEADER:
		case S_ZERO: {
			size_t k = BLOCK - ts->hdr_fill;
			if (k > n)
				k = n;
			memcpy(ts->hdr + ts->hdr_fill, p, k);
			ts->hdr_fill += k;
			ts->offset += k;
			p += k;
			n -= k;
			if (ts->hdr_fill == BLOCK) {
				ts->hdr_fill = 0;
				process_header(ts);
			}
			break;
		}
		case S_DATA: {
			size_t k = ts->data_left < n ? (size_t)ts->data_left : n;
			if (ts->ext_kind) {
				uint64_t padded = (ts->data_size + BLOCK - 1) / BLOCK * BLOCK;
				uint64_t done = padded - ts->data_left;
				if (done < ts->data_size) {
					size_t m = (size_t)(ts->data_size - done);
					if (m > k)
						m = k;
					memcpy(ts->ext + ts->ext_len, p, m);
					ts->ext_len += m;
				}
			}
			ts->data_left -= k;
			ts->offset += k;
			p += k;
			n -= k;
			if (!ts->data_left) {
				ts->state = S_HEADER;
				if (ts->ext_kind)
					finish_ext(ts);
			}
			break;
		}
		}
	}
	return ts->state == S_ERROR ? -1 : ts->state == S_END ? 1 : 0;
}

int tarscan_finish(struct tarscan *ts)
{
	switch (ts->state) {
	case S_ERROR:
		return -1;
	case S_END:
	case S_ZERO:	/* one zero block then EOF: accepted, as GNU tar and Go do */
		return 0;
	case S_DATA:
		fail(ts, "tar stream ends inside an entry's data at byte %llu",
		     (unsigned long long)ts->offset);
		return -1;
	default:
		if (ts->hdr_fill)
			fail(ts, "tar stream ends inside a header at byte %llu",
			     (unsigned long long)ts->offset);
		else
			fail(ts, "tar stream ends without the end-of-archive marker at byte %llu",
			     (unsigned long long)ts->offset);
		return -1;
	}
}
