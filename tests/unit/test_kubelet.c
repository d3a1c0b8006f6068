/*
 * Data-driven kubelet merge cases: tests/cases/kube/kubelet-merge/CASE/ holds
 *   argv         the kubelet command line, a JSON array
 *   root/...     the files it names (--config, the --config-dir tree)
 *   expect.json  {"mode": .., "settings": {FIELD: {"value", "source"} |
 *                 {"error_contains": "..", "source"?: ".."}}, "errors_contain": [..],
 *                 "dropins": [..], "dropins_skipped": [..]}
 * Only what expect.json names is compared.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "case_name.h"
#include "case_dirs.h"
#include <jansson.h>
#include "parse/kubelet.h"
#include "test_defs.h"
#include "parse/kubeyaml.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *d = malloc(1 << 20);
	size_t n = fread(d, 1, (1 << 20) - 1, f);
	fclose(f);
	d[n] = 0;
	if (len)
		*len = n;
	return d;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kubelet's filepath.WalkDir order: lexical per directory, depth first. */
static void walk(const char *root, const char *dir, struct kube_file *out, size_t *n)
{
	char full[8192];
	snprintf(full, sizeof(full), "%s%s", root, dir);
	DIR *d = opendir(full);
	if (!d)
		return;
	char *names[256];
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nn < 256)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[nn++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nn, sizeof(char *), cmp_names);
	for (size_t i = 0; i < nn; i++) {
		char rel[4096], abs[8192];
		struct stat st;
		snprintf(rel, sizeof(rel), "%s/%s", dir, names[i]);
		snprintf(abs, sizeof(abs), "%s%s", root, rel);
		if (stat(abs, &st) == 0 && S_ISDIR(st.st_mode)) {
			walk(root, rel, out, n);
		} else {
			out[*n].path = strdup(rel);
			out[*n].text = slurp(abs, &out[*n].len);
			out[*n].error = out[*n].text ? NULL : "cannot read";
			(*n)++;
		}
		free(names[i]);
	}
}

static void check_case(const char *casedir, const char *name)
{
	char p[4096], root[2048];
	snprintf(p, sizeof(p), "%s/argv", casedir);
	json_error_t jerr;
	json_t *argv = json_load_file(p, 0, &jerr);
	if (!argv)
		fail_msg("%s: argv: %s", name, jerr.text);
	snprintf(p, sizeof(p), "%s/expect.json", casedir);
	json_t *expect = json_load_file(p, 0, &jerr);
	if (!expect)
		fail_msg("%s: expect.json:%d: %s", name, jerr.line, jerr.text);
	snprintf(root, sizeof(root), "%s/root", casedir);

	struct kubelet_args a;
	kubelet_args_parse(argv, &a);
	struct kube_file config = {0}, dropins[64];
	size_t nd = 0;
	if (a.config) {
		config.path = a.config;
		snprintf(p, sizeof(p), "%s%s", root, a.config);
		config.text = slurp(p, &config.len);
		config.error = config.text ? NULL : "no such file";
	}
	if (a.config_dir)
		walk(root, a.config_dir, dropins, &nd);
	json_t *eff = kubelet_effective(test_kubelet_schema(), &a, a.config ? &config : NULL, dropins, nd);
	char *dump = json_dumps(eff, JSON_INDENT(1) | JSON_SORT_KEYS);

	const char *k;
	json_t *want;
	json_t *ws = json_object_get(expect, "settings");
	json_object_foreach(ws, k, want) {
		json_t *got = json_object_get(json_object_get(eff, "settings"), k);
		json_t *sub = json_object_get(want, "error_contains");
		if (sub) {
			const char *e = json_string_value(json_object_get(got, "error"));
			if (!e || !strstr(e, json_string_value(sub)))
				fail_msg("%s: %s: want error containing '%s'\n%s", name, k,
					 json_string_value(sub), dump);
			/* The file the error is in, as the setting's source. */
			json_t *src = json_object_get(want, "source");
			if (src && !json_equal(src, json_object_get(got, "source")))
				fail_msg("%s: %s: want error source %s\n%s", name, k, json_string_value(src), dump);
		} else if (!json_equal(got, want)) {
			fail_msg("%s: setting %s: got %s want %s", name, k,
				 got ? json_dumps(got, JSON_COMPACT) : "(missing)",
				 json_dumps(want, JSON_COMPACT));
		}
	}
	static const char *const plain[] = {"mode", "dropins", "dropins_skipped", "args"};
	for (size_t i = 0; i < 4; i++) {
		json_t *w = json_object_get(expect, plain[i]);
		if (w && !json_equal(w, json_object_get(eff, plain[i])))
			fail_msg("%s: %s differs\n%s", name, plain[i], dump);
	}
	json_t *ec = json_object_get(expect, "errors_contain");
	size_t i;
	json_array_foreach(ec, i, want) {
		int found = 0;
		size_t j;
		json_t *e;
		json_array_foreach(json_object_get(eff, "errors"), j, e)
			found |= strstr(json_string_value(e), json_string_value(want)) != NULL;
		if (!found)
			fail_msg("%s: no error containing '%s'\n%s", name, json_string_value(want), dump);
	}
	if (json_is_true(json_object_get(expect, "no_errors")) &&
	    json_array_size(json_object_get(eff, "errors")))
		fail_msg("%s: unexpected errors\n%s", name, dump);

	free(dump);
	json_decref(eff);
	kubelet_args_release(&a);
	free((char *)config.text);
	for (size_t j = 0; j < nd; j++) {
		free((char *)dropins[j].path);
		free((char *)dropins[j].text);
	}
	json_decref(argv);
	json_decref(expect);
}

