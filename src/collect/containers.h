/*
 * collect_api: record what the Docker Engine API says (facts docker.api).
 *
 * Reads /version, /info, the containers (each inspected), the images used
 * by containers (inspect and history), the networks and, on an active
 * swarm node, the swarm, nodes, services and secrets (names and dates
 * only).  Environment values and secret-like build arguments are redacted
 * before they reach the facts.  Layout: docs/FACTS.md, section API.
 *
 * The endpoint is opts->docker_host, else DOCKER_HOST, else the socket the
 * docker collector found (docker.sockets.docker), else
 * unix:///var/run/docker.sock.  Auditing a --root directory (ctx->live == 0)
 * contacts an API only with an explicit opts->docker_host.
 */
#ifndef BOXAUDIT_COLLECT_API_H
#define BOXAUDIT_COLLECT_API_H

#include "collect/collector.h"

/* Fill ctx->facts.docker.api (creating "docker" if needed); returns 0. */
int collect_api(struct collect_ctx *ctx);

#endif
