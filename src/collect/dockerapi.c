#include "config.h"
#include <limits.h>
#include <time.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <curl/curl.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "collect/dockerapi.h"
#include "parse/redact.h"
#include "base/limits.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define DEFAULT_UNIX_SOCKET "/var/run/docker.sock"

/* ---- endpoint ---- */

static int stat_exists(const char *path)
{
	/* The client's own certificate files, on this machine: not the audited root. */
	struct stat st;
	return stat(path, &st) == 0;
}

void api_env_from_environ(struct api_env *env)
{
	env->docker_host = getenv("DOCKER_HOST");
	env->tls = getenv("DOCKER_TLS");
	env->tls_verify = getenv("DOCKER_TLS_VERIFY");
	env->cert_path = getenv("DOCKER_CERT_PATH");
	env->docker_config = getenv("DOCKER_CONFIG");
	env->home = getenv("HOME");
	env->exists = NULL;
}

void api_endpoint_release(struct api_endpoint *ep)
{
	free(ep->display);
	free(ep->unix_path);
	free(ep->base_url);
	free(ep->ca_file);
	free(ep->cert_file);
	free(ep->key_file);
	memset(ep, 0, sizeof(*ep));
}

static int nonempty(const char *s)
{
	return s && *s;
}

static int parse_port(const char *s, size_t n, long *port)
{
	long v = 0;
	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* Parse "HOST[:PORT][/]" (HOST may be "[v6]"); host is a new string. */
static int parse_tcp(const char *s, long defport, char **host, long *port)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '/')
		n--;
	if (memchr(s, '/', n) || memchr(s, '@', n) || memchr(s, '?', n) || memchr(s, '#', n))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]) || iscntrl((unsigned char)s[i]))
			return -1;
	const char *hend, *colon = NULL;
	if (n && s[0] == '[') {
		const char *rb = memchr(s, ']', n);
		if (!rb || rb == s + 1)
			return -1;
		hend = rb + 1;
		if (hend < s + n) {
			if (*hend != ':')
				return -1;
			colon = hend;
		}
	} else {
		colon = memchr(s, ':', n);
		if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)))
			return -1;	/* a bare IPv6 address needs brackets */
		hend = colon ? colon : s + n;
	}
	*port = defport;
	if (colon && parse_port(colon + 1, n - (size_t)(colon + 1 - s), port) < 0)
		return -1;
	*host = hend > s ? xstrndup(s, (size_t)(hend - s)) : xstrdup("localhost");
	return 0;
}

int api_endpoint_parse(struct api_endpoint *ep, const char *host,
		       const struct api_env *env, const char *fallback_host,
		       char **err)
{
	memset(ep, 0, sizeof(*ep));
	const char *h = host;
	if (!nonempty(h))
		h = env->docker_host;
	if (!nonempty(h))
		h = fallback_host;
	if (!nonempty(h))
		h = "unix://" DEFAULT_UNIX_SOCKET;

	const char *sep = strstr(h, "://");
	if (sep && (size_t)(sep - h) == 4 && !strncmp(h, "unix", 4)) {
		const char *path = sep + 3;
		if (!*path)
			path = DEFAULT_UNIX_SOCKET;
		ep->unix_path = xstrdup(path);
		ep->display = xasprintf("unix://%s", path);
		ep->base_url = xstrdup("http://docker");
		return 0;
	}
	if (sep && !((size_t)(sep - h) == 3 && !strncmp(h, "tcp", 3))) {
		*err = xasprintf("unsupported docker host '%s': only unix:// and tcp:// are supported", h);
		return -1;
	}
	const char *addr = sep ? sep + 3 : h;
	if (!sep && addr[0] == '/') {
		*err = xasprintf("invalid docker host '%s': a socket path needs unix://", h);
		return -1;
	}
	ep->tls = nonempty(env->tls) || nonempty(env->tls_verify);
	ep->tls_verify = nonempty(env->tls_verify);
	char *hostname;
	long port;
	if (parse_tcp(addr, ep->tls ? 2376 : 2375, &hostname, &port) < 0) {
		*err = xasprintf("invalid docker host '%s': expected tcp://HOST:PORT", h);
		return -1;
	}
	ep->display = xasprintf("tcp://%s:%ld", hostname, port);
	ep->base_url = xasprintf("%s://%s:%ld", ep->tls ? "https" : "http", hostname, port);
	free(hostname);
	if (ep->tls) {
		char *dir;
		if (nonempty(env->cert_path))
			dir = xstrdup(env->cert_path);
		else if (nonempty(env->docker_config))
			dir = xstrdup(env->docker_config);
		else
			dir = xasprintf("%s/.docker", nonempty(env->home) ? env->home : "");
		int (*exists)(const char *) = env->exists ? env->exists : stat_exists;
		if (ep->tls_verify)
			ep->ca_file = xasprintf("%s/ca.pem", dir);
		ep->cert_file = xasprintf("%s/cert.pem", dir);
		ep->key_file = xasprintf("%s/key.pem", dir);
		/* As the docker CLI: a missing default cert or key is simply not used. */
		if (!exists(ep->cert_file)) {
			free(ep->cert_file);
			ep->cert_file = NULL;
		}
		if (!exists(ep->key_file)) {
			free(ep->key_file);
			ep->key_file = NULL;
		}
		free(dir);
	}
	return 0;
}

