#include "config.h"
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "base/limits.h"
#include "defs/defs.h"
#include "engine/engine.h"
#include "facts/facts.h"
#include "score/drift.h"
#include "score/waivers.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* The checks whose facts are needed: the chosen benchmarks, or all when detecting. */
static const struct check **wanted_checks(const struct cmd_opts *o, const struct defs *d, size_t *n)
{
	const struct check **want = NULL;
	*n = 0;
	for (size_t i = 0; i < d->nbenches; i++) {
		struct benchmark *b = d->benches[i];
		if (o->benchmarks && !defs_match_list(o->benchmarks, b->id))
			continue;
		for (size_t k = 0; k < b->nchecks; k++) {
			want = xrealloc(want, (*n + 1) * sizeof(*want));
			want[(*n)++] = &b->checks[k];
		}
	}
	return want;
}

static int select_benchmarks(const struct cmd_opts *o, const struct defs *d, json_t *facts,
			     struct benchmark ***out, size_t *n, json_t *notes)
{
	if (o->benchmarks) {
		char *unknown;
		int rc = defs_select_benchmarks(d, o->benchmarks, out, n, &unknown);
		if (rc < 0)
			fprintf(stderr, "boxaudit: unknown benchmark '%s' (see 'boxaudit list')\n", unknown);
		free(unknown);
		return rc;
	}
	if (engine_select(d, facts, out, n, notes) < 0) {
		fprintf(stderr, "boxaudit: no benchmark is loaded\n");
		return -1;
	}
	return 0;
}

/* Drop containers that --container / --exclude-container filter out. */
static int container_matches(json_t *c, const char *pattern)
{
	/* The full name: _name is cut for display when very long. */
	const char *name = json_string_value(json_object_get(c, "Name"));
	if (name && *name == '/')
		name++;
	if (!name)
		name = json_string_value(json_object_get(c, "_name"));
	if (name && !fnmatch(pattern, name, 0))
		return 1;
	/* A label as key=value (value may be a pattern) or a bare key. */
	const char *eq = strchr(pattern, '=');
	json_t *labels = facts_get(c, "Config.Labels", NULL);
	const char *k;
	json_t *v;
	json_object_foreach(labels, k, v) {
		if (!eq && !strcmp(k, pattern))
			return 1;
		if (eq && strlen(k) == (size_t)(eq - pattern) && !strncmp(k, pattern, (size_t)(eq - pattern)) &&
		    json_is_string(v) && !fnmatch(eq + 1, json_string_value(v), 0))
			return 1;
	}
	return 0;
}

/* The same filter over the runtime-neutral records (runtime.containers): by name or id. */
static int record_matches(json_t *r, const char *pattern)
{
	const char *name = json_string_value(json_object_get(r, "_name"));
	const char *id = json_string_value(json_object_get(r, "id"));
	return (name && !fnmatch(pattern, name, 0)) || (id && !fnmatch(pattern, id, 0));
}

static void filter_records(const struct cmd_opts *o, json_t *facts)
{
	json_t *rs = facts_get(facts, "runtime.containers", NULL);
	for (size_t i = json_array_size(rs); i-- > 0;) {
		json_t *r = json_array_get(rs, i);
		const char *rt = json_string_value(json_object_get(r, "runtime"));
		/* Docker's records are made again from the filtered Engine API list (labels match there). */
		if (rt && !strcmp(rt, "docker"))
			continue;
		int keep = (!o->container_only || record_matches(r, o->container_only)) &&
			   (!o->container_exclude || !record_matches(r, o->container_exclude));
		if (!keep)
			json_array_remove(rs, i);
	}
}

static void filter_containers(const struct cmd_opts *o, json_t *facts)
{
	if (o->container_only || o->container_exclude)
		filter_records(o, facts);
	json_t *cs = facts_get(facts, "docker.api.containers", NULL);
	if (!json_is_array(cs) || (!o->container_only && !o->container_exclude))
		return;
	for (size_t i = json_array_size(cs); i-- > 0;) {
		json_t *c = json_array_get(cs, i);
		int keep = (!o->container_only || container_matches(c, o->container_only)) &&
			   (!o->container_exclude || !container_matches(c, o->container_exclude));
		if (!keep)
			json_array_remove(cs, i);
	}
	/* Images are judged for the containers audited: keep only theirs. */
	json_t *images = facts_get(facts, "docker.api.images", NULL);
	for (size_t i = json_array_size(images); i-- > 0;) {
		const char *id = json_string_value(json_object_get(json_array_get(images, i), "Id"));
		int used = 0;
		size_t k;
		json_t *c;
		json_array_foreach(cs, k, c) {
			const char *img = json_string_value(json_object_get(c, "_image"));
			if (id && img && !strcmp(id, img))
				used = 1;
		}
		if (!used)
			json_array_remove(images, i);
	}
	/* The Docker containers' runtime records, again from what is left. */
	if (json_object_get(facts, "runtime"))
		collect_derive(facts, NULL);
}

static int use_color(const struct cmd_opts *o, const char *path)
{
	if (o->color >= 0)
		return o->color;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return !strcmp(path, "-") && isatty(STDOUT_FILENO);
}

