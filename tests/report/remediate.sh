#!/bin/sh
# boxaudit remediate: the closed loop is the test.  Audit a fixture root
# with known failures, write the plan, apply it inside the root, audit
# again: every check the plan says it fixes goes FAIL -> PASS, no check
# goes PASS -> FAIL, daemon.json stays valid JSON with every unrelated key,
# and nothing outside the root changes.  Then the hostile cases: links in
# the root that lead out, --root /, and hostile file names in fix.sh.  TAP.
. "$(dirname "$0")/lib.sh"
BOXAUDIT_CHECKS_DIR=$top_srcdir/checks
export BOXAUDIT_CHECKS_DIR

# tree DIR CASE: the case's root at DIR/root, set up as tests/run-cases.sh does.
tree() {
	c=$top_srcdir/tests/cases/$2
	mkdir -p "$1"
	cp -a "$(readlink -f "$c/root")" "$1/root"
	(cd "$1/root" && CASE="$c" sh -e "$c/setup") >/dev/null 2>&1
}
# listing DIR: every path under DIR except DIR/root, with type, mode, owner and content hash.
listing() {
	(cd "$1" && find . -path ./root -prune -o -print | sort | while IFS= read -r p; do
		if [ -f "$p" ] && [ ! -L "$p" ]; then h=$(sha256sum < "$p"); else h=-; fi
		printf '%s %s %s\n' "$(stat -c '%F %a %u:%g' "$p")" "$p" "$h"
	done)
}
# rootlisting DIR: the same for the whole tree DIR.
rootlisting() {
	(cd "$1" && find . | sort | while IFS= read -r p; do
		if [ -f "$p" ] && [ ! -L "$p" ]; then h=$(sha256sum < "$p"); else h=-; fi
		printf '%s %s %s\n' "$(stat -c '%F %a %u:%g' "$p")" "$p" "$h"
	done)
}
# loop NAME: compare the audits before and after with the plan's fixes.
loop() {
	check "$1: every check the plan fixes goes FAIL -> PASS, none goes PASS -> FAIL" "$PY" - \
		"$T/$1.before.json" "$T/$1.after.json" "$T/$1.plan/plan.json" "$2" <<'PYEOF'
import json, sys
a, b, plan = (json.load(open(p)) for p in sys.argv[1:4])
least = int(sys.argv[4])
before = {"%s:%s" % (c["benchmark"], c["id"]): c["status"] for c in a["checks"]}
after = {"%s:%s" % (c["benchmark"], c["id"]): c["status"] for c in b["checks"]}
fixed = [f["check"] for f in plan["fixes"]]
assert len(fixed) >= least, "only %d fixes planned" % len(fixed)
bad = [k for k in fixed if before[k] != "FAIL" or after[k] != "PASS"]
assert not bad, ["%s %s->%s" % (k, before[k], after[k]) for k in bad]
worse = [k for k in before if before[k] == "PASS" and after.get(k) != "PASS"]
assert not worse, worse
print("%d checks FAIL -> PASS" % len(fixed))
PYEOF
}

# ---- Docker: the insecure host ----
D=$T/docker
tree "$D" docker/docker-insecure
mkdir -p "$D/outside"
printf 'outside\n' > "$D/outside/keep.txt"
# A registry certificate whose name is hostile to a shell.
hostile="a'b; touch PWNED #\$(id).crt"
printf 'x\n' > "$D/root/etc/docker/certs.d/reg:5000/$hostile"
chmod 0666 "$D/root/etc/docker/certs.d/reg:5000/$hostile"
chown 1000:1000 "$D/root/etc/docker/certs.d/reg:5000/$hostile"
cp "$D/root/etc/docker/daemon.json" "$T/daemon.json.orig"
listing "$D" > "$T/outside.before"
"$BOXAUDIT" --root "$D/root" --no-api --benchmark cis-docker-1.8.0 --format json > "$T/docker.before.json"; rc=$?
rc_is 1 "docker: the first audit fails"
"$BOXAUDIT" remediate "$T/docker.before.json" -o "$T/docker.plan" > "$T/plan.out"; rc=$?
rc_is 0 "docker: remediate -o DIR writes the plan"
check "docker: the plan has one file per mechanism" sh -c 'cd "$1" && for f in daemon.json daemon.json.patch boxaudit.rules fix.sh NOTES.md plan.json; do test -s "$f" || exit 1; done' _ "$T/docker.plan"
check "docker: the plan leaves the root alone" sh -c 'cmp -s "$1" "$2"' _ "$T/daemon.json.orig" "$D/root/etc/docker/daemon.json"
"$BOXAUDIT" remediate "$T/docker.before.json" --apply --root "$D/root" > "$T/apply.out" 2> "$T/apply.err"; rc=$?
rc_is 0 "docker: remediate --apply --root DIR"
"$BOXAUDIT" --root "$D/root" --no-api --benchmark cis-docker-1.8.0 --format json > "$T/docker.after.json"
loop docker 45
check "docker: daemon.json is valid JSON, every unrelated key kept, the patch applied" "$PY" - \
	"$T/daemon.json.orig" "$D/root/etc/docker/daemon.json" "$T/docker.plan/daemon.json.patch" "$T/docker.plan/daemon.json" <<'PYEOF'
