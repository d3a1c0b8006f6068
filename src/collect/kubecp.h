/*
 * collect_control_plane: the Kubernetes control plane of the audited node
 * (docs/FACTS.md "KUBERNETES", docs/KUBERNETES.md "Control plane"):
 * kube-apiserver, kube-controller-manager, kube-scheduler and etcd, each
 * found as a trusted process (collect/proc.h), else as a static pod in the
 * kubelet's staticPodPath, else as a systemd unit; its effective
 * configuration with origins (parse/cpconf.h), the files that configuration
 * names, and the node's role.  Runs after collect_kubernetes (it reads the
 * kubelet's staticPodPath); everything is read through ctx->root.
 */
#ifndef BOXAUDIT_COLLECT_KUBECP_H
#define BOXAUDIT_COLLECT_KUBECP_H

#include "collect/collector.h"

/* Set ctx->facts.kubernetes.control_plane; returns 0 (problems are recorded in place). */
int collect_control_plane(struct collect_ctx *ctx);

#endif
