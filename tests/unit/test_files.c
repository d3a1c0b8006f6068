#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "collect/files.h"

static char tmpl[64];
static char outside[128];
static struct rootfs rfs;
static struct users users;

static void at(char *p, size_t n, const char *rel)
{
	snprintf(p, n, "%s%s", tmpl, rel);
}

static void put(const char *rel, const char *text, mode_t mode)
{
	char p[512];
	at(p, sizeof(p), rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static void copy_fixture(const char *name, const char *rel)
{
	char src[1024], dst[512], text[4096];
	const char *top = getenv("top_srcdir");
	snprintf(src, sizeof(src), "%s/tests/unit/data/host/users/etc/%s", top ? top : ".", name);
	FILE *f = fopen(src, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	at(dst, sizeof(dst), rel);
	put(rel, text, 0644);
}

static void mk(const char *rel, mode_t mode)
{
	char p[512];
	at(p, sizeof(p), rel);
	assert_int_equal(mkdir(p, mode), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void ln(const char *target, const char *rel)
{
	char p[512];
	at(p, sizeof(p), rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	(void)state;
	char p[512];
	snprintf(tmpl, sizeof(tmpl), "/tmp/files-test-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	snprintf(outside, sizeof(outside), "%s-outside", tmpl);
	mkdir(outside, 0755);
	snprintf(p, sizeof(p), "%s/secret", outside);
	FILE *f = fopen(p, "w");
	fputs("outside", f);
	fclose(f);

	mk("/etc", 0755);
	copy_fixture("passwd", "/etc/passwd");
	copy_fixture("group", "/etc/group");
	mk("/etc/docker", 0755);
	put("/etc/docker/daemon.json", "{}", 0640);
	put("/etc/docker/key.pem", "k", 0400);
	mk("/usr", 0755);
	mk("/usr/bin", 0755);
	put("/usr/bin/suid", "", 04755);
	mk("/tmp", 01777);
	ln("docker/daemon.json", "/etc/link-rel");
	ln("/etc/docker/daemon.json", "/etc/link-abs");
	ln("../../../../../../secret", "/etc/link-escape");
	ln(outside, "/etc/link-abs-outside");	/* re-anchored inside: missing */
	ln("nope", "/etc/link-dangling");
	ln("loop-b", "/etc/loop-a");
	ln("loop-a", "/etc/loop-b");
	at(p, sizeof(p), "/etc/fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	put("/etc/plain", "", 0644);	/* a file where a directory is expected */

	/* A tree for the walker. */
	mk("/srv", 0755);
	mk("/srv/tree", 0755);
	mk("/srv/tree/a", 0750);
	mk("/srv/tree/a/b", 0700);
	put("/srv/tree/a/b/c.txt", "c", 0600);
	put("/srv/tree/a/f1", "f", 0644);
	ln("a", "/srv/tree/link");
	ln("../../../../../..", "/srv/tree/up");	/* reported, never followed */
	put("/srv/tree/z.txt", "z", 0666);
	ln("../../../../..", "/srv/escape");
	mk("/srv/odd", 0755);
	put("/srv/odd/bad\xff", "", 0666);	/* not UTF-8: jansson alone would drop it */
	/* 34 nested directories. */
	char rel[256] = "/srv/deep";
	mk(rel, 0755);
	for (int i = 0; i < 34; i++) {
		size_t l = strlen(rel);
		snprintf(rel + l, sizeof(rel) - l, "/d");
		mk(rel, 0755);
	}

	if (geteuid() == 0) {
		at(p, sizeof(p), "/etc/docker/daemon.json");
		assert_int_equal(chown(p, 1000, 999), 0);
		at(p, sizeof(p), "/etc/docker/key.pem");
		assert_int_equal(chown(p, 4242, 4242), 0);
	}
	assert_int_equal(rootfs_open(&rfs, tmpl, NULL), 0);
	assert_int_equal(users_load(&users, &rfs), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	users_release(&users);
	rootfs_close(&rfs);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", tmpl, outside);
	return system(cmd) == 0 ? 0 : -1;
}

static json_t *new_facts(struct collect_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->root = &rfs;
	ctx->facts = json_object();
	return ctx->facts;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

enum expect { EXISTS, MISSING, ERROR };

static const struct file_case {
	const char *path;
	enum expect expect;
	const char *type;	/* EXISTS: type; ERROR: substring of the message */
	int mode;
	const char *link;	/* "link" member, or NULL: absent */
	int refused;		/* listed in facts.refused */
} file_cases[] = {
	{"/etc/docker/daemon.json", EXISTS, "file", 0640, NULL, 0},
	{"/etc/docker", EXISTS, "directory", 0755, NULL, 0},
	{"/etc/docker/", EXISTS, "directory", 0755, NULL, 0},
	{"/usr/bin/suid", EXISTS, "file", 04755, NULL, 0},
	{"/tmp", EXISTS, "directory", 01777, NULL, 0},
	{"/etc/link-rel", EXISTS, "file", 0640, "docker/daemon.json", 0},
	{"/etc/link-abs", EXISTS, "file", 0640, "/etc/docker/daemon.json", 0},
	{"/etc/fifo", EXISTS, "fifo", 0600, NULL, 0},
	{"/etc/nope", MISSING, NULL, 0, NULL, 0},
	{"/nope/deeper/still", MISSING, NULL, 0, NULL, 0},
	{"/etc/link-dangling", MISSING, NULL, 0, "nope", 0},
	{"/etc/link-abs-outside/secret", MISSING, NULL, 0, NULL, 0},
	{"/etc/link-escape", ERROR, "outside the audited root", 0, "../../../../../../secret", 1},
	{"/../secret", ERROR, "outside the audited root", 0, NULL, 1},
	{"/etc/loop-a", ERROR, "too many levels", 0, "loop-b", 0},
	{"/etc/plain/x", ERROR, "not a directory", 0, NULL, 0},
	{"etc/docker", ERROR, "not an absolute path", 0, NULL, 0},
};

static void check_file(json_t *facts, const struct file_case *c)
{
	json_t *f = json_object_get(json_object_get(facts, "files"), c->path);
	char src[256];
	snprintf(src, sizeof(src), "stat:%s", c->path);
	print_message("# %s\n", c->path);
	assert_non_null(f);
	assert_string_equal(str(f, "path"), c->path);
	assert_string_equal(str(f, "source"), src);
	switch (c->expect) {
	case EXISTS:
		assert_true(json_is_true(json_object_get(f, "exists")));
		assert_string_equal(str(f, "type"), c->type);
		assert_int_equal(json_integer_value(json_object_get(f, "mode")), c->mode);
		assert_true(json_is_integer(json_object_get(f, "uid")));
		assert_true(json_is_integer(json_object_get(f, "gid")));
		assert_null(json_object_get(f, "error"));
		break;
	case MISSING:
		assert_true(json_is_false(json_object_get(f, "exists")));
		assert_null(json_object_get(f, "error"));
		assert_null(json_object_get(f, "mode"));
		break;
	case ERROR:
		assert_non_null(str(f, "error"));
		assert_non_null(strstr(str(f, "error"), c->type));
		assert_null(json_object_get(f, "exists"));
		break;
	}
	if (c->link && c->expect != ERROR)
		assert_string_equal(str(f, "link"), c->link);
	else if (!c->link)
		assert_null(json_object_get(f, "link"));
	int listed = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(facts, "refused"), i, r) {
		if (!strcmp(str(r, "path"), c->path)) {
			listed = 1;
			assert_non_null(strstr(str(r, "reason"), "outside the audited root"));
		}
	}
	assert_int_equal(listed, c->refused);
}

static void test_files_table(void **state)
{
	(void)state;
	struct collect_ctx ctx;
	json_t *facts = new_facts(&ctx);
	size_t n = sizeof(file_cases) / sizeof(*file_cases);
	const char **paths = calloc(n, sizeof(*paths));
	for (size_t i = 0; i < n; i++)
		paths[i] = file_cases[i].path;
	assert_int_equal(collect_files(&ctx, &users, paths, n), (int)n);
	for (size_t i = 0; i < n; i++)
		check_file(facts, &file_cases[i]);
	assert_int_equal(json_array_size(json_object_get(facts, "refused")), 2);
	free(paths);
	json_decref(facts);
}

static void test_files_not_twice(void **state)
{
	(void)state;
	struct collect_ctx ctx;
	json_t *facts = new_facts(&ctx);
	json_t *files = json_object();
	json_object_set_new(files, "/etc/docker", json_string("sentinel"));
	json_object_set_new(facts, "files", files);
	const char *paths[] = {"/etc/docker", "/etc/docker/key.pem", "/etc/docker/key.pem"};
	assert_int_equal(collect_files(&ctx, &users, paths, 3), 1);
	assert_string_equal(json_string_value(json_object_get(files, "/etc/docker")), "sentinel");
	assert_int_equal(json_object_size(files), 2);
	json_decref(facts);
}

static void test_owner_names(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	struct collect_ctx ctx;
	json_t *facts = new_facts(&ctx);
	const char *paths[] = {"/etc/docker/daemon.json", "/etc/docker/key.pem", "/etc/docker"};
	collect_files(&ctx, &users, paths, 3);
	json_t *files = json_object_get(facts, "files");
	json_t *f = json_object_get(files, "/etc/docker/daemon.json");
	assert_int_equal(json_integer_value(json_object_get(f, "uid")), 1000);
	assert_int_equal(json_integer_value(json_object_get(f, "gid")), 999);
	assert_string_equal(str(f, "owner"), "alice");
	assert_string_equal(str(f, "group"), "docker");
	f = json_object_get(files, "/etc/docker/key.pem");
	assert_int_equal(json_integer_value(json_object_get(f, "uid")), 4242);
	assert_true(json_is_null(json_object_get(f, "owner")));
	assert_true(json_is_null(json_object_get(f, "group")));
	f = json_object_get(files, "/etc/docker");
	assert_string_equal(str(f, "owner"), "root");
	assert_string_equal(str(f, "group"), "root");
	json_decref(facts);
}

static void test_file_fact_no_users(void **state)
{
	(void)state;
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFSOCK | 0660;
	st.st_uid = 0;
	json_t *f = file_fact("/run/docker.sock", &st, NULL);
	assert_string_equal(str(f, "type"), "socket");
	assert_int_equal(json_integer_value(json_object_get(f, "mode")), 0660);
	assert_true(json_is_null(json_object_get(f, "owner")));
	assert_string_equal(str(f, "source"), "stat:/run/docker.sock");
	json_decref(f);
}

/* Walk cases: directory, entry limit, expected entry paths (NULL-ended). */
static const char *const tree_all[] = {
	"/srv/tree/a", "/srv/tree/a/b", "/srv/tree/a/b/c.txt", "/srv/tree/a/f1",
	"/srv/tree/link", "/srv/tree/up", "/srv/tree/z.txt", NULL};
static const struct dir_case {
	const char *dir;
	size_t limit;
	size_t nentries;
	int truncated;
} dir_cases[] = {
	{"/srv/tree", DIR_MAX_ENTRIES, 7, 0},
	{"/srv/tree", 7, 7, 0},
	{"/srv/tree", 6, 6, 1},
	{"/srv/tree", 3, 3, 1},
	{"/srv/tree", 0, 0, 1},
	{"/srv/tree/", DIR_MAX_ENTRIES, 7, 0},
	{"/srv/deep", DIR_MAX_ENTRIES, DIR_MAX_DEPTH, 1},
};

static void test_dirs_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dir_cases) / sizeof(*dir_cases); i++) {
		const struct dir_case *c = &dir_cases[i];
		struct collect_ctx ctx;
		json_t *facts = new_facts(&ctx);
		print_message("# %s limit %zu\n", c->dir, c->limit);
		assert_int_equal(collect_dirs_limit(&ctx, &users, &c->dir, 1, c->limit), 1);
		json_t *d = json_object_get(json_object_get(facts, "dirs"), c->dir);
		assert_non_null(d);
		assert_true(json_is_true(json_object_get(d, "exists")));
		assert_string_equal(str(d, "path"), c->dir);
		json_t *entries = json_object_get(d, "entries");
		assert_int_equal(json_array_size(entries), c->nentries);
		assert_int_equal(json_is_true(json_object_get(d, "truncated")), c->truncated);
		if (!strncmp(c->dir, "/srv/tree", 9)) {
			for (size_t k = 0; k < c->nentries; k++)
				assert_string_equal(str(json_array_get(entries, k), "path"), tree_all[k]);
		}
		json_decref(facts);
	}
}

static void test_dir_entries(void **state)
{
	(void)state;
	struct collect_ctx ctx;
	json_t *facts = new_facts(&ctx);
	const char *dirs[] = {"/srv/tree"};
	collect_dirs(&ctx, &users, dirs, 1);
	json_t *d = json_object_get(json_object_get(facts, "dirs"), "/srv/tree");
	assert_string_equal(str(d, "source"), "walk:/srv/tree");
	json_t *e = json_object_get(d, "entries");
	json_t *b = json_array_get(e, 1), *c = json_array_get(e, 2);
	json_t *link = json_array_get(e, 4), *up = json_array_get(e, 5);
	assert_string_equal(str(b, "type"), "directory");
	assert_int_equal(json_integer_value(json_object_get(b, "mode")), 0700);
	assert_string_equal(str(c, "type"), "file");
	assert_int_equal(json_integer_value(json_object_get(c, "mode")), 0600);
	assert_string_equal(str(link, "type"), "symlink");
	assert_string_equal(str(link, "link"), "a");
	assert_string_equal(str(up, "type"), "symlink");
	assert_string_equal(str(up, "link"), "../../../../../..");
	/* Links inside are not followed: nothing under /srv/tree/link. */
	size_t i;
	json_t *x;
	json_array_foreach(e, i, x)
		assert_null(strstr(str(x, "path"), "/srv/tree/link/"));
	assert_null(json_object_get(facts, "refused"));
	json_decref(facts);
}

static void test_dirs_missing_and_errors(void **state)
{
	(void)state;
	struct collect_ctx ctx;
	json_t *facts = new_facts(&ctx);
	const char *dirs[] = {"/srv/none", "/etc/plain", "/srv/escape/x", "/srv/tree", "/srv/tree"};
	assert_int_equal(collect_dirs(&ctx, &users, dirs, 5), 4);
	json_t *all = json_object_get(facts, "dirs");
	json_t *d = json_object_get(all, "/srv/none");
	assert_true(json_is_false(json_object_get(d, "exists")));
	assert_string_equal(str(d, "source"), "walk:/srv/none");
	d = json_object_get(all, "/etc/plain");
	assert_non_null(strstr(str(d, "error"), "/etc/plain"));
	assert_null(json_object_get(d, "entries"));
	d = json_object_get(all, "/srv/escape/x");
	assert_non_null(strstr(str(d, "error"), "outside the audited root"));
	json_t *r = json_object_get(facts, "refused");
	assert_int_equal(json_array_size(r), 1);
	assert_string_equal(str(json_array_get(r, 0), "path"), "/srv/escape/x");
	json_decref(facts);
}

static void test_non_utf8_name(void **state)
{
	(void)state;
	struct collect_ctx ctx;
	json_t *facts = new_facts(&ctx);
	const char *dirs[] = {"/srv/odd"};
	collect_dirs(&ctx, &users, dirs, 1);
	json_t *e = json_object_get(json_object_get(json_object_get(facts, "dirs"), "/srv/odd"), "entries");
	assert_int_equal(json_array_size(e), 1);
	assert_string_equal(str(json_array_get(e, 0), "path"), "/srv/odd/bad\\xff");
	assert_string_equal(str(json_array_get(e, 0), "source"), "stat:/srv/odd/bad\\xff");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(e, 0), "mode")), 0666);
	json_decref(facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_table),
		cmocka_unit_test(test_files_not_twice),
		cmocka_unit_test(test_owner_names),
		cmocka_unit_test(test_file_fact_no_users),
		cmocka_unit_test(test_dirs_table),
		cmocka_unit_test(test_dir_entries),
		cmocka_unit_test(test_dirs_missing_and_errors),
		cmocka_unit_test(test_non_utf8_name),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
