#!/bin/sh
# Run every libFuzzer target for a given time and print, per target, the
# time, executions, executions per second and crashes.
#
#   tests/fuzz/budget.sh [-j JOBS] SECONDS [TARGET...]
#
# Targets are BUILDDIR/tests/fuzz/out/fuzz_* (make fuzz builds them; set
# FUZZ_OUT to use another directory); they run JOBS at a time (default 2).
# Each target starts from its seed corpus tests/fuzz/corpus/NAME and
# writes new inputs to a scratch copy, so the seeds stay as committed.
# Crashing inputs are saved to tests/fuzz/crashes/NAME/ and logs to
# FUZZ_LOGS (default /tmp/fuzz-logs).  Exit status 1 if any target crashed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jobs=2
if test "${1:-}" = -j; then jobs=$2; shift 2; fi
secs=${1:?usage: budget.sh [-j JOBS] SECONDS [TARGET...]}
shift
out=${FUZZ_OUT:-$(pwd)/tests/fuzz/out}
test -d "$out" || out=$here/out
logs=${FUZZ_LOGS:-/tmp/fuzz-logs}
mkdir -p "$logs"
if test $# -eq 0; then
	set -- $(cd "$out" && ls fuzz_* | sed 's/^fuzz_//')
fi

# max_len per target: definition files and their libraries are large.
maxlen() {
	case $1 in defs|facts) echo 262144 ;; inspect|report|ocispec) echo 65536 ;; *) echo 16384 ;; esac
}

# fuzz_report reads what fuzz_inspect reads: same seeds and dictionary.
seeds() {
	case $1 in report) echo inspect ;; *) echo "$1" ;; esac
}

run_one() {
	t=$1
	bin=$out/fuzz_$t
	test -x "$bin" || { echo "$t: no $bin (run make fuzz)" >"$logs/$t.summary"; return; }
	work=$logs/$t.corpus
	crashes=$here/crashes/$t
	mkdir -p "$work" "$crashes"
	s=$(seeds "$t")
	cp -n "$here/corpus/$s"/* "$work"/ 2>/dev/null || true
	dict=
	test -f "$here/$s.dict" && dict=-dict=$here/$s.dict
	start=$(date +%s)
	stamp=$logs/$t.stamp
	: >"$stamp"
	# libFuzzer stops at the first crash and saves the input in $crashes.
	"$bin" -max_total_time="$secs" -print_final_stats=1 -max_len="$(maxlen "$t")" \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" $dict \
		"$work" >"$logs/$t.log" 2>&1 || true
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -n 1)
	ncrash=$(find "$crashes" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	el=$((end - start))
	test "$el" -gt 0 || el=1
	printf '%-8s time %5ss  execs %10s  exec/s %7s  crashes %s\n' "$t" "$el" "${execs:-?}" \
		"$(( ${execs:-0} / el ))" "$ncrash" >"$logs/$t.summary"
}

# JOBS lanes, each running its share of the targets one after another.
lane=0
while test "$lane" -lt "$jobs"; do
	(
		i=0
		for t in "$@"; do
			test $((i % jobs)) -ne "$lane" || run_one "$t"
			i=$((i + 1))
		done
	) &
	lane=$((lane + 1))
done
wait
status=0
for t in "$@"; do
	cat "$logs/$t.summary"
	grep -q 'crashes 0$' "$logs/$t.summary" || status=1
done
exit $status
