#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "collect/proc.h"
#include "parse/proctext.h"
#include "docker_tree.h"

static struct tree t;
static struct rootfs rfs;

static void put_cmdline(const char *rel, const char *data, size_t len)
{
	char p[1024];
	tree_parent(&t, rel, p, sizeof(p));
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fwrite(data, 1, len, f);
	fclose(f);
}

static void fake_proc(int pid, const char *exe, const char *comm, const char *cmdline,
		      size_t cmdlen, const char *uid)
{
	char p[128], s[256];
	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	snprintf(s, sizeof(s), "%s\n", comm);
	assert_int_equal(tree_put(&t, p, s), 0);
	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	snprintf(s, sizeof(s), "Name:\t%s\nUmask:\t0022\nUid:\t%s\t%s\t%s\t%s\nGid:\t0\t0\t0\t0\n",
		 comm, uid, uid, uid, uid);
	assert_int_equal(tree_put(&t, p, s), 0);
	snprintf(p, sizeof(p), "/proc/%d/cmdline", pid);
	put_cmdline(p, cmdline, cmdlen);
	if (exe) {
		snprintf(p, sizeof(p), "/proc/%d/exe", pid);
		assert_int_equal(tree_link(&t, exe, p), 0);
	}
}

static int setup(void **state)
{
	assert_int_equal(tree_init(&t), 0);
	static const char d1[] = "/usr/bin/dockerd\0-H\0fd://\0--icc=false\0";
	fake_proc(123, "/usr/bin/dockerd", "dockerd", d1, sizeof(d1) - 1, "0");
	/* the same daemon binary replaced by an upgrade; cmdline without a final NUL */
	static const char d2[] = "dockerd\0--rootless";
	fake_proc(1000, "/usr/bin/dockerd (deleted)", "dockerd", d2, sizeof(d2) - 1, "1001");
	static const char f[] = "/tmp/dockerd-fake\0";
	fake_proc(200, "/tmp/dockerd-fake", "dockerd-fake", f, sizeof(f) - 1, "0");
	static const char g[] = "grep\0dockerd\0";
	fake_proc(201, "/usr/bin/grep", "grep", g, sizeof(g) - 1, "0");
	/* a process whose cmdline claims dockerd but whose exe is something else */
	static const char liar[] = "/usr/bin/dockerd\0";
	fake_proc(202, "/usr/bin/python3", "python3", liar, sizeof(liar) - 1, "0");
	/* exe unreadable (no link): comm decides */
	static const char k[] = "";
	fake_proc(30, NULL, "dockerd", k, 0, "0");
	/* a pid directory that vanished: only the exe link is left */
	assert_int_equal(tree_link(&t, "/usr/bin/dockerd", "/proc/555/exe"), 0);
	assert_int_equal(tree_put(&t, "/proc/self", "not a pid\n"), 0);
	assert_int_equal(tree_put(&t, "/proc/uptime", "1 1\n"), 0);
	assert_int_equal(rootfs_open(&rfs, t.dir, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	rootfs_close(&rfs);
	return tree_rm(&t) == 0 ? 0 : -1;
}

static void test_find_fake(void **state)
{
	static const char *const names[] = {"dockerd", NULL};
	struct proc_info *v;
	size_t n;
	char *err = NULL;
	assert_int_equal(proc_find(&rfs, names, &v, &n, &err), 3);
	assert_int_equal(n, 3);
	/* pid order, numerically (30 < 123 < 1000) */
	assert_int_equal(v[0].pid, 30);
	assert_string_equal(v[0].exe, "");
	assert_string_equal(v[0].comm, "dockerd");
	assert_int_equal(v[0].argc, 0);
	assert_null(v[0].argv[0]);

	assert_int_equal(v[1].pid, 123);
	assert_string_equal(v[1].exe, "/usr/bin/dockerd");
	assert_int_equal(v[1].uid, 0);
	assert_int_equal(v[1].argc, 4);
	assert_string_equal(v[1].argv[0], "/usr/bin/dockerd");
	assert_string_equal(v[1].argv[3], "--icc=false");
	assert_null(v[1].argv[4]);

	assert_int_equal(v[2].pid, 1000);
	assert_string_equal(v[2].exe, "/usr/bin/dockerd");
	assert_int_equal(v[2].uid, 1001);
	assert_int_equal(v[2].argc, 2);
	assert_string_equal(v[2].argv[1], "--rootless");

	json_t *j = proc_info_json(&v[1]);
	json_t *want = json_loads("{\"pid\":123,\"exe\":\"/usr/bin/dockerd\",\"comm\":\"dockerd\","
				  "\"argv\":[\"/usr/bin/dockerd\",\"-H\",\"fd://\",\"--icc=false\"],\"uid\":0}",
				  0, NULL);
	assert_true(json_equal(j, want));
	json_decref(j);
	json_decref(want);
	proc_info_free_all(v, n);
}

static void test_find_other_names(void **state)
{
	static const char *const names[] = {"dockerd-fake", "grep", NULL};
	struct proc_info *v;
	size_t n;
	assert_int_equal(proc_find(&rfs, names, &v, &n, NULL), 2);
	assert_int_equal(v[0].pid, 200);
	assert_int_equal(v[1].pid, 201);
	proc_info_free_all(v, n);
	static const char *const none[] = {"kubelet", NULL};
	assert_int_equal(proc_find(&rfs, none, &v, &n, NULL), 0);
	assert_int_equal(n, 0);
	proc_info_free_all(v, n);
}

/* One scan for several names, sorted after by the same rule proc_find matched with. */
static void test_is_named(void **state)
{
	static const char *const all[] = {"dockerd", "grep", "python3", NULL};
	static const char *const docker[] = {"dockerd", NULL}, *const grep[] = {"grep", NULL};
	struct proc_info *v;
	size_t n;
	assert_int_equal(proc_find(&rfs, all, &v, &n, NULL), 5);
	size_t nd = 0, ng = 0;
	for (size_t i = 0; i < n; i++) {
		nd += (size_t)proc_is_named(&v[i], docker);
		ng += (size_t)proc_is_named(&v[i], grep);
	}
	assert_int_equal(nd, 3);	/* 30 by comm (no exe), 123, 1000 (deleted) */
	assert_int_equal(ng, 1);
	/* pid 202 claims /usr/bin/dockerd in its cmdline: its exe is python3 */
	for (size_t i = 0; i < n; i++)
		if (v[i].pid == 202)
			assert_false(proc_is_named(&v[i], docker));
	proc_info_free_all(v, n);
}

static void test_no_proc(void **state)
{
	struct tree e;
	struct rootfs r2;
	assert_int_equal(tree_init(&e), 0);
	assert_int_equal(rootfs_open(&r2, e.dir, NULL), 0);
	static const char *const names[] = {"dockerd", NULL};
	struct proc_info *v;
	size_t n;
	char *err = NULL;
	assert_int_equal(proc_find(&r2, names, &v, &n, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "'/proc'"));
	free(err);
	rootfs_close(&r2);
	tree_rm(&e);
}

/* The live /proc: this test program is found by the basename of its own exe. */
static void test_live_self(void **state)
{
	char self[PATH_MAX + 1];
	ssize_t l = readlink("/proc/self/exe", self, PATH_MAX);
	if (l < 0)
		skip();
	self[l] = '\0';
	const char *base = strrchr(self, '/') + 1;
	const char *names[] = {base, NULL};
	struct rootfs root;
	assert_int_equal(rootfs_open(&root, "/", NULL), 0);
	struct proc_info *v;
	size_t n;
	char *err = NULL;
	int rc = proc_find(&root, names, &v, &n, &err);
	assert_true(rc >= 1);
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].pid == getpid()) {
			found = 1;
			assert_string_equal(v[i].exe, self);
			assert_int_equal(v[i].uid, getuid());
			assert_true(v[i].argc >= 1);
		}
	}
	assert_true(found);
	proc_info_free_all(v, n);
	rootfs_close(&root);
}


