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

/* A tracked flag: its pflag type, its default, its key in the config file. */
struct cp_setting {
	char *flag;
	enum pflag_type type;
	json_t *def;		/* JSON default (null: unset) */
	char *config;		/* dotted key in the component's config file, or NULL */
};

struct cp_plugin {
	char *name;
	int def;		/* enabled by default */
};

/* What a control-plane component's configuration tracks; owned by the defs. */
struct cp_schema {
	struct cp_setting *settings;
	size_t nsettings;
	char **bools;		/* flags that are bools but not tracked (how argv splits) */
	size_t nbools;
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
};

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

#endif
