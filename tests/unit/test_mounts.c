#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "case_name.h"
#include "collect/host.h"
#include "parse/mountinfo.h"

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Collect mounts from the fixture root data/host/mounts/NAME. */
static json_t *collect(const char *name, const char *data_root, int *rc)
{
	char dir[1024];
	const char *top = getenv("top_srcdir");
	snprintf(dir, sizeof(dir), "%s/tests/unit/data/host/mounts/%s", top ? top : ".", name);
	struct rootfs r;
	assert_int_equal(rootfs_open(&r, dir, NULL), 0);
	struct collect_ctx ctx = {.root = &r, .facts = json_object()};
	if (data_root)
		json_object_set_new(ctx.facts, "docker", json_pack("{s:{s:{s:{s:s, s:s}}}}",
			"daemon", "settings", "data-root", "value", data_root,
			"source", "daemon.json:data-root"));
	*rc = collect_mounts(&ctx);
	rootfs_close(&r);
	return ctx.facts;
}

static const struct root_case {
	const char *fixture;
	const char *data_root;	/* docker.daemon.settings."data-root", or NULL */
	size_t nentries;
	const char *path, *mount_point, *device;
	int separate;
	const char *source;
	const char *resolved;	/* the data root's symlinks resolved, or NULL: the same */
	int loop;		/* resolve_error expected */
} root_cases[] = {
	{"separate", NULL, 13, "/var/lib/docker", "/var/lib/docker", "/dev/sdb1", 1,
	 "mountinfo; data-root not collected, assumed /var/lib/docker", NULL, 0},
	{"separate", "/var/lib/docker/", 13, "/var/lib/docker/", "/var/lib/docker", "/dev/sdb1", 1, "mountinfo", NULL, 0},
	{"separate", "/srv/docker", 13, "/srv/docker", "/", "/dev/vda", 0, "mountinfo", NULL, 0},
	/* /var/lib/docker2 and /var/lib/dockerd are not above /var/lib/docker. */
	{"shared", NULL, 4, "/var/lib/docker", "/", "/dev/vda", 0,
	 "mountinfo; data-root not collected, assumed /var/lib/docker", NULL, 0},
	{"shared", "/var/lib/docker2/x", 4, "/var/lib/docker2/x", "/var/lib/docker2", "/dev/sdc1", 1, "mountinfo", NULL, 0},
	{"escaped", "/mnt/my disk/docker", 3, "/mnt/my disk/docker", "/mnt/my disk",
	 "/dev/disk/by-label/my\\label", 1, "mountinfo", NULL, 0},
	{"self-only", NULL, 1, "/var/lib/docker", "/", "/dev/vda", 0,
	 "mountinfo; data-root not collected, assumed /var/lib/docker", NULL, 0},
	{"malformed", NULL, 2, "/var/lib/docker", "/var/lib/docker", "/dev/sdb1", 1,
	 "mountinfo; data-root not collected, assumed /var/lib/docker", NULL, 0},
	/* dockerd resolves a symlinked data root: the target's mount counts. */
	{"symlinked", NULL, 2, "/var/lib/docker", "/data", "/dev/sdd1", 1,
	 "mountinfo; data-root not collected, assumed /var/lib/docker", "/data/docker", 0},
	{"symlinked", "/srv/d/", 2, "/srv/d/", "/data", "/dev/sdd1", 1, "mountinfo", "/data/docker", 0},
	{"symlinked", "/srv/../srv/d", 2, "/srv/../srv/d", "/data", "/dev/sdd1", 1, "mountinfo", "/data/docker", 0},
	{"symlinked", "/srv/loop/x", 2, "/srv/loop/x", "/", "/dev/vda", 0, "mountinfo", NULL, 1},
	{"symlinked", "/data/docker", 2, "/data/docker", "/data", "/dev/sdd1", 1, "mountinfo", NULL, 0},
};

