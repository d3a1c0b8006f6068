#!/bin/sh
# boxaudit merge: generated host reports plus corrupt, foreign, stale,
# duplicate, missing and hostile-named ones; JSON, text and HTML outputs.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
BOXAUDIT=${BOXAUDIT:-$top/boxaudit}
N=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
notok() { N=$((N + 1)); echo "not ok $N - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
is() { if [ "$1" = "$2" ]; then ok "$3"; else notok "$3" "got:  $1" "want: $2"; fi; }
like() { if printf '%s' "$1" | grep -Eq -- "$2"; then ok "$3"; else notok "$3" "want: /$2/"; fi; }
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is missing"; exit 0; }
PY=$(command -v python3) || { echo "1..0 # SKIP python3 is missing"; exit 0; }
T=$(mktemp -d /tmp/bx-merge.XXXXXX)
trap 'rm -rf "$T"' EXIT
export BOXAUDIT_CHECKS_DIR="$top/checks/docker"

# One real report (the report tests' facts), varied into hosts.
"$BOXAUDIT" --facts "$top/tests/report/data/base-facts.json" --format json > "$T/base.json"
R=$T/reports
"$PY" "$top/tests/fleet/gen-reports.py" "$T/base.json" "$R" 5 --seed 7
now=$(date -u +%s)
ts() { date -u -d "@$(( now - $1 * 3600 ))" +%Y-%m-%dT%H:%M:%SZ; }
# A stale host, and node-0002 twice: an older copy that must lose.
jq --arg t "$(ts 100)" '.host.hostname = "old-node" | .collected_at = $t' "$R/node-0001.json" > "$R/old-node.json"
jq --arg t "$(ts 50)" '.collected_at = $t | .summary.score = 1.5' "$R/node-0002.json" > "$R/node-0002-older.json"
# Hostile hostnames (they end up in text, attributes and link text).
jq '.host.hostname = "<script>alert(1)</script>"' "$R/node-0003.json" > "$R/hostile-1.json"
jq '.host.hostname = "\"><img src=x onerror=alert(1)>"' "$R/node-0004.json" > "$R/hostile-2.json"
jq '.host.hostname = "esc\u001b]0;pwned\u0007name"' "$R/node-0005.json" > "$R/hostile-3.json"
# Bad inputs: every one is skipped and listed, the rest merged.
head -c 3000 "$R/node-0001.json" > "$R/corrupt.json"
echo '{"schema": "something-else/2", "host": {"hostname": "x"}}' > "$R/foreign.json"
echo '[1, 2, 3]' > "$R/array.json"
: > "$R/empty.json"
jq 'del(.host.hostname)' "$R/node-0001.json" > "$R/nohost.json"
printf '{"a":1,"a":2}\n' > "$R/dupkey.json"
echo "not a report" > "$R/README.txt"   # not *.json: not even read
mkdir "$R/subdir" && echo "not a report" > "$R/subdir/notes.txt"   # descended into, nothing to read
printf 'node-0001\n# a comment\n\n  node-0002  \nnode-0003\nnode-0004\nnode-0005\nold-node\nnever-reported\n' > "$T/expected"
hostile=3 good=5
want_hosts=$((good + 1 + hostile))

"$BOXAUDIT" merge "$R" --stale-after 24 --expect-hosts "$T/expected" -o "$T/fleet.json" -o "$T/fleet.html" \
	-o "$T/fleet.txt" 2> "$T/err"; rc=$?
is "$rc" "0" "merge of a directory with bad files exits 0"
F=$T/fleet.json
is "$(jq -r .schema "$F")" "boxaudit-fleet/1" "the fleet report has its schema"
is "$(jq -r .summary.hosts "$F")" "$want_hosts" "every good report is merged ($want_hosts hosts)"
is "$(jq -r '[.skipped[].source | split("/") | last] | sort | join(",")' "$F")" \
	"array.json,corrupt.json,dupkey.json,empty.json,foreign.json,nohost.json" "every bad input is listed as skipped"
is "$(jq -r '.skipped[] | select(.source | endswith("foreign.json")) | .reason' "$F")" \
	"not a boxaudit report (schema 'something-else/2', expected 'boxaudit-report/1' or 'boxaudit-fleet/1')" "a foreign report says why"
is "$(jq -r '.skipped[] | select(.source | endswith("corrupt.json")) | .reason | startswith("not valid JSON")' "$F")" \
	"true" "a truncated report says why"
is "$(jq -r '.skipped[] | select(.source | endswith("dupkey.json")) | .reason | test("duplicate")' "$F")" "true" \
	"duplicate keys are refused"
is "$(grep -c "merge: skipped" "$T/err")" "6" "each skipped input is warned about on stderr"
is "$(jq -r '.duplicates[0] | [.hostname, (.kept | split("/") | last), (.dropped | split("/") | last)] | join(" ")' "$F")" \
	"node-0002 node-0002.json node-0002-older.json" "two reports of one host: the newer is kept"
is "$(jq -r '.hosts[] | select(.hostname == "node-0002") | .summary.score' "$F")" \
	"$(jq -r .summary.score "$R/node-0002.json")" "the kept report's numbers are used"
is "$(jq -r '[.stale[].hostname] | join(",")' "$F")" "old-node" "the 100-hour-old report is stale (--stale-after 24)"
is "$(jq -r '.hosts[] | select(.hostname == "old-node") | .age_hours' "$F")" "100" "its age is reported in hours"
is "$(jq -r '.missing | join(",")' "$F")" "never-reported" "an expected host without a report is missing"
is "$(jq -r '.unexpected | length' "$F")" "$hostile" "hosts not in the expected list are unexpected"
is "$(jq -r '.hosts | map(.hostname) == (map(.hostname) | sort)' "$F")" "true" "hosts are sorted by name"

# The matrix and the worst checks, recomputed independently from the inputs.
kept="$R/node-0001.json $R/node-0002.json $R/node-0003.json $R/node-0004.json $R/node-0005.json $R/old-node.json $R/hostile-1.json $R/hostile-2.json $R/hostile-3.json"
# shellcheck disable=SC2086
jq -s -c '[.[] | {h: .host.hostname, s: [.summary.sections[] | {b: .benchmark, s: .section, score: .summary.score}]}] | sort_by(.h)' $kept > "$T/want-matrix"
jq -c '[.hosts[] | {h: .hostname, s: [.sections[] | {b: .benchmark, s: .section, score}]}]' "$F" > "$T/got-matrix"
if cmp -s "$T/want-matrix" "$T/got-matrix"; then ok "hosts x sections scores equal the hosts' own"
else notok "hosts x sections scores equal the hosts' own" "$(diff "$T/want-matrix" "$T/got-matrix" | head -5)"; fi
# shellcheck disable=SC2086
want_top=$(jq -s -r '[.[] | .checks[] | select(.status == "FAIL") | .id] | group_by(.) | map(length) | max' $kept)
is "$(jq -r '.worst_checks[0].failing_hosts' "$F")" "$want_top" "the worst check fails on the most hosts ($want_top)"
is "$(jq -r '[.worst_checks[] | .failing_hosts + .error_hosts] | . == (sort | reverse)' "$F")" "true" \
	"worst checks are ordered by failing hosts"
c=$(jq -r '.worst_checks[0].id' "$F")
# shellcheck disable=SC2086
is "$(jq -s -r --arg c "$c" '[.[] | select(any(.checks[]; .id == $c and .status == "FAIL")) | .host.hostname] | sort | join(",")' $kept)" \
	"$(jq -r '.worst_checks[0].hosts | map(.hostname) | sort | join(",")' "$F")" "the worst check names exactly its failing hosts"

# HTML: hostile hostnames are text, anchors resolve, nothing runs.
H=$T/fleet.html
if grep -q '<script>alert' "$H" || grep -q '<img src=x' "$H"; then notok "hostile hostnames never become markup"
else ok "hostile hostnames never become markup"; fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$H" && ok "a hostile hostname is shown as text" ||
	notok "a hostile hostname is shown as text"
grep -q 'esc\\x1b\]0;pwned\\x07name' "$H" && ok "control characters are shown escaped" ||
	notok "control characters are shown escaped" "$(grep -o 'esc.\{0,20\}name' "$H" | head -2 | od -c | head -3)"
grep -q "script-src 'none'" "$H" && ok "the CSP allows no script" || notok "the CSP allows no script"
is "$(grep -c '<script' "$H")" "0" "the page has no script element"
"$PY" - "$H" > "$T/anchors" <<'PYEOF'
import sys
from html.parser import HTMLParser
ids, hrefs = set(), []
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"): hrefs.append(a["href"][1:])
        for k, v in attrs:
            if k.startswith("on"): print("handler", k)
            if k == "href" and v and not v.startswith("#"): print("external", v)
P().feed(open(sys.argv[1], encoding="utf-8").read())
print("links", len(hrefs), "broken", len([h for h in hrefs if h not in ids]))
PYEOF
links=$(sed -n 's/^links \([0-9]*\) broken.*/\1/p' "$T/anchors")
is "$(grep -v '^links' "$T/anchors"; sed -n 's/^links [0-9]* broken \([0-9]*\)/broken \1/p' "$T/anchors")" "broken 0" \
	"every drill-down link ($links) has its anchor; no handler, no external link"
cells=$(jq '[.hosts[].sections | length] | add' "$F")
is "$(grep -o 'href="#host-[0-9]*-s[0-9]*"' "$H" | sort -u | wc -l | tr -d ' ')" "$cells" \
	"each matrix cell links to that host's section ($cells cells)"
t1=$(jq -r '.sections[0] | .benchmark + " \u00a7" + .section + " " + .title' "$F")
is "$(grep -c "id=\"host-1-s1\">$t1: " "$H")" "1" "a host's section heading names the section ($t1)"
is "$(grep -o '<section class="host" id="host-[0-9]*"' "$H" | wc -l | tr -d ' ')" "$want_hosts" "one drill-down section per host"
grep -q 'never-reported' "$H" && grep -q 'Stale hosts' "$H" && grep -q 'Skipped inputs' "$H" &&
	ok "the page lists missing, stale and skipped" || notok "the page lists missing, stale and skipped"
