#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "parse/pflag.h"

static const struct pflag_def defs[] = {
	{"anonymous-auth", PFLAG_BOOL, 0},
	{"read-only-port", PFLAG_INT, 0},
	{"config", PFLAG_STRING, 0},
	{"node-labels", PFLAG_MAP_STRING, 0},
	{"feature-gates", PFLAG_MAP_BOOL, 0},
	{"tls-cipher-suites", PFLAG_LIST, 0},
	{"streaming-connection-idle-timeout", PFLAG_DURATION, 0},
	{"v", PFLAG_INT, 'v'},
	{"help", PFLAG_BOOL, 'h'},
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

/*
 * Each case: a command line (words separated by "|"), the expected
 * {"flags", "args", "nerrors"} as JSON.
 */
static const struct {
	const char *argv;
	const char *want;
} cases[] = {
	{"--config=/a.yaml", "{\"flags\":{\"config\":[\"/a.yaml\"]},\"args\":[],\"nerrors\":0}"},
	{"--config|/a.yaml", "{\"flags\":{\"config\":[\"/a.yaml\"]},\"args\":[],\"nerrors\":0}"},
	{"--anonymous-auth", "{\"flags\":{\"anonymous-auth\":[\"true\"]},\"args\":[],\"nerrors\":0}"},
	{"--anonymous-auth=false", "{\"flags\":{\"anonymous-auth\":[\"false\"]},\"args\":[],\"nerrors\":0}"},
	/* a bool never consumes the next word */
	{"--anonymous-auth|false", "{\"flags\":{\"anonymous-auth\":[\"true\"]},\"args\":[\"false\"],\"nerrors\":0}"},
	/* a string flag takes the next word even when it looks like a flag */
	{"--config|--anonymous-auth=false", "{\"flags\":{\"config\":[\"--anonymous-auth=false\"]},\"args\":[],\"nerrors\":0}"},
	{"--read-only-port=0|--read-only-port=10255", "{\"flags\":{\"read-only-port\":[\"0\",\"10255\"]},\"args\":[],\"nerrors\":0}"},
	{"--read_only_port=0", "{\"flags\":{\"read-only-port\":[\"0\"]},\"args\":[],\"nerrors\":0}"},
	{"-v=2", "{\"flags\":{\"v\":[\"2\"]},\"args\":[],\"nerrors\":0}"},
	{"-v2", "{\"flags\":{\"v\":[\"2\"]},\"args\":[],\"nerrors\":0}"},
	{"-v|4", "{\"flags\":{\"v\":[\"4\"]},\"args\":[],\"nerrors\":0}"},
	{"-hv3", "{\"flags\":{\"help\":[\"true\"],\"v\":[\"3\"]},\"args\":[],\"nerrors\":0}"},
	/* Go-flag single-dash long forms are not pflag: unknown shorthand 'a' */
	{"-anonymous-auth=false", "{\"flags\":{},\"args\":[],\"nerrors\":1}"},
	{"--bogus|x", "{\"flags\":{},\"args\":[\"x\"],\"nerrors\":1}"},
	{"--config", "{\"flags\":{},\"args\":[],\"nerrors\":1}"},
	{"---config=x", "{\"flags\":{},\"args\":[],\"nerrors\":1}"},
	{"--=x", "{\"flags\":{},\"args\":[],\"nerrors\":1}"},
	{"--anonymous-auth=false|--|--anonymous-auth=true", "{\"flags\":{\"anonymous-auth\":[\"false\"]},\"args\":[\"--anonymous-auth=true\"],\"nerrors\":0}"},
	{"-|x|--anonymous-auth", "{\"flags\":{\"anonymous-auth\":[\"true\"]},\"args\":[\"-\",\"x\"],\"nerrors\":0}"},
	{"--config=", "{\"flags\":{\"config\":[\"\"]},\"args\":[],\"nerrors\":0}"},
	{"--config=a=b", "{\"flags\":{\"config\":[\"a=b\"]},\"args\":[],\"nerrors\":0}"},
	/* an unknown flag without "=" before a known one: parsed, and shadowed */
	{"--bogus|--anonymous-auth=false", "{\"flags\":{\"anonymous-auth\":[\"false\"]},\"args\":[],\"nerrors\":1,"
	 "\"shadowed\":{\"anonymous-auth\":\"--bogus\"}}"},
	{"--bogus|--read_only_port|0", "{\"flags\":{\"read-only-port\":[\"0\"]},\"args\":[],\"nerrors\":1,"
	 "\"shadowed\":{\"read-only-port\":\"--bogus\"}}"},
	{"--bogus|-v=3", "{\"flags\":{\"v\":[\"3\"]},\"args\":[],\"nerrors\":1,\"shadowed\":{\"v\":\"--bogus\"}}"},
	/* with "=", a plain word, another unknown flag or "--" next: nothing shadowed */
	{"--bogus=1|--anonymous-auth", "{\"flags\":{\"anonymous-auth\":[\"true\"]},\"args\":[],\"nerrors\":1}"},
	{"--bogus|x|--anonymous-auth", "{\"flags\":{\"anonymous-auth\":[\"true\"]},\"args\":[\"x\"],\"nerrors\":1}"},
	{"--bogus|--other", "{\"flags\":{},\"args\":[],\"nerrors\":2}"},
	{"--bogus=1|--|--config=x", "{\"flags\":{},\"args\":[\"--config=x\"],\"nerrors\":1}"},
	/* "--bogus --": if bogus takes "--" as its value, what follows is flags */
	{"--bogus|--|--config=x|y", "{\"flags\":{},\"args\":[\"--config=x\",\"y\"],\"nerrors\":1,"
	 "\"shadowed\":{\"config\":\"--bogus\"}}"},
	/* "--" after a known flag's value that looks like a flag: nothing shadowed */
	{"--config|--bogus|--|--anonymous-auth", "{\"flags\":{\"config\":[\"--bogus\"]},\"args\":[\"--anonymous-auth\"],\"nerrors\":0}"},
	/* a chain: the last unknown flag shadows */
	{"--bogus|--other|--config=x", "{\"flags\":{\"config\":[\"x\"]},\"args\":[],\"nerrors\":2,"
	 "\"shadowed\":{\"config\":\"--other\"}}"},
};

static void split(const char *s, char ***argv, size_t *argc)
{
	char *copy = strdup(s);
	*argc = 0;
	*argv = calloc(64, sizeof(char *));
	for (char *save, *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save))
		(*argv)[(*argc)++] = strdup(w);
	free(copy);
}

