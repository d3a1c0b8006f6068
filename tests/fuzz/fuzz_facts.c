/*
 * libFuzzer target: a facts document of any shape (what --facts reads, or
 * what a hostile daemon's answers become), audited against every check of
 * the newest Docker and Kubernetes benchmarks and reported in every
 * format.  Every fact the engine reads is type-checked: a value of the
 * wrong type is that finding's ERROR, never a crash.
 */
#include "config.h"
#include "fuzz_common.h"
#include "defs/defs.h"
#include "collect/collect.h"
#include "engine/engine.h"
#include "report/report.h"
#include "parse/redact.h"
#include "base/banned.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

static struct defs defs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	if (!loaded) {
		defs_init(&defs);
		if (defs_load_dir(&defs, FUZZ_SRCDIR "/checks") < 0 || defs_resolve(&defs) < 0)
			abort();
		loaded = 1;
	}
	json_t *facts = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!facts)
		return 0;
	collect_derive(facts, NULL);
	redact_tree(facts);
	for (size_t b = 0; b < defs.nbenches; b++) {
		struct benchmark *bench = defs.benches[b];
		if (strcmp(bench->id, "cis-docker-1.8.0") && strcmp(bench->id, "cis-kubernetes-1.12"))
			continue;
		struct check_result *res = calloc(bench->nchecks + 1, sizeof(*res));
		for (size_t k = 0; k < bench->nchecks; k++)
			engine_eval_check(&bench->checks[k], facts, &res[k]);
		struct score_opts so = {0};
		score_mark(res, bench->nchecks, &so);
		struct benchmark *const benches[] = { bench };
		struct report_input in = {
			.facts = json_is_object(facts) ? facts : NULL, .benches = benches, .nbenches = 1,
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
	struct benchmark **chosen = NULL;
	size_t n = 0;
	json_t *notes = json_array();
	engine_select(&defs, facts, &chosen, &n, notes);
	free(chosen);
	json_decref(notes);
	json_decref(facts);
	return 0;
}
