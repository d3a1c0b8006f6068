/*
 * --state-dir: the reports boxaudit keeps for itself, so that a nightly
 * run compares with the previous one and `boxaudit trend DIR` has a
 * history, with no rotation left to the user.  Only files named
 * boxaudit-YYYYMMDDTHHMMSSZ[-NN].json are read, written or pruned; any
 * other file in the directory is left alone.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "base/atomic.h"
#include "base/jstr.h"
#include "base/buf.h"
#include "base/limits.h"
#include "score/drift.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define STATE_PREFIX "boxaudit-"
#define STATE_SUFFIX ".json"

/* boxaudit-20261201T220715Z.json or boxaudit-20261201T220715Z-03.json. */
static int state_name(const char *n)
{
	size_t len = strlen(n), pl = strlen(STATE_PREFIX), sl = strlen(STATE_SUFFIX);
	if (len < pl + 16 + sl || strncmp(n, STATE_PREFIX, pl) || strcmp(n + len - sl, STATE_SUFFIX))
		return 0;
	const char *t = n + pl;
	for (int i = 0; i < 16; i++) {
		int want_digit = i != 8 && i != 15;
		if (want_digit ? (t[i] < '0' || t[i] > '9') : t[i] != (i == 8 ? 'T' : 'Z'))
			return 0;
	}
	const char *rest = t + 16;
	if (!strcmp(rest, STATE_SUFFIX))
		return 1;
	return rest[0] == '-' && rest[1] >= '0' && rest[1] <= '9' && rest[2] >= '0' && rest[2] <= '9' &&
	       !strcmp(rest + 3, STATE_SUFFIX);
}

/* Oldest first: compared without ".json", so "X" comes before "X-01". */
static int state_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x) - strlen(STATE_SUFFIX), ly = strlen(y) - strlen(STATE_SUFFIX);
	int c = strncmp(x, y, lx < ly ? lx : ly);
	return c ? c : (lx > ly) - (lx < ly);
}

int cmd_state_list(const char *dir, char ***names, size_t *n, char **err)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		*err = xasprintf("cannot open the state directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	size_t alloc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!state_name(e->d_name))
			continue;
		ALLOC_GROW(*names, *n + 1, alloc);
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), state_cmp);
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

json_t *cmd_state_last(const char *dir, json_t *notes, char **err)
{
	struct stat st;
	*err = NULL;
	if (stat(dir, &st) < 0 && errno == ENOENT) {
		char *m = xasprintf("no baseline yet: the state directory '%s' is new, so this report is "
				    "the first one kept there", dir);
		json_array_append_new(notes, jstr(m));
		free(m);
		return NULL;
	}
	char **names;
	size_t n;
	if (cmd_state_list(dir, &names, &n, err) < 0)
		return NULL;
	json_t *doc = NULL;
	if (!n) {
		char *m = xasprintf("no baseline yet: '%s' holds no earlier report, so this report is the "
				    "first one kept there", dir);
		json_array_append_new(notes, jstr(m));
		free(m);
	} else {
		char *path = path_join(dir, names[n - 1]);
		char *e = NULL;
		doc = drift_load(path, &e);
		if (doc && !cmd_is_report(doc))
			e = xstrdup("it is not a boxaudit JSON report");
		if (e) {
			/* A broken last report must not cost the new one. */
			char *m = xasprintf("the last report in the state directory cannot be used (%s); "
					    "starting afresh without a baseline", e);
			json_array_append_new(notes, jstr(m));
			free(m);
			json_decref(doc);
			doc = NULL;
		}
		free(e);
		free(path);
	}
	free_names(names, n);
	return doc;
}

int cmd_state_keep(const char *dir, const json_t *doc, const struct check_result *results, long keep,
		   char **err)
{
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		*err = xasprintf("cannot create the state directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	char *path = NULL;
	struct stat st;
	for (int i = 0; i < 100; i++) {
		free(path);
		path = i ? xasprintf("%s/" STATE_PREFIX "%s-%02d" STATE_SUFFIX, dir, stamp, i) :
			   xasprintf("%s/" STATE_PREFIX "%s" STATE_SUFFIX, dir, stamp);
		if (lstat(path, &st) < 0 && errno == ENOENT)
			break;
		if (i == 99) {
			*err = xasprintf("the state directory '%s' already holds 100 reports of this second", dir);
			free(path);
			return -1;
		}
	}
	struct write_opts wo = { .results = results };
	int rc = cmd_write(writer_find(report_writers, "json"), doc, &wo, path, REPORT_CAP);
	free(path);
	if (rc < 0)
		return -2;
	/* Prune: keep the newest `keep`, this one included. */
	char **names;
	size_t n;
	if (cmd_state_list(dir, &names, &n, err) < 0)
		return -1;
	for (size_t i = 0; i + (size_t)keep < n; i++) {
		char *p = path_join(dir, names[i]);
		if (unlink(p) < 0 && errno != ENOENT)
			cmd_error("cannot remove the old report '%s': %s", p, strerror(errno));
		free(p);
	}
	free_names(names, n);
	return 0;
}