static void test_forms(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char **argv;
		size_t argc;
		struct pflag_result res;
		split(cases[i].argv, &argv, &argc);
		int nerr = pflag_parse(defs, NDEFS, PFLAG_NORMALIZE_UNDERSCORE,
				       (const char *const *)argv, argc, &res);
		json_t *got = json_pack("{s:O,s:O,s:i}", "flags", res.flags, "args", res.args,
					"nerrors", nerr);
		if (json_object_size(res.shadowed))
			json_object_set(got, "shadowed", res.shadowed);
		json_t *want = json_loads(cases[i].want, 0, NULL);
		assert_non_null(want);
		if (!json_equal(got, want)) {
			char *g = json_dumps(got, JSON_SORT_KEYS);
			fail_msg("'%s': got %s want %s", cases[i].argv, g, cases[i].want);
		}
		json_decref(got);
		json_decref(want);
		pflag_result_release(&res);
		for (size_t j = 0; j < argc; j++)
			free(argv[j]);
		free(argv);
	}
}

/* typed values: flag name, raw values (JSON), expected value (JSON) or NULL for an error */
static const struct {
	const char *flag, *raws, *want;
} typed[] = {
	{"anonymous-auth", "[\"true\",\"false\"]", "false"},
	{"anonymous-auth", "[\"T\"]", "true"},
	{"anonymous-auth", "[\"0\"]", "false"},
	{"anonymous-auth", "[\"yes\"]", NULL},
	{"read-only-port", "[\"10255\",\"0\"]", "0"},
	{"read-only-port", "[\"0x10\"]", "16"},
	{"read-only-port", "[\"-1\"]", "-1"},
	{"read-only-port", "[\"\"]", NULL},
	{"read-only-port", "[\"1e3\"]", NULL},
	{"read-only-port", "[\" 1\"]", NULL},
	{"feature-gates", "[\"A=true,B=false\",\"B=true, C = false\"]", "{\"A\":true,\"B\":true,\"C\":false}"},
	{"feature-gates", "[\"FooRotateKubeletServerCertificate=true\"]", "{\"FooRotateKubeletServerCertificate\":true}"},
	{"feature-gates", "[\"A=yes\"]", NULL},
	{"feature-gates", "[\"A\"]", NULL},
	{"feature-gates", "[\"\"]", "{}"},
	{"feature-gates", "[\"A=true,,\"]", "{\"A\":true}"},
	{"node-labels", "[\"a=b,c=d=e\"]", "{\"a\":\"b\",\"c\":\"d=e\"}"},
	{"tls-cipher-suites", "[\"A,B\",\"C\"]", "[\"A\",\"B\",\"C\"]"},
	{"tls-cipher-suites", "[\"\\\"A,B\\\",C\"]", "[\"A,B\",\"C\"]"},
	{"tls-cipher-suites", "[\"A\\\"B\"]", NULL},
	{"tls-cipher-suites", "[\"\"]", "[]"},
	{"streaming-connection-idle-timeout", "[\"4h\",\"0s\"]", "\"0s\""},
	{"streaming-connection-idle-timeout", "[\"5\"]", NULL},
	{"config", "[\"/a\",\"/b\"]", "\"/b\""},
};

static void test_typed(void **state)
{
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		const struct pflag_def *def = pflag_lookup(defs, NDEFS, typed[i].flag);
		assert_non_null(def);
		json_t *raws = json_loads(typed[i].raws, 0, NULL);
		assert_non_null(raws);
		char *err = NULL;
		json_t *got = pflag_value(def, raws, &err);
		if (!typed[i].want) {
			if (got)
				fail_msg("%s %s: accepted", typed[i].flag, typed[i].raws);
			assert_non_null(err);
			free(err);
		} else {
			json_t *want = json_loads(typed[i].want, JSON_DECODE_ANY, NULL);
			if (!got || !json_equal(got, want))
				fail_msg("%s %s: got %s (%s) want %s", typed[i].flag, typed[i].raws,
					 got ? json_dumps(got, JSON_ENCODE_ANY) : "null", err ? err : "",
					 typed[i].want);
			json_decref(want);
		}
		json_decref(got);
		json_decref(raws);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_typed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
