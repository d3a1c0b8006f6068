#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "parse/cpconf.h"
#include "parse/kubeyaml.h"

/* A small schema built by hand: what the component files would load. */
static struct cp_setting settings[] = {
	{.flag = "anonymous-auth", .type = PFLAG_BOOL},
	{.flag = "profiling", .type = PFLAG_BOOL, .config = "enableProfiling"},
	{.flag = "client-cert-auth", .type = PFLAG_BOOL, .config = "client-transport-security.client-cert-auth"},
	{.flag = "enable-admission-plugins", .type = PFLAG_LIST},
	{.flag = "disable-admission-plugins", .type = PFLAG_LIST},
	{.flag = "feature-gates", .type = PFLAG_MAP_BOOL},
};
static struct cp_plugin plugins[] = { {.name = "ServiceAccount", .def = 1}, {.name = "NodeRestriction"} };
static const struct kube_gate gates[] = { {.name = "RotateKubeletServerCertificate", .def = 1} };

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

/* Minor versions compare as numbers; "v" and build suffixes do not matter. */
static void test_versions(void **state)
{
	(void)state;
	assert_int_equal(cp_version_before("1.28.9", "1.29"), 1);
	assert_int_equal(cp_version_before("v1.29.0+k3s1", "1.29"), 0);
	assert_int_equal(cp_version_before("1.100.0", "1.30"), 0);
	assert_int_equal(cp_version_before("1.9", "1.30"), 1);
	assert_int_equal(cp_version_before(NULL, "1.30"), -1);
	assert_int_equal(cp_version_before("latest", "1.30"), -1);
	assert_int_equal(cp_version_before("1", "1.30"), -1);
}

/* A flag from a later version, a flag behind a gate, a default that changes, a plugin turned on. */
static void test_version_defaults(void **state)
{
	(void)state;
	struct cp_vdefault vd[] = { {"1.31", NULL} };
	struct cp_setting st[] = {
		{"authorization-config", PFLAG_STRING, NULL, NULL, NULL, 0, "1.29", "StructuredAuthorizationConfiguration"},
		{"feature-gates", PFLAG_MAP_BOOL, NULL, NULL, NULL, 0, NULL, NULL},
		{"some-flag", PFLAG_BOOL, NULL, NULL, vd, 1, NULL, NULL},
	};
	struct cp_plugin pl[] = { {"NewPlugin", 0, "1.32", NULL}, {"OldPlugin", 1, NULL, "1.30"} };
	struct kube_gate g[] = { {"StructuredAuthorizationConfiguration", 0, "1.30"} };
	st[0].def = json_null();
	st[1].def = json_object();
	st[2].def = json_false();
	vd[0].def = json_true();
	struct cp_schema s = { .settings = st, .nsettings = 3, .plugins = pl, .nplugins = 2 };
	const char *w[] = { "--authorization-config=/a.yaml" };
	struct cp_input in = { .words = w, .nwords = 1, .flag_origin = "argv:", .default_origin = "default(x)",
			       .component = "kube-apiserver" };
	static const struct { const char *ver; const char *err; int gate, some, newp, oldp; } want[] = {
		{"1.28.3", "does not exist before kube-apiserver 1.29 and this is 1.28.3", 0, 0, 0, 1},
		{"1.29.1", "needs the feature gate StructuredAuthorizationConfiguration, which is off", 0, 0, 0, 1},
		{"1.30.0", NULL, 1, 0, 0, 0},
		{"1.32.2", NULL, 1, 1, 1, 0},
		{NULL, NULL, 1, 1, 1, 0},	/* unknown: the newest defaults */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		in.version = want[i].ver;
		in.nwords = 1;
		json_t *e = cpconf_effective(&s, g, 1, &in);
		const char *err = json_string_value(json_object_get(json_object_get(json_object_get(e, "settings"),
			"authorization-config"), "error"));
		if (want[i].err) {
			assert_non_null(err);
			assert_non_null(strstr(err, want[i].err));
			assert_true(json_array_size(json_object_get(e, "errors")) > 0);
		} else {
			assert_null(err);
			assert_string_equal(json_string_value(val(e, "settings", "authorization-config")), "/a.yaml");
		}
		assert_int_equal(json_is_true(val(e, "gates", "StructuredAuthorizationConfiguration")), want[i].gate);
		assert_int_equal(json_is_true(val(e, "settings", "some-flag")), want[i].some);
		assert_int_equal(json_is_true(val(e, "admission", "NewPlugin")), want[i].newp);
		assert_int_equal(json_is_true(val(e, "admission", "OldPlugin")), want[i].oldp);
		json_decref(e);
	}
	/* The gate turned on by flag at 1.29: the flag is taken. */
	const char *w2[] = { "--authorization-config=/a.yaml", "--feature-gates=StructuredAuthorizationConfiguration=true" };
	in.words = w2;
	in.nwords = 2;
	in.version = "1.29.1";
	json_t *e = cpconf_effective(&s, g, 1, &in);
	assert_string_equal(json_string_value(val(e, "settings", "authorization-config")), "/a.yaml");
	json_decref(e);
	json_decref(st[1].def);
	json_decref(st[2].def);
	json_decref(vd[0].def);
}