static void test_docker_root_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(root_cases) / sizeof(*root_cases); i++) {
		const struct root_case *c = &root_cases[i];
		int rc;
		print_message("# %s %s\n", c->fixture, c->data_root ? c->data_root : "(default)");
		json_t *facts = collect(c->fixture, c->data_root, &rc);
		assert_int_equal(rc, 0);
		json_t *m = json_object_get(facts, "mounts");
		assert_non_null(m);
		assert_null(json_object_get(m, "error"));
		assert_int_equal(json_array_size(json_object_get(m, "entries")), c->nentries);
		json_t *dr = json_object_get(m, "docker_root");
		assert_null(json_object_get(dr, "error"));
		assert_string_equal(str(dr, "path"), c->path);
		assert_string_equal(str(dr, "mount_point"), c->mount_point);
		assert_string_equal(str(dr, "device"), c->device);
		assert_int_equal(json_is_true(json_object_get(dr, "separate")), c->separate);
		assert_string_equal(str(dr, "source"), c->source);
		if (c->resolved)
			assert_string_equal(str(dr, "resolved"), c->resolved);
		else
			assert_null(json_object_get(dr, "resolved"));
		assert_int_equal(json_object_get(dr, "resolve_error") != NULL, c->loop);
		assert_string_equal(str(dr, "path_source"),
				    c->data_root ? "daemon.json:data-root" : "assumed");
		json_decref(facts);
	}
}

static void test_entry_fields(void **state)
{
	(void)state;
	int rc;
	json_t *facts = collect("escaped", NULL, &rc);
	json_t *m = json_object_get(facts, "mounts");
	assert_string_equal(str(m, "source"), "/proc/1/mountinfo");
	assert_int_equal(json_array_size(json_object_get(m, "errors")), 0);
	json_t *e = json_array_get(json_object_get(m, "entries"), 1);
	assert_int_equal(json_integer_value(json_object_get(e, "id")), 40);
	assert_int_equal(json_integer_value(json_object_get(e, "parent_id")), 27);
	assert_string_equal(str(e, "device_number"), "8:17");
	assert_string_equal(str(e, "root"), "/data root");
	assert_string_equal(str(e, "mount_point"), "/mnt/my disk");
	assert_string_equal(str(e, "options"), "rw,relatime");
	json_t *opt = json_object_get(e, "optional");
	assert_int_equal(json_array_size(opt), 2);
	assert_string_equal(json_string_value(json_array_get(opt, 1)), "propagate_from:2");
	assert_string_equal(str(e, "fstype"), "ext4");
	assert_string_equal(str(e, "device"), "/dev/disk/by-label/my\\label");
	assert_string_equal(str(e, "super_options"), "rw");
	e = json_array_get(json_object_get(m, "entries"), 2);
	assert_string_equal(str(e, "root"), "net:[4026531840]");
	assert_string_equal(str(e, "mount_point"), "/run/netns/ns\t1");
	json_decref(facts);

	facts = collect("self-only", NULL, &rc);
	assert_string_equal(str(json_object_get(facts, "mounts"), "source"), "/proc/self/mountinfo");
	json_decref(facts);
}

static const char *const malformed_errors[] = {
	"/proc/1/mountinfo:2: too few fields (1)",
	"/proc/1/mountinfo:3: bad mount id 'x 27'",
	"/proc/1/mountinfo:4: bad device number '8x1'",
	"/proc/1/mountinfo:5: mount point 'relative' is not absolute",
	"/proc/1/mountinfo:6: no '-' separator",
	"/proc/1/mountinfo:7: missing fields after '-'",
};

static void test_malformed(void **state)
{
	(void)state;
	int rc;
	json_t *facts = collect("malformed", NULL, &rc);
	json_t *errors = json_object_get(json_object_get(facts, "mounts"), "errors");
	size_t n = sizeof(malformed_errors) / sizeof(*malformed_errors);
	assert_int_equal(json_array_size(errors), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(errors, i)), malformed_errors[i]);
	json_decref(facts);
}

/* Inline texts: expected entries and errors. */
static const struct { const char *text; size_t nentries, nerrors; } texts[] = {
	{"", 0, 0},
	{"\n\n", 0, 0},
	{"1 0 0:1 / / rw - ext4 /dev/a rw", 1, 0},	/* no final newline */
	{"1 0 0:1 / / rw - ext4 /dev/a rw\n", 1, 0},
	{"1  0 0:1 / / rw - ext4 /dev/a rw\n", 1, 0},	/* doubled blank */
	{"1 0 0:1 / / rw -\n", 0, 1},
	{"1 0 0: / / rw - ext4 /dev/a rw\n", 0, 1},
	{"1 0 :1 / / rw - ext4 /dev/a rw\n", 0, 1},
	{"-1 0 0:1 / / rw - ext4 /dev/a rw\n", 0, 1},
	{"1 0 0:1 / / rw - - ext4 /dev/a\n", 1, 0},	/* the first "-" separates */
	{"99999999999 0 0:1 / / rw - ext4 /dev/a rw\n", 0, 1},
};

