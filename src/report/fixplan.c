/*
 * Fix plans from a report document (fixplan.h, docs/REPORTS.md "Fix
 * plans").  Pure: it reads the document and builds text; remediate writes
 * the files or applies them.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/fixplan.h"
#include "report/report.h"
#include "report/xml.h"
#include "defs/defs.h"
#include "parse/kubeyaml.h"
#include "base/jstr.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static char *check_key(const json_t *c)
{
	return xasprintf("%s:%s", str(c, "benchmark"), str(c, "id"));
}

static void add_unique(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	json_array_append_new(arr, jstr(s));
}

/* One line of host text for a person: cleaned, with no line breaks. */
static char *one_line(const char *s)
{
	char *c = report_xml_clean(s);
	for (char *p = c; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return c;
}

/* A path that can be written on one line of a script or rules file. */
static int plain_path(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const unsigned char *q = (const unsigned char *)p; *q; q++)
		if (*q < 0x20 || *q == 0x7f || *q == '\\')
			return 0;
	return 1;
}

char *fixplan_shell_quote(const char *path)
{
	if (!plain_path(path))
		return NULL;
	struct buf b;
	buf_init(&b, strlen(path) * 4 + 3);
	int r = buf_addstr(&b, "'");
	for (const char *p = path; *p; p++)
		r |= *p == '\'' ? buf_addstr(&b, "'\\''") : buf_add(&b, p, 1);
	r |= buf_addstr(&b, "'");
	(void)r;	/* the cap covers the worst case */
	return buf_detach(&b, NULL);
}

struct ctx {
	const json_t *doc, *context;
	json_t *plan;
	json_t *dj_patch, *dj_keys;
	json_t *kl_patch, *kl_fields;
	json_t *audit, *files, *fixes, *notes;
};

static void note(struct ctx *x, const char *kind, const json_t *c, const char *text, json_t *targets)
{
	char *key = check_key(c);
	json_array_append_new(x->notes, json_pack("{s:s,s:o,s:s,s:s,s:o,s:o}", "kind", kind, "check", jstr(key),
		"id", str(c, "id"), "title", str(c, "title"), "text", jstr(text),
		"targets", targets ? targets : json_array()));
	free(key);
}

/* A note of one line from t, which it frees: a target no fix can name. */
static void note_by_hand(struct ctx *x, const char *kind, const json_t *c, char *t)
{
	char *l = one_line(t);
	note(x, kind, c, l, NULL);
	free(l);
	free(t);
}

static json_t *failing_targets(const json_t *c)
{
	json_t *t = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(c, "findings"), i, f)
		if (!strcmp(str(f, "status"), "FAIL"))
			add_unique(t, str(f, "target"));
	return t;
}

static const char *setting_source(const struct ctx *x, const char *settings, const char *key)
{
	return str(json_object_get(json_object_get(x->context, settings), key), "source");
}

/* Where a dockerd flag is set: the env file that holds it, else the unit and its drop-ins. */
static char *dockerd_flag_home(const struct ctx *x, const char *flag)
{
	const json_t *files = json_object_get(x->context, "dockerd_env_files");
	const char *k;
	json_t *f;
	json_object_foreach((json_t *)files, k, f) {
		const char *vk;
		json_t *v;
		json_object_foreach(json_object_get(f, "values"), vk, v)
			if (json_is_string(v) && strstr(json_string_value(v), flag))
				return xasprintf("%s (the variable %s, which docker.service's ExecStart expands)",
						 str(f, "path"), vk);
	}
	const json_t *unit = json_object_get(x->context, "dockerd_unit");
	struct buf b;
	buf_init(&b, 1 << 16);
	int r = buf_addf(&b, "docker.service's ExecStart: %s", *str(unit, "path") ? str(unit, "path") : "(no unit file)");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(unit, "dropins"), i, d)
		r |= buf_addf(&b, ", drop-in %s", json_string_value(d) ? json_string_value(d) : "?");
	(void)r;
	return buf_detach(&b, NULL);
}

