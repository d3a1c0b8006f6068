#include "config.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "parse/auditd.h"
#include "base/limits.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"


/* --- paths --------------------------------------------------------------- */

/* A copy of p without repeated or trailing slashes ("/" stays "/"). */
static char *path_clean(const char *p)
{
	size_t n = strlen(p);
	char *out = xmalloc(n + 1), *o = out;
	for (const char *s = p; *s; s++) {
		if (*s == '/' && o > out && o[-1] == '/')
			continue;
		*o++ = *s;
	}
	while (o - out > 1 && o[-1] == '/')
		o--;
	*o = '\0';
	return out;
}

int path_within(const char *dir, const char *path)
{
	char *d = path_clean(dir), *p = path_clean(path);
	size_t dl = strlen(d);
	int ok = !strcmp(d, "/") ? p[0] == '/' :
		 (!strncmp(d, p, dl) && (p[dl] == '\0' || p[dl] == '/'));
	free(d);
	free(p);
	return ok;
}

static int path_equal(const char *a, const char *b)
{
	char *x = path_clean(a), *y = path_clean(b);
	int eq = !strcmp(x, y);
	free(x);
	free(y);
	return eq;
}

int audit_rule_covers(const json_t *rule, const char *path)
{
	const char *kind = json_string_value(json_object_get(rule, "kind"));
	const char *rpath = json_string_value(json_object_get(rule, "path"));
	if (!kind || !rpath || !path)
		return 0;
	if (!strcmp(kind, "watch"))
		return path_within(rpath, path);
	if (strcmp(kind, "syscall"))
		return 0;
	const char *action = json_string_value(json_object_get(rule, "action"));
	if (!action || strstr(action, "never"))
		return 0;
	if (json_is_true(json_object_get(rule, "dir")))
		return path_within(rpath, path);
	return path_equal(rpath, path);
}

/* --- one line ------------------------------------------------------------ */

/*
 * Split a line into tokens at blanks; quotes (' or ") group blanks and are
 * removed, also inside a token (key="a b").  Returns the count, or -1 with
 * *why set.
 */
static int tokenize(const char *line, char **tok, int max, const char **why)
{
	int n = 0;
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return n;
		if (n == max) {
			*why = "too many arguments";
			goto fail;
		}
		char *t = xmalloc(strlen(p) + 1), *o = t;
		char q = 0;
		while (*p && (q || (*p != ' ' && *p != '\t'))) {
			if (q && *p == q)
				q = 0;
			else if (!q && (*p == '"' || *p == '\''))
				q = *p;
			else
				*o++ = *p;
			p++;
		}
		*o = '\0';
		tok[n++] = t;
		if (q) {
			*why = "unterminated quote";
			goto fail;
		}
	}
fail:
	for (int i = 0; i < n; i++)
		free(tok[i]);
	return -1;
}

enum rule_kind { NONE, WATCH, UNWATCH, ADD, DEL };

struct line_rule {
	enum rule_kind kind;
	int given_p;		/* -p was given */
	char *path;
	int dir;
	char perm[5];
	int have_perm;
	json_t *keys;
	char *action;
	json_t *syscalls;
	json_t *fields;
	char *arch;
};

static void line_rule_release(struct line_rule *r)
{
	free(r->path);
	free(r->action);
	free(r->arch);
	json_decref(r->keys);
	json_decref(r->syscalls);
	json_decref(r->fields);
}

/* Canonical permission string (order rwxa) from s; -1 when invalid. */
static int parse_perm(const char *s, char out[5])
{
	static const char order[] = "rwxa";
	int have[4] = {0};
	if (!*s || strlen(s) > 4)
		return -1;
	for (const char *c = s; *c; c++) {
		const char *o = strchr(order, *c);
		if (!o)
			return -1;
		have[o - order] = 1;
	}
	int n = 0;
	for (int i = 0; i < 4; i++)
		if (have[i])
			out[n++] = order[i];
	out[n] = '\0';
	return 0;
}

static const char *const lists[] = {"task", "exit", "user", "exclude", "filesystem", "io_uring", "entry", NULL};
static const char *const actions[] = {"never", "always", NULL};

static int in_set(const char *s, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (!strcmp(s, set[i]))
			return 1;
	return 0;
}

