/*
 * collect_kubernetes over the node trees in tests/cases/kube/kube-nodes/NODE/:
 * root/ is the audited root (no /proc: the kubelet's command line comes
 * from kubelet.service), expect.json maps fact paths (facts_get syntax)
 * to expected values, and "error_contains" maps paths to a substring of
 * the {"error"} found there.  A live case runs a stand-in kubelet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "case_dirs.h"
#include <jansson.h>
#include "collect/kube.h"
#include "facts/facts.h"
#include "test_defs.h"

static json_t *collect_root(const char *dir)
{
	struct rootfs r;
	char *err = NULL;
	if (rootfs_open(&r, dir, &err) < 0)
		fail_msg("rootfs_open '%s': %s", dir, err);
	struct collect_opts opts = { .defs = test_defs() };
	json_t *facts = json_object();
	struct collect_ctx ctx = {.root = &r, .live = 0, .opts = &opts, .facts = facts};
	assert_int_equal(collect_kubernetes(&ctx), 0);
	rootfs_close(&r);
	return facts;
}

static void check_node(const char *nodedir, const char *name)
{
	char p[2048];
	json_error_t jerr;
	snprintf(p, sizeof(p), "%s/expect.json", nodedir);
	json_t *expect = json_load_file(p, 0, &jerr);
	if (!expect)
		fail_msg("%s: expect.json:%d: %s", name, jerr.line, jerr.text);
	snprintf(p, sizeof(p), "%s/root", nodedir);
	json_t *facts = collect_root(p);
	char *dump = json_dumps(json_object_get(facts, "kubernetes"), JSON_INDENT(1) | JSON_SORT_KEYS);
	const char *path;
	json_t *want;
	json_object_foreach(json_object_get(expect, "facts"), path, want) {
		const char *e = NULL;
		json_t *got = facts_get(facts, path, &e);
		if (!got || !json_equal(got, want))
			fail_msg("%s: %s: got %s want %s\n%s", name, path,
				 got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : "(missing)",
				 json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT), dump);
	}
	json_object_foreach(json_object_get(expect, "error_contains"), path, want) {
		const char *e = NULL;
		json_t *got = facts_get(facts, path, &e);
		const char *msg = e ? e : json_string_value(json_object_get(got, "error"));
		if (!msg || !strstr(msg, json_string_value(want)))
			fail_msg("%s: %s: want an error containing '%s'\n%s", name, path,
				 json_string_value(want), dump);
	}
	free(dump);
	json_decref(facts);
	json_decref(expect);
}

static void test_nodes(void **state)
{
	assert_true(for_each_case("kube/kube-nodes", check_node) >= 8);
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	if (!in || !out)
		return -1;
	char b[65536];
	size_t k;
	while ((k = fread(b, 1, sizeof(b), in)) > 0)
		fwrite(b, 1, k, out);
	fclose(in);
	fclose(out);
	return chmod(to, mode);
}

/* A process named kubelet with a real command line is found by exe and parsed. */
/*
 * tests/hostile/proc.sh starts stand-in kubelets too; a lock keeps the two
 * apart, since each asserts which kubelet is found.
 */
