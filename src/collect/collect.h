/*
 * collect: the context every collector receives.
 *
 * Collectors read the audited host (through ctx->root only) and record
 * what they saw into the facts document (a jansson tree, docs/FACTS.md).
 * They never decide verdicts.  A problem reading something is recorded in
 * the facts as an "error" member next to what could not be read; a
 * collector returns -1 only when it could not record anything at all.
 */
#ifndef BOXAUDIT_COLLECT_H
#define BOXAUDIT_COLLECT_H

#include <jansson.h>
#include "collect/rootfs.h"

struct collect_opts {
	const char *docker_host;	/* --docker-host, or NULL: DOCKER_HOST, then the default socket */
	long connect_timeout_ms;	/* Engine API connect timeout */
	long timeout_ms;		/* Engine API total timeout per request */
	int running_only;		/* audit only running containers */
	int scan_image_fs;		/* 4.8: export images and scan for setuid files */
	int no_api;			/* do not contact the Engine API */
};

struct collect_ctx {
	struct rootfs *root;
	int live;			/* root is "/": the API socket and /proc are this host's */
	const struct collect_opts *opts;
	json_t *facts;			/* borrowed: the document being built */
};

/* Set obj[key] = {"error": msg} (msg formatted), stealing nothing. */
void facts_set_error(json_t *obj, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A value with its origin: {"value": v, "source": src}; steals v. */
json_t *fact_value(json_t *v, const char *src);

#endif
