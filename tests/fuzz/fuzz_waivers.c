/*
 * libFuzzer target: the waiver file.  The input is parsed with
 * waivers_parse (twice, to exercise appending) and the waivers are applied
 * to a few failing results, on a date before and after typical expiries;
 * the first line also goes through waivers_date_valid.
 */
#include "config.h"
#include "fuzz_common.h"
#include "score/waivers.h"
#include "engine/result.h"
#include "base/banned.h"

static struct benchmark bench = { .id = "cis-docker-1.6.0" };
static struct check checks[] = {
	{ .id = "5.5", .bench = &bench },
	{ .id = "1.1.1", .bench = &bench },
	{ .id = "2.1", .bench = &bench },
};

static void make_results(struct check_result *r)
{
	static const char *const targets[] = { "legacy-web", "db", "", "/etc/docker" };
	memset(r, 0, 3 * sizeof(*r));
	for (size_t i = 0; i < 3; i++) {
		r[i].check = &checks[i];
		r[i].status = i == 2 ? ST_PASS : ST_FAIL;
		r[i].reason = fuzz_dup("fuzz", 4);
	}
	for (size_t k = 0; k < 4; k++) {
		struct finding *f = result_add_finding(&r[0]);
		f->target = json_string(targets[k]);
		f->status = k == 3 ? ST_PASS : ST_FAIL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_dup(data, size);
	const char *nl = memchr(text, '\n', size);
	char *first = fuzz_dup(text, nl ? (size_t)(nl - text) : size);
	(void)waivers_date_valid(first);
	free(first);

	struct waivers w;
	waivers_init(&w);
	for (int round = 0; round < 2; round++) {
		char *err = NULL;
		if (waivers_parse(&w, text, size, "waivers.yaml", &err) < 0) {
			if (!err)
				abort();	/* -1 must say why */
			free(err);
			break;
		}
		free(err);
	}
	static const char *const days[] = { "2026-01-01", "2099-12-31" };
	for (size_t d = 0; d < 2; d++) {
		struct check_result r[3];
		make_results(r);
		json_t *notes = json_array();
		(void)waivers_apply(&w, r, 3, days[d], notes);
		json_decref(notes);
		for (size_t i = 0; i < 3; i++)
			check_result_release(&r[i]);
	}
	waivers_release(&w);
	free(text);
	return 0;
}
