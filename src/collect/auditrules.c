#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "collect/host.h"
#include "parse/auditd.h"
#include "facts/facts.h"
#include "base/buf.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define AUDIT_RULES "/etc/audit/audit.rules"
#define AUDIT_RULES_D "/etc/audit/rules.d"

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a > b && !strcmp(s + a - b, suffix);
}

int collect_audit(struct collect_ctx *ctx)
{
	json_t *files = json_array(), *rules = json_array(), *errors = json_array();
	char **paths = NULL;
	size_t npaths = 0, alloc = 0;
	char **names = NULL;
	size_t n = 0;
	char *err = NULL;
	size_t existing = 0, read_ok = 0;
	char *first_error = NULL;

	ALLOC_GROW(paths, npaths + 1, alloc);
	paths[npaths++] = xstrdup(AUDIT_RULES);
	if (rootfs_listdir(ctx->root, AUDIT_RULES_D, &names, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (!has_suffix(names[i], ".rules"))
				continue;
			ALLOC_GROW(paths, npaths + 1, alloc);
			paths[npaths++] = path_join(AUDIT_RULES_D, names[i]);
		}
		rootfs_free_list(names, n);
	} else {
		if (errno != ENOENT) {
			existing++;
			json_array_append_new(errors, jstr(err));
			first_error = xstrdup(err);
		}
		free(err);
	}

	struct buf b;
	buf_init(&b, ROOTFS_READ_CAP);
	for (size_t i = 0; i < npaths; i++) {
		err = NULL;
		if (rootfs_read(ctx->root, paths[i], ROOTFS_READ_CAP, &b, &err) < 0) {
			if (errno != ENOENT) {
				existing++;
				json_array_append_new(errors, jstr(err));
				if (!first_error)
					first_error = xstrdup(err);
			}
			free(err);
			continue;
		}
		existing++;
		read_ok++;
		json_array_append_new(files, jstr(paths[i]));
		audit_parse(paths[i], b.data, b.len, rules, errors);
	}
	buf_release(&b);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);

	int ret = 0;
	if (existing && !read_ok) {
		char *msg = jstr_text(first_error);
		facts_set_error(ctx->facts, "audit", "no audit rules file could be read: %s", msg);
		free(msg);
		json_decref(files);
		json_decref(rules);
		json_decref(errors);
		ret = -1;
	} else {
		json_t *a = json_pack("{s:o, s:o, s:o}", "files", files, "rules", rules,
				      "errors", errors);
		if (!existing)
			json_object_set_new(a, "note", json_string("no audit rules files"));
		json_object_set_new(ctx->facts, "audit", a);
	}
	free(first_error);
	return ret;
}
