#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "yamljson.h"
#include "xalloc.h"
#include "banned.h"

const char *yamljson_scalar(const yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

static json_t *plain_scalar(const char *s)
{
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
		return json_null();
	char *end;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x') && s[2]) {
		long long v = strtoll(s + 2, &end, s[1] == 'o' ? 8 : 16);
		if (!*end && !errno)
			return json_integer(v);
		return json_string(s);
	}
	long long v = strtoll(s, &end, 10);
	if (!*end && end != s && !errno)
		return json_integer(v);
	errno = 0;
	double d = strtod(s, &end);
	if (!*end && end != s && !errno && isfinite(d) && strspn(s, "+-0123456789.eE") == strlen(s))
		return json_real(d);
	return json_string(s);
}

/* Aliases can make a small document expand enormously ("billion laughs"). */
#define YAMLJSON_MAX_NODES 1000000
static _Thread_local size_t nodes_seen;

json_t *yamljson_node(yaml_document_t *doc, yaml_node_t *node, const char *name,
		      int depth, char **err)
{
	if (depth == 0)
		nodes_seen = 0;
	if (++nodes_seen > YAMLJSON_MAX_NODES) {
		*err = xasprintf("%s:%zu:%zu: document expands to more than %d nodes", name,
				 node->start_mark.line + 1, node->start_mark.column + 1,
				 YAMLJSON_MAX_NODES);
		return NULL;
	}
	if (depth > YAMLJSON_MAX_DEPTH) {
		*err = xasprintf("%s:%zu:%zu: nested deeper than %d levels", name,
				 node->start_mark.line + 1, node->start_mark.column + 1,
				 YAMLJSON_MAX_DEPTH);
		return NULL;
	}
	switch (node->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)node->data.scalar.value;
		if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			return plain_scalar(s);
		return json_stringn(s, node->data.scalar.length);
	}
	case YAML_SEQUENCE_NODE: {
		json_t *a = json_array();
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     it < node->data.sequence.items.top; it++) {
			json_t *v = yamljson_node(doc, yaml_document_get_node(doc, *it), name, depth + 1, err);
			if (!v) {
				json_decref(a);
				return NULL;
			}
			json_array_append_new(a, v);
		}
		return a;
	}
	case YAML_MAPPING_NODE: {
		json_t *o = json_object();
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		     p < node->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			const char *key = yamljson_scalar(k);
			if (!key) {
				*err = xasprintf("%s:%zu:%zu: mapping keys must be scalars", name,
						 k->start_mark.line + 1, k->start_mark.column + 1);
				json_decref(o);
				return NULL;
			}
			if (json_object_get(o, key)) {
				*err = xasprintf("%s:%zu:%zu: duplicate key '%s'", name,
						 k->start_mark.line + 1, k->start_mark.column + 1, key);
				json_decref(o);
				return NULL;
			}
			json_t *v = yamljson_node(doc, yaml_document_get_node(doc, p->value), name, depth + 1, err);
			if (!v) {
				json_decref(o);
				return NULL;
			}
			json_object_set_new(o, key, v);
		}
		return o;
	}
	default:
		return json_null();
	}
}

json_t *yamljson_parse(const char *text, size_t len, const char *name, char **err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	json_t *out = NULL;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		*err = xasprintf("%s:%zu:%zu: %s%s%s", name,
				 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
				 parser.problem ? parser.problem : "invalid YAML",
				 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	yaml_node_t *rootn = yaml_document_get_root_node(&doc);
	out = rootn ? yamljson_node(&doc, rootn, name, 0, err) : json_null();
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return out;
}