grep -q "old-node" "$T/fleet.txt" && grep -q "STALE" "$T/fleet.txt" && grep -q "esc\\\\x1b" "$T/fleet.txt" &&
	ok "the text summary shows hosts, staleness, escaped names" || notok "the text summary" "$(head -20 "$T/fleet.txt")"

# Without --stale-after nothing is stale; without --expect-hosts missing is null.
"$BOXAUDIT" merge -q "$R" --format json > "$T/plain.json" 2>/dev/null
is "$(jq -c '[.summary.stale, .summary.missing]' "$T/plain.json")" "[0,null]" "staleness and missing hosts are opt-in"
is "$(jq -r .summary.skipped "$T/plain.json")" "6" "-q: skipped inputs are still listed"

# JSON lines (as kubectl logs prints the DaemonSet's reports), from a file and stdin.
"$PY" "$top/tests/fleet/gen-reports.py" "$T/base.json" "$T/l" 4 --seed 3 --prefix ln- --jsonl "$T/logs.jsonl"
{ echo "boxaudit-entrypoint: scan failed (exit 2)"; head -n 2 "$T/logs.jsonl"; echo '{"schema": "boxaudit-report/1", "trunc'; \
  echo; tail -n 2 "$T/logs.jsonl"; } > "$T/pods.log"
