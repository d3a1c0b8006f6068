#!/bin/sh
# Live test of CIS Docker 4.8 (setuid/setgid files) with --scan-image-fs:
# images with and without setuid/setgid files on a real dockerd, exported
# through the Engine API and scanned as a stream.
#
# - bx/suid: a setuid copy of busybox, a setgid file, a setuid file under a
#   path longer than 100 bytes (pax/GNU long names in the export) -> FAIL,
#   naming exactly those paths; the list equals what Python's tarfile finds
#   in `docker export` of the same container.
# - bx/clean: a setgid directory only -> PASS.
# - bx/fixed: bx/suid plus the remediation line of the rule -> PASS.
# - bx/big: a 64 MiB file before a setuid one (the scanner skips data) -> FAIL.
# - without --scan-image-fs: SKIP with the reason.
# The export time and size of each image are printed as TAP comments.
. "$(dirname "$0")/lib.sh"
dk_setup setuid-live

dk_start || { notok "dockerd starts"; dk_done; exit 0; }
ok "dockerd starts"
dk_base_image bx/base || { notok "base image imported"; dk_done; exit 0; }

ctx=$DK_DIR/ctx
mkdir -p "$ctx"
long=/opt/a-directory-name-long-enough/to-push-the-whole-path-past/the-hundred-byte-ustar-name-field/and-then-some
cat > "$ctx/Dockerfile.suid" <<EOF
FROM bx/base
RUN busybox mkdir -p /usr/sbin $long && \\
    busybox cp /bin/busybox /usr/sbin/suid-tool && busybox chmod 4755 /usr/sbin/suid-tool && \\
    busybox cp /bin/busybox /usr/sbin/sgid-tool && busybox chmod 2711 /usr/sbin/sgid-tool && \\
    busybox cp /bin/busybox $long/deep-suid && busybox chmod 4750 $long/deep-suid && \\
    busybox mkdir /shared && busybox chmod 2775 /shared
EOF
cat > "$ctx/Dockerfile.clean" <<'EOF'
FROM bx/base
RUN busybox mkdir /shared && busybox chmod 2775 /shared
EOF
# The rule's remediation, verbatim (find and chmod as busybox applets).
cat > "$ctx/Dockerfile.fixed" <<'EOF'
FROM bx/suid
RUN busybox ln -s busybox /bin/find && busybox ln -s busybox /bin/chmod
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \; || true
EOF
cat > "$ctx/Dockerfile.big" <<'EOF'
FROM bx/base
RUN busybox dd if=/dev/zero of=/big bs=1048576 count=64 2>/dev/null && \
    busybox cp /bin/busybox /zz-suid && busybox chmod 4755 /zz-suid
EOF
for i in suid clean fixed big; do
	dk_build "bx/$i" "$ctx" "$ctx/Dockerfile.$i" && ok "build bx/$i" || notok "build bx/$i"
done

# Containers are only created (never started): their export is the image.
# bx/suid also has a running container; the never-started one is exported.
for i in suid clean fixed big; do
	dk create --name "c-$i" "bx/$i" >/dev/null 2>"$DK_DIR/create.err" ||
		notok "create c-$i" "$(cat "$DK_DIR/create.err")"
done
dk run -d --name c-suid-running bx/suid >/dev/null 2>"$DK_DIR/create.err" ||
	notok "run c-suid-running" "$(cat "$DK_DIR/create.err")"
suid_id=$(dk inspect -f '{{.Id}}' c-suid)

# ---- without --scan-image-fs: SKIP with the reason ----
out=$DK_DIR/noscan.json
bx --check 4.8 --format json > "$out" 2> "$DK_DIR/err"
is "$(check_status "$out" 4.8)" SKIP "4.8 SKIPs without --scan-image-fs"
r=$(jq -r '.checks[] | select(.id == "4.8") | .reason' "$out")
case "$r" in
*"pass --scan-image-fs"*) ok "the SKIP says to pass --scan-image-fs" ;;
*) notok "the SKIP says to pass --scan-image-fs" "reason: $r" ;;
esac

