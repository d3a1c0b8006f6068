#!/bin/sh
# Live test: a private containerd runs containers with ctr, pods wired as
# containerd's CRI plugin wires them (a sandbox task, then app tasks that
# join its namespaces by /proc/PID/ns path and carry the
# io.kubernetes.cri.* annotations), one container per Pod Security
# Standards control that fails and one that passes; boxaudit judges them
# from the live state directory, then again offline from a copy of the
# bundles under --root, and the verdicts must be the same.
#
# Isolation: the script re-executes itself in a private mount namespace
# with a tmpfs over /run (containerd 1.6's shims put their sockets in
# /run/containerd/s, runc's root in /run/containerd/runc and ctr's FIFOs in
# /run/containerd/fifo whatever --state says), and gives containerd its own
# root, state, sockets and opt directory under a mktemp directory, the CRI
# plugin off, and a containerd namespace of its own (its cgroups are
# /NAMESPACE/ID).  The host's containerd, docker and /run are never touched.
#
# Skips (a TAP plan of 1..0 # SKIP) when not root or when containerd, ctr or
# runc are missing and cannot be installed.  PSS_KEEP=1 keeps the directory.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
BOXAUDIT=${BOXAUDIT:-$top/boxaudit}
N=0

skip() { echo "1..0 # SKIP $*"; exit 0; }
ok() { N=$((N + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)); echo "not ok $N - $1"; shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}
is() { if [ "$1" = "$2" ]; then ok "$3"; else notok "$3" "got:  $1" "want: $2"; fi; }

need() {
	# need CMD PACKAGE: install PACKAGE when CMD is missing, else skip.
	command -v "$1" >/dev/null 2>&1 && return 0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1; }
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not available (package $2)"
}

if [ -z "${PSS_LIVE_INNER:-}" ]; then
	[ "$(id -u)" = 0 ] || skip "needs root to run containerd"
	[ -x "$BOXAUDIT" ] || skip "boxaudit binary not built: $BOXAUDIT"
	need containerd containerd
	need ctr containerd
	need containerd-shim-runc-v2 containerd
	need runc runc
	need unshare util-linux
	need jq jq
	need busybox busybox-static
	ldd "$(command -v busybox)" >/dev/null 2>&1 && skip "busybox is not the static build (busybox-static)"
	LAB=$(mktemp -d /tmp/bx-pss.XXXXXX) || skip "mktemp failed"
	chmod 0711 "$LAB"
	export LAB BOXAUDIT top
	exec unshare --mount --propagation private env PSS_LIVE_INNER=1 sh "$0"
fi

