#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "parse/auditd.h"
#include "collect/host.h"

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void assert_json(json_t *got, const char *expected_text)
{
	json_error_t jerr;
	json_t *want = json_loads(expected_text, 0, &jerr);
	if (!want)
		fail_msg("bad expected json '%s': %s", expected_text, jerr.text);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
		char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
		print_message("# got  %s\n# want %s\n", g, w);
		free(g);
		free(w);
		fail();
	}
	json_decref(want);
}

/* One line each: the rule it gives (without "file"), or NULL for none. */
static const struct { const char *line, *rule; } rule_cases[] = {
	{"-w /usr/bin/dockerd -p wa -k docker",
	 "{\"kind\":\"watch\",\"path\":\"/usr/bin/dockerd\",\"perm\":\"wa\",\"key\":\"docker\",\"line\":1}"},
	{"-w /etc/docker -k docker",
	 "{\"kind\":\"watch\",\"path\":\"/etc/docker\",\"perm\":\"rwxa\",\"key\":\"docker\",\"line\":1}"},
	{"-w /etc/docker",
	 "{\"kind\":\"watch\",\"path\":\"/etc/docker\",\"perm\":\"rwxa\",\"key\":null,\"line\":1}"},
	{"-w /run/containerd -p aw -F key=docker",
	 "{\"kind\":\"watch\",\"path\":\"/run/containerd\",\"perm\":\"wa\",\"key\":\"docker\",\"line\":1}"},
	{"-w/etc/attached -pxw -kk1",
	 "{\"kind\":\"watch\",\"path\":\"/etc/attached\",\"perm\":\"wx\",\"key\":\"k1\",\"line\":1}"},
	{"\t  -w /indented   -p r  \r",
	 "{\"kind\":\"watch\",\"path\":\"/indented\",\"perm\":\"r\",\"key\":null,\"line\":1}"},
	{"-w \"/var/lib/my docker\" -p wa -k 'docker key'",
	 "{\"kind\":\"watch\",\"path\":\"/var/lib/my docker\",\"perm\":\"wa\",\"key\":\"docker key\",\"line\":1}"},
	{"-w /x -k a -k b",
	 "{\"kind\":\"watch\",\"path\":\"/x\",\"perm\":\"rwxa\",\"key\":\"a\",\"keys\":[\"a\",\"b\"],\"line\":1}"},
	{"-a always,exit -F path=/usr/bin/containerd -F perm=x -k docker",
	 "{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/usr/bin/containerd\",\"perm\":\"x\","
	 "\"key\":\"docker\",\"arch\":null,\"syscalls\":[],\"fields\":[],\"line\":1}"},
	{"-a exit,always -F arch=b64 -S execve -S open,openat -F dir=/etc/docker -F auid>=1000 -F auid!=unset -k d",
	 "{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/etc/docker\",\"dir\":true,\"perm\":null,"
	 "\"key\":\"d\",\"arch\":\"b64\",\"syscalls\":[\"execve\",\"open,openat\"],"
	 "\"fields\":[\"auid>=1000\",\"auid!=unset\"],\"line\":1}"},
	{"-a never,exit -F path=/usr/bin/dockerd",
	 "{\"kind\":\"syscall\",\"action\":\"exit,never\",\"path\":\"/usr/bin/dockerd\",\"perm\":null,"
	 "\"key\":null,\"arch\":null,\"syscalls\":[],\"fields\":[],\"line\":1}"},
	{"-a exit,never -S all",
	 "{\"kind\":\"syscall\",\"action\":\"exit,never\",\"path\":null,\"perm\":null,"
	 "\"key\":null,\"arch\":null,\"syscalls\":[\"all\"],\"fields\":[],\"line\":1}"},
	{"-a entry,always -S open",
	 "{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":null,\"perm\":null,"
	 "\"key\":null,\"arch\":null,\"syscalls\":[\"open\"],\"fields\":[],\"line\":1}"},
	{"-A always,task",
	 "{\"kind\":\"syscall\",\"action\":\"task,always\",\"path\":null,\"perm\":null,"
	 "\"key\":null,\"arch\":null,\"syscalls\":[],\"fields\":[],\"line\":1}"},
	{"-a always,exit -F key=\"q k\" -F path='/a b' -p wa -C auid!=obj_uid",
	 "{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/a b\",\"perm\":\"wa\","
	 "\"key\":\"q k\",\"arch\":null,\"syscalls\":[],\"fields\":[\"auid!=obj_uid\"],\"line\":1}"},
	{"-w /x\xff -k \xfe",
	 "{\"kind\":\"watch\",\"path\":\"/x\\\\xff\",\"perm\":\"rwxa\",\"key\":\"\\\\xfe\",\"line\":1}"},
	/* Ignored lines. */
	{"", NULL}, {"   ", NULL}, {"# -w /etc/docker", NULL}, {"  # indented", NULL},
	{"-D", NULL}, {"-b 8192", NULL}, {"-f 1", NULL}, {"-e 2", NULL}, {"-r 0", NULL},
	{"--backlog_wait_time 60000", NULL}, {"--backlog_wait_time=60000", NULL},
	{"--loginuid-immutable", NULL}, {"-i", NULL}, {"-c", NULL}, {"--reset-lost", NULL},
	{"-D -b 320 -f 1", NULL},
};

