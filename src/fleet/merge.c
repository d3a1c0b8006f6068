/*
 * merge: read host reports one at a time, keep a summary of each, and
 * build the fleet document at the end (see merge.h).
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
#include "cmd/audit.h"
#include "base/limits.h"
#include "base/atomic.h"
#include "base/jstr.h"
#include "fleet/merge.h"
#include "report/xml.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define REPORT_SCHEMA "boxaudit-report/1"
#define FLEET_SCHEMA "boxaudit-fleet/1"

static const char *const count_keys[] = {
	"PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED", "total", "scored",
};
#define NCOUNT (sizeof(count_keys) / sizeof(count_keys[0]))

struct merger {
	const struct merge_opts *o;
	json_t *hosts;		/* object: hostname -> host summary */
	json_t *skipped;	/* [{source, reason}] */
	json_t *duplicates;	/* [{hostname, kept, dropped}] */
	/*
	 * Titles once for the fleet, not once per host: "benchmark\nsection" ->
	 * section title, "benchmark\nid" -> {title, section} of a failing check.
	 */
	json_t *titles;
	size_t documents;	/* report documents read, good or bad */
	size_t ignored_lines;	/* lines of a JSON-lines input that are not JSON objects */
};

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* "2026-01-02T03:04:05Z" as seconds since the epoch, or -1. */
static time_t parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end)
		return (time_t)-1;
	return timegm(&tm);
}

/* A message-safe rendition of an untrusted string (controls escaped, bounded); the caller frees. */
static char *shown(const char *s)
{
	char *c = report_xml_clean(s);
	if (strlen(c) > 200)
		memcpy(c + 197, "...", 4);
	return c;
}

static void skip(struct merger *m, const char *source, char *reason)
{
	if (!m->o->quiet) {
		char *s = shown(source);
		fprintf(stderr, "boxaudit: merge: skipped '%s': %s\n", s, reason);
		free(s);
	}
	json_array_append_new(m->skipped, json_pack("{s:o,s:o}", "source", jstr(source),
						    "reason", jstr(reason)));
	free(reason);
}

static json_t *num_or_null(const json_t *v)
{
	return json_is_number(v) ? json_real(json_number_value(v)) : json_null();
}

static json_t *counts_of(const json_t *summary)
{
	json_t *o = json_object();
	for (size_t i = 0; i < NCOUNT; i++) {
		const json_t *v = json_object_get(summary, count_keys[i]);
		json_object_set_new(o, count_keys[i], json_integer(json_is_integer(v) ? json_integer_value(v) : 0));
	}
	json_object_set_new(o, "score", num_or_null(json_object_get(summary, "score")));
	return o;
}

/* The host summary of one report document, or NULL with *why. */
static char *join_key(const char *a, const char *b);