/* Where a kubelet flag is set (flag NULL: the command line): the variable that holds it and the files that can set it. */
static char *kubelet_flag_home(const struct ctx *x, const char *flag)
{
	const json_t *unit = json_object_get(x->context, "kubelet_unit");
	struct buf b;
	buf_init(&b, 1 << 16);
	int r = 0;
	const char *vk;
	json_t *v;
	if (flag)
		json_object_foreach(json_object_get(unit, "environment"), vk, v)
			if (json_is_string(v) && strstr(json_string_value(v), flag)) {
				r |= buf_addf(&b, "the variable %s, set in one of ", vk);
				break;
			}
	r |= buf_addf(&b, "%s", *str(unit, "path") ? str(unit, "path") : "kubelet.service");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(unit, "dropins"), i, d)
		r |= buf_addf(&b, ", %s", json_string_value(d) ? json_string_value(d) : "?");
	json_array_foreach(json_object_get(unit, "environment_files"), i, d)
		if (json_is_true(json_object_get(d, "exists")))
			r |= buf_addf(&b, ", %s", str(d, "path"));
	(void)r;
	return buf_detach(&b, NULL);
}

static char *value_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_array(v)) {
		struct buf b;
		buf_init(&b, 1 << 16);
		size_t i;
		json_t *e;
		int r = 0;
		json_array_foreach(v, i, e)
			r |= buf_addf(&b, "%s%s", i ? "," : "", json_string_value(e) ? json_string_value(e) : "?");
		(void)r;
		return buf_detach(&b, NULL);
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	return s ? s : xstrdup("null");
}

static void key_check(json_t *map, const char *k, const char *check)
{
	json_t *a = json_object_get(map, k);
	if (!a) {
		a = json_array();
		json_object_set_new(map, k, a);
	}
	add_unique(a, check);
}

/* daemon_json and daemon_json_drop; 1 when every key went into the patch. */
static int plan_daemon(struct ctx *x, const json_t *c, const json_t *fix, const char *check)
{
	int all = 1;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(fix, "daemon_json"), k, v) {
		const char *src = setting_source(x, "dockerd_settings", k);
		if (!strncmp(src, "argv:", 5)) {
			char *home = dockerd_flag_home(x, src + 5);
			char *want = value_text(v);
			char *t = xasprintf("dockerd is started with %s, and a setting given both as a flag and in "
					    "daemon.json stops dockerd from starting: remove %s from %s, then set "
					    "\"%s\" in daemon.json (wanted: %s) or pass the flag with that value.",
					    src + 5, src + 5, home, k, json_is_null(v) ? "unset" : want);
			note(x, "flag", c, t, NULL);
			free(t);
			free(home);
			free(want);
			all = 0;
			continue;
		}
		json_object_set(x->dj_patch, k, v);
		key_check(x->dj_keys, k, check);
	}
	json_object_foreach(json_object_get(fix, "daemon_json_drop"), k, v) {
		const char *src = setting_source(x, "dockerd_settings", k);
		if (!strncmp(src, "argv:", 5)) {
			char *home = dockerd_flag_home(x, src + 5);
			char *t = xasprintf("remove the %s values matching /%s/ from dockerd's command line: %s.",
					    src + 5, json_string_value(v), home);
			note(x, "flag", c, t, NULL);
			free(t);
			free(home);
			all = 0;
			continue;
		}
		json_t *cur = json_object_get(x->dj_patch, k);
		if (!cur)
			cur = json_object_get(json_object_get(json_object_get(x->context, "daemon_json"), "content"), k);
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)json_string_value(v), PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
		pcre2_match_data *md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
		json_t *kept = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(cur, i, e) {
			const char *s = json_string_value(e);
			if (!s || !md || pcre2_match(re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) < 0)
				json_array_append(kept, e);
		}
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		json_object_set_new(x->dj_patch, k, json_array_size(kept) ? kept : json_null());
		if (!json_array_size(kept))
			json_decref(kept);
		key_check(x->dj_keys, k, check);
	}
	return all;
}

/* "a.b.c": V as {"a": {"b": {"c": V}}} merged into patch: fields, not whole maps. */
static void set_field(json_t *patch, const char *path, json_t *v)
{
	const char *dot = strchr(path, '.');
	if (!dot) {
		json_object_set(patch, path, v);
		return;
	}
	char *head = xstrndup(path, (size_t)(dot - path));
	json_t *sub = json_object_get(patch, head);
	if (!json_is_object(sub)) {
		sub = json_object();
		json_object_set_new(patch, head, sub);
	}
	set_field(sub, dot + 1, v);
	free(head);
}

