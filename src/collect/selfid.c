#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/limits.h"
#include "base/buf.h"
#include "collect/rootfs.h"
#include "collect/selfid.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define ID_LEN 64

static int is_hex_id(const char *p)
{
	for (int i = 0; i < ID_LEN; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

/* The id after prefix in s, followed by one of the characters of ends (or the end of s). */
static char *id_after(const char *s, const char *prefix, const char *ends)
{
	size_t pl = strlen(prefix);
	for (const char *p = strstr(s, prefix); p; p = strstr(p + 1, prefix)) {
		const char *id = p + pl;
		/* is_hex_id stops at a NUL, so it never reads past the string. */
		if (is_hex_id(id) && strchr(ends, id[ID_LEN]))
			return xstrndup(id, ID_LEN);
	}
	return NULL;
}

char *selfid_from_mountinfo(const char *text)
{
	static const char *const points[] = { "/etc/hostname", "/etc/hosts", "/etc/resolv.conf" };
	char *copy = xstrdup(text ? text : ""), *save = NULL, *id = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line && !id; line = strtok_r(NULL, "\n", &save)) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...": fields 4 and 5. */
		char *f[5] = {0}, *s2 = NULL;
		int n = 0;
		for (char *t = strtok_r(line, " ", &s2); t && n < 5; t = strtok_r(NULL, " ", &s2))
			f[n++] = t;
		if (n < 5)
			continue;
		int wanted = 0;
		for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
			wanted |= !strcmp(f[4], points[i]);
		if (wanted)
			id = id_after(f[3], "containers/", "/");
	}
	free(copy);
	return id;
}

char *selfid_from_cgroup(const char *text)
{
	char *id = id_after(text ? text : "", "/docker/", "/\n");
	if (!id)
		id = id_after(text ? text : "", "/docker-", ".");
	return id;
}

static char *read_self(struct rootfs *r, const char *name)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)getpid(), name);
	struct buf b;
	buf_init(&b, SELFID_PROC_CAP);
	char *err = NULL;
	if (rootfs_read(r, path, SELFID_PROC_CAP, &b, &err) < 0) {
		free(err);
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

char *selfid_detect(const char **how)
{
	/* Our own process, not the audited host: the real root. */
	struct rootfs r;
	char *err = NULL, *id = NULL;
	*how = NULL;
	if (rootfs_open(&r, "/", &err) < 0) {
		free(err);
		return NULL;
	}
	char *text = read_self(&r, "mountinfo");
	if (text && (id = selfid_from_mountinfo(text)))
		*how = "mountinfo";
	free(text);
	if (!id) {
		text = read_self(&r, "cgroup");
		if (text && (id = selfid_from_cgroup(text)))
			*how = "cgroup";
		free(text);
	}
	rootfs_close(&r);
	return id;
}