static void test_rule_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rule_cases) / sizeof(*rule_cases); i++) {
		json_t *rules = json_array(), *errors = json_array();
		print_message("# %s\n", rule_cases[i].line);
		int nerr = audit_parse("t.rules", rule_cases[i].line, strlen(rule_cases[i].line),
				       rules, errors);
		assert_int_equal(nerr, 0);
		assert_int_equal(json_array_size(errors), 0);
		if (!rule_cases[i].rule) {
			assert_int_equal(json_array_size(rules), 0);
		} else {
			assert_int_equal(json_array_size(rules), 1);
			json_t *r = json_array_get(rules, 0);
			assert_string_equal(str(r, "file"), "t.rules");
			json_object_del(r, "file");
			assert_json(r, rule_cases[i].rule);
		}
		json_decref(rules);
		json_decref(errors);
	}
}

/* Malformed lines: the error text after "t.rules:1: ". */
static const struct { const char *line, *error; } error_cases[] = {
	{"-w", "-w needs a path"},
	{"-W", "-W needs a path"},
	{"-w relative", "-w path 'relative' is not absolute"},
	{"-a", "-a needs LIST,ACTION"},
	{"-a always", "-a needs LIST,ACTION, not 'always'"},
	{"-a always,exit,x", "-a needs LIST,ACTION, not 'always,exit,x'"},
	{"-a sometimes,exit", "unknown list or action 'sometimes' in 'sometimes,exit'"},
	{"-a exit,sometimes", "unknown list or action 'sometimes' in 'exit,sometimes'"},
	{"-a always,never", "-a 'always,never' needs one list and one action"},
	{"-a exit,task", "-a 'exit,task' needs one list and one action"},
	{"-a possible,exit", "action 'possible' in 'possible,exit' is not supported"},
	{"-x foo", "unknown option '-x'"},
	{"--bogus", "unknown option '--bogus'"},
	{"-w /x -p q", "invalid permission 'q' in -p"},
	{"-w /x -p rwxab", "invalid permission 'rwxab' in -p"},
	{"-w /x -p wa -p r", "-p given twice"},
	{"-p wa -w /x", "-p needs a watch or syscall rule before it"},
	{"-k key", "-k needs a watch or syscall rule before it"},
	{"-w /x -k", "-k needs an argument"},
	{"-w /x -S open", "-S cannot be used with a watch"},
	{"-w /x -a always,exit", "-a cannot be combined with another rule on one line"},
	{"-w /x -w /y", "-w cannot be combined with another rule on one line"},
	{"-S open", "-S, -F and -C need a syscall rule (-a)"},
	{"-a always,exit -F path", "-F needs FIELD=VALUE, not 'path'"},
	{"-a always,exit -F =x", "-F needs FIELD=VALUE, not '=x'"},
	{"-a always,exit -F path=", "-F 'path=' has no value"},
	{"-a always,exit -F path=rel", "-F path 'rel' is not an absolute path"},
	{"-a always,exit -F path=/a -F dir=/b", "more than one path or dir field"},
	{"-a always,exit -F perm=z", "invalid permission 'z' in -F perm"},
	{"-w \"/x", "unterminated quote"},
	{"-w /x extra", "unexpected argument 'extra'"},
	{"-w /x -k y # comment", "unexpected argument '#'"},
	{"-b", "-b needs an argument"},
	{"--backlog_wait_time", "--backlog_wait_time needs an argument"},
};

static void test_error_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(*error_cases); i++) {
		json_t *rules = json_array(), *errors = json_array();
		char want[256];
		print_message("# %s\n", error_cases[i].line);
		int nerr = audit_parse("t.rules", error_cases[i].line, strlen(error_cases[i].line),
				       rules, errors);
		assert_int_equal(nerr, 1);
		assert_int_equal(json_array_size(rules), 0);
		snprintf(want, sizeof(want), "t.rules:1: %s", error_cases[i].error);
		assert_string_equal(json_string_value(json_array_get(errors, 0)), want);
		json_decref(rules);
		json_decref(errors);
	}
}

