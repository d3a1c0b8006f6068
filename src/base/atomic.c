#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/atomic.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

int atomic_write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "/dev/stdout", "/dev/fd/3", "/proc/self/fd/3": the descriptor they alias, or -1. */
static int fd_alias(const char *path)
{
	if (!strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	const char *n = !strncmp(path, "/dev/fd/", 8) ? path + 8 :
			!strncmp(path, "/proc/self/fd/", 14) ? path + 14 : NULL;
	if (!n || !*n)
		return -1;
	char *end;
	long fd = strtol(n, &end, 10);
	if (*end || fd < 0 || fd > INT_MAX)
		return -1;
	return (int)fd;
}

/*
 * A symlink on the way may be followed only where another user could not
 * have planted it: the kernel's protected_symlinks rule, applied to every
 * component.  In a sticky, world-writable directory a link is trusted only
 * when it belongs to us or to the directory's owner.
 */
static int link_trusted(const struct stat *dir, const struct stat *link)
{
	if (!(dir->st_mode & S_ISVTX) || !(dir->st_mode & S_IWOTH))
		return 1;
	return link->st_uid == geteuid() || link->st_uid == dir->st_uid;
}

/*
 * Open the directory that holds path's last component, following the
 * symlinks the operator's path names only where link_trusted allows.
 * Returns an O_PATH descriptor and sets *base to the last component (a
 * new string), or -1 with *err.
 */
static int open_parent(const char *path, char **base, char **err)
{
	char *rest = xstrdup(path);
	int links = 0;
	int cur = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0) {
		*err = xasprintf("cannot open '%s': %s", path, strerror(errno));
		free(rest);
		return -1;
	}
	for (;;) {
		char *p = rest;
		while (*p == '/')
			p++;
		char *slash = strchr(p, '/');
		char *next = slash;
		while (next && *next == '/')
			next++;
		if (!slash || !*next) {
			/* The last component (a trailing slash belongs to it). */
			if (slash)
				*slash = '\0';
			if (!*p || !strcmp(p, ".") || !strcmp(p, "..")) {
				*err = xasprintf("'%s' is a directory", path);
				goto fail;
			}
			*base = xstrdup(p);
			free(rest);
			return cur;
		}
		*slash = '\0';
		struct stat dst, lst;
		if (fstat(cur, &dst) < 0 || fstatat(cur, p, &lst, AT_SYMLINK_NOFOLLOW) < 0) {
			*err = xasprintf("cannot create a temporary file beside '%s': %s", path, strerror(errno));
			goto fail;
		}
		if (S_ISLNK(lst.st_mode)) {
			if (!link_trusted(&dst, &lst)) {
				*err = xasprintf("refusing to write '%s': '%s' is a symbolic link owned by another "
						 "user in a sticky directory", path, p);
				goto fail;
			}
			char target[PATH_MAX + 1];
			ssize_t n = readlinkat(cur, p, target, PATH_MAX);
			if (n < 0 || ++links > ROOTFS_MAX_LINKS) {
				*err = xasprintf("cannot resolve '%s': %s", path,
						 n < 0 ? strerror(errno) : "too many symbolic links");
				goto fail;
			}
			target[n] = '\0';
			char *joined = xasprintf("%s/%s", target, next);
			free(rest);
			rest = joined;
			if (target[0] == '/') {
				close(cur);
				cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (cur < 0) {
					*err = xasprintf("cannot open '/': %s", strerror(errno));
					goto fail;
				}
			}
			continue;
		}
		int fd = openat(cur, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			*err = xasprintf("cannot create a temporary file beside '%s': %s", path, strerror(errno));
			goto fail;
		}
		close(cur);
		cur = fd;
		memmove(rest, next, strlen(next) + 1);
	}
fail:
	close(cur);
	free(rest);
	return -1;
}

/* Is this entry someone else's in a sticky directory (where we must not replace it)? */
static int foreign_in_sticky(const struct stat *dir, const struct stat *st)
{
	return (dir->st_mode & S_ISVTX) && st->st_uid != geteuid();
}

