#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "parse/dockerspec.h"
#include "parse/ctrrec.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct dk {
	const json_t *c;	/* the inspect body */
	const json_t *hc;	/* HostConfig */
	const struct dockerspec_daemon *d;
	const char *src;	/* api:/containers/ID/json */
	json_t *rec;
	json_t *link;
	int privileged;
};

static const char *hc_str(const struct dk *k, const char *key)
{
	return json_string_value(json_object_get(k->hc, key));
}

static json_t *field(const struct dk *k, json_t *v, const char *path)
{
	return ctrrec_field(v, k->src, path);
}

static const char *label(const struct dk *k, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(k->c, "Config"), "Labels"), key));
}

/* SecurityOpt entries are KEY=VALUE or the older KEY:VALUE. */
static const char *secopt(const struct dk *k, const char *key)
{
	size_t n = strlen(key), i;
	json_t *v;
	const char *found = NULL;
	json_array_foreach(json_object_get(k->hc, "SecurityOpt"), i, v) {
		const char *s = json_string_value(v);
		if (!s || strncmp(s, key, n))
			continue;
		if (s[n] == '=' || s[n] == ':')
			found = s + n + 1;
		else if (!s[n])
			found = "";
	}
	return found;
}

static int list_has_ci(const json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		const char *t = json_string_value(v);
		if (t && (!strcasecmp(t, s) || (!strncasecmp(t, "CAP_", 4) && !strcasecmp(t + 4, s))))
			return 1;
	}
	return 0;
}

static void add_cap(json_t *set, const char *name)
{
	char *n = ctrrec_cap_name(name);
	if (!ctrrec_has(set, n))
		json_array_append_new(set, json_string(n));
	free(n);
}

static void remove_cap(json_t *set, const char *name)
{
	char *n = ctrrec_cap_name(name);
	for (size_t i = json_array_size(set); i-- > 0;)
		if (!strcmp(json_string_value(json_array_get(set, i)), n))
			json_array_remove(set, i);
	free(n);
}

/* moby oci/caps TweakCapabilities: privileged is every capability; ALL in CapAdd or CapDrop. */
static void set_capabilities(struct dk *k)
{
	const json_t *add = json_object_get(k->hc, "CapAdd"), *drop = json_object_get(k->hc, "CapDrop");
	json_t *caps = json_array();
	size_t i;
	json_t *v;
	if (k->privileged || list_has_ci(add, "ALL")) {
		for (const char *const *c = ctrrec_all_caps(); *c; c++)
			json_array_append_new(caps, json_string(*c));
		if (!k->privileged)
			json_array_foreach(drop, i, v)
				if (json_is_string(v))
					remove_cap(caps, json_string_value(v));
	} else {
		if (!list_has_ci(drop, "ALL"))
			for (const char *const *c = ctrrec_default_caps("docker"); *c; c++)
				json_array_append_new(caps, json_string(*c));
		json_array_foreach(drop, i, v)
			if (json_is_string(v) && strcasecmp(json_string_value(v), "ALL"))
				remove_cap(caps, json_string_value(v));
		json_array_foreach(add, i, v)
			if (json_is_string(v))
				add_cap(caps, json_string_value(v));
	}
	const char *path = "HostConfig.Privileged,HostConfig.CapAdd,HostConfig.CapDrop";
	json_t *out = json_object();
	json_object_set_new(out, "bounding", field(k, json_deep_copy(caps), path));
	json_object_set_new(out, "effective", field(k, json_deep_copy(caps), path));
	json_object_set_new(out, "permitted", field(k, json_deep_copy(caps), path));
	json_object_set_new(out, "inheritable", field(k, json_array(), path));
	json_object_set_new(out, "ambient", field(k, json_array(), path));
	json_t *dl = json_array();
	for (const char *const *c = ctrrec_default_caps("docker"); *c; c++)
		json_array_append_new(dl, json_string(*c));
	json_object_set_new(out, "added", field(k, ctrrec_caps_beyond(caps, ctrrec_default_caps("docker")), path));
	json_object_set_new(out, "default_set", ctrrec_field(dl, "default(docker)", NULL));
	json_decref(caps);
	json_object_set_new(k->rec, "capabilities", out);
}

