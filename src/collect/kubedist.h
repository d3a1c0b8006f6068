/*
 * collect_kubernetes_distribution: k3s and RKE2 found and flagged as not
 * understood, so their nodes are never a silent green (collect/kubedist.c).
 */
#ifndef BOXAUDIT_KUBEDIST_H
#define BOXAUDIT_KUBEDIST_H

#include "collect/collector.h"

int collect_kubernetes_distribution(struct collect_ctx *ctx);

#endif
