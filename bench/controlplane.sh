#!/bin/sh
# The audit of a control-plane node against a worker node (issue 11: within
# 2x). Both trees are the test cases' kubeadm trees (tests/cases/kube):
# the worker is kubeadm's kubelet alone, the control-plane node adds the
# four static pods, kubeconfigs, PKI and etcd's data directory. Each is
# audited offline (--root) with cis-kubernetes-1.12, best of BENCH_REPEAT
# (default 5) runs, wall seconds and peak RSS from /usr/bin/time.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${BOXAUDIT:-$top/boxaudit}
repeat=${BENCH_REPEAT:-5}
work=$(mktemp -d /tmp/boxaudit-bench-cp.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
tree() {	# tree NAME CASE
	cp -a "$(readlink -f "$top/tests/cases/kube/$2/root")" "$work/$1"
	(cd "$work/$1" && CASE="$top/tests/cases/kube/$2" sh -e "$top/tests/cases/kube/$2/setup")
}
tree worker cp-worker
tree control-plane cp-kubeadm
printf '%-14s %10s %12s\n' node audit_s peak_rss_MB
for n in worker control-plane; do
	best=
	i=0
	while [ $i -lt "$repeat" ]; do
		/usr/bin/time -f '%e %M' -o "$work/t" "$bin" --root "$work/$n" --no-api --benchmark cis-kubernetes-1.12 \
			--format json > /dev/null || true
		t=$(tail -1 "$work/t" | cut -d' ' -f1); m=$(tail -1 "$work/t" | cut -d' ' -f2)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; rss=$m; fi
		i=$((i + 1))
	done
	printf '%-14s %10s %12.1f\n' "$n" "$best" "$(echo "$rss / 1024" | bc -l)"
done
