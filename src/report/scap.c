/*
 * The XCCDF 1.2 Benchmark and TestResult of a report document (scap.h).
 * Everything here renders the document: results, scores and weights were
 * decided before (engine/, score/); this file only maps them onto XCCDF's
 * vocabulary (docs/REPORTS.md "XCCDF").
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include "report/scap.h"
#include "report/xml.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define DC_NS "http://purl.org/dc/elements/1.1/"
#define ID_PREFIX "xccdf_org.boxaudit_"
#define CHECK_SYSTEM "urn:boxaudit:check"

char *scap_name(const char *s)
{
	char *o = xstrdup(s && *s ? s : "-");
	for (char *p = o; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == '_'))
			*p = '-';
	return o;
}

static char *scap_id(const char *type, const char *a, const char *b)
{
	char *na = scap_name(a), *nb = b ? scap_name(b) : NULL;
	char *id = nb ? xasprintf(ID_PREFIX "%s_%s_%s", type, na, nb) : xasprintf(ID_PREFIX "%s_%s", type, na);
	free(na);
	free(nb);
	return id;
}

void scap_ids_init(struct scap_ids *ids, const json_t *doc)
{
	const json_t *benches = json_object_get(doc, "benchmarks");
	struct buf b;
	buf_init(&b, 1 << 20);
	size_t i;
	json_t *bo;
	json_array_foreach(benches, i, bo)
		if (buf_addf(&b, "%s%s", i ? "_" : "", report_str(bo, "id")) < 0)
			break;
	ids->benchmark = scap_id("benchmark", json_array_size(benches) ? b.data : "boxaudit", NULL);
	buf_release(&b);
	json_int_t level = json_integer_value(json_object_get(json_object_get(doc, "selection"), "level"));
	ids->profile = xstrdup(level == 1 ? ID_PREFIX "profile_level_1" : ID_PREFIX "profile_level_2");
	ids->testresult = xstrdup(level == 1 ? ID_PREFIX "testresult_level_1" : ID_PREFIX "testresult_level_2");
}

void scap_ids_release(struct scap_ids *ids)
{
	free(ids->benchmark);
	free(ids->profile);
	free(ids->testresult);
	memset(ids, 0, sizeof(*ids));
}

/* A child element holding text (cleaned; libxml2 escapes it). */
static xmlNodePtr text_el(xmlNodePtr parent, const char *name, const char *s)
{
	char *c = report_xml_clean(s);
	xmlNodePtr n = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST c);
	free(c);
	return n;
}

static void set(xmlNodePtr n, const char *name, const char *v)
{
	char *c = report_xml_clean(v);
	xmlSetProp(n, BAD_CAST name, BAD_CAST c);
	free(c);
}

static void setf(xmlNodePtr n, const char *name, double v)
{
	char s[64];
	snprintf(s, sizeof(s), "%.6f", v);
	xmlSetProp(n, BAD_CAST name, BAD_CAST s);
}

static xmlNodePtr el(xmlNodePtr parent, const char *name)
{
	return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

static const json_t *bench_of(const json_t *doc, const char *id)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(doc, "benchmarks"), i, b)
		if (!strcmp(report_str(b, "id"), id))
			return b;
	return NULL;
}

static char *rule_id(const json_t *c)
{
	return scap_id("rule", report_str(c, "benchmark"), report_str(c, "id"));
}

/* What boxaudit's status is in XCCDF's words (docs/REPORTS.md). */
static const char *xccdf_result(const char *status)
{
	static const char *const map[][2] = {
		{ "PASS", "pass" }, { "FAIL", "fail" }, { "ERROR", "error" }, { "MANUAL", "notchecked" },
		{ "SKIP", "notapplicable" }, { "WAIVED", "informational" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], status))
			return map[i][1];
	return "unknown";
}

static int is_url(const char *s)
{
	return !strncmp(s, "https://", 8) || !strncmp(s, "http://", 7);
}

static void check_ref(xmlNodePtr parent, const json_t *c)
{
	xmlNodePtr chk = el(parent, "check");
	xmlSetProp(chk, BAD_CAST "system", BAD_CAST CHECK_SYSTEM);
	xmlNodePtr ref = el(chk, "check-content-ref");
	xmlSetProp(ref, BAD_CAST "href", BAD_CAST "boxaudit:rules");
	set(ref, "name", report_str(c, "rule"));
}

