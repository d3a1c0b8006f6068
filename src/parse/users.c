#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "parse/users.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define ID_MAX 4294967294UL	/* (uid_t)-1 is never a valid id */

/* Parse a decimal id with no sign, spaces or trailing garbage. */
static int parse_id(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;
	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > ID_MAX)
		return -1;
	*out = v;
	return 0;
}

/*
 * One line of name:x:ID:... with exactly nfields fields; the id is field
 * idfield.  Returns 1 when added, 0 when the line is ignorable (blank,
 * comment, NIS compat entry) and -1 when malformed.
 */
static int parse_line(struct users_table *t, const char *line, size_t len,
		      int nfields, int idfield)
{
	const char *f[8];
	size_t fl[8];
	int n = 0;
	const char *p = line, *end = line + len;

	if (len && line[len - 1] == '\r')
		end--;
	if (end == line || line[0] == '#')
		return 0;
	if (line[0] == '+' || line[0] == '-')
		return 0;
	while (n < 8) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		f[n] = p;
		fl[n] = c ? (size_t)(c - p) : (size_t)(end - p);
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	if (n != nfields || fl[0] == 0)
		return -1;
	if (memchr(f[0], '\0', fl[0]))
		return -1;
	unsigned long id;
	if (parse_id(f[idfield], fl[idfield], &id) < 0)
		return -1;
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->v[t->n].id = id;
	t->v[t->n].name = xstrndup(f[0], fl[0]);
	t->n++;
	return 1;
}

void users_table_parse(struct users_table *t, const char *text, size_t len,
		       int nfields, int idfield)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (memchr(p, '\0', l) || parse_line(t, p, l, nfields, idfield) < 0)
			t->malformed++;
		p += l + 1;
	}
}

void users_parse_passwd(struct users *u, const char *text)
{
	users_table_parse(&u->passwd, text, strlen(text), 7, 2);
}

void users_parse_group(struct users *u, const char *text)
{
	users_table_parse(&u->group, text, strlen(text), 4, 2);
}

static const char *by_id(const struct users_table *t, unsigned long id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return t->v[i].name;
	return NULL;
}

static int by_name(const struct users_table *t, const char *name, unsigned long *out)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!strcmp(t->v[i].name, name)) {
			*out = t->v[i].id;
			return 0;
		}
	}
	return -1;
}

const char *users_name(const struct users *u, uid_t uid)
{
	return by_id(&u->passwd, (unsigned long)uid);
}

const char *groups_name(const struct users *u, gid_t gid)
{
	return by_id(&u->group, (unsigned long)gid);
}

int users_uid(const struct users *u, const char *name, uid_t *out)
{
	unsigned long id;
	if (by_name(&u->passwd, name, &id) < 0)
		return -1;
	*out = (uid_t)id;
	return 0;
}

int groups_gid(const struct users *u, const char *name, gid_t *out)
{
	unsigned long id;
	if (by_name(&u->group, name, &id) < 0)
		return -1;
	*out = (gid_t)id;
	return 0;
}

static void table_release(struct users_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->error);
	memset(t, 0, sizeof(*t));
}

void users_release(struct users *u)
{
	table_release(&u->passwd);
	table_release(&u->group);
}
