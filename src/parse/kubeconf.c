#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "parse/kubelet.h"
#include "parse/kubeyaml.h"
#include "parse/godur.h"
#include "parse/redact.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* Set obj[path] = v (steals v), creating intermediate objects. */
static void set_path(json_t *obj, const char *path, json_t *v)
{
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		char *seg = xstrndup(path, (size_t)(dot - path));
		json_t *next = json_object_get(obj, seg);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, seg, next);
		}
		free(seg);
		obj = next;
		path = dot + 1;
	}
	json_object_set_new(obj, path, v);
}

/* ---- effective configuration ----------------------------------------- */

struct eff {
	const struct kube_schema *s;	/* what is tracked */
	json_t *doc;		/* the configuration being built (v1beta1 JSON) */
	json_t *origin;		/* {FIELD: source} */
	json_t *gate_origin;	/* {GATE: source} */
	const char *default_src;
	json_t *errors;
};

/* Is v of the field's JSON type?  Returns a reason when it is not. */
static const char *type_problem(const struct kube_field *f, json_t *v)
{
	switch (f->type) {
	case KT_BOOL:
		return json_is_boolean(v) ? NULL : "expected a boolean";
	case KT_INT:
		return json_is_integer(v) ? NULL : "expected an integer";
	case KT_STRING:
	case KT_PATH:
		return json_is_string(v) ? NULL : "expected a string";
	case KT_DURATION: {
		if (!json_is_string(v))
			return "expected a duration string";
		int64_t ns;
		char *e = NULL;
		if (godur_parse(json_string_value(v), &ns, &e) < 0) {
			free(e);
			return "not a valid Go duration";
		}
		return NULL;
	}
	case KT_LIST: {
		if (!json_is_array(v))
			return "expected a list";
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			if (!json_is_string(x))
				return "expected a list of strings";
		return NULL;
	}
	case KT_MAP_BOOL: {
		if (!json_is_object(v))
			return "expected a map";
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)	/* null: removed by a merge patch */
			if (!json_is_boolean(x) && !json_is_null(x))
				return "expected a map of booleans";
		return NULL;
	}
	}
	return NULL;
}

static int is_zero(const struct kube_field *f, json_t *v)
{
	if (f->type == KT_STRING)
		return json_is_string(v) && !*json_string_value(v);
	if (f->type == KT_DURATION) {
		int64_t ns = 1;
		char *e = NULL;
		if (json_is_string(v) && godur_parse(json_string_value(v), &ns, &e) == 0)
			return ns == 0;
		free(e);
		return 0;
	}
	if (f->type == KT_INT)	/* podPidsLimit: nil or negative means -1 */
		return json_is_integer(v) && json_integer_value(v) < 0;
	return 0;
}

/* SetDefaults_KubeletConfiguration for the fields we track. */
static void apply_defaults(struct eff *e)
{
	for (size_t i = 0; i < e->s->nfields; i++) {
		const struct kube_field *f = &e->s->fields[i];
		json_t *v = kube_get_path(e->doc, f->path);
		if (v && !json_is_null(v) && !(f->zero_defaults && is_zero(f, v)))
			continue;
		/*
		 * A file that wrote the default itself (kubespray's podPidsLimit:
		 * -1) decided the value: defaulting it again changes nothing, and
		 * the origin stays the file's.
		 */
		if (v && !json_is_null(v) && json_equal(v, f->config_default))
			continue;
		set_path(e->doc, f->path, json_deep_copy(f->config_default));
		json_object_set_new(e->origin, f->path, json_string("default(config-mode)"));
	}
}

static void note_gates(struct eff *e, json_t *gates, const char *src)
{
	const char *k;
	json_t *v;
	json_object_foreach(gates, k, v)
		if (!json_is_null(v))
			json_object_set_new(e->gate_origin, k, json_string(src));
}

/*
 * Check apiVersion/kind and the types of the tracked fields of a parsed
 * file.  Returns a new message on a problem.
 */
