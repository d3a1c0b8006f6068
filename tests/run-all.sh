#!/bin/sh
# The whole test suite: make check in the normal build, then again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build, both configured with
# --enable-werror (warnings are errors, tests included).  Ends with the
# line "N passed, N failed" counted over every test point of both runs.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
pass=0
fail=0
status=0

count() {
	# Automake's summary of one run, from its test-suite.log.
	log=$1
	p=$(sed -n 's/^# PASS: *\([0-9]*\)/\1/p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *\([0-9]*\)/\1/p' "$log" | head -1)
	e=$(sed -n 's/^# ERROR: *\([0-9]*\)/\1/p' "$log" | head -1)
	x=$(sed -n 's/^# XPASS: *\([0-9]*\)/\1/p' "$log" | head -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0} + ${e:-0} + ${x:-0}))
}

run_check() {
	dir=$1
	shift
	if make -C "$dir" -j2 check "$@" > "$dir/check.out" 2>&1; then :; else status=1; fi
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$dir/check.out" | grep -v '^PASS' || true
	if [ -f "$dir/test-suite.log" ]; then
		count "$dir/test-suite.log"
		grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR)' "$dir/test-suite.log" | sed "s|^|$(basename "$dir"): |"
	else
		echo "$(basename "$dir"): make check did not run; last lines:"
		tail -30 "$dir/check.out"
		fail=$((fail + 1))
	fi
}

[ -x configure ] || ./autogen.sh
# A tree configured without --enable-werror (by hand, or by "bootstrap.sh
# audit") is configured again with it.
grep -q '^WARN_CFLAGS = .*-Werror' Makefile 2>/dev/null || ./configure -q --enable-werror
make -j2 >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
run_check "$top"

# The same suite under ASan and UBSan, in a copy of the tree (automake
# allows no second build beside an in-tree one).
san="$top/build-asan"
rm -rf "$san"
mkdir -p "$san"
tar --exclude=./build-asan --exclude=./.git -cf - . | tar -xf - -C "$san"
if (cd "$san" && { [ ! -f Makefile ] || make distclean >/dev/null 2>&1; } &&
    ./configure -q --enable-werror --enable-asan --enable-ubsan && make -j2 >/dev/null 2>&1); then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_check "$san"
else
	echo "sanitizer build failed"
	fail=$((fail + 1))
	status=1
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && exit 0
exit 1
