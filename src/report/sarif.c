/*
 * The SARIF 2.1.0 writer (docs/REPORTS.md "SARIF"), built with jansson:
 * one run, a rule per check, a result per failing (level error) or
 * erroring (level warning) finding.  Waived findings are left out: GitHub
 * code scanning shows suppressed results as open alerts.
 *
 * Each result has a physical location whenever a file decides it (the
 * file itself, the daemon.json, unit or kubelet configuration that set the
 * value, taken from the report's "context"), as a percent-encoded path
 * relative to the audited root under uriBaseId %SRCROOT%, so that code
 * scanning of an image root maps it onto the repository; and a logical
 * location (the daemon setting, kubelet field, container) always.
 */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include <curl/curl.h>
#include "report/report.h"
#include "report/xml.h"
#include "base/jstr.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define SRCROOT "%SRCROOT%"

/* "daemon.icc" -> "DaemonIcc": the rule's name as SARIF likes it. */
static char *pascal(const char *key)
{
	char *o = xmalloc(strlen(key) + 1), *q = o;
	int up = 1;
	for (const char *p = key; *p; p++) {
		if (*p == '.' || *p == '-' || *p == '_') {
			up = 1;
			continue;
		}
		*q++ = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		up = 0;
	}
	*q = '\0';
	return o;
}

