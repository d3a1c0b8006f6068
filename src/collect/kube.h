/*
 * collect_kube: the Kubernetes worker-node facts (docs/FACTS.md,
 * "KUBERNETES"): the kubelet found by executable name (or, when it is not
 * running, derived from kubelet.service and its drop-ins), its effective
 * configuration with origins (kubelet.h), the files it names, its version,
 * and kube-proxy.  Everything is read through ctx->root.
 */
#ifndef BOXAUDIT_COLLECT_KUBE_H
#define BOXAUDIT_COLLECT_KUBE_H

#include "base/limits.h"
#include "collect/collector.h"


/* Set ctx->facts.kubernetes; returns 0 (problems are recorded in place). */
int collect_kubernetes(struct collect_ctx *ctx);

#endif
