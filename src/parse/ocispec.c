#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "parse/ocispec.h"
#include "parse/ctrrec.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * The namespaces a pod shares with the host, in the Pod Security
 * Standards' sense (hostNetwork, hostPID, hostIPC), and UTS, which
 * follows the network namespace in the CRI.
 */
static const char *const ns_types[] = { "network", "pid", "ipc", "uts", NULL };

struct spec {
	const json_t *root;
	const struct ocispec_env *env;
	const char *src;
	json_t *rec;
	json_t *link;		/* what ocispec_link needs: rec.__link */
	json_t *ann;		/* annotations (borrowed), or NULL */
};

static const char *ann_str(const struct spec *s, const char *key)
{
	return json_string_value(json_object_get(s->ann, key));
}

static json_t *field(const struct spec *s, json_t *v, const char *path)
{
	return ctrrec_field(v, s->src, path);
}

static int is_string_list(const json_t *v)
{
	if (!json_is_array(v))
		return 0;
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return 0;
	return 1;
}

/* A copy of v when it is an array of strings; NULL otherwise. */
static json_t *string_list(const json_t *v)
{
	return is_string_list(v) ? json_deep_copy(v) : NULL;
}

/* PATH as a field holding a list of strings ([] when absent). */
static json_t *list_field(const struct spec *s, const json_t *v, const char *path)
{
	if (!v || json_is_null(v)) {
		char *p = xasprintf("%s (absent)", path);
		json_t *f = field(s, json_array(), p);
		free(p);
		return f;
	}
	json_t *l = string_list(v);
	if (!l)
		return ctrrec_error("%s#%s is not a list of strings", s->src, path);
	return field(s, l, path);
}

static json_t *bool_field(const struct spec *s, const json_t *v, const char *path)
{
	if (!v || json_is_null(v)) {
		char *p = xasprintf("%s (absent: false)", path);
		json_t *f = field(s, json_false(), p);
		free(p);
		return f;
	}
	if (!json_is_boolean(v))
		return ctrrec_error("%s#%s is not a boolean", s->src, path);
	return field(s, json_boolean(json_is_true(v)), path);
}

static json_t *int_field(const struct spec *s, const json_t *v, const char *path)
{
	if (!v || json_is_null(v))
		return field(s, json_null(), path);
	if (!json_is_integer(v))
		return ctrrec_error("%s#%s is not an integer", s->src, path);
	return field(s, json_incref((json_t *)v), path);
}

static const json_t *obj(const json_t *o, const char *key)
{
	return json_object_get(o, key);
}

/* ---- identity ---- */

static void set_identity(struct spec *s)
{
	json_t *rec = s->rec;
	const char *runtime = s->env->runtime;
	const char *mgr = ann_str(s, "io.container.manager");
	if (mgr && !strcmp(mgr, "libpod"))
		runtime = "podman";
	json_object_set_new(rec, "id", jstr(s->env->id));
	json_object_set_new(rec, "runtime", json_string(runtime));
	json_object_set_new(rec, "runtime_namespace", jstr(s->env->runtime_namespace));
	const char *type, *flavour = "plain";
	json_t *k = json_null();
	const char *sid = NULL;
	if ((type = ann_str(s, "io.kubernetes.cri.container-type"))) {
		/* containerd's CRI plugin: internal/cri/annotations DefaultCRIAnnotations */
		flavour = "cri";
		sid = ann_str(s, "io.kubernetes.cri.sandbox-id");
		k = json_pack("{s:o, s:o, s:o, s:o, s:o}",
			      "namespace", jstr(ann_str(s, "io.kubernetes.cri.sandbox-namespace")),
			      "pod", jstr(ann_str(s, "io.kubernetes.cri.sandbox-name")),
			      "container", strcmp(type, "sandbox") ?
				jstr(ann_str(s, "io.kubernetes.cri.container-name")) : json_null(),
			      "pod_uid", jstr(ann_str(s, "io.kubernetes.cri.sandbox-uid")),
			      "sandbox_id", jstr(sid));
	} else if ((type = ann_str(s, "io.kubernetes.cri-o.ContainerType"))) {
		/* CRI-O: the kubelet's labels copied as annotations, and its own io.kubernetes.cri-o.* */
		flavour = "crio";
		sid = ann_str(s, "io.kubernetes.cri-o.SandboxID");
		k = json_pack("{s:o, s:o, s:o, s:o, s:o}",
			      "namespace", jstr(ann_str(s, "io.kubernetes.pod.namespace")),
			      "pod", jstr(ann_str(s, "io.kubernetes.pod.name")),
			      "container", strcmp(type, "sandbox") ?
				jstr(ann_str(s, "io.kubernetes.container.name")) : json_null(),
			      "pod_uid", jstr(ann_str(s, "io.kubernetes.pod.uid")),
			      "sandbox_id", jstr(sid));
	}
	int sandbox = type && !strcmp(type, "sandbox");
	json_object_set_new(rec, "role", json_string(sandbox ? "sandbox" : "workload"));
	json_object_set_new(rec, "kubernetes", k);
	json_object_set_new(s->link, "flavour", json_string(flavour));
	if (type && !sandbox)
		json_object_set_new(rec, "sandbox", json_pack("{s:o, s:b, s:n}", "id", jstr(sid),
							       "found", 0, "source"));
	else
		json_object_set_new(rec, "sandbox", json_null());
	json_object_set_new(rec, "running", json_true());
	ctrrec_set_name(rec, s->env->id);
}

