/*
 * Redaction of hostile values: image history lines (every ENV and ARG
 * value), command-line words ("--password VALUE"), label objects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../unit/case_name.h"
#include <jansson.h>
#include "parse/redact.h"

static void test_history(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "/bin/sh -c #(nop)  ENV DB_PASSWORD=x PLAIN=s3", "/bin/sh -c #(nop)  ENV DB_PASSWORD=<redacted> PLAIN=<redacted>" },
		{ "ENV A=1 B=\"two words\" C='x y' D=4", "ENV A=<redacted> B=<redacted> C=<redacted> D=<redacted>" },
		{ "ENV A=a\\ b C=2", "ENV A=<redacted> C=<redacted>" },
		{ "/bin/sh -c #(nop)  ENV MODE prod value", "/bin/sh -c #(nop)  ENV MODE <redacted>" },
		{ "/bin/sh -c #(nop)  ENV SECRET_KEY hunter2", "/bin/sh -c #(nop)  ENV SECRET_KEY <redacted>" },
		{ "ARG VERSION=1.2", "ARG VERSION=<redacted>" },
		{ "/bin/sh -c #(nop)  ARG API_KEY", "/bin/sh -c #(nop)  ARG API_KEY" },
		{ "RUN |2 DB_PASSWORD=hunter2 VERSION=1 /bin/sh -c make", "RUN |2 DB_PASSWORD=<redacted> VERSION=1 /bin/sh -c make" },
		{ "/bin/sh -c apt-get update && ENVX=1 make", "/bin/sh -c apt-get update && ENVX=1 make" },
		{ "/bin/sh -c #(nop) ADD file:abc in / ", "/bin/sh -c #(nop) ADD file:abc in / " },
		{ "/bin/sh -c git clone https://u:pw@h/r", "/bin/sh -c git clone https://u:<redacted>@h/r" },
		{ "ENV \xff\xfe=\x1b[2J", "ENV \xff\xfe=\x1b[2J" },
		{ "ENV A=\x1b[2J", "ENV A=<redacted>" },
		{ "", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = redact_history(cases[i].in);
		print_message("case %s\n", case_name(cases[i].in));
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static void test_argv_words(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "[\"app\", \"--password\", \"s3\", \"-v\"]", "[\"app\", \"--password\", \"<redacted>\", \"-v\"]" },
		{ "[\"app\", \"--token=s3\", \"x\"]", "[\"app\", \"--token=<redacted>\", \"x\"]" },
		{ "[\"app\", \"--rotate-certificates\", \"--v=2\"]", "[\"app\", \"--rotate-certificates\", \"--v=2\"]" },
		{ "[\"app\", \"--password\"]", "[\"app\", \"--password\"]" },
		{ "[\"app\", \"--name\", \"web\"]", "[\"app\", \"--name\", \"web\"]" },
		{ "[\"app\", \"-p\", \"80\"]", "[\"app\", \"-p\", \"80\"]" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = json_loads(cases[i].in, 0, NULL), *w = json_loads(cases[i].want, 0, NULL);
		assert_non_null(v);
		redact_argv(v);
		print_message("case %s\n", case_name(cases[i].in));
		assert_true(json_equal(v, w));
		json_decref(v);
		json_decref(w);
	}
}

static void test_labels(void **state)
{
	json_t *l = json_loads("{\"com.example.api-token\": \"s3\", \"app\": \"web\","
			       " \"db\": \"postgres://u:pw@h/db\", \"n\": 1}", 0, NULL);
	(void)state;
	redact_env_object(l);
	assert_string_equal(json_string_value(json_object_get(l, "com.example.api-token")), "<redacted>");
	assert_string_equal(json_string_value(json_object_get(l, "app")), "web");
	assert_string_equal(json_string_value(json_object_get(l, "db")), "postgres://u:<redacted>@h/db");
	assert_string_equal(json_string_value(json_object_get(l, "n")), "<redacted>");
	json_decref(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_argv_words),
		cmocka_unit_test(test_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