/* The exit code the gates give: 1 when a --fail-on condition or --fail-under trips. */
static int gate(const struct cmd_opts *o, const json_t *doc)
{
	const json_t *sum = json_object_get(doc, "summary");
	int on = o->fail_on ? o->fail_on : FAIL_ON_FAIL;
	int trip = ((on & FAIL_ON_FAIL) && json_integer_value(json_object_get(sum, "FAIL")) > 0) ||
		   ((on & FAIL_ON_ERROR) && json_integer_value(json_object_get(sum, "ERROR")) > 0) ||
		   ((on & FAIL_ON_NEW) && drift_regressions(json_object_get(doc, "drift")) > 0);
	/* A null score (nothing scorable) is not below any threshold. */
	const json_t *score = json_object_get(sum, "score");
	if (o->has_fail_under && json_is_number(score) && json_number_value(score) < o->fail_under)
		trip = 1;
	return trip;
}

static int write_outputs(const struct cmd_opts *o, const json_t *doc, int failed)
{
	int rc = 0;
	for (size_t i = 0; i < o->noutputs; i++) {
		const struct report_output *out = &o->outputs[i];
		if (o->quiet && !strcmp(out->path, "-") && !failed)
			continue;
		struct write_opts wo = { .color = use_color(o, out->path), .verbose = o->verbose };
		if (cmd_write(writer_find(report_writers, out->format), doc, &wo, out->path, REPORT_CAP) < 0)
			rc = -1;
	}
	return rc;
}

int cmd_audit(const struct cmd_opts *o, char *const *args, size_t nargs)
{
	struct defs d;
	(void)args;
	(void)nargs;
	if (cmd_load_defs(o, &d) < 0) {
		defs_release(&d);
		return 2;
	}
	int exit_code = 2;
	json_t *facts = NULL, *notes = json_array(), *doc = NULL;
	struct benchmark **benches = NULL;
	size_t nbenches = 0;
	struct check_result *results = NULL;
	size_t nresults = 0;
	char *err = NULL;

	size_t nwant;
	const struct check **want = wanted_checks(o, &d, &nwant);
	/* Waivers and the baseline are read first: a mistake there costs no collection. */
	struct waivers waivers;
	json_t *baseline = NULL;
	waivers_init(&waivers);
	if (o->waivers && waivers_load(&waivers, o->waivers, &err) < 0) {
		fprintf(stderr, "boxaudit: %s\n", err);
		free(want);
		goto out;
	}
	if (o->baseline && !(baseline = drift_load(o->baseline, &err))) {
		fprintf(stderr, "boxaudit: %s\n", err);
		free(want);
		goto out;
	}
	if (o->facts_in) {
		if ((facts = facts_load(o->facts_in, &err))) {
			struct collect_request req = {0};
			engine_request((const struct check *const *)want, nwant, &req);
			if (!o->benchmarks)
				engine_request_platforms(&d, &req);
			collect_derive(facts, &req);
			collect_request_release(&req);
		}
	} else {
		struct rootfs root;
		if (rootfs_open(&root, o->root, &err) == 0) {
			struct collect_request req = {0};
			engine_request((const struct check *const *)want, nwant, &req);
			if (!o->benchmarks)
				engine_request_platforms(&d, &req);
			struct collect_opts copts = o->collect;
			copts.defs = &d;
			facts = collect_run(&root, &copts, &req, &err);
			collect_request_release(&req);
			rootfs_close(&root);
		}
	}
	free(want);
	if (!facts) {
		fprintf(stderr, "boxaudit: %s\n", err);
		goto out;
	}
	if (o->facts_out && facts_dump(facts, o->facts_out, &err) < 0) {
		fprintf(stderr, "boxaudit: %s\n", err);
		goto out;
	}
	filter_containers(o, facts);
	if (select_benchmarks(o, &d, facts, &benches, &nbenches, notes) < 0)
		goto out;
	for (size_t i = 0; i < nbenches; i++)
		for (size_t k = 0; k < benches[i]->nchecks; k++) {
			const struct check *c = &benches[i]->checks[k];
			if (!defs_check_selected(&o->select, c))
				continue;
			results = xrealloc(results, (nresults + 1) * sizeof(*results));
			engine_eval_check(c, facts, &results[nresults++]);
		}
	if (waivers.n) {
		char today[16];
		time_t now = time(NULL);
		struct tm tm;
		strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
		waivers_apply(&waivers, results, nresults, today, notes);
	}
	score_mark(results, nresults, &o->score);
	/* Only meta and refused are reported from the facts: free the rest now. */
	json_t *skeleton = json_pack("{s:O*,s:O*}", "meta", json_object_get(facts, "meta"),
				     "refused", json_object_get(facts, "refused"));
	json_decref(facts);
	facts = skeleton;
	struct report_input in = {
		.facts = facts, .benches = benches, .nbenches = nbenches,
		.results = results, .nresults = nresults, .score = &o->score, .notes = notes,
	};
	doc = report_build(&in);
	/* report_build released the results. */
	free(results);
	results = NULL;
	nresults = 0;
	json_decref(facts);
	facts = NULL;
	if (baseline) {
		json_t *drift = drift_compute(baseline, doc, &err);
		if (!drift) {
			fprintf(stderr, "boxaudit: '%s': %s\n", o->baseline, err);
			goto out;
		}
		json_object_set_new(doc, "drift", drift);
	}
	int failed = gate(o, doc);
	if (write_outputs(o, doc, failed) < 0)
		goto out;
	exit_code = failed ? 1 : 0;
out:
	waivers_release(&waivers);
	json_decref(baseline);
	free(err);
	for (size_t i = 0; i < nresults; i++)
		check_result_release(&results[i]);
	free(results);
	free(benches);
	json_decref(doc);
	json_decref(notes);
	json_decref(facts);
	defs_release(&d);
	return exit_code;
}
