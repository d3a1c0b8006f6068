#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/yamljson.h"
#include "base/banned.h"

/*
 * Component files (checks/README.md "Components"): what a Kubernetes
 * component's effective configuration tracks, with its defaults.
 */

static void schema_release(struct kube_schema *s)
{
	for (size_t i = 0; i < s->nfields; i++) {
		free(s->fields[i].path);
		free(s->fields[i].flag);
		json_decref(s->fields[i].flag_default);
		json_decref(s->fields[i].config_default);
	}
	free(s->fields);
	for (size_t i = 0; i < s->nflags; i++) {
		free(s->flags[i].flag);
		free(s->flags[i].def);
	}
	free(s->flags);
	for (size_t i = 0; i < s->ngates; i++) {
		free(s->gates[i].name);
		free(s->gates[i].on_from);
	}
	free(s->gates);
	memset(s, 0, sizeof(*s));
}

static void cp_release(struct cp_schema *s)
{
	for (size_t i = 0; i < s->nsettings; i++) {
		free(s->settings[i].flag);
		free(s->settings[i].config);
		json_decref(s->settings[i].def);
		free(s->settings[i].since);
		free(s->settings[i].requires_gate);
		for (size_t k = 0; k < s->settings[i].nvdefs; k++) {
			free(s->settings[i].vdefs[k].from);
			json_decref(s->settings[i].vdefs[k].def);
		}
		free(s->settings[i].vdefs);
	}
	free(s->settings);
	for (size_t i = 0; i < s->nplugins; i++) {
		free(s->plugins[i].name);
		free(s->plugins[i].on_from);
		free(s->plugins[i].off_from);
	}
	free(s->plugins);
	for (size_t i = 0; i < s->nbools; i++)
		free(s->bools[i]);
	free(s->bools);
	for (size_t i = 0; i < s->nvalues; i++)
		free(s->values[i]);
	free(s->values);
	for (size_t i = 0; i < s->nexecutables; i++)
		free(s->executables[i]);
	free(s->executables);
	free(s->config_flag);
	free(s->env_prefix);
	memset(s, 0, sizeof(*s));
}

void component_free(struct component *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->title);
	schema_release(&c->schema);
	cp_release(&c->cp);
	free(c);
}

/* A required value of any JSON type. */
static int get_value(struct loader *l, yaml_node_t *m, const char *key, json_t **out)
{
	yaml_node_t *v = loader_map_get(l, m, key);
	*out = NULL;
	if (!v)
		return loader_error(l, m, "missing required key '%s'", key);
	return loader_get_json(l, v, out);
}

static int get_bool(struct loader *l, yaml_node_t *m, const char *key, int *out)
{
	yaml_node_t *v = loader_map_get(l, m, key);
	const char *s = yamljson_scalar(v);
	*out = 0;
	if (!v)
		return 0;
	if (s && !strcmp(s, "true"))
		*out = 1;
	else if (!s || strcmp(s, "false"))
		return loader_error(l, v, "'%s' is true or false", key);
	return 0;
}

/* An optional minor version ("1.30") at key; earlier, the version before it (ascending). */
static int get_version(struct loader *l, yaml_node_t *m, const char *key, const char *earlier, char **out)
{
	if (loader_get_str(l, m, key, 0, out) < 0)
		return -1;
	if (*out && cp_version_before(*out, "0.0") < 0)
		return loader_error(l, loader_map_get(l, m, key), "'%s' is a minor version such as \"1.30\"", key);
	if (*out && earlier && cp_version_before(*out, earlier) != 0)
		return loader_error(l, loader_map_get(l, m, key), "'%s' must come after %s (ascending versions)",
				    key, earlier);
	return 0;
}