import json, sys
orig, now, patch, planned = (json.load(open(p)) for p in sys.argv[1:5])
assert now == planned, "the applied file differs from the plan's daemon.json"
for k, v in orig.items():
    if k not in patch:
        assert now.get(k) == v, "unrelated key %s changed" % k
for k, v in patch.items():
    if v is None:
        assert k not in now, k
    else:
        assert now[k] == v, k
assert now["storage-driver"] == "devicemapper" and now["tlscert"] == "/etc/docker/tls/cert.pem"
assert "dm.basesize=20G" not in json.dumps(now)
PYEOF
check "docker: a setting given as a dockerd flag is not in daemon.json but in NOTES.md with its file" sh -c '
	! grep -q userland-proxy "$1/daemon.json" && grep -q -- "--userland-proxy" "$1/NOTES.md" &&
	grep -q "/etc/default/docker (the variable DOCKER_OPTS" "$1/NOTES.md" &&
	test "$(jq -r ".checks[] | select(.id == \"2.17\") | .status" "$2")" = FAIL' _ "$T/docker.plan" "$T/docker.after.json"
check "docker: the audit rules file holds watch rules only (no -D, -b, -f or -e)" sh -c '
	grep -v "^#" "$1" | grep -v "^\$" > "$2" && test -s "$2" && ! grep -v "^-w /[^ ]* -p wa -k docker\$" "$2"' _ \
	"$D/root/etc/audit/rules.d/boxaudit.rules" "$T/rules.body"
check "docker: containers to re-create and images to rebuild would be notes, not fixes" "$PY" - "$T/docker.plan/plan.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
kinds = {n["kind"] for n in p["notes"]}
assert "flag" in kinds and "manual" in kinds, kinds
assert not any(f["check"].endswith(":2.17") for f in p["fixes"])
PYEOF
listing "$D" > "$T/outside.after"
check "docker: nothing outside the root changed" cmp -s "$T/outside.before" "$T/outside.after"
check "docker: the hostile file name is fixed in the root too" sh -c 'test "$(stat -c "%a %u:%g" "$1")" = "444 0:0"' _ "$D/root/etc/docker/certs.d/reg:5000/$hostile"

# fix.sh: chmod and chown only, exact paths, set -eu, every path one shell word.
mkdir -p "$T/fake" "$T/run"
for c in chmod chown; do
	printf '#!/bin/sh\nfor a in "$@"; do printf "%%s\\n" "%s:$a"; done >> "%s"\n' "$c" "$T/fake.log" > "$T/fake/$c"
	chmod +x "$T/fake/$c"
done
check "fix.sh: only chmod and chown lines, set -eu, comments" sh -c '
	sed -n 1p "$1" | grep -qx "#!/bin/sh" && grep -qx "set -eu" "$1" &&
	! grep -v -e "^#" -e "^set -eu\$" -e "^chmod [0-7]\{4\} -- '"'"'/" -e "^chown [a-z]*:[a-z]* -- '"'"'/" "$1"' _ "$T/docker.plan/fix.sh"
check "fix.sh: sh parses it" sh -n "$T/docker.plan/fix.sh"
(cd "$T/run" && PATH="$T/fake:$PATH" sh "$T/docker.plan/fix.sh") > /dev/null 2>&1
check "fix.sh: a hostile name stays one argument and runs nothing" "$PY" - "$T/fake.log" "$T/run" "/etc/docker/certs.d/reg:5000/$hostile" <<'PYEOF'
import os, sys
log = open(sys.argv[1]).read().splitlines()
assert not os.listdir(sys.argv[2]), os.listdir(sys.argv[2])
assert "chmod:" + sys.argv[3] in log and "chown:" + sys.argv[3] in log, [l for l in log if "reg:5000" in l]
assert all(l.split(":", 1)[1] in ("--", "root:root", "root:docker") or l.split(":", 1)[1].startswith("/") or
           l.split(":", 1)[1].isdigit() for l in log), log
