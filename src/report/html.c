/*
 * The HTML writer: one self-contained page built with libxml2's tree API
 * and written by its HTML serializer, so every host value is a text node
 * or an attribute value that libxml2 escapes.  The CSS and JS are compiled
 * in (reports/html, through src/embed) and carry no host data; the page
 * fetches nothing, and its Content-Security-Policy forbids it to.
 */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include "report/report.h"
#include "report/xml.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"



static const char *const statuses[] = { "PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED" };
#define NSTATUS 6






static void setf(xmlNodePtr n, const char *name, double v)
{
	char s[64];
	snprintf(s, sizeof(s), "%.2f", v);
	xmlSetProp(n, BAD_CAST name, BAD_CAST s);
}

static json_int_t count(const json_t *summary, const char *k)
{
	return json_integer_value(json_object_get(summary, k));
}



static void header(xmlNodePtr body, const json_t *doc)
{
	const json_t *host = json_object_get(doc, "host"), *sum = json_object_get(doc, "summary");
	xmlNodePtr h = html_el(body, "header", NULL);
	html_text(h, "h1", NULL, "boxaudit report");
	xmlNodePtr dl = html_el(h, "dl", NULL);
	html_meta_row(dl, "Host", report_str(host, "hostname"));
	html_meta_row(dl, "Root", report_str(host, "root"));
	html_meta_row(dl, "Collected", report_str(doc, "collected_at"));
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(doc, "benchmarks"), i, b) {
		char *s = xasprintf("%s v%s (%s)", report_str(b, "title"), report_str(b, "version"), report_str(b, "id"));
		html_meta_row(dl, "Benchmark", s);
		free(s);
	}
	char *v = xasprintf("boxaudit %s", report_str(json_object_get(doc, "tool"), "version"));
	html_meta_row(dl, "Tool", v);
	free(v);
	char *basis = xasprintf("%s model: %s", report_str(sum, "score_model"), report_str(sum, "score_basis"));
	html_meta_row(dl, "Scoring", basis);
	free(basis);
}

/* A ring gauge: the arc's length is the score. */
static void gauge(xmlNodePtr parent, const json_t *sum)
{
	const json_t *sc = json_object_get(sum, "score");
	double v = json_is_number(sc) ? json_number_value(sc) : 0;
	const double r = 52, circ = 2 * M_PI * r;
	xmlNodePtr svg = html_el(parent, "svg", "gauge");
	html_set(svg, "viewBox", "0 0 140 140");
	html_set(svg, "width", "160");
	html_set(svg, "height", "160");
	html_set(svg, "role", "img");
	char *label = report_score_text(sum);
	char *title = xasprintf("overall score %s", label);
	html_text(svg, "title", NULL, title);
	free(title);
	xmlNodePtr bg = html_el(svg, "circle", NULL);
	html_set(bg, "cx", "70"); html_set(bg, "cy", "70"); setf(bg, "r", r);
	html_set(bg, "fill", "none"); html_set(bg, "stroke", "#d1d9e0"); html_set(bg, "stroke-width", "14");
	if (json_is_number(sc)) {
		xmlNodePtr arc = html_el(svg, "circle", NULL);
		html_set(arc, "cx", "70"); html_set(arc, "cy", "70"); setf(arc, "r", r);
		html_set(arc, "fill", "none");
		html_set(arc, "stroke", v >= 80 ? "#1a7f37" : v >= 50 ? "#9a6700" : "#cf222e");
		html_set(arc, "stroke-width", "14");
		char *dash = xasprintf("%.2f %.2f", circ * v / 100, circ);
		html_set(arc, "stroke-dasharray", dash);
		free(dash);
		html_set(arc, "transform", "rotate(-90 70 70)");
	}
	xmlNodePtr t = html_text(svg, "text", NULL, label);
	html_set(t, "id", "score");
	html_set(t, "x", "70"); html_set(t, "y", "78"); html_set(t, "text-anchor", "middle"); html_set(t, "font-size", "24");
	free(label);
}

static void counts_list(xmlNodePtr parent, const json_t *sum)
{
	xmlNodePtr ul = html_el(parent, "ul", "counts");
	for (int i = 0; i < NSTATUS; i++) {
		xmlNodePtr li = html_el(ul, "li", NULL);
		char *cls = xasprintf("swatch f-%s", statuses[i]);
		html_el(li, "span", cls);
		free(cls);
		char *s = xasprintf("%s %" JSON_INTEGER_FORMAT, statuses[i], count(sum, statuses[i]));
		html_append_text(li, s);
		free(s);
	}
	char *s = xasprintf("%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " checks scored",
			    count(sum, "scored"), count(sum, "total"));
	html_text(ul, "li", "muted", s);
	free(s);
}