static void standin_lock(void)
{
	static int fd = -1;
	if (fd >= 0)
		return;
	/* Held until the program exits. */
	fd = open("/tmp/boxaudit-standin-kubelet.lock", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		flock(fd, LOCK_EX);
}

/* Start the stand-in as NAME with args; returns its pid once it has exec'd. */
static pid_t spawn_as(const char *dir, const char *name, char *const *args)
{
	const char *build = getenv("top_builddir");
	char fake[1024], exe[512];
	snprintf(fake, sizeof(fake), "%s/tests/unit/fake_kubelet", build ? build : ".");
	snprintf(exe, sizeof(exe), "%s/%s", dir, name);
	if (copy_file(fake, exe, 0755) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		execv(exe, args);
		_exit(127);
	}
	char link[64], target[512];
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	for (int i = 0; i < 200; i++) {
		ssize_t k = readlink(link, target, sizeof(target) - 1);
		if (k > 0) {
			target[k] = 0;
			if (strstr(target, name))
				break;
		}
		usleep(10000);
	}
	return pid;
}

static void test_live(void **state)
{
	standin_lock();
	const char *build = getenv("top_builddir");
	char fake[1024], dir[] = "/tmp/kube-live-XXXXXX", exe[256], cfg[256], arg[300];
	snprintf(fake, sizeof(fake), "%s/tests/unit/fake_kubelet", build ? build : ".");
	if (access(fake, X_OK) != 0 || access("/proc/self/exe", F_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(exe, sizeof(exe), "%s/kubelet", dir);
	snprintf(cfg, sizeof(cfg), "%s/config.yaml", dir);
	FILE *f = fopen(cfg, "w");
	fputs("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
	      "readOnlyPort: 10255\nauthorization:\n  mode: Webhook\n", f);
	fclose(f);
	snprintf(arg, sizeof(arg), "--config=%s", cfg);

	char *args[] = { "kubelet", arg, "--anonymous-auth=false", "--kubeconfig",
			 "/etc/kubernetes/kubelet.conf", "--hostname-override=live-node", NULL };
	pid_t pid = spawn_as(dir, "kubelet", args);
	assert_true(pid > 0);
	json_t *facts = collect_root("/");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);

	char *dump = json_dumps(facts, JSON_INDENT(1));
	json_t *k = facts_get(facts, "kubernetes.kubelet", NULL);
	if (!json_is_true(json_object_get(k, "running")))
		fail_msg("stand-in kubelet not found\n%s", dump);
	char want_src[64];
	/* another kubelet on this machine would come first only with a lower pid */
	snprintf(want_src, sizeof(want_src), "proc:%d", (int)pid);
	if (strcmp(json_string_value(json_object_get(k, "argv_source")), want_src) == 0) {
		json_t *s = json_object_get(k, "settings");
		json_t *v = json_object_get(s, "authentication.anonymous.enabled");
		assert_true(json_is_false(json_object_get(v, "value")));
		assert_string_equal(json_string_value(json_object_get(v, "source")), "argv:--anonymous-auth");
		v = json_object_get(s, "readOnlyPort");
		assert_int_equal(json_integer_value(json_object_get(v, "value")), 10255);
		char src[300];
		snprintf(src, sizeof(src), "config:%s", cfg);
		assert_string_equal(json_string_value(json_object_get(v, "source")), src);
		v = json_object_get(s, "hostname-override");
		assert_string_equal(json_string_value(json_object_get(v, "value")), "live-node");
		v = json_object_get(k, "version");
		if (!json_is_string(json_object_get(v, "value")))
			fail_msg("no version\n%s", dump);
		assert_string_equal(json_string_value(json_object_get(v, "value")), "1.30.5");
		assert_string_equal(json_string_value(json_object_get(json_object_get(k, "files"), "config")), cfg);
	} else {
		fail_msg("another kubelet was taken: %s\n%s",
			 json_string_value(json_object_get(k, "argv_source")), dump);
	}
	free(dump);
	json_decref(facts);
	unlink(exe);
	unlink(cfg);
	rmdir(dir);
}


/* kube-proxy: with --config the file wins and its flags are ignored. */
static void test_live_proxy(void **state)
{
	standin_lock();
	const char *build = getenv("top_builddir");
	char fake[1024], dir[] = "/tmp/kube-proxy-live-XXXXXX", cfg[256], arg[300], path[300];
	snprintf(fake, sizeof(fake), "%s/tests/unit/fake_kubelet", build ? build : ".");
	if (access(fake, X_OK) != 0 || access("/proc/self/exe", F_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(cfg, sizeof(cfg), "%s/config.conf", dir);
	FILE *f = fopen(cfg, "w");
	fputs("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
	      "clientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n"
	      "metricsBindAddress: 0.0.0.0:10249\nmode: iptables\n", f);
	fclose(f);
	snprintf(arg, sizeof(arg), "--config=%s", cfg);

	char *with_config[] = {"kube-proxy", arg, "--metrics-bind-address=127.0.0.1:10249",
			       "--hostname-override=n1", NULL};
	pid_t pid = spawn_as(dir, "kube-proxy", with_config);
	assert_true(pid > 0);
	json_t *facts = collect_root("/");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	json_t *p = facts_get(facts, "kubernetes.proxy", NULL);
	char *dump = json_dumps(p, JSON_INDENT(1));
	if (!json_is_true(json_object_get(p, "running")))
		fail_msg("stand-in kube-proxy not found\n%s", dump);
	json_t *m = facts_get(p, "settings.metricsBindAddress", NULL);
	assert_string_equal(json_string_value(json_object_get(m, "value")), "0.0.0.0:10249");
	snprintf(path, sizeof(path), "config:%s", cfg);
	assert_string_equal(json_string_value(json_object_get(m, "source")), path);
	assert_string_equal(json_string_value(facts_get(p, "files.kubeconfig", NULL)),
			    "/var/lib/kube-proxy/kubeconfig.conf");
	assert_string_equal(json_string_value(facts_get(p, "ignored_flags.0", NULL)),
			    "--metrics-bind-address");
	free(dump);
	json_decref(facts);

	char *flags_only[] = {"kube-proxy", "--kubeconfig", "/etc/kubernetes/proxy.conf",
			      "--metrics-bind-address", "0.0.0.0:10249", NULL};
	pid = spawn_as(dir, "kube-proxy", flags_only);
	assert_true(pid > 0);
	facts = collect_root("/");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	p = facts_get(facts, "kubernetes.proxy", NULL);
	m = facts_get(p, "settings.metricsBindAddress", NULL);
	assert_string_equal(json_string_value(json_object_get(m, "value")), "0.0.0.0:10249");
	assert_string_equal(json_string_value(json_object_get(m, "source")), "argv:--metrics-bind-address");
	assert_string_equal(json_string_value(facts_get(p, "files.kubeconfig", NULL)),
			    "/etc/kubernetes/proxy.conf");
	assert_string_equal(json_string_value(facts_get(facts, "kubernetes.kubelet.files.proxy_kubeconfig", NULL)),
			    "/etc/kubernetes/proxy.conf");
	json_decref(facts);
	snprintf(path, sizeof(path), "%s/kube-proxy", dir);
	unlink(path);
	unlink(cfg);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_live_proxy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