PYEOF

# Applying the plan of the second audit changes nothing more.
"$BOXAUDIT" remediate "$T/docker.after.json" -o "$T/docker.plan2" > /dev/null
rootlisting "$D/root" > "$T/root.before"
"$BOXAUDIT" remediate "$T/docker.after.json" --apply --root "$D/root" > /dev/null 2>&1; rc=$?
rc_is 0 "docker: applying again"
rootlisting "$D/root" > "$T/root.after"
check "docker: ... changes nothing (the audit rules and daemon.json keep the earlier fixes)" cmp -s "$T/root.before" "$T/root.after"

# ---- hostile roots: links that lead out, swapped in after the audit ----
H=$T/hostile
tree "$H" docker/docker-insecure
mkdir -p "$H/outside/docker" "$H/outside/rules.d"
printf '{"victim": true}\n' > "$H/outside/victim.json"
printf 'secret\n' > "$H/outside/key.pem"
chmod 0640 "$H/outside/key.pem"
"$BOXAUDIT" --root "$H/root" --no-api --benchmark cis-docker-1.8.0 --format json > "$T/h.json"
rm "$H/root/etc/docker/daemon.json" "$H/root/etc/docker/tls/key.pem"
ln -s "$H/outside/victim.json" "$H/root/etc/docker/daemon.json"      # absolute, outside
ln -s ../../../../outside/key.pem "$H/root/etc/docker/tls/key.pem"     # relative, climbs out
rm -rf "$H/root/etc/default"
ln -s ../../outside "$H/root/etc/default"                             # a directory that climbs out
mkdir -p "$H/root/etc/audit"
ln -s "$H/outside/rules.d" "$H/root/etc/audit/rules.d"                # absolute: re-anchored, not followed out
listing "$H" > "$T/h.before"
"$BOXAUDIT" remediate "$T/h.json" --apply --root "$H/root" > "$T/h.out" 2> "$T/h.err"; rc=$?
rc_is 2 "hostile: remediate --apply reports what it refused"
check "hostile: a daemon.json that is a link is refused, never written through" grep -q "not applied: file /etc/docker/daemon.json: .*symlink" "$T/h.err"
check "hostile: a key that is a link out of the root is not chmod'ed" grep -q "not applied: chmod /etc/docker/tls/key.pem" "$T/h.err"
check "hostile: a '..' that climbs above the root is refused" grep -q "not applied: .* /etc/default/docker: refused '/etc/default/docker': a '..' climbs above the root" "$T/h.err"
check "hostile: the audit rules are not written into a linked directory" grep -q "not applied: file /etc/audit/rules.d/boxaudit.rules" "$T/h.err"
check "hostile: the other fixes were applied" grep -q "applied  chown    /etc/docker " "$T/h.out"
listing "$H" > "$T/h.after"
check "hostile: nothing outside the root changed" cmp -s "$T/h.before" "$T/h.after"

for r in / // /proc/self/root "$H/root/.."/../../../../../../../..; do
	"$BOXAUDIT" remediate "$T/h.json" --apply --root "$r" > /dev/null 2> "$T/live.err"; rc=$?
	rc_is 2 "--apply --root $r is refused"
	check "... saying why" grep -q "refusing" "$T/live.err"
done
"$BOXAUDIT" remediate "$T/h.json" --apply > /dev/null 2> "$T/noroot.err"; rc=$?
rc_is 2 "--apply without --root is refused"
check "... saying it never changes the live host" grep -q "never the live host" "$T/noroot.err"
"$BOXAUDIT" remediate "$T/daemon.json.orig" -o "$T/x" > /dev/null 2> "$T/foreign.err"; rc=$?
rc_is 2 "a file that is not a boxaudit report is exit 2"

# ---- kubelet: kubeadm's node, no --config-dir ----
K=$T/kubeadm
tree "$K" kube/kube-kubeadm
listing "$K" > "$T/k.before"
"$BOXAUDIT" --root "$K/root" --no-api --benchmark cis-kubernetes-1.12 --format json > "$T/kubeadm.before.json"
"$BOXAUDIT" remediate "$T/kubeadm.before.json" -o "$T/kubeadm.plan" --apply --root "$K/root" > /dev/null 2>&1; rc=$?
rc_is 0 "kubeadm: remediate -o DIR --apply --root DIR"
"$BOXAUDIT" --root "$K/root" --no-api --benchmark cis-kubernetes-1.12 --format json > "$T/kubeadm.after.json"
loop kubeadm 2
check "kubeadm: without a --config-dir, no drop-in; the flags and the files that set them are notes" sh -c '
	test ! -e "$1/90-boxaudit.conf" && grep -q "no --config-dir" "$1/NOTES.md" &&
	grep -q -- "--seccomp-default=true" "$1/NOTES.md" && grep -q "/var/lib/kubelet/kubeadm-flags.env" "$1/NOTES.md"' _ "$T/kubeadm.plan"
