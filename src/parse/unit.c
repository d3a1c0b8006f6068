#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "parse/unit.h"
#include "parse/envfile.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

void unit_state_init(struct unit_state *u)
{
	u->exec = json_array();
	u->env = json_array();
	u->env_files = json_array();
	u->listen = json_array();
	u->errors = json_array();
}

void unit_state_release(struct unit_state *u)
{
	json_decref(u->exec);
	json_decref(u->env);
	json_decref(u->env_files);
	json_decref(u->listen);
	json_decref(u->errors);
	memset(u, 0, sizeof(*u));
}

void unit_add_error(struct unit_state *u, const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	char *full = line ? xasprintf("%s:%zu: %s", path, line, m) : xasprintf("%s: %s", path, m);
	json_array_append_new(u->errors, json_string(full));
	free(m);
	free(full);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static void directive(struct unit_state *u, const char *path, size_t line,
		      const char *section, const char *key, const char *value)
{
	if (!strcmp(section, "Service") && !strcmp(key, "ExecStart")) {
		if (!*value) {
			json_array_clear(u->exec);
			return;
		}
		json_array_append_new(u->exec, json_pack("{s:s, s:s, s:I}", "raw", value,
							 "path", path, "line", (json_int_t)line));
	} else if (!strcmp(section, "Service") && !strcmp(key, "Environment")) {
		if (!*value) {
			json_array_clear(u->env);
			return;
		}
		char *e = NULL;
		json_t *words = split_words(value, &e);
		if (!words) {
			unit_add_error(u, path, line, "Environment=: %s", e);
			free(e);
			return;
		}
		size_t i;
		json_t *w;
		json_array_foreach(words, i, w) {
			const char *s = json_string_value(w);
			const char *eq = strchr(s, '=');
			int ok = eq && eq != s && (isalpha((unsigned char)*s) || *s == '_');
			for (const char *c = s; ok && c < eq; c++)
				ok = isalnum((unsigned char)*c) || *c == '_';
			if (!ok)
				unit_add_error(u, path, line, "Environment=: invalid assignment '%s'", s);
			else
				json_array_append(u->env, w);
		}
		json_decref(words);
	} else if (!strcmp(section, "Service") && !strcmp(key, "EnvironmentFile")) {
		if (!*value) {
			json_array_clear(u->env_files);
			return;
		}
		int optional = *value == '-';
		const char *f = optional ? value + 1 : value;
		if (*f != '/') {
			unit_add_error(u, path, line, "EnvironmentFile=: '%s' is not an absolute path", f);
			return;
		}
		json_array_append_new(u->env_files, json_pack("{s:s, s:b}", "path", f,
							      "optional", optional));
	} else if (!strcmp(section, "Socket") && !strcmp(key, "ListenStream")) {
		if (!*value)
			json_array_clear(u->listen);
		else
			json_array_append_new(u->listen, json_string(value));
	}
}

/* Parse one unit file or drop-in of text into u. */
void unit_parse(struct unit_state *u, const char *path, const char *text, size_t len)
{
	char section[64] = "";
	struct buf logical;
	const char *p = text, *end = text + len;
	size_t line = 0;

	if (memchr(text, '\0', len)) {
		unit_add_error(u, path, 0, "contains a NUL byte");
		return;
	}
	buf_init(&logical, UNIT_CAP);
	while (p < end) {
		size_t start = line + 1;
		buf_reset(&logical);
		/* Join continuation lines: a trailing backslash becomes a space. */
		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
			line++;
			const char *next = nl ? nl + 1 : end;
			const char *s = p;
			while (s < p + l && isspace((unsigned char)*s))
				s++;
			/* Comment lines inside a continuation are skipped, as systemd does. */
			if (logical.len && (*s == '#' || *s == ';')) {
				p = next;
				if (p == end)
					break;
				continue;
			}
			while (l && p[l - 1] == '\r')
				l--;
			int cont = l && p[l - 1] == '\\' && s < p + l && *s != '#' && *s != ';';
			if (buf_add(&logical, p, cont ? l - 1 : l) < 0 ||
			    (cont && buf_addstr(&logical, " ") < 0))
				abort();	/* cannot happen: the text is under the same cap */
			p = next;
			if (!cont || p == end)
				break;
		}
		char *s = trim(logical.data);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			size_t n = strlen(s);
			if (s[n - 1] != ']' || n < 3 || n - 2 >= sizeof(section)) {
				unit_add_error(u, path, start, "invalid section header '%s'", s);
				section[0] = '\0';
				continue;
			}
			memcpy(section, s + 1, n - 2);
			section[n - 2] = '\0';
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			unit_add_error(u, path, start, "missing '=' in '%s'", s);
			continue;
		}
		if (!section[0]) {
			unit_add_error(u, path, start, "assignment outside of a section");
			continue;
		}
		*eq = '\0';
		directive(u, path, start, section, trim(s), trim(eq + 1));
	}
	buf_release(&logical);
}