/* The status and cgroup parsers, on real and malformed text. */
static void test_status_and_cgroup(void **state)
{
	(void)state;
	uid_t u = 7;
	const char *st = "Name:\tdockerd\nState:\tS (sleeping)\nUid:\t0\t1000\t0\t0\n";
	assert_int_equal(proc_status_uid(st, &u), 0);
	assert_int_equal(u, 0);
	assert_int_equal(proc_status_euid(st, &u), 0);
	assert_int_equal(u, 1000);
	assert_int_equal(proc_status_state(st), 'S');
	assert_int_equal(proc_status_state("State:\tZ (zombie)\n"), 'Z');
	/* Malformed: no Uid line, a Uid line cut short, garbage, an id out of range. */
	assert_int_equal(proc_status_uid("Name:\tx\n", &u), -1);
	assert_int_equal(proc_status_euid("Uid:\t0\n", &u), -1);
	assert_int_equal(proc_status_uid("Uid:\tzero\t0\n", &u), -1);
	assert_int_equal(proc_status_uid("Uid:\t99999999999\t0\n", &u), -1);
	assert_int_equal(proc_status_state("Name:\tx\n"), 0);
	assert_int_equal(proc_status_state("State:\t?\n"), 0);

	assert_true(proc_cgroup_in("0::/system.slice/docker.service\n", "/system.slice/docker.service"));
	assert_true(proc_cgroup_in("12:pids:/x\n1:name=systemd:/system.slice/kubelet.service\n",
				   "/system.slice/kubelet.service"));
	/* A sub-cgroup, a prefix, a user's slice, an unterminated or colon-less line are not it. */
	assert_false(proc_cgroup_in("0::/system.slice/docker.service/sub\n", "/system.slice/docker.service"));
	assert_false(proc_cgroup_in("0::/system.slice/docker.servic\n", "/system.slice/docker.service"));
	assert_false(proc_cgroup_in("0::/user.slice/system.slice/docker.service\n", "/system.slice/docker.service"));
	assert_false(proc_cgroup_in("/system.slice/docker.service", "/system.slice/docker.service"));
	assert_false(proc_cgroup_in("", "/system.slice/docker.service"));
	assert_true(proc_cgroup_in("0::/system.slice/docker.service", "/system.slice/docker.service"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_fake),
		cmocka_unit_test(test_find_other_names),
		cmocka_unit_test(test_is_named),
		cmocka_unit_test(test_no_proc),
		cmocka_unit_test(test_live_self),
		cmocka_unit_test(test_status_and_cgroup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
