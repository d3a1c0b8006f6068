/*
 * kubeyaml: YAML and JSON the way Kubernetes components read them.
 *
 * kube_yaml_to_json reads YAML as sigs.k8s.io/yaml does (go-yaml v2: YAML
 * 1.1 scalars, last key wins, first document only); the merge patch and
 * path lookup are the JSON helpers the kubelet's configuration merge uses.
 */
#ifndef BOXAUDIT_KUBEYAML_H
#define BOXAUDIT_KUBEYAML_H

#include <stddef.h>
#include <jansson.h>

/*
 * YAML to a new JSON value; an empty document is JSON null.  On error
 * return NULL with *err = "'NAME':LINE:COL: problem".  Aliases are
 * expanded within a bound (a "billion laughs" file is an error).
 */
json_t *kube_yaml_to_json(const char *text, size_t len, const char *name, char **err);

/* RFC 7386 JSON merge patch: returns the patched target (a new reference). */
json_t *kube_merge_patch(json_t *target, json_t *patch);

/* Look up a dotted path of object keys ("authentication.x509.clientCAFile"). */
json_t *kube_get_path(json_t *obj, const char *path);

/*
 * The Kubernetes version embedded in a binary (len bytes of it): the most
 * frequent "v1.MINOR.PATCH" (MINOR 10-69) not preceded by a tab, "@" or
 * "/" (Go module versions in the build info and file paths), ties going
 * to the highest.  Returns a new string without the "v" ("1.31.2"), or
 * NULL when there is none.
 */
char *kube_version_scan(const char *data, size_t len);

#endif
