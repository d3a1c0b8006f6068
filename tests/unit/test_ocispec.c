/*
 * parse/ocispec.h, parse/ctrrec.h, parse/dockerspec.h: OCI runtime specs
 * (real ones written by containerd 1.6 on a lab host, tests/unit/data/oci/
 * ctr-*, pod-*; CRI-style pairs as containerd's CRI plugin and CRI-O write
 * them, *.app.json / *.sandbox.json) and Engine API bodies into the
 * runtime-neutral record; malformed and truncated specs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "case_name.h"
#include "parse/ocispec.h"
#include "parse/ctrrec.h"
#include "parse/dockerspec.h"

static char *slurp(const char *name, size_t *len)
{
	char path[1024];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof(path), "%s/tests/unit/data/oci/%s", top ? top : ".", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const char *const containerd_bases[] = {
	"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes",
	"/var/lib/containerd/io.containerd.grpc.v1.cri/containers",
	"/run/containerd/io.containerd.grpc.v1.cri/sandboxes",
	"/run/containerd/io.containerd.grpc.v1.cri/containers",
	NULL
};
static const char *const crio_bases[] = {
	"/run/containers/storage/overlay-containers",
	"/var/lib/containers/storage/overlay-containers",
	NULL
};

/* The record of a data file, as the collector would make it (apparmor: host state). */
static json_t *record(const char *name, const char *runtime, const char *id, int apparmor)
{
	size_t len;
	char *text = slurp(name, &len);
	char src[512];
	snprintf(src, sizeof(src), "oci:/run/%s/%s/config.json", runtime, id);
	struct ocispec_env env = {
		.runtime = runtime, .source = src, .id = id,
		.runtime_namespace = strcmp(runtime, "containerd") ? NULL : "k8s.io",
		.kubelet_root = "/var/lib/kubelet",
		.runtime_bases = strcmp(runtime, "containerd") ? crio_bases : containerd_bases,
		.apparmor = apparmor, .apparmor_source = "test",
	};
	char *err = NULL;
	json_t *rec = ocispec_record(text, len, &env, &err);
	if (!rec)
		fail_msg("%s: %s", name, err);
	free(text);
	return rec;
}

/* The value of a field ({"value", "source"} unwrapped), or the node itself. */
static json_t *val(json_t *rec, const char *a, const char *b)
{
	json_t *f = json_object_get(rec, a);
	if (b)
		f = json_object_get(f, b);
	json_t *v = json_object_get(f, "value");
	return v ? v : f;
}

static void assert_json(const char *what, json_t *got, const char *want_text)
{
	json_error_t je;
	json_t *want = json_loads(want_text, JSON_DECODE_ANY, &je);
	if (!want)
		fail_msg("bad expected json '%s'", want_text);
	if (!json_equal(got, want)) {
		char *g = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		print_message("# %s: got %s, want %s\n", what, g ? g : "(nothing)", want_text);
		free(g);
		json_decref(want);
		fail();
	}
	json_decref(want);
}

/* ---- real specs from containerd 1.6 (ctr run) ---- */

static const struct ctr_case {
	const char *file;
	const char *privileged, *host_ns, *added, *nnp, *ro, *seccomp, *uid, *userns, *proc;
} ctr_cases[] = {
	{"ctr-default.json", "false", "[]", "[]", "true", "false", "\"unconfined\"", "0", "false", "\"Default\""},
	{"ctr-privileged.json", "true", "[]", NULL, "true", "false", "\"unconfined\"", "0", "false", "\"Unmasked\""},
	{"ctr-net-host.json", "false", "[\"network\"]", "[]", "true", "false", "\"unconfined\"", "0", "false", "\"Default\""},
	{"ctr-cap-add.json", "false", "[]", "[\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\"]", "true", "false", "\"unconfined\"", "0", "false", "\"Default\""},
	{"ctr-cap-drop.json", "false", "[]", "[]", "true", "false", "\"unconfined\"", "0", "false", "\"Default\""},
	{"ctr-read-only.json", "false", "[]", "[]", "true", "true", "\"unconfined\"", "0", "false", "\"Default\""},
	{"ctr-user-1000.json", "false", "[]", "[]", "true", "false", "\"unconfined\"", "1000", "false", "\"Default\""},
	{"ctr-seccomp.json", "false", "[]", "[]", "true", "false", "\"profile\"", "0", "false", "\"Default\""},
	{"ctr-allow-new-privs.json", "false", "[]", "[]", "false", "false", "\"unconfined\"", "0", "false", "\"Default\""},
	{"ctr-userns.json", "false", "[]", "[]", "true", "false", "\"unconfined\"", "0", "true", "\"Default\""},
	{"ctr-hardened.json", "false", "[]", "[]", "true", "true", "\"profile\"", "1000", "false", "\"Default\""},
	/* ctr --device adds a device and its cgroup rule: not privileged on its own */
	{"ctr-device.json", "false", "[]", "[]", "true", "false", "\"unconfined\"", "0", "false", "\"Default\""},
};