"$BOXAUDIT" merge "$T/pods.log" --format json > "$T/l.json" 2>/dev/null; rc=$?
is "$rc:$(jq -r .summary.hosts "$T/l.json")" "0:4" "a JSON-lines log: every report line merged"
is "$(jq -r '.skipped[0].source | split("/") | last' "$T/l.json")" "pods.log:4" "a corrupt line is skipped and named by line"
is "$(jq -r .summary.ignored_lines "$T/l.json")" "1" "log noise that is not JSON is ignored and counted"
is "$("$BOXAUDIT" merge - --format json < "$T/logs.jsonl" 2>/dev/null | jq -r .summary.hosts)" "4" "reports on standard input (-)"

# Nothing to merge is an error; so are bad options.
"$BOXAUDIT" merge "$R/corrupt.json" "$R/foreign.json" "$T/does-not-exist.json" --format json > "$T/none.json" 2> "$T/none.err"; rc=$?
is "$rc" "2" "nothing mergeable: exit 2"
grep -q "no host report could be merged" "$T/none.err" && ok "and it says so" || notok "and it says so" "$(cat "$T/none.err")"
is "$(jq -r '.skipped | length' "$T/none.json")" "3" "the fleet report still lists what was skipped (a missing file too)"
"$BOXAUDIT" merge "$R/node-0001.json" "$T/does-not-exist.json" --format json > /dev/null 2>&1; rc=$?
is "$rc" "0" "a missing file among good ones: skipped, exit 0"
"$BOXAUDIT" merge > /dev/null 2>&1; is "$?" "2" "merge without inputs is a usage error"
"$BOXAUDIT" merge "$R" --stale-after soon > /dev/null 2>&1; is "$?" "2" "--stale-after takes hours"
"$BOXAUDIT" merge "$R" --expect-hosts "$T/nope" > /dev/null 2>&1; is "$?" "2" "an unreadable --expect-hosts is exit 2"
"$BOXAUDIT" merge "$R" --format junit > /dev/null 2>&1; is "$?" "2" "merge refuses formats it does not write"
"$BOXAUDIT" --stale-after 3 --facts "$top/tests/report/data/base-facts.json" > /dev/null 2>&1
is "$?" "2" "--stale-after outside merge is a usage error"
# Every fleet document above follows reports/boxaudit-fleet.schema.json.
# A report from the future claiming another host's name: flagged, never
# preferred to the real one, and both listed as a conflict.
mkdir -p "$T/future"
cp "$R/node-0001.json" "$T/future/real.json"
jq '.collected_at = "2099-01-01T00:00:00Z" | .summary.score = 100 | .summary.FAIL = 0' "$R/node-0001.json" > "$T/future/forged.json"
"$BOXAUDIT" merge "$T/future" --format json > "$T/fut.json" 2>/dev/null
"$BOXAUDIT" merge "$T/future" --format text > "$T/fut.txt" 2>/dev/null
is "$(jq -r '.hosts[0].source | split("/") | last' "$T/fut.json")" "real.json" "a report from the future does not displace the real one"
is "$(jq -r '.hosts[0].summary.score' "$T/fut.json")" "$(jq -r .summary.score "$R/node-0001.json")" "the host keeps its real score"
is "$(jq -r '.duplicates[0].reports | map((.source | split("/") | last) + ":" + (.future | tostring)) | join(" ")' "$T/fut.json")" \
	"real.json:false forged.json:true" "both reports are listed as a conflict, the forged one flagged"
