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
#include "defs.h"
#include "banned.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defs_load_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