listing "$K" > "$T/k.after"
check "kubeadm: nothing outside the root changed" cmp -s "$T/k.before" "$T/k.after"

# ---- kubelet with a --config-dir: the drop-in ----
C=$T/configdir
tree "$C" kube/kube-kubeadm
mkdir -p "$C/root/etc/default" "$C/root/etc/kubernetes/kubelet.conf.d"
printf 'KUBELET_EXTRA_ARGS="--config-dir=/etc/kubernetes/kubelet.conf.d"\n' > "$C/root/etc/default/kubelet"
# Anonymous access on and a gate off in the --config file, beside fields the drop-in must not touch.
"$PY" - "$C/root/var/lib/kubelet/config.yaml" <<'PYEOF'
import sys
p = sys.argv[1]; t = open(p).read()
t = t.replace("  anonymous:\n    enabled: false", "  anonymous:\n    enabled: true")
t += "featureGates:\n  RotateKubeletServerCertificate: false\n  SomeOtherGate: true\n"
open(p, "w").write(t)
PYEOF
"$BOXAUDIT" --root "$C/root" --no-api --benchmark cis-kubernetes-1.12 --format json > "$T/configdir.before.json"
"$BOXAUDIT" remediate "$T/configdir.before.json" -o "$T/configdir.plan" --apply --root "$C/root" > /dev/null 2>&1; rc=$?
rc_is 0 "config-dir: remediate --apply"
"$BOXAUDIT" --root "$C/root" --no-api --benchmark cis-kubernetes-1.12 --format json \
	--dump-facts "$T/configdir.facts.json" > "$T/configdir.after.json"
loop configdir 5
check "config-dir: the drop-in is in the kubelet's --config-dir, with apiVersion and kind, patching fields" "$PY" - \
	"$C/root/etc/kubernetes/kubelet.conf.d/90-boxaudit.conf" "$T/configdir.facts.json" <<'PYEOF'
import json, sys
text = open(sys.argv[1]).read()
assert text.startswith("# ") and "# authentication.anonymous.enabled fixes cis-kubernetes-1.12:4.2.1" in text, text[:400]
d = json.loads("".join(l for l in text.splitlines(True) if not l.startswith("#")))
assert d["apiVersion"] == "kubelet.config.k8s.io/v1beta1" and d["kind"] == "KubeletConfiguration"
assert d["authentication"] == {"anonymous": {"enabled": False}}, d["authentication"]
assert d["featureGates"] == {"RotateKubeletServerCertificate": True}, d["featureGates"]
s = json.load(open(sys.argv[2]))["kubernetes"]["kubelet"]["settings"]
# the fields beside the patched ones are the --config file's still
assert s["authentication.x509.clientCAFile"]["value"] == "/etc/kubernetes/pki/ca.crt"
assert s["featureGates"]["value"].get("SomeOtherGate") is True, s["featureGates"]
PYEOF
check "config-dir: the checks the drop-in fixes pass" sh -c '
	for i in 4.2.1 4.2.11 4.2.12 4.2.14; do test "$(jq -r ".checks[] | select(.id == \"$i\") | .status" "$1")" = PASS || exit 1; done' _ "$T/configdir.after.json"
# ---- a file name no line of fix.sh can hold: a note, never a broken script ----
N=$T/names
tree "$N" docker/docker-insecure
nl_name=$(printf 'bad\nname.crt')
printf 'x\n' > "$N/root/etc/docker/certs.d/reg:5000/$nl_name"
chmod 0666 "$N/root/etc/docker/certs.d/reg:5000/$nl_name"
"$BOXAUDIT" --root "$N/root" --no-api --benchmark cis-docker-1.8.0 --format json > "$T/names.json"
"$BOXAUDIT" remediate "$T/names.json" -o "$T/names.plan" > /dev/null 2>&1; rc=$?
rc_is 0 "names: remediate -o DIR with a file name holding a newline"
check "names: NOTES.md says to change it by hand, on one line" \
	grep -q "reg:5000/bad name.crt' cannot be written on one line of fix.sh: change it by hand" "$T/names.plan/NOTES.md"
check "names: fix.sh never names it and still parses" sh -c '! grep -q "bad" "$1" && sh -n "$1"' _ "$T/names.plan/fix.sh"
done_testing
