/*
 * base/jarena.c: a bump allocator under jansson's allocation hooks (jarena.h).
 */
#include "config.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "base/jarena.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define CHUNK (1u << 20)
#define ALIGN 16

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(ALIGN) unsigned char data[];
};

struct jarena {
	struct chunk *chunks;	/* newest first; the last one is kept by reset */
};

/* The arena this thread loads into now; NULL: jansson allocates with malloc as usual. */
static _Thread_local struct jarena *loading;
static pthread_once_t hooked = PTHREAD_ONCE_INIT;

static void *arena_malloc(size_t n);
static void arena_free(void *p);

static void hook(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
}

static struct chunk *chunk_new(size_t size, struct chunk *next)
{
	struct chunk *c = xmalloc(sizeof(*c) + size);
	c->next = next;
	c->used = 0;
	c->size = size;
	return c;
}

static void *arena_malloc(size_t n)
{
	if (!loading)
		return malloc(n);
	struct jarena *a = loading;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n > CHUNK / 4) {
		/* A long string: its own chunk, behind the current one. */
		struct chunk *big = chunk_new(n, a->chunks->next);
		a->chunks->next = big;
		big->used = n;
		return big->data;
	}
	if (a->chunks->size - a->chunks->used < n)
		a->chunks = chunk_new(CHUNK, a->chunks);
	void *p = a->chunks->data + a->chunks->used;
	a->chunks->used += n;
	return p;
}

static void arena_free(void *p)
{
	/* While loading, a freed temporary stays in the arena until reset. */
	if (!loading)
		free(p);
}

struct jarena *jarena_new(void)
{
	pthread_once(&hooked, hook);
	struct jarena *a = xcalloc(1, sizeof(*a));
	a->chunks = chunk_new(CHUNK, NULL);
	return a;
}

json_t *jarena_loadb(struct jarena *a, const char *data, size_t len, size_t flags, json_error_t *e)
{
	loading = a;
	json_t *doc = json_loadb(data, len, flags, e);
	loading = NULL;
	return doc;
}

void jarena_reset(struct jarena *a)
{
	while (a->chunks->next) {
		struct chunk *c = a->chunks;
		a->chunks = c->next;
		free(c);
	}
	a->chunks->used = 0;
}

void jarena_free(struct jarena *a)
{
	if (!a)
		return;
	jarena_reset(a);
	free(a->chunks);
	free(a);
}
