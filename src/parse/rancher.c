/*
 * parse/rancher.c: k3s's and RKE2's configuration files and the command
 * lines they build for their components (rancher.h).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "parse/rancher.h"
#include "parse/kubeyaml.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* wrangler's convert.ToString of a scalar; NULL for an object or a list. */
static char *scalar_text(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return xstrdup(json_string_value(v));
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_INTEGER:
		return xasprintf("%lld", (long long)json_integer_value(v));
	case JSON_REAL:
		return xasprintf("%g", json_real_value(v));
	case JSON_NULL:
		return xstrdup("");
	default:
		return NULL;
	}
}

static json_t *value_new(const char *text, const char *origin)
{
	return json_pack("{s:s,s:s}", "value", text, "origin", origin);
}

/* The values v gives (toSlice): a list's elements, or the scalar; -1 when not scalars. */
static int append_values(json_t *out, json_t *v, const char *origin, int is_append)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			char *s = scalar_text(e);
			if (!s)
				return -1;
			json_array_append_new(out, value_new(s, origin));
			free(s);
		}
		return 0;
	}
	char *s = scalar_text(v);
	if (!s)
		return -1;
	/* toSlice drops an empty non-string value when appending */
	if (!is_append || json_is_string(v) || *s)
		json_array_append_new(out, value_new(s, origin));
	free(s);
	return 0;
}

json_t *rancher_config_flags(const struct rancher_file *files, size_t n, char **err)
{
	json_t *flags = json_object();
	for (size_t f = 0; f < n; f++) {
		json_t *doc = kube_yaml_to_json(files[f].text, files[f].len, files[f].path, err);
		if (!doc) {
			json_decref(flags);
			return NULL;
		}
		if (json_is_null(doc)) {	/* an empty file */
			json_decref(doc);
			continue;
		}
		if (!json_is_object(doc)) {
			*err = xasprintf("'%s': not a mapping of flags to values", files[f].path);
			json_decref(doc);
			json_decref(flags);
			return NULL;
		}
		char *origin = xasprintf("config:%s", files[f].path);
		const char *key;
		json_t *v;
		json_object_foreach(doc, key, v) {
			size_t kl = strlen(key);
			int is_append = kl > 1 && key[kl - 1] == '+';
			char *k = xstrndup(key, is_append ? kl - 1 : kl);
			json_t *old = json_object_get(flags, k);
			json_t *list = old && is_append ? json_incref(old) : json_array();
			if (append_values(list, v, origin, is_append) < 0) {
				*err = xasprintf("'%s': the value of '%s' is neither a scalar nor a list of scalars",
						 files[f].path, key);
				json_decref(list);
				free(k);
				free(origin);
				json_decref(doc);
				json_decref(flags);
				return NULL;
			}
			json_object_set_new(flags, k, list);
			free(k);
		}
		free(origin);
		json_decref(doc);
	}
	return flags;
}

static int in_list(const char *const *list, const char *s, size_t len)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], s, len))
			return 1;
	return 0;
}

static void add_flag(json_t *flags, const char *name, size_t len, const char *value, const char *origin)
{
	char *k = xstrndup(name, len);
	json_t *list = json_object_get(flags, k);
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(flags, k, list);
	}
	json_array_append_new(list, value_new(value, origin));
	free(k);
}

char *rancher_cli_flags(json_t *flags, const char *const *words, size_t n, const char *const *bool_flags,
			const char *origin)
{
	char *why = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *w = words[i];
		if (w[0] != '-' || !w[1] || !strcmp(w, "--"))
			continue;
		const char *name = w + (w[1] == '-' ? 2 : 1);
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		if (eq)
			add_flag(flags, name, len, eq + 1, origin);
		else if (in_list(bool_flags, name, len) || i + 1 >= n)
			add_flag(flags, name, len, "true", origin);
		else {
			const char *next = words[i + 1];
			/*
			 * The next word is not named: it may be this flag's value,
			 * a secret ("--token -x..."). Quoted: "--NAME value" reads as
			 * a secret flag's value to the redactor.
			 */
			if (!why && next[0] == '-' && next[1])
				why = xasprintf("'--%.*s' is written without a value, and the word after it starts with "
						"'-' (%s): if it is a boolean boxaudit does not know, that word is a flag of "
						"its own, else its value; which, cannot be told (write --%.*s=VALUE)",
						(int)len, name, origin, (int)len, name);
			add_flag(flags, name, len, words[++i], origin);
		}
	}
	return why;
}

json_t *rancher_last(json_t *flags, const char *flag)
{
	json_t *list = json_object_get(flags, flag);
	size_t n = json_array_size(list);
	return n ? json_array_get(list, n - 1) : NULL;
}

