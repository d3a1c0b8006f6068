#include "config.h"
#include <string.h>
#include "engine/engine.h"
#include "engine/internal.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *absolute_path(const char *p)
{
	return strncmp(p, "$.", 2) ? p : p + 2;
}

/*
 * each_path: the collection an enclosing each iterates, or NULL; elements:
 * the same as an absolute path with "[]" for each level
 * ("docker.api.containers[].Mounts"), where what a rule reads inside the
 * elements is recorded (req->fields).
 */
static void request_expr(const struct expr *e, const char *each_path, const char *elements,
			 struct collect_request *req)
{
	if (!e)
		return;
	switch (e->kind) {
	case EX_LEAF:
		if (e->subj == SUBJ_FILE)
			collect_request_add(&req->files, &req->nfiles, e->subject);
		else if (e->subj == SUBJ_FILE_FACT && !strcmp(e->subject, "@") && each_path)
			/* The paths are the elements of the collection itself. */
			collect_request_add(&req->file_facts, &req->nfile_facts, each_path);
		else if (e->subj == SUBJ_FILE_FACT)
			collect_request_add(&req->file_facts, &req->nfile_facts, e->subject);
		else if (e->subj == SUBJ_FILES_UNDER)
			collect_request_add(&req->dirs, &req->ndirs, e->subject);
		if (e->subj == SUBJ_FACT || e->subj == SUBJ_FILE_FACT || e->subj == SUBJ_AUDIT_PATH_FACT) {
			collect_request_add(&req->facts, &req->nfacts, e->subject);
			if (elements && strncmp(e->subject, "$.", 2))
				collect_request_add_field(req, elements, e->subject);
			/* The fields a finding shows beside the value (relative to its parent) are read too. */
			const char *dot = strrchr(e->subject, '.');
			for (size_t i = 0; elements && i < e->nshow; i++) {
				char *p = dot ? xasprintf("%.*s.%s", (int)(dot - e->subject), e->subject, e->show[i])
					      : xstrdup(e->show[i]);
				collect_request_add_field(req, elements, p);
				free(p);
			}
		}
		break;
	case EX_EACH: {
		collect_request_add(&req->facts, &req->nfacts, e->each);
		int nested = elements && strncmp(e->each, "$.", 2);
		char *inner = nested ? xasprintf("%s[].%s", elements, e->each) : xstrdup(absolute_path(e->each));
		if (nested && !strcmp(e->each, "@")) {
			/* The element itself is the collection: all of it is read. */
			collect_request_add_field(req, elements, "@");
			free(inner);
			inner = xstrdup(elements);
		}
		if (e->name_field && strncmp(e->name_field, "$.", 2))
			collect_request_add_field(req, inner, e->name_field);
		request_expr(e->where, e->each, inner, req);
		request_expr(e->test, e->each, inner, req);
		free(inner);
		break;
	}
	default:
		for (size_t i = 0; i < e->nkids; i++)
			request_expr(e->kids[i], each_path, elements, req);
	}
}

void engine_request(const struct check *const *checks, size_t n, struct collect_request *req)
{
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = checks[i]->rule;
		request_expr(r->applies, NULL, NULL, req);
		request_expr(r->test, NULL, NULL, req);
	}
}

void engine_request_platforms(const struct defs *d, struct collect_request *req)
{
	for (size_t i = 0; i < d->nplatforms; i++) {
		request_expr(d->platforms[i]->detect, NULL, NULL, req);
		if (d->platforms[i]->version_fact)
			collect_request_add(&req->facts, &req->nfacts, d->platforms[i]->version_fact);
	}
}

int engine_expr_reads(const struct expr *e, const char *collection, int inside)
{
	struct collect_request req = {0};
	request_expr(e, NULL, NULL, &req);
	size_t n = strlen(collection);
	int reads = 0;
	for (size_t i = 0; i < req.nfacts && !reads; i++) {
		const char *p = req.facts[i];
		int absolute = !strncmp(p, "$.", 2);
		if (inside && !absolute)
			continue;
		p = absolute_path(p);
		reads = !strncmp(p, collection, n) && (!p[n] || p[n] == '.' || p[n] == '[');
	}
	collect_request_release(&req);
	return reads;
}

int engine_check_reads(const struct check *c, const char *collection)
{
	return engine_expr_reads(c->rule->applies, collection, 0) || engine_expr_reads(c->rule->test, collection, 0);
}

int engine_expr_reads_collection(const struct expr *e, const char *collection)
{
	return engine_expr_reads(e, collection, 0);
}