/* Normalise "LIST,ACTION" or "ACTION,LIST" to a new "LIST,ACTION". */
static char *parse_action(const char *arg, char **why)
{
	const char *comma = strchr(arg, ',');
	if (!comma || strchr(comma + 1, ',')) {
		*why = xasprintf("-a needs LIST,ACTION, not '%s'", arg);
		return NULL;
	}
	char *a = xstrndup(arg, (size_t)(comma - arg));
	char *b = xstrdup(comma + 1);
	char *list = NULL, *action = NULL, *out = NULL;
	if (in_set(a, lists) && in_set(b, actions)) {
		list = a;
		action = b;
	} else if (in_set(a, actions) && in_set(b, lists)) {
		list = b;
		action = a;
	} else if (!strcmp(a, "possible") || !strcmp(b, "possible")) {
		*why = xasprintf("action 'possible' in '%s' is not supported", arg);
	} else if (!in_set(a, lists) && !in_set(a, actions)) {
		*why = xasprintf("unknown list or action '%s' in '%s'", a, arg);
	} else if (!in_set(b, lists) && !in_set(b, actions)) {
		*why = xasprintf("unknown list or action '%s' in '%s'", b, arg);
	} else {
		*why = xasprintf("-a '%s' needs one list and one action", arg);
	}
	if (list) {
		/* auditctl turns the deprecated entry list into exit. */
		out = xasprintf("%s,%s", strcmp(list, "entry") ? list : "exit", action);
	}
	free(a);
	free(b);
	return out;
}

/* Operators of -F, longest first. */
static const char *const field_ops[] = {"!=", "<=", ">=", "&=", "=", "<", ">", "&", NULL};

static int apply_field(struct line_rule *r, const char *arg, char **why)
{
	size_t nl = strcspn(arg, "!=<>&");
	const char *op = NULL;
	if (nl == 0 || !arg[nl]) {
		*why = xasprintf("-F needs FIELD=VALUE, not '%s'", arg);
		return -1;
	}
	for (int i = 0; field_ops[i]; i++) {
		if (!strncmp(arg + nl, field_ops[i], strlen(field_ops[i]))) {
			op = field_ops[i];
			break;
		}
	}
	if (!op) {
		*why = xasprintf("bad operator in -F '%s'", arg);
		return -1;
	}
	char *name = xstrndup(arg, nl);
	const char *val = arg + nl + strlen(op);
	int ret = 0;
	if (!*val) {
		*why = xasprintf("-F '%s' has no value", arg);
		ret = -1;
	} else if (strcmp(op, "=")) {
		json_array_append_new(r->fields, jstr(arg));
	} else if (!strcmp(name, "path") || !strcmp(name, "dir")) {
		if (r->path) {
			*why = xasprintf("more than one path or dir field");
			ret = -1;
		} else if (val[0] != '/') {
			*why = xasprintf("-F %s '%s' is not an absolute path", name, val);
			ret = -1;
		} else {
			r->path = xstrdup(val);
			r->dir = !strcmp(name, "dir");
		}
	} else if (!strcmp(name, "perm")) {
		if (parse_perm(val, r->perm) < 0) {
			*why = xasprintf("invalid permission '%s' in -F perm", val);
			ret = -1;
		}
		r->have_perm = 1;
	} else if (!strcmp(name, "key")) {
		json_array_append_new(r->keys, jstr(val));
	} else if (!strcmp(name, "arch")) {
		free(r->arch);
		r->arch = xstrdup(val);
	} else {
		json_array_append_new(r->fields, jstr(arg));
	}
	free(name);
	return ret;
}

/* Options that are accepted and ignored; 1 = takes an argument. */
static const struct { const char *name; int arg; } ignored[] = {
	{"-D", 0}, {"-b", 1}, {"-f", 1}, {"-e", 1}, {"-r", 1},
	{"--backlog_wait_time", 1}, {"--reset-lost", 0}, {"--loginuid-immutable", 0},
	{"-c", 0}, {"-i", 0}, {"-l", 0}, {"-s", 0}, {"-v", 0}, {"-q", 1}, {"-t", 0},
	{"--signal", 1}, {"--reset_backlog_wait_time_actual", 0},
};

static const char *const with_arg = "wWpkaAdSFC";

