/*
 * users: load the audited root's /etc/passwd and /etc/group (parse/users.h),
 * read through rootfs and capped at ROOTFS_READ_CAP; a missing file gives
 * an empty table.
 */
#ifndef BOXAUDIT_COLLECT_USERS_H
#define BOXAUDIT_COLLECT_USERS_H

#include "parse/users.h"
#include "collect/rootfs.h"

/*
 * Load ROOT/etc/passwd and ROOT/etc/group into *u.  Always leaves *u
 * usable; returns -1 when a file existed but could not be read (the
 * message is in u->passwd.error or u->group.error), else 0.
 */
int users_load(struct users *u, const struct rootfs *root);

#endif