static int plan_kubelet(struct ctx *x, const json_t *c, const json_t *fix, const char *check)
{
	const char *dir = json_string_value(json_object_get(x->context, "kubelet_config_dir"));
	const json_t *flags = json_object_get(fix, "kubelet_flags");
	int all = 1;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(fix, "kubelet"), k, v) {
		const char *src = setting_source(x, "kubelet_settings", k);
		char *want = value_text(v);
		if (!strncmp(src, "argv:", 5)) {
			char *home = kubelet_flag_home(x, src + 5);
			char *t = xasprintf("the kubelet's command line sets %s, and a flag overrides every "
					    "configuration file: change it to %s=%s in %s, then restart the kubelet.",
					    src + 5, src + 5, want, home);
			note(x, "flag", c, t, NULL);
			free(t);
			free(home);
			all = 0;
		} else if (!strncmp(src, "dropin:", 7) && strcmp(path_base(src + 7), FIXPLAN_DROPIN_NAME) > 0) {
			char *t = xasprintf("%s is set by %s, which the kubelet reads after " FIXPLAN_DROPIN_NAME
					    ": set it to %s there.", k, src + 7, want);
			note(x, "kubelet", c, t, NULL);
			free(t);
			all = 0;
		} else if (dir && *dir == '/') {
			set_field(x->kl_patch, k, v);
			key_check(x->kl_fields, k, check);
		} else {
			const json_t *cf = json_object_get(x->context, "kubelet_config_file");
			struct buf b;
			buf_init(&b, 1 << 16);
			int r = buf_addf(&b, "the kubelet has no --config-dir, so no drop-in can set %s: ", k);
			if (json_is_true(json_object_get(cf, "exists")))
				r |= buf_addf(&b, "set %s: %s in its --config file %s, or ", k, want, str(cf, "path"));
			const char *fk;
			json_t *fv;
			int first = 1;
			json_object_foreach((json_t *)flags, fk, fv) {
				char *fvs = value_text(fv);
				r |= buf_addf(&b, "%s--%s=%s", first ? "pass " : " ", fk, fvs);
				free(fvs);
				first = 0;
			}
			char *home = kubelet_flag_home(x, NULL);
			r |= buf_addf(&b, "%s(the kubelet's command line comes from %s), then restart the kubelet.",
				      first ? "" : " ", home);
			free(home);
			(void)r;
			note(x, "kubelet-flags", c, b.data, NULL);
			buf_release(&b);
			all = 0;
		}
		free(want);
	}
	return all;
}

static int plan_audit(struct ctx *x, const json_t *c, const json_t *fix, const char *check)
{
	const json_t *aw = json_object_get(fix, "audit_watch");
	const char *perm = json_is_object(aw) && *str(aw, "perm") ? str(aw, "perm") : "wa";
	const char *key = json_is_object(aw) && *str(aw, "key") ? str(aw, "key") : "boxaudit";
	int all = 1, any = 0;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(c, "findings"), i, f) {
		if (strcmp(str(f, "status"), "FAIL"))
			continue;
		const char *p = str(f, "target");
		if (!plain_path(p) || strpbrk(p, " ")) {
			note_by_hand(x, "audit", c, xasprintf("no watch rule can be written for '%s' (not an absolute "
							       "path on one line without spaces): add one by hand.", p));
			all = 0;
			continue;
		}
		any = 1;
		json_t *e = NULL, *it;
		size_t k;
		json_array_foreach(x->audit, k, it)
			if (!strcmp(str(it, "path"), p))
				e = it;
		if (!e) {
			e = json_pack("{s:s,s:s,s:s,s:[]}", "path", p, "perm", perm, "key", key, "checks");
			json_array_append_new(x->audit, e);
		}
		add_unique(json_object_get(e, "checks"), check);
	}
	return all && any;
}

/* Octal text ("0666") to a mode, or -1. */
static long parse_mode(const char *s)
{
	char *end;
	if (!s || !*s || strlen(s) > 6)
		return -1;
	long m = strtol(s, &end, 8);
	return *end || m < 0 || m > 07777 ? -1 : m;
}

