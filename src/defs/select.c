#include "config.h"
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "base/xalloc.h"
#include "base/banned.h"

int defs_match_list(const char *list, const char *id)
{
	char *copy = xstrdup(list);
	int hit = 0;
	for (char *save = NULL, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (!fnmatch(p, id, 0))
			hit = 1;
		/* "5" selects the whole section 5, like "5.*". */
		size_t n = strlen(p);
		if (!strncmp(p, id, n) && id[n] == '.')
			hit = 1;
	}
	free(copy);
	return hit;
}

int defs_check_selected(const struct check_selection *s, const struct check *c)
{
	if (s->level && c->level > s->level)
		return 0;
	if (s->only && !defs_match_list(s->only, c->id))
		return 0;
	if (s->skip && defs_match_list(s->skip, c->id))
		return 0;
	return 1;
}

int defs_select_benchmarks(const struct defs *d, const char *list, struct benchmark ***out,
			   size_t *n, char **unknown)
{
	char *copy = xstrdup(list);
	int rc = 0;
	*out = NULL;
	*n = 0;
	*unknown = NULL;
	for (char *save = NULL, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		struct benchmark *b = defs_benchmark(d, p);
		if (!b) {
			if (!*unknown)
				*unknown = xstrdup(p);
			rc = -1;
			continue;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = b;
	}
	free(copy);
	return rc;
}

char *defs_unmatched_benchmark(const struct defs *d, const char *list)
{
	char *copy = xstrdup(list), *bad = NULL;
	for (char *save = NULL, *p = strtok_r(copy, ",", &save); p && !bad; p = strtok_r(NULL, ",", &save)) {
		int hit = 0;
		for (size_t i = 0; i < d->nbenches && !hit; i++)
			hit = defs_match_list(p, d->benches[i]->id);
		if (!hit)
			bad = xstrdup(p);
	}
	free(copy);
	return bad;
}