static void ident(xmlNodePtr parent, const json_t *c)
{
	char *bench = scap_name(report_str(c, "benchmark"));
	char *sys = xasprintf("urn:boxaudit:benchmark:%s", bench);
	xmlNodePtr n = text_el(parent, "ident", report_str(c, "id"));
	set(n, "system", sys);
	free(sys);
	free(bench);
}

static void weight_attr(xmlNodePtr n, const json_t *c)
{
	const json_t *w = json_object_get(c, "score_weight");
	char s[32];
	snprintf(s, sizeof(s), "%g", json_is_number(w) ? json_number_value(w) : 1.0);
	xmlSetProp(n, BAD_CAST "weight", BAD_CAST s);
}

static void rule(xmlNodePtr group, const json_t *doc, const json_t *c)
{
	const json_t *b = bench_of(doc, report_str(c, "benchmark"));
	xmlNodePtr r = el(group, "Rule");
	char *id = rule_id(c);
	set(r, "id", id);
	free(id);
	xmlSetProp(r, BAD_CAST "selected", BAD_CAST "true");
	xmlSetProp(r, BAD_CAST "severity", BAD_CAST "unknown");
	weight_attr(r, c);
	/*
	 * No role="unchecked" on manual rules: OpenSCAP would turn their
	 * result into notchecked, and a manual check that does not apply is
	 * notapplicable.
	 */
	int manual = !strcmp(report_str(c, "evaluation"), "manual");
	char *title = xasprintf("%s %s", report_str(c, "id"), report_str(c, "title"));
	text_el(r, "title", title);
	free(title);
	char *desc = xasprintf("%s v%s, recommendation %s: CIS profile Level %" JSON_INTEGER_FORMAT
			       ", assessment %s%s. boxaudit evaluates it %s (rule %s).",
			       b ? report_str(b, "title") : report_str(c, "benchmark"),
			       b ? report_str(b, "version") : "", report_str(c, "id"),
			       json_integer_value(json_object_get(c, "level")), report_str(c, "assessment"),
			       report_unverified(c),
			       manual ? "by a person's review" : "automatically", report_str(c, "rule"));
	text_el(r, "description", desc);
	free(desc);
	if (b) {
		char *cis = xasprintf("%s v%s %s", report_str(b, "title"), report_str(b, "version"), report_str(c, "id"));
		text_el(r, "reference", cis);
		free(cis);
	}
	size_t i;
	json_t *ref;
	json_array_foreach(json_object_get(c, "references"), i, ref) {
		const char *s = json_string_value(ref);
		if (!s || !*s)
			continue;
		xmlNodePtr rn = text_el(r, "reference", s);
		if (is_url(s))
			set(rn, "href", s);
	}
	const char *why = report_str(c, "rationale");
	if (!*why)
		why = report_str(c, "description");
	text_el(r, "rationale", *why ? why : report_str(c, "title"));
	ident(r, c);
	text_el(r, "fixtext", report_str(c, "remediation"));
	check_ref(r, c);
}

/* The Group of section sec of bench under top (created, with its parents, as needed). */
static xmlNodePtr group(xmlNodePtr top, const json_t *bench, const char *sec)
{
	const char *dot = strrchr(sec, '.');
	xmlNodePtr parent = top;
	if (dot) {
		char *up = xstrndup(sec, (size_t)(dot - sec));
		parent = group(top, bench, up);
		free(up);
	}
	char *id = scap_id("group", report_str(bench, "id"), sec);
	for (xmlNodePtr k = parent->children; k; k = k->next) {
		xmlChar *kid = k->type == XML_ELEMENT_NODE && !xmlStrcmp(k->name, BAD_CAST "Group") ?
			       xmlGetProp(k, BAD_CAST "id") : NULL;
		int same = kid && !xmlStrcmp(kid, BAD_CAST id);
		xmlFree(kid);
		if (same) {
			free(id);
			return k;
		}
	}
	xmlNodePtr g = el(parent, "Group");
	set(g, "id", id);
	free(id);
	const char *t = json_string_value(json_object_get(json_object_get(bench, "sections"), sec));
	char *title = t ? xasprintf("%s %s", sec, t) : xasprintf("Section %s", sec);
	text_el(g, "title", title);
	free(title);
	return g;
}

