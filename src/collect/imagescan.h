/*
 * imagescan: the setuid and setgid files of each image in use (CIS 4.8).
 *
 * With --scan-image-fs, every image in docker.api.images is read once
 * through GET /containers/{id}/export of one container using it (one
 * never started if there is one, else a stopped one, else a running one;
 * boxaudit's own container last), streamed through tarscan without being
 * stored.  Each image gets "setuid_files" (docs/FACTS.md, section API):
 * the files found, or {"error": ...}; without the option, {"skipped":
 * why} so that 4.8 SKIPs with the reason.  Nothing is created, started or
 * changed on the daemon.
 *
 * Bounds: each export may take IMAGESCAN_TIMEOUT_FACTOR times the
 * per-request API timeout (--timeout; 300 s by default) and at most
 * IMAGESCAN_MAX_BYTES; all exports together IMAGESCAN_BUDGET_FACTOR
 * times that timeout.  Images left when the budget is spent get an error.
 */
#ifndef BOXAUDIT_IMAGESCAN_H
#define BOXAUDIT_IMAGESCAN_H

#include <jansson.h>
#include "base/limits.h"
#include "collect/dockerapi.h"
#include "collect/collector.h"


/* Set setuid_files on every object of api.images (needs api.containers); c is only used when scanning. */
void imagescan_collect(struct api_client *c, json_t *api, const struct collect_opts *o);

#endif
