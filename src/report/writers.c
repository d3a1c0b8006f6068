#include "config.h"
#include <string.h>
#include "report/report.h"
#include "base/banned.h"

static const char *const text_ext[] = { ".txt", NULL };
static const char *const json_ext[] = { ".json", NULL };
static const char *const jsonl_ext[] = { ".jsonl", ".ndjson", NULL };
static const char *const html_ext[] = { ".html", ".htm", NULL };
static const char *const junit_ext[] = { ".xml", NULL };
static const char *const xccdf_ext[] = { ".xccdf.xml", NULL };
static const char *const arf_ext[] = { ".arf.xml", NULL };
static const char *const sarif_ext[] = { ".sarif", ".sarif.json", NULL };

const struct writer report_writers[] = {
	{ "text", text_ext, report_write_text },
	{ "json", json_ext, report_write_json },
	{ "jsonl", jsonl_ext, report_write_jsonl },
	{ "html", html_ext, report_write_html },
	{ "junit", junit_ext, report_write_junit },
	{ "xccdf", xccdf_ext, report_write_xccdf },
	{ "arf", arf_ext, report_write_arf },
	{ "sarif", sarif_ext, report_write_sarif },
	{ NULL, NULL, NULL },
};

const struct writer *writer_find(const struct writer *table, const char *name)
{
	for (const struct writer *w = table; w->name; w++)
		if (!strcmp(w->name, name))
			return w;
	return NULL;
}

const struct writer *writer_for_path(const struct writer *table, const char *path)
{
	/* The longest ending wins: "r.xccdf.xml" is XCCDF, "r.xml" JUnit. */
	const struct writer *best = NULL;
	size_t best_len = 0, len = strlen(path);
	for (const struct writer *w = table; w->name; w++)
		for (const char *const *e = w->extensions; e && *e; e++) {
			size_t el = strlen(*e);
			if (el < len && el > best_len && !strcmp(path + len - el, *e)) {
				best = w;
				best_len = el;
			}
		}
	return best;
}
