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

/*
 * What to keep of each element of a collection: the paths rules read
 * inside it ("HostConfig.Privileged", "Mounts.Source"), as a tree.  A
 * collector drops the rest of each element as it arrives (facts_prune),
 * so that 10,000 Engine API bodies cost what the checks read of them.
 * An array on the way is looked through: "Mounts.Source" keeps the Source
 * of every mount.  A path ending on a member keeps all of it; "" or "@"
 * keeps the whole element, and so does any segment the tree cannot
 * follow (an index).
 */
struct facts_keep {
	char *name;
	int all;			/* keep everything below */
	struct facts_keep *kids;
	size_t nkids, alloc;
};

void facts_keep_init(struct facts_keep *k);
void facts_keep_add(struct facts_keep *k, const char *path);
/* Does k keep everything (no path was narrower than the whole element)? */
int facts_keep_all(const struct facts_keep *k);
/*
 * Drop from v (an element) every member k does not keep.  depth: how many
 * levels of nested objects are pruned (1: only v's own members).  A
 * document whose objects are all data can be pruned to any depth; one
 * holding {"value", "source"} wrappers only at depth 1.
 */
void facts_prune(json_t *v, const struct facts_keep *k, int depth);
void facts_keep_release(struct facts_keep *k);

#endif
