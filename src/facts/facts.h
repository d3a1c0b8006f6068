/*
 * facts: the facts document (docs/FACTS.md): get, set, load, dump.
 *
 * The document is one jansson tree that collect/ fills and engine/ reads.
 * This module calls nobody: it knows the document's shape, not who writes
 * it.
 */
#ifndef BOXAUDIT_FACTS_H
#define BOXAUDIT_FACTS_H

#include <jansson.h>

/* Set obj[key] = {"error": msg} (msg formatted), stealing nothing. */
void facts_set_error(json_t *obj, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A value with its origin: {"value": v, "source": src}; steals v. */
json_t *fact_value(json_t *v, const char *src);

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