static void test_ctr_specs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ctr_cases) / sizeof(ctr_cases[0]); i++) {
		const struct ctr_case *c = &ctr_cases[i];
		print_message("# case %s\n", case_name(c->file));
		json_t *r = record(c->file, "containerd", "x", 0);
		ocispec_link(r, NULL, NULL);
		assert_string_equal(json_string_value(json_object_get(r, "role")), "workload");
		assert_true(json_is_null(json_object_get(r, "kubernetes")));
		assert_json("privileged", val(r, "privileged", NULL), c->privileged);
		assert_json("host_namespaces", val(r, "host_namespaces", NULL), c->host_ns);
		if (c->added)
			assert_json("added", val(json_object_get(r, "capabilities"), "added", NULL), c->added);
		assert_json("no_new_privileges", val(r, "no_new_privileges", NULL), c->nnp);
		assert_json("readonly_rootfs", val(r, "readonly_rootfs", NULL), c->ro);
		assert_json("seccomp", val(r, "seccomp", NULL), c->seccomp);
		assert_json("uid", val(r, "user", "uid"), c->uid);
		assert_json("userns", val(r, "user", "userns"), c->userns);
		assert_json("proc_mount", val(r, "proc_mount", NULL), c->proc);
		/* the host without AppArmor: the control does not apply */
		assert_non_null(json_object_get(json_object_get(r, "apparmor"), "skipped"));
		ocispec_finish(r);
		assert_null(json_object_get(r, "__link"));
		json_decref(r);
	}
}

static void test_privileged_caps(void **state)
{
	(void)state;
	json_t *r = record("ctr-privileged.json", "containerd", "p", 1);
	/* every capability containerd held (40 on the lab host), beyond the 14 it grants by default */
	assert_int_equal(json_array_size(val(json_object_get(r, "capabilities"), "bounding", NULL)), 40);
	assert_int_equal(json_array_size(val(json_object_get(r, "capabilities"), "added", NULL)), 26);
	/* an AppArmor host: no profile in the spec is unconfined */
	assert_json("apparmor", val(r, "apparmor", NULL), "\"unconfined\"");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "capabilities"), "bounding") ?
		json_object_get(json_object_get(json_object_get(r, "capabilities"), "bounding"), "source") : NULL),
		"oci:/run/containerd/p/config.json#process.capabilities.bounding");
	json_decref(r);
}

/* privileged_without_host_devices: every capability and unmasked paths, the device rule untouched */
static void test_privileged_without_devices(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp("cri-containerd-hostpriv.app.json", &len);
	json_t *spec = json_loadb(text, len, 0, NULL);
	free(text);
	json_object_set_new(json_object_get(json_object_get(spec, "linux"), "resources"), "devices",
			    json_pack("[{s:b, s:s}]", "allow", 0, "access", "rwm"));
	char *s = json_dumps(spec, 0);
	struct ocispec_env env = { .runtime = "containerd", .source = "oci:/p/config.json", .id = "p", .apparmor = 0 };
	char *err = NULL;
	json_t *r = ocispec_record(s, strlen(s), &env, &err);
	assert_json("privileged", val(r, "privileged", NULL), "true");
	assert_json("device rule", val(r, "device_cgroup_allow_all", NULL), "false");
	json_decref(r);
	/* unmasked paths and SYS_ADMIN alone are not privileged */
	json_t *caps = json_pack("[s,s]", "CAP_SYS_ADMIN", "CAP_CHOWN");
	json_t *c = json_object_get(json_object_get(spec, "process"), "capabilities");
	json_object_set(c, "bounding", caps);
	json_decref(caps);
	free(s);
	s = json_dumps(spec, 0);
	r = ocispec_record(s, strlen(s), &env, &err);
	assert_json("privileged", val(r, "privileged", NULL), "false");
	assert_json("proc_mount", val(r, "proc_mount", NULL), "\"Unmasked\"");
	json_decref(r);
	free(s);
	json_decref(spec);
}

