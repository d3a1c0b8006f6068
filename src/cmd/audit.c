#include "config.h"
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "defs/defs.h"
#include "engine/engine.h"
#include "facts/facts.h"
#include "score/drift.h"
#include "score/waivers.h"
#include "parse/redact.h"
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
			cmd_error("unknown benchmark '%s' (see 'boxaudit list')", unknown);
		free(unknown);
		return rc;
	}
	if (engine_select(d, facts, out, n, notes) < 0) {
		cmd_error("no benchmark is loaded");
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

/*
 * What the report says about the host (reasons, notes, each finding's
 * value, target, source and note) quotes facts and messages: the last
 * place a secret could land, so it is redacted there too.  What comes
 * from the definitions (titles, remediation) is the operator's own text.
 */
static void redact_report(json_t *doc)
{
	static const char *const finding_keys[] = { "actual", "target", "source", "note" };
	size_t i, k;
	json_t *c, *f;
	json_t *hold = json_object();
	json_object_set(hold, "notes", json_object_get(doc, "notes"));
	json_array_foreach(json_object_get(doc, "checks"), i, c) {
		json_object_set(hold, "reason", json_object_get(c, "reason"));
		redact_tree(hold);
		if (json_object_get(hold, "reason"))
			json_object_set(c, "reason", json_object_get(hold, "reason"));
		json_array_foreach(json_object_get(c, "findings"), k, f) {
			json_t *part = json_object();
			for (size_t n = 0; n < sizeof(finding_keys) / sizeof(finding_keys[0]); n++)
				if (json_object_get(f, finding_keys[n]))
					json_object_set(part, finding_keys[n], json_object_get(f, finding_keys[n]));
			redact_tree(part);
			json_object_update(f, part);
			json_decref(part);
		}
	}
	redact_tree(hold);
	json_object_set(doc, "notes", json_object_get(hold, "notes"));
	json_decref(hold);
}

static void now_utc(char *out, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

/* The facts each audited benchmark's platform names as its context (checks/README.md "Platforms"). */
static void request_context(const struct defs *d, const struct cmd_opts *o, struct collect_request *req)
{
	for (size_t i = 0; i < d->nplatforms; i++) {
		const char *k;
		json_t *v;
		int used = 0;
		for (size_t b = 0; b < d->nbenches && !used; b++)
			used = !strcmp(d->benches[b]->platform, d->platforms[i]->name) &&
			       (!o->benchmarks || defs_match_list(o->benchmarks, d->benches[b]->id));
		if (!used)
			continue;
		json_object_foreach(d->platforms[i]->context, k, v)
			collect_request_add(&req->facts, &req->nfacts, json_string_value(v));
	}
}

static json_t *build_context(const struct defs *d, struct benchmark *const *benches, size_t n, json_t *facts)
{
	json_t *ctx = json_object();
	for (size_t i = 0; i < n; i++) {
		const struct platform *p = defs_platform(d, benches[i]->platform);
		const char *k;
		json_t *v;
		if (!p)
			continue;
		json_object_foreach(p->context, k, v) {
			json_t *f = facts_get(facts, json_string_value(v), NULL);
			if (f)
				json_object_set_new(ctx, k, json_deep_copy(f));
		}
	}
	return ctx;
}

/* --baseline FILE that does not exist yet: the first run, not an error. */
static json_t *load_baseline(const struct cmd_opts *o, json_t *notes, char **err)
{
	struct stat st;
	if (stat(o->baseline, &st) < 0 && errno == ENOENT) {
		char *m = xasprintf("no baseline yet: '%s' does not exist, so this report is the first "
				    "(no check is new against it)", o->baseline);
		json_array_append_new(notes, jstr(m));
		free(m);
		return NULL;
	}
	return drift_load(o->baseline, err);
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
		cmd_error("%s", err);
		free(want);
		goto out;
	}
	char started[32];
	now_utc(started, sizeof(started));
	if (o->baseline && !(baseline = load_baseline(o, notes, &err)) && err) {
		cmd_error("%s", err);
		free(want);
		goto out;
	}
	if (o->state_dir && !(baseline = cmd_state_last(o->state_dir, notes, &err)) && err) {
		cmd_error("%s", err);
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
			/* A snapshot from elsewhere (an older boxaudit, a hand-made one) is redacted too. */
			redact_tree(facts);
		}
	} else {
		struct rootfs root;
		if (rootfs_open(&root, o->root, &err) == 0) {
			struct collect_request req = {0};
			engine_request((const struct check *const *)want, nwant, &req);
			if (!o->benchmarks)
				engine_request_platforms(&d, &req);
			request_context(&d, o, &req);
			struct collect_opts copts = o->collect;
			copts.defs = &d;
			facts = collect_run(&root, &copts, &req, &err);
			collect_request_release(&req);
			rootfs_close(&root);
		}
	}
	free(want);
	if (!facts) {
		cmd_error("%s", err);
		goto out;
	}
	if (o->facts_out && facts_dump(facts, o->facts_out, &err) < 0) {
		cmd_error("%s", err);
		goto out;
	}
	filter_containers(o, facts);
	/* What the collectors had to say to the reader (a process not taken for a daemon, say). */
	json_array_extend(notes, json_object_get(facts, "notes"));
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
	if (!nresults) {
		cmd_error("%s", "the selection (--check, --skip, --level) matches no check of the benchmarks audited");
		goto out;
	}
	if (waivers.n) {
		char today[16];
		time_t now = time(NULL);
		struct tm tm;
		strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
		waivers_apply(&waivers, results, nresults, today, notes);
	}
	score_mark(results, nresults, &o->score);
	json_t *context = build_context(&d, benches, nbenches, facts);
	char *root_path = o->facts_in ? NULL : realpath(o->root, NULL);
	/* Only meta and refused are reported from the facts: free the rest now. */
	json_t *skeleton = json_pack("{s:O*,s:O*}", "meta", json_object_get(facts, "meta"),
				     "refused", json_object_get(facts, "refused"));
	json_decref(facts);
	facts = skeleton;
	char finished[32];
	now_utc(finished, sizeof(finished));
	struct report_input in = {
		.facts = facts, .benches = benches, .nbenches = nbenches,
		.results = results, .nresults = nresults, .score = &o->score, .notes = notes,
		.select = &o->select, .started_at = started, .finished_at = finished,
		.root_path = root_path, .context = context,
	};
	doc = report_build(&in);
	redact_report(doc);
	json_decref(context);
	free(root_path);
	/* report_build released the results. */
	free(results);
	results = NULL;
	nresults = 0;
	json_decref(facts);
	facts = NULL;
	if (baseline) {
		json_t *drift = drift_compute(baseline, doc, &err);
		if (!drift) {
			cmd_error("'%s': %s", o->baseline ? o->baseline : o->state_dir, err);
			goto out;
		}
		json_object_set_new(doc, "drift", drift);
	}
	int failed = gate(o, doc);
	if (write_outputs(o, doc, failed) < 0)
		goto out;
	/* Kept only after every report was written: a failed run leaves the last good one as the baseline. */
	if (o->state_dir && cmd_state_keep(o->state_dir, doc, o->keep, &err) < 0) {
		cmd_error("%s", err);
		goto out;
	}
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
