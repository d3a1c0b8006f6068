/*
 * collect: the stage that reads the audited host.  Every host read goes
 * through collect/rootfs.h; collectors (collect/collector.h) record what
 * they saw into the facts document through facts/facts.h, and never
 * decide verdicts.
 *
 * collect_run runs the collectors of one table (collect.c): each has a
 * name, the fact prefixes it serves and its function.  A collector with no
 * prefixes always runs; the others run when a rule reads a fact under one
 * of their prefixes.  Files and directories that the rules name (struct
 * collect_request) are stat'ed after the configuration collectors ran, so
 * that paths taken from the configuration (a TLS key, a unit file) can be
 * requested too.
 */
#ifndef BOXAUDIT_COLLECT_H
#define BOXAUDIT_COLLECT_H

#include <stddef.h>
#include <jansson.h>
#include "collect/collector.h"

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
};

/* Add s to v unless it is there already (s is borrowed). */
void collect_request_add(const char ***v, size_t *n, const char *s);
void collect_request_release(struct collect_request *req);

/* Collect into a new document; returns NULL with *err on a fatal error. */
json_t *collect_run(struct rootfs *root, const struct collect_opts *opts,
		    const struct collect_request *req, char **err);

/*
 * Facts derived from others, for rules that cannot compute them (docs/
 * FACTS.md): run after collection, and on a loaded snapshot, which may
 * come from an older boxaudit.  req is what the rules read (the Docker
 * containers' runtime records are made only when a rule reads "runtime"
 * or the facts have them already), or NULL for everything.
 */
void collect_derive(json_t *facts, const struct collect_request *req);

/*
 * Where the fact at path (docs/FACTS.md) comes from, as one sentence
 * (borrowed, static), or NULL for a path no collector fills.
 */
const char *collect_fact_source(const char *path);

#endif
