#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "collect/systemd.h"
#include "parse/unit.h"
#include "docker_tree.h"

/* A file of the host tree: content, or a symlink when link is set. */
struct tfile {
	const char *path;
	const char *text;
	const char *link;
};

struct unit_case {
	const char *name;
	struct tfile files[8];
	const char *unit;
	const char *want;	/* JSON object: every member must equal the collected one */
};

#define DEBIAN_DOCKER \
	"[Unit]\nDescription=Docker Application Container Engine\n" \
	"Documentation=https://docs.docker.com\nAfter=network-online.target docker.socket firewalld.service containerd.service\n" \
	"Wants=network-online.target containerd.service\nRequires=docker.socket\n\n" \
	"[Service]\nType=notify\n" \
	"# the default is not to use systemd for cgroups because the delegate issues still\n" \
	"EnvironmentFile=-/etc/default/docker\n" \
	"ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\n" \
	"ExecReload=/bin/kill -s HUP $MAINPID\nLimitNOFILE=1048576\n\n" \
	"[Install]\nWantedBy=multi-user.target\n"

#define UPSTREAM_DOCKER \
	"[Unit]\nDescription=Docker Application Container Engine\n" \
	"[Service]\nType=notify\n" \
	"# the default is not to use systemd for cgroups because the delegate issues still\n" \
	"# exists and systemd currently does not support the cgroup feature set required\n" \
	"# for containers run by docker\n" \
	"ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n" \
	"ExecReload=/bin/kill -s HUP $MAINPID\nTimeoutStartSec=0\nRestartSec=2\nRestart=always\n" \
	"[Install]\nWantedBy=multi-user.target\n"

#define RHEL_DOCKER \
	"[Service]\nType=notify\nNotifyAccess=main\n" \
	"EnvironmentFile=-/run/containers/registries.conf\n" \
	"EnvironmentFile=-/etc/sysconfig/docker\n" \
	"EnvironmentFile=-/etc/sysconfig/docker-storage\n" \
	"Environment=GOTRACEBACK=crash\n" \
	"ExecStart=/usr/bin/dockerd-current \\\n" \
	"          --add-runtime docker-runc=/usr/libexec/docker/docker-runc-current \\\n" \
	"          --default-runtime=docker-runc \\\n" \
	"          $OPTIONS \\\n" \
	"          $DOCKER_STORAGE_OPTIONS\n"

#define KUBEADM_DROPIN \
	"[Service]\n" \
	"Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\n" \
	"Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n" \
	"EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n" \
	"EnvironmentFile=-/etc/default/kubelet\n" \
	"ExecStart=\n" \
	"ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n"

