#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "parse/envfile.h"
#include "base/limits.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"


static int is_key_start(int c)
{
	return isalpha(c) || c == '_';
}

static int is_key_char(int c)
{
	return isalnum(c) || c == '_';
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static json_t *fail(char **err, const char *name, size_t line, const char *reason,
		    json_t *partial, struct buf *b)
{
	if (err)
		*err = xasprintf("%s:%zu: %s", name, line, reason);
	json_decref(partial);
	if (b)
		buf_release(b);
	return NULL;
}

/* Append one byte; the cap is far above any file we are given. */
static void put(struct buf *b, char c)
{
	if (buf_add(b, &c, 1) < 0)
		abort();
}

json_t *envfile_parse(const char *text, size_t len, const char *name, char **err)
{
	json_t *o = json_object();
	const char *p = text, *end = text + len;
	size_t line = 1;
	struct buf v;

	if (memchr(text, '\0', len))
		return fail(err, name, 1, "contains a NUL byte", o, NULL);
	buf_init(&v, ENV_VALUE_CAP);
	while (p < end) {
		size_t start_line = line;
		while (p < end && is_blank((unsigned char)*p))
			p++;
		if (p == end)
			break;
		if (*p == '\n') {
			p++;
			line++;
			continue;
		}
		if (*p == '#' || *p == ';') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if ((size_t)(end - p) > 7 && !strncmp(p, "export", 6) && is_blank((unsigned char)p[6])) {
			p += 6;
			while (p < end && is_blank((unsigned char)*p))
				p++;
		}
		const char *k = p;
		if (!is_key_start((unsigned char)*p)) {
			const char *e = memchr(p, '\n', (size_t)(end - p));
			if (!memchr(p, '=', e ? (size_t)(e - p) : (size_t)(end - p)))
				return fail(err, name, start_line, "expected KEY=VALUE", o, &v);
			return fail(err, name, start_line, "invalid variable name", o, &v);
		}
		while (p < end && is_key_char((unsigned char)*p))
			p++;
		size_t klen = (size_t)(p - k);
		while (p < end && is_blank((unsigned char)*p))
			p++;
		if (p == end || *p != '=') {
			const char *e = memchr(p, '\n', (size_t)(end - p));
			if (!memchr(p, '=', e ? (size_t)(e - p) : (size_t)(end - p)))
				return fail(err, name, start_line, "expected KEY=VALUE", o, &v);
			return fail(err, name, start_line, "invalid variable name", o, &v);
		}
		p++;
		int after_blank = p < end && is_blank((unsigned char)*p);
		while (p < end && is_blank((unsigned char)*p))
			p++;
		buf_reset(&v);
		/* Unquoted trailing blanks are dropped, as systemd does. */
		size_t keep = 0;
		while (p < end && *p != '\n') {
			char c = *p++;
			if (c == '#' && after_blank) {
				/* "KEY=value # note": a shell comment, as the file is sourced */
				while (p < end && *p != '\n')
					p++;
				break;
			}
			after_blank = 0;
			if (c == '\\') {
				if (p == end)
					break;
				if (*p == '\n') {
					p++;
					line++;
					continue;
				}
				put(&v, *p++);
				keep = v.len;
			} else if (c == '\'') {
				const char *q = memchr(p, '\'', (size_t)(end - p));
				if (!q)
					return fail(err, name, start_line, "unterminated single quote", o, &v);
				for (; p < q; p++) {
					if (*p == '\n')
						line++;
					put(&v, *p);
				}
				p++;
				keep = v.len;
			} else if (c == '"') {
				for (;;) {
					if (p == end)
						return fail(err, name, start_line, "unterminated double quote", o, &v);
					c = *p++;
					if (c == '"')
						break;
					if (c == '\\' && p < end) {
						if (*p == '\n') {
							p++;
							line++;
							continue;
						}
						if (strchr("\"\\`$", *p)) {
							put(&v, *p++);
							continue;
						}
					}
					if (c == '\n')
						line++;
					put(&v, c);
				}
				keep = v.len;
			} else {
				put(&v, c);
				if (is_blank((unsigned char)c))
					after_blank = 1;
				else
					keep = v.len;
			}
		}
		char *key = xstrndup(k, klen);
		json_object_set_new(o, key, json_stringn(v.data, keep));
		free(key);
	}
	buf_release(&v);
	return o;
}

static int c_escape(char c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	default: return (unsigned char)c;
	}
}

json_t *split_words(const char *s, char **err)
{
	json_t *a = json_array();
	struct buf w;
	const char *p = s;

	buf_init(&w, ENV_VALUE_CAP);
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		buf_reset(&w);
		while (*p && !isspace((unsigned char)*p)) {
			char c = *p++;
			if (c == '\\') {
				if (!*p) {
					if (err)
						*err = xasprintf("'%s': trailing backslash", s);
					goto bad;
				}
				put(&w, (char)c_escape(*p++));
			} else if (c == '\'' || c == '"') {
				char q = c;
				for (;;) {
					if (!*p) {
						if (err)
							*err = xasprintf("'%s': unterminated %s quote", s,
									 q == '"' ? "double" : "single");
						goto bad;
					}
					c = *p++;
					if (c == q)
						break;
					if (c == '\\' && q == '"' && *p)
						c = (char)c_escape(*p++);
					put(&w, c);
				}
			} else {
				put(&w, c);
			}
		}
		json_array_append_new(a, json_stringn(w.data, w.len));
	}
	buf_release(&w);
	return a;
bad:
	buf_release(&w);
	json_decref(a);
	return NULL;
}