/* The namespace modes: "host", "container:ID" (joined), anything else the container's own. */
static void set_namespaces(struct dk *k)
{
	static const char *const modes[][2] = {
		{ "network", "NetworkMode" }, { "pid", "PidMode" }, { "ipc", "IpcMode" }, { "uts", "UTSMode" },
	};
	json_t *list = json_array(), *host = json_array(), *join = json_object();
	for (size_t i = 0; i < 4; i++) {
		const char *m = hc_str(k, modes[i][1]);
		json_array_append_new(list, json_pack("{s:s, s:n, s:o}", "type", modes[i][0], "path",
						      "mode", jstr(m ? m : "")));
		if (m && !strcmp(m, "host"))
			json_array_append_new(host, json_string(modes[i][0]));
		else if (m && !strncmp(m, "container:", 10) && m[10])
			json_object_set_new(join, modes[i][0], jstr(m + 10));
	}
	json_object_set_new(k->rec, "namespaces", field(k, list, "HostConfig.NetworkMode,HostConfig.PidMode,HostConfig.IpcMode,HostConfig.UTSMode"));
	json_object_set_new(k->rec, "host_namespaces", field(k, host, "HostConfig.NetworkMode,HostConfig.PidMode,HostConfig.IpcMode,HostConfig.UTSMode"));
	json_object_set_new(k->link, "join", join);
}

/* A binding's HostPort: a number, or empty / "0" for one the daemon picks at start ("random"). */
static void add_port(json_t *ports, const char *hp)
{
	char *end;
	long n = hp && *hp ? strtol(hp, &end, 10) : 0;
	json_t *p = n > 0 && !*end ? json_integer(n) : json_string("random");
	size_t i;
	json_t *v;
	json_array_foreach(ports, i, v)
		if (json_equal(v, p)) {
			json_decref(p);
			return;
		}
	json_array_append_new(ports, p);
}

static void add_bindings(json_t *ports, const json_t *map)
{
	const char *key;
	json_t *list;
	json_object_foreach((json_t *)map, key, list) {
		size_t i;
		json_t *b;
		json_array_foreach(list, i, b)
			add_port(ports, json_string_value(json_object_get(b, "HostPort")));
	}
}

static void set_ports(struct dk *k)
{
	json_t *ports = json_array();
	add_bindings(ports, json_object_get(k->hc, "PortBindings"));
	/* With -P the host ports are chosen at start: only the running container's NetworkSettings has them. */
	add_bindings(ports, json_object_get(json_object_get(k->c, "NetworkSettings"), "Ports"));
	json_object_set_new(k->rec, "host_ports", field(k, ports, "HostConfig.PortBindings,NetworkSettings.Ports"));
}

static void set_mounts(struct dk *k, const char *pod_uid, const char *sandbox)
{
	char *bases[3] = { NULL, NULL, NULL };
	const char *id = json_string_value(json_object_get(k->c, "Id"));
	size_t nb = 0;
	if (k->d->docker_root && id && !strchr(id, '/'))
		bases[nb++] = xasprintf("%s/containers/%s", k->d->docker_root, id);
	if (k->d->docker_root && sandbox && !strchr(sandbox, '/'))
		bases[nb++] = xasprintf("%s/containers/%s", k->d->docker_root, sandbox);
	struct ctrrec_paths p = {
		.kubelet_root = k->d->kubelet_root, .pod_uid = pod_uid,
		.runtime_dirs = (const char *const *)bases, .docker_root = NULL,
	};
	json_t *list = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(k->c, "Mounts"), i, m) {
		const char *type = json_string_value(json_object_get(m, "Type"));
		const char *src = json_string_value(json_object_get(m, "Source"));
		const char *dest = json_string_value(json_object_get(m, "Destination"));
		json_t *o = json_pack("{s:o, s:o, s:o, s:b}", "destination", jstr(dest), "type", jstr(type),
				      "source", jstr(src), "read_only", !json_is_true(json_object_get(m, "RW")));
		json_t *prop = json_object_get(m, "Propagation");
		json_object_set_new(o, "options", json_is_string(prop) && json_string_length(prop) ?
				    json_pack("[O]", prop) : json_array());
		if (type && !strcmp(type, "volume")) {
			const char *drv = json_string_value(json_object_get(m, "Driver"));
			json_object_set_new(o, "kind", json_string("volume"));
			json_object_set_new(o, "volume_plugin", json_string("docker:volume"));
			json_object_set_new(o, "volume", jstr(json_string_value(json_object_get(m, "Name"))));
			json_object_set_new(o, "volume_driver", jstr(drv));
		} else if (type && !strcmp(type, "tmpfs")) {
			json_object_set_new(o, "kind", json_string("system"));
		} else {
			/* bind, npipe, cluster: a path of the host */
			ctrrec_classify_mount(o, &p, type, src, dest, 1);
		}
		json_array_append_new(list, o);
	}
	for (size_t b = 0; b < nb; b++)
		free(bases[b]);
	json_object_set_new(k->rec, "mounts", field(k, list, "Mounts"));
}

