#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "jstr.h"
#include "xalloc.h"
#include "banned.h"

char *jstr_text(const char *s)
{
	json_t *j = json_string(s);
	if (j) {
		json_decref(j);
		return xstrdup(s);
	}
	static const char hex[] = "0123456789abcdef";
	char *out = xmalloc(strlen(s) * 4 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			*o++ = (char)*p;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	char *t = jstr_text(s);
	j = json_string(t);
	free(t);
	return j ? j : json_string("");
}
