#!/bin/sh
# Waivers, drift, diff, CI gates, --quiet and the numbers every format shows.
. "$(dirname "$0")/lib.sh"
facts a web db
facts b web db "evil:privileged"

# --- every format shows the same numbers ---
"$BOXAUDIT" --facts "$T/b.json" -o "$T/b.txt" -o "$T/b.json.out" -o json:"$T/b.report.json" -o "$T/b.html" -o "$T/b.xml"; rc=$?
rc_is 1 "one run writes text, JSON, HTML and JUnit"
check "text, JSON, HTML and JUnit agree on the score" "$PY" - "$T" <<'PYEOF'
import json, re, sys
t = sys.argv[1]
s = json.load(open(t + "/b.report.json"))["summary"]
want = "%.1f" % s["score"]
text = open(t + "/b.txt").read()
assert re.search(r"^Score: %s%% \(%d scored;" % (re.escape(want), s["scored"]), text, re.M), text[-300:]
assert "Summary: %d PASS, %d FAIL, %d MANUAL, %d SKIP, %d ERROR" % (s["PASS"], s["FAIL"], s["MANUAL"], s["SKIP"], s["ERROR"]) in text
assert ('<text id="score" x="70" y="78" text-anchor="middle" font-size="24">%s%%</text>' % want) in open(t + "/b.html").read()
assert ('name="overall_score" value="%s"' % want) in open(t + "/b.xml").read()
PYEOF

# --- scoring options ---
for model in default flat absolute; do
	"$BOXAUDIT" --facts "$T/b.json" --score-model $model --format json > "$T/m.json"
	check "--score-model $model is recorded" "$PY" -c "import json,sys; s=json.load(open('$T/m.json'))['summary']; assert s['score_model']=='$model'; assert s['score'] is None or 0<=s['score']<=100"
done
"$BOXAUDIT" --facts "$T/b.json" --score-model absolute --format json > "$T/m.json"
check "absolute is 0 when a check fails" "$PY" -c "import json; assert json.load(open('$T/m.json'))['summary']['score']==0"
"$BOXAUDIT" --facts "$T/b.json" --level 1 --format json > "$T/l1.json"
check "--level 1 reports and scores level 1 checks only" "$PY" -c "
import json; d=json.load(open('$T/l1.json')); assert d['checks'] and all(c['level']==1 for c in d['checks']); assert d['summary']['total']==len(d['checks'])"
"$BOXAUDIT" --facts "$T/b.json" --automated-only --format json > "$T/ao.json"
check "--automated-only scores only checks CIS labels Automated" "$PY" -c "
import json; d=json.load(open('$T/ao.json'))
assert all(c['assessment']=='automated' for c in d['checks'] if c['scored'])
assert d['summary']['scored']==sum(1 for c in d['checks'] if c['scored']) and d['summary']['automated_only']"
"$BOXAUDIT" --facts "$T/b.json" --score-model bogus >/dev/null 2>&1; rc=$?
rc_is 2 "unknown score model is a usage error"

# --- waivers ---
cat > "$T/w.yaml" <<'YEOF'
waivers:
  - check: "5.5"
    target: "ev*"
    reason: "vendor appliance <b>isolated</b>"
    owner: ops@example.com
    expires: 2099-12-31
  - check: "cis-docker-1.8.0:4.1"
    reason: old risk
    owner: sec
    expires: 2001-01-01
