/*
 * docker_tree: build a throw-away host tree under /tmp for unit tests.
 * tree_init creates the directory; tree_put writes a file (creating
 * parent directories); tree_link makes a symlink; tree_rm removes it all.
 */
#ifndef BOXAUDIT_DOCKER_TREE_H
#define BOXAUDIT_DOCKER_TREE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tree {
	char dir[64];
};

static inline void tree_mkdirs(const char *path)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
}

static inline int tree_init(struct tree *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/boxaudit-docker-XXXXXX");
	return mkdtemp(t->dir) ? 0 : -1;
}

static inline void tree_parent(const struct tree *t, const char *rel, char *out, size_t n)
{
	snprintf(out, n, "%s%s", t->dir, rel);
	char *s = strrchr(out, '/');
	*s = '\0';
	tree_mkdirs(out);
	*s = '/';
}

static inline int tree_put(const struct tree *t, const char *rel, const char *text)
{
	char p[1024];
	tree_parent(t, rel, p, sizeof(p));
	FILE *f = fopen(p, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static inline int tree_link(const struct tree *t, const char *target, const char *rel)
{
	char p[1024];
	tree_parent(t, rel, p, sizeof(p));
	return symlink(target, p);
}

static inline int tree_fifo(const struct tree *t, const char *rel)
{
	char p[1024];
	tree_parent(t, rel, p, sizeof(p));
	return mkfifo(p, 0644);
}

static inline int tree_rm(const struct tree *t)
{
	char cmd[256];
	if (!t->dir[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	return system(cmd);
}

#endif
