#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "parse/kubelet.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * Every kubelet flag boxaudit knows, so that "--flag value" splits as the
 * kubelet splits it; checked against kubernetes/website
 * command-line-tools-reference/kubelet.md (a65f9ac6, about v1.20) and
 * cmd/kubelet/app/options/options.go (6785e9ed): no bool of either is
 * missing.  A flag right after an unknown one is not trusted (pflag.h).
 */
static const struct pflag_def kubelet_flags[] = {
	/* fields CIS section 4 looks at (typed) */
	{"anonymous-auth", PFLAG_BOOL, 0},
	{"authentication-token-webhook", PFLAG_BOOL, 0},
	{"client-ca-file", PFLAG_STRING, 0},
	{"authorization-mode", PFLAG_STRING, 0},
	{"read-only-port", PFLAG_INT, 0},
	{"streaming-connection-idle-timeout", PFLAG_DURATION, 0},
	{"make-iptables-util-chains", PFLAG_BOOL, 0},
	{"event-qps", PFLAG_INT, 0},
	{"tls-cert-file", PFLAG_STRING, 0},
	{"tls-private-key-file", PFLAG_STRING, 0},
	{"rotate-certificates", PFLAG_BOOL, 0},
	{"rotate-server-certificates", PFLAG_BOOL, 0},
	{"feature-gates", PFLAG_MAP_BOOL, 0},
	{"tls-cipher-suites", PFLAG_LIST, 0},
	{"pod-max-pids", PFLAG_INT, 0},
	{"seccomp-default", PFLAG_BOOL, 0},
	{"protect-kernel-defaults", PFLAG_BOOL, 0},
	{"hostname-override", PFLAG_STRING, 0},
	{"kubeconfig", PFLAG_STRING, 0},
	{"bootstrap-kubeconfig", PFLAG_STRING, 0},
	{"config", PFLAG_STRING, 0},
	{"config-dir", PFLAG_STRING, 0},
	{"cert-dir", PFLAG_STRING, 0},
	/* other boolean flags: they never take the next word */
	{"help", PFLAG_BOOL, 'h'}, {"version", PFLAG_BOOL, 0},
	{"enable-server", PFLAG_BOOL, 0}, {"fail-swap-on", PFLAG_BOOL, 0},
	{"fail-cgroupv1", PFLAG_BOOL, 0}, {"enable-debugging-handlers", PFLAG_BOOL, 0},
	{"enable-controller-attach-detach", PFLAG_BOOL, 0},
	{"serialize-image-pulls", PFLAG_BOOL, 0}, {"cgroups-per-qos", PFLAG_BOOL, 0},
	{"cpu-cfs-quota", PFLAG_BOOL, 0}, {"kernel-memcg-notification", PFLAG_BOOL, 0},
	{"local-storage-capacity-isolation", PFLAG_BOOL, 0}, {"register-node", PFLAG_BOOL, 0},
	{"register-schedulable", PFLAG_BOOL, 0}, {"exit-on-lock-contention", PFLAG_BOOL, 0},
	{"windows-service", PFLAG_BOOL, 0}, {"keep-terminated-pod-volumes", PFLAG_BOOL, 0},
	{"experimental-allocatable-ignore-eviction", PFLAG_BOOL, 0},
	{"experimental-check-node-capabilities-before-mount", PFLAG_BOOL, 0},
	{"experimental-kernel-memcg-notification", PFLAG_BOOL, 0},
	{"enable-cadvisor-json-endpoints", PFLAG_BOOL, 0}, {"enable-load-reader", PFLAG_BOOL, 0},
	{"docker-only", PFLAG_BOOL, 0}, {"docker-tls", PFLAG_BOOL, 0},
	{"log-cadvisor-usage", PFLAG_BOOL, 0}, {"storage-driver-secure", PFLAG_BOOL, 0},
	{"add-dir-header", PFLAG_BOOL, 0}, {"alsologtostderr", PFLAG_BOOL, 0},
	{"logtostderr", PFLAG_BOOL, 0}, {"one-output", PFLAG_BOOL, 0},
	{"skip-headers", PFLAG_BOOL, 0}, {"skip-log-headers", PFLAG_BOOL, 0},
	{"log-json-split-stream", PFLAG_BOOL, 0}, {"log-text-split-stream", PFLAG_BOOL, 0},
	{"containerized", PFLAG_BOOL, 0}, {"allow-privileged", PFLAG_BOOL, 0},
	{"contention-profiling", PFLAG_BOOL, 0}, {"experimental-logging-sanitization", PFLAG_BOOL, 0},
	{"really-crash-for-testing", PFLAG_BOOL, 0}, {"redirect-container-streaming", PFLAG_BOOL, 0},
	{"runonce", PFLAG_BOOL, 0},
	{"enforce-node-allocatable", PFLAG_STRING, 0},
	/* other flags that take a value */
	{"v", PFLAG_INT, 'v'}, {"vmodule", PFLAG_STRING, 0}, {"log-backtrace-at", PFLAG_STRING, 0},
	{"log-dir", PFLAG_STRING, 0}, {"log-file", PFLAG_STRING, 0},
	{"log-file-max-size", PFLAG_STRING, 0}, {"stderrthreshold", PFLAG_STRING, 0},
	{"log-flush-frequency", PFLAG_STRING, 0}, {"logging-format", PFLAG_STRING, 0},
	{"log-json-info-buffer-size", PFLAG_STRING, 0}, {"log-text-info-buffer-size", PFLAG_STRING, 0},
	{"node-ip", PFLAG_STRING, 0}, {"provider-id", PFLAG_STRING, 0},
	{"root-dir", PFLAG_STRING, 0}, {"lock-file", PFLAG_STRING, 0},
	{"register-with-taints", PFLAG_STRING, 0}, {"node-labels", PFLAG_STRING, 0},
	{"image-credential-provider-config", PFLAG_STRING, 0},
	{"image-credential-provider-bin-dir", PFLAG_STRING, 0},
	{"cloud-provider", PFLAG_STRING, 0}, {"cloud-config", PFLAG_STRING, 0},
	{"experimental-mounter-path", PFLAG_STRING, 0}, {"windows-priorityclass", PFLAG_STRING, 0},
	{"minimum-container-ttl-duration", PFLAG_STRING, 0},
	{"maximum-dead-containers-per-container", PFLAG_STRING, 0},
	{"maximum-dead-containers", PFLAG_STRING, 0}, {"pod-infra-container-image", PFLAG_STRING, 0},
	{"container-runtime", PFLAG_STRING, 0}, {"container-runtime-endpoint", PFLAG_STRING, 0},
	{"image-service-endpoint", PFLAG_STRING, 0}, {"non-masquerade-cidr", PFLAG_STRING, 0},
	{"runtime-cgroups", PFLAG_STRING, 0}, {"kubelet-cgroups", PFLAG_STRING, 0},
	{"system-cgroups", PFLAG_STRING, 0}, {"cgroup-root", PFLAG_STRING, 0},
	{"cgroup-driver", PFLAG_STRING, 0}, {"sync-frequency", PFLAG_STRING, 0},
	{"file-check-frequency", PFLAG_STRING, 0}, {"http-check-frequency", PFLAG_STRING, 0},
	{"manifest-url", PFLAG_STRING, 0}, {"manifest-url-header", PFLAG_STRING, 0},
	{"pod-manifest-path", PFLAG_STRING, 0}, {"address", PFLAG_STRING, 0},
	{"port", PFLAG_STRING, 0}, {"healthz-port", PFLAG_STRING, 0},
	{"healthz-bind-address", PFLAG_STRING, 0}, {"tls-min-version", PFLAG_STRING, 0},
	{"authentication-token-webhook-cache-ttl", PFLAG_STRING, 0},
	{"authorization-webhook-cache-authorized-ttl", PFLAG_STRING, 0},
	{"authorization-webhook-cache-unauthorized-ttl", PFLAG_STRING, 0},
	{"cluster-dns", PFLAG_STRING, 0}, {"cluster-domain", PFLAG_STRING, 0},
	{"resolv-conf", PFLAG_STRING, 0}, {"pod-cidr", PFLAG_STRING, 0},
	{"max-pods", PFLAG_STRING, 0}, {"pods-per-core", PFLAG_STRING, 0},
	{"event-burst", PFLAG_STRING, 0}, {"kube-api-qps", PFLAG_STRING, 0},
	{"kube-api-burst", PFLAG_STRING, 0}, {"kube-api-content-type", PFLAG_STRING, 0},
	{"registry-qps", PFLAG_STRING, 0}, {"registry-burst", PFLAG_STRING, 0},
	{"image-gc-high-threshold", PFLAG_STRING, 0}, {"image-gc-low-threshold", PFLAG_STRING, 0},
	{"image-minimum-gc-age", PFLAG_STRING, 0}, {"image-maximum-gc-age", PFLAG_STRING, 0},
	{"volume-stats-agg-period", PFLAG_STRING, 0}, {"volume-plugin-dir", PFLAG_STRING, 0},
	{"node-status-update-frequency", PFLAG_STRING, 0},
	{"node-status-max-images", PFLAG_STRING, 0}, {"runtime-request-timeout", PFLAG_STRING, 0},
	{"eviction-hard", PFLAG_STRING, 0}, {"eviction-soft", PFLAG_STRING, 0},
	{"eviction-soft-grace-period", PFLAG_STRING, 0},
	{"eviction-pressure-transition-period", PFLAG_STRING, 0},
	{"eviction-max-pod-grace-period", PFLAG_STRING, 0},
	{"eviction-minimum-reclaim", PFLAG_STRING, 0}, {"system-reserved", PFLAG_STRING, 0},
	{"kube-reserved", PFLAG_STRING, 0}, {"system-reserved-cgroup", PFLAG_STRING, 0},
	{"kube-reserved-cgroup", PFLAG_STRING, 0}, {"reserved-cpus", PFLAG_STRING, 0},
	{"reserved-memory", PFLAG_STRING, 0}, {"container-log-max-size", PFLAG_STRING, 0},
	{"container-log-max-files", PFLAG_STRING, 0}, {"allowed-unsafe-sysctls", PFLAG_STRING, 0},
	{"oom-score-adj", PFLAG_STRING, 0}, {"cpu-manager-policy", PFLAG_STRING, 0},
	{"cpu-manager-policy-options", PFLAG_STRING, 0},
	{"cpu-manager-reconcile-period", PFLAG_STRING, 0}, {"memory-manager-policy", PFLAG_STRING, 0},
	{"topology-manager-policy", PFLAG_STRING, 0}, {"topology-manager-scope", PFLAG_STRING, 0},
	{"topology-manager-policy-options", PFLAG_STRING, 0}, {"qos-reserved", PFLAG_STRING, 0},
	{"cpu-cfs-quota-period", PFLAG_STRING, 0}, {"max-open-files", PFLAG_STRING, 0},
	{"hairpin-mode", PFLAG_STRING, 0}, {"iptables-masquerade-bit", PFLAG_STRING, 0},
	{"iptables-drop-bit", PFLAG_STRING, 0}, {"boot-id-file", PFLAG_STRING, 0},
	{"machine-id-file", PFLAG_STRING, 0}, {"housekeeping-interval", PFLAG_STRING, 0},
	{"global-housekeeping-interval", PFLAG_STRING, 0}, {"containerd", PFLAG_STRING, 0},
	{"containerd-namespace", PFLAG_STRING, 0}, {"docker", PFLAG_STRING, 0},
	{"docker-root", PFLAG_STRING, 0}, {"docker-endpoint", PFLAG_STRING, 0},
	{"network-plugin", PFLAG_STRING, 0}, {"cni-bin-dir", PFLAG_STRING, 0},
	{"cni-conf-dir", PFLAG_STRING, 0}, {"cni-cache-dir", PFLAG_STRING, 0},
	{"network-plugin-mtu", PFLAG_STRING, 0}, {"image-pull-progress-deadline", PFLAG_STRING, 0},
	{"dynamic-config-dir", PFLAG_STRING, 0}, {"seccomp-profile-root", PFLAG_STRING, 0},
	{"application-metrics-count-limit", PFLAG_STRING, 0},
	{"event-storage-age-limit", PFLAG_STRING, 0}, {"event-storage-event-limit", PFLAG_STRING, 0},
	{"storage-driver-buffer-duration", PFLAG_STRING, 0}, {"storage-driver-db", PFLAG_STRING, 0},
	{"storage-driver-host", PFLAG_STRING, 0}, {"storage-driver-password", PFLAG_STRING, 0},
	{"storage-driver-table", PFLAG_STRING, 0}, {"storage-driver-user", PFLAG_STRING, 0},
	{"container-hints", PFLAG_STRING, 0}, {"node-status-report-frequency", PFLAG_STRING, 0},
	{"shutdown-grace-period", PFLAG_STRING, 0},
	{"shutdown-grace-period-critical-pods", PFLAG_STRING, 0},
	{"pod-max-pids-per-core", PFLAG_STRING, 0},
	{"azure-container-registry-config", PFLAG_STRING, 0}, {"chaos-chance", PFLAG_STRING, 0},
	{"experimental-bootstrap-kubeconfig", PFLAG_STRING, 0},
	{"master-service-namespace", PFLAG_STRING, 0}, {"minimum-image-ttl-duration", PFLAG_STRING, 0},
};
#define NKUBELET_FLAGS (sizeof(kubelet_flags) / sizeof(kubelet_flags[0]))

