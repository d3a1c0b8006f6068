#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "collect/oci.h"
#include "collect/selfid.h"
#include "parse/ctrrec.h"
#include "parse/ocispec.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define CONTAINERD_STATE "/run/containerd"
#define CONTAINERD_ROOT "/var/lib/containerd"
#define CRIO_STATE "/run/containers/storage"
#define CRIO_GRAPHROOT "/var/lib/containers/storage"
#define KUBELET_ROOT "/var/lib/kubelet"
#define DOCKER_ROOT "/var/lib/docker"
#define CNI_RESULTS "/var/lib/cni/results"

struct scan {
	struct collect_ctx *ctx;
	json_t *records;	/* runtime.containers being built */
	json_t *index;		/* "runtime\nnamespace\nid" -> record (borrowed) */
	size_t count;		/* bundles read */
	int truncated;
	char *kubelet_root;
	char *docker_root;
	int apparmor;
	char *apparmor_source;
};

static const char *setting_string(json_t *facts, const char *path, const char **source)
{
	json_t *v = facts_get(facts, path, NULL);
	*source = json_string_value(json_object_get(v, "source"));
	return json_string_value(json_object_get(v, "value"));
}

/* Is AppArmor on?  /sys/module/apparmor/parameters/enabled says Y, the module's absence says no. */
static void read_apparmor(struct scan *s, json_t *runtime)
{
	struct buf b;
	char *err = NULL;
	buf_init(&b, 64);
	const char *p = "/sys/module/apparmor/parameters/enabled";
	if (rootfs_read(s->ctx->root, p, 64, &b, &err) == 0) {
		s->apparmor = b.data[0] == 'Y';
		s->apparmor_source = xasprintf("file:%s is %.1s", p, b.data[0] ? b.data : "empty");
	} else if (errno == ENOENT) {
		struct stat st;
		free(err);
		err = NULL;
		if (rootfs_stat(s->ctx->root, "/sys/module", 1, &st, NULL) == 0 && S_ISDIR(st.st_mode)) {
			s->apparmor = 0;
			s->apparmor_source = xstrdup("file:/sys/module has no apparmor module");
		} else {
			s->apparmor = -1;
			s->apparmor_source = xstrdup("/sys/module is not in the audited root");
		}
	} else {
		s->apparmor = -1;
		s->apparmor_source = xasprintf("cannot read %s: %s", p, err ? err : "error");
	}
	free(err);
	buf_release(&b);
	json_object_set_new(runtime, "apparmor", fact_value(s->apparmor < 0 ? json_null() : json_boolean(s->apparmor),
							     s->apparmor_source));
}

static char *index_key(const char *runtime, const char *ns, const char *id)
{
	return xasprintf("%s\n%s\n%s", runtime, ns ? ns : "", id);
}

/* An entry that stands for a container (or a directory) that could not be read: an ERROR finding. */
static json_t *error_entry(const char *runtime, const char *ns, const char *id, const char *path,
			   const char *msg)
{
	char *src = xasprintf("oci:%s", path);
	json_t *e = json_object();
	json_object_set_new(e, "_name", jstr(id));
	json_object_set_new(e, "_source", jstr(src));
	json_object_set_new(e, "id", jstr(id));
	json_object_set_new(e, "runtime", json_string(runtime));
	json_object_set_new(e, "runtime_namespace", jstr(ns));
	json_object_set_new(e, "error", jstr(msg));
	free(src);
	return e;
}

