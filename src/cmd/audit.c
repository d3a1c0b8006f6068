#include "config.h"
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cmd/audit.h"
#include "base/limits.h"
#include "base/atomic.h"
#include "defs/defs.h"
#include "score/drift.h"
#include "engine/engine.h"
#include "facts/facts.h"
#include "score/waivers.h"
#include "base/xalloc.h"
#include "base/banned.h"


const char *audit_default_checks_dir(void)
{
	static char *dir;
	struct stat st;
	if (dir)
		return dir;
	const char *env = getenv("BOXAUDIT_CHECKS_DIR");
	if (env && *env)
		return dir = xstrdup(env);
	if (stat(CHECKS_DIR, &st) == 0)
		return dir = xstrdup(CHECKS_DIR);
	/* Not installed: use the checks/ beside the binary (a build tree). */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			char *p = xasprintf("%s/checks", exe);
			if (stat(p, &st) == 0)
				return dir = p;
			free(p);
		}
	}
	return dir = xstrdup(CHECKS_DIR);
}

static void print_errors(const struct defs *d)
{
	for (size_t i = 0; i < d->nerrors; i++)
		fprintf(stderr, "boxaudit: %s\n", d->errors[i]);
}

static int load_defs(const struct audit_opts *o, struct defs *d)
{
	defs_init(d);
	int rc = defs_load_dir(d, o->checks_dir ? o->checks_dir : audit_default_checks_dir());
	for (size_t i = 0; i < o->nextra; i++)
		if (defs_load_dir(d, o->extra_dirs[i]) < 0)
			rc = -1;
	if (rc == 0)
		rc = defs_resolve(d);
	if (rc < 0) {
		print_errors(d);
		return -1;
	}
	return 0;
}

static int match_list(const char *list, const char *id)
{
	char *copy = xstrdup(list);
	int hit = 0;
	for (char *save = NULL, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (!fnmatch(p, id, 0))
			hit = 1;
		/* "5" selects the whole section 5, like "5.*". */
		size_t n = strlen(p);
		if (!strncmp(p, id, n) && id[n] == '.')
			hit = 1;
	}
	free(copy);
	return hit;
}

static int wanted(const struct audit_opts *o, const struct check *c)
{
	if (o->level && c->level > o->level)
		return 0;
	if (o->only && !match_list(o->only, c->id))
		return 0;
	if (o->skip && match_list(o->skip, c->id))
		return 0;
	return 1;
}

