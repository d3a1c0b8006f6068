/*
 * collect_kubernetes_managed: whether this node is a managed provider's
 * worker (Amazon EKS, Google GKE, Azure AKS), told from files the
 * provider's node image leaves on the node (collect/kubemanaged.c).
 * Writes kubernetes.managed (docs/FACTS.md); never reads a credential file.
 */
#ifndef BOXAUDIT_KUBEMANAGED_H
#define BOXAUDIT_KUBEMANAGED_H

#include "collect/collector.h"

int collect_kubernetes_managed(struct collect_ctx *ctx);

#endif
