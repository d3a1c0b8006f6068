/*
 * defs: benchmark definitions loaded from YAML (checks/README.md).
 *
 * A struct defs owns everything loaded: rules (the library, keyed by
 * rule key) and benchmarks (each an ordered list of checks that point at
 * rules, with per-version metadata and parameters).  Checks and rules
 * borrow from the defs and live until defs_release.
 *
 * Stage defs (HACKING.md): reads the operator's definition files only;
 * platforms, components and benchmark selection are data here, so that
 * no C file names a benchmark.
 */
#ifndef BOXAUDIT_DEFS_H
#define BOXAUDIT_DEFS_H

#include <stddef.h>
#include <jansson.h>
#include "parse/kubelet.h"
#include "parse/cpconf.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

enum target_kind {
	TARGET_HOST, TARGET_DAEMON, TARGET_FILE, TARGET_CONTAINER,
	TARGET_IMAGE, TARGET_KUBELET, TARGET_PROXY, TARGET_CONTROL_PLANE
};

enum expr_kind { EX_LEAF, EX_ALL, EX_ANY, EX_NONE, EX_NOT, EX_EACH };

enum subject_kind {
	SUBJ_FACT, SUBJ_FILE, SUBJ_FILE_FACT, SUBJ_FILES_UNDER,
	SUBJ_AUDIT_PATH, SUBJ_AUDIT_PATH_FACT
};

enum op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOT_IN,
	OP_CONTAINS, OP_NOT_CONTAINS, OP_REGEX, OP_NOT_REGEX, OP_MODE_MAX,
	OP_MODE_EQ, OP_OWNER, OP_EXISTS, OP_ABSENT, OP_EMPTY, OP_NOT_EMPTY,
	OP_AUDITED
};

/* Statuses, in the order reports list them. */
enum status { ST_PASS, ST_FAIL, ST_MANUAL, ST_SKIP, ST_ERROR, ST_WAIVED, ST__COUNT };

struct expr {
	enum expr_kind kind;
	const char *file;	/* borrowed from defs */
	int line, col;
	/* EX_LEAF */
	enum subject_kind subj;
	char *subject;
	enum op op;
	json_t *value;		/* may be the string "$param" */
	char *value_text;	/* the scalar as written (modes) */
	pcre2_code *re;
	enum status absent;	/* meaning of a missing subject */
	enum status on_error;	/* meaning of an unreadable subject (ERROR by default) */
	char *expect;
	char *skip_reason;	/* in a rule's applies: the reason when this leaf is the first that does not hold */
	char **show;		/* extra element fields shown in findings */
	size_t nshow;
	/* EX_ALL, EX_ANY, EX_NONE, EX_NOT */
	struct expr **kids;
	size_t nkids;
	/* EX_EACH */
	char *each;
	char *name_field;
	struct expr *where, *test;
	enum status empty;	/* status of an empty collection (SKIP unless "pass") */
	int empty_set;		/* empty was written (a nested each otherwise holds when empty) */
};

struct rule {
	char *key, *title, *label, *description, *remediation, *review, *skip_reason;
	char *rationale;	/* why the control matters, or NULL (the description then says it) */
	enum target_kind target;
	json_t *references;	/* array of strings */
	double weight;
	int manual;		/* evaluate: manual */
	json_t *params;		/* object */
	json_t *fix;		/* the fix block (checks/README.md "Fixes"), or NULL */
	struct expr *applies, *test;
	const char *file;
	int line;
};

struct benchmark;

/* A check's level or assessment taken from a secondary source (checks/README.md). */
#define CHECK_UNVERIFIED_LEVEL 1u
#define CHECK_UNVERIFIED_ASSESSMENT 2u

struct check {
	char *id;
	char *title;
	int level;
	char *assessment;	/* "automated" or "manual", as CIS labels it */
	unsigned unverified;	/* CHECK_UNVERIFIED_*: what no CIS publication confirmed */
	const struct rule *rule;
	json_t *params;		/* rule defaults merged with the benchmark's */
	char *remediation;	/* override, or NULL for the rule's */
	struct benchmark *bench;
};

struct benchmark {
	char *id, *title, *version, *platform, *extends;
	char *selects_from;	/* lowest component version it is chosen for ("1.29"), or NULL */
	json_t *sections;	/* {"1": "Host Configuration", ...} */
	struct check *checks;
	size_t nchecks, alloc;
	const char *file;
	int line;
	json_t *raw;		/* the parsed benchmark file, until resolved */
	int resolving, resolved;
};

