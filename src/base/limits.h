/*
 * limits: every size cap, count bound and timeout boxaudit applies, in one
 * list, so that docs/SECURITY.md can cite one file for all of them.
 *
 * Untrusted input (host files, /proc, the Engine API, reports and
 * definitions given to boxaudit) is read under these bounds; going over
 * one is an error that names the input, never a truncated read taken for
 * the whole.
 */
#ifndef BOXAUDIT_LIMITS_H
#define BOXAUDIT_LIMITS_H

/* ---- host reads (collect/) ---- */

/* A configuration file of the audited host. */
#define ROOTFS_READ_CAP (4u << 20)
/* A systemd unit, drop-in or EnvironmentFile=. */
#define UNIT_CAP ROOTFS_READ_CAP
/* Symlinks followed while resolving one path, and its components. */
#define ROOTFS_MAX_LINKS 40
#define ROOTFS_MAX_COMPONENTS 4096
/* A mountinfo file, and the fields of one of its lines. */
#define MOUNTINFO_CAP (4u << 20)
#define MOUNTINFO_MAX_FIELDS 64
/* A /proc/PID/cmdline. */
#define PROC_ARGV_CAP (1u << 20)
/* comm and status are tiny; anything larger is not procfs. */
#define PROC_SMALL_CAP (64u << 10)
/* boxaudit's own mountinfo and cgroup files (collect/selfid.h). */
#define SELFID_PROC_CAP (4u << 20)
/* entries recorded per walked directory */
#define DIR_MAX_ENTRIES 10000
/* directory levels descended below it */
#define DIR_MAX_DEPTH 32
/* Cap on the kubelet binary scanned for its version string. */
#define KUBE_BINARY_CAP (256u << 20)
/* Files and directory levels of a kubelet --config-dir. */
#define DROPIN_MAX_FILES 256
#define DROPIN_MAX_DEPTH 16
/* Files read from the kubelet's staticPodPath; files and levels listed under the PKI directory. */
#define STATIC_POD_MAX_FILES 256
#define PKI_MAX_FILES 1024
#define PKI_MAX_DEPTH 4
/* /etc/os-release, read to tell a managed node's image (collect/kubemanaged.c). */
#define OS_RELEASE_CAP (64u << 10)

/* An OCI runtime spec (a bundle's config.json; a privileged one with every device is ~25 KB). */
#define OCI_SPEC_CAP (4u << 20)
/* Bundles read per audit, containerd and CRI-O together; more is an ERROR entry. */
#define OCI_MAX_CONTAINERS 20000
/* A libcni cache entry (/var/lib/cni/results/NET-ID-IF), and the entries looked at. */
#define CNI_RESULT_CAP (1u << 20)
#define CNI_MAX_RESULTS 20000

/* ---- parsers (parse/, base/yamljson) ---- */

/* Values are bounded by the file they come from; this only guards the buf. */
#define ENV_VALUE_CAP (16u << 20)
/* Words of one audit rule line. */
#define AUDIT_MAX_TOKENS 256
/* Longest entry name accepted (GNU long name or pax path); longer is an error. */
#define TARSCAN_NAME_MAX 4096
/* Largest pax extended header accepted; larger is an error. */
#define TARSCAN_PAX_MAX ((size_t)256 << 10)
/* Sizes past this are nonsense (and would overflow the padding arithmetic). */
#define TARSCAN_SIZE_MAX ((uint64_t)1 << 62)
/* Nesting of a YAML document, and the nodes it expands to (each alias use counted). */
#define YAMLJSON_MAX_DEPTH 64
#define YAMLJSON_MAX_NODES 1000000
/* Text a YAML document may expand to, aliases expanded (definitions, waivers). */
#define YAMLJSON_MAX_BYTES (16u << 20)
/* The same for a Kubernetes configuration file read as the kubelet reads it. */
#define KUBE_YAML_MAX_NODES 200000
#define KUBE_YAML_MAX_BYTES (16u << 20)

