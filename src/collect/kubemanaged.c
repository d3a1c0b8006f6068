/*
 * collect/kubemanaged.c: is this node a managed Kubernetes worker (EKS,
 * GKE, AKS)?  A managed node gets its provider's CIS benchmark instead of
 * CIS Kubernetes (checks/kubernetes/managed/); the kubelet itself is read
 * by collect/kube.c as on any node.
 *
 * The evidence is files the provider's node image leaves, looked at through
 * the rootfs only (docs/KUBERNETES.md "Managed nodes"):
 * - EKS: the AL2 AMI's /etc/eks/bootstrap.sh, the AL2023 AMI's
 *   /usr/bin/nodeadm and the environment file it writes
 *   (/etc/eks/kubelet/environment), /etc/eks/release; or, on Bottlerocket
 *   (which has none of those files), its os-release: ID=bottlerocket with
 *   an aws-k8s-* VARIANT_ID (the aws-k8s variants are the EKS node image;
 *   vmware-k8s, metal-k8s and aws-ecs variants are not);
 * - GKE: the kube-up/GKE layout under /home/kubernetes (kubelet-config.yaml,
 *   bin/kubelet, bin/configure-helper.sh); Container-Optimized OS
 *   (/etc/os-release ID=cos) is supporting evidence only, since COS runs
 *   without Kubernetes too;
 * - AKS: /etc/kubernetes/azure.json together with /etc/default/kubelet
 *   (AgentBaker's kubelet flags) and AgentBaker's provisioning directory
 *   /opt/azure/containers.  A self-managed kubeadm node on Azure (Cluster
 *   API for Azure) has azure.json and, from the kubeadm packages,
 *   /etc/default/kubelet too: it stays a CIS Kubernetes node.  azure.json
 *   holds the node's cloud credentials: it is only stat'd, never opened.
 * The first provider whose evidence holds wins (a node is one of them).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collect/collector.h"
#include "collect/rootfs.h"
#include "collect/kubemanaged.h"
#include "facts/facts.h"
#include "parse/envfile.h"
#include "base/buf.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct marker {
	const char *path;
	const char *variant;		/* the image generation this file says, or NULL */
};

/* An image known by its os-release alone: ID, and VARIANT_ID's prefix. */
struct os_marker {
	const char *id, *variant_prefix;
	const char *variant;		/* the image generation it says */
};

struct provider {
	const char *name, *title;
	struct marker all_of[3];	/* every one must exist */
	struct marker any_of[5];	/* at least one must exist (when any is listed) */
	struct marker extra[4];		/* recorded as evidence, decide nothing */
	const char *os_id;		/* /etc/os-release ID recorded as evidence */
	struct os_marker os_image;	/* decides when the files do not (id NULL: none) */
};

static const struct provider providers[] = {
	{ "eks", "Amazon EKS",
	  { { NULL, NULL } },
	  { { "/usr/bin/nodeadm", "al2023 (nodeadm)" },
	    { "/etc/eks/kubelet/environment", "al2023 (nodeadm)" },
	    { "/etc/eks/bootstrap.sh", "al2 (bootstrap.sh)" },
	    { "/etc/eks/release", NULL },
	    { NULL, NULL } },
	  { { "/etc/kubernetes/kubelet/kubelet-config.json", NULL },
	    { "/etc/kubernetes/kubelet/config.json", NULL },
	    { "/etc/kubernetes/kubelet/config", NULL },
	    { NULL, NULL } },
	  "amzn",
	  { "bottlerocket", "aws-k8s-", "bottlerocket (aws-k8s)" } },
	{ "gke", "Google GKE",
	  { { NULL, NULL } },
	  { { "/home/kubernetes/kubelet-config.yaml", NULL },
	    { "/home/kubernetes/bin/kubelet", NULL },
	    { "/home/kubernetes/bin/configure-helper.sh", NULL },
	    { NULL, NULL } },
	  { { "/etc/default/kubelet", NULL }, { NULL, NULL } },
	  "cos", { NULL, NULL, NULL } },
	{ "aks", "Azure AKS",
	  { { "/etc/kubernetes/azure.json", NULL }, { "/etc/default/kubelet", NULL }, { NULL, NULL } },
	  { { "/opt/azure/containers", NULL }, { NULL, NULL } },
	  { { "/etc/kubernetes/certs/ca.crt", NULL }, { NULL, NULL } },
	  NULL, { NULL, NULL, NULL } },
};

static void add_evidence(json_t *evidence, const char *path)
{
	char *s = xasprintf("file:%s", path);
	json_array_append_new(evidence, jstr(s));
	free(s);
}

/* Markers of list m that exist, as evidence; *variant gets the first one's. */
static size_t find(const struct rootfs *r, const struct marker *m, json_t *evidence, const char **variant)
{
	size_t n = 0;
	for (size_t i = 0; m[i].path; i++)
		if (rootfs_exists(r, m[i].path)) {
			add_evidence(evidence, m[i].path);
			if (variant && !*variant && m[i].variant)
				*variant = m[i].variant;
			n++;
		}
	return n;
}

