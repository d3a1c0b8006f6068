#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "collect/rootfs.h"

static char tmpl[64];
static char outside[128];
static struct rootfs rfs;

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", tmpl, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", tmpl, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", tmpl, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	snprintf(tmpl, sizeof(tmpl), "/tmp/rootfs-test-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	snprintf(outside, sizeof(outside), "%s-outside", tmpl);
	mkdir(outside, 0755);
	char p[256];
	snprintf(p, sizeof(p), "%s/secret", outside);
	FILE *f = fopen(p, "w");
	fputs("outside secret", f);
	fclose(f);
	mk("/etc");
	mk("/etc/docker");
	put("/etc/docker/daemon.json", "{\"icc\": false}");
	put("/inside-secret", "inside");
	ln("/etc/docker/daemon.json", "/etc/abs-link");
	ln("../../../../../../secret", "/etc/dotdot-link");
	ln(outside, "/etc/abs-outside");	/* re-anchored: does not exist inside */
	ln("loop-b", "/etc/loop-a");
	ln("loop-a", "/etc/loop-b");
	ln("docker", "/etc/rel-dir");
	char fifo[256];
	snprintf(fifo, sizeof(fifo), "%s/etc/fifo.json", tmpl);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(rootfs_open(&rfs, tmpl, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	rootfs_close(&rfs);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", tmpl, outside);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_read_plain(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	char *err = NULL;
	assert_int_equal(rootfs_read(&rfs, "/etc/docker/daemon.json", 1024, &b, &err), 0);
	assert_string_equal(b.data, "{\"icc\": false}");
	buf_release(&b);
}

static void test_absolute_link_reanchored(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	char *err = NULL;
	assert_int_equal(rootfs_read(&rfs, "/etc/abs-link", 1024, &b, &err), 0);
	assert_string_equal(b.data, "{\"icc\": false}");
	buf_release(&b);
	/* An absolute link to a real outside path is looked up inside. */
	assert_int_equal(rootfs_read(&rfs, "/etc/abs-outside/secret", 1024, &b, &err), -1);
	assert_int_equal(errno, ENOENT);
	free(err);
	buf_release(&b);
}

static void test_dotdot_refused(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	char *err = NULL;
	assert_int_equal(rootfs_read(&rfs, "/etc/dotdot-link", 1024, &b, &err), -1);
	assert_int_equal(errno, EXDEV);
	assert_non_null(strstr(err, "outside the audited root"));
	free(err);
	err = NULL;
	assert_int_equal(rootfs_read(&rfs, "/../../secret", 1024, &b, &err), -1);
	assert_int_equal(errno, EXDEV);
	free(err);
	/* ".." that stays inside is fine. */
	assert_int_equal(rootfs_read(&rfs, "/etc/docker/../../inside-secret", 1024, &b, NULL), 0);
	assert_string_equal(b.data, "inside");
	buf_release(&b);
}

static void test_loop(void **state)
{
	struct stat st;
	char *err = NULL;
	assert_int_equal(rootfs_stat(&rfs, "/etc/loop-a", 1, &st, &err), -1);
	assert_int_equal(errno, ELOOP);
	free(err);
	assert_int_equal(rootfs_stat(&rfs, "/etc/loop-a", 0, &st, NULL), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void test_fifo_does_not_block(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	char *err = NULL;
	assert_int_equal(rootfs_read(&rfs, "/etc/fifo.json", 1024, &b, &err), -1);
	assert_non_null(strstr(err, "FIFO"));
	free(err);
	buf_release(&b);
}

static void test_size_cap(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	char *err = NULL;
	assert_int_equal(rootfs_read(&rfs, "/etc/docker/daemon.json", 4, &b, &err), -1);
	assert_int_equal(errno, EFBIG);
	free(err);
	buf_release(&b);
}

static void test_listdir_and_dir_link(void **state)
{
	char **names;
	size_t n;
	assert_int_equal(rootfs_listdir(&rfs, "/etc/rel-dir", &names, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "daemon.json");
	rootfs_free_list(names, n);
}

static void test_relative_path_rejected(void **state)
{
	struct stat st;
	char *err = NULL;
	assert_int_equal(rootfs_stat(&rfs, "etc", 1, &st, &err), -1);
	assert_int_equal(errno, EINVAL);
	free(err);
}


/*
 * A rename race: while a child moves a/b/d out of the root and back as
 * fast as it can, resolving /a/b/d/../../../outside/secret (directly and
 * through a symlink inside the root) must never read the file outside.
 * Resolving ".." by asking the kernel for the parent of d climbs out when
 * d is elsewhere; the resolver returns to the directories it came through.
 */
static void test_rename_race(void **state)
{
	char base[64], root[128], p[512], q[512];
	snprintf(base, sizeof(base), "/tmp/rootfs-race-XXXXXX");
	assert_non_null(mkdtemp(base));
	snprintf(root, sizeof(root), "%s/root", base);
	/* base/m1/m2/d is where d goes: three levels up from there is base. */
	const char *dirs[] = { "root", "root/a", "root/a/b", "root/a/b/d", "root/outside",
			       "outside", "m1", "m1/m2" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	const char *files[][2] = { { "root/outside/secret", "inside" }, { "outside/secret", "OUTSIDE" } };
	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s", base, files[i][0]);
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fputs(files[i][1], f);
		fclose(f);
	}
	snprintf(p, sizeof(p), "%s/link", root);
	assert_int_equal(symlink("/a/b/d/../../../outside/secret", p), 0);

	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		snprintf(p, sizeof(p), "%s/a/b/d", root);
		snprintf(q, sizeof(q), "%s/m1/m2/d", base);
		for (;;) {
			rename(p, q);
			rename(q, p);
		}
	}
	struct rootfs r;
	assert_int_equal(rootfs_open(&r, root, NULL), 0);
	int inside = 0, outside_seen = 0;
	for (int i = 0; i < 20000; i++) {
		struct buf b;
		buf_init(&b, 4096);
		const char *path = i % 2 ? "/link" : "/a/b/d/../../../outside/secret";
		if (rootfs_read(&r, path, 4096, &b, NULL) == 0) {
			if (!strcmp(b.data, "OUTSIDE"))
				outside_seen++;
			else if (!strcmp(b.data, "inside"))
				inside++;
		}
		buf_release(&b);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	rootfs_close(&r);
	snprintf(p, sizeof(p), "rm -rf '%s'", base);
	assert_int_equal(system(p), 0);
	print_message("# rename race: %d reads inside the root, %d outside\n", inside, outside_seen);
	assert_int_equal(outside_seen, 0);
	/* The race ran: some reads went through while d was in place. */
	assert_true(inside > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_plain),
		cmocka_unit_test(test_absolute_link_reanchored),
		cmocka_unit_test(test_dotdot_refused),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_fifo_does_not_block),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_listdir_and_dir_link),
		cmocka_unit_test(test_relative_path_rejected),
		cmocka_unit_test(test_rename_race),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