static void read_bundle(struct scan *s, const char *runtime, const char *ns, const char *id,
			const char *path, const char *const *bases, int missing_ok)
{
	if (s->count >= OCI_MAX_CONTAINERS) {
		s->truncated = 1;
		return;
	}
	struct buf b;
	char *err = NULL;
	buf_init(&b, OCI_SPEC_CAP);
	if (rootfs_read(s->ctx->root, path, OCI_SPEC_CAP, &b, &err) < 0) {
		int e = errno;
		if (!(missing_ok && e == ENOENT)) {
			char *m = e == ENOENT ? xasprintf("the bundle has no '%s'", path) :
				  e == EFBIG ? xasprintf("'%s' is larger than %u bytes", path, OCI_SPEC_CAP) : xstrdup(err);
			json_array_append_new(s->records, error_entry(runtime, ns, id, path, m));
			free(m);
			s->count++;
		}
		free(err);
		buf_release(&b);
		return;
	}
	s->count++;
	char *src = xasprintf("oci:%s", path);
	struct ocispec_env env = {
		.runtime = runtime, .source = src, .id = id, .runtime_namespace = ns,
		.kubelet_root = s->kubelet_root, .runtime_bases = bases,
		.docker_root = ns && !strcmp(ns, "moby") ? s->docker_root : NULL,
		.apparmor = s->apparmor, .apparmor_source = s->apparmor_source,
	};
	json_t *rec = ocispec_record(b.data, b.len, &env, &err);
	if (!rec) {
		json_array_append_new(s->records, error_entry(runtime, ns, id, path, err));
		free(err);
	} else {
		json_array_append_new(s->records, rec);
		char *key = index_key(runtime, ns, id);
		json_object_set(s->index, key, rec);
		free(key);
	}
	free(src);
	buf_release(&b);
}

/* List dir; ENOENT is 0 with nothing; other errors become an ERROR entry. */
static int list(struct scan *s, const char *runtime, const char *dir, char ***names, size_t *n)
{
	char *err = NULL;
	*names = NULL;
	*n = 0;
	if (rootfs_listdir(s->ctx->root, dir, names, n, &err) == 0)
		return 1;
	int e = errno;
	if (e != ENOENT) {
		char *m = xasprintf("cannot list '%s': %s", dir, err);
		json_array_append_new(s->records, error_entry(runtime, NULL, runtime, dir, m));
		free(m);
	}
	free(err);
	return 0;
}

static void scan_containerd(struct scan *s, json_t *runtime)
{
	const struct collect_opts *o = s->ctx->opts;
	const char *state = o && o->containerd_state ? o->containerd_state : CONTAINERD_STATE;
	json_t *info = json_object();
	json_object_set_new(runtime, "containerd", info);
	json_object_set_new(info, "state", fact_value(jstr(state), o && o->containerd_state ?
							    "argv:--containerd-state" : "default"));
	struct stat st;
	int exists = rootfs_stat(s->ctx->root, state, 1, &st, NULL) == 0 && S_ISDIR(st.st_mode);
	json_object_set_new(info, "exists", json_boolean(exists));
	json_t *nss = json_array();
	json_object_set_new(info, "namespaces", nss);
	size_t before = s->count;
	/* The CRI plugin's per-sandbox and per-container files (hostname, resolv.conf, shm, image volumes). */
	char *bases_v[6];
	size_t nb = 0;
	bases_v[nb++] = xstrdup(CONTAINERD_ROOT "/io.containerd.grpc.v1.cri/sandboxes");
	bases_v[nb++] = xstrdup(CONTAINERD_ROOT "/io.containerd.grpc.v1.cri/containers");
	bases_v[nb++] = xasprintf("%s/io.containerd.grpc.v1.cri/sandboxes", state);
	bases_v[nb++] = xasprintf("%s/io.containerd.grpc.v1.cri/containers", state);
	bases_v[nb++] = xasprintf("%s/containers", s->docker_root);	/* moby's hostname, hosts, shm */
	bases_v[nb] = NULL;
	static const char *const task_dirs[] = { "io.containerd.runtime.v2.task", "io.containerd.runtime.v1.linux", NULL };
	for (const char *const *t = task_dirs; exists && *t; t++) {
		char *dir = path_join(state, *t);
		char **ns;
		size_t nns;
		if (list(s, "containerd", dir, &ns, &nns)) {
			for (size_t i = 0; i < nns; i++) {
				char *nsdir = path_join(dir, ns[i]);
				char **ids;
				size_t nids;
				if (!ctrrec_has(nss, ns[i]))
					json_array_append_new(nss, jstr(ns[i]));
				if (list(s, "containerd", nsdir, &ids, &nids))
					for (size_t k = 0; k < nids; k++) {
						char *bdir = path_join(nsdir, ids[k]);
						char *cfg = path_join(bdir, "config.json");
						read_bundle(s, "containerd", ns[i], ids[k], cfg, (const char *const *)bases_v, 0);
						free(cfg);
						free(bdir);
					}
				rootfs_free_list(ids, nids);
				free(nsdir);
			}
			rootfs_free_list(ns, nns);
		}
		free(dir);
	}
	for (size_t i = 0; i < nb; i++)
		free(bases_v[i]);
	json_object_set_new(info, "bundles", json_integer((json_int_t)(s->count - before)));
}

