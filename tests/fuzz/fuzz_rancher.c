/*
 * libFuzzer target: k3s's and RKE2's configuration (parse/rancher.h).  The
 * parts of the input, separated by "#@file" lines, are config.yaml and its
 * config.yaml.d drop-ins; the last part is also the command line after
 * "server" (split as systemd splits ExecStart).  The merged flags then
 * build a component's arguments (GetArgs) from its kubelet-arg words, and
 * origins are relabelled over the result.
 */
#include "config.h"
#include <stdio.h>
#include "fuzz_common.h"
#include "parse/rancher.h"
#include "parse/envfile.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[6];
	size_t n = fuzz_split(data, size, parts, 6);
	struct rancher_file files[6];
	static const char *const names[] = { "/etc/rancher/k3s/config.yaml", "/etc/rancher/k3s/config.yaml.d/a.yaml",
					     "/etc/rancher/k3s/config.yaml.d/b.yaml", "/etc/rancher/k3s/config.yaml.d/c.yml",
					     "/etc/rancher/k3s/config.yaml.d/d.yaml", "/etc/rancher/k3s/config.yaml.d/e.yaml" };
	for (size_t i = 0; i < n; i++)
		files[i] = (struct rancher_file){ names[i], parts[i].text, parts[i].len };
	char *err = NULL;
	json_t *flags = rancher_config_flags(files, n, &err);
	free(err);
	err = NULL;
	if (!flags)
		flags = json_object();
	json_t *words = n ? split_words(parts[n - 1].text, &err) : NULL;
	free(err);
	size_t nw = json_array_size(words);
	const char **w = calloc(nw + 1, sizeof(*w));
	for (size_t i = 0; i < nw; i++)
		w[i] = json_string_value(json_array_get(words, i)) ? json_string_value(json_array_get(words, i)) : "";
	static const char *const bools[] = { "cluster-init", "secrets-encryption", NULL };
	free(rancher_cli_flags(flags, w, nw, bools, "unit:/etc/systemd/system/k3s.service"));
	(void)rancher_bool(flags, "cluster-init");
	static const struct rancher_arg defaults[] = {
		{ "anonymous-auth", "false", "default(k3s server)" },
		{ "profiling", "false", "default(k3s server)" },
	};
	json_t *origins = NULL;
	json_t *argv = rancher_getargs("kube-apiserver", defaults, 2, json_object_get(flags, "kubelet-arg"), &origins);
	json_t *settings = json_pack("{s:{s:s,s:s},s:[{s:s}]}", "profiling", "value", "x", "source", "dist:--profiling",
				     "list", "source", "dist:--anonymous-auth");
	rancher_relabel(settings, "dist:", origins);
	rancher_relabel_exact(settings, "default(k3s server)", "x");
	json_decref(settings);
	json_decref(argv);
	json_decref(origins);
	free(w);
	json_decref(words);
	json_decref(flags);
	for (size_t i = 0; i < n; i++)
		free(parts[i].text);
	return 0;
}
