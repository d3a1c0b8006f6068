/*
 * boxaudit trend REPORT.json...|DIR...: the scores of a host's reports
 * over time (report/trend.h), as an HTML page or (--format json) the
 * series.  A directory contributes every *.json file in it, which is what
 * --state-dir keeps.  A file that is not a boxaudit report is named in a
 * note and skipped.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd/cmd.h"
#include "report/trend.h"
#include "score/drift.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *const no_ext[] = { NULL };
static const struct writer trend_writers[] = {
	{ "html", no_ext, trend_write_html },
	{ "json", no_ext, report_write_json },
	{ NULL, NULL, NULL },
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct inputs {
	json_t **docs;
	char **files;
	size_t n, alloc, falloc;
	json_t *notes;
};

static void add_file(struct inputs *in, const char *path)
{
	char *err = NULL;
	json_t *doc = drift_load(path, &err);
	if (doc && !cmd_is_report(doc))
		err = xstrdup("not a boxaudit JSON report (schema boxaudit-report/1)");
	if (err) {
		char *m = xasprintf("skipped '%s': %s", path, err);
		json_array_append_new(in->notes, jstr(m));
		free(m);
		free(err);
		json_decref(doc);
		return;
	}
	ALLOC_GROW(in->docs, in->n + 1, in->alloc);
	ALLOC_GROW(in->files, in->n + 1, in->falloc);
	in->docs[in->n] = doc;
	in->files[in->n++] = xstrdup(path);
}

static int add_path(struct inputs *in, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		cmd_error("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(in, path);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		cmd_error("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *p = path_join(path, names[i]);
		add_file(in, p);
		free(p);
		free(names[i]);
	}
	free(names);
	return 0;
}

int cmd_trend(const struct cmd_opts *o, char *const *args, size_t nargs)
{
	struct inputs in = { .notes = json_array() };
	int rc = 0;
	for (size_t i = 0; i < nargs && rc == 0; i++)
		if (add_path(&in, args[i]) < 0)
			rc = 2;
	if (rc == 0 && !in.n) {
		cmd_error("trend: no boxaudit report among the inputs");
		size_t i;
		json_t *v;
		json_array_foreach(in.notes, i, v)
			cmd_error("%s", json_string_value(v));
		rc = 2;
	}
	json_t *t = NULL;
	if (rc == 0)
		t = trend_build(in.docs, (const char *const *)in.files, in.n, in.notes);
	for (size_t i = 0; rc == 0 && i < o->noutputs; i++) {
		const struct report_output *out = &o->outputs[i];
		/* The page is what trend writes unless JSON was asked for. */
		const char *fmt = !strcmp(out->format, "json") ? "json" : "html";
		if (strcmp(out->format, "json") && strcmp(out->format, "html") && strcmp(out->format, "text")) {
			cmd_error("trend writes html or json, not %s", out->format);
			rc = 2;
			break;
		}
		struct write_opts wo = {0};
		if (cmd_write(writer_find(trend_writers, fmt), t, &wo, out->path, REPORT_CAP) < 0)
			rc = 2;
	}
	json_decref(t);
	for (size_t i = 0; i < in.n; i++) {
		json_decref(in.docs[i]);
		free(in.files[i]);
	}
	free(in.docs);
	free(in.files);
	json_decref(in.notes);
	return rc;
}
