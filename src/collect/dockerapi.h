/*
 * api: a bounded Docker Engine API client (HTTP over libcurl).
 *
 * Every request has a connect timeout, a total timeout, a low-speed limit
 * and a response size cap, so a hung, slow or hostile daemon costs at most
 * a known time and memory.  Bodies are parsed with jansson.
 *
 *	struct api_endpoint ep;
 *	struct api_env env;
 *	api_env_from_environ(&env);
 *	if (api_endpoint_parse(&ep, opt_host, &env, &err) < 0) ...
 *	struct api_client c;
 *	api_client_init(&c, &ep, 2000, 10000);	(takes over ep)
 *	json_t *ver = api_negotiate(&c, &err);	(NULL: see c.version_note)
 *	json_t *info = api_get(&c, "/info", API_CAP_INSPECT, &err);
 *	api_client_release(&c);
 *
 * Ownership: returned json_t are new references and error strings are new
 * allocations; the caller frees both.  Paths are given without the version
 * prefix ("/info"); the client adds "/vX.Y" itself.
 */
#ifndef BOXAUDIT_API_H
#define BOXAUDIT_API_H

#include <stddef.h>
#include <jansson.h>
#include "base/limits.h"

/* Newest API version whose fields boxaudit knows. */
#define API_VERSION_MAX "1.47"
/* Used when GET /version gives no usable ApiVersion. */
#define API_VERSION_FALLBACK "1.24"

/* The environment the endpoint is resolved from (docker CLI semantics). */
struct api_env {
	const char *docker_host;	/* DOCKER_HOST */
	const char *tls;		/* DOCKER_TLS: non-empty enables TLS */
	const char *tls_verify;		/* DOCKER_TLS_VERIFY: non-empty enables TLS and verification */
	const char *cert_path;		/* DOCKER_CERT_PATH */
	const char *docker_config;	/* DOCKER_CONFIG: default cert dir when no cert path */
	const char *home;		/* HOME: ~/.docker */
	/* Does this client-side file exist?  NULL: stat(2). */
	int (*exists)(const char *path);
};

struct api_endpoint {
	char *display;		/* normalised: "unix:///var/run/docker.sock", "tcp://h:2376" */
	char *unix_path;	/* socket path, or NULL for tcp */
	char *base_url;		/* "http://docker", "http://h:2375", "https://h:2376" */
	int tls;		/* https */
	int tls_verify;		/* verify the server against ca_file */
	char *ca_file;		/* NULL when not verifying */
	char *cert_file;	/* client certificate, or NULL when absent */
	char *key_file;
};

/* Fill env from the process environment (pointers borrowed from it). */
void api_env_from_environ(struct api_env *env);

/*
 * Resolve the endpoint: host (--docker-host), else env->docker_host, else
 * fallback_host (may be NULL), else unix:///var/run/docker.sock.  Accepts
 * unix://PATH and tcp://HOST[:PORT] (or bare HOST:PORT).  TLS is used for
 * tcp when DOCKER_TLS or DOCKER_TLS_VERIFY is non-empty; the server is
 * verified (with ca.pem) only when DOCKER_TLS_VERIFY is non-empty; cert.pem
 * and key.pem are used when they exist.  Returns 0, or -1 with *err.
 */
int api_endpoint_parse(struct api_endpoint *ep, const char *host,
		       const struct api_env *env, const char *fallback_host,
		       char **err);
void api_endpoint_release(struct api_endpoint *ep);

struct api_client {
	struct api_endpoint ep;
	long connect_timeout_ms;
	long timeout_ms;
	char version[16];	/* negotiated, e.g. "1.47" */
	char *version_note;	/* why the fallback version is used, or NULL */
	long long deadline_ms;	/* CLOCK_MONOTONIC ms after which no request runs; 0: none */
	long deadline_s;	/* as given, for messages */
	void *impl;		/* curl state */
};

/*
 * Bound everything the client does from now on to seconds in all (the
 * --deadline of the API phase): each request's timeout is cut to what is
 * left, and a request that would start after the deadline is not made
 * (its callback gets "deadline reached").  0 removes the bound.
 */
void api_client_set_deadline(struct api_client *c, long seconds);

/* Take over *ep (it is cleared).  Timeouts <= 0 take defaults (2 s, 30 s). */
void api_client_init(struct api_client *c, struct api_endpoint *ep,
		     long connect_timeout_ms, long timeout_ms);
void api_client_release(struct api_client *c);

/*
 * GET /version (unversioned) and set c->version to the lower of the
 * server's ApiVersion and API_VERSION_MAX (raised to the server's
 * MinAPIVersion if need be).  Returns the /version body.  On failure
 * returns NULL with *err; c->version is then API_VERSION_FALLBACK and
 * c->version_note says why.  *transport is set to 1 when the daemon could
 * not be reached at all (so nothing else will work either).
 */
json_t *api_negotiate(struct api_client *c, int *transport, char **err);

/* Pick the version to use from the server's ApiVersion/MinAPIVersion (either may be NULL); writes out. */
void api_version_choose(const char *server, const char *server_min,
			char *out, size_t outsz);
/* Compare "1.41" and "1.9" numerically: <0, 0, >0; unparsable sorts first. */
int api_version_cmp(const char *a, const char *b);

/* One versioned GET; cap bounds the body.  NULL with *err on failure. */
json_t *api_get(struct api_client *c, const char *path, size_t cap, char **err);

/*
 * GET every path concurrently (at most API_MAX_INFLIGHT at a time, reusing
 * connections) and call done(arg, i, json, err) once per path as each one
 * finishes: json is a new reference the callback takes over (NULL on
 * failure), err is borrowed (NULL on success).  Each response buffer is
 * freed as soon as its request is done.
 */
typedef void api_done_fn(void *arg, size_t i, json_t *json, const char *err);
void api_get_many(struct api_client *c, const char *const *paths, size_t n,
		  size_t cap, api_done_fn *done, void *arg);

/*
 * GET path and hand the body to sink(arg, data, n) as it arrives, never
 * holding it: for large streams (a container export).  The sink returns 0
 * for more, or non-zero to stop the transfer early (that is not an error
 * here; the sink keeps its own state).  max_bytes bounds the body and
 * timeout_ms (> 0) replaces the client's total timeout for this request;
 * the low-speed limit still applies.  Returns 0 when the body was
 * delivered (or the sink stopped it), else -1 with *err: transport
 * problems, a non-2xx answer (with the daemon's message), over max_bytes.
 * *received (may be NULL) is set to the body bytes passed to the sink.
 */
typedef int api_sink_fn(void *arg, const char *data, size_t n);
int api_get_stream(struct api_client *c, const char *path, unsigned long long max_bytes,
		   long timeout_ms, api_sink_fn *sink, void *arg,
		   unsigned long long *received, char **err);

#endif
