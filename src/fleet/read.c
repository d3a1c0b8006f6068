/*
 * fleet/read.c: host reports in, one host summary each (merge.h).
 */
#include "config.h"
#include <dirent.h>
#include <pthread.h>
#include <unistd.h>
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
#include "base/jarena.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *const count_keys[FLEET_NCOUNT] = {
	"PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED", "total", "scored",
};

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

static void counts_of(const json_t *summary, struct fleet_counts *c)
{
	for (size_t i = 0; i < FLEET_NCOUNT; i++) {
		const json_t *v = json_object_get(summary, count_keys[i]);
		c->n[i] = json_is_integer(v) ? json_integer_value(v) : 0;
	}
	const json_t *sc = json_object_get(summary, "score");
	c->has_score = json_is_number(sc);
	c->score = c->has_score ? json_number_value(sc) : 0;
}

json_t *fleet_counts_json(const struct fleet_counts *c)
{
	json_t *o = json_object();
	for (size_t i = 0; i < FLEET_NCOUNT; i++)
		json_object_set_new(o, count_keys[i], json_integer(c->n[i]));
	json_object_set_new(o, "score", c->has_score ? json_real(c->score) : json_null());
	return o;
}

/* A host's facts common to a report and to a fleet's host entry. */
static void host_start(struct fleet_host *h, const char *hostname, const json_t *when,
		       const char *tool_version, const char *root, int live, const json_t *summary)
{
	memset(h, 0, sizeof(*h));
	h->hostname = xstrdup(hostname);
	h->collected_at = json_is_string(when) ? xstrdup(json_string_value(when)) : NULL;
	h->tool_version = xstrdup(tool_version);
	h->root = xstrdup(root);
	h->live = live;
	counts_of(summary, &h->sum);
	h->score_model = xstrdup(fleet_str(summary, "score_model"));
}

static void host_add_section(struct fleet *f, struct fleet_host *h, const json_t *s, const json_t *counts,
			     size_t *alloc)
{
	ALLOC_GROW(h->secs, h->nsecs + 1, *alloc);
	struct fleet_sec *e = &h->secs[h->nsecs++];
	e->col = fleet_col(f, fleet_str(s, "benchmark"), fleet_str(s, "section"), fleet_str(s, "title"));
	counts_of(counts, &e->c);
}

static void host_add_fail(struct fleet *f, struct fleet_host *h, const json_t *c, json_int_t findings,
			  const char *title, const char *section, size_t *alloc)
{
	ALLOC_GROW(h->fails, h->nfails + 1, *alloc);
	struct fleet_fail *e = &h->fails[h->nfails++];
	e->check = fleet_check(f, fleet_str(c, "benchmark"), fleet_str(c, "id"), title, section);
	e->error = !strcmp(fleet_str(c, "status"), "ERROR");
	e->findings = findings;
}

/* The host summary of one report document into h, or -1 with *why. */
static int summarize(struct merger *m, const json_t *doc, struct fleet_host *h, char **why)
{
	const json_t *host = json_object_get(doc, "host"), *summary = json_object_get(doc, "summary");
	const json_t *checks = json_object_get(doc, "checks");
	const char *hostname = json_string_value(json_object_get(host, "hostname"));
	if (!hostname || !*hostname) {
		*why = xstrdup("the report has no host.hostname");
		return -1;
	}
	if (!json_is_object(summary) || !json_is_array(checks)) {
		*why = xstrdup("the report has no summary or no checks");
		return -1;
	}
	host_start(h, hostname, json_object_get(doc, "collected_at"),
		   fleet_str(json_object_get(doc, "tool"), "version"), fleet_str(host, "root"),
		   json_is_true(json_object_get(host, "live")), summary);
	size_t i, alloc = 0;
	const json_t *s;
	json_array_foreach(json_object_get(summary, "sections"), i, s)
		host_add_section(m->f, h, s, json_object_get(s, "summary"), &alloc);
	alloc = 0;
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
		host_add_fail(m->f, h, c, nf, fleet_str(c, "title"), fleet_str(c, "section"), &alloc);
	}
	return 0;
}