int rancher_bool(json_t *flags, const char *flag)
{
	const char *s = json_string_value(json_object_get(rancher_last(flags, flag), "value"));
	if (!s)
		return 0;
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True", NULL };
	for (size_t i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i]))
			return 1;
	return 0;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *rancher_getargs(const char *program, const struct rancher_arg *defaults, size_t ndefaults,
			json_t *user_words, json_t **origins)
{
	/* multi: {KEY: [{"value","origin"}...]} */
	json_t *multi = json_object(), *initial = json_object();
	for (size_t i = 0; i < ndefaults; i++)
		json_object_set_new(initial, defaults[i].key, value_new(defaults[i].value, defaults[i].origin));
	size_t i;
	json_t *w;
	json_array_foreach(user_words, i, w) {
		const char *word = json_string_value(json_object_get(w, "value"));
		const char *origin = json_string_value(json_object_get(w, "origin"));
		if (!word)
			continue;
		if (!strncmp(word, "--", 2))
			word += 2;
		const char *eq = strchr(word, '=');
		char *arg = eq ? xstrndup(word, (size_t)(eq - word)) : xstrdup(word);
		const char *value = eq ? eq + 1 : "true";
		size_t al = strlen(arg);
		char mode = al && (arg[al - 1] == '+' || arg[al - 1] == '-') ? arg[al - 1] : 0;
		char *clean = xstrdup(arg);
		for (size_t l = strlen(clean); l && (clean[l - 1] == '+' || clean[l - 1] == '-'); l--)
			clean[l - 1] = 0;
		json_t *init = json_object_get(initial, clean), *existing = json_object_get(multi, clean);
		json_t *nv = json_array();
		if (mode == '+') {
			if (init)
				json_array_append(nv, init);
			json_array_extend(nv, existing);
			json_array_append_new(nv, value_new(value, origin ? origin : ""));
		} else if (mode == '-') {
			json_array_append_new(nv, value_new(value, origin ? origin : ""));
			if (init)
				json_array_append(nv, init);
			json_array_extend(nv, existing);
		} else {
			json_array_extend(nv, existing);
			json_array_append_new(nv, value_new(value, origin ? origin : ""));
		}
		json_object_del(initial, clean);
		json_object_set_new(multi, clean, nv);
		free(clean);
		free(arg);
	}
	const char *key;
	json_t *v;
	json_object_foreach(initial, key, v)
		json_object_set_new(multi, key, json_pack("[O]", v));
	size_t nk = json_object_size(multi), k = 0;
	const char **keys = xcalloc(nk ? nk : 1, sizeof(*keys));
	json_object_foreach(multi, key, v)
		keys[k++] = key;
	qsort(keys, nk, sizeof(*keys), cmp_keys);
	json_t *argv = json_pack("[s]", program);
	*origins = json_object();
	for (k = 0; k < nk; k++) {
		json_t *vals = json_object_get(multi, keys[k]);
		json_array_foreach(vals, i, v) {
			json_array_append_new(argv, json_sprintf("--%s=%s", keys[k],
								  json_string_value(json_object_get(v, "value"))));
			json_object_set(*origins, keys[k], json_object_get(v, "origin"));
		}
	}
	free(keys);
	json_decref(initial);
	json_decref(multi);
	return argv;
}

/* Call fn on every object of v holding a "source" string, at any depth. */
static void each_source(json_t *v, void (*fn)(json_t *o, const char *src, const void *arg), const void *arg)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			each_source(e, fn, arg);
		return;
	}
	if (!json_is_object(v))
		return;
	const char *src = json_string_value(json_object_get(v, "source"));
	if (src)
		fn(v, src, arg);
	const char *key;
	json_t *m;
	json_object_foreach(v, key, m)
		if (strcmp(key, "source"))
			each_source(m, fn, arg);
}

struct relabel {
	const char *prefix, *from, *to;
	json_t *origins;
};

static void relabel_flag(json_t *o, const char *src, const void *arg)
{
	const struct relabel *r = arg;
	size_t pl = strlen(r->prefix);
	if (!strncmp(src, r->prefix, pl) && !strncmp(src + pl, "--", 2)) {
		json_t *to = json_object_get(r->origins, src + pl + 2);
		if (json_is_string(to))
			json_object_set(o, "source", to);
	}
}

static void relabel_exact(json_t *o, const char *src, const void *arg)
{
	const struct relabel *r = arg;
	if (!strcmp(src, r->from))
		json_object_set_new(o, "source", json_string(r->to));
}

void rancher_relabel(json_t *settings, const char *prefix, json_t *origins)
{
	struct relabel r = { .prefix = prefix, .origins = origins };
	each_source(settings, relabel_flag, &r);
}

void rancher_relabel_exact(json_t *settings, const char *from, const char *to)
{
	struct relabel r = { .from = from, .to = to };
	each_source(settings, relabel_exact, &r);
}