/* Open an existing FIFO or character device to write in place. */
static int open_in_place(int dir, const char *base, const struct stat *st, const char *path,
			 char **err)
{
	int fd = openat(dir, base, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat now;
	if (fd < 0) {
		*err = xasprintf("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	/* Swapped for something else between the check and the open: refuse. */
	if (fstat(fd, &now) < 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino ||
	    (now.st_mode & S_IFMT) != (st->st_mode & S_IFMT)) {
		*err = xasprintf("'%s' changed while being opened", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* A temporary file of our own beside base in dir: created, never opened through a link. */
static int create_temp(int dir, const char *base, char **name)
{
	static unsigned long counter;
	for (int tries = 0; tries < 100; tries++) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long r = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^ ++counter * 2654435761u;
		*name = xasprintf("%s.tmp.%08lx", base, r & 0xffffffffUL);
		int fd = openat(dir, *name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		free(*name);
		*name = NULL;
	}
	errno = EEXIST;
	return -1;
}

static int open_temp(struct atomic_file *f, char **err)
{
	f->fd = create_temp(f->dir, f->base, &f->tmp);
	if (f->fd < 0) {
		*err = xasprintf("cannot create a temporary file beside '%s': %s", f->path, strerror(errno));
		return -1;
	}
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(f->fd, 0644 & ~mask) < 0) {
		*err = xasprintf("cannot write '%s%s': %s", f->path, f->tmp + strlen(f->base), strerror(errno));
		return -1;
	}
	return 0;
}

static void release(struct atomic_file *f)
{
	if (f->fd >= 0 && f->own_fd)
		close(f->fd);
	if (f->tmp)
		unlinkat(f->dir, f->tmp, 0);
	if (f->dir >= 0)
		close(f->dir);
	free(f->tmp);
	free(f->base);
	free(f->path);
	memset(f, 0, sizeof(*f));
	f->fd = f->dir = -1;
}

int atomic_open(struct atomic_file *f, const char *path, char **err)
{
	memset(f, 0, sizeof(*f));
	f->fd = f->dir = -1;
	f->path = xstrdup(path);
	int alias = !strcmp(path, "-") ? STDOUT_FILENO : fd_alias(path);
	if (alias >= 0) {
		if (fcntl(alias, F_GETFD) < 0) {
			*err = xasprintf("cannot write to '%s': %s", path, strerror(errno));
			release(f);
			return -1;
		}
		f->fd = alias;
		return 0;
	}
	if (!*path) {
		*err = xstrdup("an empty output file name");
		release(f);
		return -1;
	}
	f->dir = open_parent(path, &f->base, err);
	if (f->dir < 0) {
		release(f);
		return -1;
	}
	f->own_fd = 1;
	struct stat dst, st;
	int rc = -1;
	if (fstat(f->dir, &dst) < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
	} else if (fstatat(f->dir, f->base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			rc = open_temp(f, err);
		else
			*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		*err = xasprintf("refusing to write '%s': it is a symbolic link, and boxaudit never writes "
				 "through a link it did not create (name the file it points to)", path);
	} else if (S_ISDIR(st.st_mode)) {
		*err = xasprintf("'%s' is a directory", path);
	} else if (foreign_in_sticky(&dst, &st)) {
		*err = xasprintf("refusing to write '%s': it belongs to uid %lu in a sticky directory", path,
				 (unsigned long)st.st_uid);
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		rc = (f->fd = open_in_place(f->dir, f->base, &st, path, err)) < 0 ? -1 : 0;
	} else if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("refusing to write '%s': it is not a regular file, FIFO or character device", path);
	} else {
		rc = open_temp(f, err);
	}
	if (rc < 0)
		release(f);
	return rc;
}

int atomic_add(struct atomic_file *f, const void *p, size_t n)
{
	if (f->fd < 0 || atomic_write_all(f->fd, p, n) < 0) {
		if (!f->err_no)
			f->err_no = f->fd < 0 ? EBADF : errno;
		return -1;
	}
	return 0;
}

int atomic_commit(struct atomic_file *f, char **err)
{
	int rc = 0;
	if (f->err_no) {
		*err = f->tmp ? xasprintf("cannot write '%s%s': %s", f->path, f->tmp + strlen(f->base),
					  strerror(f->err_no))
			      : xasprintf(f->own_fd ? "cannot write '%s': %s" : "cannot write to '%s': %s",
					  f->path, strerror(f->err_no));
		rc = -1;
	} else if (f->tmp) {
		if (fsync(f->fd) < 0) {
			*err = xasprintf("cannot write '%s%s': %s", f->path, f->tmp + strlen(f->base),
					 strerror(errno));
			rc = -1;
		} else {
			int c = close(f->fd);
			f->fd = -1;
			/* renameat replaces the directory entry itself, whatever it became meanwhile. */
			if (c < 0 || renameat(f->dir, f->tmp, f->dir, f->base) < 0) {
				*err = xasprintf("cannot replace '%s': %s", f->path, strerror(errno));
				rc = -1;
			} else {
				free(f->tmp);
				f->tmp = NULL;
				/* The rename itself is durable once the directory is. */
				int dfd = openat(f->dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (dfd >= 0) {
					fsync(dfd);
					close(dfd);
				}
			}
		}
	} else if (f->own_fd && close(f->fd) < 0) {
		f->fd = -1;
		*err = xasprintf("cannot write '%s': %s", f->path, strerror(errno));
		rc = -1;
	} else if (f->own_fd) {
		f->fd = -1;
	}
	release(f);
	return rc;
}

void atomic_abort(struct atomic_file *f)
{
	release(f);
}

int atomic_write(const char *path, const char *data, size_t len, char **err)
{
	struct atomic_file f;
	if (atomic_open(&f, path, err) < 0)
		return -1;
	atomic_add(&f, data, len);
	return atomic_commit(&f, err);
}
