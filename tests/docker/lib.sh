# Shared helpers for the live Docker engine tests (sourced, POSIX sh).
#
# Each test script gets its own dockerd: its own data-root, exec-root,
# pidfile, socket, containerd and network namespace, under a unique
# directory in /tmp, so two scripts can run side by side (make check -j2).  The daemon is stopped and
# everything it mounted is unmounted at exit, whatever happens.
#
#   . "$top/tests/docker/lib.sh"
#   dk_setup NAME            # prerequisites (exit 77 = skip), $DK_DIR, trap
#   dk_start [FLAG...]       # start dockerd with $DK_DIR/daemon.json (if written)
#   dk docker-args...        # the docker CLI against the test daemon
#   dk_base_image TAG        # import a busybox-static rootfs as TAG
#   dk_build TAG DIR [FILE]  # DOCKER_BUILDKIT=0 docker build
#   ok/notok/is/finding      # TAP helpers; dk_done prints the plan
#
# Scripts exit 0 and report through TAP (not ok lines), as the automake TAP
# driver expects.
#
# Variables: DK_DIR (work directory), DK_SOCK (socket path), DK_HOST
# (unix://DK_SOCK), BOXAUDIT (the binary), top (source tree).

top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
BOXAUDIT=${BOXAUDIT:-$top/boxaudit}
DK_N=0
DK_FAILED=0

ok() { DK_N=$((DK_N + 1)); echo "ok $DK_N - $1"; }
notok() {
	DK_N=$((DK_N + 1)); DK_FAILED=$((DK_FAILED + 1))
	echo "not ok $DK_N - $1"; shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else notok "$3" "got:  $1" "want: $2"; fi
}
dk_done() { echo "1..$DK_N"; }

# Skip the whole script: a TAP plan of 1..0 with SKIP.  Under automake's TAP
# driver that is how a script skips (exit 77 means nothing there and would be
# reported as an error), so the exit status is 0.
dk_skip() { echo "1..0 # SKIP $*"; exit 0; }

dk_need() {
	# dk_need CMD PACKAGE: install PACKAGE with apt-get when CMD is missing.
	command -v "$1" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || dk_skip "$1 is missing and not root to install $2"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1; } ||
		dk_skip "cannot install $2"
	command -v "$1" >/dev/null 2>&1 || dk_skip "$2 installed but $1 not found"
}

dk_setup() {
	[ "$(id -u)" = 0 ] || dk_skip "needs root to run dockerd"
	[ -x "$BOXAUDIT" ] || dk_skip "boxaudit binary not built: $BOXAUDIT"
	dk_need dockerd docker.io
	dk_need jq jq
	dk_need python3 python3
	dk_need busybox busybox-static
	DK_BUSYBOX=$(command -v busybox)
	# The image has no libc: busybox must be the static build.
	if ldd "$DK_BUSYBOX" >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >/dev/null 2>&1
		DK_BUSYBOX=$(command -v busybox)
		ldd "$DK_BUSYBOX" >/dev/null 2>&1 && dk_skip "no static busybox"
	fi
	# The Debian docker.io CLI (the engine's own version) if there is one;
	# a newer CLI elsewhere on PATH also works (it negotiates down).
	if [ -x /usr/bin/docker ]; then DK_CLI=/usr/bin/docker; else DK_CLI=$(command -v docker); fi
	[ -n "$DK_CLI" ] || dk_need docker docker.io
	DK_DIR=$(mktemp -d "/tmp/bx-${1:-docker}.XXXXXX") || dk_skip "mktemp failed"
	chmod 0711 "$DK_DIR"
	DK_SOCK=$DK_DIR/docker.sock
	DK_HOST=unix://$DK_SOCK
	trap dk_cleanup EXIT
	trap 'exit 130' INT TERM HUP
}

dk() { "$DK_CLI" -H "$DK_HOST" "$@"; }

# dk_start [FLAG...]: start dockerd; $DK_DIR/daemon.json is used when the test wrote one.
dk_start() {
	set -- --data-root "$DK_DIR/root" --exec-root "$DK_DIR/exec" \
		--pidfile "$DK_DIR/docker.pid" -H "$DK_HOST" \
		--storage-driver=vfs ${DK_IPTABLES:---iptables=false} "$@"
	if [ -f "$DK_DIR/daemon.json" ]; then
		set -- --config-file "$DK_DIR/daemon.json" "$@"
	else
		echo '{}' > "$DK_DIR/empty.json"
		set -- --config-file "$DK_DIR/empty.json" "$@"
	fi
	dk_start_containerd || return 1
	set -- --containerd "$DK_DIR/containerd/containerd.sock" "$@"
	DK_ARGV="$*"
	# A network namespace of its own: its docker0, iptables rules and
	# published ports never touch the host's or another test daemon's.
	unshare --net sh -c 'ip link set lo up && exec dockerd "$@"' dockerd "$@" \
		> "$DK_DIR/dockerd.log" 2>&1 &
	DK_PID=$!
	i=0
	while [ $i -lt 300 ]; do
		if [ -S "$DK_SOCK" ] && dk version >/dev/null 2>&1; then return 0; fi
		kill -0 "$DK_PID" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	echo "# dockerd did not come up; last log lines:"
	tail -n 20 "$DK_DIR/dockerd.log" | sed 's/^/#   /'
	return 1
}

