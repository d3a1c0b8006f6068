#!/bin/sh
# Every check boxaudit evaluates mechanically has at least one case that
# expects PASS and one that expects FAIL, among the data-driven cases
# (tests/cases/AREA/CASE/expect) for the newest benchmark of each platform
# (the Pod Security Standards: restricted, which holds baseline's checks;
# the managed-node benchmarks EKS, GKE and AKS).  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
work=$(mktemp -d /tmp/boxaudit-coverage.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
# "BENCH ID STATUS" for every expectation line of every case.
find "$top/tests/cases" -name expect -type f | while read -r e; do
	c=$(dirname "$e")
	bench=$(sed -n 's/.*--benchmark[= ]\([^ ]*\).*/\1/p' "$c/args" 2>/dev/null)
	# Auto-selected: the benchmark the case says was selected, else any.
	[ -n "$bench" ] || bench=$(sed -n 's/^stdout "\{0,1\}benchmark \([a-z0-9.\\-]*\) selected.*/\1/p' "$c/expect" | head -n 1 | tr -d '\\')
	[ -n "$bench" ] || bench=auto
	awk -v b="$bench" '/^[0-9a-z][0-9a-z.-]* (PASS|FAIL)$/ {print b, $1, $2}' "$c/expect"
done | sort -u > "$work/seen"
n=0
for bench in cis-docker-1.8.0 cis-kubernetes-1.12 k8s-pss-restricted eks-1.8.0 gke-1.9.0 aks-1.8.0; do
	"$bin" list --benchmark "$bench" | awk '$4 == "auto" {print $1}' > "$work/auto"
	while read -r id; do
		for st in PASS FAIL; do
			n=$((n + 1))
			if grep -q "^$bench $id $st\$" "$work/seen" || grep -q "^auto $id $st\$" "$work/seen"; then
				echo "ok $n - $bench $id has a $st case"
			else
				echo "not ok $n - $bench $id has a $st case"
			fi
		done
	done < "$work/auto"
done
echo "1..$n"
