#!/bin/sh
# Benchmark (not a test): "boxaudit merge" of N host reports, for N = 1000 and
# 10000 (or the sizes given as arguments), as separate files in a directory
# and as one JSON-lines file (the DaemonSet's log).
#
#   bench/merge.sh [N...]
#
# The reports are a real report (this host's audit, JSON) varied per host by
# tests/fleet/gen-reports.py: own hostname and time, a tenth of the checks
# flipped.  For each N it prints the input size, the wall time and the peak
# RSS of the merge (JSON and HTML outputs; best of BENCH_REPEAT runs,
# default 3).  Memory should stay near that of merging one report: reports
# are read one at a time and only their summaries are kept.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BOXAUDIT=${BOXAUDIT:-$top/boxaudit}
[ $# -gt 0 ] || set -- 1000 10000
repeat=${BENCH_REPEAT:-3}
command -v /usr/bin/time >/dev/null 2>&1 || { echo "bench: needs GNU time (/usr/bin/time)" >&2; exit 1; }
work=$(mktemp -d /tmp/bx-bench-merge.XXXXXX)
trap 'rm -rf "$work"' EXIT
# This host's own report (no Engine API: the report's size is what matters).
"$BOXAUDIT" --no-api --format json > "$work/base.json" || [ $? -eq 1 ]
echo "base report: $(wc -c < "$work/base.json") bytes, $(jq '.checks | length' "$work/base.json") checks"
printf '%-6s %-6s %10s %9s %10s\n' N input MB seconds "peak RSS MB"
for n in "$@"; do
	rm -rf "$work/r" "$work/all.jsonl"
	python3 "$top/tests/fleet/gen-reports.py" "$work/base.json" "$work/r" "$n" --seed "$n"
	python3 "$top/tests/fleet/gen-reports.py" "$work/base.json" "$work/r-unused" "$n" --seed "$n" --jsonl "$work/all.jsonl"
	for kind in dir jsonl; do
		if [ "$kind" = dir ]; then in=$work/r; mb=$(du -sm "$in" | cut -f1); else in=$work/all.jsonl; mb=$(du -m "$in" | cut -f1); fi
		best_t="" best_m=""
		i=0
		while [ $i -lt "$repeat" ]; do
			/usr/bin/time -f '%e %M' -o "$work/t" "$BOXAUDIT" merge "$in" -q \
				-o "$work/fleet.json" -o "$work/fleet.html" || { echo "bench: merge failed" >&2; exit 1; }
			read -r t m < "$work/t"
			if [ -z "$best_t" ] || awk "BEGIN { exit !($t < $best_t) }"; then best_t=$t best_m=$m; fi
			i=$((i + 1))
		done
		hosts=$(jq .summary.hosts "$work/fleet.json")
		[ "$hosts" -eq "$n" ] || { echo "bench: merged $hosts hosts of $n" >&2; exit 1; }
		printf '%-6s %-6s %10s %9s %10s\n' "$n" "$kind" "$mb" "$best_t" "$((best_m / 1024))"
	done
done
