#!/bin/sh
# HTML: self-contained, hostile host values only ever as text, links only http(s).
. "$(dirname "$0")/lib.sh"
facts h web "$HOSTILE_1:privileged" "$HOSTILE_2:privileged" "$HOSTILE_3" "$HOSTILE_4:privileged"
"$BOXAUDIT" --facts "$T/h.json" --format html > "$T/r.html"; rc=$?
rc_is 1 "html report on standard output"
"$BOXAUDIT" --facts "$T/h.json" -o "$T/r2.htm" -o "$T/r.json"; rc=$?
check "the .htm extension selects html" sh -c "head -c 15 '$T/r2.htm' | grep -q '<!DOCTYPE html>'"
check "a Content-Security-Policy forbids fetching" grep -q "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" "$T/r.html"
check "exactly one script element, ours" sh -c "[ \$(grep -o '<script' '$T/r.html' | wc -l) -eq 1 ]"
check "nothing external: no src=, no stylesheet link, no @import, no url()" \
	sh -c "! grep -Eiq '<[a-z]+ [^>]*src=|<link|@import|url\\(' '$T/r.html'"
check "the script payload is text" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/r.html"
check "the attribute-breaking payload is text" sh -c "grep -q '\"&gt;&lt;img src=x onerror=alert(1)&gt;' '$T/r.html' && ! grep -q '<img' '$T/r.html'"
check "no event handler attributes at all" sh -c "! grep -Eiq '<[^>]+ on[a-z]+=' '$T/r.html'"
check "javascript: is never a link" sh -c "! grep -Eiq 'href=\"[[:space:]]*javascript:' '$T/r.html' && grep -q 'javascript:alert(1)' '$T/r.html'"
check "every link is http(s)" sh -c "grep -o 'href=\"[^\"]*\"' '$T/r.html' | grep -Ev '^href=\"https?://' | grep -q . && exit 1 || exit 0"
check "controls are shown escaped" sh -c "! LC_ALL=C grep -q \"\$(printf '\\033')\" '$T/r.html' && grep -q 'esc\\\\x1b]0;pwned\\\\x07name' '$T/r.html'"
if command -v xmllint >/dev/null; then
	check "libxml2's HTML parser reads it back without errors" sh -c "xmllint --html --noout '$T/r.html' 2>&1 | grep -v 'Tag \\(svg\\|circle\\|rect\\|text\\|title\\|details\\|summary\\|main\\|header\\|section\\|output\\) invalid' | grep -q error && exit 1 || exit 0"
fi
# Same numbers as the JSON report: the gauge, counts and section scores.
check "gauge, counts and section scores match the JSON" "$PY" - "$T/r.html" "$T/r.json" <<'PYEOF'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
s = json.load(open(sys.argv[2]))["summary"]
m = re.search(r'<text id="score"[^>]*>([^<]*)</text>', html)
assert m and m.group(1) == "%.1f%%" % s["score"], m and m.group(1)
for st in ("PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED"):
    assert ('</span>%s %d</li>' % (st, s[st])) in html, st
for sec in s["sections"]:
    v = "n/a" if sec["summary"]["score"] is None else "%.1f%%" % sec["summary"]["score"]
    assert ">%s</text>" % v in html
assert html.count('<tr class="check"') == s["total"]
PYEOF
# A reference with a javascript: URL, from a user's definitions, stays text.
mkdir -p "$T/checks"
cp -R "$top_srcdir/checks/docker" "$T/checks/"
"$PY" - "$T/checks/docker/rules.yaml" <<'PYEOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("      - https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
              "      - javascript:alert(document.domain)\n      - \"JaVaScRiPt:alert(2)\"\n      - https://example.org/a\"onmouseover=\"alert(3)")
open(p, "w").write(s)
PYEOF
"$BOXAUDIT" --checks-dir "$T/checks" --facts "$T/h.json" --check 5.5 --format html > "$T/refs.html"; rc=$?
rc_is 1 "report with hostile references"
check "javascript: references are text, not links" sh -c "grep -q '<span>javascript:alert(document.domain)</span>' '$T/refs.html' && grep -q '<span>JaVaScRiPt:alert(2)</span>' '$T/refs.html' && ! grep -qi 'href=\"javascript' '$T/refs.html'"
check "a URL with a quote is not a link" sh -c "! grep -q 'href=.https://example.org/a' '$T/refs.html' && grep -q '<span>https://example.org/a' '$T/refs.html'"
# A level and assessment no CIS text confirmed say so in every format that shows them.
BOXAUDIT_CHECKS_DIR="$top_srcdir/checks" "$BOXAUDIT" --root "$top_srcdir/tests/cases/kube/managed-gke/root" --no-api \
	--check 3.1.1,3.1.3 \
	-o "$T/u.html" -o "$T/u.sarif" -o "xccdf:$T/u.xccdf.xml" -o "$T/u.json" >/dev/null 2>&1
check "unverified: HTML, XCCDF and SARIF say so for 3.1.1 only" "$PY" - "$T" <<'PYEOF'
import json, sys
d = sys.argv[1]
html = open(d + "/u.html", encoding="utf-8").read()
assert html.count("level and assessment unverified (taken from secondary sources)") == 1, "html"
assert open(d + "/u.xccdf.xml", encoding="utf-8").read().count("level and assessment unverified") == 1, "xccdf"
rules = json.load(open(d + "/u.sarif"))["runs"][0]["tool"]["driver"]["rules"]
un = {r["id"]: r["properties"].get("unverified") for r in rules}
assert un == {"gke-1.9.0:3.1.1": ["level", "assessment"], "gke-1.9.0:3.1.3": None}, un
checks = {c["id"]: c.get("unverified") for c in json.load(open(d + "/u.json"))["checks"]}
assert checks == {"3.1.1": ["level", "assessment"], "3.1.3": None}, checks
PYEOF
done_testing
