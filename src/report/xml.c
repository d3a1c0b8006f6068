#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLtree.h>
#include "report/xml.h"
#include "base/jstr.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

char *report_xml_clean(const char *s)
{
	struct buf b;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	/* Each byte grows to at most four ("\xNN"). */
	buf_init(&b, strlen((const char *)p) * 4 + 1);
	for (; *p; p++) {
		int r;
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
			r = buf_addf(&b, "\\x%02x", *p);
		else if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
			r = buf_addf(&b, "\\x%02x\\x%02x\\x%02x", p[0], p[1], p[2]);
			p += 2;
		} else
			r = buf_add(&b, p, 1);
		(void)r;	/* the cap covers the worst case */
	}
	return buf_detach(&b, NULL);
}

char *report_xml_value(const json_t *v)
{
	if (!v || json_is_null(v))
		return xstrdup("(none)");
	char *s = jstr_brief(v);
	char *c = report_xml_clean(s);
	free(s);
	return c;
}

const char *report_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

const char *report_unverified(const json_t *check)
{
	const json_t *u = json_object_get(check, "unverified");
	int level = 0, assess = 0;
	size_t i;
	json_t *w;
	json_array_foreach(u, i, w) {
		const char *s = json_string_value(w);
		level |= s && !strcmp(s, "level");
		assess |= s && !strcmp(s, "assessment");
	}
	return level && assess ? ", level and assessment unverified (taken from secondary sources)"
		: level ? ", level unverified (taken from secondary sources)"
		: assess ? ", assessment unverified (taken from secondary sources)" : "";
}

char *report_finding_line(const json_t *f)
{
	char *actual = report_xml_value(json_object_get(f, "actual"));
	const char *exp = report_str(f, "expected"), *note = report_str(f, "note");
	const char *field = report_str(f, "field");
	char *line = xasprintf("%s %s%s%s: %s%s%s%s [%s]%s%s", report_str(f, "status"), report_str(f, "target"),
			       *field ? " " : "", field, actual, *exp ? " (expected " : "", exp, *exp ? ")" : "",
			       report_str(f, "source"), *note ? " - " : "", note);
	free(actual);
	char *c = report_xml_clean(line);
	free(line);
	return c;
}

char *report_score_text(const json_t *counts)
{
	const json_t *s = json_object_get(counts, "score");
	return json_is_number(s) ? xasprintf("%.1f%%", json_number_value(s)) : xstrdup("n/a");
}

xmlNodePtr html_el(xmlNodePtr parent, const char *name, const char *cls)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
	if (cls)
		xmlSetProp(n, BAD_CAST "class", BAD_CAST cls);
	return n;
}

void html_append_text(xmlNodePtr parent, const char *s)
{
	char *c = report_xml_clean(s);
	xmlAddChild(parent, xmlNewText(BAD_CAST c));
	free(c);
}

xmlNodePtr html_text(xmlNodePtr parent, const char *name, const char *cls, const char *s)
{
	xmlNodePtr n = html_el(parent, name, cls);
	html_append_text(n, s);
	return n;
}

void html_set(xmlNodePtr n, const char *name, const char *value)
{
	char *c = report_xml_clean(value);
	xmlSetProp(n, BAD_CAST name, BAD_CAST c);
	free(c);
}

void html_meta_row(xmlNodePtr dl, const char *k, const char *v)
{
	html_text(dl, "dt", NULL, k);
	html_text(dl, "dd", NULL, v);
}

xmlDocPtr html_page(const char *title, const char *script_src, xmlNodePtr *body)
{
	htmlDocPtr hd = htmlNewDocNoDtD(NULL, NULL);
	xmlCreateIntSubset(hd, BAD_CAST "html", NULL, NULL);
	xmlNodePtr html = xmlNewNode(NULL, BAD_CAST "html");
	xmlDocSetRootElement(hd, html);
	html_set(html, "lang", "en");
	xmlNodePtr head = html_el(html, "head", NULL);
	html_set(html_el(head, "meta", NULL), "charset", "utf-8");
	xmlNodePtr m = html_el(head, "meta", NULL);
	html_set(m, "http-equiv", "Content-Security-Policy");
	/* Only our own script and style run: an injected one would not match the hashes. */
	char *csp = xasprintf("default-src 'none'; style-src %s; script-src %s; img-src data:; "
			      "base-uri 'none'; form-action 'none'", report_css_csp, script_src);
	html_set(m, "content", csp);
	free(csp);
	m = html_el(head, "meta", NULL);
	html_set(m, "name", "viewport");
	html_set(m, "content", "width=device-width, initial-scale=1");
	html_text(head, "title", NULL, title);
	xmlNodePtr style = html_el(head, "style", NULL);
	xmlAddChild(style, xmlNewText(BAD_CAST report_css));
	*body = html_el(html, "body", NULL);
	return hd;
}

xmlNodePtr html_table(xmlNodePtr parent, const char *cls, const char *const *heads, size_t n)
{
	xmlNodePtr t = html_el(parent, "table", cls);
	xmlNodePtr tr = html_el(html_el(t, "thead", NULL), "tr", NULL);
	for (size_t k = 0; k < n; k++)
		html_text(tr, "th", NULL, heads[k]);
	return html_el(t, "tbody", NULL);
}

int html_page_write(xmlDocPtr hd, struct buf *out, const char *what, char **err)
{
	xmlChar *mem = NULL;
	int size = 0;
	htmlDocDumpMemoryFormat(hd, &mem, &size, 0);
	xmlFreeDoc(hd);
	int r = 0;
	if (!mem || size <= 0) {
		*err = xasprintf("cannot serialize the %s", what);
		r = -1;
	} else if (buf_add(out, mem, (size_t)size) < 0 || buf_addstr(out, "\n") < 0) {
		*err = xasprintf("the %s is larger than the output limit", what);
		r = -1;
	}
	xmlFree(mem);
	return r;
}
