#!/bin/sh
# boxaudit trend: the series in JSON against the reports it was built
# from, then the page in headless Chromium (tests/report/trend.js, like
# browser.sh: installs what is missing when root, skips when it cannot).
under_make=${top_builddir:+1}
. "$(dirname "$0")/lib.sh"

# night N TIME CONTAINER...: a report of host <script>alert(1)</script> collected at TIME.
night() {
	i=$1 when=$2; shift 2
	facts "n$i" "$@"
	"$PY" - "$T/n$i.json" "$when" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["meta"]["collected_at"] = sys.argv[2]
d["meta"]["hostname"] = "<script>alert(1)</script>"
json.dump(d, open(sys.argv[1], "w"))
PYEOF
	"$BOXAUDIT" --facts "$T/n$i.json" -q -o "json:$T/r/night$i.json" > /dev/null
}
mkdir -p "$T/r"
night 3 2026-11-03T02:00:00Z web
night 1 2026-11-01T02:00:00Z web
night 2 2026-11-02T02:00:00Z web "evil:privileged" "worse:privileged"
printf '{"schema": "something-else/1"}\n' > "$T/r/foreign.json"

"$BOXAUDIT" trend "$T/r" -o "$T/t.html" -o "json:$T/t.json"; rc=$?
rc_is 0 "trend over a directory of reports"
check "the series: oldest first, each report's own scores, a change per check whose status moved" "$PY" - "$T/t.json" "$T/r" <<'PYEOF'
import json, os, sys
t = json.load(open(sys.argv[1]))
reps = sorted((json.load(open(os.path.join(sys.argv[2], f))) for f in os.listdir(sys.argv[2]) if f.startswith("night")),
              key=lambda d: d["collected_at"])
assert t["schema"] == "boxaudit-trend/1"
assert [p["collected_at"] for p in t["points"]] == [d["collected_at"] for d in reps]
assert [p["score"] for p in t["points"]] == [d["summary"]["score"] for d in reps]
for s in t["sections"]:
    b, sec = s["key"].split(":")
    want = [next((x["summary"]["score"] for x in d["summary"]["sections"] if x["benchmark"] == b and x["section"] == sec), None) for d in reps]
    assert s["scores"] == want, (s["key"], s["scores"], want)
assert len(t["sections"]) == len(reps[0]["summary"]["sections"])
ch = [(c["id"], c["before"], c["now"], c["to"]) for c in t["changes"]]
assert ("5.5", "PASS", "FAIL", "2026-11-02T02:00:00Z") in ch, ch
want = 0
for a, b in zip(reps, reps[1:]):
    sa = {c["id"]: c["status"] for c in a["checks"]}
    want += sum(1 for c in b["checks"] if sa.get(c["id"]) != c["status"])
assert len(ch) == want, (len(ch), want)
assert any("foreign.json" in n for n in t["notes"]), t["notes"]
PYEOF
check "the page: self-contained, CSP default-src 'none', no script, inline SVG lines" sh -c '
	grep -q "default-src '"'"'none'"'"'" "$1" && ! grep -qi "<script" "$1" && grep -q "<polyline" "$1" &&
	! grep -q "<script>alert(1)</script>" "$1" && grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" "$1"' _ "$T/t.html"
"$BOXAUDIT" trend "$T/r/night1.json" "$T/r/night2.json" --format json > "$T/t2.json"; rc=$?
rc_is 0 "trend over files, --format json on standard output"
check "... two points" sh -c 'test "$(jq ".points | length" "$1")" = 2' _ "$T/t2.json"
mkdir -p "$T/empty"
"$BOXAUDIT" trend "$T/empty" > /dev/null 2> "$T/err"; rc=$?
rc_is 2 "trend with no report is exit 2"
"$BOXAUDIT" trend "$T/r" --format junit > /dev/null 2>&1; rc=$?
rc_is 2 "trend writes html or json only"

# The page in headless Chromium.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
NODE_DIR=${BOXAUDIT_NODE_DIR:-$top_builddir/tests/report/.node}
export NODE_PATH="$NODE_DIR/node_modules"
if [ -x "$CHROMIUM" ] && command -v node >/dev/null && ! node -e 'require("playwright-core")' 2>/dev/null &&
   command -v npm >/dev/null && [ -z "$BOXAUDIT_NO_INSTALL" ]; then
	mkdir -p "$NODE_DIR"
	timeout 180 npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund playwright-core@1.65.1 >/dev/null 2>&1
fi
if [ -x "$CHROMIUM" ] && command -v node >/dev/null && node -e 'require("playwright-core")' 2>/dev/null; then
	ART=$top_builddir/tests/report/artifacts
	out=$(CHROMIUM="$CHROMIUM" timeout 60 node "$top_srcdir/tests/report/trend.js" "$T/t.html" "$T/t.json" "$ART/trend.png" 2>&1)
	printf '%s\n' "$out" | grep -E '^(ok|not ok|Bail out)' | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&/' | while IFS= read -r l; do
		echo "# chromium: $l"
	done
	if printf '%s\n' "$out" | grep -q '^not ok\|^Bail out'; then not_ok "the page in headless Chromium"
	elif printf '%s\n' "$out" | grep -q '^1\.\.'; then ok "the page in headless Chromium ($(printf '%s\n' "$out" | grep -c '^ok') checks)"
	else not_ok "the page in headless Chromium (no result)"; fi
else
	echo "ok $((n = n + 1)) - the page in headless Chromium # SKIP chromium or playwright-core is not installed"
fi
done_testing
