#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "parse/redact.h"
#include "base/regex.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const char *const secret_words[] = {
	"pass", "pwd", "secret", "token", "key", "cred", "auth", "private", "salt",
	"signature", "cert",
};

int redact_secret_name(const char *name, size_t len)
{
	for (size_t w = 0; w < sizeof(secret_words) / sizeof(secret_words[0]); w++) {
		size_t wl = strlen(secret_words[w]);
		for (size_t i = 0; i + wl <= len; i++)
			if (!strncasecmp(name + i, secret_words[w], wl))
				return 1;
	}
	return 0;
}

void redact_env_array(json_t *env)
{
	size_t i;
	json_t *v;
	if (!json_is_array(env))
		return;
	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (!s) {
			json_array_set_new(env, i, json_string("<redacted>"));
			continue;
		}
		const char *eq = strchr(s, '=');
		if (!eq)
			continue;	/* a bare NAME carries no value */
		char *r = xasprintf("%.*s=<redacted>", (int)(eq - s), s);
		json_t *nv = json_string(r);
		json_array_set_new(env, i, nv ? nv : json_string("<redacted>"));
		free(r);
	}
}

/*
 * Secret-like NAME=VALUE (ENV, ARG, build args "|2 A=b", --flag=value),
 * the legacy "ENV NAME VALUE" form; then values shaped like credentials
 * whatever their name (docs/SECURITY.md lists them).
 */
/* "auth", but not authorization or authentication modes: those are configuration. */
#define NAME_RE "[A-Za-z0-9_.-]*(?:pass|pwd|secret|token|key|cred|auth(?!oriz|entic)|private|salt|signature|cert)[A-Za-z0-9_.-]*"
static const struct {
	const char *re;
	const char *rep;
} redact_rules[] = {
	/*
	 * A boolean is configuration, not a secret (--authentication-token-webhook=true);
	 * an absolute path is kept only for a name that holds a path (--tlskey, --client-ca-file):
	 * "--token=/9Zk..." and "--password=31415926" are secrets.
	 */
	{ "(?i)(?<![A-Za-z0-9_.-])(" NAME_RE ")=(?!(?:true|false|yes|no)(?:[\\s\"',]|$))"
	  "(?!(?<=file=|path=|dir=|cert=|cacert=|tlskey=|tlscert=|tlscacert=)/[^\\s\"']*(?:[\\s\"']|$))"
	  "(\"(?:[^\"\\\\]|\\\\.)*\"?|'[^']*'?|\\S*)",
	  "$1=<redacted>" },
	{ "(?i)(\\bENV\\s+" NAME_RE "[ \\t]+)[^\\s=][^\\n]*", "$1<redacted>" },
	/* The same flags with their value as the next word: "--password VALUE". */
	{ "(?i)((?<![A-Za-z0-9_.-])--?" NAME_RE "[ \\t]+)(?!-)(?!(?:true|false|yes|no)(?:[\\s\"',]|$))"
	  "(?!(?<=file |path |dir |cert |cacert |tlskey |tlscert |tlscacert )/[^\\s\"']*(?:[\\s\"']|$))"
	  "(\"(?:[^\"\\\\]|\\\\.)*\"?|'[^']*'?|[^\\s\"']+)",
	  "$1<redacted>" },
	/* URL credentials: scheme://user:PASSWORD@host. */
	{ "(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)[^/\\s@]+@", "$1<redacted>@" },
	/* PEM private keys, whole. */
	{ "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
	  "<redacted $1private key>" },
	/* AWS access key ids. */
	{ "\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b", "<redacted>" },
	/* GitHub, GitLab and Slack tokens. */
	{ "\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|"
	  "xox[abposr]-[A-Za-z0-9-]{10,})", "<redacted>" },
	/* JSON Web Tokens. */
	{ "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", "<redacted>" },
	/* Authorization header values (Bearer, Basic, anything). */
	{ "(?i)(\\bauthorization\\s*[:=]\\s*)(?:(?:bearer|basic|token|digest)\\s+)?[^\\s\"',]+", "$1<redacted>" },
};
#define NRULES (sizeof(redact_rules) / sizeof(redact_rules[0]))
static pcre2_code *redact_code[NRULES];

/*
 * Could s hold anything the rules redact?  Most strings of the facts
 * (ids, paths, numbers) cannot, and are spared the regular expressions.
 */
static int might_hold_secret(const char *s)
{
	static const char *const marks[] = {
		"=", "://", "-----BEGIN", "eyJ", "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA",
		"AIPA", "gh", "glpat-", "xox", "uthorization", "UTHORIZATION", "ENV", "env", "Env",
	};
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(s, marks[i]))
			return 1;
	/* A flag followed by its value as the next word. */
	return s[0] == '-' || strstr(s, " -") || strstr(s, "\t-");
}

