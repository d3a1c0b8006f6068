/*
 * collect_runtime: the containers containerd and CRI-O run, from their
 * OCI runtime specs on disk (facts "runtime", docs/FACTS.md "RUNTIME").
 *
 * containerd: ROOT/STATE/io.containerd.runtime.v2.task/NAMESPACE/ID/config.json
 * (and the shim v1 io.containerd.runtime.v1.linux), STATE from
 * opts->containerd_state, default /run/containerd, every namespace.
 * CRI-O: ROOT/STATE/overlay-containers/ID/userdata/config.json, STATE
 * from opts->crio_state, default /run/containers/storage.  Each spec is
 * parsed into the runtime-neutral record (parse/ocispec.h); a pod's app
 * containers are completed from their sandbox's record, host ports from
 * the libcni cache (/var/lib/cni/results), subPath volumes from the
 * kubelet's pod directory.  Every read goes through ctx->root, bounded by
 * base/limits.h.  No runtime API is contacted.
 *
 * The Docker Engine API's containers join the same list afterwards
 * (collect/dockerrec.h, from the facts, so snapshots get them too).
 */
#ifndef BOXAUDIT_COLLECT_OCI_H
#define BOXAUDIT_COLLECT_OCI_H

#include "collect/collector.h"

/* Fill ctx->facts.runtime; returns 0. */
int collect_runtime(struct collect_ctx *ctx);

#endif