/* ---- capabilities and privileged ---- */

static void set_capabilities(struct spec *s)
{
	static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable", "ambient", NULL };
	const json_t *caps = obj(obj(s->root, "process"), "capabilities");
	json_t *out = json_object();
	for (const char *const *k = sets; *k; k++) {
		char *path = xasprintf("process.capabilities.%s", *k);
		if (caps && !json_is_object(caps))
			json_object_set_new(out, *k, ctrrec_error("%s#process.capabilities is not an object", s->src));
		else
			/* runc: a set that is not given is empty; no key means no capabilities, not all. */
			json_object_set_new(out, *k, list_field(s, obj(caps, *k), path));
		free(path);
	}
	const char *runtime = json_string_value(json_object_get(s->rec, "runtime"));
	const char *const *def = ctrrec_default_caps(runtime);
	json_t *dl = json_array();
	for (const char *const *c = def; *c; c++)
		json_array_append_new(dl, json_string(*c));
	char *dsrc = xasprintf("default(%s)", runtime);
	json_object_set_new(out, "default_set", ctrrec_field(dl, dsrc, NULL));
	free(dsrc);
	json_t *b = json_object_get(json_object_get(out, "bounding"), "value");
	if (b)
		json_object_set_new(out, "added", field(s, ctrrec_caps_beyond(b, def),
							"process.capabilities.bounding"));
	else
		json_object_set(out, "added", json_object_get(out, "bounding"));
	json_object_set_new(s->rec, "capabilities", out);
}

/* linux.resources.devices lets every device through (the privileged rule: allow, no type or "a", no numbers). */
static int devices_allow_all(const json_t *devs)
{
	size_t i;
	json_t *d;
	json_array_foreach(devs, i, d) {
		const char *type = json_string_value(json_object_get(d, "type"));
		if (json_is_true(json_object_get(d, "allow")) && (!type || !strcmp(type, "a")) &&
		    !json_is_integer(json_object_get(d, "major")) && !json_is_integer(json_object_get(d, "minor")))
			return 1;
	}
	return 0;
}

static int empty_list(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0);
}

static void set_privileged(struct spec *s)
{
	const json_t *lin = obj(s->root, "linux");
	const json_t *devs = obj(obj(lin, "resources"), "devices");
	const json_t *bnd = json_object_get(json_object_get(json_object_get(s->rec, "capabilities"), "bounding"), "value");
	int all_dev = devices_allow_all(devs);
	int unmasked = empty_list(obj(lin, "maskedPaths")) && empty_list(obj(lin, "readonlyPaths"));
	int sys_admin = ctrrec_has(bnd, "CAP_SYS_ADMIN");
	/*
	 * Every capability the daemon holds (a daemon may lack a few: 40 of
	 * 41 on the lab host) stands for the device rule when the runtime is
	 * configured privileged_without_host_devices.
	 */
	size_t nall = 0;
	for (const char *const *c = ctrrec_all_caps(); *c; c++)
		nall += ctrrec_has(bnd, *c);
	int all_caps = nall + 3 >= 41;
	/*
	 * Neither containerd nor CRI-O writes "privileged" into the spec:
	 * oci.WithPrivileged is every capability the daemon holds, no masked
	 * or read-only paths, and (with host devices) an allow-all device
	 * cgroup.  Each alone has other causes, judged under its own control.
	 */
	json_t *f = field(s, json_boolean((all_dev || all_caps) && unmasked && sys_admin),
			  "process.capabilities.bounding,linux.maskedPaths,linux.readonlyPaths,linux.resources.devices");
	char *why = xasprintf("CAP_SYS_ADMIN %s (%zu of 41 capabilities); masked and read-only paths %s; device cgroup %s",
			      sys_admin ? "held" : "not held", nall, unmasked ? "none" : "present",
			      all_dev ? "allows every device" : "restricted");
	json_object_set_new(f, "why", json_string(why));
	free(why);
	json_object_set_new(s->rec, "privileged", f);
	json_object_set_new(s->rec, "device_cgroup_allow_all", field(s, json_boolean(all_dev), "linux.resources.devices"));
	json_t *paths = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(obj(lin, "devices"), i, d) {
		const char *p = json_string_value(json_object_get(d, "path"));
		if (p)
			json_array_append_new(paths, jstr(p));
	}
	json_object_set_new(s->rec, "devices", field(s, paths, "linux.devices"));
	json_object_set_new(s->rec, "masked_paths", list_field(s, obj(lin, "maskedPaths"), "linux.maskedPaths"));
	json_object_set_new(s->rec, "readonly_paths", list_field(s, obj(lin, "readonlyPaths"), "linux.readonlyPaths"));
	/* The kubelet sends empty lists for procMount: Unmasked (pkg/securitycontext ConvertToRuntimeMaskedPaths). */
	const json_t *mp = obj(lin, "maskedPaths");
	if (mp && !json_is_null(mp) && !json_is_array(mp))
		json_object_set_new(s->rec, "proc_mount", ctrrec_error("%s#linux.maskedPaths is not a list", s->src));
	else
		json_object_set_new(s->rec, "proc_mount", field(s, json_string(empty_list(mp) ? "Unmasked" : "Default"),
								"linux.maskedPaths"));
}