static void scan_crio(struct scan *s, json_t *runtime)
{
	const struct collect_opts *o = s->ctx->opts;
	const char *state = o && o->crio_state ? o->crio_state : CRIO_STATE;
	json_t *info = json_object();
	json_object_set_new(runtime, "crio", info);
	json_object_set_new(info, "state", fact_value(jstr(state), o && o->crio_state ? "argv:--crio-state" : "default"));
	struct stat st;
	int exists = rootfs_stat(s->ctx->root, state, 1, &st, NULL) == 0 && S_ISDIR(st.st_mode);
	json_object_set_new(info, "exists", json_boolean(exists));
	size_t before = s->count;
	char *dir = path_join(state, "overlay-containers");
	char *bases_v[3] = { xstrdup(dir), xstrdup(CRIO_GRAPHROOT "/overlay-containers"), NULL };
	char **ids;
	size_t nids;
	size_t without = 0;
	if (exists && list(s, "cri-o", dir, &ids, &nids)) {
		for (size_t k = 0; k < nids; k++) {
			char *cdir = path_join(dir, ids[k]);
			char *cfg = path_join(cdir, "userdata/config.json");
			/* containers/storage also holds containers no runtime started (builds): no spec, not judged. */
			size_t n0 = s->count, r0 = json_array_size(s->records);
			read_bundle(s, "cri-o", NULL, ids[k], cfg, (const char *const *)bases_v, 1);
			if (s->count == n0 && json_array_size(s->records) == r0 && !s->truncated)
				without++;
			free(cfg);
			free(cdir);
		}
		rootfs_free_list(ids, nids);
	}
	free(bases_v[0]);
	free(bases_v[1]);
	free(dir);
	json_object_set_new(info, "bundles", json_integer((json_int_t)(s->count - before)));
	json_object_set_new(info, "without_spec", json_integer((json_int_t)without));
}

static const char *link_str(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(json_object_get(rec, "__link"), key));
}

