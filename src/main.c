/*
 * boxaudit: command-line parsing only.  The commands are a table (name,
 * function, usage line, how many arguments it takes), like git.c's
 * commands[]; each lives in src/cmd/.
 */
#include "config.h"
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "base/limits.h"
#include "base/xalloc.h"
#include "base/banned.h"

enum { OUT_DIR = 2 };

static const struct command {
	const char *name;
	cmd_fn *run;
	const char *usage;
	size_t min_args;
	long max_args;		/* -1: any number */
	const char *args_error;	/* when the count is wrong and max_args is not 0 */
	int outputs;		/* writes reports (-o, --format); OUT_DIR: -o names a directory */
} commands[] = {
	{ "audit", cmd_audit, "[audit] [options]", 0, 0, NULL, 1 },
	{ "list", cmd_list, "list [--benchmark ID] [--checks-dir DIR] [-v]", 0, 0, NULL, 0 },
	{ "validate", cmd_validate, "validate FILE...", 1, -1, "validate needs definition files", 0 },
	{ "diff", cmd_diff, "diff BASELINE.json REPORT.json [--format text|json] [-o FILE]", 2, 2,
	  "diff needs two JSON reports: BASELINE.json REPORT.json", 1 },
	{ "merge", cmd_merge, "merge REPORT.json...|DIR... [--stale-after HOURS] [--expect-hosts FILE]\n"
	  "                [--format text|json|html] [-o FILE]   one fleet report from host reports", 1, -1,
	  "merge needs host reports (files or directories)", 1 },
	{ "explain", cmd_explain, "explain ID [--benchmark ID]   what a check means and how boxaudit judges it",
	  1, 1, "explain needs one check id (5.5, or BENCHMARK:ID)", 0 },
	{ "remediate", cmd_remediate, "remediate REPORT.json -o DIR      write a fix plan for the failing checks\n"
	  "                remediate REPORT.json --apply --root DIR   apply it inside an image root", 1, 1,
	  "remediate needs one JSON report", OUT_DIR },
	{ "trend", cmd_trend, "trend REPORT.json...|DIR... [--format html|json] [-o FILE]   scores over time", 1, -1,
	  "trend needs JSON reports (files or directories)", 1 },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char options_text[] =
"Audit this host (or a root directory) against CIS Docker and Kubernetes benchmarks\n"
"and the Kubernetes Pod Security Standards.\n"
"\n"
"Selection:\n"
"  --benchmark ID[,ID]      benchmarks to run (default: detect what is installed)\n"
"  --check LIST             only these checks (ids or patterns: 2.2,5.*)\n"
"  --skip LIST              not these checks\n"
"  --level 1|2              only checks of CIS profile level up to this\n"
"  --root DIR               audit the host tree mounted at DIR\n"
"  --checks-dir DIR         definitions directory instead of the built-in one\n"
"  --add-checks DIR         load more definitions beside the built-in ones (repeatable)\n"
"Docker:\n"
"  --docker-host URL        Engine API endpoint (unix://, tcp://; default DOCKER_HOST or the socket)\n"
"  --no-api                 do not contact the Engine API\n"
"  --timeout MS             per-request Engine API timeout (default 10000)\n"
"  --connect-timeout MS     Engine API connect timeout (default 3000)\n"
"  --deadline SECONDS       bound on the whole Engine API phase (default 300); what is\n"
"                           left then is ERROR \"deadline reached\"\n"
"  --running-only           audit running containers only\n"
"  --container PATTERN      only containers whose name or label (key=value) matches\n"
"  --exclude-container PATTERN\n"
"  --scan-image-fs          export images to look for setuid files (4.8; costly)\n"
"Container runtimes (OCI runtime specs on disk, inside --root):\n"
"  --containerd-state DIR   containerd's state directory (default /run/containerd)\n"
"  --crio-state DIR         CRI-O's containers/storage run root (default /run/containers/storage)\n"
"Facts:\n"
"  --dump-facts FILE        write the collected facts snapshot\n"
"  --facts FILE             audit a snapshot instead of the host\n"
"Output:\n"
"  --format FORMAT          text, json, jsonl (one line), html, junit, xccdf, arf or sarif\n"
"                           for standard output\n"
"                           (default text)\n"
"  -o, --output [FORMAT:]FILE  write a report file (repeatable; format from prefix or extension)\n"
"  --score-model MODEL      default, flat or absolute\n"
"  --automated-only         score only checks CIS labels Automated\n"
"  --waivers FILE           accepted risks (YAML): matching failures become WAIVED\n"
"  --baseline FILE          compare with an earlier JSON report (drift; a missing FILE is\n"
"                           the first run)\n"
"  --state-dir DIR          compare with the last report kept in DIR, then keep this one\n"
"  --keep N                 reports kept in the state directory (default 30)\n"
"Remediation:\n"
"  --apply                  remediate: apply the plan inside --root DIR (never the live host)\n"
"CI gates:\n"
"  --fail-on LIST           exit 1 on: fail, error, new (comma list; default fail)\n"
"  --fail-under SCORE       exit 1 when the overall score is below SCORE (0-100)\n"
"  --color, --no-color      colour text on a terminal (default: when a TTY and no NO_COLOR)\n"
"  -v, --verbose            show findings of passing checks too\n"
"  -q, --quiet              print nothing when no check fails\n"
"  -h, --help, --version\n"
"\n"
"Exit status: 0 no check failed, 1 a check failed (or a gate tripped; for diff:\n"
"a regression), 2 usage, definition or I/O error.\n";

enum {
	OPT_BENCHMARK = 256, OPT_CHECK, OPT_SKIP, OPT_LEVEL, OPT_ROOT, OPT_CHECKS_DIR,
	OPT_ADD_CHECKS, OPT_DOCKER_HOST, OPT_NO_API, OPT_TIMEOUT, OPT_CONNECT_TIMEOUT,
	OPT_RUNNING_ONLY, OPT_DEADLINE, OPT_CONTAINER, OPT_EXCLUDE_CONTAINER, OPT_SCAN_IMAGE_FS,
	OPT_DUMP_FACTS, OPT_FACTS, OPT_FORMAT, OPT_SCORE_MODEL, OPT_AUTOMATED_ONLY,
	OPT_COLOR, OPT_NO_COLOR, OPT_VERSION, OPT_WAIVERS, OPT_BASELINE, OPT_FAIL_ON, OPT_FAIL_UNDER,
	OPT_STALE_AFTER, OPT_EXPECT_HOSTS, OPT_STATE_DIR, OPT_KEEP, OPT_APPLY, OPT_CONTAINERD_STATE,
	OPT_CRIO_STATE
};

static const struct option long_opts[] = {
	{"benchmark", required_argument, NULL, OPT_BENCHMARK},
	{"check", required_argument, NULL, OPT_CHECK},
	{"skip", required_argument, NULL, OPT_SKIP},
	{"level", required_argument, NULL, OPT_LEVEL},
	{"root", required_argument, NULL, OPT_ROOT},
	{"checks-dir", required_argument, NULL, OPT_CHECKS_DIR},
	{"add-checks", required_argument, NULL, OPT_ADD_CHECKS},
	{"docker-host", required_argument, NULL, OPT_DOCKER_HOST},
	{"no-api", no_argument, NULL, OPT_NO_API},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
	{"running-only", no_argument, NULL, OPT_RUNNING_ONLY},
	{"deadline", required_argument, NULL, OPT_DEADLINE},
	{"container", required_argument, NULL, OPT_CONTAINER},
	{"exclude-container", required_argument, NULL, OPT_EXCLUDE_CONTAINER},
	{"scan-image-fs", no_argument, NULL, OPT_SCAN_IMAGE_FS},
	{"containerd-state", required_argument, NULL, OPT_CONTAINERD_STATE},
	{"crio-state", required_argument, NULL, OPT_CRIO_STATE},
	{"dump-facts", required_argument, NULL, OPT_DUMP_FACTS},
	{"facts", required_argument, NULL, OPT_FACTS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"score-model", required_argument, NULL, OPT_SCORE_MODEL},
	{"automated-only", no_argument, NULL, OPT_AUTOMATED_ONLY},
	{"color", no_argument, NULL, OPT_COLOR},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"waivers", required_argument, NULL, OPT_WAIVERS},
	{"baseline", required_argument, NULL, OPT_BASELINE},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"fail-under", required_argument, NULL, OPT_FAIL_UNDER},
	{"stale-after", required_argument, NULL, OPT_STALE_AFTER},
	{"expect-hosts", required_argument, NULL, OPT_EXPECT_HOSTS},
	{"state-dir", required_argument, NULL, OPT_STATE_DIR},
	{"keep", required_argument, NULL, OPT_KEEP},
	{"apply", no_argument, NULL, OPT_APPLY},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "boxaudit: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'boxaudit --help'.\n");
	va_end(ap);
	return 2;
}

