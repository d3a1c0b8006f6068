/*
 * ctrrec: pieces of the runtime-neutral container record (docs/FACTS.md
 * "RUNTIME"), shared by the builders from an OCI runtime spec
 * (parse/ocispec.h) and from a Docker Engine API inspect body
 * (parse/dockerspec.h).  Pure.
 *
 * Every field of a record is {"value": V, "source": S}, or {"skipped":
 * "why"} when the field does not apply, or {"error": "why"} when it could
 * not be read; fields that need nothing but a fixed identity (id,
 * runtime, role, kubernetes) are plain values.
 */
#ifndef BOXAUDIT_CTRREC_H
#define BOXAUDIT_CTRREC_H

#include <jansson.h>

/* {"value": v, "source": SRC "#" PATH} (steals v; path may be NULL; src NULL is "unknown"). */
json_t *ctrrec_field(json_t *v, const char *src, const char *path);
json_t *ctrrec_skipped(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
json_t *ctrrec_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The capabilities a runtime grants a container that asks for none
 * ("containerd": containerd's defaultUnixCaps, which moby and ctr share;
 * "docker"; "cri-o": CRI-O's built-in default_capabilities; "podman"),
 * NULL-terminated, CAP_-prefixed.
 */
const char *const *ctrrec_default_caps(const char *runtime);
/* Every capability name the kernel knows (through CAP_CHECKPOINT_RESTORE), NULL-terminated. */
const char *const *ctrrec_all_caps(void);
/* "net_admin", "NET_ADMIN", "CAP_NET_ADMIN" -> "CAP_NET_ADMIN" (new string). */
char *ctrrec_cap_name(const char *s);
/* The names of caps (an array of strings) that are not in set, as a new array. */
json_t *ctrrec_caps_beyond(const json_t *caps, const char *const *set);
/* Does the string array a hold s? */
int ctrrec_has(const json_t *a, const char *s);

/*
 * Where a bind mount's source comes from, for hostPath and volume types
 * (checks/pss/NOTES.md): paths the kubelet made for this pod, paths the
 * runtime made for this container or its sandbox, or the host's own.
 */
struct ctrrec_paths {
	const char *kubelet_root;	/* "/var/lib/kubelet" */
	const char *pod_uid;		/* the pod's uid, or NULL */
	/* Directories the runtime made for this container and its sandbox, NULL-terminated. */
	const char *const *runtime_dirs;
	const char *docker_root;	/* Docker's data root, for its named volumes, or NULL */
};

/*
 * Classify one mount into the record's mount object m (borrowed):
 * sets "kind" to system (proc, sysfs, tmpfs ...), kubelet (a file the
 * kubelet made for the pod), volume (a pod volume: "volume_plugin",
 * "volume"), volume-subpath (a subPath of the pod volume "volume", whose
 * plugin the collector resolves), runtime, host-ipc (the host's /dev/shm)
 * or hostpath.
 */
void ctrrec_classify_mount(json_t *m, const struct ctrrec_paths *p, const char *type,
			   const char *source, const char *dest, int bind);

/* The finding target: "namespace/pod/container", else the runtime's name or id. */
void ctrrec_set_name(json_t *rec, const char *fallback);

#endif
