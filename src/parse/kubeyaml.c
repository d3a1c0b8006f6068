#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "parse/kubeyaml.h"
#include "base/yamljson.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* ---- YAML to JSON ---------------------------------------------------- */

static int is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* A plain scalar resolved as go-yaml v2 does (YAML 1.1). */
static json_t *resolve_plain(const char *s)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"y", "Y", "yes", "Yes", "YES", "true", "True",
					    "TRUE", "on", "On", "ON", NULL};
	static const char *const falses[] = {"n", "N", "no", "No", "NO", "false", "False",
					     "FALSE", "off", "Off", "OFF", NULL};
	if (is_one_of(s, nulls))
		return json_null();
	if (is_one_of(s, trues))
		return json_true();
	if (is_one_of(s, falses))
		return json_false();
	if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.'))
		return json_string(s);
	/* integers: underscores dropped, base prefixes as strconv.ParseInt(s, 0, 64) */
	size_t n = strlen(s);
	char *plain = xmalloc(n + 1), *q = plain;
	for (const char *p = s; *p; p++)
		if (*p != '_')
			*q++ = *p;
	*q = 0;
	const char *digits = plain + (*plain == '-' || *plain == '+');
	if (isdigit((unsigned char)*digits)) {
		char *end;
		errno = 0;
		long long v;
		if (digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B'))
			v = strtoll(digits + 2, &end, 2), v = *plain == '-' ? -v : v;
		else
			v = strtoll(plain, &end, 0);
		if (!errno && !*end && end != plain) {
			free(plain);
			return json_integer(v);
		}
	}
	free(plain);
	/* floats: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
	const char *p = s + (*s == '-' || *s == '+');
	int ok = 0;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++, ok = 1;
	} else {
		while (isdigit((unsigned char)*p))
			p++, ok = 1;
		if (ok && *p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (ok && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!isdigit((unsigned char)*p))
			ok = 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (ok && !*p) {
		double d = strtod(s, NULL);
		/* encoding/json writes an integral float64 without a fraction */
		if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(long long)d)
			return json_integer((json_int_t)d);
		if (d == d && d - d == 0)	/* finite: JSON has no inf or nan */
			return json_real(d);
	}
	return json_string(s);
}

/* YAML as the kubelet reads it (sigs.k8s.io/yaml over go-yaml v2). */
static const struct yamljson_dialect kube_yaml = {
	.plain = resolve_plain, .last_key_wins = 1, .keys_as_text = 1,
	.reject_merge_keys = 1, .quote_name = 1, .max_nodes = KUBE_YAML_MAX_NODES, .max_depth = YAMLJSON_MAX_DEPTH,
	.max_bytes = KUBE_YAML_MAX_BYTES,
};

json_t *kube_yaml_to_json(const char *text, size_t len, const char *name, char **err)
{
	return yamljson_parse_dialect(text, len, name, &kube_yaml, err);
}

json_t *kube_merge_patch(json_t *target, json_t *patch)
{
	if (!json_is_object(patch))
		return json_deep_copy(patch);
	json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(out, k);
		} else {
			json_t *merged = kube_merge_patch(json_object_get(out, k), v);
			json_object_set_new(out, k, merged);
		}
	}
	return out;
}

json_t *kube_get_path(json_t *obj, const char *path)
{
	const char *p = path;
	while (obj && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!json_is_object(obj))
			return NULL;
		char *seg = xstrndup(p, n);
		obj = json_object_get(obj, seg);
		free(seg);
		p += n + (dot ? 1 : 0);
	}
	return obj;
}

/* ---- version -------------------------------------------------------- */

char *kube_version_scan(const char *data, size_t len)
{
	struct cand {
		unsigned minor, patch, count;
	} c[64];
	size_t nc = 0;
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), "v1.", 3);
		if (!hit)
			break;
		p = hit + 3;
		char prev = hit > data ? hit[-1] : 0;
		if (prev == '\t' || prev == '@' || prev == '/')
			continue;
		const char *q = p;
		unsigned minor = 0, patch = 0;
		int nd = 0;
		while (q < end && isdigit((unsigned char)*q) && nd < 3)
			minor = minor * 10 + (unsigned)(*q++ - '0'), nd++;
		if (nd == 0 || nd > 2 || q >= end || *q != '.')
			continue;
		q++;
		nd = 0;
		while (q < end && isdigit((unsigned char)*q) && nd < 4)
			patch = patch * 10 + (unsigned)(*q++ - '0'), nd++;
		if (nd == 0 || nd > 3 || (q < end && (isdigit((unsigned char)*q) || *q == '.')))
			continue;
		if (minor < 10 || minor > 69)
			continue;
		size_t i;
		for (i = 0; i < nc; i++)
			if (c[i].minor == minor && c[i].patch == patch)
				break;
		if (i == nc) {
			if (nc == 64)
				continue;
			c[nc++] = (struct cand){minor, patch, 0};
		}
		c[i].count++;
	}
	if (!nc)
		return NULL;
	size_t best = 0;
	for (size_t i = 1; i < nc; i++)
		if (c[i].count > c[best].count ||
		    (c[i].count == c[best].count &&
		     (c[i].minor > c[best].minor ||
		      (c[i].minor == c[best].minor && c[i].patch > c[best].patch))))
			best = i;
	return xasprintf("1.%u.%u", c[best].minor, c[best].patch);
}
