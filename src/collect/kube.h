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
#include "collect/proc.h"
#include "base/buf.h"
#include "parse/kubelet.h"


/* Set ctx->facts.kubernetes; returns 0 (problems are recorded in place). */
int collect_kubernetes(struct collect_ctx *ctx);

/* Shared with the control-plane collector (kubecp.h). */
/* Read path (bounded) into *f, its text in *b; release with kube_release_file. */
void kube_read_file(const struct rootfs *r, const char *path, struct kube_file *f, struct buf *b);
void kube_release_file(struct kube_file *f, struct buf *b);
/* {"value": "1.32.0", "source": "binary:EXE"} or {"error": ...}, from the executable. */
json_t *kube_version_of(const struct rootfs *r, const char *exe);
/*
 * Which of procs is the host's service under the trust rules (proc.h):
 * an index, -1 (none trusted), -2 (ambiguous); the record goes in
 * o.identification and rejected candidates in notes.
 */
/*
 * kube-proxy's "settings", "files" (host paths: map, or absolute from "/"
 * when map is NULL), "errors" and "ignored_flags" into o, from the words of
 * its command line after the program; flag origins are origin + "--FLAG".
 */
void kube_proxy_settings(const struct rootfs *r, const char *const *words, size_t nwords, const char *origin,
			 char *(*map)(void *arg, const char *path), void *arg, json_t *o);
int kube_identify(const struct rootfs *r, int live, struct proc_info *procs, size_t n, const char *unit,
		  json_t *o, json_t *notes);

#endif
