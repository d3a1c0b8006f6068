/*
 * Engine API client and collector: endpoint parsing, version negotiation,
 * redaction, and faults served by tests/api/fake_engine.py (skipped when
 * python3 is missing).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "case_name.h"
#include "collect/dockerapi.h"
#include "parse/redact.h"
#include "collect/containers.h"
#include "facts/facts.h"

/* ---- endpoint parsing ---- */

static int exists_yes(const char *p) { (void)p; return 1; }
static int exists_no(const char *p) { (void)p; return 0; }

struct ep_case {
	const char *host, *env_host, *tls, *verify, *cert_path, *config, *home, *fallback;
	int certs_exist;
	int rc;
	const char *display, *unix_path, *base_url;
	int is_tls, is_verify;
	const char *ca, *cert, *key;
	const char *err;
};

static const struct ep_case ep_cases[] = {
	/* default socket */
	{ .rc = 0, .display = "unix:///var/run/docker.sock", .unix_path = "/var/run/docker.sock",
	  .base_url = "http://docker" },
	/* explicit wins over DOCKER_HOST and the fallback */
	{ .host = "unix:///tmp/x.sock", .env_host = "tcp://h:1", .fallback = "unix:///f",
	  .display = "unix:///tmp/x.sock", .unix_path = "/tmp/x.sock", .base_url = "http://docker" },
	{ .env_host = "unix:///run/e.sock", .fallback = "unix:///f",
	  .display = "unix:///run/e.sock", .unix_path = "/run/e.sock", .base_url = "http://docker" },
	{ .env_host = "", .fallback = "unix:///run/f.sock",
	  .display = "unix:///run/f.sock", .unix_path = "/run/f.sock", .base_url = "http://docker" },
	{ .host = "unix://", .display = "unix:///var/run/docker.sock",
	  .unix_path = "/var/run/docker.sock", .base_url = "http://docker" },
	/* tcp, plain */
	{ .host = "tcp://10.1.2.3:2375", .display = "tcp://10.1.2.3:2375",
	  .base_url = "http://10.1.2.3:2375" },
	{ .host = "tcp://dockerhost", .display = "tcp://dockerhost:2375",
	  .base_url = "http://dockerhost:2375" },
	{ .host = "tcp://", .display = "tcp://localhost:2375", .base_url = "http://localhost:2375" },
	{ .host = "tcp://:4000", .display = "tcp://localhost:4000", .base_url = "http://localhost:4000" },
	{ .host = "tcp://h:2375/", .display = "tcp://h:2375", .base_url = "http://h:2375" },
	{ .host = "h:2375", .display = "tcp://h:2375", .base_url = "http://h:2375" },
	{ .host = "tcp://[::1]:2375", .display = "tcp://[::1]:2375", .base_url = "http://[::1]:2375" },
	/* TLS as the docker CLI: DOCKER_TLS_VERIFY => TLS + verify; DOCKER_TLS => TLS only */
	{ .host = "tcp://h", .verify = "1", .cert_path = "/certs", .certs_exist = 1,
	  .display = "tcp://h:2376", .base_url = "https://h:2376", .is_tls = 1, .is_verify = 1,
	  .ca = "/certs/ca.pem", .cert = "/certs/cert.pem", .key = "/certs/key.pem" },
	{ .host = "tcp://h:9", .verify = "0", .home = "/root", .certs_exist = 1,
	  .display = "tcp://h:9", .base_url = "https://h:9", .is_tls = 1, .is_verify = 1,
	  .ca = "/root/.docker/ca.pem", .cert = "/root/.docker/cert.pem", .key = "/root/.docker/key.pem" },
	{ .host = "tcp://h", .tls = "1", .config = "/cfg", .certs_exist = 0,
	  .display = "tcp://h:2376", .base_url = "https://h:2376", .is_tls = 1, .is_verify = 0 },
	{ .host = "tcp://h", .tls = "1", .cert_path = "/c", .certs_exist = 1,
	  .display = "tcp://h:2376", .base_url = "https://h:2376", .is_tls = 1, .is_verify = 0,
	  .cert = "/c/cert.pem", .key = "/c/key.pem" },
	/* DOCKER_CERT_PATH alone does not enable TLS (docker CLI) */
	{ .host = "tcp://h", .cert_path = "/c", .certs_exist = 1,
	  .display = "tcp://h:2375", .base_url = "http://h:2375" },
	/* TLS settings never apply to a unix socket */
	{ .host = "unix:///s", .verify = "1", .display = "unix:///s", .unix_path = "/s",
	  .base_url = "http://docker" },
	/* malformed */
	{ .host = "ssh://user@h", .rc = -1, .err = "unsupported docker host 'ssh://user@h'" },
	{ .host = "fd://", .rc = -1, .err = "only unix:// and tcp://" },
	{ .host = "npipe:////./pipe/docker_engine", .rc = -1, .err = "unsupported" },
	{ .host = "/var/run/docker.sock", .rc = -1, .err = "needs unix://" },
	{ .host = "tcp://h:0", .rc = -1, .err = "expected tcp://HOST:PORT" },
	{ .host = "tcp://h:65536", .rc = -1, .err = "invalid docker host" },
	{ .host = "tcp://h:12x", .rc = -1, .err = "invalid docker host" },
	{ .host = "tcp://h:1/path", .rc = -1, .err = "invalid docker host" },
	{ .host = "tcp://u@h:1", .rc = -1, .err = "invalid docker host" },
	{ .host = "tcp://::1:2375", .rc = -1, .err = "invalid docker host" },
	{ .host = "tcp://[::1", .rc = -1, .err = "invalid docker host" },
	{ .host = "tcp://h :1", .rc = -1, .err = "invalid docker host" },
	{ .host = "tcp://h:", .rc = -1, .err = "invalid docker host" },
};