static void test_cases(void **state)
{
	assert_true(for_each_case("kube/kubelet-merge", check_case) >= 10);
}

/* YAML conversion: input, expected JSON or NULL with an error substring */
static const struct {
	const char *yaml, *json, *err;
} yamls[] = {
	{"a: yes\nb: off\nc: ~\nd: 0x10\ne: 010\nf: 1_000\ng: 1.0\nh: \"yes\"\ni: 1.5\n",
	 "{\"a\":true,\"b\":false,\"c\":null,\"d\":16,\"e\":8,\"f\":1000,\"g\":1,\"h\":\"yes\",\"i\":1.5}", NULL},
	{"x: &a [1, 2]\nz: *a\n", "{\"x\":[1,2],\"z\":[1,2]}", NULL},
	/* go-yaml v2 (YAML 1.1) reads a plain y as true, also as a key */
	{"y: n\n", "{\"true\":false}", NULL},
	{"1: a\ntrue: b\n", "{\"1\":\"a\",\"true\":\"b\"}", NULL},
	{"a: 1\na: 2\n", "{\"a\":2}", NULL},
	{"", "null", NULL},
	{"a: b\n---\nc: d\n", "{\"a\":\"b\"}", NULL},
	{"a: [1, 2\n", NULL, "'t.yaml':2:1: "},
	{"a:\n  b: 1\n c: 2\n", NULL, "'t.yaml':3:2: "},
	{"a: *nope\n", NULL, "'t.yaml':1:4: "},
	{"<<: {a: 1}\n", NULL, "merge keys"},
	{"? [a]\n: 1\n", NULL, "not a scalar"},
	/* a billion laughs stays bounded */
	{"a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	 "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	 "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", NULL, "too deep or too large"},
};

static void test_yaml(void **state)
{
	for (size_t i = 0; i < sizeof(yamls) / sizeof(yamls[0]); i++) {
		char *err = NULL;
		json_t *got = kube_yaml_to_json(yamls[i].yaml, strlen(yamls[i].yaml), "t.yaml", &err);
		if (yamls[i].json) {
			json_t *want = json_loads(yamls[i].json, JSON_DECODE_ANY, NULL);
			if (!got || !json_equal(got, want))
				fail_msg("case %s: got %s (%s)", case_name(yamls[i].yaml),
					 got ? json_dumps(got, JSON_ENCODE_ANY) : "NULL", err ? err : "");
			json_decref(want);
		} else {
			if (got || !err || !strstr(err, yamls[i].err))
				fail_msg("case %s: want error '%s', got '%s'", case_name(yamls[i].yaml), yamls[i].err,
					 err ? err : "none");
		}
		free(err);
		json_decref(got);
	}
}

/* RFC 7386 appendix A examples */
static const char *const patches[][3] = {
	{"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
	{"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
	{"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
	{"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
	{"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
	{"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
	{"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
	{"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
	{"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
	{"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
	{"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
	{"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
	{"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
};

static void test_merge_patch(void **state)
{
	for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
		json_t *t = json_loads(patches[i][0], JSON_DECODE_ANY, NULL);
		json_t *p = json_loads(patches[i][1], JSON_DECODE_ANY, NULL);
		json_t *w = json_loads(patches[i][2], JSON_DECODE_ANY, NULL);
		json_t *g = kube_merge_patch(t, p);
		if (!json_equal(g, w))
			fail_msg("patch %zu: got %s want %s", i, json_dumps(g, JSON_ENCODE_ANY), patches[i][2]);
		json_decref(t);
		json_decref(p);
		json_decref(w);
		json_decref(g);
	}
}

static const struct {
	const char *blob;
	size_t len;
	const char *want;
} versions[] = {
#define B(s) s, sizeof(s) - 1
	{B("dep\tgoogle.golang.org/protobuf\tv1.34.2\th1:x\0kubeletv1.31.2linux\0v1.31.2\0"), "1.31.2"},
	{B("dep\tgo.opentelemetry.io/otel\tv1.28.0\0/go/pkg/mod/x@v1.33.1/a.go\0"), NULL},
	{B(""), NULL},
	{B("v1.29.1 v1.30.0"), "1.30.0"},
	{B("v1.310.2 v1.3.2 v1.31 v1.31.2.4 v1.31.22222"), NULL},
	{B("v1.30.4-eks-a737599\0v1.30.4+k3s1"), "1.30.4"},
	{B("xv1.32.0"), "1.32.0"},
#undef B
};

static void test_version_scan(void **state)
{
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char *got = kube_version_scan(versions[i].blob, versions[i].len);
		if (versions[i].want ? !got || strcmp(got, versions[i].want) : got != NULL)
			fail_msg("case %s: got %s want %s", case_name(versions[i].blob), got ? got : "NULL",
				 versions[i].want ? versions[i].want : "NULL");
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml),
		cmocka_unit_test(test_merge_patch),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_version_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
