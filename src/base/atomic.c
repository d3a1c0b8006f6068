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

static int write_all(int fd, const char *p, size_t len)
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

/* Write to an existing FIFO or character device in place. */
static int write_in_place(int dir, const char *base, const struct stat *st, const char *path,
			  const char *data, size_t len, char **err)
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
	int rc = write_all(fd, data, len);
	int e = errno;
	close(fd);
	if (rc < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(e));
		return -1;
	}
	return 0;
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

static int replace(int dir, const char *base, const char *path, const char *data, size_t len,
		   char **err)
{
	char *tmp = NULL;
	int fd = create_temp(dir, base, &tmp);
	if (fd < 0) {
		*err = xasprintf("cannot create a temporary file beside '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0644 & ~mask) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		*err = xasprintf("cannot write '%s%s': %s", path, tmp + strlen(base), strerror(errno));
		close(fd);
		unlinkat(dir, tmp, 0);
		free(tmp);
		return -1;
	}
	/* renameat replaces the directory entry itself, whatever it became meanwhile. */
	if (close(fd) < 0 || renameat(dir, tmp, dir, base) < 0) {
		*err = xasprintf("cannot replace '%s': %s", path, strerror(errno));
		unlinkat(dir, tmp, 0);
		free(tmp);
		return -1;
	}
	/* The rename itself is durable once the directory is. */
	int dfd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(tmp);
	return 0;
}

int atomic_write(const char *path, const char *data, size_t len, char **err)
{
	int alias = !strcmp(path, "-") ? STDOUT_FILENO : fd_alias(path);
	if (alias >= 0) {
		if (fcntl(alias, F_GETFD) < 0 || write_all(alias, data, len) < 0) {
			*err = xasprintf("cannot write to '%s': %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!*path) {
		*err = xstrdup("an empty output file name");
		return -1;
	}
	char *base = NULL;
	int dir = open_parent(path, &base, err);
	if (dir < 0)
		return -1;
	struct stat dst, st;
	int rc = -1;
	if (fstat(dir, &dst) < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
	} else if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			rc = replace(dir, base, path, data, len, err);
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
		rc = write_in_place(dir, base, &st, path, data, len, err);
	} else if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("refusing to write '%s': it is not a regular file, FIFO or character device", path);
	} else {
		rc = replace(dir, base, path, data, len, err);
	}
	close(dir);
	free(base);
	return rc;
}
