/*
 * libFuzzer target: the smaller host parsers, all on the same input: YAML
 * to JSON (yamljson_parse, which reads every definition and facts-side YAML
 * file), /proc/PID/mountinfo (mountinfo_parse, mounts_docker_root) and
 * /etc/passwd and /etc/group (users_parse_passwd, users_parse_group),
 * /proc/PID/status and cgroup text (the evidence a process is identified
 * by), and the escaping and redaction every output goes through.
 */
#include "config.h"
#include "fuzz_common.h"
#include "base/yamljson.h"
#include "collect/host.h"
#include "parse/mountinfo.h"
#include "collect/users.h"
#include "parse/proctext.h"
#include "parse/redact.h"
#include "base/jstr.h"
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

	uid_t id;
	(void)proc_status_uid(text, &id);
	(void)proc_status_euid(text, &id);
	(void)proc_status_state(text);
	(void)proc_cgroup_in(text, "/system.slice/docker.service");
	size_t argc;
	char **argv = proc_split_argv(text, size, &argc);
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	char *t = jstr_terminal(text);
	free(t);
	char *r = redact_text(text);
	free(r);
	free(text);
	return 0;
}
