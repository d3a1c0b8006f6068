#!/bin/sh
# Benchmark (not a test): the Pod Security Standards over N containers read
# from OCI runtime specs on disk, beside the same rules and CIS Docker's
# section 5 over N Docker containers from an Engine API snapshot.
#
#   bench/oci.sh [N...]          (default 200 1000 5000; no root needed)
#
# For each N it writes a containerd state tree of N bundles (N/2 pods: a
# sandbox and an app container each, as containerd's CRI plugin writes them,
# from tests/unit/data/oci/cri-containerd-{restricted,default}.*, every
# other pod with a libcni cache entry), and a facts snapshot of N Docker
# containers (tests/cases/docker/containers-bad/facts.json repeated).  It
# prints the best of BENCH_REPEAT runs (default 3) of
#   oci:     boxaudit --root TREE --no-api --benchmark k8s-pss-restricted
#   dk-pss:  boxaudit --facts SNAPSHOT --benchmark k8s-pss-restricted
#   dk-cis5: boxaudit --facts SNAPSHOT --benchmark cis-docker-1.8.0 --check 5
# (JSON to /dev/null; /usr/bin/time wall seconds and peak RSS) and the cost
# per container.  See bench/README.md.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${BOXAUDIT:-$top/boxaudit}
[ $# -gt 0 ] || set -- 200 1000 5000
repeat=${BENCH_REPEAT:-3}
command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (package time)" >&2; exit 1; }
work=$(mktemp -d /tmp/bx-bench-oci.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
data=$top/tests/unit/data/oci
export BOXAUDIT_CHECKS_DIR=${BOXAUDIT_CHECKS_DIR:-$top/checks}

# tree N DIR: N bundles under DIR/run/containerd (N/2 pods)
tree() {
	tasks=$2/run/containerd/io.containerd.runtime.v2.task/k8s.io
	mkdir -p "$tasks" "$2/var/lib/cni/results" "$2/sys/module"
	old_sb=$(jq -r '.annotations["io.kubernetes.cri.sandbox-id"]' "$data/cri-containerd-restricted.sandbox.json")
	old_dsb=$(jq -r '.annotations["io.kubernetes.cri.sandbox-id"]' "$data/cri-containerd-default.sandbox.json")
	i=0
	while [ $((i * 2)) -lt "$1" ]; do
		sid=$(printf 'sb%062d' "$i")
		aid=$(printf 'ap%062d' "$i")
		if [ $((i % 2)) = 0 ]; then k=restricted; o=$old_sb; else k=default; o=$old_dsb; fi
		mkdir -p "$tasks/$sid" "$tasks/$aid"
		sed "s/$o/$sid/g; s/\"io.kubernetes.cri.sandbox-name\": \"[^\"]*\"/\"io.kubernetes.cri.sandbox-name\": \"pod-$i\"/" \
			"$data/cri-containerd-$k.sandbox.json" > "$tasks/$sid/config.json"
		sed "s/$o/$sid/g; s/\"io.kubernetes.cri.sandbox-name\": \"[^\"]*\"/\"io.kubernetes.cri.sandbox-name\": \"pod-$i\"/" \
			"$data/cri-containerd-$k.app.json" > "$tasks/$aid/config.json"
		[ $((i % 2)) = 0 ] && printf '{"kind":"cniCacheV1","containerId":"%s","capabilityArgs":{"portMappings":[]}}\n' "$sid" \
			> "$2/var/lib/cni/results/cbr0-$sid-eth0"
		i=$((i + 1))
	done
}

# snapshot N FILE: the containers-bad snapshot with its containers repeated to N
snapshot() {
	jq --argjson n "$1" '.docker.api.containers as $c | ($c | length) as $l
		| .docker.api.containers = [range(0; $n) as $i | $c[$i % $l]
		  | .Id = ("\($i)" + .Id)[0:64] | .Name = "/c-\($i)" | ._name = "c-\($i)"]
		| del(.runtime)' "$top/tests/cases/docker/containers-bad/facts.json" > "$2"
}

# best ARGS...: "seconds peak_kb" of the fastest of $repeat runs
best() {
	b=
	r=0
	while [ $r -lt "$repeat" ]; do
		/usr/bin/time -f '%e %M' -o "$work/t" "$bin" "$@" --format json > /dev/null 2> "$work/err"
		rc=$?
		[ "$rc" = 2 ] && { echo "bench: boxaudit $* failed: $(cat "$work/err")" >&2; exit 1; }
		# time says "Command exited with non-zero status 1" first when checks fail
		t=$(tail -n 1 "$work/t")
		if [ -z "$b" ] || awk -v a="${t%% *}" -v b="${b%% *}" 'BEGIN { exit !(a < b) }'; then b=$t; fi
		r=$((r + 1))
	done
	echo "$b"
}

printf '%8s %8s %10s %12s %12s\n' N what seconds peak_rss_MB ms/container
for n in "$@"; do
	rm -rf "$work/tree"
	tree "$n" "$work/tree"
	snapshot "$n" "$work/snap.json"
	for what in oci dk-pss dk-cis5; do
		case $what in
		oci) r=$(best --root "$work/tree" --no-api --benchmark k8s-pss-restricted) ;;
		dk-pss) r=$(best --facts "$work/snap.json" --benchmark k8s-pss-restricted) ;;
		dk-cis5) r=$(best --facts "$work/snap.json" --benchmark cis-docker-1.8.0 --check 5) ;;
		esac
		awk -v n="$n" -v w="$what" -v s="${r%% *}" -v kb="${r#* }" \
			'BEGIN { printf "%8d %8s %10.2f %12.1f %12.3f\n", n, w, s, kb / 1024, s * 1000 / n }'
	done
done