static const char removal[] =
	"-w /etc/docker -p wa -k docker\n"		/* 1: removed by 4 */
	"-w /etc/docker -p wa\n"			/* 2: kept (no key) */
	"-w /usr/bin/dockerd -k docker\n"		/* 3: removed by 6 */
	"-W /etc/docker -p aw -k docker\n"
	"-W /usr/bin/dockerd\n"				/* no key: matches nothing */
	"-W /usr/bin/dockerd/ -k docker\n"
	"-a always,exit -F path=/x -k k\n"		/* 7: removed by 8 */
	"-d exit,always -F path=/x -k k\n"
	"-w bad\n"					/* 9: error, the rest still counts */
	"-a never,exit -F path=/x -k k\n"		/* 10: kept, not always */
	"-d always,exit -F path=/x -k k\n";

static void test_removal(void **state)
{
	(void)state;
	json_t *rules = json_array(), *errors = json_array();
	assert_int_equal(audit_parse("/etc/audit/audit.rules", removal, strlen(removal), rules, errors), 1);
	assert_string_equal(json_string_value(json_array_get(errors, 0)),
			    "/etc/audit/audit.rules:9: -w path 'bad' is not absolute");
	assert_int_equal(json_array_size(rules), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rules, 0), "line")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rules, 1), "line")), 10);
	/* A later file removes a watch of an earlier one. */
	static const char later[] = "-W /etc/docker -p wa\n-w /etc/y\n";
	assert_int_equal(audit_parse("b.rules", later, strlen(later), rules, errors), 0);
	assert_int_equal(json_array_size(rules), 2);
	assert_string_equal(str(json_array_get(rules, 1), "path"), "/etc/y");
	assert_string_equal(str(json_array_get(rules, 1), "file"), "b.rules");
	json_decref(rules);
	json_decref(errors);
}

static void test_nul_and_line_numbers(void **state)
{
	(void)state;
	static const char text[] = "# c\n\n-w /a\n-w /b\0x\n-w /c";
	json_t *rules = json_array(), *errors = json_array();
	assert_int_equal(audit_parse("f", text, sizeof(text) - 1, rules, errors), 1);
	assert_string_equal(json_string_value(json_array_get(errors, 0)), "f:4: NUL byte in line");
	assert_int_equal(json_array_size(rules), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rules, 0), "line")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rules, 1), "line")), 5);
	json_decref(rules);
	json_decref(errors);
}

static const struct { const char *rule, *path; int covers; } cover_cases[] = {
	{"{\"kind\":\"watch\",\"path\":\"/etc/docker\"}", "/etc/docker", 1},
	{"{\"kind\":\"watch\",\"path\":\"/etc/docker\"}", "/etc/docker/", 1},
	{"{\"kind\":\"watch\",\"path\":\"/etc/docker\"}", "/etc/docker/daemon.json", 1},
	{"{\"kind\":\"watch\",\"path\":\"/etc/docker/\"}", "/etc//docker/certs.d/x", 1},
	{"{\"kind\":\"watch\",\"path\":\"/etc/docker\"}", "/etc/dockerx", 0},
	{"{\"kind\":\"watch\",\"path\":\"/etc/docker\"}", "/etc", 0},
	{"{\"kind\":\"watch\",\"path\":\"/\"}", "/usr/bin/dockerd", 1},
	{"{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/usr/bin/dockerd\"}", "/usr/bin/dockerd", 1},
	{"{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/usr/bin/dockerd\"}", "/usr/bin/dockerd/", 1},
	{"{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/usr/bin\"}", "/usr/bin/dockerd", 0},
	{"{\"kind\":\"syscall\",\"action\":\"exit,never\",\"path\":\"/usr/bin/dockerd\"}", "/usr/bin/dockerd", 0},
	{"{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/run/containerd\",\"dir\":true}",
	 "/run/containerd/containerd.sock", 1},
	{"{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":\"/run/containerd\",\"dir\":true}",
	 "/run/containerd2", 0},
	{"{\"kind\":\"syscall\",\"action\":\"exit,never\",\"path\":\"/run/containerd\",\"dir\":true}",
	 "/run/containerd/x", 0},
	{"{\"kind\":\"syscall\",\"action\":\"exit,always\",\"path\":null}", "/usr/bin/dockerd", 0},
	{"{\"kind\":\"syscall\",\"path\":\"/usr/bin/dockerd\"}", "/usr/bin/dockerd", 0},
	{"{\"kind\":\"other\",\"path\":\"/usr/bin/dockerd\"}", "/usr/bin/dockerd", 0},
	{"{\"error\":\"x\"}", "/usr/bin/dockerd", 0},
};