/* One report of a conflict: where it came from, when it claims it was made. */
static json_t *report_ref(const struct fleet_host *h)
{
	return json_pack("{s:o,s:o,s:b}", "source", jstr(h->source),
			 "collected_at", h->collected_at ? jstr(h->collected_at) : json_null(),
			 "future", h->future);
}

/*
 * Two reports of one hostname are a conflict, and both are listed.  The
 * one kept for the host's row is never a report from the future (a
 * forged or skewed one must not displace a real one), else the newer.
 * Takes over h's contents.
 */
static void add_host(struct merger *m, struct fleet_host *h)
{
	struct fleet *f = m->f;
	/* Kept for the whole merge: no slack. */
	if (h->nsecs)
		h->secs = xrealloc(h->secs, h->nsecs * sizeof(*h->secs));
	if (h->nfails)
		h->fails = xrealloc(h->fails, h->nfails * sizeof(*h->fails));
	h->t = fleet_parse_time(h->collected_at);
	h->future = h->t != (time_t)-1 && h->t > f->now + FLEET_FUTURE_SLACK;
	const json_t *ix = json_object_get(m->byname, h->hostname);
	if (ix) {
		struct fleet_host *old = &f->hosts[json_integer_value(ix)];
		int keep_new = h->future != old->future ? !h->future : h->t >= old->t;
		struct fleet_host *kept = keep_new ? h : old, *dropped = keep_new ? old : h;
		json_array_append_new(m->duplicates, json_pack("{s:s,s:o,s:o,s:[o,o]}", "hostname", h->hostname,
			"kept", jstr(kept->source), "dropped", jstr(dropped->source),
			"reports", report_ref(kept), report_ref(dropped)));
		if (keep_new) {
			fleet_host_release(old);
			*old = *h;
		} else {
			fleet_host_release(h);
		}
		return;
	}
	ALLOC_GROW(f->hosts, f->nhosts + 1, f->alloc);
	json_object_set_new(m->byname, h->hostname, json_integer((json_int_t)f->nhosts));
	f->hosts[f->nhosts++] = *h;
}

/*
 * A fleet report as input (a merge of merges): its hosts as they were
 * summarized, its titles, and its own skipped inputs and conflicts.  Ages,
 * staleness and anchors are this merge's, computed again.
 */
static void merge_fleet(struct merger *m, const json_t *doc, const char *source)
{
	size_t i, k;
	const json_t *e, *s;
	json_array_foreach(json_object_get(doc, "sections"), i, e)
		fleet_col(m->f, fleet_str(e, "benchmark"), fleet_str(e, "section"), fleet_str(e, "title"));
	json_array_foreach(json_object_get(doc, "worst_checks"), i, e)
		fleet_check(m->f, fleet_str(e, "benchmark"), fleet_str(e, "id"), fleet_str(e, "title"),
			    fleet_str(e, "section"));
	json_array_foreach(json_object_get(doc, "hosts"), i, e) {
		const char *hostname = fleet_str(e, "hostname");
		if (!*hostname) {
			skip(m, source, xasprintf("host %zu of the fleet report has no hostname", i + 1));
			continue;
		}
		struct fleet_host h;
		host_start(&h, hostname, json_object_get(e, "collected_at"), fleet_str(e, "tool_version"),
			   fleet_str(e, "root"), json_is_true(json_object_get(e, "live")),
			   json_object_get(e, "summary"));
		h.source = xstrdup(fleet_str(e, "source"));
		size_t alloc = 0;
		json_array_foreach(json_object_get(e, "sections"), k, s)
			host_add_section(m->f, &h, s, s, &alloc);
		alloc = 0;
		json_array_foreach(json_object_get(e, "failing"), k, s) {
			char *key = fleet_join_key(fleet_str(s, "benchmark"), fleet_str(s, "id"));
			const json_t *ix = json_object_get(m->f->checkidx, key);
			free(key);
			const json_t *info = ix ? json_array_get(m->f->checks, (size_t)json_integer_value(ix)) : NULL;
			host_add_fail(m->f, &h, s, json_integer_value(json_object_get(s, "findings")),
				      fleet_str(info, "title"), fleet_str(info, "section"), &alloc);
		}
		add_host(m, &h);
	}
	const json_t *sum = json_object_get(doc, "summary");
	/* This document was counted once; it stands for the documents its merge read. */
	json_int_t docs = json_integer_value(json_object_get(sum, "documents"));
	m->documents += docs > 0 ? (size_t)docs - 1 : 0;
	json_int_t ign = json_integer_value(json_object_get(sum, "ignored_lines"));
	m->ignored_lines += ign > 0 ? (size_t)ign : 0;
	/* Copies: the document's values go with its arena. */
	json_array_foreach(json_object_get(doc, "skipped"), i, e)
		json_array_append_new(m->skipped, json_deep_copy(e));
	json_array_foreach(json_object_get(doc, "duplicates"), i, e)
		json_array_append_new(m->duplicates, json_deep_copy(e));
}

