/*
 * xalloc: allocation that never returns NULL.
 *
 * Running out of memory is decided once, here: boxaudit prints a message
 * and exits with status 2.  Every other module may assume success.
 */
#ifndef BOXAUDIT_XALLOC_H
#define BOXAUDIT_XALLOC_H

#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
/* Out of memory for n bytes, reported by a library that allocates itself (pcre2): exit 2. */
void xalloc_die(size_t n) __attribute__((noreturn));
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Formatted string in a new allocation the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow *p (holding *alloc elements) so that it can hold at least n. */
#define ALLOC_GROW(p, n, alloc) do { \
	if ((size_t)(n) > (alloc)) { \
		size_t alloc_new_ = (alloc) ? (alloc) * 2 : 8; \
		while (alloc_new_ < (size_t)(n)) alloc_new_ *= 2; \
		(p) = xrealloc((p), alloc_new_ * sizeof(*(p))); \
		(alloc) = alloc_new_; \
	} \
} while (0)

#endif