static int set_kind(struct line_rule *r, enum rule_kind k, const char *opt, char **why)
{
	if (r->kind != NONE) {
		*why = xasprintf("%s cannot be combined with another rule on one line", opt);
		return -1;
	}
	r->kind = k;
	return 0;
}

/* Parse the tokens of one line into r; -1 with *why (new) on error. */
static int parse_tokens(char **tok, int n, struct line_rule *r, char **why)
{
	for (int i = 0; i < n; i++) {
		const char *t = tok[i];
		char opt[3] = {0};
		const char *arg = NULL;
		int handled = 0;

		if (t[0] != '-' || !t[1]) {
			*why = xasprintf("unexpected argument '%s'", t);
			return -1;
		}
		if (t[1] == '-') {
			size_t nl = strcspn(t, "=");
			for (size_t k = 0; k < sizeof(ignored) / sizeof(*ignored); k++) {
				if (strlen(ignored[k].name) != nl || strncmp(t, ignored[k].name, nl))
					continue;
				if (ignored[k].arg && !t[nl] && i + 1 >= n) {
					*why = xasprintf("%s needs an argument", ignored[k].name);
					return -1;
				}
				if (ignored[k].arg && !t[nl])
					i++;
				handled = 1;
				break;
			}
			if (!handled) {
				*why = xasprintf("unknown option '%s'", t);
				return -1;
			}
			continue;
		}
		opt[0] = '-';
		opt[1] = t[1];
		for (size_t k = 0; k < sizeof(ignored) / sizeof(*ignored); k++) {
			if (strcmp(opt, ignored[k].name))
				continue;
			if (ignored[k].arg && !t[2]) {
				if (i + 1 >= n) {
					*why = xasprintf("%s needs an argument", opt);
					return -1;
				}
				i++;
			}
			handled = 1;
			break;
		}
		if (handled)
			continue;
		if (!strchr(with_arg, t[1])) {
			*why = xasprintf("unknown option '%s'", t);
			return -1;
		}
		if (t[2]) {
			arg = t + 2;
		} else if (i + 1 < n) {
			arg = tok[++i];
		} else {
			const char *what = strchr("wW", t[1]) ? "a path" :
					   strchr("aAd", t[1]) ? "LIST,ACTION" : "an argument";
			*why = xasprintf("%s needs %s", opt, what);
			return -1;
		}
		switch (t[1]) {
		case 'w':
		case 'W':
			if (set_kind(r, t[1] == 'w' ? WATCH : UNWATCH, opt, why) < 0)
				return -1;
			if (arg[0] != '/') {
				*why = xasprintf("%s path '%s' is not absolute", opt, arg);
				return -1;
			}
			r->path = xstrdup(arg);
			break;
		case 'a':
		case 'A':
		case 'd':
			if (set_kind(r, t[1] == 'd' ? DEL : ADD, opt, why) < 0)
				return -1;
			if (!(r->action = parse_action(arg, why)))
				return -1;
			break;
		case 'p':
			if (r->kind == NONE) {
				*why = xasprintf("-p needs a watch or syscall rule before it");
				return -1;
			}
			if (r->given_p) {
				*why = xasprintf("-p given twice");
				return -1;
			}
			if (parse_perm(arg, r->perm) < 0) {
				*why = xasprintf("invalid permission '%s' in -p", arg);
				return -1;
			}
			r->given_p = r->have_perm = 1;
			break;
		case 'k':
			if (r->kind == NONE) {
				*why = xasprintf("-k needs a watch or syscall rule before it");
				return -1;
			}
			json_array_append_new(r->keys, jstr(arg));
			break;
		case 'S':
			json_array_append_new(r->syscalls, jstr(arg));
			break;
		case 'F':
			if (apply_field(r, arg, why) < 0)
				return -1;
			break;
		case 'C':
			json_array_append_new(r->fields, jstr(arg));
			break;
		}
	}
	if ((r->kind == WATCH || r->kind == UNWATCH) && json_array_size(r->syscalls)) {
		*why = xasprintf("-S cannot be used with a watch");
		return -1;
	}
	if (r->kind == NONE && (json_array_size(r->syscalls) || json_array_size(r->fields) ||
				json_array_size(r->keys) || r->path || r->arch || r->have_perm)) {
		*why = xasprintf("-S, -F and -C need a syscall rule (-a)");
		return -1;
	}
	return 0;
}

