#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "parse/godur.h"

static const struct {
	const char *in;
	int64_t ns;
} valid[] = {
	{"0", 0}, {"+0", 0}, {"-0", 0}, {"0s", 0}, {"0h0m0s", 0},
	{"4h", 14400000000000LL}, {"4h0m0s", 14400000000000LL},
	{"1.5h", 5400000000000LL}, {"300ms", 300000000LL}, {"-1m", -60000000000LL},
	{"1h30m", 5400000000000LL}, {"5s", 5000000000LL}, {".5s", 500000000LL},
	{"5.s", 5000000000LL}, {"1ns", 1}, {"1us", 1000}, {"1\xc2\xb5s", 1000},
	{"1\xce\xbcs", 1000}, {"2m3.5s", 123500000000LL}, {"1.000000001s", 1000000001},
	{"100.00100s", 100001000000LL}, {"9223372036854775807ns", INT64_MAX},
	{"-9223372036854775808ns", INT64_MIN}, {"2562047h", 9223369200000000000LL},
	{"0.3333333333333333333h", 1200000000000LL},
};

static const struct {
	const char *in;
	const char *err;
} invalid[] = {
	{"", "invalid duration \"\""},
	{"5", "missing unit in duration \"5\""},
	{"1x", "unknown unit \"x\" in duration \"1x\""},
	{"h", "invalid duration \"h\""},
	{"-", "invalid duration \"-\""},
	{".s", "invalid duration \".s\""},
	{"1h ", "unknown unit \"h \" in duration \"1h \""},
	{" 1h", "invalid duration \" 1h\""},
	{"1..5s", "missing unit in duration \"1..5s\""},
	{"9223372036854775808ns", "invalid duration \"9223372036854775808ns\""},
	{"3000000h", "invalid duration \"3000000h\""},
	{"99999999999999999999s", "invalid duration \"99999999999999999999s\""},
	{"1hh", "unknown unit \"hh\" in duration \"1hh\""},
	{"4H", "unknown unit \"H\" in duration \"4H\""},
};

static void test_valid(void **state)
{
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		int64_t ns = 42;
		char *err = NULL;
		if (godur_parse(valid[i].in, &ns, &err) != 0)
			fail_msg("'%s' rejected: %s", valid[i].in, err);
		if (ns != valid[i].ns)
			fail_msg("'%s': got %lld want %lld", valid[i].in, (long long)ns,
				 (long long)valid[i].ns);
	}
}

static void test_invalid(void **state)
{
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		int64_t ns = 0;
		char *err = NULL;
		if (godur_parse(invalid[i].in, &ns, &err) != -1)
			fail_msg("'%s' accepted as %lld", invalid[i].in, (long long)ns);
		assert_non_null(err);
		if (strcmp(err, invalid[i].err) != 0)
			fail_msg("'%s': message '%s' want '%s'", invalid[i].in, err, invalid[i].err);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
