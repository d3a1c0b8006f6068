/*
 * A document built with its findings apart (each check's findings made
 * as a writer reaches them, report_input.findings_apart) renders exactly
 * as the whole document does, in every format: streaming saves memory and
 * changes no byte.  Over real snapshots (a Docker host with 50 containers,
 * a kubeadm node) and every check of their newest benchmarks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_defs.h"
#include "collect/collect.h"
#include "engine/engine.h"
#include "report/report.h"
#include "score/drift.h"
#include "base/buf.h"

static const struct benchmark *bench(const char *id)
{
	const struct defs *d = test_defs();
	for (size_t b = 0; b < d->nbenches; b++)
		if (!strcmp(d->benches[b]->id, id))
			return d->benches[b];
	fail_msg("no benchmark %s", id);
	return NULL;
}

static struct check_result *evaluate(const struct benchmark *b, json_t *facts)
{
	struct check_result *res = calloc(b->nchecks, sizeof(*res));
	for (size_t k = 0; k < b->nchecks; k++)
		engine_eval_check(&b->checks[k], facts, &res[k]);
	struct score_opts so = {0};
	score_mark(res, b->nchecks, &so);
	return res;
}

static json_t *build(const struct benchmark *b, json_t *facts, struct check_result *res, int apart)
{
	static struct score_opts so;
	struct benchmark *const benches[] = { (struct benchmark *)b };
	struct report_input in = {
		.facts = facts, .benches = benches, .nbenches = 1, .results = res,
		.nresults = b->nchecks, .score = &so, .started_at = "2026-12-01T00:00:00Z",
		.finished_at = "2026-12-01T00:00:01Z", .findings_apart = apart,
	};
	return report_build(&in);
}

static char *render(const struct writer *w, const json_t *doc, const struct check_result *res, int verbose)
{
	struct buf out;
	char *err = NULL;
	struct write_opts wo = { .verbose = verbose, .results = res };
	buf_init(&out, 256u << 20);
	if (w->write(doc, &wo, &out, &err) < 0)
		fail_msg("%s: %s", w->name, err);
	return buf_detach(&out, NULL);
}

static void same_in_every_format(json_t *facts, const char *bench_id, size_t min_findings)
{
	const struct benchmark *b = bench(bench_id);
	struct check_result *whole = evaluate(b, facts), *apart = evaluate(b, facts);
	size_t nfindings = 0;
	for (size_t k = 0; k < b->nchecks; k++)
		nfindings += apart[k].nfindings;
	assert_true(nfindings >= min_findings);
	json_t *dw = build(b, facts, whole, 0), *da = build(b, facts, apart, 1);
	/* Apart, the document itself holds no findings. */
	json_t *c = json_array_get(json_object_get(da, "checks"), 0);
	assert_null(json_object_get(c, "findings"));
	assert_non_null(json_object_get(json_array_get(json_object_get(dw, "checks"), 0), "findings"));
	for (const struct writer *w = report_writers; w->name; w++)
		for (int verbose = 0; verbose < 2; verbose++) {
			char *a = render(w, dw, NULL, verbose), *s = render(w, da, apart, verbose);
			if (strcmp(a, s))
				fail_msg("%s%s: the streamed report differs from the whole document's",
					 w->name, verbose ? " (verbose)" : "");
			assert_true(strlen(a) > 1000);
			free(a);
			free(s);
		}
	/* Drift over results apart counts the same findings. */
	char *err = NULL;
	json_t *d1 = drift_compute(dw, dw, NULL, &err), *d2 = drift_compute(dw, da, apart, &err);
	assert_non_null(d1);
	assert_non_null(d2);
	assert_true(json_equal(json_object_get(d1, "summary"), json_object_get(d2, "summary")));
	assert_true(json_integer_value(json_object_get(json_object_get(d2, "summary"), "findings_unchanged")) > 0);
	json_decref(d1);
	json_decref(d2);
	json_decref(dw);
	json_decref(da);
	for (size_t k = 0; k < b->nchecks; k++)
		check_result_release(&apart[k]);
	free(apart);
	free(whole);
}

static json_t *load(const char *rel)
{
	char p[1024];
	const char *top = getenv("top_srcdir");
	snprintf(p, sizeof(p), "%s/%s", top ? top : ".", rel);
	json_t *facts = json_load_file(p, 0, NULL);
	assert_non_null(facts);
	collect_derive(facts, NULL);
	return facts;
}

static void test_docker_host(void **state)
{
	(void)state;
	json_t *facts = load("tests/cases/docker/containers-bad/facts.json");
	same_in_every_format(facts, "cis-docker-1.8.0", 200);
	json_decref(facts);
}

static void test_pod_security(void **state)
{
	(void)state;
	json_t *facts = load("tests/cases/pss/docker-bad/facts.json");
	same_in_every_format(facts, "k8s-pss-restricted", 200);
	json_decref(facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_host),
		cmocka_unit_test(test_pod_security),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
