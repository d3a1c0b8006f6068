/*
 * Writing inside an image root (rootfs_write.h).  The resolver is its own
 * (rootfs.c's is private): it walks the path component by component from
 * the root's descriptor, never letting the kernel follow a link, and
 * returns a descriptor of the parent directory and the final name, so
 * that every change is an *at() call on that directory.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "collect/rootfs_write.h"
#include "base/limits.h"
#include "base/atomic.h"
#include "base/xalloc.h"
#include "base/banned.h"

static int fail(char **err, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char **err, int e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	*err = xvasprintf(fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

int rootfs_write_check(const struct rootfs *r, char **err)
{
	struct stat a, b;
	if (fstat(r->fd, &a) < 0 || stat("/", &b) < 0)
		return fail(err, errno, "cannot stat the root '%s': %s", r->dir, strerror(errno));
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return fail(err, EPERM, "refusing to change '%s': it is the running system's root, and "
			    "remediate --apply only changes an image root", r->dir);
	return 0;
}

/* Components of a path: a stack of names. */
struct comps {
	char **v;
	size_t n, alloc;
};

static void comps_release(struct comps *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Push the components of s, in reverse, onto todo (so that the first is popped first). */
static int comps_push_path(struct comps *todo, const char *s)
{
	size_t start = todo->n;
	for (const char *p = s; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, "/");
		if (todo->n >= ROOTFS_MAX_COMPONENTS)
			return -1;
		ALLOC_GROW(todo->v, todo->n + 1, todo->alloc);
		todo->v[todo->n++] = xstrndup(p, n);
		p += n;
	}
	for (size_t i = start, j = todo->n; i < j--; i++) {
		char *t = todo->v[i];
		todo->v[i] = todo->v[j];
		todo->v[j] = t;
	}
	return 0;
}