static void test_covers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cover_cases) / sizeof(*cover_cases); i++) {
		json_t *r = json_loads(cover_cases[i].rule, 0, NULL);
		assert_non_null(r);
		print_message("# %s %s\n", cover_cases[i].rule, cover_cases[i].path);
		assert_int_equal(audit_rule_covers(r, cover_cases[i].path), cover_cases[i].covers);
		json_decref(r);
	}
	assert_int_equal(audit_rule_covers(NULL, "/x"), 0);
}

/* collect_audit over fixture roots data/host/audit/NAME. */
static json_t *collect(const char *name, int *rc)
{
	char dir[1024];
	const char *top = getenv("top_srcdir");
	snprintf(dir, sizeof(dir), "%s/tests/unit/data/host/audit/%s", top ? top : ".", name);
	struct rootfs r;
	assert_int_equal(rootfs_open(&r, dir, NULL), 0);
	struct collect_ctx ctx = {.root = &r, .facts = json_object()};
	*rc = collect_audit(&ctx);
	rootfs_close(&r);
	json_t *a = json_incref(json_object_get(ctx.facts, "audit"));
	json_decref(ctx.facts);
	return a;
}

static void test_collect_both(void **state)
{
	(void)state;
	int rc;
	json_t *a = collect("both", &rc);
	assert_int_equal(rc, 0);
	assert_json(json_object_get(a, "files"),
		    "[\"/etc/audit/audit.rules\", \"/etc/audit/rules.d/10-base.rules\","
		    " \"/etc/audit/rules.d/20-docker.rules\"]");
	assert_json(json_object_get(a, "errors"),
		    "[\"/etc/audit/rules.d/20-docker.rules:6: invalid permission 'bogus' in -p\"]");
	json_t *rules = json_object_get(a, "rules");
	static const char *const paths[] = {"/usr/bin/dockerd", "/etc/docker", "/usr/bin/containerd",
					    "/run/containerd", "/etc/docker/daemon.json", "/usr/bin/runc"};
	assert_int_equal(json_array_size(rules), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(str(json_array_get(rules, i), "path"), paths[i]);
	assert_string_equal(str(json_array_get(rules, 1), "file"), "/etc/audit/rules.d/10-base.rules");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rules, 1), "line")), 6);
	assert_null(json_object_get(a, "note"));
	json_decref(a);
}

static void test_collect_other_roots(void **state)
{
	(void)state;
	int rc;
	json_t *a = collect("none", &rc);
	assert_int_equal(rc, 0);
	assert_json(a, "{\"files\": [], \"rules\": [], \"errors\": [], \"note\": \"no audit rules files\"}");
	json_decref(a);

	a = collect("only-d", &rc);
	assert_int_equal(rc, 0);
	assert_json(json_object_get(a, "files"), "[\"/etc/audit/rules.d/50-docker.rules\"]");
	assert_int_equal(json_array_size(json_object_get(a, "rules")), 1);
	json_decref(a);

	/* Some file could be read: its rules count, the other's error is listed. */
	a = collect("partly", &rc);
	assert_int_equal(rc, 0);
	assert_json(json_object_get(a, "files"), "[\"/etc/audit/rules.d/x.rules\"]");
	assert_int_equal(json_array_size(json_object_get(a, "rules")), 1);
	assert_int_equal(json_array_size(json_object_get(a, "errors")), 1);
	assert_non_null(strstr(json_string_value(json_array_get(json_object_get(a, "errors"), 0)),
			       "'/etc/audit/audit.rules' is a directory"));
	json_decref(a);

	/* Files exist but none could be read: the whole fact is an error. */
	a = collect("unreadable", &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(json_object_size(a), 1);
	assert_non_null(strstr(str(a, "error"), "no audit rules file could be read: "));
	assert_non_null(strstr(str(a, "error"), "/etc/audit/audit.rules"));
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_lines),
		cmocka_unit_test(test_error_lines),
		cmocka_unit_test(test_removal),
		cmocka_unit_test(test_nul_and_line_numbers),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_collect_both),
		cmocka_unit_test(test_collect_other_roots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
