#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "parse/cpconf.h"
#include "parse/kubeyaml.h"

/* A small schema built by hand: what the component files would load. */
static struct cp_setting settings[] = {
	{"anonymous-auth", PFLAG_BOOL, NULL, NULL},
	{"profiling", PFLAG_BOOL, NULL, "enableProfiling"},
	{"client-cert-auth", PFLAG_BOOL, NULL, "client-transport-security.client-cert-auth"},
	{"enable-admission-plugins", PFLAG_LIST, NULL, NULL},
	{"disable-admission-plugins", PFLAG_LIST, NULL, NULL},
	{"feature-gates", PFLAG_MAP_BOOL, NULL, NULL},
};
static struct cp_plugin plugins[] = { {"ServiceAccount", 1}, {"NodeRestriction", 0} };
static const struct kube_gate gates[] = { {"RotateKubeletServerCertificate", 1} };

static struct cp_schema schema(int etcd)
{
	settings[0].def = json_true();
	settings[1].def = json_true();
	settings[2].def = json_false();
	settings[3].def = json_array();
	settings[4].def = json_array();
	settings[5].def = json_object();
	struct cp_schema s = { .settings = settings, .nsettings = 6, .plugins = plugins, .nplugins = 2 };
	if (etcd) {
		s.env_prefix = "ETCD";
		s.go_flags = 1;
		s.config_flag = "config-file";
		s.config_replaces_all = 1;
		s.nplugins = 0;
	} else {
		s.config_flag = "config";
	}
	return s;
}

static void schema_done(void)
{
	for (size_t i = 0; i < 6; i++)
		json_decref(settings[i].def);
}

static json_t *run(struct cp_schema *s, const char *const *w, size_t n, json_t *env, json_t *config)
{
	struct cp_input in = { .words = w, .nwords = n, .flag_origin = "manifest:/m.yaml#", .env = env,
			       .env_origin = "env:", .config = config, .config_path = "/c.yaml",
			       .default_origin = "default(x 1.32)" };
	return cpconf_effective(s, gates, 1, &in);
}

static const char *src(json_t *eff, const char *key, const char *flag)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(eff, key), flag), "source"));
}

static json_t *val(json_t *eff, const char *key, const char *flag)
{
	return json_object_get(json_object_get(json_object_get(eff, key), flag), "value");
}

/* Go's strconv.ParseBool forms, as kubespray writes them; others are errors. */
static void test_go_bools(void **state)
{
	(void)state;
	struct cp_schema s = schema(0);
	const char *w[] = { "--anonymous-auth=False", "--profiling=t" };
	json_t *e = run(&s, w, 2, NULL, NULL);
	assert_true(json_is_false(val(e, "settings", "anonymous-auth")));
	assert_string_equal(src(e, "settings", "anonymous-auth"), "manifest:/m.yaml#--anonymous-auth");
	assert_true(json_is_true(val(e, "settings", "profiling")));
	json_decref(e);
	const char *bad[] = { "--anonymous-auth=yes" };
	e = run(&s, bad, 1, NULL, NULL);
	assert_non_null(json_object_get(json_object_get(json_object_get(e, "settings"), "anonymous-auth"), "error"));
	json_decref(e);
	/* unset: the default, with its origin */
	e = run(&s, NULL, 0, NULL, NULL);
	assert_true(json_is_true(val(e, "settings", "anonymous-auth")));
	assert_string_equal(src(e, "settings", "anonymous-auth"), "default(x 1.32)");
	json_decref(e);
	schema_done();
}

/* A config file decides the settings it has a key for; the flag is ignored. */
static void test_config_ignores_flag(void **state)
{
	(void)state;
	struct cp_schema s = schema(0);
	json_t *cfg = json_pack("{s:b}", "enableProfiling", 0);
	const char *w[] = { "--config=/c.yaml", "--profiling=true", "--anonymous-auth=false" };
	json_t *e = run(&s, w, 3, NULL, cfg);
	assert_true(json_is_false(val(e, "settings", "profiling")));
	assert_string_equal(src(e, "settings", "profiling"), "config:/c.yaml");
	assert_true(json_is_false(val(e, "settings", "anonymous-auth")));	/* no config key: the flag */
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "ignored"), 0)), "--profiling");
	json_decref(e);
	json_decref(cfg);
	schema_done();
}

