#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "engine/internal.h"
#include "parse/auditd.h"
#include "facts/facts.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * Why a fact is missing on purpose: a collector that did not run (the
 * Engine API with --no-api, say) leaves {"skipped": "why"} in its place.
 * Returns the reason of the nearest such object on the path, or NULL.
 */
const char *leaf_skipped_reason(json_t *base, const char *path)
{
	char *p = xstrdup(path);
	const char *why = NULL;
	for (;;) {
		json_t *n = facts_get(base, p, NULL);
		if (json_is_object(n) && json_is_string(json_object_get(n, "skipped"))) {
			why = json_string_value(json_object_get(n, "skipped"));
			break;
		}
		char *dot = strrchr(p, '.');
		if (!dot)
			break;
		*dot = '\0';
	}
	if (!why) {
		json_t *n = facts_get(base, p, NULL);
		if (json_is_object(n) && json_is_string(json_object_get(n, "skipped")))
			why = json_string_value(json_object_get(n, "skipped"));
	}
	free(p);
	return why;
}

/*
 * Is n a collector's {"value", "source"} wrapper?  Only where collectors
 * put them: never inside what a daemon or a file handed over verbatim (an
 * Engine API body, whose labels are anyone's keys), and only with a string
 * source, so a container whose Config.User is {"value": .., "source": 7}
 * is data, not a wrapper.
 */
/* Is path (without "$.") inside the Engine API's own bodies, where no wrapper is ours? */
int engine_raw_api_path(const char *path)
{
	return !strncmp(path, "docker.api", 10) && (!path[10] || path[10] == '.' || path[10] == '[');
}

int leaf_is_wrapper(const struct ev *ev, const char *path, int absolute, const json_t *n)
{
	if (!json_is_object(n) || !json_is_string(json_object_get(n, "source")) ||
	    !json_object_get(n, "value") || json_object_size(n) > 4)
		return 0;
	if (!absolute && ev->elem && ev->raw_api)
		return 0;
	return !engine_raw_api_path(path);
}

/*
 * Is p "X.source", the origin of a {"value","source"} wrapper X (a rule
 * that asks whether a setting was left at its default)?
 */
static int origin_of_wrapper(const struct ev *ev, const char *p, int absolute, json_t *base, const json_t *n)
{
	size_t len = strlen(p);
	if (!json_is_string(n) || len <= 7 || strcmp(p + len - 7, ".source"))
		return 0;
	char *parent = xstrndup(p, len - 7);
	const char *ferr = NULL;
	const json_t *w = facts_get(base, parent, &ferr);
	int yes = !ferr && leaf_is_wrapper(ev, parent, absolute, w) && json_object_get(w, "source") == n;
	free(parent);
	return yes;
}

/*
 * Look a fact up: "$.a.b" from the document root, otherwise relative to the
 * current element (or the root outside an each).  A {"value","source"}
 * node is unwrapped (*wrapped set, when given).  Returns 1 found, 0
 * missing, -1 error (*err).
 */
int leaf_lookup_fact(struct ev *ev, const char *path, json_t **val, char **source, char **err, int *wrapped)
{
	int absolute = !strncmp(path, "$.", 2);
	const char *p = absolute ? path + 2 : path;
	json_t *base = (!absolute && ev->elem) ? ev->elem : ev->facts;
	const char *ferr = NULL;
	/* "@" is the current element itself (a string of a list, say). */
	json_t *n = !strcmp(p, "@") && ev->elem ? ev->elem : facts_get(base, p, &ferr);
	*val = NULL;
	*source = NULL;
	if (wrapped)
		*wrapped = 0;
	if (ferr) {
		*err = xstrdup(ferr);
		/* A setting that could not be read names the file it is in. */
		const char *where = json_is_object(n) ? json_string_value(json_object_get(n, "source")) : NULL;
		if (where) {
			*source = xstrdup(where);
			if (wrapped)
				*wrapped = 1;
		}
		return -1;
	}
	if (leaf_is_wrapper(ev, p, absolute, n)) {
		if (wrapped)
			*wrapped = 1;
		if (json_is_true(json_object_get(n, "conflict"))) {
			const char *why = json_string_value(json_object_get(n, "conflict_reason"));
			*err = why ? xstrdup(why) :
				xasprintf("'%s' is set both on the command line and in the configuration file; dockerd refuses to start so", p);
			*source = xstrdup(json_string_value(json_object_get(n, "source")));
			return -1;
		}
		*source = xstrdup(json_string_value(json_object_get(n, "source")));
		n = json_object_get(n, "value");
	} else if (!absolute && ev->elem) {
		const char *es = ev->elem_source ? ev->elem_source : "element";
		/* An element source that already points inside a document ("oci:F#mounts[3]") goes on with a dot. */
		if (!strcmp(p, "@") && !ev->prefix)
			*source = xstrdup(es);
		else
			*source = xasprintf("%s%s%s%s", es, strchr(es, '#') ? "." : "#",
					    ev->prefix ? ev->prefix : "", p);
	} else if (origin_of_wrapper(ev, p, absolute, base, n)) {
		/* A rule asking where a value came from: the origin is its own evidence. */
		*source = xstrdup(json_string_value(n));
	} else {
		*source = xasprintf("facts:%s", p);
	}
	if (!n) {
		/* Inside an element a missing field reads as null, as the Engine API omits empty ones. */
		if (!absolute && ev->elem)
			return 1;
		return 0;
	}
	*val = n;
	return 1;
}

