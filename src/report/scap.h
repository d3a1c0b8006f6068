/*
 * scap: the XCCDF 1.2 Benchmark and TestResult of a report document, as
 * libxml2 trees, shared by the XCCDF and ARF writers (docs/REPORTS.md has
 * what OpenSCAP 1.3.7 demands beyond the schemas).
 *
 * One document holds one Benchmark: the audited benchmark, or, when the
 * report spans several, one Benchmark with a Group per benchmark.  Ids are
 * xccdf_org.boxaudit_<type>_<name>.  Every element is built with no text
 * node beside its children, so that the indenting serializer puts
 * whitespace between siblings (OpenSCAP drops an element that directly
 * follows an empty one).
 */
#ifndef BOXAUDIT_REPORT_SCAP_H
#define BOXAUDIT_REPORT_SCAP_H

#include <jansson.h>
#include <libxml/tree.h>
#include "base/buf.h"
#include "report/report.h"

#define XCCDF_NS "http://checklists.nist.gov/xccdf/1.2"

/* The ids one document uses (new strings; scap_ids_release frees them). */
struct scap_ids {
	char *benchmark;	/* xccdf_org.boxaudit_benchmark_... */
	char *testresult;	/* xccdf_org.boxaudit_testresult_... */
	char *profile;		/* the profile the TestResult names */
};

void scap_ids_init(struct scap_ids *ids, const json_t *doc);
void scap_ids_release(struct scap_ids *ids);

/* A new Benchmark element (its own default namespace) without the TestResult. */
xmlNodePtr scap_benchmark(xmlDocPtr xd, const json_t *doc, const struct scap_ids *ids);
/* A new TestResult element (its own default namespace); benchmark_href is its benchmark/@href. */
xmlNodePtr scap_testresult(xmlDocPtr xd, const json_t *doc, const struct scap_ids *ids,
			   const char *benchmark_href, const struct write_opts *o);

/* Serialize xd indented, as UTF-8, onto out; 0, or -1 with *err. */
int scap_dump(xmlDocPtr xd, struct buf *out, char **err);

/* A new string: s with every character outside [A-Za-z0-9._-] as "-" (an NCName tail). */
char *scap_name(const char *s);

#endif