static long parse_ms(const char *s, int *ok)
{
	char *end;
	long v = strtol(s, &end, 10);
	*ok = *s && !*end && v > 0 && v <= 600000;
	return v;
}

/* "fail,error,new" as FAIL_ON_* bits, or -1. */
static int parse_fail_on(const char *arg)
{
	static const char *const names[] = { "fail", "error", "new" };
	int bits = 0;
	char *copy = xstrdup(arg);
	for (char *save = NULL, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int bit = 0;
		for (int i = 0; i < 3; i++)
			if (!strcmp(p, names[i]))
				bit = 1 << i;
		if (!bit) {
			bits = -1;
			break;
		}
		bits |= bit;
	}
	free(copy);
	return bits ? bits : -1;
}

/* "json:out.json", or a file whose extension names the format. */
static int parse_output(const char *arg, const char *dflt, struct report_output *out)
{
	const char *colon = strchr(arg, ':');
	if (colon) {
		char *f = xstrndup(arg, (size_t)(colon - arg));
		const struct writer *w = writer_find(report_writers, f);
		free(f);
		if (w) {
			out->format = w->name;
			out->path = colon + 1;
			return *out->path ? 0 : -1;
		}
	}
	const struct writer *w = writer_for_path(report_writers, arg);
	out->path = arg;
	out->format = w ? w->name : dflt;
	return 0;
}