/* ---- versions ---- */

static int parse_version(const char *s, long *maj, long *min)
{
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*maj = strtol(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return -1;
	*min = strtol(end + 1, &end, 10);
	if (*end || errno || *maj > 1000 || *min > 1000)
		return -1;
	return 0;
}

int api_version_cmp(const char *a, const char *b)
{
	long am, an, bm, bn;
	int av = parse_version(a, &am, &an) == 0, bv = parse_version(b, &bm, &bn) == 0;
	if (!av || !bv)
		return av - bv;
	if (am != bm)
		return am < bm ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

void api_version_choose(const char *server, const char *server_min,
			char *out, size_t outsz)
{
	long maj, min;
	const char *v;
	if (!server || parse_version(server, &maj, &min) < 0)
		v = API_VERSION_FALLBACK;
	else if (api_version_cmp(server, API_VERSION_MAX) < 0)
		v = server;
	else
		v = API_VERSION_MAX;
	/* A daemon newer than us may refuse old versions: meet its minimum. */
	if (server_min && parse_version(server_min, &maj, &min) == 0 &&
	    api_version_cmp(v, server_min) < 0)
		v = server_min;
	parse_version(v, &maj, &min);
	snprintf(out, outsz, "%ld.%ld", maj, min);
}

/* ---- transfers ---- */

struct xfer {
	CURL *easy;
	struct buf body;
	int overflow;
	size_t index;
	const char *path;	/* as given, for messages */
	int capped;		/* its timeout is what was left of the deadline */
	char errbuf[CURL_ERROR_SIZE];
};

struct api_impl {
	CURLM *multi;
	struct xfer slots[API_MAX_INFLIGHT];
};

static size_t write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	if (buf_add(&x->body, p, n) < 0) {
		x->overflow = 1;
		return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
	}
	return n;
}

void api_client_init(struct api_client *c, struct api_endpoint *ep,
		     long connect_timeout_ms, long timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->ep = *ep;
	memset(ep, 0, sizeof(*ep));
	c->connect_timeout_ms = connect_timeout_ms > 0 ? connect_timeout_ms : API_DEFAULT_CONNECT_MS;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : API_DEFAULT_TIMEOUT_MS;
	snprintf(c->version, sizeof(c->version), "%s", API_VERSION_MAX);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct api_impl *im = xcalloc(1, sizeof(*im));
	im->multi = curl_multi_init();
	if (!im->multi) {
		fputs("boxaudit: out of memory\n", stderr);
		exit(2);
	}
	c->impl = im;
}

void api_client_release(struct api_client *c)
{
	struct api_impl *im = c->impl;
	if (im) {
		for (size_t i = 0; i < API_MAX_INFLIGHT; i++) {
			if (im->slots[i].easy)
				curl_easy_cleanup(im->slots[i].easy);
			buf_release(&im->slots[i].body);
		}
		curl_multi_cleanup(im->multi);
		free(im);
		curl_global_cleanup();
	}
	api_endpoint_release(&c->ep);
	free(c->version_note);
	memset(c, 0, sizeof(*c));
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void api_client_set_deadline(struct api_client *c, long seconds)
{
	c->deadline_s = seconds;
	c->deadline_ms = seconds > 0 ? now_ms() + (long long)seconds * 1000 : 0;
}

/* What is left of the deadline in ms (at least 1), or -1 when it has passed; LONG_MAX without one. */
static long remaining_ms(const struct api_client *c)
{
	if (!c->deadline_ms)
		return LONG_MAX;
	long long left = c->deadline_ms - now_ms();
	return left > 0 ? (long)(left < LONG_MAX ? left : LONG_MAX) : -1;
}

/* what: "was not made", "did not finish before it". */
static char *deadline_error(const struct api_client *c, const char *path, const char *what)
{
	return xasprintf("deadline reached: the Engine API phase is bounded to %ld s (--deadline); "
			 "GET %s %s", c->deadline_s, path, what);
}

static void setup_easy(struct api_client *c, struct xfer *x, const char *url, size_t cap)
{
	if (!x->easy) {
		x->easy = curl_easy_init();
		if (!x->easy) {
			fputs("boxaudit: out of memory\n", stderr);
			exit(2);
		}
	}
	CURL *e = x->easy;
	curl_easy_reset(e);
	buf_release(&x->body);
	buf_init(&x->body, cap);
	x->overflow = 0;
	x->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	long total = c->timeout_ms, left = remaining_ms(c);
	x->capped = left > 0 && left < total;
	if (x->capped)
		total = left;
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
	long window = c->timeout_ms / 1000;
	if (window < 1)
		window = 1;
	if (window > API_LOW_SPEED_MAX_S)
		window = API_LOW_SPEED_MAX_S;
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, API_LOW_SPEED_BYTES);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, window);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
	if (c->ep.unix_path)
		curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, c->ep.unix_path);
	if (c->ep.tls) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->ep.tls_verify ? 1L : 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->ep.tls_verify ? 2L : 0L);
		if (c->ep.ca_file)
			curl_easy_setopt(e, CURLOPT_CAINFO, c->ep.ca_file);
		if (c->ep.cert_file)
			curl_easy_setopt(e, CURLOPT_SSLCERT, c->ep.cert_file);
		if (c->ep.key_file)
			curl_easy_setopt(e, CURLOPT_SSLKEY, c->ep.key_file);
	}
}

