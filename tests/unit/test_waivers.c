/* Waiver files: parsing, malformed input with file:line, matching and expiry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "case_name.h"
#include "score/waivers.h"
#include "base/xalloc.h"

static const char good[] =
	"# accepted risks\n"
	"waivers:\n"
	"  - check: \"5.5\"\n"
	"    target: \"legacy-*\"\n"
	"    reason: vendor appliance\n"
	"    owner: ops@example.com\n"
	"    expires: 2027-03-31\n"
	"  - check: cis-docker-1.8.0:2.1\n"
	"    reason: r\n"
	"    owner: o\n"
	"    expires: \"2024-02-29\"\n";

static void test_parse_good(void **state)
{
	(void)state;
	struct waivers w;
	char *err = NULL;
	waivers_init(&w);
	assert_int_equal(waivers_parse(&w, good, strlen(good), "w.yaml", &err), 0);
	assert_int_equal(w.n, 2);
	assert_null(w.v[0].bench);
	assert_string_equal(w.v[0].check, "5.5");
	assert_string_equal(w.v[0].target, "legacy-*");
	assert_string_equal(w.v[0].owner, "ops@example.com");
	assert_string_equal(w.v[0].where, "w.yaml:3");
	assert_string_equal(w.v[1].bench, "cis-docker-1.8.0");
	assert_string_equal(w.v[1].check, "2.1");
	assert_null(w.v[1].target);
	assert_string_equal(w.v[1].where, "w.yaml:8");
	waivers_release(&w);
	/* A bare list is accepted too, and an empty list is no waivers. */
	const char *bare = "- {check: '1.1', reason: r, owner: o, expires: 2030-01-01}\n";
	assert_int_equal(waivers_parse(&w, bare, strlen(bare), "b", &err), 0);
	assert_int_equal(w.n, 1);
	waivers_release(&w);
	assert_int_equal(waivers_parse(&w, "waivers: []\n", 12, "e", &err), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(waivers_parse(&w, "waivers:\n", 9, "e", &err), 0);
	assert_int_equal(w.n, 0);
}

static const struct {
	const char *text, *err;
} bad[] = {
	{ "", "f:1: the waiver file is empty" },
	{ "waivers: [\n", "f:2: " },
	{ "waiver:\n  - check: '1'\n", "f:1: unknown key 'waiver'" },
	{ "waivers: 3\n", "f:1: 'waivers' is a list" },
	{ "waivers:\n  - 5.5\n", "f:2: a waiver is a mapping" },
	{ "waivers:\n  - check: '5.5'\n    reason: r\n    owner: o\n", "f:2: the waiver has no 'expires'" },
	{ "waivers:\n  - check: '5.5'\n    owner: o\n    expires: 2030-01-01\n", "f:2: the waiver has no 'reason'" },
	{ "waivers:\n  - reason: r\n    owner: o\n    expires: 2030-01-01\n", "f:2: the waiver has no 'check'" },
	{ "waivers:\n  - check: '5.5'\n    reason: r\n    owner: o\n    expires: 2030-01-01\n    colour: red\n",
	  "f:6: unknown waiver key 'colour'" },
	{ "waivers:\n  - check: '5.5'\n    reason: r\n    owner: o\n    expires: 2030-02-30\n", "f:5: bad expiry date '2030-02-30'" },
	{ "waivers:\n  - check: '5.5'\n    reason: r\n    owner: o\n    expires: 2029-02-29\n", "f:5: bad expiry date" },
	{ "waivers:\n  - check: '5.5'\n    reason: r\n    owner: o\n    expires: 31/12/2030\n", "f:5: bad expiry date" },
	{ "waivers:\n  - check: '5.5'\n    reason: r\n    owner: o\n    expires: tomorrow\n", "f:5: bad expiry date" },
	{ "waivers:\n  - check: '5.5'\n    reason: ''\n    owner: o\n    expires: 2030-01-01\n", "f:3: 'reason' needs a non-empty" },
	{ "waivers:\n  - check: '5.5'\n    reason: [a]\n    owner: o\n    expires: 2030-01-01\n", "f:3: 'reason' needs a non-empty" },
	{ "waivers:\n  - check: ':5.5'\n    reason: r\n    owner: o\n    expires: 2030-01-01\n", "f:2: bad check ':5.5'" },
	{ "waivers:\n  - check: '5.5'\n    check: '5.6'\n    reason: r\n    owner: o\n    expires: 2030-01-01\n",
	  "f:3: duplicate waiver key 'check'" },
	{ "waivers:\n  - {check: '1', reason: r, owner: o, expires: 2030-01-01}\n  - {check: '2'}\n", "f:3: the waiver has no" },
	/* An alias bomb: a few hundred bytes, 10^8 nodes expanded; refused before expansion. */
	{ "x0: &a0 [l,l,l,l,l,l,l,l,l,l]\nx1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]\nx2: &a2 [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]\nx3: &a3 [*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2]\nx4: &a4 [*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3]\nx5: &a5 [*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4]\nx6: &a6 [*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5]\nx7: &a7 [*a6,*a6,*a6,*a6,*a6,*a6,*a6,*a6,*a6,*a6]\nwaivers: []\n", "f:6:5: document too deep or too large: it expands (through YAML aliases)" },
};

