/*
 * fleet/read.c: host reports in, one host summary each (merge.h).
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

static const char *const count_keys[] = {
	"PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED", "total", "scored",
};
#define NCOUNT (sizeof(count_keys) / sizeof(count_keys[0]))


/* A message-safe rendition of an untrusted string (controls escaped, bounded); the caller frees. */
static char *shown(const char *s)
{
	char *c = jstr_terminal(s);
	if (strlen(c) > 200)
		memcpy(c + 197, "...", 4);
	return c;
}

static void skip(struct merger *m, const char *source, char *reason)
{
	if (!m->o->quiet) {
		char *s = shown(source), *r = jstr_terminal(reason);
		fprintf(stderr, "boxaudit: merge: skipped '%s': %s\n", s, r);
		free(s);
		free(r);
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
	json_object_set_new(h, "tool_version", json_string(fleet_str(json_object_get(doc, "tool"), "version")));
	json_object_set_new(h, "root", json_string(fleet_str(host, "root")));
	json_object_set_new(h, "live", json_boolean(json_is_true(json_object_get(host, "live"))));
	json_t *sum = counts_of(summary);
	json_object_set_new(sum, "score_model", json_string(fleet_str(summary, "score_model")));
	json_object_set_new(h, "summary", sum);

	json_t *secs = json_array();
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(summary, "sections"), i, s) {
		json_t *e = counts_of(json_object_get(s, "summary"));
		json_object_set_new(e, "benchmark", json_string(fleet_str(s, "benchmark")));
		json_object_set_new(e, "section", json_string(fleet_str(s, "section")));
		char *key = fleet_join_key(fleet_str(s, "benchmark"), fleet_str(s, "section"));
		if (!json_object_get(m->titles, key))
			json_object_set_new(m->titles, key, json_string(fleet_str(s, "title")));
		free(key);
		json_array_append_new(secs, e);
	}
	json_object_set_new(h, "sections", secs);

	json_t *failing = json_array();
	const json_t *c;
	json_array_foreach(checks, i, c) {
		const char *st = fleet_str(c, "status");
		if (strcmp(st, "FAIL") && strcmp(st, "ERROR"))
			continue;
		json_int_t nf = 0;
		size_t k;
		const json_t *f;
		json_array_foreach(json_object_get(c, "findings"), k, f) {
			const char *fs = fleet_str(f, "status");
			nf += !strcmp(fs, "FAIL") || !strcmp(fs, "ERROR");
		}
		json_array_append_new(failing, json_pack("{s:s,s:s,s:s,s:I}",
			"benchmark", fleet_str(c, "benchmark"), "id", fleet_str(c, "id"), "status", st, "findings", nf));
		char *key = fleet_join_key(fleet_str(c, "benchmark"), fleet_str(c, "id"));
		if (!json_object_get(m->titles, key))
			json_object_set_new(m->titles, key, json_pack("{s:s,s:s}", "title", fleet_str(c, "title"),
								       "section", fleet_str(c, "section")));
		free(key);
	}
	json_object_set_new(h, "failing", failing);
	return h;
}

/* Keep the newer of two reports of one host; later input wins a tie. */
/* One report of a conflict: where it came from, when it claims it was made. */
static json_t *report_ref(const json_t *h)
{
	return json_pack("{s:O,s:O,s:b}", "source", json_object_get(h, "source"),
			 "collected_at", json_object_get(h, "collected_at"),
			 "future", json_is_true(json_object_get(h, "future")));
}

/*
 * Two reports of one hostname are a conflict, and both are listed.  The
 * one kept for the host's row is never a report from the future (a
 * forged or skewed one must not displace a real one), else the newer.
 */
static void add_host(struct merger *m, json_t *h)
{
	const char *name = fleet_str(h, "hostname");
	time_t now = m->o->now ? m->o->now : time(NULL);
	time_t tn = fleet_parse_time(fleet_str(h, "collected_at"));
	json_object_set_new(h, "future", json_boolean(tn != (time_t)-1 && tn > now + FLEET_FUTURE_SLACK));
	json_t *old = json_object_get(m->hosts, name);
	if (old) {
		time_t to = fleet_parse_time(fleet_str(old, "collected_at"));
		int fn = json_is_true(json_object_get(h, "future")), fo = json_is_true(json_object_get(old, "future"));
		int keep_new = fn != fo ? !fn : tn >= to;
		json_t *kept = keep_new ? h : old, *dropped = keep_new ? old : h;
		json_array_append_new(m->duplicates, json_pack("{s:s,s:O,s:O,s:[o,o]}", "hostname", name,
			"kept", json_object_get(kept, "source"), "dropped", json_object_get(dropped, "source"),
			"reports", report_ref(kept), report_ref(dropped)));
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

void fleet_read_path(struct merger *m, const char *path)
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
		qsort(names, n, sizeof(*names), fleet_cmp_str);
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

