#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "parse/cpconf.h"
#include "parse/kubeyaml.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

int cp_type_parse(const char *s, enum pflag_type *out)
{
	static const struct { const char *name; enum pflag_type t; } types[] = {
		{"bool", PFLAG_BOOL}, {"int", PFLAG_INT}, {"string", PFLAG_STRING}, {"path", PFLAG_STRING},
		{"duration", PFLAG_DURATION}, {"list", PFLAG_LIST}, {"map-bool", PFLAG_MAP_BOOL},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(s, types[i].name)) {
			*out = types[i].t;
			return 0;
		}
	return -1;
}

/* "v1.29.3+k3s1" -> 1, 29; 0 on success. */
static int major_minor(const char *v, long *major, long *minor)
{
	char *end;
	if (!v)
		return -1;
	if (*v == 'v')
		v++;
	if (*v < '0' || *v > '9')
		return -1;
	*major = strtol(v, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	*minor = strtol(end + 1, &end, 10);
	return 0;
}

int cp_version_before(const char *version, const char *from)
{
	long vmaj, vmin, fmaj, fmin;
	if (major_minor(version, &vmaj, &vmin) < 0 || major_minor(from, &fmaj, &fmin) < 0)
		return -1;
	return vmaj < fmaj || (vmaj == fmaj && vmin < fmin);
}

/* Whether a default that changes "from" a version holds at this one (unknown: the newest does). */
static int holds_from(const char *version, const char *from)
{
	return from && cp_version_before(version, from) != 1;
}

/* The setting's default at the component's version (borrowed). */
static json_t *setting_default(const struct cp_setting *st, const char *version)
{
	json_t *d = st->def;
	for (size_t i = 0; i < st->nvdefs; i++)
		if (holds_from(version, st->vdefs[i].from))
			d = st->vdefs[i].def;
	return d;
}

static int plugin_default(const struct cp_plugin *p, const char *version)
{
	int on = p->def;
	if (p->on_from && holds_from(version, p->on_from))
		on = 1;
	if (p->off_from && holds_from(version, p->off_from))
		on = 0;
	return on;
}

static int gate_default(const struct kube_gate *g, const char *version)
{
	return g->def || holds_from(version, g->on_from);
}

/* A value's origin is the component's default, not something written. */
static int from_default(json_t *fact)
{
	const char *src = json_string_value(json_object_get(fact, "source"));
	return !src || !strncmp(src, "default", 7);
}

/* The pflag table: tracked settings, untracked bools and values, the config flag. */
static struct pflag_def *flag_table(const struct cp_schema *s, size_t *n)
{
	struct pflag_def *defs = xcalloc(s->nsettings + s->nbools + s->nvalues + 2, sizeof(*defs));
	size_t k = 0;
	for (size_t i = 0; i < s->nsettings; i++)
		defs[k++] = (struct pflag_def){ s->settings[i].flag, s->settings[i].type, 0 };
	for (size_t i = 0; i < s->nbools; i++)
		defs[k++] = (struct pflag_def){ s->bools[i], PFLAG_BOOL, 0 };
	for (size_t i = 0; i < s->nvalues; i++)
		defs[k++] = (struct pflag_def){ s->values[i], PFLAG_STRING, 0 };
	if (s->config_flag && !pflag_lookup(defs, k, s->config_flag))
		defs[k++] = (struct pflag_def){ s->config_flag, PFLAG_STRING, 0 };
	/* klog's -v is the one shorthand every component has. */
	defs[k++] = (struct pflag_def){ "v", PFLAG_INT, 'v' };
	*n = k;
	return defs;
}

/*
 * Split the words: Go's flag package (etcd) takes "-name" and "--name"
 * alike, which pflag would read as shorthands.
 */
static void split_words(const struct cp_schema *s, const struct cp_input *in,
			const struct pflag_def *defs, size_t n, struct pflag_result *pf)
{
	char **w = xcalloc(in->nwords + 1, sizeof(*w));
	for (size_t i = 0; i < in->nwords; i++)
		w[i] = s->go_flags && in->words[i][0] == '-' && in->words[i][1] && in->words[i][1] != '-'
			       ? xasprintf("-%s", in->words[i]) : xstrdup(in->words[i]);
	pflag_parse(defs, n, PFLAG_NORMALIZE_UNDERSCORE, (const char *const *)w, in->nwords, pf);
	for (size_t i = 0; i < in->nwords; i++)
		free(w[i]);
	free(w);
}

/* ETCD_CLIENT_CERT_AUTH for client-cert-auth (etcd's flags.SetPflagsFromEnv). */
static char *env_name(const char *prefix, const char *flag)
{
	char *e = xasprintf("%s_%s", prefix, flag);
	for (char *p = e + strlen(prefix) + 1; *p; p++)
		*p = *p == '-' ? '_' : (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
	return e;
}

static const char *last_raw(json_t *flags, const char *name)
{
	json_t *l = json_object_get(flags, name);
	size_t n = json_array_size(l);
	return n ? json_string_value(json_array_get(l, n - 1)) : NULL;
}

char *cpconf_config_path(const struct cp_schema *s, const struct cp_input *in)
{
	if (!s->config_flag)
		return NULL;
	size_t n;
	struct pflag_def *defs = flag_table(s, &n);
	struct pflag_result pf;
	split_words(s, in, defs, n, &pf);
	const char *v = last_raw(pf.flags, s->config_flag);
	char *out = v && *v ? xstrdup(v) : NULL;
	if (!out && s->env_prefix && in->env) {
		char *e = env_name(s->env_prefix, s->config_flag);
		const char *ev = json_string_value(json_object_get(in->env, e));
		out = ev && *ev ? xstrdup(ev) : NULL;
		free(e);
	}
	pflag_result_release(&pf);
	free(defs);
	return out;
}

/* A config-file value as the setting's type, or NULL with *err. */
static json_t *config_value(const struct cp_setting *st, json_t *v, const char *path, char **err)
{
	int ok;
	switch (st->type) {
	case PFLAG_BOOL: ok = json_is_boolean(v); break;
	case PFLAG_INT: ok = json_is_integer(v); break;
	case PFLAG_LIST: ok = json_is_array(v); break;
	case PFLAG_MAP_BOOL: case PFLAG_MAP_STRING: ok = json_is_object(v); break;
	default: ok = json_is_string(v); break;
	}
	if (!ok) {
		*err = xasprintf("'%s': %s has the wrong type", path, st->config);
		return NULL;
	}
	return json_incref(v);
}

/* {"value": v, "source": src}; steals v. */
static json_t *cp_fact(json_t *v, const char *src)
{
	return json_pack("{s:o,s:s}", "value", v ? v : json_null(), "source", src);
}

static json_t *from_raws(const struct cp_setting *st, json_t *raws, const char *src)
{
	struct pflag_def def = { st->flag, st->type, 0 };
	char *err = NULL;
	json_t *v = pflag_value(&def, raws, &err);
	if (!v) {
		char *m = xasprintf("%s: %s", src, err);
		json_t *e = json_pack("{s:s}", "error", m);
		free(m);
		free(err);
		return e;
	}
	return cp_fact(v, src);
}

/* A flag written right after one boxaudit does not know (pflag.h "shadowed"). */
static json_t *shadowed_error(const struct cp_input *in, const char *flag, json_t *by)
{
	char *m = pflag_shadow_reason(flag, json_string_value(by), in->component ? in->component : "the component");
	char *src = xasprintf("%s--%s", in->flag_origin ? in->flag_origin : "argv:", flag);
	json_t *e = json_pack("{s:s,s:s}", "error", m, "source", src);
	free(src);
	free(m);
	return e;
}

/* One setting's effective value: config file, else flag, else env, else default. */
static json_t *setting(const struct cp_schema *s, const struct cp_setting *st,
		       const struct cp_input *in, const struct pflag_result *pf, json_t *ignored)
{
	const char *dflt = in->default_origin ? in->default_origin : "default";
	json_t *raws = json_object_get(pf->flags, st->flag);
	char *envn = s->env_prefix ? env_name(s->env_prefix, st->flag) : NULL;
	const char *envv = envn && in->env ? json_string_value(json_object_get(in->env, envn)) : NULL;
	int from_config = (in->config || in->config_error) && (s->config_replaces_all || st->config);
	json_t *by = json_object_get(pf->shadowed, from_config ? s->config_flag : st->flag);
	json_t *out;
	char *src;
	if (by) {
		out = shadowed_error(in, from_config ? s->config_flag : st->flag, by);
	} else if (from_config) {
		/* The flag and the variable are ignored: say so. */
		if (json_array_size(raws))
			json_array_append_new(ignored, json_sprintf("--%s", st->flag));
		if (envv)
			json_array_append_new(ignored, json_string(envn));
		json_t *cv = st->config && in->config ? kube_get_path(in->config, st->config) : NULL;
		char *err = NULL;
		if (in->config_error) {
			out = json_pack("{s:s}", "error", in->config_error);
		} else if (cv && !json_is_null(cv)) {
			json_t *v = config_value(st, cv, in->config_path, &err);
			src = xasprintf("config:%s", in->config_path);
			out = v ? cp_fact(v, src) : json_pack("{s:s}", "error", err);
			free(src);
			free(err);
		} else {
			out = cp_fact(json_incref(setting_default(st, in->version)), dflt);
		}
	} else if (json_array_size(raws)) {
		src = xasprintf("%s--%s", in->flag_origin ? in->flag_origin : "argv:", st->flag);
		out = from_raws(st, raws, src);
		free(src);
	} else if (envv) {
		json_t *r = json_pack("[s]", envv);
		src = xasprintf("%s%s", in->env_origin ? in->env_origin : "env:", envn);
		out = from_raws(st, r, src);
		json_decref(r);
		free(src);
	} else {
		out = cp_fact(json_incref(setting_default(st, in->version)), dflt);
	}
	free(envn);
	return out;
}

/*
 * Admission plugins: the default-on set of the version, plus
 * --enable-admission-plugins, minus --disable-admission-plugins.  The
 * deprecated --admission-control, when it names any, is the whole set; given
 * at all beside either of the others, kube-apiserver refuses to start
 * (pkg/kubeapiserver/options/admission.go, Validate and computePluginNames).
 */
static json_t *admission(const struct cp_schema *s, json_t *settings, const struct cp_input *in,
			 const char *dflt, json_t *errors)
{
	json_t *en = json_object_get(settings, "enable-admission-plugins");
	json_t *dis = json_object_get(settings, "disable-admission-plugins");
	json_t *legacy = json_object_get(settings, "admission-control");
	if (json_object_get(en, "error") || json_object_get(dis, "error") || json_object_get(legacy, "error"))
		return json_pack("{s:s}", "error", "the admission plugin flags could not be read");
	if (legacy && !from_default(legacy) && (!from_default(en) || !from_default(dis))) {
		const char *why = "--admission-control and --enable-admission-plugins/--disable-admission-plugins "
				  "are mutually exclusive: kube-apiserver refuses to start";
		json_array_append_new(errors, json_string(why));
		return json_pack("{s:s}", "error", why);
	}
	json_t *out = json_object();
	json_t *env = json_object_get(en, "value"), *disv = json_object_get(dis, "value");
	json_t *legv = json_object_get(legacy, "value");
	int use_legacy = json_array_size(legv) > 0;
	json_t *names = json_array();
	for (size_t i = 0; i < s->nplugins; i++)
		json_array_append_new(names, json_string(s->plugins[i].name));
	json_array_extend(names, env);
	json_array_extend(names, disv);
	json_array_extend(names, legv);
	size_t i;
	json_t *e;
	json_array_foreach(names, i, e) {
		const char *n = json_string_value(e);
		if (!n || json_object_get(out, n))
			continue;
		int def = 0;
		for (size_t k = 0; k < s->nplugins; k++)
			if (!strcmp(s->plugins[k].name, n))
				def = plugin_default(&s->plugins[k], in->version);
		json_t *f;
		if (use_legacy)
			f = cp_fact(json_boolean(jstr_array_has(legv, n)), json_string_value(json_object_get(legacy, "source")));
		else if (jstr_array_has(env, n) && jstr_array_has(disv, n)) {
			json_array_append_new(errors, json_sprintf("admission plugin %s is both enabled and disabled "
								   "(kube-apiserver refuses to start)", n));
			f = json_pack("{s:s}", "error", "enabled and disabled at once");
		} else if (jstr_array_has(env, n))
			f = cp_fact(json_true(), json_string_value(json_object_get(en, "source")));
		else if (jstr_array_has(disv, n))
			f = cp_fact(json_false(), json_string_value(json_object_get(dis, "source")));
		else
			f = cp_fact(json_boolean(def), dflt);
		json_object_set_new(out, n, f);
	}
	json_decref(names);
	return out;
}

static json_t *gates(const struct kube_gate *g, size_t n, json_t *settings, const char *version,
		     const char *dflt)
{
	json_t *fg = json_object_get(settings, "feature-gates");
	json_t *m = json_object_get(fg, "value");
	json_t *out = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(m, g[i].name);
		if (json_object_get(fg, "error"))
			json_object_set(out, g[i].name, fg);
		else if (json_is_boolean(v))
			json_object_set_new(out, g[i].name, cp_fact(json_incref(v),
				json_string_value(json_object_get(fg, "source"))));
		else
			json_object_set_new(out, g[i].name, cp_fact(json_boolean(gate_default(&g[i], version)), dflt));
	}
	return out;
}

/*
 * A flag the component's version does not have, or whose feature gate is
 * off: the component refuses to start, so the value is an error, not a value.
 */
static void flag_gated(const struct cp_setting *st, json_t *settings, json_t *gates, const struct cp_input *in,
		       json_t *errors)
{
	const char *version = in->version, *name = in->component ? in->component : "the component";
	json_t *f = json_object_get(settings, st->flag);
	if (!f || json_object_get(f, "error") || from_default(f))
		return;
	const char *src = json_string_value(json_object_get(f, "source"));
	json_t *g = st->requires_gate ? json_object_get(gates, st->requires_gate) : NULL;
	char *why = NULL;
	if (st->since && cp_version_before(version, st->since) == 1)
		why = xasprintf("--%s (%s) does not exist before %s %s and this is %s: it refuses to start",
				st->flag, src, name, st->since, version);
	else if (st->requires_gate && !json_is_true(json_object_get(g, "value")))
		why = xasprintf("--%s (%s) needs the feature gate %s, which is %s (%s): %s refuses to start",
				st->flag, src, st->requires_gate, g ? "off" : "unknown",
				g ? json_string_value(json_object_get(g, "source")) : "not tracked", name);
	if (!why)
		return;
	json_array_append_new(errors, json_string(why));
	json_object_set_new(settings, st->flag, json_pack("{s:s}", "error", why));
	free(why);
}

json_t *cpconf_effective(const struct cp_schema *s, const struct kube_gate *g, size_t ngates,
			 const struct cp_input *in)
{
	size_t n;
	struct pflag_def *defs = flag_table(s, &n);
	struct pflag_result pf;
	split_words(s, in, defs, n, &pf);
	json_t *errors = json_array(), *ignored = json_array(), *settings = json_object();
	size_t i;
	json_t *e;
	/* Our table lists the flags the rules need, not all: an unknown flag is not an error here. */
	json_array_foreach(pf.errors, i, e)
		if (strncmp(json_string_value(e), "unknown ", 8) != 0)
			json_array_append(errors, e);
	for (size_t k = 0; k < s->nsettings; k++)
		json_object_set_new(settings, s->settings[k].flag, setting(s, &s->settings[k], in, &pf, ignored));
	const char *dflt = in->default_origin ? in->default_origin : "default";
	json_t *out = json_pack("{s:o,s:o,s:O,s:o}", "settings", settings, "errors", errors,
				"unknown_flags", pf.unknown, "ignored", ignored);
	if (s->nplugins)
		json_object_set_new(out, "admission", admission(s, settings, in, dflt, errors));
	json_t *gt = gates(g, ngates, settings, in->version, dflt);
	for (size_t k = 0; k < s->nsettings; k++)
		flag_gated(&s->settings[k], settings, gt, in, errors);
	if (ngates)
		json_object_set(out, "gates", gt);
	json_decref(gt);
	if (in->config_error)
		json_array_append_new(errors, json_string(in->config_error));
	pflag_result_release(&pf);
	free(defs);
	return out;
}

static int kind_is(json_t *doc, const char *kind)
{
	const char *k = json_string_value(json_object_get(doc, "kind"));
	return json_is_object(doc) && k && !strcmp(k, kind);
}

char *cpconf_secrets_provider(json_t *doc, char **err)
{
	if (!kind_is(doc, "EncryptionConfiguration")) {
		*err = xstrdup("not an EncryptionConfiguration (kind)");
		return NULL;
	}
	json_t *res = json_object_get(doc, "resources");
	if (!json_is_array(res)) {
		*err = xstrdup("no 'resources' list");
		return NULL;
	}
	size_t i;
	json_t *e;
	/* The first entry that covers secrets decides; within it, the first provider writes. */
	json_array_foreach(res, i, e) {
		json_t *names = json_object_get(e, "resources");
		if (!jstr_array_has(names, "secrets") && !jstr_array_has(names, "*.") && !jstr_array_has(names, "*.*"))
			continue;
		json_t *prov = json_array_get(json_object_get(e, "providers"), 0);
		if (!json_is_object(prov) || json_object_size(prov) != 1) {
			*err = xasprintf("resources[%zu]: the first provider is not one named provider", i);
			return NULL;
		}
		return xstrdup(json_object_iter_key(json_object_iter(prov)));
	}
	/* No entry for secrets: they are written as they are. */
	return xstrdup("identity");
}

json_t *cpconf_authorizers(json_t *doc, char **err)
{
	if (!kind_is(doc, "AuthorizationConfiguration")) {
		*err = xstrdup("not an AuthorizationConfiguration (kind)");
		return NULL;
	}
	json_t *a = json_object_get(doc, "authorizers"), *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		json_t *t = json_object_get(e, "type");
		if (!json_is_string(t)) {
			json_decref(out);
			*err = xasprintf("authorizers[%zu] has no type", i);
			return NULL;
		}
		json_array_append(out, t);
	}
	return out;
}