static void test_parse_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct waivers w;
		char *err = NULL;
		waivers_init(&w);
		print_message("# bad case %s\n", case_name(bad[i].text));
		assert_int_equal(waivers_parse(&w, bad[i].text, strlen(bad[i].text), "f", &err), -1);
		assert_non_null(err);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)))
			fail_msg("got '%s', want '%s...'", err, bad[i].err);
		assert_int_equal(w.n, 0);	/* nothing half-loaded */
		free(err);
		waivers_release(&w);
	}
}

static void test_dates(void **state)
{
	(void)state;
	assert_true(waivers_date_valid("2024-02-29"));
	assert_true(waivers_date_valid("2000-02-29"));
	assert_false(waivers_date_valid("1900-02-29"));
	assert_false(waivers_date_valid("2024-13-01"));
	assert_false(waivers_date_valid("2024-00-10"));
	assert_false(waivers_date_valid("2024-04-31"));
	assert_false(waivers_date_valid("2024-4-1"));
	assert_false(waivers_date_valid("2024-04-01x"));
}

/* One check (5.5 of bench "b") failing on the given targets. */
struct fixture {
	struct rule rule;
	struct benchmark bench;
	struct check check;
	struct check_result r;
};

static void setup_result(struct fixture *fx, const char *const *targets, size_t n)
{
	memset(fx, 0, sizeof(*fx));
	fx->bench.id = "b";
	fx->check.id = "5.5";
	fx->check.bench = &fx->bench;
	fx->check.rule = &fx->rule;
	fx->check.assessment = "automated";
	fx->r.check = &fx->check;
	fx->r.status = ST_FAIL;
	for (size_t i = 0; i < n; i++) {
		struct finding *f = result_add_finding(&fx->r);
		memset(f, 0, sizeof(*f));
		f->target = finding_str(targets[i]);
		f->status = ST_FAIL;
	}
}

static struct waivers load(const char *text)
{
	struct waivers w;
	char *err = NULL;
	waivers_init(&w);
	if (waivers_parse(&w, text, strlen(text), "w", &err) < 0)
		fail_msg("%s", err);
	return w;
}

