#include "config.h"
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "collect/rootfs.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"


static int fail(char **err, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char **err, int e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err)
		*err = xvasprintf(fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

int rootfs_open(struct rootfs *r, const char *dir, char **err)
{
	struct stat st;
	r->dir = NULL;
	r->refused = NULL;
	r->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0)
		return fail(err, errno, "cannot open root '%s': %s", dir, strerror(errno));
	if (fstat(r->fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(r->fd);
		r->fd = -1;
		return fail(err, ENOTDIR, "root '%s' is not a directory", dir);
	}
	r->dir = xstrdup(dir);
	r->refused = xcalloc(1, sizeof(*r->refused));
	return 0;
}

/* Remember that PATH was refused (once per path). */
static void note_refused(const struct rootfs *r, const char *path, const char *reason)
{
	struct rootfs_refusals *l = r->refused;
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return;
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n].path = xstrdup(path);
	l->v[l->n].reason = xstrdup(reason);
	l->n++;
}

void rootfs_close(struct rootfs *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(r->dir);
	r->dir = NULL;
	if (r->refused) {
		for (size_t i = 0; i < r->refused->n; i++) {
			free(r->refused->v[i].path);
			free(r->refused->v[i].reason);
		}
		free(r->refused->v);
		free(r->refused);
		r->refused = NULL;
	}
}

char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	if (n && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

/* A work list of path components still to resolve, consumed from the front. */
struct comps {
	char **v;
	size_t n, alloc;
};

static void comps_clear(struct comps *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	c->n = 0;
}

/* Put the components of s in front of the remaining ones. */
static int comps_prepend(struct comps *c, const char *s)
{
	struct comps add = {0};
	const char *p = s;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!(len == 1 && p[0] == '.')) {
			ALLOC_GROW(add.v, add.n + 1, add.alloc);
			add.v[add.n++] = xstrndup(p, len);
		}
		p += len;
	}
	if (c->n + add.n > ROOTFS_MAX_COMPONENTS) {
		comps_clear(&add);
		free(add.v);
		return -1;
	}
	if (!add.n)
		return 0;	/* "/": nothing to add (and c->v may still be NULL) */
	ALLOC_GROW(c->v, c->n + add.n, c->alloc);
	memmove(c->v + add.n, c->v, c->n * sizeof(*c->v));
	memcpy(c->v, add.v, add.n * sizeof(*c->v));
	c->n += add.n;
	free(add.v);
	return 0;
}

static char *comps_pop_front(struct comps *c)
{
	char *s = c->v[0];
	memmove(c->v, c->v + 1, (c->n - 1) * sizeof(*c->v));
	c->n--;
	return s;
}

/*
 * The directories entered on the way, root first: ".." returns to the one
 * before instead of asking the kernel for the parent, so a directory
 * renamed elsewhere while we walk cannot lead us out of the root.
 */
struct dirchain {
	int *fd;
	size_t n, alloc;
};

static void chain_clear(struct dirchain *c)
{
	for (size_t i = 0; i < c->n; i++)
		close(c->fd[i]);
	c->n = 0;
}

/* Reset the chain to the root alone; -1 when the root cannot be duplicated. */
static int chain_root(struct dirchain *c, const struct rootfs *r)
{
	chain_clear(c);
	int fd = dup(r->fd);
	if (fd < 0)
		return -1;
	ALLOC_GROW(c->fd, c->n + 1, c->alloc);
	c->fd[c->n++] = fd;
	return 0;
}

static void chain_push(struct dirchain *c, int fd)
{
	ALLOC_GROW(c->fd, c->n + 1, c->alloc);
	c->fd[c->n++] = fd;
}

static int chain_top(const struct dirchain *c)
{
	return c->fd[c->n - 1];
}

/*
 * Resolve path inside the root.  On success return an O_PATH fd of the
 * final object, and (if parent_out) an O_PATH fd of its parent directory
 * and its last name, so that the caller can reopen it for reading.
 */
