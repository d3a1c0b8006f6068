/*
 * collect/kubedist.c: Kubernetes distributions boxaudit does not understand
 * yet (k3s, RKE2), so that a node running one is never a silent green.
 *
 * k3s and RKE2 embed the kubelet, the API server and the rest in one binary
 * with their own configuration (/etc/rancher/NAME/config.yaml and its
 * merge rules).  Until boxaudit derives their effective settings, a node
 * where one is present must not read as "no kubelet" (SKIP): the facts the
 * CIS Kubernetes checks apply on are set to errors naming what was found,
 * so those checks are ERROR with that reason, and a note at the top of the
 * report says what was found and what was not understood.
 *
 * Evidence, any of: a root process of the host named k3s or rke2 (its
 * "server" or "agent" argument), one of the distribution's systemd units,
 * its binary, its configuration file or its data directory.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "collect/collector.h"
#include "collect/proc.h"
#include "collect/rootfs.h"
#include "collect/kubedist.h"
#include "facts/facts.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct distribution {
	const char *name, *title;
	const char *server_units[3], *agent_units[3];
	const char *files[6];		/* binaries, configuration, data */
};

static const struct distribution dists[] = {
	{ "k3s", "k3s",
	  { "k3s.service", NULL }, { "k3s-agent.service", NULL },
	  { "/usr/local/bin/k3s", "/usr/bin/k3s", "/etc/rancher/k3s/config.yaml", "/var/lib/rancher/k3s", NULL } },
	{ "rke2", "RKE2",
	  { "rke2-server.service", NULL }, { "rke2-agent.service", NULL },
	  { "/usr/local/bin/rke2", "/usr/bin/rke2", "/opt/rke2/bin/rke2", "/etc/rancher/rke2/config.yaml",
	    "/var/lib/rancher/rke2", NULL } },
};

static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system", NULL,
};

/* A JSON string of a formatted message (any bytes: jstr escapes what is not UTF-8). */
static json_t *jfmt(char *s)
{
	json_t *j = jstr(s);
	free(s);
	return j;
}

static int exists(const struct rootfs *r, const char *path)
{
	struct stat st;
	char *err = NULL;
	int rc = rootfs_stat(r, path, 1, &st, &err);
	free(err);
	return rc == 0;
}

/* Units named in names found in the unit directories, as evidence. */
static int find_units(const struct rootfs *r, const char *const *names, json_t *evidence)
{
	int found = 0;
	for (size_t i = 0; names[i]; i++)
		for (size_t d = 0; unit_dirs[d]; d++) {
			char *p = xasprintf("%s/%s", unit_dirs[d], names[i]);
			if (exists(r, p)) {
				json_array_append_new(evidence, jfmt(xasprintf("unit:%s", p)));
				found = 1;
			}
			free(p);
		}
	return found;
}

/*
 * One distribution's evidence into *dist (a new object), or 0 when there
 * is none.  role: "server", "agent", or "unknown".
 */
static int detect(const struct collect_ctx *ctx, const struct distribution *d, json_t **dist)
{
	json_t *evidence = json_array();
	int server = find_units(ctx->root, d->server_units, evidence);
	int agent = find_units(ctx->root, d->agent_units, evidence);
	for (size_t i = 0; d->files[i]; i++)
		if (exists(ctx->root, d->files[i]))
			json_array_append_new(evidence, jfmt(xasprintf("file:%s", d->files[i])));
	const char *const names[] = { d->name, NULL };
	struct proc_info *procs = NULL;
	size_t n = 0;
	char *err = NULL;
	if (proc_find(ctx->root, names, &procs, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			/* Root's only: another user's process named k3s is not the node's. */
			if (procs[i].uid != 0)
				continue;
			const char *sub = procs[i].argc > 1 ? procs[i].argv[1] : "";
			server |= !strcmp(sub, "server");
			agent |= !strcmp(sub, "agent");
			json_array_append_new(evidence, jfmt(xasprintf("proc:%d %s %s", (int)procs[i].pid, d->name, sub)));
		}
	}
	free(err);
	proc_info_free_all(procs, n);
	if (!json_array_size(evidence)) {
		json_decref(evidence);
		return 0;
	}
	*dist = json_pack("{s:s,s:s,s:b,s:s,s:o,s:b}", "name", d->name, "title", d->title, "found", 1,
			  "role", server ? "server" : agent ? "agent" : "unknown", "evidence", evidence,
			  "understood", 0);
	return 1;
}