/* One stacked bar per section, its segments the status counts. */
static void bars(xmlNodePtr parent, const json_t *sections)
{
	const double row = 26, label_w = 250, bar_w = 420, score_w = 70;
	size_t n = json_array_size(sections);
	xmlNodePtr div = html_el(parent, "div", "bars");
	xmlNodePtr svg = html_el(div, "svg", NULL);
	char *vb = xasprintf("0 0 %.0f %.0f", label_w + bar_w + score_w, row * (double)(n ? n : 1));
	html_set(svg, "viewBox", vb);
	free(vb);
	html_set(svg, "role", "img");
	html_text(svg, "title", NULL, "checks per section by status");
	size_t i;
	json_t *s;
	json_array_foreach(sections, i, s) {
		const json_t *sum = json_object_get(s, "summary");
		double y = row * (double)i, total = (double)count(sum, "total");
		char *name = xasprintf("%s %s", report_str(s, "section"), report_str(s, "title"));
		if (strlen(name) > 38) {
			/* Cut on a UTF-8 boundary. */
			size_t k = 36;
			while (k && ((unsigned char)name[k] & 0xc0) == 0x80)
				k--;
			name[k] = '\0';
			char *cut = xasprintf("%s...", name);
			free(name);
			name = cut;
		}
		xmlNodePtr t = html_text(svg, "text", NULL, name);
		free(name);
		setf(t, "x", 0);
		setf(t, "y", y + 17);
		double x = label_w;
		for (int k = 0; k < NSTATUS && total > 0; k++) {
			json_int_t c = count(sum, statuses[k]);
			if (!c)
				continue;
			double w = bar_w * (double)c / total;
			char *cls = xasprintf("f-%s", statuses[k]);
			xmlNodePtr rect = html_el(svg, "rect", cls);
			free(cls);
			setf(rect, "x", x); setf(rect, "y", y + 4); setf(rect, "width", w); setf(rect, "height", row - 8);
			char *tip = xasprintf("%s %s: %" JSON_INTEGER_FORMAT, report_str(s, "section"), statuses[k], c);
			html_text(rect, "title", NULL, tip);
			free(tip);
			x += w;
		}
		char *sc = report_score_text(sum);
		xmlNodePtr st = html_text(svg, "text", NULL, sc);
		free(sc);
		setf(st, "x", label_w + bar_w + 8);
		setf(st, "y", y + 17);
	}
}

static void select_opt(xmlNodePtr sel, const char *value, const char *label)
{
	xmlNodePtr o = html_text(sel, "option", NULL, label);
	html_set(o, "value", value);
}

static void filters(xmlNodePtr parent, const json_t *doc)
{
	xmlNodePtr form = html_el(parent, "form", "filters");
	html_set(form, "id", "filters");
	xmlNodePtr l = html_text(form, "label", NULL, "Status ");
	xmlNodePtr sel = html_el(l, "select", NULL);
	html_set(sel, "name", "status");
	select_opt(sel, "", "all");
	for (int i = 0; i < NSTATUS; i++)
		select_opt(sel, statuses[i], statuses[i]);
	l = html_text(form, "label", NULL, "Section ");
	sel = html_el(l, "select", NULL);
	html_set(sel, "name", "section");
	select_opt(sel, "", "all");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(json_object_get(doc, "summary"), "sections"), i, s) {
		char *v = xasprintf("%s:%s", report_str(s, "benchmark"), report_str(s, "section"));
		char *lab = xasprintf("%s %s", report_str(s, "section"), report_str(s, "title"));
		select_opt(sel, v, lab);
		free(v);
		free(lab);
	}
	l = html_text(form, "label", NULL, "Level ");
	sel = html_el(l, "select", NULL);
	html_set(sel, "name", "level");
	select_opt(sel, "", "all");
	select_opt(sel, "1", "1");
	select_opt(sel, "2", "2");
	l = html_text(form, "label", NULL, "Search ");
	xmlNodePtr in = html_el(l, "input", NULL);
	html_set(in, "type", "search");
	html_set(in, "name", "q");
	html_set(in, "placeholder", "id, title, target...");
	xmlNodePtr out = html_el(form, "output", "muted");
	html_set(out, "id", "shown");
}