/* Expand ${NAME} inside a word and $$; the whole-word $NAME case is the caller's. */
static char *expand_braces(const char *w, json_t *env)
{
	struct buf b;
	buf_init(&b, UNIT_CAP);
	for (const char *p = w; *p;) {
		if (p[0] == '$' && p[1] == '$') {
			if (buf_add(&b, "$", 1) < 0)
				break;
			p += 2;
			continue;
		}
		if (p[0] == '$' && p[1] == '{') {
			const char *c = strchr(p + 2, '}');
			if (c) {
				char *name = xstrndup(p + 2, (size_t)(c - p - 2));
				const char *v = json_string_value(json_object_get(env, name));
				free(name);
				if (v && buf_addstr(&b, v) < 0)
					break;
				p = c + 1;
				continue;
			}
		}
		if (buf_add(&b, p, 1) < 0)
			break;
		p++;
	}
	return buf_detach(&b, NULL);
}

static int is_var_word(const char *w)
{
	if (w[0] != '$' || !(isalpha((unsigned char)w[1]) || w[1] == '_'))
		return 0;
	for (const char *c = w + 2; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return 0;
	return 1;
}

json_t *unit_expand_exec(struct unit_state *u, const char *raw, const char *path,
			   size_t line, json_t *env)
{
	/* Prefixes: - ignore failure, @ argv[0] follows, : no expansion, + ! privileges. */
	int at = 0, noexpand = 0;
	while (*raw && strchr("-@:+!", *raw)) {
		if (*raw == '@')
			at = 1;
		if (*raw == ':')
			noexpand = 1;
		raw++;
	}
	char *e = NULL;
	json_t *words = split_words(raw, &e);
	if (!words) {
		unit_add_error(u, path, line, "ExecStart=: %s", e);
		free(e);
		return json_null();
	}
	if (at && json_array_size(words) >= 2)
		json_array_remove(words, 1);	/* the argv[0] override */
	if (noexpand)
		return words;
	json_t *out = json_array();
	size_t i;
	json_t *w;
	json_array_foreach(words, i, w) {
		const char *s = json_string_value(w);
		if (i > 0 && is_var_word(s)) {
			const char *v = json_string_value(json_object_get(env, s + 1));
			if (!v)
				continue;
			json_t *parts = split_words(v, &e);
			if (!parts) {
				unit_add_error(u, path, line, "ExecStart=: $%s: %s", s + 1, e);
				free(e);
				continue;
			}
			json_array_extend(out, parts);
			json_decref(parts);
			continue;
		}
		char *x = expand_braces(s, env);
		json_array_append_new(out, json_string(x));
		free(x);
	}
	json_decref(words);
	return out;
}

char *unit_specifiers(const char *s, const char *unit)
{
	const char *dot = strrchr(unit, '.');
	size_t ulen = strlen(unit), nlen = dot ? (size_t)(dot - unit) : ulen;
	const char *at = memchr(unit, '@', nlen);
	size_t plen = at ? (size_t)(at - unit) : nlen, npct = 0;
	for (const char *p = s; *p; p++)
		npct += *p == '%';
	/* Each specifier grows by at most the unit's name. */
	char *out = xmalloc(strlen(s) + npct * ulen + 1), *o = out;
	for (; *s; s++) {
		if (*s != '%' || !s[1]) {
			*o++ = *s;
			continue;
		}
		const char *add = NULL;
		size_t n = 0;
		switch (*++s) {
		case '%': add = "%"; n = 1; break;
		case 'n': add = unit; n = ulen; break;
		case 'N': add = unit; n = nlen; break;
		case 'p': add = unit; n = plen; break;
		case 'i': add = at ? at + 1 : ""; n = at ? nlen - plen - 1 : 0; break;
		default: *o++ = '%'; *o++ = *s; continue;
		}
		memcpy(o, add, n);
		o += n;
	}
	*o = 0;
	return out;
}
