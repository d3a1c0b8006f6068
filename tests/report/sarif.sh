#!/bin/sh
# SARIF 2.1.0 against the 2.1.0 JSON schema (the copy npm's
# @microsoft/jest-sarif ships), validated by Debian's python3-jsonschema
# with format checking (URIs need python3-rfc3987), then what GitHub code
# scanning needs (tests/scap/sarif_check.py) and what boxaudit promises:
# a result per failing (error) or erroring (warning) finding, waived ones
# left out, and a percent-encoded physical location relative to the root
# for every finding a file decides.  Fetches the npm package and installs
# python3-rfc3987 when it can; skips when they cannot be had.
under_make=${top_builddir:+1}
. "$(dirname "$0")/lib.sh"
skip() {
	echo "1..0 # SKIP $1"
	[ -n "$under_make" ] && exit 0
	exit 77
}
PY=/usr/bin/python3
[ -x "$PY" ] || skip "/usr/bin/python3 is not installed"
if ! "$PY" -c 'import jsonschema, rfc3987' 2>/dev/null && [ "$(id -u)" = 0 ] && [ -z "$BOXAUDIT_NO_INSTALL" ] &&
   command -v apt-get >/dev/null; then
	timeout 300 apt-get install -y -q python3-jsonschema python3-rfc3987 >/dev/null 2>&1 ||
		{ timeout 120 apt-get update -q >/dev/null 2>&1 &&
		  timeout 300 apt-get install -y -q python3-jsonschema python3-rfc3987 >/dev/null 2>&1; }
fi
"$PY" -c 'import jsonschema, rfc3987' 2>/dev/null ||
	skip "python3-jsonschema and python3-rfc3987 are needed (URIs are format-checked only with rfc3987)"
NODE_DIR=${BOXAUDIT_NODE_DIR:-$top_builddir/tests/report/.node}
SCHEMA=$NODE_DIR/sarif/package/lib/schemas/sarif-2.1.0-rtm.5.json
if [ ! -s "$SCHEMA" ] && command -v npm >/dev/null && [ -z "$BOXAUDIT_NO_INSTALL" ]; then
	mkdir -p "$NODE_DIR/sarif"
	(cd "$NODE_DIR/sarif" && timeout 180 npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 &&
		tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json)
fi
[ -s "$SCHEMA" ] || skip "the SARIF 2.1.0 schema could not be fetched (npm pack @microsoft/jest-sarif@1.0.0-beta.0)"
CHK="$PY $top_srcdir/tests/scap/sarif_check.py"

run() {
	d=$1; shift
	if "$@" > "$T/log" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/# /' "$T/log" | head -30; fi
}
refute() {
	d=$1; shift
	if "$@" > "$T/log" 2>&1; then not_ok "$d (expected a failure)"; else ok "$d"; fi
}

# The insecure Docker host, with a certificate whose name needs percent-encoding.
c=$top_srcdir/tests/cases/docker/docker-insecure
cp -a "$c/root" "$T/root"
(cd "$T/root" && CASE="$c" sh -e "$c/setup") >/dev/null 2>&1
odd='my ca %41 #é.crt'
printf 'x\n' > "$T/root/etc/docker/certs.d/reg:5000/$odd"
chmod 0644 "$T/root/etc/docker/certs.d/reg:5000/$odd"
cat > "$T/w.yaml" <<'YEOF'
waivers:
  - {check: "2.2", reason: accepted, owner: ops@example.com, expires: 2099-12-31}
YEOF
"$BOXAUDIT" --root "$T/root" --no-api --benchmark cis-docker-1.8.0 --waivers "$T/w.yaml" \
	-o "json:$T/d.json" -o "$T/d.sarif"; rc=$?
rc_is 1 "the insecure host: audit with SARIF output"
facts h web "$HOSTILE_1:privileged" "$HOSTILE_2:privileged" "$HOSTILE_3"
"$BOXAUDIT" --facts "$T/h.json" -o "json:$T/h.report.json" -o "sarif:$T/h.sarif"; rc=$?
rc_is 1 "hostile container names: audit with SARIF output"
for s in d h; do
	run "$s: SARIF 2.1.0 JSON schema, formats uri and date-time checked" $CHK schema "$SCHEMA" "$T/$s.sarif"
	run "$s: indexes, base ids, GitHub code scanning requirements" $CHK github "$T/$s.sarif"
	rep=$T/$s.json
	[ "$s" = h ] && rep=$T/h.report.json
	check "$s: a result per FAIL (error) and ERROR (warning) finding, waived ones left out" "$PY" - "$T/$s.sarif" "$rep" <<'PYEOF'
