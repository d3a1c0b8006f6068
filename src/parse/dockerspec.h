/*
 * dockerspec: a Docker Engine API container (the /containers/ID/json
 * body, as docker.api.containers holds it) as the runtime-neutral
 * container record that parse/ocispec.h makes from OCI specs, so that
 * one set of rules judges both (docs/FACTS.md "RUNTIME").  Pure.
 *
 *	rec = dockerspec_record(inspect, &daemon);     for each container
 *	dockerspec_link(rec, other_or_NULL);           resolve "container:ID" modes
 *	dockerspec_finish(rec);
 */
#ifndef BOXAUDIT_DOCKERSPEC_H
#define BOXAUDIT_DOCKERSPEC_H

#include <jansson.h>

/* What the daemon's settings add to each container's own. */
struct dockerspec_daemon {
	int no_new_privileges;		/* --no-new-privileges */
	const char *nnp_source;
	const char *seccomp_profile;	/* seccomp-profile, or NULL: the built-in default */
	const char *seccomp_source;
	int userns_remap;		/* userns-remap is set */
	const char *userns_source;
	int apparmor;			/* the host enables AppArmor: 1, 0, -1 unknown */
	const char *apparmor_source;
	const char *docker_root;	/* data-root, for named volumes */
	const char *kubelet_root;	/* for cri-dockerd pods */
};

/*
 * The members of an inspect body the record is made from (paths as
 * facts_keep takes them), NULL-terminated: a collector that drops what
 * no rule reads keeps these when records are wanted.
 */
extern const char *const dockerspec_reads[];

/* The record, as a new object (an inspect entry with "error" gives an error entry). */
json_t *dockerspec_record(const json_t *inspect, const struct dockerspec_daemon *d);

/*
 * The container whose namespaces this one joins ("container:ID" network,
 * pid or IPC mode; its sandbox under cri-dockerd), as an id or name
 * (borrowed), or NULL.
 */
const char *dockerspec_joins(const json_t *rec);

/*
 * Complete host namespaces and sysctls from the record of the container
 * it joins (dockerspec_joins), or NULL when that was not found.
 */
void dockerspec_link(json_t *rec, const json_t *joined);

/* Drop what only dockerspec_link needed. */
void dockerspec_finish(json_t *rec);

#endif