static json_t *summarize(struct merger *m, const json_t *doc, char **why)
{
	if (!json_is_object(doc)) {
		*why = xstrdup("not a boxaudit report (not a JSON object)");
		return NULL;
	}
	const json_t *schema = json_object_get(doc, "schema");
	if (!json_is_string(schema)) {
		*why = xstrdup("not a boxaudit report (no \"schema\")");
		return NULL;
	}
	if (strcmp(json_string_value(schema), REPORT_SCHEMA)) {
		char *s = shown(json_string_value(schema));
		*why = xasprintf("not a boxaudit report (schema '%s', expected '%s')", s, REPORT_SCHEMA);
		free(s);
		return NULL;
	}
	const json_t *host = json_object_get(doc, "host"), *summary = json_object_get(doc, "summary");
	const json_t *checks = json_object_get(doc, "checks");
	const char *hostname = json_string_value(json_object_get(host, "hostname"));
	if (!hostname || !*hostname) {
		*why = xstrdup("the report has no host.hostname");
		return NULL;
	}
	if (!json_is_object(summary) || !json_is_array(checks)) {
		*why = xstrdup("the report has no summary or no checks");
		return NULL;
	}
	json_t *h = json_object();
	json_object_set_new(h, "hostname", json_string(hostname));
	const json_t *when = json_object_get(doc, "collected_at");
	json_object_set_new(h, "collected_at", json_is_string(when) ? json_copy((json_t *)when) : json_null());
	json_object_set_new(h, "tool_version", json_string(str(json_object_get(doc, "tool"), "version")));
	json_object_set_new(h, "root", json_string(str(host, "root")));
	json_object_set_new(h, "live", json_boolean(json_is_true(json_object_get(host, "live"))));
	json_t *sum = counts_of(summary);
	json_object_set_new(sum, "score_model", json_string(str(summary, "score_model")));
	json_object_set_new(h, "summary", sum);

	json_t *secs = json_array();
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(summary, "sections"), i, s) {
		json_t *e = counts_of(json_object_get(s, "summary"));
		json_object_set_new(e, "benchmark", json_string(str(s, "benchmark")));
		json_object_set_new(e, "section", json_string(str(s, "section")));
		char *key = join_key(str(s, "benchmark"), str(s, "section"));
		if (!json_object_get(m->titles, key))
			json_object_set_new(m->titles, key, json_string(str(s, "title")));
		free(key);
		json_array_append_new(secs, e);
	}
	json_object_set_new(h, "sections", secs);

	json_t *failing = json_array();
	const json_t *c;
	json_array_foreach(checks, i, c) {
		const char *st = str(c, "status");
		if (strcmp(st, "FAIL") && strcmp(st, "ERROR"))
			continue;
		json_int_t nf = 0;
		size_t k;
		const json_t *f;
		json_array_foreach(json_object_get(c, "findings"), k, f) {
			const char *fs = str(f, "status");
			nf += !strcmp(fs, "FAIL") || !strcmp(fs, "ERROR");
		}
		json_array_append_new(failing, json_pack("{s:s,s:s,s:s,s:I}",
			"benchmark", str(c, "benchmark"), "id", str(c, "id"), "status", st, "findings", nf));
		char *key = join_key(str(c, "benchmark"), str(c, "id"));
		if (!json_object_get(m->titles, key))
			json_object_set_new(m->titles, key, json_pack("{s:s,s:s}", "title", str(c, "title"),
								       "section", str(c, "section")));
		free(key);
	}
	json_object_set_new(h, "failing", failing);
	return h;
}

/* Keep the newer of two reports of one host; later input wins a tie. */
static void add_host(struct merger *m, json_t *h)
{
	const char *name = str(h, "hostname");
	json_t *old = json_object_get(m->hosts, name);
	if (old) {
		time_t tn = parse_time(str(h, "collected_at")), to = parse_time(str(old, "collected_at"));
		int keep_new = tn >= to;
		json_t *kept = keep_new ? h : old, *dropped = keep_new ? old : h;
		json_array_append_new(m->duplicates, json_pack("{s:s,s:O,s:O}", "hostname", name,
			"kept", json_object_get(kept, "source"), "dropped", json_object_get(dropped, "source")));
		if (!keep_new) {
			json_decref(h);
			return;
		}
	}
	json_object_set_new(m->hosts, name, h);
}

static void merge_text(struct merger *m, const char *data, size_t len, const char *source)
{
	json_error_t e;
	m->documents++;
	json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (!doc) {
		skip(m, source, xasprintf("not valid JSON (line %d, column %d: %s)", e.line, e.column, e.text));
		return;
	}
	char *why = NULL;
	json_t *h = summarize(m, doc, &why);
	json_decref(doc);
	if (!h) {
		skip(m, source, why);
		return;
	}
	json_object_set_new(h, "source", jstr(source));
	add_host(m, h);
}

static int is_lines_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	return !strcmp(path, "-") || (dot && (!strcmp(dot, ".jsonl") || !strcmp(dot, ".ndjson") ||
					      !strcmp(dot, ".log")));
}

static int is_report_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return name[0] != '.' && (is_lines_name(name) || (dot && !strcmp(dot, ".json")));
}

static void merge_line(struct merger *m, struct buf *line, const char *path, size_t lineno)
{
	const char *p = line->data;
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (!*p)
		return;
	if (*p != '{') {
		/* Log noise around the reports (a warning on stderr): not a report. */
		m->ignored_lines++;
		return;
	}
	char *src = xasprintf("%s:%zu", path, lineno);
	merge_text(m, line->data, line->len, src);
	free(src);
}

/* One report per line; a line is held in memory only until it is merged. */
static void merge_lines(struct merger *m, FILE *f, const char *path)
{
	struct buf line;
	buf_init(&line, MERGE_MAX_REPORT);
	char chunk[65536];
	size_t got, lineno = 1;
	int toolong = 0;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		const char *p = chunk, *end = chunk + got;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl : end) - p);
			if (!toolong && buf_add(&line, p, n) < 0) {
				toolong = 1;
				buf_reset(&line);
			}
			if (!nl)
				break;
			if (toolong) {
				char *src = xasprintf("%s:%zu", path, lineno);
				m->documents++;
				skip(m, src, xasprintf("line longer than %u bytes", MERGE_MAX_REPORT));
				free(src);
			} else {
				merge_line(m, &line, path, lineno);
			}
			buf_reset(&line);
			toolong = 0;
			lineno++;
			p = nl + 1;
		}
	}
	if (ferror(f))
		skip(m, path, xasprintf("read error: %s", strerror(errno)));
	else if (toolong)
		skip(m, path, xasprintf("line %zu longer than %u bytes", lineno, MERGE_MAX_REPORT));
	else
		merge_line(m, &line, path, lineno);
	buf_release(&line);
}