/* etcd: -flag and --flag; the flag wins over ETCD_*; a config file wins over both. */
static void test_etcd_env(void **state)
{
	(void)state;
	struct cp_schema s = schema(1);
	json_t *env = json_pack("{s:s}", "ETCD_CLIENT_CERT_AUTH", "1");
	json_t *e = run(&s, NULL, 0, env, NULL);
	assert_true(json_is_true(val(e, "settings", "client-cert-auth")));
	assert_string_equal(src(e, "settings", "client-cert-auth"), "env:ETCD_CLIENT_CERT_AUTH");
	json_decref(e);
	const char *w[] = { "-client-cert-auth=false" };
	e = run(&s, w, 1, env, NULL);
	assert_true(json_is_false(val(e, "settings", "client-cert-auth")));
	assert_string_equal(src(e, "settings", "client-cert-auth"), "manifest:/m.yaml#--client-cert-auth");
	json_decref(e);
	json_t *cfg = json_pack("{s:{s:b}}", "client-transport-security", "client-cert-auth", 1);
	const char *w2[] = { "--config-file=/c.yaml", "--client-cert-auth=false" };
	struct cp_input in = { .words = w2, .nwords = 2, .env = env };
	char *path = cpconf_config_path(&s, &in);
	assert_string_equal(path, "/c.yaml");
	free(path);
	e = run(&s, w2, 2, env, cfg);
	assert_true(json_is_true(val(e, "settings", "client-cert-auth")));
	assert_string_equal(src(e, "settings", "client-cert-auth"), "config:/c.yaml");
	assert_int_equal(json_array_size(json_object_get(e, "ignored")), 2);	/* the flag and the variable */
	json_decref(e);
	json_decref(cfg);
	json_decref(env);
	schema_done();
}

/* Admission plugins: on by default unless disabled; both at once is an error. */
static void test_admission(void **state)
{
	(void)state;
	struct cp_schema s = schema(0);
	const char *w[] = { "--enable-admission-plugins=NodeRestriction", "--disable-admission-plugins=ServiceAccount" };
	json_t *e = run(&s, w, 2, NULL, NULL);
	assert_true(json_is_true(val(e, "admission", "NodeRestriction")));
	assert_true(json_is_false(val(e, "admission", "ServiceAccount")));
	assert_string_equal(src(e, "admission", "ServiceAccount"), "manifest:/m.yaml#--disable-admission-plugins");
	assert_true(json_is_true(val(e, "gates", "RotateKubeletServerCertificate")));
	json_decref(e);
	const char *both[] = { "--enable-admission-plugins=NodeRestriction", "--disable-admission-plugins=NodeRestriction",
			       "--feature-gates=RotateKubeletServerCertificate=false" };
	e = run(&s, both, 3, NULL, NULL);
	assert_non_null(json_object_get(json_object_get(json_object_get(e, "admission"), "NodeRestriction"), "error"));
	assert_true(json_array_size(json_object_get(e, "errors")) > 0);
	assert_true(json_is_false(val(e, "gates", "RotateKubeletServerCertificate")));
	json_decref(e);
	schema_done();
}

static json_t *yaml(const char *t)
{
	char *err = NULL;
	json_t *d = kube_yaml_to_json(t, strlen(t), "t.yaml", &err);
	free(err);
	return d;
}

/* The first provider of the entry that covers secrets writes them. */
static void test_encryption(void **state)
{
	(void)state;
	char *err = NULL;
	json_t *d = yaml("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
			 "- resources: [configmaps]\n  providers: [{aescbc: {}}]\n"
			 "- resources: [secrets]\n  providers: [{identity: {}}, {aescbc: {}}]\n");
	char *p = cpconf_secrets_provider(d, &err);
	assert_string_equal(p, "identity");
	free(p);
	json_decref(d);
	d = yaml("kind: EncryptionConfiguration\nresources:\n- resources: ['*.*']\n  providers: [{kms: {}}]\n");
	p = cpconf_secrets_provider(d, &err);
	assert_string_equal(p, "kms");
	free(p);
	json_decref(d);
	/* malformed: not the kind, a provider list that is not one named provider */
	d = yaml("kind: Policy\n");
	assert_null(cpconf_secrets_provider(d, &err));
	assert_non_null(err);
	free(err);
	err = NULL;
	json_decref(d);
	d = yaml("kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers: [identity]\n");
	assert_null(cpconf_secrets_provider(d, &err));
	assert_non_null(strstr(err, "resources[0]"));
	free(err);
	json_decref(d);
	/* YAML that does not parse names the file and line */
	err = NULL;
	assert_null(kube_yaml_to_json("resources: [secrets\n", 20, "e.yaml", &err));
	assert_non_null(strstr(err, "e.yaml"));
	free(err);
}

static void test_authorizers_and_audit(void **state)
{
	(void)state;
	char *err = NULL;
	json_t *d = yaml("kind: AuthorizationConfiguration\nauthorizers:\n- {type: Node, name: n}\n- {type: RBAC, name: r}\n");
	json_t *a = cpconf_authorizers(d, &err);
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 1)), "RBAC");
	json_decref(a);
	json_decref(d);
	d = yaml("kind: AuthorizationConfiguration\nauthorizers:\n- {name: x}\n");
	assert_null(cpconf_authorizers(d, &err));
	free(err);
	err = NULL;
	json_decref(d);
	d = yaml("kind: Policy\nrules:\n- level: Metadata\n");
	assert_int_equal(cpconf_audit_rules(d, &err), 1);
	json_decref(d);
	d = yaml("kind: Policy\nrules: 3\n");
	assert_int_equal(cpconf_audit_rules(d, &err), -1);
	free(err);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_bools),
		cmocka_unit_test(test_config_ignores_flag),
		cmocka_unit_test(test_etcd_env),
		cmocka_unit_test(test_admission),
		cmocka_unit_test(test_encryption),
		cmocka_unit_test(test_authorizers_and_audit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