static void test_bind_mounts(void **state)
{
	(void)state;
	/* a plain container's bind of /etc is a host path */
	json_t *r = record("ctr-bind-etc.json", "containerd", "b", 0);
	json_t *ms = val(r, "mounts", NULL);
	size_t i;
	json_t *m;
	int found = 0;
	json_array_foreach(ms, i, m)
		if (!strcmp(json_string_value(json_object_get(m, "destination")), "/host-etc")) {
			assert_string_equal(json_string_value(json_object_get(m, "kind")), "hostpath");
			assert_string_equal(json_string_value(json_object_get(m, "source")), "/etc");
			assert_true(json_is_true(json_object_get(m, "read_only")));
			found = 1;
		} else {
			assert_string_equal(json_string_value(json_object_get(m, "kind")), "system");
		}
	assert_true(found);
	json_decref(r);
}

/* ---- pods: the app container joins its sandbox ---- */

static void test_lab_pod(void **state)
{
	(void)state;
	/* podhn: the sandbox runs in the host's network namespace; the app joins it by /proc path */
	json_t *sb = record("podhn-sandbox.json", "containerd", "podhn-sandbox", 0);
	json_t *app = record("podhn-app.json", "containerd", "podhn-app", 0);
	assert_string_equal(json_string_value(json_object_get(sb, "role")), "sandbox");
	assert_string_equal(ocispec_sandbox_id(app), "podhn-sandbox");
	/* without the sandbox, offline: cannot tell */
	json_t *alone = json_deep_copy(app);
	ocispec_link(alone, NULL, NULL);
	assert_non_null(json_object_get(json_object_get(alone, "host_namespaces"), "error"));
	assert_non_null(json_object_get(json_object_get(alone, "sysctls"), "error"));
	json_decref(alone);
	ocispec_link(sb, NULL, NULL);
	ocispec_link(app, sb, NULL);
	/* ctr --net-host keeps a uts namespace (the CRI drops both) */
	assert_json("host_namespaces", val(app, "host_namespaces", NULL), "[\"network\"]");
	assert_true(json_is_true(json_object_get(json_object_get(app, "sandbox"), "found")));
	json_decref(sb);
	json_decref(app);
	/* pod: the sandbox has its own namespaces: nothing of the host's */
	sb = record("pod-sandbox.json", "containerd", "pod-sandbox", 0);
	app = record("pod-app.json", "containerd", "pod-app", 0);
	ocispec_link(app, sb, NULL);
	assert_json("host_namespaces", val(app, "host_namespaces", NULL), "[]");
	assert_string_equal(json_string_value(json_object_get(app, "_name")), "default/demo/app");
	json_decref(sb);
	json_decref(app);
}

static int fake_host(void *arg, const char *type, const char *path, char **why)
{
	(void)arg;
	(void)why;
	return !strcmp(type, "network") && !strcmp(path, "/proc/12345/ns/net") ? 1 : 0;
}

