#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "parse/pflag.h"
#include "parse/godur.h"
#include "base/xalloc.h"
#include "base/banned.h"

const struct pflag_def *pflag_lookup(const struct pflag_def *defs, size_t ndefs,
				     const char *name)
{
	for (size_t i = 0; i < ndefs; i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

static const struct pflag_def *lookup_short(const struct pflag_def *defs, size_t ndefs, char c)
{
	for (size_t i = 0; i < ndefs; i++)
		if (defs[i].shorthand == c)
			return &defs[i];
	return NULL;
}

static void add_value(struct pflag_result *res, const char *name, const char *value)
{
	json_t *list = json_object_get(res->flags, name);
	if (!list) {
		list = json_array();
		json_object_set_new(res->flags, name, list);
	}
	json_array_append_new(list, json_string(value));
}

static void add_error(struct pflag_result *res, char *msg)
{
	json_array_append_new(res->errors, json_string(msg));
	free(msg);
}

/* The table's flag a word names ("--name[=v]", "-x..."), or NULL. */
static const struct pflag_def *word_flag(const struct pflag_def *defs, size_t ndefs, int options,
					 const char *w)
{
	if (w[0] != '-' || !w[1] || (w[1] == '-' && !w[2]))
		return NULL;
	if (w[1] != '-')
		return lookup_short(defs, ndefs, w[1]);
	size_t len = strcspn(w + 2, "=");
	char *name = xstrndup(w + 2, len);
	if (options & PFLAG_NORMALIZE_UNDERSCORE)
		for (char *p = name; *p; p++)
			if (*p == '_')
				*p = '-';
	const struct pflag_def *def = pflag_lookup(defs, ndefs, name);
	free(name);
	return def;
}

/* "--name[=value]" starting at argv[*i]; advances *i past a consumed value. */
static void parse_long(const struct pflag_def *defs, size_t ndefs, int options,
		       const char *const *argv, size_t argc, size_t *i,
		       struct pflag_result *res)
{
	const char *s = argv[*i];
	const char *body = s + 2;
	if (!*body || *body == '-' || *body == '=') {
		add_error(res, xasprintf("bad flag syntax: '%s'", s));
		return;
	}
	const char *eq = strchr(body, '=');
	char *name = eq ? xstrndup(body, (size_t)(eq - body)) : xstrdup(body);
	if (options & PFLAG_NORMALIZE_UNDERSCORE)
		for (char *p = name; *p; p++)
			if (*p == '_')
				*p = '-';
	const struct pflag_def *def = pflag_lookup(defs, ndefs, name);
	if (!def) {
		json_array_append_new(res->unknown, json_string(s));
		add_error(res, xasprintf("unknown flag: '--%s'", name));
		const struct pflag_def *next = !eq && *i + 1 < argc
			? word_flag(defs, ndefs, options, argv[*i + 1]) : NULL;
		if (next)
			json_object_set_new(res->shadowed, next->name, json_string(s));
	} else if (eq) {
		add_value(res, def->name, eq + 1);
	} else if (def->type == PFLAG_BOOL) {
		add_value(res, def->name, "true");
	} else if (*i + 1 < argc) {
		add_value(res, def->name, argv[++*i]);
	} else {
		add_error(res, xasprintf("flag needs an argument: '%s'", s));
	}
	free(name);
}

/* "-abc", "-x=v", "-xv", "-x v". */
static void parse_short(const struct pflag_def *defs, size_t ndefs,
			const char *const *argv, size_t argc, size_t *i,
			struct pflag_result *res)
{
	const char *s = argv[*i];
	const char *p = s + 1;
	while (*p) {
		const struct pflag_def *def = lookup_short(defs, ndefs, *p);
		if (!def) {
			json_array_append_new(res->unknown, json_string(s));
			add_error(res, xasprintf("unknown shorthand flag: '%c' in '%s'", *p, s));
			return;
		}
		if (p[1] == '=' && p[2]) {
			add_value(res, def->name, p + 2);
			return;
		}
		if (def->type == PFLAG_BOOL) {
			add_value(res, def->name, "true");
			p++;
			continue;
		}
		if (p[1]) {
			add_value(res, def->name, p + 1);
			return;
		}
		if (*i + 1 < argc) {
			add_value(res, def->name, argv[++*i]);
			return;
		}
		add_error(res, xasprintf("flag needs an argument: '%c' in '%s'", *p, s));
		return;
	}
}

int pflag_parse(const struct pflag_def *defs, size_t ndefs, int options,
		const char *const *argv, size_t argc, struct pflag_result *res)
{
	res->flags = json_object();
	res->args = json_array();
	res->unknown = json_array();
	res->errors = json_array();
	res->shadowed = json_object();
	const char *bare_unknown = NULL;	/* the word before, when it was an unknown flag without "=" */
	for (size_t i = 0; i < argc; i++) {
		const char *s = argv[i];
		const char *prev = bare_unknown;
		bare_unknown = NULL;
		if (s[0] != '-' || !s[1]) {
			json_array_append_new(res->args, json_string(s));
		} else if (s[1] == '-' && !s[2]) {
			/* "--unknown --": the unknown flag may take "--" as its value, and what follows as flags. */
			for (i++; i < argc; i++) {
				const struct pflag_def *def = prev ? word_flag(defs, ndefs, options, argv[i]) : NULL;
				if (def)
					json_object_set_new(res->shadowed, def->name, json_string(prev));
				json_array_append_new(res->args, json_string(argv[i]));
			}
			break;
		} else if (s[1] == '-') {
			size_t nunknown = json_array_size(res->unknown);
			parse_long(defs, ndefs, options, argv, argc, &i, res);
			if (json_array_size(res->unknown) > nunknown && !strchr(s, '='))
				bare_unknown = s;
		} else {
			parse_short(defs, ndefs, argv, argc, &i, res);
		}
	}
	return (int)json_array_size(res->errors);
}

void pflag_result_release(struct pflag_result *res)
{
	json_decref(res->flags);
	json_decref(res->args);
	json_decref(res->unknown);
	json_decref(res->errors);
	json_decref(res->shadowed);
	memset(res, 0, sizeof(*res));
}

char *pflag_shadow_reason(const char *flag, const char *by, const char *program)
{
	/* Quoted: "--NAME value" reads as a secret flag's value to the redactor. */
	return xasprintf("'--%s' follows '%s', which boxaudit does not know: if that flag takes a value, "
			 "%s reads '--%s' as its value, so what is set cannot be told "
			 "(write the unknown flag as --flag=value)", flag, by, program, flag);
}

int pflag_parse_bool(const char *s, int *out)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < 6; i++) {
		if (strcmp(s, t[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, f[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Go strconv.ParseInt(s, 0, 64) for the forms seen in practice. */
static int parse_int(const char *s, long long *out)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 0);
	if (errno || *end || end == s)
		return -1;
	*out = v;
	return 0;
}

/* Trim ASCII spaces (Go strings.TrimSpace for the cases that matter). */
static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Go encoding/csv, one record: fields separated by ",", "..." quoting. */
static int csv_split(const char *s, json_t *out)
{
	if (!*s)
		return 0;
	for (;;) {
		struct { char *d; size_t n, a; } f = {NULL, 0, 0};
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s)
					goto bad;
				if (*s == '"') {
					if (s[1] != '"')
						break;
					s++;
				}
				ALLOC_GROW(f.d, f.n + 2, f.a);
				f.d[f.n++] = *s++;
			}
			s++;
			if (*s && *s != ',')
				goto bad;
		} else {
			while (*s && *s != ',') {
				if (*s == '"')
					goto bad;
				ALLOC_GROW(f.d, f.n + 2, f.a);
				f.d[f.n++] = *s++;
			}
		}
		json_array_append_new(out, json_stringn(f.d ? f.d : "", f.n));
		free(f.d);
		if (!*s)
			return 0;
		s++;
		continue;
bad:
		free(f.d);
		return -1;
	}
}

static int map_set(json_t *map, const char *value, int booleans, char **err)
{
	const char *p = value;
	while (1) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n) {
			const char *eq = memchr(p, '=', n);
			if (!eq) {
				*err = xasprintf("malformed pair '%.*s', expect string=%s", (int)n, p,
						 booleans ? "bool" : "string");
				return -1;
			}
			char *k = trim_dup(p, (size_t)(eq - p));
			char *v = trim_dup(eq + 1, n - (size_t)(eq - p) - 1);
			int b;
			if (booleans && pflag_parse_bool(v, &b) < 0) {
				*err = xasprintf("invalid value '%s' for key '%s': not a bool", v, k);
				free(k);
				free(v);
				return -1;
			}
			json_object_set_new(map, k, booleans ? json_boolean(b) : json_string(v));
			free(k);
			free(v);
		}
		if (!e)
			return 0;
		p = e + 1;
	}
}

