/*
 * k3s and RKE2 (collect/kubedist.c): collect_kubernetes_distribution runs
 * before the kubelet and control-plane collectors and derives the command
 * lines the distribution gives its embedded components
 * (kubernetes.distribution.commands); collect_kubernetes_distribution_check
 * runs after them and turns what a distribution node has but boxaudit
 * could not derive into errors, so its nodes are never a silent green.
 */
#ifndef BOXAUDIT_KUBEDIST_H
#define BOXAUDIT_KUBEDIST_H

#include "collect/collector.h"

int collect_kubernetes_distribution(struct collect_ctx *ctx);
int collect_kubernetes_distribution_check(struct collect_ctx *ctx);

#endif
