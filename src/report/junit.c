/*
 * The JUnit writer: one testsuite per benchmark section, one testcase per
 * check, written with libxml2's xmlTextWriter (which does the escaping).
 * The layout follows the Jenkins/Surefire schema (tests/junit/junit-10.xsd).
 */
#include "config.h"
#include <string.h>
#include <libxml/xmlwriter.h>
#include "report/report.h"
#include "report/xml.h"
#include "base/xalloc.h"
#include "base/banned.h"

static json_int_t count(const json_t *summary, const char *k)
{
	return json_integer_value(json_object_get(summary, k));
}

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *c = report_xml_clean(value);
	int r = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST c);
	free(c);
	return r < 0 ? -1 : 0;
}

static int attr_int(xmlTextWriterPtr w, const char *name, json_int_t v)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%" JSON_INTEGER_FORMAT, v) < 0 ? -1 : 0;
}

static int text(xmlTextWriterPtr w, const char *s)
{
	char *c = report_xml_clean(s);
	int r = xmlTextWriterWriteString(w, BAD_CAST c);
	free(c);
	return r < 0 ? -1 : 0;
}

static int property(xmlTextWriterPtr w, const char *name, const char *value)
{
	int r = xmlTextWriterStartElement(w, BAD_CAST "property") < 0;
	r |= attr(w, "name", name);
	r |= attr(w, "value", value);
	r |= xmlTextWriterEndElement(w) < 0;
	return r ? -1 : 0;
}

static char *score_text(const json_t *summary)
{
	const json_t *s = json_object_get(summary, "score");
	return json_is_number(s) ? xasprintf("%.1f", json_number_value(s)) : xstrdup("n/a");
}

/* The outcome element of a check that did not pass, or nothing. */
static int outcome(xmlTextWriterPtr w, const json_t *c)
{
	const char *st = report_str(c, "status");
	const char *elem = !strcmp(st, "FAIL") ? "failure" : !strcmp(st, "ERROR") ? "error" :
			   !strcmp(st, "PASS") ? NULL : "skipped";
	if (!elem)
		return 0;
	int r = xmlTextWriterStartElement(w, BAD_CAST elem) < 0;
	const json_t *wv = json_object_get(c, "waiver");
	char *msg;
	if (!strcmp(st, "WAIVED") && wv)
		msg = xasprintf("waived: %s (owner %s, expires %s)", report_str(wv, "reason"),
				report_str(wv, "owner"), report_str(wv, "expires"));
	else
		msg = xstrdup(report_str(c, "reason"));
	r |= attr(w, "type", st);
	r |= attr(w, "message", msg);
	free(msg);
	if (!strcmp(elem, "skipped")) {
		r |= xmlTextWriterEndElement(w) < 0;
		return r ? -1 : 0;
	}
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(c, "findings"), i, f) {
		if (strcmp(report_str(f, "status"), st))
			continue;
		char *line = report_finding_line(f);
		r |= text(w, line);
		r |= text(w, "\n");
		free(line);
	}
	if (!strcmp(st, "FAIL")) {
		r |= text(w, "remediation: ");
		r |= text(w, report_str(c, "remediation"));
		r |= text(w, "\n");
	}
	r |= xmlTextWriterEndElement(w) < 0;
	return r ? -1 : 0;
}

static int testcase(xmlTextWriterPtr w, const json_t *c)
{
	char *classname = xasprintf("%s.%s", report_str(c, "benchmark"), report_str(c, "section"));
	char *name = xasprintf("%s %s", report_str(c, "id"), report_str(c, "title"));
	int r = xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
	r |= attr(w, "name", name);
	r |= attr(w, "classname", classname);
	r |= attr(w, "time", "0");
	r |= outcome(w, c);
	r |= xmlTextWriterEndElement(w) < 0;
	free(classname);
	free(name);
	return r ? -1 : 0;
}

static int testsuite(xmlTextWriterPtr w, const json_t *doc, const json_t *s, const char *host,
		     const struct write_opts *o)
{
	const json_t *sum = json_object_get(s, "summary");
	const char *bench = report_str(s, "benchmark"), *sec = report_str(s, "section");
	char *name = xasprintf("%s.%s", bench, sec);
	char *score = score_text(sum), *overall = score_text(json_object_get(doc, "summary"));
	int r = xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
	r |= attr(w, "name", name);
	r |= attr_int(w, "tests", count(sum, "total"));
	r |= attr_int(w, "failures", count(sum, "FAIL"));
	r |= attr_int(w, "errors", count(sum, "ERROR"));
	r |= attr_int(w, "skipped", count(sum, "MANUAL") + count(sum, "SKIP") + count(sum, "WAIVED"));
	r |= attr(w, "time", "0");
	r |= attr(w, "timestamp", report_str(doc, "collected_at"));
	r |= attr(w, "hostname", host);
	r |= attr(w, "package", bench);
	r |= xmlTextWriterStartElement(w, BAD_CAST "properties") < 0;
	r |= property(w, "section_title", report_str(s, "title"));
	r |= property(w, "section_score", score);
	r |= property(w, "overall_score", overall);
	r |= property(w, "score_model", report_str(json_object_get(doc, "summary"), "score_model"));
	r |= property(w, "score_basis", report_str(json_object_get(doc, "summary"), "score_basis"));
	r |= xmlTextWriterEndElement(w) < 0;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "checks"), i, c)
		if (!strcmp(report_str(c, "benchmark"), bench) && !strcmp(report_str(c, "section"), sec)) {
			json_t *full = report_check(c, i, o);
			r |= testcase(w, full);
			json_decref(full);
		}
	r |= xmlTextWriterEndElement(w) < 0;
	free(name);
	free(score);
	free(overall);
	return r ? -1 : 0;
}

/* libxml2 writes straight into out (and so into the file, with a sink). */
static int to_buf(void *ctx, const char *p, int n)
{
	return buf_add(ctx, p, (size_t)n) < 0 ? -1 : n;
}

int report_write_junit(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(to_buf, NULL, out, NULL);
	xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!w) {
		if (ob)
			xmlOutputBufferClose(ob);
		*err = xstrdup("cannot create the junit writer");
		return -1;
	}
	const json_t *sum = json_object_get(doc, "summary");
	const char *host = report_str(json_object_get(doc, "host"), "hostname");
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	int r = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	r |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
	r |= attr(w, "name", "boxaudit");
	r |= attr_int(w, "tests", count(sum, "total"));
	r |= attr_int(w, "failures", count(sum, "FAIL"));
	r |= attr_int(w, "errors", count(sum, "ERROR"));
	r |= attr(w, "time", "0");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(sum, "sections"), i, s)
		r |= testsuite(w, doc, s, host, o);
	r |= xmlTextWriterEndElement(w) < 0;
	r |= xmlTextWriterEndDocument(w) < 0;
	r |= xmlTextWriterFlush(w) < 0;
	/* Frees the output buffer too, after flushing it into out. */
	xmlFreeTextWriter(w);
	if (r)
		*err = xstrdup(out->sink_errno ? "cannot write the junit report" :
			       "the junit report is larger than the output limit, or cannot be written");
	return r ? -1 : 0;
}