static void set_user(struct dk *k)
{
	const char *u = json_string_value(json_object_get(json_object_get(k->c, "Config"), "User"));
	json_t *user = json_object();
	json_object_set_new(k->rec, "user", user);
	const char *path = "Config.User";
	if (!u || !*u) {
		/* Config.User holds the image's USER when the container sets none: empty is root. */
		json_object_set_new(user, "uid", field(k, json_integer(0), "Config.User (empty: root)"));
		json_object_set_new(user, "gid", field(k, json_integer(0), "Config.User (empty: root)"));
	} else {
		size_t n = strcspn(u, ":");
		char *name = xstrndup(u, n);
		const char *grp = u[n] == ':' ? u + n + 1 : NULL;
		char *end;
		long uid = strtol(name, &end, 10);
		if (*name && !*end && uid >= 0)
			json_object_set_new(user, "uid", field(k, json_integer(uid), path));
		else if (!strcmp(name, "root"))
			json_object_set_new(user, "uid", field(k, json_integer(0), path));
		else
			json_object_set_new(user, "uid", ctrrec_error("%s#Config.User is the user name '%s'; its uid is in the image's /etc/passwd, which the Engine API does not show",
								 k->src, name));
		long gid = grp ? strtol(grp, &end, 10) : -1;
		if (!grp)
			json_object_set_new(user, "gid", field(k, json_null(), "Config.User (no group: the user's primary group)"));
		else if (*grp && !*end && gid >= 0)
			json_object_set_new(user, "gid", field(k, json_integer(gid), path));
		else
			json_object_set_new(user, "gid", field(k, jstr(grp), path));
		free(name);
	}
	json_t *groups = json_array();
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(k->hc, "GroupAdd"), i, g) {
		const char *s = json_string_value(g);
		char *end;
		long n = s ? strtol(s, &end, 10) : -1;
		if (s && *s && !*end && n >= 0)
			json_array_append_new(groups, json_integer(n));
		else if (s)
			json_array_append_new(groups, jstr(s));
	}
	json_object_set_new(user, "additional_gids", field(k, groups, "HostConfig.GroupAdd"));
	const char *um = hc_str(k, "UsernsMode");
	int userns = k->d->userns_remap && !(um && !strcmp(um, "host"));
	char *s = xasprintf("%s#HostConfig.UsernsMode, %s", k->src, k->d->userns_source ? k->d->userns_source : "default");
	json_object_set_new(user, "userns", ctrrec_field(json_boolean(userns), s, NULL));
	free(s);
}