/* One document, parsed (doc in an arena, NULL when it is not JSON), into the merge. */
static void merge_doc(struct merger *m, const json_t *doc, const json_error_t *e, const char *source)
{
	m->documents++;
	if (!doc) {
		skip(m, source, xasprintf("not valid JSON (line %d, column %d: %s)", e->line, e->column, e->text));
		return;
	}
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	char *why = NULL;
	struct fleet_host h;
	if (!json_is_object(doc)) {
		why = xstrdup("not a boxaudit report (not a JSON object)");
	} else if (!schema) {
		why = xstrdup("not a boxaudit report (no \"schema\")");
	} else if (!strcmp(schema, FLEET_SCHEMA)) {
		merge_fleet(m, doc, source);
	} else if (strcmp(schema, REPORT_SCHEMA)) {
		char *sh = shown(schema);
		why = xasprintf("not a boxaudit report (schema '%s', expected '%s' or '%s')", sh,
				REPORT_SCHEMA, FLEET_SCHEMA);
		free(sh);
	} else if (summarize(m, doc, &h, &why) == 0) {
		h.source = jstr_text(source);
		add_host(m, &h);
	}
	if (why)
		skip(m, source, why);
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

/*
 * The inputs flow through one ordered pipeline.  Parsing is most of a
 * merge's time (jansson: 1.5 GB for 10,000 reports), so MERGE_PARSERS
 * threads read and parse the next documents, each into its own arena
 * (base/jarena.h), while this thread reads JSON-lines files, walks
 * directories and merges what is parsed, strictly in input order: the
 * result is the sequential one.  At most PIPE_SLOTS documents are in
 * flight.  Skips found while reading (an unreadable directory, a line too
 * long) are jobs too, so that they are listed in order.
 */
#define PIPE_SLOTS (MERGE_PARSERS + 1)

enum job_kind { JOB_FILE, JOB_TEXT, JOB_SKIP };
enum slot_state { SLOT_FREE, SLOT_QUEUED, SLOT_PARSING, SLOT_READY };

struct slot {
	enum slot_state state;
	enum job_kind kind;
	char *source;		/* the file, or "FILE:LINE" */
	char *text;		/* JOB_TEXT: the document; JOB_SKIP: the reason */
	size_t len;
	int counts;		/* JOB_SKIP: the input was a document */
	struct jarena *arena;
	json_t *doc;		/* in arena; NULL: not read, or not JSON */
	json_error_t e;
	int bad;		/* JOB_FILE: buf_read_file's status */
	int err_no;
};

struct pipe {
	struct merger *m;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot slot[PIPE_SLOTS];
	size_t produced, claimed, consumed;
	int stop;
	pthread_t tid[MERGE_PARSERS];
	size_t nt;		/* 0: everything happens in this thread, in turn */
};

static void slot_parse(struct slot *s)
{
	if (s->kind == JOB_FILE) {
		struct buf b;
		buf_init(&b, MERGE_MAX_REPORT);
		s->bad = buf_read_file(&b, s->source);
		s->err_no = errno;
		s->doc = s->bad ? NULL : jarena_loadb(s->arena, b.data, b.len, JSON_REJECT_DUPLICATES, &s->e);
		buf_release(&b);
	} else if (s->kind == JOB_TEXT) {
		s->doc = jarena_loadb(s->arena, s->text, s->len, JSON_REJECT_DUPLICATES, &s->e);
	}
}

/* Merge what s holds, then free it for the next job. */
static void slot_take(struct merger *m, struct slot *s)
{
	if (s->kind == JOB_SKIP) {
		m->documents += s->counts;
		skip(m, s->source, s->text);
		s->text = NULL;
	} else if (s->kind == JOB_FILE && s->bad == -2) {
		m->documents++;
		skip(m, s->source, xasprintf("larger than %u bytes", MERGE_MAX_REPORT));
	} else if (s->kind == JOB_FILE && s->bad) {
		skip(m, s->source, xasprintf("cannot read: %s", strerror(s->err_no)));
	} else {
		merge_doc(m, s->doc, &s->e, s->source);
	}
	jarena_reset(s->arena);
	free(s->source);
	free(s->text);
	s->source = s->text = NULL;
	s->doc = NULL;
}

static void *parser(void *arg)
{
	struct pipe *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->claimed == p->produced)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->claimed == p->produced)
			break;
		struct slot *s = &p->slot[p->claimed++ % PIPE_SLOTS];
		s->state = SLOT_PARSING;
		pthread_mutex_unlock(&p->mu);
		slot_parse(s);
		pthread_mutex_lock(&p->mu);
		s->state = SLOT_READY;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Merge the oldest job in flight, once it is parsed. */
