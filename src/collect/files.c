#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "collect/files.h"
#include "collect/rootfs.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

const char *file_type_name(mode_t m)
{
	if (S_ISREG(m)) return "file";
	if (S_ISDIR(m)) return "directory";
	if (S_ISLNK(m)) return "symlink";
	if (S_ISFIFO(m)) return "fifo";
	if (S_ISSOCK(m)) return "socket";
	if (S_ISCHR(m)) return "chardev";
	if (S_ISBLK(m)) return "blockdev";
	return "unknown";
}

json_t *file_fact(const char *path, const struct stat *st, const struct users *u)
{
	char *src = xasprintf("stat:%s", path);
	json_t *o = json_pack("{s:o, s:b, s:s, s:I, s:I, s:I, s:o, s:o, s:o}",
		"path", jstr(path), "exists", 1, "type", file_type_name(st->st_mode),
		"mode", (json_int_t)(st->st_mode & 07777),
		"uid", (json_int_t)st->st_uid, "gid", (json_int_t)st->st_gid,
		"owner", jstr(u ? users_name(u, st->st_uid) : NULL),
		"group", jstr(u ? groups_name(u, st->st_gid) : NULL),
		"source", jstr(src));
	free(src);
	return o;
}

/* Append {"path", "reason"} to facts.refused unless path is there already. */
static void add_refused(json_t *facts, const char *path, const char *reason)
{
	json_t *r = json_object_get(facts, "refused");
	if (!json_is_array(r)) {
		r = json_array();
		json_object_set_new(facts, "refused", r);
	}
	size_t i;
	json_t *e;
	json_array_foreach(r, i, e) {
		if (json_is_string(json_object_get(e, "path")) &&
		    !strcmp(json_string_value(json_object_get(e, "path")), path))
			return;
	}
	json_array_append_new(r, json_pack("{s:o, s:o}", "path", jstr(path), "reason", jstr(reason)));
}

/*
 * The object for a path that could not be stat'ed (errno e, message err,
 * consumed): exists false for ENOENT, else an error.
 */
static json_t *failed(json_t *facts, const char *path, const char *src, int e, char *err)
{
	json_t *o;
	if (e == ENOENT) {
		o = json_pack("{s:o, s:b, s:o}", "path", jstr(path), "exists", 0, "source", jstr(src));
	} else {
		const char *msg = err ? err : strerror(e);
		o = json_pack("{s:o, s:o, s:o}", "path", jstr(path), "error", jstr(msg), "source", jstr(src));
		if (e == EXDEV)
			add_refused(facts, path, msg);
	}
	free(err);
	return o;
}

static json_t *stat_one(struct collect_ctx *ctx, const struct users *u, const char *path)
{
	struct stat lst, st;
	char *err = NULL, *target = NULL;
	char *src = xasprintf("stat:%s", path);
	json_t *o;

	if (rootfs_stat(ctx->root, path, 0, &lst, &err) < 0) {
		int e = errno;
		o = failed(ctx->facts, path, src, e, err);
	} else if (!S_ISLNK(lst.st_mode)) {
		o = file_fact(path, &lst, u);
	} else if (rootfs_readlink(ctx->root, path, &target, &err) < 0) {
		int e = errno;
		o = failed(ctx->facts, path, src, e == ENOENT ? EIO : e, err);
	} else if (rootfs_stat(ctx->root, path, 1, &st, &err) < 0) {
		/* A dangling link is a missing file that still names its target. */
		int e = errno;
		o = failed(ctx->facts, path, src, e, err);
		json_object_set_new(o, "link", jstr(target));
	} else {
		o = file_fact(path, &st, u);
		json_object_set_new(o, "link", jstr(target));
	}
	free(target);
	free(src);
	return o;
}

static json_t *get_or_make(json_t *facts, const char *key)
{
	json_t *o = json_object_get(facts, key);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(facts, key, o);
	}
	return o;
}

int collect_files(struct collect_ctx *ctx, const struct users *u,
		  const char *const *paths, size_t n)
{
	json_t *files = get_or_make(ctx->facts, "files");
	int count = 0;
	for (size_t i = 0; i < n; i++) {
		if (json_object_get(files, paths[i]))
			continue;
		json_object_set_new(files, paths[i], stat_one(ctx, u, paths[i]));
		count++;
	}
	return count;
}

