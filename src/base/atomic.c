#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/atomic.h"
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

static int atomic_replace(const char *path, const char *data, size_t len, char **err);

/* Write to something that is not a regular file: a device or a FIFO. */
static int write_in_place(const char *path, const char *data, size_t len, char **err)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot open '%s': %s", path, strerror(errno));
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

int atomic_write(const char *path, const char *data, size_t len, char **err)
{
	if (!strcmp(path, "-")) {
		if (write_all(STDOUT_FILENO, data, len) < 0) {
			*err = xasprintf("cannot write to standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			*err = xasprintf("'%s' is a directory", path);
			return -1;
		}
		return write_in_place(path, data, len, err);
	}
	/* Replace the file a symlink names, not the link. */
	char *real = realpath(path, NULL);
	int rc = atomic_replace(real ? real : path, data, len, err);
	free(real);
	return rc;
}

static int atomic_replace(const char *path, const char *data, size_t len, char **err)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*err = xasprintf("cannot create a temporary file beside '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0644 & ~mask) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		*err = xasprintf("cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		*err = xasprintf("cannot replace '%s': %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