static void pipe_take(struct pipe *p)
{
	struct slot *s = &p->slot[p->consumed % PIPE_SLOTS];
	pthread_mutex_lock(&p->mu);
	while (s->state != SLOT_READY)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	slot_take(p->m, s);
	pthread_mutex_lock(&p->mu);
	s->state = SLOT_FREE;
	p->consumed++;
	pthread_mutex_unlock(&p->mu);
}

/* Queue a job (source and text are taken over); merged in turn. */
static void pipe_put(struct pipe *p, enum job_kind kind, char *source, char *text, size_t len, int counts)
{
	if (p->nt && p->produced - p->consumed >= PIPE_SLOTS)
		pipe_take(p);
	struct slot *s = &p->slot[p->produced % PIPE_SLOTS];
	s->kind = kind;
	s->source = source;
	s->text = text;
	s->len = len;
	s->counts = counts;
	if (!p->nt) {
		slot_parse(s);
		slot_take(p->m, s);
		return;
	}
	pthread_mutex_lock(&p->mu);
	s->state = SLOT_QUEUED;
	p->produced++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/*
 * A large input (a fleet report of many hosts) is parsed alone, after
 * what is in flight: never PIPE_SLOTS of them parsed at once.
 */
static void pipe_put_alone(struct pipe *p, char *source)
{
	while (p->nt && p->consumed < p->produced)
		pipe_take(p);
	struct slot *s = &p->slot[p->produced % PIPE_SLOTS];
	s->kind = JOB_FILE;
	s->source = source;
	s->text = NULL;
	slot_parse(s);
	slot_take(p->m, s);
}

static void pipe_skip(struct pipe *p, const char *source, char *reason, int counts)
{
	pipe_put(p, JOB_SKIP, xstrdup(source), reason, 0, counts);
}

static void pipe_start(struct pipe *p, struct merger *m)
{
	memset(p, 0, sizeof(*p));
	p->m = m;
	for (size_t i = 0; i < PIPE_SLOTS; i++)
		p->slot[i].arena = jarena_new();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	while (p->nt < MERGE_PARSERS && pthread_create(&p->tid[p->nt], NULL, parser, p) == 0)
		p->nt++;
	if (!p->nt) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
	}
}

static void pipe_finish(struct pipe *p)
{
	if (p->nt) {
		while (p->consumed < p->produced)
			pipe_take(p);
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		for (size_t i = 0; i < p->nt; i++)
			pthread_join(p->tid[i], NULL);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
	}
	for (size_t i = 0; i < PIPE_SLOTS; i++)
		jarena_free(p->slot[i].arena);
}

static void put_line(struct pipe *p, struct buf *line, const char *path, size_t lineno)
{
	const char *s = line->data;
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	if (!*s)
		return;
	if (*s != '{') {
		/* Log noise around the reports (a warning on stderr): not a report. */
		p->m->ignored_lines++;
		return;
	}
	/* The line goes to a parser; the buffer is read into again. */
	pipe_put(p, JOB_TEXT, xasprintf("%s:%zu", path, lineno), xstrndup(line->data, line->len), line->len, 0);
}