/* A path inside the root as a relative URI reference: each segment percent-encoded (libcurl). */
static char *rel_uri(const char *path)
{
	struct buf b;
	buf_init(&b, strlen(path) * 3 + 16);
	const char *p = path;
	while (*p == '/')
		p++;
	int first = 1, ok = 1;
	while (*p && ok) {
		size_t n = strcspn(p, "/");
		if (n) {
			char *e = curl_easy_escape(NULL, p, (int)n);
			ok = e && buf_addf(&b, "%s%s", first ? "" : "/", e) == 0;
			curl_free(e);
			first = 0;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	if (!ok || !b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* file:///abs/root/ for originalUriBaseIds. */
static char *root_uri(const char *abs)
{
	if (abs[0] != '/')
		return NULL;
	if (!abs[1])
		return xstrdup("file:///");
	char *rel = rel_uri(abs);
	char *u = rel ? xasprintf("file:///%s/", rel) : NULL;
	free(rel);
	return u;
}

static const char *ctx_path(const json_t *doc, const char *name, int need_exists)
{
	const json_t *o = json_object_get(json_object_get(doc, "context"), name);
	if (need_exists && json_is_false(json_object_get(o, "exists")))
		return NULL;
	const char *p = json_string_value(json_object_get(o, "path"));
	return p && p[0] == '/' ? p : NULL;
}

/* The env file whose values carry flag, else NULL. */
static const char *env_file_with(const json_t *doc, const char *flag)
{
	const json_t *files = json_object_get(json_object_get(doc, "context"), "dockerd_env_files");
	const char *k;
	json_t *f;
	json_object_foreach((json_t *)files, k, f) {
		const char *vk;
		json_t *v;
		json_object_foreach(json_object_get(f, "values"), vk, v) {
			const char *s = json_string_value(v);
			if (s && strstr(s, flag))
				return json_string_value(json_object_get(f, "path"));
		}
	}
	return NULL;
}

static const char *deciding_path(const json_t *doc, const json_t *c, const json_t *f, const char *src,
				 const char *target, const char *kind);

/* The first rules file of an "audit:[FILE,...]" source (a new string), or NULL. */
static char *audit_file(const char *src)
{
	json_t *files = json_loads(src + 6, JSON_DECODE_ANY, NULL);
	const char *first = json_string_value(json_array_get(files, 0));
	char *p = first && first[0] == '/' ? xstrdup(first) : NULL;
	json_decref(files);
	return p;
}

/*
 * Which file decides a finding (a new string), or NULL (docs/REPORTS.md
 * "SARIF"): the file judged, the file that set the value, else the file
 * where the setting belongs (daemon.json, the kubelet's --config, the
 * unit, /etc/fstab for mounts).  Containers and images have none.
 */
static char *deciding_file(const json_t *doc, const json_t *c, const json_t *f)
{
	const char *src = report_str(f, "source"), *target = report_str(f, "target");
	const char *kind = report_str(c, "target");
	/* (Said first: a check of 10,000 containers would search its findings for each.) */
	if (!strcmp(kind, "container") || !strcmp(kind, "image"))
		return NULL;
	if (!strncmp(src, "audit:[", 7)) {
		char *a = audit_file(src);
		if (a)
			return a;
	}
	/* Another finding of the check read the audit rules: they decide this one too. */
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(c, "findings"), i, o) {
		const char *os = report_str(o, "source");
		char *a = strncmp(os, "audit:[", 7) ? NULL : audit_file(os);
		if (a)
			return a;
	}
	if (!strncmp(src, "facts:mounts", 12))
		return xstrdup("/etc/fstab");
	const char *p = deciding_path(doc, c, f, src, target, kind);
	return p ? xstrdup(p) : NULL;
}

static const char *deciding_path(const json_t *doc, const json_t *c, const json_t *f, const char *src,
				 const char *target, const char *kind)
{
	(void)c;
	(void)f;
	int kubelet = !strcmp(kind, "kubelet");
	if (!strncmp(src, "stat:", 5) && src[5] == '/')
		return src + 5;
	if (!strncmp(src, "config:", 7) && src[7] == '/')
		return src + 7;
	if (!strncmp(src, "dropin:", 7) && src[7] == '/')
		return src + 7;
	if (!strncmp(src, "daemon.json:", 12))
		return ctx_path(doc, "daemon_json", 0);
	if (!strncmp(src, "argv:", 5)) {
		const char *env = kubelet ? NULL : env_file_with(doc, src + 5);
		return env ? env : ctx_path(doc, kubelet ? "kubelet_unit" : "dockerd_unit", 1);
	}
	if (!strncmp(src, "default", 7) || !strncmp(src, "facts:", 6)) {
		if (kubelet)
			return ctx_path(doc, "kubelet_config_file", 1) ? ctx_path(doc, "kubelet_config_file", 1) :
									   ctx_path(doc, "kubelet_unit", 1);
		if (!strcmp(kind, "daemon"))
			return ctx_path(doc, "daemon_json", 1) ? ctx_path(doc, "daemon_json", 1) :
								 ctx_path(doc, "dockerd_unit", 1);
	}
	if ((!strcmp(kind, "file") || !strcmp(kind, "host")) && target[0] == '/')
		return target;
	return NULL;
}

/* FNV-1a, 64 bits: a stable key for a finding across runs (not a security hash). */
static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

static json_t *text_obj(const char *s)
{
	char *c = report_xml_clean(s);
	json_t *o = json_pack("{s:o}", "text", jstr(c));
	free(c);
	return o;
}

static char *rule_id(const json_t *c)
{
	return xasprintf("%s:%s", report_str(c, "benchmark"), report_str(c, "id"));
}

static json_t *rule_json(const json_t *doc, const json_t *c)
{
	char *id = rule_id(c), *name = pascal(report_str(c, "rule"));
	char *shorttext = xasprintf("%s %s", report_str(c, "id"), report_str(c, "title"));
	const char *desc = report_str(c, "description");
	const char *benchtitle = "";
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(doc, "benchmarks"), i, b)
		if (!strcmp(report_str(b, "id"), report_str(c, "benchmark")))
			benchtitle = report_str(b, "title");
	json_t *tags = json_pack("[s,s]", "security", "compliance");
	json_t *r = json_pack("{s:o,s:o,s:o,s:o,s:o,s:{s:s},s:{s:o,s:s,s:s,s:I,s:s,s:s,s:s}}",
		"id", jstr(id), "name", jstr(name), "shortDescription", text_obj(shorttext),
		"fullDescription", text_obj(*desc ? desc : report_str(c, "title")),
		"help", text_obj(report_str(c, "remediation")),
		"defaultConfiguration", "level", "error",
		"properties", "tags", tags, "benchmark", report_str(c, "benchmark"),
		"benchmark_title", benchtitle, "cis_level", json_integer_value(json_object_get(c, "level")),
		"assessment", report_str(c, "assessment"), "evaluation", report_str(c, "evaluation"),
		"boxaudit_rule", report_str(c, "rule"));
	if (json_object_get(c, "unverified"))
		json_object_set(json_object_get(r, "properties"), "unverified", json_object_get(c, "unverified"));
	const json_t *refs = json_object_get(c, "references");
	json_array_foreach(refs, i, b) {
		const char *s = json_string_value(b);
		if (s && !strncmp(s, "https://", 8)) {
			json_object_set_new(r, "helpUri", jstr(s));
			break;
		}
	}
	free(id);
	free(name);
	free(shorttext);
	return r;
}

static json_t *result_json(const json_t *doc, const json_t *c, size_t rule_index, const json_t *f)
{
	const char *status = f ? report_str(f, "status") : report_str(c, "status");
	char *id = rule_id(c);
	char *line = f ? report_finding_line(f) : report_xml_clean(report_str(c, "reason"));
	char *msg = xasprintf("%s %s: %s", report_str(c, "id"), report_str(c, "title"), line);
	free(line);
	json_t *res = json_pack("{s:o,s:I,s:s,s:s,s:o}", "ruleId", jstr(id), "ruleIndex", (json_int_t)rule_index,
				"kind", "fail", "level", !strcmp(status, "ERROR") ? "warning" : "error",
				"message", text_obj(msg));
	free(msg);
	json_t *loc = json_object();
	json_t *none = json_pack("{s:s,s:s}", "source", "facts:", "target", "");
	char *file = deciding_file(doc, c, f ? f : none);
	json_decref(none);
	char *uri = file ? rel_uri(file) : NULL;
	free(file);
	if (uri)
		json_object_set_new(loc, "physicalLocation", json_pack("{s:{s:o,s:s},s:{s:i}}",
			"artifactLocation", "uri", jstr(uri), "uriBaseId", SRCROOT, "region", "startLine", 1));
	free(uri);
	const char *target = f ? report_str(f, "target") : report_str(c, "target");
	const char *field = f ? report_str(f, "field") : "";
	const char *kind = report_str(c, "target");
	char *fq = *field ? xasprintf("%s:%s#%s", kind, target, field) : xasprintf("%s:%s", kind, target);
	int resource = !strcmp(kind, "container") || !strcmp(kind, "image") || !strcmp(kind, "file");
	json_object_set_new(loc, "logicalLocations", json_pack("[{s:o,s:o,s:s}]", "name",
		jstr(*field ? field : target), "fullyQualifiedName", jstr(fq), "kind", resource ? "resource" : "property"));
	free(fq);
	json_object_set_new(res, "locations", json_pack("[o]", loc));
	uint64_t h = fnv1a(id, 14695981039346656037ULL);
	h = fnv1a("\x1f", h);
	h = fnv1a(target, h);
	h = fnv1a("\x1f", h);
	h = fnv1a(field, h);
	char hex[40];
	snprintf(hex, sizeof(hex), "%016llx:1", (unsigned long long)h);
	json_object_set_new(res, "partialFingerprints", json_pack("{s:s,s:s}", "primaryLocationLineHash", hex,
								   "boxaudit/v1", hex));
	free(id);
	return res;
}

int report_write_sarif(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	const char *version = report_str(json_object_get(doc, "tool"), "version");
	json_t *rules = json_array(), *results = json_array();
	size_t i, k;
	json_t *c, *f;
	json_array_foreach(json_object_get(doc, "checks"), i, c) {
		json_array_append_new(rules, rule_json(doc, c));
		const char *st = report_str(c, "status");
		size_t found = 0;
		json_t *full = report_check(c, i, o);
		c = full;
		json_array_foreach(json_object_get(c, "findings"), k, f) {
			const char *fs = report_str(f, "status");
			if (!strcmp(fs, "FAIL") || !strcmp(fs, "ERROR")) {
				json_array_append_new(results, result_json(doc, c, i, f));
				found++;
			}
		}
		/* A failing or erroring check always shows, even when no finding says why. */
		if (!found && (!strcmp(st, "FAIL") || !strcmp(st, "ERROR")))
			json_array_append_new(results, result_json(doc, c, i, NULL));
		json_decref(full);
	}
	json_t *driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "boxaudit", "version", version,
				   "semanticVersion", version, "rules", rules);
	json_t *inv = json_pack("{s:b}", "executionSuccessful", 1);
	const char *start = report_str(doc, "started_at"), *end = report_str(doc, "finished_at");
	if (*start)
		json_object_set_new(inv, "startTimeUtc", json_string(start));
	if (*end)
		json_object_set_new(inv, "endTimeUtc", json_string(end));
	json_t *notes = json_array();
	json_array_foreach(json_object_get(doc, "notes"), i, c)
		json_array_append_new(notes, json_pack("{s:o,s:s}", "message", text_obj(json_string_value(c)),
						       "level", "note"));
	json_object_set_new(inv, "toolExecutionNotifications", notes);
	struct buf ids;
	buf_init(&ids, 1 << 16);
	json_array_foreach(json_object_get(doc, "benchmarks"), i, c)
		if (buf_addf(&ids, "%s%s", i ? "+" : "", report_str(c, "id")) < 0)
			break;
	char *auto_id = xasprintf("boxaudit/%s/", ids.len ? ids.data : "none");
	buf_release(&ids);
	json_t *run = json_pack("{s:{s:o},s:{s:o},s:o,s:s,s:[o]}", "tool", "driver", driver,
				"automationDetails", "id", jstr(auto_id), "results", results,
				"columnKind", "utf16CodeUnits", "invocations", inv);
	free(auto_id);
	char *ru = root_uri(report_str(json_object_get(doc, "host"), "root_path"));
	if (ru)
		json_object_set_new(run, "originalUriBaseIds", json_pack("{s:{s:o}}", SRCROOT, "uri", jstr(ru)));
	free(ru);
	json_t *log = json_pack("{s:s,s:s,s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
				"version", "2.1.0", "runs", run);
	int rc = report_write_json(log, o, out, err);
	json_decref(log);
	return rc;
}