static void set_security(struct dk *k)
{
	/* no-new-privileges */
	const char *nnp = secopt(k, "no-new-privileges");
	if (nnp)
		json_object_set_new(k->rec, "no_new_privileges", field(k, json_boolean(!*nnp || !strcmp(nnp, "true")),
								       "HostConfig.SecurityOpt"));
	else
		json_object_set_new(k->rec, "no_new_privileges",
				    ctrrec_field(json_boolean(k->d->no_new_privileges),
						 k->d->nnp_source ? k->d->nnp_source : "default", NULL));
	json_object_set_new(k->rec, "readonly_rootfs",
			    field(k, json_boolean(json_is_true(json_object_get(k->hc, "ReadonlyRootfs"))), "HostConfig.ReadonlyRootfs"));
	/* seccomp: moby disables it for privileged containers and for seccomp=unconfined */
	const char *sc = secopt(k, "seccomp");
	json_t *f;
	if (k->privileged)
		f = field(k, json_string("unconfined"), "HostConfig.Privileged");
	else if (sc && !strcmp(sc, "unconfined"))
		f = field(k, json_string("unconfined"), "HostConfig.SecurityOpt");
	else if (sc && *sc && strcmp(sc, "builtin"))
		f = field(k, json_string("localhost"), "HostConfig.SecurityOpt");
	else if (k->d->seccomp_profile && !strcmp(k->d->seccomp_profile, "unconfined"))
		f = ctrrec_field(json_string("unconfined"), k->d->seccomp_source, NULL);
	else if (k->d->seccomp_profile && *k->d->seccomp_profile && strcmp(k->d->seccomp_profile, "builtin"))
		f = ctrrec_field(json_string("localhost"), k->d->seccomp_source, NULL);
	else
		f = field(k, json_string("runtime/default"), "HostConfig.SecurityOpt (no seccomp option: the default profile)");
	json_object_set_new(k->rec, "seccomp", f);
	/* AppArmor: the daemon puts docker-default (unconfined when privileged) when the host has AppArmor. */
	const char *aa = json_string_value(json_object_get(k->c, "AppArmorProfile"));
	if (aa && *aa)
		f = field(k, jstr(aa), "AppArmorProfile");
	else if (k->d->apparmor == 1)
		f = field(k, json_string("unconfined"), "AppArmorProfile (empty, on a host that enables AppArmor)");
	else
		f = ctrrec_skipped("the daemon applied no AppArmor profile: the host does not enable AppArmor (%s)",
				   k->d->apparmor_source ? k->d->apparmor_source : "AppArmorProfile is empty");
	json_object_set_new(k->rec, "apparmor", f);
	/* SELinux */
	const char *pl = json_string_value(json_object_get(k->c, "ProcessLabel"));
	const char *lab = secopt(k, "label");
	json_t *se = json_object();
	json_object_set_new(k->rec, "selinux", se);
	json_object_set_new(se, "label", field(k, jstr(pl ? pl : ""), "ProcessLabel"));
	char *parts[3] = { NULL, NULL, NULL };
	const char *p = pl ? pl : "";
	for (int i = 0; i < 3 && *p; i++) {
		size_t n = strcspn(p, ":");
		parts[i] = xstrndup(p, n);
		p += n;
		if (*p == ':')
			p++;
	}
	static const char *const names[] = { "user", "role", "type" };
	for (int i = 0; i < 3; i++) {
		if (i == 2 && lab && !strcmp(lab, "disable"))
			/* label=disable runs the container unconfined by SELinux: spc_t */
			json_object_set_new(se, "type", field(k, json_string("spc_t"), "HostConfig.SecurityOpt"));
		else
			json_object_set_new(se, names[i], field(k, jstr(parts[i] ? parts[i] : ""), "ProcessLabel"));
		free(parts[i]);
	}
}