static int select_benchmarks(const struct audit_opts *o, const struct defs *d, json_t *facts,
			     struct benchmark ***out, size_t *n, json_t *notes)
{
	*out = NULL;
	*n = 0;
	if (o->benchmarks) {
		char *copy = xstrdup(o->benchmarks);
		int rc = 0;
		for (char *save = NULL, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			struct benchmark *b = defs_benchmark(d, p);
			if (!b) {
				fprintf(stderr, "boxaudit: unknown benchmark '%s' (see 'boxaudit list')\n", p);
				rc = -1;
				continue;
			}
			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			(*out)[(*n)++] = b;
		}
		free(copy);
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

static void filter_containers(const struct audit_opts *o, json_t *facts)
{
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
}

static int use_color(const struct audit_opts *o, const char *path)
{
	if (o->color >= 0)
		return o->color;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return !strcmp(path, "-") && isatty(STDOUT_FILENO);
}

/* The exit code the gates give: 1 when a --fail-on condition or --fail-under trips. */
static int gate(const struct audit_opts *o, const json_t *doc)
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

static int write_outputs(const struct audit_opts *o, const json_t *doc, int failed)
{
	int rc = 0;
	for (size_t i = 0; i < o->noutputs; i++) {
		const struct audit_output *out = &o->outputs[i];
		if (o->quiet && !strcmp(out->path, "-") && !failed)
			continue;
		struct buf b;
		buf_init(&b, REPORT_CAP);
		char *err = NULL;
		int r;
		struct text_opts to = { .color = use_color(o, out->path), .verbose = o->verbose };
		switch (out->format) {
		case FMT_TEXT: r = report_write_text(doc, &to, &b, &err); break;
		case FMT_JSON: r = report_write_json(doc, &b, &err); break;
		case FMT_JSONL: r = report_write_jsonl(doc, &b, &err); break;
		case FMT_HTML: r = report_write_html(doc, &b, &err); break;
		default: r = report_write_junit(doc, &b, &err); break;
		}
		if (r == 0)
			r = atomic_write(out->path, b.data, b.len, &err);
		if (r < 0) {
			fprintf(stderr, "boxaudit: %s\n", err);
			free(err);
			rc = -1;
		}
		buf_release(&b);
	}
	return rc;
}

int audit_run(const struct audit_opts *o)
{
	struct defs d;
	if (load_defs(o, &d) < 0) {
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

	/* The checks whose facts are needed: the chosen benchmarks, or all when detecting. */
	const struct check **want = NULL;
	size_t nwant = 0;
	for (size_t i = 0; i < d.nbenches; i++) {
		struct benchmark *b = d.benches[i];
		if (o->benchmarks && !match_list(o->benchmarks, b->id))
			continue;
		for (size_t k = 0; k < b->nchecks; k++) {
			want = xrealloc(want, (nwant + 1) * sizeof(*want));
			want[nwant++] = &b->checks[k];
		}
	}
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
		if ((facts = facts_load(o->facts_in, &err)))
			collect_derive(facts);
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
			if (!wanted(o, c))
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

int audit_diff(const struct audit_opts *o, const char *a, const char *b)
{
	char *err = NULL;
	json_t *da = drift_load(a, &err), *db = da ? drift_load(b, &err) : NULL;
	json_t *drift = db ? drift_compute(da, db, &err) : NULL;
	int rc = 2;
	if (!drift) {
		fprintf(stderr, "boxaudit: %s\n", err);
		goto out;
	}
	rc = drift_regressions(drift) > 0;
	for (size_t i = 0; i < o->noutputs; i++) {
		const struct audit_output *out = &o->outputs[i];
		struct buf buf;
		buf_init(&buf, REPORT_CAP);
		int r;
		if (out->format == FMT_JSON) {
			char *s = json_dumps(drift, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
			r = s && buf_addstr(&buf, s) == 0 && buf_addstr(&buf, "\n") == 0 ? 0 : -1;
			free(s);
		} else if (out->format == FMT_TEXT) {
			r = drift_write_text(drift, &buf);
		} else {
			fprintf(stderr, "boxaudit: diff writes text or json, not %s\n", report_format_name(out->format));
			rc = 2;
			buf_release(&buf);
			continue;
		}
		if (r < 0)
			err = xstrdup("the drift report is larger than the output limit");
		else if (o->quiet && !strcmp(out->path, "-") && rc == 0)
			r = 0;
		else
			r = atomic_write(out->path, buf.data, buf.len, &err);
		if (r < 0) {
			fprintf(stderr, "boxaudit: %s\n", err);
			free(err);
			err = NULL;
			rc = 2;
		}
		buf_release(&buf);
	}
out:
	free(err);
	json_decref(drift);
	json_decref(da);
	json_decref(db);
	return rc;
}

int audit_list(const struct audit_opts *o)
{
	struct defs d;
	if (load_defs(o, &d) < 0) {
		defs_release(&d);
		return 2;
	}
	for (size_t i = 0; i < d.nbenches; i++) {
		struct benchmark *b = d.benches[i];
		if (o->benchmarks && !match_list(o->benchmarks, b->id))
			continue;
		size_t manual = 0;
		for (size_t k = 0; k < b->nchecks; k++)
			manual += b->checks[k].rule->manual;
		printf("%s  %s v%s  (%zu checks, %zu evaluated mechanically)\n", b->id, b->title,
		       b->version, b->nchecks, b->nchecks - manual);
		if (!o->benchmarks && !o->verbose)
			continue;
		for (size_t k = 0; k < b->nchecks; k++) {
			const struct check *c = &b->checks[k];
			if (!wanted(o, c))
				continue;
			printf("  %-8s L%d %-9s %-6s %s\n", c->id, c->level, c->assessment,
			       c->rule->manual ? "manual" : "auto", c->title);
		}
	}
	defs_release(&d);
	return 0;
}

int audit_validate(const struct audit_opts *o, char *const *files, int nfiles)
{
	struct defs d;
	defs_init(&d);
	/* Rules the user's benchmarks may name come from the built-in library. */
	int rc = defs_load_dir(&d, o->checks_dir ? o->checks_dir : audit_default_checks_dir());
	size_t builtin_errors = d.nerrors;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nfiles; i++) {
			int is_rules = strstr(files[i], "rules") != NULL;
			if (is_rules != (pass == 0))
				continue;
			/* A file already loaded as part of the built-in set is not loaded twice. */
			char *real = realpath(files[i], NULL);
			int dup = 0;
			for (size_t k = 0; real && k < d.nfiles; k++) {
				char *r2 = realpath(d.files[k], NULL);
				if (r2 && !strcmp(real, r2))
					dup = 1;
				free(r2);
			}
			free(real);
			if (!dup && defs_load_file(&d, files[i]) < 0)
				rc = -1;
		}
	if (defs_resolve(&d) < 0)
		rc = -1;
	print_errors(&d);
	if (builtin_errors)
		fprintf(stderr, "boxaudit: (%zu of those errors are in the built-in definitions)\n", builtin_errors);
	if (rc == 0)
		printf("%d file%s valid\n", nfiles, nfiles == 1 ? "" : "s");
	defs_release(&d);
	return rc < 0 ? 2 : 0;
}
