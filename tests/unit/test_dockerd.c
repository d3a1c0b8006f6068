#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "case_name.h"
#include "parse/dockerd.h"
#include "collect/docker.h"
#include "docker_tree.h"

static json_t *parse_or_die(const char *s)
{
	json_error_t je;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &je);
	if (!j)
		fail_msg("bad test JSON %s: %s", s, je.text);
	return j;
}

/* Every member of want must equal got's (recursively for objects). */
static void check_subset(const char *ctx, json_t *got, json_t *want)
{
	if (!json_is_object(want) || !json_is_object(got)) {
		if (!json_equal(got, want)) {
			char *g = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
			char *w = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
			fail_msg("%s: got %s want %s", ctx, g ? g : "(missing)", w);
		}
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach(want, k, v) {
		char sub[512];
		snprintf(sub, sizeof(sub), "%s.%s", ctx, k);
		check_subset(sub, json_object_get(got, k), v);
	}
}

static void check_subset_s(const char *ctx, json_t *got, const char *want)
{
	json_t *w = parse_or_die(want);
	check_subset(ctx, got, w);
	json_decref(w);
}

struct argv_case {
	const char *argv;	/* JSON array */
	const char *settings;	/* exact expected object */
	const char *unknown;
	const char *errors;
};

static const struct argv_case argv_cases[] = {
	{"[\"dockerd\"]", "{}", "[]", "[]"},
	{"[\"/usr/bin/dockerd\",\"-H\",\"fd://\",\"--containerd=/run/containerd/containerd.sock\"]",
	 "{\"hosts\":{\"value\":[\"fd://\"],\"source\":\"argv:-H\"},"
	 "\"containerd\":{\"value\":\"/run/containerd/containerd.sock\",\"source\":\"argv:--containerd\"}}", "[]", "[]"},
	/* -Htcp://x glued, repeated -H and --host accumulate, first form kept */
	{"[\"dockerd\",\"-Htcp://0.0.0.0:2375\",\"-H\",\"unix:///var/run/docker.sock\",\"--host=fd://\",\"--host\",\"tcp://1.2.3.4:1\"]",
	 "{\"hosts\":{\"value\":[\"tcp://0.0.0.0:2375\",\"unix:///var/run/docker.sock\",\"fd://\",\"tcp://1.2.3.4:1\"],\"source\":\"argv:-H\"}}",
	 "[]", "[]"},
	/* bare bool, =false, =0, =True */
	{"[\"dockerd\",\"--icc\",\"--iptables=false\",\"--live-restore=1\",\"--userland-proxy=False\",\"--selinux-enabled=T\"]",
	 "{\"icc\":{\"value\":true,\"source\":\"argv:--icc\"},"
	 "\"iptables\":{\"value\":false,\"source\":\"argv:--iptables\"},"
	 "\"live-restore\":{\"value\":true,\"source\":\"argv:--live-restore\"},"
	 "\"userland-proxy\":{\"value\":false,\"source\":\"argv:--userland-proxy\"},"
	 "\"selinux-enabled\":{\"value\":true,\"source\":\"argv:--selinux-enabled\"}}", "[]", "[]"},
	{"[\"dockerd\",\"--icc=false\"]", "{\"icc\":{\"value\":false,\"source\":\"argv:--icc\"}}", "[]", "[]"},
	/* a bool flag does not take the next word: "false" is a stray argument */
	{"[\"dockerd\",\"--icc\",\"false\"]", "{\"icc\":{\"value\":true,\"source\":\"argv:--icc\"}}", "[]",
	 "[\"unexpected argument 'false': dockerd takes no arguments\"]"},
	{"[\"dockerd\",\"--icc=maybe\"]", "{\"icc\":{\"value\":\"maybe\",\"source\":\"argv:--icc\"}}", "[]",
	 "[\"invalid argument 'maybe' for '--icc': not a boolean\"]"},
	/* short options: value glued, separate, with =, combined bools */
	{"[\"dockerd\",\"-l\",\"debug\",\"-D\",\"-G\",\"staff\",\"-p\",\"/run/d.pid\",\"-s\",\"overlay2\",\"-b\",\"none\",\"-g\",\"/data/docker\"]",
	 "{\"log-level\":{\"value\":\"debug\",\"source\":\"argv:-l\"},"
	 "\"debug\":{\"value\":true,\"source\":\"argv:-D\"},"
	 "\"group\":{\"value\":\"staff\",\"source\":\"argv:-G\"},"
	 "\"pidfile\":{\"value\":\"/run/d.pid\",\"source\":\"argv:-p\"},"
	 "\"storage-driver\":{\"value\":\"overlay2\",\"source\":\"argv:-s\"},"
	 "\"bridge\":{\"value\":\"none\",\"source\":\"argv:-b\"},"
	 "\"data-root\":{\"value\":\"/data/docker\",\"source\":\"argv:-g\"}}", "[]", "[]"},
	{"[\"dockerd\",\"-Dl\",\"warn\",\"-l=error\"]",
	 "{\"debug\":{\"value\":true,\"source\":\"argv:-D\"},"
	 "\"log-level\":{\"value\":\"error\",\"source\":\"argv:-l\"}}", "[]", "[]"},
	{"[\"dockerd\",\"--graph\",\"/g\",\"--data-root=/d\"]",
	 "{\"data-root\":{\"value\":\"/d\",\"source\":\"argv:--data-root\"}}", "[]", "[]"},
	/* lists and maps */
	{"[\"dockerd\",\"--insecure-registry\",\"a:5000\",\"--insecure-registry=b:5000\",\"--registry-mirror\",\"https://m\","
	 "\"--authorization-plugin=authz-broker\",\"--storage-opt\",\"dm.basesize=20G\",\"--storage-opt=dm.fs=xfs\"]",
	 "{\"insecure-registries\":{\"value\":[\"a:5000\",\"b:5000\"],\"source\":\"argv:--insecure-registry\"},"
	 "\"registry-mirrors\":{\"value\":[\"https://m\"],\"source\":\"argv:--registry-mirror\"},"
	 "\"authorization-plugins\":{\"value\":[\"authz-broker\"],\"source\":\"argv:--authorization-plugin\"},"
	 "\"storage-opts\":{\"value\":[\"dm.basesize=20G\",\"dm.fs=xfs\"],\"source\":\"argv:--storage-opt\"}}", "[]", "[]"},
	{"[\"dockerd\",\"--log-opt\",\"max-size=10m\",\"--log-opt=max-file=3\",\"--log-driver\",\"journald\","
	 "\"--default-ulimit\",\"nofile=1024:2048\",\"--default-ulimit=nproc=512\"]",
	 "{\"log-opts\":{\"value\":{\"max-size\":\"10m\",\"max-file\":\"3\"},\"source\":\"argv:--log-opt\"},"
	 "\"log-driver\":{\"value\":\"journald\",\"source\":\"argv:--log-driver\"},"
	 "\"default-ulimits\":{\"value\":{\"nofile\":\"1024:2048\",\"nproc\":\"512:512\"},\"source\":\"argv:--default-ulimit\"}}",
	 "[]", "[]"},
	{"[\"dockerd\",\"--log-opt\",\"novalue\",\"--default-ulimit=nofile=x\"]",
	 "{\"log-opts\":{\"value\":{},\"source\":\"argv:--log-opt\"},"
	 "\"default-ulimits\":{\"value\":{\"nofile\":\"x\"},\"source\":\"argv:--default-ulimit\"}}", "[]",
	 "[\"invalid argument 'novalue' for '--log-opt': expected NAME=VALUE\","
	 "\"invalid argument 'nofile=x' for '--default-ulimit': expected NAME=SOFT[:HARD]\"]"},
	/* TLS and strings */
	{"[\"dockerd\",\"--tlsverify\",\"--tlscacert=/c/ca.pem\",\"--tlscert\",\"/c/cert.pem\",\"--tlskey\",\"/c/key.pem\","
	 "\"--userns-remap=default\",\"--cgroup-parent\",\"/foo\",\"--seccomp-profile=/p.json\",\"--no-new-privileges\"]",
	 "{\"tlsverify\":{\"value\":true,\"source\":\"argv:--tlsverify\"},"
	 "\"tlscacert\":{\"value\":\"/c/ca.pem\",\"source\":\"argv:--tlscacert\"},"
	 "\"tlscert\":{\"value\":\"/c/cert.pem\",\"source\":\"argv:--tlscert\"},"
	 "\"tlskey\":{\"value\":\"/c/key.pem\",\"source\":\"argv:--tlskey\"},"
	 "\"userns-remap\":{\"value\":\"default\",\"source\":\"argv:--userns-remap\"},"
	 "\"cgroup-parent\":{\"value\":\"/foo\",\"source\":\"argv:--cgroup-parent\"},"
	 "\"seccomp-profile\":{\"value\":\"/p.json\",\"source\":\"argv:--seccomp-profile\"},"
	 "\"no-new-privileges\":{\"value\":true,\"source\":\"argv:--no-new-privileges\"}}", "[]", "[]"},
	/* integers (Go base 0) */
	{"[\"dockerd\",\"--mtu=0x5dc\",\"--max-concurrent-downloads\",\"10\",\"--mtu\",\"abc\"]",
	 "{\"mtu\":{\"value\":\"abc\",\"source\":\"argv:--mtu\"},"
	 "\"max-concurrent-downloads\":{\"value\":10,\"source\":\"argv:--max-concurrent-downloads\"}}", "[]",
	 "[\"invalid argument 'abc' for '--mtu': not an integer\"]"},
	/* a string flag takes the next word even when it looks like a flag */
	{"[\"dockerd\",\"--log-level\",\"--debug\"]",
	 "{\"log-level\":{\"value\":\"--debug\",\"source\":\"argv:--log-level\"}}", "[]", "[]"},
	/* -- ends the options */
	{"[\"dockerd\",\"--icc=false\",\"--\",\"--iptables=false\"]",
	 "{\"icc\":{\"value\":false,\"source\":\"argv:--icc\"}}", "[]",
	 "[\"unexpected argument '--iptables=false': dockerd takes no arguments\"]"},
	/* unknown flags are kept, not fatal */
	{"[\"dockerd\",\"--signature-verification=false\",\"--add-registry\",\"registry.access.redhat.com\",\"--frobnicate\",\"--icc=false\",\"-Z\"]",
	 "{\"icc\":{\"value\":false,\"source\":\"argv:--icc\"}}",
	 "[{\"flag\":\"--signature-verification\",\"value\":\"false\"},"
	 "{\"flag\":\"--add-registry\",\"value\":\"registry.access.redhat.com\"},"
	 "{\"flag\":\"--frobnicate\",\"value\":null},{\"flag\":\"-Z\",\"value\":null}]", "[]"},
	/* missing values, bad syntax, --help */
	{"[\"dockerd\",\"--help\",\"-v\",\"---x\",\"--log-level\"]", "{}", "[]",
	 "[\"bad flag syntax: '---x'\",\"flag needs an argument: '--log-level'\"]"},
	{"[\"dockerd\",\"-H\"]", "{}", "[]", "[\"flag needs an argument: '-H'\"]"},
	{"[\"dockerd\",\"--feature\",\"containerd-snapshotter=true\",\"--rootless\"]",
	 "{\"features\":{\"value\":{\"containerd-snapshotter\":true},\"source\":\"argv:--feature\"},"
	 "\"rootless\":{\"value\":true,\"source\":\"argv:--rootless\"}}", "[]", "[]"},
};

static void test_argv(void **state)
{
	for (size_t i = 0; i < sizeof(argv_cases) / sizeof(argv_cases[0]); i++) {
		const struct argv_case *c = &argv_cases[i];
		json_t *argv = parse_or_die(c->argv);
		struct dockerd_argv a;
		dockerd_parse_argv(argv, &a);
		char name[64];
		snprintf(name, sizeof(name), "argv case %s", case_name(c->argv));
		json_t *want = parse_or_die(c->settings);
		if (!json_equal(a.settings, want)) {
			char *g = json_dumps(a.settings, JSON_COMPACT);
			fail_msg("%s: settings %s want %s", name, g, c->settings);
		}
		json_decref(want);
		check_subset_s(name, a.unknown, c->unknown);
		check_subset_s(name, a.errors, c->errors);
		dockerd_argv_release(&a);
		json_decref(argv);
	}
}

struct load_case {
	const char *text;
	const char *err;	/* NULL: valid */
	const char *want;	/* when valid: the object */
};

static const struct load_case load_cases[] = {
	{"{}", NULL, "{}"},
	{"{\"icc\": false, \"log-opts\": {\"max-size\": \"10m\"}}", NULL,
	 "{\"icc\": false, \"log-opts\": {\"max-size\": \"10m\"}}"},
	/* dockerd (Go's encoding/json) takes the last of duplicate keys */
	{"{\"icc\": true, \"icc\": false}", NULL, "{\"icc\": false}"},
	{"{\n  \"icc\": false,\n  \"hosts\": [\"a\",]\n}", "'/etc/docker/daemon.json':3:17: unexpected token near ']'", NULL},
	{"{\"icc\": false", "'/etc/docker/daemon.json':1:13: '}' expected near end of file", NULL},
	{"", "'/etc/docker/daemon.json':1:0: unexpected token near end of file", NULL},
	{"[\"icc\"]", "'/etc/docker/daemon.json':1:1: the configuration is not a JSON object", NULL},
	{"\"text\"", "'/etc/docker/daemon.json':1:1: the configuration is not a JSON object", NULL},
};

static void test_load_config(void **state)
{
	for (size_t i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
		char *err = NULL;
		json_t *j = dockerd_load_config(load_cases[i].text, strlen(load_cases[i].text),
						DOCKERD_CONFIG_DEFAULT, &err);
		if (!load_cases[i].err) {
			if (!j)
				fail_msg("load case %s: %s", case_name(load_cases[i].text), err);
			json_t *w = parse_or_die(load_cases[i].want);
			assert_true(json_equal(j, w));
			json_decref(w);
			json_decref(j);
		} else {
			if (j)
				fail_msg("load case %s: expected error", case_name(load_cases[i].text));
			assert_string_equal(err, load_cases[i].err);
			free(err);
		}
	}
}

struct merge_case {
	const char *argv;
	const char *file;	/* daemon.json object or NULL */
	const char *want;	/* subset of settings */
	const char *conflicts;	/* exact */
};

static const struct merge_case merge_cases[] = {
	{"[\"dockerd\"]", NULL,
	 "{\"icc\":{\"value\":true,\"source\":\"default\"},\"iptables\":{\"value\":true,\"source\":\"default\"},"
	 "\"log-level\":{\"value\":\"info\",\"source\":\"default\"},"
	 "\"userland-proxy\":{\"value\":true,\"source\":\"default\"},"
	 "\"live-restore\":{\"value\":false,\"source\":\"default\"},"
	 "\"no-new-privileges\":{\"value\":false,\"source\":\"default\"},"
	 "\"experimental\":{\"value\":false,\"source\":\"default\"},"
	 "\"log-driver\":{\"value\":\"json-file\",\"source\":\"default\"},"
	 "\"storage-driver\":{\"value\":\"\",\"source\":\"default\"},"
	 "\"tls\":{\"value\":false,\"source\":\"default\"},\"tlsverify\":{\"value\":false,\"source\":\"default\"},"
	 "\"data-root\":{\"value\":\"/var/lib/docker\",\"source\":\"default\"},"
	 "\"hosts\":{\"value\":[],\"source\":\"default\"},"
	 "\"insecure-registries\":{\"value\":[],\"source\":\"default\"},"
	 "\"seccomp-profile\":{\"value\":\"\",\"source\":\"default\"},"
	 "\"userns-remap\":{\"value\":\"\",\"source\":\"default\"},"
	 "\"cgroup-parent\":{\"value\":\"\",\"source\":\"default\"},"
	 "\"authorization-plugins\":{\"value\":[],\"source\":\"default\"},"
	 "\"default-ulimits\":{\"value\":{},\"source\":\"default\"},"
	 "\"selinux-enabled\":{\"value\":false,\"source\":\"default\"},"
	 "\"tlscacert\":{\"value\":null,\"source\":\"default\"}}", "[]"},
	/* daemon.json overrides defaults; argv adds; no overlap, no conflict */
	{"[\"dockerd\",\"-H\",\"fd://\"]",
	 "{\"icc\":false,\"log-level\":\"warn\",\"log-opts\":{\"max-size\":\"10m\"},"
	 "\"default-ulimits\":{\"nofile\":{\"Name\":\"nofile\",\"Hard\":64000,\"Soft\":32000}},"
	 "\"graph\":\"/old\",\"made-up-key\":[1]}",
	 "{\"icc\":{\"value\":false,\"source\":\"daemon.json:icc\"},"
	 "\"log-level\":{\"value\":\"warn\",\"source\":\"daemon.json:log-level\"},"
	 "\"log-opts\":{\"value\":{\"max-size\":\"10m\"},\"source\":\"daemon.json:log-opts\"},"
	 "\"default-ulimits\":{\"value\":{\"nofile\":\"32000:64000\"},\"source\":\"daemon.json:default-ulimits\"},"
	 "\"data-root\":{\"value\":\"/old\",\"source\":\"daemon.json:graph\"},"
	 "\"made-up-key\":{\"value\":[1],\"source\":\"daemon.json:made-up-key\"},"
	 "\"hosts\":{\"value\":[\"fd://\"],\"source\":\"argv:-H\"},"
	 "\"iptables\":{\"value\":true,\"source\":\"default\"}}", "[]"},
	/* the same key on both sides: argv value, marked, listed (lists too) */
	{"[\"dockerd\",\"--icc=false\",\"-H\",\"fd://\",\"--log-level\",\"debug\"]",
	 "{\"icc\":true,\"hosts\":[\"unix:///var/run/docker.sock\"],\"live-restore\":true}",
	 "{\"icc\":{\"value\":false,\"source\":\"argv:--icc\",\"conflict\":true},"
	 "\"hosts\":{\"value\":[\"fd://\"],\"source\":\"argv:-H\",\"conflict\":true},"
	 "\"log-level\":{\"value\":\"debug\",\"source\":\"argv:--log-level\"},"
	 "\"live-restore\":{\"value\":true,\"source\":\"daemon.json:live-restore\"}}",
	 "[{\"key\":\"icc\",\"flag\":\"argv:--icc\",\"file\":\"daemon.json:icc\"},"
	 "{\"key\":\"hosts\",\"flag\":\"argv:-H\",\"file\":\"daemon.json:hosts\"}]"},
};

static void test_merge(void **state)
{
	for (size_t i = 0; i < sizeof(merge_cases) / sizeof(merge_cases[0]); i++) {
		const struct merge_case *c = &merge_cases[i];
		json_t *argv = parse_or_die(c->argv);
		json_t *file = c->file ? parse_or_die(c->file) : NULL;
		struct dockerd_argv a;
		dockerd_parse_argv(argv, &a);
		json_t *conflicts;
		json_t *s = dockerd_merge(a.settings, file, &conflicts);
		char name[64];
		snprintf(name, sizeof(name), "merge case %s", case_name(c->argv));
		check_subset_s(name, s, c->want);
		json_t *wc = parse_or_die(c->conflicts);
		if (!json_equal(conflicts, wc)) {
			char *g = json_dumps(conflicts, JSON_COMPACT);
			fail_msg("%s: conflicts %s want %s", name, g, c->conflicts);
		}
		/* a setting without a conflict carries no "conflict" member */
		if (!json_array_size(conflicts))
			assert_null(json_object_get(json_object_get(s, "icc"), "conflict"));
		json_decref(wc);
		json_decref(s);
		json_decref(conflicts);
		json_decref(file);
		json_decref(argv);
		dockerd_argv_release(&a);
	}
}

/* ---- the collector over host trees ---- */

struct tfile {
	const char *path;
	const char *text;	/* NULL with link NULL: a FIFO */
	const char *link;
};

struct collect_case {
	const char *name;
	struct tfile files[8];
	const char *want;	/* subset of facts.docker */
};

#define DEBIAN_UNIT "[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\n"

static const struct collect_case collect_cases[] = {
	{"systemd argv from /etc/default/docker",
	 {{"/lib/systemd/system/docker.service", DEBIAN_UNIT, NULL},
	  {"/lib/systemd/system/docker.socket", "[Socket]\nListenStream=/run/docker.sock\n", NULL},
	  {"/etc/default/docker", "DOCKER_OPTS=\"--icc=false -H tcp://0.0.0.0:2376\"\n", NULL}},
	 "{\"daemon\":{\"running\":false,\"process\":null,\"argv_source\":\"systemd:docker.service\","
	 "\"argv\":[\"/usr/sbin/dockerd\",\"-H\",\"fd://\",\"--icc=false\",\"-H\",\"tcp://0.0.0.0:2376\"],"
	 "\"config_file\":{\"path\":\"/etc/docker/daemon.json\",\"exists\":false,\"source\":\"default\"},"
	 "\"env_files\":{\"/etc/default/docker\":{\"path\":\"/etc/default/docker\",\"exists\":true,"
	 "\"values\":{\"DOCKER_OPTS\":\"--icc=false -H tcp://0.0.0.0:2376\"}},"
	 "\"/etc/sysconfig/docker\":{\"path\":\"/etc/sysconfig/docker\",\"exists\":false}},"
	 "\"settings\":{\"icc\":{\"value\":false,\"source\":\"argv:--icc\"},"
	 "\"hosts\":{\"value\":[\"fd://\",\"tcp://0.0.0.0:2376\"],\"source\":\"argv:-H\"},"
	 "\"iptables\":{\"value\":true,\"source\":\"default\"}},"
	 "\"conflicts\":[],\"rootless\":false,\"user\":null,\"unknown_flags\":[],\"argv_errors\":[]},"
	 "\"systemd\":{\"docker.service\":{\"exists\":true},\"docker.socket\":{\"listen_stream\":[\"/run/docker.sock\"]},"
	 "\"containerd.service\":{\"exists\":false}},"
	 "\"sockets\":{\"docker\":{\"value\":\"/run/docker.sock\",\"source\":\"systemd:docker.socket\"},"
	 "\"containerd\":{\"value\":\"/run/containerd/containerd.sock\",\"source\":\"default\"}}}"},
	{"no unit, no process: defaults and daemon.json",
	 {{"/etc/docker/daemon.json", "{\"hosts\":[\"unix:///custom.sock\"],\"containerd\":\"/c.sock\",\"icc\":false}", NULL}},
	 "{\"daemon\":{\"argv_source\":\"none\",\"argv\":null,"
	 "\"config_file\":{\"path\":\"/etc/docker/daemon.json\",\"exists\":true},"
	 "\"settings\":{\"icc\":{\"value\":false,\"source\":\"daemon.json:icc\"}}},"
	 "\"sockets\":{\"docker\":{\"value\":\"/custom.sock\",\"source\":\"daemon.json:hosts\"},"
	 "\"containerd\":{\"value\":\"/c.sock\",\"source\":\"daemon.json:containerd\"}}}"},
	{"malformed daemon.json makes settings an error",
	 {{"/etc/docker/daemon.json", "{\n  \"icc\": false\n  \"x\": 1\n}\n", NULL}},
	 "{\"daemon\":{\"config_file\":{\"exists\":true,"
	 "\"error\":\"'/etc/docker/daemon.json':3:5: '}' expected near '\\\"x\\\"'\"},"
	 "\"settings\":{\"error\":\"'/etc/docker/daemon.json':3:5: '}' expected near '\\\"x\\\"'\"}},"
	 "\"sockets\":{\"docker\":{\"value\":\"/var/run/docker.sock\",\"source\":\"default\"}}}"},
	{"daemon.json that is not an object",
	 {{"/etc/docker/daemon.json", "[]", NULL}},
	 "{\"daemon\":{\"settings\":{\"error\":\"'/etc/docker/daemon.json':1:1: the configuration is not a JSON object\"}}}"},
	{"a FIFO in place of daemon.json does not hang",
	 {{"/etc/docker/daemon.json", NULL, NULL}},
	 "{\"daemon\":{\"settings\":{\"error\":\"'/etc/docker/daemon.json' is a FIFO, expected a regular file\"}}}"},
	{"--config-file and conflicts from a masked-free unit with a drop-in",
	 {{"/usr/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n", NULL},
	  {"/etc/systemd/system/docker.service.d/10.conf",
	   "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --config-file=/srv/d.json --icc=false -H unix:///x.sock\n", NULL},
	  {"/srv/d.json", "{\"icc\": true}", NULL},
	  {"/etc/docker/daemon.json", "{\"iptables\": false}", NULL}},
	 "{\"daemon\":{\"config_file\":{\"path\":\"/srv/d.json\",\"exists\":true,\"source\":\"argv:--config-file\"},"
	 "\"settings\":{\"icc\":{\"value\":false,\"source\":\"argv:--icc\",\"conflict\":true},"
	 "\"iptables\":{\"value\":true,\"source\":\"default\"}},"
	 "\"conflicts\":[{\"key\":\"icc\",\"flag\":\"argv:--icc\",\"file\":\"daemon.json:icc\"}]},"
	 "\"sockets\":{\"docker\":{\"value\":\"/x.sock\",\"source\":\"argv:-H\"}}}"},
	{"masked docker.service gives no argv; tcp-only hosts have no unix socket",
	 {{"/etc/systemd/system/docker.service", NULL, "/dev/null"},
	  {"/lib/systemd/system/docker.service", DEBIAN_UNIT, NULL},
	  {"/etc/docker/daemon.json", "{\"hosts\":[\"tcp://0.0.0.0:2375\"]}", NULL},
	  {"/etc/sysconfig/docker", "OPTIONS='--selinux-enabled\n", NULL}},
	 "{\"daemon\":{\"argv_source\":\"none\","
	 "\"env_files\":{\"/etc/sysconfig/docker\":{\"exists\":true,\"error\":\"/etc/sysconfig/docker:1: unterminated single quote\"}}},"
	 "\"systemd\":{\"docker.service\":{\"masked\":true}},"
	 "\"sockets\":{\"docker\":{\"value\":null,\"source\":\"daemon.json:hosts\"}}}"},
	/* An unprivileged process named dockerd is never taken for the host's configured daemon. */
	{"a non-root dockerd in the (fake) /proc does not win over docker.service",
	 {{"/lib/systemd/system/docker.service", DEBIAN_UNIT, NULL},
	  {"/proc/812/exe", NULL, "/usr/bin/dockerd"},
	  {"/proc/812/comm", "dockerd\n", NULL},
	  {"/proc/812/status", "Name:\tdockerd\nUid:\t1000\t1000\t1000\t1000\n", NULL},
	  {"/proc/812/cmdline", "dockerd\0--icc=false", NULL},
	  {"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n", NULL}},
	 "{\"daemon\":{\"running\":false,\"argv_source\":\"systemd:docker.service\",\"processes\":[812],"
	 "\"process\":null,\"rootless\":false,"
	 "\"identification\":{\"chosen\":null,\"candidates\":[{\"pid\":812,\"uid\":1000,\"exe\":\"/usr/bin/dockerd\",\"accepted\":false,"
	 "\"reason\":\"runs as uid 1000, not root: not the host's service\"}]},"
	 "\"settings\":{\"icc\":{\"value\":true,\"source\":\"default\"}}}}"},
	{"a rootless dockerd is audited when no docker.service is configured",
	 {{"/proc/812/exe", NULL, "/usr/bin/dockerd"},
	  {"/proc/812/comm", "dockerd\n", NULL},
	  {"/proc/812/status", "Name:\tdockerd\nUid:\t1000\t1000\t1000\t1000\n", NULL},
	  {"/proc/812/cmdline", "dockerd", NULL},
	  {"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n", NULL},
	  {"/home/alice/.config/docker/daemon.json", "{\"log-level\":\"warn\"}", NULL}},
	 "{\"daemon\":{\"running\":true,\"argv_source\":\"proc:812\",\"processes\":[812],"
	 "\"process\":{\"pid\":812,\"exe\":\"/usr/bin/dockerd\",\"argv\":[\"dockerd\"],\"uid\":1000},"
	 "\"rootless\":true,\"user\":{\"uid\":1000,\"name\":\"alice\"},"
	 "\"identification\":{\"chosen\":812},"
	 "\"config_file\":{\"path\":\"/home/alice/.config/docker/daemon.json\",\"exists\":true,\"source\":\"default(rootless)\"},"
	 "\"settings\":{\"log-level\":{\"value\":\"warn\",\"source\":\"daemon.json:log-level\"}}},"
	 "\"sockets\":{\"docker\":{\"value\":\"/run/user/1000/docker.sock\",\"source\":\"default(rootless)\"}}}"},
};

static void test_collect(void **state)
{
	for (size_t i = 0; i < sizeof(collect_cases) / sizeof(collect_cases[0]); i++) {
		const struct collect_case *c = &collect_cases[i];
		struct tree t;
		struct rootfs r;
		assert_int_equal(tree_init(&t), 0);
		for (size_t f = 0; f < 8 && c->files[f].path; f++) {
			const struct tfile *tf = &c->files[f];
			if (tf->link)
				assert_int_equal(tree_link(&t, tf->link, tf->path), 0);
			else if (tf->text)
				assert_int_equal(tree_put(&t, tf->path, tf->text), 0);
			else
				assert_int_equal(tree_fifo(&t, tf->path), 0);
		}
		assert_int_equal(rootfs_open(&r, t.dir, NULL), 0);
		struct collect_opts o = {0};
		json_t *facts = json_object();
		json_object_set_new(facts, "docker", json_pack("{s:{s:s}}", "api", "error", "kept"));
		struct collect_ctx ctx = { .root = &r, .live = 0, .opts = &o, .facts = facts };
		assert_int_equal(collect_docker(&ctx), 0);
		json_t *d = json_object_get(facts, "docker");
		check_subset_s(c->name, d, c->want);
		/* another collector's member is left alone */
		check_subset_s(c->name, json_object_get(d, "api"), "{\"error\":\"kept\"}");
		json_decref(facts);
		rootfs_close(&r);
		tree_rm(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_load_config),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_collect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
