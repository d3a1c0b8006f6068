/*
 * fleet/build.c: the fleet document from the host summaries.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "fleet/merge.h"
#include "fleet/internal.h"
#include "report/xml.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

static int cmp_host(const void *a, const void *b)
{
	return strcmp(((const struct fleet_host *)a)->hostname, ((const struct fleet_host *)b)->hostname);
}

static int cmp_section(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(fleet_str(x, "benchmark"), fleet_str(y, "benchmark"));
	return c ? c : strverscmp(fleet_str(x, "section"), fleet_str(y, "section"));
}

/* Worst first: most hosts failing or erring, then most failing, then by benchmark and id. */
static const struct fleet *sorting;
static int cmp_worst(const void *a, const void *b)
{
	const struct fleet_worst *x = a, *y = b;
	if (x->failing + x->error != y->failing + y->error)
		return x->failing + x->error > y->failing + y->error ? -1 : 1;
	if (x->failing != y->failing)
		return x->failing > y->failing ? -1 : 1;
	const json_t *cx = json_array_get(sorting->checks, x->check), *cy = json_array_get(sorting->checks, y->check);
	int c = strcmp(fleet_str(cx, "benchmark"), fleet_str(cy, "benchmark"));
	return c ? c : strverscmp(fleet_str(cx, "id"), fleet_str(cy, "id"));
}

/* The index of key in idx, adding obj (stolen) to arr under it when new; obj is dropped otherwise. */
static uint32_t intern(json_t *idx, json_t *arr, const char *key, json_t *obj)
{
	const json_t *ix = json_object_get(idx, key);
	if (ix) {
		json_decref(obj);
		return (uint32_t)json_integer_value(ix);
	}
	json_object_set_new(idx, key, json_integer((json_int_t)json_array_size(arr)));
	json_array_append_new(arr, obj);
	return (uint32_t)(json_array_size(arr) - 1);
}

/* Set title (of a column or check) when it has none yet: the first report that names it wins. */
static void first_title(json_t *arr, uint32_t i, const char *k, const char *v)
{
	json_t *o = json_array_get(arr, i);
	if (!*fleet_str(o, k) && *v)
		json_object_set_new(o, k, json_string(v));
}

uint32_t fleet_col(struct fleet *f, const char *bench, const char *section, const char *title)
{
	char *key = fleet_join_key(bench, section);
	uint32_t i = intern(f->colidx, f->cols, key, json_pack("{s:s,s:s,s:s}", "benchmark", bench,
							     "section", section, "title", ""));
	free(key);
	first_title(f->cols, i, "title", title);
	return i;
}

uint32_t fleet_check(struct fleet *f, const char *bench, const char *id, const char *title, const char *section)
{
	char *key = fleet_join_key(bench, id);
	uint32_t i = intern(f->checkidx, f->checks, key, json_pack("{s:s,s:s,s:s,s:s}", "benchmark", bench,
								 "id", id, "title", "", "section", ""));
	free(key);
	first_title(f->checks, i, "title", title);
	first_title(f->checks, i, "section", section);
	return i;
}

void fleet_host_release(struct fleet_host *h)
{
	free(h->hostname);
	free(h->source);
	free(h->collected_at);
	free(h->tool_version);
	free(h->root);
	free(h->score_model);
	free(h->secs);
	free(h->fails);
}

static struct fleet *fleet_new(time_t now)
{
	struct fleet *f = xcalloc(1, sizeof(*f));
	f->colidx = json_object();
	f->cols = json_array();
	f->checkidx = json_object();
	f->checks = json_array();
	f->now = now;
	return f;
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nhosts; i++)
		fleet_host_release(&f->hosts[i]);
	free(f->hosts);
	for (size_t i = 0; i < f->nworst; i++) {
		free(f->worst[i].hosts);
		free(f->worst[i].is_error);
	}
	free(f->worst);
	json_decref(f->colidx);
	json_decref(f->cols);
	json_decref(f->checkidx);
	json_decref(f->checks);
	free(f);
}

