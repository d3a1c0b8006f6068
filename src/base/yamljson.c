#include "config.h"
#include <stdint.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/yamljson.h"
#include "base/xalloc.h"
#include "base/banned.h"

const char *yamljson_scalar(const yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

/* A plain scalar by the YAML 1.2 core schema. */
static json_t *core_plain(const char *s)
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

const struct yamljson_dialect yamljson_core = {
	.plain = core_plain, .max_nodes = YAMLJSON_MAX_NODES, .max_depth = YAMLJSON_MAX_DEPTH,
	.max_bytes = YAMLJSON_MAX_BYTES,
};

struct walk {
	yaml_document_t *doc;
	const struct yamljson_dialect *d;
	const char *name;
	size_t budget;
	char *err;
};

__attribute__((format(printf, 3, 4)))
static json_t *fail_at(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	const char *q = w->d->quote_name ? "'" : "";
	w->err = xasprintf("%s%s%s:%zu:%zu: %s", q, w->name, q, n->start_mark.line + 1,
			   n->start_mark.column + 1, m);
	free(m);
	return NULL;
}

/* The key text of a mapping key node, or NULL (w->err set). */
static char *key_text(struct walk *w, yaml_node_t *kn)
{
	const char *ks = yamljson_scalar(kn);
	if (!ks) {
		fail_at(w, kn, "mapping key is not a scalar");
		return NULL;
	}
	int plain = kn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (plain && w->d->reject_merge_keys && !strcmp(ks, "<<")) {
		fail_at(w, kn, "merge keys (<<) are not supported");
		return NULL;
	}
	if (plain && w->d->keys_as_text) {
		/* sigs.k8s.io/yaml turns non-string keys into their text. */
		json_t *k = w->d->plain(ks);
		char *t = NULL;
		if (json_is_true(k))
			t = xstrdup("true");
		else if (json_is_false(k))
			t = xstrdup("false");
		else if (json_is_null(k))
			t = xstrdup("null");
		else if (json_is_integer(k))
			t = xasprintf("%lld", (long long)json_integer_value(k));
		json_decref(k);
		if (t)
			return t;
	}
	return xstrndup(ks, kn->data.scalar.length);
}

static json_t *walk_node(struct walk *w, yaml_node_t *node, int depth)
{
	if (!node) {
		const char *q = w->d->quote_name ? "'" : "";
		w->err = xasprintf("%s%s%s: dangling node", q, w->name, q);
		return NULL;
	}
	if (w->budget == 0)
		return fail_at(w, node, "document too deep or too large: it expands to more than %zu nodes", w->d->max_nodes);
	if (depth > w->d->max_depth)
		return fail_at(w, node, "document too deep or too large: nested deeper than %d levels", w->d->max_depth);
	w->budget--;
	switch (node->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)node->data.scalar.value;
		/* A NUL inside a plain scalar keeps it text, whole. */
		if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || strlen(s) != node->data.scalar.length)
			return json_stringn(s, node->data.scalar.length);
		return w->d->plain(s);
	}
	case YAML_SEQUENCE_NODE: {
		json_t *a = json_array();
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     it < node->data.sequence.items.top; it++) {
			json_t *v = walk_node(w, yaml_document_get_node(w->doc, *it), depth + 1);
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
			yaml_node_t *kn = yaml_document_get_node(w->doc, p->key);
			char *key = kn ? key_text(w, kn) : NULL;
			if (!key) {
				if (!w->err)
					fail_at(w, node, "mapping key is missing");
				json_decref(o);
				return NULL;
			}
			if (!w->d->last_key_wins && json_object_get(o, key)) {
				fail_at(w, kn, "duplicate key '%s'", key);
				free(key);
				json_decref(o);
				return NULL;
			}
			json_t *v = walk_node(w, yaml_document_get_node(w->doc, p->value), depth + 1);
			if (!v) {
				free(key);
				json_decref(o);
				return NULL;
			}
			json_object_set_new(o, key, v);
			free(key);
		}
		return o;
	}
	default:
		return json_null();
	}
}

json_t *yamljson_node(yaml_document_t *doc, yaml_node_t *node, const char *name,
		      int depth, char **err)
{
	struct walk w = { doc, &yamljson_core, name, yamljson_core.max_nodes, NULL };
	json_t *v = walk_node(&w, node, depth);
	if (!v)
		*err = w.err;
	return v;
}

/* ---- the expansion budget ---- */

struct sizing {
	yaml_document_t *doc;
	size_t *bytes, *nodes;	/* per node index (1-based), expanded */
	unsigned char *state;	/* 0 unseen, 1 being sized, 2 done */
	int cycle;
};

