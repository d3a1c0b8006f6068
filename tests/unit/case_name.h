/*
 * case_name: a table-driven test names a failing case by what defines it
 * (its input, C-escaped and cut at 60 bytes, in quotes), not by its index.
 * The string is static: use it before the next call.
 */
#ifndef BOXAUDIT_TEST_CASE_NAME_H
#define BOXAUDIT_TEST_CASE_NAME_H

#include <stdio.h>
#include <string.h>

static inline const char *case_name(const char *s)
{
	static char out[300];
	size_t n = 0;
	if (!s)
		return "(null)";
	out[n++] = '"';
	for (size_t i = 0; s[i] && n < sizeof(out) - 8; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == 60) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (c == '\n')
			out[n++] = '\\', out[n++] = 'n';
		else if (c == '"' || c == '\\')
			out[n++] = '\\', out[n++] = (char)c;
		else if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	out[n++] = '"';
	out[n] = '\0';
	return out;
}

#endif