static void profile(xmlNodePtr bn, const json_t *doc, int level)
{
	xmlNodePtr p = el(bn, "Profile");
	char *id = xasprintf(ID_PREFIX "profile_level_%d", level);
	set(p, "id", id);
	free(id);
	text_el(p, "title", level == 1 ? "Level 1" : "Level 2");
	text_el(p, "description", level == 1 ?
		"CIS profile Level 1: the Level 1 recommendations only (Level 2 ones are deselected)." :
		"CIS profile Level 2: every recommendation, Level 1 and Level 2.");
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "checks"), i, c) {
		xmlNodePtr s = el(p, "select");
		char *rid = rule_id(c);
		set(s, "idref", rid);
		free(rid);
		int on = level == 2 || json_integer_value(json_object_get(c, "level")) <= 1;
		xmlSetProp(s, BAD_CAST "selected", BAD_CAST (on ? "true" : "false"));
	}
}

static void new_default_ns(xmlNodePtr n)
{
	xmlNsPtr ns = xmlNewNs(n, BAD_CAST XCCDF_NS, NULL);
	xmlSetNs(n, ns);
}

xmlNodePtr scap_benchmark(xmlDocPtr xd, const json_t *doc, const struct scap_ids *ids)
{
	const json_t *benches = json_object_get(doc, "benchmarks");
	size_t nb = json_array_size(benches);
	const json_t *only = nb == 1 ? json_array_get(benches, 0) : NULL;
	xmlNodePtr bn = xmlNewDocNode(xd, NULL, BAD_CAST "Benchmark", NULL);
	new_default_ns(bn);
	xmlNsPtr dc = xmlNewNs(bn, BAD_CAST DC_NS, BAD_CAST "dc");
	set(bn, "id", ids->benchmark);
	xmlSetProp(bn, BAD_CAST "resolved", BAD_CAST "1");
	xmlNodeSetLang(bn, BAD_CAST "en");
	const char *when = report_str(doc, "finished_at");
	xmlNodePtr st = text_el(bn, "status", "accepted");
	if (strlen(when) >= 10) {
		char *date = xstrndup(when, 10);
		set(st, "date", date);
		free(date);
	}
	struct buf t;
	buf_init(&t, 1 << 20);
	size_t i;
	json_t *b;
	json_array_foreach(benches, i, b)
		if (buf_addf(&t, "%s%s v%s", i ? ", " : "", report_str(b, "title"), report_str(b, "version")) < 0)
			break;
	char *title = xasprintf("%s (boxaudit)", t.len ? t.data : "boxaudit audit");
	text_el(bn, "title", title);
	free(title);
	char *desc = xasprintf("The checks boxaudit %s evaluated against %s, with their results.",
			       report_str(json_object_get(doc, "tool"), "version"), t.len ? t.data : "no benchmark");
	text_el(bn, "description", desc);
	free(desc);
	xmlNodePtr notice = text_el(bn, "notice", "Written by boxaudit from its own rule definitions; "
				    "the CIS recommendations are summarised, not reproduced.");
	xmlSetProp(notice, BAD_CAST "id", BAD_CAST "boxaudit-notice");
	json_array_foreach(benches, i, b) {
		char *ref = xasprintf("%s v%s (%s)", report_str(b, "title"), report_str(b, "version"), report_str(b, "id"));
		text_el(bn, "reference", ref);
		free(ref);
	}
	text_el(bn, "version", only ? report_str(only, "version") : report_str(json_object_get(doc, "tool"), "version"));
	xmlNodePtr md = el(bn, "metadata");
	xmlNewTextChild(md, dc, BAD_CAST "creator", BAD_CAST "boxaudit");
	xmlNewTextChild(md, dc, BAD_CAST "publisher", BAD_CAST "boxaudit");
	xmlNewTextChild(md, dc, BAD_CAST "source", BAD_CAST "boxaudit rule definitions (checks/)");
	buf_release(&t);
	/* The XCCDF models score/ computed; boxaudit's own score has no model element (OpenSCAP does not know it). */
	json_array_foreach(json_object_get(json_object_get(doc, "summary"), "xccdf_scores"), i, b) {
		const char *sys = report_str(b, "system");
		if (!strncmp(sys, "urn:xccdf:scoring:", 18))
			set(el(bn, "model"), "system", sys);
	}
	profile(bn, doc, 1);
	profile(bn, doc, 2);
	json_t *c;
	json_array_foreach(json_object_get(doc, "checks"), i, c) {
		const json_t *bo = bench_of(doc, report_str(c, "benchmark"));
		xmlNodePtr top = bn;
		if (!only && bo) {
			char *gid = scap_id("group", report_str(bo, "id"), NULL);
			top = NULL;
			for (xmlNodePtr k = bn->children; k && !top; k = k->next) {
				xmlChar *kid = k->type == XML_ELEMENT_NODE ? xmlGetProp(k, BAD_CAST "id") : NULL;
				if (kid && !xmlStrcmp(kid, BAD_CAST gid))
					top = k;
				xmlFree(kid);
			}
			if (!top) {
				top = el(bn, "Group");
				set(top, "id", gid);
				char *bt = xasprintf("%s v%s", report_str(bo, "title"), report_str(bo, "version"));
				text_el(top, "title", bt);
				free(bt);
			}
			free(gid);
		}
		json_t *empty = json_object();
		rule(group(top, bo ? bo : empty, report_str(c, "section")), doc, c);
		json_decref(empty);
	}
	return bn;
}