json_t *pflag_value(const struct pflag_def *def, const json_t *raws, char **err)
{
	size_t i;
	json_t *raw, *out = NULL;

	*err = NULL;
	if (!json_is_array(raws) || json_array_size(raws) == 0) {
		*err = xasprintf("flag '--%s' not given", def->name);
		return NULL;
	}
	if (def->type == PFLAG_LIST)
		out = json_array();
	else if (def->type == PFLAG_MAP_BOOL || def->type == PFLAG_MAP_STRING)
		out = json_object();
	json_array_foreach(raws, i, raw) {
		const char *s = json_string_value(raw);
		char *why = NULL;
		int b;
		long long n;
		int64_t ns;
		switch (def->type) {
		case PFLAG_BOOL:
			if (pflag_parse_bool(s, &b) < 0)
				why = xstrdup("not a bool");
			else {
				json_decref(out);
				out = json_boolean(b);
			}
			break;
		case PFLAG_INT:
			if (parse_int(s, &n) < 0)
				why = xstrdup("not an integer");
			else {
				json_decref(out);
				out = json_integer(n);
			}
			break;
		case PFLAG_DURATION:
			if (godur_parse(s, &ns, &why) == 0) {
				json_decref(out);
				out = json_string(s);
			}
			break;
		case PFLAG_STRING:
			json_decref(out);
			out = json_string(s);
			break;
		case PFLAG_LIST:
			if (csv_split(s, out) < 0)
				why = xstrdup("bad quoting");
			break;
		case PFLAG_MAP_BOOL:
		case PFLAG_MAP_STRING:
			map_set(out, s, def->type == PFLAG_MAP_BOOL, &why);
			break;
		}
		if (why) {
			*err = xasprintf("invalid argument '%s' for '--%s': %s", s, def->name, why);
			free(why);
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
