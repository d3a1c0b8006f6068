#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "defs/defs.h"
#include "defs/loader.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * A rule's fix block (checks/README.md "Fixes"): data that says how
 * configuration can fix a failing check, kept as JSON for the report
 * (remediate reads it there).  Here it is only checked, so that a typo is
 * a definition error with its line, not a plan that silently does nothing.
 */

static const char *const fix_keys[] = {
	"daemon_json", "daemon_json_drop", "kubelet", "kubelet_flags", "audit_watch",
	"chmod", "chown", "notes", "note", NULL
};

/* A mapping whose keys are settings and whose values are anything (or, with strings, strings). */
static int check_map(struct loader *l, yaml_node_t *n, const char *what, int strings)
{
	if (!n || n->type != YAML_MAPPING_NODE || n->data.mapping.pairs.start == n->data.mapping.pairs.top)
		return loader_error(l, n, "'%s' must be a non-empty mapping", what);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = loader_node(l, p->key), *v = loader_node(l, p->value);
		if (!k || k->type != YAML_SCALAR_NODE || !k->data.scalar.length)
			return loader_error(l, k ? k : n, "the keys of '%s' are setting names", what);
		if (strings && (!v || v->type != YAML_SCALAR_NODE))
			return loader_error(l, v ? v : n, "the values of '%s' are strings", what);
	}
	return 0;
}

static int check_owner(const char *s)
{
	const char *colon = strchr(s, ':');
	return colon && colon > s && colon[1] && !strchr(colon + 1, ':') && !strpbrk(s, " \t'\"\\/");
}

int fix_parse(struct loader *l, yaml_node_t *n, json_t **out)
{
	*out = NULL;
	if (!n || n->type != YAML_MAPPING_NODE)
		return loader_error(l, n, "'fix' must be a mapping (checks/README.md \"Fixes\")");
	if (loader_check_keys(l, n, "fix", fix_keys) < 0)
		return -1;
	int rc = 0, mechanisms = 0;
	yaml_node_t *v;
	if ((v = loader_map_get(l, n, "daemon_json"))) {
		mechanisms++;
		if (check_map(l, v, "daemon_json", 0) < 0)
			rc = -1;
	}
	if ((v = loader_map_get(l, n, "daemon_json_drop"))) {
		mechanisms++;
		if (check_map(l, v, "daemon_json_drop", 1) < 0)
			rc = -1;
		else
			for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
				yaml_node_t *pv = loader_node(l, p->value);
				int ec;
				PCRE2_SIZE eo;
				pcre2_code *re = pcre2_compile((PCRE2_SPTR)pv->data.scalar.value,
							       pv->data.scalar.length, 0, &ec, &eo, NULL);
				if (!re)
					rc = loader_error(l, pv, "'daemon_json_drop': not a valid pattern");
				pcre2_code_free(re);
			}
	}
	if ((v = loader_map_get(l, n, "kubelet"))) {
		mechanisms++;
		if (check_map(l, v, "kubelet", 0) < 0)
			rc = -1;
	}
	if ((v = loader_map_get(l, n, "kubelet_flags"))) {
		if (!loader_map_get(l, n, "kubelet"))
			rc = loader_error(l, v, "'kubelet_flags' goes with 'kubelet' (the same settings as flags)");
		if (check_map(l, v, "kubelet_flags", 1) < 0)
			rc = -1;
	}
	if ((v = loader_map_get(l, n, "audit_watch"))) {
		static const char *const keys[] = { "key", "perm", NULL };
		mechanisms++;
		if (v->type == YAML_MAPPING_NODE) {
			char *key = NULL, *perm = NULL;
			if (loader_check_keys(l, v, "audit_watch", keys) < 0 ||
			    loader_get_str(l, v, "key", 0, &key) < 0 || loader_get_str(l, v, "perm", 0, &perm) < 0)
				rc = -1;
			if (key && (!*key || strpbrk(key, " \t\n'\"\\")))
				rc = loader_error(l, v, "'audit_watch': key is one word");
			if (perm && (!*perm || strspn(perm, "rwxa") != strlen(perm)))
				rc = loader_error(l, v, "'audit_watch': perm is made of r, w, x and a");
			free(key);
			free(perm);
		} else if (v->type != YAML_SCALAR_NODE || strcmp((const char *)v->data.scalar.value, "true")) {
			rc = loader_error(l, v, "'audit_watch' is true or a mapping {key, perm}");
		}
	}
	char *s = NULL;
	if (loader_map_get(l, n, "chmod")) {
		mechanisms++;
		if (loader_get_str(l, n, "chmod", 1, &s) < 0)
			rc = -1;
		else if (!defs_valid_mode(s))
			rc = loader_error(l, loader_map_get(l, n, "chmod"), "'chmod' is an octal mode such as \"0644\"");
		free(s);
		s = NULL;
	}
	if (loader_map_get(l, n, "chown")) {
		mechanisms++;
		if (loader_get_str(l, n, "chown", 1, &s) < 0)
			rc = -1;
		else if (!check_owner(s))
			rc = loader_error(l, loader_map_get(l, n, "chown"), "'chown' is \"user:group\"");
		free(s);
		s = NULL;
	}
	if (loader_map_get(l, n, "notes")) {
		mechanisms++;
		if (loader_get_str(l, n, "notes", 1, &s) < 0)
			rc = -1;
		free(s);
		s = NULL;
	}
	if (loader_map_get(l, n, "note")) {
		if (loader_get_str(l, n, "note", 1, &s) < 0)
			rc = -1;
		free(s);
	}
	if (rc == 0 && !mechanisms)
		rc = loader_error(l, n, "'fix' names no mechanism (daemon_json, daemon_json_drop, kubelet, "
				  "audit_watch, chmod, chown or notes)");
	if (rc == 0 && loader_get_json(l, n, out) < 0)
		rc = -1;
	return rc;
}