static const struct unit_case cases[] = {
	{"debian docker.io with DOCKER_OPTS",
	 {{"/lib/systemd/system/docker.service", DEBIAN_DOCKER, NULL},
	  {"/etc/default/docker", "# Docker Upstart and SysVinit configuration file\n"
	   "DOCKER_OPTS=\"--icc=false -H tcp://0.0.0.0:2376\"\n", NULL}},
	 "docker.service",
	 "{\"name\":\"docker.service\",\"exists\":true,\"masked\":false,"
	 "\"path\":\"/lib/systemd/system/docker.service\",\"dropins\":[],"
	 "\"exec_start\":[\"/usr/sbin/dockerd\",\"-H\",\"fd://\",\"--icc=false\",\"-H\",\"tcp://0.0.0.0:2376\"],"
	 "\"exec_start_raw\":\"/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\","
	 "\"environment\":{\"DOCKER_OPTS\":\"--icc=false -H tcp://0.0.0.0:2376\"},"
	 "\"environment_files\":[{\"path\":\"/etc/default/docker\",\"optional\":true,\"exists\":true}],"
	 "\"listen_stream\":[],\"errors\":[]}"},
	{"debian docker.io without /etc/default/docker",
	 {{"/lib/systemd/system/docker.service", DEBIAN_DOCKER, NULL}},
	 "docker.service",
	 "{\"exec_start\":[\"/usr/sbin/dockerd\",\"-H\",\"fd://\"],"
	 "\"environment\":{},"
	 "\"environment_files\":[{\"path\":\"/etc/default/docker\",\"optional\":true,\"exists\":false}],"
	 "\"errors\":[]}"},
	{"upstream docker-ce",
	 {{"/usr/lib/systemd/system/docker.service", UPSTREAM_DOCKER, NULL}},
	 "docker.service",
	 "{\"path\":\"/usr/lib/systemd/system/docker.service\","
	 "\"exec_start\":[\"/usr/bin/dockerd\",\"-H\",\"fd://\",\"--containerd=/run/containerd/containerd.sock\"],"
	 "\"environment_files\":[],\"errors\":[]}"},
	{"rhel with continuation lines and $OPTIONS",
	 {{"/usr/lib/systemd/system/docker.service", RHEL_DOCKER, NULL},
	  {"/etc/sysconfig/docker", "# /etc/sysconfig/docker\n"
	   "OPTIONS='--selinux-enabled --log-driver=journald --signature-verification=false'\n", NULL}},
	 "docker.service",
	 "{\"exec_start\":[\"/usr/bin/dockerd-current\",\"--add-runtime\","
	 "\"docker-runc=/usr/libexec/docker/docker-runc-current\",\"--default-runtime=docker-runc\","
	 "\"--selinux-enabled\",\"--log-driver=journald\",\"--signature-verification=false\"],"
	 "\"environment\":{\"GOTRACEBACK\":\"crash\",\"OPTIONS\":\"--selinux-enabled --log-driver=journald --signature-verification=false\"},"
	 "\"errors\":[]}"},
	{"drop-in resets and replaces ExecStart; /etc wins over /usr/lib",
	 {{"/usr/lib/systemd/system/docker.service", UPSTREAM_DOCKER, NULL},
	  {"/etc/systemd/system/docker.service.d/override.conf",
	   "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --tlsverify -H tcp://0.0.0.0:2376\n", NULL},
	  {"/usr/lib/systemd/system/docker.service.d/override.conf",
	   "[Service]\nExecStart=\nExecStart=/usr/bin/shadowed\n", NULL},
	  {"/run/systemd/system/docker.service.d/05-env.conf",
	   "[Service]\nEnvironment=A=1\n", NULL}},
	 "docker.service",
	 "{\"dropins\":[\"/run/systemd/system/docker.service.d/05-env.conf\","
	 "\"/etc/systemd/system/docker.service.d/override.conf\"],"
	 "\"exec_start\":[\"/usr/bin/dockerd\",\"--tlsverify\",\"-H\",\"tcp://0.0.0.0:2376\"],"
	 "\"environment\":{\"A\":\"1\"},\"errors\":[]}"},
	{"drop-in adds a second ExecStart without a reset",
	 {{"/usr/lib/systemd/system/docker.service", UPSTREAM_DOCKER, NULL},
	  {"/etc/systemd/system/docker.service.d/x.conf", "[Service]\nExecStart=/usr/bin/other\n", NULL}},
	 "docker.service",
	 "{\"exec_start\":[\"/usr/bin/other\"],"
	 "\"errors\":[\"/etc/systemd/system/docker.service.d/x.conf:2: ExecStart= given 2 times without a reset (only Type=oneshot allows this)\"]}"},
	{"masked by a symlink to /dev/null",
	 {{"/usr/lib/systemd/system/docker.service", UPSTREAM_DOCKER, NULL},
	  {"/etc/systemd/system/docker.service", NULL, "/dev/null"}},
	 "docker.service",
	 "{\"exists\":true,\"masked\":true,\"path\":\"/etc/systemd/system/docker.service\","
	 "\"exec_start\":null,\"dropins\":[]}"},
	{"masked by an empty file",
	 {{"/etc/systemd/system/docker.service", "", NULL},
	  {"/usr/lib/systemd/system/docker.service", UPSTREAM_DOCKER, NULL}},
	 "docker.service",
	 "{\"exists\":true,\"masked\":true,\"exec_start\":null}"},
	{"missing unit",
	 {{"/etc/hostname", "h\n", NULL}},
	 "docker.service",
	 "{\"name\":\"docker.service\",\"exists\":false,\"path\":null,\"masked\":false,"
	 "\"exec_start\":null,\"exec_start_raw\":null,\"dropins\":[],\"errors\":[]}"},
	{"docker.socket",
	 {{"/lib/systemd/system/docker.socket",
	   "[Unit]\nDescription=Docker Socket for the API\n\n[Socket]\n"
	   "ListenStream=/run/docker.sock\nSocketMode=0660\nSocketUser=root\nSocketGroup=docker\n\n"
	   "[Install]\nWantedBy=sockets.target\n", NULL}},
	 "docker.socket",
	 "{\"listen_stream\":[\"/run/docker.sock\"],\"exec_start\":null,\"errors\":[]}"},
	{"kubeadm drop-in with flags env file",
	 {{"/usr/lib/systemd/system/kubelet.service",
	   "[Unit]\nDescription=kubelet\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n", NULL},
	  {"/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", KUBEADM_DROPIN, NULL},
	  {"/var/lib/kubelet/kubeadm-flags.env",
	   "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9\"\n", NULL}},
	 "kubelet.service",
	 "{\"exec_start\":[\"/usr/bin/kubelet\","
	 "\"--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf\",\"--kubeconfig=/etc/kubernetes/kubelet.conf\","
	 "\"--config=/var/lib/kubelet/config.yaml\","
	 "\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock\","
	 "\"--pod-infra-container-image=registry.k8s.io/pause:3.9\"],"
	 "\"dropins\":[\"/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf\"],"
	 "\"environment_files\":[{\"path\":\"/var/lib/kubelet/kubeadm-flags.env\",\"optional\":true,\"exists\":true},"
	 "{\"path\":\"/etc/default/kubelet\",\"optional\":true,\"exists\":false}],\"errors\":[]}"},
	{"${VAR} stays one word, $VAR splits, env file overrides Environment=, $$",
	 {{"/etc/systemd/system/x.service",
	   "[Service]\nEnvironment=\"A=a b\" B=x\nEnvironmentFile=/etc/x.env\n"
	   "ExecStart=-/bin/x ${A} $A --b=${B} $$HOME $UNSET ${UNSET}\n", NULL},
	  {"/etc/x.env", "B=from-file\n", NULL}},
	 "x.service",
	 "{\"exec_start\":[\"/bin/x\",\"a b\",\"a\",\"b\",\"--b=from-file\",\"$HOME\",\"\"],"
	 "\"exec_start_raw\":\"-/bin/x ${A} $A --b=${B} $$HOME $UNSET ${UNSET}\","
	 "\"environment\":{\"A\":\"a b\",\"B\":\"from-file\"},"
	 "\"environment_files\":[{\"path\":\"/etc/x.env\",\"optional\":false,\"exists\":true}]}"},
	{"required env file missing, malformed env file, bad lines",
	 {{"/etc/systemd/system/x.service",
	   "[Service]\nEnvironmentFile=/etc/missing.env\nEnvironmentFile=-/etc/bad.env\n"
	   "no equals sign here\n[Broken\nEnvironment=1BAD=x\nExecStart=/bin/x \"open\n", NULL},
	  {"/etc/bad.env", "OK=1\nB=\"unterminated\n", NULL}},
	 "x.service",
	 "{\"exec_start\":null,"
	 "\"environment_files\":[{\"path\":\"/etc/missing.env\",\"optional\":false,\"exists\":false,"
	 "\"error\":\"'/etc/missing.env': No such file or directory\"},"
	 "{\"path\":\"/etc/bad.env\",\"optional\":true,\"exists\":true,\"error\":\"/etc/bad.env:2: unterminated double quote\"}],"
	 "\"errors\":[\"/etc/systemd/system/x.service:4: missing '=' in 'no equals sign here'\","
	 "\"/etc/systemd/system/x.service:5: invalid section header '[Broken'\","
	 "\"/etc/systemd/system/x.service:6: assignment outside of a section\","
	 "\"/etc/systemd/system/x.service:7: assignment outside of a section\"]}"},
	{"bad Environment= and ExecStart= in a section",
	 {{"/etc/systemd/system/x.service",
	   "[Service]\nEnvironment=1BAD=x GOOD=y\nExecStart=/bin/x \"open\n", NULL}},
	 "x.service",
	 "{\"exec_start\":null,\"environment\":{\"GOOD\":\"y\"},"
	 "\"errors\":[\"/etc/systemd/system/x.service:2: Environment=: invalid assignment '1BAD=x'\","
	 "\"/etc/systemd/system/x.service:3: ExecStart=: '/bin/x \\\"open': unterminated double quote\"]}"},
	{"masked drop-in is skipped; @ prefix drops argv[0]",
	 {{"/usr/lib/systemd/system/x.service", "[Service]\nExecStart=@/bin/x name -a\n", NULL},
	  {"/usr/lib/systemd/system/x.service.d/10.conf", "[Service]\nExecStart=\n", NULL},
	  {"/etc/systemd/system/x.service.d/10.conf", NULL, "/dev/null"}},
	 "x.service",
	 "{\"exec_start\":[\"/bin/x\",\"-a\"],\"dropins\":[]}"},
};

