/*
 * users: user and group names of the audited root.
 *
 * Names come from the audited root's own /etc/passwd and /etc/group
 * (collect/users.h reads them), never from the running system's NSS: on a
 * host audited from a container the two differ.  Malformed lines are
 * skipped and counted.  The first entry for an id or a name wins, as with
 * nss_files.
 *
 *	struct users u;
 *	users_load(&u, root);
 *	const char *name = users_name(&u, 0);	-- "root", or NULL
 *	users_release(&u);
 */
#ifndef BOXAUDIT_USERS_H
#define BOXAUDIT_USERS_H

#include <stddef.h>
#include <sys/types.h>

struct users_ent {
	unsigned long id;
	char *name;
};

struct users_table {
	struct users_ent *v;
	size_t n, alloc;
	size_t malformed;	/* lines skipped because they could not be parsed */
	char *error;		/* why the file could not be read (not for ENOENT), or NULL */
};

struct users {
	struct users_table passwd;
	struct users_table group;
};

/*
 * Add the entries of len bytes of text to t: lines of nfields
 * colon-separated fields whose field idfield is the id.
 */
void users_table_parse(struct users_table *t, const char *text, size_t len,
		       int nfields, int idfield);

/* Add the entries of passwd (group) text to u, which is zero-initialised
 * or loaded; malformed lines are counted. */
void users_parse_passwd(struct users *u, const char *text);
void users_parse_group(struct users *u, const char *text);

/* Names are borrowed from u; NULL when the id has no name. */
const char *users_name(const struct users *u, uid_t uid);
const char *groups_name(const struct users *u, gid_t gid);

/* Look a name up; 0 and *out set when found, -1 otherwise. */
int users_uid(const struct users *u, const char *name, uid_t *out);
int groups_gid(const struct users *u, const char *name, gid_t *out);

void users_release(struct users *u);

#endif