/* ---- namespaces ---- */

static void set_namespaces(struct spec *s)
{
	const json_t *nss = obj(obj(s->root, "linux"), "namespaces");
	json_t *ns = json_object();
	json_object_set_new(s->link, "ns", ns);
	json_t *user = json_object_get(s->rec, "user");
	if (nss && !json_is_array(nss)) {
		json_object_set_new(user, "userns", ctrrec_error("%s#linux.namespaces is not a list", s->src));
		json_object_set_new(s->rec, "namespaces", ctrrec_error("%s#linux.namespaces is not a list", s->src));
		json_object_set_new(s->link, "ns_error", json_string("linux.namespaces is not a list"));
		return;
	}
	json_t *list = json_array();
	size_t i;
	json_t *e;
	int bad = 0;
	json_array_foreach(nss, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		json_t *path = json_object_get(e, "path");
		if (!type || (path && !json_is_string(path))) {
			bad = 1;
			continue;
		}
		const char *p = json_string_value(path);
		json_object_set_new(ns, type, jstr(p ? p : ""));
		json_array_append_new(list, json_pack("{s:o, s:o}", "type", jstr(type), "path", p ? jstr(p) : json_null()));
	}
	if (bad) {
		json_decref(list);
		json_object_set_new(user, "userns", ctrrec_error("%s#linux.namespaces has a malformed entry", s->src));
		json_object_set_new(s->rec, "namespaces", ctrrec_error("%s#linux.namespaces has an entry without a type or with a path that is not a string", s->src));
		json_object_set_new(s->link, "ns_error", json_string("linux.namespaces has a malformed entry"));
		return;
	}
	json_object_set_new(s->rec, "namespaces", field(s, list, "linux.namespaces"));
	/* User namespace: uid 0 inside is a mapped, unprivileged uid outside. */
	int userns = json_object_get(ns, "user") &&
		     (json_string_length(json_object_get(ns, "user")) > 0 ||
		      json_array_size(obj(obj(s->root, "linux"), "uidMappings")) > 0);
	json_object_set_new(user, "userns",
			    field(s, json_boolean(userns), "linux.namespaces,linux.uidMappings"));
}

/* ---- mounts ---- */

static void set_mounts(struct spec *s)
{
	const json_t *ms = obj(s->root, "mounts");
	if (ms && !json_is_array(ms)) {
		json_object_set_new(s->rec, "mounts", ctrrec_error("%s#mounts is not a list", s->src));
		return;
	}
	const json_t *k = json_object_get(s->rec, "kubernetes");
	const char *sid = json_string_value(json_object_get(k, "sandbox_id"));
	/* The runtime's own directories for this container and its sandbox. */
	size_t nb = 0;
	for (const char *const *b = s->env->runtime_bases; b && *b; b++)
		nb++;
	char **dirs = xcalloc(2 * nb + 1, sizeof(*dirs));
	size_t nd = 0;
	for (size_t i = 0; i < nb; i++) {
		const char *base = s->env->runtime_bases[i];
		/* CRI-O keeps them in overlay-containers/ID/userdata. */
		const char *tail = strstr(base, "overlay-containers") ? "/userdata" : "";
		if (s->env->id && *s->env->id && !strchr(s->env->id, '/'))
			dirs[nd++] = xasprintf("%s/%s%s", base, s->env->id, tail);
		if (sid && *sid && !strchr(sid, '/'))
			dirs[nd++] = xasprintf("%s/%s%s", base, sid, tail);
	}
	struct ctrrec_paths p = {
		.kubelet_root = s->env->kubelet_root,
		.pod_uid = json_string_value(json_object_get(k, "pod_uid")),
		.runtime_dirs = (const char *const *)dirs,
		.docker_root = s->env->docker_root,
	};
	json_t *list = json_array();
	size_t i;
	json_t *m;
	int shm_host = 0;
	json_array_foreach(ms, i, m) {
		const char *dest = json_string_value(json_object_get(m, "destination"));
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *src = json_string_value(json_object_get(m, "source"));
		json_t *opts = json_object_get(m, "options");
		if (!json_is_object(m) || !dest || (opts && !is_string_list(opts))) {
			json_array_append_new(list, ctrrec_error("%s#mounts[%zu] has no destination or malformed options", s->src, i));
			continue;
		}
		int bind = (type && !strcmp(type, "bind")) || jstr_array_has(opts, "bind") || jstr_array_has(opts, "rbind");
		json_t *o = json_pack("{s:o, s:o, s:o, s:o}", "destination", jstr(dest), "type", jstr(type),
				      "source", jstr(src), "options", opts ? json_deep_copy(opts) : json_array());
		json_object_set_new(o, "read_only", json_boolean(jstr_array_has(opts, "ro")));
		ctrrec_classify_mount(o, &p, type, src, dest, bind);
		const char *kind = json_string_value(json_object_get(o, "kind"));
		if (!strcmp(kind, "host-ipc"))
			shm_host = 1;
		json_array_append_new(list, o);
	}
	for (size_t k2 = 0; k2 < nd; k2++)
		free(dirs[k2]);
	free(dirs);
	json_object_set_new(s->rec, "mounts", field(s, list, "mounts"));
	json_object_set_new(s->link, "shm_host", json_boolean(shm_host));
}

