#!/bin/sh
# JUnit: schema-valid (Jenkins junit-10.xsd), counts as in the JSON report,
# hostile names escaped, and read by a real consumer (junitparser).
. "$(dirname "$0")/lib.sh"
facts h web "$HOSTILE_1:privileged" "$HOSTILE_2:privileged" "$HOSTILE_3" "$HOSTILE_4:privileged"
"$BOXAUDIT" --facts "$T/h.json" -o "$T/r.xml" -o "$T/r.json" -o junit:"$T/r.junit"; rc=$?
rc_is 1 "junit report written; a check fails"
check "the .xml extension selects junit" cmp -s "$T/r.xml" "$T/r.junit"
if command -v xmllint >/dev/null; then
	check "valid against the Jenkins JUnit schema" xmllint --noout --schema "$top_srcdir/tests/junit/junit-10.xsd" "$T/r.xml"
else
	ok "# SKIP xmllint is not installed"
fi
check "the hostile script tag is escaped" sh -c "! grep -q '<script>' '$T/r.xml' && grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' '$T/r.xml'"
check "no raw control characters (XML 1.0 forbids them)" sh -c "! LC_ALL=C grep -q \"\$(printf '\\033')\" '$T/r.xml' && grep -q 'esc\\\\x1b]0;pwned\\\\x07name' '$T/r.xml'"
# Counts: every testsuite and the root agree with the JSON summary.
check "counts agree with the JSON report" "$PY" - "$T/r.xml" "$T/r.json" <<'PYEOF'
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
doc = json.load(open(sys.argv[2]))
s = doc["summary"]
assert root.tag == "testsuites"
assert int(root.get("tests")) == s["total"], (root.get("tests"), s["total"])
assert int(root.get("failures")) == s["FAIL"]
assert int(root.get("errors")) == s["ERROR"]
suites = root.findall("testsuite")
assert len(suites) == len(s["sections"])
for suite, sec in zip(suites, s["sections"]):
    ss = sec["summary"]
    assert suite.get("name") == "%s.%s" % (sec["benchmark"], sec["section"])
    cases = suite.findall("testcase")
    assert len(cases) == ss["total"] == int(suite.get("tests"))
    assert len([c for c in cases if c.find("failure") is not None]) == ss["FAIL"] == int(suite.get("failures"))
    assert len([c for c in cases if c.find("error") is not None]) == ss["ERROR"] == int(suite.get("errors"))
    assert len([c for c in cases if c.find("skipped") is not None]) == ss["MANUAL"] + ss["SKIP"] + ss["WAIVED"] == int(suite.get("skipped"))
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    want = "n/a" if ss["score"] is None else "%.1f" % ss["score"]
    assert props["section_score"] == want, (props["section_score"], want)
    for c in cases:
        assert c.get("classname") == suite.get("name")
# 5.5 fails with the hostile names in its text, as text.
c55 = [c for c in root.iter("testcase") if c.get("name").startswith("5.5 ")][0]
text = c55.find("failure").text
assert "<script>alert(1)</script>" in text and '"><img src=x onerror=alert(1)>' in text, text
PYEOF
# A real consumer: junitparser (Debian python3-junitparser), if installable.
if ! /usr/bin/python3 -c 'import junitparser' 2>/dev/null && [ "$(id -u)" = 0 ] && [ -z "$BOXAUDIT_NO_INSTALL" ]; then
	apt-get install -y -q python3-junitparser >/dev/null 2>&1
fi
if /usr/bin/python3 -c 'import junitparser' 2>/dev/null; then
	check "junitparser reads it with the same counts" /usr/bin/python3 - "$T/r.xml" "$T/r.json" <<'PYEOF'
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
s = json.load(open(sys.argv[2]))["summary"]
tests = fails = errors = skipped = 0
for suite in xml:
    for case in suite:
        tests += 1
        kinds = [type(r) for r in case.result]
        fails += Failure in kinds
        errors += Error in kinds
        skipped += Skipped in kinds
assert (tests, fails, errors) == (s["total"], s["FAIL"], s["ERROR"]), (tests, fails, errors)
assert skipped == s["MANUAL"] + s["SKIP"] + s["WAIVED"]
PYEOF
else
	ok "# SKIP junitparser is not installed (apt-get install python3-junitparser)"
fi
done_testing