static void test_live_namespace(void **state)
{
	(void)state;
	/* a plain container joining a namespace by path: live, the host says whose it is */
	size_t len;
	char *text = slurp("ctr-netns-path.json", &len);
	json_t *spec = json_loadb(text, len, 0, NULL);
	free(text);
	json_t *nss = json_object_get(json_object_get(spec, "linux"), "namespaces");
	size_t i;
	json_t *n;
	json_array_foreach(nss, i, n)
		if (!strcmp(json_string_value(json_object_get(n, "type")), "network"))
			json_object_set_new(n, "path", json_string("/proc/12345/ns/net"));
	char *s = json_dumps(spec, 0);
	struct ocispec_env env = { .runtime = "containerd", .source = "oci:/x/config.json", .id = "x", .apparmor = -1 };
	char *err = NULL;
	json_t *r = ocispec_record(s, strlen(s), &env, &err);
	assert_non_null(r);
	json_t *offline = json_deep_copy(r);
	ocispec_link(offline, NULL, NULL);
	assert_non_null(json_object_get(json_object_get(offline, "host_namespaces"), "error"));
	struct ocispec_host host = { fake_host, NULL };
	ocispec_link(r, NULL, &host);
	assert_json("host_namespaces", val(r, "host_namespaces", NULL), "[\"network\"]");
	/* AppArmor unknown (offline, no /sys) and no profile: cannot be judged */
	assert_non_null(json_object_get(json_object_get(r, "apparmor"), "error"));
	json_decref(offline);
	json_decref(r);
	json_decref(spec);
	free(s);
}

static const struct cri_case {
	const char *name, *runtime, *app_id, *sb_id;
	const char *host_ns, *sysctls, *ports_skipped, *ports, *hostpath_dest, *name_want;
} cri_cases[] = {
	{"cri-containerd-default", "containerd", "c1", "aaaaaaaa1f2e3d4c5b6a79880716253443526170ffffffffffffffffffffffff",
	 "[]", "[\"net.ipv4.ip_unprivileged_port_start\",\"net.ipv4.ping_group_range\"]", "no CNI cache entry", NULL, NULL,
	 "default/web-6d4cf56db6-x7k2p/nginx"},
	{"cri-containerd-hostpriv", "containerd", "c2", "eeeeeeee3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0dddddddddddddddddddddddd",
	 "[\"network\",\"pid\",\"ipc\",\"uts\"]", "[]", "hostNetwork", NULL, "/host", "kube-system/node-debugger/debugger"},
	{"crio-default", "cri-o", "8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3",
	 "134b58ab2e0cfd7432a9db818b1b4ec52fdc747333f0ba2c9342860dc2ea7c50", "[]", "[]", NULL, "[8080]", NULL,
	 "default/web-5f7b9c-abcde/nginx"},
	{"crio-hostnet", "cri-o", "9f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4",
	 "2b4d6f8a0c1e3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b", "[\"network\",\"pid\"]", "[]", NULL, "[]",
	 "/host/root", "monitoring/node-exporter-q2w3e/node-exporter"},
};

static void test_cri_pairs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cri_cases) / sizeof(cri_cases[0]); i++) {
		const struct cri_case *c = &cri_cases[i];
		print_message("# case %s\n", case_name(c->name));
		char f[256];
		snprintf(f, sizeof(f), "%s.sandbox.json", c->name);
		json_t *sb = record(f, c->runtime, c->sb_id, 1);
		snprintf(f, sizeof(f), "%s.app.json", c->name);
		json_t *app = record(f, c->runtime, c->app_id, 1);
		assert_string_equal(ocispec_sandbox_id(app), c->sb_id);
		ocispec_link(sb, NULL, NULL);
		ocispec_link(app, sb, NULL);
		assert_string_equal(json_string_value(json_object_get(app, "_name")), c->name_want);
		assert_json("host_namespaces", val(app, "host_namespaces", NULL), c->host_ns);
		assert_json("sysctls", val(app, "sysctls", NULL), c->sysctls);
		json_t *hp = json_object_get(app, "host_ports");
		if (c->ports_skipped) {
			const char *why = json_string_value(json_object_get(hp, "skipped"));
			assert_non_null(why);
			assert_non_null(strstr(why, c->ports_skipped));
		} else {
			assert_json("host_ports", val(app, "host_ports", NULL), c->ports);
		}
		/* the kubelet's and the runtime's own binds are not host paths; the hostPath volume is */
		size_t k;
		json_t *m;
		json_array_foreach(val(app, "mounts", NULL), k, m) {
			const char *dest = json_string_value(json_object_get(m, "destination"));
			const char *kind = json_string_value(json_object_get(m, "kind"));
			if (c->hostpath_dest && !strcmp(dest, c->hostpath_dest))
				assert_string_equal(kind, "hostpath");
			else
				assert_string_not_equal(kind, "hostpath");
			if (!strcmp(dest, "/var/run/secrets/kubernetes.io/serviceaccount"))
				assert_string_equal(json_string_value(json_object_get(m, "volume_plugin")), "kubernetes.io~projected");
		}
		json_decref(sb);
		json_decref(app);
	}
}

