/*
 * libFuzzer target: dockerd's command line, daemon.json and the effective
 * configuration merge.  The first line of the input is the command line
 * (split as systemd splits ExecStart; "dockerd" is prepended), the rest is
 * daemon.json.
 */
#include "config.h"
#include "fuzz_common.h"
#include "parse/dockerd.h"
#include "parse/envfile.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t l1 = nl ? (size_t)(nl - s) : size;
	char *line = fuzz_dup(s, l1);
	const char *rest = nl ? nl + 1 : s + size;
	size_t restlen = (size_t)(s + size - rest);

	char *err = NULL;
	json_t *words = split_words(line, &err);
	free(err);
	err = NULL;
	json_t *argv = json_array();
	json_array_append_new(argv, json_string("dockerd"));
	if (words)
		json_array_extend(argv, words);
	json_decref(words);

	struct dockerd_argv a;
	dockerd_parse_argv(argv, &a);
	json_t *file = dockerd_load_config(rest, restlen, "/etc/docker/daemon.json", &err);
	free(err);
	json_t *conflicts = NULL;
	json_t *eff = dockerd_merge(a.settings, file, &conflicts);
	char *dump = json_dumps(eff, JSON_COMPACT);
	free(dump);
	json_decref(eff);
	json_decref(conflicts);
	/* The file alone, as without a command line. */
	eff = dockerd_merge(NULL, file, &conflicts);
	json_decref(eff);
	json_decref(conflicts);
	json_decref(file);
	dockerd_argv_release(&a);
	json_decref(argv);
	free(line);
	return 0;
}