const struct pflag_def *kubelet_flag(const char *name)
{
	return pflag_lookup(kubelet_flags, NKUBELET_FLAGS, name);
}

const char *kubelet_last_flag(const json_t *flags, const char *name)
{
	json_t *l = json_object_get(flags, name);
	size_t n = json_array_size(l);
	return n ? json_string_value(json_array_get(l, n - 1)) : NULL;
}

int kubelet_args_parse(const json_t *argv, struct kubelet_args *a)
{
	size_t n = json_array_size(argv), skip = 1;
	const char **words = xcalloc(n + 1, sizeof(*words));
	for (size_t i = 0; i < n; i++) {
		const char *w = json_string_value(json_array_get(argv, i));
		words[i] = w ? w : "";
	}
	if (n >= 2 && strcmp(path_base(words[0]), "hyperkube") == 0 &&
	    strcmp(words[1], "kubelet") == 0)
		skip = 2;
	if (skip > n)
		skip = n;
	int nerr = pflag_parse(kubelet_flags, NKUBELET_FLAGS, PFLAG_NORMALIZE_UNDERSCORE,
			       words + skip, n - skip, &a->pf);
	free(words);
	a->config = kubelet_last_flag(a->pf.flags, "config");
	a->config_dir = kubelet_last_flag(a->pf.flags, "config-dir");
	if (a->config && !*a->config)
		a->config = NULL;
	if (a->config_dir && !*a->config_dir)
		a->config_dir = NULL;
	return nerr;
}

void kubelet_args_release(struct kubelet_args *a)
{
	pflag_result_release(&a->pf);
	a->config = a->config_dir = NULL;
}