static void assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void test_endpoint_parse(void **state)
{
	for (size_t i = 0; i < sizeof(ep_cases) / sizeof(ep_cases[0]); i++) {
		const struct ep_case *c = &ep_cases[i];
		struct api_env env = { c->env_host, c->tls, c->verify, c->cert_path, c->config,
				       c->home, c->certs_exist ? exists_yes : exists_no };
		struct api_endpoint ep;
		char *err = NULL;
		int rc = api_endpoint_parse(&ep, c->host, &env, c->fallback, &err);
		print_message("case %s\n", case_name(c->host ? c->host : "(none)"));
		assert_int_equal(rc, c->rc);
		if (rc < 0) {
			assert_non_null(err);
			assert_non_null(strstr(err, c->err));
			free(err);
			api_endpoint_release(&ep);
			continue;
		}
		assert_string_equal(ep.display, c->display);
		assert_str_or_null(ep.unix_path, c->unix_path);
		assert_string_equal(ep.base_url, c->base_url);
		assert_int_equal(ep.tls, c->is_tls);
		assert_int_equal(ep.tls_verify, c->is_verify);
		assert_str_or_null(ep.ca_file, c->ca);
		assert_str_or_null(ep.cert_file, c->cert);
		assert_str_or_null(ep.key_file, c->key);
		api_endpoint_release(&ep);
	}
}

/* ---- versions ---- */

