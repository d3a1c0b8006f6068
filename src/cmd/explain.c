/*
 * boxaudit explain ID [--benchmark ID]: what a check asks for and exactly
 * how boxaudit judges it, from the definitions alone (no host is read).
 * ID is a check id ("5.5"), BENCHMARK:ID, or a rule key ("daemon.icc").
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "collect/collect.h"
#include "base/xalloc.h"
#include "base/banned.h"

static void section(const char *title)
{
	printf("\n%s\n", title);
}

static void para(const char *text)
{
	printf("  %s\n", text && *text ? text : "(none)");
}

/* Every line of text, indented by two spaces. */
static void block(const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		printf("  %.*s\n", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

/* The version that sorts last ("1.12" after "1.9"). */
static int newer(const struct benchmark *a, const struct benchmark *b)
{
	return check_id_cmp(a->version, b->version) > 0;
}

static void explain(const struct defs *d, const struct check *c)
{
	const struct rule *r = c->rule;
	const struct benchmark *b = c->bench;
	printf("%s  %s\n", c->id, c->title ? c->title : r->title);
	printf("  benchmark   %s v%s (%s)\n", b->title, b->version, b->id);
	printf("  level       %d%s\n", c->level, c->unverified & CHECK_UNVERIFIED_LEVEL ?
	       " (unverified: taken from secondary sources, no CIS publication confirmed it)" : "");
	printf("  assessment  %s (as CIS labels it%s); boxaudit evaluates it %s\n", c->assessment,
	       c->unverified & CHECK_UNVERIFIED_ASSESSMENT ? "; unverified: taken from secondary sources" : "",
	       r->manual ? "manually: a person reviews it" : "automatically");
	printf("  rule        %s (%s:%d), target %s\n", r->key, r->file, r->line, target_name(r->target));

	section("Ids across benchmark versions");
	for (size_t i = 0; i < d->nbenches; i++) {
		const struct benchmark *o = d->benches[i];
		if (strcmp(o->platform, b->platform))
			continue;
		struct buf ids;
		buf_init(&ids, 4096);
		for (size_t k = 0; k < o->nchecks; k++)
			if (o->checks[k].rule == r && buf_addf(&ids, "%s%s", ids.len ? ", " : "", o->checks[k].id) < 0)
				break;
		printf("  %-22s %s\n", o->id, ids.len ? ids.data : "(not in this version)");
		buf_release(&ids);
	}

	section("Rationale");
	para(r->rationale ? r->rationale : r->description ? r->description : r->title);

	section("How boxaudit evaluates it");
	if (r->applies) {
		char *a = defs_describe_expr(r->applies, c->params);
		printf("  It applies only when this holds (else SKIP: %s):\n", r->skip_reason);
		block(a);
		free(a);
	}
	if (r->manual) {
		printf("  A person decides (MANUAL). What to review:\n");
		para(r->review);
		if (r->test)
			printf("  The report shows this as evidence for the reviewer:\n");
	} else {
		printf("  PASS when this holds, FAIL when it does not; a value that cannot be read is ERROR,\n"
		       "  and a missing fact is never a PASS:\n");
	}
	if (r->test) {
		char *t = defs_describe_expr(r->test, c->params);
		block(t);
		free(t);
	}
	json_t *subj = defs_expr_subjects(r->test);
	json_t *more = r->applies ? defs_expr_subjects(r->applies) : json_array();
	json_array_extend(subj, more);
	json_decref(more);
	printf("  What it reads, and where each comes from:\n");
	size_t i;
	json_t *s;
	json_array_foreach(subj, i, s) {
		const char *kind = json_string_value(json_object_get(s, "kind"));
		const char *path = json_string_value(json_object_get(s, "path"));
		const char *src;
		if (!strcmp(kind, "fact"))
			src = collect_fact_source(path);
		else if (!strcmp(kind, "audit rules for"))
			src = collect_fact_source("audit");
		else
			src = collect_fact_source("files");
		printf("  - %s %s: %s\n", kind, path, src ? src : "a fact no built-in collector fills");
	}
	if (!json_array_size(subj))
		printf("  - nothing: the check is a review\n");
	json_decref(subj);

	section("Remediation");
	para(c->remediation ? c->remediation : r->remediation);
	if (r->fix) {
		char *fix = json_dumps(r->fix, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("  boxaudit remediate's fix: %s\n", fix);
		free(fix);
	}

	section("References");
	json_t *ref;
	json_array_foreach(r->references, i, ref)
		printf("  - %s\n", json_string_value(ref) ? json_string_value(ref) : "?");
	printf("  - %s v%s, recommendation %s\n", b->title, b->version, c->id);
}

/* Levenshtein distance, for the nearest ids to an unknown one. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xcalloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

static void nearest(const struct defs *d, const char *want, const char *only)
{
	const char *best[5] = { NULL };
	size_t bestd[5];
	for (size_t i = 0; i < d->nbenches; i++) {
		if (only && !defs_match_list(only, d->benches[i]->id))
			continue;
		for (size_t k = 0; k < d->benches[i]->nchecks; k++) {
			const char *id = d->benches[i]->checks[k].id;
			size_t dist = distance(want, id);
			int dup = 0;
			for (int j = 0; j < 5; j++)
				dup |= best[j] && !strcmp(best[j], id);
			if (dup)
				continue;
			for (int j = 0; j < 5; j++)
				if (!best[j] || dist < bestd[j] || (dist == bestd[j] && check_id_cmp(id, best[j]) < 0)) {
					for (int m = 4; m > j; m--) {
						best[m] = best[m - 1];
						bestd[m] = bestd[m - 1];
					}
					best[j] = id;
					bestd[j] = dist;
					break;
				}
		}
	}
	char *near = xstrdup("");
	for (int j = 0; j < 5 && best[j]; j++) {
		char *n = xasprintf("%s%s%s", near, j ? ", " : "; the nearest: ", best[j]);
		free(near);
		near = n;
	}
	cmd_error("no check '%s'%s%s%s (see 'boxaudit list --benchmark ID')", want, only ? " in " : "",
		  only ? only : "", near);
	free(near);
}

int cmd_explain(const struct cmd_opts *o, char *const *args, size_t nargs)
{
	(void)nargs;
	struct defs d;
	if (cmd_load_defs(o, &d) < 0) {
		defs_release(&d);
		return 2;
	}
	const char *want = args[0], *only = o->benchmarks;
	char *bench_part = NULL;
	const char *colon = strchr(want, ':');
	if (colon) {
		bench_part = xstrndup(want, (size_t)(colon - want));
		only = bench_part;
		want = colon + 1;
	}
	/* Per platform, the check of the newest benchmark that has the id (or the rule). */
	const struct check *pick[64];
	size_t npick = 0;
	for (size_t i = 0; i < d.nbenches; i++) {
		struct benchmark *b = d.benches[i];
		if (only && !defs_match_list(only, b->id))
			continue;
		for (size_t k = 0; k < b->nchecks; k++) {
			const struct check *c = &b->checks[k];
			if (strcmp(c->id, want) && strcmp(c->rule->key, want))
				continue;
			size_t j;
			for (j = 0; j < npick; j++)
				if (!strcmp(pick[j]->bench->platform, b->platform))
					break;
			if (j == npick && npick < sizeof(pick) / sizeof(pick[0]))
				pick[npick++] = c;
			else if (j < npick && newer(b, pick[j]->bench))
				pick[j] = c;
		}
	}
	int rc = 0;
	if (!npick) {
		nearest(&d, want, only);
		rc = 2;
	}
	for (size_t j = 0; j < npick; j++) {
		if (j)
			printf("\n----\n\n");
		explain(&d, pick[j]);
	}
	free(bench_part);
	defs_release(&d);
	return rc;
}