dk_start_containerd() {
	mkdir -p "$DK_DIR/containerd"
	cat > "$DK_DIR/containerd/config.toml" <<EOF
version = 2
root = "$DK_DIR/containerd/root"
state = "$DK_DIR/containerd/state"
[grpc]
  address = "$DK_DIR/containerd/containerd.sock"
[ttrpc]
  address = "$DK_DIR/containerd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  disable = true
EOF
	containerd --config "$DK_DIR/containerd/config.toml" > "$DK_DIR/containerd.log" 2>&1 &
	DK_CTRD_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		[ -S "$DK_DIR/containerd/containerd.sock" ] && return 0
		kill -0 "$DK_CTRD_PID" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	echo "# containerd did not come up:"; tail -n 10 "$DK_DIR/containerd.log" | sed 's/^/#   /'
	return 1
}

dk_stop_pid() {
	# dk_stop_pid PID: TERM, wait up to 15 s, then KILL.
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

dk_cleanup() {
	rc=$?
	if [ -n "${DK_PID:-}" ]; then
		# Running containers first, so that their shims go away with them.
		ids=$(dk ps -q 2>/dev/null)
		[ -n "$ids" ] && dk kill $ids >/dev/null 2>&1
		dk_stop_pid "$DK_PID"
	fi
	dk_stop_pid "${DK_CTRD_PID:-}"
	for p in ${DK_EXTRA_PIDS:-}; do dk_stop_pid "$p"; done
	# Leftover shims of this containerd (their command line names our socket).
	for p in $(pgrep -f "containerd-shim.*$DK_DIR/containerd" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	if [ -n "${DK_DIR:-}" ] && [ -d "$DK_DIR" ]; then
		# Unmount whatever is left under DK_DIR, deepest first.
		awk -v d="$DK_DIR" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
			sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
		[ -n "${DK_KEEP:-}" ] && echo "# kept $DK_DIR" || rm -rf "$DK_DIR"
	fi
	exit $rc
}

# dk_base_image TAG: a busybox-static root filesystem imported as TAG.
dk_base_image() {
	r=$DK_DIR/rootfs
	rm -rf "$r"; mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/proc" "$r/sys" "$r/dev"
	cp "$DK_BUSYBOX" "$r/bin/busybox"
	for t in sh sleep true false echo cat ls id ps env test wget; do ln -s busybox "$r/bin/$t"; done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\napp:x:1000:1000:app:/:/bin/sh\n' > "$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\n' > "$r/etc/group"
	tar -C "$r" -cf "$DK_DIR/rootfs.tar" . &&
		dk import --change 'CMD ["/bin/sleep", "3600"]' "$DK_DIR/rootfs.tar" "$1" >/dev/null
}

# dk_build TAG DIR [DOCKERFILE]: classic builder (offline; RUN, ADD, USER, ENV, HEALTHCHECK).
dk_build() {
	DOCKER_BUILDKIT=0 dk build -q -t "$1" ${3:+-f "$3"} "$2" > "$DK_DIR/build.log" 2>&1 ||
		{ echo "# build of $1 failed:"; sed 's/^/#   /' "$DK_DIR/build.log"; return 1; }
}

# boxaudit against the test daemon, live (root /).
bx() { "$BOXAUDIT" --docker-host "$DK_HOST" --benchmark cis-docker-1.8.0 "$@"; }

# jq helpers over a report: status of a check; status/source/actual of a finding.
check_status() { jq -r --arg id "$2" '[.checks[] | select(.id == $id) | .status] | first // "missing"' "$1"; }
finding() {
	# finding REPORT ID TARGET FIELD -> the field of that finding ("none" when absent)
	jq -r --arg id "$2" --arg t "$3" --arg f "$4" \
		'[.checks[] | select(.id == $id) | .findings[]? | select(.target == $t) | .[$f]] | if length == 0 then "none" else (first | if type == "string" then . else tojson end) end' "$1"
}