struct walk {
	struct collect_ctx *ctx;
	const struct users *u;
	json_t *entries;
	size_t max;
	int truncated;
};

static json_t *entry_error(const char *path, const char *what, char *err, int e)
{
	char *src = xasprintf("%s:%s", what, path);
	json_t *o = json_pack("{s:o, s:o, s:o}", "path", jstr(path),
			      "error", jstr(err ? err : strerror(e)), "source", jstr(src));
	free(src);
	free(err);
	return o;
}

static void walk_dir(struct walk *w, const char *dir, int depth);

/* Record names (entries of dir, depth levels below the walked directory). */
static void walk_names(struct walk *w, const char *dir, char **names, size_t n, int depth)
{
	for (size_t i = 0; i < n; i++) {
		if (json_array_size(w->entries) >= w->max) {
			w->truncated = 1;
			return;
		}
		char *p = path_join(dir, names[i]);
		char *err = NULL;
		struct stat st;
		if (rootfs_stat(w->ctx->root, p, 0, &st, &err) < 0) {
			int e = errno;
			json_array_append_new(w->entries, entry_error(p, "stat", err, e));
			free(p);
			continue;
		}
		json_t *f = file_fact(p, &st, w->u);
		if (S_ISLNK(st.st_mode)) {
			char *target = NULL;
			if (rootfs_readlink(w->ctx->root, p, &target, &err) == 0)
				json_object_set_new(f, "link", jstr(target));
			else
				json_object_set_new(f, "link_error", jstr(err ? err : "cannot read link"));
			free(target);
			free(err);
		}
		json_array_append_new(w->entries, f);
		if (S_ISDIR(st.st_mode)) {
			if (depth >= DIR_MAX_DEPTH)
				w->truncated = 1;
			else
				walk_dir(w, p, depth + 1);
		}
		free(p);
	}
}

static void walk_dir(struct walk *w, const char *dir, int depth)
{
	char **names = NULL;
	size_t n = 0;
	char *err = NULL;
	if (rootfs_listdir(w->ctx->root, dir, &names, &n, &err) < 0) {
		int e = errno;
		if (json_array_size(w->entries) >= w->max)
			w->truncated = 1;
		else
			json_array_append_new(w->entries, entry_error(dir, "walk", err, e));
		return;
	}
	walk_names(w, dir, names, n, depth);
	rootfs_free_list(names, n);
}

static json_t *walk_top(struct collect_ctx *ctx, const struct users *u,
			const char *dir, size_t max)
{
	char **names = NULL;
	size_t n = 0;
	char *err = NULL;
	char *src = xasprintf("walk:%s", dir);
	json_t *o;

	if (rootfs_listdir(ctx->root, dir, &names, &n, &err) < 0) {
		int e = errno;
		o = failed(ctx->facts, dir, src, e, err);
		free(src);
		return o;
	}
	struct walk w = {ctx, u, json_array(), max, 0};
	walk_names(&w, dir, names, n, 1);
	rootfs_free_list(names, n);
	o = json_pack("{s:o, s:b, s:o, s:b, s:o}", "path", jstr(dir), "exists", 1,
		      "entries", w.entries, "truncated", w.truncated, "source", jstr(src));
	free(src);
	return o;
}

int collect_dirs_limit(struct collect_ctx *ctx, const struct users *u,
		       const char *const *dirs, size_t n, size_t max_entries)
{
	json_t *out = get_or_make(ctx->facts, "dirs");
	int count = 0;
	for (size_t i = 0; i < n; i++) {
		if (json_object_get(out, dirs[i]))
			continue;
		json_object_set_new(out, dirs[i], walk_top(ctx, u, dirs[i], max_entries));
		count++;
	}
	return count;
}

int collect_dirs(struct collect_ctx *ctx, const struct users *u,
		 const char *const *dirs, size_t n)
{
	return collect_dirs_limit(ctx, u, dirs, n, DIR_MAX_ENTRIES);
}