/* Backtracking steps and depth of one regular-expression match (base/regex.h). */
#define REGEX_MATCH_LIMIT 1000000
#define REGEX_DEPTH_LIMIT 10000

/* ---- the Docker Engine API (collect/dockerapi.h, collect/containers.h, collect/imagescan.h) ---- */

/* Engine API timeouts when the caller gives none (--connect-timeout, --timeout). */
#define API_DEFAULT_CONNECT_MS 2000
#define API_DEFAULT_TIMEOUT_MS 30000
/* The whole Engine API phase (--deadline): what is left after it is ERROR. */
#define API_DEADLINE_S 300
/* Below this rate for the low-speed window, a transfer is cut. */
#define API_LOW_SPEED_BYTES 1024L
#define API_LOW_SPEED_MAX_S 10L
/* Longest daemon error message quoted in our own messages. */
#define API_MAX_DAEMON_MESSAGE 300
/* Response caps: a list body, and one inspect body. */
#define API_CAP_LIST ((size_t)64 << 20)
#define API_CAP_INSPECT ((size_t)8 << 20)
/* Requests in flight at once in api_get_many. */
#define API_MAX_INFLIGHT 16
/* Longest object id we put into a request path. */
#define API_MAX_ID_LEN 128
/* Container and image names as shown; longer ones are cut in the middle. */
#define DISPLAY_NAME_MAX 128
/*
 * --scan-image-fs: each export may take IMAGESCAN_TIMEOUT_FACTOR times the
 * per-request timeout and IMAGESCAN_MAX_BYTES; all exports together
 * IMAGESCAN_BUDGET_FACTOR times that timeout.
 */
#define IMAGESCAN_TIMEOUT_FACTOR 30
#define IMAGESCAN_BUDGET_FACTOR 4
#define IMAGESCAN_MAX_BYTES (64ULL << 30)
/* Setuid/setgid paths listed per image; more sets "truncated". */
#define IMAGESCAN_MAX_FILES 1000

/* ---- the operator's own files: definitions, waivers, reports ---- */

/* Definition files are small; anything bigger is a mistake. */
#define DEFS_FILE_CAP (8u << 20)
/* Errors reported per definitions load before the rest are counted. */
#define DEFS_MAX_ERRORS 200
/* What a definitions file may expand to, YAML aliases expanded. */
#define DEFS_MAX_EXPANDED_BYTES (16u << 20)
#define DEFS_MAX_EXPANDED_NODES 500000
/* Waiver files larger than this are refused. */
#define WAIVERS_MAX_BYTES (4u << 20)
/* Reports larger than this are refused. */
#define DRIFT_MAX_BYTES (512u << 20)
/* Largest single report (or report line) accepted. */
#define MERGE_MAX_REPORT (256u << 20)
/* How far in the future a host report may claim to be (clock skew) before it is flagged. */
#define FLEET_FUTURE_SLACK 300
/* Threads parsing the next reports of a merge (and documents parsed ahead). */
#define MERGE_PARSERS 2
/* A merge input larger than this (a fleet report) is parsed alone, not ahead. */
#define MERGE_AHEAD_MAX (16 << 20)
/* Subdirectories a merge descends (clusters in regions in ...). */
#define MERGE_MAX_DEPTH 8
/* An expected-hosts list is a small text file. */
#define EXPECT_CAP (16u << 20)

/* ---- what boxaudit writes and shows ---- */

/* Fleet outputs (streamed to their file): 100,000 hosts' JSON is about 0.8 GB. */
#define FLEET_OUT_CAP (2048u << 20)
/* Reports of 10,000 containers stay well below this. */
#define REPORT_CAP (256u << 20)
/* Findings shown per check (HTML, text -v) and drift items per list; the rest are counted. */
#define HTML_FINDINGS_SHOWN 500
#define TEXT_FINDINGS_SHOWN 20
#define DRIFT_ITEMS_SHOWN 50
/* Hosts linked from one worst-check row; the rest are counted. */
#define FLEET_HOST_LINKS 25

#endif