/* ---- user, privileges, root ---- */

static void set_user(struct spec *s)
{
	const json_t *proc = obj(s->root, "process");
	const json_t *u = obj(proc, "user");
	json_t *user = json_object();
	json_object_set_new(s->rec, "user", user);
	if (!proc) {
		json_object_set_new(user, "uid", ctrrec_error("%s has no process", s->src));
		json_object_set_new(user, "gid", ctrrec_error("%s has no process", s->src));
		json_object_set_new(user, "additional_gids", ctrrec_error("%s has no process", s->src));
		return;
	}
	if (u && !json_is_object(u)) {
		json_object_set_new(user, "uid", ctrrec_error("%s#process.user is not an object", s->src));
		json_object_set_new(user, "gid", ctrrec_error("%s#process.user is not an object", s->src));
		json_object_set_new(user, "additional_gids", ctrrec_error("%s#process.user is not an object", s->src));
		return;
	}
	static const char *const ids[] = { "uid", "gid" };
	for (int i = 0; i < 2; i++) {
		const json_t *v = obj(u, ids[i]);
		char *path = xasprintf("process.user.%s", ids[i]);
		if (!v) {
			/* runc reads a missing id as 0: root. */
			char *p = xasprintf("%s (absent: 0)", path);
			json_object_set_new(user, ids[i], field(s, json_integer(0), p));
			free(p);
		} else if (!json_is_integer(v) || json_integer_value(v) < 0) {
			json_object_set_new(user, ids[i], ctrrec_error("%s#%s is not a uid or gid", s->src, path));
		} else {
			json_object_set_new(user, ids[i], field(s, json_incref((json_t *)v), path));
		}
		free(path);
	}
	const json_t *ag = obj(u, "additionalGids");
	json_t *agc = ag ? json_deep_copy(ag) : json_array();
	size_t i;
	json_t *g;
	int ok = json_is_array(agc);
	json_array_foreach(agc, i, g)
		ok &= json_is_integer(g);
	if (ok)
		json_object_set_new(user, "additional_gids", field(s, agc, "process.user.additionalGids"));
	else {
		json_decref(agc);
		json_object_set_new(user, "additional_gids", ctrrec_error("%s#process.user.additionalGids is not a list of ids", s->src));
	}
}

static void set_flags(struct spec *s)
{
	const json_t *proc = obj(s->root, "process");
	/* Kubelet AddNoNewPrivileges: true exactly when allowPrivilegeEscalation is false. */
	json_object_set_new(s->rec, "no_new_privileges",
			    proc ? bool_field(s, obj(proc, "noNewPrivileges"), "process.noNewPrivileges")
				 : ctrrec_error("%s has no process", s->src));
	json_object_set_new(s->rec, "readonly_rootfs", bool_field(s, obj(obj(s->root, "root"), "readonly"), "root.readonly"));
}

/* ---- seccomp, AppArmor, SELinux ---- */

static void set_seccomp(struct spec *s)
{
	const json_t *sc = obj(obj(s->root, "linux"), "seccomp");
	const char *crio = ann_str(s, "io.kubernetes.cri-o.SeccompProfilePath");
	if (sc && !json_is_null(sc) && !json_is_object(sc)) {
		json_object_set_new(s->rec, "seccomp", ctrrec_error("%s#linux.seccomp is not an object", s->src));
		return;
	}
	json_t *f;
	if (!sc || json_is_null(sc)) {
		/*
		 * No filter: the kubelet sent Unconfined, for an explicit
		 * Unconfined and for an undefined profile alike (unless
		 * seccompDefault); the container runs unconfined either way.
		 */
		f = field(s, json_string("unconfined"), "linux.seccomp (absent)");
	} else {
		const char *how = "profile";
		if (crio && (!strcmp(crio, "RuntimeDefault") || !strcmp(crio, "runtime/default") ||
			     !strcmp(crio, "docker/default")))
			how = "runtime/default";
		else if (crio && (crio[0] == '/' || !strncmp(crio, "localhost/", 10)))
			how = "localhost";
		f = field(s, json_string(how), crio ? "linux.seccomp,annotations[\"io.kubernetes.cri-o.SeccompProfilePath\"]"
						    : "linux.seccomp");
		const char *act = json_string_value(json_object_get(sc, "defaultAction"));
		json_object_set_new(f, "why", jstr(act ? act : "no defaultAction"));
	}
	json_object_set_new(s->rec, "seccomp", f);
}