static void check_subset(const char *name, json_t *got, const char *want_s)
{
	json_error_t je;
	json_t *want = json_loads(want_s, 0, &je);
	if (!want)
		fail_msg("%s: bad expectation: %s", name, je.text);
	const char *k;
	json_t *v;
	json_object_foreach(want, k, v) {
		json_t *g = json_object_get(got, k);
		if (!g || !json_equal(g, v)) {
			char *gs = g ? json_dumps(g, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
			char *ws = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			fail_msg("%s: %s: got %s want %s", name, k, gs ? gs : "(missing)", ws);
		}
	}
	json_decref(want);
}

/* The specifiers a unit's name decides (Debian's etcd.service: EnvironmentFile=-/etc/default/%p). */
static void test_specifiers(void **state)
{
	(void)state;
	static const struct { const char *in, *unit, *want; } specs[] = {
		{ "/etc/default/%p", "etcd.service", "/etc/default/etcd" },
		{ "%n %N %p %i", "getty@tty1.service", "getty@tty1.service getty@tty1 getty tty1" },
		{ "100%% %H %", "etcd.service", "100% %H %" },
		{ "%i", "etcd.service", "" },
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char *got = unit_specifiers(specs[i].in, specs[i].unit);
		assert_string_equal(got, specs[i].want);
		free(got);
	}
}

static void test_units(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct unit_case *c = &cases[i];
		struct tree t;
		struct rootfs r;
		assert_int_equal(tree_init(&t), 0);
		for (size_t f = 0; f < 8 && c->files[f].path; f++) {
			if (c->files[f].link)
				assert_int_equal(tree_link(&t, c->files[f].link, c->files[f].path), 0);
			else
				assert_int_equal(tree_put(&t, c->files[f].path, c->files[f].text), 0);
		}
		assert_int_equal(rootfs_open(&r, t.dir, NULL), 0);
		json_t *u = systemd_unit_collect(&r, c->unit);
		assert_non_null(u);
		check_subset(c->name, u, c->want);
		json_decref(u);
		rootfs_close(&r);
		tree_rm(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_specifiers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
