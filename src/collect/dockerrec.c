#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "collect/dockerrec.h"
#include "parse/dockerspec.h"
#include "facts/facts.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* A daemon setting's value and source ({"value", "source"}), or NULL. */
static const json_t *setting(json_t *facts, const char *key, const char **source)
{
	char *path = xasprintf("docker.daemon.settings[\"%s\"]", key);
	json_t *v = facts_get(facts, path, NULL);
	free(path);
	*source = json_string_value(json_object_get(v, "source"));
	return json_object_get(v, "value");
}

static int is_docker(const json_t *rec)
{
	const char *rt = json_string_value(json_object_get(rec, "runtime"));
	return rt && !strcmp(rt, "docker");
}

/* A container named in "container:X" by full id, id prefix or name. */
static const json_t *find(const json_t *recs, const char *ref)
{
	size_t i, n = strlen(ref);
	json_t *r;
	json_array_foreach(recs, i, r) {
		const char *id = json_string_value(json_object_get(r, "id"));
		const char *name = json_string_value(json_object_get(r, "__docker_name"));
		if ((id && n >= 12 && !strncmp(id, ref, n)) || (name && !strcmp(name, ref)))
			return r;
	}
	return NULL;
}

static json_t *docker_records(json_t *facts, json_t *conts, json_t *runtime)
{
	struct dockerspec_daemon d = {0};
	const json_t *v;
	const char *src;
	v = setting(facts, "no-new-privileges", &src);
	d.no_new_privileges = json_is_true(v);
	d.nnp_source = src;
	v = setting(facts, "seccomp-profile", &src);
	d.seccomp_profile = json_string_value(v);
	d.seccomp_source = src;
	v = setting(facts, "userns-remap", &src);
	d.userns_remap = json_is_string(v) && json_string_length(v) > 0;
	d.userns_source = src;
	v = setting(facts, "data-root", &src);
	d.docker_root = json_is_string(v) && json_string_value(v)[0] == '/' ? json_string_value(v) : "/var/lib/docker";
	json_t *aa = json_object_get(runtime, "apparmor");
	d.apparmor = json_is_boolean(json_object_get(aa, "value")) ? json_is_true(json_object_get(aa, "value")) : -1;
	d.apparmor_source = json_string_value(json_object_get(aa, "source"));
	const char *kr = json_string_value(json_object_get(json_object_get(runtime, "kubelet_root"), "value"));
	d.kubelet_root = kr ? kr : "/var/lib/kubelet";

	json_t *recs = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(conts, i, c) {
		json_t *r = dockerspec_record(c, &d);
		const char *name = json_string_value(json_object_get(c, "Name"));
		if (name)
			json_object_set_new(r, "__docker_name", jstr(name[0] == '/' ? name + 1 : name));
		json_array_append_new(recs, r);
	}
	json_array_foreach(recs, i, c) {
		const char *ref = dockerspec_joins(c);
		if (ref)
			dockerspec_link(c, find(recs, ref));
	}
	json_array_foreach(recs, i, c) {
		dockerspec_finish(c);
		json_object_del(c, "__docker_name");
	}
	return recs;
}

void dockerrec_derive(json_t *facts)
{
	json_t *api = facts_get(facts, "docker.api", NULL);
	json_t *conts = json_object_get(api, "containers");
	json_t *runtime = json_object_get(facts, "runtime");
	if (!json_is_object(runtime)) {
		if (!json_is_array(conts))
			return;
		runtime = json_object();
		json_object_set_new(facts, "runtime", runtime);
	}
	json_t *list = json_object_get(runtime, "containers");
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(runtime, "containers", list);
	}
	for (size_t i = json_array_size(list); i-- > 0;)
		if (is_docker(json_array_get(list, i)))
			json_array_remove(list, i);

	const char *why = json_string_value(json_object_get(api, "skipped"));
	const char *err = json_string_value(json_object_get(api, "error"));
	/* Judged as they came and reduced to stubs: not a Kubernetes node, no records wanted. */
	int streamed = json_is_true(json_object_get(api, "containers_streamed"));
	if (streamed)
		why = "not a Kubernetes node: the Docker containers were judged as the Engine API sent "
		      "them, and no runtime records were made (name a Pod Security Standards benchmark "
		      "with --benchmark to judge them against it)";
	if (!err && json_is_object(conts))
		err = json_string_value(json_object_get(conts, "error"));
	if (json_is_array(conts) && !streamed) {
		json_t *recs = docker_records(facts, conts, runtime);
		/* Docker's own containerd bundles (namespace moby) are these containers again. */
		for (size_t i = json_array_size(list); i-- > 0;) {
			json_t *r = json_array_get(list, i);
			const char *ns = json_string_value(json_object_get(r, "runtime_namespace"));
			const char *id = json_string_value(json_object_get(r, "id"));
			size_t k;
			json_t *d;
			int dup = 0;
			json_array_foreach(recs, k, d)
				dup |= ns && id && !strcmp(ns, "moby") &&
				       !strcmp(id, json_string_value(json_object_get(d, "id")) ? json_string_value(json_object_get(d, "id")) : "");
			if (dup)
				json_array_remove(list, i);
		}
		json_object_set_new(runtime, "docker", json_pack("{s:I}", "containers", (json_int_t)json_array_size(recs)));
		json_array_extend(list, recs);
		json_decref(recs);
	} else if (why) {
		json_object_set_new(runtime, "docker", json_pack("{s:s}", "skipped", why));
	} else if (err) {
		json_object_set_new(runtime, "docker", json_pack("{s:o}", "error", jstr(err)));
		/* A running daemon whose containers cannot be listed is not a host without containers. */
		if (json_is_true(json_object_get(facts_get(facts, "docker.daemon", NULL), "running"))) {
			char *m = xasprintf("the Docker containers could not be listed: %s", err);
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o}", "_name", "docker", "runtime", "docker",
							      "_source", "api:/containers/json", "error", jstr(m)));
			free(m);
		}
	}
	json_int_t kube = 0;
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r) {
		const char *role = json_string_value(json_object_get(r, "role"));
		if (json_is_object(json_object_get(r, "kubernetes")) && role && !strcmp(role, "workload"))
			kube++;
	}
	json_object_set_new(runtime, "kubernetes_containers", json_integer(kube));
	if (!json_array_size(list) && why) {
		char *m = xasprintf("no containerd or CRI-O container was found, and %s", why);
		json_object_set_new(runtime, "containers", json_pack("{s:o}", "skipped", jstr(m)));
		free(m);
	}
}
