/*
 * Type confusion: every node of real facts snapshots (a Docker host with
 * its Engine API answers, and a kubeadm node collected here) is replaced
 * by each JSON type in turn, and every check of every built-in benchmark
 * is evaluated over the result, then reported.  A daemon or a --facts
 * file can put any type anywhere; no check may crash, and a value of the
 * wrong type must not read as a verdict about it.  Run under ASan and
 * UBSan by tests/run-all.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../unit/test_defs.h"
#include "collect/collect.h"
#include "engine/engine.h"
#include "report/report.h"
#include "base/buf.h"

static size_t runs;
/* The benchmark judged: versions share their rules, so the newest of the platform. */
static const char *bench_id;

/* Evaluate every check over facts; every so often build and write the report too. */
static void audit(json_t *raw, int report)
{
	const struct defs *d = test_defs();
	/* Derivation adds members: on a copy, so the caller's iterators stay valid. */
	json_t *facts = json_deep_copy(raw);
	collect_derive(facts, NULL);
	for (size_t b = 0; b < d->nbenches; b++) {
		struct benchmark *bench = d->benches[b];
		if (strcmp(bench->id, bench_id))
			continue;
		struct check_result *res = calloc(bench->nchecks + 1, sizeof(*res));
		for (size_t k = 0; k < bench->nchecks; k++)
			engine_eval_check(&bench->checks[k], facts, &res[k]);
		if (!report) {
			for (size_t k = 0; k < bench->nchecks; k++)
				check_result_release(&res[k]);
			free(res);
			continue;
		}
		struct score_opts so = {0};
		score_mark(res, bench->nchecks, &so);
		struct benchmark *const benches[] = { bench };
		struct report_input in = {
			.facts = facts, .benches = benches, .nbenches = 1,
			.results = res, .nresults = bench->nchecks, .score = &so,
		};
		json_t *doc = report_build(&in);
		free(res);
		for (const struct writer *w = report_writers; w->name; w++) {
			struct buf out;
			char *err = NULL;
			struct write_opts wo = { .color = 1, .verbose = 1 };
			buf_init(&out, 64u << 20);
			if (w->write(doc, &wo, &out, &err) < 0)
				free(err);
			buf_release(&out);
		}
		json_decref(doc);
	}
	json_decref(facts);
	runs++;
}

/* Replace each node under *slot, one at a time, by each type, and audit. */
static void mutate_all(json_t *facts, json_t *node, size_t *n)
{
	json_t *types[] = { json_null(), json_true(), json_integer(0), json_real(-1.5),
			    json_string("root"), json_array(), json_object() };
	const size_t ntypes = sizeof(types) / sizeof(types[0]);
	if (json_is_object(node)) {
		void *it = json_object_iter(node);
		while (it) {
			const char *key = json_object_iter_key(it);
			json_t *orig = json_incref(json_object_iter_value(it));
			for (size_t t = 0; t < ntypes; t++) {
				json_object_iter_set(node, it, types[t]);
				audit(facts, (*n)++ % 97 == 0);
			}
			json_object_iter_set_new(node, it, orig);
			mutate_all(facts, orig, n);
			it = json_object_iter_next(node, json_object_iter_at(node, key));
		}
	} else if (json_is_array(node)) {
		for (size_t i = 0; i < json_array_size(node); i++) {
			json_t *orig = json_incref(json_array_get(node, i));
			for (size_t t = 0; t < ntypes; t++) {
				json_array_set(node, i, types[t]);
				audit(facts, (*n)++ % 97 == 0);
			}
			json_array_set_new(node, i, orig);
			mutate_all(facts, orig, n);
		}
	}
	for (size_t t = 0; t < ntypes; t++)
		json_decref(types[t]);
}

static void test_docker_snapshot(void **state)
{
	(void)state;
	char p[1024];
	const char *top = getenv("top_srcdir");
	snprintf(p, sizeof(p), "%s/tests/cases/docker/containers-good/facts.json", top ? top : ".");
	json_t *facts = json_load_file(p, 0, NULL);
	assert_non_null(facts);
	size_t n = 0;
	runs = 0;
	bench_id = "cis-docker-1.8.0";
	mutate_all(facts, facts, &n);
	print_message("# docker snapshot: %zu mutations audited\n", runs);
	assert_true(runs > 3000);
	json_decref(facts);
}

static void test_kube_snapshot(void **state)
{
	(void)state;
	char p[1024];
	const char *top = getenv("top_srcdir");
	snprintf(p, sizeof(p), "%s/tests/cases/kube/kube-nodes/kubeadm/root", top ? top : ".");
	struct rootfs r;
	assert_int_equal(rootfs_open(&r, p, NULL), 0);
	const struct defs *d = test_defs();
	struct collect_request req = {0};
	for (size_t b = 0; b < d->nbenches; b++)
		for (size_t k = 0; k < d->benches[b]->nchecks; k++) {
			const struct check *c = &d->benches[b]->checks[k];
			engine_request(&c, 1, &req);
		}
	struct collect_opts o = { .no_api = 1, .defs = d };
	char *err = NULL;
	json_t *facts = collect_run(&r, &o, &req, &err);
	assert_non_null(facts);
	collect_request_release(&req);
	rootfs_close(&r);
	/* Only the Kubernetes part: the Docker part is the other snapshot's. */
	json_t *kube = json_object_get(facts, "kubernetes");
	assert_non_null(kube);
	size_t n = 0;
	runs = 0;
	bench_id = "cis-kubernetes-1.12";
	mutate_all(facts, kube, &n);
	print_message("# kubernetes snapshot: %zu mutations audited\n", runs);
	assert_true(runs > 500);
	json_decref(facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_snapshot),
		cmocka_unit_test(test_kube_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
