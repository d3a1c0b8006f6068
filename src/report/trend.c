/*
 * The score trend (trend.h): building the series from reports, and the
 * HTML page, written like the report (libxml2's HTML tree; every host
 * value a text node or attribute; inline SVG; a Content-Security-Policy
 * of default-src 'none' with no script at all).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include "report/trend.h"
#include "report/xml.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct item {
	const json_t *doc;
	const char *file;
};

static int by_time(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(report_str(x->doc, "collected_at"), report_str(y->doc, "collected_at"));
	return c ? c : strcmp(x->file, y->file);
}

static json_t *section_scores(const json_t *doc)
{
	json_t *m = json_object();
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(json_object_get(doc, "summary"), "sections"), i, s) {
		char *k = xasprintf("%s:%s", report_str(s, "benchmark"), report_str(s, "section"));
		json_object_set(m, k, json_object_get(json_object_get(s, "summary"), "score") ?
				json_object_get(json_object_get(s, "summary"), "score") : json_null());
		free(k);
	}
	return m;
}

static json_t *check_statuses(const json_t *doc)
{
	json_t *m = json_object();
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "checks"), i, c) {
		char *k = xasprintf("%s:%s", report_str(c, "benchmark"), report_str(c, "id"));
		json_object_set_new(m, k, json_pack("{s:s,s:s,s:s,s:s}", "status", report_str(c, "status"),
						    "title", report_str(c, "title"), "benchmark",
						    report_str(c, "benchmark"), "id", report_str(c, "id")));
		free(k);
	}
	return m;
}

json_t *trend_build(json_t *const *docs, const char *const *files, size_t n, const json_t *notes)
{
	struct item *items = xcalloc(n ? n : 1, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = (struct item){ docs[i], files[i] };
	qsort(items, n, sizeof(*items), by_time);
	json_t *points = json_array(), *sections = json_array(), *changes = json_array();
	json_t *out_notes = json_is_array(notes) ? json_deep_copy(notes) : json_array();
	json_t *hosts = json_object();
	json_t *prev = NULL;
	const char *prev_time = NULL;
	for (size_t i = 0; i < n; i++) {
		const json_t *d = items[i].doc, *sum = json_object_get(d, "summary");
		const char *host = report_str(json_object_get(d, "host"), "hostname");
		json_object_set_new(hosts, host, json_true());
		json_t *counts = json_object();
		static const char *const st[] = { "PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED" };
		for (size_t k = 0; k < 6; k++)
			json_object_set_new(counts, st[k], json_integer(json_integer_value(json_object_get(sum, st[k]))));
		json_array_append_new(points, json_pack("{s:o,s:o,s:o,s:O,s:o}", "file", jstr(items[i].file),
			"hostname", jstr(host), "collected_at", jstr(report_str(d, "collected_at")),
			"score", json_object_get(sum, "score") ? json_object_get(sum, "score") : json_null(),
			"counts", counts));
		/* Sections in the order they first appear; a report without one gets null. */
		json_t *ss = section_scores(d);
		size_t si;
		json_t *s;
		json_array_foreach(json_object_get(sum, "sections"), si, s) {
			char *k = xasprintf("%s:%s", report_str(s, "benchmark"), report_str(s, "section"));
			int found = 0;
			size_t j;
			json_t *e;
			json_array_foreach(sections, j, e)
				found |= !strcmp(report_str(e, "key"), k);
			if (!found) {
				json_t *scores = json_array();
				for (size_t p = 0; p < i; p++)
					json_array_append_new(scores, json_null());
				json_array_append_new(sections, json_pack("{s:o,s:o,s:o,s:o,s:o}", "key", jstr(k),
					"benchmark", jstr(report_str(s, "benchmark")), "section", jstr(report_str(s, "section")),
					"title", jstr(report_str(s, "title")), "scores", scores));
			}
			free(k);
		}
		json_array_foreach(sections, si, s) {
			json_t *v = json_object_get(ss, report_str(s, "key"));
			json_array_append(json_object_get(s, "scores"), v ? v : json_null());
		}
		json_decref(ss);
		json_t *now = check_statuses(d);
		if (prev) {
			const char *k;
			json_t *v;
			json_object_foreach(now, k, v) {
				json_t *was = json_object_get(prev, k);
				const char *b = was ? report_str(was, "status") : "absent";
				if (strcmp(b, report_str(v, "status")))
					json_array_append_new(changes, json_pack("{s:o,s:o,s:O,s:O,s:O,s:s,s:O}",
						"from", jstr(prev_time), "to", jstr(report_str(d, "collected_at")),
						"benchmark", json_object_get(v, "benchmark"), "id", json_object_get(v, "id"),
						"title", json_object_get(v, "title"), "before", b, "now", json_object_get(v, "status")));
			}
			json_object_foreach(prev, k, v)
				if (!json_object_get(now, k))
					json_array_append_new(changes, json_pack("{s:o,s:o,s:O,s:O,s:O,s:O,s:s}",
						"from", jstr(prev_time), "to", jstr(report_str(d, "collected_at")),
						"benchmark", json_object_get(v, "benchmark"), "id", json_object_get(v, "id"),
						"title", json_object_get(v, "title"), "before", json_object_get(v, "status"),
						"now", "absent"));
		}
		json_decref(prev);
		prev = now;
		prev_time = report_str(d, "collected_at");
	}
	json_decref(prev);
	if (json_object_size(hosts) > 1) {
		char *m = xasprintf("these reports come from %zu different hosts: their scores are drawn as one line",
				    json_object_size(hosts));
		json_array_append_new(out_notes, json_string(m));
		free(m);
	}
	json_decref(hosts);
	free(items);
	return json_pack("{s:s,s:o,s:o,s:o,s:o}", "schema", "boxaudit-trend/1", "points", points,
			 "sections", sections, "changes", changes, "notes", out_notes);
}