static void test_cni_ports(void **state)
{
	(void)state;
	json_t *ports = json_array();
	char *err = NULL;
	const char *ok = "{\"kind\":\"cniCacheV1\",\"capabilityArgs\":{\"portMappings\":"
			 "[{\"hostPort\":8443,\"containerPort\":443},{\"hostPort\":0,\"containerPort\":1}]}}";
	assert_int_equal(ocispec_cni_ports(ok, strlen(ok), ports, &err), 0);
	assert_json("ports", ports, "[8443]");
	const char *bad[] = { "{", "[]", "{\"capabilityArgs\":{\"portMappings\":{}}}",
			      "{\"capabilityArgs\":{\"portMappings\":[{\"hostPort\":\"80\"}]}}" };
	for (size_t i = 0; i < 4; i++) {
		print_message("# case %s\n", case_name(bad[i]));
		assert_int_equal(ocispec_cni_ports(bad[i], strlen(bad[i]), ports, &err), -1);
		assert_non_null(err);
		free(err);
		err = NULL;
	}
	json_decref(ports);
}

/* ---- malformed and truncated specs ---- */

static void test_malformed(void **state)
{
	(void)state;
	struct ocispec_env env = { .runtime = "containerd", .source = "oci:/s/config.json", .id = "m", .apparmor = 0 };
	static const char *const not_specs[] = { "", "{", "[1,2]", "\"x\"", "{\"process\": }", "nul\0l" };
	for (size_t i = 0; i < sizeof(not_specs) / sizeof(not_specs[0]); i++) {
		char *err = NULL;
		print_message("# case %s\n", case_name(not_specs[i]));
		assert_null(ocispec_record(not_specs[i], i == 5 ? 5 : strlen(not_specs[i]), &env, &err));
		assert_non_null(err);
		assert_non_null(strstr(err, "/s/config.json"));
		free(err);
	}
	/* present but not understood: that field is an error, the rest is read */
	static const struct { const char *spec, *field, *sub; } bad_fields[] = {
		{"{\"process\":{\"capabilities\":{\"bounding\":\"CAP_SYS_ADMIN\"}}}", "capabilities", "bounding"},
		{"{\"process\":{\"capabilities\":[]}}", "capabilities", "effective"},
		{"{\"process\":{\"user\":{\"uid\":\"0\"}}}", "user", "uid"},
		{"{\"process\":{\"user\":{\"uid\":-1}}}", "user", "uid"},
		{"{\"process\":{\"noNewPrivileges\":\"yes\"}}", "no_new_privileges", NULL},
		{"{\"linux\":{\"namespaces\":{}}}", "namespaces", NULL},
		{"{\"linux\":{\"namespaces\":[{\"path\":\"/x\"}]}}", "namespaces", NULL},
		{"{\"mounts\":{}}", "mounts", NULL},
		{"{\"linux\":{\"maskedPaths\":\"/proc\"}}", "masked_paths", NULL},
		{"{\"linux\":{\"seccomp\":[]}}", "seccomp", NULL},
		{"{\"process\":{\"apparmorProfile\":1}}", "apparmor", NULL},
		{"{\"process\":{\"selinuxLabel\":{}}}", "selinux", "type"},
		{"{}", "user", "uid"},	/* no process at all */
	};
	for (size_t i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		char *err = NULL;
		print_message("# case %s\n", case_name(bad_fields[i].spec));
		json_t *r = ocispec_record(bad_fields[i].spec, strlen(bad_fields[i].spec), &env, &err);
		assert_non_null(r);
		json_t *f = json_object_get(r, bad_fields[i].field);
		if (bad_fields[i].sub)
			f = json_object_get(f, bad_fields[i].sub);
		assert_true(json_is_string(json_object_get(f, "error")));
		/* the other fields are still there */
		assert_non_null(json_object_get(r, "readonly_rootfs"));
		ocispec_link(r, NULL, NULL);
		json_decref(r);
	}
	/* linux.sysctl that is not an object, and a bad CRI-O annotation */
	const char *s = "{\"linux\":{\"sysctl\":[]},\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
			"\"io.kubernetes.cri-o.PortMappings\":\"[{\"}}";
	char *err = NULL;
	json_t *r = ocispec_record(s, strlen(s), &env, &err);
	ocispec_link(r, NULL, NULL);
	assert_true(json_is_string(json_object_get(json_object_get(r, "sysctls"), "error")));
	assert_true(json_is_string(json_object_get(json_object_get(r, "host_ports"), "error")));
	json_decref(r);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp("cri-containerd-hostpriv.app.json", &len);
	struct ocispec_env env = { .runtime = "containerd", .source = "oci:/t/config.json", .id = "t", .apparmor = 1 };
	/* every prefix of a real spec is an error, never a crash or a partial record */
	size_t stop = len;
	while (stop > 0 && (text[stop - 1] == '\n' || text[stop - 1] == ' '))
		stop--;
	for (size_t n = 0; n < stop; n += 7) {
		char *err = NULL;
		json_t *r = ocispec_record(text, n, &env, &err);
		if (r)
			fail_msg("a spec cut at %zu of %zu bytes was read", n, len);
		free(err);
	}
	char *err = NULL;
	json_t *r = ocispec_record(text, len, &env, &err);
	assert_non_null(r);
	json_decref(r);
	free(text);
}

