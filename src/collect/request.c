/*
 * request: what the rules read, as the engine asks for it (collect/request.h).
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "collect/request.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* Does a rule read a fact under prefix ("docker.api" serves "docker.api.containers")? */
int collect_request_reads(const struct collect_request *req, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < req->nfacts; i++) {
		const char *p = req->facts[i];
		if (!strncmp(p, "$.", 2))
			p += 2;
		if (!strncmp(p, prefix, n))
			return 1;
	}
	return 0;
}

void collect_request_add(const char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void collect_request_release(struct collect_request *req)
{
	free(req->files);
	free(req->file_facts);
	free(req->dirs);
	free(req->facts);
	for (size_t i = 0; i < req->nfields; i++)
		free(req->fields[i]);
	free(req->fields);
	memset(req, 0, sizeof(*req));
}

void collect_request_add_field(struct collect_request *req, const char *collection, const char *path)
{
	char *f = xasprintf("%s[].%s", collection, path);
	for (size_t i = 0; i < req->nfields; i++)
		if (!strcmp(req->fields[i], f)) {
			free(f);
			return;
		}
	req->fields = xrealloc(req->fields, (req->nfields + 1) * sizeof(*req->fields));
	req->fields[req->nfields++] = f;
}

void collect_request_keep(const struct collect_request *req, const char *collection, struct facts_keep *k)
{
	size_t n = strlen(collection);
	for (size_t i = 0; i < req->nfields; i++) {
		const char *f = req->fields[i];
		if (!strncmp(f, collection, n) && !strncmp(f + n, "[].", 3))
			facts_keep_add(k, f + n + 3);
	}
}