static char *lower_first(char *s)
{
	if (s && *s)
		*s = (char)tolower((unsigned char)*s);
	return s;
}

/* The message for a failed transfer, or NULL when it succeeded. */
static char *transfer_error(struct api_client *c, struct xfer *x, CURLcode rc,
			    const char *path, size_t cap)
{
	const char *ep = c->ep.display;
	long code = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (x->overflow || rc == CURLE_FILESIZE_EXCEEDED)
		return xasprintf("response from GET %s exceeds %zu bytes", path, cap);
	switch (rc) {
	case CURLE_OK:
		return NULL;
	case CURLE_COULDNT_CONNECT: {
		long oserr = 0;
		curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr) {
			char *m = lower_first(xstrdup(strerror((int)oserr)));
			char *r = xasprintf("cannot connect to %s: %s", ep, m);
			free(m);
			return r;
		}
		return xasprintf("cannot connect to %s: %s", ep,
				 x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	}
	case CURLE_OPERATION_TIMEDOUT: {
		curl_off_t total = 0;
#if LIBCURL_VERSION_NUM >= 0x073d00
		curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total);
		total /= 1000;
#endif
		if (code == 0 && x->body.len == 0) {
			curl_off_t conn = 0;
#if LIBCURL_VERSION_NUM >= 0x073d00
			curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
#endif
			if (conn == 0 && !c->ep.unix_path && total < c->timeout_ms)
				return xasprintf("cannot connect to %s within %ld ms", ep,
						 c->connect_timeout_ms);
		}
		/* The low-speed limit may have cut it before the total timeout. */
		long waited = total > 0 && total < c->timeout_ms ? (long)total : c->timeout_ms;
		if (code == 0 && x->body.len == 0)
			return xasprintf("no answer from %s within %ld ms (GET %s)", ep, waited, path);
		if (waited < c->timeout_ms)
			return xasprintf("GET %s from %s: too slow (under %ld bytes/s for %ld ms, "
					 "%zu bytes received)", path, ep, API_LOW_SPEED_BYTES, waited,
					 x->body.len);
		return xasprintf("incomplete answer from %s within %ld ms (GET %s, %zu bytes received)",
				 ep, c->timeout_ms, path, x->body.len);
	}
	default:
		return xasprintf("GET %s from %s: %s", path, ep,
				 x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	}
}

/* Parse a finished transfer's body; sets exactly one of *json and *err. */
static void transfer_result(struct api_client *c, struct xfer *x, CURLcode rc,
			    const char *path, size_t cap, json_t **json, char **err,
			    long *http_code)
{
	*json = NULL;
	*err = transfer_error(c, x, rc, path, cap);
	long code = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (http_code)
		*http_code = code;
	if (*err)
		goto out;
	json_error_t je;
	if (code < 200 || code > 299) {
		json_t *m = json_loadb(x->body.data, x->body.len, 0, &je);
		const char *msg = json_string_value(json_object_get(m, "message"));
		if (msg)
			*err = xasprintf("GET %s: HTTP %ld: %.*s", path, code,
					 API_MAX_DAEMON_MESSAGE, msg);
		else
			*err = xasprintf("GET %s: HTTP %ld", path, code);
		json_decref(m);
		goto out;
	}
	*json = json_loadb(x->body.data, x->body.len, 0, &je);
	if (!*json)
		*err = xasprintf("invalid JSON in response to GET %s: %s at line %d, column %d",
				 path, je.text, je.line, je.column);
out:
	/* Don't hold response memory longer than needed. */
	buf_release(&x->body);
}

