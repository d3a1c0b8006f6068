/*
 * derive: facts derived from other facts, for rules that cannot compute
 * them (docs/FACTS.md): the Docker containers' ulimit overrides and their
 * runtime-neutral records.  Stage collect.
 */
#ifndef BOXAUDIT_DERIVE_H
#define BOXAUDIT_DERIVE_H

#include <jansson.h>
#include "collect/request.h"
#include "facts/facts.h"

/*
 * Facts derived from others, for rules that cannot compute them (docs/
 * FACTS.md): run after collection, and on a loaded snapshot, which may
 * come from an older boxaudit.  req is what the rules read (the Docker
 * containers' runtime records are made only when a rule reads "runtime"
 * or the facts have them already), or NULL for everything.
 */
void collect_derive(json_t *facts, const struct collect_request *req);
/* The derivations of one Engine API container c (as collect_derive makes them for all). */
void collect_derive_container(json_t *facts, json_t *c);

/*
 * Is this a Kubernetes node, by what was collected so far: a kubelet
 * running or installed, or a container runtime running pods?
 */
int collect_kubernetes_node(json_t *facts);

/* Add to k what collect_derive reads of each Engine API container, for what req wants of it. */
void collect_derive_keep(const struct collect_request *req, struct facts_keep *k);

#endif