/* ---- mount classification ---- */

static void test_classify(void **state)
{
	(void)state;
	const char *const bases[] = { "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/SB", NULL };
	struct ctrrec_paths p = { .kubelet_root = "/var/lib/kubelet", .pod_uid = "U1",
				  .runtime_dirs = bases, .docker_root = "/var/lib/docker" };
	static const struct { const char *type, *src, *dest; int bind; const char *kind, *plugin; } cases[] = {
		{"proc", "proc", "/proc", 0, "system", NULL},
		{"ext4", "/dev/sda1", "/data", 0, "hostpath", NULL},
		{"bind", "/etc", "/host-etc", 1, "hostpath", NULL},
		{"bind", "/var/lib/kubelet/pods/U1/etc-hosts", "/etc/hosts", 1, "kubelet", NULL},
		{"bind", "/var/lib/kubelet/pods/U1/volumes/kubernetes.io~secret/tok", "/t", 1, "volume", "kubernetes.io~secret"},
		{"bind", "/var/lib/kubelet/pods/U1/volume-subpaths/data/app/0", "/d", 1, "volume-subpath", NULL},
		/* another pod's directory, or a path that climbs out, is the host's */
		{"bind", "/var/lib/kubelet/pods/U2/volumes/kubernetes.io~secret/tok", "/t", 1, "hostpath", NULL},
		{"bind", "/var/lib/kubelet/pods/U1/volumes/../../../../../etc", "/t", 1, "hostpath", NULL},
		{"bind", "/var/lib/kubelet/pods/U1//etc-hosts", "/t", 1, "hostpath", NULL},
		{"bind", "/var/lib/kubelet", "/k", 1, "hostpath", NULL},
		{"bind", "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/SB/shm", "/dev/shm", 1, "runtime", NULL},
		{"bind", "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/OTHER/shm", "/dev/shm", 1, "hostpath", NULL},
		{"bind", "/dev/shm", "/dev/shm", 1, "host-ipc", NULL},
		{"bind", "/var/lib/docker/volumes/data/_data", "/d", 1, "volume", "docker:volume"},
		{"none", "relative", "/x", 1, "hostpath", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("# case %s\n", case_name(cases[i].src));
		json_t *m = json_object();
		ctrrec_classify_mount(m, &p, cases[i].type, cases[i].src, cases[i].dest, cases[i].bind);
		assert_string_equal(json_string_value(json_object_get(m, "kind")), cases[i].kind);
		if (cases[i].plugin)
			assert_string_equal(json_string_value(json_object_get(m, "volume_plugin")), cases[i].plugin);
		json_decref(m);
	}
}

/* ---- the Engine API's containers ---- */

static json_t *docker(const char *inspect, const struct dockerspec_daemon *d)
{
	json_error_t je;
	json_t *c = json_loads(inspect, 0, &je);
	if (!c)
		fail_msg("bad inspect %s: %s", inspect, je.text);
	json_t *r = dockerspec_record(c, d);
	json_decref(c);
	return r;
}

static void test_docker(void **state)
{
	(void)state;
	struct dockerspec_daemon d = { .apparmor = 1, .docker_root = "/var/lib/docker", .kubelet_root = "/var/lib/kubelet" };
	json_t *r = docker("{\"Id\":\"abc\",\"_name\":\"web\",\"_source\":\"api:/containers/abc/json\","
			   "\"Config\":{\"User\":\"\"},\"AppArmorProfile\":\"docker-default\","
			   "\"HostConfig\":{\"CapAdd\":[\"NET_ADMIN\"],\"CapDrop\":[\"net_raw\"],\"NetworkMode\":\"host\","
			   "\"PortBindings\":{\"80/tcp\":[{\"HostPort\":\"8080\"}],\"81/tcp\":[{\"HostPort\":\"\"}]},"
			   "\"SecurityOpt\":[\"seccomp=unconfined\"]},"
			   "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/etc\",\"Destination\":\"/e\",\"RW\":false},"
			   "{\"Type\":\"volume\",\"Name\":\"v\",\"Source\":\"/var/lib/docker/volumes/v/_data\",\"Destination\":\"/v\",\"RW\":true}]}", &d);
	assert_string_equal(json_string_value(json_object_get(r, "_name")), "web");
	assert_json("added", val(json_object_get(r, "capabilities"), "added", NULL), "[\"CAP_NET_ADMIN\"]");
	assert_false(ctrrec_has(val(json_object_get(r, "capabilities"), "bounding", NULL), "CAP_NET_RAW"));
	assert_json("host_namespaces", val(r, "host_namespaces", NULL), "[\"network\"]");
	assert_json("host_ports", val(r, "host_ports", NULL), "[8080,\"random\"]");
	assert_json("seccomp", val(r, "seccomp", NULL), "\"unconfined\"");
	assert_json("apparmor", val(r, "apparmor", NULL), "\"docker-default\"");
	assert_json("uid", val(r, "user", "uid"), "0");
	assert_json("proc_mount", val(r, "proc_mount", NULL), "\"Default\"");
	json_t *kinds = json_pack("[s,s]", json_string_value(json_object_get(json_array_get(val(r, "mounts", NULL), 0), "kind")),
				  json_string_value(json_object_get(json_array_get(val(r, "mounts", NULL), 1), "volume_plugin")));
	assert_json("kinds", kinds, "[\"hostpath\",\"docker:volume\"]");
	json_decref(kinds);
	json_decref(r);
	/* privileged: every capability, no seccomp; drop ALL; a named user; the daemon's no-new-privileges */
	d.no_new_privileges = 1;
	d.nnp_source = "daemon.json:no-new-privileges";
	r = docker("{\"Id\":\"p\",\"HostConfig\":{\"Privileged\":true},\"Config\":{\"User\":\"app\"}}", &d);
	assert_json("privileged", val(r, "privileged", NULL), "true");
	assert_int_equal(json_array_size(val(json_object_get(r, "capabilities"), "bounding", NULL)), 41);
	assert_json("seccomp", val(r, "seccomp", NULL), "\"unconfined\"");
	assert_json("nnp", val(r, "no_new_privileges", NULL), "true");
	assert_true(json_is_string(json_object_get(json_object_get(json_object_get(r, "user"), "uid"), "error")));
	json_decref(r);
	r = docker("{\"Id\":\"q\",\"HostConfig\":{\"CapDrop\":[\"ALL\"],\"CapAdd\":[\"CAP_NET_BIND_SERVICE\"],"
		   "\"SecurityOpt\":[\"no-new-privileges:false\",\"systempaths=unconfined\"]},\"Config\":{\"User\":\"1000:1000\"}}", &d);
	assert_json("bounding", val(json_object_get(r, "capabilities"), "bounding", NULL), "[\"CAP_NET_BIND_SERVICE\"]");
	assert_json("nnp", val(r, "no_new_privileges", NULL), "false");
	assert_json("uid", val(r, "user", "uid"), "1000");
	assert_json("proc_mount", val(r, "proc_mount", NULL), "\"Unmasked\"");
	json_decref(r);
	/* fuzzing found: a daemon setting without a source crashed the record */
	struct dockerspec_daemon nosrc = { .seccomp_profile = "unconfined", .apparmor = -1 };
	r = docker("{\"Id\":\"s\",\"HostConfig\":{}}", &nosrc);
	assert_json("seccomp", val(r, "seccomp", NULL), "\"unconfined\"");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "seccomp"), "source")), "unknown");
	assert_json("nnp", val(r, "no_new_privileges", NULL), "false");
	json_decref(r);
	/* fuzzing found: a failed inspect without a name or id still has a target */
	r = docker("{\"error\":\"x\"}", &d);
	assert_string_equal(json_string_value(json_object_get(r, "_name")), "?");
	json_decref(r);
	/* an inspect that failed is an error entry */
	r = docker("{\"Id\":\"e\",\"_name\":\"gone\",\"error\":\"HTTP 404\"}", &d);
	assert_string_equal(json_string_value(json_object_get(r, "error")), "HTTP 404");
	json_decref(r);
	/* cri-dockerd: container:SANDBOX joins the sandbox's host network */
	json_t *sb = docker("{\"Id\":\"s1\",\"Name\":\"/k8s_POD\",\"HostConfig\":{\"NetworkMode\":\"host\",\"Sysctls\":{\"kernel.msgmax\":\"1\"}},"
			    "\"Config\":{\"Labels\":{\"io.kubernetes.pod.name\":\"p\",\"io.kubernetes.pod.namespace\":\"n\","
			    "\"io.kubernetes.docker.type\":\"podsandbox\"}}}", &d);
	json_t *app = docker("{\"Id\":\"a1\",\"HostConfig\":{\"NetworkMode\":\"container:s1\",\"IpcMode\":\"container:s1\"},"
			     "\"Config\":{\"Labels\":{\"io.kubernetes.pod.name\":\"p\",\"io.kubernetes.pod.namespace\":\"n\","
			     "\"io.kubernetes.container.name\":\"c\",\"io.kubernetes.docker.type\":\"container\"}}}", &d);
	assert_string_equal(json_string_value(json_object_get(sb, "role")), "sandbox");
	assert_string_equal(dockerspec_joins(app), "s1");
	dockerspec_link(app, sb);
	assert_string_equal(json_string_value(json_object_get(app, "_name")), "n/p/c");
	assert_json("host_namespaces", val(app, "host_namespaces", NULL), "[\"network\"]");
	assert_json("sysctls", val(app, "sysctls", NULL), "[\"kernel.msgmax\"]");
	json_t *lost = docker("{\"Id\":\"a2\",\"HostConfig\":{\"NetworkMode\":\"container:zz\"}}", &d);
	dockerspec_link(lost, NULL);
	assert_true(json_is_string(json_object_get(json_object_get(lost, "host_namespaces"), "error")));
	dockerspec_finish(app);
	assert_null(json_object_get(app, "__link"));
	json_decref(lost);
	json_decref(sb);
	json_decref(app);
}

static void test_windows(void **state)
{
	(void)state;
	struct ocispec_env env = { .runtime = "containerd", .source = "oci:/w/config.json", .id = "w", .apparmor = 0 };
	const char *hp = "{\"windows\":{},\"annotations\":{\"microsoft.com/hostprocess-container\":\"true\"}}";
	char *err = NULL;
	json_t *r = ocispec_record(hp, strlen(hp), &env, &err);
	ocispec_link(r, NULL, NULL);
	assert_json("host_process", val(r, "host_process", NULL), "true");
	assert_non_null(json_object_get(json_object_get(r, "privileged"), "skipped"));
	json_decref(r);
	const char *lin = "{\"linux\":{}}";
	r = ocispec_record(lin, strlen(lin), &env, &err);
	assert_non_null(json_object_get(json_object_get(r, "host_process"), "skipped"));
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_specs),
		cmocka_unit_test(test_privileged_caps),
		cmocka_unit_test(test_privileged_without_devices),
		cmocka_unit_test(test_bind_mounts),
		cmocka_unit_test(test_lab_pod),
		cmocka_unit_test(test_live_namespace),
		cmocka_unit_test(test_cri_pairs),
		cmocka_unit_test(test_cni_ports),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