/* One report per line; a line is held in memory only until it is merged. */
static void put_lines(struct pipe *p, FILE *f, const char *path)
{
	struct buf line;
	buf_init(&line, MERGE_MAX_REPORT);
	char chunk[65536];
	size_t got, lineno = 1;
	int toolong = 0;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		const char *s = chunk, *end = chunk + got;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t n = (size_t)((nl ? nl : end) - s);
			if (!toolong && buf_add(&line, s, n) < 0) {
				toolong = 1;
				buf_reset(&line);
			}
			if (!nl)
				break;
			if (toolong) {
				char *src = xasprintf("%s:%zu", path, lineno);
				pipe_skip(p, src, xasprintf("line longer than %u bytes", MERGE_MAX_REPORT), 1);
				free(src);
			} else {
				put_line(p, &line, path, lineno);
			}
			buf_reset(&line);
			toolong = 0;
			lineno++;
			s = nl + 1;
		}
	}
	if (ferror(f))
		pipe_skip(p, path, xasprintf("read error: %s", strerror(errno)), 0);
	else if (toolong)
		pipe_skip(p, path, xasprintf("line %zu longer than %u bytes", lineno, MERGE_MAX_REPORT), 0);
	else
		put_line(p, &line, path, lineno);
	buf_release(&line);
}

static void put_file(struct pipe *p, const char *path)
{
	if (!is_lines_name(path)) {
		struct stat st;
		if (stat(path, &st) == 0 && st.st_size > MERGE_AHEAD_MAX)
			pipe_put_alone(p, xstrdup(path));
		else
			pipe_put(p, JOB_FILE, xstrdup(path), NULL, 0, 0);
		return;
	}
	/* JSON lines are streamed: a log of many runs need not fit in memory. */
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		pipe_skip(p, path, xasprintf("cannot open: %s", strerror(errno)), 0);
		return;
	}
	put_lines(p, f, path);
	if (f != stdin)
		fclose(f);
}

/*
 * A directory's report files in name order, then its subdirectories in
 * name order (the per-cluster or per-region directories of a merge of
 * merges).  A symbolic link to a directory is not followed: no loops.
 */
static void put_dir(struct pipe *p, const char *path, int depth)
{
	DIR *d = opendir(path);
	if (!d) {
		pipe_skip(p, path, xasprintf("cannot open directory: %s", strerror(errno)), 0);
		return;
	}
	char **names = NULL, **dirs = NULL;
	size_t n = 0, alloc = 0, nd = 0, dalloc = 0;
	struct dirent *de;
	struct stat st;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *full = xasprintf("%s/%s", path, de->d_name);
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			ALLOC_GROW(dirs, nd + 1, dalloc);
			dirs[nd++] = full;
		} else if (is_report_name(de->d_name) && stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			ALLOC_GROW(names, n + 1, alloc);
			names[n++] = full;
		} else {
			free(full);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), fleet_cmp_str);
	if (nd)
		qsort(dirs, nd, sizeof(*dirs), fleet_cmp_str);
	if (!n && !nd && depth == 0)
		pipe_skip(p, path, xstrdup("no report files in the directory (*.json, *.jsonl, *.ndjson, *.log)"), 0);
	for (size_t i = 0; i < n; i++) {
		put_file(p, names[i]);
		free(names[i]);
	}
	for (size_t i = 0; i < nd; i++) {
		if (depth + 1 >= MERGE_MAX_DEPTH)
			pipe_skip(p, dirs[i], xasprintf("nested deeper than %d directories", MERGE_MAX_DEPTH), 0);
		else
			put_dir(p, dirs[i], depth + 1);
		free(dirs[i]);
	}
	free(names);
	free(dirs);
}

void fleet_read_paths(struct merger *m, char *const *paths, size_t n)
{
	struct pipe p;
	pipe_start(&p, m);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			put_dir(&p, paths[i], 0);
		else
			put_file(&p, paths[i]);
	}
	pipe_finish(&p);
}