# ---- inside the private mount namespace -------------------------------
NS=bxpss$(basename "$LAB" | tr -cd 'A-Za-z0-9')
SOCK=$LAB/ctd.sock
CTD_PID=
cleanup() {
	rc=$?
	if [ -n "$CTD_PID" ]; then
		for id in $(ctr -a "$SOCK" -n "$NS" tasks ls -q 2>/dev/null); do
			ctr -a "$SOCK" -n "$NS" tasks kill -s SIGKILL "$id" >/dev/null 2>&1
		done
		sleep 0.5
		for id in $(ctr -a "$SOCK" -n "$NS" tasks ls -q 2>/dev/null); do
			ctr -a "$SOCK" -n "$NS" tasks delete -f "$id" >/dev/null 2>&1
		done
		for id in $(ctr -a "$SOCK" -n "$NS" containers ls -q 2>/dev/null); do
			ctr -a "$SOCK" -n "$NS" containers delete "$id" >/dev/null 2>&1
		done
		# shims still alive: their pid files are in this containerd's own state only
		for f in "$LAB"/state/io.containerd.runtime.v2.task/"$NS"/*/shim.pid; do
			[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
		done
		kill "$CTD_PID" 2>/dev/null
		wait "$CTD_PID" 2>/dev/null
	fi
	# the cgroups runc made under /NAMESPACE (cgroup v1 and v2), once empty
	for d in /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS"; do
		[ -d "$d" ] && rmdir "$d"/* "$d" 2>/dev/null
	done
	awk -v d="$LAB" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	umount -l /run 2>/dev/null
	if [ -n "${PSS_KEEP:-}" ]; then echo "# kept $LAB"; else rm -rf "$LAB"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

mount -t tmpfs -o mode=755 bx-pss-run /run || { notok "a tmpfs over /run in the private mount namespace"; echo "1..$N"; exit 0; }
mkdir -p "$LAB/root" "$LAB/state" "$LAB/opt" "$LAB/img" "$LAB/log"
cat > "$LAB/config.toml" <<EOF
version = 2
root = "$LAB/root"
state = "$LAB/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$LAB/opt"
EOF
containerd --config "$LAB/config.toml" > "$LAB/log/containerd.log" 2>&1 &
CTD_PID=$!
i=0
while [ $i -lt 100 ] && ! ctr -a "$SOCK" version >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
if ! ctr -a "$SOCK" version >/dev/null 2>&1; then
	notok "a private containerd starts" "$(tail -20 "$LAB/log/containerd.log")"
	echo "1..$N"; exit 0
fi
ok "a private containerd starts ($(containerd --version | awk '{print $3}'), namespace $NS)"
CTR="ctr -a $SOCK -n $NS"

# ---- a busybox-static image, as an OCI layout, root and uid 1000 --------
IMG=$LAB/img
mkdir -p "$IMG/rootfs/bin" "$IMG/rootfs/etc" "$IMG/rootfs/tmp" "$IMG/rootfs/proc" "$IMG/rootfs/sys" \
	"$IMG/rootfs/dev" "$IMG/rootfs/root" "$IMG/layout/blobs/sha256"
cp "$(command -v busybox)" "$IMG/rootfs/bin/busybox"
for a in sh sleep cat id ls; do ln -s busybox "$IMG/rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\n' > "$IMG/rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1000:\n' > "$IMG/rootfs/etc/group"
tar -C "$IMG/rootfs" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$IMG/layer.tar" .
DIFFID=sha256:$(sha256sum "$IMG/layer.tar" | cut -d' ' -f1)
gzip -n -c "$IMG/layer.tar" > "$IMG/layer.tgz"
blob() { d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "$IMG/layout/blobs/sha256/$d"; echo "sha256:$d"; }
LDIG=$(blob "$IMG/layer.tgz"); LSIZE=$(stat -c %s "$IMG/layer.tgz")
: > "$IMG/manifests"
for variant in root: user:1000:1000; do
	name=${variant%%:*}; user=${variant#*:}
	jq -nc --arg diff "$DIFFID" --arg user "$user" '{architecture: "amd64", os: "linux",
	  config: {User: $user, Env: ["PATH=/bin"], Cmd: ["/bin/sleep", "3600"], WorkingDir: "/"},
	  rootfs: {type: "layers", diff_ids: [$diff]}}' > "$IMG/config-$name.json"
	CDIG=$(blob "$IMG/config-$name.json"); CSIZE=$(stat -c %s "$IMG/config-$name.json")
	jq -nc --arg c "$CDIG" --argjson cs "$CSIZE" --arg l "$LDIG" --argjson ls "$LSIZE" '{schemaVersion: 2,
	  mediaType: "application/vnd.oci.image.manifest.v1+json",
	  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
	  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' > "$IMG/manifest-$name.json"
	MDIG=$(blob "$IMG/manifest-$name.json"); MSIZE=$(stat -c %s "$IMG/manifest-$name.json")
	jq -nc --arg d "$MDIG" --argjson s "$MSIZE" --arg ref "docker.io/library/bx-pss-$name:latest" '{
	  mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s,
	  platform: {architecture: "amd64", os: "linux"},
	  annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": "latest"}}' >> "$IMG/manifests"
done
jq -s '{schemaVersion: 2, manifests: .}' "$IMG/manifests" > "$IMG/layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$IMG/layout/oci-layout"
tar -C "$IMG/layout" -cf "$IMG/bx-pss.oci.tar" oci-layout index.json blobs
if $CTR images import --all-platforms "$IMG/bx-pss.oci.tar" > "$LAB/log/import.log" 2>&1; then
	ok "busybox-static images imported"
else
	notok "busybox-static images imported" "$(cat "$LAB/log/import.log")"; echo "1..$N"; exit 0
fi
ROOTIMG=docker.io/library/bx-pss-root:latest
USERIMG=docker.io/library/bx-pss-user:latest
TASKS=$LAB/state/io.containerd.runtime.v2.task/$NS

# run ID IMAGE [ctr run flags]: start a task and wait for its bundle.
run() {
	id=$1 img=$2; shift 2
	if $CTR run -d "$@" "$img" "$id" > "$LAB/log/$id.out" 2>&1 && [ -f "$TASKS/$id/config.json" ]; then
		ok "ctr run $id"
	else
		notok "ctr run $id" "$(cat "$LAB/log/$id.out")"
	fi
}
taskpid() { $CTR tasks ls 2>/dev/null | awk -v id="$1" '$1 == id {print $2}'; }
# The edited spec of a running task, for what ctr has no flag for (a sysctl, a
# namespace left out); with --config ctr makes no snapshot, so the root is the
# unpacked image, read-only.
edited() { jq --arg r "$IMG/rootfs" "$2 | .root = {path: \$r, readonly: true}" "$TASKS/$1/config.json" > "$LAB/$3.json"; }
# runcfg ID FILE: ctr run with a spec file (only the id may be given then)
runcfg() {
	if $CTR run -d --config "$2" "$1" > "$LAB/log/$1.out" 2>&1 && [ -f "$TASKS/$1/config.json" ]; then
		ok "ctr run --config $1"
	else
		notok "ctr run --config $1" "$(cat "$LAB/log/$1.out")"
	fi
}

# The capabilities but NET_BIND_SERVICE, dropped one by one (ctr 1.6 has no "drop ALL").
DROP_ALL=
for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP SYS_CHROOT KILL AUDIT_WRITE; do
	DROP_ALL="$DROP_ALL --cap-drop CAP_$c"
done

# ---- plain containers (no pod): judged on their own spec ----------------
run c-default "$ROOTIMG"
run c-privileged "$ROOTIMG" --privileged
run c-net-host "$ROOTIMG" --net-host
run c-cap-add "$ROOTIMG" --cap-add CAP_SYS_ADMIN --cap-add CAP_NET_ADMIN
# shellcheck disable=SC2086
run c-drop-all "$ROOTIMG" $DROP_ALL
run c-read-only "$ROOTIMG" --read-only
run c-allow-new-privs "$ROOTIMG" --allow-new-privs
run c-user-1000 "$USERIMG"
run c-seccomp "$ROOTIMG" --seccomp
run c-bind-etc "$ROOTIMG" --mount type=bind,src=/etc,dst=/host-etc,options=rbind:ro
# a spec whose /proc is unmasked without being privileged (procMount: Unmasked)
edited c-default '.linux.maskedPaths = [] | .linux.readonlyPaths = []' unmasked
runcfg c-unmasked "$LAB/unmasked.json"

# ---- pods, as containerd's CRI plugin wires them ------------------------
# cri ANN...: the annotations of internal/cri/annotations DefaultCRIAnnotations
podann() {
	printf -- '--annotation io.kubernetes.cri.sandbox-id=%s --annotation io.kubernetes.cri.sandbox-name=%s --annotation io.kubernetes.cri.sandbox-namespace=bx --annotation io.kubernetes.cri.sandbox-uid=uid-%s' "$1" "$2" "$2"
}
# sandbox POD [flags]: the pause-like sandbox (read-only, as the CRI's)
sandbox() {
	p=$1; shift
	# shellcheck disable=SC2046
	run "sb-$p" "$ROOTIMG" --read-only $(podann "sb-$p" "$p") \
		--annotation io.kubernetes.cri.container-type=sandbox "$@"
}
# app POD NAME IMAGE [flags]: joins the sandbox's network, IPC, UTS and PID namespaces by /proc path
app() {
	p=$1 name=$2 img=$3; shift 3
	sp=$(taskpid "sb-$p")
	[ -n "$sp" ] || { notok "sandbox sb-$p runs"; return; }
	# shellcheck disable=SC2046
	run "$p-$name" "$img" $(podann "sb-$p" "$p") \
		--annotation io.kubernetes.cri.container-type=container \
		--annotation io.kubernetes.cri.container-name="$name" \
		--with-ns network:/proc/$sp/ns/net --with-ns ipc:/proc/$sp/ns/ipc \
		--with-ns uts:/proc/$sp/ns/uts --with-ns pid:/proc/$sp/ns/pid "$@"
}

# a hardened pod: every check passes (AppArmor and host ports do not apply here)
sandbox hardened
# shellcheck disable=SC2086
app hardened app "$USERIMG" --seccomp --read-only $DROP_ALL
app hardened root "$ROOTIMG" --seccomp
# hostNetwork + hostPID + hostIPC: the sandbox has no network, uts, pid or ipc
# entry (sandbox_run_linux.go); ctr has no flag to leave pid and ipc out
edited c-default '.linux.namespaces |= map(select(.type != "network" and .type != "uts" and .type != "pid" and .type != "ipc"))
	| .annotations = {"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-id": "sb-hostns",
	  "io.kubernetes.cri.sandbox-name": "hostns", "io.kubernetes.cri.sandbox-namespace": "bx",
	  "io.kubernetes.cri.sandbox-uid": "uid-hostns"}' sb-hostns
runcfg sb-hostns "$LAB/sb-hostns.json"
app hostns app "$USERIMG" --seccomp
# a pod sysctl: only in the sandbox's spec; one safe, one not
edited c-default '.linux.sysctl = {"kernel.msgmax": "65536", "net.ipv4.ping_group_range": "0 0"}
	| .annotations = {"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-id": "sb-sysctl",
	  "io.kubernetes.cri.sandbox-name": "sysctl", "io.kubernetes.cri.sandbox-namespace": "bx",
	  "io.kubernetes.cri.sandbox-uid": "uid-sysctl"}' sb-sysctl
runcfg sb-sysctl "$LAB/sb-sysctl.json"
app sysctl app "$USERIMG" --seccomp
# a hostPath volume in a pod, and privilege escalation allowed
app hardened hostpath "$USERIMG" --seccomp --mount type=bind,src=/etc,dst=/host-etc,options=rbind:ro
app hardened escalate "$USERIMG" --seccomp --allow-new-privs

# the kernel agrees with the spec: the hostns app is in the host's network namespace
hp=$(taskpid hostns-app)
if [ -n "$hp" ]; then
	is "$(readlink "/proc/$hp/ns/net")" "$(readlink /proc/$$/ns/net)" "hostns-app runs in the host's network namespace"
	is "$(awk '/^Seccomp:/ {print $2}' "/proc/$hp/status")" 2 "hostns-app has a seccomp filter"
fi
pp=$(taskpid c-privileged)
[ -n "$pp" ] && is "$(awk '/^CapEff/ {print $2}' "/proc/$pp/status")" "$(awk '/^CapBnd/ {print $2}' /proc/self/status)" \
	"c-privileged holds every capability containerd holds"

# ---- boxaudit, live ------------------------------------------------------
"$BOXAUDIT" --containerd-state "$LAB/state" --no-api --benchmark k8s-pss-restricted --format json \
	--dump-facts "$LAB/live-facts.json" > "$LAB/live.json" 2> "$LAB/live.err"
rc=$?
if [ "$rc" = 1 ]; then ok "boxaudit live exits 1 (checks fail)"; else notok "boxaudit live exits 1 (checks fail)" "exit $rc" "$(cat "$LAB/live.err")"; fi

# verdicts REPORT: "check target status" for every finding, sorted
verdicts() { jq -r '.checks[] | .id as $id | .findings[] | "\($id) \(.target) \(.status)"' "$1" | sort; }
verdicts "$LAB/live.json" > "$LAB/live.verdicts"
v() { awk -v c="$1" -v t="$2" '$1 == c && $2 == t {print $3}' "$LAB/live.verdicts"; }
# expect CHECK TARGET STATUS
expect() { is "$(v "$1" "$2")" "$3" "live: $1 $2 $3"; }

# plain containers
expect baseline.privileged c-privileged FAIL
expect baseline.privileged c-default PASS
expect baseline.host-namespaces c-net-host FAIL
expect baseline.host-namespaces c-default PASS
expect baseline.capabilities c-cap-add FAIL
expect baseline.capabilities c-default PASS
expect restricted.capabilities c-drop-all PASS
expect restricted.capabilities c-default FAIL
expect restricted.privilege-escalation c-default PASS
expect restricted.privilege-escalation c-allow-new-privs FAIL
expect restricted.run-as-non-root c-user-1000 PASS
expect restricted.run-as-non-root c-default FAIL
expect restricted.run-as-user c-user-1000 PASS
expect restricted.run-as-user c-default FAIL
expect baseline.seccomp c-seccomp PASS
expect baseline.seccomp c-default FAIL
expect restricted.seccomp c-seccomp PASS
expect restricted.seccomp c-default FAIL
expect baseline.hostpath-volumes c-bind-etc FAIL
expect baseline.hostpath-volumes c-default PASS
expect restricted.volume-types c-bind-etc FAIL
expect baseline.proc-mount c-unmasked FAIL
expect baseline.proc-mount c-default PASS
expect baseline.privileged c-unmasked PASS
expect baseline.proc-mount c-privileged PASS
expect baseline.host-process c-default SKIP
expect baseline.host-ports c-default SKIP
# pods: by namespace/pod/container; sandboxes are not judged
for c in baseline.host-namespaces baseline.privileged baseline.capabilities baseline.hostpath-volumes \
	baseline.proc-mount baseline.seccomp baseline.selinux baseline.sysctls restricted.volume-types \
	restricted.privilege-escalation restricted.run-as-non-root restricted.run-as-user restricted.seccomp \
	restricted.capabilities; do
	expect "$c" bx/hardened/app PASS
done
expect restricted.run-as-non-root bx/hardened/root FAIL
expect restricted.capabilities bx/hardened/root FAIL
expect baseline.host-namespaces bx/hostns/app FAIL
expect baseline.sysctls bx/sysctl/app FAIL
expect baseline.sysctls bx/hostns/app PASS
expect baseline.hostpath-volumes bx/hardened/hostpath FAIL
expect restricted.privilege-escalation bx/hardened/escalate FAIL
is "$(grep -c ' bx/hostns (sandbox) ' "$LAB/live.verdicts")" 0 "live: sandboxes are not judged"
# evidence: the host namespaces of an app container come from its sandbox's spec
src=$(jq -r '.checks[] | select(.id == "baseline.host-namespaces") | .findings[] | select(.target == "bx/hostns/app") | .source' "$LAB/live.json")
case "$src" in
*"/$NS/hostns-app/config.json#linux.namespaces; sandbox oci:$LAB/state/"*"/$NS/sb-hostns/config.json#linux.namespaces"*)
	ok "live: bx/hostns/app's host namespaces come from sb-hostns's spec" ;;
*) notok "live: bx/hostns/app's host namespaces come from sb-hostns's spec" "source: $src" ;;
esac
is "$(jq -r '.checks[] | select(.id == "baseline.host-namespaces") | .findings[] | select(.target == "bx/hostns/app") | .actual | tostring' "$LAB/live.json")" \
	'["network","pid","ipc"]' "live: bx/hostns/app shares network, pid and ipc with the host"
is "$(jq -r '.checks[] | select(.id == "baseline.sysctls") | .findings[] | select(.target == "bx/sysctl/app") | .actual | tostring' "$LAB/live.json")" \
	'kernel.msgmax' "live: bx/sysctl/app shows the unsafe pod sysctl, not the safe one"
is "$(jq -r '.runtime.containers[] | select(.id == "c-read-only") | .readonly_rootfs.value' "$LAB/live-facts.json")" true \
	"live facts: c-read-only has a read-only root"
is "$(jq -r '.runtime.containers[] | select(.id == "c-privileged") | .capabilities.bounding.source' "$LAB/live-facts.json")" \
	"oci:$LAB/state/io.containerd.runtime.v2.task/$NS/c-privileged/config.json#process.capabilities.bounding" \
	"live facts: capabilities carry their spec path"
is "$(jq -r '.runtime.kubernetes_containers' "$LAB/live-facts.json")" 6 "live facts: 6 Kubernetes containers (the apps)"

# ---- the same, offline, from a copy of the bundles under --root ---------
COPY=$LAB/copy
mkdir -p "$COPY/run/bx-state" "$COPY/sys/module"
(cd "$LAB/state" && find . -name config.json -path './io.containerd.runtime.v2.task/*' | while read -r f; do
	mkdir -p "$COPY/run/bx-state/$(dirname "$f")" && cp "$f" "$COPY/run/bx-state/$f"; done)
"$BOXAUDIT" --root "$COPY" --containerd-state /run/bx-state --no-api --benchmark k8s-pss-restricted \
	--format json > "$LAB/offline.json" 2> "$LAB/offline.err"
rc=$?
is "$rc" 1 "boxaudit offline exits 1"
verdicts "$LAB/offline.json" > "$LAB/offline.verdicts"
n=$(wc -l < "$LAB/live.verdicts")
# 17 checks x 17 workload containers
if [ "$n" = 289 ] && diff "$LAB/live.verdicts" "$LAB/offline.verdicts" > "$LAB/verdicts.diff"; then
	ok "offline: the same $n verdicts as live"
else
	notok "offline: the same verdicts as live ($n live)" "$(head -20 "$LAB/verdicts.diff")"
fi
src=$(jq -r '.checks[] | select(.id == "baseline.privileged") | .findings[] | select(.target == "c-privileged") | .source' "$LAB/offline.json")
case "$src" in
"oci:/run/bx-state/io.containerd.runtime.v2.task/$NS/c-privileged/config.json#"*) ok "offline: sources are paths inside the root" ;;
*) notok "offline: sources are paths inside the root" "source: $src" ;;
esac
# a copy without /sys: an absent AppArmor profile cannot be judged there
rm -rf "$COPY/sys"
"$BOXAUDIT" --root "$COPY" --containerd-state /run/bx-state --no-api --benchmark k8s-pss-baseline \
	--check baseline.apparmor --format json > "$LAB/nosys.json" 2>/dev/null
is "$(jq -r '.checks[0].status' "$LAB/nosys.json")" ERROR "offline without /sys: AppArmor cannot be judged"

echo "1..$N"
