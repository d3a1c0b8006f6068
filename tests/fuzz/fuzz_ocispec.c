/*
 * libFuzzer target: OCI runtime specs (a bundle's config.json) through the
 * runtime-neutral record and the real Pod Security Standards checks.
 *
 * The input is an app container's spec, optionally followed ("#@file") by
 * its pod sandbox's spec, a libcni cache entry and an Engine API container
 * inspect body.  Each spec is parsed as collect/oci.c does
 * (ocispec_record, under both runtimes' directory layouts), the app is
 * linked to the sandbox (and to a host that answers both ways for a
 * namespace joined by path), the CNI entry's ports are read, the inspect
 * body becomes a Docker record (dockerspec_record, linked to itself), and
 * every check of checks/pss is evaluated over the records as
 * runtime.containers.  Records must keep the shape the rules rely on.
 */
#include "config.h"
#include <stdio.h>
#include "fuzz_common.h"
#include "defs/defs.h"
#include "engine/engine.h"
#include "engine/result.h"
#include "parse/ocispec.h"
#include "parse/dockerspec.h"
#include "base/banned.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

static struct defs defs;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = getenv("BOXAUDIT_FUZZ_CHECKS");
	defs_init(&defs);
	if (defs_load_dir(&defs, dir ? dir : FUZZ_SRCDIR "/checks/pss") < 0 || defs_resolve(&defs) < 0 ||
	    !defs_benchmark(&defs, "k8s-pss-restricted")) {
		for (size_t i = 0; i < defs.nerrors; i++)
			fprintf(stderr, "%s\n", defs.errors[i]);
		abort();
	}
	return 0;
}

static int host_says(void *arg, const char *type, const char *path, char **why)
{
	(void)type;
	(void)why;
	return strlen(path) % 3 == 0 ? -1 : (int)((strlen(path) + (size_t)arg) % 2);
}

static const char *const bases[] = {
	"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes", "/run/containers/storage/overlay-containers", NULL
};

/* A record is an object with a name and a source, and a role unless it is an error entry. */
static void check_shape(const json_t *r)
{
	if (!json_is_object(r) || !json_is_string(json_object_get(r, "_name")) ||
	    !json_is_string(json_object_get(r, "_source")) || json_object_get(r, "__link"))
		abort();
	if (!json_object_get(r, "error") && !json_is_string(json_object_get(r, "role")))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[4];
	size_t n = fuzz_split(data, size, parts, 4);
	json_t *recs = json_array();
	json_t *app = NULL, *sb = NULL;
	for (size_t i = 0; i < n && i < 2; i++) {
		struct ocispec_env env = {
			.runtime = (size & 1) ? "cri-o" : "containerd",
			.source = i ? "oci:/run/x/sandbox/config.json" : "oci:/run/x/app/config.json",
			.id = i ? "sandbox" : "app", .runtime_namespace = "k8s.io",
			.kubelet_root = "/var/lib/kubelet", .runtime_bases = bases,
			.docker_root = (size & 2) ? "/var/lib/docker" : NULL,
			.apparmor = (int)(size % 3) - 1, .apparmor_source = "fuzz",
		};
		char *err = NULL;
		json_t *r = ocispec_record(parts[i].text, parts[i].len, &env, &err);
		if (!r && !err)
			abort();
		free(err);
		if (i == 0)
			app = r;
		else
			sb = r;
	}
	struct ocispec_host host = { host_says, (void *)(uintptr_t)(size & 1) };
	if (n > 2 && sb) {
		json_t *ports = json_array();
		char *err = NULL;
		if (ocispec_cni_ports(parts[2].text, parts[2].len, ports, &err) == 0)
			ocispec_set_cni_ports(sb, json_pack("{s:O, s:s}", "value", ports, "source", "cni:fuzz"));
		free(err);
		json_decref(ports);
	}
	if (sb) {
		ocispec_link(sb, NULL, NULL);
		ocispec_link(sb, NULL, NULL);
	}
	if (app)
		ocispec_link(app, sb, (size & 4) ? &host : NULL);
	if (app) {
		ocispec_finish(app);
		json_array_append_new(recs, app);
	}
	if (sb) {
		ocispec_finish(sb);
		json_array_append_new(recs, sb);
	}
	if (n > 3) {
		json_t *c = json_loadb(parts[3].text, parts[3].len, 0, NULL);
		if (json_is_object(c)) {
			struct dockerspec_daemon d = { .apparmor = (int)(size % 3) - 1, .docker_root = "/var/lib/docker",
						       .kubelet_root = "/var/lib/kubelet", .seccomp_profile = (size & 8) ? "unconfined" : NULL };
			json_t *r = dockerspec_record(c, &d);
			if (dockerspec_joins(r))
				dockerspec_link(r, (size & 16) ? r : NULL);
			dockerspec_finish(r);
			json_array_append_new(recs, r);
		}
		json_decref(c);
	}
	size_t i;
	json_t *r;
	json_array_foreach(recs, i, r)
		check_shape(r);
	json_t *facts = json_pack("{s:{s:o, s:I}}", "runtime", "containers", recs, "kubernetes_containers", (json_int_t)1);
	if (!facts)
		abort();
	const struct benchmark *b = defs_benchmark(&defs, "k8s-pss-restricted");
	for (size_t k = 0; k < b->nchecks; k++) {
		struct check_result res;
		memset(&res, 0, sizeof(res));
		engine_eval_check(&b->checks[k], facts, &res);
		if (res.status >= ST__COUNT)
			abort();
		check_result_release(&res);
	}
	json_decref(facts);
	fuzz_parts_free(parts, n);
	return 0;
}
