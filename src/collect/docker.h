/*
 * collect_docker: facts.docker (daemon, systemd units, sockets) as
 * docs/FACTS.md "DOCKER" describes; facts.docker.api is another collector's.
 */
#ifndef BOXAUDIT_COLLECT_DOCKER_H
#define BOXAUDIT_COLLECT_DOCKER_H

#include "collect/collector.h"

/*
 * Fill ctx->facts["docker"] (created if missing; other members such as
 * "api" are left alone).  The daemon's argv comes from the running dockerd
 * (/proc), else docker.service's ExecStart, else nothing (defaults and
 * daemon.json only).  Returns 0; problems are recorded as "error" members.
 */
int collect_docker(struct collect_ctx *ctx);

#endif
