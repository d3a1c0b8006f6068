/*
 * yamljson: YAML text or nodes to jansson values, with positions.
 *
 * One walker serves two dialects.  The core dialect (definitions,
 * waivers) resolves plain scalars with the YAML 1.2 core schema (true,
 * false, null, ~, integers, floats) and refuses repeated keys.  A caller
 * that must read YAML the way a Go program does (the kubelet's
 * sigs.k8s.io/yaml: YAML 1.1 booleans, last key wins, keys as text) passes
 * its own dialect.  Quoted scalars are always strings.  Aliases are
 * expanded, and a document that nests or expands beyond the dialect's
 * limits, in nodes or in bytes, is refused before it is expanded ("billion
 * laughs").
 */
#ifndef BOXAUDIT_YAMLJSON_H
#define BOXAUDIT_YAMLJSON_H

#include <yaml.h>
#include <jansson.h>
#include "base/limits.h"


struct yamljson_dialect {
	json_t *(*plain)(const char *s);	/* a plain scalar's value (new reference) */
	int last_key_wins;	/* a repeated key replaces the earlier one, else it is an error */
	int keys_as_text;	/* plain keys like true or 010 become the text of their value */
	int reject_merge_keys;	/* "<<" is an error */
	int quote_name;		/* messages say 'NAME':LINE:COL rather than NAME:LINE:COL */
	size_t max_nodes;	/* nodes produced, each alias use counted */
	size_t max_bytes;	/* text produced, each alias use counted */
	int max_depth;
};

/* YAML 1.2 core, repeated keys refused. */
extern const struct yamljson_dialect yamljson_core;

/*
 * Parse text (len bytes) as one YAML document into a new JSON value.  An
 * empty document gives json_null().  On error return NULL and set *err to
 * "NAME:LINE:COLUMN: problem" (1-based).
 */
json_t *yamljson_parse(const char *text, size_t len, const char *name, char **err);
json_t *yamljson_parse_dialect(const char *text, size_t len, const char *name,
			       const struct yamljson_dialect *d, char **err);

/* Convert one node of a loaded document, core dialect (new reference, NULL with *err). */
json_t *yamljson_node(yaml_document_t *doc, yaml_node_t *node, const char *name,
		      int depth, char **err);

/*
 * The expansion budget of a loaded document: every alias expanded as
 * often as it is used, the document must stay within max_bytes of text
 * and max_nodes nodes, and no alias may refer to a node containing it.
 * The sizes are computed once per node (aliases share nodes in libyaml's
 * document), so checking costs no more than the file itself.  0, or -1
 * with *err = "NAME:LINE:COL: ..." naming where the aliases pile up.
 */
int yamljson_check_budget(yaml_document_t *doc, const char *name, int quote,
			  size_t max_bytes, size_t max_nodes, char **err);

/* The scalar's text or NULL when node is not a scalar (borrowed). */
const char *yamljson_scalar(const yaml_node_t *node);

#endif