static void set_apparmor(struct spec *s)
{
	const json_t *v = obj(obj(s->root, "process"), "apparmorProfile");
	if (v && !json_is_string(v)) {
		json_object_set_new(s->rec, "apparmor", ctrrec_error("%s#process.apparmorProfile is not a string", s->src));
		return;
	}
	const char *p = json_string_value(v);
	json_t *f;
	if (p && *p)
		f = field(s, jstr(p), "process.apparmorProfile");
	else if (s->env->apparmor == 1)
		/* containerd and CRI-O set no profile for Unconfined (or privileged): runc leaves the process unconfined. */
		f = field(s, json_string("unconfined"), "process.apparmorProfile (absent, on a host that enables AppArmor)");
	else if (s->env->apparmor == 0)
		f = ctrrec_skipped("the host does not enable AppArmor (%s)", s->env->apparmor_source);
	else
		f = ctrrec_error("%s sets no AppArmor profile, and whether the host enables AppArmor is unknown (%s)",
				 s->src, s->env->apparmor_source ? s->env->apparmor_source : "not read");
	json_object_set_new(s->rec, "apparmor", f);
}

static void set_selinux(struct spec *s)
{
	const json_t *v = obj(obj(s->root, "process"), "selinuxLabel");
	json_t *se = json_object();
	json_object_set_new(s->rec, "selinux", se);
	if (v && !json_is_string(v)) {
		json_t *e = ctrrec_error("%s#process.selinuxLabel is not a string", s->src);
		json_object_set(se, "label", e);
		json_object_set(se, "user", e);
		json_object_set(se, "role", e);
		json_object_set_new(se, "type", e);
		return;
	}
	const char *label = json_string_value(v) ? json_string_value(v) : "";
	/* user:role:type:level (the level itself may hold colons). */
	char *parts[3] = { NULL, NULL, NULL };
	const char *p = label;
	for (int i = 0; i < 3 && *label; i++) {
		size_t n = strcspn(p, ":");
		parts[i] = xstrndup(p, n);
		p += n;
		if (*p == ':')
			p++;
	}
	json_object_set_new(se, "label", field(s, jstr(label), "process.selinuxLabel"));
	static const char *const names[] = { "user", "role", "type" };
	for (int i = 0; i < 3; i++) {
		json_object_set_new(se, names[i], field(s, jstr(parts[i] ? parts[i] : ""), "process.selinuxLabel"));
		free(parts[i]);
	}
}

/* ---- sysctls, resources, pod annotations ---- */

static void set_sysctl(struct spec *s)
{
	const json_t *v = obj(obj(s->root, "linux"), "sysctl");
	if (v && !json_is_null(v) && !json_is_object(v)) {
		json_object_set_new(s->link, "sysctl_error", json_string("linux.sysctl is not an object"));
		return;
	}
	json_object_set_new(s->link, "sysctl", v && json_is_object(v) ? json_deep_copy(v) : json_object());
}

static void set_resources(struct spec *s)
{
	const json_t *r = obj(obj(s->root, "linux"), "resources");
	json_t *o = json_object();
	json_object_set_new(o, "memory_limit", int_field(s, obj(obj(r, "memory"), "limit"), "linux.resources.memory.limit"));
	json_object_set_new(o, "cpu_shares", int_field(s, obj(obj(r, "cpu"), "shares"), "linux.resources.cpu.shares"));
	json_object_set_new(o, "cpu_quota", int_field(s, obj(obj(r, "cpu"), "quota"), "linux.resources.cpu.quota"));
	json_object_set_new(o, "cpu_period", int_field(s, obj(obj(r, "cpu"), "period"), "linux.resources.cpu.period"));
	json_object_set_new(o, "pids_limit", int_field(s, obj(obj(r, "pids"), "limit"), "linux.resources.pids.limit"));
	json_object_set_new(s->rec, "resources", o);
}

/* An annotation holding JSON (CRI-O's NamespaceOptions, PortMappings, container ports). */
static void ann_json(struct spec *s, const char *key, const char *as)
{
	const char *t = ann_str(s, key);
	if (!t)
		return;
	json_error_t je;
	json_t *v = json_loads(t, 0, &je);
	if (!v) {
		char *m = xasprintf("%s#annotations[\"%s\"] is not JSON: %s", s->src, key, je.text);
		json_object_set_new(s->link, as, json_pack("{s:s}", "error", m));
		free(m);
		return;
	}
	json_object_set_new(s->link, as, v);
}

static void set_pod_annotations(struct spec *s)
{
	ann_json(s, "io.kubernetes.cri-o.NamespaceOptions", "ns_options");
	ann_json(s, "io.kubernetes.cri-o.PortMappings", "port_mappings");
	ann_json(s, "io.kubernetes.container.ports", "container_ports");
	const char *hn = ann_str(s, "io.kubernetes.cri-o.HostNetwork");
	if (hn)
		json_object_set_new(s->link, "host_network", json_boolean(!strcmp(hn, "true")));
}

/* ---- Windows ---- */