static json_t *anchor_of(size_t i)
{
	char *a = xasprintf("host-%zu", i + 1);
	json_t *j = json_string(a);
	free(a);
	return j;
}

static json_t *age_of(const struct fleet *f, const struct fleet_host *h)
{
	return h->t == (time_t)-1 ? json_null() : json_real(round((double)(f->now - h->t) / 360.0) / 10.0);
}

/* Host i as the fleet document's "hosts" hold it (new reference). */
static json_t *host_json(const struct fleet *f, size_t i)
{
	const struct fleet_host *h = &f->hosts[i];
	json_t *o = json_object();
	json_object_set_new(o, "hostname", json_string(h->hostname));
	json_object_set_new(o, "collected_at", h->collected_at ? json_string(h->collected_at) : json_null());
	json_object_set_new(o, "tool_version", json_string(h->tool_version));
	json_object_set_new(o, "root", json_string(h->root));
	json_object_set_new(o, "live", json_boolean(h->live));
	json_t *sum = fleet_counts_json(&h->sum);
	json_object_set_new(sum, "score_model", json_string(h->score_model));
	json_object_set_new(o, "summary", sum);
	json_t *secs = json_array();
	for (size_t k = 0; k < h->nsecs; k++) {
		const json_t *col = json_array_get(f->cols, h->secs[k].col);
		json_t *e = fleet_counts_json(&h->secs[k].c);
		json_object_set_new(e, "benchmark", json_string(fleet_str(col, "benchmark")));
		json_object_set_new(e, "section", json_string(fleet_str(col, "section")));
		json_array_append_new(secs, e);
	}
	json_object_set_new(o, "sections", secs);
	json_t *failing = json_array();
	for (size_t k = 0; k < h->nfails; k++) {
		const json_t *c = json_array_get(f->checks, h->fails[k].check);
		json_array_append_new(failing, json_pack("{s:s,s:s,s:s,s:I}", "benchmark", fleet_str(c, "benchmark"),
			"id", fleet_str(c, "id"), "status", h->fails[k].error ? "ERROR" : "FAIL",
			"findings", h->fails[k].findings));
	}
	json_object_set_new(o, "failing", failing);
	json_object_set_new(o, "source", json_string(h->source));
	json_object_set_new(o, "future", json_boolean(h->future));
	json_object_set_new(o, "anchor", anchor_of(i));
	json_object_set_new(o, "age_hours", age_of(f, h));
	json_object_set_new(o, "stale", json_boolean(h->stale));
	return o;
}

/* Worst check i, with the hosts failing it (new reference). */
static json_t *worst_json(const struct fleet *f, size_t i)
{
	const struct fleet_worst *w = &f->worst[i];
	const json_t *c = json_array_get(f->checks, w->check);
	json_t *hosts = json_array();
	for (size_t k = 0; k < w->n; k++)
		json_array_append_new(hosts, json_pack("{s:s,s:o,s:s}", "hostname", f->hosts[w->hosts[k]].hostname,
			"anchor", anchor_of(w->hosts[k]), "status", w->is_error[k] ? "ERROR" : "FAIL"));
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:o}", "benchmark", fleet_str(c, "benchmark"),
			 "id", fleet_str(c, "id"), "title", fleet_str(c, "title"), "section", fleet_str(c, "section"),
			 "failing_hosts", w->failing, "error_hosts", w->error, "hosts", hosts);
}

size_t fleet_nhosts(const json_t *doc, const struct write_opts *o)
{
	return o && o->fleet ? o->fleet->nhosts : json_array_size(json_object_get(doc, "hosts"));
}

json_t *fleet_host_at(const json_t *doc, const struct write_opts *o, size_t i)
{
	return o && o->fleet ? host_json(o->fleet, i)
			     : json_incref(json_array_get(json_object_get(doc, "hosts"), i));
}

size_t fleet_nworst(const json_t *doc, const struct write_opts *o)
{
	return o && o->fleet ? o->fleet->nworst : json_array_size(json_object_get(doc, "worst_checks"));
}