static char *check_file(const struct kube_schema *schema, const char *path, json_t *obj)
{
	if (json_is_null(obj))
		return xasprintf("'%s': kubelet config file is empty", path);
	if (!json_is_object(obj))
		return xasprintf("'%s': not a KubeletConfiguration object", path);
	const char *api = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (!api || !kind)
		return xasprintf("'%s': no apiVersion/kind", path);
	if (strcmp(api, "kubelet.config.k8s.io/v1beta1") != 0 || strcmp(kind, "KubeletConfiguration") != 0)
		return xasprintf("'%s': unknown apiVersion/kind '%s, Kind=%s'", path, api, kind);
	for (size_t i = 0; i < schema->nfields; i++) {
		json_t *v = kube_get_path(obj, schema->fields[i].path);
		const char *why = v && !json_is_null(v) ? type_problem(&schema->fields[i], v) : NULL;
		if (why)
			return xasprintf("'%s': %s: %s", path, schema->fields[i].path, why);
	}
	return NULL;
}

/* Relative paths in the --config file are relative to its directory. */
static void resolve_paths(const struct kube_schema *schema, json_t *obj, const char *file)
{
	for (size_t i = 0; i < schema->nfields; i++) {
		if (schema->fields[i].type != KT_PATH)
			continue;
		json_t *v = kube_get_path(obj, schema->fields[i].path);
		const char *s = json_string_value(v);
		if (s && *s && *s != '/') {
			char *abs = path_beside(file, s);
			json_string_set(v, abs);
			free(abs);
		}
	}
}