# ---- with it ----
out=$DK_DIR/scan.json
facts=$DK_DIR/facts.json
t0=$(date +%s%N)
bx --check 4.8 --format json --scan-image-fs --dump-facts "$facts" > "$out" 2> "$DK_DIR/err"
t1=$(date +%s%N)
echo "# whole audit with --scan-image-fs: $(( (t1 - t0) / 1000000 )) ms"
is "$(check_status "$out" 4.8)" FAIL "4.8 FAILs with a setuid image in use"
is "$(finding "$out" 4.8 bx/suid:latest status)" FAIL "bx/suid FAILs"
is "$(finding "$out" 4.8 bx/big:latest status)" FAIL "bx/big FAILs (setuid file after 64 MiB of data)"
is "$(finding "$out" 4.8 bx/clean:latest status)" PASS "bx/clean PASSes (a setgid directory is not a file)"
is "$(finding "$out" 4.8 bx/fixed:latest status)" PASS "bx/fixed PASSes (the remediation removes the bits)"
is "$(finding "$out" 4.8 bx/base:latest status)" none "bx/base is not in use: not exported"

want_suid=$(printf '%s\n' "$long/deep-suid (04750)" "/usr/sbin/sgid-tool (02711)" "/usr/sbin/suid-tool (04755)")
got=$(jq -r '.checks[] | select(.id == "4.8") | .findings[] | select(.target == "bx/suid:latest") | .actual.value[]' "$out" | sort)
is "$got" "$want_suid" "bx/suid names exactly its setuid/setgid files, long path included"
got=$(jq -r '.checks[] | select(.id == "4.8") | .findings[] | select(.target == "bx/big:latest") | .actual.value | join(",")' "$out")
is "$got" "/zz-suid (04755)" "bx/big names /zz-suid"

# Facts: source, container, counts.
sf() { jq -r --arg t "$1" --arg f "$2" '.docker.api.images[] | select(._name == $t) | .setuid_files[$f] | tostring' "$facts"; }
is "$(sf bx/suid:latest source)" "api:/containers/$suid_id/export" "the never-started container of bx/suid is exported, not the running one"
is "$(sf bx/suid:latest container)" "c-suid" "setuid_files names the exported container"
is "$(sf bx/suid:latest found)/$(sf bx/suid:latest truncated)" "3/false" "found 3, not truncated"
is "$(sf bx/clean:latest files)" "[]" "bx/clean: no files"
for i in suid clean fixed big; do
	echo "# export scan of bx/$i: $(sf "bx/$i:latest" bytes) bytes in $(sf "bx/$i:latest" seconds) s"
done

# Memory stays bounded: the 68 MiB export of bx/big is streamed, not held.
# This guards against holding an export (or a growing copy of it), not a
# figure: peak RSS with --scan-image-fs, less peak RSS of the same audit
# without it (same build, so sanitizer overhead cancels out), must stay
# under half of the largest export.  Holding it would cost all of it.
# ASan's quarantine keeps freed memory resident by design: it is kept
# small for the two measured runs.  Figures belong in bench/.
if [ -x /usr/bin/time ]; then
	peak() {
		ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=1" \
		/usr/bin/time -f %M -o "$DK_DIR/rss" "$BOXAUDIT" --docker-host "$DK_HOST" \
			--benchmark cis-docker-1.8.0 --check 4.8 "$@" --format json > /dev/null 2>&1
		tail -n 1 "$DK_DIR/rss"
	}
	with=$(peak --scan-image-fs)
	without=$(peak)
	big=$(sf bx/big:latest bytes)
	echo "# peak RSS: $with KiB with --scan-image-fs, $without KiB without; largest export $big bytes"
	if [ "$big" -gt 60000000 ] && [ $(( (with - without) * 1024 )) -lt $(( big / 2 )) ]; then
		ok "exporting 68+ MiB adds under half of it to peak RSS (streamed, not held)"
	else
		notok "exporting 68+ MiB adds under half of it to peak RSS (streamed, not held)" \
			"with $with KiB, without $without KiB, export $big bytes"
	fi
fi

# The same list from an independent tar reader over `docker export`.
for i in suid fixed big; do
	dk export "c-$i" | python3 -c '
import sys, tarfile
out = []
for m in tarfile.open(fileobj=sys.stdin.buffer, mode="r|"):
    if (m.isfile() or m.islnk()) and m.mode & 0o6000:
        n = m.name
        while n.startswith("./") or n.startswith("/"):
            n = n[2:] if n.startswith("./") else n[1:]
        out.append("/%s (%05o)" % (n.rstrip("/"), m.mode & 0o7777))
print("\n".join(sorted(out)))' > "$DK_DIR/py.$i" 2>"$DK_DIR/py.err" ||
		notok "python tarfile reads the export of c-$i" "$(cat "$DK_DIR/py.err")"
	got=$(jq -r --arg t "bx/$i:latest" '.docker.api.images[] | select(._name == $t) | .setuid_files.files[]' "$facts" | sort)
	is "$got" "$(cat "$DK_DIR/py.$i")" "bx/$i: boxaudit's list equals Python tarfile's over docker export"
done

dk_done
