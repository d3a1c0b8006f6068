#!/bin/sh
# Live test of CIS Kubernetes 1.2-1.4 from running processes: kube-apiserver,
# kube-controller-manager and kube-scheduler have no Debian package, so
# stand-ins (tests/unit/fake_kubelet copied under the components' names, in
# a root-owned directory so that they pass the trust rules) run with real
# command lines, in the forms a naive reader gets wrong: "--flag value",
# Go bool spellings (False, f), a bare bool.  The live audit must find them
# as processes (argv: origins), with the version defaults of the binary
# (v1.30.5 embedded in the stand-in).
# Skips (77) when not root or when the stand-in was not built (no cmocka).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
bin=${BOXAUDIT:-$build/boxaudit}
. "$(dirname "$0")/lib.sh"
needs_standin
live_lock
for c in kube-apiserver kube-controller-manager kube-scheduler; do
	if [ -n "$(ps -eo comm= | grep -x "$c")" ]; then echo "1..0 # SKIP a $c is already running"; exit 77; fi
done

# Not under /tmp: the trust rules refuse an executable in a directory others can write.
dir=$build/tests/kube/standin.$$
rm -rf "$dir"
mkdir -p "$dir"
chmod 0755 "$dir"
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT INT TERM
for c in kube-apiserver kube-controller-manager kube-scheduler; do
	cp "$fake" "$dir/$c"
	chmod 0755 "$dir/$c"
done
"$dir/kube-apiserver" --advertise-address=10.240.0.10 --anonymous-auth=False --authorization-mode Node,RBAC \
	--client-ca-file=/var/lib/kubernetes/ca.pem --enable-admission-plugins=NodeRestriction --profiling=false \
	--etcd-servers=https://127.0.0.1:2379 --v=2 &
pids="$pids $!"
"$dir/kube-controller-manager" --bind-address=127.0.0.1 --profiling=f --use-service-account-credentials \
	--kubeconfig=/var/lib/kubernetes/kube-controller-manager.kubeconfig &
pids="$pids $!"
"$dir/kube-scheduler" --bind-address 0.0.0.0 --leader-elect=true &
pids="$pids $!"
sleep 1

"$bin" --no-api --benchmark cis-kubernetes-1.12 --check '1.2.*,1.3.*,1.4.*' --format json -o "$dir/live.json" \
	--dump-facts "$dir/live.facts.json" >/dev/null 2>"$dir/live.err"
role=$(jq -r '.kubernetes.control_plane.role.value' "$dir/live.facts.json")
src=$(jq -r '.kubernetes.control_plane.apiserver.source' "$dir/live.facts.json")
case $src in proc:*) ok "kube-apiserver found as a process ($src)" ;;
	*) notok "kube-apiserver found as a process" "source $src; $(jq -c '.kubernetes.control_plane.apiserver.identification' "$dir/live.facts.json")" ;; esac
[ "$role" = control-plane ] && ok "the node is a control-plane node" || notok "the node is a control-plane node" "role $role"
expect live 1.2.1 PASS "argv:--anonymous-auth"
expect live 1.2.6 PASS "argv:--authorization-mode"
expect live 1.2.8 PASS "argv:--authorization-mode"
expect live 1.2.14 PASS "argv:--enable-admission-plugins"
expect live 1.2.12 PASS "default(kube-apiserver 1.30)"
expect live 1.2.15 PASS "argv:--profiling"
expect live 1.2.16 FAIL "default(kube-apiserver 1.30)"
expect live 1.3.2 PASS "argv:--profiling"
expect live 1.3.3 PASS "argv:--use-service-account-credentials"
expect live 1.3.7 PASS "argv:--bind-address"
expect live 1.4.1 FAIL "default(kube-scheduler 1.30)"
expect live 1.4.2 FAIL "argv:--bind-address"
echo "1..$n"