static void test_version_choose(void **state)
{
	static const struct { const char *server, *min, *want; } cases[] = {
		{ "1.41", NULL, "1.41" },
		{ "1.47", "1.24", "1.47" },
		{ "1.9", "1.0", "1.9" },
		{ "1.52", "1.44", "1.47" },	/* newer daemon: our newest */
		{ "1.52", "1.48", "1.48" },	/* ...unless it refuses that */
		{ "1.100", NULL, "1.47" },
		{ "2.0", NULL, "1.47" },
		{ NULL, NULL, "1.24" },
		{ "", NULL, "1.24" },
		{ "garbage", NULL, "1.24" },
		{ "1.41x", NULL, "1.24" },
		{ "1.", NULL, "1.24" },
		{ "-1.5", NULL, "1.24" },
		{ "99999999999999999999.1", NULL, "1.24" },
		{ "1.41", "junk", "1.41" },
		{ "1.41", "1.44", "1.44" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[16];
		api_version_choose(cases[i].server, cases[i].min, out, sizeof(out));
		print_message("case %s\n", case_name(cases[i].server));
		assert_string_equal(out, cases[i].want);
	}
	assert_true(api_version_cmp("1.9", "1.41") < 0);
	assert_true(api_version_cmp("1.41", "1.9") > 0);
	assert_int_equal(api_version_cmp("1.41", "1.41"), 0);
	assert_true(api_version_cmp("x", "1.0") < 0);
}

/* ---- redaction ---- */

static void test_redact_command(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2", "/bin/sh -c #(nop)  ENV DB_PASSWORD=<redacted>" },
		{ "ENV API_TOKEN=abc MODE=prod", "ENV API_TOKEN=<redacted> MODE=prod" },
		{ "ENV A=1 SECRET_KEY=\"two words\" B=2", "ENV A=1 SECRET_KEY=<redacted> B=2" },
		{ "ENV PASS='x y'", "ENV PASS=<redacted>" },
		{ "RUN |2 DB_PASSWORD=hunter2 VERSION=1 /bin/sh -c make",
		  "RUN |2 DB_PASSWORD=<redacted> VERSION=1 /bin/sh -c make" },
		{ "ARG GITHUB_TOKEN=ghp_x", "ARG GITHUB_TOKEN=<redacted>" },
		{ "/bin/sh -c #(nop)  ENV SECRET_KEY hunter2 more", "/bin/sh -c #(nop)  ENV SECRET_KEY <redacted>" },
		{ "/bin/sh -c #(nop)  ENV MODE prod", "/bin/sh -c #(nop)  ENV MODE prod" },
		{ "mysql --password=hunter2 -h db", "mysql --password=<redacted> -h db" },
		{ "docker build --build-arg NPM_AUTH=xyz .", "docker build --build-arg NPM_AUTH=<redacted> ." },
		{ "git clone https://user:hunter2@example.com/r.git", "git clone https://user:<redacted>@example.com/r.git" },
		{ "/bin/sh -c apt-get update && apt-get install -y curl", "/bin/sh -c apt-get update && apt-get install -y curl" },
		{ "/bin/sh -c #(nop) ADD file:abc in / ", "/bin/sh -c #(nop) ADD file:abc in / " },
		{ "ENV PATH=/usr/bin:/bin", "ENV PATH=/usr/bin:/bin" },
		{ "ENV aws_secret_access_key=AKIA", "ENV aws_secret_access_key=<redacted>" },
		{ "ENV TOKEN=", "ENV TOKEN=<redacted>" },
		{ "ENV TOKEN=\"unterminated", "ENV TOKEN=<redacted>" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = redact_text(cases[i].in);
		print_message("case %s\n", case_name(cases[i].in));
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static void test_redact_env(void **state)
{
	json_t *env = json_pack("[s,s,s,s,i]", "DB_PASSWORD=hunter2", "PATH=/usr/bin", "BARE",
				"X==y", 7);
	redact_env_array(env);
	json_t *want = json_pack("[s,s,s,s,s]", "DB_PASSWORD=<redacted>", "PATH=<redacted>", "BARE",
				 "X=<redacted>", "<redacted>");
	assert_true(json_equal(env, want));
	json_decref(env);
	json_decref(want);
	redact_env_array(NULL);	/* not an array: nothing to do */
	assert_true(redact_secret_name("MyApiKey", 8));
	assert_false(redact_secret_name("PATH", 4));
}

/* ---- the collector against a fake daemon ---- */

static char python[512];
static char script[1024];
static char dir[64];

static int find_python(void)
{
	const char *path = getenv("PATH");
	if (!path)
		return 0;
	char *copy = strdup(path), *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(python, sizeof(python), "%s/python3", d);
		if (access(python, X_OK) == 0) {
			free(copy);
			return 1;
		}
	}
	free(copy);
	return 0;
}

static int group_setup(void **state)
{
	const char *top = getenv("top_srcdir");
	snprintf(script, sizeof(script), "%s/tests/api/fake_engine.py", top ? top : ".");
	snprintf(dir, sizeof(dir), "/tmp/test-api-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (!find_python() || access(script, R_OK) != 0)
		python[0] = '\0';
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_TLS");
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_CERT_PATH");
	return 0;
}

static int group_teardown(void **state)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/sock", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static pid_t server_pid;
static char sock[128];

/* Start the fake daemon with extra arguments (NULL-terminated). */
static int socket_answers(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path))
		return 0;
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static void server_start(const char *first, ...)
{
	if (!python[0])
		skip();
	const char *argv[32];
	int n = 0;
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	unlink(sock);
	argv[n++] = python;
	argv[n++] = script;
	argv[n++] = "--unix";
	argv[n++] = sock;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && n < 30; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	server_pid = fork();
	assert_true(server_pid >= 0);
	if (server_pid == 0) {
		execv(python, (char *const *)argv);
		_exit(127);
	}
	/* The socket file appears at bind(), before listen(): wait for a connection. */
	for (int i = 0; i < 500; i++) {
		if (socket_answers(sock))
			return;
		int status;
		if (waitpid(server_pid, &status, WNOHANG) == server_pid)
			fail_msg("fake_engine.py exited with status %d", status);
		usleep(20000);
	}
	fail_msg("fake_engine.py did not create its socket");
}

static void server_stop(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
	}
}

static int stop_server(void **state)
{
	server_stop();
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
	json_t *facts;
	json_t *api;
	double secs;
	char *dump;
};

static void run_collect(struct run *r, const char *host, int live, int running_only, int no_api)
{
	struct collect_opts opts = { .docker_host = host, .connect_timeout_ms = 1000,
				     .timeout_ms = 1500, .running_only = running_only,
				     .no_api = no_api };
	r->facts = json_object();
	struct collect_ctx ctx = { .root = NULL, .live = live, .opts = &opts, .facts = r->facts };
	double t0 = now();
	assert_int_equal(collect_api(&ctx), 0);
	r->secs = now() - t0;
	r->api = json_object_get(json_object_get(r->facts, "docker"), "api");
	assert_non_null(r->api);
	r->dump = json_dumps(r->facts, JSON_COMPACT);
	assert_non_null(r->dump);
}

static void run_free(struct run *r)
{
	json_decref(r->facts);
	free(r->dump);
}

static char *unix_host(void)
{
	static char h[160];
	snprintf(h, sizeof(h), "unix://%s", sock);
	return h;
}

static const char *str_at(json_t *root, const char *path)
{
	const char *err = NULL;
	json_t *v = facts_get(root, path, &err);
	return json_string_value(v);
}

/* The error met on the way to path, which must contain want (or one of its "|"-separated parts). */
static void assert_error_at(json_t *api, const char *path, const char *want)
{
	const char *err = NULL;
	facts_get(api, path, &err);
	print_message("%s: %s\n", path, err ? err : "(no error)");
	assert_non_null(err);
	for (const char *p = want; *p;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		char part[256];
		snprintf(part, sizeof(part), "%.*s", (int)n, p);
		if (strstr(err, part))
			return;
		p += n + (bar != NULL);
	}
	fail_msg("error at %s is '%s', expected '%s'", path, err, want);
}

static void test_normal(void **state)
{
	server_start("--containers", "3", NULL);
	struct run r;
	run_collect(&r, unix_host(), 1, 0, 0);
	server_stop();
	assert_true(r.secs < 5);
	assert_string_equal(str_at(r.api, "api_version"), "1.47");
	assert_null(json_object_get(r.api, "api_version_note"));
	assert_string_equal(str_at(r.api, "endpoint_source"), "argv:--docker-host");
	assert_string_equal(str_at(r.api, "version.Version"), "27.3.1");
	assert_string_equal(str_at(r.api, "info.Driver"), "overlay2");
	json_t *cs = json_object_get(r.api, "containers");
	assert_int_equal(json_array_size(cs), 3);
	assert_string_equal(str_at(r.api, "containers[0]._name"), "c0");
	assert_string_equal(str_at(r.api, "containers[2]._name"), "c2");
	assert_true(json_is_true(facts_get(r.api, "containers[0]._running", NULL)));
	assert_true(json_is_false(facts_get(r.api, "containers[1]._running", NULL)));
	assert_non_null(strstr(str_at(r.api, "containers[1]._source"), "api:/containers/"));
	assert_string_equal(str_at(r.api, "containers[1]._image"), str_at(r.api, "containers[1].Image"));
	assert_string_equal(str_at(r.api, "containers[0].Config.Env[0]"), "DB_PASSWORD=<redacted>");
	assert_string_equal(str_at(r.api, "containers[0].Config.Env[2]"), "NOVALUE");
	assert_string_equal(str_at(r.api, "containers[0].Config.Labels.app"), "demo");
	assert_true(json_is_true(facts_get(r.api, "containers[0].HostConfig.Privileged", NULL)));
	/* three containers use three images; seven are listed */
	assert_int_equal(json_array_size(json_object_get(r.api, "images")), 3);
	assert_int_equal(json_integer_value(json_object_get(r.api, "images_all")), 7);
	assert_int_equal(json_integer_value(json_object_get(r.api, "images_used")), 3);
	assert_string_equal(str_at(r.api, "images[0]._name"), "img0:latest");
	assert_string_equal(str_at(r.api, "images[0].Config.Env[0]"), "API_TOKEN=<redacted>");
	assert_string_equal(str_at(r.api, "images[0].history[0].CreatedBy"), "/bin/sh -c apt-get update");
	assert_string_equal(str_at(r.api, "images[0].history[1].CreatedBy"),
			    "/bin/sh -c #(nop)  ENV API_TOKEN=<redacted> MODE=<redacted>");
	assert_int_equal(json_array_size(json_object_get(r.api, "networks")), 2);
	assert_string_equal(str_at(r.api, "networks[0].Options[\"com.docker.network.bridge.enable_icc\"]"), "true");
	assert_true(json_is_null(json_object_get(r.api, "swarm")));
	/* no secret anywhere in the facts */
	assert_null(strstr(r.dump, "hunter2"));
	run_free(&r);
}

static void test_old_daemon_and_running_only(void **state)
{
	server_start("--containers", "5", "--api-version", "1.41", NULL);
	struct run r;
	run_collect(&r, unix_host(), 1, 1, 0);
	server_stop();
	assert_string_equal(str_at(r.api, "api_version"), "1.41");
	/* only the running ones: c0, c2, c4 */
	assert_int_equal(json_array_size(json_object_get(r.api, "containers")), 3);
	assert_string_equal(str_at(r.api, "containers[2]._name"), "c4");
	assert_null(json_object_get(json_object_get(r.api, "containers"), "error"));
	run_free(&r);
}

static void test_swarm(void **state)
{
	server_start("--containers", "1", "--swarm", NULL);
	struct run r;
	run_collect(&r, unix_host(), 1, 0, 0);
	server_stop();
	assert_string_equal(str_at(r.api, "swarm.secrets[0].Name"), "db_pw");
	assert_string_equal(str_at(r.api, "swarm.secrets[0].ID"), "sec1");
	assert_null(facts_get(r.api, "swarm.secrets[0].Spec", NULL));
	assert_string_equal(str_at(r.api, "swarm.cluster.JoinTokens.Worker"), "<redacted>");
	assert_string_equal(str_at(r.api, "swarm.services[0].Spec.TaskTemplate.ContainerSpec.Env[0]"),
			    "DB_PASSWORD=<redacted>");
	assert_string_equal(str_at(r.api, "swarm.nodes[0].ID"), "node1");
	assert_string_equal(str_at(r.api, "networks[1].Driver"), "overlay");
	assert_null(strstr(r.dump, "aHVudGVyMg"));
	assert_null(strstr(r.dump, "SWMTKN"));
	assert_null(strstr(r.dump, "hunter2"));
	run_free(&r);
}

static void test_one_inspect_fails(void **state)
{
	server_start("--containers", "3", "--fail-container", "1", NULL);
	struct run r;
	run_collect(&r, unix_host(), 1, 0, 0);
	server_stop();
	assert_string_equal(str_at(r.api, "containers[0]._name"), "c0");
	assert_error_at(r.api, "containers[1].HostConfig", "HTTP 500: inspect failed for c1");
	assert_string_equal(str_at(r.api, "containers[1]._name"), "c1");
	assert_false(json_is_true(facts_get(r.api, "containers[1]._running", NULL)));
	assert_string_equal(str_at(r.api, "containers[2]._name"), "c2");
	assert_null(json_object_get(json_array_get(json_object_get(r.api, "containers"), 2), "error"));
	run_free(&r);
}

static void test_not_contacted(void **state)
{
	struct run r;
	/* left out on purpose: {"skipped": why}, not an error */
	run_collect(&r, NULL, 0, 0, 0);
	assert_null(json_object_get(r.api, "error"));
	assert_non_null(strstr(str_at(r.api, "skipped"), "not contacted: auditing a root directory"));
	run_free(&r);
	run_collect(&r, "unix:///nonexistent", 1, 0, 1);
	assert_non_null(strstr(str_at(r.api, "skipped"), "not contacted (--no-api)"));
	run_free(&r);
	run_collect(&r, "ssh://h", 1, 0, 0);
	assert_error_at(r.api, "info", "unsupported docker host 'ssh://h'");
	run_free(&r);
}

static void test_no_socket(void **state)
{
	struct run r;
	char h[200];
	snprintf(h, sizeof(h), "unix://%s/missing.sock", dir);
	run_collect(&r, h, 1, 0, 0);
	assert_error_at(r.api, "info", "cannot connect to unix://");
	assert_error_at(r.api, "info", "missing.sock: no such file or directory");
	assert_true(r.secs < 2);
	run_free(&r);
}

static void test_refused(void **state)
{
	/* a socket file nobody listens on */
	char p[100];
	snprintf(p, sizeof(p), "%s/dead.sock", dir);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	unlink(p);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	struct run r;
	char h[220];
	snprintf(h, sizeof(h), "unix://%s", p);
	run_collect(&r, h, 1, 0, 0);
	unlink(p);
	assert_error_at(r.api, "info", "connection refused");
	run_free(&r);
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd);
	return ntohs(a.sin_port);
}