/* Expanded size of node idx: bytes of text (plus a little per node) and nodes, saturating. */
static void size_of(struct sizing *z, int idx, int depth)
{
	yaml_node_t *n = yaml_document_get_node(z->doc, idx);
	if (!n || z->cycle)
		return;
	if (z->state[idx] == 2)
		return;
	if (z->state[idx] == 1 || depth > YAMLJSON_MAX_DEPTH * 4) {
		z->cycle = 1;
		return;
	}
	z->state[idx] = 1;
	size_t b = 8, c = 1;
#define ADD(x, y) ((x) > SIZE_MAX - (y) ? SIZE_MAX : (x) + (y))
	if (n->type == YAML_SCALAR_NODE) {
		b = ADD(b, n->data.scalar.length);
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			size_of(z, *it, depth + 1);
			b = ADD(b, z->bytes[*it]);
			c = ADD(c, z->nodes[*it]);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			size_of(z, p->key, depth + 1);
			size_of(z, p->value, depth + 1);
			b = ADD(ADD(b, z->bytes[p->key]), z->bytes[p->value]);
			c = ADD(ADD(c, z->nodes[p->key]), z->nodes[p->value]);
		}
	}
#undef ADD
	z->bytes[idx] = b;
	z->nodes[idx] = c;
	z->state[idx] = 2;
}

int yamljson_check_budget(yaml_document_t *doc, const char *name, int quote,
			  size_t max_bytes, size_t max_nodes, char **err)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root)
		return 0;
	size_t count = (size_t)(doc->nodes.top - doc->nodes.start);
	struct sizing z = {
		doc, xcalloc(count + 1, sizeof(size_t)), xcalloc(count + 1, sizeof(size_t)),
		xcalloc(count + 1, 1), 0,
	};
	size_of(&z, 1, 0);
	const char *q = quote ? "'" : "";
	int rc = 0;
	if (z.cycle) {
		*err = xasprintf("%s%s%s:%zu:%zu: a YAML alias refers to a node that contains it",
				 q, name, q, root->start_mark.line + 1, root->start_mark.column + 1);
		rc = -1;
	} else if (z.bytes[1] > max_bytes || z.nodes[1] > max_nodes) {
		/* Name the innermost node that is over the budget by itself: where the aliases pile up. */
		int at = 1;
		for (int moved = 1; moved;) {
			moved = 0;
			yaml_node_t *n = yaml_document_get_node(doc, at);
			int kids[2] = {0, 0};
			if (n->type == YAML_SEQUENCE_NODE) {
				for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top && !moved; it++)
					if (z.bytes[*it] > max_bytes || z.nodes[*it] > max_nodes)
						at = *it, moved = 1;
			} else if (n->type == YAML_MAPPING_NODE) {
				for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !moved; p++) {
					kids[0] = p->key;
					kids[1] = p->value;
					for (int k = 0; k < 2 && !moved; k++)
						if (z.bytes[kids[k]] > max_bytes || z.nodes[kids[k]] > max_nodes)
							at = kids[k], moved = 1;
				}
			}
		}
		yaml_node_t *n = yaml_document_get_node(doc, at);
		*err = xasprintf("%s%s%s:%zu:%zu: document too deep or too large: it expands (through YAML aliases) to more than "
				 "%zu bytes or %zu nodes", q, name, q, n->start_mark.line + 1,
				 n->start_mark.column + 1, max_bytes, max_nodes);
		rc = -1;
	}
	free(z.bytes);
	free(z.nodes);
	free(z.state);
	return rc;
}

json_t *yamljson_parse_dialect(const char *text, size_t len, const char *name,
			       const struct yamljson_dialect *d, char **err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	json_t *out = NULL;
	const char *q = d->quote_name ? "'" : "";

	*err = NULL;
	if (!yaml_parser_initialize(&parser)) {
		*err = xasprintf("%s%s%s: cannot initialise the yaml parser", q, name, q);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		*err = xasprintf("%s%s%s:%zu:%zu: %s%s%s", q, name, q,
				 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
				 parser.context ? parser.context : "", parser.context ? " " : "",
				 parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return NULL;
	}
	/* Only the first document counts, as for a Go decoder. */
	yaml_node_t *rootn = yaml_document_get_root_node(&doc);
	if (!rootn) {
		out = json_null();
	} else if (yamljson_check_budget(&doc, name, d->quote_name, d->max_bytes, d->max_nodes, err) < 0) {
		out = NULL;
	} else {
		struct walk w = { &doc, d, name, d->max_nodes, NULL };
		out = walk_node(&w, rootn, 0);
		if (!out)
			*err = w.err;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return out;
}

json_t *yamljson_parse(const char *text, size_t len, const char *name, char **err)
{
	return yamljson_parse_dialect(text, len, name, &yamljson_core, err);
}