static void multi_wait(CURLM *m)
{
#if LIBCURL_VERSION_NUM >= 0x074200
	curl_multi_poll(m, NULL, 0, 200, NULL);
#else
	curl_multi_wait(m, NULL, 0, 200, NULL);
#endif
}

/* The shared loop; unversioned paths when raw.  http_codes may be NULL. */
static void get_many(struct api_client *c, const char *const *paths, size_t n,
		     size_t cap, int raw, api_done_fn *done, void *arg, long *http_codes,
		     CURLcode *rcs)
{
	struct api_impl *im = c->impl;
	size_t next = 0, active = 0;
	char *hung = NULL;
	int free_slot[API_MAX_INFLIGHT];
	for (size_t i = 0; i < API_MAX_INFLIGHT; i++)
		free_slot[i] = 1;
	while (next < n || active) {
		while (hung && next < n) {
			/* The daemon hangs: don't spend a timeout on every remaining path. */
			done(arg, next, NULL, hung);
			next++;
		}
		while (next < n && remaining_ms(c) < 0) {
			char *e = deadline_error(c, paths[next], "was not made");
			done(arg, next, NULL, e);
			free(e);
			next++;
		}
		while (active < API_MAX_INFLIGHT && next < n) {
			size_t s = 0;
			while (!free_slot[s])
				s++;
			struct xfer *x = &im->slots[s];
			char *url = raw ? xasprintf("%s%s", c->ep.base_url, paths[next])
					: xasprintf("%s/v%s%s", c->ep.base_url, c->version, paths[next]);
			setup_easy(c, x, url, cap);
			free(url);	/* curl copies it */
			x->index = next;
			x->path = paths[next];
			next++;
			CURLMcode mc = curl_multi_add_handle(im->multi, x->easy);
			if (mc != CURLM_OK) {
				char *e = xasprintf("cannot start GET %s: %s", x->path,
						    curl_multi_strerror(mc));
				done(arg, x->index, NULL, e);
				free(e);
				continue;
			}
			free_slot[s] = 0;
			active++;
		}
		int running;
		curl_multi_perform(im->multi, &running);
		CURLMsg *msg;
		int q;
		while ((msg = curl_multi_info_read(im->multi, &q))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct xfer *x = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			CURLcode rc = msg->data.result;
			curl_multi_remove_handle(im->multi, x->easy);
			json_t *json;
			char *err;
			long code;
			transfer_result(c, x, rc, x->path, cap, &json, &err, &code);
			int cut = rc == CURLE_OPERATION_TIMEDOUT && (x->capped || remaining_ms(c) < 0);
			if (cut) {
				/*
				 * Cut short by the deadline, not by the daemon: say so.  A
				 * timeout capped by the deadline may fire a moment before it.
				 */
				free(err);
				err = deadline_error(c, x->path, "did not finish before it");
			}
			if (http_codes)
				http_codes[x->index] = code;
			if (rcs)
				rcs[x->index] = rc;
			free_slot[x - im->slots] = 1;
			active--;
			if (rc == CURLE_OPERATION_TIMEDOUT && !hung && !cut)
				hung = xasprintf("not requested after an earlier timeout: %s", err);
			done(arg, x->index, json, err);
			free(err);
		}
		if (active && running)
			multi_wait(im->multi);
	}
	free(hung);
}

void api_get_many(struct api_client *c, const char *const *paths, size_t n,
		  size_t cap, api_done_fn *done, void *arg)
{
	get_many(c, paths, n, cap, 0, done, arg, NULL, NULL);
}

struct one {
	json_t *json;
	char *err;
};

static void one_done(void *arg, size_t i, json_t *json, const char *err)
{
	struct one *o = arg;
	o->json = json;
	o->err = err ? xstrdup(err) : NULL;
}

json_t *api_get(struct api_client *c, const char *path, size_t cap, char **err)
{
	struct one o = {0};
	get_many(c, &path, 1, cap, 0, one_done, &o, NULL, NULL);
	if (!o.json)
		*err = o.err;
	return o.json;
}