static void set_windows(struct spec *s)
{
	static const char *const linux_only[] = {
		"privileged", "capabilities", "namespaces", "host_namespaces", "host_ports", "mounts",
		"user", "no_new_privileges", "readonly_rootfs", "seccomp", "apparmor", "selinux",
		"sysctls", "masked_paths", "readonly_paths", "proc_mount", "devices",
		"device_cgroup_allow_all", "resources", NULL
	};
	for (const char *const *k = linux_only; *k; k++)
		json_object_set_new(s->rec, *k, ctrrec_skipped("a Windows container: boxaudit reads the Linux settings of OCI specs only"));
	const char *hp = ann_str(s, "microsoft.com/hostprocess-container");
	/* containerd's CRI on Windows marks HostProcess containers with this annotation. */
	json_object_set_new(s->rec, "host_process", field(s, json_boolean(hp && !strcmp(hp, "true")),
							   "annotations[\"microsoft.com/hostprocess-container\"]"));
	json_object_set_new(s->rec, "os", json_string("windows"));
}

json_t *ocispec_record(const char *text, size_t len, const struct ocispec_env *env, char **err)
{
	json_error_t je;
	/* As runc reads it (Go encoding/json): a repeated key takes the last value. */
	json_t *root = json_loadb(text, len, 0, &je);
	if (!root) {
		*err = xasprintf("'%s':%d:%d: not valid JSON: %s", env->source + (strncmp(env->source, "oci:", 4) ? 0 : 4),
				 je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		*err = xasprintf("'%s': not an OCI runtime spec (the top level is not an object)",
				 env->source + (strncmp(env->source, "oci:", 4) ? 0 : 4));
		json_decref(root);
		return NULL;
	}
	struct spec s = { .root = root, .env = env, .src = env->source };
	s.rec = json_object();
	s.link = json_object();
	json_object_set_new(s.rec, "_source", jstr(env->source));
	json_object_set_new(s.rec, "__link", s.link);
	s.ann = json_is_object(json_object_get(root, "annotations")) ? json_object_get(root, "annotations") : NULL;
	set_identity(&s);
	if (json_is_object(json_object_get(root, "windows")) && !json_object_get(root, "linux")) {
		set_windows(&s);
		json_decref(root);
		return s.rec;
	}
	json_object_set_new(s.rec, "os", json_string("linux"));
	json_object_set_new(s.rec, "host_process",
			    ctrrec_skipped("HostProcess containers exist on Windows only; this is a Linux container"));
	set_user(&s);
	set_capabilities(&s);
	set_privileged(&s);
	set_namespaces(&s);
	set_mounts(&s);
	set_flags(&s);
	set_seccomp(&s);
	set_apparmor(&s);
	set_selinux(&s);
	set_sysctl(&s);
	set_resources(&s);
	set_pod_annotations(&s);
	json_decref(root);
	return s.rec;
}

const char *ocispec_sandbox_id(const json_t *rec)
{
	return json_string_value(json_object_get(json_object_get(rec, "sandbox"), "id"));
}

/* ---- linking an app container to its sandbox ---- */

/* A namespace pinned to a file (CNI's /var/run/netns/cni-..., CRI-O's /var/run/ipcns/...): the pod's own. */
static int pinned(const char *path)
{
	const char *p = !strncmp(path, "/var/run/", 9) ? path + 9 : !strncmp(path, "/run/", 5) ? path + 5 : NULL;
	if (!p)
		return 0;
	size_t n = strcspn(p, "/");
	return n >= 3 && !strncmp(p + n - 2, "ns", 2) && p[n] == '/' && p[n + 1];
}

static int proc_ns_path(const char *path)
{
	if (strncmp(path, "/proc/", 6))
		return 0;
	const char *p = path + 6;
	size_t n = strspn(p, "0123456789");
	return n > 0 && !strncmp(p + n, "/ns/", 4);
}

/* 1: the host's, 0: not, -1: cannot tell (*why). */
static int ns_is_host(const json_t *rec, const char *type, const json_t *sandbox,
		      const struct ocispec_host *host, char **why)
{
	const json_t *link = json_object_get(rec, "__link");
	const json_t *ns = json_object_get(link, "ns");
	const json_t *e = json_object_get(ns, type);
	const char *flavour = json_string_value(json_object_get(link, "flavour"));
	int pod = flavour && strcmp(flavour, "plain");
	if (!e)
		return 1;	/* no entry: runc stays in its own (the host's) namespace */
	const char *path = json_string_value(e);
	if (!*path || pinned(path))
		return 0;
	if (pod && proc_ns_path(path) && sandbox) {
		/* The CRI's app container joins /proc/<sandbox pid>/ns/TYPE: the sandbox decides. */
		const json_t *sns = json_object_get(json_object_get(sandbox, "__link"), "ns");
		const json_t *se = json_object_get(sns, type);
		if (!se)
			return 1;
		const char *sp = json_string_value(se);
		if (!*sp || pinned(sp))
			return 0;
	}
	if (host && host->same_ns) {
		char *w = NULL;
		int r = host->same_ns(host->arg, type, path, &w);
		if (r >= 0) {
			free(w);
			return r;
		}
		*why = w;
	}
	if (!*why)
		*why = pod ? xasprintf("it joins the %s namespace %s, and its pod sandbox's spec was not found", type, path)
			   : xasprintf("it joins the %s namespace %s, which cannot be compared with the host's offline", type, path);
	return -1;
}

static int crio_opt_node(const json_t *opts, const char *key)
{
	/* CRI NamespaceMode: POD 0, CONTAINER 1, NODE 2, TARGET 3. */
	return json_is_object(opts) && json_integer_value(json_object_get(opts, key)) == 2;
}

static void link_namespaces(json_t *rec, const json_t *sandbox, const struct ocispec_host *host)
{
	json_t *link = json_object_get(rec, "__link");
	const char *src = json_string_value(json_object_get(rec, "_source"));
	if (json_object_get(link, "ns_error")) {
		json_object_set_new(rec, "host_namespaces", ctrrec_error("%s#%s", src,
			json_string_value(json_object_get(link, "ns_error"))));
		return;
	}
	const json_t *pod = sandbox ? sandbox : rec;
	const json_t *plink = json_object_get(pod, "__link");
	const json_t *opts = json_object_get(plink, "ns_options");
	json_t *host_list = json_array();
	char *unknown = NULL;
	char *srcs = xstrdup("linux.namespaces");
	for (const char *const *t = ns_types; *t; t++) {
		char *why = NULL;
		int h = ns_is_host(rec, *t, sandbox, host, &why);
		if (h != 1 && crio_opt_node(opts, *t))
			h = 1;
		if (h != 1 && !strcmp(*t, "network") && json_is_true(json_object_get(plink, "host_network")))
			h = 1;
		if (h != 1 && !strcmp(*t, "ipc") && json_is_true(json_object_get(link, "shm_host")))
			h = 1;
		if (h == 1)
			json_array_append_new(host_list, json_string(*t));
		else if (h < 0 && !unknown)
			unknown = why, why = NULL;
		free(why);
	}
	if (sandbox) {
		char *n = xasprintf("%s; sandbox %s#linux.namespaces", srcs,
				    json_string_value(json_object_get(sandbox, "_source")));
		free(srcs);
		srcs = n;
	}
	if (opts) {
		char *n = xasprintf("%s, annotations[\"io.kubernetes.cri-o.NamespaceOptions\"]", srcs);
		free(srcs);
		srcs = n;
	}
	if (json_array_size(host_list) || !unknown)
		json_object_set_new(rec, "host_namespaces", ctrrec_field(host_list, src, srcs));
	else {
		json_decref(host_list);
		json_object_set_new(rec, "host_namespaces", ctrrec_error("cannot tell whether the container shares a namespace with the host: %s", unknown));
	}
	free(unknown);
	free(srcs);
}

static void add_names(json_t *names, const json_t *sysctl)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)sysctl, k, v)
		if (!ctrrec_has(names, k))
			json_array_append_new(names, jstr(k));
}

