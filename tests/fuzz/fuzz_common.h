/*
 * Helpers shared by the libFuzzer targets (not part of boxaudit).
 *
 * Several targets take more than one input (a command line and a file, a
 * unit and its drop-in): the fuzz input is split into parts at lines that
 * are exactly FUZZ_SEP ("#@file"), so that seeds stay readable.
 */
#ifndef BOXAUDIT_FUZZ_COMMON_H
#define BOXAUDIT_FUZZ_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_SEP "#@file"

struct fuzz_part {
	char *text;	/* NUL-terminated copy (may hold earlier NULs); caller frees */
	size_t len;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of len bytes. */
static inline char *fuzz_dup(const void *p, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		abort();
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/*
 * Split data at FUZZ_SEP lines into at most max parts (the last part takes
 * the rest, separators included).  Returns the number of parts (>= 1).
 */
static inline size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts, size_t max)
{
	const char *s = (const char *)data, *end = s + size, *start = s;
	const size_t seplen = sizeof(FUZZ_SEP) - 1;
	size_t n = 0;
	const char *line = s;
	while (n + 1 < max && line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end;
		if ((size_t)(le - line) == seplen && !memcmp(line, FUZZ_SEP, seplen)) {
			parts[n].text = fuzz_dup(start, (size_t)(line - start));
			parts[n].len = (size_t)(line - start);
			n++;
			start = nl ? nl + 1 : end;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	parts[n].text = fuzz_dup(start, (size_t)(end - start));
	parts[n].len = (size_t)(end - start);
	return n + 1;
}

static inline void fuzz_parts_free(struct fuzz_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i].text);
}

#endif
