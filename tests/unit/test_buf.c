#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "base/buf.h"

static void test_cap_enforced(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "12345678"), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_addstr(&b, "9"), -1);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	buf_release(&b);
}

static void test_grow_and_detach(void **state)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_addf(&b, "%03d", i), 0);
	assert_int_equal(b.len, 3000);
	assert_memory_equal(b.data + 2997, "999", 3);
	size_t len;
	char *p = buf_detach(&b, &len);
	assert_int_equal(len, 3000);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	free(p);
}

static void test_empty_is_terminated(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(buf_addstr(&b, "x"), -1);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_enforced),
		cmocka_unit_test(test_grow_and_detach),
		cmocka_unit_test(test_empty_is_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