static void link_sysctls(json_t *rec, const json_t *sandbox, int pod)
{
	json_t *link = json_object_get(rec, "__link");
	const char *src = json_string_value(json_object_get(rec, "_source"));
	const char *role = json_string_value(json_object_get(rec, "role"));
	if (json_object_get(link, "sysctl_error")) {
		json_object_set_new(rec, "sysctls", ctrrec_error("%s#linux.sysctl is not an object", src));
		return;
	}
	json_t *names = json_array();
	add_names(names, json_object_get(link, "sysctl"));
	if (pod && !strcmp(role, "workload")) {
		/* Pod sysctls go into the sandbox's spec (containerd sandbox_run_linux.go, CRI-O). */
		const json_t *sl = json_object_get(sandbox, "__link");
		if (!sandbox) {
			json_decref(names);
			json_object_set_new(rec, "sysctls", ctrrec_error("the pod's sysctls are in its sandbox's spec, and sandbox '%s' was not found",
					     ocispec_sandbox_id(rec) ? ocispec_sandbox_id(rec) : "?"));
			return;
		}
		if (json_object_get(sl, "sysctl_error")) {
			json_decref(names);
			json_object_set_new(rec, "sysctls", ctrrec_error("%s#linux.sysctl is not an object",
					     json_string_value(json_object_get(sandbox, "_source"))));
			return;
		}
		add_names(names, json_object_get(sl, "sysctl"));
		char *both = xasprintf("linux.sysctl; sandbox %s#linux.sysctl",
				       json_string_value(json_object_get(sandbox, "_source")));
		json_object_set_new(rec, "sysctls", ctrrec_field(names, src, both));
		free(both);
		return;
	}
	json_object_set_new(rec, "sysctls", ctrrec_field(names, src, "linux.sysctl"));
}

/* Append the non-zero host ports of a list of mappings (key: "HostPort" or "hostPort"). */
static int add_ports(json_t *ports, const json_t *list, const char *key)
{
	if (!json_is_array(list))
		return -1;
	size_t i;
	json_t *m;
	json_array_foreach(list, i, m) {
		json_t *hp = json_object_get(m, key);
		if (json_is_integer(hp) && json_integer_value(hp) > 0) {
			int dup = 0;
			size_t k;
			json_t *x;
			json_array_foreach(ports, k, x)
				dup |= json_integer_value(x) == json_integer_value(hp);
			if (!dup)
				json_array_append(ports, hp);
		} else if (hp && !json_is_integer(hp)) {
			return -1;
		}
	}
	return 0;
}

