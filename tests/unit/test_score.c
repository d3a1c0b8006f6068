/* Score arithmetic on hand-checked cases. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include "score/score.h"

struct item {
	enum status st;
	const char *assessment;
	double weight;
};

struct scase {
	const char *name;
	struct score_opts opts;
	struct item items[8];
	size_t n;
	double score;		/* NAN: null */
	int scored, pass, fail, waived;
};

#define A "automated"
#define M "manual"

static const struct scase cases[] = {
	{ "default 3 of 4", { SCORE_DEFAULT, 0 },
	  { {ST_PASS, A, 1}, {ST_PASS, A, 1}, {ST_PASS, M, 1}, {ST_FAIL, A, 1}, {ST_MANUAL, M, 1}, {ST_SKIP, A, 1} },
	  6, 75.0, 4, 3, 1, 0 },
	{ "default excludes manual, skip, error, waived", { SCORE_DEFAULT, 0 },
	  { {ST_PASS, A, 1}, {ST_FAIL, A, 1}, {ST_FAIL, A, 1}, {ST_ERROR, A, 1}, {ST_WAIVED, A, 1}, {ST_MANUAL, A, 1} },
	  6, 33.3, 3, 1, 2, 1 },
	{ "nothing scorable is null", { SCORE_DEFAULT, 0 },
	  { {ST_MANUAL, M, 1}, {ST_SKIP, A, 1}, {ST_ERROR, A, 1}, {ST_WAIVED, A, 1} },
	  4, NAN, 0, 0, 0, 1 },
	{ "no results at all is null", { SCORE_DEFAULT, 0 }, { {ST_PASS, A, 1} }, 0, NAN, 0, 0, 0, 0 },
	{ "flat weights", { SCORE_FLAT, 0 },
	  { {ST_PASS, A, 3}, {ST_FAIL, A, 1}, {ST_PASS, A, 0.5}, {ST_MANUAL, A, 10} },
	  4, 77.8 /* 3.5 / 4.5 */, 3, 2, 1, 0 },
	{ "flat with equal weights is the default", { SCORE_FLAT, 0 },
	  { {ST_PASS, A, 1}, {ST_FAIL, A, 1}, {ST_FAIL, A, 1} }, 3, 33.3, 3, 1, 2, 0 },
	{ "flat with zero weights is 100", { SCORE_FLAT, 0 }, { {ST_PASS, A, 0}, {ST_FAIL, A, 0} }, 2, 100.0, 2, 1, 1, 0 },
	{ "absolute with a failure", { SCORE_ABSOLUTE, 0 }, { {ST_PASS, A, 1}, {ST_PASS, A, 1}, {ST_FAIL, A, 1} }, 3, 0.0, 3, 2, 1, 0 },
	{ "absolute clean", { SCORE_ABSOLUTE, 0 }, { {ST_PASS, A, 1}, {ST_MANUAL, A, 1}, {ST_ERROR, A, 1} }, 3, 100.0, 1, 1, 0, 0 },
	{ "automated only leaves CIS-manual checks out", { SCORE_DEFAULT, 1 },
	  { {ST_PASS, A, 1}, {ST_FAIL, M, 1}, {ST_FAIL, M, 1}, {ST_FAIL, A, 1} }, 4, 50.0, 2, 1, 3, 0 },
	{ "automated only, absolute ignores a manual failure", { SCORE_ABSOLUTE, 1 },
	  { {ST_PASS, A, 1}, {ST_FAIL, M, 1} }, 2, 100.0, 1, 1, 1, 0 },
	{ "automated only with only manual checks is null", { SCORE_DEFAULT, 1 },
	  { {ST_PASS, M, 1}, {ST_FAIL, M, 1} }, 2, NAN, 0, 1, 1, 0 },
	{ "rounded to one decimal", { SCORE_DEFAULT, 0 },
	  { {ST_PASS, A, 1}, {ST_PASS, A, 1}, {ST_FAIL, A, 1} }, 3, 66.7, 3, 2, 1, 0 },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scase *c = &cases[i];
		struct rule rules[8];
		struct check checks[8];
		struct check_result res[8];
		memset(rules, 0, sizeof(rules));
		memset(checks, 0, sizeof(checks));
		memset(res, 0, sizeof(res));
		for (size_t k = 0; k < c->n; k++) {
			rules[k].weight = c->items[k].weight;
			checks[k].rule = &rules[k];
			checks[k].assessment = (char *)c->items[k].assessment;
			res[k].check = &checks[k];
			res[k].status = c->items[k].st;
		}
		score_mark(res, c->n, &c->opts);
		json_t *s = score_summary(res, c->n, &c->opts, NULL, NULL);
		print_message("# %s\n", c->name);
		assert_int_equal(json_integer_value(json_object_get(s, "scored")), c->scored);
		assert_int_equal(json_integer_value(json_object_get(s, "PASS")), c->pass);
		assert_int_equal(json_integer_value(json_object_get(s, "FAIL")), c->fail);
		assert_int_equal(json_integer_value(json_object_get(s, "WAIVED")), c->waived);
		assert_int_equal(json_integer_value(json_object_get(s, "total")), c->n);
		json_t *sc = json_object_get(s, "score");
		if (isnan(c->score)) {
			assert_true(json_is_null(sc));
		} else {
			assert_true(json_is_real(sc));
			assert_true(fabs(json_real_value(sc) - c->score) < 1e-9);
		}
		json_decref(s);
	}
}

static int odd(const struct check_result *r, const void *arg)
{
	(void)arg;
	return r->check->rule->weight > 1.5;
}

static void test_keep_selects(void **state)
{
	(void)state;
	struct rule rules[3] = { {.weight = 2}, {.weight = 1}, {.weight = 2} };
	struct check checks[3] = { {.rule = &rules[0], .assessment = A}, {.rule = &rules[1], .assessment = A},
				   {.rule = &rules[2], .assessment = A} };
	struct check_result res[3] = { {.check = &checks[0], .status = ST_PASS},
				       {.check = &checks[1], .status = ST_FAIL},
				       {.check = &checks[2], .status = ST_FAIL} };
	struct score_opts o = { SCORE_DEFAULT, 0 };
	score_mark(res, 3, &o);
	json_t *s = score_summary(res, 3, &o, odd, NULL);
	assert_int_equal(json_integer_value(json_object_get(s, "total")), 2);
	assert_true(fabs(json_real_value(json_object_get(s, "score")) - 50.0) < 1e-9);
	json_decref(s);
}

static void test_model_names(void **state)
{
	(void)state;
	enum score_model m;
	assert_int_equal(score_model_parse("flat", &m), 0);
	assert_int_equal(m, SCORE_FLAT);
	assert_int_equal(score_model_parse("absolute", &m), 0);
	assert_int_equal(m, SCORE_ABSOLUTE);
	assert_int_equal(score_model_parse("default", &m), 0);
	assert_int_equal(m, SCORE_DEFAULT);
	assert_int_equal(score_model_parse("flat-unweighted", &m), -1);
	assert_int_equal(score_model_parse("", &m), -1);
	assert_string_equal(score_model_name(SCORE_FLAT), "flat");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_keep_selects),
		cmocka_unit_test(test_model_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