static void test_tcp_and_tls_failure(void **state)
{
	char port[16], h[64];
	snprintf(port, sizeof(port), "%d", free_port());
	server_start("--tcp", port, "--containers", "2", NULL);
	snprintf(h, sizeof(h), "tcp://127.0.0.1:%s", port);
	struct run r;
	run_collect(&r, h, 1, 0, 0);
	assert_string_equal(str_at(r.api, "endpoint"), h);
	assert_int_equal(json_array_size(json_object_get(r.api, "containers")), 2);
	run_free(&r);
	/* TLS to a plain-HTTP daemon: curl's TLS error, no hang */
	setenv("DOCKER_TLS", "1", 1);
	run_collect(&r, h, 1, 0, 0);
	unsetenv("DOCKER_TLS");
	server_stop();
	assert_error_at(r.api, "info", "GET /version from tcp://127.0.0.1:");
	assert_true(r.secs < 4);
	run_free(&r);
}

/* Mutual TLS as the docker CLI does it, against --tls tests/api/tls. */
static void test_tls(void **state)
{
	static const struct {
		const char *tls, *verify, *certdir;
		const char *want_error;	/* NULL: must succeed */
	} cases[] = {
		{ NULL, "1", "tls", NULL },		/* verify with ca.pem, client cert */
		{ "1", NULL, "tls-other", NULL },	/* no verification: the CA does not matter */
		{ NULL, "1", "tls-other", "GET /version from tcp://127.0.0.1:" },	/* wrong CA */
		{ NULL, "1", "no-such-dir", "GET /version from tcp://127.0.0.1:" },	/* no CA, no client cert */
		{ "1", NULL, "no-such-dir", "GET /version from tcp://127.0.0.1:" },	/* server wants a client cert */
	};
	char port[16], h[64], certs[1100], tlsdir[1100];
	const char *top = getenv("top_srcdir");
	snprintf(tlsdir, sizeof(tlsdir), "%s/tests/api/tls", top ? top : ".");
	snprintf(port, sizeof(port), "%d", free_port());
	server_start("--tcp", port, "--tls", tlsdir, "--containers", "1", NULL);
	snprintf(h, sizeof(h), "tcp://127.0.0.1:%s", port);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("tls case: TLS %s, verify %s, certificates from %s\n", cases[i].tls ? cases[i].tls : "unset",
			      cases[i].verify ? cases[i].verify : "unset", cases[i].certdir);
		snprintf(certs, sizeof(certs), "%s/tests/api/%s", top ? top : ".", cases[i].certdir);
		setenv("DOCKER_CERT_PATH", certs, 1);
		if (cases[i].tls)
			setenv("DOCKER_TLS", cases[i].tls, 1);
		if (cases[i].verify)
			setenv("DOCKER_TLS_VERIFY", cases[i].verify, 1);
		struct run r;
		run_collect(&r, h, 1, 0, 0);
		unsetenv("DOCKER_TLS");
		unsetenv("DOCKER_TLS_VERIFY");
		unsetenv("DOCKER_CERT_PATH");
		assert_true(r.secs < 4);
		if (cases[i].want_error) {
			assert_error_at(r.api, "info", cases[i].want_error);
		} else {
			assert_null(json_object_get(r.api, "error"));
			assert_int_equal(json_array_size(json_object_get(r.api, "containers")), 1);
			assert_string_equal(str_at(r.api, "endpoint"), h);
		}
		run_free(&r);
	}
}

