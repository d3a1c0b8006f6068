/*
 * Shared by fuzz_inspect and fuzz_report: the CIS Docker checks, and a
 * facts document built from fuzz input as src/collect_api.c builds
 * docker.api from Engine API bodies, with the collector's own redaction
 * (src/redact.h).
 *
 * Input: JSON, an array [CONTAINER, IMAGE, HISTORY, INFO] (missing
 * elements are left out), or one object used as the container, the image,
 * /info and /version at once (its "history" member, when an array, as the
 * image history).  Aborts if an Env value survives redaction.
 */
#ifndef BOXAUDIT_FUZZ_API_H
#define BOXAUDIT_FUZZ_API_H
#include <stdio.h>
#include "fuzz_common.h"
#include "defs/defs.h"
#include "parse/redact.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

static struct defs defs;
static const struct check **checks;
static size_t nchecks;

/* Load checks/docker and keep the container, image and daemon checks. */
static void fuzz_api_init(void)
{
	const char *dir = getenv("BOXAUDIT_FUZZ_CHECKS");
	defs_init(&defs);
	if (defs_load_dir(&defs, dir ? dir : FUZZ_SRCDIR "/checks/docker") < 0 ||
	    defs_resolve(&defs) < 0) {
		for (size_t i = 0; i < defs.nerrors; i++)
			fprintf(stderr, "%s\n", defs.errors[i]);
		abort();
	}
	for (size_t b = 0; b < defs.nbenches; b++)
		for (size_t k = 0; k < defs.benches[b]->nchecks; k++) {
			const struct check *c = &defs.benches[b]->checks[k];
			enum target_kind t = c->rule ? c->rule->target : TARGET_HOST;
			if (t != TARGET_CONTAINER && t != TARGET_IMAGE && t != TARGET_DAEMON)
				continue;
			checks = realloc(checks, (nchecks + 1) * sizeof(*checks));
			if (!checks)
				abort();
			checks[nchecks++] = c;
		}
	if (!nchecks)
		abort();
}

/* As collect_api.c: every string of a command (array or string) through redact_text. */
/* Every NAME=VALUE left in Env must have lost its value. */
static void assert_env_redacted(json_t *config)
{
	json_t *env = json_object_get(config, "Env");
	size_t i;
	json_t *v;
	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (!s)
			abort();
		const char *eq = strchr(s, '=');
		if (eq && strcmp(eq, "=<redacted>"))
			abort();
	}
}

/* The facts document for the input, or NULL when it is not JSON. */
static json_t *fuzz_api_facts(const uint8_t *data, size_t size)
{
	json_t *in = json_loadb((const char *)data, size, 0, NULL);
	if (!in)
		return NULL;
	json_t *cont = NULL, *img = NULL, *hist = NULL, *info = NULL;
	if (json_is_array(in)) {
		cont = json_incref(json_array_get(in, 0));
		img = json_incref(json_array_get(in, 1));
		hist = json_incref(json_array_get(in, 2));
		info = json_incref(json_array_get(in, 3));
	} else {
		cont = json_deep_copy(in);
		img = json_deep_copy(in);
		hist = json_incref(json_object_get(in, "history"));
		info = json_deep_copy(in);
	}
	json_t *containers = json_array(), *images = json_array();
	if (json_is_object(cont)) {
		redact_container_inspect(cont);
		assert_env_redacted(json_object_get(cont, "Config"));
		const char *name = json_string_value(json_object_get(cont, "Name"));
		if (name && name[0] == '/')
			name++;
		json_object_set_new(cont, "_name", json_string(name ? name : "fuzz"));
		json_object_set_new(cont, "_source", json_string("api:/containers/fuzz/json"));
		json_object_set(cont, "_image", json_object_get(cont, "Image") ? json_object_get(cont, "Image") : json_null());
		json_t *st = json_object_get(json_object_get(cont, "State"), "Running");
		json_object_set_new(cont, "_running", json_boolean(json_is_true(st)));
		json_array_append(containers, cont);
	}
	if (json_is_object(img)) {
		redact_image_inspect(img);
		assert_env_redacted(json_object_get(img, "Config"));
		assert_env_redacted(json_object_get(img, "ContainerConfig"));
		if (json_is_array(hist)) {
			redact_image_history(hist);
			json_object_set(img, "history", hist);
		} else {
			json_object_set_new(img, "history", json_pack("{s:s}", "error", "image history is not an array"));
		}
		const char *tag = json_string_value(json_array_get(json_object_get(img, "RepoTags"), 0));
		json_object_set_new(img, "_name", json_string(tag ? tag : "sha256:fuzz"));
		json_object_set_new(img, "_source", json_string("api:/images/fuzz/json"));
		json_array_append(images, img);
	}
	json_t *api = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I}", "endpoint", "unix:///var/run/docker.sock",
				"endpoint_source", "default", "api_version", "1.47",
				"containers", containers, "images", images,
				"images_used", (json_int_t)json_array_size(images));
	if (json_is_object(info)) {
		json_object_set(api, "info", info);
		json_object_set(api, "version", info);
	}
	json_object_set_new(api, "swarm", json_null());
	json_t *facts = json_pack("{s:{s:o}}", "docker", "api", api);

	json_decref(cont);
	json_decref(img);
	json_decref(hist);
	json_decref(info);
	json_decref(in);
	return facts;
}

#endif
