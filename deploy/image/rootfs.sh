#!/bin/sh
# Assemble the boxaudit image's root filesystem from a built binary.
#
#   deploy/image/rootfs.sh BINARY SRCDIR ROOTFS
#
# ROOTFS gets: the binary, the shared libraries it links (as ldd lists them,
# with the dynamic loader), the definitions (SRCDIR/checks) and report
# assets, the entry point, a static busybox for the entry point's shell and
# sleep, the CA bundle (for a tcp:// Engine API with TLS) and a minimal
# /etc.  Nothing else: no package manager, no compiler.  Both the offline
# build (deploy/image/build.sh) and the multi-stage one
# (deploy/image/Dockerfile.multistage) use this script, so both images hold
# the same files.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 BINARY SRCDIR ROOTFS" >&2; exit 2; }
bin=$1 src=$2 root=$3
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$bin" ] || { echo "rootfs.sh: '$bin' is not an executable" >&2; exit 2; }
[ -d "$src/checks" ] || { echo "rootfs.sh: no definitions in '$src/checks'" >&2; exit 2; }
busybox=${BUSYBOX:-$(command -v busybox || true)}
[ -n "$busybox" ] || { echo "rootfs.sh: busybox (busybox-static) is needed for the entry point" >&2; exit 2; }
if ldd "$busybox" >/dev/null 2>&1; then
	echo "rootfs.sh: '$busybox' is not static (install busybox-static)" >&2; exit 2
fi

rm -rf "$root"
mkdir -p "$root/usr/local/bin" "$root/usr/local/share/boxaudit" "$root/bin" "$root/etc/ssl/certs" \
	"$root/tmp" "$root/host" "$root/proc" "$root/sys" "$root/dev" "$root/reports" "$root/var/run"
chmod 1777 "$root/tmp"
cp "$bin" "$root/usr/local/bin/boxaudit"
strip "$root/usr/local/bin/boxaudit" 2>/dev/null || true
cp -R "$src/checks" "$root/usr/local/share/boxaudit/checks"
[ -d "$src/reports" ] && cp -R "$src/reports" "$root/usr/local/share/boxaudit/reports"
cp "$here/entrypoint.sh" "$root/usr/local/bin/boxaudit-entrypoint"
chmod 0755 "$root/usr/local/bin/boxaudit-entrypoint"

# Shared libraries: every absolute path ldd prints (libraries and the loader).
ldd "$bin" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u |
while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
# The loader is also reached through /lib64 on some layouts (a usrmerge link).
for l in /lib64 /lib; do
	if [ -L "$l" ] && [ ! -e "$root$l" ]; then ln -s "$(readlink "$l")" "$root$l"; fi
done

cp "$busybox" "$root/bin/busybox"
for t in sh sleep cat date tr mkdir mv rm env test true; do ln -s busybox "$root/bin/$t"; done

[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
: > "$root/etc/hostname"
echo "rootfs.sh: $(du -sh "$root" | cut -f1) in $root" >&2