/* --admission-control: the whole set alone; with the others, an error even when empty. */
static void test_legacy_admission(void **state)
{
	(void)state;
	struct cp_setting st[] = {
		{"enable-admission-plugins", PFLAG_LIST, NULL, NULL, NULL, 0, NULL, NULL},
		{"disable-admission-plugins", PFLAG_LIST, NULL, NULL, NULL, 0, NULL, NULL},
		{"admission-control", PFLAG_LIST, NULL, NULL, NULL, 0, NULL, NULL},
	};
	for (int i = 0; i < 3; i++)
		st[i].def = json_array();
	struct cp_schema s = { .settings = st, .nsettings = 3, .plugins = plugins, .nplugins = 2 };
	const char *alone[] = { "--admission-control=NodeRestriction" };
	json_t *e = run(&s, alone, 1, NULL, NULL);
	assert_true(json_is_true(val(e, "admission", "NodeRestriction")));
	assert_true(json_is_false(val(e, "admission", "ServiceAccount")));	/* on by default, not named */
	assert_string_equal(src(e, "admission", "ServiceAccount"), "manifest:/m.yaml#--admission-control");
	json_decref(e);
	const char *empty[] = { "--admission-control=" };
	e = run(&s, empty, 1, NULL, NULL);
	assert_true(json_is_true(val(e, "admission", "ServiceAccount")));	/* names none: the defaults */
	json_decref(e);
	const char *mixed[] = { "--admission-control=NodeRestriction", "--disable-admission-plugins=" };
	e = run(&s, mixed, 2, NULL, NULL);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(e, "admission"), "error")),
			       "mutually exclusive"));
	assert_true(json_array_size(json_object_get(e, "errors")) > 0);
	json_decref(e);
	for (int i = 0; i < 3; i++)
		json_decref(st[i].def);
}

/* The admission configuration and EventRateLimit's limits, valid and not. */
static void test_admission_config(void **state)
{
	(void)state;
	char *err = NULL, *path = NULL;
	json_t *conf = NULL;
	json_t *d = yaml("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"
			 "- {name: PodSecurity, path: ps.yaml}\n- {name: EventRateLimit, path: erl.yaml}\n"
			 "- {name: EventRateLimit, path: second.yaml}\n");
	assert_int_equal(cpconf_admission_plugin(d, "EventRateLimit", &conf, &path, &err), 1);
	assert_string_equal(path, "erl.yaml");	/* the first entry decides */
	free(path);
	path = NULL;
	assert_int_equal(cpconf_admission_plugin(d, "AlwaysPullImages", &conf, &path, &err), 0);
	json_decref(d);
	d = yaml("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"
		 "- name: EventRateLimit\n  path: ignored.yaml\n  configuration: {kind: Configuration}\n");
	assert_int_equal(cpconf_admission_plugin(d, "EventRateLimit", &conf, &path, &err), 1);
	assert_null(path);	/* inline wins over path */
	assert_string_equal(json_string_value(json_object_get(conf, "kind")), "Configuration");
	json_decref(d);
	d = yaml("imagePolicy: {kubeConfigFile: /k}\n");	/* legacy: only for two plugins */
	assert_int_equal(cpconf_admission_plugin(d, "EventRateLimit", &conf, &path, &err), 0);
	json_decref(d);
	static const char *const bad[] = {
		"kind: AdmissionConfiguration\nplugins: []\n",		/* no apiVersion */
		"apiVersion: apiserver.config.k8s.io/v1\nkind: Policy\n",
		"apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: {}\n",
		"apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: [{path: x}]\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = yaml(bad[i]);
		assert_int_equal(cpconf_admission_plugin(d, "EventRateLimit", &conf, &path, &err), -1);
		assert_non_null(err);
		free(err);
		err = NULL;
		json_decref(d);
	}
	const char *head = "apiVersion: eventratelimit.admission.k8s.io/v1alpha1\nkind: Configuration\n";
	static const struct { const char *limits; long n; const char *err; } erl[] = {
		{"limits:\n- {type: Server, qps: 10, burst: 50}\n- {type: User, qps: 1, burst: 5, cacheSize: 10}\n", 2, NULL},
		{"limits: []\n", -1, "must not be empty"},
		{"", -1, "must not be empty"},
		{"limits:\n- {type: Pod, qps: 10, burst: 50}\n", -1, "limits[0].type"},
		{"limits:\n- {type: Server, qps: 0, burst: 50}\n", -1, "limits[0].qps"},
		{"limits:\n- {type: Server, qps: 1, burst: 50}\n- {type: Namespace, qps: 1, burst: -1}\n", -1, "limits[1].burst"},
		{"limits:\n- {type: User, qps: 1, burst: 5, cacheSize: -3}\n", -1, "cacheSize"},
	};
	for (size_t i = 0; i < sizeof(erl) / sizeof(erl[0]); i++) {
		char t[512];
		snprintf(t, sizeof(t), "%s%s", head, erl[i].limits);
		d = yaml(t);
		assert_int_equal(cpconf_eventratelimit_limits(d, &err), erl[i].n);
		if (erl[i].err) {
			assert_non_null(strstr(err, erl[i].err));
			free(err);
			err = NULL;
		}
		json_decref(d);
	}
	d = yaml("limits:\n- {type: Server, qps: 1, burst: 1}\n");	/* no kind (rancher/rke#2012) */
	assert_int_equal(cpconf_eventratelimit_limits(d, &err), -1);
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
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_version_defaults),
		cmocka_unit_test(test_legacy_admission),
		cmocka_unit_test(test_admission_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