/* Host ports of the pods containerd runs: libcni's cache of each sandbox's ADD (capabilityArgs.portMappings). */
static void read_cni(struct scan *s)
{
	char **names;
	size_t n;
	char *err = NULL;
	if (rootfs_listdir(s->ctx->root, CNI_RESULTS, &names, &n, &err) < 0) {
		free(err);
		return;
	}
	if (n > CNI_MAX_RESULTS)
		n = CNI_MAX_RESULTS;
	size_t i;
	json_t *rec;
	json_array_foreach(s->records, i, rec) {
		const char *flavour = link_str(rec, "flavour");
		const char *role = json_string_value(json_object_get(rec, "role"));
		const char *id = json_string_value(json_object_get(rec, "id"));
		const char *rt = json_string_value(json_object_get(rec, "runtime"));
		if (!flavour || !id || !rt || strcmp(rt, "containerd") ||
		    !(!strcmp(flavour, "plain") || (!strcmp(flavour, "cri") && !strcmp(role, "sandbox"))))
			continue;
		char *needle = xasprintf("-%s-", id);
		json_t *ports = NULL;
		char *srcs = NULL, *bad = NULL;
		for (size_t k = 0; k < n && !bad; k++) {
			if (!strstr(names[k], needle))
				continue;
			char *p = path_join(CNI_RESULTS, names[k]);
			struct buf b;
			buf_init(&b, CNI_RESULT_CAP);
			if (!ports)
				ports = json_array();
			if (rootfs_read(s->ctx->root, p, CNI_RESULT_CAP, &b, &err) < 0 ||
			    ocispec_cni_ports(b.data, b.len, ports, &err) < 0) {
				bad = xasprintf("'%s': %s", p, err);
				free(err);
				err = NULL;
			}
			char *j = srcs ? xasprintf("%s, cni:%s#capabilityArgs.portMappings", srcs, p)
				       : xasprintf("cni:%s#capabilityArgs.portMappings", p);
			free(srcs);
			srcs = j;
			buf_release(&b);
			free(p);
		}
		if (bad) {
			json_decref(ports);
			json_t *e = json_object();
			json_object_set_new(e, "error", jstr(bad));
			ocispec_set_cni_ports(rec, e);
		} else if (ports) {
			ocispec_set_cni_ports(rec, fact_value(ports, srcs));
		}
		free(bad);
		free(srcs);
		free(needle);
	}
	rootfs_free_list(names, n);
}

/*
 * A subPath mount comes from volume-subpaths/VOLUME/...: the volume's
 * type is the plugin directory that holds volumes/PLUGIN/VOLUME.  A
 * hostPath volume has none, so a volume not found there is unknown.
 */
static void resolve_subpaths(struct scan *s)
{
	size_t i;
	json_t *rec;
	json_array_foreach(s->records, i, rec) {
		json_t *ms = json_object_get(json_object_get(rec, "mounts"), "value");
		const char *uid = json_string_value(json_object_get(json_object_get(rec, "kubernetes"), "pod_uid"));
		size_t k;
		json_t *m;
		json_array_foreach(ms, k, m) {
			const char *kind = json_string_value(json_object_get(m, "kind"));
			const char *vol = json_string_value(json_object_get(m, "volume"));
			if (!kind || strcmp(kind, "volume-subpath") || !vol || !uid)
				continue;
			char *dir = xasprintf("%s/pods/%s/volumes", s->kubelet_root, uid);
			char **plugins;
			size_t np;
			char *err = NULL;
			const char *found = NULL;
			if (rootfs_listdir(s->ctx->root, dir, &plugins, &np, &err) == 0) {
				for (size_t p = 0; p < np && !found; p++) {
					char *vp = xasprintf("%s/%s/%s", dir, plugins[p], vol);
					struct stat st;
					if (rootfs_stat(s->ctx->root, vp, 0, &st, NULL) == 0)
						found = plugins[p];
					free(vp);
				}
				if (found) {
					json_object_set_new(m, "volume_plugin", jstr(found));
					json_object_set_new(m, "kind", json_string("volume"));
				} else {
					char *msg = xasprintf("subPath of volume '%s': no %s/*/%s, so its type is unknown (a hostPath volume has none)",
							      vol, dir, vol);
					json_object_set_new(m, "kind", json_pack("{s:o}", "error", jstr(msg)));
					free(msg);
				}
				rootfs_free_list(plugins, np);
			} else {
				char *msg = xasprintf("subPath of volume '%s': its type is unknown: %s", vol, err);
				json_object_set_new(m, "kind", json_pack("{s:o}", "error", jstr(msg)));
				free(msg);
			}
			json_object_set_new(m, "subpath", json_true());
			free(err);
			free(dir);
		}
	}
}

