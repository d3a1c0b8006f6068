#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

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

char *jstr_brief(const json_t *v)
{
	if (!v || json_is_null(v))
		return xstrdup("(none)");
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_object(v) && json_object_get(v, "value") && json_object_size(v) > 1) {
		char *out = jstr_brief(json_object_get(v, "value"));
		const char *sep = " (";
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			if (!strcmp(k, "value"))
				continue;
			char *b = jstr_brief(x);
			char *n = xasprintf("%s%s%s=%s", out, sep, k, b);
			free(b);
			free(out);
			out = n;
			sep = ", ";
		}
		char *n = xasprintf("%s)", out);
		free(out);
		return n;
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	char *r = xstrdup(s ? s : "?");
	free(s);
	return r;
}
