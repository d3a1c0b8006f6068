/*
 * libFuzzer target: the smaller host parsers, all on the same input: YAML
 * to JSON (yamljson_parse, which reads every definition and facts-side YAML
 * file), /proc/PID/mountinfo (mountinfo_parse, mounts_docker_root) and
 * /etc/passwd and /etc/group (users_parse_passwd, users_parse_group).
 */
#include "config.h"
#include "fuzz_common.h"
#include "base/yamljson.h"
#include "collect/host.h"
#include "parse/mountinfo.h"
#include "collect/users.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_dup(data, size);
	char *err = NULL;
	json_t *y = yamljson_parse(text, size, "fuzz.yaml", &err);
	json_decref(y);
	free(err);

	json_t *entries = json_array(), *errors = json_array();
	mountinfo_parse("/proc/1/mountinfo", text, size, entries, errors);
	json_decref(mounts_docker_root(entries, "/var/lib/docker", "default"));
	json_decref(mounts_docker_root(entries, "/", "default"));
	json_decref(entries);
	json_decref(errors);

	struct users u;
	memset(&u, 0, sizeof(u));
	users_parse_passwd(&u, text);
	users_parse_group(&u, text);
	uid_t uid;
	gid_t gid;
	(void)users_name(&u, 0);
	(void)groups_name(&u, 0);
	(void)users_uid(&u, "root", &uid);
	(void)groups_gid(&u, "docker", &gid);
	users_release(&u);
	free(text);
	return 0;
}
