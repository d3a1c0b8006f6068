/*
 * libFuzzer target: hostile Engine API data all the way to the reports.
 *
 * The input (as fuzz_inspect, fuzz_api.h) becomes facts, one CIS Docker
 * benchmark's container, image and daemon checks are evaluated over it,
 * scored and built into the report document (the container's Name is also
 * the report's hostname), and every writer renders it.  Properties checked
 * (abort when broken):
 *   - the JSON, JSONL and SARIF reports parse back as JSON;
 *   - the JUnit, XCCDF and ARF reports are well-formed XML (libxml2, no network);
 *   - the HTML report opens no element outside the writer's own set, and
 *     has as many <script and </script as a benign report: host text
 *     cannot inject markup.
 */
#include "config.h"
#include <ctype.h>
#include <libxml/parser.h>
#include "fuzz_api.h"
#include "engine/engine.h"
#include "engine/result.h"
#include "report/report.h"
#include "score/score.h"
#include "base/buf.h"
#include "base/banned.h"

static struct benchmark *bench;
static const struct check **bchecks;
static size_t nbchecks;
static size_t base_script, base_end_script;

static const char *const tags[] = {
	"a", "body", "br", "button", "circle", "code", "dd", "details", "div", "dl", "dt",
	"em", "footer", "form", "g", "h1", "h2", "h3", "h4", "head", "header", "html",
	"input", "label", "li", "main", "meta", "nav", "ol", "option", "output", "p", "path",
	"pre", "rect", "script", "section", "select", "small", "span", "strong", "style",
	"summary", "svg", "table", "tbody", "td", "text", "th", "thead", "title", "tr", "ul",
	NULL
};

static size_t count(const char *hay, size_t len, const char *needle)
{
	size_t n = 0, nl = strlen(needle);
	for (const char *p = hay; (p = memmem(p, len - (size_t)(p - hay), needle, nl)); p += nl)
		n++;
	return n;
}

/* Every "<NAME" opens one of the writer's own elements. */
static void check_tags(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '<' || !isalpha((unsigned char)s[i + 1]))
			continue;
		size_t k = i + 1;
		while (k < len && (isalnum((unsigned char)s[k]) || s[k] == '-'))
			k++;
		int ok = 0;
		for (size_t t = 0; tags[t] && !ok; t++)
			ok = strlen(tags[t]) == k - i - 1 && !strncasecmp(tags[t], s + i + 1, k - i - 1);
		if (!ok) {
			fprintf(stderr, "fuzz_report: unexpected element '%.*s' in the HTML report\n",
				(int)(k - i - 1), s + i + 1);
			abort();
		}
	}
}

/* Render all formats of the report for facts; returns the HTML's script counts. */
/* What a JSON writer produces must parse back. */
static void check_json_writer(writer_fn *write, const json_t *doc)
{
	struct buf b;
	char *err = NULL;
	buf_init(&b, 64u << 20);
	if (write(doc, NULL, &b, &err) == 0) {
		json_t *back = json_loadb(b.data, b.len, 0, NULL);
		if (!back)
			abort();
		json_decref(back);
	}
	free(err);
	buf_release(&b);
}

/* What an XML writer produces must be well-formed XML. */
static void check_xml_writer(writer_fn *write, const json_t *doc, const char *name)
{
	struct buf b;
	char *err = NULL;
	buf_init(&b, 64u << 20);
	if (write(doc, NULL, &b, &err) == 0) {
		xmlDocPtr x = xmlReadMemory(b.data, (int)b.len, name, NULL,
					    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (!x) {
			fprintf(stderr, "fuzz_report: the %s report is not well-formed XML\n", name);
			abort();
		}
		xmlFreeDoc(x);
	}
	free(err);
	buf_release(&b);
}

static void render(json_t *facts, size_t *scripts, size_t *end_scripts)
{
	struct check_result *results = calloc(nbchecks ? nbchecks : 1, sizeof(*results));
	if (!results)
		abort();
	for (size_t i = 0; i < nbchecks; i++)
		engine_eval_check(bchecks[i], facts, &results[i]);
	struct score_opts so = { 0 };
	score_mark(results, nbchecks, &so);
	json_t *name = json_object_get(json_array_get(facts_get(facts, "docker.api.containers", NULL), 0), "Name");
	json_t *skeleton = json_pack("{s:{s:O*, s:s, s:b, s:s}, s:[]}", "meta",
				     "hostname", json_is_string(name) ? name : NULL, "root", "/", "live", 1,
				     "collected_at", "2026-01-01T00:00:00Z", "refused");
	json_t *notes = json_pack("[s]", "fuzz");
	struct benchmark *const benches[] = { bench };
	struct report_input in = {
		.facts = skeleton, .benches = benches, .nbenches = 1,
		.results = results, .nresults = nbchecks, .score = &so, .notes = notes,
	};
	json_t *doc = report_build(&in);
	free(results);
	if (!doc)
		abort();

	struct buf b;
	char *err = NULL;
	struct write_opts to = { .color = 1, .verbose = 1 };
	buf_init(&b, 64u << 20);
	if (report_write_text(doc, &to, &b, &err) < 0)
		free(err), err = NULL;
	buf_release(&b);

	check_json_writer(report_write_json, doc);
	check_json_writer(report_write_jsonl, doc);
	check_json_writer(report_write_sarif, doc);
	check_xml_writer(report_write_xccdf, doc, "xccdf.xml");
	check_xml_writer(report_write_arf, doc, "arf.xml");

	buf_init(&b, 64u << 20);
	if (report_write_junit(doc, NULL, &b, &err) == 0) {
		xmlDocPtr x = xmlReadMemory(b.data, (int)b.len, "junit.xml", NULL,
					    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (!x) {
			fprintf(stderr, "fuzz_report: the JUnit report is not well-formed XML\n");
			abort();
		}
		xmlFreeDoc(x);
	} else {
		free(err), err = NULL;
	}
	buf_release(&b);

	buf_init(&b, 64u << 20);
	if (report_write_html(doc, NULL, &b, &err) == 0) {
		check_tags(b.data, b.len);
		*scripts = count(b.data, b.len, "<script");
		*end_scripts = count(b.data, b.len, "</script");
	} else {
		free(err), err = NULL;
		*scripts = base_script;
		*end_scripts = base_end_script;
	}
	buf_release(&b);
	json_decref(doc);
	json_decref(notes);
	json_decref(skeleton);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_api_init();
	bench = checks[0]->bench;
	for (size_t i = 0; i < nchecks; i++)
		if (checks[i]->bench == bench) {
			bchecks = realloc(bchecks, (nbchecks + 1) * sizeof(*bchecks));
			if (!bchecks)
				abort();
			bchecks[nbchecks++] = checks[i];
		}
	static const char benign[] = "[{\"Name\": \"/web\", \"Config\": {\"Env\": [\"A=b\"]}}, {}, [], {}]";
	json_t *facts = fuzz_api_facts((const uint8_t *)benign, sizeof(benign) - 1);
	render(facts, &base_script, &base_end_script);
	json_decref(facts);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *facts = fuzz_api_facts(data, size);
	if (!facts)
		return 0;
	size_t s, e;
	render(facts, &s, &e);
	if (s != base_script || e != base_end_script) {
		fprintf(stderr, "fuzz_report: %zu <script and %zu </script in the HTML report, not %zu and %zu\n",
			s, e, base_script, base_end_script);
		abort();
	}
	json_decref(facts);
	return 0;
}