enum status leaf_absent_status(const struct expr *e, struct trace_entry *t, const char *what)
{
	if (e->op == OP_ABSENT || e->op == OP_EMPTY)
		return ST_PASS;
	if (e->op == OP_EXISTS || e->op == OP_NOT_EMPTY)
		return ST_FAIL;
	if (!t->note)
		t->note = xstrdup(what);
	return e->absent;
}

/*
 * Add the fields named by `show` to the actual value: fields of the
 * element inside an each, else siblings of the fact (the object holding it).
 */
static json_t *with_shown(const struct expr *e, struct ev *ev, json_t *actual)
{
	if (!e->nshow)
		return actual;
	json_t *base = ev->elem;
	if (!base) {
		char *parent = xstrdup(strncmp(e->subject, "$.", 2) ? e->subject : e->subject + 2);
		/* The last separator outside brackets: a.b["c.d"] has parent a.b. */
		char *cut = NULL;
		int depth = 0;
		for (char *p = parent; *p; p++) {
			if (*p == '[') {
				if (!depth)
					cut = p;
				depth++;
			} else if (*p == ']' && depth) {
				depth--;
			} else if (*p == '.' && !depth) {
				cut = p;
			}
		}
		if (cut)
			*cut = '\0';
		base = cut ? facts_get(ev->facts, parent, NULL) : ev->facts;
		free(parent);
	}
	json_t *o = json_object();
	json_object_set_new(o, "value", actual ? actual : json_null());
	for (size_t i = 0; i < e->nshow; i++) {
		json_t *v = base ? facts_get(base, e->show[i], NULL) : NULL;
		json_object_set(o, e->show[i], v ? v : json_null());
	}
	return o;
}

enum status leaf_eval_fact(const struct expr *e, struct ev *ev)
{
	json_t *val;
	char *source, *err = NULL;
	struct trace_entry *t = trace_add(ev, ev->label, e->subject);
	t->is_fact = 1;
	t->skip_reason = e->skip_reason;
	const json_t *want = NULL;
	if (e->value && !(want = ops_leaf_value(e, ev, &err))) {
		t->note = err;
		t->expected = ops_expected_text(e, e->value);
		return t->status = ST_ERROR;
	}
	t->expected = ops_expected_text(e, want);
	int rc = leaf_lookup_fact(ev, e->subject, &val, &source, &err, &t->setting);
	t->source = source ? source : xasprintf("facts:%s", e->subject);
	if (rc < 0) {
		/*
		 * A setting that could not be decoded ({"error": MSG} in a settings
		 * map, whose keys the rules write in brackets) is still that setting.
		 */
		t->setting |= e->subject[strlen(e->subject) - 1] == ']';
		t->note = err;
		return t->status = e->on_error;
	}
	if (rc == 0) {
		const char *why = leaf_skipped_reason(ev->facts, strncmp(e->subject, "$.", 2) ? e->subject : e->subject + 2);
		char *what = why ? xstrdup(why) : xasprintf("'%s' was not collected", e->subject);
		t->status = leaf_absent_status(e, t, what);
		t->skipped = why != NULL;
		if (why && t->status == ST_ERROR)
			t->status = ST_SKIP;
		free(what);
		return t->status;
	}
	if (!val && ev->elem && strncmp(e->subject, "$.", 2)) {
		/* A missing field of an element reads as null, unless a collector left it out on purpose. */
		const char *why = leaf_skipped_reason(ev->elem, e->subject);
		if (why) {
			t->note = xstrdup(why);
			t->skipped = 1;
			return t->status = ST_SKIP;
		}
	}
	/*
	 * A value a collector left out on purpose ({"skipped": "why"} in its
	 * place) is SKIP, unless the leaf only asks whether it is there.
	 */
	if (json_is_object(val) && json_is_string(json_object_get(val, "skipped")) &&
	    e->op != OP_EXISTS && e->op != OP_ABSENT) {
		t->note = xstrdup(json_string_value(json_object_get(val, "skipped")));
		t->skipped = 1;
		return t->status = ST_SKIP;
	}
	t->actual = with_shown(e, ev, val ? json_incref(val) : json_null());
	t->status = ops_judge_value(e, val, want, &err);
	if (err)
		t->note = err;
	return t->status;
}

