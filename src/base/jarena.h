/*
 * jarena: JSON documents parsed into an arena, freed all at once.
 *
 * Merging 10,000 host reports parses 1.5 GB of JSON into millions of small
 * values, each freed again a moment later; with malloc that costs a third
 * of the time.  Here a document's values are carved out of large chunks
 * and released together by jarena_reset().  The rule that makes it safe:
 * a value of an arena document is never decref'd and never kept (copy
 * what you keep: json_deep_copy, xstrdup).  Each thread loads into its
 * own arena; an arena is used by one thread at a time.
 */
#ifndef BOXAUDIT_JARENA_H
#define BOXAUDIT_JARENA_H

#include <stddef.h>
#include <jansson.h>

struct jarena;

/* A new arena; the first also installs the allocation hooks (json_set_alloc_funcs). */
struct jarena *jarena_new(void);
/* json_loadb into the arena: the document (borrowed) lives until jarena_reset. */
json_t *jarena_loadb(struct jarena *a, const char *data, size_t len, size_t flags, json_error_t *e);
/* Every document loaded is gone; the first chunk is kept for the next. */
void jarena_reset(struct jarena *a);
void jarena_free(struct jarena *a);

#endif
