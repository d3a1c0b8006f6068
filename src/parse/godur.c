#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "parse/godur.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define MAX_DUR ((uint64_t)1 << 63)	/* magnitude of the most negative duration */

static int fail(char **err, const char *what, const char *orig)
{
	if (err)
		*err = xasprintf("%s duration \"%s\"", what, orig);
	return -1;
}

static int fail_unit(char **err, const char *orig, const char *unit, size_t len)
{
	if (err)
		*err = xasprintf("unknown unit \"%.*s\" in duration \"%s\"", (int)len, unit, orig);
	return -1;
}

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	{"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000},
	{"ms", 1000000}, {"s", 1000000000ull}, {"m", 60000000000ull},
	{"h", 3600000000000ull},
};

int godur_parse(const char *orig, int64_t *ns, char **err)
{
	const char *s = orig;
	uint64_t d = 0;
	int neg = 0;

	if (err)
		*err = NULL;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return fail(err, "invalid", orig);
	while (*s) {
		uint64_t v = 0, f = 0;
		double scale = 1;
		int pre, post = 0, overflow = 0;

		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return fail(err, "invalid", orig);
		const char *start = s;
		while (*s >= '0' && *s <= '9') {
			if (v > (MAX_DUR - 1) / 10)	/* Go's leadingInt limit */
				return fail(err, "invalid", orig);
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > MAX_DUR)
				return fail(err, "invalid", orig);
			s++;
		}
		pre = s != start;
		if (*s == '.') {
			s++;
			start = s;
			/* Go's leadingFraction: digits beyond precision are dropped */
			while (*s >= '0' && *s <= '9') {
				if (!overflow) {
					if (f > (UINT64_MAX >> 1) / 10) {
						overflow = 1;
					} else {
						uint64_t y = f * 10 + (uint64_t)(*s - '0');
						if (y > MAX_DUR)
							overflow = 1;
						else {
							f = y;
							scale *= 10;
						}
					}
				}
				s++;
			}
			post = s != start;
		}
		if (!pre && !post)
			return fail(err, "invalid", orig);
		start = s;
		while (*s && *s != '.' && !(*s >= '0' && *s <= '9'))
			s++;
		if (s == start)
			return fail(err, "missing unit in", orig);
		size_t ulen = (size_t)(s - start);
		uint64_t unit = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].name) == ulen && memcmp(units[i].name, start, ulen) == 0)
				unit = units[i].ns;
		if (!unit)
			return fail_unit(err, orig, start, ulen);
		if (v > MAX_DUR / unit)
			return fail(err, "invalid", orig);
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > MAX_DUR)
				return fail(err, "invalid", orig);
		}
		d += v;
		if (d > MAX_DUR)
			return fail(err, "invalid", orig);
	}
	if (neg) {
		*ns = d == MAX_DUR ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > MAX_DUR - 1)
		return fail(err, "invalid", orig);
	*ns = (int64_t)d;
	return 0;
}