static int plan_files(struct ctx *x, const json_t *c, const json_t *fix, const char *check)
{
	const char *owner = str(fix, "chown");
	long want = parse_mode(str(fix, "chmod"));
	int all = 1, any = 0;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(c, "findings"), i, f) {
		if (strcmp(str(f, "status"), "FAIL"))
			continue;
		const char *p = str(f, "target");
		if (!plain_path(p)) {
			note_by_hand(x, "file", c, xasprintf("'%s' cannot be written on one line of fix.sh: change it "
							      "by hand (%s).", p, *owner ? owner : str(fix, "chmod")));
			all = 0;
			continue;
		}
		any = 1;
		const char *op = *owner ? "chown" : "chmod";
		long mode = want;
		if (!*owner) {
			/* Take away the bits outside the allowed mode; never add one. */
			long have = parse_mode(json_string_value(json_object_get(f, "actual")));
			if (have >= 0)
				mode = have & want;
		}
		json_t *e = NULL, *it;
		size_t k;
		json_array_foreach(x->files, k, it)
			if (!strcmp(str(it, "path"), p) && !strcmp(str(it, "op"), op))
				e = it;
		if (!e) {
			e = json_pack("{s:s,s:s,s:[]}", "op", op, "path", p, "checks");
			json_array_append_new(x->files, e);
			if (*owner)
				json_object_set_new(e, "owner", json_string(owner));
		}
		if (!*owner) {
			long prev = parse_mode(str(e, "mode"));
			char m[16];
			snprintf(m, sizeof(m), "%04lo", prev >= 0 ? (prev & mode) : mode);
			json_object_set_new(e, "mode", json_string(m));
		}
		add_unique(json_object_get(e, "checks"), check);
	}
	return all && any;
}

static const char *note_kind(const json_t *c)
{
	const char *t = str(c, "target");
	return !strcmp(t, "container") ? "container" : !strcmp(t, "image") ? "image" : "manual";
}

static void plan_check(struct ctx *x, const json_t *c)
{
	const json_t *fix = json_object_get(c, "fix");
	char *check = check_key(c);
	if (!fix || json_object_get(fix, "notes")) {
		const char *text = fix ? str(fix, "notes") : str(c, "remediation");
		/* The containers and images to act on; a daemon or host check's target says nothing more. */
		const char *kind = note_kind(c);
		note(x, kind, c, text, strcmp(kind, "manual") ? failing_targets(c) : NULL);
		if (fix && *str(c, "remediation"))
			note(x, note_kind(c), c, str(c, "remediation"), NULL);
		free(check);
		return;
	}
	json_t *mech = json_array();
	int all = 1;
	if (json_object_get(fix, "daemon_json") || json_object_get(fix, "daemon_json_drop")) {
		if (!json_object_get(x->context, "daemon_json")) {
			note(x, "manual", c, "the report holds no daemon.json context (written by an older "
			     "boxaudit?): apply the remediation by hand.", NULL);
			all = 0;
		} else {
			all &= plan_daemon(x, c, fix, check);
			json_array_append_new(mech, json_string("daemon.json"));
		}
	}
	if (json_object_get(fix, "kubelet")) {
		all &= plan_kubelet(x, c, fix, check);
		if (json_object_size(x->kl_fields))
			json_array_append_new(mech, json_string(FIXPLAN_DROPIN_NAME));
	}
	if (json_object_get(fix, "audit_watch")) {
		all &= plan_audit(x, c, fix, check);
		json_array_append_new(mech, json_string("boxaudit.rules"));
	}
	if (json_object_get(fix, "chmod") || json_object_get(fix, "chown")) {
		all &= plan_files(x, c, fix, check);
		json_array_append_new(mech, json_string("fix.sh"));
	}
	if (*str(fix, "note"))
		note(x, "caution", c, str(fix, "note"), NULL);
	if (all && json_array_size(mech))
		json_array_append_new(x->fixes, json_pack("{s:s,s:s,s:s,s:s,s:o}", "check", check,
			"benchmark", str(c, "benchmark"), "id", str(c, "id"), "title", str(c, "title"),
			"mechanisms", mech));
	else
		json_decref(mech);
	free(check);
}

