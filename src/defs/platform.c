#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"

/*
 * Platform files (checks/README.md "Platforms"): how boxaudit tells that a
 * platform is present on the audited host, and how it picks the version
 * of its benchmark.
 */

void platform_free(struct platform *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->title);
	free(p->selected);
	free(p->fallback);
	free(p->version_fact);
	free(p->version_of);
	free(p->benchmark);
	expr_free(p->detect);
	json_decref(p->context);
	free(p);
}

int platform_parse(struct loader *l, yaml_node_t *rootn)
{
	static const char *const top_keys[] = { "platform", NULL };
	static const char *const keys[] = {
		"name", "title", "detect", "selected", "fallback", "version", "context", "benchmark",
		NULL
	};
	static const char *const version_keys[] = { "fact", "of", NULL };
	if (loader_check_keys(l, rootn, "platform file", top_keys) < 0)
		return -1;
	yaml_node_t *m = loader_map_get(l, rootn, "platform");
	if (loader_check_keys(l, m, "platform", keys) < 0)
		return -1;
	struct platform *p = xcalloc(1, sizeof(*p));
	int rc = 0;
	p->file = l->file;
	p->line = (int)m->start_mark.line + 1;
	if (loader_get_str(l, m, "name", 1, &p->name) < 0 || loader_get_str(l, m, "title", 0, &p->title) < 0 ||
	    loader_get_str(l, m, "selected", 0, &p->selected) < 0 ||
	    loader_get_str(l, m, "fallback", 0, &p->fallback) < 0 ||
	    loader_get_str(l, m, "benchmark", 0, &p->benchmark) < 0)
		rc = -1;
	yaml_node_t *det = loader_map_get(l, m, "detect");
	if (det && !(p->detect = expr_parse(l, det, 0)))
		rc = -1;
	yaml_node_t *ver = loader_map_get(l, m, "version");
	if (ver) {
		if (loader_check_keys(l, ver, "version", version_keys) < 0 ||
		    loader_get_str(l, ver, "fact", 1, &p->version_fact) < 0 ||
		    loader_get_str(l, ver, "of", 1, &p->version_of) < 0)
			rc = -1;
	}
	yaml_node_t *ctx = loader_map_get(l, m, "context");
	if (ctx) {
		if (loader_get_json(l, ctx, &p->context) < 0) {
			rc = -1;
		} else {
			const char *k;
			json_t *v;
			if (!json_is_object(p->context))
				rc = loader_error(l, ctx, "'context' maps names to fact paths");
			else
				json_object_foreach(p->context, k, v)
					if (!json_is_string(v) || !*json_string_value(v))
						rc = loader_error(l, ctx, "'context': '%s' must name a fact path", k);
		}
	}
	if (!p->context)
		p->context = json_object();
	if (p->benchmark && p->version_fact)
		rc = loader_error(l, loader_map_get(l, m, "benchmark"),
				  "a platform names either 'benchmark' or 'version', not both");
	if (p->name && defs_platform(l->d, p->name))
		rc = loader_error(l, loader_map_get(l, m, "name"), "duplicate platform '%s'", p->name);
	if (rc < 0) {
		platform_free(p);
		return -1;
	}
	ALLOC_GROW(l->d->platforms, l->d->nplatforms + 1, l->d->platforms_alloc);
	l->d->platforms[l->d->nplatforms++] = p;
	return 0;
}

const struct platform *defs_platform(const struct defs *d, const char *name)
{
	for (size_t i = 0; d && i < d->nplatforms; i++)
		if (!strcmp(d->platforms[i]->name, name))
			return d->platforms[i];
	return NULL;
}