/* /etc/os-release as {ID, VERSION_ID, VARIANT_ID} ({value, source} each), or NULL when absent or not understood. */
static json_t *os_release(const struct rootfs *r)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release", NULL };
	for (size_t i = 0; paths[i]; i++) {
		struct buf b;
		char *err = NULL;
		buf_init(&b, OS_RELEASE_CAP);
		if (rootfs_read(r, paths[i], OS_RELEASE_CAP, &b, &err) < 0) {
			free(err);
			buf_release(&b);
			continue;
		}
		json_t *env = envfile_parse(b.len ? b.data : "", b.len, paths[i], &err);
		buf_release(&b);
		free(err);
		if (!env)
			return NULL;
		/* {value, source} as every setting: the file is the evidence a rule shows. */
		json_t *out = json_object();
		const char *keys[] = { "ID", "VERSION_ID", "VARIANT_ID" };
		char *src = xasprintf("file:%s", paths[i]);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_t *v = json_object_get(env, keys[k]);
			if (json_is_string(v))
				json_object_set_new(out, keys[k], json_pack("{s:O,s:s}", "value", v, "source", src));
		}
		free(src);
		json_decref(env);
		return out;
	}
	return NULL;
}

static const char *os_value(json_t *os, const char *key)
{
	return json_string_value(json_object_get(json_object_get(os, key), "value"));
}

/* 1 if os-release names p's image (ID and VARIANT_ID), which are then the evidence. */
static int os_image(const struct provider *p, json_t *os, json_t *evidence)
{
	const char *id = os_value(os, "ID"), *var = os_value(os, "VARIANT_ID");
	const struct os_marker *m = &p->os_image;
	if (!m->id || !id || !var || strcmp(id, m->id) || strncmp(var, m->variant_prefix, strlen(m->variant_prefix)))
		return 0;
	char *s = xasprintf("os-release:ID=%s", id);
	json_array_append_new(evidence, jstr(s));
	free(s);
	s = xasprintf("os-release:VARIANT_ID=%s", var);
	json_array_append_new(evidence, jstr(s));
	free(s);
	return 1;
}

static int detect(const struct rootfs *r, const struct provider *p, json_t *os, json_t **out)
{
	json_t *evidence = json_array();
	const char *variant = NULL;
	size_t need = 0;
	for (size_t i = 0; p->all_of[i].path; i++)
		need++;
	int ok = find(r, p->all_of, evidence, &variant) == need;
	if (ok && p->any_of[0].path)
		ok = find(r, p->any_of, evidence, &variant) > 0;
	int by_os = 0;
	if (!ok || !json_array_size(evidence)) {
		/* Files found short of the rule decide nothing: only the image's own os-release then does. */
		json_array_clear(evidence);
		variant = NULL;
		if (!os_image(p, os, evidence)) {
			json_decref(evidence);
			return 0;
		}
		variant = p->os_image.variant;
		by_os = 1;
	}
	find(r, p->extra, evidence, NULL);
	const char *id = by_os ? NULL : os_value(os, "ID");
	if (p->os_id && id && !strcmp(id, p->os_id)) {
		char *s = xasprintf("os-release:ID=%s", id);
		json_array_append_new(evidence, jstr(s));
		free(s);
	}
	*out = json_pack("{s:b,s:s,s:s,s:o,s:o}", "found", 1, "provider", p->name, "title", p->title,
			 "variant", variant ? jstr(variant) : json_null(), "evidence", evidence);
	return 1;
}

int collect_kubernetes_managed(struct collect_ctx *ctx)
{
	json_t *k8s = json_object_get(ctx->facts, "kubernetes");
	if (!json_is_object(k8s)) {
		k8s = json_object();
		json_object_set_new(ctx->facts, "kubernetes", k8s);
	}
	json_t *os = os_release(ctx->root);
	json_t *managed = NULL;
	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]) && !managed; i++)
		detect(ctx->root, &providers[i], os, &managed);
	if (!managed) {
		/* os_release stays: a benchmark chosen with --benchmark still judges the node's image. */
		json_object_set_new(k8s, "managed", json_pack("{s:b,s:n,s:[],s:o}", "found", 0, "provider", "evidence",
							      "os_release", os ? os : json_null()));
		return 0;
	}
	json_object_set_new(managed, "os_release", os ? os : json_null());
	json_t *notes = json_object_get(ctx->facts, "notes");
	if (json_is_array(notes)) {
		char *all = jstr_array_join(json_object_get(managed, "evidence"), ", ");
		const char *variant = json_string_value(json_object_get(managed, "variant"));
		char *note = xasprintf("Managed Kubernetes node: %s%s%s%s (%s); auto-detection selects its provider's CIS "
				       "benchmark rather than CIS Kubernetes.",
				       json_string_value(json_object_get(managed, "title")),
				       variant ? ", " : "", variant ? variant : "", variant ? " image" : "", all);
		json_array_append_new(notes, jstr(note));
		free(note);
		free(all);
	}
	json_object_set_new(k8s, "managed", managed);
	return 0;
}
