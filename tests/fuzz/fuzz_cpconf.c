/*
 * libFuzzer target: a control-plane component's effective configuration
 * (parse/cpconf.h).  Parts, separated by "#@file" lines: the command line
 * (split as systemd splits ExecStart), the component's config file, an
 * environment file (etcd's ETCD_* variables), then the documents the API
 * server reads: an EncryptionConfiguration, an AuthorizationConfiguration,
 * an audit Policy, an AdmissionConfiguration and an EventRateLimit
 * Configuration.  The first byte picks the version the defaults are taken at.
 */
#include "config.h"
#include <stdio.h>
#include "fuzz_common.h"
#include "parse/cpconf.h"
#include "parse/envfile.h"
#include "parse/kubeyaml.h"
#include "base/banned.h"

static json_t *doc(const struct fuzz_part *p)
{
	char *err = NULL;
	json_t *d = kube_yaml_to_json(p->text, p->len, "f.yaml", &err);
	free(err);
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const versions[] = { NULL, "1.28.9", "v1.29.0+k3s1", "1.30.2", "1.32", "latest" };
	const char *version = size ? versions[data[0] % 6] : NULL;
	struct fuzz_part parts[8];
	size_t n = fuzz_split(data, size, parts, 8);
	struct cp_vdefault vd[] = { {"1.31", NULL} };
	struct cp_setting st[] = {
		{.flag = "anonymous-auth", .type = PFLAG_BOOL},
		{.flag = "authorization-config", .type = PFLAG_STRING, .since = "1.29",
		 .requires_gate = "StructuredAuthorizationConfiguration"},
		{.flag = "profiling", .type = PFLAG_BOOL, .config = "enableProfiling", .vdefs = vd, .nvdefs = 1},
		{.flag = "client-cert-auth", .type = PFLAG_BOOL, .config = "client-transport-security.client-cert-auth"},
		{.flag = "enable-admission-plugins", .type = PFLAG_LIST},
		{.flag = "disable-admission-plugins", .type = PFLAG_LIST},
		{.flag = "admission-control", .type = PFLAG_LIST},
		{.flag = "request-timeout", .type = PFLAG_DURATION},
		{.flag = "secure-port", .type = PFLAG_INT, .requires_gate = "NotTracked"},
		{.flag = "feature-gates", .type = PFLAG_MAP_BOOL},
	};
	st[0].def = json_true();
	st[1].def = json_null();
	st[2].def = json_true();
	st[3].def = json_false();
	st[4].def = json_array();
	st[5].def = json_array();
	st[6].def = json_array();
	st[7].def = json_string("1m0s");
	st[8].def = json_integer(6443);
	st[9].def = json_object();
	vd[0].def = json_false();
	struct cp_plugin pl[] = { {"NamespaceLifecycle", 1, NULL, NULL}, {"NodeRestriction", 0, NULL, NULL},
				  {"NewPlugin", 0, "1.32", NULL}, {"OldPlugin", 1, NULL, "1.30"} };
	struct kube_gate g[] = { {"StructuredAuthorizationConfiguration", 0, "1.30"} };
	char *bools[] = { "enable-bootstrap-token-auth" };
	char *err = NULL;
	json_t *words = split_words(parts[0].text, &err);
	free(err);
	err = NULL;
	size_t nw = json_array_size(words);
	const char **w = calloc(nw + 1, sizeof(*w));
	for (size_t i = 0; i < nw; i++)
		w[i] = json_string_value(json_array_get(words, i)) ? json_string_value(json_array_get(words, i)) : "";
	json_t *config = n > 1 ? doc(&parts[1]) : NULL;
	json_t *env = n > 2 ? envfile_parse(parts[2].text, parts[2].len, "e.env", &err) : NULL;
	free(err);
	err = NULL;
	for (int etcd = 0; etcd < 2; etcd++) {
		struct cp_schema s = { .settings = st, .nsettings = 10, .bools = bools, .nbools = 1,
				       .plugins = pl, .nplugins = etcd ? 0 : 4 };
		if (etcd) {
			s.config_flag = "config-file";
			s.config_replaces_all = 1;
			s.env_prefix = "ETCD";
			s.go_flags = 1;
		} else {
			s.config_flag = "config";
		}
		struct cp_input in = { .words = w, .nwords = nw, .flag_origin = "manifest:/m.yaml#", .env = env,
				       .env_origin = "env:", .config = json_is_object(config) ? config : NULL,
				       .config_path = "/c.yaml", .default_origin = "default(x)", .version = version,
				       .component = "kube-apiserver" };
		free(cpconf_config_path(&s, &in));
		json_decref(cpconf_effective(&s, g, 1, &in));
	}
	(void)cp_version_before(version, "1.29");
	json_t *d = n > 3 ? doc(&parts[3]) : NULL;
	free(cpconf_secrets_provider(d, &err));
	free(err);
	err = NULL;
	json_decref(d);
	d = n > 4 ? doc(&parts[4]) : NULL;
	json_decref(cpconf_authorizers(d, &err));
	free(err);
	err = NULL;
	int enabled;
	json_t *paths = NULL;
	(void)cpconf_anonymous(d, &enabled, &paths, &err);
	json_decref(paths);
	free(err);
	err = NULL;
	json_decref(d);
	d = n > 5 ? doc(&parts[5]) : NULL;
	(void)cpconf_audit_rules(d, &err);
	free(err);
	err = NULL;
	json_decref(d);
	d = n > 6 ? doc(&parts[6]) : NULL;
	json_t *inl = NULL;
	char *path = NULL;
	if (cpconf_admission_plugin(d, "EventRateLimit", &inl, &path, &err) == 1 && inl)
		(void)cpconf_eventratelimit_limits(inl, &err);
	free(err);
	err = NULL;
	free(path);
	json_decref(d);
	d = n > 7 ? doc(&parts[7]) : NULL;
	(void)cpconf_eventratelimit_limits(d, &err);
	free(err);
	json_decref(d);
	json_decref(env);
	json_decref(config);
	free(w);
	json_decref(words);
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		json_decref(st[i].def);
	json_decref(vd[0].def);
	for (size_t i = 0; i < n; i++)
		free(parts[i].text);
	return 0;
}