static void usage(FILE *f)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "%s boxaudit %s\n", i ? "      " : "usage:", commands[i].usage);
	fprintf(f, "\n%s", options_text);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct cmd_opts o = {
		.root = "/", .color = -1, .keep = 30,
		.collect = { .connect_timeout_ms = 3000, .timeout_ms = 10000, .deadline_s = API_DEADLINE_S },
	};
	const char *fmt = "text";
	const struct command *cmd = &commands[0];
	int ok;

	if (argc > 1 && argv[1][0] != '-') {
		if (!(cmd = find_command(argv[1])))
			return usage_error("unknown command '%s'", argv[1]);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	const char **outs = NULL;
	size_t nouts = 0;
	int c;
	while ((c = getopt_long(argc, argv, "o:vqh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_BENCHMARK: o.benchmarks = optarg; break;
		case OPT_CHECK: o.select.only = optarg; break;
		case OPT_SKIP: o.select.skip = optarg; break;
		case OPT_LEVEL:
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return usage_error("--level is 1 or 2, not '%s'", optarg);
			o.select.level = atoi(optarg);
			break;
		case OPT_ROOT: o.root = optarg; o.root_given = 1; break;
		case OPT_CHECKS_DIR: o.checks_dir = optarg; break;
		case OPT_ADD_CHECKS:
			o.extra_dirs = xrealloc(o.extra_dirs, (o.nextra + 1) * sizeof(*o.extra_dirs));
			o.extra_dirs[o.nextra++] = optarg;
			break;
		case OPT_DOCKER_HOST: o.collect.docker_host = optarg; break;
		case OPT_NO_API: o.collect.no_api = 1; break;
		case OPT_TIMEOUT:
			o.collect.timeout_ms = parse_ms(optarg, &ok);
			if (!ok)
				return usage_error("--timeout takes milliseconds (1-600000), not '%s'", optarg);
			break;
		case OPT_CONNECT_TIMEOUT:
			o.collect.connect_timeout_ms = parse_ms(optarg, &ok);
			if (!ok)
				return usage_error("--connect-timeout takes milliseconds (1-600000), not '%s'", optarg);
			break;
		case OPT_RUNNING_ONLY: o.collect.running_only = 1; break;
		case OPT_DEADLINE: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 1 || v > 86400)
				return usage_error("--deadline takes seconds (1-86400), not '%s'", optarg);
			o.collect.deadline_s = v;
			break;
		}
		case OPT_CONTAINER: o.container_only = optarg; break;
		case OPT_EXCLUDE_CONTAINER: o.container_exclude = optarg; break;
		case OPT_SCAN_IMAGE_FS: o.collect.scan_image_fs = 1; break;
		case OPT_CONTAINERD_STATE:
		case OPT_CRIO_STATE:
			/* A path of the audited host, resolved inside --root like every other. */
			if (optarg[0] != '/')
				return usage_error("--%s takes an absolute path of the audited host, not '%s'",
						   c == OPT_CRIO_STATE ? "crio-state" : "containerd-state", optarg);
			if (c == OPT_CRIO_STATE)
				o.collect.crio_state = optarg;
			else
				o.collect.containerd_state = optarg;
			break;
		case OPT_DUMP_FACTS: o.facts_out = optarg; break;
		case OPT_FACTS: o.facts_in = optarg; break;
		case OPT_FORMAT:
			if (!writer_find(report_writers, optarg))
				return usage_error("unknown format '%s' (text, json, jsonl, html, junit, xccdf, arf, sarif)", optarg);
			fmt = optarg;
			break;
		case 'o':
			outs = xrealloc(outs, (nouts + 1) * sizeof(*outs));
			outs[nouts++] = optarg;
			break;
		case OPT_SCORE_MODEL:
			if (score_model_parse(optarg, &o.score.model) < 0)
				return usage_error("unknown score model '%s' (default, flat, absolute)", optarg);
			break;
		case OPT_AUTOMATED_ONLY: o.score.automated_only = 1; break;
		case OPT_WAIVERS: o.waivers = optarg; break;
		case OPT_BASELINE: o.baseline = optarg; break;
		case OPT_FAIL_ON:
			if ((o.fail_on = parse_fail_on(optarg)) < 0)
				return usage_error("--fail-on takes fail, error or new (comma-separated), not '%s'", optarg);
			break;
		case OPT_FAIL_UNDER: {
			char *end;
			o.fail_under = strtod(optarg, &end);
			if (!*optarg || *end || !(o.fail_under >= 0 && o.fail_under <= 100))
				return usage_error("--fail-under takes a score from 0 to 100, not '%s'", optarg);
			o.has_fail_under = 1;
			break;
		}
		case OPT_STALE_AFTER: {
			char *end;
			o.merge.stale_after_hours = strtod(optarg, &end);
			if (!*optarg || *end || !(o.merge.stale_after_hours > 0 && o.merge.stale_after_hours < 1e6))
				return usage_error("--stale-after takes hours (a number above 0), not '%s'", optarg);
			break;
		}
		case OPT_EXPECT_HOSTS: o.merge.expect_hosts = optarg; break;
		case OPT_STATE_DIR: o.state_dir = optarg; break;
		case OPT_KEEP: {
			char *end;
			o.keep = strtol(optarg, &end, 10);
			if (!*optarg || *end || o.keep < 1 || o.keep > 100000)
				return usage_error("--keep takes a number of reports (1-100000), not '%s'", optarg);
			break;
		}
		case OPT_APPLY: o.apply = 1; break;
		case OPT_COLOR: o.color = 1; break;
		case OPT_NO_COLOR: o.color = 0; break;
		case 'v': o.verbose = 1; break;
		case 'q': o.quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: printf("boxaudit %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	size_t nargs = (size_t)(argc - optind);
	if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > (size_t)cmd->max_args)) {
		if (cmd->max_args == 0)
			return usage_error("unexpected argument '%s'", argv[optind]);
		return usage_error("%s", cmd->args_error);
	}
	if (cmd->run != cmd_merge && (o.merge.stale_after_hours > 0 || o.merge.expect_hosts))
		return usage_error("%s", "--stale-after and --expect-hosts are options of merge");
	if ((o.fail_on & FAIL_ON_NEW) && !o.baseline && !o.state_dir && cmd->run != cmd_diff)
		return usage_error("%s", "--fail-on new needs --baseline or --state-dir");
	if (o.baseline && o.state_dir)
		return usage_error("%s", "--baseline and --state-dir are two ways to name the baseline: give one");
	if (cmd->run != cmd_audit && (o.state_dir || o.baseline))
		return usage_error("%s", "--baseline and --state-dir are options of an audit");
	if (o.apply && cmd->run != cmd_remediate)
		return usage_error("%s", "--apply is an option of remediate");
	if (cmd->outputs == OUT_DIR) {
		if (nouts > 1)
			return usage_error("%s", "remediate writes one plan directory (-o DIR)");
		o.plan_dir = nouts ? outs[0] : NULL;
		if (!o.plan_dir && !o.apply)
			return usage_error("%s", "remediate needs -o DIR (where to write the plan) or --apply --root DIR");
	} else if (cmd->outputs) {
		o.outputs = xcalloc(nouts + 1, sizeof(*o.outputs));
		for (size_t i = 0; i < nouts; i++)
			if (parse_output(outs[i], fmt, &o.outputs[o.noutputs++]) < 0)
				return usage_error("bad --output '%s'", outs[i]);
		if (!nouts) {
			o.outputs[0].format = fmt;
			o.outputs[0].path = "-";
			o.noutputs = 1;
		}
	}
	int rc = cmd->run(&o, argv + optind, nargs);
	free(outs);
	free(o.outputs);
	free(o.extra_dirs);
	return rc;
}
