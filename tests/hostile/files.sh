#!/bin/sh
# Hostile host tree: special files where configuration is expected, huge
# files, symlink loops, and names and values with control characters and
# invalid UTF-8, through every report format.  (Escaping symlinks, FIFOs and
# NUL bytes in single files are data cases: tests/cases/hostile/.)
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup files
D=$H_DIR
ALL="--benchmark cis-docker-1.8.0,cis-kubernetes-1.12 --no-api --format json"

# --- FIFOs, sockets and devices everywhere a configuration file is read.
h_base "$D/special"
(
	cd "$D/special" || exit 1
	rm -f etc/docker/daemon.json var/lib/kubelet/config.yaml etc/audit/audit.rules \
		lib/systemd/system/docker.socket etc/sysconfig/docker etc/passwd etc/group
	mkfifo etc/docker/daemon.json var/lib/kubelet/config.yaml etc/audit/audit.rules
	mkfifo lib/systemd/system/docker.socket etc/passwd
	mknod etc/sysconfig/docker c 1 5
	mknod etc/group c 1 8
	python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("var/lib/kubelet/kubeadm-flags.env")' 2>/dev/null ||
		{ rm -f var/lib/kubelet/kubeadm-flags.env; mkfifo var/lib/kubelet/kubeadm-flags.env; }
) || notok "special files set up"
h_audit "$D/special" --root "$D/special" $ALL
is "$(rc "$D/special")" 1 "special files: the audit completes (exit 1, not a hang: timeout gives 124)"
like "$(cat "$D/special.secs")" '^[0-4]\.' "special files: done in under 5 s ($(cat "$D/special.secs") s)"
is "$(status "$D/special" 2.2)" ERROR "special files: FIFO daemon.json: 2.2 ERROR"
like "$(reason "$D/special" 2.2)" "daemon.json' is a FIFO" "special files: 2.2 names the FIFO"
is "$(status "$D/special" 4.2.1)" ERROR "special files: FIFO kubelet config: 4.2.1 ERROR"
like "$(reason "$D/special" 4.2.1)" "(config.yaml|kubeadm-flags.env)' is a (FIFO|socket)" "special files: 4.2.1 names the special file"
is "$(status "$D/special" 1.1.3)" ERROR "special files: FIFO audit.rules: 1.1.3 ERROR"
like "$(reason "$D/special" 1.1.3)" "audit.rules' is a FIFO" "special files: 1.1.3 names the FIFO"
# Section 3 is about owners and modes: the FIFO is still stat-ed and judged.
like "$(status "$D/special" 3.17)" '^(PASS|FAIL)$' "special files: 3.17 judges the FIFO daemon.json's owner"

# --- Huge (sparse) files: the 4 MiB cap, not 1 GB of memory.
h_base "$D/huge"
truncate -s 1G "$D/huge/etc/docker/daemon.json" "$D/huge/var/lib/kubelet/config.yaml" \
	"$D/huge/etc/audit/audit.rules" "$D/huge/lib/systemd/system/docker.service"
h_audit "$D/huge" --root "$D/huge" $ALL
is "$(rc "$D/huge")" 1 "huge files: the audit completes"
is "$(status "$D/huge" 2.2)" ERROR "huge daemon.json: 2.2 ERROR"
like "$(reason "$D/huge" 2.2)" "too large \(1073741824 bytes, the limit is 4194304\)" "huge daemon.json: the reason names the size and the cap"
is "$(status "$D/huge" 4.2.1)" ERROR "huge kubelet config: 4.2.1 ERROR"
like "$(reason "$D/huge" 4.2.1)" "config.yaml' is too large .*limit is 4194304" "huge kubelet config: the reason names the cap"
is "$(status "$D/huge" 1.1.3)" ERROR "huge audit.rules: 1.1.3 ERROR"
like "$(reason "$D/huge" 1.1.3)" "too large" "huge audit.rules: the reason says too large"
is "$(status "$D/huge" 2.17)" ERROR "huge docker.service: 2.17 ERROR"
r=$(rss "$D/huge")
if under_kb "$r" 102400; then ok "huge files: max RSS ${r} KB < 100 MB"; else notok "huge files: max RSS < 100 MB" "got ${r} KB"; fi
like "$(cat "$D/huge.secs")" '^[0-4]\.' "huge files: done in under 5 s ($(cat "$D/huge.secs") s)"

