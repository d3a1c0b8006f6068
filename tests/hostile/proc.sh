#!/bin/sh
# /proc on the live host: processes that exit while boxaudit reads them, and
# a command line over PROC_ARGV_CAP (1 MiB).  Stand-ins are copies of
# /bin/sh and /bin/true named kubelet and dockerd (boxaudit matches the
# basename of /proc/PID/exe).  Linux only; needs no root.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup proc
[ -r /proc/self/cmdline ] || h_skip "no /proc"
command -v python3 >/dev/null 2>&1 || h_skip "python3 is not installed"
D=$H_DIR
# Stand-in kubelets must not meet test_collect_kube's, which asserts that
# its own is the one found: both hold this lock while theirs run.
exec 9> /tmp/boxaudit-standin-kubelet.lock
flock 9
mkdir -p "$D/bin"
cp /bin/sh "$D/bin/kubelet"
cp /bin/sh "$D/bin/dockerd"
cp /bin/true "$D/bin/true-dockerd" && mkdir -p "$D/t" && mv "$D/bin/true-dockerd" "$D/t/dockerd"
cp /bin/true "$D/t/kubelet"

running() { for e in /proc/[0-9]*/exe; do readlink "$e"; done 2>/dev/null | grep -v "^$D/" | grep -c "/$1\( (deleted)\)\{0,1\}$"; }

# huge NAME: start the stand-in NAME with 1100 arguments of 1 KB (1.1 MB).
huge() {
	python3 - "$D/bin/$1" > "$D/$1.pid" <<'PY'
import subprocess, sys
args = [sys.argv[1], "-c", "sleep 60; :", "--x"] + ["--flag%d=%s" % (i, "a" * 1000) for i in range(1100)]
print(subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL).pid)
PY
	H_PIDS="${H_PIDS:-} $(cat "$D/$1.pid")"
	sleep 0.3
}

if [ "$(running kubelet)" -gt 0 ]; then
	echo "ok $((H_N += 1)) # SKIP a kubelet runs on this host: the stand-in would not be the one audited"
else
	huge kubelet
	pid=$(cat "$D/kubelet.pid")
	sz=$(wc -c < "/proc/$pid/cmdline")
	if [ "$sz" -gt 1048576 ]; then ok "kubelet stand-in has a $sz-byte command line"; else notok "kubelet stand-in command line > 1 MiB" "got $sz"; fi
	h_audit "$D/k" --no-api --benchmark cis-kubernetes-1.12 --format json --dump-facts "$D/k.facts"
	like "$(rc "$D/k")" "^[01]$" "huge kubelet argv: the audit completes (exit 0 or 1)"
	is "$(status "$D/k" 4.2.1)" ERROR "huge kubelet argv: 4.2.1 ERROR, not a verdict on a cut command line"
	like "$(reason "$D/k" 4.2.1)" "/proc/$pid/cmdline' is larger than the limit of 1048576 bytes" "huge kubelet argv: the reason names the cap"
	is "$(jq -r '.kubernetes.kubelet.process.argv_error // "none"' "$D/k.facts" | grep -c 'larger than the limit')" 1 "huge kubelet argv: the collector records argv_error"
	is "$(jq '.kubernetes.kubelet.process.argv | length' "$D/k.facts")" 0 "huge kubelet argv: no partial argv recorded"
	m=$(rss "$D/k")
	if under_kb "$m" 102400; then ok "huge kubelet argv: max RSS $m KB < 100 MB"; else notok "huge kubelet argv: max RSS < 100 MB" "got $m KB"; fi
	kill "$pid" 2>/dev/null
fi

if [ "$(running dockerd)" -gt 0 ]; then
	echo "ok $((H_N += 1)) # SKIP a dockerd runs on this host: the stand-in would not be the one audited"
else
	huge dockerd
	pid=$(cat "$D/dockerd.pid")
	h_audit "$D/d" --no-api --benchmark cis-docker-1.8.0 --check 2.2,2.17 --format json
	is "$(status "$D/d" 2.2)" ERROR "huge dockerd argv: 2.2 ERROR"
	like "$(reason "$D/d" 2.2)" "larger than the limit of 1048576 bytes" "huge dockerd argv: the reason names the cap"
	kill "$pid" 2>/dev/null
fi

# Trust: a dockerd stand-in run by nobody with hardened flags, and one run
# by root in another pid namespace, beside root's own: neither is taken for
# the host's daemon, whatever their pids (collect/proc.h).
if [ "$(running dockerd)" -gt 0 ]; then
	echo "ok $((H_N += 1)) # SKIP a dockerd runs on this host: the stand-ins would not be alone"
