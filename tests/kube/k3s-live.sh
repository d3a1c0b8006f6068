#!/bin/sh
# Live test of a k3s server from its running process: k3s has no Debian
# package, so a stand-in (tests/unit/fake_kubelet copied as "k3s", in a
# root-owned directory so that it passes the trust rules, embedding
# v1.30.5) runs with a real k3s command line.  The live audit must find k3s
# as the host's process, read the config.yaml and config.yaml.d/ its
# --config names, and judge its embedded kubelet (as the flags k3s v1.30
# passes) and control plane from
# that command line, those files and k3s's defaults, each with its origin.
# Skips (77) when not root or when the stand-in was not built (no cmocka).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
bin=${BOXAUDIT:-$build/boxaudit}
. "$(dirname "$0")/lib.sh"
needs_standin
live_lock
for c in k3s rke2 kubelet kube-apiserver; do
	if [ -n "$(ps -eo comm= | grep -x "$c")" ]; then echo "1..0 # SKIP a $c is already running"; exit 77; fi
done
if [ -e /etc/rancher ] || [ -e /var/lib/rancher ]; then echo "1..0 # SKIP this host has k3s or RKE2 files"; exit 77; fi

# Not under /tmp: the trust rules refuse an executable in a directory others can write.
dir=$build/tests/kube/k3s.$$
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/etc/config.yaml.d" "$dir/data"
chmod 0755 "$dir" "$dir/bin"
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT INT TERM
cp "$fake" "$dir/bin/k3s"
chmod 0755 "$dir/bin/k3s"
cat > "$dir/etc/config.yaml" <<'YAML'
write-kubeconfig-mode: "0600"
kube-apiserver-arg:
  - "audit-log-path=/var/log/k3s-audit.log"
kubelet-arg:
  - "streaming-connection-idle-timeout=5m"
YAML
cat > "$dir/etc/config.yaml.d/50-scheduler.yaml" <<'YAML'
kube-scheduler-arg+:
  - "bind-address=0.0.0.0"
YAML
# As the install script's unit would start it (INSTALL_K3S_EXEC flags).
"$dir/bin/k3s" server --config "$dir/etc/config.yaml" --data-dir "$dir/data" --node-name live-node \
	--kube-apiserver-arg=anonymous-auth=true --protect-kernel-defaults &
pids="$pids $!"
# Another user's "k3s" (an agent with a weaker command line) is not the node's: the trust rules reject it.
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/bin/k3s" agent --kubelet-arg=anonymous-auth=true &
	pids="$pids $!"
	other=$!
fi
sleep 1

"$bin" --no-api --benchmark cis-kubernetes-1.12 --format json -o "$dir/live.json" \
	--dump-facts "$dir/live.facts.json" >/dev/null 2>"$dir/live.err"
d=$(jq -c '.kubernetes.distribution | {name, role, running, command_line, understood}' "$dir/live.facts.json")
case $d in *'"name":"k3s","role":"server","running":true,"command_line":"proc:'*'"understood":true'*) ok "k3s found as the host's process ($d)" ;;
	*) notok "k3s found as the host's process" "$d" ;; esac
ver=$(jq -r '.kubernetes.distribution.version.value' "$dir/live.facts.json")
[ "$ver" = 1.30.5 ] && ok "its version from the binary ($ver)" || notok "its version from the binary" "got $ver"
expect live 1.2.1 FAIL "proc:"
expect live 1.2.15 PASS "default(k3s server)"
expect live 1.2.16 PASS "config:$dir/etc/config.yaml"
expect live 1.4.2 FAIL "config:$dir/etc/config.yaml.d/50-scheduler.yaml"
expect live 1.3.7 PASS "default(k3s server)"
# v1.30.5 passes its kubelet settings as flags (before v1.32: no drop-in, docs/KUBERNETES.md)
expect live 4.2.1 PASS "default(k3s agent)"
ddir=$(jq -r '.kubernetes.kubelet.config_dir // "none"' "$dir/live.facts.json")
[ "$ddir" = none ] && ok "k3s v1.30.5 gives its kubelet no --config-dir" || notok "k3s v1.30.5 gives its kubelet no --config-dir" "got $ddir"
expect live 4.2.5 PASS "config:$dir/etc/config.yaml"
expect live 4.2.7 FAIL "proc:"
hn=$(jq -r '.kubernetes.kubelet.settings["hostname-override"].value // .kubernetes.kubelet.flags["hostname-override"][0].value // ""' "$dir/live.facts.json")
[ "$hn" = live-node ] && ok "the kubelet's hostname-override is --node-name" || notok "the kubelet's hostname-override is --node-name" "got $hn"
grep -q "Kubernetes distribution k3s (server) found: proc:" "$dir/live.json" && ok "the note names the process" ||
	notok "the note names the process" "$(jq -c '.notes' "$dir/live.json")"
if [ -n "${other:-}" ]; then
	case $(jq -r '.kubernetes.distribution.evidence | join(" ")' "$dir/live.facts.json") in
	*"proc:$other "*) notok "another user's k3s is not evidence" "$(jq -c '.kubernetes.distribution.evidence' "$dir/live.facts.json")" ;;
	*) ok "another user's k3s (pid $other) is not evidence" ;; esac
fi
echo "1..$n"
