#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "case_name.h"
#include "parse/tarscan.h"

/* ---- a tiny tar writer for crafted archives ---- */

struct tb {
	unsigned char *d;
	size_t n;
};

static unsigned char *tb_grow(struct tb *t, size_t k)
{
	t->d = realloc(t->d, t->n + k);
	assert_non_null(t->d);
	memset(t->d + t->n, 0, k);
	unsigned char *p = t->d + t->n;
	t->n += k;
	return p;
}

static void tb_checksum(unsigned char *h)
{
	unsigned sum = 0;
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < 512; i++)
		sum += h[i];
	char f[9];
	snprintf(f, sizeof(f), "%06o", sum);
	memcpy(h + 148, f, 7);	/* six digits, NUL, then the space already there */
}

/* A header; magic "ustar\0" "00" unless gnu (then "ustar  \0"); returns it for tweaks. */
static unsigned char *tb_hdr_ex(struct tb *t, const char *name, unsigned mode,
				unsigned long long size, char type, const char *prefix, int gnu)
{
	unsigned char *h = tb_grow(t, 512);
	strncpy((char *)h, name, 100);
	char f[32];
	snprintf(f, sizeof(f), "%07o", mode);
	memcpy(h + 100, f, 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf(f, sizeof(f), "%011llo", size);
	memcpy(h + 124, f, 12);
	memcpy(h + 136, "00000000000", 12);
	h[156] = (unsigned char)type;
	if (gnu)
		memcpy(h + 257, "ustar  ", 8);
	else
		memcpy(h + 257, "ustar\0" "00", 8);
	if (prefix)
		strncpy((char *)h + 345, prefix, 155);
	tb_checksum(h);
	return h;
}

static void tb_hdr(struct tb *t, const char *name, unsigned mode, unsigned long long size, char type)
{
	tb_hdr_ex(t, name, mode, size, type, NULL, 0);
}

static void tb_data(struct tb *t, const void *p, size_t n)
{
	unsigned char *d = tb_grow(t, (n + 511) / 512 * 512);
	memcpy(d, p, n);
}

static void tb_file(struct tb *t, const char *name, unsigned mode, const char *content)
{
	tb_hdr(t, name, mode, strlen(content), '0');
	tb_data(t, content, strlen(content));
}

static void tb_end(struct tb *t)
{
	tb_grow(t, 1024);
}

/* A pax record "LEN key=value\n" with LEN counting itself. */
static char *pax_record(const char *key, const char *value)
{
	size_t body = strlen(key) + strlen(value) + 3;	/* ' ', '=', '\n' */
	size_t len = body + 1;
	for (;;) {
		char d[32];
		size_t want = body + (size_t)snprintf(d, sizeof(d), "%zu", len);
		if (want == len)
			break;
		len = want;
	}
	char *r = malloc(len + 1);
	snprintf(r, len + 1, "%zu %s=%s\n", len, key, value);
	assert_int_equal(strlen(r), len);
	return r;
}

static void tb_pax(struct tb *t, const char *records)
{
	tb_hdr(t, "PaxHeaders/x", 0644, strlen(records), 'x');
	tb_data(t, records, strlen(records));
}

static void tb_free(struct tb *t)
{
	free(t->d);
	t->d = NULL;
	t->n = 0;
}

/* Scan in chunks of `chunk` bytes (0: all at once); returns finish's result. */
static int scan(struct tarscan *ts, const struct tb *t, size_t max, size_t chunk)
{
	tarscan_init(ts, max);
	size_t off = 0;
	while (off < t->n) {
		size_t k = chunk ? chunk : t->n;
		if (k > t->n - off)
			k = t->n - off;
		int rc = tarscan_feed(ts, t->d + off, k);
		off += k;
		if (rc != 0)
			break;
	}
	return tarscan_finish(ts);
}

static void assert_files(struct tarscan *ts, const char *const *want, const unsigned *modes, size_t n)
{
	assert_int_equal(ts->nfiles, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(ts->files[i].path, want[i]);
		assert_int_equal(ts->files[i].mode, modes[i]);
	}
}

/* ---- well-formed archives ---- */

static void test_plain(void **state)
{
	(void)state;
	struct tb t = {0};
	tb_hdr(&t, "bin/", 0755, 0, '5');
	tb_file(&t, "bin/sh", 0755, "#!/bin/true\n");
	tb_file(&t, "etc/passwd", 0644, "root:x:0:0::/root:/bin/sh\n");
	tb_end(&t);
	static const size_t chunks[] = { 0, 1, 7, 511, 512, 513, 4096 };
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct tarscan ts;
		assert_int_equal(scan(&ts, &t, 100, chunks[c]), 0);
		assert_null(ts.error);
		assert_int_equal(ts.nfiles, 0);
		assert_int_equal(ts.entries, 3);
		assert_int_equal(ts.offset, t.n);
		tarscan_release(&ts);
	}
	tb_free(&t);
}

