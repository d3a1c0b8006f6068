/*
 * libFuzzer target: the benchmark definition loader.  The input is up to
 * eight definition files separated by "#@file" lines (a rule library, a
 * benchmark, a benchmark extending it, ...), loaded in order with
 * defs_load_text and then resolved, as boxaudit --checks DIR does.
 */
#include "config.h"
#include <stdio.h>
#include "fuzz_common.h"
#include "defs/defs.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[8];
	size_t n = fuzz_split(data, size, parts, 8);
	struct defs d;
	defs_init(&d);
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "fuzz-%zu.yaml", i);
		bad |= defs_load_text(&d, name, parts[i].text, parts[i].len) < 0;
	}
	/* What the CLI does with resolved benchmarks: sort and section their checks. */
	int ok = !bad && defs_resolve(&d) == 0;
	for (size_t b = 0; ok && b < d.nbenches; b++) {
		struct benchmark *bm = d.benches[b];
		for (size_t c = 0; c < bm->nchecks; c++) {
			char *sec = check_section(bm->checks[c].id);
			free(sec);
			if (c)
				(void)check_id_cmp(bm->checks[c - 1].id, bm->checks[c].id);
		}
	}
	defs_release(&d);
	fuzz_parts_free(parts, n);
	return 0;
}
