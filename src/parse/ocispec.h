/*
 * ocispec: an OCI runtime spec (a bundle's config.json, as containerd and
 * CRI-O write it) as the runtime-neutral container record (docs/FACTS.md
 * "RUNTIME"; how each field is read: checks/pss/NOTES.md).  Pure:
 * collect/oci.h finds and reads the files.
 *
 *	json_t *rec = ocispec_record(text, len, &env, &err);
 *	... every record of the host built ...
 *	ocispec_link(rec, sandbox_rec_or_NULL, &host);   for each record
 *	ocispec_finish(rec);                              drops the link data
 *
 * A pod's app container joins its sandbox's namespaces by path and its
 * pod-level settings (sysctls, host namespaces, CRI-O's port mappings)
 * are in the sandbox's spec only, so those fields are completed by
 * ocispec_link from the sandbox's record.
 */
#ifndef BOXAUDIT_OCISPEC_H
#define BOXAUDIT_OCISPEC_H

#include <stddef.h>
#include <jansson.h>

struct ocispec_env {
	const char *runtime;		/* "containerd" or "cri-o" (a libpod spec there: "podman") */
	const char *source;		/* "oci:/run/containerd/.../config.json" */
	const char *id;			/* the bundle's name: the container's id */
	const char *runtime_namespace;	/* containerd namespace ("k8s.io"), or NULL */
	const char *kubelet_root;	/* "/var/lib/kubelet" */
	/*
	 * Directories whose child named by this container's or its
	 * sandbox's id is the runtime's own (hostname, resolv.conf, shm),
	 * NULL-terminated: ".../io.containerd.grpc.v1.cri/sandboxes", ...
	 */
	const char *const *runtime_bases;
	const char *docker_root;	/* Docker's data root (moby bundles), or NULL */
	int apparmor;			/* the host enables AppArmor: 1, 0, or -1 unknown */
	const char *apparmor_source;	/* where that was read */
};

/*
 * The record of the spec in text (len bytes), as a new object; NULL with
 * *err (a new message naming env->source) when it is not JSON or not an
 * object.  Fields that are present but malformed are {"error"} fields.
 */
json_t *ocispec_record(const char *text, size_t len, const struct ocispec_env *env, char **err);

/* The id of the pod sandbox an app record belongs to (borrowed), or NULL. */
const char *ocispec_sandbox_id(const json_t *rec);

/*
 * What the host can tell about a namespace joined by path (live only):
 * same_ns returns 1 when PATH (of namespace TYPE: "network", "pid",
 * "ipc", "uts") is the host's, 0 when it is not, -1 when unknown, and may
 * set *why (a new string) to say why.
 */
struct ocispec_host {
	int (*same_ns)(void *arg, const char *type, const char *path, char **why);
	void *arg;
};

/*
 * Complete the fields that depend on the pod: host namespaces, sysctls,
 * host ports.  sandbox is the record of the pod's sandbox or NULL (not
 * found, or not a pod container); host may be NULL (offline).
 */
void ocispec_link(json_t *rec, const json_t *sandbox, const struct ocispec_host *host);

/*
 * Host ports from a libcni cache entry (/var/lib/cni/results/NET-ID-IF):
 * the hostPort of each capabilityArgs.portMappings entry, appended to
 * ports.  -1 with *err when text is not such an entry.
 */
int ocispec_cni_ports(const char *text, size_t len, json_t *ports, char **err);

/* Record the host ports found in the CNI cache for this container or sandbox (steals field). */
void ocispec_set_cni_ports(json_t *rec, json_t *field);

/* Drop what only ocispec_link needed. */
void ocispec_finish(json_t *rec);

#endif