/* A misbehaving daemon: where it misbehaves, what we must say, and the time bound. */
struct fault {
	const char *mode, *fault_path, *containers;
	const char *at;		/* facts path (under docker.api) that must carry the error */
	const char *want;	/* substring of the error */
	double max_secs;
};

static const struct fault faults[] = {
	{ "hang", "", "3", "info", "no answer from unix://", 3 },
	{ "hang", "/info", "3", "info.Driver", "no answer from unix://", 4 },
	{ "hang", "/containers/0", "40", "containers[39].Id", "no answer from unix://", 4 },
	{ "hang", "/containers/0", "40", "containers[0].Id", "no answer from unix://", 4 },
	{ "slowloris", "/version", "3", "info", "GET /version from unix://", 4 },
	{ "slowloris", "/info", "3", "info", "GET /info", 4 },
	/*
	 * A body that never ends is cut at its cap, or by the speed floor or the
	 * timeout on a machine too busy to receive 64 MiB in time: bounded
	 * whichever comes first.
	 */
	{ "endless", "/containers/json", "3", "containers",
	  "response from GET /containers/json?all=1 exceeds 67108864 bytes|GET /containers/json?all=1 from unix://|"
	  "incomplete answer from unix://", 15 },
	{ "endless", "/containers/0", "2", "containers[1].Id", "exceeds 8388608 bytes|too slow|incomplete answer", 10 },
	{ "short", "/info", "3", "info", "GET /info from unix://", 3 },
	{ "chunked", "/info", "3", "info", "chunk", 3 },
	{ "truncated", "/info", "3", "info", "invalid JSON in response to GET /info: ", 3 },
	{ "invalid", "/networks", "3", "networks", "invalid JSON in response to GET /networks", 3 },
	{ "http500", "/info", "3", "info", "GET /info: HTTP 500: boom", 3 },
	{ "http500", "/images/", "3", "images_all", "HTTP 500: boom", 3 },
	{ "http500", "/images/", "3", "images[0].Config", "HTTP 500: boom", 3 },
	{ "http500", "/version", "3", "version", "GET /version: HTTP 500: boom", 3 },
	{ "deep", "/info", "3", "info", "depth", 3 },
	{ "huge", "", "3", "containers", "exceeds 67108864 bytes", 15 },
};