/* Judge the files entry for path; target is the file path. */
static enum status eval_file_at(const struct expr *e, struct ev *ev, const char *path,
				const char *how)
{
	struct trace_entry *t = trace_add(ev, path, e->subject);
	char *err = NULL;
	const json_t *want = e->value ? ops_leaf_value(e, ev, &err) : NULL;
	t->expected = ops_expected_text(e, want ? want : e->value);
	json_t *f = json_object_get(json_object_get(ev->facts, "files"), path);
	t->source = xstrdup(f && json_is_string(json_object_get(f, "source")) ?
			    json_string_value(json_object_get(f, "source")) : how);
	if (err) {
		t->note = err;
		return t->status = ST_ERROR;
	}
	if (!f) {
		t->note = xasprintf("'%s' was not collected", path);
		return t->status = ST_ERROR;
	}
	const char *ferr = json_string_value(json_object_get(f, "error"));
	if (ferr) {
		t->note = xstrdup(ferr);
		return t->status = ST_ERROR;
	}
	if (!json_is_true(json_object_get(f, "exists"))) {
		t->actual = json_string("absent");
		char *what = xasprintf("'%s' does not exist", path);
		t->status = leaf_absent_status(e, t, what);
		free(what);
		return t->status;
	}
	return t->status = ops_judge_file(e, ev, f, t, want);
}

/* The path a file_fact or audit_path_fact names; NULL when not configured. */
static int fact_path(struct ev *ev, const char *fact, char **path, char **source, char **err)
{
	json_t *v;
	int rc = leaf_lookup_fact(ev, fact, &v, source, err, NULL);
	*path = NULL;
	if (rc <= 0)
		return rc;
	if (json_is_string(v) && json_string_length(v))
		*path = xstrdup(json_string_value(v));
	return *path ? 1 : 0;
}

enum status leaf_eval_file(const struct expr *e, struct ev *ev)
{
	if (e->subj == SUBJ_FILE)
		return eval_file_at(e, ev, e->subject, "stat");
	if (e->subj == SUBJ_FILE_FACT) {
		char *path, *source = NULL, *err = NULL;
		int rc = fact_path(ev, e->subject, &path, &source, &err);
		if (rc <= 0) {
			struct trace_entry *t = trace_add(ev, ev->label, e->subject);
			t->expected = ops_expected_text(e, e->value);
			t->source = source ? source : xasprintf("facts:%s", e->subject);
			if (rc < 0) {
				t->note = err;
				return t->status = ST_ERROR;
			}
			t->actual = json_string("not configured");
			/* Said of what the rule judges ("no kubelet config file is configured"); the source names the fact. */
			char *what = ev->label && strcmp(ev->label, "file") ? xasprintf("no %s is configured", ev->label)
									     : xstrdup("no file is configured");
			t->status = leaf_absent_status(e, t, what);
			free(what);
			return t->status;
		}
		free(source);
		enum status s = eval_file_at(e, ev, path, e->subject);
		free(path);
		return s;
	}
	/* files_under: every regular file below the directory. */
	json_t *d = json_object_get(json_object_get(ev->facts, "dirs"), e->subject);
	if (!d || json_is_string(json_object_get(d, "error")) ||
	    !json_is_true(json_object_get(d, "exists"))) {
		struct trace_entry *t = trace_add(ev, e->subject, e->subject);
		t->expected = ops_expected_text(e, e->value);
		t->source = xasprintf("walk:%s", e->subject);
		if (!d) {
			t->note = xasprintf("'%s' was not collected", e->subject);
			return t->status = ST_ERROR;
		}
		if (json_is_string(json_object_get(d, "error"))) {
			t->note = xstrdup(json_string_value(json_object_get(d, "error")));
			return t->status = ST_ERROR;
		}
		t->actual = json_string("absent");
		char *what = xasprintf("'%s' does not exist", e->subject);
		t->status = leaf_absent_status(e, t, what);
		free(what);
		return t->status;
	}
	json_t *entries = json_object_get(d, "entries");
	size_t i, n = 0;
	json_t *f;
	enum status *st = xcalloc(json_array_size(entries) + 1, sizeof(*st));
	json_array_foreach(entries, i, f) {
		const char *type = json_string_value(json_object_get(f, "type"));
		const char *path = json_string_value(json_object_get(f, "path"));
		if (!path || (type && strcmp(type, "file")))
			continue;
		/* The walk recorded the entry; judge it as a files entry. */
		struct trace_entry *t = trace_add(ev, path, e->subject);
		t->expected = ops_expected_text(e, e->value);
		t->source = xstrdup(json_is_string(json_object_get(f, "source")) ?
				    json_string_value(json_object_get(f, "source")) : "walk");
		if (json_is_string(json_object_get(f, "error"))) {
			t->note = xstrdup(json_string_value(json_object_get(f, "error")));
			st[n++] = t->status = ST_ERROR;
			continue;
		}
		st[n++] = t->status = ops_judge_file(e, ev, f, t, e->value);
	}
	enum status s;
	if (!n) {
		struct trace_entry *t = trace_add(ev, e->subject, e->subject);
		t->expected = ops_expected_text(e, e->value);
		t->source = xasprintf("walk:%s", e->subject);
		t->actual = json_string("no files");
		t->note = xasprintf("no files under '%s'", e->subject);
		s = t->status = ST_SKIP;
	} else {
		s = combine_all(st, n);
	}
	if (json_is_true(json_object_get(d, "truncated")) && s == ST_PASS) {
		struct trace_entry *t = trace_add(ev, e->subject, e->subject);
		t->note = xasprintf("'%s' holds more files than boxaudit walks; not all were judged", e->subject);
		t->source = xasprintf("walk:%s", e->subject);
		s = t->status = ST_ERROR;
	}
	free(st);
	return s;
}

