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
#include "collect/request.h"
#include "collect/derive.h"

/* Collect into a new document; returns NULL with *err on a fatal error. */
json_t *collect_run(struct rootfs *root, const struct collect_opts *opts,
		    const struct collect_request *req, char **err);

/*
 * Where the fact at path (docs/FACTS.md) comes from, as one sentence
 * (borrowed, static), or NULL for a path no collector fills.
 */
const char *collect_fact_source(const char *path);

#endif