static void merge_file(struct merger *m, const char *path)
{
	if (is_lines_name(path)) {
		/* JSON lines are streamed: a log of many runs need not fit in memory. */
		FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
		if (!f) {
			skip(m, path, xasprintf("cannot open: %s", strerror(errno)));
			return;
		}
		merge_lines(m, f, path);
		if (f != stdin)
			fclose(f);
		return;
	}
	struct buf b;
	buf_init(&b, MERGE_MAX_REPORT);
	int bad = buf_read_file(&b, path);
	if (bad == -2) {
		m->documents++;
		skip(m, path, xasprintf("larger than %u bytes", MERGE_MAX_REPORT));
	} else if (bad) {
		skip(m, path, xasprintf("cannot read: %s", strerror(errno)));
	} else {
		merge_text(m, b.data, b.len, path);
	}
	buf_release(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void merge_path(struct merger *m, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d) {
			skip(m, path, xasprintf("cannot open directory: %s", strerror(errno)));
			return;
		}
		char **names = NULL;
		size_t n = 0, alloc = 0;
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!is_report_name(de->d_name))
				continue;
			char *full = xasprintf("%s/%s", path, de->d_name);
			if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
				ALLOC_GROW(names, n + 1, alloc);
				names[n++] = full;
			} else {
				free(full);
			}
		}
		closedir(d);
		qsort(names, n, sizeof(*names), cmp_str);
		if (!n)
			skip(m, path, xstrdup("no report files in the directory (*.json, *.jsonl, *.ndjson, *.log)"));
		for (size_t i = 0; i < n; i++) {
			merge_file(m, names[i]);
			free(names[i]);
		}
		free(names);
		return;
	}
	merge_file(m, path);
}

/* ---- the fleet document ---- */

static int cmp_host(const void *a, const void *b)
{
	return strcmp(str(*(json_t *const *)a, "hostname"), str(*(json_t *const *)b, "hostname"));
}

static int cmp_section(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(str(x, "benchmark"), str(y, "benchmark"));
	return c ? c : strverscmp(str(x, "section"), str(y, "section"));
}

