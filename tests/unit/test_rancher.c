/* parse/rancher.c: k3s's config merge (pkg/configfilearg) and GetArgs (pkg/util/args.go). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "parse/rancher.h"

static json_t *merge(const char *const *texts, size_t n, char **err)
{
	struct rancher_file f[4];
	static const char *const names[] = { "/etc/rancher/k3s/config.yaml", "/etc/rancher/k3s/config.yaml.d/10-a.yaml",
					     "/etc/rancher/k3s/config.yaml.d/20-b.yaml", "x" };
	for (size_t i = 0; i < n; i++)
		f[i] = (struct rancher_file){ names[i], texts[i], strlen(texts[i]) };
	*err = NULL;
	return rancher_config_flags(f, n, err);
}

static void assert_json(json_t *got, const char *want)
{
	json_error_t e;
	json_t *w = json_loads(want, 0, &e);
	assert_non_null(w);
	if (!json_equal(got, w)) {
		char *s = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		print_error("got  %s\nwant %s\n", s, want);
		free(s);
		fail();
	}
	json_decref(w);
}

static void test_merge_rules(void **state)
{
	(void)state;
	const char *texts[] = {
		"write-kubeconfig-mode: \"0600\"\nkubelet-arg:\n  - streaming-connection-idle-timeout=5m\n"
		"protect-kernel-defaults: true\nnode-label: [a=1]\n",
		/* a later file replaces; key+ appends */
		"write-kubeconfig-mode: \"0644\"\nkubelet-arg+:\n  - make-iptables-util-chains=true\nnode-label: b=2\n",
		"kubelet-arg+: event-qps=0\nsecure-port: 6443\nempty:\n",
	};
	char *err;
	json_t *f = merge(texts, 3, &err);
	assert_non_null(f);
	assert_null(err);
	assert_json(json_object_get(f, "write-kubeconfig-mode"),
		    "[{\"value\":\"0644\",\"origin\":\"config:/etc/rancher/k3s/config.yaml.d/10-a.yaml\"}]");
	assert_json(json_object_get(f, "kubelet-arg"),
		    "[{\"value\":\"streaming-connection-idle-timeout=5m\",\"origin\":\"config:/etc/rancher/k3s/config.yaml\"},"
		    "{\"value\":\"make-iptables-util-chains=true\",\"origin\":\"config:/etc/rancher/k3s/config.yaml.d/10-a.yaml\"},"
		    "{\"value\":\"event-qps=0\",\"origin\":\"config:/etc/rancher/k3s/config.yaml.d/20-b.yaml\"}]");
	/* replaced, not appended: the later file has no "+" */
	assert_json(json_object_get(f, "node-label"),
		    "[{\"value\":\"b=2\",\"origin\":\"config:/etc/rancher/k3s/config.yaml.d/10-a.yaml\"}]");
	assert_string_equal(json_string_value(json_object_get(rancher_last(f, "secure-port"), "value")), "6443");
	assert_string_equal(json_string_value(json_object_get(rancher_last(f, "empty"), "value")), "");
	assert_int_equal(rancher_bool(f, "protect-kernel-defaults"), 1);
	assert_int_equal(rancher_bool(f, "cluster-init"), 0);
	json_decref(f);
}

static void test_cli_after_config(void **state)
{
	(void)state;
	const char *texts[] = { "protect-kernel-defaults: true\nkubelet-arg: [a=1]\n" };
	char *err;
	json_t *f = merge(texts, 1, &err);
	assert_non_null(f);
	static const char *const words[] = { "--protect-kernel-defaults=false", "--kubelet-arg", "b=2",
					     "--cluster-init", "--disable", "traefik", "positional" };
	static const char *const bools[] = { "cluster-init", NULL };
	assert_null(rancher_cli_flags(f, words, 7, bools, "unit:/etc/systemd/system/k3s.service"));
	/* the command line comes last: it wins for a flag given once */
	assert_int_equal(rancher_bool(f, "protect-kernel-defaults"), 0);
	assert_int_equal(rancher_bool(f, "cluster-init"), 1);
	assert_int_equal(json_array_size(json_object_get(f, "kubelet-arg")), 2);
	assert_string_equal(json_string_value(json_object_get(rancher_last(f, "disable"), "value")), "traefik");
	assert_string_equal(json_string_value(json_object_get(rancher_last(f, "kubelet-arg"), "origin")),
			    "unit:/etc/systemd/system/k3s.service");
	json_decref(f);
	/* "--x --y" with x not a known bool: read either way, so a reason */
	f = json_object();
	static const char *const amb[] = { "--new-bool", "--kubelet-arg=anonymous-auth=true", "--cluster-init" };
	char *why = rancher_cli_flags(f, amb, 3, bools, "unit:/etc/systemd/system/k3s.service");
	assert_non_null(why);
	assert_non_null(strstr(why, "'--new-bool' is written without a value, and the word after it starts with '-'"));
	assert_null(strstr(why, "kubelet-arg"));	/* the next word is never repeated */
	free(why);
	json_decref(f);
	/* a value that starts with '-' (a token, say) is never shown */
	f = json_object();
	static const char *const tok[] = { "--token", "-K10s3cr3t::server:x" };
	why = rancher_cli_flags(f, tok, 2, bools, "unit:/etc/systemd/system/k3s.service");
	assert_non_null(why);
	assert_null(strstr(why, "s3cr3t"));
	free(why);
	json_decref(f);
}

