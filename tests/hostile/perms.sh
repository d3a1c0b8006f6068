#!/bin/sh
# Unreadable files: boxaudit runs as an unprivileged user (setpriv, uid
# 65534) over a tree where some files are 0600 root and a unit directory is
# 0700.  Those checks are ERROR with "Permission denied" (not PASS, FAIL or
# "does not exist"), and the rest of the audit runs.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup perms
[ "$(id -u)" = 0 ] || h_skip "needs root to drop privileges with setpriv"
command -v setpriv >/dev/null 2>&1 || h_skip "setpriv (util-linux) is not installed"
D=$H_DIR
chmod 0755 "$D"
h_base "$D/root"
chown 0:0 "$D/root/etc/docker/daemon.json" "$D/root/var/lib/kubelet/config.yaml" "$D/root/etc/audit/audit.rules"
chmod 0600 "$D/root/etc/docker/daemon.json" "$D/root/var/lib/kubelet/config.yaml" "$D/root/etc/audit/audit.rules"
chmod 0700 "$D/root/lib/systemd/system"
# The binary and the definitions must be reachable by the unprivileged user.
cp "$BOXAUDIT" "$D/boxaudit" && chmod 0755 "$D/boxaudit"
cp -R "$BOXAUDIT_CHECKS_DIR" "$D/checks" && chmod -R a+rX "$D/checks"
setpriv --reuid=65534 --regid=65534 --clear-groups env BOXAUDIT_CHECKS_DIR="$D/checks" \
	timeout 20 "$D/boxaudit" --root "$D/root" --no-api --benchmark cis-docker-1.8.0,cis-kubernetes-1.12 \
	--format json > "$D/p.json" 2> "$D/p.err"
like "$(echo $?)" '^[01]$' "unprivileged audit completes (exit 0 or 1)"
for c in "2.2|daemon.json': Permission denied" "2.17|daemon.json': Permission denied" \
	"4.2.1|(config.yaml|kubelet.service.d)': Permission denied" "1.1.3|audit.rules': Permission denied" \
	"1.1.7|docker.service': Permission denied" "3.1|docker.service': Permission denied" \
	"3.2|docker.service': Permission denied" "3.3|docker.socket': Permission denied"; do
	id=${c%%|*}; want=${c#*|}
	is "$(status "$D/p" "$id")" ERROR "unreadable: $id ERROR"
	like "$(reason "$D/p" "$id")" "$want" "unreadable: $id says /$want/"
done
# A kubelet whose unit directory cannot be read is unknown, not absent.
chmod 0700 "$D/root/usr/lib/systemd/system"
setpriv --reuid=65534 --regid=65534 --clear-groups env BOXAUDIT_CHECKS_DIR="$D/checks" \
	timeout 20 "$D/boxaudit" --root "$D/root" --no-api --benchmark cis-kubernetes-1.12 \
	--format json > "$D/k.json" 2> "$D/k.err"
for id in 4.1.1 4.1.2 4.2.1; do
	is "$(status "$D/k" "$id")" ERROR "unreadable kubelet unit directory: $id ERROR, not SKIP 'no kubelet'"
done
like "$(reason "$D/k" 4.1.1)" "kubelet.service': Permission denied" "unreadable kubelet unit directory: 4.1.1 says Permission denied"
chmod 0755 "$D/root/usr/lib/systemd/system"
# Readable files are still judged.
is "$(status "$D/p" 4.1.1)" FAIL "readable: 4.1.1 (kubelet.service 0644) still FAIL"
is "$(status "$D/p" 3.18)" PASS "readable: 3.18 judges the mode of the unreadable daemon.json (stat needs no read permission: 0600 PASS)"
h_done
