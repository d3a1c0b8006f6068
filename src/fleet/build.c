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
	return strcmp(fleet_str(*(json_t *const *)a, "hostname"), fleet_str(*(json_t *const *)b, "hostname"));
}

static int cmp_section(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(fleet_str(x, "benchmark"), fleet_str(y, "benchmark"));
	return c ? c : strverscmp(fleet_str(x, "section"), fleet_str(y, "section"));
}


static int cmp_worst(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t fx = fleet_ival(x, "failing_hosts"), fy = fleet_ival(y, "failing_hosts");
	json_int_t ex = fleet_ival(x, "error_hosts"), ey = fleet_ival(y, "error_hosts");
	if (fx + ex != fy + ey)
		return fx + ex > fy + ey ? -1 : 1;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	int c = strcmp(fleet_str(x, "benchmark"), fleet_str(y, "benchmark"));
	return c ? c : strverscmp(fleet_str(x, "id"), fleet_str(y, "id"));
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

json_t *fleet_build(struct merger *m, json_t *expected)
{
	const struct merge_opts *o = m->o;
	time_t now = o->now ? o->now : time(NULL);
	char when[64];
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

	json_t *fleet = json_object();
	json_object_set_new(fleet, "schema", json_string(FLEET_SCHEMA));
	json_object_set_new(fleet, "tool", json_pack("{s:s,s:s}", "name", "boxaudit", "version", PACKAGE_VERSION));
	json_object_set_new(fleet, "generated_at", json_string(when));
	json_object_set_new(fleet, "options", json_pack("{s:o,s:o}",
		"stale_after_hours", o->stale_after_hours > 0 ? json_real(o->stale_after_hours) : json_null(),
		"expect_hosts", o->expect_hosts ? jstr(o->expect_hosts) : json_null()));

	/* Hosts by name, each with its anchor in the HTML page. */
	json_t *hosts = json_array();
	const char *name;
	json_t *h;
	json_object_foreach(m->hosts, name, h)
		json_array_append(hosts, h);
	sort_array(hosts, cmp_host);

	json_t *colmap = json_object(), *sections = json_array();
	json_t *worstmap = json_object(), *worst = json_array(), *stale = json_array();
	size_t i, nfail = 0, nerr = 0, nscore = 0;
	json_int_t nfuture = 0;
	double ssum = 0, smin = INFINITY, smax = -INFINITY;
	json_array_foreach(hosts, i, h) {
		char *anchor = xasprintf("host-%zu", i + 1);
		json_object_set_new(h, "anchor", json_string(anchor));
		free(anchor);
		const json_t *sum = json_object_get(h, "summary");
		nfail += fleet_ival(sum, "FAIL") > 0;
		nerr += fleet_ival(sum, "ERROR") > 0;
		const json_t *sc = json_object_get(sum, "score");
		if (json_is_number(sc)) {
			double v = json_number_value(sc);
			ssum += v;
			smin = v < smin ? v : smin;
			smax = v > smax ? v : smax;
			nscore++;
		}
		/* Age and staleness. */
		time_t t = fleet_parse_time(fleet_str(h, "collected_at"));
		json_t *age = t == (time_t)-1 ? json_null() : json_real(round((double)(now - t) / 360.0) / 10.0);
		json_object_set_new(h, "age_hours", age);
		int is_stale = 0;
		const char *why = NULL;
		if (json_is_true(json_object_get(h, "future"))) {
			/* Stale or not, a report from the future is never current. */
			is_stale = 1;
			why = "collected in the future: a skewed clock or a forged report";
		} else if (o->stale_after_hours > 0) {
			if (t == (time_t)-1) {
				is_stale = 1;
				why = "the report has no valid collected_at";
			} else if ((double)(now - t) > o->stale_after_hours * 3600.0) {
				is_stale = 1;
				why = "older than --stale-after";
			}
		}
		json_object_set_new(h, "stale", json_boolean(is_stale));
		nfuture += json_is_true(json_object_get(h, "future"));
		if (is_stale)
			json_array_append_new(stale, json_pack("{s:s,s:O,s:O,s:O,s:s}", "hostname", fleet_str(h, "hostname"),
				"anchor", json_object_get(h, "anchor"), "collected_at", json_object_get(h, "collected_at"),
				"age_hours", age, "reason", why));
		/* Matrix columns. */
		size_t k;
		json_t *s;
		json_array_foreach(json_object_get(h, "sections"), k, s) {
			char *key = fleet_join_key(fleet_str(s, "benchmark"), fleet_str(s, "section"));
			if (!json_object_get(colmap, key)) {
				json_t *col = json_pack("{s:s,s:s,s:s}", "benchmark", fleet_str(s, "benchmark"),
							"section", fleet_str(s, "section"), "title",
							json_string_value(json_object_get(m->titles, key)) ?
							json_string_value(json_object_get(m->titles, key)) : "");
				json_object_set_new(colmap, key, json_true());
				json_array_append_new(sections, col);
			}
			free(key);
		}
		/* Worst checks: how many hosts fail each. */
		json_t *c;
		json_array_foreach(json_object_get(h, "failing"), k, c) {
			char *key = fleet_join_key(fleet_str(c, "benchmark"), fleet_str(c, "id"));
			json_t *w = json_object_get(worstmap, key);
			if (!w) {
				const json_t *ti = json_object_get(m->titles, key);
				w = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:[]}", "benchmark", fleet_str(c, "benchmark"),
					      "id", fleet_str(c, "id"), "title", fleet_str(ti, "title"), "section", fleet_str(ti, "section"),
					      "failing_hosts", 0, "error_hosts", 0, "hosts");
				json_object_set_new(worstmap, key, w);
				json_array_append(worst, w);
			}
			free(key);
			const char *ck = !strcmp(fleet_str(c, "status"), "FAIL") ? "failing_hosts" : "error_hosts";
			json_object_set_new(w, ck, json_integer(fleet_ival(w, ck) + 1));
			json_array_append_new(json_object_get(w, "hosts"), json_pack("{s:s,s:O,s:s}",
				"hostname", fleet_str(h, "hostname"), "anchor", json_object_get(h, "anchor"),
				"status", fleet_str(c, "status")));
		}
	}
	json_decref(colmap);
	json_decref(worstmap);
	sort_array(sections, cmp_section);
	json_array_foreach(sections, i, h) {
		char *a = xasprintf("s%zu", i + 1);
		json_object_set_new(h, "anchor", json_string(a));
		free(a);
	}
	sort_array(worst, cmp_worst);

	json_t *missing = json_array(), *unexpected = json_array();
	if (expected) {
		json_t *v;
		json_object_foreach(expected, name, v)
			if (!json_object_get(m->hosts, name))
				json_array_append_new(missing, json_string(name));
		json_array_foreach(hosts, i, h)
			if (!json_object_get(expected, fleet_str(h, "hostname")))
				json_array_append_new(unexpected, json_string(fleet_str(h, "hostname")));
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
	json_object_set_new(summary, "hosts", json_integer((json_int_t)json_array_size(hosts)));
	json_object_set_new(summary, "documents", json_integer((json_int_t)m->documents));
	json_object_set_new(summary, "skipped", json_integer((json_int_t)json_array_size(m->skipped)));
	json_object_set_new(summary, "duplicates", json_integer((json_int_t)json_array_size(m->duplicates)));
	json_object_set_new(summary, "future", json_integer(nfuture));
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
	json_object_set_new(fleet, "hosts", hosts);
	json_object_set_new(fleet, "worst_checks", worst);
	json_object_set_new(fleet, "stale", stale);
	json_object_set_new(fleet, "missing", missing);
	json_object_set_new(fleet, "unexpected", unexpected);
	json_object_set(fleet, "duplicates", m->duplicates);
	json_object_set(fleet, "skipped", m->skipped);
	return fleet;
}

json_t *merge_reports(char *const *paths, size_t npaths, const struct merge_opts *o, char **err)
{
	json_t *expected = NULL;
	if (o->expect_hosts && !(expected = fleet_read_expected(o->expect_hosts, err)))
		return NULL;
	struct merger m = {
		.o = o, .hosts = json_object(), .skipped = json_array(), .duplicates = json_array(),
		.titles = json_object(),
	};
	for (size_t i = 0; i < npaths; i++)
		fleet_read_path(&m, paths[i]);
	json_t *fleet = fleet_build(&m, expected);
	json_decref(expected);
	json_decref(m.hosts);
	json_decref(m.skipped);
	json_decref(m.duplicates);
	json_decref(m.titles);
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