/* The host's namespace of a type, for a namespace joined by path (ocispec_host). */
static int same_ns(void *arg, const char *type, const char *path, char **why)
{
	struct scan *s = arg;
	const char *name = !strcmp(type, "network") ? "net" : type;
	char *target = NULL, *host = NULL, *err = NULL;
	if (rootfs_readlink(s->ctx->root, path, &target, &err) < 0) {
		*why = xasprintf("it joins the %s namespace %s, which cannot be read: %s", type, path, err);
		free(err);
		return -1;
	}
	char *p1 = xasprintf("/proc/1/ns/%s", name);
	int rc = rootfs_readlink(s->ctx->root, p1, &host, &err);
	if (rc < 0 && s->ctx->live) {
		/* Live, boxaudit's own namespaces are the host's when pid 1's cannot be read. */
		free(err);
		err = NULL;
		free(p1);
		p1 = xasprintf("/proc/self/ns/%s", name);
		rc = rootfs_readlink(s->ctx->root, p1, &host, &err);
	}
	if (rc < 0) {
		*why = xasprintf("it joins the %s namespace %s (%s), and the host's cannot be read: %s", type, path, target, err);
		free(err);
		free(target);
		free(p1);
		return -1;
	}
	int same = !strcmp(target, host);
	free(target);
	free(host);
	free(p1);
	return same;
}

static void link_all(struct scan *s)
{
	struct ocispec_host host = { same_ns, s };
	size_t i;
	json_t *rec;
	json_array_foreach(s->records, i, rec) {
		if (json_object_get(rec, "error"))
			continue;
		const json_t *sandbox = NULL;
		const char *sid = ocispec_sandbox_id(rec);
		if (sid) {
			const char *rt = json_string_value(json_object_get(rec, "runtime"));
			const char *ns = json_string_value(json_object_get(rec, "runtime_namespace"));
			char *key = index_key(!strcmp(rt, "containerd") ? "containerd" : "cri-o", ns, sid);
			sandbox = json_object_get(s->index, key);
			free(key);
			if (sandbox == rec)
				sandbox = NULL;
		}
		ocispec_link(rec, sandbox, &host);
	}
	json_array_foreach(s->records, i, rec)
		ocispec_finish(rec);
}

static void mark_self(struct scan *s)
{
	const char *how = NULL;
	char *id = selfid_detect(&how);
	size_t i;
	json_t *rec;
	json_array_foreach(s->records, i, rec) {
		const char *rid = json_string_value(json_object_get(rec, "id"));
		if (id && rid && !strcmp(id, rid))
			json_object_set_new(rec, "_self", json_true());
	}
	free(id);
}

int collect_runtime(struct collect_ctx *ctx)
{
	json_t *runtime = json_object_get(ctx->facts, "runtime");
	if (!json_is_object(runtime)) {
		runtime = json_object();
		json_object_set_new(ctx->facts, "runtime", runtime);
	}
	struct scan s = { .ctx = ctx, .records = json_array(), .index = json_object() };
	const char *src = NULL;
	const char *kr = setting_string(ctx->facts, "kubernetes.kubelet.settings[\"root-dir\"]", &src);
	s.kubelet_root = xstrdup(kr && kr[0] == '/' ? kr : KUBELET_ROOT);
	json_object_set_new(runtime, "kubelet_root", fact_value(jstr(s.kubelet_root), kr && kr[0] == '/' && src ? src : "default"));
	const char *dr = setting_string(ctx->facts, "docker.daemon.settings[\"data-root\"]", &src);
	s.docker_root = xstrdup(dr && dr[0] == '/' ? dr : DOCKER_ROOT);
	read_apparmor(&s, runtime);
	scan_containerd(&s, runtime);
	scan_crio(&s, runtime);
	if (s.truncated) {
		char *m = xasprintf("more than %d container bundles: the rest were not read", OCI_MAX_CONTAINERS);
		json_array_append_new(s.records, error_entry("containerd", NULL, "(more bundles)", "/", m));
		free(m);
	}
	read_cni(&s);
	resolve_subpaths(&s);
	link_all(&s);
	mark_self(&s);
	json_object_set_new(runtime, "containers", s.records);
	json_decref(s.index);
	free(s.kubelet_root);
	free(s.docker_root);
	free(s.apparmor_source);
	return 0;
}