"$BOXAUDIT" merge "$T/future/forged.json" --format json > "$T/fut1.json" 2>/dev/null
is "$(jq -r '.hosts[0] | [.future, .stale] | map(tostring) | join(" ")' "$T/fut1.json")" "true true" "alone, it is flagged and stale, not current"
like "$(cat "$T/fut.txt")" "Conflicting reports" "the text output says there is a conflict"
"$BOXAUDIT" merge "$T/future/forged.json" --format text > "$T/fut1.txt" 2>/dev/null
like "$(cat "$T/fut1.txt")" "FROM THE FUTURE" "the text output flags the host"

# A merge of merges (docs/FLEET.md, "Beyond one machine"): ten clusters of
# 100 hosts, each merged on its own as its Job would, then the ten fleet
# reports merged once more, equal the 1,000 hosts merged at once: hosts,
# matrix, worst checks, stale, missing, conflicts and skipped inputs.
S=$T/shards
"$PY" "$top/tests/fleet/gen-reports.py" "$T/base.json" "$S/all" 1000 --seed 11
k=0
while [ $k -lt 10 ]; do
	mkdir -p "$S/clusters/c$k"
	ls "$S/all" | sort | head -n 100 | while read -r f; do mv "$S/all/$f" "$S/clusters/c$k/"; done
	k=$((k + 1))
