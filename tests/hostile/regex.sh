#!/bin/sh
# A regular expression that runs into pcre2's match limit is ERROR, never
# "no match": an image history line with "-q" repeated a million times
# must not PASS 4.7 where the same line with one "-q" FAILs.  TAP.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup regex
command -v python3 >/dev/null 2>&1 || h_skip "python3 is not installed"
D=$H_DIR
python3 - "$top/tests/cases/docker/containers-good/facts.json" "$D" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
img = f["docker"]["api"]["images"][0]
for name, line in (("one", "/bin/sh -c apt-get update -q"),
                   ("many", "/bin/sh -c apt-get update" + " -q" * 1000000)):
    img["history"] = [{"CreatedBy": line}]
    json.dump(f, open("%s/%s.facts" % (sys.argv[2], name), "w"))
PY
for c in one many; do
	h_audit "$D/$c" --facts "$D/$c.facts" --benchmark cis-docker-1.8.0 --check 4.7 --format json
done
is "$(status "$D/one" 4.7)" FAIL "4.7 FAILs on 'apt-get update -q'"
is "$(status "$D/many" 4.7)" ERROR "4.7 is ERROR when the match limit is hit, not PASS"
like "$(jq -r '.checks[0].findings[0].note' "$D/many.json")" "match limit exceeded" "the finding says the match limit was hit"
h_done