elif [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "ok $((H_N += 1)) # SKIP needs root and the user nobody"
else
	F=$(mktemp -d /tmp/boxaudit-fake.XXXXXX)
	chmod 0755 "$F"
	chown nobody "$F"
	su nobody -s /bin/sh -c "cp /bin/sh '$F/dockerd'"
	su nobody -s /bin/sh -c "exec '$F/dockerd' -c 'sleep 60' --userland-proxy=false" &
	fake=$!
	"$D/bin/dockerd" -c 'sleep 60' --userland-proxy=true &
	real=$!
	H_PIDS="${H_PIDS:-} $fake $real"
	other=""
	if unshare --pid --fork "$D/bin/dockerd" -c 'sleep 60' --userland-proxy=false 2>/dev/null & then
		other=$!
		H_PIDS="$H_PIDS $other"
	fi
	sleep 0.5
	h_audit "$D/t" --no-api --benchmark cis-docker-1.8.0 --check 2.17 --format json --dump-facts "$D/t.facts"
	is "$(status "$D/t" 2.17)" FAIL "nobody's and another namespace's dockerd do not decide 2.17: root's --userland-proxy=true does"
	realpid=$(jq -r '.docker.daemon.identification.chosen' "$D/t.facts")
	is "$(jq -r --argjson p "$realpid" '.docker.daemon.identification.candidates[] | select(.pid == $p) | .uid' "$D/t.facts")" 0 "the chosen dockerd runs as root"
	like "$(jq -r '[.docker.daemon.identification.candidates[] | select(.uid == 65534) | .reason] | first' "$D/t.facts")" \
		"runs as uid 65534, not root" "nobody's stand-in is rejected for its uid"
	if [ -n "$other" ] && jq -e '[.docker.daemon.identification.candidates[] | select(.reason // "" | test("pid namespace"))] | length == 1' "$D/t.facts" >/dev/null; then
		ok "the stand-in in another pid namespace is rejected"
	elif [ -n "$other" ]; then
		notok "the stand-in in another pid namespace is rejected" "$(jq -c .docker.daemon.identification "$D/t.facts")"
	else
		echo "ok $((H_N += 1)) # SKIP unshare --pid is not permitted here"
	fi
	like "$(jq -r '.notes | join(" | ")' "$D/t.json")" "not taken for the host's dockerd" "the report says which processes were not taken for the daemon"
	kill $fake $real $other 2>/dev/null
	wait $fake $real $other 2>/dev/null
	rm -rf "$F"
fi

# The same cap under --root: ROOT/proc/4242 is a dockerd whose cmdline is a
# 1.1 MB file (exe a symlink to /usr/bin/dockerd, as procfs shows it).
h_base "$D/root"
mkdir -p "$D/root/proc/4242"
ln -s /usr/bin/dockerd "$D/root/proc/4242/exe"
python3 -c 'import sys; sys.stdout.buffer.write(b"/usr/bin/dockerd\0--icc=false\0" + b"--label=" + b"a" * 1200000 + b"\0")' > "$D/root/proc/4242/cmdline"
echo dockerd > "$D/root/proc/4242/comm"
printf 'Name:\tdockerd\nUid:\t0\t0\t0\t0\n' > "$D/root/proc/4242/status"
h_audit "$D/rd" --root "$D/root" --no-api --benchmark cis-docker-1.8.0 --check 2.2,2.17,3.2 --format json --dump-facts "$D/rd.facts"
is "$(jq -r '.docker.daemon.argv_source' "$D/rd.facts")" proc:4242 "--root huge dockerd argv: the process is found"
is "$(status "$D/rd" 2.2)" ERROR "--root huge dockerd argv: 2.2 ERROR (not PASS from a cut --icc=false)"
like "$(reason "$D/rd" 2.2)" "proc/4242/cmdline' is (too large .*the limit is 1048576|larger than the limit of 1048576 bytes)" "--root huge dockerd argv: the reason names the cap"
is "$(status "$D/rd" 3.2)" FAIL "--root huge dockerd argv: file checks are intact (3.2 FAIL)"

# Races: stand-ins that start and exit as fast as they can while boxaudit
# lists /proc and reads their files.
(
	end=$(($(date +%s) + 30))
	while [ "$(date +%s)" -lt "$end" ] && [ -d "$D/t" ]; do
		"$D/t/dockerd"; "$D/t/kubelet"; "$D/t/dockerd" & "$D/t/kubelet" & wait
	done
) &
H_PIDS="${H_PIDS:-} $!"
bad=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	h_audit "$D/r$i" --no-api --benchmark cis-docker-1.8.0,cis-kubernetes-1.12 --format json
	r=$(rc "$D/r$i")
	if { [ "$r" != 0 ] && [ "$r" != 1 ]; } || ! jq -e .checks "$D/r$i.json" >/dev/null 2>&1; then
		bad=$((bad + 1)); echo "# run $i: exit $r: $(head -c 500 "$D/r$i.err")"
	fi
done
is "$bad" 0 "20 live audits while dockerd and kubelet stand-ins come and go: exit 0 or 1, a complete report"
h_done
