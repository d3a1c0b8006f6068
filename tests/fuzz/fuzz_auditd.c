/*
 * libFuzzer target: the auditd rules parser.  The input is an audit.rules
 * file, optionally followed ("#@file") by a second rules.d file that may
 * delete (-W, -d) rules of the first; each resulting rule is then asked
 * whether it covers the paths CIS Docker section 1 audits.
 */
#include "config.h"
#include "fuzz_common.h"
#include "parse/auditd.h"
#include "base/banned.h"

static const char *const paths[] = {
	"/usr/bin/dockerd", "/var/lib/docker", "/etc/docker/daemon.json",
	"/run/containerd", "/", "", "//usr//bin//", NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[2];
	size_t n = fuzz_split(data, size, parts, 2);
	json_t *rules = json_array(), *errors = json_array();
	audit_parse("/etc/audit/audit.rules", parts[0].text, parts[0].len, rules, errors);
	if (n > 1)
		audit_parse("/etc/audit/rules.d/docker.rules", parts[1].text, parts[1].len,
			    rules, errors);
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r) {
		for (size_t p = 0; paths[p]; p++)
			(void)audit_rule_covers(r, paths[p]);
		const char *path = json_string_value(json_object_get(r, "path"));
		if (path)
			(void)path_within(path, "/var/lib/docker/overlay2");
	}
	json_decref(rules);
	json_decref(errors);
	fuzz_parts_free(parts, n);
	return 0;
}
