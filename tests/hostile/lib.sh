# Shared helpers for the hostile-input tests (sourced, POSIX sh).
#
#   . "$top/tests/hostile/lib.sh"
#   h_setup NAME             # $H_DIR (removed at exit), skips without jq
#   h_base DIR               # a host tree with Docker and kubelet files
#   h_audit OUT ARGS...      # boxaudit ARGS > OUT.json, OUT.err, OUT.rc,
#                            # OUT.rss (max RSS in KB), OUT.secs; under timeout 20
#   status OUT ID            # the status of check ID in OUT.json
#   reason OUT ID            # its reason
#   ok/notok/is/like/h_done  # TAP
#
# Every script prints TAP and exits 0 (the automake TAP driver reads the
# "not ok" lines); a whole script skips with a plan of 1..0 # SKIP.

top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
BOXAUDIT=${BOXAUDIT:-$top/boxaudit}
export BOXAUDIT_CHECKS_DIR="${BOXAUDIT_CHECKS_DIR:-$top/checks}"
H_N=0

ok() { H_N=$((H_N + 1)); echo "ok $H_N - $1"; }
notok() {
	H_N=$((H_N + 1))
	echo "not ok $H_N - $1"; shift
	for l in "$@"; do printf '%s\n' "$l" | head -c 2000 | sed 's/^/# /'; echo; done
}
is() { if [ "$1" = "$2" ]; then ok "$3"; else notok "$3" "got:  $1" "want: $2"; fi; }
# like GOT ERE DESCRIPTION
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok "$3"; else notok "$3" "got:  $1" "want: /$2/"; fi
}
h_skip() { echo "1..0 # SKIP $*"; exit 0; }
h_done() { echo "1..$H_N"; }

# Memory bounds are for a normal build; AddressSanitizer's shadow memory and
# quarantine multiply peak RSS, so a sanitizer build gets H_MEMX times them.
H_MEMX=1
if nm "$BOXAUDIT" 2>/dev/null | grep -q __asan_init; then H_MEMX=4; fi
# under_kb KB LIMIT_KB: 0 when KB < LIMIT_KB * H_MEMX.
under_kb() { [ "${1:-0}" -lt $(($2 * H_MEMX)) ]; }

h_setup() {
	command -v jq >/dev/null 2>&1 || h_skip "jq is not installed"
	[ -x "$BOXAUDIT" ] || h_skip "boxaudit is not built: $BOXAUDIT"
	H_DIR=$(mktemp -d "/tmp/boxaudit-hostile-$1.XXXXXX")
	trap 'h_cleanup' EXIT
	trap 'exit 1' INT TERM
}
h_cleanup() {
	[ -n "${H_PIDS:-}" ] && for p in $H_PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$H_DIR"
}

# A host tree: the docker-insecure case (Docker files with wrong owners and
# modes) with the kubeadm kubelet files beside it.
h_base() {
	mkdir -p "$1"
	cp -a "$top/tests/cases/docker/docker-insecure/root/." "$1/"
	(cd "$1" && sh -e "$top/tests/cases/docker/docker-insecure/setup") >/dev/null 2>&1 || return 1
	cp -a "$top/tests/cases/kube/kube-kubeadm/root/." "$1/"
	(cd "$1" && sh -e "$top/tests/cases/kube/kube-kubeadm/setup") >/dev/null 2>&1
}

# h_audit OUT ARGS...: run boxaudit, measuring time and peak memory.
h_audit() {
	out=$1; shift
	s0=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		timeout 20 /usr/bin/time -o "$out.time" -f %M "$BOXAUDIT" "$@" > "$out.json" 2> "$out.err"
		echo $? > "$out.rc"
		tail -1 "$out.time" > "$out.rss"
	else
		timeout 20 "$BOXAUDIT" "$@" > "$out.json" 2> "$out.err"
		echo $? > "$out.rc"
		echo 0 > "$out.rss"
	fi
	s1=$(date +%s.%N)
	awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f\n", b - a }' > "$out.secs"
}
status() { jq -r --arg id "$2" '[.checks[] | select(.id == $id) | .status] | first // "missing"' "$1.json" 2>/dev/null; }
reason() { jq -r --arg id "$2" '[.checks[] | select(.id == $id) | .reason] | first // ""' "$1.json" 2>/dev/null; }
rc() { cat "$1.rc"; }
rss() { cat "$1.rss"; }
