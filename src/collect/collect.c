#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include "collect/collect.h"
#include "collect/containers.h"
#include "collect/docker.h"
#include "collect/files.h"
#include "collect/host.h"
#include "collect/kube.h"
#include "collect/kubecp.h"
#include "collect/kubedist.h"
#include "collect/kubemanaged.h"
#include "collect/oci.h"
#include "collect/users.h"
#include "facts/facts.h"
#include "parse/redact.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

static void set_meta(json_t *facts, struct rootfs *root, int live)
{
	json_t *meta = json_object();
	struct buf b;
	buf_init(&b, 4096);
	char *hostname = NULL;
	if (rootfs_read(root, "/etc/hostname", 4096, &b, NULL) == 0) {
		b.data[strcspn(b.data, "\r\n")] = '\0';
		if (b.data[0])
			hostname = xstrdup(b.data);
	}
	buf_release(&b);
	if (live || !hostname) {
		struct utsname u;
		if (live && uname(&u) == 0) {
			free(hostname);
			hostname = xstrdup(u.nodename);
		}
	}
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(meta, "root", jstr(root->dir));
	json_object_set_new(meta, "hostname", jstr(hostname));
	json_object_set_new(meta, "collected_at", json_string(when));
	json_object_set_new(meta, "boxaudit_version", json_string(PACKAGE_VERSION));
	json_object_set_new(meta, "live", json_boolean(live));
	json_object_set_new(facts, "meta", meta);
	free(hostname);
}

/* Paths held by facts (a TLS key named in daemon.json, a unit file). */
static void add_fact_paths(json_t *facts, const struct collect_request *req,
			   const char ***paths, size_t *n, size_t *alloc)
{
	for (size_t i = 0; i < req->nfile_facts; i++) {
		json_t *v = facts_get(facts, req->file_facts[i], NULL);
		if (json_is_object(v) && json_object_get(v, "value"))
			v = json_object_get(v, "value");
		/* One path, or a list of them (a unit and its drop-ins). */
		size_t k, count = json_is_array(v) ? json_array_size(v) : 1;
		for (k = 0; k < count; k++) {
			const char *p = json_string_value(json_is_array(v) ? json_array_get(v, k) : v);
			if (p && p[0] == '/') {
				ALLOC_GROW(*paths, *n + 1, *alloc);
				(*paths)[(*n)++] = p;
			}
		}
	}
}

/* Every path rootfs refused, whichever collector asked, once each. */
static void add_refusals(json_t *facts, const struct rootfs *root)
{
	json_t *list = json_object_get(facts, "refused");
	if (!root->refused || !json_is_array(list))
		return;
	for (size_t i = 0; i < root->refused->n; i++) {
		const struct rootfs_refusal *f = &root->refused->v[i];
		size_t k;
		json_t *e;
		int dup = 0;
		json_array_foreach(list, k, e) {
			const char *p = json_string_value(json_object_get(e, "path"));
			if (p && !strcmp(p, f->path))
				dup = 1;
		}
		if (!dup)
			json_array_append_new(list, json_pack("{s:s, s:s}", "path", f->path,
							      "reason", f->reason));
	}
}

/*
 * The collectors, in the order they run: configuration first, since the
 * paths that files and mounts need come from it.
 */
/*
 * runtime.containers holds the Engine API's containers too, and reads the
 * kubelet's root directory: both run for it.
 */
static const char *const docker_api_prefixes[] = { "docker.api", "runtime", NULL };
static const char *const kubernetes_prefixes[] = { "kubernetes", "runtime", NULL };
static const char *const control_plane_prefixes[] = { "kubernetes", NULL };
static const char *const runtime_prefixes[] = { "runtime", NULL };

static const struct collector {
	const char *name;
	const char *const *prefixes;	/* NULL: always runs */
	int (*fn)(struct collect_ctx *ctx);
} collectors[] = {
	{ "docker", NULL, collect_docker },
	/* k3s and RKE2: the command lines of their embedded components, for the two below */
	{ "kubernetes-distribution", control_plane_prefixes, collect_kubernetes_distribution },
	/* Before the Engine API's: whether this is a Kubernetes node decides how its containers are read. */
	{ "kubernetes", kubernetes_prefixes, collect_kubernetes },
	/* after the kubelet: it reads its staticPodPath */
	{ "kubernetes-control-plane", control_plane_prefixes, collect_control_plane },
	/* after both: a k3s or RKE2 node turns what they could not derive into errors */
	{ "kubernetes-distribution-check", control_plane_prefixes, collect_kubernetes_distribution_check },
	/* a managed node (EKS, GKE, AKS): its own benchmark instead of CIS Kubernetes */
	{ "kubernetes-managed", control_plane_prefixes, collect_kubernetes_managed },
	{ "runtime", runtime_prefixes, collect_runtime },
	{ "docker-api", docker_api_prefixes, collect_api },
	{ "mounts", NULL, collect_mounts },
	{ "audit", NULL, collect_audit },
};

static int wanted(const struct collector *c, const struct collect_request *req)
{
	if (!c->prefixes)
		return 1;
	for (const char *const *p = c->prefixes; *p; p++)
		if (collect_request_reads(req, *p))
			return 1;
	return 0;
}

json_t *collect_run(struct rootfs *root, const struct collect_opts *opts,
		    const struct collect_request *req, char **err)
{
	json_t *facts = json_object();
	char *real = realpath(root->dir, NULL);
	int live = real && !strcmp(real, "/");
	free(real);
	struct collect_ctx ctx = { .root = root, .live = live, .opts = opts, .facts = facts, .req = req };

	json_object_set_new(facts, "schema", json_string("boxaudit-facts/1"));
	set_meta(facts, root, live);
	json_object_set_new(facts, "refused", json_array());
	json_object_set_new(facts, "notes", json_array());
	json_object_set_new(facts, "files", json_object());
	json_object_set_new(facts, "dirs", json_object());

	for (size_t i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		if (wanted(&collectors[i], req))
			collectors[i].fn(&ctx);

	struct users users;
	users_load(&users, root);
	const char **paths = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; i < req->nfiles; i++) {
		ALLOC_GROW(paths, n + 1, alloc);
		paths[n++] = req->files[i];
	}
	add_fact_paths(facts, req, &paths, &n, &alloc);
	collect_files(&ctx, &users, paths, n);
	collect_dirs(&ctx, &users, req->dirs, req->ndirs);
	collect_derive(facts, req);
	add_refusals(facts, root);
	/* Secrets are redacted where they land: whatever put them in the facts. */
	redact_tree(facts);
	free(paths);
	users_release(&users);
	(void)err;
	return facts;
}

