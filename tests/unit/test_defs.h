/*
 * test_defs: the built-in definitions, loaded once for a unit test that
 * needs their data (the kubelet's configuration schema, say), from
 * BOXAUDIT_CHECKS_DIR or top_srcdir/checks.
 */
#ifndef BOXAUDIT_TEST_DEFS_H
#define BOXAUDIT_TEST_DEFS_H

#include <stdio.h>
#include <stdlib.h>
#include "defs/defs.h"

static inline const struct defs *test_defs(void)
{
	static struct defs d;
	static int loaded;
	if (!loaded) {
		const char *env = getenv("BOXAUDIT_CHECKS_DIR");
		const char *top = getenv("top_srcdir");
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s/checks", top ? top : ".");
		defs_init(&d);
		if (defs_load_dir(&d, env && *env ? env : dir) < 0 || defs_resolve(&d) < 0) {
			for (size_t i = 0; i < d.nerrors; i++)
				fprintf(stderr, "%s\n", d.errors[i]);
			abort();
		}
		loaded = 1;
	}
	return &d;
}

static inline const struct kube_schema *test_kubelet_schema(void)
{
	const struct component *c = defs_component(test_defs(), "kubelet");
	if (!c)
		abort();
	return &c->schema;
}

#endif
