/*
 * derive: facts made from other facts (collect/derive.h).
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "collect/derive.h"
#include "collect/dockerrec.h"
#include "parse/dockerspec.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * Facts derived from others, for rules that cannot compute them: which
 * container ulimits differ from the daemon's --default-ulimit (Docker
 * copies the default into HostConfig.Ulimits, so a plain container would
 * look like an override).
 */
static void derive_ulimits(json_t *c, const json_t *defaults, const char *err)
{
	json_t *ul = facts_get(c, "HostConfig.Ulimits", NULL);
	if (!json_is_object(c) || json_object_get(c, "error"))
		return;
	if (err && json_array_size(ul)) {
		json_object_set_new(c, "_ulimit_overrides", json_pack("{s:s}", "error", err));
		return;
	}
	json_t *over = json_array();
	size_t k;
	json_t *u;
	json_array_foreach(ul, k, u) {
		const char *name = json_string_value(json_object_get(u, "Name"));
		const char *d = name ? json_string_value(json_object_get(defaults, name)) : NULL;
		char *have = xasprintf("%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
				       json_integer_value(json_object_get(u, "Soft")),
				       json_integer_value(json_object_get(u, "Hard")));
		if (!d || strcmp(d, have))
			json_array_append(over, u);
		free(have);
	}
	json_object_set_new(c, "_ulimit_overrides", over);
}

static const json_t *default_ulimits(json_t *facts, const char **err)
{
	*err = NULL;
	json_t *defaults = facts_get(facts, "docker.daemon.settings[\"default-ulimits\"]", err);
	if (json_is_object(defaults) && json_object_get(defaults, "value"))
		defaults = json_object_get(defaults, "value");
	return defaults;
}

static void derive_ulimit_overrides(json_t *facts)
{
	const char *err;
	const json_t *defaults = default_ulimits(facts, &err);
	size_t i;
	json_t *c;
	/* Streamed containers were derived as they came (and are stubs now). */
	if (json_is_true(facts_get(facts, "docker.api.containers_streamed", NULL)))
		return;
	json_array_foreach(facts_get(facts, "docker.api.containers", NULL), i, c)
		derive_ulimits(c, defaults, err);
}

void collect_derive_container(json_t *facts, json_t *c)
{
	const char *err;
	const json_t *defaults = default_ulimits(facts, &err);
	derive_ulimits(c, defaults, err);
}


/* What the derivations read of each Engine API container, when what they make is wanted. */
void collect_derive_keep(const struct collect_request *req, struct facts_keep *k)
{
	for (size_t i = 0; i < req->nfields; i++)
		if (!strcmp(req->fields[i], "docker.api.containers[]._ulimit_overrides"))
			facts_keep_add(k, "HostConfig.Ulimits");
	if (collect_request_reads(req, "runtime"))
		for (const char *const *p = dockerspec_reads; *p; p++)
			facts_keep_add(k, *p);
}

int collect_kubernetes_node(json_t *facts)
{
	if (json_is_true(facts_get(facts, "kubernetes.kubelet.running", NULL)) ||
	    json_is_true(facts_get(facts, "kubernetes.kubelet.present", NULL)))
		return 1;
	size_t i;
	json_t *r;
	json_array_foreach(facts_get(facts, "runtime.containers", NULL), i, r)
		if (json_is_object(json_object_get(r, "kubernetes")))
			return 1;
	return 0;
}

void collect_derive(json_t *facts, const struct collect_request *req)
{
	derive_ulimit_overrides(facts);
	/* A thousand Docker records cost memory that a CIS-only audit does not need. */
	if (!req || collect_request_reads(req, "runtime") || json_object_get(facts, "runtime"))
		dockerrec_derive(facts);
}