static void test_malformed(void **state)
{
	(void)state;
	char *err;
	const char *bad_yaml[] = { "kubelet-arg:\n  - a=1\n bad: [\n" };
	assert_null(merge(bad_yaml, 1, &err));
	assert_non_null(strstr(err, "/etc/rancher/k3s/config.yaml"));
	assert_non_null(strstr(err, ":3:"));
	free(err);
	const char *not_map[] = { "- a\n- b\n" };
	assert_null(merge(not_map, 1, &err));
	assert_non_null(strstr(err, "not a mapping"));
	free(err);
	const char *nested[] = { "ok: 1\n", "kubelet-arg:\n  nested: {a: 1}\n" };
	assert_null(merge(nested, 2, &err));
	assert_non_null(strstr(err, "10-a.yaml"));
	assert_non_null(strstr(err, "kubelet-arg"));
	free(err);
	const char *bomb[] = { "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
			       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
			       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" };
	assert_null(merge(bomb, 1, &err));
	free(err);
}

static void test_getargs(void **state)
{
	(void)state;
	static const struct rancher_arg defaults[] = {
		{ "profiling", "false", "default(k3s server)" },
		{ "enable-admission-plugins", "NodeRestriction", "default(k3s server)" },
		{ "anonymous-auth", "false", "default(k3s server)" },
	};
	json_error_t e;
	json_t *words = json_loads("[{\"value\":\"profiling=true\",\"origin\":\"config:C\"},"
				   "{\"value\":\"enable-admission-plugins+=EventRateLimit\",\"origin\":\"config:C\"},"
				   "{\"value\":\"audit-log-path=/a.log\",\"origin\":\"config:D\"},"
				   "{\"value\":\"--tls-cipher-suites=X\",\"origin\":\"config:D\"},"
				   "{\"value\":\"tls-cipher-suites=Y\",\"origin\":\"unit:U\"},"
				   "{\"value\":\"v\",\"origin\":\"unit:U\"}]", 0, &e);
	assert_non_null(words);
	json_t *origins = NULL;
	json_t *argv = rancher_getargs("kube-apiserver", defaults, 3, words, &origins);
	assert_json(argv, "[\"kube-apiserver\",\"--anonymous-auth=false\",\"--audit-log-path=/a.log\","
			  "\"--enable-admission-plugins=NodeRestriction\",\"--enable-admission-plugins=EventRateLimit\","
			  "\"--profiling=true\",\"--tls-cipher-suites=X\",\"--tls-cipher-suites=Y\",\"--v=true\"]");
	assert_json(origins, "{\"anonymous-auth\":\"default(k3s server)\",\"audit-log-path\":\"config:D\","
			     "\"enable-admission-plugins\":\"config:C\",\"profiling\":\"config:C\","
			     "\"tls-cipher-suites\":\"unit:U\",\"v\":\"unit:U\"}");
	json_decref(argv);
	json_decref(origins);
	json_decref(words);
}

static void test_relabel(void **state)
{
	(void)state;
	json_error_t e;
	json_t *s = json_loads("{\"profiling\":{\"value\":false,\"source\":\"k3s:--profiling\"},"
			       "\"x\":{\"value\":1,\"source\":\"k3s:--unknown\"},"
			       "\"y\":{\"value\":[{\"value\":\"A\",\"source\":\"k3s:--tls-cipher-suites\"}],\"source\":\"default\"}}",
			       0, &e);
	json_t *o = json_loads("{\"profiling\":\"default(k3s server)\",\"tls-cipher-suites\":\"config:C\"}", 0, &e);
	rancher_relabel(s, "k3s:", o);
	assert_json(s, "{\"profiling\":{\"value\":false,\"source\":\"default(k3s server)\"},"
		       "\"x\":{\"value\":1,\"source\":\"k3s:--unknown\"},"
		       "\"y\":{\"value\":[{\"value\":\"A\",\"source\":\"config:C\"}],\"source\":\"default\"}}");
	json_decref(s);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_rules),
		cmocka_unit_test(test_cli_after_config),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_getargs),
		cmocka_unit_test(test_relabel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