static void set_paths(struct dk *k)
{
	static const char *const keys[][2] = { { "masked_paths", "MaskedPaths" }, { "readonly_paths", "ReadonlyPaths" } };
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(k->hc, keys[i][1]);
		char *path = xasprintf("HostConfig.%s", keys[i][1]);
		json_object_set_new(k->rec, keys[i][0], field(k, json_is_array(v) ? json_deep_copy(v) : json_array(), path));
		free(path);
	}
	/*
	 * moby: a null MaskedPaths gets the daemon's default list at start,
	 * --security-opt systempaths=unconfined stores an empty one, and a
	 * privileged container gets none.
	 */
	json_t *mp = json_object_get(k->hc, "MaskedPaths");
	const char *sp = secopt(k, "systempaths");
	if (k->privileged)
		json_object_set_new(k->rec, "proc_mount", field(k, json_string("Unmasked"), "HostConfig.Privileged"));
	else if (json_is_array(mp))
		json_object_set_new(k->rec, "proc_mount", field(k, json_string(json_array_size(mp) ? "Default" : "Unmasked"),
							     "HostConfig.MaskedPaths"));
	else if (sp && !strcmp(sp, "unconfined"))
		json_object_set_new(k->rec, "proc_mount", field(k, json_string("Unmasked"), "HostConfig.SecurityOpt"));
	else if (!mp || json_is_null(mp))
		json_object_set_new(k->rec, "proc_mount", field(k, json_string("Default"), "HostConfig.MaskedPaths (null: the daemon's default masked paths)"));
	else
		json_object_set_new(k->rec, "proc_mount", ctrrec_error("%s#HostConfig.MaskedPaths is not a list", k->src));
	json_t *devs = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(k->hc, "Devices"), i, d) {
		const char *p = json_string_value(json_object_get(d, "PathOnHost"));
		if (p)
			json_array_append_new(devs, jstr(p));
	}
	json_object_set_new(k->rec, "devices", field(k, devs, "HostConfig.Devices"));
	json_object_set_new(k->rec, "device_cgroup_allow_all", field(k, json_boolean(k->privileged), "HostConfig.Privileged"));
	json_t *names = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(k->hc, "Sysctls"), key, v)
		json_array_append_new(names, jstr(key));
	json_object_set_new(k->rec, "sysctls", field(k, names, "HostConfig.Sysctls"));
	json_t *res = json_object();
	static const char *const rk[][2] = {
		{ "memory_limit", "Memory" }, { "cpu_shares", "CpuShares" }, { "cpu_quota", "CpuQuota" },
		{ "cpu_period", "CpuPeriod" }, { "pids_limit", "PidsLimit" },
	};
	for (int r = 0; r < 5; r++) {
		json_t *x = json_object_get(k->hc, rk[r][1]);
		char *path = xasprintf("HostConfig.%s", rk[r][1]);
		json_object_set_new(res, rk[r][0], field(k, json_is_integer(x) ? json_incref(x) : json_null(), path));
		free(path);
	}
	json_object_set_new(k->rec, "resources", res);
}

const char *const dockerspec_reads[] = {
	"Id", "Name", "HostConfig", "Config.Labels", "Config.User", "AppArmorProfile", "ProcessLabel",
	"Mounts", "NetworkSettings.Ports", NULL
};