static void test_faults(void **state)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault *f = &faults[i];
		print_message("fault %zu: %s on '%s'\n", i, f->mode, f->fault_path);
		server_start("--mode", f->mode, "--fault-path", f->fault_path,
			     "--containers", f->containers, NULL);
		struct run r;
		run_collect(&r, unix_host(), 1, 0, 0);
		server_stop();
		print_message("  took %.2f s\n", r.secs);
		assert_error_at(r.api, f->at, f->want);
		assert_true(r.secs < f->max_secs);
		if (!strcmp(f->mode, "http500") && !strcmp(f->fault_path, "/version")) {
			assert_string_equal(str_at(r.api, "api_version"), "1.24");
			assert_non_null(strstr(str_at(r.api, "api_version_note"), "HTTP 500"));
		}
		run_free(&r);
	}
	/* the caps bounded memory: no body grew past 64 MiB */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	print_message("max rss %ld KiB\n", ru.ru_maxrss);
	assert_true(ru.ru_maxrss < 400 * 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_parse),
		cmocka_unit_test(test_version_choose),
		cmocka_unit_test(test_redact_command),
		cmocka_unit_test(test_redact_env),
		cmocka_unit_test(test_not_contacted),
		cmocka_unit_test(test_no_socket),
		cmocka_unit_test(test_refused),
		cmocka_unit_test_teardown(test_normal, stop_server),
		cmocka_unit_test_teardown(test_old_daemon_and_running_only, stop_server),
		cmocka_unit_test_teardown(test_swarm, stop_server),
		cmocka_unit_test_teardown(test_one_inspect_fails, stop_server),
		cmocka_unit_test_teardown(test_tcp_and_tls_failure, stop_server),
		cmocka_unit_test_teardown(test_tls, stop_server),
		cmocka_unit_test_teardown(test_faults, stop_server),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