static void test_setuid_setgid(void **state)
{
	(void)state;
	struct tb t = {0};
	tb_file(&t, "./usr/bin/passwd", 04755, "ELF");
	tb_file(&t, "usr/bin/wall", 02755, "ELF");
	tb_file(&t, "usr/bin/both", 06711, "");
	tb_file(&t, "usr/bin/plain", 0755, "ELF");
	tb_hdr(&t, "var/mail/", 02775, 0, '5');			/* setgid directory: not a file */
	tb_hdr(&t, "usr/bin/link", 04777, 0, '2');		/* symlink */
	tb_hdr(&t, "usr/bin/chfn", 04755, 0, '1');		/* hard link: a file */
	tb_hdr(&t, "dev/null", 04666, 0, '3');			/* device */
	tb_hdr(&t, "/abs/contig", 04700, 0, '7');
	tb_hdr(&t, "v7file", 04700, 0, '\0');
	tb_end(&t);
	static const char *const want[] = { "/usr/bin/passwd", "/usr/bin/wall", "/usr/bin/both",
					    "/usr/bin/chfn", "/abs/contig", "/v7file" };
	static const unsigned modes[] = { 04755, 02755, 06711, 04755, 04700, 04700 };
	for (size_t chunk = 0; chunk < 3; chunk++) {
		struct tarscan ts;
		assert_int_equal(scan(&ts, &t, 100, chunk), 0);
		assert_files(&ts, want, modes, 6);
		assert_int_equal(ts.found, 6);
		assert_false(ts.truncated);
		tarscan_release(&ts);
	}
	tb_free(&t);
}

static void test_cap_truncates(void **state)
{
	(void)state;
	struct tb t = {0};
	tb_file(&t, "a", 04755, "x");
	tb_file(&t, "b", 04755, "x");
	tb_file(&t, "c", 02755, "x");
	tb_end(&t);
	struct tarscan ts;
	assert_int_equal(scan(&ts, &t, 2, 0), 0);
	assert_int_equal(ts.nfiles, 2);
	assert_int_equal(ts.found, 3);
	assert_true(ts.truncated);
	tarscan_release(&ts);
	tb_free(&t);
}

static void test_ustar_prefix(void **state)
{
	(void)state;
	struct tb t = {0};
	tb_hdr_ex(&t, "bin/tool", 04755, 0, '0', "usr/local/very/deep", 0);
	/* GNU magic: that area is not a prefix */
	unsigned char *h = tb_hdr_ex(&t, "gnu", 04755, 0, '0', NULL, 1);
	memcpy(h + 345, "junk", 4);
	tb_checksum(h);
	tb_end(&t);
	struct tarscan ts;
	assert_int_equal(scan(&ts, &t, 10, 0), 0);
	static const char *const want[] = { "/usr/local/very/deep/bin/tool", "/gnu" };
	static const unsigned modes[] = { 04755, 04755 };
	assert_files(&ts, want, modes, 2);
	tarscan_release(&ts);
	tb_free(&t);
}