int cpconf_anonymous(json_t *doc, int *enabled, json_t **paths, char **err)
{
	*paths = NULL;
	if (!kind_is(doc, "AuthenticationConfiguration")) {
		*err = xstrdup("not an AuthenticationConfiguration (kind)");
		return -1;
	}
	json_t *a = json_object_get(doc, "anonymous");
	if (!a || json_is_null(a))
		return 0;
	json_t *en = json_object_get(a, "enabled"), *conds = json_object_get(a, "conditions");
	if (!json_is_object(a)) {
		*err = xstrdup("'anonymous' is not a mapping");
		return -1;
	}
	/* Go's decoder leaves a missing bool false. */
	if (en && !json_is_boolean(en)) {
		*err = xstrdup("'anonymous.enabled' is not a boolean");
		return -1;
	}
	if (conds && !json_is_null(conds) && !json_is_array(conds)) {
		*err = xstrdup("'anonymous.conditions' is not a list");
		return -1;
	}
	json_t *out = json_array(), *c;
	size_t i;
	json_array_foreach(conds, i, c) {
		const char *p = json_string_value(json_object_get(c, "path"));
		if (!p || !*p) {
			json_decref(out);
			*err = xasprintf("anonymous.conditions[%zu] has no path", i);
			return -1;
		}
		json_array_append_new(out, json_string(p));
	}
	*enabled = json_is_true(en);
	if (!*enabled && json_array_size(out)) {
		json_decref(out);
		*err = xstrdup("'anonymous.conditions' are given but 'anonymous.enabled' is not true");
		return -1;
	}
	*paths = out;
	return 1;
}

