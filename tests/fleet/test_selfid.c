/* selfid: the auditor's container id from mountinfo and cgroup texts (table of cases). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "collect/selfid.h"

#define ID "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899"

struct tcase {
	const char *name;
	const char *text;
	const char *want;	/* NULL: no id */
};

static const struct tcase mountinfo_cases[] = {
	{ "docker default data root",
	  "600 500 0:50 / / rw,relatime - overlay overlay rw\n"
	  "610 600 8:1 /var/lib/docker/containers/" ID "/resolv.conf /etc/resolv.conf rw - ext4 /dev/sda1 rw\n"
	  "611 600 8:1 /var/lib/docker/containers/" ID "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n", ID },
	{ "data root on its own filesystem",
	  "611 600 8:2 /containers/" ID "/hosts /etc/hosts rw - ext4 /dev/sdb rw\n", ID },
	{ "test daemon under /tmp",
	  "611 600 0:30 /tmp/bx-fleet.x/root/containers/" ID "/hostname /etc/hostname rw - tmpfs tmpfs rw\n", ID },
	{ "not a container (host mountinfo)",
	  "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	  "23 22 0:5 / /dev rw - devtmpfs udev rw\n", NULL },
	{ "id on another mount point is ignored",
	  "611 600 8:1 /var/lib/docker/containers/" ID "/mounts/shm /dev/shm rw - tmpfs shm rw\n", NULL },
	{ "short id",
	  "611 600 8:1 /var/lib/docker/containers/3f4e5d6c7b8a/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n", NULL },
	{ "uppercase hex is not a docker id",
	  "611 600 8:1 /var/lib/docker/containers/3F4E5D6C7B8A99887766554433221100FFEEDDCCBBAA00112233445566778899/hostname /etc/hostname rw - ext4 x rw\n", NULL },
	{ "id too long",
	  "611 600 8:1 /var/lib/docker/containers/" ID "00/hostname /etc/hostname rw - ext4 x rw\n", NULL },
	{ "truncated line", "611 600 8:1 /var/lib/docker/containers/" ID "/hostname", NULL },
	{ "empty", "", NULL },
	{ "garbage", "\x01\x02 \xff\xfe\n\n   \n", NULL },
};

static const struct tcase cgroup_cases[] = {
	{ "cgroup v1 cgroupfs driver", "12:pids:/docker/" ID "\n11:memory:/docker/" ID "\n", ID },
	{ "cgroup v2 systemd driver", "0::/system.slice/docker-" ID ".scope\n", ID },
	{ "cgroup v1 at end of file", "1:name=systemd:/docker/" ID, ID },
	{ "cgroup namespace hides the path", "0::/\n", NULL },
	{ "a user slice", "0::/user.slice/user-0.slice/session-1.scope\n", NULL },
	{ "short id", "12:pids:/docker/3f4e5d6c\n", NULL },
	{ "empty", "", NULL },
};

static void run(const struct tcase *t, size_t n, char *(*fn)(const char *))
{
	for (size_t i = 0; i < n; i++) {
		char *got = fn(t[i].text);
		if (t[i].want) {
			if (!got || strcmp(got, t[i].want))
				fail_msg("%s: got %s", t[i].name, got ? got : "(null)");
		} else if (got) {
			fail_msg("%s: got %s, want none", t[i].name, got);
		}
		free(got);
	}
}

static void test_mountinfo(void **state)
{
	(void)state;
	run(mountinfo_cases, sizeof(mountinfo_cases) / sizeof(mountinfo_cases[0]), selfid_from_mountinfo);
	char *none = selfid_from_mountinfo(NULL);
	assert_null(none);
}

static void test_cgroup(void **state)
{
	(void)state;
	run(cgroup_cases, sizeof(cgroup_cases) / sizeof(cgroup_cases[0]), selfid_from_cgroup);
}

/* Outside a container (the test host) nothing is detected. */
static void test_detect_here(void **state)
{
	(void)state;
	const char *how = "unset";
	char *id = selfid_detect(&how);
	if (id)
		assert_non_null(how);
	else
		assert_null(how);
	free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_detect_here),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
