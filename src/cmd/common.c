#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "base/atomic.h"
#include "base/buf.h"
#include "base/jstr.h"
#include "parse/redact.h"
#include "base/xalloc.h"
#include "base/banned.h"

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	char *r = redact_text(m);
	char *c = jstr_terminal(r);
	fprintf(stderr, "boxaudit: %s\n", c);
	free(c);
	free(r);
	free(m);
}

const char *cmd_checks_dir(void)
{
	static char *dir;
	struct stat st;
	if (dir)
		return dir;
	const char *env = getenv("BOXAUDIT_CHECKS_DIR");
	if (env && *env)
		return dir = xstrdup(env);
	if (stat(CHECKS_DIR, &st) == 0)
		return dir = xstrdup(CHECKS_DIR);
	/* Not installed: use the checks/ beside the binary (a build tree). */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			char *p = xasprintf("%s/checks", exe);
			if (stat(p, &st) == 0)
				return dir = p;
			free(p);
		}
	}
	return dir = xstrdup(CHECKS_DIR);
}

void cmd_print_errors(const struct defs *d)
{
	for (size_t i = 0; i < d->nerrors; i++)
		cmd_error("%s", d->errors[i]);
}

int cmd_load_defs(const struct cmd_opts *o, struct defs *d)
{
	defs_init(d);
	int rc = defs_load_dir(d, o->checks_dir ? o->checks_dir : cmd_checks_dir());
	for (size_t i = 0; i < o->nextra; i++)
		if (defs_load_dir(d, o->extra_dirs[i]) < 0)
			rc = -1;
	if (rc == 0)
		rc = defs_resolve(d);
	if (rc < 0) {
		cmd_print_errors(d);
		return -1;
	}
	return 0;
}

static int to_file(void *arg, const char *p, size_t n)
{
	return atomic_add(arg, p, n);
}

/*
 * Rendered straight into the file as it goes (a temporary one, renamed
 * over path at the end): a report of any size costs one buffer chunk.
 */
int cmd_write(const struct writer *w, const json_t *doc, const struct write_opts *wo,
	      const char *path, size_t cap)
{
	struct atomic_file f;
	struct buf b;
	char *err = NULL;
	if (atomic_open(&f, path, &err) < 0) {
		cmd_error("%s", err);
		free(err);
		return -1;
	}
	buf_init_sink(&b, cap, to_file, &f);
	int r = w->write(doc, wo, &b, &err);
	if (r == 0 && buf_flush(&b) < 0)
		r = -1;
	if (b.sink_errno) {
		/* The file failed, not the writer: say so (atomic_commit knows how). */
		free(err);
		err = NULL;
		r = atomic_commit(&f, &err);
		if (r == 0) {
			err = xasprintf("cannot write '%s': %s", path, strerror(b.sink_errno));
			r = -1;
		}
	} else if (r == 0) {
		r = atomic_commit(&f, &err);
	} else {
		atomic_abort(&f);
	}
	if (r < 0) {
		cmd_error("%s", err);
		free(err);
	}
	buf_release(&b);
	return r;
}

int cmd_is_report(const json_t *doc)
{
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	return json_is_object(doc) && schema && !strcmp(schema, "boxaudit-report/1") &&
	       json_is_array(json_object_get(doc, "checks")) && json_is_object(json_object_get(doc, "summary"));
}
