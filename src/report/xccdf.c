/*
 * The XCCDF 1.2 writer: one Benchmark holding its TestResult, the form
 * `oscap xccdf validate` and `oscap xccdf generate report` read
 * (docs/REPORTS.md "XCCDF").  The TestResult names the enclosing
 * Benchmark, or OpenSCAP's report refuses it.
 */
#include "config.h"
#include <libxml/tree.h>
#include "report/report.h"
#include "report/scap.h"
#include "base/xalloc.h"
#include "base/banned.h"

int report_write_xccdf(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	(void)o;
	struct scap_ids ids;
	scap_ids_init(&ids, doc);
	xmlDocPtr xd = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr bn = scap_benchmark(xd, doc, &ids);
	xmlDocSetRootElement(xd, bn);
	char *href = xasprintf("#%s", ids.benchmark);
	xmlAddChild(bn, scap_testresult(xd, doc, &ids, href, o));
	free(href);
	int rc = scap_dump(xd, out, err);
	xmlFreeDoc(xd);
	scap_ids_release(&ids);
	return rc;
}
