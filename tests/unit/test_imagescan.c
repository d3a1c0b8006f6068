#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "collect/dockerapi.h"
#include "collect/imagescan.h"

/* imagescan over tests/api/fake_export.py: one image per fake answer. */

static char python[512], script[1024], dir[64], sock[160];
static pid_t server_pid;

static int find_python(void)
{
	static const char *const cands[] = { "/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3" };
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (access(cands[i], X_OK) == 0) {
			snprintf(python, sizeof(python), "%s", cands[i]);
			return 1;
		}
	return 0;
}

static int socket_answers(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static int group_setup(void **state)
{
	(void)state;
	const char *top = getenv("top_srcdir");
	snprintf(script, sizeof(script), "%s/tests/api/fake_export.py", top ? top : ".");
	snprintf(dir, sizeof(dir), "/tmp/test-imagescan-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	if (!find_python() || access(script, R_OK) != 0)
		return 0;
	server_pid = fork();
	if (server_pid == 0) {
		execl(python, python, script, "--unix", sock, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		if (socket_answers(sock))
			return 0;
		usleep(20000);
	}
	return -1;
}

static int group_teardown(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
	}
	unlink(sock);
	rmdir(dir);
	return 0;
}

/* An api object: container CID (state) using image "sha256:CID" for each id. */
static json_t *api_for(const char *const *cids, size_t n)
{
	json_t *conts = json_array(), *imgs = json_array();
	for (size_t i = 0; i < n; i++) {
		char img[128], name[128];
		snprintf(img, sizeof(img), "sha256:%s", cids[i]);
		snprintf(name, sizeof(name), "c-%s", cids[i]);
		json_array_append_new(conts, json_pack("{s:s,s:s,s:s,s:b,s:{s:s}}", "Id", cids[i],
			"_name", name, "_image", img, "_running", 0, "State", "StartedAt",
			"0001-01-01T00:00:00Z"));
		json_array_append_new(imgs, json_pack("{s:s,s:s}", "Id", img, "_name", cids[i]));
	}
	return json_pack("{s:o,s:o}", "containers", conts, "images", imgs);
}

static json_t *setuid_of(json_t *api, size_t i)
{
	return json_object_get(json_array_get(json_object_get(api, "images"), i), "setuid_files");
}

static void run(json_t *api, int scan, long timeout_ms)
{
	struct api_endpoint ep;
	struct api_env env = {0};
	char *err = NULL;
	char host[200];
	snprintf(host, sizeof(host), "unix://%s", sock);
	assert_int_equal(api_endpoint_parse(&ep, host, &env, NULL, &err), 0);
	struct api_client c;
	api_client_init(&c, &ep, 1000, timeout_ms);
	struct collect_opts o = { .timeout_ms = timeout_ms, .scan_image_fs = scan };
	imagescan_collect(&c, api, &o);
	api_client_release(&c);
}

static void need_server(void)
{
	if (server_pid <= 0)
		skip();
}

static void test_not_scanned(void **state)
{
	(void)state;
	static const char *const ids[] = { "good" };
	json_t *api = api_for(ids, 1);
	run(api, 0, 1000);	/* no request is made: no server needed */
	const char *why = json_string_value(json_object_get(setuid_of(api, 0), "skipped"));
	assert_non_null(why);
	assert_non_null(strstr(why, "pass --scan-image-fs"));
	json_decref(api);
}

static void test_files(void **state)
{
	(void)state;
	need_server();
	static const char *const ids[] = { "good", "gnu" };
	json_t *api = api_for(ids, 2);
	run(api, 1, 2000);
	for (size_t i = 0; i < 2; i++) {
		json_t *s = setuid_of(api, i);
		json_t *files = json_object_get(s, "files");
		assert_true(json_is_array(files));
		assert_int_equal(json_array_size(files), 3);
		assert_string_equal(json_string_value(json_array_get(files, 0)), "/usr/bin/passwd (04755)");
		assert_string_equal(json_string_value(json_array_get(files, 1)), "/usr/bin/wall (02755)");
		const char *deep = json_string_value(json_array_get(files, 2));
		assert_non_null(strstr(deep, "/deep-suid (04750)"));
		assert_true(strlen(deep) > 150);
		assert_int_equal(json_integer_value(json_object_get(s, "found")), 3);
		assert_true(json_is_false(json_object_get(s, "truncated")));
		assert_int_equal(json_integer_value(json_object_get(s, "entries")), 6);
		assert_true(json_integer_value(json_object_get(s, "bytes")) > 3000);
		char src[64];
		snprintf(src, sizeof(src), "api:/containers/%s/export", ids[i]);
		assert_string_equal(json_string_value(json_object_get(s, "source")), src);
		assert_null(json_object_get(s, "error"));
	}
	json_decref(api);
}

static void test_truncated_list(void **state)
{
	(void)state;
	need_server();
	static const char *const ids[] = { "many" };
	json_t *api = api_for(ids, 1);
	run(api, 1, 2000);
	json_t *s = setuid_of(api, 0);
	assert_int_equal(json_array_size(json_object_get(s, "files")), IMAGESCAN_MAX_FILES);
	assert_int_equal(json_integer_value(json_object_get(s, "found")), 1503);
	assert_true(json_is_true(json_object_get(s, "truncated")));
	json_decref(api);
}

/* Failures: an error in place of the files, never files beside an error. */
static void test_errors(void **state)
{
	(void)state;
	need_server();
	static const char *const ids[] = { "gone", "garbage", "cut", "reset" };
	static const char *const want[] = {
		"GET /containers/gone/export: HTTP 404: No such container: gone",
		"the export of container 'c-garbage' is not a valid tar stream: bad tar header checksum at byte 0",
		"the export of container 'c-cut' is not a valid tar stream: tar stream ends ",
		"GET /containers/reset/export from unix://",
	};
	json_t *api = api_for(ids, 4);
	run(api, 1, 2000);
	for (size_t i = 0; i < 4; i++) {
		json_t *s = setuid_of(api, i);
		const char *e = json_string_value(json_object_get(s, "error"));
		if (!e || strncmp(e, want[i], strlen(want[i])))
			fail_msg("%s: error '%s', want '%s...'", ids[i], e ? e : "(none)", want[i]);
		assert_null(json_object_get(s, "files"));
		assert_non_null(json_object_get(s, "source"));
	}
	json_decref(api);
}

static void test_pick_and_missing(void **state)
{
	(void)state;
	need_server();
	/* Image "sha256:good" is used by a running container "gone" (listed first) and
	 * a never-started "good": the never-started one is exported. */
	json_t *api = json_pack("{s:[{s:s,s:s,s:s,s:b},{s:s,s:s,s:s,s:b,s:{s:s}},{s:s,s:s}],"
				"s:[{s:s,s:s},{s:s,s:s}]}",
		"containers",
		"Id", "gone", "_name", "c-running", "_image", "sha256:good", "_running", 1,
		"Id", "good", "_name", "c-good", "_image", "sha256:good", "_running", 0,
		"State", "StartedAt", "0001-01-01T00:00:00Z",
		"_name", "broken", "error", "inspect failed",
		"images", "Id", "sha256:good", "_name", "good", "Id", "sha256:orphan", "_name", "orphan");
	run(api, 1, 2000);
	assert_string_equal(json_string_value(json_object_get(setuid_of(api, 0), "source")),
			    "api:/containers/good/export");
	assert_non_null(strstr(json_string_value(json_object_get(setuid_of(api, 1), "error")),
			       "no inspected container uses this image"));
	json_decref(api);
}

/* A stalled export is cut by the low-speed limit / export timeout (30 x --timeout). */
static void test_stall_bounded(void **state)
{
	(void)state;
	need_server();
	static const char *const ids[] = { "stall" };
	json_t *api = api_for(ids, 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(api, 1, 100);	/* exports get 3 s */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	const char *e = json_string_value(json_object_get(setuid_of(api, 0), "error"));
	assert_non_null(e);
	assert_non_null(strstr(e, "GET /containers/stall/export from unix://"));
	assert_non_null(strstr(e, "512 bytes received"));
	assert_true(secs < 8);
	json_decref(api);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_scanned),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_truncated_list),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pick_and_missing),
		cmocka_unit_test(test_stall_bounded),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
