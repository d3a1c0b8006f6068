/*
 * The fleet HTML page: built with libxml2's tree API like report_html.c,
 * so every hostname, title and file name is a text node or an attribute
 * value that libxml2 escapes.  Anchors are generated ("host-3-s2"), never
 * taken from host data.  The page carries the report's CSS (by hash in the
 * Content-Security-Policy) and no script at all.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include "fleet/merge.h"
#include "report/xml.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* Where the host sections go in the serialized page. */
#define HOSTS_MARK "boxaudit-fleet-hosts"
/* Where the matrix rows go. */
#define MATRIX_MARK "boxaudit-fleet-matrix"




static xmlNodePtr link(xmlNodePtr parent, const char *anchor, const char *cls, const char *text)
{
	xmlNodePtr a = html_text(parent, "a", cls, text);
	char *href = xasprintf("#%s", anchor);
	html_set(a, "href", href);
	free(href);
	return a;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static json_int_t ival(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}


/* Badge class for a host's or section's counts. */
static const char *badge(const json_t *counts)
{
	if (!json_is_number(json_object_get(counts, "score")))
		return "badge b-SKIP";
	if (ival(counts, "FAIL") > 0)
		return "badge b-FAIL";
	if (ival(counts, "ERROR") > 0)
		return "badge b-ERROR";
	return "badge b-PASS";
}

static char *section_key(const char *bench, const char *section)
{
	return xasprintf("%s\n%s", bench, section);
}


static void header(xmlNodePtr body, const json_t *fleet)
{
	const json_t *sum = json_object_get(fleet, "summary"), *sc = json_object_get(sum, "score");
	xmlNodePtr h = html_el(body, "header", NULL);
	html_text(h, "h1", NULL, "boxaudit fleet report");
	xmlNodePtr dl = html_el(h, "dl", NULL);
	html_meta_row(dl, "Generated", str(fleet, "generated_at"));
	char *s = xasprintf("%lld (%lld with failing checks)", (long long)ival(sum, "hosts"),
			    (long long)ival(sum, "hosts_failing"));
	html_meta_row(dl, "Hosts", s);
	free(s);
	const json_t *mn = json_object_get(sc, "min"), *mx = json_object_get(sc, "max"),
		     *av = json_object_get(sc, "mean");
	if (json_is_number(av) && json_is_number(mn) && json_is_number(mx))
		s = xasprintf("%.1f%% (lowest %.1f%%, highest %.1f%%)", json_number_value(av),
			      json_number_value(mn), json_number_value(mx));
	else
		s = xstrdup("n/a");
	html_meta_row(dl, "Mean score", s);
	free(s);
	if (json_is_integer(json_object_get(sum, "missing")))
		s = xasprintf("%lld stale, %lld missing, %lld skipped inputs, %lld conflicting",
			      (long long)ival(sum, "stale"), (long long)ival(sum, "missing"),
			      (long long)ival(sum, "skipped"), (long long)ival(sum, "duplicates"));
	else
		s = xasprintf("%lld stale, %lld skipped inputs, %lld conflicting (no --expect-hosts)",
			      (long long)ival(sum, "stale"), (long long)ival(sum, "skipped"),
			      (long long)ival(sum, "duplicates"));
	html_meta_row(dl, "Coverage", s);
	free(s);
}

/* Hosts x sections: the head; the rows go where the mark is (one row a host, fleet_write_html). */
static void matrix(xmlDocPtr doc, xmlNodePtr main, const json_t *fleet)
{
	const json_t *cols = json_object_get(fleet, "sections");
	size_t ncol = json_array_size(cols), i, k;
	html_text(main, "h2", NULL, "Hosts \xc3\x97 sections");
	xmlNodePtr table = html_el(main, "table", "matrix");
	xmlNodePtr thead = html_el(table, "thead", NULL);
	xmlNodePtr r1 = html_el(thead, "tr", NULL), r2 = html_el(thead, "tr", NULL);
	html_set(html_text(r1, "th", NULL, "Host"), "rowspan", "2");
	html_set(html_text(r1, "th", NULL, "Score"), "rowspan", "2");
	/* One header cell per benchmark over its sections. */
	for (i = 0; i < ncol; i = k) {
		const char *b = str(json_array_get(cols, i), "benchmark");
		for (k = i; k < ncol && !strcmp(str(json_array_get(cols, k), "benchmark"), b); k++) {
			const json_t *c = json_array_get(cols, k);
			xmlNodePtr th = html_text(r2, "th", NULL, str(c, "section"));
			html_set(th, "title", str(c, "title"));
		}
		char span[32];
		snprintf(span, sizeof(span), "%zu", k - i);
		html_set(html_text(r1, "th", NULL, b), "colspan", span);
	}
	xmlNodePtr tbody = html_el(table, "tbody", NULL);
	xmlAddChild(tbody, xmlNewDocComment(doc, BAD_CAST MATRIX_MARK));
}

/* Host h's row of the matrix; the caller serializes and frees it. */
static xmlNodePtr matrix_row(xmlDocPtr doc, const json_t *h, const json_t *cols, const json_t *colidx)
{
	size_t ncol = json_array_size(cols), k;
	xmlNodePtr tr = xmlNewDocNode(doc, NULL, BAD_CAST "tr", NULL);
	xmlNodePtr th = html_el(tr, "th", NULL);
	link(th, str(h, "anchor"), NULL, str(h, "hostname"));
	if (json_is_true(json_object_get(h, "stale"))) {
		xmlAddChild(th, xmlNewText(BAD_CAST " "));
		html_text(th, "span", "badge b-MANUAL", "stale");
	}
	const json_t *hs = json_object_get(h, "summary");
	char *s = report_score_text(hs);
	html_text(html_el(tr, "td", NULL), "span", badge(hs), s);
	free(s);
	/* The host's sections in column order; a section it lacks is a dash. */
	json_t **cells = xcalloc(ncol ? ncol : 1, sizeof(*cells));
	const json_t *sec;
	json_array_foreach(json_object_get(h, "sections"), k, sec) {
		char *key = section_key(str(sec, "benchmark"), str(sec, "section"));
		const json_t *ix = json_object_get(colidx, key);
		if (json_is_integer(ix))
			cells[json_integer_value(ix)] = (json_t *)sec;
		free(key);
	}
	for (k = 0; k < ncol; k++) {
		xmlNodePtr td = html_el(tr, "td", NULL);
		if (!cells[k]) {
			html_text(td, "span", "muted", "\xe2\x80\x94");
			continue;
		}
		char *anchor = xasprintf("%s-%s", str(h, "anchor"), str(json_array_get(cols, k), "anchor"));
		s = report_score_text(cells[k]);
		xmlNodePtr a = link(td, anchor, badge(cells[k]), s);
		char *t = xasprintf("%lld failing, %lld error", (long long)ival(cells[k], "FAIL"),
				    (long long)ival(cells[k], "ERROR"));
		html_set(a, "title", t);
		free(t);
		free(s);
		free(anchor);
	}
	free(cells);
	return tr;
}

static void worst(xmlNodePtr main, const json_t *fleet, const struct write_opts *o)
{
	size_t nw = fleet_nworst(fleet, o);
	html_text(main, "h2", NULL, "Worst checks across the fleet");
	if (!nw) {
		html_text(main, "p", "muted", "No check fails on any host.");
		return;
	}
	static const char *const heads[] = { "Check", "Benchmark", "Title", "Failing", "Error", "Hosts" };
	xmlNodePtr tbody = html_table(main, "checks", heads, 6), tr;
	size_t i, k;
	const json_t *h;
	for (i = 0; i < nw; i++) {
		json_t *c = fleet_worst_at(fleet, o, i);
		tr = html_el(tbody, "tr", NULL);
		html_text(tr, "td", "id", str(c, "id"));
		html_text(tr, "td", NULL, str(c, "benchmark"));
		html_text(tr, "td", NULL, str(c, "title"));
		char n[32];
		snprintf(n, sizeof(n), "%lld", (long long)ival(c, "failing_hosts"));
		html_text(tr, "td", NULL, n);
		snprintf(n, sizeof(n), "%lld", (long long)ival(c, "error_hosts"));
		html_text(tr, "td", NULL, n);
		xmlNodePtr td = html_el(tr, "td", NULL);
		const json_t *hosts = json_object_get(c, "hosts");
		json_array_foreach(hosts, k, h) {
			if (k == FLEET_HOST_LINKS) {
				char *more = xasprintf(" and %zu more", json_array_size(hosts) - k);
				html_text(td, "span", "muted", more);
				free(more);
				break;
			}
			if (k)
				xmlAddChild(td, xmlNewText(BAD_CAST ", "));
			link(td, str(h, "anchor"), NULL, str(h, "hostname"));
		}
		json_decref(c);
	}
}

static void lists(xmlNodePtr main, const json_t *fleet)
{
	size_t i;
	const json_t *e;
	const json_t *stale = json_object_get(fleet, "stale");
	if (json_array_size(stale)) {
		html_text(main, "h2", NULL, "Stale hosts");
		xmlNodePtr ul = html_el(main, "ul", "notes");
		json_array_foreach(stale, i, e) {
			xmlNodePtr li = html_el(ul, "li", NULL);
			link(li, str(e, "anchor"), NULL, str(e, "hostname"));
			char *s = json_is_number(json_object_get(e, "age_hours")) ?
				xasprintf(": collected %s, %.1f hours ago (%s)", str(e, "collected_at"),
					  json_number_value(json_object_get(e, "age_hours")), str(e, "reason")) :
				xasprintf(": %s", str(e, "reason"));
			char *c = report_xml_clean(s);
			xmlAddChild(li, xmlNewText(BAD_CAST c));
			free(c);
			free(s);
		}
	}
	static const char *const names[] = { "missing", "unexpected" };
	static const char *const titles[] = { "Missing hosts (expected, no report)",
					      "Unexpected hosts (not in the expected list)" };
	for (size_t l = 0; l < 2; l++) {
		const json_t *a = json_object_get(fleet, names[l]);
		if (!json_array_size(a))
			continue;
		html_text(main, "h2", NULL, titles[l]);
		xmlNodePtr ul = html_el(main, "ul", "notes");
		json_array_foreach(a, i, e)
			html_text(ul, "li", "mono", json_string_value(e));
	}
	const json_t *dup = json_object_get(fleet, "duplicates");
	if (json_array_size(dup)) {
		html_text(main, "h2", NULL, "Conflicting reports: two reports claim one host");
		xmlNodePtr ul = html_el(main, "ul", "notes");
		json_array_foreach(dup, i, e) {
			const json_t *r0 = json_array_get(json_object_get(e, "reports"), 0);
			const json_t *r1 = json_array_get(json_object_get(e, "reports"), 1);
			char *s = xasprintf("%s: kept %s (collected %s%s), also %s (collected %s%s)", str(e, "hostname"),
					    str(r0, "source"), str(r0, "collected_at"),
					    json_is_true(json_object_get(r0, "future")) ? ", IN THE FUTURE" : "",
					    str(r1, "source"), str(r1, "collected_at"),
					    json_is_true(json_object_get(r1, "future")) ? ", IN THE FUTURE" : "");
			html_text(ul, "li", NULL, s);
			free(s);
		}
	}
	const json_t *sk = json_object_get(fleet, "skipped");
	if (json_array_size(sk)) {
		html_text(main, "h2", NULL, "Skipped inputs");
		xmlNodePtr ul = html_el(main, "ul", "notes");
		json_array_foreach(sk, i, e) {
			char *s = xasprintf("%s: %s", str(e, "source"), str(e, "reason"));
			html_text(ul, "li", NULL, s);
			free(s);
		}
	}
}

/* One host: its facts, then each section (anchored) with the checks that failed there. */
/* The caller serializes and frees the returned node. */
static xmlNodePtr host_detail(xmlDocPtr doc, const json_t *h, const json_t *cols, const json_t *colidx,
			      const json_t *checkidx)
{
	xmlNodePtr sec = xmlNewDocNode(doc, NULL, BAD_CAST "section", NULL);
	html_set(sec, "class", "host");
	html_set(sec, "id", str(h, "anchor"));
	html_text(sec, "h3", NULL, str(h, "hostname"));
	xmlNodePtr dl = html_el(sec, "dl", NULL);
	const json_t *hs = json_object_get(h, "summary");
	char *s = report_score_text(hs);
	char *line = xasprintf("%s (%lld pass, %lld fail, %lld error, %lld manual, %lld skip; %s model)", s,
			       (long long)ival(hs, "PASS"), (long long)ival(hs, "FAIL"),
			       (long long)ival(hs, "ERROR"), (long long)ival(hs, "MANUAL"),
			       (long long)ival(hs, "SKIP"), str(hs, "score_model"));
	html_meta_row(dl, "Score", line);
	free(line);
	free(s);
	const json_t *age = json_object_get(h, "age_hours");
	line = json_is_number(age) ? xasprintf("%s (%.1f hours before this report)%s", str(h, "collected_at"),
					       json_number_value(age),
					       json_is_true(json_object_get(h, "stale")) ? ", stale" : "")
				   : xasprintf("unknown%s", json_is_true(json_object_get(h, "stale")) ? ", stale" : "");
	html_meta_row(dl, "Collected", line);
	free(line);
	html_meta_row(dl, "Report", str(h, "source"));
	line = xasprintf("boxaudit %s, root %s", str(h, "tool_version"), str(h, "root"));
	html_meta_row(dl, "Audited by", line);
	free(line);

	size_t i, k;
	const json_t *se, *c;
	const json_t *failing = json_object_get(h, "failing");
	json_array_foreach(json_object_get(h, "sections"), i, se) {
		char *key = section_key(str(se, "benchmark"), str(se, "section"));
		const json_t *ix = json_object_get(colidx, key);
		free(key);
		const json_t *col = json_is_integer(ix) ? json_array_get(cols, (size_t)json_integer_value(ix)) : NULL;
		s = report_score_text(se);
		char *title = xasprintf("%s \xc2\xa7%s %s: %s", str(se, "benchmark"), str(se, "section"),
					str(col, "title"), s);
		xmlNodePtr h4 = html_text(sec, "h4", NULL, title);
		free(title);
		free(s);
		if (col) {
			char *anchor = xasprintf("%s-%s", str(h, "anchor"), str(col, "anchor"));
			html_set(h4, "id", anchor);
			free(anchor);
		}
		xmlNodePtr ul = NULL;
		json_array_foreach(failing, k, c) {
			char *ck = section_key(str(c, "benchmark"), str(c, "id"));
			const json_t *info = json_object_get(checkidx, ck);
			free(ck);
			if (strcmp(str(c, "benchmark"), str(se, "benchmark")) || strcmp(str(info, "section"), str(se, "section")))
				continue;
			if (!ul)
				ul = html_el(sec, "ul", "notes");
			xmlNodePtr li = html_el(ul, "li", NULL);
			const char *st = str(c, "status");
			html_text(li, "span", !strcmp(st, "FAIL") ? "badge b-FAIL" : "badge b-ERROR", st);
			xmlAddChild(li, xmlNewText(BAD_CAST " "));
			html_text(li, "span", "mono", str(c, "id"));
			line = xasprintf(" %s (%lld finding%s)", str(info, "title"), (long long)ival(c, "findings"),
					 ival(c, "findings") == 1 ? "" : "s");
			char *cl = report_xml_clean(line);
			xmlAddChild(li, xmlNewText(BAD_CAST cl));
			free(cl);
			free(line);
		}
		if (!ul)
			html_text(sec, "p", "muted", "No failing checks in this section.");
	}
	return sec;
}

int fleet_write_html(const json_t *fleet, const struct write_opts *o, struct buf *out, char **err)
{
	xmlNodePtr body;
	/* No script at all. */
	xmlDocPtr hd = html_page("boxaudit fleet report", "'none'", &body);

	/* Column index of each (benchmark, section). */
	const json_t *cols = json_object_get(fleet, "sections");
	json_t *colidx = json_object();
	size_t i;
	const json_t *c;
	json_array_foreach(cols, i, c) {
		char *key = section_key(str(c, "benchmark"), str(c, "section"));
		json_object_set_new(colidx, key, json_integer((json_int_t)i));
		free(key);
	}

	header(body, fleet);
	xmlNodePtr main = html_el(body, "main", NULL);
	matrix(hd, main, fleet);
	worst(main, fleet, o);
	lists(main, fleet);
	html_text(main, "h2", NULL, "Hosts");
	/*
	 * The matrix rows and the host sections are the bulk of a large
	 * fleet's page: each is built, serialized and freed in turn where its
	 * placeholder comment stands, so the tree never holds more than one.
	 * Host data is escaped (a comment's "<" never appears in text or
	 * attributes), nothing from a host comes before the matrix's mark,
	 * and all of it before the hosts' mark: the first of the one and the
	 * last of the other are ours.
	 */
	xmlAddChild(main, xmlNewDocComment(hd, BAD_CAST HOSTS_MARK));
	xmlChar *mem = NULL;
	int size = 0;
	htmlDocDumpMemoryFormat(hd, &mem, &size, 0);
	int r = 0;
	const char *hmark = NULL, *mmark = mem ? strstr((const char *)mem, "<!--" MATRIX_MARK "-->") : NULL;
	for (const char *p = mmark; p && (p = strstr(p, "<!--" HOSTS_MARK "-->")); p++)
		hmark = p;
	if (!mem || size <= 0 || !mmark || !hmark) {
		*err = xstrdup("cannot serialize the fleet html report");
		r = -1;
		goto out;
	}
	size_t nhosts = fleet_nhosts(fleet, o);
	/* Title and section of each failing check. */
	json_t *checkidx = fleet_check_titles(fleet, o);
	xmlBufferPtr xb = xmlBufferCreate();
	const char *from = (const char *)mem;
	for (int part = 0; part < 2 && r == 0; part++) {
		const char *mark = part ? hmark : mmark;
		if (buf_add(out, from, (size_t)(mark - from)) < 0) {
			r = -1;
			break;
		}
		for (i = 0; i < nhosts && r == 0; i++) {
			json_t *h = fleet_host_at(fleet, o, i);
			xmlNodePtr node = part ? host_detail(hd, h, cols, colidx, checkidx) : matrix_row(hd, h, cols, colidx);
			xmlBufferEmpty(xb);
			htmlNodeDump(xb, hd, node);
			xmlFreeNode(node);
			json_decref(h);
			if (buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) < 0)
				r = -1;
		}
		from = mark + strlen(part ? "<!--" HOSTS_MARK "-->" : "<!--" MATRIX_MARK "-->");
	}
	xmlBufferFree(xb);
	json_decref(checkidx);
	if (r < 0 || buf_add(out, from, (size_t)size - (size_t)(from - (const char *)mem)) < 0 ||
	    buf_addstr(out, "\n") < 0)
		goto full;
	goto out;
full:
	*err = xstrdup("the fleet html report is larger than the output limit");
	r = -1;
out:
	json_decref(colidx);
	xmlFree(mem);
	xmlFreeDoc(hd);
	return r;
}
