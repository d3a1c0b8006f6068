#!/bin/sh
# A full audit under valgrind: no invalid access, no definite or indirect
# leak.  A fixture root with every Docker and kubelet check and all report
# formats, a facts snapshot with containers, and a fake Engine with
# containers, images and swarm (one inspect failing).  Skips without valgrind.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup valgrind
command -v valgrind >/dev/null 2>&1 || h_skip "valgrind is not installed"
# A sanitizer build cannot run under valgrind.
if nm "$BOXAUDIT" 2>/dev/null | grep -q __asan_init; then h_skip "boxaudit is built with AddressSanitizer"; fi
D=$H_DIR
VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"

# vg NAME ARGS...: exit 0 or 1 is clean; 99 is a valgrind error.
vg() {
	n=$1; shift
	# shellcheck disable=SC2086
	timeout 120 $VG "$BOXAUDIT" "$@" > "$D/$n.out" 2> "$D/$n.err"
	r=$?
	case "$r" in 0|1) ok "$n: clean under valgrind (exit $r)" ;;
	*) notok "$n: clean under valgrind" "exit $r" "$(head -c 3000 "$D/$n.err")" ;; esac
}

h_base "$D/root"
vg "fixture root, all checks, every format" --root "$D/root" --no-api \
	--benchmark cis-docker-1.8.0,cis-kubernetes-1.12 -v -o "html:$D/r.html" -o "junit:$D/r.xml" \
	-o "json:$D/r.json" -o "text:$D/r.txt" --dump-facts "$D/facts.json"
vg "facts snapshot with containers" --facts "$top/tests/cases/docker/containers-bad/facts.json" -v --format html
vg "kubelet drop-ins" --root "$top/tests/cases/kube/kube-dropins/root" --no-api --benchmark cis-kubernetes-1.12 --format json
if command -v python3 >/dev/null 2>&1; then
	python3 "$top/tests/api/fake_engine.py" --unix "$D/e.sock" --containers 12 --swarm --fail-container 3 > "$D/e.log" 2>&1 &
	H_PIDS=$!
	i=0; while [ ! -S "$D/e.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	vg "fake Engine: containers, images, swarm" --root "$D/root" --docker-host "unix://$D/e.sock" \
		--benchmark cis-docker-1.8.0 -v --format json --dump-facts "$D/facts2.json"
	python3 "$top/tests/api/fake_engine.py" --unix "$D/f.sock" --mode chunked --fault-path /containers > "$D/f.log" 2>&1 &
	H_PIDS="$H_PIDS $!"
	i=0; while [ ! -S "$D/f.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	vg "fake Engine: chunked garbage" --root "$D/root" --docker-host "unix://$D/f.sock" --timeout 3000 \
		--benchmark cis-docker-1.8.0 --format json
fi
h_done
