#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "base/jstr.h"

static void join_is(const char *json, const char *sep, const char *want)
{
	json_t *a = json_loads(json, 0, NULL);
	assert_non_null(a);
	char *got = jstr_array_join(a, sep);
	assert_string_equal(got, want);
	free(got);
	json_decref(a);
}

static void test_join(void **state)
{
	(void)state;
	join_is("[]", ", ", "");
	join_is("[\"a\"]", ", ", "a");
	join_is("[\"file:/etc/eks/bootstrap.sh\", \"os-release:ID=amzn\"]", ", ",
		"file:/etc/eks/bootstrap.sh, os-release:ID=amzn");
	/* Elements that are not strings are skipped, and so is their separator. */
	join_is("[1, \"a\", null, \"b\", {\"x\": 1}]", "; ", "a; b");
	join_is("[\"\", \"b\"]", "-", "-b");
}

static void test_join_not_array(void **state)
{
	(void)state;
	char *got = jstr_array_join(NULL, ", ");
	assert_string_equal(got, "");
	free(got);
}

static void test_has(void **state)
{
	(void)state;
	json_t *a = json_loads("[\"x\", 2, \"y\"]", 0, NULL);
	assert_true(jstr_array_has(a, "y"));
	assert_false(jstr_array_has(a, "2"));
	assert_false(jstr_array_has(a, "z"));
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_join_not_array),
		cmocka_unit_test(test_has),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
