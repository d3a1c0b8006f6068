/*
 * report_xml: helpers shared by the HTML and JUnit writers.
 *
 * XML 1.0 cannot carry C0 controls (not even as character references) and
 * a terminal escape in a container name should be visible, not hidden, so
 * host text is cleaned the way the text writer does: controls other than
 * tab, newline and carriage return, DEL and U+FFFE/U+FFFF become "\xNN".
 */
#ifndef BOXAUDIT_REPORT_XML_H
#define BOXAUDIT_REPORT_XML_H

#include <jansson.h>
#include "base/buf.h"

/* The report's stylesheet and script, generated from reports/html by src/embed. */
extern const char report_css[], report_js[];
/* "'sha256-...'" of each, or "'unsafe-inline'" when the build had no openssl. */
extern const char report_css_csp[], report_js_csp[];

/* A new string (the caller frees) safe to hand to libxml2; NULL gives "". */
char *report_xml_clean(const char *s);

/* A value as one line of text (strings as-is, others as compact JSON), cleaned; the caller frees. */
char *report_xml_value(const json_t *v);

/* The string member k of o, or "" (borrowed). */
const char *report_str(const json_t *o, const char *k);

/*
 * "" or a clause for a check whose level or assessment no CIS publication
 * confirmed (its "unverified" list): ", level and assessment unverified
 * (taken from secondary sources)".
 */
const char *report_unverified(const json_t *check);

/* One finding as "STATUS target: actual (expected X) [source] - note"; the caller frees. */
char *report_finding_line(const json_t *f);

/* A score as "87.5%", or "n/a" when null; the caller frees. */
char *report_score_text(const json_t *counts);

/*
 * Building HTML with libxml2's tree: host text only ever becomes a text
 * node or an attribute value (cleaned), never markup.  Nodes belong to the
 * parent's document.
 */
#include <libxml/tree.h>
xmlNodePtr html_el(xmlNodePtr parent, const char *name, const char *cls);
xmlNodePtr html_text(xmlNodePtr parent, const char *name, const char *cls, const char *s);
/* Append s to parent as a text node. */
void html_append_text(xmlNodePtr parent, const char *s);
void html_set(xmlNodePtr n, const char *name, const char *value);
/*
 * A new HTML document with its <head>: charset, the Content-Security-Policy
 * (default-src 'none' plus script_src for scripts and our stylesheet by
 * its hash), viewport, title and our inline stylesheet.  *body is set to
 * the empty <body>.  The caller frees the document with xmlFreeDoc.
 */
xmlDocPtr html_page(const char *title, const char *script_src, xmlNodePtr *body);
/* Serialize page hd (then freed) to out; what names it in messages ("html report"). 0, or -1 with *err. */
int html_page_write(xmlDocPtr hd, struct buf *out, const char *what, char **err);
/* A <table class=cls> with one header row of n cells; returns its <tbody>. */
xmlNodePtr html_table(xmlNodePtr parent, const char *cls, const char *const *heads, size_t n);
/* A <dt>k</dt><dd>v</dd> pair in dl. */
void html_meta_row(xmlNodePtr dl, const char *k, const char *v);

#endif
