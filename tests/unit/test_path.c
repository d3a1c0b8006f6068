#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "base/path.h"

static void check(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_base(void **state)
{
	(void)state;
	assert_string_equal(path_base("/usr/bin/kubelet"), "kubelet");
	assert_string_equal(path_base("kubelet"), "kubelet");
	assert_string_equal(path_base("/usr/bin/"), "");
}

static void test_abs(void **state)
{
	(void)state;
	check(path_abs("/var/lib", "/etc/x"), "/etc/x");
	check(path_abs("/var/lib", "x"), "/var/lib/x");
	check(path_abs("/var/lib/", "x"), "/var/lib/x");
	check(path_abs("/", "x"), "/x");
	check(path_abs("", "x"), "/x");
}

static void test_beside(void **state)
{
	(void)state;
	check(path_beside("/etc/kubernetes/admission.yaml", "eventconfig.yaml"), "/etc/kubernetes/eventconfig.yaml");
	check(path_beside("/etc/kubernetes/admission.yaml", "../x/e.yaml"), "/etc/kubernetes/../x/e.yaml");
	check(path_beside("/etc/kubernetes/admission.yaml", "/abs/e.yaml"), "/abs/e.yaml");
	check(path_beside("/admission.yaml", "e.yaml"), "/e.yaml");
	check(path_beside("admission.yaml", "e.yaml"), "e.yaml");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_abs),
		cmocka_unit_test(test_beside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