long cpconf_audit_rules(json_t *doc, char **err)
{
	if (!kind_is(doc, "Policy")) {
		*err = xstrdup("not an audit Policy (kind)");
		return -1;
	}
	json_t *r = json_object_get(doc, "rules");
	if (r && !json_is_array(r)) {
		*err = xstrdup("'rules' is not a list");
		return -1;
	}
	return (long)json_array_size(r);
}

static int api_version_in(json_t *doc, const char *const *versions)
{
	const char *v = json_string_value(json_object_get(doc, "apiVersion"));
	for (size_t i = 0; v && versions[i]; i++)
		if (!strcmp(v, versions[i]))
			return 1;
	return 0;
}

/* staging/src/k8s.io/apiserver/pkg/admission/config.go ReadAdmissionConfiguration, GetAdmissionPluginConfigurationFor */
int cpconf_admission_plugin(json_t *doc, const char *plugin, json_t **inline_conf, char **path, char **err)
{
	static const char *const versions[] = {
		"apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1", "apiserver.k8s.io/v1alpha1", NULL
	};
	*inline_conf = NULL;
	*path = NULL;
	if (json_is_object(doc) && !json_object_get(doc, "kind") &&
	    (json_object_get(doc, "imagePolicy") || json_object_get(doc, "podNodeSelectorPluginConfig")))
		return 0;	/* the legacy format: configures those two plugins only */
	if (!kind_is(doc, "AdmissionConfiguration") || !api_version_in(doc, versions)) {
		*err = xstrdup("not an AdmissionConfiguration (kind and apiVersion apiserver.config.k8s.io/v1)");
		return -1;
	}
	json_t *plugins = json_object_get(doc, "plugins");
	if (plugins && !json_is_array(plugins)) {
		*err = xstrdup("'plugins' is not a list");
		return -1;
	}
	size_t i;
	json_t *e;
	/* The first entry for the plugin decides; its inline configuration wins over its path. */
	json_array_foreach(plugins, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		if (!name) {
			*err = xasprintf("plugins[%zu] has no name", i);
			return -1;
		}
		if (strcmp(name, plugin))
			continue;
		json_t *c = json_object_get(e, "configuration");
		const char *p = json_string_value(json_object_get(e, "path"));
		if (c && !json_is_null(c)) {
			*inline_conf = c;
			return 1;
		}
		if (p && *p) {
			*path = xstrdup(p);
			return 1;
		}
		return 0;
	}
	return 0;
}