YEOF
"$BOXAUDIT" --facts "$T/b.json" --waivers "$T/w.yaml" -o "$T/w.json" -o "$T/w.txt" -o "$T/w.html"; rc=$?
rc_is 1 "audit with waivers"
check "a waived check is WAIVED with its reason, and out of the score" "$PY" - "$T/w.json" "$T/b.report.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); before = json.load(open(sys.argv[2]))
c = [c for c in d["checks"] if c["id"] == "5.5"][0]
assert c["status"] == "WAIVED" and not c["scored"], c["status"]
assert c["waiver"]["reason"] == "vendor appliance <b>isolated</b>" and c["waiver"]["owner"] == "ops@example.com"
assert c["waiver"]["source"].endswith("w.yaml:2")
f = [f for f in c["findings"] if f["target"] == "evil"][0]
assert f["status"] == "WAIVED" and f["note"].startswith("waived: vendor appliance")
s = d["summary"]
assert s["WAIVED"] == 1 and s["FAIL"] == before["summary"]["FAIL"] - 1 and s["scored"] == before["summary"]["scored"] - 1
e = [c for c in d["checks"] if c["id"] == "4.1"][0]
assert e["status"] == "FAIL" and e["waiver"]["expired"] is True
assert any("expired on 2001-01-01 and no longer applies" in n for n in d["notes"])
PYEOF
check "text shows the waiver and the expired one" sh -c "grep -q 'waived: vendor appliance <b>isolated</b> (owner ops@example.com, expires 2099-12-31)' '$T/w.txt' && grep -q 'waiver expired, not applied: old risk' '$T/w.txt'"
check "html shows the waiver reason as text" grep -q 'Waived: vendor appliance &lt;b&gt;isolated&lt;/b&gt;' "$T/w.html"
bad_waiver() {
	printf "$2" > "$T/bad.yaml"
	"$BOXAUDIT" --facts "$T/b.json" --waivers "$T/bad.yaml" > "$T/out" 2> "$T/err"; rc=$?
	if [ $rc -eq 2 ] && grep -q "^boxaudit: $T/bad.yaml:$3" "$T/err" && [ ! -s "$T/out" ]; then
		ok "malformed waivers: $1 (exit 2, $(cat "$T/err"))"
	else
		not_ok "malformed waivers: $1 (exit $rc: $(cat "$T/err"))"
	fi
}
bad_waiver "unknown key" 'waivers:\n  - check: "5.5"\n    reason: r\n    owner: o\n    expires: 2030-01-01\n    expiry: 2030-01-01\n' "6: unknown waiver key 'expiry'"
bad_waiver "missing owner" 'waivers:\n  - check: "5.5"\n    reason: r\n    expires: 2030-01-01\n' "2: the waiver has no 'owner'"
bad_waiver "bad date" 'waivers:\n  - check: "5.5"\n    reason: r\n    owner: o\n    expires: 2030-13-01\n' "5: bad expiry date"
bad_waiver "not YAML" 'waivers:\n  - check: "5.5\n' "3: "
"$BOXAUDIT" --facts "$T/b.json" --waivers "$T/nonexistent.yaml" 2> "$T/err" >/dev/null; rc=$?
check "a missing waiver file is exit 2 and named" sh -c "[ $rc -eq 2 ] && grep -q \"cannot open waiver file '$T/nonexistent.yaml'\" '$T/err'"

# --- drift ---
"$BOXAUDIT" --facts "$T/a.json" -o "$T/a.report.json" -q; rc=$?
"$BOXAUDIT" --facts "$T/b.json" --baseline "$T/a.report.json" -o "$T/d.json" -o "$T/d.txt" -o "$T/d.html"; rc=$?
rc_is 1 "audit against a baseline"
check "one new privileged container: 5.5 newly failing and its findings new" "$PY" - "$T/d.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))["drift"]
s = d["summary"]
assert s["checks_new"] == 1 and s["checks_resolved"] == 0 and s["findings_resolved"] == 0, s
new = [(f["id"], f["target"]) for f in d["findings"] if f["change"] == "new"]
assert ("5.5", "evil") in new and all(t == "evil" for _, t in new), new
assert [c["id"] for c in d["checks"] if c["change"] == "new"] == ["5.5"]
assert s["regressions"] == s["checks_new"] + s["findings_new"]
PYEOF
check "text shows the drift" sh -c "grep -q '^Drift since the baseline' '$T/d.txt' && grep -q '^  NEW       5.5     evil - Ensure that privileged containers are not used (absent -> FAIL)' '$T/d.txt'"
check "html shows the drift" sh -c "grep -q '<section id=\"drift\"><h2>Changes since the baseline</h2>' '$T/d.html'"
"$BOXAUDIT" --facts "$T/b.json" --baseline "$T/a.report.json" --fail-on new -q > "$T/out"; rc=$?
rc_is 1 "--fail-on new with a new failure"
"$BOXAUDIT" --facts "$T/a.json" --baseline "$T/a.report.json" --fail-on new -q > "$T/out"; rc=$?
rc_is 0 "--fail-on new with the same failures as before"
check "--quiet printed nothing on success" test ! -s "$T/out"
"$BOXAUDIT" --facts "$T/a.json" --fail-on new >/dev/null 2>&1; rc=$?
rc_is 2 "--fail-on new without --baseline is a usage error"
"$BOXAUDIT" --facts "$T/a.json" --baseline "$T/a.json" >/dev/null 2> "$T/err"; rc=$?
check "a baseline that is not a report is exit 2" sh -c "[ $rc -eq 2 ] && grep -q 'the baseline is not a boxaudit JSON report' '$T/err'"

