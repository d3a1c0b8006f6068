/*
 * collector: what every collector receives (collect/collect.h runs them).
 *
 * A collector reads the audited host through ctx->root only and records
 * what it saw into ctx->facts (facts/facts.h).  A problem reading
 * something is recorded in the facts as an "error" member next to what
 * could not be read; a collector returns -1 only when it could not record
 * anything at all.
 */
#ifndef BOXAUDIT_COLLECTOR_H
#define BOXAUDIT_COLLECTOR_H

#include <jansson.h>
#include "collect/rootfs.h"
#include "defs/defs.h"
#include "facts/facts.h"

struct collect_request;

struct collect_opts {
	const char *docker_host;	/* --docker-host, or NULL: DOCKER_HOST, then the default socket */
	long connect_timeout_ms;	/* Engine API connect timeout */
	long timeout_ms;		/* Engine API total timeout per request */
	int running_only;		/* audit only running containers */
	int scan_image_fs;		/* 4.8: export images and scan for setuid files */
	int no_api;			/* do not contact the Engine API */
	long deadline_s;		/* the whole Engine API phase, in seconds (--deadline) */
	const char *containerd_state;	/* --containerd-state, or NULL: /run/containerd */
	const char *crio_state;		/* --crio-state, or NULL: /run/containers/storage */
	const struct defs *defs;	/* component schemas (the kubelet's fields) */
	int whole_bodies;		/* keep every member of the Engine API bodies (a snapshot is written) */
	/*
	 * When set, each container body, as it arrives (pruned, derived and
	 * redacted as the facts would hold it), is handed to element (the
	 * audit judges it there, collect never does) and then reduced to a
	 * stub of what the collectors and --container need; idx is its place
	 * in docker.api.containers, and docker.api.containers_streamed says it
	 * happened.  NULL: bodies are kept whole.
	 */
	void (*element)(void *arg, json_t *facts, json_t *el, size_t idx);
	void *element_arg;
	/*
	 * The Docker containers' runtime records (docs/FACTS.md "RUNTIME") are
	 * wanted only on a Kubernetes node (the benchmarks are being detected:
	 * the Pod Security Standards are audited where pods run).  Elsewhere
	 * the containers are streamed and no records are made.
	 */
	int records_when_kubernetes;
};

struct collect_ctx {
	struct rootfs *root;
	int live;			/* root is "/": the API socket and /proc are this host's */
	const struct collect_opts *opts;
	json_t *facts;			/* borrowed: the document being built */
	const struct collect_request *req;	/* what the rules read */
};

#endif