json_t *api_negotiate(struct api_client *c, int *transport, char **err)
{
	struct one o = {0};
	const char *path = "/version";
	long code = 0;
	CURLcode rc = CURLE_OK;
	get_many(c, &path, 1, API_CAP_INSPECT, 1, one_done, &o, &code, &rc);
	*transport = 0;
	free(c->version_note);
	c->version_note = NULL;
	if (!o.json) {
		/* Nothing answered, or it hung: every other request would too. */
		*transport = code == 0 || rc == CURLE_OPERATION_TIMEDOUT;
		snprintf(c->version, sizeof(c->version), "%s", API_VERSION_FALLBACK);
		c->version_note = xasprintf("fallback: %s", o.err);
		*err = o.err;
		return NULL;
	}
	const char *sv = json_string_value(json_object_get(o.json, "ApiVersion"));
	const char *smin = json_string_value(json_object_get(o.json, "MinAPIVersion"));
	api_version_choose(sv, smin, c->version, sizeof(c->version));
	if (!sv || api_version_cmp(sv, "0.0") <= 0)
		c->version_note = xasprintf("fallback: GET /version gave no valid ApiVersion");
	return o.json;
}


/* ---- streams ---- */

/* Error bodies (a JSON message) are kept up to this size. */
#define STREAM_ERROR_BODY ((size_t)64 << 10)

struct stream {
	struct xfer x;		/* x.body holds a non-2xx answer only */
	api_sink_fn *sink;
	void *arg;
	unsigned long long received, max;
	long code;
	int stopped;		/* the sink asked to stop */
};

static size_t stream_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct stream *s = arg;
	size_t n = size * nmemb;
	if (!s->code)
		curl_easy_getinfo(s->x.easy, CURLINFO_RESPONSE_CODE, &s->code);
	if (s->code < 200 || s->code > 299) {
		/* Only the start of an error body matters for the message. */
		if (buf_add(&s->x.body, p, n) < 0)
			return 0;
		return n;
	}
	if (n > s->max - s->received) {
		s->x.overflow = 1;
		return 0;
	}
	s->received += n;
	if (s->sink(s->arg, p, n) != 0) {
		s->stopped = 1;
		return 0;
	}
	return n;
}

int api_get_stream(struct api_client *c, const char *path, unsigned long long max_bytes,
		   long timeout_ms, api_sink_fn *sink, void *arg,
		   unsigned long long *received, char **err)
{
	struct stream s;
	if (remaining_ms(c) < 0) {
		*err = deadline_error(c, path, "was not made");
		return -1;
	}
	memset(&s, 0, sizeof(s));
	s.sink = sink;
	s.arg = arg;
	s.max = max_bytes;
	long saved = c->timeout_ms;
	if (timeout_ms > 0)
		c->timeout_ms = timeout_ms;
	char *url = xasprintf("%s/v%s%s", c->ep.base_url, c->version, path);
	setup_easy(c, &s.x, url, STREAM_ERROR_BODY);
	free(url);
	curl_easy_setopt(s.x.easy, CURLOPT_WRITEFUNCTION, stream_cb);
	curl_easy_setopt(s.x.easy, CURLOPT_WRITEDATA, (void *)&s);
	curl_easy_setopt(s.x.easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)0);
	CURLcode rc = curl_easy_perform(s.x.easy);
	long code = 0;
	curl_easy_getinfo(s.x.easy, CURLINFO_RESPONSE_CODE, &code);
	*err = NULL;
	if (s.stopped && rc == CURLE_WRITE_ERROR) {
		rc = CURLE_OK;
	} else if (s.x.overflow && code >= 200 && code <= 299) {
		*err = xasprintf("response from GET %s exceeds %llu bytes", path, max_bytes);
	} else if (rc == CURLE_OPERATION_TIMEDOUT && s.received) {
		*err = xasprintf("GET %s from %s: not finished within %ld ms, or under %ld "
				 "bytes/s for too long (%llu bytes received)", path,
				 c->ep.display, c->timeout_ms, API_LOW_SPEED_BYTES, s.received);
	} else if (rc != CURLE_OK || code < 200 || code > 299) {
		json_t *j;
		s.x.overflow = 0;
		/* Reuses the buffered transfer's messages, the daemon's included. */
		transfer_result(c, &s.x, rc == CURLE_WRITE_ERROR && (code < 200 || code > 299)
				? CURLE_OK : rc, path, STREAM_ERROR_BODY, &j, err, NULL);
		json_decref(j);
		if (!*err)
			*err = xasprintf("GET %s: HTTP %ld", path, code);
	}
	if (received)
		*received = s.received;
	buf_release(&s.x.body);
	curl_easy_cleanup(s.x.easy);
	c->timeout_ms = saved;
	return *err ? -1 : 0;
}
