/*
 * base/jarena: documents parsed into an arena read like any other, survive
 * until reset, and the allocator stays usable for ordinary values around
 * them (under ASan, a value freed into the arena or an arena value freed
 * with free() is an error).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "base/jarena.h"
#include "base/xalloc.h"

static void test_load_reset(void **state)
{
	(void)state;
	struct jarena *a = jarena_new();
	json_t *kept = json_object();	/* an ordinary value, made before and used after */
	for (int round = 0; round < 50; round++) {
		json_error_t e;
		char *text = xasprintf("{\"n\": %d, \"list\": [1, 2, {\"s\": \"x%d\"}], \"t\": \"%0300000d\"}",
				       round, round, 7);
		json_t *doc = jarena_loadb(a, text, strlen(text), JSON_REJECT_DUPLICATES, &e);
		free(text);
		assert_non_null(doc);
		assert_int_equal(json_integer_value(json_object_get(doc, "n")), round);
		assert_int_equal(strlen(json_string_value(json_object_get(doc, "t"))), 300000);
		/* What is kept is copied out with the ordinary allocator. */
		json_object_set_new(kept, "last", json_deep_copy(json_array_get(json_object_get(doc, "list"), 2)));
		jarena_reset(a);
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(kept, "last"), "s")), "x49");
	json_decref(kept);
	jarena_free(a);
}

static void test_malformed(void **state)
{
	(void)state;
	struct jarena *a = jarena_new();
	static const char *const bad[] = { "{\"a\":1,\"a\":2}", "[1, 2", "", "{\"x\": \"\\ud800\"}", "nul" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_error_t e;
		assert_null(jarena_loadb(a, bad[i], strlen(bad[i]), JSON_REJECT_DUPLICATES, &e));
		assert_true(e.line >= 1 || e.position >= 0);
		jarena_reset(a);
	}
	/* Still usable after failures. */
	json_error_t e;
	json_t *ok = jarena_loadb(a, "[true]", 6, 0, &e);
	assert_true(json_is_true(json_array_get(ok, 0)));
	jarena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_reset),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