static json_t *key_json(json_t *keys)
{
	return json_array_size(keys) ? json_incref(json_array_get(keys, 0)) : json_null();
}

static json_t *rule_json(struct line_rule *r, const char *file, int line)
{
	json_t *o;
	if (r->kind == WATCH || r->kind == UNWATCH) {
		/* A watch without -p is on every access. */
		o = json_pack("{s:s, s:o, s:s, s:o}", "kind", "watch", "path", jstr(r->path),
			      "perm", r->have_perm ? r->perm : "rwxa", "key", key_json(r->keys));
	} else {
		o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:O, s:O}",
			      "kind", "syscall", "action", r->action,
			      "path", jstr(r->path),
			      "perm", r->have_perm ? json_string(r->perm) : json_null(),
			      "key", key_json(r->keys),
			      "arch", jstr(r->arch),
			      "syscalls", r->syscalls, "fields", r->fields);
		if (r->dir)
			json_object_set_new(o, "dir", json_true());
	}
	if (json_array_size(r->keys) > 1)
		json_object_set(o, "keys", r->keys);
	json_object_set_new(o, "file", jstr(file));
	json_object_set_new(o, "line", json_integer(line));
	return o;
}

static int same_str(const json_t *a, const json_t *b)
{
	if (json_is_null(a) || !a)
		return json_is_null(b) || !b;
	return json_equal(a, b);
}

/*
 * Remove earlier rules that the kernel would take for the same one:
 * same kind, path, permissions, key (and for -d the same action).
 */
static void remove_matching(json_t *rules, const json_t *del)
{
	const char *kind = json_string_value(json_object_get(del, "kind"));
	for (size_t i = json_array_size(rules); i-- > 0;) {
		json_t *e = json_array_get(rules, i);
		const char *ek = json_string_value(json_object_get(e, "kind"));
		if (!ek || strcmp(ek, kind))
			continue;
		const json_t *ep = json_object_get(e, "path"), *dp = json_object_get(del, "path");
		if (json_is_string(ep) != json_is_string(dp))
			continue;
		if (json_is_string(ep) && !path_equal(json_string_value(ep), json_string_value(dp)))
			continue;
		if (!same_str(json_object_get(e, "perm"), json_object_get(del, "perm")) ||
		    !same_str(json_object_get(e, "key"), json_object_get(del, "key")) ||
		    !same_str(json_object_get(e, "action"), json_object_get(del, "action")) ||
		    !same_str(json_object_get(e, "dir"), json_object_get(del, "dir")))
			continue;
		json_array_remove(rules, i);
	}
}

static void add_error(json_t *errors, const char *file, int line, const char *why)
{
	char *msg = xasprintf("%s:%d: %s", file, line, why);
	json_array_append_new(errors, jstr(msg));
	free(msg);
}

int audit_parse(const char *file, const char *text, size_t len,
		json_t *rules, json_t *errors)
{
	int nerr = 0, lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		char *line = xstrndup(p, l);
		p += l + 1;
		if (strlen(line) != l) {
			add_error(errors, file, lineno, "NUL byte in line");
			nerr++;
			free(line);
			continue;
		}
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		const char *s = line + strspn(line, " \t");
		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		char *tok[AUDIT_MAX_TOKENS];
		const char *twhy = NULL;
		int n = tokenize(s, tok, AUDIT_MAX_TOKENS, &twhy);
		if (n < 0) {
			add_error(errors, file, lineno, twhy);
			nerr++;
			free(line);
			continue;
		}
		struct line_rule r = {0};
		r.keys = json_array();
		r.syscalls = json_array();
		r.fields = json_array();
		char *why = NULL;
		if (parse_tokens(tok, n, &r, &why) < 0) {
			add_error(errors, file, lineno, why);
			nerr++;
		} else if (r.kind != NONE) {
			json_t *o = rule_json(&r, file, lineno);
			if (r.kind == WATCH || r.kind == ADD)
				json_array_append_new(rules, o);
			else {
				remove_matching(rules, o);
				json_decref(o);
			}
		}
		free(why);
		line_rule_release(&r);
		for (int i = 0; i < n; i++)
			free(tok[i]);
		free(line);
	}
	return nerr;
}