static int resolve(const struct rootfs *r, const char *path, int follow,
		   int *parent_out, char **name_out, char **err)
{
	struct comps todo = {0};
	struct dirchain chain = {0};
	int links = 0;
	int final = -1;
	char *last = NULL;
	int ret = -1;

	if (!path || path[0] != '/')
		return fail(err, EINVAL, "'%s': not an absolute path", path ? path : "(null)");
	if (comps_prepend(&todo, path) < 0)
		return fail(err, ENAMETOOLONG, "'%s': too many path components", path);
	if (chain_root(&chain, r) < 0) {
		fail(err, errno, "'%s': %s", path, strerror(errno));
		goto out;
	}

	while (todo.n) {
		char *c = comps_pop_front(&todo);
		if (!strcmp(c, "..")) {
			free(c);
			if (chain.n == 1) {
				char *m = xasprintf("refused '%s': it leads outside the audited root", path);
				note_refused(r, path, m);
				fail(err, EXDEV, "%s", m);
				free(m);
				goto out;
			}
			close(chain.fd[--chain.n]);
			continue;
		}
		int fd = openat(chain_top(&chain), c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			free(c);
			fail(err, e, "'%s': %s", path, strerror(e));
			goto out;
		}
		struct stat st;
		if (fstat(fd, &st) < 0) {
			int e = errno;
			close(fd);
			free(c);
			fail(err, e, "'%s': %s", path, strerror(e));
			goto out;
		}
		int is_last = todo.n == 0;
		if (S_ISLNK(st.st_mode) && (!is_last || follow)) {
			char target[PATH_MAX + 1];
			ssize_t n = readlinkat(fd, "", target, PATH_MAX);
			close(fd);
			free(c);
			if (n < 0) {
				fail(err, errno, "'%s': cannot read link: %s", path, strerror(errno));
				goto out;
			}
			target[n] = '\0';
			if (++links > ROOTFS_MAX_LINKS) {
				fail(err, ELOOP, "'%s': too many levels of symbolic links", path);
				goto out;
			}
			if (comps_prepend(&todo, target) < 0) {
				fail(err, ENAMETOOLONG, "'%s': too many path components", path);
				goto out;
			}
			if (target[0] == '/' && chain_root(&chain, r) < 0) {
				fail(err, errno, "'%s': %s", path, strerror(errno));
				goto out;
			}
			continue;
		}
		if (is_last) {
			final = fd;
			free(last);
			last = c;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			free(c);
			fail(err, ENOTDIR, "'%s': not a directory on the way", path);
			goto out;
		}
		free(c);
		chain_push(&chain, fd);
	}
	if (!last) {
		/*
		 * The path resolved to a directory of the chain itself (the root,
		 * or one reached back through ".."); it is never a regular file,
		 * so its parent and name are only for form.
		 */
		final = dup(chain_top(&chain));
		if (final < 0) {
			fail(err, errno, "'%s': %s", path, strerror(errno));
			goto out;
		}
		last = xstrdup(".");
	}
	ret = final;
	final = -1;
	if (parent_out)
		*parent_out = dup(chain_top(&chain));
	if (name_out) {
		*name_out = last;
		last = NULL;
	}
out:
	if (final >= 0)
		close(final);
	chain_clear(&chain);
	free(chain.fd);
	free(last);
	comps_clear(&todo);
	free(todo.v);
	return ret;
}

int rootfs_stat(const struct rootfs *r, const char *path, int follow,
		struct stat *st, char **err)
{
	int fd = resolve(r, path, follow, NULL, NULL, err);
	if (fd < 0)
		return -1;
	int rc = fstat(fd, st);
	int e = errno;
	close(fd);
	if (rc < 0)
		return fail(err, e, "'%s': %s", path, strerror(e));
	return 0;
}

static const char *type_name(mode_t m)
{
	if (S_ISDIR(m)) return "a directory";
	if (S_ISFIFO(m)) return "a FIFO";
	if (S_ISSOCK(m)) return "a socket";
	if (S_ISCHR(m)) return "a character device";
	if (S_ISBLK(m)) return "a block device";
	if (S_ISLNK(m)) return "a symbolic link";
	return "not a regular file";
}

int rootfs_read(const struct rootfs *r, const char *path, size_t cap,
		struct buf *out, char **err)
{
	int parent = -1;
	char *name = NULL;
	struct stat st, st2;
	int ret = -1;
	int fd = resolve(r, path, 1, &parent, &name, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		fail(err, errno, "'%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fail(err, EINVAL, "'%s' is %s, expected a regular file", path, type_name(st.st_mode));
		goto out;
	}
	if ((size_t)st.st_size > cap) {
		fail(err, EFBIG, "'%s' is too large (%lld bytes, the limit is %zu)", path,
		     (long long)st.st_size, cap);
		goto out;
	}
	close(fd);
	fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		fail(err, errno, "'%s': %s", path, strerror(errno));
		goto out;
	}
	/* The file was swapped between the two opens: refuse rather than guess. */
	if (fstat(fd, &st2) < 0 || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev ||
	    !S_ISREG(st2.st_mode)) {
		fail(err, ESTALE, "'%s' changed while being opened", path);
		goto out;
	}
	out->cap = cap;
	buf_reset(out);
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail(err, errno, "'%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(out, chunk, (size_t)n) < 0) {
			fail(err, EFBIG, "'%s' is larger than the limit of %zu bytes", path, cap);
			goto out;
		}
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (parent >= 0)
		close(parent);
	free(name);
	return ret;
}

int rootfs_readlink(const struct rootfs *r, const char *path, char **target,
		    char **err)
{
	char buf[PATH_MAX + 1];
	int fd = resolve(r, path, 0, NULL, NULL, err);
	if (fd < 0)
		return -1;
	ssize_t n = readlinkat(fd, "", buf, PATH_MAX);
	int e = errno;
	close(fd);
	if (n < 0)
		return fail(err, e, "'%s': %s", path, strerror(e));
	buf[n] = '\0';
	*target = xstrdup(buf);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rootfs_listdir(const struct rootfs *r, const char *path, char ***names,
		   size_t *n, char **err)
{
	int fd = resolve(r, path, 1, NULL, NULL, err);
	if (fd < 0)
		return -1;
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = errno;
	close(fd);
	if (dfd < 0)
		return fail(err, e, "'%s': %s", path, strerror(e));
	DIR *d = fdopendir(dfd);
	if (!d) {
		e = errno;
		close(dfd);
		return fail(err, e, "'%s': %s", path, strerror(e));
	}
	char **v = NULL;
	size_t cnt = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ALLOC_GROW(v, cnt + 1, alloc);
		v[cnt++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*names = v;
	*n = cnt;
	return 0;
}

void rootfs_free_list(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int rootfs_exists(const struct rootfs *r, const char *path)
{
	struct stat st;
	char *err = NULL;
	int ok = rootfs_stat(r, path, 1, &st, &err) == 0;
	free(err);
	return ok;
}