# --- Symlink loops: ELOOP is an error, never a hang or a crash.
h_base "$D/loop"
(
	cd "$D/loop" || exit 1
	rm -f etc/docker/daemon.json etc/default/docker var/lib/kubelet/config.yaml
	ln -s daemon.json etc/docker/daemon.json
	ln -s docker2 etc/default/docker && ln -s docker etc/default/docker2
	ln -s ../../../var/lib/kubelet/config.yaml var/lib/kubelet/config.yaml
) || notok "loops set up"
h_audit "$D/loop" --root "$D/loop" $ALL
is "$(rc "$D/loop")" 1 "symlink loops: the audit completes"
is "$(status "$D/loop" 2.2)" ERROR "self-referencing daemon.json: 2.2 ERROR"
like "$(reason "$D/loop" 2.2)" "too many levels of symbolic links" "self-referencing daemon.json: ELOOP reason"
is "$(status "$D/loop" 4.2.1)" ERROR "looping kubelet config: 4.2.1 ERROR"
is "$(status "$D/loop" 3.19)" ERROR "two-link loop /etc/default/docker: 3.19 ERROR, not 'does not exist'"
is "$(jq '.refused | length' "$D/loop.json")" 0 "loops are not escapes: nothing refused"

# --- Control characters and invalid UTF-8 in names and values.
h_base "$D/enc"
esc=$(printf '\033')
(
	cd "$D/enc" || exit 1
	# A certs.d directory name with ESC, a bell, a newline and invalid UTF-8.
	bad=$(printf 'reg\033[31m\007\nx\377\376:5000')
	mkdir -p "etc/docker/certs.d/$bad"
	printf 'x' > "etc/docker/certs.d/$bad/ca.crt"
	chmod 0666 "etc/docker/certs.d/$bad/ca.crt"
	# daemon.json: an escaped control character (valid JSON) in a value.
	printf '{"icc": true, "cgroup-parent": "/evil\\u001b[2J\\u0007\\u0085\\u202ex", "log-level": "debug"}' > etc/docker/daemon.json
) || notok "encodings set up"
# Raw invalid UTF-8 in daemon.json: jansson refuses it.
h_base "$D/utf8"
printf '{"icc": true, "cgroup-parent": "/\377\376"}' > "$D/utf8/etc/docker/daemon.json"
h_audit "$D/utf8" --root "$D/utf8" $ALL
is "$(status "$D/utf8" 2.2)" ERROR "invalid UTF-8 in daemon.json: 2.2 ERROR"
like "$(reason "$D/utf8" 2.2)" "unable to decode byte 0xff" "invalid UTF-8 in daemon.json: jansson's reason names the byte"
# An escaped NUL is valid JSON that C strings cannot hold: jansson refuses it.
h_base "$D/nul"
printf '{"icc": true, "cgroup-parent": "/a\\u0000b"}' > "$D/nul/etc/docker/daemon.json"
h_audit "$D/nul" --root "$D/nul" $ALL
is "$(status "$D/nul" 2.11)" ERROR "\\u0000 in a daemon.json value: 2.11 ERROR"
like "$(reason "$D/nul" 2.11)" "u0000 is not allowed" "\\u0000 in daemon.json: the reason says so"

