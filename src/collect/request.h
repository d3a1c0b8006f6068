/*
 * request: what the rules read, as the engine asks for it
 * (engine_request): the facts, files and directories to collect, and what
 * of each element of a collection to keep.  Stage collect.
 */
#ifndef BOXAUDIT_REQUEST_H
#define BOXAUDIT_REQUEST_H

#include <stddef.h>
#include "facts/facts.h"

/* What the rules read; the strings are borrowed (from the definitions). */
struct collect_request {
	const char **files;	/* literal absolute paths */
	size_t nfiles;
	const char **file_facts;	/* fact paths whose value is a file path */
	size_t nfile_facts;
	const char **dirs;	/* directories to walk recursively */
	size_t ndirs;
	const char **facts;	/* every fact path a rule reads ("docker.api.containers") */
	size_t nfacts;
	/*
	 * What rules read inside the elements of a collection, each as
	 * "COLLECTION[].PATH" ("docker.api.containers[].HostConfig.Privileged",
	 * "docker.api.containers[].Mounts[].Source"; "COLLECTION[].@": the
	 * whole element).  Owned.  Collectors keep only this of each element
	 * (facts/facts.h, facts_keep).
	 */
	char **fields;
	size_t nfields;
};

/* Add s to v unless it is there already (s is borrowed). */
void collect_request_add(const char ***v, size_t *n, const char *s);
void collect_request_release(struct collect_request *req);
/* Add a copy of "COLLECTION[].PATH" to req->fields unless it is there. */
void collect_request_add_field(struct collect_request *req, const char *collection, const char *path);
/*
 * The paths req reads inside each element of collection (an absolute fact
 * path, "docker.api.containers"), added to k.
 */
void collect_request_keep(const struct collect_request *req, const char *collection, struct facts_keep *k);
/* Does a rule read a fact under prefix ("docker.api" for "docker.api.containers")? */
int collect_request_reads(const struct collect_request *req, const char *prefix);

#endif
