#!/bin/sh
# Benchmark selection is data: a new benchmark version, and a new platform
# with its own benchmark, added with YAML alone in a --add-checks
# directory, are listed by "boxaudit list" and picked by auto-selection
# on a host where they apply, and not where they do not.  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
work=$(mktemp -d /tmp/boxaudit-selection.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && sed 's/^/# /' "$3"; fi
}

mkdir -p "$work/extra"
# A next CIS Kubernetes version: the 1.12 mapping, chosen from kubelet 1.35 on.
cat > "$work/extra/cis-kubernetes-9.9.yaml" <<'YAML'
benchmark:
  id: cis-kubernetes-9.9
  extends: cis-kubernetes-1.12
  title: CIS Kubernetes Benchmark
  version: 9.9.0
  platform: kubernetes
  selects: {from: "1.35"}
remove: ["4.3.1"]
YAML
# A new platform: present when its marker file exists, with one check.
cat > "$work/extra/platform.yaml" <<'YAML'
platform:
  name: site
  title: Site appliance
  detect: {file: /etc/site-appliance, op: exists}
  selected: the site appliance marker is present
YAML
cat > "$work/extra/rules.yaml" <<'YAML'
rules:
  - key: site.marker-mode
    title: The appliance marker is not world-writable
    target: file
    remediation: chmod o-w /etc/site-appliance
    test: {file: /etc/site-appliance, op: mode_max, value: "0644"}
YAML
cat > "$work/extra/site.yaml" <<'YAML'
benchmark: {id: site-appliance-1, title: Site appliance baseline, version: "1", platform: site}
sections: {"1": Site}
checks:
  - {id: "1.1", rule: site.marker-mode, level: 1, assessment: automated}
YAML

"$bin" list --add-checks "$work/extra" > "$work/list.txt" 2>&1
check "list shows the added benchmark version" "grep -q '^cis-kubernetes-9.9 ' '$work/list.txt'" "$work/list.txt"
check "list shows the added platform's benchmark" "grep -q '^site-appliance-1 ' '$work/list.txt'" "$work/list.txt"
"$bin" list --add-checks "$work/extra" --benchmark cis-kubernetes-9.9 > "$work/list99.txt" 2>&1
check "the added version inherits the 1.12 checks but 4.3.1" \
	"grep -q '^  4.2.14 ' '$work/list99.txt' && ! grep -q '^  4.3.1 ' '$work/list99.txt'" "$work/list99.txt"

"$bin" list --benchmark NOPE > /dev/null 2> "$work/nope.err"; rc=$?
check "list --benchmark with an unknown id is exit 2" "[ $rc -eq 2 ] && grep -q \"unknown benchmark 'NOPE'\" '$work/nope.err'" "$work/nope.err"
"$bin" list --benchmark cis-docker-1.8.0 --check 9.9 > /dev/null 2> "$work/none.err"; rc=$?
check "list with a --check that matches nothing is exit 2" "[ $rc -eq 2 ]" "$work/none.err"

# A kubeadm node whose kubelet is 1.35, then 1.34.
node() {
	rm -rf "$work/root"
	cp -a "$top/tests/cases/kube/kube-nodes/kubeadm/root/." "$work/root/" 2>/dev/null || cp -a "$top/tests/cases/kube/kube-nodes/kubeadm/root" "$work/root"
	printf 'kubeletv%s\000gitVersion\000v%s\000' "$1" "$1" > "$work/root/usr/bin/kubelet"
}
node 1.35.0
"$bin" --add-checks "$work/extra" --root "$work/root" --no-api --format json > "$work/a.json" 2> "$work/a.err"
check "kubelet 1.35 auto-selects the added version" \
	"jq -e '.notes | index(\"benchmark cis-kubernetes-9.9 selected for kubelet 1.35\")' '$work/a.json' >/dev/null" "$work/a.err"
check "and audits it" "jq -e '[.benchmarks[].id] | index(\"cis-kubernetes-9.9\")' '$work/a.json' >/dev/null"
check "the site platform is not detected without its marker" \
	"! jq -e '[.benchmarks[].id] | index(\"site-appliance-1\")' '$work/a.json' >/dev/null"
node 1.34.1
"$bin" --add-checks "$work/extra" --root "$work/root" --no-api --format json > "$work/b.json" 2> "$work/b.err"
check "kubelet 1.34 still gets cis-kubernetes-1.12" \
	"jq -e '.notes | index(\"benchmark cis-kubernetes-1.12 selected for kubelet 1.34\")' '$work/b.json' >/dev/null" "$work/b.err"

# The marker file makes the site platform present.
touch "$work/root/etc/site-appliance"
chmod 0666 "$work/root/etc/site-appliance"
"$bin" --add-checks "$work/extra" --root "$work/root" --no-api --format json > "$work/c.json" 2> "$work/c.err"
check "the marker selects the site benchmark" \
	"jq -e '.notes | index(\"benchmark site-appliance-1 selected: the site appliance marker is present\")' '$work/c.json' >/dev/null" "$work/c.err"
check "and its check is judged on the host (FAIL: 0666)" \
	"[ \"\$(jq -r '.checks[] | select(.benchmark == \"site-appliance-1\" and .id == \"1.1\") | .status' '$work/c.json')\" = FAIL ]"
echo "1..$n"
