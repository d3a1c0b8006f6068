/* Drift between two reports: per check and per finding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "score/drift.h"
#include "report/report.h"

/* A report whose 5.5 fails on the given privileged containers ("" for none). */
static json_t *report(const char *privileged, const char *check21)
{
	json_t *fs = json_array();
	int any = 0;
	char *copy = strdup(privileged);
	for (char *save = NULL, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		json_array_append_new(fs, json_pack("{s:s,s:s}", "target", p, "status", "FAIL"));
		any = 1;
	}
	free(copy);
	json_array_append_new(fs, json_pack("{s:s,s:s}", "target", "web", "status", "PASS"));
	json_t *doc = json_pack("{s:s,s:{s:s},s:s,s:{s:f},s:[{s:s,s:s,s:s,s:s,s:o},{s:s,s:s,s:s,s:s,s:[]}]}",
				"schema", "boxaudit-report/1", "host", "hostname", "h", "collected_at", "t",
				"summary", "score", 50.0,
				"checks",
				"benchmark", "b", "id", "5.5", "title", "privileged", "status", any ? "FAIL" : "PASS", "findings", fs,
				"benchmark", "b", "id", "2.1", "title", "icc", "status", check21, "findings");
	assert_non_null(doc);
	return doc;
}

static json_int_t get(const json_t *d, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(d, "summary"), k));
}

static const struct {
	const char *name;
	const char *before, *before21, *now, *now21;
	int checks_new, checks_resolved, checks_unchanged, findings_new, findings_resolved, findings_unchanged;
} cases[] = {
	{ "identical", "a", "FAIL", "a", "FAIL", 0, 0, 2, 0, 0, 1 },
	{ "one more privileged container while 5.5 already failed", "a", "PASS", "a,b", "PASS", 0, 0, 1, 1, 0, 1 },
	{ "first privileged container", "", "PASS", "b", "PASS", 1, 0, 0, 1, 0, 0 },
	{ "container removed", "a,b", "PASS", "a", "PASS", 0, 0, 1, 0, 1, 1 },
	{ "all fixed", "a,b", "FAIL", "", "PASS", 0, 2, 0, 0, 2, 0 },
	{ "check now an error is resolved, not new", "", "FAIL", "", "ERROR", 0, 1, 0, 0, 0, 0 },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *a = report(cases[i].before, cases[i].before21), *b = report(cases[i].now, cases[i].now21);
		char *err = NULL;
		json_t *d = drift_compute(a, b, NULL, &err);
		print_message("# %s\n", cases[i].name);
		assert_non_null(d);
		assert_int_equal(get(d, "checks_new"), cases[i].checks_new);
		assert_int_equal(get(d, "checks_resolved"), cases[i].checks_resolved);
		assert_int_equal(get(d, "checks_unchanged"), cases[i].checks_unchanged);
		assert_int_equal(get(d, "findings_new"), cases[i].findings_new);
		assert_int_equal(get(d, "findings_resolved"), cases[i].findings_resolved);
		assert_int_equal(get(d, "findings_unchanged"), cases[i].findings_unchanged);
		assert_int_equal(drift_regressions(d), cases[i].checks_new + cases[i].findings_new);
		json_decref(a);
		json_decref(b);
		json_decref(d);
	}
}

static void test_items(void **state)
{
	(void)state;
	json_t *a = report("a", "PASS"), *b = report("a,<b>", "PASS");
	char *err = NULL;
	json_t *d = drift_compute(a, b, NULL, &err);
	json_t *f = json_array_get(json_object_get(d, "findings"), 1);
	assert_string_equal(json_string_value(json_object_get(f, "change")), "new");
	assert_string_equal(json_string_value(json_object_get(f, "target")), "<b>");
	assert_string_equal(json_string_value(json_object_get(f, "id")), "5.5");
	assert_string_equal(json_string_value(json_object_get(f, "before")), "absent");
	assert_string_equal(json_string_value(json_object_get(f, "now")), "FAIL");
	struct buf out;
	buf_init(&out, 1 << 16);
	assert_int_equal(drift_write_text(d, &out), 0);
	assert_non_null(strstr(out.data, "findings: 1 new, 0 resolved, 1 unchanged"));
	assert_non_null(strstr(out.data, "NEW       5.5     <b> - privileged (absent -> FAIL)"));
	buf_release(&out);
	json_decref(a);
	json_decref(b);
	json_decref(d);
}

static void test_not_a_report(void **state)
{
	(void)state;
	json_t *a = report("a", "PASS"), *junk = json_pack("{s:s}", "schema", "other");
	char *err = NULL;
	assert_null(drift_compute(junk, a, NULL, &err));
	assert_string_equal(err, "the baseline is not a boxaudit JSON report");
	free(err);
	err = NULL;
	assert_null(drift_compute(a, junk, NULL, &err));
	free(err);
	err = NULL;
	assert_null(drift_load("/nonexistent/report.json", &err));
	assert_non_null(strstr(err, "cannot open report '/nonexistent/report.json'"));
	free(err);
	json_decref(a);
	json_decref(junk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_not_a_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
