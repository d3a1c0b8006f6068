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
	/* An empty string is shown, not left as a blank a reader cannot see. */
	if (json_is_string(v))
		return xstrdup(json_string_length(v) ? json_string_value(v) : "(empty)");
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

/* Length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
		return 0;	/* overlong, or a surrogate */
	if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
		return 0;
	return n;
}

char *jstr_terminal(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char *out = xmalloc(strlen((const char *)p) * 4 + 1), *o = out;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);
		/* C0 controls, DEL, C1 controls (U+0080-U+009F), and bytes that are not UTF-8. */
		int bad = n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)) ||
			  (n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
		if (!bad) {
			memcpy(o, p, n);
			o += n;
			p += n;
			continue;
		}
		for (size_t i = 0; i < (n ? n : 1); i++) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[p[i] >> 4];
			*o++ = hex[p[i] & 15];
		}
		p += n ? n : 1;
	}
	*o = '\0';
	return out;
}

int jstr_array_has(const json_t *a, const char *s)
{
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
		if (json_is_string(e) && !strcmp(json_string_value(e), s))
			return 1;
	return 0;
}

char *jstr_array_join(const json_t *a, const char *sep)
{
	size_t len = 1, n = 0, i;
	json_t *e;
	json_array_foreach(a, i, e)
		if (json_is_string(e))
			len += json_string_length(e) + (n++ ? strlen(sep) : 0);
	char *out = xmalloc(len), *p = out;
	n = 0;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e))
			continue;
		if (n++) {
			memcpy(p, sep, strlen(sep));
			p += strlen(sep);
		}
		memcpy(p, json_string_value(e), json_string_length(e));
		p += json_string_length(e);
	}
	*p = '\0';
	return out;
}
