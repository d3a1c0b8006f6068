#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/limits.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"

void defs_init(struct defs *d)
{
	memset(d, 0, sizeof(*d));
}

static int load_text(struct loader *lp, size_t before, const char *text, size_t len);

int defs_load_file(struct defs *d, const char *path)
{
	struct loader l = { .d = d };
	size_t before = d->nerrors;
	ALLOC_GROW(d->files, d->nfiles + 1, d->files_alloc);
	d->files[d->nfiles++] = xstrdup(path);
	l.file = d->files[d->nfiles - 1];

	/* Definitions are the operator's own files, read from the real filesystem. */
	struct buf b;
	buf_init(&b, DEFS_FILE_CAP);
	int r = buf_read_file(&b, path);
	if (r < 0) {
		defs_add_error(d, r == -2 ? xasprintf("%s: larger than %u bytes", path, DEFS_FILE_CAP) :
				       xasprintf("%s: cannot open: %s", path, strerror(errno)));
		buf_release(&b);
		return -1;
	}
	int rc = load_text(&l, before, b.data, b.len);
	buf_release(&b);
	return rc;
}

int defs_load_text(struct defs *d, const char *name, const char *text, size_t len)
{
	struct loader l = { .d = d };
	size_t before = d->nerrors;
	ALLOC_GROW(d->files, d->nfiles + 1, d->files_alloc);
	d->files[d->nfiles++] = xstrdup(name);
	l.file = d->files[d->nfiles - 1];
	if (len > DEFS_FILE_CAP) {
		defs_add_error(d, xasprintf("%s: larger than %u bytes", name, DEFS_FILE_CAP));
		return -1;
	}
	return load_text(&l, before, text, len);
}

/* Parse one definitions file's text for the loader l (l->file names it). */
static int load_text(struct loader *lp, size_t before, const char *text, size_t len)
{
	struct loader l = *lp;
	struct defs *d = l.d;
	const char *path = l.file;
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		defs_add_error(d, xasprintf("%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
				       parser.problem_mark.column + 1,
				       parser.problem ? parser.problem : "invalid YAML"));
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	yaml_node_t *rootn = yaml_document_get_root_node(&l.doc);
	char *berr = NULL;
	if (!rootn) {
		defs_add_error(d, xasprintf("%s: empty file", path));
	} else if (yamljson_check_budget(&l.doc, path, 0, DEFS_MAX_EXPANDED_BYTES, DEFS_MAX_EXPANDED_NODES, &berr) < 0) {
		/* Walked once per use of each alias, a small file could cost gigabytes. */
		defs_add_error(d, berr);
	} else if (rootn->type != YAML_MAPPING_NODE) {
		loader_error(&l, rootn, "expected a mapping with 'rules', 'benchmark', 'platform' or 'component'");
	} else if (loader_map_get(&l, rootn, "rules")) {
		static const char *const keys[] = { "rules", NULL };
		if (loader_check_keys(&l, rootn, "rule library", keys) == 0)
			rules_parse_library(&l, loader_map_get(&l, rootn, "rules"));
	} else if (loader_map_get(&l, rootn, "benchmark")) {
		bench_parse(&l, rootn);
	} else if (loader_map_get(&l, rootn, "platform")) {
		platform_parse(&l, rootn);
	} else if (loader_map_get(&l, rootn, "component")) {
		component_parse(&l, rootn);
	} else {
		loader_error(&l, rootn, "expected a mapping with 'rules', 'benchmark', 'platform' or 'component'");
	}
	yaml_document_delete(&l.doc);
	return d->nerrors > before ? -1 : 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct defs *d, const char *dir, int depth)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		defs_add_error(d, xasprintf("%s: cannot open checks directory: %s", dir, strerror(errno)));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	int rc = 0;
	/* Rule libraries first, so benchmark files can name their rules. */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < n; i++) {
			char *p = xasprintf("%s/%s", dir, names[i]);
			struct stat st;
			size_t len = strlen(names[i]);
			int is_yaml = len > 5 && !strcmp(names[i] + len - 5, ".yaml");
			int is_rules = is_yaml && strstr(names[i], "rules") != NULL;
			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (pass == 2 && depth < 8 && load_dir(d, p, depth + 1) < 0)
					rc = -1;
			} else if (is_yaml && ((pass == 0 && is_rules) || (pass == 1 && !is_rules))) {
				if (defs_load_file(d, p) < 0)
					rc = -1;
			}
			free(p);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int defs_load_dir(struct defs *d, const char *dir)
{
	return load_dir(d, dir, 0);
}

void benchmark_free(struct benchmark *b)
{
	for (size_t k = 0; k < b->nchecks; k++)
		check_release(&b->checks[k]);
	free(b->checks);
	free(b->id);
	free(b->title);
	free(b->version);
	free(b->platform);
	free(b->extends);
	free(b->selects_from);
	json_decref(b->sections);
	json_decref(b->raw);
	free(b);
}

void defs_release(struct defs *d)
{
	for (size_t i = 0; i < d->nplatforms; i++)
		platform_free(d->platforms[i]);
	free(d->platforms);
	for (size_t i = 0; i < d->ncomponents; i++)
		component_free(d->components[i]);
	free(d->components);
	for (size_t i = 0; i < d->nrules; i++)
		rule_free(d->rules[i]);
	free(d->rules);
	for (size_t i = 0; i < d->nbenches; i++)
		benchmark_free(d->benches[i]);
	free(d->benches);
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i]);
	free(d->files);
	for (size_t i = 0; i < d->nerrors; i++)
		free(d->errors[i]);
	free(d->errors);
	memset(d, 0, sizeof(*d));
}