h_audit "$D/enc" --root "$D/enc" $ALL -v -o "html:$D/enc.html" -o "junit:$D/enc.xml" -o "text:$D/enc.txt" -o "json:$D/enc.r.json"
is "$(rc "$D/enc")" 1 "encodings: the audit completes"
mv "$D/enc.r.json" "$D/enc.json"
if [ -s "$D/enc.txt" ] && [ -s "$D/enc.html" ] && [ -s "$D/enc.xml" ]; then ok "encodings: text, HTML and JUnit written"; else notok "encodings: text, HTML and JUnit written"; fi
is "$(status "$D/enc" 2.11)" FAIL "encodings: the control characters in cgroup-parent are a value like any other (2.11 FAIL)"
if jq -e .checks "$D/enc.json" >/dev/null 2>&1; then ok "encodings: JSON report parses"; else notok "encodings: JSON report parses" "$(head -c 500 "$D/enc.json")"; fi
if jq -j '.checks[] | select(.id == "3.8") | .findings[].target' "$D/enc.json" |
	python3 -c 'import sys; sys.exit(b"reg\x1b[31m\x07\nx\\xff\\xfe:5000" not in sys.stdin.buffer.read())'; then
	ok "encodings: the certs.d name round-trips (ESC, BEL, newline as JSON escapes; invalid UTF-8 as the text \\xff)"
else notok "encodings: the certs.d name round-trips" "$(jq -c '.checks[] | select(.id == "3.8") | .findings' "$D/enc.json")"; fi
if grep -q "$esc" "$D/enc.json"; then notok "encodings: no raw ESC byte in JSON"; else ok "encodings: no raw ESC byte in JSON"; fi
if command -v xmllint >/dev/null 2>&1; then
	if xmllint --noout "$D/enc.xml" 2>"$D/xl.err"; then ok "encodings: JUnit is well-formed XML"; else notok "encodings: JUnit is well-formed XML" "$(cat "$D/xl.err")"; fi
	if xmllint --html --noout "$D/enc.html" 2>"$D/xh.err" && ! grep -qi 'encoding error\|invalid char' "$D/xh.err"; then
		ok "encodings: HTML parses with libxml2"
	else notok "encodings: HTML parses with libxml2" "$(head -20 "$D/xh.err")"; fi
	# Not only parseable: the strict XML parser accepts the HTML too (no raw control bytes).
	if python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(any(b < 32 and b not in (9,10,13) for b in d))' "$D/enc.html"; then
		ok "encodings: no raw control bytes in HTML"
	else notok "encodings: no raw control bytes in HTML"; fi
	if python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); d.decode("utf-8")' "$D/enc.html" 2>/dev/null; then
		ok "encodings: HTML is valid UTF-8"; else notok "encodings: HTML is valid UTF-8"; fi
	if python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); d.decode("utf-8")' "$D/enc.xml" 2>/dev/null; then
		ok "encodings: JUnit is valid UTF-8"; else notok "encodings: JUnit is valid UTF-8"; fi
else
	ok "# SKIP xmllint is not installed"
fi
if grep -q "$esc" "$D/enc.txt"; then notok "encodings: no raw ESC byte in the text report" "$(grep -a "$esc" "$D/enc.txt" | od -c | head)"
else ok "encodings: no raw ESC byte in the text report"; fi
"$BOXAUDIT" --root "$D/enc" --benchmark cis-docker-1.8.0 --no-api -v --color > "$D/enc.tty" 2>&1
if sed 's/\x1b\[[0-9;]*m//g' "$D/enc.tty" | grep -q "$esc"; then
	notok "encodings: with --color, the only ESC bytes are boxaudit's own SGR colours" "$(sed 's/\x1b\[[0-9;]*m//g' "$D/enc.tty" | grep -a "$esc" | od -c | head)"
else ok "encodings: with --color, the only ESC bytes are boxaudit's own SGR colours"; fi
if grep -q "$(printf '\007')" "$D/enc.txt"; then notok "encodings: no raw BEL in the text report"; else ok "encodings: no raw BEL in the text report"; fi

h_done
