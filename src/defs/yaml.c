#include "config.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"

void defs_add_error(struct defs *d, char *msg)
{
	if (d->nerrors >= DEFS_MAX_ERRORS) {
		free(msg);
		return;
	}
	ALLOC_GROW(d->errors, d->nerrors + 1, d->errors_alloc);
	d->errors[d->nerrors++] = msg;
}

__attribute__((format(printf, 3, 4)))
int loader_error(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	defs_add_error(l->d, xasprintf("%s:%zu:%zu: %s", l->file,
				  n ? n->start_mark.line + 1 : 0,
				  n ? n->start_mark.column + 1 : 0, m));
	free(m);
	return -1;
}

yaml_node_t *loader_node(struct loader *l, int idx)
{
	return yaml_document_get_node(&l->doc, idx);
}

/* Look key up in mapping m; NULL when absent. */
yaml_node_t *loader_map_get(struct loader *l, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = yamljson_scalar(loader_node(l, p->key));
		if (k && !strcmp(k, key))
			return loader_node(l, p->value);
	}
	return NULL;
}

/* Every key of m must be in allowed (NULL-terminated), and appear once. */
int loader_check_keys(struct loader *l, yaml_node_t *m, const char *what,
		      const char *const *allowed)
{
	int rc = 0;
	if (!m || m->type != YAML_MAPPING_NODE)
		return loader_error(l, m, "%s must be a mapping", what);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = loader_node(l, p->key);
		const char *k = yamljson_scalar(kn);
		if (!k) {
			rc = loader_error(l, kn, "%s: keys must be plain strings", what);
			continue;
		}
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (!strcmp(*a, k))
				ok = 1;
		if (!ok)
			rc = loader_error(l, kn, "%s: unknown key '%s'", what, k);
		for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
			const char *k2 = yamljson_scalar(loader_node(l, q->key));
			if (k2 && !strcmp(k, k2))
				rc = loader_error(l, kn, "%s: duplicate key '%s'", what, k);
		}
	}
	return rc;
}

/* A required or optional string-valued key. */
int loader_get_str(struct loader *l, yaml_node_t *m, const char *key, int required,
		   char **out)
{
	yaml_node_t *v = loader_map_get(l, m, key);
	*out = NULL;
	if (!v) {
		if (required)
			return loader_error(l, m, "missing required key '%s'", key);
		return 0;
	}
	const char *s = yamljson_scalar(v);
	if (!s)
		return loader_error(l, v, "'%s' must be a string", key);
	*out = xstrdup(s);
	return 0;
}

int loader_get_json(struct loader *l, yaml_node_t *n, json_t **out)
{
	char *err = NULL;
	*out = yamljson_node(&l->doc, n, l->file, 0, &err);
	if (!*out) {
		defs_add_error(l->d, err);
		return -1;
	}
	return 0;
}

int loader_status_word(struct loader *l, yaml_node_t *n, enum status *out)
{
	const char *s = yamljson_scalar(n);
	if (s && !strcmp(s, "skip"))
		*out = ST_SKIP;
	else if (s && !strcmp(s, "fail"))
		*out = ST_FAIL;
	else if (s && !strcmp(s, "pass"))
		*out = ST_PASS;
	else if (s && !strcmp(s, "error"))
		*out = ST_ERROR;
	else
		return loader_error(l, n, "expected one of skip, fail, pass, error");
	return 0;
}