static void finding_rows(xmlNodePtr body, const json_t *c, size_t index, const struct write_opts *o)
{
	json_t *fs = report_findings(c, index, o);
	if (!json_array_size(fs)) {
		json_decref(fs);
		return;
	}
	static const char *const heads[] = { "Status", "Target", "Value seen", "Expected", "Source", "Note" };
	xmlNodePtr tb = html_table(body, "findings", heads, 6), tr;
	size_t total = json_array_size(fs), *order = xcalloc(total, sizeof(*order));
	report_findings_order(c, fs, order);
	for (size_t k = 0; k < total; k++) {
		const json_t *f = json_array_get(fs, order[k]);
		if (k >= HTML_FINDINGS_SHOWN) {
			char *s = xasprintf("... and %zu more findings (see the JSON report)", total - k);
			xmlNodePtr td = html_text(html_el(tb, "tr", NULL), "td", "muted", s);
			html_set(td, "colspan", "6");
			free(s);
			break;
		}
		tr = html_el(tb, "tr", NULL);
		char *bcls = xasprintf("badge b-%s", report_str(f, "status"));
		html_text(html_el(tr, "td", NULL), "span", bcls, report_str(f, "status"));
		free(bcls);
		const char *field = report_str(f, "field");
		char *tgt = xasprintf("%s%s%s", report_str(f, "target"), *field ? " " : "", field);
		html_text(tr, "td", "mono", tgt);
		free(tgt);
		char *v = report_xml_value(json_object_get(f, "actual"));
		html_text(tr, "td", "mono", v);
		free(v);
		html_text(tr, "td", NULL, report_str(f, "expected"));
		html_text(tr, "td", "mono", report_str(f, "source"));
		html_text(tr, "td", NULL, report_str(f, "note"));
	}
	free(order);
	json_decref(fs);
}

static int is_web_url(const char *s)
{
	return !strncasecmp(s, "https://", 8) || !strncasecmp(s, "http://", 7);
}

static void references(xmlNodePtr body, const json_t *refs)
{
	if (!json_array_size(refs))
		return;
	html_text(body, "h4", NULL, "References");
	xmlNodePtr ul = html_el(body, "ul", NULL);
	size_t i;
	json_t *r;
	json_array_foreach(refs, i, r) {
		const char *s = json_string_value(r);
		if (!s)
			continue;
		xmlNodePtr li = html_el(ul, "li", NULL);
		/* Only web links are links: never javascript:, data: or file:. */
		if (is_web_url(s) && !strpbrk(s, " \t\r\n\"<>`")) {
			xmlNodePtr a = html_text(li, "a", NULL, s);
			html_set(a, "href", s);
			html_set(a, "rel", "noopener noreferrer");
		} else {
			html_text(li, "span", NULL, s);
		}
	}
}

static void waiver_box(xmlNodePtr body, const json_t *w)
{
	if (!w)
		return;
	int expired = json_is_true(json_object_get(w, "expired"));
	char *s = xasprintf("%s: %s (owner %s, expires %s)", expired ? "Waiver expired, no longer applied" : "Waived",
			    report_str(w, "reason"), report_str(w, "owner"), report_str(w, "expires"));
	html_text(body, "div", expired ? "note expired" : "waiver", s);
	free(s);
}

static void check_row(xmlNodePtr tbody, const json_t *c, size_t index, const struct write_opts *o)
{
	const char *st = report_str(c, "status");
	xmlNodePtr tr = html_el(tbody, "tr", "check");
	html_set(tr, "data-status", st);
	char *sec = xasprintf("%s:%s", report_str(c, "benchmark"), report_str(c, "section"));
	html_set(tr, "data-section", sec);
	free(sec);
	char lvl[32];
	snprintf(lvl, sizeof(lvl), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(c, "level")));
	html_set(tr, "data-level", lvl);
	html_text(tr, "td", "id", report_str(c, "id"));
	xmlNodePtr td = html_el(tr, "td", NULL);
	xmlNodePtr det = html_el(td, "details", NULL);
	if (!strcmp(st, "FAIL") || !strcmp(st, "ERROR"))
		xmlSetProp(det, BAD_CAST "open", BAD_CAST "open");
	html_text(det, "summary", NULL, report_str(c, "title"));
	xmlNodePtr body = html_el(det, "div", "body");
	if (*report_str(c, "reason"))
		html_text(body, "p", NULL, report_str(c, "reason"));
	waiver_box(body, json_object_get(c, "waiver"));
	finding_rows(body, c, index, o);
	if (*report_str(c, "description")) {
		html_text(body, "h4", NULL, "Why");
		html_text(body, "p", NULL, report_str(c, "description"));
	}
	html_text(body, "h4", NULL, "Remediation");
	html_text(body, "p", NULL, report_str(c, "remediation"));
	references(body, json_object_get(c, "references"));
	char *meta = xasprintf("%s, %s (CIS: %s%s), rule %s, weight %g%s", report_str(c, "benchmark"),
			       report_str(c, "evaluation"), report_str(c, "assessment"), report_unverified(c),
			       report_str(c, "rule"),
			       json_number_value(json_object_get(c, "weight")),
			       json_is_true(json_object_get(c, "scored")) ? ", scored" : ", not scored");
	html_text(body, "p", "muted", meta);
	free(meta);
	html_text(tr, "td", NULL, report_str(c, "section"));
	html_text(tr, "td", NULL, lvl);
	char *bcls = xasprintf("badge b-%s", st);
	html_text(html_el(tr, "td", NULL), "span", bcls, st);
	free(bcls);
}