static void link_ports(json_t *rec, const json_t *sandbox, const char *flavour)
{
	json_t *link = json_object_get(rec, "__link");
	const char *src = json_string_value(json_object_get(rec, "_source"));
	const json_t *pod = sandbox ? sandbox : rec;
	const json_t *plink = json_object_get(pod, "__link");
	const json_t *hn = json_object_get(rec, "host_namespaces");
	int hostnet = ctrrec_has(json_object_get(hn, "value"), "network");
	if (!strcmp(flavour, "crio")) {
		const json_t *pm = json_object_get(plink, "port_mappings");
		const json_t *cp = json_object_get(link, "container_ports");
		if (!pm && !cp) {
			json_object_set_new(rec, "host_ports", hostnet ?
				ctrrec_skipped("a hostNetwork pod: its container ports are the host's, and the spec does not list them (see host-namespaces)") :
				ctrrec_skipped("CRI-O's spec has no port annotations for this container"));
			return;
		}
		json_t *ports = json_array();
		if ((pm && add_ports(ports, pm, "HostPort") < 0) || (cp && add_ports(ports, cp, "hostPort") < 0)) {
			json_decref(ports);
			json_object_set_new(rec, "host_ports", ctrrec_error("%s: malformed io.kubernetes.cri-o.PortMappings or io.kubernetes.container.ports annotation", src));
			return;
		}
		const char *psrc = json_string_value(json_object_get(pod, "_source"));
		char *s = xasprintf("%s%s%s%s%s", pm ? psrc : "", pm ? "#annotations[\"io.kubernetes.cri-o.PortMappings\"]" : "",
				    pm && cp ? ", " : "", cp ? src : "", cp ? "#annotations[\"io.kubernetes.container.ports\"]" : "");
		json_object_set_new(rec, "host_ports", ctrrec_field(ports, s, NULL));
		free(s);
		return;
	}
	const json_t *cni = json_object_get(plink, "cni_ports");
	if (cni) {
		json_object_set(rec, "host_ports", (json_t *)cni);
		return;
	}
	if (hostnet)
		json_object_set_new(rec, "host_ports", ctrrec_skipped(
			"a hostNetwork pod: no CNI port mappings, its container ports are the host's, and the spec does not list them (see host-namespaces)"));
	else if (!strcmp(flavour, "cri") && !sandbox)
		json_object_set_new(rec, "host_ports", ctrrec_skipped(
			"host ports are not in containerd's OCI spec, and the pod's sandbox (whose CNI cache entry would list them) was not found"));
	else
		json_object_set_new(rec, "host_ports", ctrrec_skipped(
			"host ports are not in containerd's OCI spec, and no CNI cache entry (/var/lib/cni/results/*-%s-*) names the %s",
			strcmp(flavour, "cri") ? json_string_value(json_object_get(rec, "id")) : ocispec_sandbox_id(rec),
			strcmp(flavour, "cri") ? "container" : "pod's sandbox"));
}

void ocispec_link(json_t *rec, const json_t *sandbox, const struct ocispec_host *host)
{
	json_t *link = json_object_get(rec, "__link");
	if (!link || !strcmp(json_string_value(json_object_get(rec, "os")), "windows"))
		return;
	const char *flavour = json_string_value(json_object_get(link, "flavour"));
	json_t *sb = json_object_get(rec, "sandbox");
	if (json_is_object(sb) && sandbox) {
		json_object_set_new(sb, "found", json_true());
		json_object_set(sb, "source", json_object_get(sandbox, "_source"));
	}
	link_namespaces(rec, sandbox, host);
	link_sysctls(rec, sandbox, strcmp(flavour, "plain") != 0);
	link_ports(rec, sandbox, flavour);
}

int ocispec_cni_ports(const char *text, size_t len, json_t *ports, char **err)
{
	json_error_t je;
	json_t *c = json_loadb(text, len, 0, &je);
	if (!json_is_object(c)) {
		*err = c ? xstrdup("not a JSON object") : xasprintf("%d:%d: not valid JSON: %s", je.line, je.column, je.text);
		json_decref(c);
		return -1;
	}
	const json_t *pm = json_object_get(json_object_get(c, "capabilityArgs"), "portMappings");
	int rc = 0;
	if (pm && add_ports(ports, pm, "hostPort") < 0) {
		*err = xstrdup("capabilityArgs.portMappings is not a list of port mappings");
		rc = -1;
	}
	json_decref(c);
	return rc;
}

void ocispec_set_cni_ports(json_t *rec, json_t *field)
{
	json_t *link = json_object_get(rec, "__link");
	if (link)
		json_object_set_new(link, "cni_ports", field);
	else
		json_decref(field);
}

void ocispec_finish(json_t *rec)
{
	json_object_del(rec, "__link");
}
