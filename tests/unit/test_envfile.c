#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "case_name.h"
#include "parse/envfile.h"

/* Input, then the expected object as JSON (or NULL) and the expected error. */
struct env_case {
	const char *text;
	const char *want;
	const char *err;
};

static const struct env_case env_cases[] = {
	{"", "{}", NULL},
	{"\n\n  \n", "{}", NULL},
	{"# comment\n; also\nA=1\n", "{\"A\":\"1\"}", NULL},
	{"export A=1\n", "{\"A\":\"1\"}", NULL},
	{"A=1\nA=2\n", "{\"A\":\"2\"}", NULL},
	{"DOCKER_OPTS=\"--icc=false -H tcp://0.0.0.0:2376\"\n",
	 "{\"DOCKER_OPTS\":\"--icc=false -H tcp://0.0.0.0:2376\"}", NULL},
	{"A='single $x \\n'\n", "{\"A\":\"single $x \\\\n\"}", NULL},
	{"A=\"dq \\\"q\\\" \\\\ \\$ \\x\"\n", "{\"A\":\"dq \\\"q\\\" \\\\ $ \\\\x\"}", NULL},
	{"A=one \\\ntwo\n", "{\"A\":\"one two\"}", NULL},
	{"A=\"multi\\\nline\"\n", "{\"A\":\"multiline\"}", NULL},
	{"A=\"a\nb\"\nB=2\n", "{\"A\":\"a\\nb\",\"B\":\"2\"}", NULL},
	{"A=value   \n", "{\"A\":\"value\"}", NULL},
	{"A=a b\n", "{\"A\":\"a b\"}", NULL},
	{"A=\"x\" # note\n", "{\"A\":\"x\"}", NULL},
	{"A=x#y\n", "{\"A\":\"x#y\"}", NULL},
	{"A=\n", "{\"A\":\"\"}", NULL},
	{"  KEY_2 = v\r\n", "{\"KEY_2\":\"v\"}", NULL},
	{"KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9\"\n",
	 "{\"KUBELET_KUBEADM_ARGS\":\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9\"}", NULL},
	/* malformed */
	{"A=1\nB=\"open\n", NULL, "f:2: unterminated double quote"},
	{"A='open\n", NULL, "f:1: unterminated single quote"},
	{"A=1\n\njust words\n", NULL, "f:3: expected KEY=VALUE"},
	{"1A=x\n", NULL, "f:1: invalid variable name"},
	{"A-B=x\n", NULL, "f:1: invalid variable name"},
	{"A\n", NULL, "f:1: expected KEY=VALUE"},
	{"A=\\\nB\nC\n", NULL, "f:3: expected KEY=VALUE"},
};

/* A case's outcome: the JSON wanted, or else exactly the error wanted. */
static void check_result(const char *name, json_t *got, char *err, const char *want_json, const char *want_err)
{
	if (want_json) {
		if (!got)
			fail_msg("case %s: unexpected error %s", name, err);
		json_t *want = json_loads(want_json, 0, NULL);
		assert_non_null(want);
		if (!json_equal(got, want)) {
			char *s = json_dumps(got, JSON_COMPACT);
			fail_msg("case %s: got %s want %s", name, s, want_json);
		}
		json_decref(want);
		json_decref(got);
	} else {
		if (got)
			fail_msg("case %s: expected error %s", name, want_err);
		assert_string_equal(err, want_err);
		free(err);
	}
}

static void test_envfile_cases(void **state)
{
	for (size_t i = 0; i < sizeof(env_cases) / sizeof(env_cases[0]); i++) {
		const struct env_case *c = &env_cases[i];
		char *err = NULL;
		json_t *got = envfile_parse(c->text, strlen(c->text), "f", &err);
		check_result(case_name(c->text), got, err, c->want, c->err);
	}
}

static void test_envfile_nul(void **state)
{
	char *err = NULL;
	assert_null(envfile_parse("A=1\0B=2", 7, "x", &err));
	assert_string_equal(err, "x:1: contains a NUL byte");
	free(err);
}

struct split_case {
	const char *in;
	const char *want;
	const char *err;
};

static const struct split_case split_cases[] = {
	{"", "[]", NULL},
	{"   ", "[]", NULL},
	{"/usr/bin/dockerd -H fd:// $DOCKER_OPTS", "[\"/usr/bin/dockerd\",\"-H\",\"fd://\",\"$DOCKER_OPTS\"]", NULL},
	{"a  \"b c\"  'd e'", "[\"a\",\"b c\",\"d e\"]", NULL},
	{"--x=\"a b\"c", "[\"--x=a bc\"]", NULL},
	{"a\\ b", "[\"a b\"]", NULL},
	{"\"q\\\"x\"", "[\"q\\\"x\"]", NULL},
	{"'no\\tescape'", "[\"no\\\\tescape\"]", NULL},
	{"tab\\tx", "[\"tab\\tx\"]", NULL},
	{"a \"open", NULL, "'a \"open': unterminated double quote"},
	{"a 'open", NULL, "'a 'open': unterminated single quote"},
	{"a\\", NULL, "'a\\': trailing backslash"},
};

static void test_split_cases(void **state)
{
	for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		char *err = NULL;
		json_t *got = split_words(c->in, &err);
		check_result(case_name(c->in), got, err, c->want, c->err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_envfile_cases),
		cmocka_unit_test(test_envfile_nul),
		cmocka_unit_test(test_split_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