static json_t *load_file(const struct kube_schema *schema, const struct kube_file *f, char **err)
{
	if (!f->text) {
		*err = xasprintf("'%s': %s", f->path, f->error ? f->error : "unreadable");
		return NULL;
	}
	if (f->len == 0) {
		*err = xasprintf("'%s': kubelet config file was empty", f->path);
		return NULL;
	}
	json_t *obj = kube_yaml_to_json(f->text, f->len, f->path, err);
	if (!obj)
		return NULL;
	*err = check_file(schema, f->path, obj);
	if (*err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* After merging patch: a field the patch names gets its origin; a removed one loses it. */
static void note_patch(struct eff *e, json_t *patch, const char *src)
{
	for (size_t i = 0; i < e->s->nfields; i++) {
		json_t *pv = kube_get_path(patch, e->s->fields[i].path);
		if (pv && !json_is_null(pv))
			json_object_set_new(e->origin, e->s->fields[i].path, json_string(src));
		json_t *now = kube_get_path(e->doc, e->s->fields[i].path);
		if (!now)
			json_object_del(e->origin, e->s->fields[i].path);
	}
	json_t *pg = json_object_get(patch, "featureGates");
	if (json_is_null(pg)) {
		json_object_clear(e->gate_origin);
	} else if (json_is_object(pg)) {
		const char *k;
		json_t *v;
		json_object_foreach(pg, k, v) {
			if (json_is_null(v))
				json_object_del(e->gate_origin, k);
			else
				json_object_set_new(e->gate_origin, k, json_string(src));
		}
	}
}

/* {"value": v, "source": src}: setting borrows v, setting_new steals it. */
static json_t *setting(json_t *v, const char *src)
{
	return json_pack("{s:O,s:s}", "value", v ? v : json_null(), "source", src);
}

static json_t *setting_new(json_t *v, const char *src)
{
	return json_pack("{s:o,s:s}", "value", v ? v : json_null(), "source", src);
}

json_t *kubelet_effective(const struct kube_schema *schema, const struct kubelet_args *a,
			  const struct kube_file *config, const struct kube_file *dropins, size_t ndropins)
{
	struct eff e = {schema, json_object(), json_object(), json_object(), NULL, json_array()};
	json_t *out = json_object();
	json_t *settings = json_object();
	json_t *applied = json_array(), *skipped = json_array();
	char *fatal = NULL;	/* a file problem that makes every field unknown */
	char *fatal_src = NULL;	/* the file it is in, as a source ("config:PATH", "dropin:PATH") */
	char *gates_why = NULL;	/* why --feature-gates cannot be told */
	int config_mode = a->config != NULL;
	const char *k;
	json_t *v;

	json_array_extend(e.errors, a->pf.errors);
	e.default_src = config_mode ? "default(config-mode)" : "default(flag-mode)";

	/* 1. the baseline: flag-mode defaults (v1beta1 + applyLegacyDefaults) */
	if (!config_mode) {
		for (size_t i = 0; i < schema->nfields; i++) {
			set_path(e.doc, schema->fields[i].path, json_deep_copy(schema->fields[i].flag_default));
			json_object_set_new(e.origin, schema->fields[i].path, json_string("default(flag-mode)"));
		}
	}
	/* 2. --config replaces it, decoded and defaulted */
	if (config_mode && config) {
		char *err = NULL;
		json_t *obj = load_file(schema, config, &err);
		if (!obj) {
			fatal = err;
			fatal_src = xasprintf("config:%s", config->path);
		} else {
			char *src = xasprintf("config:%s", config->path);
			resolve_paths(schema, obj, config->path);
			json_decref(e.doc);
			e.doc = obj;
			for (size_t i = 0; i < schema->nfields; i++) {
				json_t *fv = kube_get_path(obj, schema->fields[i].path);
				if (fv && !json_is_null(fv))
					json_object_set_new(e.origin, schema->fields[i].path, json_string(src));
			}
			/* encoding/json decodes a null map value as false */
			json_t *fg = json_object_get(obj, "featureGates");
			const char *gk;
			json_t *gv;
			json_object_foreach(fg, gk, gv)
				if (json_is_null(gv))
					json_object_set_new(fg, gk, json_false());
			note_gates(&e, fg, src);
			apply_defaults(&e);
			free(src);
		}
	} else if (config_mode) {
		fatal = xasprintf("'%s': not read", a->config);
		fatal_src = xasprintf("config:%s", a->config);
	}
	/* 3. --config-dir: *.conf files merged in walk order, then defaults again */
	if (a->config_dir && !fatal) {
		for (size_t i = 0; i < ndropins && !fatal; i++) {
			const struct kube_file *d = &dropins[i];
			if (!has_suffix(d->path, ".conf")) {
				json_array_append_new(skipped, json_string(d->path));
				continue;
			}
			char *err = NULL;
			json_t *patch = load_file(schema, d, &err);
			if (!patch) {
				fatal = err;
				fatal_src = xasprintf("dropin:%s", d->path);
				break;
			}
			char *src = xasprintf("dropin:%s", d->path);
			json_t *merged = kube_merge_patch(e.doc, patch);
			json_decref(e.doc);
			e.doc = merged;
			note_patch(&e, patch, src);
			json_array_append_new(applied, json_string(d->path));
			json_decref(patch);
			free(src);
		}
		if (!fatal)
			apply_defaults(&e);
	}
	/* Which file the kubelet read is uncertain when its flag follows an unknown one. */
	for (const char *const *cf = (const char *const[]){ "config", "config-dir", NULL }; *cf && !fatal; cf++) {
		const char *by = json_string_value(json_object_get(a->pf.shadowed, *cf));
		if (by) {
			fatal = pflag_shadow_reason(*cf, by, "the kubelet");
			fatal_src = xasprintf("argv:--%s", *cf);
		}
	}
	/* 4. every command-line flag last */
	for (size_t i = 0; i < schema->nfields; i++) {
		const struct kube_field *f = &schema->fields[i];
		json_t *raws = json_object_get(a->pf.flags, f->flag);
		const char *by = json_string_value(json_object_get(a->pf.shadowed, f->flag));
		if (by) {
			char *why = pflag_shadow_reason(f->flag, by, "the kubelet");
			char *fsrc = xasprintf("argv:--%s", f->flag);
			json_object_set_new(settings, f->path, json_pack("{s:s,s:s}", "error", why, "source", fsrc));
			if (f->type == KT_DURATION) {
				char *key = xasprintf("%s_ns", f->path);
				json_object_set_new(settings, key, json_pack("{s:s,s:s}", "error", why, "source", fsrc));
				free(key);
			}
			free(fsrc);
			if (f->type == KT_MAP_BOOL)
				gates_why = xstrdup(why);
			json_array_append_new(e.errors, json_string(why));
			free(why);
			continue;
		}
		if (!raws)
			continue;
		const struct pflag_def *def = kubelet_flag(f->flag);
		char *err = NULL;
		json_t *fv = pflag_value(def, raws, &err);
		char *src = xasprintf("argv:--%s", f->flag);
		if (!fv) {
			json_object_set_new(settings, f->path, json_pack("{s:s}", "error", err));
			json_array_append_new(e.errors, json_string(err));
			free(err);
		} else if (f->type == KT_MAP_BOOL) {
			/* kubeletConfigFlagPrecedence: flag gates, then file-only gates added back */
			json_t *gates = json_object_get(e.doc, "featureGates");
			if (!json_is_object(gates)) {
				gates = json_object();
				json_object_set_new(e.doc, "featureGates", gates);
			}
			json_object_update(gates, fv);
			note_gates(&e, fv, src);
			json_object_set_new(e.origin, f->path, json_string(src));
			json_decref(fv);
		} else {
			set_path(e.doc, f->path, fv);
			json_object_set_new(e.origin, f->path, json_string(src));
		}
		free(src);
	}

	/* settings */
	for (size_t i = 0; i < schema->nfields; i++) {
		const struct kube_field *f = &schema->fields[i];
		if (json_object_get(settings, f->path))
			continue;	/* a bad flag value */
		const char *src = json_string_value(json_object_get(e.origin, f->path));
		if (fatal && (!src || strncmp(src, "argv:", 5) != 0)) {
			json_object_set_new(settings, f->path, json_pack("{s:s,s:s}", "error", fatal, "source", fatal_src));
			if (f->type == KT_DURATION) {
				/* Its nanoseconds are as unknown as the duration. */
				char *key = xasprintf("%s_ns", f->path);
				json_object_set_new(settings, key, json_pack("{s:s,s:s}", "error", fatal, "source", fatal_src));
				free(key);
			}
			continue;
		}
		json_t *fv = kube_get_path(e.doc, f->path);
		if (f->type == KT_MAP_BOOL && fatal) {
			json_object_set_new(settings, f->path, json_pack("{s:s,s:s}", "error", fatal, "source", fatal_src));
			continue;
		}
		json_object_set_new(settings, f->path, setting(fv, src ? src : e.default_src));
		if (f->type == KT_DURATION && json_is_string(fv)) {
			int64_t ns;
			char *err = NULL;
			char *key = xasprintf("%s_ns", f->path);
			if (godur_parse(json_string_value(fv), &ns, &err) == 0)
				json_object_set_new(settings, key, setting_new(json_integer(ns), src ? src : e.default_src));
			else
				json_object_set_new(settings, key, json_pack("{s:s}", "error", err));
			free(err);
			free(key);
		}
	}
	/* featureGates: the map, its sources, and each gate CIS names */
	json_t *gates = json_object_get(e.doc, "featureGates");
	if (!fatal || json_object_size(e.gate_origin)) {
		json_t *srcs = json_array();
		json_object_foreach(e.gate_origin, k, v) {
			int seen = 0;
			size_t j;
			json_t *s;
			json_array_foreach(srcs, j, s)
				seen |= json_equal(s, v);
			if (!seen)
				json_array_append(srcs, v);
		}
		if (!fatal) {
			json_t *gs = json_object_get(settings, "featureGates");
			if (gs && json_object_get(gs, "value") && json_array_size(srcs)) {
				char *joined = NULL;
				size_t j;
				json_t *s;
				json_array_foreach(srcs, j, s) {
					char *n = xasprintf("%s%s%s", joined ? joined : "", joined ? "," : "",
							    json_string_value(s));
					free(joined);
					joined = n;
				}
				json_object_set_new(gs, "source", json_string(joined));
				free(joined);
			}
		}
		json_decref(srcs);
	}
	for (size_t i = 0; i < schema->ngates; i++) {
		const struct kube_gate *g = &schema->gates[i];
		char *key = xasprintf("featureGates.%s", g->name);
		json_t *gv = json_object_get(gates, g->name);
		const char *src = json_string_value(json_object_get(e.gate_origin, g->name));
		if (fatal && !(src && strncmp(src, "argv:", 5) == 0))
			json_object_set_new(settings, key, json_pack("{s:s,s:s}", "error", fatal, "source", fatal_src));
		else if (gates_why)
			json_object_set_new(settings, key, json_pack("{s:s}", "error", gates_why));
		else if (json_is_boolean(gv))
			json_object_set_new(settings, key, setting(gv, src ? src : e.default_src));
		else
			json_object_set_new(settings, key, setting_new(json_boolean(g->def),
								   "default(feature-gate)"));
		free(key);
	}
	/* flag-only settings */
	for (size_t i = 0; i < schema->nflags; i++) {
		const struct kube_flag_setting *fs = &schema->flags[i];
		const char *val = kubelet_last_flag(a->pf.flags, fs->flag);
		const char *by = json_string_value(json_object_get(a->pf.shadowed, fs->flag));
		char *src = xasprintf("argv:--%s", fs->flag);
		if (by) {
			char *why = pflag_shadow_reason(fs->flag, by, "the kubelet");
			json_object_set_new(settings, fs->flag, json_pack("{s:s,s:s}", "error", why, "source", src));
			free(why);
		} else if (val)
			json_object_set_new(settings, fs->flag, setting_new(json_string(val), src));
		else
			json_object_set_new(settings, fs->flag,
					    setting_new(fs->def ? json_string(fs->def) : NULL,
						    "default"));
		free(src);
	}

	if (fatal)
		json_array_append_new(e.errors, json_string(fatal));
	json_t *flags = json_object();
	json_object_foreach(a->pf.flags, k, v) {
		json_t *list = json_array();
		size_t j;
		json_t *raw;
		json_array_foreach(v, j, raw)
			json_array_append_new(list, setting(raw, "argv"));
		json_object_set_new(flags, k, list);
	}
	json_object_set_new(out, "mode", json_string(config_mode ? "config" : "flag"));
	json_object_set_new(out, "flags", flags);
	if (json_array_size(a->pf.args))
		json_object_set(out, "args", a->pf.args);
	/* Unknown flags are copies of command-line words: they keep no secret values either. */
	redact_argv(a->pf.unknown);
	redact_argv(a->pf.args);
	if (json_array_size(a->pf.unknown))
		json_object_set(out, "unknown_flags", a->pf.unknown);
	json_object_set_new(out, "dropins", applied);
	json_object_set_new(out, "dropins_skipped", skipped);
	json_object_set_new(out, "settings", settings);
	json_object_set_new(out, "errors", e.errors);
	free(fatal);
	free(fatal_src);
	free(gates_why);
	json_decref(e.doc);
	json_decref(e.origin);
	json_decref(e.gate_origin);
	return out;
}

int kube_type_parse(const char *s, enum kube_type *out)
{
	static const struct { const char *name; enum kube_type t; } types[] = {
		{"bool", KT_BOOL}, {"int", KT_INT}, {"string", KT_STRING}, {"path", KT_PATH},
		{"duration", KT_DURATION}, {"list", KT_LIST}, {"map-bool", KT_MAP_BOOL},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(s, types[i].name)) {
			*out = types[i].t;
			return 0;
		}
	return -1;
}
