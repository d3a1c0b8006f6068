/*
 * dockerrec: the Docker Engine API's containers in the runtime-neutral
 * container list (facts runtime.containers, docs/FACTS.md "RUNTIME"),
 * so that one set of rules judges Docker, containerd and CRI-O alike.
 *
 * A derivation over the facts (collect_derive runs it after collection
 * and on a loaded snapshot): it reads docker.api.containers and the
 * daemon's settings, and never the host.
 */
#ifndef BOXAUDIT_COLLECT_DOCKERREC_H
#define BOXAUDIT_COLLECT_DOCKERREC_H

#include <jansson.h>

/*
 * Replace the Docker records of runtime.containers with one per
 * docker.api.containers element, drop the containerd bundles of
 * Docker's "moby" namespace that the Engine API describes, and count
 * runtime.kubernetes_containers.
 */
void dockerrec_derive(json_t *facts);

#endif
