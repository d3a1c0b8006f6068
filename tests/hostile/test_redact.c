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


/* redact_text: names with values of every shape, and credentials by shape whatever the name. */
static void test_text(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		/* A secret-named flag: a path or a number is still its value... */
		{ "--token=/9ZkQ+x/y", "--token=<redacted>" },
		{ "--password=31415926", "--password=<redacted>" },
		{ "--password hunter2 --v=2", "--password <redacted> --v=2" },
		/* ...but a path is kept for a name that holds one, and a boolean always. */
		{ "--tlskey=/etc/docker/key.pem", "--tlskey=/etc/docker/key.pem" },
		{ "--tls-private-key-file /etc/k.pem", "--tls-private-key-file /etc/k.pem" },
		{ "--client-ca-file=/etc/ca.crt", "--client-ca-file=/etc/ca.crt" },
		{ "--anonymous-auth=false --authentication-token-webhook=true", "--anonymous-auth=false --authentication-token-webhook=true" },
		{ "--feature-gates=RotateKubeletServerCertificate=false,X=true", "--feature-gates=RotateKubeletServerCertificate=false,X=true" },
		/* Configuration named like "auth" is kept: authorization and authentication modes. */
		{ "--authorization-mode=Webhook", "--authorization-mode=Webhook" },
		{ "--image-credential-provider-config=/etc/p.yaml", "--image-credential-provider-config=<redacted>" },
		{ "--image-credential-provider-config /etc/p.yaml", "--image-credential-provider-config <redacted>" },
		/* By shape, under any name or none. */
		{ "proxy https://user:pw1@proxy:3128 ok", "proxy https://user:<redacted>@proxy:3128 ok" },
		{ "x=-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- y", "x=<redacted RSA private key> y" },
		{ "-----BEGIN PRIVATE KEY-----\nMIIE cut", "<redacted private key>" },
		{ "use AKIAIOSFODNN7EXAMPLE now", "use <redacted> now" },
		{ "t ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "t <redacted>" },
		{ "t github_pat_0123456789abcdefghijkl_more", "t <redacted>" },
		{ "t glpat-abcdefghij0123456789", "t <redacted>" },
		{ "t xoxb-1234567890-abcdefghij", "t <redacted>" },
		{ "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4", "jwt <redacted>" },
		{ "curl -H 'Authorization: Bearer abc.def.ghi' x", "curl -H 'Authorization: <redacted>' x" },
		{ "Authorization: Basic dTpw", "Authorization: <redacted>" },
		/* Not credentials. */
		{ "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock", "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock" },
		{ "sha256:4ab1c2", "sha256:4ab1c2" },
		{ "", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = redact_text(cases[i].in);
		print_message("case %s\n", case_name(cases[i].in));
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* redact_tree: parsed flags keep no secret values, as on the command line. */
static void test_tree(void **state)
{
	json_t *t = json_loads("{\"unknown_flags\": [{\"flag\": \"--registry-password\", \"value\": \"s3\"},"
			       " {\"flag\": \"--debug\", \"value\": null}, {\"flag\": \"--name\", \"value\": \"web\"}],"
			       " \"flags\": {\"bootstrap-token\": [{\"value\": \"s3\", \"source\": \"argv\"}],"
			       "  \"client-ca-file\": [{\"value\": \"/etc/ca\", \"source\": \"argv\"}]},"
			       " \"settings\": {\"https-proxy\": {\"value\": \"http://u:s3@p\", \"source\": \"argv:--https-proxy\"},"
			       "  \"authorization.mode\": {\"value\": \"Webhook\", \"source\": \"default\"}}}", 0, NULL);
	(void)state;
	assert_non_null(t);
	redact_tree(t);
	char *s = json_dumps(t, JSON_COMPACT | JSON_SORT_KEYS);
	print_message("%s\n", s);
	assert_null(strstr(s, "s3"));
	assert_non_null(strstr(s, "\"web\""));
	assert_non_null(strstr(s, "/etc/ca"));
	assert_non_null(strstr(s, "Webhook"));
	assert_non_null(strstr(s, "http://u:<redacted>@p"));
	free(s);
	json_decref(t);
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
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
