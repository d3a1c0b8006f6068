#include "config.h"
#include <string.h>
#include "report/report.h"
#include "base/banned.h"

static const char *const text_ext[] = { ".txt", NULL };
static const char *const json_ext[] = { ".json", NULL };
static const char *const jsonl_ext[] = { ".jsonl", ".ndjson", NULL };
static const char *const html_ext[] = { ".html", ".htm", NULL };
static const char *const junit_ext[] = { ".xml", NULL };

const struct writer report_writers[] = {
	{ "text", text_ext, report_write_text },
	{ "json", json_ext, report_write_json },
	{ "jsonl", jsonl_ext, report_write_jsonl },
	{ "html", html_ext, report_write_html },
	{ "junit", junit_ext, report_write_junit },
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
	const char *dot = strrchr(path, '.');
	if (!dot)
		return NULL;
	for (const struct writer *w = table; w->name; w++)
		for (const char *const *e = w->extensions; e && *e; e++)
			if (!strcmp(dot, *e))
				return w;
	return NULL;
}