/* Set PARENT.OBJ.KEY to an error saying why, unless it says true already; PARENT.OBJ is returned. */
static json_t *not_understood(json_t *parent, const char *obj, const char *key, const char *why)
{
	json_t *o = json_object_get(parent, obj);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, obj, o);
	}
	if (!json_is_true(json_object_get(o, key)))
		json_object_set_new(o, key, json_pack("{s:s}", "error", why));
	return o;
}

int collect_kubernetes_distribution(struct collect_ctx *ctx)
{
	json_t *k8s = json_object_get(ctx->facts, "kubernetes");
	if (!json_is_object(k8s)) {
		k8s = json_object();
		json_object_set_new(ctx->facts, "kubernetes", k8s);
	}
	json_t *dist = NULL;
	for (size_t i = 0; i < sizeof(dists) / sizeof(dists[0]) && !dist; i++)
		detect(ctx, &dists[i], &dist);
	if (!dist) {
		json_object_set_new(k8s, "distribution", json_pack("{s:b}", "found", 0));
		return 0;
	}
	const char *title = json_string_value(json_object_get(dist, "title"));
	const char *role = json_string_value(json_object_get(dist, "role"));
	json_t *ev = json_object_get(dist, "evidence");
	char *first = xstrdup(json_string_value(json_array_get(ev, 0)));
	char *why = xasprintf("%s is present (%s%s): boxaudit does not derive the settings of its embedded "
			      "kubelet%s yet, so this cannot be judged", title, first,
			      json_array_size(ev) > 1 ? ", ..." : "",
			      strcmp(role, "agent") ? ", API server, controller manager, scheduler and etcd" : "");
	/* The kubelet's checks (a kubelet boxaudit understands wins: present stays true). */
	not_understood(k8s, "kubelet", "present", why);
	json_t *kubelet = json_object_get(k8s, "kubelet");
	if (!json_is_true(json_object_get(kubelet, "present"))) {
		json_t *files = json_object_get(kubelet, "files");
		if (!json_is_object(files)) {
			files = json_object();
			json_object_set_new(kubelet, "files", files);
		}
		json_object_set_new(files, "service", json_pack("{s:s}", "error", why));
		json_object_set_new(files, "proxy_kubeconfig", json_pack("{s:s}", "error", why));
	}
	/* Both embed kube-proxy. */
	json_t *proxy = json_object_get(k8s, "proxy");
	if (!json_is_true(json_object_get(proxy, "running")) && !json_is_true(json_object_get(proxy, "configured"))) {
		not_understood(k8s, "proxy", "running", why);
		not_understood(k8s, "proxy", "configured", why);
	}
	/* A server runs the control plane too; an agent is a worker. */
	if (strcmp(role, "agent")) {
		static const char *const comps[] = { "apiserver", "controller_manager", "scheduler", "etcd" };
		json_t *cp = not_understood(k8s, "control_plane", "present", why);
		for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++)
			not_understood(cp, comps[i], "found", why);
	}
	json_t *notes = json_object_get(ctx->facts, "notes");
	if (json_is_array(notes)) {
		char *all = xstrdup("");
		size_t i;
		json_t *e;
		json_array_foreach(ev, i, e) {
			char *next = xasprintf("%s%s%s", all, i ? ", " : "", json_string_value(e));
			free(all);
			all = next;
		}
		json_array_append_new(notes, jfmt(xasprintf("Kubernetes distribution %s (%s) found: %s. Not understood: "
							    "its embedded components' settings; the CIS Kubernetes checks "
							    "that depend on them are ERROR, not SKIP.", title, role, all)));
		free(all);
	}
	free(first);
	free(why);
	json_object_set_new(k8s, "distribution", dist);
	return 0;
}