json_t *dockerspec_record(const json_t *c, const struct dockerspec_daemon *d)
{
	struct dk k = { .c = c, .d = d, .hc = json_object_get(c, "HostConfig") };
	const char *id = json_string_value(json_object_get(c, "Id"));
	k.src = json_string_value(json_object_get(c, "_source"));
	if (!k.src)
		k.src = "api:/containers/?/json";
	k.rec = json_object();
	json_object_set_new(k.rec, "_source", jstr(k.src));
	json_object_set_new(k.rec, "id", jstr(id));
	json_object_set_new(k.rec, "runtime", json_string("docker"));
	json_object_set_new(k.rec, "runtime_namespace", json_null());
	const char *name = json_string_value(json_object_get(c, "_name"));
	const char *err = json_string_value(json_object_get(c, "error"));
	if (err || !json_is_object(k.hc)) {
		json_object_set_new(k.rec, "_name", jstr(name ? name : id ? id : "?"));
		json_object_set_new(k.rec, "error", jstr(err ? err : "the inspect body has no HostConfig"));
		return k.rec;
	}
	k.link = json_object();
	json_object_set_new(k.rec, "__link", k.link);
	k.privileged = json_is_true(json_object_get(k.hc, "Privileged"));
	/* cri-dockerd (the dockershim) labels a pod's containers like the kubelet's CRI runtimes. */
	const char *pod = label(&k, "io.kubernetes.pod.name"), *ns = label(&k, "io.kubernetes.pod.namespace");
	const char *dtype = label(&k, "io.kubernetes.docker.type");
	int sandbox = dtype && !strcmp(dtype, "podsandbox");
	const char *sid = label(&k, "io.kubernetes.sandbox.id");
	if (pod && ns)
		json_object_set_new(k.rec, "kubernetes", json_pack("{s:o, s:o, s:o, s:o, s:o}",
			"namespace", jstr(ns), "pod", jstr(pod),
			"container", sandbox ? json_null() : jstr(label(&k, "io.kubernetes.container.name")),
			"pod_uid", jstr(label(&k, "io.kubernetes.pod.uid")), "sandbox_id", jstr(sandbox ? id : sid)));
	else
		json_object_set_new(k.rec, "kubernetes", json_null());
	json_object_set_new(k.rec, "role", json_string(sandbox ? "sandbox" : "workload"));
	json_object_set_new(k.rec, "sandbox", json_null());
	json_object_set_new(k.rec, "os", json_string("linux"));
	json_t *self = json_object_get(c, "_self");
	if (json_is_true(self))
		json_object_set_new(k.rec, "_self", json_true());
	json_object_set(k.rec, "running", json_object_get(c, "_running") ? json_object_get(c, "_running") : json_null());
	ctrrec_set_name(k.rec, name ? name : id);
	json_object_set_new(k.rec, "host_process",
			    ctrrec_skipped("HostProcess containers exist on Windows only; this is a Linux container"));
	json_object_set_new(k.rec, "privileged", field(&k, json_boolean(k.privileged), "HostConfig.Privileged"));
	set_capabilities(&k);
	set_namespaces(&k);
	set_ports(&k);
	set_mounts(&k, label(&k, "io.kubernetes.pod.uid"), sid);
	set_user(&k);
	set_security(&k);
	set_paths(&k);
	return k.rec;
}

const char *dockerspec_joins(const json_t *rec)
{
	const json_t *j = json_object_get(json_object_get(rec, "__link"), "join");
	const char *t = json_string_value(json_object_get(j, "network"));
	if (!t)
		t = json_string_value(json_object_get(j, "ipc"));
	if (!t)
		t = json_string_value(json_object_get(j, "pid"));
	return t;
}

void dockerspec_link(json_t *rec, const json_t *joined)
{
	json_t *link = json_object_get(rec, "__link");
	json_t *join = json_object_get(link, "join");
	if (!json_object_size(join))
		return;
	const char *src = json_string_value(json_object_get(rec, "_source"));
	if (!joined) {
		json_object_set_new(rec, "host_namespaces", ctrrec_error(
			"it joins the namespaces of container '%s', which the Engine API did not list", dockerspec_joins(rec)));
		return;
	}
	json_t *hn = json_object_get(json_object_get(rec, "host_namespaces"), "value");
	const json_t *jhn = json_object_get(json_object_get(joined, "host_namespaces"), "value");
	const char *type;
	json_t *v;
	json_object_foreach(join, type, v)
		/* uts follows the network namespace of the joined container */
		if (ctrrec_has(jhn, type) && !ctrrec_has(hn, type))
			json_array_append_new(hn, json_string(type));
	if (json_object_get(join, "network") && ctrrec_has(jhn, "uts") && !ctrrec_has(hn, "uts"))
		json_array_append_new(hn, json_string("uts"));
	char *s = xasprintf("%s#HostConfig.NetworkMode,HostConfig.PidMode,HostConfig.IpcMode; %s#HostConfig",
			    src, json_string_value(json_object_get(joined, "_source")));
	json_object_set_new(json_object_get(rec, "host_namespaces"), "source", jstr(s));
	free(s);
	/* A pod's sysctls are set on its sandbox, whose network namespace the others join. */
	if (json_object_get(json_object_get(rec, "kubernetes"), "pod")) {
		json_t *names = json_object_get(json_object_get(rec, "sysctls"), "value");
		size_t i;
		json_t *n;
		json_array_foreach(json_object_get(json_object_get(joined, "sysctls"), "value"), i, n)
			if (!ctrrec_has(names, json_string_value(n)))
				json_array_append(names, n);
	}
}

void dockerspec_finish(json_t *rec)
{
	json_object_del(rec, "__link");
}
