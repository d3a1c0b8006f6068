#include "config.h"
#include <string.h>
#include "engine/engine.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* each_path: the collection an enclosing each iterates, or NULL. */
static void request_expr(const struct expr *e, const char *each_path, struct collect_request *req)
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
		if (e->subj == SUBJ_FACT || e->subj == SUBJ_FILE_FACT || e->subj == SUBJ_AUDIT_PATH_FACT)
			collect_request_add(&req->facts, &req->nfacts, e->subject);
		break;
	case EX_EACH:
		collect_request_add(&req->facts, &req->nfacts, e->each);
		request_expr(e->where, e->each, req);
		request_expr(e->test, e->each, req);
		break;
	default:
		for (size_t i = 0; i < e->nkids; i++)
			request_expr(e->kids[i], each_path, req);
	}
}

void engine_request(const struct check *const *checks, size_t n, struct collect_request *req)
{
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = checks[i]->rule;
		request_expr(r->applies, NULL, req);
		request_expr(r->test, NULL, req);
	}
}

void engine_request_platforms(const struct defs *d, struct collect_request *req)
{
	for (size_t i = 0; i < d->nplatforms; i++) {
		request_expr(d->platforms[i]->detect, NULL, req);
		if (d->platforms[i]->version_fact)
			collect_request_add(&req->facts, &req->nfacts, d->platforms[i]->version_fact);
	}
}