static void fact(xmlNodePtr facts, const char *name, const char *type, const char *v)
{
	xmlNodePtr f = text_el(facts, "fact", v);
	set(f, "name", name);
	xmlSetProp(f, BAD_CAST "type", BAD_CAST type);
}

static const char *msg_severity(const char *status)
{
	return !strcmp(status, "ERROR") ? "error" : !strcmp(status, "FAIL") ? "warning" : "info";
}

static void rule_result(xmlNodePtr tr, const json_t *doc, const json_t *c, size_t index,
			const struct write_opts *o)
{
	xmlNodePtr rr = el(tr, "rule-result");
	char *id = rule_id(c);
	set(rr, "idref", id);
	free(id);
	const char *status = report_str(c, "status");
	xmlSetProp(rr, BAD_CAST "role", BAD_CAST "full");
	xmlSetProp(rr, BAD_CAST "severity", BAD_CAST "unknown");
	set(rr, "time", report_str(doc, "finished_at"));
	weight_attr(rr, c);
	text_el(rr, "result", xccdf_result(status));
	const json_t *w = json_object_get(c, "waiver");
	if (!strcmp(status, "WAIVED") && w) {
		/* XCCDF's record of an accepted risk: the result a person overrode, by whom, why. */
		xmlNodePtr ov = el(rr, "override");
		set(ov, "time", report_str(doc, "finished_at"));
		set(ov, "authority", report_str(w, "owner"));
		text_el(ov, "old-result", "fail");
		text_el(ov, "new-result", "informational");
		char *remark = xasprintf("Waived until %s (%s): %s", report_str(w, "expires"),
					 report_str(w, "source"), report_str(w, "reason"));
		text_el(ov, "remark", remark);
		free(remark);
	}
	ident(rr, c);
	const char *reason = report_str(c, "reason");
	if (*reason)
		set(text_el(rr, "message", reason), "severity", msg_severity(status));
	json_t *fs = report_findings(c, index, o);
	size_t n = json_array_size(fs), *order = xcalloc(n ? n : 1, sizeof(*order));
	report_findings_order(c, fs, order);
	for (size_t k = 0; k < n; k++) {
		if (k == HTML_FINDINGS_SHOWN) {
			char *more = xasprintf("... and %zu more findings (see the JSON report)", n - k);
			set(text_el(rr, "message", more), "severity", "info");
			free(more);
			break;
		}
		const json_t *f = json_array_get(fs, order[k]);
		char *line = report_finding_line(f);
		set(text_el(rr, "message", line), "severity", msg_severity(report_str(f, "status")));
		free(line);
	}
	free(order);
	json_decref(fs);
	check_ref(rr, c);
}