json_t *fixplan_build(const json_t *doc, char **err)
{
	if (!json_is_object(doc) || strcmp(str(doc, "schema"), "boxaudit-report/1") ||
	    !json_is_array(json_object_get(doc, "checks"))) {
		*err = xstrdup("not a boxaudit JSON report (schema boxaudit-report/1)");
		return NULL;
	}
	struct ctx x = { .doc = doc, .context = json_object_get(doc, "context") };
	x.dj_patch = json_object();
	x.dj_keys = json_object();
	x.kl_patch = json_object();
	x.kl_fields = json_object();
	x.audit = json_array();
	x.files = json_array();
	x.fixes = json_array();
	x.notes = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "checks"), i, c)
		if (!strcmp(str(c, "status"), "FAIL"))
			plan_check(&x, c);
	json_t *plan = json_object();
	const json_t *host = json_object_get(doc, "host");
	json_object_set_new(plan, "report", json_pack("{s:O,s:O,s:O,s:O}", "hostname",
		json_object_get(host, "hostname") ? json_object_get(host, "hostname") : json_null(),
		"root", json_object_get(host, "root") ? json_object_get(host, "root") : json_null(),
		"live", json_object_get(host, "live") ? json_object_get(host, "live") : json_false(),
		"collected_at", json_object_get(doc, "collected_at") ? json_object_get(doc, "collected_at") : json_null()));
	if (json_object_size(x.dj_patch)) {
		const json_t *dj = json_object_get(x.context, "daemon_json");
		const json_t *content = json_object_get(dj, "content");
		int exists = json_is_true(json_object_get(dj, "exists"));
		json_t *merged = NULL;
		if (!exists || json_is_object(content)) {
			json_t *empty = json_object();
			merged = kube_merge_patch(json_is_object(content) ? (json_t *)content : empty, x.dj_patch);
			json_decref(empty);
		} else {
			json_array_append_new(x.notes, json_pack("{s:s,s:s,s:s,s:s,s:s,s:[]}", "kind", "manual",
				"check", "", "id", "", "title", "daemon.json", "text",
				"daemon.json could not be parsed when it was audited: fix its syntax first; "
				"daemon.json.patch holds the settings to merge into it.", "targets"));
		}
		json_object_set_new(plan, "daemon_json", json_pack("{s:s,s:b,s:O,s:O,s:o,s:O}",
			"path", *str(dj, "path") ? str(dj, "path") : "/etc/docker/daemon.json", "exists", exists,
			"content", content ? content : json_null(), "patch", x.dj_patch,
			"merged", merged ? merged : json_null(), "keys", x.dj_keys));
	}
	if (json_object_size(x.kl_patch)) {
		const char *dir = json_string_value(json_object_get(x.context, "kubelet_config_dir"));
		char *dropin = xasprintf("%s/" FIXPLAN_DROPIN_NAME, dir);
		json_object_set_new(plan, "kubelet", json_pack("{s:s,s:s,s:O,s:O}", "config_dir", dir,
			"dropin", dropin, "patch", x.kl_patch, "fields", x.kl_fields));
		free(dropin);
	}
	json_object_set_new(plan, "audit", x.audit);
	json_object_set_new(plan, "files", x.files);
	json_object_set_new(plan, "fixes", x.fixes);
	json_object_set_new(plan, "notes", x.notes);
	json_decref(x.dj_patch);
	json_decref(x.dj_keys);
	json_decref(x.kl_patch);
	json_decref(x.kl_fields);
	return plan;
}

/* ---- the files ---- */

static char *dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	char *t = xasprintf("%s\n", s ? s : "{}");
	free(s);
	return t;
}

static void check_list(struct buf *b, const json_t *checks, const char *lead)
{
	size_t i;
	json_t *v;
	int r = buf_addstr(b, lead);
	json_array_foreach(checks, i, v)
		r |= buf_addf(b, "%s%s", i ? ", " : "", json_string_value(v));
	r |= buf_addstr(b, "\n");
	(void)r;
}

char *fixplan_dropin_text(const json_t *patch, const json_t *fields)
{
	struct buf b;
	buf_init(&b, REPORT_CAP);
	int r = buf_addstr(&b, "# boxaudit fix plan: a kubelet --config-dir drop-in (read after the --config\n"
			   "# file and the drop-ins that sort before it; command-line flags still win).\n");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)fields, k, v) {
		char *lead = xasprintf("# %s fixes ", k);
		check_list(&b, v, lead);
		free(lead);
	}
	json_t *doc = json_pack("{s:s,s:s}", "apiVersion", "kubelet.config.k8s.io/v1beta1", "kind",
				"KubeletConfiguration");
	json_object_update(doc, (json_t *)patch);
	char *j = dump(doc);
	r |= buf_addstr(&b, j);
	free(j);
	json_decref(doc);
	(void)r;
	return buf_detach(&b, NULL);
}

