/*
 * Regression cases for what fuzzing (tests/fuzz) found, one per bug, so
 * that 'make check' keeps them fixed without clang or libFuzzer.  Each
 * case feeds the input that crashed (or leaked) to the same entry point
 * the fuzz target called and asserts the correct outcome.
 */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>
#include "defs/defs.h"
#include "collect/rootfs.h"
#include "collect/systemd.h"
#include "docker_tree.h"
#include "base/banned.h"

/* defs_load_text (added for the fuzz target) reports like defs_load_file. */
static void test_defs_load_text(void **state)
{
	struct defs d;
	defs_init(&d);
	assert_int_equal(defs_load_text(&d, "t.yaml", "rules: [\n", 8), -1);
	assert_int_equal(d.nerrors, 1);
	assert_non_null(strstr(d.errors[0], "t.yaml:"));
	assert_int_equal(defs_load_text(&d, "e.yaml", "", 0), -1);
	assert_non_null(strstr(d.errors[1], "e.yaml: empty file"));
	defs_release(&d);

	static const char lib[] =
		"rules:\n"
		"  - key: r\n"
		"    title: t\n"
		"    target: host\n"
		"    remediation: r\n"
		"    test: {fact: a.b, op: eq, value: 1}\n";
	defs_init(&d);
	assert_int_equal(defs_load_text(&d, "lib.yaml", lib, sizeof(lib) - 1), 0);
	assert_int_equal(d.nerrors, 0);
	assert_non_null(defs_rule(&d, "r"));
	defs_release(&d);
}

/*
 * fuzz_systemd, crash-19cb252c: "EnvironmentFile=-/" made rootfs resolve
 * "/", whose component list is empty: memmove/memcpy on a NULL array
 * (UBSan: applying zero offset to null pointer, rootfs.c comps_prepend).
 * "/" is the root directory itself; reading it is an error, not a crash.
 */
static void test_rootfs_root_path(void **state)
{
	struct tree t;
	struct rootfs r;
	char *err = NULL;
	assert_int_equal(tree_init(&t), 0);
	assert_int_equal(tree_put(&t, "/lib/systemd/system/docker.service",
				  "[Service]\nEnvironmentFile=-/\nEnvironmentFile=//\n"
				  "ExecStart=/usr/bin/dockerd $OPTS\n"), 0);
	assert_int_equal(rootfs_open(&r, t.dir, &err), 0);

	struct stat st;
	assert_int_equal(rootfs_stat(&r, "/", 1, &st, &err), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(rootfs_stat(&r, "///", 0, &st, &err), 0);
	assert_true(S_ISDIR(st.st_mode));
	struct buf b;
	buf_init(&b, 1024);
	assert_int_equal(rootfs_read(&r, "/", 1024, &b, &err), -1);
	assert_non_null(err);
	free(err);
	err = NULL;
	buf_release(&b);

	json_t *u = systemd_unit_collect(&r, "docker.service");
	json_t *files = json_object_get(u, "environment_files");
	assert_int_equal(json_array_size(files), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *f = json_array_get(files, i);
		/* The root exists but is no regular file: an error even when optional. */
		assert_true(json_is_true(json_object_get(f, "exists")));
		assert_non_null(json_string_value(json_object_get(f, "error")));
	}
	assert_string_equal(json_string_value(json_array_get(json_object_get(u, "exec_start"), 0)),
			    "/usr/bin/dockerd");
	json_decref(u);
	rootfs_close(&r);
	tree_rm(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defs_load_text),
		cmocka_unit_test(test_rootfs_root_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