enum status leaf_eval_audit(const struct expr *e, struct ev *ev)
{
	char *path = NULL, *source = NULL, *err = NULL;
	if (e->subj == SUBJ_AUDIT_PATH) {
		path = xstrdup(e->subject);
	} else {
		int rc = fact_path(ev, e->subject, &path, &source, &err);
		if (rc <= 0) {
			struct trace_entry *t = trace_add(ev, ev->label, e->subject);
			t->expected = ops_expected_text(e, NULL);
			t->source = source ? source : xasprintf("facts:%s", e->subject);
			t->note = rc < 0 ? err : xasprintf("no path is configured (%s)", e->subject);
			return t->status = rc < 0 ? ST_ERROR : e->absent == ST_ERROR ? ST_SKIP : e->absent;
		}
		free(source);
	}
	struct trace_entry *t = trace_add(ev, path, e->subject);
	t->expected = xasprintf("an audit rule for %s", path);
	const char *ferr = NULL;
	json_t *audit = facts_get(ev->facts, "audit", &ferr);
	if (ferr || !audit) {
		t->source = xstrdup("audit");
		t->note = xstrdup(ferr ? ferr : "audit rules were not collected");
		free(path);
		return t->status = ST_ERROR;
	}
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(audit, "rules"), i, r) {
		if (!audit_rule_covers(r, path))
			continue;
		const char *file = json_string_value(json_object_get(r, "file"));
		json_int_t line = json_integer_value(json_object_get(r, "line"));
		const char *kind = json_string_value(json_object_get(r, "kind"));
		const char *rpath = json_string_value(json_object_get(r, "path"));
		const char *perm = json_string_value(json_object_get(r, "perm"));
		const char *key = json_string_value(json_object_get(r, "key"));
		t->actual = json_sprintf("%s on %s%s%s%s%s", kind ? kind : "rule", rpath ? rpath : path,
					 perm ? " -p " : "", perm ? perm : "",
					 key ? " -k " : "", key ? key : "");
		t->source = xasprintf("audit:%s:%" JSON_INTEGER_FORMAT, file ? file : "?", line);
		free(path);
		return t->status = ST_PASS;
	}
	t->actual = json_string("no audit rule");
	json_t *files = json_object_get(audit, "files");
	char *list = json_dumps(files, JSON_COMPACT | JSON_ENCODE_ANY);
	t->source = xasprintf("audit:%s", list && json_array_size(files) ? list : "(no rules files)");
	free(list);
	free(path);
	/* A rules file or line that could not be read may hold the rule: not a FAIL. */
	const char *aerr = json_string_value(json_array_get(json_object_get(audit, "errors"), 0));
	if (aerr) {
		t->note = xasprintf("no audit rule found, but not every rule could be read: %s", aerr);
		return t->status = ST_ERROR;
	}
	return t->status = ST_FAIL;
}