static int parse_field(struct loader *l, yaml_node_t *n, struct kube_field *f)
{
	static const char *const keys[] = {
		"path", "flag", "type", "flag_default", "config_default", "zero_defaults", NULL
	};
	char *type = NULL;
	int rc = loader_check_keys(l, n, "field", keys);
	if (rc < 0)
		return -1;
	if (loader_get_str(l, n, "path", 1, &f->path) < 0 || loader_get_str(l, n, "flag", 1, &f->flag) < 0 ||
	    loader_get_str(l, n, "type", 1, &type) < 0)
		rc = -1;
	if (type && kube_type_parse(type, &f->type) < 0)
		rc = loader_error(l, loader_map_get(l, n, "type"),
				  "unknown type '%s' (bool, int, string, path, duration, list, map-bool)", type);
	free(type);
	if (get_value(l, n, "flag_default", &f->flag_default) < 0 ||
	    get_value(l, n, "config_default", &f->config_default) < 0 ||
	    get_bool(l, n, "zero_defaults", &f->zero_defaults) < 0)
		rc = -1;
	return rc;
}

static int parse_flag(struct loader *l, yaml_node_t *n, struct kube_flag_setting *f)
{
	static const char *const keys[] = { "flag", "default", NULL };
	if (loader_check_keys(l, n, "flag", keys) < 0)
		return -1;
	int rc = loader_get_str(l, n, "flag", 1, &f->flag);
	yaml_node_t *d = loader_map_get(l, n, "default");
	const char *s = yamljson_scalar(d);
	if (!d)
		rc = loader_error(l, n, "missing required key 'default' (null when the component has none)");
	else if (s && d->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		 (!strcmp(s, "null") || !strcmp(s, "~") || !*s))
		f->def = NULL;
	else if (s)
		f->def = xstrdup(s);
	else
		rc = loader_error(l, d, "'default' must be a string or null");
	return rc;
}

static int parse_gate(struct loader *l, yaml_node_t *n, struct kube_gate *g)
{
	static const char *const keys[] = { "gate", "default", "on_from", NULL };
	if (loader_check_keys(l, n, "feature gate", keys) < 0)
		return -1;
	int rc = loader_get_str(l, n, "gate", 1, &g->name);
	if (get_version(l, n, "on_from", NULL, &g->on_from) < 0)
		rc = -1;
	if (!loader_map_get(l, n, "default"))
		rc = loader_error(l, n, "missing required key 'default'");
	else if (get_bool(l, n, "default", &g->def) < 0)
		rc = -1;
	return rc;
}

/* defaults_by_version: [{from: "1.30", default: V}, ...], ascending. */
static int parse_vdefaults(struct loader *l, yaml_node_t *n, struct cp_setting *st)
{
	static const char *const keys[] = { "from", "default", NULL };
	yaml_node_t *seq = loader_map_get(l, n, "defaults_by_version");
	if (!seq)
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return loader_error(l, seq, "'defaults_by_version' must be a list");
	size_t count = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	st->vdefs = xcalloc(count + 1, sizeof(*st->vdefs));
	int rc = 0;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *e = loader_node(l, seq->data.sequence.items.start[i]);
		if (loader_check_keys(l, e, "version default", keys) < 0) {
			rc = -1;
			continue;
		}
		st->nvdefs++;
		if (get_version(l, e, "from", i ? st->vdefs[i - 1].from : NULL, &st->vdefs[i].from) < 0 ||
		    get_value(l, e, "default", &st->vdefs[i].def) < 0)
			rc = -1;
		else if (!st->vdefs[i].from)
			rc = loader_error(l, e, "missing required key 'from'");
	}
	return rc;
}

static int parse_setting(struct loader *l, yaml_node_t *n, struct cp_setting *st)
{
	static const char *const keys[] = {
		"flag", "type", "default", "config", "since", "requires_gate", "defaults_by_version", NULL
	};
	char *type = NULL;
	if (loader_check_keys(l, n, "setting", keys) < 0)
		return -1;
	int rc = 0;
	if (loader_get_str(l, n, "flag", 1, &st->flag) < 0 || loader_get_str(l, n, "type", 1, &type) < 0 ||
	    loader_get_str(l, n, "config", 0, &st->config) < 0)
		rc = -1;
	if (type && cp_type_parse(type, &st->type) < 0)
		rc = loader_error(l, loader_map_get(l, n, "type"),
				  "unknown type '%s' (bool, int, string, path, duration, list, map-bool)", type);
	free(type);
	if (get_value(l, n, "default", &st->def) < 0 || get_version(l, n, "since", NULL, &st->since) < 0 ||
	    loader_get_str(l, n, "requires_gate", 0, &st->requires_gate) < 0 || parse_vdefaults(l, n, st) < 0)
		rc = -1;
	return rc;
}