static void test_texts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		json_t *entries = json_array(), *errors = json_array();
		print_message("# text case %s\n", case_name(texts[i].text));
		mountinfo_parse("m", texts[i].text, strlen(texts[i].text), entries, errors);
		assert_int_equal(json_array_size(entries), texts[i].nentries);
		assert_int_equal(json_array_size(errors), texts[i].nerrors);
		json_decref(entries);
		json_decref(errors);
	}
	/* A NUL byte inside a line. */
	json_t *entries = json_array(), *errors = json_array();
	static const char nul[] = "1 0 0:1 / / rw - ext4 /dev/a rw\n2 1 0:1 /\0 /x rw - ext4 /dev/b rw\n";
	mountinfo_parse("m", nul, sizeof(nul) - 1, entries, errors);
	assert_int_equal(json_array_size(entries), 1);
	assert_string_equal(json_string_value(json_array_get(errors, 0)), "m:2: NUL byte in line");
	json_decref(entries);
	json_decref(errors);
}

/* mounts_docker_root over mounts in order (a later equal mount is on top). */
static const char *const overmounted =
	"1 0 0:1 / / rw - ext4 /dev/root rw\n"
	"2 1 0:2 / /var/lib rw - ext4 /dev/sdc3 rw\n"
	"3 1 0:3 / /var/lib rw - ext4 /dev/sdc4 rw\n"
	"4 1 0:4 / /var/lib/docker2 rw - ext4 /dev/sdc5 rw\n";
static const struct { const char *path, *mount_point, *device; } prefix_cases[] = {
	{"/var/lib/docker", "/var/lib", "/dev/sdc4"},
	{"/var/lib/docker2", "/var/lib/docker2", "/dev/sdc5"},
	{"/var/lib/docker2/", "/var/lib/docker2", "/dev/sdc5"},
	{"/var/lib//docker2/overlay2", "/var/lib/docker2", "/dev/sdc5"},
	{"/var/libx", "/", "/dev/root"},
	{"/", "/", "/dev/root"},
};

static void test_prefix(void **state)
{
	(void)state;
	json_t *entries = json_array(), *errors = json_array();
	mountinfo_parse("m", overmounted, strlen(overmounted), entries, errors);
	for (size_t i = 0; i < sizeof(prefix_cases) / sizeof(*prefix_cases); i++) {
		json_t *dr = mounts_docker_root(entries, prefix_cases[i].path, "mountinfo");
		assert_string_equal(str(dr, "mount_point"), prefix_cases[i].mount_point);
		assert_string_equal(str(dr, "device"), prefix_cases[i].device);
		assert_int_equal(json_is_true(json_object_get(dr, "separate")),
				 strcmp(prefix_cases[i].mount_point, "/") != 0);
		json_decref(dr);
	}
	json_t *dr = mounts_docker_root(entries, "relative/docker", "mountinfo");
	assert_string_equal(str(dr, "error"), "data-root 'relative/docker' is not an absolute path");
	json_decref(dr);
	/* No mount at all covers the path. */
	json_t *none = json_array();
	dr = mounts_docker_root(none, "/var/lib/docker", "mountinfo");
	assert_string_equal(str(dr, "error"), "no mount covers '/var/lib/docker'");
	json_decref(dr);
	json_decref(none);
	json_decref(entries);
	json_decref(errors);
}

static void test_no_proc(void **state)
{
	(void)state;
	int rc;
	json_t *facts = collect("noproc", NULL, &rc);
	assert_int_equal(rc, -1);
	const char *e = str(json_object_get(facts, "mounts"), "error");
	assert_non_null(e);
	assert_non_null(strstr(e, "no /proc/1/mountinfo in the audited root: "));
	assert_int_equal(json_object_size(json_object_get(facts, "mounts")), 1);
	json_decref(facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_root_table),
		cmocka_unit_test(test_entry_fields),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_no_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