json_t *fleet_worst_at(const json_t *doc, const struct write_opts *o, size_t i)
{
	return o && o->fleet ? worst_json(o->fleet, i)
			     : json_incref(json_array_get(json_object_get(doc, "worst_checks"), i));
}

json_t *fleet_check_titles(const json_t *doc, const struct write_opts *o)
{
	json_t *idx = json_object();
	size_t i;
	const json_t *c;
	if (o && o->fleet) {
		for (i = 0; i < o->fleet->nworst; i++) {
			c = json_array_get(o->fleet->checks, o->fleet->worst[i].check);
			char *key = fleet_join_key(fleet_str(c, "benchmark"), fleet_str(c, "id"));
			json_object_set(idx, key, (json_t *)c);
			free(key);
		}
		return idx;
	}
	json_array_foreach(json_object_get(doc, "worst_checks"), i, c) {
		char *key = fleet_join_key(fleet_str(c, "benchmark"), fleet_str(c, "id"));
		json_object_set(idx, key, (json_t *)c);
		free(key);
	}
	return idx;
}

/* Sort a JSON array in place. */
static void sort_array(json_t *arr, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(arr);
	if (n < 2)
		return;
	json_t **v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	qsort(v, n, sizeof(*v), cmp);
	json_array_clear(arr);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
}


/* Expected hostnames from a file: one a line, blank lines and # comments ignored. */
json_t *fleet_read_expected(const char *path, char **err)
{
	struct buf b;
	buf_init(&b, EXPECT_CAP);
	int bad = buf_read_file(&b, path);
	if (bad) {
		*err = bad == -2 ? xasprintf("expected hosts '%s' is larger than %u bytes", path, EXPECT_CAP)
				 : xasprintf("cannot read expected hosts '%s': %s", path, strerror(errno));
		buf_release(&b);
		return NULL;
	}
	json_t *names = json_object();
	char *save = NULL;
	for (char *l = strtok_r(b.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		while (*l == ' ' || *l == '\t')
			l++;
		size_t n = strlen(l);
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
			l[--n] = '\0';
		if (!n || l[0] == '#')
			continue;
		char *key = jstr_text(l);
		json_object_set_new(names, key, json_true());
		free(key);
	}
	buf_release(&b);
	return names;
}

/* Staleness of every host, by this merge's clock and --stale-after. */
static json_t *mark_stale(struct fleet *f, const struct merge_opts *o)
{
	json_t *stale = json_array();
	for (size_t i = 0; i < f->nhosts; i++) {
		struct fleet_host *h = &f->hosts[i];
		h->stale = 0;
		h->stale_why = NULL;
		if (h->future) {
			/* Stale or not, a report from the future is never current. */
			h->stale = 1;
			h->stale_why = "collected in the future: a skewed clock or a forged report";
		} else if (o->stale_after_hours > 0) {
			if (h->t == (time_t)-1) {
				h->stale = 1;
				h->stale_why = "the report has no valid collected_at";
			} else if ((double)(f->now - h->t) > o->stale_after_hours * 3600.0) {
				h->stale = 1;
				h->stale_why = "older than --stale-after";
			}
		}
		if (h->stale)
			json_array_append_new(stale, json_pack("{s:s,s:o,s:o,s:o,s:s}", "hostname", h->hostname,
				"anchor", anchor_of(i), "collected_at", h->collected_at ? json_string(h->collected_at) : json_null(),
				"age_hours", age_of(f, h), "reason", h->stale_why));
	}
	return stale;
}

/* The checks failing on any host, each with those hosts, worst first. */
static void tally_worst(struct fleet *f)
{
	size_t nchecks = json_array_size(f->checks);
	struct fleet_worst *w = xcalloc(nchecks ? nchecks : 1, sizeof(*w));
	size_t *alloc = xcalloc(nchecks ? nchecks : 1, sizeof(*alloc)), *ealloc = xcalloc(nchecks ? nchecks : 1, sizeof(*ealloc));
	for (size_t c = 0; c < nchecks; c++)
		w[c].check = (uint32_t)c;
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *h = &f->hosts[i];
		for (size_t k = 0; k < h->nfails; k++) {
			struct fleet_worst *e = &w[h->fails[k].check];
			ALLOC_GROW(e->hosts, e->n + 1, alloc[h->fails[k].check]);
			ALLOC_GROW(e->is_error, e->n + 1, ealloc[h->fails[k].check]);
			e->hosts[e->n] = (uint32_t)i;
			e->is_error[e->n++] = (uint8_t)h->fails[k].error;
			if (h->fails[k].error)
				e->error++;
			else
				e->failing++;
		}
	}
	free(alloc);
	free(ealloc);
	size_t n = 0;
	for (size_t c = 0; c < nchecks; c++)
		if (w[c].n)
			w[n++] = w[c];
	sorting = f;
	qsort(w, n, sizeof(*w), cmp_worst);
	sorting = NULL;
	f->worst = w;
	f->nworst = n;
}