static char *substitute(pcre2_code *re, const char *rep, const char *s)
{
	size_t len = strlen(s);
	size_t outlen = len + 64;
	for (int tries = 0; tries < 2; tries++) {
		PCRE2_UCHAR *out = xmalloc(outlen + 1);
		size_t got = outlen + 1;
		int rc = pcre2_substitute(re, (PCRE2_SPTR)s, len, 0,
					  PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
					  NULL, regex_context(), (PCRE2_SPTR)rep, PCRE2_ZERO_TERMINATED, out, &got);
		if (rc >= 0)
			return (char *)out;
		free(out);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
		outlen = got;
	}
	/* Cannot tell what is secret (a match limit hit, say): hide it all. */
	return xstrdup("<redacted>");
}

char *redact_text(const char *cmd)
{
	char *cur = xstrdup(cmd);
	if (!might_hold_secret(cmd))
		return cur;
	for (size_t r = 0; r < NRULES; r++) {
		if (!redact_code[r]) {
			int ec;
			PCRE2_SIZE eo;
			redact_code[r] = pcre2_compile((PCRE2_SPTR)redact_rules[r].re,
						       PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
			if (!redact_code[r]) {
				fprintf(stderr, "boxaudit: internal error: redaction pattern %zu at %zu\n",
					r, (size_t)eo);
				exit(2);
			}
		}
		char *next = substitute(redact_code[r], redact_rules[r].rep, cur);
		free(cur);
		cur = next;
	}
	return cur;
}

void redact_env_object(json_t *env)
{
	const char *k;
	json_t *v;
	void *tmp;
	if (!json_is_object(env))
		return;
	json_object_foreach_safe(env, tmp, k, v) {
		const char *s = json_string_value(v);
		if (redact_secret_name(k, strlen(k)) || !s) {
			json_object_set_new(env, k, json_string("<redacted>"));
			continue;
		}
		char *r = redact_text(s);
		if (strcmp(r, s)) {
			json_t *nv = json_string(r);
			json_object_set_new(env, k, nv ? nv : json_string("<redacted>"));
		}
		free(r);
	}
}

/* 1 if S is a flag without "=value" whose name is secret-like ("--password"). */
static int secret_flag_alone(const char *s)
{
	if (s[0] != '-' || strchr(s, '='))
		return 0;
	while (*s == '-')
		s++;
	return *s && redact_secret_name(s, strlen(s));
}

void redact_argv(json_t *argv)
{
	size_t i;
	json_t *v;
	json_array_foreach(argv, i, v) {
		const char *s = json_string_value(v);
		if (!s)
			continue;
		/* "--password VALUE": the next word is the value, unless it is a flag. */
		const char *next = json_string_value(json_array_get(argv, i + 1));
		if (secret_flag_alone(s) && next && next[0] != '-' && strcmp(next, "<redacted>")) {
			json_array_set_new(argv, i + 1, json_string("<redacted>"));
		}
		char *r = redact_text(s);
		if (strcmp(r, s)) {
			json_t *nv = json_string(r);
			json_array_set_new(argv, i, nv ? nv : json_string("<redacted>"));
		}
		free(r);
	}
}

/*
 * Every value of an ENV or ARG instruction, whatever its name: an image's
 * environment is as secret as a container's.  "ENV A=1 B=2" (\G continues
 * after the previous pair) and the legacy "ENV NAME VALUE".
 */
static const struct {
	const char *re;
	const char *rep;
} history_rules[] = {
	{ "(?i)(\\b(?:ENV|ARG)[ \\t]+|\\G[ \\t]+)([A-Za-z_][A-Za-z0-9_.-]*)="
	  "(\"(?:[^\"\\\\]|\\\\.)*\"?|'[^']*'?|(?:[^\\s\\\\]|\\\\.)*)",
	  "$1$2=<redacted>" },
	{ "(?i)(\\bENV[ \\t]+[A-Za-z_][A-Za-z0-9_.-]*[ \\t]+)[^\\s=][^\\n]*", "$1<redacted>" },
};
#define NHRULES (sizeof(history_rules) / sizeof(history_rules[0]))
static pcre2_code *history_code[NHRULES];

char *redact_history(const char *s)
{
	char *cur = redact_text(s);
	for (size_t r = 0; r < NHRULES; r++) {
		if (!history_code[r]) {
			int ec;
			PCRE2_SIZE eo;
			history_code[r] = pcre2_compile((PCRE2_SPTR)history_rules[r].re,
							PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
			if (!history_code[r]) {
				fprintf(stderr, "boxaudit: internal error: history pattern %zu at %zu\n",
					r, (size_t)eo);
				exit(2);
			}
		}
		char *next = substitute(history_code[r], history_rules[r].rep, cur);
		free(cur);
		cur = next;
	}
	return cur;
}

void redact_command_member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_string(v)) {
		char *r = redact_text(json_string_value(v));
		json_t *nv = json_string(r);
		json_object_set_new(obj, key, nv ? nv : json_string("<redacted>"));
		free(r);
	} else if (json_is_array(v)) {
		/* Words: also "--password VALUE", the value in the next word. */
		redact_argv(v);
	}
}

/* A container or image Config: Env values always, labels and commands by name. */
static void redact_docker_config(json_t *config)
{
	if (!json_is_object(config))
		return;
	redact_env_array(json_object_get(config, "Env"));
	/* Labels: keys stay; secret-named values and secrets inside values go. */
	redact_env_object(json_object_get(config, "Labels"));
	redact_command_member(config, "Cmd");
	redact_command_member(config, "Entrypoint");
}

