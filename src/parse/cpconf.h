/*
 * cpconf: the effective configuration of a Kubernetes control-plane
 * component (kube-apiserver, kube-controller-manager, kube-scheduler,
 * etcd) from its command line, its environment (etcd's ETCD_* variables),
 * its configuration file and its defaults, each value with its origin
 * (docs/KUBERNETES.md, "Control plane").  Pure: the caller reads the
 * files; what is tracked is data (checks/kubernetes/components/).
 *
 *	struct cp_input in = { .words = argv + 1, .nwords = argc - 1,
 *			       .flag_origin = "manifest:/etc/kubernetes/manifests/etcd.yaml#", ... };
 *	json_t *eff = cpconf_effective(&schema, gates, ngates, &in);
 *	-> {"settings": {FLAG: {"value", "source"}}, "admission": {...},
 *	    "gates": {...}, "config_file": PATH | null, "ignored": [...],
 *	    "unknown_flags": [...], "errors": [...]}
 */
#ifndef BOXAUDIT_CPCONF_H
#define BOXAUDIT_CPCONF_H

#include <stddef.h>
#include <jansson.h>
#include "parse/kubelet.h"
#include "parse/pflag.h"

/* A default that holds from a minor version on ("1.30"). */
struct cp_vdefault {
	char *from;
	json_t *def;
};

/* A tracked flag: its pflag type, its default, its key in the config file. */
struct cp_setting {
	char *flag;
	enum pflag_type type;
	json_t *def;		/* JSON default (null: unset) */
	char *config;		/* dotted key in the component's config file, or NULL */
	struct cp_vdefault *vdefs;	/* later defaults, ascending by version */
	size_t nvdefs;
	char *since;		/* the first minor version that has the flag, or NULL */
	char *requires_gate;	/* the feature gate the flag needs, or NULL */
};

struct cp_plugin {
	char *name;
	int def;		/* enabled by default (before on_from / off_from) */
	char *on_from;		/* on by default from this minor version on, or NULL */
	char *off_from;		/* off by default from this minor version on, or NULL */
};

/* What a control-plane component's configuration tracks; owned by the defs. */
struct cp_schema {
	struct cp_setting *settings;
	size_t nsettings;
	char **bools;		/* flags that are bools but not tracked (how argv splits) */
	size_t nbools;
	char **values;		/* flags that take a value but are not tracked */
	size_t nvalues;
	struct cp_plugin *plugins;	/* admission plugins (kube-apiserver) */
	size_t nplugins;
	char **executables;	/* executable basenames */
	size_t nexecutables;
	char *config_flag;	/* "config" (scheduler), "config-file" (etcd), or NULL */
	int config_replaces_all;	/* etcd: with a config file, flags and env are ignored */
	char *env_prefix;	/* "ETCD": FLAG is read from ETCD_FLAG (dashes as _) */
	int go_flags;		/* Go's flag package (etcd): "-name" is "--name" */
};

/* "bool", "int", "string", "path", "duration", "list", "map-bool": 0, or -1. */
int cp_type_parse(const char *s, enum pflag_type *out);

struct cp_input {
	const char *const *words;	/* the command line after the program name */
	size_t nwords;
	const char *flag_origin;	/* prefix of a flag's origin: "argv:", "manifest:FILE#", "unit:FILE#" */
	json_t *env;			/* {NAME: VALUE} or NULL (borrowed) */
	const char *env_origin;		/* prefix: "env:" or "manifest:FILE#env:" */
	json_t *config;			/* the decoded config file, or NULL (borrowed) */
	const char *config_path;	/* its path, for origins */
	const char *config_error;	/* the config file could not be read or decoded */
	const char *default_origin;	/* "default(kube-apiserver 1.32)" */
	const char *version;		/* the component's version ("1.32.4", "v1.29.0+k3s1"), or NULL */
	const char *component;		/* its name, for messages ("kube-apiserver") */
};

/*
 * Whether version is older than the minor version from ("1.30"): 1 or 0,
 * -1 when version is NULL or not a version.  A version that cannot be
 * read takes the newest defaults (the origin then says "version unknown").
 */
int cp_version_before(const char *version, const char *from);

/* The config file the command line (or env) names, or NULL: a new string. */
char *cpconf_config_path(const struct cp_schema *s, const struct cp_input *in);

/* The effective configuration as described above (a new object). */
json_t *cpconf_effective(const struct cp_schema *s, const struct kube_gate *gates, size_t ngates,
			 const struct cp_input *in);

/*
 * The first provider that the API server uses to write secrets, from an
 * EncryptionConfiguration document: "identity", "aescbc", "kms", ...  NULL
 * with *err when the document is not one, or names no provider for secrets.
 */
char *cpconf_secrets_provider(json_t *doc, char **err);

/* The authorizer types of an AuthorizationConfiguration, or NULL with *err. */
json_t *cpconf_authorizers(json_t *doc, char **err);

/* The number of rules of an audit Policy (>= 0), or -1 with *err. */
long cpconf_audit_rules(json_t *doc, char **err);

/*
 * The anonymous section of an AuthenticationConfiguration (KEP-4633): 1
 * with *enabled and *paths (a new array of its conditions' paths; empty:
 * every path), 0 when there is none, -1 with *err for what kube-apiserver
 * refuses to start with (another kind, a malformed section, conditions
 * without enabled: true).
 */
int cpconf_anonymous(json_t *doc, int *enabled, json_t **paths, char **err);

/*
 * A plugin's entry in an AdmissionConfiguration (--admission-control-config-file):
 * 1 with *inline (borrowed) set to its `configuration`, or *path (a new
 * string, as written: relative to the admission file's directory) set to
 * its `path`; 0 when the plugin has no entry; -1 with *err.
 */
int cpconf_admission_plugin(json_t *doc, const char *plugin, json_t **inline_conf, char **path, char **err);

/*
 * The limits of an EventRateLimit Configuration as kube-apiserver validates
 * them (plugin/pkg/admission/eventratelimit/apis/eventratelimit/validation):
 * their number (> 0), or -1 with *err when the API server would refuse it.
 */
long cpconf_eventratelimit_limits(json_t *doc, char **err);

#endif
