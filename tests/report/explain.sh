#!/bin/sh
# boxaudit explain: every check of every benchmark explains cleanly (exit
# 0, every section there and not empty, the rule's test in sentences with
# what it reads and where that comes from); an unknown id is exit 2 with
# the nearest ids.  TAP.
. "$(dirname "$0")/lib.sh"
BOXAUDIT_CHECKS_DIR=$top_srcdir/checks
export BOXAUDIT_CHECKS_DIR

check "every check of every benchmark explains, with every section filled" "$PY" - "$BOXAUDIT" <<'PYEOF'
import re, subprocess, sys
bx = sys.argv[1]
out = subprocess.run([bx, "list"], capture_output=True, text=True, check=True).stdout
benches = [l.split()[0] for l in out.splitlines() if l and not l.startswith(" ")]
assert len(benches) >= 6, benches
sections = ["Ids across benchmark versions", "Rationale", "How boxaudit evaluates it", "Remediation", "References"]
n = 0
bad = []
for b in benches:
    lst = subprocess.run([bx, "list", "--benchmark", b], capture_output=True, text=True, check=True).stdout
    ids = [l.split()[0] for l in lst.splitlines() if l.startswith("  ")]
    assert ids, b
    for i in ids:
        r = subprocess.run([bx, "explain", i, "--benchmark", b], capture_output=True, text=True)
        n += 1
        t = r.stdout
        why = []
        if r.returncode != 0 or r.stderr:
            why.append("exit %d %s" % (r.returncode, r.stderr.strip()))
        if not t.startswith(i + "  "):
            why.append("does not start with the id")
        if "(%s)" % b not in t.split("\n")[1]:
            why.append("not the benchmark asked for")
        for s in sections:
            m = re.search(r"^%s\n((?:  .*\n)+)" % re.escape(s), t, re.M)
            if not m or "(none)" in m.group(1).split("\n")[0]:
                why.append("section %r missing or empty" % s)
        if "What it reads, and where each comes from:\n  - " not in t:
            why.append("no list of what it reads")
        if "a fact no built-in collector fills" in t:
            why.append("a fact with no known source")
        if "  %-22s " % b not in t:
            why.append("its own benchmark is not among the ids across versions")
        if why:
            bad.append("%s %s: %s" % (b, i, "; ".join(why)))
for x in bad[:20]:
    print(x)
print("%d checks explained" % n)
sys.exit(1 if bad or n < 300 else 0)
PYEOF

"$BOXAUDIT" explain 2.2 --benchmark cis-docker-1.8.0 > "$T/e.txt" 2>&1; rc=$?
rc_is 0 "explain 2.2 --benchmark cis-docker-1.8.0"
check "the rule is rendered as sentences over the facts it reads" grep -q '^    - the fact docker.daemon.settings.icc is false$' "$T/e.txt"
check "each fact read says where it comes from" grep -q 'fact docker.daemon.settings.icc: dockerd.s effective configuration' "$T/e.txt"
check "the fix remediate would apply is shown" grep -q 'daemon_json.*"icc":false' "$T/e.txt"
"$BOXAUDIT" explain 2.8 > "$T/r.txt" 2>&1; rc=$?
rc_is 0 "explain 2.8 without --benchmark: the newest benchmark of each platform that has it"
check "... the ids across versions follow the rule through the renumbering" "$PY" - "$T/r.txt" <<'PYEOF'
import sys
t = open(sys.argv[1]).read()
assert "cis-docker-1.8.0 v" in t or "(cis-docker-1.8.0)" in t, t[:300]
ids = {l.split()[0]: l.split(None, 1)[1] for l in t.split("Ids across benchmark versions\n")[1].split("\n\n")[0].splitlines()}
# 2.8 of v1.8.0 was 2.7 before the renumbering of section 2
assert ids["cis-docker-1.8.0"] == "2.8" and ids["cis-docker-1.7.0"] == "2.7", ids
PYEOF
"$BOXAUDIT" explain cis-docker-1.6.0:5.4 > "$T/b.txt" 2>&1; rc=$?
rc_is 0 "explain BENCHMARK:ID"
check "... explains that benchmark's check" grep -q '(cis-docker-1.6.0)' "$T/b.txt"
"$BOXAUDIT" explain kube.read-only-port > "$T/k.txt" 2>&1; rc=$?
rc_is 0 "explain a rule key"
check "... a manual check says what a person reviews" sh -c '"$1" explain 1.2.1 --benchmark cis-docker-1.8.0 | grep -q "A person decides (MANUAL)"' _ "$BOXAUDIT"
"$BOXAUDIT" explain 5.55 --benchmark cis-docker-1.8.0 > "$T/u.txt" 2> "$T/u.err"; rc=$?
rc_is 2 "an unknown id is exit 2"
check "... with the nearest ids" grep -q "no check '5.55' in cis-docker-1.8.0; the nearest: 5\.5" "$T/u.err"
check "... and nothing on standard output" test ! -s "$T/u.txt"
"$BOXAUDIT" explain >/dev/null 2>&1; rc=$?
rc_is 2 "explain without an id is a usage error"
done_testing