static void test_apply(void **state)
{
	(void)state;
	static const char *const targets[] = { "legacy-1", "legacy-2", "web" };
	struct fixture fx;
	json_t *notes = json_array();

	/* The pattern waives two of three: the check still fails. */
	setup_result(&fx, targets, 3);
	struct waivers w = load("- {check: '5.5', target: 'legacy-*', reason: r, owner: o, expires: 2030-01-01}\n");
	assert_int_equal(waivers_apply(&w, &fx.r, 1, "2029-12-31", notes), 2);
	assert_int_equal(fx.r.status, ST_FAIL);
	assert_int_equal(fx.r.findings[0].status, ST_WAIVED);
	assert_string_equal(json_string_value(fx.r.findings[0].note), "waived: r (owner o, expires 2030-01-01)");
	assert_int_equal(fx.r.findings[2].status, ST_FAIL);
	assert_null(fx.r.waiver);
	check_result_release(&fx.r);
	waivers_release(&w);

	/* Every failing target waived, on the expiry day itself: the check is WAIVED. */
	setup_result(&fx, targets, 3);
	w = load("- {check: 'b:5.5', target: 'legacy-*', reason: r, owner: o, expires: 2030-01-01}\n"
		 "- {check: '5.5', target: web, reason: r2, owner: o2, expires: 2030-01-01}\n");
	assert_int_equal(waivers_apply(&w, &fx.r, 1, "2030-01-01", notes), 3);
	assert_int_equal(fx.r.status, ST_WAIVED);
	assert_non_null(fx.r.waiver);
	assert_string_equal(json_string_value(json_object_get(fx.r.waiver, "reason")), "r");
	assert_string_equal(json_string_value(json_object_get(fx.r.waiver, "source")), "w:1");
	assert_int_equal(json_array_size(notes), 0);
	check_result_release(&fx.r);
	waivers_release(&w);

	/* Another benchmark's waiver does not apply. */
	setup_result(&fx, targets, 1);
	w = load("- {check: 'other:5.5', reason: r, owner: o, expires: 2030-01-01}\n");
	assert_int_equal(waivers_apply(&w, &fx.r, 1, "2020-01-01", notes), 0);
	assert_int_equal(fx.r.status, ST_FAIL);
	check_result_release(&fx.r);
	waivers_release(&w);

	/* Expired: not applied, a note, and the check carries it as expired. */
	setup_result(&fx, targets, 3);
	w = load("- {check: '5.5', reason: old, owner: o, expires: 2030-01-01}\n");
	assert_int_equal(waivers_apply(&w, &fx.r, 1, "2030-01-02", notes), 0);
	assert_int_equal(fx.r.status, ST_FAIL);
	assert_int_equal(fx.r.findings[0].status, ST_FAIL);
	assert_true(json_is_true(json_object_get(fx.r.waiver, "expired")));
	assert_int_equal(json_array_size(notes), 1);	/* once, not per finding */
	assert_string_equal(json_string_value(json_array_get(notes, 0)),
			    "waiver w:1 for check 5.5 expired on 2030-01-01 and no longer applies");
	check_result_release(&fx.r);
	waivers_release(&w);

	/* A check failing without findings is waived only by a waiver without a target. */
	setup_result(&fx, targets, 0);
	w = load("- {check: '5.5', target: x, reason: r, owner: o, expires: 2030-01-01}\n");
	waivers_apply(&w, &fx.r, 1, "2020-01-01", notes);
	assert_int_equal(fx.r.status, ST_FAIL);
	waivers_release(&w);
	w = load("- {check: '5.5', reason: r, owner: o, expires: 2030-01-01}\n");
	waivers_apply(&w, &fx.r, 1, "2020-01-01", notes);
	assert_int_equal(fx.r.status, ST_WAIVED);
	check_result_release(&fx.r);
	waivers_release(&w);

	/* Passing checks are left alone. */
	setup_result(&fx, targets, 1);
	fx.r.status = ST_PASS;
	fx.r.findings[0].status = ST_PASS;
	w = load("- {check: '5.5', reason: r, owner: o, expires: 2030-01-01}\n");
	assert_int_equal(waivers_apply(&w, &fx.r, 1, "2020-01-01", notes), 0);
	assert_int_equal(fx.r.status, ST_PASS);
	check_result_release(&fx.r);
	waivers_release(&w);
	json_decref(notes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