/*
 * A platform (checks/<platform>/platform.yaml): detect holds when the
 * platform is present on the audited host; among its benchmarks, the
 * version is picked by the version fact (the benchmarks' "selects"),
 * else the one the platform names ("benchmark"), else the newest.  fallback: when no platform is detected, the newest
 * benchmark of the platform with a fallback is audited, with that note.
 */
struct platform {
	char *name, *title;
	struct expr *detect;	/* NULL: never detected, only chosen with --benchmark */
	char *selected;		/* note when detected ("Docker is present ...") */
	char *fallback;		/* note when nothing was detected, or NULL */
	char *version_fact;	/* fact holding the component version, or NULL */
	char *version_of;	/* the component it is the version of ("kubelet") */
	/*
	 * context: {NAME: FACT_PATH}, the facts a report carries beside its
	 * findings (the configuration files that decide them), for fix plans
	 * and file locations.  An object, possibly empty.
	 */
	json_t *context;
	char *benchmark;	/* the benchmark audited when detected, instead of the newest, or NULL */
	const char *file;
	int line;
};

/* A Kubernetes component's configuration schema (checks/kubernetes/components/). */
struct component {
	char *name, *title;
	struct kube_schema schema;
	struct cp_schema cp;	/* control-plane components: settings, plugins (cpconf.h) */
	const char *file;
	int line;
};

struct defs {
	struct platform **platforms;
	size_t nplatforms, platforms_alloc;
	struct component **components;
	size_t ncomponents, components_alloc;
	struct rule **rules;
	size_t nrules, rules_alloc;
	struct benchmark **benches;
	size_t nbenches, benches_alloc;
	char **files;		/* names of loaded files, for messages */
	size_t nfiles, files_alloc;
	char **errors;		/* "FILE:LINE:COL: message" */
	size_t nerrors, errors_alloc;
};

void defs_init(struct defs *d);
/* Load one file; errors are appended to d->errors.  Returns -1 if any. */
int defs_load_file(struct defs *d, const char *path);
/* Load one file's text (len bytes, need not end in NUL); name is used in messages. */
int defs_load_text(struct defs *d, const char *name, const char *text, size_t len);
/* Load every *.yaml below dir (sorted, recursive). */
int defs_load_dir(struct defs *d, const char *dir);
/*
 * Resolve benchmarks (extends, renumber, add, change, remove) and bind
 * checks to rules.  Call once after loading; -1 if errors were added.
 */
int defs_resolve(struct defs *d);
void defs_release(struct defs *d);

const struct rule *defs_rule(const struct defs *d, const char *key);
struct benchmark *defs_benchmark(const struct defs *d, const char *id);
const struct platform *defs_platform(const struct defs *d, const char *name);
const struct component *defs_component(const struct defs *d, const char *name);

/* ---- selection (select.c) ---- */

/* Which checks of a benchmark are run: --level, --check, --skip. */
struct check_selection {
	int level;			/* 1 or 2; 0 for all */
	const char *only, *skip;	/* comma-separated id patterns (fnmatch), or NULL */
};

/* Does id match one of the comma-separated patterns ("5" also selects 5.*)? */
int defs_match_list(const char *list, const char *id);
int defs_check_selected(const struct check_selection *s, const struct check *c);
/* The first item of a comma-separated list of id patterns that names no benchmark (new), or NULL. */
char *defs_unmatched_benchmark(const struct defs *d, const char *list);
/*
 * The benchmarks of a comma-separated id list, in its order.  On an
 * unknown id returns -1 with *unknown (the first one, a new string).
 */
int defs_select_benchmarks(const struct defs *d, const char *list, struct benchmark ***out,
			   size_t *n, char **unknown);

/* Is id a check id: "1.2.3" or "baseline.host-process" (numbers and control names)? */
int check_id_valid(const char *id);
/* "1.1.10" sorts after "1.1.9"; numbers before names; names by their bytes. */
int check_id_cmp(const char *a, const char *b);
/* The id of the check's section ("2" for "2.14", "1.1" for "1.1.3"). */
char *check_section(const char *id);

/* ---- describe.c: definitions in words (boxaudit explain) ---- */

/* The expression as indented "- ..." sentences ($params resolved against params); a new string. */
char *defs_describe_expr(const struct expr *e, const json_t *params);
/*
 * What the expression reads, as a new array of {"kind", "path"}: facts
 * (a path inside an each is written COLLECTION[].FIELD), files, fact-held
 * files and audited paths, each once.
 */
json_t *defs_expr_subjects(const struct expr *e);

const char *status_name(enum status s);
const char *target_name(enum target_kind t);

#endif
