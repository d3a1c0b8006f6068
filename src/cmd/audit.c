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

static int container_kept(const struct cmd_opts *o, json_t *c)
{
	return (!o->container_only || container_matches(c, o->container_only)) &&
	       (!o->container_exclude || !container_matches(c, o->container_exclude));
}

static void filter_containers(const struct cmd_opts *o, json_t *facts)
{
	if (o->container_only || o->container_exclude)
		filter_records(o, facts);
	json_t *cs = facts_get(facts, "docker.api.containers", NULL);
	if (!json_is_array(cs) || (!o->container_only && !o->container_exclude))
		return;
	/* Streamed containers were matched whole as they came (judge_container); stubs are left now. */
	int streamed = json_is_true(facts_get(facts, "docker.api.containers_streamed", NULL));
	for (size_t i = json_array_size(cs); i-- > 0;) {
		json_t *c = json_array_get(cs, i);
		if (streamed ? json_is_true(json_object_get(c, "_excluded")) : !container_kept(o, c))
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
 * What the report says about the host quotes facts and messages: the last
 * place a secret could land, so the notes and every result (reason and
 * findings, result_redact) are redacted there too.  What comes from the
 * definitions (titles, remediation) is the operator's own text.
 */
static void redact_notes(json_t *notes)
{
	/* In place: the holder shares the array. */
	json_t *hold = json_pack("{s:O}", "notes", notes);
	redact_tree(hold);
	json_decref(hold);
}

/*
 * Containers judged as they arrive (engine/engine.h, engine_stream): a
 * Docker host's 10,000 containers are then never all held, only what each
 * check found.  One stream per distinct rule and parameters among the
 * checks that may be audited (the versions of a benchmark share their
 * rules), and only when every check and platform that reads the
 * containers can be judged so.  A snapshot, written or read, holds the
 * containers whole: no streaming then.
 */
#define STREAMED "docker.api.containers"

struct streams {
	const struct cmd_opts *o;
	struct engine_stream *v;
	size_t *taken;		/* the result a stream ended in, + 1; 0 while open */
	size_t n;
};

static int same_rule(const struct check *a, const struct check *b)
{
	return a->rule == b->rule && (a->params == b->params ||
				      (a->params && b->params && json_equal(a->params, b->params)));
}

static void streams_release(struct streams *s)
{
	for (size_t i = 0; i < s->n; i++)
		engine_stream_release(&s->v[i]);
	free(s->v);
	free(s->taken);
	s->v = NULL;
	s->taken = NULL;
	s->n = 0;
}

static void streams_plan(struct streams *s, const struct cmd_opts *o, const struct defs *d,
			 const struct check *const *want, size_t nwant)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	if (o->facts_in || o->facts_out)
		return;
	for (size_t i = 0; i < d->nplatforms; i++)
		if (engine_expr_reads_collection(d->platforms[i]->detect, STREAMED))
			return;
	for (size_t i = 0; i < nwant; i++) {
		const struct check *c = want[i];
		if (!defs_check_selected(&o->select, c) || !engine_check_reads(c, STREAMED))
			continue;
		if (!engine_streams(c, STREAMED)) {
			streams_release(s);
			return;
		}
		size_t k;
		for (k = 0; k < s->n && !same_rule(s->v[k].check, c); k++)
			;
		if (k < s->n)
			continue;
		s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
		s->taken = xrealloc(s->taken, (s->n + 1) * sizeof(*s->taken));
		engine_stream_init(&s->v[s->n], c);
		s->taken[s->n++] = 0;
	}
}

static void judge_container(void *arg, json_t *facts, json_t *el, size_t idx)
{
	struct streams *s = arg;
	if (!container_kept(s->o, el)) {
		json_object_set_new(el, "_excluded", json_true());
		return;
	}
	/* Room for a finding per container, once: no growth slack in 10,000 of them. */
	size_t n = json_array_size(facts_get(facts, STREAMED, NULL));
	for (size_t i = 0; i < s->n; i++) {
		engine_stream_reserve(&s->v[i], n);
		engine_stream_element(&s->v[i], facts, el, idx);
	}
}

/* The result of c from its stream into results[n]: 1, or 0 when c was not streamed. */
static int streams_take(struct streams *s, const struct check *c, json_t *facts, struct check_result *results,
			size_t n)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!same_rule(s->v[i].check, c))
			continue;
		if (s->taken[i])
			result_copy(&results[s->taken[i] - 1], &results[n]);
		else
			engine_stream_end(&s->v[i], facts, &results[n]);
		s->taken[i] = n + 1;
		results[n].check = c;
		return 1;
	}
	return 0;
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

static int write_outputs(const struct cmd_opts *o, const json_t *doc, const struct check_result *results,
			 int failed)
{
	int rc = 0;
	for (size_t i = 0; i < o->noutputs; i++) {
		const struct report_output *out = &o->outputs[i];
		if (o->quiet && !strcmp(out->path, "-") && !failed)
			continue;
		struct write_opts wo = { .color = use_color(o, out->path), .verbose = o->verbose,
					 .results = results };
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
	struct streams streams;
	streams_plan(&streams, o, &d, want, nwant);
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
			if (streams.n) {
				copts.element = judge_container;
				copts.element_arg = &streams;
			}
			/* Detecting: the Pod Security Standards (and so the runtime records) only where pods run. */
			copts.records_when_kubernetes = !o->benchmarks;
			/* A snapshot is for other audits too: every member of the Engine API bodies goes in. */
			copts.whole_bodies = o->facts_out != NULL;
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
	int streamed = json_is_true(facts_get(facts, STREAMED "_streamed", NULL));
	for (size_t i = 0; i < nbenches; i++)
		for (size_t k = 0; k < benches[i]->nchecks; k++) {
			const struct check *c = &benches[i]->checks[k];
			if (!defs_check_selected(&o->select, c))
				continue;
			results = xrealloc(results, (nresults + 1) * sizeof(*results));
			if (!streamed || !streams_take(&streams, c, facts, results, nresults))
				engine_eval_check(c, facts, &results[nresults]);
			nresults++;
		}
	streams_release(&streams);
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
	for (size_t i = 0; i < nresults; i++)
		result_redact(&results[i]);
	redact_notes(notes);
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
		/* Each check's findings are made as a writer needs them, and dropped after. */
		.findings_apart = 1,
	};
	doc = report_build(&in);
	json_decref(context);
	free(root_path);
	json_decref(facts);
	facts = NULL;
	if (baseline) {
		json_t *drift = drift_compute(baseline, doc, results, &err);
		if (!drift) {
			cmd_error("'%s': %s", o->baseline ? o->baseline : o->state_dir, err);
			goto out;
		}
		json_object_set_new(doc, "drift", drift);
	}
	int failed = gate(o, doc);
	if (write_outputs(o, doc, results, failed) < 0)
		goto out;
	/* Kept only after every report was written: a failed run leaves the last good one as the baseline. */
	int kept = o->state_dir ? cmd_state_keep(o->state_dir, doc, results, o->keep, &err) : 0;
	if (kept < 0) {
		if (kept == -1)
			cmd_error("%s", err);
		goto out;
	}
	exit_code = failed ? 1 : 0;
out:
	streams_release(&streams);
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