static void test_gnu_long_name(void **state)
{
	(void)state;
	char name[301];
	memset(name, 'n', 300);
	name[0] = '/';
	name[150] = '/';
	name[300] = '\0';
	struct tb t = {0};
	tb_hdr_ex(&t, "././@LongLink", 0644, strlen(name) + 1, 'L', NULL, 1);
	tb_data(&t, name, strlen(name) + 1);
	tb_hdr_ex(&t, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", 04755, 5, '0', NULL, 1);
	tb_data(&t, "12345", 5);
	tb_file(&t, "after", 04755, "");	/* the long name applied once only */
	tb_hdr_ex(&t, "././@LongLink", 0644, 20, 'K', NULL, 1);	/* long link name: skipped */
	tb_data(&t, "some/long/link/name", 20);
	tb_hdr(&t, "hl", 04755, 0, '1');
	tb_end(&t);
	for (size_t chunk = 0; chunk < 4; chunk++) {
		struct tarscan ts;
		assert_int_equal(scan(&ts, &t, 10, chunk * 3), 0);
		assert_int_equal(ts.nfiles, 3);
		assert_int_equal(strlen(ts.files[0].path), 300);
		assert_memory_equal(ts.files[0].path, name, 300);
		assert_string_equal(ts.files[1].path, "/after");
		assert_string_equal(ts.files[2].path, "/hl");
		tarscan_release(&ts);
	}
	tb_free(&t);
}

static void test_pax(void **state)
{
	(void)state;
	char longp[1001];
	memset(longp, 'p', 1000);
	longp[0] = '.';
	longp[1] = '/';
	longp[1000] = '\0';
	char *r1 = pax_record("path", longp);
	char *r2 = pax_record("SCHILY.xattr.security.capability", "abc");
	char *r3 = pax_record("size", "1024");
	char *recs = malloc(strlen(r1) + strlen(r2) + 1);
	snprintf(recs, strlen(r1) + strlen(r2) + 1, "%s%s", r2, r1);
	struct tb t = {0};
	tb_pax(&t, recs);
	tb_file(&t, "short-name", 06755, "data");
	tb_file(&t, "next", 04755, "");	/* own name again */
	/* pax size overrides the header's: 1024 bytes of data follow a size-0 header */
	tb_pax(&t, r3);
	tb_hdr(&t, "big", 0644, 0, '0');
	unsigned char junk[1024];
	memset(junk, 0xee, sizeof(junk));
	tb_data(&t, junk, sizeof(junk));
	tb_file(&t, "last", 02711, "");
	tb_hdr(&t, "pax-global", 0644, strlen(r1), 'g');	/* global: ignored */
	tb_data(&t, r1, strlen(r1));
	tb_file(&t, "tail", 04711, "");
	tb_end(&t);
	for (size_t chunk = 0; chunk < 3; chunk++) {
		struct tarscan ts;
		assert_int_equal(scan(&ts, &t, 10, chunk * 100), 0);
		assert_null(ts.error);
		assert_int_equal(ts.nfiles, 4);
		assert_int_equal(strlen(ts.files[0].path), 999);	/* "./" folded into "/" */
		assert_int_equal(ts.files[0].path[0], '/');
		assert_int_equal(ts.files[0].path[1], 'p');
		assert_int_equal(ts.files[0].mode, 06755);
		assert_string_equal(ts.files[1].path, "/next");
		assert_string_equal(ts.files[2].path, "/last");
		assert_string_equal(ts.files[3].path, "/tail");
		tarscan_release(&ts);
	}
	free(r1);
	free(r2);
	free(r3);
	free(recs);
	tb_free(&t);
}

static void test_base256_size(void **state)
{
	(void)state;
	struct tb t = {0};
	unsigned char *h = tb_hdr_ex(&t, "b256", 04755, 0, '0', NULL, 1);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 3;	/* 3 bytes of data */
	tb_checksum(h);
	tb_data(&t, "abc", 3);
	tb_file(&t, "after", 04755, "");
	tb_end(&t);
	struct tarscan ts;
	assert_int_equal(scan(&ts, &t, 10, 0), 0);
	assert_int_equal(ts.nfiles, 2);
	assert_string_equal(ts.files[1].path, "/after");
	tarscan_release(&ts);
	tb_free(&t);
}

static void test_after_end_ignored(void **state)
{
	(void)state;
	struct tb t = {0};
	tb_file(&t, "a", 04755, "");
	tb_end(&t);
	unsigned char *g = tb_grow(&t, 700);
	memset(g, 'G', 700);
	struct tarscan ts;
	tarscan_init(&ts, 10);
	assert_int_equal(tarscan_feed(&ts, t.d, t.n), 1);
	assert_int_equal(tarscan_finish(&ts), 0);
	assert_int_equal(ts.nfiles, 1);
	tarscan_release(&ts);
	/* One zero block and EOF is an end too (GNU tar and Go accept it). */
	struct tb u = {0};
	tb_file(&u, "a", 0755, "");
	tb_grow(&u, 512);
	assert_int_equal(scan(&ts, &u, 10, 0), 0);
	tarscan_release(&ts);
	tb_free(&u);
	tb_free(&t);
}

/* ---- malformed streams: an error, never a crash or a false "nothing found" ---- */

enum mutation {
	M_CUT_DATA, M_CUT_HEADER, M_NO_END, M_EMPTY, M_BAD_CHECKSUM, M_BAD_SIZE,
	M_NEG_BASE256, M_HUGE_BASE256, M_HUGE_OCTAL, M_BAD_MODE, M_LONGNAME_TOO_LONG,
	M_PAX_TOO_BIG, M_PAX_BAD_LEN, M_PAX_NO_NEWLINE, M_PAX_NO_EQ, M_PAX_LEN_SHORT,
	M_PAX_BAD_SIZE, M_PAX_PATH_TOO_LONG, M_LONE_ZERO, M_GARBAGE,
};

static const struct {
	enum mutation m;
	const char *error;	/* substring of ts.error */
} malformed[] = {
	{ M_CUT_DATA, "ends inside an entry's data" },
	{ M_CUT_HEADER, "ends inside a header" },
	{ M_NO_END, "without the end-of-archive marker" },
	{ M_EMPTY, "without the end-of-archive marker at byte 0" },
	{ M_BAD_CHECKSUM, "bad tar header checksum at byte 1024" },
	{ M_BAD_SIZE, "invalid size field in the tar header at byte 1024" },
	{ M_NEG_BASE256, "invalid size field" },
	{ M_HUGE_BASE256, "invalid size field" },
	{ M_HUGE_OCTAL, "ends inside an entry's data" },
	{ M_BAD_MODE, "invalid mode field" },
	{ M_LONGNAME_TOO_LONG, "GNU long name of 5000 bytes exceeds 4096 bytes" },
	{ M_PAX_TOO_BIG, "pax header of 1048576 bytes exceeds" },
	{ M_PAX_BAD_LEN, "malformed pax record" },
	{ M_PAX_NO_NEWLINE, "malformed pax record" },
	{ M_PAX_NO_EQ, "malformed pax record" },
	{ M_PAX_LEN_SHORT, "malformed pax record" },
	{ M_PAX_BAD_SIZE, "invalid pax size" },
	{ M_PAX_PATH_TOO_LONG, "pax path of 5000 bytes exceeds 4096 bytes" },
	{ M_LONE_ZERO, "a lone zero block" },
	{ M_GARBAGE, "bad tar header checksum at byte 0" },
};

static void build_malformed(struct tb *t, enum mutation m)
{
	unsigned char *h;
	tb_file(t, "first", 0644, "x");
	switch (m) {
	case M_CUT_DATA:
		tb_file(t, "suid", 04755, "0123456789");
		t->n -= 100;
		return;
	case M_CUT_HEADER:
		tb_file(t, "suid", 04755, "x");
		t->n -= 1024 - 100;
		return;
	case M_NO_END:
		return;
	case M_EMPTY:
		t->n = 0;
		return;
	case M_BAD_CHECKSUM:
		h = tb_hdr_ex(t, "suid", 04755, 0, '0', NULL, 0);
		h[0] = 't';
		break;
	case M_BAD_SIZE:
		h = tb_hdr_ex(t, "suid", 04755, 0, '0', NULL, 0);
		memcpy(h + 124, "0000000012a", 11);
		tb_checksum(h);
		break;
	case M_NEG_BASE256:
		h = tb_hdr_ex(t, "suid", 04755, 0, '0', NULL, 0);
		memset(h + 124, 0xff, 12);
		tb_checksum(h);
		break;
	case M_HUGE_BASE256:
		h = tb_hdr_ex(t, "suid", 04755, 0, '0', NULL, 0);
		memset(h + 124, 0x7f, 12);
		h[124] = 0x80;
		tb_checksum(h);
		break;
	case M_HUGE_OCTAL:
		/* 8 GiB announced, a few bytes present: skipped, never allocated */
		tb_hdr(t, "big", 0644, 077777777777ULL, '0');
		tb_data(t, "abc", 3);
		return;
	case M_BAD_MODE:
		h = tb_hdr_ex(t, "suid", 04755, 0, '0', NULL, 0);
		memcpy(h + 100, "04x755 ", 7);
		tb_checksum(h);
		break;
	case M_LONGNAME_TOO_LONG:
		tb_hdr_ex(t, "././@LongLink", 0644, 5000, 'L', NULL, 1);
		break;
	case M_PAX_TOO_BIG:
		tb_hdr(t, "pax", 0644, 1 << 20, 'x');
		break;
	case M_PAX_BAD_LEN:
		tb_pax(t, "x9 path=a\n");
		break;
	case M_PAX_NO_NEWLINE:
		tb_pax(t, "11 path=abc");
		break;
	case M_PAX_NO_EQ:
		tb_pax(t, "11 pathabc\n");
		break;
	case M_PAX_LEN_SHORT:
		tb_pax(t, "2 path=abc\n");
		break;
	case M_PAX_BAD_SIZE:
		tb_pax(t, "12 size=-12\n");
		break;
	case M_PAX_PATH_TOO_LONG: {
		char *v = malloc(5001);
		memset(v, 'a', 5000);
		v[5000] = '\0';
		char *r = pax_record("path", v);
		tb_pax(t, r);
		free(r);
		free(v);
		break;
	}
	case M_LONE_ZERO:
		tb_grow(t, 512);
		tb_file(t, "suid", 04755, "");
		break;
	case M_GARBAGE:
		t->n = 0;
		memset(tb_grow(t, 2048), 'A', 2048);
		return;
	}
	tb_file(t, "after", 04755, "");
	tb_end(t);
}

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		for (size_t chunk = 0; chunk < 2; chunk++) {
			struct tb t = {0};
			build_malformed(&t, malformed[i].m);
			struct tarscan ts;
			int rc = scan(&ts, &t, 10, chunk ? 13 : 0);
			if (rc != -1 || !ts.error || !strstr(ts.error, malformed[i].error))
				fail_msg("case %s: rc %d, error '%s', want '%s'", case_name(malformed[i].error), rc,
					 ts.error ? ts.error : "(none)", malformed[i].error);
			/* Feeding more after an error keeps failing. */
			assert_int_equal(tarscan_feed(&ts, "x", 1), -1);
			tarscan_release(&ts);
			tb_free(&t);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_setuid_setgid),
		cmocka_unit_test(test_cap_truncates),
		cmocka_unit_test(test_ustar_prefix),
		cmocka_unit_test(test_gnu_long_name),
		cmocka_unit_test(test_pax),
		cmocka_unit_test(test_base256_size),
		cmocka_unit_test(test_after_end_ignored),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
