/*
 * libFuzzer target: Engine API inspect bodies through redaction and the
 * real CIS Docker checks.
 *
 * The input is JSON as the Engine API would send it: an array
 * [CONTAINER, IMAGE, HISTORY, INFO] (missing elements are left out), or one
 * object used as the container, the image, /info and /version at once (its
 * "history" member, when an array, as the image history).  The bodies are
 * redacted as src/collect_api.c does (redact_env_array and redact_text on
 * Env, Cmd, Entrypoint, Path, Args and history CreatedBy), placed in a
 * facts document under docker.api (docs/FACTS.md, "API"), and every
 * container, image and daemon check of checks/docker is evaluated over it.
 * The target aborts if an Env value survives redaction.
 */
#include "config.h"
#include "fuzz_api.h"
#include "engine/engine.h"
#include "engine/result.h"
#include "base/banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_api_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *facts = fuzz_api_facts(data, size);
	if (!facts)
		return 0;
	for (size_t i = 0; i < nchecks; i++) {
		struct check_result r;
		memset(&r, 0, sizeof(r));
		engine_eval_check(checks[i], facts, &r);
		if (r.status >= ST__COUNT)
			abort();
		check_result_release(&r);
	}
	json_decref(facts);
	return 0;
}