char *fixplan_audit_text(const json_t *rules, const char *existing)
{
	struct buf b;
	buf_init(&b, REPORT_CAP);
	int r = 0;
	if (existing && *existing) {
		r |= buf_addstr(&b, existing);
		if (existing[strlen(existing) - 1] != '\n')
			r |= buf_addstr(&b, "\n");
	} else {
		r |= buf_addstr(&b, "## boxaudit fix plan: audit watch rules, for /etc/audit/rules.d/boxaudit.rules.\n"
				"## Watch rules only: no -D, -b, -f or -e line, since augenrules keeps the last\n"
				"## of each across every rules file and a line here would undo the site's own.\n"
				"## Load them with: augenrules --load\n");
	}
	size_t i;
	json_t *e;
	json_array_foreach(rules, i, e) {
		char *line = xasprintf("-w %s -p %s -k %s", str(e, "path"), str(e, "perm"), str(e, "key"));
		/* Already there (an earlier apply): kept once. */
		int dup = 0;
		for (const char *p = existing ? strstr(existing, line) : NULL; p && !dup; p = strstr(p + 1, line)) {
			size_t n = strlen(line);
			dup = (p == existing || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0');
		}
		if (!dup) {
			check_list(&b, json_object_get(e, "checks"), "# fixes ");
			r |= buf_addf(&b, "%s\n", line);
		}
		free(line);
	}
	(void)r;
	return buf_detach(&b, NULL);
}

static char *fix_sh(const json_t *plan)
{
	struct buf b;
	buf_init(&b, REPORT_CAP);
	const json_t *rep = json_object_get(plan, "report");
	char *root = one_line(str(rep, "root"));
	int r = buf_addf(&b, "#!/bin/sh\n"
			 "# boxaudit fix plan: owners and modes (chown and chmod only, one line per file).\n"
			 "# boxaudit never runs this script. Review it, then run it as root on the audited\n"
			 "# host; the paths are those of the audited root ('%s'). For an image root use\n"
			 "# 'boxaudit remediate REPORT.json --apply --root DIR' instead.\n"
			 "set -eu\n", root);
	free(root);
	/* chown first: changing the owner clears setuid and setgid bits that chmod sets. */
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(plan, "files"), i, e) {
			int is_chown = !strcmp(str(e, "op"), "chown");
			if (is_chown != (pass == 0))
				continue;
			char *q = fixplan_shell_quote(str(e, "path"));
			if (!q)
				continue;
			check_list(&b, json_object_get(e, "checks"), "# fixes ");
			r |= buf_addf(&b, "%s %s -- %s\n", str(e, "op"), is_chown ? str(e, "owner") : str(e, "mode"), q);
			free(q);
		}
	}
	(void)r;
	return buf_detach(&b, NULL);
}

static const char *const note_heads[][2] = {
	{ "flag", "Settings given on a command line (edit the unit or env file named)" },
	{ "kubelet-flags", "kubelet settings without a --config-dir" },
	{ "kubelet", "kubelet settings a later drop-in overrides" },
	{ "container", "Containers to re-create" },
	{ "image", "Images to rebuild" },
	{ "audit", "Audit rules to add by hand" },
	{ "file", "Files to change by hand" },
	{ "manual", "Other failing checks (no configuration fix)" },
	{ "caution", "Before you apply" },
};

