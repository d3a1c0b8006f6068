/*
 * api_probe: run the Engine API collector alone, for manual testing and
 * timing.  Usage: api_probe HOST [OUT.json]  (prints elapsed time and peak
 * RSS to stderr; writes docker.api to OUT.json or stdout).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include "collect/containers.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: api_probe HOST [OUT.json]\n", stderr);
		return 2;
	}
	struct collect_opts opts = { .docker_host = argv[1], .connect_timeout_ms = 2000,
				     .timeout_ms = 30000 };
	json_t *facts = json_object();
	struct collect_ctx ctx = { .live = 1, .opts = &opts, .facts = facts };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	collect_api(&ctx);
	clock_gettime(CLOCK_MONOTONIC, &b);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	json_t *api = json_object_get(json_object_get(facts, "docker"), "api");
	fprintf(stderr, "collect_api: %.3f s, %zu containers, max rss %ld KiB\n",
		(double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9,
		json_array_size(json_object_get(api, "containers")), ru.ru_maxrss);
	int rc = argc > 2 ? json_dump_file(api, argv[2], JSON_INDENT(1))
			  : json_dumpf(api, stdout, JSON_INDENT(1));
	json_decref(facts);
	return rc ? 1 : 0;
}