void redact_container_inspect(json_t *container)
{
	json_t *config = json_object_get(container, "Config");
	redact_docker_config(config);
	/* A health check's command line: "curl -u user:pw", "--password=X". */
	redact_command_member(json_object_get(config, "Healthcheck"), "Test");
	redact_command_member(container, "Path");
	redact_command_member(container, "Args");
	/* Log driver options: splunk-token, loki-url with credentials, fluentd's. */
	redact_env_object(json_object_get(json_object_get(json_object_get(container, "HostConfig"),
							   "LogConfig"), "Config"));
}

void redact_image_inspect(json_t *image)
{
	redact_docker_config(json_object_get(image, "Config"));
	redact_docker_config(json_object_get(image, "ContainerConfig"));
}

void redact_image_history(json_t *layers)
{
	size_t i;
	json_t *layer;
	json_array_foreach(layers, i, layer) {
		json_t *cb = json_object_get(layer, "CreatedBy");
		if (!json_is_string(cb))
			continue;
		char *r = redact_history(json_string_value(cb));
		json_t *nv = json_string(r);
		json_object_set_new(layer, "CreatedBy", nv ? nv : json_string("<redacted>"));
		free(r);
	}
}

/* Is a flag or member name secret-like, as NAME_RE says (auth, but not authorization modes)? */
static int flag_name_secret(const char *name)
{
	size_t n = strlen(name);
	for (size_t w = 0; w < sizeof(secret_words) / sizeof(secret_words[0]); w++) {
		size_t wl = strlen(secret_words[w]);
		for (size_t i = 0; i + wl <= n; i++)
			if (!strncasecmp(name + i, secret_words[w], wl) &&
			    !(!strcmp(secret_words[w], "auth") &&
			      (!strncasecmp(name + i, "authoriz", 8) || !strncasecmp(name + i, "authentic", 9))))
				return 1;
	}
	return 0;
}

/* "NAME=VALUE" judged by the command-line rule; 1 when VALUE is a secret. */
static int flag_value_secret(const char *name, const char *value)
{
	while (*name == '-')
		name++;
	char *t = xasprintf("--%s=%s", name, value);
	char *r = redact_text(t);
	int secret = strcmp(r, t) != 0;
	free(t);
	free(r);
	return secret;
}

/* A string of v (at it, or index i) replaced by "<redacted>" when redact_text changes it. */
static void redact_string_at(json_t *parent, void *it, size_t i)
{
	json_t *x = it ? json_object_iter_value(it) : json_array_get(parent, i);
	const char *s = json_string_value(x);
	if (!s || !might_hold_secret(s))
		return;
	char *r = redact_text(s);
	if (strcmp(r, s)) {
		json_t *nv = json_string(r);
		if (!nv)
			nv = json_string("<redacted>");
		if (it)
			json_object_iter_set_new(parent, it, nv);
		else
			json_array_set_new(parent, i, nv);
	}
	free(r);
}

void redact_tree(json_t *v)
{
	if (json_is_object(v)) {
		/*
		 * A parsed command-line flag, {"flag": "--registry-password",
		 * "value": V}: its value is judged by the flag's name, as on the
		 * command line itself.
		 */
		const char *flag = json_string_value(json_object_get(v, "flag"));
		const char *fv = json_string_value(json_object_get(v, "value"));
		if (flag && fv && flag_value_secret(flag, fv))
			json_object_set_new(v, "value", json_string("<redacted>"));
		for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
			json_t *x = json_object_iter_value(it);
			const char *k = json_object_iter_key(it);
			/* Raw flag values by name, {NAME: [{"value": V, "source": "argv"}]}: likewise. */
			if (json_is_array(x)) {
				size_t i;
				json_t *e;
				json_array_foreach(x, i, e) {
					const char *ev = json_string_value(json_object_get(e, "value"));
					const char *src = json_string_value(json_object_get(e, "source"));
					if (ev && src && !strcmp(src, "argv") && flag_value_secret(k, ev))
						json_object_set_new(e, "value", json_string("<redacted>"));
				}
			}
			/*
			 * A member named like a secret ("registry-password" in a
			 * daemon.json as parsed) is judged like that flag: its value
			 * goes unless it is a boolean, or a path for a name that holds one.
			 */
			/*
			 * ("key" alone names a key: an audit rule's, a conflict's
			 * setting; an absolute path under a member is a file the
			 * checks stat, "tls_key": "/var/lib/kubelet/pki/kubelet.key".)
			 */
			const char *xs = json_string_value(x);
			if (xs && strcmp(k, "key") && flag_name_secret(k) && !(xs[0] == '/' && !strpbrk(xs, " \t\n")) &&
			    flag_value_secret(k, xs))
				json_object_iter_set_new(v, it, json_string("<redacted>"));
			else if (json_is_string(x))
				redact_string_at(v, it, 0);
			else
				redact_tree(x);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (json_is_string(x))
				redact_string_at(v, NULL, i);
			else
				redact_tree(x);
		}
	}
}
