/*
 * defs/loader.h: what the definition loader's files share, and nothing
 * else includes.
 *
 *	yaml.c     nodes, keys and positioned errors of one YAML file
 *	expr.c     expressions (checks/README.md "Expressions")
 *	rules.c    the rule library
 *	bench.c    benchmark files
 *	load.c     files and directories
 *	resolve.c  extends, renumber, add, change, remove; binding checks to rules
 */
#ifndef BOXAUDIT_DEFS_LOADER_H
#define BOXAUDIT_DEFS_LOADER_H

#include <yaml.h>
#include "defs/defs.h"

/* Loading state for one file. */
struct loader {
	struct defs *d;
	const char *file;
	yaml_document_t doc;
};

/* yaml.c */
/* Add "FILE:LINE:COL: message" (taken over) to d->errors, up to DEFS_MAX_ERRORS. */
void defs_add_error(struct defs *d, char *msg);
/* Record an error at node n; returns -1. */
int loader_error(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
yaml_node_t *loader_node(struct loader *l, int idx);
yaml_node_t *loader_map_get(struct loader *l, yaml_node_t *m, const char *key);
int loader_check_keys(struct loader *l, yaml_node_t *m, const char *what,
		      const char *const *allowed);
int loader_get_str(struct loader *l, yaml_node_t *m, const char *key, int required,
		   char **out);
int loader_get_json(struct loader *l, yaml_node_t *n, json_t **out);
int loader_status_word(struct loader *l, yaml_node_t *n, enum status *out);

/* expr.c */
int defs_valid_mode(const char *s);
struct expr *expr_parse(struct loader *l, yaml_node_t *n, int depth);
void expr_free(struct expr *e);

/* names.c: indexed by enum target_kind, NULL-terminated */
extern const char *const target_names[];

/* rules.c */
int rules_parse_library(struct loader *l, yaml_node_t *seq);
void rule_free(struct rule *r);

/* fix.c: a rule's fix block, checked and kept as JSON in *out */
int fix_parse(struct loader *l, yaml_node_t *n, json_t **out);

/* bench.c */
int bench_parse(struct loader *l, yaml_node_t *rootn);

/* platform.c, component.c */
int platform_parse(struct loader *l, yaml_node_t *rootn);
void platform_free(struct platform *p);
int component_parse(struct loader *l, yaml_node_t *rootn);
void component_free(struct component *c);

/* resolve.c */
void check_release(struct check *c);

/* load.c: a benchmark and everything it owns (its checks too). */
void benchmark_free(struct benchmark *b);

#endif