import json, sys
log = json.load(open(sys.argv[1]))
j = json.load(open(sys.argv[2]))
assert log["version"] == "2.1.0" and len(log["runs"]) == 1
run = log["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "boxaudit" and drv["version"] == j["tool"]["version"]
assert [r["id"] for r in drv["rules"]] == ["%s:%s" % (c["benchmark"], c["id"]) for c in j["checks"]]
for r, c in zip(drv["rules"], j["checks"]):
    assert r["help"]["text"] == c["remediation"] and r["properties"]["cis_level"] == c["level"]
    assert r["properties"]["benchmark"] == c["benchmark"]
want = []
for c in j["checks"]:
    fs = [f for f in c["findings"] if f["status"] in ("FAIL", "ERROR")]
    want += [("%s:%s" % (c["benchmark"], c["id"]), "error" if f["status"] == "FAIL" else "warning") for f in fs]
    if not fs and c["status"] in ("FAIL", "ERROR"):
        want.append(("%s:%s" % (c["benchmark"], c["id"]), "error" if c["status"] == "FAIL" else "warning"))
got = [(r["ruleId"], r["level"]) for r in run["results"]]
assert got == want, (len(got), len(want))
waived = ["%s:%s" % (c["benchmark"], c["id"]) for c in j["checks"] if c["status"] == "WAIVED"]
assert waived or sys.argv[1].endswith("/h.sarif"), "the waiver did not apply"
assert not any(r["ruleId"] in waived for r in run["results"])
PYEOF
done
check "d: file locations are percent-encoded, relative to the root, and name the file that decides" "$PY" - "$T/d.sarif" "$T/root" "$odd" <<'PYEOF'
import json, os, sys, urllib.parse, rfc3987
log = json.load(open(sys.argv[1])); root = os.path.realpath(sys.argv[2]); odd = sys.argv[3]
run = log["runs"][0]
base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
assert base == "file://" + urllib.parse.quote(root) + "/", base
assert rfc3987.match(base, rule="absolute_URI")
seen = {}
for r in run["results"]:
    pl = r["locations"][0].get("physicalLocation")
    assert pl, r["message"]["text"]
    al = pl["artifactLocation"]
    assert al["uriBaseId"] == "%SRCROOT%" and not al["uri"].startswith("/")
    assert rfc3987.match(al["uri"], rule="relative_ref"), al["uri"]
    path = urllib.parse.unquote(al["uri"])
    assert os.path.lexists(os.path.join(root, path)) or path == "etc/fstab", path
    assert pl["region"]["startLine"] == 1
    seen.setdefault(r["ruleId"].split(":")[1], set()).add(path)
assert "etc/docker/certs.d/reg:5000/" + odd in seen["3.8"], seen["3.8"]
assert any("%25" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"])
assert seen["2.3"] == {"etc/docker/daemon.json"}, seen["2.3"]       # daemon.json:log-level
assert seen["2.17"] == {"etc/default/docker"}, seen["2.17"]         # argv:--userland-proxy, from DOCKER_OPTS
assert seen["1.1.3"] == {"etc/audit/audit.rules"}, seen["1.1.3"]    # the audit rules file
PYEOF
check "h: container findings carry a logical location (container:NAME), hostile names as data" "$PY" - "$T/h.sarif" <<'PYEOF'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = [r for r in run["results"] if r["ruleId"].endswith(":5.5")]
names = sorted(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in res)
assert names == sorted(["container:<script>alert(1)</script>#HostConfig.Privileged",
                        'container:"><img src=x onerror=alert(1)>#HostConfig.Privileged']), names
assert all("physicalLocation" not in r["locations"][0] for r in res)
PYEOF
check "fingerprints are stable across two runs of the same audit" sh -c '
	"$1" --facts "$2/h.json" -o "sarif:$2/h2.sarif" >/dev/null 2>&1
	"$3" -c "import json,sys; f=lambda p: [r[\"partialFingerprints\"] for r in json.load(open(p))[\"runs\"][0][\"results\"]]; sys.exit(f(sys.argv[1]) != f(sys.argv[2]))" "$2/h.sarif" "$2/h2.sarif"' _ "$BOXAUDIT" "$T" "$PY"

# Controls: the validators must reject a broken log.
"$PY" - "$T/d.sarif" "$T/bad.sarif" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); r = d["runs"][0]["results"][0]
d["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri"
r["ruleIndex"] = r["ruleIndex"] + 1
r["locations"][0].pop("physicalLocation")
json.dump(d, open(sys.argv[2], "w"))
PYEOF
refute "control: a log with a bad uri fails the schema check" $CHK schema "$SCHEMA" "$T/bad.sarif"
refute "control: a wrong ruleIndex and no physical location fail the GitHub check" $CHK github "$T/bad.sarif"
done_testing