done
jq --arg t "$(ts 200)" '.collected_at = $t' "$S/clusters/c3/node-0301.json" > "$S/x" && mv "$S/x" "$S/clusters/c3/node-0301.json"
jq --arg t "$(ts 150)" '.collected_at = $t' "$S/clusters/c0/node-0005.json" > "$S/clusters/c7/node-0005-moved.json"
head -c 500 "$S/clusters/c5/node-0501.json" > "$S/clusters/c5/broken.json"
{ seq -f 'node-%04g' 1 1000; echo node-lost; } > "$S/expected"
mkdir -p "$S/fleets"
k=0
while [ $k -lt 10 ]; do
	"$BOXAUDIT" merge -q "$S/clusters/c$k" -o "json:$S/fleets/c$k.json" || notok "cluster c$k merges"
	k=$((k + 1))
done
"$BOXAUDIT" merge -q "$S/clusters" --stale-after 100 --expect-hosts "$S/expected" -o "$S/once.json" -o "$S/once.txt"
"$BOXAUDIT" merge -q "$S/fleets" --stale-after 100 --expect-hosts "$S/expected" -o "$S/twice.json" -o "$S/twice.txt" -o "$S/twice.html"
is "$(jq -r .summary.hosts "$S/once.json"):$(jq -r .summary.hosts "$S/twice.json")" "1000:1000" \
	"the clusters' subdirectories are descended into; the ten fleet reports hold the 1,000 hosts"
# Ages are computed at each merge's own second: compared apart, to the tenth of an hour.
is "$(jq -S 'del(.generated_at) | .hosts[] |= del(.age_hours) | .stale[] |= del(.age_hours)' "$S/once.json" | cksum)" \
   "$(jq -S 'del(.generated_at) | .hosts[] |= del(.age_hours) | .stale[] |= del(.age_hours)' "$S/twice.json" | cksum)" \
	"ten shards of 100 merged again equal the 1,000 hosts merged at once"
is "$(jq -c '[.summary.documents, .summary.skipped, .summary.duplicates, .summary.stale, .summary.missing, (.worst_checks | length)]' "$S/twice.json")" \
   "$(jq -c '[.summary.documents, .summary.skipped, .summary.duplicates, .summary.stale, .summary.missing, (.worst_checks | length)]' "$S/once.json")" \
	"documents, skipped, conflicts, stale, missing and worst checks agree"
is "$(jq -c '[.summary.documents, .summary.skipped, .summary.duplicates, .summary.stale, .summary.missing]' "$S/twice.json")" "[1002,1,1,1,1]" \
	"the shards' broken file, the conflict across two clusters, the stale hosts and the lost one all reach the top"
is "$(jq -r '.duplicates[0] | [.hostname, (.kept | split("/") | last), (.dropped | split("/") | last)] | join(" ")' "$S/twice.json")" \
	"node-0005 node-0005.json node-0005-moved.json" "a host reported in two clusters: the newer report is kept"
is "$(head -1 "$S/twice.txt")" "$(head -1 "$S/once.txt")" "the text outputs' summaries agree"
is "$(grep -c 'href="#host-1000"' "$S/twice.html")" "1" "the top page links every host"
"$BOXAUDIT" merge -q "$S/fleets/c1.json" "$S/clusters/c2" -o "json:$S/mixed.json"
is "$(jq -r .summary.hosts "$S/mixed.json")" "200" "fleet reports and host reports merge together"

if "$PY" -c 'import jsonschema' 2>/dev/null; then
	for f in "$F" "$T/plain.json" "$T/l.json" "$T/none.json" "$T/fut.json" "$S/fleets/c0.json" "$S/twice.json"; do
		out=$("$PY" - "$top/reports/boxaudit-fleet.schema.json" "$f" 2>&1 <<'PYEOF'
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(s)
for e in list(jsonschema.Draft202012Validator(s).iter_errors(json.load(open(sys.argv[2]))))[:5]:
    print(list(e.path), e.message[:200])
PYEOF
)
		is "$out" "" "$(basename "$f") follows the fleet schema"
	done
	jq '.extra = 1 | .hosts[0].summary.FAIL = -1' "$F" > "$T/badfleet.json"
	out=$("$PY" -c 'import json, sys, jsonschema; print(len(list(jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).iter_errors(json.load(open(sys.argv[2]))))))' \
		"$top/reports/boxaudit-fleet.schema.json" "$T/badfleet.json")
	is "$out" "2" "the schema rejects an unknown member and a negative count"
else
	ok "# SKIP python3-jsonschema is not installed"
fi
echo "1..$N"