static json_int_t ival(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int cmp_worst(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t fx = ival(x, "failing_hosts"), fy = ival(y, "failing_hosts");
	json_int_t ex = ival(x, "error_hosts"), ey = ival(y, "error_hosts");
	if (fx + ex != fy + ey)
		return fx + ex > fy + ey ? -1 : 1;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	int c = strcmp(str(x, "benchmark"), str(y, "benchmark"));
	return c ? c : strverscmp(str(x, "id"), str(y, "id"));
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

static char *join_key(const char *a, const char *b)
{
	return xasprintf("%s\n%s", a, b);
}

/* Expected hostnames from a file: one a line, blank lines and # comments ignored. */
static json_t *read_expected(const char *path, char **err)
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

static json_t *build_fleet(struct merger *m, json_t *expected)
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
	double ssum = 0, smin = INFINITY, smax = -INFINITY;
	json_array_foreach(hosts, i, h) {
		char *anchor = xasprintf("host-%zu", i + 1);
		json_object_set_new(h, "anchor", json_string(anchor));
		free(anchor);
		const json_t *sum = json_object_get(h, "summary");
		nfail += ival(sum, "FAIL") > 0;
		nerr += ival(sum, "ERROR") > 0;
		const json_t *sc = json_object_get(sum, "score");
		if (json_is_number(sc)) {
			double v = json_number_value(sc);
			ssum += v;
			smin = v < smin ? v : smin;
			smax = v > smax ? v : smax;
			nscore++;
		}
		/* Age and staleness. */
		time_t t = parse_time(str(h, "collected_at"));
		json_t *age = t == (time_t)-1 ? json_null() : json_real(round((double)(now - t) / 360.0) / 10.0);
		json_object_set_new(h, "age_hours", age);
		int is_stale = 0;
		const char *why = NULL;
		if (o->stale_after_hours > 0) {
			if (t == (time_t)-1) {
				is_stale = 1;
				why = "the report has no valid collected_at";
			} else if ((double)(now - t) > o->stale_after_hours * 3600.0) {
				is_stale = 1;
				why = "older than --stale-after";
			}
		}
		json_object_set_new(h, "stale", json_boolean(is_stale));
		if (is_stale)
			json_array_append_new(stale, json_pack("{s:s,s:O,s:O,s:O,s:s}", "hostname", str(h, "hostname"),
				"anchor", json_object_get(h, "anchor"), "collected_at", json_object_get(h, "collected_at"),
				"age_hours", age, "reason", why));
		/* Matrix columns. */
		size_t k;
		json_t *s;
		json_array_foreach(json_object_get(h, "sections"), k, s) {
			char *key = join_key(str(s, "benchmark"), str(s, "section"));
			if (!json_object_get(colmap, key)) {
				json_t *col = json_pack("{s:s,s:s,s:s}", "benchmark", str(s, "benchmark"),
							"section", str(s, "section"), "title",
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
			char *key = join_key(str(c, "benchmark"), str(c, "id"));
			json_t *w = json_object_get(worstmap, key);
			if (!w) {
				const json_t *ti = json_object_get(m->titles, key);
				w = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:[]}", "benchmark", str(c, "benchmark"),
					      "id", str(c, "id"), "title", str(ti, "title"), "section", str(ti, "section"),
					      "failing_hosts", 0, "error_hosts", 0, "hosts");
				json_object_set_new(worstmap, key, w);
				json_array_append(worst, w);
			}
			free(key);
			const char *ck = !strcmp(str(c, "status"), "FAIL") ? "failing_hosts" : "error_hosts";
			json_object_set_new(w, ck, json_integer(ival(w, ck) + 1));
			json_array_append_new(json_object_get(w, "hosts"), json_pack("{s:s,s:O,s:s}",
				"hostname", str(h, "hostname"), "anchor", json_object_get(h, "anchor"),
				"status", str(c, "status")));
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
			if (!json_object_get(expected, str(h, "hostname")))
				json_array_append_new(unexpected, json_string(str(h, "hostname")));
		size_t n = json_array_size(missing);
		char **v2 = xcalloc(n ? n : 1, sizeof(*v2));
		for (i = 0; i < n; i++)
			v2[i] = xstrdup(json_string_value(json_array_get(missing, i)));
		qsort(v2, n, sizeof(*v2), cmp_str);
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
	if (o->expect_hosts && !(expected = read_expected(o->expect_hosts, err)))
		return NULL;
	struct merger m = {
		.o = o, .hosts = json_object(), .skipped = json_array(), .duplicates = json_array(),
		.titles = json_object(),
	};
	for (size_t i = 0; i < npaths; i++)
		merge_path(&m, paths[i]);
	json_t *fleet = build_fleet(&m, expected);
	json_decref(expected);
	json_decref(m.hosts);
	json_decref(m.skipped);
	json_decref(m.duplicates);
	json_decref(m.titles);
	return fleet;
}

/* ---- writers and the command ---- */

static int dump_to_buf(const char *p, size_t n, void *arg)
{
	return buf_add(arg, p, n);
}

int fleet_write_json(const json_t *fleet, struct buf *out, char **err)
{
	if (json_dump_callback(fleet, dump_to_buf, out,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) < 0 ||
	    buf_addstr(out, "\n") < 0) {
		*err = xstrdup("the fleet report is larger than the output limit");
		return -1;
	}
	return 0;
}

static void score_str(const json_t *v, char *s, size_t n)
{
	if (json_is_number(v))
		snprintf(s, n, "%.1f%%", json_number_value(v));
	else
		snprintf(s, n, "n/a");
}

int fleet_write_text(const json_t *fleet, struct buf *out, char **err)
{
	const json_t *sum = json_object_get(fleet, "summary"), *score = json_object_get(sum, "score");
	char mean[32], lo[32];
	score_str(json_object_get(score, "mean"), mean, sizeof(mean));
	score_str(json_object_get(score, "min"), lo, sizeof(lo));
	int r = buf_addf(out, "boxaudit fleet: %lld hosts (%lld failing), %lld skipped, %lld stale",
			 (long long)ival(sum, "hosts"), (long long)ival(sum, "hosts_failing"),
			 (long long)ival(sum, "skipped"), (long long)ival(sum, "stale"));
	if (r == 0 && json_is_integer(json_object_get(sum, "missing")))
		r = buf_addf(out, ", %lld missing", (long long)ival(sum, "missing"));
	if (r == 0)
		r = buf_addf(out, "; mean score %s (lowest %s)\n\n%-32s %7s %5s %5s %8s\n", mean, lo,
			     "HOST", "SCORE", "FAIL", "ERROR", "AGE(h)");
	size_t i;
	const json_t *h;
	json_array_foreach(json_object_get(fleet, "hosts"), i, h) {
		const json_t *hs = json_object_get(h, "summary"), *age = json_object_get(h, "age_hours");
		char sc[32], ag[32];
		score_str(json_object_get(hs, "score"), sc, sizeof(sc));
		if (json_is_number(age))
			snprintf(ag, sizeof(ag), "%.1f", json_number_value(age));
		else
			snprintf(ag, sizeof(ag), "?");
		char *name = report_xml_clean(str(h, "hostname"));
		if (r == 0)
			r = buf_addf(out, "%-32s %7s %5lld %5lld %8s%s\n", name, sc, (long long)ival(hs, "FAIL"),
				     (long long)ival(hs, "ERROR"), ag, json_is_true(json_object_get(h, "stale")) ? "  STALE" : "");
		free(name);
	}
	const json_t *w = json_object_get(fleet, "worst_checks");
	if (r == 0 && json_array_size(w))
		r = buf_addstr(out, "\nWorst checks (hosts failing):\n");
	json_array_foreach(w, i, h) {
		if (i >= 20)
			break;
		char *t = report_xml_clean(str(h, "title"));
		char *id = report_xml_clean(str(h, "id"));
		if (r == 0)
			r = buf_addf(out, "  %5lld  %-8s %s\n", (long long)(ival(h, "failing_hosts") + ival(h, "error_hosts")),
				     id, t);
		free(t);
		free(id);
	}
	static const char *const lists[] = { "missing", "unexpected" };
	for (size_t l = 0; l < 2; l++) {
		const json_t *a = json_object_get(fleet, lists[l]);
		if (r == 0 && json_array_size(a))
			r = buf_addf(out, "\n%s hosts:\n", l == 0 ? "Missing" : "Unexpected");
		json_array_foreach(a, i, h) {
			char *n = report_xml_clean(json_string_value(h));
			if (r == 0)
				r = buf_addf(out, "  %s\n", n);
			free(n);
		}
	}
	const json_t *sk = json_object_get(fleet, "skipped");
	if (r == 0 && json_array_size(sk))
		r = buf_addstr(out, "\nSkipped inputs:\n");
	json_array_foreach(sk, i, h) {
		char *s = report_xml_clean(str(h, "source")), *why = report_xml_clean(str(h, "reason"));
		if (r == 0)
			r = buf_addf(out, "  %s: %s\n", s, why);
		free(s);
		free(why);
	}
	if (r < 0) {
		*err = xstrdup("the fleet report is larger than the output limit");
		return -1;
	}
	return 0;
}

int merge_run(const struct merge_opts *o, const struct audit_output *outs, size_t nouts,
	      char *const *paths, size_t npaths)
{
	char *err = NULL;
	for (size_t i = 0; i < nouts; i++)
		if (outs[i].format != FMT_TEXT && outs[i].format != FMT_JSON && outs[i].format != FMT_HTML) {
			fprintf(stderr, "boxaudit: merge writes text, json or html, not %s\n",
				report_format_name(outs[i].format));
			return 2;
		}
	json_t *fleet = merge_reports(paths, npaths, o, &err);
	if (!fleet) {
		fprintf(stderr, "boxaudit: %s\n", err);
		free(err);
		return 2;
	}
	int rc = 0;
	if (ival(json_object_get(fleet, "summary"), "hosts") == 0) {
		fprintf(stderr, "boxaudit: merge: no host report could be merged\n");
		rc = 2;
	}
	for (size_t i = 0; i < nouts; i++) {
		struct buf b;
		buf_init(&b, FLEET_OUT_CAP);
		int r = outs[i].format == FMT_JSON ? fleet_write_json(fleet, &b, &err) :
			outs[i].format == FMT_HTML ? fleet_write_html(fleet, &b, &err) :
			fleet_write_text(fleet, &b, &err);
		if (r == 0)
			r = atomic_write(outs[i].path, b.data, b.len, &err);
		if (r < 0) {
			fprintf(stderr, "boxaudit: %s\n", err);
			free(err);
			err = NULL;
			rc = 2;
		}
		buf_release(&b);
	}
	json_decref(fleet);
	return rc;
}