static int parse_plugin(struct loader *l, yaml_node_t *n, struct cp_plugin *p)
{
	static const char *const keys[] = { "name", "default", "on_from", "off_from", NULL };
	if (loader_check_keys(l, n, "admission plugin", keys) < 0)
		return -1;
	int rc = loader_get_str(l, n, "name", 1, &p->name);
	if (get_version(l, n, "on_from", NULL, &p->on_from) < 0 || get_version(l, n, "off_from", NULL, &p->off_from) < 0)
		rc = -1;
	if (!loader_map_get(l, n, "default"))
		rc = loader_error(l, n, "missing required key 'default'");
	else if (get_bool(l, n, "default", &p->def) < 0)
		rc = -1;
	return rc;
}

static int parse_word(struct loader *l, yaml_node_t *n, char **out)
{
	const char *s = yamljson_scalar(n);
	if (!s || !*s)
		return loader_error(l, n, "expected a name");
	*out = xstrdup(s);
	return 0;
}

/* Each element of the list at key, parsed into a new array of size elements. */
static int parse_list(struct loader *l, yaml_node_t *rootn, const char *key, size_t size,
		      int (*one)(struct loader *, yaml_node_t *, void *), void **out, size_t *n)
{
	yaml_node_t *seq = loader_map_get(l, rootn, key);
	*out = NULL;
	*n = 0;
	if (!seq)
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return loader_error(l, seq, "'%s' must be a list", key);
	size_t count = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	char *v = xcalloc(count + 1, size);
	int rc = 0;
	for (size_t i = 0; i < count; i++)
		if (one(l, loader_node(l, seq->data.sequence.items.start[i]), v + i * size) < 0)
			rc = -1;
	*out = v;
	*n = count;
	return rc;
}

static int one_field(struct loader *l, yaml_node_t *n, void *p) { return parse_field(l, n, p); }
static int one_flag(struct loader *l, yaml_node_t *n, void *p) { return parse_flag(l, n, p); }
static int one_gate(struct loader *l, yaml_node_t *n, void *p) { return parse_gate(l, n, p); }
static int one_setting(struct loader *l, yaml_node_t *n, void *p) { return parse_setting(l, n, p); }
static int one_plugin(struct loader *l, yaml_node_t *n, void *p) { return parse_plugin(l, n, p); }
static int one_word(struct loader *l, yaml_node_t *n, void *p) { return parse_word(l, n, p); }

/*
 * A flag named twice among settings, bool_flags and value_flags would split
 * argv by whichever came first: refuse it, at the later mention.
 */
static int check_flag_names(struct loader *l, yaml_node_t *rootn, const struct cp_schema *cp)
{
	static const char *const keys[] = { "bool_flags", "value_flags" };
	int rc = 0;
	for (size_t k = 0; k < 2; k++) {
		yaml_node_t *seq = loader_map_get(l, rootn, keys[k]);
		char **words = k ? cp->values : cp->bools;
		size_t n = k ? cp->nvalues : cp->nbools;
		for (size_t i = 0; seq && seq->type == YAML_SEQUENCE_NODE && i < n; i++) {
			int dup = 0;
			for (size_t j = 0; j < cp->nsettings && !dup; j++)
				dup = cp->settings[j].flag && !strcmp(cp->settings[j].flag, words[i]);
			for (size_t j = 0; j < (k ? cp->nbools : 0) && !dup; j++)
				dup = !strcmp(cp->bools[j], words[i]);
			for (size_t j = 0; j < i && !dup; j++)
				dup = !strcmp(words[j], words[i]);
			if (dup)
				rc = loader_error(l, loader_node(l, seq->data.sequence.items.start[i]),
						  "flag '%s' is named twice (settings, bool_flags, value_flags)", words[i]);
		}
	}
	return rc;
}