static char *notes_md(const json_t *plan, const json_t *files)
{
	struct buf b;
	buf_init(&b, REPORT_CAP);
	const json_t *rep = json_object_get(plan, "report");
	char *host = one_line(json_is_string(json_object_get(rep, "hostname")) ? str(rep, "hostname") : "(unknown)");
	char *root = one_line(str(rep, "root"));
	int r = buf_addf(&b, "# boxaudit fix plan\n\nFrom the report of %s (root '%s', collected %s).\n"
			 "boxaudit writes these files and runs none of them.\n\n## Files\n\n", host, root,
			 str(rep, "collected_at"));
	free(host);
	free(root);
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)files, k, v) {
		if (!strcmp(k, "NOTES.md"))
			continue;
		r |= buf_addf(&b, "- `%s`", k);
		if (!strcmp(k, "daemon.json") || !strcmp(k, "daemon.json.patch")) {
			const json_t *dj = json_object_get(plan, "daemon_json");
			char *p = one_line(str(dj, "path"));
			if (!strcmp(k, "daemon.json")) {
				r |= buf_addf(&b, ": the audited daemon.json with daemon.json.patch applied (every "
					      "other key kept); install as %s, then restart dockerd.\n", p);
			} else {
				r |= buf_addstr(&b, ": the fixes alone, an RFC 7386 merge patch (null removes a "
						"key). JSON holds no comments, so the checks each key fixes are here:\n");
				const char *dk;
				json_t *dv;
				json_object_foreach(json_object_get(dj, "keys"), dk, dv) {
					char *lead = xasprintf("  - `%s` fixes ", dk);
					check_list(&b, dv, lead);
					free(lead);
				}
			}
			free(p);
		} else if (!strcmp(k, FIXPLAN_DROPIN_NAME)) {
			char *p = one_line(str(json_object_get(plan, "kubelet"), "dropin"));
			r |= buf_addf(&b, ": the kubelet drop-in; install as %s, then restart the kubelet.\n", p);
			free(p);
		} else if (!strcmp(k, "boxaudit.rules")) {
			r |= buf_addstr(&b, ": audit watch rules; install as " FIXPLAN_AUDIT_RULES
					", then run `augenrules --load`.\n");
		} else if (!strcmp(k, "fix.sh")) {
			r |= buf_addstr(&b, ": chown and chmod, one line per file; review, then run as root.\n");
		} else if (!strcmp(k, "plan.json")) {
			r |= buf_addstr(&b, ": the plan, machine-readable (which checks each file fixes).\n");
		} else {
			r |= buf_addstr(&b, "\n");
		}
	}
	const json_t *fixes = json_object_get(plan, "fixes");
	r |= buf_addf(&b, "\n## Checks these files fix (%zu)\n\n", json_array_size(fixes));
	size_t i;
	json_array_foreach(fixes, i, v) {
		char *t = one_line(str(v, "title"));
		r |= buf_addf(&b, "- %s %s\n", str(v, "check"), t);
		free(t);
	}
	const json_t *notes = json_object_get(plan, "notes");
	for (size_t h = 0; h < sizeof(note_heads) / sizeof(note_heads[0]); h++) {
		int head = 0;
		json_array_foreach(notes, i, v) {
			if (strcmp(str(v, "kind"), note_heads[h][0]))
				continue;
			if (!head)
				r |= buf_addf(&b, "\n## %s\n", note_heads[h][1]);
			head = 1;
			char *t = one_line(str(v, "title")), *text = one_line(str(v, "text"));
			r |= buf_addf(&b, "\n- %s %s: %s\n", str(v, "check"), t, text);
			free(t);
			free(text);
			const json_t *targets = json_object_get(v, "targets");
			size_t k2;
			json_t *tv;
			if (json_array_size(targets))
				r |= buf_addstr(&b, "\n");
			json_array_foreach(targets, k2, tv) {
				if (k2 == DRIFT_ITEMS_SHOWN) {
					r |= buf_addf(&b, "        ... and %zu more (see the JSON report)\n",
						      json_array_size(targets) - k2);
					break;
				}
				char *tt = one_line(json_string_value(tv));
				r |= buf_addf(&b, "        %s\n", tt);
				free(tt);
			}
		}
	}
	(void)r;
	return buf_detach(&b, NULL);
}

/* files[name] = text, taking text over. */
static void set_text(json_t *files, const char *name, char *text)
{
	json_object_set_new(files, name, json_string_nocheck(text));
	free(text);
}

json_t *fixplan_files(const json_t *plan)
{
	json_t *files = json_object();
	const json_t *dj = json_object_get(plan, "daemon_json");
	if (dj) {
		if (json_is_object(json_object_get(dj, "merged")))
			set_text(files, "daemon.json", dump(json_object_get(dj, "merged")));
		set_text(files, "daemon.json.patch", dump(json_object_get(dj, "patch")));
	}
	const json_t *kl = json_object_get(plan, "kubelet");
	if (kl) {
		set_text(files, FIXPLAN_DROPIN_NAME, fixplan_dropin_text(json_object_get(kl, "patch"),
									  json_object_get(kl, "fields")));
	}
	if (json_array_size(json_object_get(plan, "audit"))) {
		set_text(files, "boxaudit.rules", fixplan_audit_text(json_object_get(plan, "audit"), NULL));
	}
	if (json_array_size(json_object_get(plan, "files"))) {
		set_text(files, "fix.sh", fix_sh(plan));
	}
	set_text(files, "plan.json", dump(plan));
	set_text(files, "NOTES.md", notes_md(plan, files));
	return files;
}
