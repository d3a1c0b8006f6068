#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "parse/proctext.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* The n-th number (0-based) of the "Uid:" line of a status file. */
static int uid_field(const char *status, int n, uid_t *uid)
{
	const char *p = status;
	while (p && *p) {
		if (!strncmp(p, "Uid:", 4)) {
			const char *q = p + 4;
			for (int i = 0; i <= n; i++) {
				char *end;
				errno = 0;
				unsigned long v = strtoul(q, &end, 10);
				if (errno || end == q || v > 0xfffffffeUL)
					return -1;
				if (i == n) {
					*uid = (uid_t)v;
					return 0;
				}
				q = end;
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

char proc_status_state(const char *status)
{
	for (const char *p = status; p && *p;) {
		if (!strncmp(p, "State:", 6)) {
			p += 6;
			while (*p == ' ' || *p == '\t')
				p++;
			return *p >= 'A' && *p <= 'Z' ? *p : 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

int proc_status_uid(const char *status, uid_t *uid)
{
	return uid_field(status, 0, uid);
}

int proc_status_euid(const char *status, uid_t *euid)
{
	return uid_field(status, 1, euid);
}

int proc_cgroup_in(const char *cgroup, const char *path)
{
	size_t n = strlen(path);
	for (const char *line = cgroup; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		/* ID:CONTROLLERS:PATH; the path is everything after the second colon. */
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
		if (c2) {
			const char *cp = c2 + 1;
			size_t cl = len - (size_t)(cp - line);
			if (cl == n && !memcmp(cp, path, n))
				return 1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

char **proc_split_argv(const char *data, size_t len, size_t *argc)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (data[i] == '\0')
			n++;
	if (len && data[len - 1] != '\0')
		n++;	/* the last argument lacks its terminator */
	char **argv = xcalloc(n + 1, sizeof(char *));
	size_t i = 0, k = 0;
	while (i < len && k < n) {
		const char *e = memchr(data + i, '\0', len - i);
		size_t l = e ? (size_t)(e - (data + i)) : len - i;
		argv[k++] = xstrndup(data + i, l);
		i += l + 1;
	}
	*argc = k;
	return argv;
}

