#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "collect/users.h"

static const char *data_root(void)
{
	static char p[1024];
	const char *top = getenv("top_srcdir");
	snprintf(p, sizeof(p), "%s/tests/unit/data/host/users", top ? top : ".");
	return p;
}

/* Lookups in the fixture root: id -> expected name (NULL: none). */
static const struct { int group; unsigned long id; const char *name; } by_id[] = {
	{0, 0, "root"},			/* first entry for uid 0 wins over "dup" */
	{0, 1, "daemon"},
	{0, 1000, "alice"},
	{0, 1004, "carol"},		/* after malformed lines */
	{0, 1001, NULL},		/* too few fields */
	{0, 1002, NULL},		/* empty name */
	{0, 1003, NULL},		/* too many fields */
	{0, 4294967295UL, NULL},	/* (uid_t)-1 */
	{0, 12345, NULL},
	{1, 0, "root"},			/* CRLF line */
	{1, 999, "docker"},
	{1, 10, "wheel"},
	{1, 50, NULL},
	{1, 4294967294UL, "big"},	/* last line without newline */
};

static const struct { int group; const char *name; long id; } by_name[] = {
	{0, "root", 0}, {0, "alice", 1000}, {0, "dup", 0}, {0, "bad-uid", -1},
	{0, "nisuser", -1}, {0, "+nisuser", -1}, {0, "nobody", -1},
	{1, "docker", 999}, {1, "staff", -1}, {1, "alice", 1000},
};

static void test_fixture_root(void **state)
{
	(void)state;
	struct rootfs r;
	struct users u;
	assert_int_equal(rootfs_open(&r, data_root(), NULL), 0);
	assert_int_equal(users_load(&u, &r), 0);
	assert_int_equal(u.passwd.n, 5);	/* with "dup" */
	assert_int_equal(u.passwd.malformed, 6);
	assert_int_equal(u.group.malformed, 2);
	assert_null(u.passwd.error);
	for (size_t i = 0; i < sizeof(by_id) / sizeof(*by_id); i++) {
		const char *got = by_id[i].group ? groups_name(&u, (gid_t)by_id[i].id)
						 : users_name(&u, (uid_t)by_id[i].id);
		if (by_id[i].name) {
			assert_non_null(got);
			assert_string_equal(got, by_id[i].name);
		} else {
			assert_null(got);
		}
	}
	for (size_t i = 0; i < sizeof(by_name) / sizeof(*by_name); i++) {
		uid_t uid = 77;
		gid_t gid = 77;
		int rc = by_name[i].group ? groups_gid(&u, by_name[i].name, &gid)
					  : users_uid(&u, by_name[i].name, &uid);
		if (by_name[i].id < 0) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(by_name[i].group ? (long)gid : (long)uid, by_name[i].id);
		}
	}
	users_release(&u);
	rootfs_close(&r);
}

/* Inline passwd texts: expected number of entries and malformed lines. */
static const struct { const char *text; size_t n, malformed; } texts[] = {
	{"", 0, 0},
	{"\n\n", 0, 0},
	{"a:x:1:1::/:/bin/sh", 1, 0},
	{"a:x:1:1::/:/bin/sh\nb:x: 2:1::/:/bin/sh\n", 1, 1},	/* space in uid */
	{"a:x:+2:1::/:/bin/sh\n", 0, 1},
	{"a:x::1::/:/bin/sh\n", 0, 1},				/* empty uid */
	{"a:x:99999999999:1::/:/bin/sh\n", 0, 1},		/* too long */
	{"just-a-name\n", 0, 1},
	{"#root:x:0:0::/:/bin/sh\n", 0, 0},
	{"-baduser::::::\n", 0, 0},
};

static void test_texts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct users u;
		memset(&u, 0, sizeof(u));
		users_parse_passwd(&u, texts[i].text);
		assert_int_equal(u.passwd.n, texts[i].n);
		assert_int_equal(u.passwd.malformed, texts[i].malformed);
		users_release(&u);
	}
}

static void test_missing_and_unreadable(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/users-test-XXXXXX", p[256];
	assert_non_null(mkdtemp(tmpl));
	struct rootfs r;
	struct users u;
	assert_int_equal(rootfs_open(&r, tmpl, NULL), 0);
	/* No /etc at all: empty tables, no error. */
	assert_int_equal(users_load(&u, &r), 0);
	assert_int_equal(u.passwd.n, 0);
	assert_int_equal(u.group.n, 0);
	assert_null(u.passwd.error);
	assert_null(users_name(&u, 0));
	users_release(&u);
	/* /etc/passwd is a directory: an error, still usable. */
	snprintf(p, sizeof(p), "%s/etc", tmpl);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/passwd", tmpl);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(users_load(&u, &r), -1);
	assert_non_null(u.passwd.error);
	assert_non_null(strstr(u.passwd.error, "/etc/passwd"));
	assert_null(u.group.error);
	assert_null(users_name(&u, 0));
	users_release(&u);
	rootfs_close(&r);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/etc", tmpl);
	rmdir(p);
	rmdir(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_root),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_missing_and_unreadable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