/* The control-plane keys of a component file (cpconf.h). */
static int parse_cp(struct loader *l, yaml_node_t *rootn, struct cp_schema *cp)
{
	int rc = 0;
	void *v;
	if (parse_list(l, rootn, "settings", sizeof(struct cp_setting), one_setting, &v, &cp->nsettings) < 0)
		rc = -1;
	cp->settings = v;
	if (parse_list(l, rootn, "admission_plugins", sizeof(struct cp_plugin), one_plugin, &v, &cp->nplugins) < 0)
		rc = -1;
	cp->plugins = v;
	if (parse_list(l, rootn, "bool_flags", sizeof(char *), one_word, &v, &cp->nbools) < 0)
		rc = -1;
	cp->bools = v;
	if (parse_list(l, rootn, "value_flags", sizeof(char *), one_word, &v, &cp->nvalues) < 0)
		rc = -1;
	cp->values = v;
	if (rc == 0 && check_flag_names(l, rootn, cp) < 0)
		rc = -1;
	if (parse_list(l, rootn, "executables", sizeof(char *), one_word, &v, &cp->nexecutables) < 0)
		rc = -1;
	cp->executables = v;
	if (loader_get_str(l, rootn, "config_flag", 0, &cp->config_flag) < 0 ||
	    loader_get_str(l, rootn, "env_prefix", 0, &cp->env_prefix) < 0 ||
	    get_bool(l, rootn, "config_replaces_all", &cp->config_replaces_all) < 0)
		rc = -1;
	char *syn = NULL;
	if (loader_get_str(l, rootn, "flag_syntax", 0, &syn) < 0)
		rc = -1;
	else if (syn && strcmp(syn, "go") && strcmp(syn, "pflag"))
		rc = loader_error(l, loader_map_get(l, rootn, "flag_syntax"), "'flag_syntax' is go or pflag");
	cp->go_flags = syn && !strcmp(syn, "go");
	free(syn);
	return rc;
}

int component_parse(struct loader *l, yaml_node_t *rootn)
{
	static const char *const top_keys[] = {
		"component", "fields", "flags", "feature_gates", "settings", "admission_plugins", "bool_flags",
		"value_flags", "executables", "config_flag", "config_replaces_all", "env_prefix", "flag_syntax", NULL
	};
	static const char *const head_keys[] = { "name", "title", NULL };
	int rc = loader_check_keys(l, rootn, "component file", top_keys);
	yaml_node_t *head = loader_map_get(l, rootn, "component");
	if (loader_check_keys(l, head, "component", head_keys) < 0)
		return -1;
	struct component *c = xcalloc(1, sizeof(*c));
	c->file = l->file;
	c->line = (int)head->start_mark.line + 1;
	if (loader_get_str(l, head, "name", 1, &c->name) < 0 || loader_get_str(l, head, "title", 0, &c->title) < 0)
		rc = -1;
	void *v;
	if (parse_list(l, rootn, "fields", sizeof(struct kube_field), one_field, &v, &c->schema.nfields) < 0)
		rc = -1;
	c->schema.fields = v;
	if (parse_list(l, rootn, "flags", sizeof(struct kube_flag_setting), one_flag, &v, &c->schema.nflags) < 0)
		rc = -1;
	c->schema.flags = v;
	if (parse_list(l, rootn, "feature_gates", sizeof(struct kube_gate), one_gate, &v, &c->schema.ngates) < 0)
		rc = -1;
	c->schema.gates = v;
	if (parse_cp(l, rootn, &c->cp) < 0)
		rc = -1;
	for (size_t i = 0; c->schema.nfields && i < c->schema.ngates; i++)
		if (c->schema.gates[i].on_from)
			rc = loader_error(l, loader_map_get(l, rootn, "feature_gates"),
					  "gate %s: 'on_from' is read for control-plane components only (the kubelet's "
					  "effective configuration does not take its version)", c->schema.gates[i].name);
	if (c->name && defs_component(l->d, c->name))
		rc = loader_error(l, loader_map_get(l, head, "name"), "duplicate component '%s'", c->name);
	if (rc < 0) {
		component_free(c);
		return -1;
	}
	ALLOC_GROW(l->d->components, l->d->ncomponents + 1, l->d->components_alloc);
	l->d->components[l->d->ncomponents++] = c;
	return 0;
}

const struct component *defs_component(const struct defs *d, const char *name)
{
	for (size_t i = 0; d && i < d->ncomponents; i++)
		if (!strcmp(d->components[i]->name, name))
			return d->components[i];
	return NULL;
}