/* Open the directory the resolved components name, from the root, following nothing. */
static int open_resolved(const struct rootfs *r, const struct comps *done)
{
	int fd = openat(r->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; fd >= 0 && i < done->n; i++) {
		int next = openat(fd, done->v[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

/*
 * Resolve the parent of path inside the root: *dirfd (O_PATH) and *name
 * (a new string, the final component, never "." or "..").
 */
static int resolve_parent(const struct rootfs *r, const char *path, int *dirfd, char **name, char **err)
{
	*dirfd = -1;
	*name = NULL;
	if (path[0] != '/')
		return fail(err, EINVAL, "'%s' is not an absolute path", path);
	struct comps todo = {0}, done = {0};
	if (comps_push_path(&todo, path) < 0) {
		comps_release(&todo);
		return fail(err, ENAMETOOLONG, "'%s' has too many components", path);
	}
	if (!todo.n)
		return fail(err, EISDIR, "'%s' is the root itself", path);
	/* The last component is the name; everything before it is walked. */
	char *last = todo.v[0];
	memmove(todo.v, todo.v + 1, (todo.n - 1) * sizeof(*todo.v));
	todo.n--;
	if (!strcmp(last, ".") || !strcmp(last, "..")) {
		free(last);
		comps_release(&todo);
		return fail(err, EINVAL, "'%s' does not end in a file name", path);
	}
	int links = 0, rc = 0;
	int fd = open_resolved(r, &done);
	while (fd >= 0 && todo.n) {
		char *c = todo.v[--todo.n];
		if (!strcmp(c, ".")) {
			free(c);
			continue;
		}
		if (!strcmp(c, "..")) {
			free(c);
			if (!done.n) {
				rc = fail(err, EXDEV, "refused '%s': a '..' climbs above the root", path);
				break;
			}
			free(done.v[--done.n]);
			close(fd);
			fd = open_resolved(r, &done);
			continue;
		}
		struct stat st;
		int next = openat(fd, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 || fstat(next, &st) < 0) {
			rc = fail(err, errno, "cannot open '%s' in '%s': %s", c, path, strerror(errno));
			if (next >= 0)
				close(next);
			free(c);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(fd, c, target, sizeof(target) - 1);
			close(next);
			if (n < 0 || ++links > ROOTFS_MAX_LINKS) {
				rc = fail(err, ELOOP, "refused '%s': too many or unreadable symlinks", path);
				free(c);
				break;
			}
			target[n] = '\0';
			free(c);
			if (target[0] == '/') {
				/* Re-anchored at the root, as rootfs.c does for reading. */
				comps_release(&done);
				close(fd);
				fd = open_resolved(r, &done);
			}
			if (comps_push_path(&todo, target) < 0) {
				rc = fail(err, ENAMETOOLONG, "'%s' has too many components", path);
				break;
			}
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(next);
			rc = fail(err, ENOTDIR, "'%s' in '%s' is not a directory", c, path);
			free(c);
			break;
		}
		close(fd);
		fd = next;
		ALLOC_GROW(done.v, done.n + 1, done.alloc);
		done.v[done.n++] = c;
	}
	if (fd < 0 && !rc)
		rc = fail(err, errno, "cannot open a directory of '%s': %s", path, strerror(errno));
	comps_release(&todo);
	comps_release(&done);
	if (rc < 0) {
		if (fd >= 0)
			close(fd);
		free(last);
		return -1;
	}
	*dirfd = fd;
	*name = last;
	return 0;
}

int rootfs_lstat(const struct rootfs *r, const char *path, struct stat *st, char **err)
{
	int dfd;
	char *name;
	if (resolve_parent(r, path, &dfd, &name, err) < 0)
		return -1;
	int rc = fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW);
	int e = errno;
	if (rc < 0)
		fail(err, e, "cannot stat '%s': %s", path, strerror(e));
	close(dfd);
	free(name);
	errno = e;
	return rc < 0 ? -1 : 0;
}

int rootfs_write_file(const struct rootfs *r, const char *path, const char *data, size_t len,
		      mode_t new_mode, char **err)
{
	int dfd;
	char *name;
	if (resolve_parent(r, path, &dfd, &name, err) < 0)
		return -1;
	struct stat st;
	mode_t mode = new_mode & 07777;
	uid_t uid = 0;
	gid_t gid = 0;
	int rc = -1;
	char *tmp = NULL;
	int fd = -1;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode)) {
			fail(err, ELOOP, "refused '%s': it is a symlink, and boxaudit never writes through a link", path);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			fail(err, EINVAL, "refused '%s': it is not a regular file", path);
			goto out;
		}
		mode = st.st_mode & 07777;
		uid = st.st_uid;
		gid = st.st_gid;
	} else if (errno != ENOENT) {
		fail(err, errno, "cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	for (int i = 0; i < 100 && fd < 0; i++) {
		free(tmp);
		tmp = xasprintf(".%s.boxaudit-%ld-%d", name, (long)getpid(), i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		fail(err, errno, "cannot create a temporary file beside '%s': %s", path, strerror(errno));
		goto out;
	}
	if (atomic_write_all(fd, data, len) < 0 || fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		fail(err, errno, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	close(fd);
	if (renameat(dfd, tmp, dfd, name) < 0) {
		fail(err, errno, "cannot replace '%s': %s", path, strerror(errno));
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	int dir = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir >= 0) {
		fsync(dir);
		close(dir);
	}
	rc = 0;
out:
	free(tmp);
	free(name);
	close(dfd);
	return rc;
}

int rootfs_mkdir(const struct rootfs *r, const char *path, mode_t mode, char **err)
{
	int dfd;
	char *name;
	if (resolve_parent(r, path, &dfd, &name, err) < 0)
		return -1;
	struct stat st;
	int rc = 0;
	if (mkdirat(dfd, name, mode) < 0) {
		if (errno == EEXIST && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			rc = 0;
		else
			rc = fail(err, errno, "cannot create the directory '%s': %s", path, strerror(errno));
	}
	free(name);
	close(dfd);
	return rc;
}

/* An O_PATH descriptor of path itself, refused when it is a symlink. */
static int open_final(const struct rootfs *r, const char *path, char **err)
{
	int dfd;
	char *name;
	if (resolve_parent(r, path, &dfd, &name, err) < 0)
		return -1;
	struct stat st;
	int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	close(dfd);
	free(name);
	if (fd < 0)
		return fail(err, e, "cannot open '%s': %s", path, strerror(e));
	if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
		close(fd);
		return fail(err, ELOOP, "refused '%s': it is a symlink, and boxaudit never changes a file "
			    "through a link", path);
	}
	return fd;
}

int rootfs_chmod(const struct rootfs *r, const char *path, mode_t mode, char **err)
{
	int fd = open_final(r, path, err);
	if (fd < 0)
		return -1;
	/* An O_PATH descriptor takes no fchmod; its /proc/self/fd link names the same inode. */
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	int rc = chmod(proc, mode & 07777);
	int e = errno;
	close(fd);
	if (rc < 0)
		return fail(err, e, "cannot chmod '%s': %s", path, strerror(e));
	return 0;
}

int rootfs_chown(const struct rootfs *r, const char *path, uid_t uid, gid_t gid, char **err)
{
	int fd = open_final(r, path, err);
	if (fd < 0)
		return -1;
	int rc = fchownat(fd, "", uid, gid, AT_EMPTY_PATH);
	int e = errno;
	close(fd);
	if (rc < 0)
		return fail(err, e, "cannot chown '%s': %s", path, strerror(e));
	return 0;
}