static void checks_table(xmlNodePtr parent, const json_t *doc, const struct write_opts *o)
{
	static const char *const heads[] = { "ID", "Check", "Section", "Level", "Status" };
	xmlNodePtr tb = html_table(parent, "checks", heads, 5);
	html_set(tb->parent, "id", "checks");
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "checks"), i, c)
		check_row(tb, c, i, o);
}

static void drift_items(xmlNodePtr parent, const json_t *items, const char *title)
{
	if (!json_array_size(items))
		return;
	html_text(parent, "h3", NULL, title);
	static const char *const heads[] = { "Change", "Check", "Target", "Before", "Now" };
	xmlNodePtr tb = html_table(parent, "findings drift", heads, 5), tr;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *ch = report_str(it, "change");
		if (!strcmp(ch, "unchanged"))
			continue;
		tr = html_el(tb, "tr", NULL);
		char *bcls = xasprintf("badge b-%s", ch);
		html_text(html_el(tr, "td", NULL), "span", bcls, ch);
		free(bcls);
		char *id = xasprintf("%s %s", report_str(it, "id"), report_str(it, "title"));
		html_text(tr, "td", NULL, id);
		free(id);
		html_text(tr, "td", "mono", report_str(it, "target"));
		html_text(tr, "td", NULL, report_str(it, "before"));
		html_text(tr, "td", NULL, report_str(it, "now"));
	}
}

static void drift(xmlNodePtr main, const json_t *d)
{
	if (!d)
		return;
	xmlNodePtr sec = html_el(main, "section", NULL);
	html_set(sec, "id", "drift");
	html_text(sec, "h2", NULL, "Changes since the baseline");
	const json_t *b = json_object_get(d, "baseline"), *s = json_object_get(d, "summary");
	char *line = xasprintf("Baseline: host %s, collected %s.  Checks: %" JSON_INTEGER_FORMAT " newly failing, %"
			       JSON_INTEGER_FORMAT " resolved, %" JSON_INTEGER_FORMAT " still failing.  Findings: %"
			       JSON_INTEGER_FORMAT " new, %" JSON_INTEGER_FORMAT " resolved, %" JSON_INTEGER_FORMAT " unchanged.",
			       report_str(b, "hostname"), report_str(b, "collected_at"),
			       count(s, "checks_new"), count(s, "checks_resolved"), count(s, "checks_unchanged"),
			       count(s, "findings_new"), count(s, "findings_resolved"), count(s, "findings_unchanged"));
	html_text(sec, "p", NULL, line);
	free(line);
	drift_items(sec, json_object_get(d, "checks"), "Checks");
	drift_items(sec, json_object_get(d, "findings"), "Findings");
}

static void notes(xmlNodePtr main, const json_t *doc)
{
	const json_t *ns = json_object_get(doc, "notes"), *rf = json_object_get(doc, "refused");
	if (!json_array_size(ns) && !json_array_size(rf))
		return;
	html_text(main, "h2", NULL, "Notes");
	xmlNodePtr ul = html_el(main, "ul", "notes");
	size_t i;
	json_t *n;
	json_array_foreach(ns, i, n)
		html_text(ul, "li", NULL, json_string_value(n));
	json_array_foreach(rf, i, n) {
		char *s = xasprintf("refused: %s", report_str(n, "reason"));
		html_text(ul, "li", NULL, s);
		free(s);
	}
}

/* Raw CSS or JS from the binary: constant, never host data. */
static void raw(xmlNodePtr parent, const char *name, const char *content)
{
	xmlNodePtr n = html_el(parent, name, NULL);
	xmlAddChild(n, xmlNewText(BAD_CAST content));
}

int report_write_html(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	char *title = xasprintf("boxaudit report: %s", report_str(json_object_get(doc, "host"), "hostname"));
	xmlNodePtr body;
	xmlDocPtr hd = html_page(title, report_js_csp, &body);
	free(title);
	header(body, doc);
	xmlNodePtr main = html_el(body, "main", NULL);
	const json_t *sum = json_object_get(doc, "summary");
	html_text(main, "h2", NULL, "Score");
	xmlNodePtr ov = html_el(main, "section", "overview");
	gauge(ov, sum);
	counts_list(ov, sum);
	bars(ov, json_object_get(sum, "sections"));
	html_text(main, "p", "muted", report_str(sum, "score_basis"));
	notes(main, doc);
	drift(main, json_object_get(doc, "drift"));
	html_text(main, "h2", NULL, "Checks");
	filters(main, doc);
	checks_table(main, doc, o);
	raw(body, "script", report_js);

	return html_page_write(hd, out, "html report", err);
}
