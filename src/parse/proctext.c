#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "parse/proctext.h"
#include "base/xalloc.h"
#include "base/banned.h"

int proc_status_uid(const char *status, uid_t *uid)
{
	const char *p = status;
	while (p && *p) {
		if (!strncmp(p, "Uid:", 4)) {
			char *end;
			errno = 0;
			unsigned long v = strtoul(p + 4, &end, 10);
			if (errno || end == p + 4)
				return -1;
			*uid = (uid_t)v;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
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

