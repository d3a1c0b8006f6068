/*
 * libFuzzer target: the kubelet's command line (pflag forms), its --config
 * file and --config-dir drop-ins, merged as the kubelet does.  The first
 * line of the input is the command line (split as systemd splits
 * ExecStart, after "kubelet"); the parts after it, separated by "#@file"
 * lines, are the --config file (when --config was given) and the drop-ins
 * (when --config-dir was given; one unreadable drop-in when a part is
 * exactly "!").  Each part also goes through kube_yaml_to_json and the
 * whole input through kube_version_scan.
 */
#include "config.h"
#include <stdio.h>
#include "fuzz_common.h"
#include "parse/kubelet.h"
#include "parse/kubeyaml.h"
#include "parse/envfile.h"
#include "defs/defs.h"
#include "base/banned.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

/* The kubelet's configuration schema, from checks/kubernetes/components. */
static const struct kube_schema *schema(void)
{
	static struct defs d;
	static const struct component *c;
	if (!c) {
		defs_init(&d);
		if (defs_load_dir(&d, FUZZ_SRCDIR "/checks/kubernetes/components") < 0 ||
		    defs_resolve(&d) < 0 || !(c = defs_component(&d, "kubelet")))
			abort();
	}
	return &c->schema;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[6];
	size_t n = fuzz_split(data, size, parts, 6);
	/* parts[0]: "ARGV\nCONFIG" */
	char *argline = parts[0].text;
	char *nl = memchr(argline, '\n', parts[0].len);
	const char *cfg = nl ? nl + 1 : argline + parts[0].len;
	size_t cfglen = (size_t)(argline + parts[0].len - cfg);
	if (nl)
		*nl = '\0';

	char *err = NULL;
	json_t *words = split_words(argline, &err);
	free(err);
	json_t *argv = json_array();
	json_array_append_new(argv, json_string("kubelet"));
	if (words)
		json_array_extend(argv, words);
	json_decref(words);

	struct kubelet_args a;
	kubelet_args_parse(argv, &a);
	struct kube_file config = {
		.path = a.config ? a.config : "/var/lib/kubelet/config.yaml",
		.text = cfg, .len = cfglen,
	};
	struct kube_file dropins[5];
	size_t nd = 0;
	char names[5][48];
	for (size_t i = 1; i < n && a.config_dir; i++, nd++) {
		snprintf(names[nd], sizeof(names[nd]), "%s/%02zu-fuzz.conf", a.config_dir, i);
		dropins[nd].path = names[nd];
		if (parts[i].len == 1 && parts[i].text[0] == '!') {
			dropins[nd].text = NULL;
			dropins[nd].len = 0;
			dropins[nd].error = "permission denied";
		} else {
			dropins[nd].text = parts[i].text;
			dropins[nd].len = parts[i].len;
			dropins[nd].error = NULL;
		}
	}
	json_t *eff = kubelet_effective(schema(), &a, a.config ? &config : NULL, dropins, nd);
	char *dump = json_dumps(eff, JSON_COMPACT);
	free(dump);
	json_decref(eff);
	kubelet_args_release(&a);
	json_decref(argv);

	/* The YAML reader and merge patch on their own. */
	json_t *doc = NULL;
	for (size_t i = 1; i < n; i++) {
		err = NULL;
		json_t *p = kube_yaml_to_json(parts[i].text, parts[i].len, "fuzz", &err);
		free(err);
		if (!p)
			continue;
		if (!doc)
			doc = p;
		else {
			json_t *m = kube_merge_patch(doc, p);
			json_decref(doc);
			json_decref(p);
			doc = m;
		}
	}
	(void)kube_get_path(doc, "authentication.x509.clientCAFile");
	json_decref(doc);
	free(kube_version_scan((const char *)data, size));
	fuzz_parts_free(parts, n);
	return 0;
}
