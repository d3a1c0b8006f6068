/*
 * Where each fact comes from, in words, for `boxaudit explain`: one line
 * per fact prefix, kept beside the collectors that fill them (docs/
 * FACTS.md has the shapes).  The longest matching prefix wins.
 */
#include "config.h"
#include <string.h>
#include "collect/collect.h"
#include "base/banned.h"

static const struct source {
	const char *prefix;
	const char *text;
} sources[] = {
	{ "meta", "boxaudit itself: the audited root, its /etc/hostname, the time of collection" },
	{ "mounts", "the mount table of the audited root (ROOT/proc/1/mountinfo), matched against the Docker data root" },
	{ "audit", "the audit rules files of the audited root (/etc/audit/audit.rules and /etc/audit/rules.d/*.rules), "
		   "parsed as auditctl -R reads them" },
	{ "files", "stat of the file inside the audited root (owner and group by the root's own /etc/passwd and /etc/group)" },
	{ "dirs", "a walk of the directory inside the audited root, stat of every file below it" },
	{ "docker", "the Docker collector (src/collect/docker.c)" },
	{ "docker.daemon", "the dockerd process found in ROOT/proc by its executable, else docker.service's ExecStart "
			   "with its drop-ins and EnvironmentFile=" },
	{ "docker.daemon.settings", "dockerd's effective configuration: its command line (parsed as dockerd's pflag does), "
				    "then daemon.json, then Docker's defaults; each value carries its source "
				    "(argv:FLAG, daemon.json:KEY or default)" },
	{ "docker.daemon.config_file", "daemon.json: --config-file, else /etc/docker/daemon.json (a rootless daemon's "
				       "~/.config/docker/daemon.json)" },
	{ "docker.daemon.rootless", "the dockerd process's user (ROOT/proc/PID/status) and its rootless flags" },
	{ "docker.systemd", "the systemd unit files of the audited root (the unit, its drop-ins, its EnvironmentFile=s)" },
	{ "docker.sockets", "the Docker and containerd socket paths from dockerd's -H/hosts and docker.socket's ListenStream" },
	{ "docker.api", "the Docker Engine API (GET requests only; left out with --no-api)" },
	{ "docker.api.containers", "the Docker Engine API: GET /containers/json?all=1, then /containers/ID/json for each "
				   "(environment and secret-named values redacted)" },
	{ "docker.api.images", "the Docker Engine API: GET /images/ID/json and /images/ID/history for the images in use" },
	{ "docker.api.info", "the Docker Engine API: GET /info" },
	{ "docker.api.networks", "the Docker Engine API: GET /networks" },
	{ "docker.api.version", "the Docker Engine API: GET /version" },
	{ "kubernetes", "the Kubernetes collector (src/collect/kube.c)" },
	{ "kubernetes.kubelet", "the kubelet process found in ROOT/proc by its executable, else kubelet.service with "
				"its drop-ins and EnvironmentFile=s" },
	{ "kubernetes.kubelet.settings", "the kubelet's effective configuration, merged as the kubelet merges it: "
					 "defaults, the --config file, the --config-dir drop-ins, then the command "
					 "line; each value carries its origin (argv:FLAG, config:FILE, dropin:FILE, default)" },
	{ "kubernetes.kubelet.files", "the files the kubelet's configuration names (--kubeconfig, --config, the client "
				      "CA, its unit and drop-ins)" },
	{ "kubernetes.kubelet.version", "the kubelet binary of the audited root (the version string it embeds)" },
	{ "runtime", "the container runtimes' state inside the audited root (src/collect/oci.c): containerd's and "
		     "CRI-O's OCI runtime specs, libcni's cache, and the Engine API containers" },
	{ "runtime.containers", "one runtime-neutral record per container (docs/FACTS.md RUNTIME): from each OCI "
				"runtime spec (containerd: STATE/io.containerd.runtime.v2.task/NS/ID/config.json; CRI-O: "
				"STATE/overlay-containers/ID/userdata/config.json; the pod's sandbox spec for its "
				"namespaces and sysctls) or from each Engine API container (GET /containers/ID/json); "
				"each field carries its source" },
	{ "runtime.apparmor", "whether the audited root's kernel enables AppArmor (/sys/module/apparmor/parameters/enabled)" },
	{ "runtime.kubelet_root", "the kubelet's --root-dir (default /var/lib/kubelet), for subPath volume types" },
	{ "kubernetes.proxy", "the kube-proxy process in ROOT/proc, its command line and --config file" },
};

const char *collect_fact_source(const char *path)
{
	const char *best = NULL;
	size_t best_len = 0;
	if (!strncmp(path, "$.", 2))
		path += 2;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		size_t n = strlen(sources[i].prefix);
		if (n > best_len && !strncmp(path, sources[i].prefix, n) &&
		    (path[n] == '\0' || path[n] == '.' || path[n] == '['))
			best = sources[i].text, best_len = n;
	}
	return best;
}