# --- diff ---
"$BOXAUDIT" --facts "$T/b.json" -o "$T/b2.report.json" -q
"$BOXAUDIT" diff "$T/a.report.json" "$T/b2.report.json" > "$T/diff.txt"; rc=$?
rc_is 1 "diff with a regression"
check "diff prints the same drift text" sh -c "grep -q '^  NEW       5.5     evil' '$T/diff.txt'"
"$BOXAUDIT" diff "$T/b2.report.json" "$T/a.report.json" --format json > "$T/diff.json"; rc=$?
rc_is 0 "diff in the other direction: only resolved"
check "diff --format json" "$PY" -c "import json; s=json.load(open('$T/diff.json'))['summary']; assert s['checks_resolved']==1 and s['regressions']==0"
"$BOXAUDIT" diff "$T/a.report.json" >/dev/null 2>&1; rc=$?
rc_is 2 "diff needs two reports"
"$BOXAUDIT" diff "$T/a.report.json" "$T/missing.json" >/dev/null 2>&1; rc=$?
rc_is 2 "diff with a missing report"

# --- gates ---
"$BOXAUDIT" --facts "$T/b.json" --fail-on error -q > "$T/out"; rc=$?
ERR=$("$PY" -c "import json; print(json.load(open('$T/b.report.json'))['summary']['ERROR'])")
if [ "$ERR" -gt 0 ]; then rc_is 1 "--fail-on error with $ERR errors"; else rc_is 0 "--fail-on error without errors"; fi
"$BOXAUDIT" --facts "$T/b.json" --fail-on bogus >/dev/null 2>&1; rc=$?
rc_is 2 "--fail-on bogus is a usage error"
SCORE=$("$PY" -c "import json; print(json.load(open('$T/b.report.json'))['summary']['score'])")
"$BOXAUDIT" --facts "$T/b.json" --fail-on error --fail-under 0 -q > "$T/out"; rc0=$?
"$BOXAUDIT" --facts "$T/b.json" --fail-on error --fail-under 100 -q > "$T/out"; rc100=$?
check "--fail-under: a score of $SCORE is not below 0 and is below 100" sh -c "[ $rc0 -eq $( [ "$ERR" -gt 0 ] && echo 1 || echo 0) ] && [ $rc100 -eq 1 ]"
"$BOXAUDIT" --facts "$T/a.json" --check 5.5 --fail-under 100 -q > "$T/out"; rc=$?
rc_is 0 "--fail-under 100 with a perfect score"
"$BOXAUDIT" --facts "$T/a.json" --check 1.1.2 --fail-under 50 --format json > "$T/null.json"; rc=$?
check "a null score never trips --fail-under" sh -c "[ $rc -eq 0 ] && grep -q '\"score\": null' '$T/null.json'"
"$BOXAUDIT" --facts "$T/b.json" --fail-under 101 >/dev/null 2>&1; rc=$?
rc_is 2 "--fail-under 101 is a usage error"
"$BOXAUDIT" --facts "$T/b.json" -q > "$T/out"; rc=$?
check "--quiet still prints the report when a check fails" sh -c "[ $rc -eq 1 ] && [ -s '$T/out' ]"
done_testing
