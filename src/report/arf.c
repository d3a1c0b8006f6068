/*
 * The ARF 1.1 writer, in the shape `oscap xccdf eval --results-arf` writes
 * (docs/REPORTS.md "ARF"): the Benchmark in a source data stream as the
 * report request, the audited host as an asset, the XCCDF TestResult as
 * the report, and the relationships createdFor (report -> request) and
 * isAbout (report -> asset).  It is the only shape every OpenSCAP consumer
 * tried takes: without a request `oscap info` crashes, a bare Benchmark
 * as the request crashes the library's ARF session.
 */
#include "config.h"
#include <string.h>
#include <libxml/tree.h>
#include "report/report.h"
#include "report/scap.h"
#include "report/xml.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define ARF_NS "http://scap.nist.gov/schema/asset-reporting-format/1.1"
#define CORE_NS "http://scap.nist.gov/schema/reporting-core/1.1"
#define AI_NS "http://scap.nist.gov/schema/asset-identification/1.1"
#define DS_NS "http://scap.nist.gov/schema/scap/source/1.2"
#define XLINK_NS "http://www.w3.org/1999/xlink"
#define ARFVOCAB_NS "http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#"

static void relationship(xmlNodePtr rels, xmlNsPtr core, const char *type, const char *subject, const char *ref)
{
	xmlNodePtr r = xmlNewChild(rels, core, BAD_CAST "relationship", NULL);
	xmlSetProp(r, BAD_CAST "type", BAD_CAST type);
	xmlSetProp(r, BAD_CAST "subject", BAD_CAST subject);
	xmlNewTextChild(r, core, BAD_CAST "ref", BAD_CAST ref);
}

/* The AI schema's hostname-type: [\w\-]+(\.[\w\-]+)* (ASCII word characters here). */
static int ai_hostname(const char *s)
{
	int label = 0;
	for (const char *p = s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '-')
			label++;
		else if (*p == '.' && label)
			label = 0;
		else
			return 0;
	}
	return label > 0;
}

int report_write_arf(const json_t *doc, const struct write_opts *o, struct buf *out, char **err)
{
	(void)o;
	struct scap_ids ids;
	scap_ids_init(&ids, doc);
	char *name = scap_name(ids.benchmark + strlen("xccdf_org.boxaudit_benchmark_"));
	char *collection = xasprintf("scap_org.boxaudit_collection_%s", name);
	char *stream = xasprintf("scap_org.boxaudit_datastream_%s", name);
	char *comp = xasprintf("scap_org.boxaudit_comp_%s-xccdf", name);
	char *cref = xasprintf("scap_org.boxaudit_cref_%s-xccdf", name);
	char *comp_href = xasprintf("#%s", comp);

	xmlDocPtr xd = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(xd, NULL, BAD_CAST "asset-report-collection", NULL);
	xmlDocSetRootElement(xd, root);
	xmlNsPtr arf = xmlNewNs(root, BAD_CAST ARF_NS, BAD_CAST "arf");
	xmlNsPtr core = xmlNewNs(root, BAD_CAST CORE_NS, BAD_CAST "core");
	xmlNsPtr ai = xmlNewNs(root, BAD_CAST AI_NS, BAD_CAST "ai");
	xmlSetNs(root, arf);

	xmlNodePtr rels = xmlNewChild(root, core, BAD_CAST "relationships", NULL);
	xmlNewNs(rels, BAD_CAST ARFVOCAB_NS, BAD_CAST "arfvocab");
	relationship(rels, core, "arfvocab:createdFor", "xccdf1", "collection1");
	relationship(rels, core, "arfvocab:isAbout", "xccdf1", "asset0");

	xmlNodePtr reqs = xmlNewChild(root, arf, BAD_CAST "report-requests", NULL);
	xmlNodePtr req = xmlNewChild(reqs, arf, BAD_CAST "report-request", NULL);
	xmlSetProp(req, BAD_CAST "id", BAD_CAST "collection1");
	xmlNodePtr content = xmlNewChild(req, arf, BAD_CAST "content", NULL);
	xmlNodePtr dsc = xmlNewChild(content, NULL, BAD_CAST "data-stream-collection", NULL);
	xmlNsPtr ds = xmlNewNs(dsc, BAD_CAST DS_NS, BAD_CAST "ds");
	xmlNsPtr xlink = xmlNewNs(dsc, BAD_CAST XLINK_NS, BAD_CAST "xlink");
	xmlSetNs(dsc, ds);
	xmlSetProp(dsc, BAD_CAST "id", BAD_CAST collection);
	xmlSetProp(dsc, BAD_CAST "schematron-version", BAD_CAST "1.3");
	xmlNodePtr dstream = xmlNewChild(dsc, ds, BAD_CAST "data-stream", NULL);
	xmlSetProp(dstream, BAD_CAST "id", BAD_CAST stream);
	xmlSetProp(dstream, BAD_CAST "scap-version", BAD_CAST "1.3");
	xmlSetProp(dstream, BAD_CAST "use-case", BAD_CAST "CONFIGURATION");
	xmlNodePtr lists = xmlNewChild(dstream, ds, BAD_CAST "checklists", NULL);
	xmlNodePtr cr = xmlNewChild(lists, ds, BAD_CAST "component-ref", NULL);
	xmlSetProp(cr, BAD_CAST "id", BAD_CAST cref);
	xmlSetNsProp(cr, xlink, BAD_CAST "href", BAD_CAST comp_href);
	xmlNodePtr component = xmlNewChild(dsc, ds, BAD_CAST "component", NULL);
	xmlSetProp(component, BAD_CAST "id", BAD_CAST comp);
	const char *when = report_str(doc, "finished_at");
	if (strlen(when) >= 19) {
		/* xsd:dateTime without the zone, as oscap writes it */
		char *ts = xstrndup(when, 19);
		xmlSetProp(component, BAD_CAST "timestamp", BAD_CAST ts);
		free(ts);
	}
	xmlAddChild(component, scap_benchmark(xd, doc, &ids));

	xmlNodePtr assets = xmlNewChild(root, arf, BAD_CAST "assets", NULL);
	xmlNodePtr asset = xmlNewChild(assets, arf, BAD_CAST "asset", NULL);
	xmlSetProp(asset, BAD_CAST "id", BAD_CAST "asset0");
	xmlNodePtr dev = xmlNewChild(asset, ai, BAD_CAST "computing-device", NULL);
	const char *hostname = report_str(json_object_get(doc, "host"), "hostname");
	if (ai_hostname(hostname)) {
		if (strchr(hostname, '.'))
			xmlNewTextChild(dev, ai, BAD_CAST "fqdn", BAD_CAST hostname);
		char *first = xstrndup(hostname, strcspn(hostname, "."));
		xmlNewTextChild(dev, ai, BAD_CAST "hostname", BAD_CAST first);
		free(first);
	}

	xmlNodePtr reports = xmlNewChild(root, arf, BAD_CAST "reports", NULL);
	xmlNodePtr rep = xmlNewChild(reports, arf, BAD_CAST "report", NULL);
	xmlSetProp(rep, BAD_CAST "id", BAD_CAST "xccdf1");
	xmlNodePtr rc = xmlNewChild(rep, arf, BAD_CAST "content", NULL);
	xmlAddChild(rc, scap_testresult(xd, doc, &ids, comp_href, o));

	int r = scap_dump(xd, out, err);
	xmlFreeDoc(xd);
	free(collection);
	free(stream);
	free(comp);
	free(cref);
	free(comp_href);
	free(name);
	scap_ids_release(&ids);
	return r;
}
