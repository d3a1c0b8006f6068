/*
 * rootfs_write: changes inside an image root stay inside it.  A root in a
 * temporary directory, with a sibling "outside" that must never change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>
#include "collect/rootfs_write.h"

static char base[64], root[128], outside[128];
static struct rootfs rfs;

static void path(char *out, size_t n, const char *dir, const char *rel)
{
	snprintf(out, n, "%s%s", dir, rel);
}

static void put(const char *dir, const char *rel, const char *text, mode_t mode)
{
	char p[512];
	path(p, sizeof(p), dir, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static char *slurp(const char *dir, const char *rel)
{
	static char buf[4096];
	char p[512];
	path(p, sizeof(p), dir, rel);
	FILE *f = fopen(p, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/boxaudit-rw.XXXXXX");
	assert_non_null(mkdtemp(base));
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(outside, 0755), 0);
	char p[512];
	path(p, sizeof(p), root, "/etc");
	assert_int_equal(mkdir(p, 0755), 0);
	path(p, sizeof(p), root, "/usr");
	assert_int_equal(mkdir(p, 0755), 0);
	path(p, sizeof(p), root, "/usr/lib");
	assert_int_equal(mkdir(p, 0755), 0);
	put(root, "/etc/daemon.json", "{}\n", 0640);
	put(outside, "/victim", "victim\n", 0600);
	char t[512];
	snprintf(t, sizeof(t), "%s/victim", outside);
	path(p, sizeof(p), root, "/etc/linked.json");
	assert_int_equal(symlink(t, p), 0);				/* absolute, outside */
	path(p, sizeof(p), root, "/etc/up");
	assert_int_equal(symlink("../../outside", p), 0);		/* climbs out */
	path(p, sizeof(p), root, "/lib");
	assert_int_equal(symlink("/usr/lib", p), 0);			/* absolute, re-anchored inside */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	assert_true(strlen(root) + 10 < sizeof(sa.sun_path));
	memcpy(sa.sun_path, root, strlen(root));
	memcpy(sa.sun_path + strlen(root), "/etc/sock", 10);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	char *err = NULL;
	assert_int_equal(rootfs_open(&rfs, root, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rootfs_close(&rfs);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void outside_untouched(void)
{
	struct stat st;
	char p[512];
	path(p, sizeof(p), outside, "/victim");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_string_equal(slurp(outside, "/victim"), "victim\n");
	path(p, sizeof(p), outside, "/new.json");
	assert_int_equal(access(p, F_OK), -1);
}

static void test_replace_keeps_mode(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(rootfs_write_check(&rfs, &err), 0);
	assert_int_equal(rootfs_write_file(&rfs, "/etc/daemon.json", "{\"icc\": false}\n", 15, 0644, &err), 0);
	assert_string_equal(slurp(root, "/etc/daemon.json"), "{\"icc\": false}\n");
	struct stat st;
	char p[512];
	path(p, sizeof(p), root, "/etc/daemon.json");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* through an absolute link that rootfs re-anchors inside the root */
	assert_int_equal(rootfs_write_file(&rfs, "/lib/new.conf", "x\n", 2, 0644, &err), 0);
	assert_string_equal(slurp(root, "/usr/lib/new.conf"), "x\n");
}

static void test_refusals(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(rootfs_write_file(&rfs, "/etc/linked.json", "{}", 2, 0644, &err), -1);
	assert_int_equal(errno, ELOOP);
	assert_non_null(strstr(err, "symlink"));
	free(err);
	err = NULL;
	assert_int_equal(rootfs_write_file(&rfs, "/etc/up/new.json", "{}", 2, 0644, &err), -1);
	assert_int_equal(errno, EXDEV);
	free(err);
	err = NULL;
	assert_int_equal(rootfs_write_file(&rfs, "/../outside/new.json", "{}", 2, 0644, &err), -1);
	assert_int_equal(errno, EXDEV);
	free(err);
	err = NULL;
	assert_int_equal(rootfs_chmod(&rfs, "/etc/linked.json", 0777, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(rootfs_chown(&rfs, "/etc/linked.json", 1, 1, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(rootfs_chmod(&rfs, "/etc/up/victim", 0777, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(rootfs_mkdir(&rfs, "/etc/linked.json", 0755, &err), -1);
	free(err);
	outside_untouched();
}

static void test_chmod_socket_and_dirs(void **state)
{
	(void)state;
	char *err = NULL;
	struct stat st;
	char p[512];
	assert_int_equal(rootfs_chmod(&rfs, "/etc/sock", 0660, &err), 0);
	path(p, sizeof(p), root, "/etc/sock");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(rootfs_chown(&rfs, "/etc/sock", 0, 998, &err), 0);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_gid, 998);
	assert_int_equal(rootfs_mkdir(&rfs, "/etc/rules.d", 0750, &err), 0);
	assert_int_equal(rootfs_mkdir(&rfs, "/etc/rules.d", 0750, &err), 0);	/* already there: fine */
}

static void test_live_root_refused(void **state)
{
	(void)state;
	struct rootfs live;
	char *err = NULL;
	assert_int_equal(rootfs_open(&live, "/", &err), 0);
	assert_int_equal(rootfs_write_check(&live, &err), -1);
	assert_non_null(strstr(err, "running system's root"));
	free(err);
	rootfs_close(&live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_keeps_mode),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_chmod_socket_and_dirs),
		cmocka_unit_test(test_live_root_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