json_t *fleet_build(struct merger *m, json_t *expected)
{
	const struct merge_opts *o = m->o;
	struct fleet *f = m->f;
	char when[64];
	struct tm tm;
	gmtime_r(&f->now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

	json_t *fleet = json_object();
	json_object_set_new(fleet, "schema", json_string(FLEET_SCHEMA));
	json_object_set_new(fleet, "tool", json_pack("{s:s,s:s}", "name", "boxaudit", "version", PACKAGE_VERSION));
	json_object_set_new(fleet, "generated_at", json_string(when));
	json_object_set_new(fleet, "options", json_pack("{s:o,s:o}",
		"stale_after_hours", o->stale_after_hours > 0 ? json_real(o->stale_after_hours) : json_null(),
		"expect_hosts", o->expect_hosts ? jstr(o->expect_hosts) : json_null()));

	/* Hosts by name; their anchors in the HTML page follow that order. */
	if (f->nhosts)
		qsort(f->hosts, f->nhosts, sizeof(*f->hosts), cmp_host);
	json_t *stale = mark_stale(f, o);
	size_t i, nfail = 0, nerr = 0, nscore = 0, nfuture = 0;
	double ssum = 0, smin = INFINITY, smax = -INFINITY;
	char *used = xcalloc(json_array_size(f->cols) + 1, 1);
	for (i = 0; i < f->nhosts; i++) {
		const struct fleet_host *h = &f->hosts[i];
		nfail += h->sum.n[1] > 0;	/* FAIL */
		nerr += h->sum.n[4] > 0;	/* ERROR */
		nfuture += h->future;
		if (h->sum.has_score) {
			double v = h->sum.score;
			ssum += v;
			smin = v < smin ? v : smin;
			smax = v > smax ? v : smax;
			nscore++;
		}
		for (size_t k = 0; k < h->nsecs; k++)
			used[h->secs[k].col] = 1;
	}
	/* Matrix columns: the sections some kept host has, sorted, anchored. */
	json_t *sections = json_array();
	json_t *col;
	json_array_foreach(f->cols, i, col)
		if (used[i])
			json_array_append_new(sections, json_pack("{s:s,s:s,s:s}", "benchmark", fleet_str(col, "benchmark"),
				"section", fleet_str(col, "section"), "title", fleet_str(col, "title")));
	free(used);
	sort_array(sections, cmp_section);
	json_array_foreach(sections, i, col) {
		char *a = xasprintf("s%zu", i + 1);
		json_object_set_new(col, "anchor", json_string(a));
		free(a);
	}
	tally_worst(f);

	json_t *missing = json_array(), *unexpected = json_array();
	if (expected) {
		const char *name;
		json_t *v;
		json_object_foreach(expected, name, v)
			if (!json_object_get(m->byname, name))
				json_array_append_new(missing, json_string(name));
		for (i = 0; i < f->nhosts; i++)
			if (!json_object_get(expected, f->hosts[i].hostname))
				json_array_append_new(unexpected, json_string(f->hosts[i].hostname));
		size_t n = json_array_size(missing);
		char **v2 = xcalloc(n ? n : 1, sizeof(*v2));
		for (i = 0; i < n; i++)
			v2[i] = xstrdup(json_string_value(json_array_get(missing, i)));
		qsort(v2, n, sizeof(*v2), fleet_cmp_str);
		json_array_clear(missing);
		for (i = 0; i < n; i++) {
			json_array_append_new(missing, json_string(v2[i]));
			free(v2[i]);
		}
		free(v2);
	}

	json_t *summary = json_object();
	json_object_set_new(summary, "hosts", json_integer((json_int_t)f->nhosts));
	json_object_set_new(summary, "documents", json_integer((json_int_t)m->documents));
	json_object_set_new(summary, "skipped", json_integer((json_int_t)json_array_size(m->skipped)));
	json_object_set_new(summary, "duplicates", json_integer((json_int_t)json_array_size(m->duplicates)));
	json_object_set_new(summary, "future", json_integer((json_int_t)nfuture));
	json_object_set_new(summary, "ignored_lines", json_integer((json_int_t)m->ignored_lines));
	json_object_set_new(summary, "stale", json_integer((json_int_t)json_array_size(stale)));
	json_object_set_new(summary, "missing", expected ? json_integer((json_int_t)json_array_size(missing)) : json_null());
	json_object_set_new(summary, "unexpected", expected ? json_integer((json_int_t)json_array_size(unexpected)) : json_null());
	json_object_set_new(summary, "hosts_failing", json_integer((json_int_t)nfail));
	json_object_set_new(summary, "hosts_error", json_integer((json_int_t)nerr));
	json_object_set_new(summary, "score", json_pack("{s:o,s:o,s:o,s:s}",
		"mean", nscore ? json_real(round(ssum / (double)nscore * 10.0) / 10.0) : json_null(),
		"min", nscore ? json_real(smin) : json_null(), "max", nscore ? json_real(smax) : json_null(),
		"basis", "mean, lowest and highest of the hosts' own overall scores"));
	json_object_set_new(fleet, "summary", summary);
	json_object_set_new(fleet, "sections", sections);
	/* Placeholders: the writers take hosts and worst checks from struct fleet, one at a time. */
	json_object_set_new(fleet, "hosts", json_array());
	json_object_set_new(fleet, "worst_checks", json_array());
	json_object_set_new(fleet, "stale", stale);
	json_object_set_new(fleet, "missing", missing);
	json_object_set_new(fleet, "unexpected", unexpected);
	json_object_set(fleet, "duplicates", m->duplicates);
	json_object_set(fleet, "skipped", m->skipped);
	return fleet;
}

json_t *merge_reports(char *const *paths, size_t npaths, const struct merge_opts *o, struct fleet **apart,
		      char **err)
{
	json_t *expected = NULL;
	*apart = NULL;
	if (o->expect_hosts && !(expected = fleet_read_expected(o->expect_hosts, err)))
		return NULL;
	struct merger m = {
		.o = o, .f = fleet_new(o->now ? o->now : time(NULL)), .byname = json_object(),
		.skipped = json_array(), .duplicates = json_array(),
	};
	/* Before any parser thread starts (jansson's advice). */
	json_object_seed(0);
	fleet_read_paths(&m, paths, npaths);
	json_t *fleet = fleet_build(&m, expected);
	json_decref(expected);
	json_decref(m.byname);
	json_decref(m.skipped);
	json_decref(m.duplicates);
	*apart = m.f;
	return fleet;
}


const char *fleet_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}


/* "2026-01-02T03:04:05Z" as seconds since the epoch, or -1. */
time_t fleet_parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end)
		return (time_t)-1;
	return timegm(&tm);
}

json_int_t fleet_ival(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

char *fleet_join_key(const char *a, const char *b)
{
	return xasprintf("%s\n%s", a, b);
}


int fleet_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
