#!/bin/sh
# A hostile or broken Docker daemon, end to end: the real boxaudit against
# tests/api/fake_engine.py in each of its misbehaviours, with a fixture
# --root for sections 1-3.  For each: bounded time (the timeouts), bounded
# memory (the caps), a clear ERROR on the API checks, the rest of the audit
# intact, and exit 0 or 1 (never a crash).
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup daemon
command -v python3 >/dev/null 2>&1 || h_skip "python3 is not installed"
D=$H_DIR
h_base "$D/root"

# engine NAME SCRIPT ARGS...: start a fake engine on $D/NAME.sock.
engine() {
	n=$1; shift
	python3 "$@" --unix "$D/$n.sock" > "$D/$n.log" 2>&1 &
	H_PIDS="${H_PIDS:-} $!"
	i=0
	while [ ! -S "$D/$n.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
FAKE="$top/tests/api/fake_engine.py"
API="--timeout 1500 --connect-timeout 500 --benchmark cis-docker-1.8.0 --format json"

# mode FAULT_PATH REASON_ERE: one misbehaviour on every path under FAULT_PATH.
for spec in \
	"hang|/containers|no answer from .* within [0-9]+ ms" \
	"slowloris|/containers|too slow" \
	"endless|/containers|exceeds 67108864 bytes|too slow" \
	"short|/containers|(transferred a partial file|partial|Content-Length|closed)" \
	"chunked|/containers|(chunk|Chunk|invalid|malformed)" \
	"truncated|/containers|(end of file|premature|expected)" \
	"invalid|/containers|(invalid|not JSON|expected|content type)" \
	"http500|/containers|(500|boom)" \
	"deep|/containers|(depth|nesting|too deep|maximum)" \
	"huge|/containers/json|exceeds 67108864 bytes" \
	"hang||no answer from .* within" ; do
	mode=${spec%%|*}; rest=${spec#*|}; fp=${rest%%|*}; want=${rest#*|}
	n="$mode$(echo "$fp" | tr -d /)"
	engine "$n" "$FAKE" --mode "$mode" --fault-path "$fp"
	h_audit "$D/$n" --root "$D/root" --docker-host "unix://$D/$n.sock" $API
	r=$(rc "$D/$n")
	case "$r" in 0|1) ok "$n: exit $r (not a crash or a hang)" ;; *) notok "$n: exit 0 or 1" "got $r" "$(head -c 1000 "$D/$n.err")" ;; esac
	secs=$(cat "$D/$n.secs")
	if awk -v s="$secs" 'BEGIN { exit !(s < 12) }'; then ok "$n: done in $secs s (< 12 s)"; else notok "$n: done in < 12 s" "took $secs s"; fi
	m=$(rss "$D/$n")
	if under_kb "$m" 204800; then ok "$n: max RSS $m KB (< 200 MB)"; else notok "$n: max RSS < 200 MB" "got $m KB"; fi
	is "$(status "$D/$n" 5.4)" ERROR "$n: 5.4 (privileged containers) is ERROR"
	like "$(reason "$D/$n" 5.4)" "$want" "$n: 5.4 says why: /$want/"
	is "$(status "$D/$n" 4.1)" ERROR "$n: 4.1 (container user) is ERROR"
	# The host files are judged as without a daemon.
	is "$(status "$D/$n" 3.2)" FAIL "$n: 3.2 (docker.service mode 0666) still FAIL"
	is "$(status "$D/$n" 1.1.3)" FAIL "$n: 1.1.3 (no audit rule) still FAIL"
	is "$(jq '[.checks[] | select(.status == "PASS")] | length > 0' "$D/$n.json")" true "$n: other checks still PASS"
done

# Many containers with long names (4 KB each): every container is judged.
N=${HOSTILE_CONTAINERS:-1000}
engine many "$top/tests/hostile/many_engine.py" --containers "$N" --name-len 4096
h_audit "$D/many" --root "$D/root" --docker-host "unix://$D/many.sock" --timeout 10000 \
	--benchmark cis-docker-1.8.0 --check '5.*,4.1' -o "json:$D/many.r.json"
mv "$D/many.r.json" "$D/many.json" 2>/dev/null
is "$(rc "$D/many")" 1 "$N long-named containers: the audit completes (exit 1)"
is "$(jq '[.checks[] | select(.id == "5.4") | .findings | length] | first' "$D/many.json")" "$N" \
	"$N long-named containers: 5.4 has a finding per container"
# Names are cut in the middle for display (bounded report size), and stay distinct.
is "$(jq -r '[.checks[] | select(.id == "5.4") | .findings[] | select((.target | length) <= 160 and (.target | test("bytes cut")))] | length' "$D/many.json")" "$N" \
	"$N long-named containers: the findings name them, cut to a bounded length"
is "$(jq -r '[.checks[] | select(.id == "5.4") | .findings[].target] | unique | length' "$D/many.json")" "$N" \
	"$N long-named containers: the cut names are still distinct"
secs=$(cat "$D/many.secs"); m=$(rss "$D/many")
if awk -v s="$secs" 'BEGIN { exit !(s < 60) }'; then ok "$N long-named containers: $secs s (< 60 s)"; else notok "$N long-named containers: < 60 s" "took $secs s"; fi
if under_kb "$m" 512000; then ok "$N long-named containers: max RSS $m KB (< 500 MB)"; else notok "$N long-named containers: max RSS < 500 MB" "got $m KB"; fi
echo "# $N containers with 4 KB names: $secs s, max RSS $m KB, report $(wc -c < "$D/many.json") bytes"

# --deadline: 160 containers each answered just inside --timeout would take
# 160/16 x 1 s; the API phase stops at the deadline, what is left is ERROR
# "deadline reached", and the rest of the audit is intact.
engine slow "$FAKE" --mode slow --fault-path /containers/ --delay 1000 --containers 160
h_audit "$D/slow" --root "$D/root" --docker-host "unix://$D/slow.sock" --timeout 2000 --deadline 2 \
	--benchmark cis-docker-1.8.0 --check '5.4,2.2' --format json
is "$(rc "$D/slow")" 1 "deadline: the audit completes (exit 1)"
secs=$(cat "$D/slow.secs")
if awk -v s="$secs" 'BEGIN { exit !(s < 6) }'; then ok "deadline: done in $secs s (without it: 10 s or more)"; else notok "deadline: done in < 6 s" "took $secs s"; fi
like "$(jq -r '[.checks[] | select(.id == "5.4") | .findings[] | select(.status == "ERROR") | .note] | first' "$D/slow.json")" \
	"deadline reached: the Engine API phase is bounded to 2 s" "deadline: the containers left are ERROR, saying why"
like "$(jq -r '[.checks[] | select(.id == "5.4") | .findings | length] | first' "$D/slow.json")" "^160$" "deadline: every container still has a finding"
is "$(status "$D/slow" 2.2)" FAIL "deadline: the daemon's configuration checks are intact"

h_done