/* ---- the page ---- */

static const char *const palette[] = {
	"#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#1b7c83", "#953800", "#57606a", "#4d2d00",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

static void setf(xmlNodePtr n, const char *name, double v)
{
	char s[64];
	snprintf(s, sizeof(s), "%.2f", v);
	xmlSetProp(n, BAD_CAST name, BAD_CAST s);
}

/* A polyline per run of non-null scores; dots with a tooltip at every point. */
static void line(xmlNodePtr svg, const json_t *scores, const json_t *points, const char *color, double width,
		 const char *label, const char *cls, double x0, double dx, double y0, double h)
{
	xmlNodePtr g = html_el(svg, "g", cls);
	html_set(g, "data-series", label);
	struct buf pts;
	buf_init(&pts, 1 << 20);
	size_t n = json_array_size(scores);
	for (size_t i = 0; i <= n; i++) {
		const json_t *v = i < n ? json_array_get(scores, i) : NULL;
		if (v && json_is_number(v)) {
			double x = x0 + dx * (double)i, y = y0 + h - h * json_number_value(v) / 100.0;
			int r = buf_addf(&pts, "%s%.2f,%.2f", pts.len ? " " : "", x, y);
			(void)r;
			xmlNodePtr c = html_el(g, "circle", "pt");
			setf(c, "cx", x);
			setf(c, "cy", y);
			setf(c, "r", width + 1.5);
			html_set(c, "fill", color);
			char *tip = xasprintf("%s %s: %.1f", label,
					      report_str(json_array_get(points, i), "collected_at"), json_number_value(v));
			html_text(c, "title", NULL, tip);
			free(tip);
			continue;
		}
		if (pts.len) {
			xmlNodePtr pl = html_el(g, "polyline", NULL);
			html_set(pl, "points", pts.data);
			html_set(pl, "fill", "none");
			html_set(pl, "stroke", color);
			setf(pl, "stroke-width", width);
			buf_reset(&pts);
		}
	}
	buf_release(&pts);
}

static void chart(xmlNodePtr parent, const json_t *t)
{
	const json_t *points = json_object_get(t, "points"), *sections = json_object_get(t, "sections");
	size_t n = json_array_size(points);
	const double W = 900, H = 320, left = 44, top = 14, plot_h = 250, plot_w = W - left - 20;
	double dx = n > 1 ? plot_w / (double)(n - 1) : 0, x0 = left + (n > 1 ? 0 : plot_w / 2);
	xmlNodePtr div = html_el(parent, "div", "trend");
	xmlNodePtr svg = html_el(div, "svg", "chart");
	char vb[64];
	snprintf(vb, sizeof(vb), "0 0 %.0f %.0f", W, H);
	html_set(svg, "viewBox", vb);
	html_set(svg, "role", "img");
	html_text(svg, "title", NULL, "overall and per-section score over time");
	for (int y = 0; y <= 100; y += 25) {
		double yy = top + plot_h - plot_h * y / 100.0;
		xmlNodePtr l = html_el(svg, "line", "grid");
		setf(l, "x1", left); setf(l, "x2", left + plot_w); setf(l, "y1", yy); setf(l, "y2", yy);
		html_set(l, "stroke", "#d1d9e0");
		char lab[8];
		snprintf(lab, sizeof(lab), "%d", y);
		xmlNodePtr tx = html_text(svg, "text", "axis", lab);
		setf(tx, "x", left - 6); setf(tx, "y", yy + 4);
		html_set(tx, "text-anchor", "end");
	}
	size_t every = n > 8 ? (n + 7) / 8 : 1;
	for (size_t i = 0; i < n; i += every) {
		const char *when = report_str(json_array_get(points, i), "collected_at");
		char day[11];
		snprintf(day, sizeof(day), "%s", when);
		xmlNodePtr tx = html_text(svg, "text", "axis", day);
		setf(tx, "x", x0 + dx * (double)i); setf(tx, "y", top + plot_h + 18);
		/* The first and last labels stay inside the chart. */
		html_set(tx, "text-anchor", n > 1 && i == 0 ? "start" : n > 1 && i + every >= n && i == n - 1 ? "end" : "middle");
	}
	size_t i;
	json_t *s;
	json_array_foreach(sections, i, s) {
		char *label = xasprintf("%s %s", report_str(s, "key"), report_str(s, "title"));
		line(svg, json_object_get(s, "scores"), points, palette[i % NPALETTE], 1.2, label, "series section",
		     x0, dx, top, plot_h);
		free(label);
	}
	json_t *overall = json_array();
	json_t *p;
	json_array_foreach(points, i, p)
		json_array_append(overall, json_object_get(p, "score"));
	line(svg, overall, points, "#1f2328", 3, "overall", "series overall", x0, dx, top, plot_h);
	json_decref(overall);
	xmlNodePtr legend = html_el(div, "ul", "legend");
	xmlNodePtr li = html_el(legend, "li", NULL);
	xmlNodePtr sw = html_el(li, "svg", "key");
	html_set(sw, "width", "14"); html_set(sw, "height", "14");
	xmlNodePtr r = html_el(sw, "rect", NULL);
	html_set(r, "width", "14"); html_set(r, "height", "14"); html_set(r, "fill", "#1f2328");
	html_append_text(li, "overall");
	json_array_foreach(sections, i, s) {
		li = html_el(legend, "li", NULL);
		sw = html_el(li, "svg", "key");
		html_set(sw, "width", "14"); html_set(sw, "height", "14");
		r = html_el(sw, "rect", NULL);
		html_set(r, "width", "14"); html_set(r, "height", "14"); html_set(r, "fill", palette[i % NPALETTE]);
		char *label = xasprintf("%s %s", report_str(s, "key"), report_str(s, "title"));
		html_append_text(li, label);
		free(label);
	}
}

static char *score_str(const json_t *v)
{
	return json_is_number(v) ? xasprintf("%.1f", json_number_value(v)) : xstrdup("n/a");
}

int trend_write_html(const json_t *t, const struct write_opts *o, struct buf *out, char **err)
{
	(void)o;
	const json_t *points = json_object_get(t, "points");
	xmlNodePtr body;
	xmlDocPtr hd = html_page("boxaudit score trend", "'none'", &body);
	xmlNodePtr h = html_el(body, "header", NULL);
	html_text(h, "h1", NULL, "boxaudit score trend");
	xmlNodePtr dl = html_el(h, "dl", NULL);
	size_t n = json_array_size(points);
	const json_t *last = n ? json_array_get(points, n - 1) : NULL;
	html_meta_row(dl, "Host", last ? report_str(last, "hostname") : "");
	char *span = n ? xasprintf("%zu reports, %s to %s", n, report_str(json_array_get(points, 0), "collected_at"),
				    report_str(last, "collected_at")) : xstrdup("no reports");
	html_meta_row(dl, "Reports", span);
	free(span);
	xmlNodePtr main = html_el(body, "main", NULL);
	html_text(main, "h2", NULL, "Score over time");
	chart(main, t);
	html_text(main, "p", "muted", "Each report's own scores, as written when it was made (its score model "
		  "and basis); a gap is a report in which nothing was scorable.");
	const json_t *notes = json_object_get(t, "notes");
	if (json_array_size(notes)) {
		html_text(main, "h2", NULL, "Notes");
		xmlNodePtr ul = html_el(main, "ul", "notes");
		size_t i;
		json_t *v;
		json_array_foreach(notes, i, v)
			html_text(ul, "li", NULL, json_string_value(v));
	}
	html_text(main, "h2", NULL, "Reports");
	static const char *const heads[] = { "Collected", "Host", "Score", "PASS", "FAIL", "ERROR", "File" };
	xmlNodePtr tb = html_table(main, "reports", heads, 7);
	size_t i;
	json_t *p;
	json_array_foreach(points, i, p) {
		xmlNodePtr tr = html_el(tb, "tr", NULL);
		html_text(tr, "td", "mono", report_str(p, "collected_at"));
		html_text(tr, "td", NULL, report_str(p, "hostname"));
		char *s = score_str(json_object_get(p, "score"));
		html_text(tr, "td", "score", s);
		free(s);
		static const char *const st[] = { "PASS", "FAIL", "ERROR" };
		for (int k = 0; k < 3; k++) {
			char *c = xasprintf("%" JSON_INTEGER_FORMAT,
					    json_integer_value(json_object_get(json_object_get(p, "counts"), st[k])));
			html_text(tr, "td", NULL, c);
			free(c);
		}
		html_text(tr, "td", "mono", report_str(p, "file"));
	}
	const json_t *changes = json_object_get(t, "changes");
	char *ch = xasprintf("Checks that changed status (%zu)", json_array_size(changes));
	html_text(main, "h2", NULL, ch);
	free(ch);
	if (!json_array_size(changes)) {
		html_text(main, "p", "muted", "No check changed status between consecutive reports.");
	} else {
		static const char *const ch_heads[] = { "Between", "Check", "Title", "Before", "Now" };
		tb = html_table(main, "changes", ch_heads, 5);
		json_t *c;
		json_array_foreach(changes, i, c) {
			if (i == (size_t)DRIFT_ITEMS_SHOWN * 20) {
				char *more = xasprintf("... and %zu more (boxaudit trend --format json)",
						       json_array_size(changes) - i);
				html_text(html_el(tb, "tr", NULL), "td", "muted", more);
				free(more);
				break;
			}
			xmlNodePtr tr = html_el(tb, "tr", "change");
			char *between = xasprintf("%s - %s", report_str(c, "from"), report_str(c, "to"));
			html_text(tr, "td", "mono", between);
			free(between);
			char *id = xasprintf("%s %s", report_str(c, "benchmark"), report_str(c, "id"));
			html_text(tr, "td", "id", id);
			free(id);
			html_text(tr, "td", NULL, report_str(c, "title"));
			char *bc = xasprintf("badge b-%s", report_str(c, "before"));
			html_text(html_el(tr, "td", NULL), "span", bc, report_str(c, "before"));
			free(bc);
			char *nc = xasprintf("badge b-%s", report_str(c, "now"));
			html_text(html_el(tr, "td", NULL), "span", nc, report_str(c, "now"));
			free(nc);
		}
	}
	return html_page_write(hd, out, "trend page", err);
}