xmlNodePtr scap_testresult(xmlDocPtr xd, const json_t *doc, const struct scap_ids *ids,
			   const char *benchmark_href, const struct write_opts *o)
{
	const json_t *host = json_object_get(doc, "host");
	const char *hostname = report_str(host, "hostname"), *root = report_str(host, "root");
	const char *target = *hostname ? hostname : *root ? root : "localhost";
	const char *version = report_str(json_object_get(doc, "tool"), "version");
	xmlNodePtr tr = xmlNewDocNode(xd, NULL, BAD_CAST "TestResult", NULL);
	new_default_ns(tr);
	set(tr, "id", ids->testresult);
	const char *start = report_str(doc, "started_at"), *end = report_str(doc, "finished_at");
	if (!*end)
		end = report_str(doc, "collected_at");
	if (*start)
		set(tr, "start-time", start);
	set(tr, "end-time", *end ? end : "1970-01-01T00:00:00Z");
	char *cpe = xasprintf("cpe:2.3:a:boxaudit:boxaudit:%s:*:*:*:*:*:*:*", version);
	set(tr, "test-system", cpe);
	free(cpe);
	const json_t *benches = json_object_get(doc, "benchmarks");
	if (json_array_size(benches) == 1)
		set(tr, "version", report_str(json_array_get(benches, 0), "version"));
	xmlNodePtr bref = el(tr, "benchmark");
	set(bref, "href", benchmark_href);
	set(bref, "id", ids->benchmark);
	char *title = xasprintf("boxaudit audit of %s", target);
	text_el(tr, "title", title);
	free(title);
	set(el(tr, "profile"), "idref", ids->profile);
	text_el(tr, "target", target);
	xmlNodePtr facts = el(tr, "target-facts");
	fact(facts, "urn:xccdf:fact:scanner:name", "string", "boxaudit");
	fact(facts, "urn:xccdf:fact:scanner:version", "string", version);
	if (*hostname)
		fact(facts, "urn:xccdf:fact:asset:identifier:host_name", "string", hostname);
	fact(facts, "urn:xccdf:fact:identifier", "string", target);
	if (*root)
		fact(facts, "urn:boxaudit:fact:root", "string", root);
	const char *root_path = report_str(host, "root_path");
	if (*root_path)
		fact(facts, "urn:boxaudit:fact:root_path", "string", root_path);
	fact(facts, "urn:boxaudit:fact:live", "boolean", json_is_true(json_object_get(host, "live")) ? "true" : "false");
	size_t i;
	json_t *b;
	json_array_foreach(benches, i, b) {
		fact(facts, "urn:boxaudit:fact:platform", "string", report_str(b, "platform"));
		fact(facts, "urn:boxaudit:fact:benchmark", "string", report_str(b, "id"));
	}
	const char *collected = report_str(doc, "collected_at");
	if (*collected)
		fact(facts, "urn:boxaudit:fact:collected_at", "string", collected);
	json_t *c;
	json_array_foreach(json_object_get(doc, "checks"), i, c)
		rule_result(tr, doc, c, i, o);
	json_array_foreach(json_object_get(json_object_get(doc, "summary"), "xccdf_scores"), i, b) {
		char s[64];
		snprintf(s, sizeof(s), "%.6f", json_number_value(json_object_get(b, "score")));
		xmlNodePtr sc = xmlNewTextChild(tr, NULL, BAD_CAST "score", BAD_CAST s);
		set(sc, "system", report_str(b, "system"));
		setf(sc, "maximum", json_number_value(json_object_get(b, "maximum")));
	}
	return tr;
}

int scap_dump(xmlDocPtr xd, struct buf *out, char **err)
{
	xmlChar *mem = NULL;
	int len = 0;
	xmlDocDumpFormatMemoryEnc(xd, &mem, &len, "UTF-8", 1);
	int rc = mem && len > 0 ? buf_add(out, mem, (size_t)len) : -1;
	xmlFree(mem);
	if (rc < 0)
		*err = xstrdup("the XCCDF report is larger than the output limit");
	return rc;
}
