# Shared by the live Kubernetes tests (tests/kube/*-live.sh): TAP helpers
# and reading a report.  Set $dir (the test's scratch directory) first.
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/# /'; }
status() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .status' "$dir/$1.json"; }
source_of() { jq -r --arg id "$2" '[.checks[] | select(.id == $id) | .findings[0].source] | first // ""' "$dir/$1.json"; }
# expect RUN ID STATUS [SOURCE-PREFIX]: check ID of report $dir/RUN.json
expect() {
	st=$(status "$1" "$2"); src=$(source_of "$1" "$2")
	if [ "$st" = "$3" ] && { [ $# -lt 4 ] || case $src in "$4"*) true ;; *) false ;; esac; }; then
		ok "$1: $2 $3${4:+ ($src)}"
	else
		notok "$1: $2 $3${4:+ from $4}" "got $st from $src; $(jq -c '.checks[] | select(.id == "'"$2"'") | {reason}' "$dir/$1.json" 2>/dev/null)"
	fi
}

# live_lock: one live Kubernetes test at a time.  They start processes of
# the same names and skip when one is running, so under make -j they wait
# for each other: the lock (in the build tree, never a shared directory) is
# held on fd 9 until this test and every process it started, which inherit
# the descriptor, have exited.  Without flock(1), no lock.
live_lock() {
	command -v flock >/dev/null || return 0
	exec 9>"${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/kube/.live.lock"
	flock -w 900 9 || echo "# the live-test lock was not free after 15 minutes: going on" >&2
}

# needs_standin: skip (77) unless root, with the stand-in binary and jq;
# sets $fake.  Needs $build.
needs_standin() {
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP not root"; exit 77; }
	fake=$build/tests/unit/fake_kubelet
	[ -x "$fake" ] || { echo "1..0 # SKIP no stand-in ($fake: built with cmocka)"; exit 77; }
	command -v jq >/dev/null || { echo "1..0 # SKIP no jq"; exit 77; }
}
