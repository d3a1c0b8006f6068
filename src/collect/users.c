#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "collect/users.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

static int load_one(struct users_table *t, const struct rootfs *root,
		    const char *path, int nfields)
{
	struct buf b;
	char *err = NULL;
	int ret = 0;
	buf_init(&b, ROOTFS_READ_CAP);
	if (rootfs_read(root, path, ROOTFS_READ_CAP, &b, &err) < 0) {
		if (errno != ENOENT) {
			t->error = err;
			err = NULL;
			ret = -1;
		}
		free(err);
	} else {
		users_table_parse(t, b.data, b.len, nfields, 2);
	}
	buf_release(&b);
	return ret;
}

int users_load(struct users *u, const struct rootfs *root)
{
	memset(u, 0, sizeof(*u));
	int a = load_one(&u->passwd, root, "/etc/passwd", 7);
	int b = load_one(&u->group, root, "/etc/group", 4);
	return (a < 0 || b < 0) ? -1 : 0;
}
