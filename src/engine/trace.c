#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "engine/internal.h"
#include "base/xalloc.h"
#include "base/banned.h"

void trace_entry_release(struct trace_entry *e)
{
	free(e->target);
	free(e->subject);
	json_decref(e->actual);
	free(e->expected);
	free(e->source);
	free(e->note);
}

void trace_release(struct trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		trace_entry_release(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* Remove entries [from, to) of t. */
void trace_drop(struct trace *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		trace_entry_release(&t->v[i]);
	memmove(t->v + from, t->v + to, (t->n - to) * sizeof(*t->v));
	t->n -= to - from;
}

struct trace_entry *trace_add(struct ev *ev, const char *target, const char *subject)
{
	ALLOC_GROW(ev->trace->v, ev->trace->n + 1, ev->trace->alloc);
	struct trace_entry *e = &ev->trace->v[ev->trace->n++];
	memset(e, 0, sizeof(*e));
	e->target = xstrdup(target);
	e->subject = xasprintf("%s%s", ev->prefix ? ev->prefix : "", subject);
	e->negated = ev->negated;
	return e;
}

enum status status_invert(enum status s)
{
	return s == ST_PASS ? ST_FAIL : s == ST_FAIL ? ST_PASS : s;
}

enum status trace_shown(const struct trace_entry *e)
{
	return e->negated ? status_invert(e->status) : e->status;
}
