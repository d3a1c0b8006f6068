/*
 * yamljson: YAML text or nodes to jansson values, with positions.
 *
 * Plain scalars are resolved with the YAML 1.2 core schema (true, false,
 * null, ~, integers, floats); quoted scalars are always strings.  Anchors
 * and aliases are expanded by libyaml; a document nesting deeper than
 * YAMLJSON_MAX_DEPTH is refused.
 */
#ifndef BOXAUDIT_YAMLJSON_H
#define BOXAUDIT_YAMLJSON_H

#include <yaml.h>
#include <jansson.h>

#define YAMLJSON_MAX_DEPTH 64

/*
 * Parse text (len bytes) as one YAML document into a new JSON value.
 * An empty document gives json_null().  On error return NULL and set *err
 * to "NAME:LINE:COLUMN: problem" (1-based).  Duplicate mapping keys are an
 * error.
 */
json_t *yamljson_parse(const char *text, size_t len, const char *name, char **err);

/* Convert one node of a loaded document (new reference, NULL with *err). */
json_t *yamljson_node(yaml_document_t *doc, yaml_node_t *node, const char *name,
		      int depth, char **err);

/* The scalar's text or NULL when node is not a scalar (borrowed). */
const char *yamljson_scalar(const yaml_node_t *node);

#endif
