/*
 * facts: collect the facts document once, or load it from a snapshot.
 *
 * The document layout is docs/FACTS.md.  facts_collect runs every
 * collector over the audited root; paths that the loaded definitions name
 * (struct fact_request) are stat'ed after the configuration collectors ran,
 * so that paths taken from the configuration (a TLS key, a unit file) can
 * be requested too.
 */
#ifndef BOXAUDIT_FACTS_H
#define BOXAUDIT_FACTS_H

#include <jansson.h>
#include "collect/collect.h"

/* Files and directories the definitions ask for; owned by the caller. */
struct fact_request {
	const char **files;	/* literal absolute paths */
	size_t nfiles;
	const char **file_facts;	/* fact paths whose value is a file path */
	size_t nfile_facts;
	const char **dirs;	/* directories to walk recursively */
	size_t ndirs;
	int want_docker, want_api, want_kubernetes;
};

/* Collect into a new document; returns NULL with *err on a fatal error. */
json_t *facts_collect(struct rootfs *root, const struct collect_opts *opts,
		      const struct fact_request *req, char **err);

/* Load a snapshot written by facts_dump; NULL with *err (file:line:col). */
json_t *facts_load(const char *path, char **err);
/* Write the document atomically to path; -1 with *err on failure. */
int facts_dump(const json_t *facts, const char *path, char **err);

/*
 * Look up a dotted path ("docker.daemon.settings.icc"; a segment may be
 * bracketed and quoted to hold dots: docker.systemd["docker.service"]).
 * Returns the borrowed node or NULL.  If an object with an "error" member
 * lies on the way, *error_out is set to that message (borrowed).
 */
json_t *facts_get(json_t *root, const char *path, const char **error_out);

#endif