long cpconf_eventratelimit_limits(json_t *doc, char **err)
{
	static const char *const versions[] = { "eventratelimit.admission.k8s.io/v1alpha1", NULL };
	static const char *const types[] = { "Server", "Namespace", "User", "SourceAndObject", NULL };
	if (!kind_is(doc, "Configuration") || !api_version_in(doc, versions)) {
		*err = xstrdup("not an EventRateLimit Configuration (kind Configuration, apiVersion "
			       "eventratelimit.admission.k8s.io/v1alpha1)");
		return -1;
	}
	json_t *limits = json_object_get(doc, "limits");
	if (!json_array_size(limits)) {
		*err = xstrdup("limits: must not be empty");
		return -1;
	}
	size_t i;
	json_t *l;
	json_array_foreach(limits, i, l) {
		const char *t = json_string_value(json_object_get(l, "type"));
		size_t k = 0;
		while (t && types[k] && strcmp(t, types[k]))
			k++;
		json_t *qps = json_object_get(l, "qps"), *burst = json_object_get(l, "burst");
		json_t *cache = json_object_get(l, "cacheSize");
		const char *bad = !t || !types[k] ? "type: Server, Namespace, User or SourceAndObject"
				  : !json_is_integer(qps) || json_integer_value(qps) <= 0 ? "qps: must be positive"
				  : !json_is_integer(burst) || json_integer_value(burst) <= 0 ? "burst: must be positive"
				  : cache && (!json_is_integer(cache) || json_integer_value(cache) < 0)
				  ? "cacheSize: must not be negative" : NULL;
		if (bad) {
			*err = xasprintf("limits[%zu].%s", i, bad);
			return -1;
		}
	}
	return (long)json_array_size(limits);
}
