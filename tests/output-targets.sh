#!/bin/sh
# -o (and --dump-facts) to something that is not a plain file of ours.
# Renaming a temporary file over /dev/null once replaced the device with a
# file: a device or FIFO is written in place.  boxaudit runs as root and
# never writes through a symlink it did not create, nor into another
# user's entry in a sticky directory (base/atomic.h).  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
work=$(mktemp -d /tmp/boxaudit-outputs.XXXXXX)
trap 'umount "$work/small" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
n=0
t() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
facts="$top/tests/cases/defs/engine-ops/facts.json"
run() { "$bin" --facts "$facts" --checks-dir "$top/tests/cases/defs/engine-ops/checks" --benchmark ops "$@" >/dev/null 2>"$work/err"; }

if [ "$(id -u)" = 0 ] && mknod "$work/null" c 1 3 2>/dev/null; then
	run -o "json:$work/null"; rc=$?
	t "a character device given to -o is written in place" '[ $rc -le 1 ] && [ -c "$work/null" ]'
	t "it is still the null device" '[ "$(stat -c %t:%T "$work/null")" = "1:3" ]'
else
	n=$((n + 1)); echo "ok $n # SKIP mknod needs root"
	n=$((n + 1)); echo "ok $n # SKIP mknod needs root"
fi
mkfifo "$work/fifo"
cat "$work/fifo" > "$work/from-fifo" &
reader=$!
run -o "json:$work/fifo"
wait "$reader"
t "a FIFO given to -o stays a FIFO" '[ -p "$work/fifo" ]'
t "the reader of the FIFO gets the whole report" 'jq -e .summary "$work/from-fifo" >/dev/null'
echo old > "$work/target.json"
ln -s target.json "$work/link.json"
run -o "json:$work/link.json"; rc=$?
t "a symlink given to -o is refused (exit 2)" '[ $rc -eq 2 ] && grep -q "symbolic link" "$work/err"'
t "the link stays a link" '[ -L "$work/link.json" ]'
t "the file it names is untouched" '[ "$(cat "$work/target.json")" = old ]'
"$bin" --facts "$facts" --checks-dir "$top/tests/cases/defs/engine-ops/checks" --benchmark ops \
	--dump-facts "$work/link.json" >/dev/null 2>"$work/err"; rc=$?
t "--dump-facts through a symlink is refused too" '[ $rc -eq 2 ] && [ "$(cat "$work/target.json")" = old ]'
run -o "json:/dev/stdout" > "$work/stdout.json" 2>"$work/err"; rc=$?
t "-o /dev/stdout writes to standard output" '[ $rc -le 1 ] && jq -e .summary "$work/stdout.json" >/dev/null'
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	# A sticky world-writable directory, as /tmp is, where nobody plants
	# links and files before root writes its reports there.
	chmod 0755 "$work"
	mkdir -m 1777 "$work/shared"
	echo secret > "$work/root-only"; chmod 0600 "$work/root-only"
	su nobody -s /bin/sh -c "ln -s '$work/root-only' '$work/shared/report.json'"
	run -o "json:$work/shared/report.json"; rc=$?
	t "a link planted by another user is refused (exit 2)" '[ $rc -eq 2 ]'
	t "the root-only file keeps its contents and mode" '[ "$(cat "$work/root-only")" = secret ] && [ "$(stat -c %a "$work/root-only")" = 600 ]'
	su nobody -s /bin/sh -c "echo theirs > '$work/shared/theirs.json'"
	run -o "json:$work/shared/theirs.json"; rc=$?
	t "another user's file in a sticky directory is not replaced" '[ $rc -eq 2 ] && [ "$(cat "$work/shared/theirs.json")" = theirs ] && grep -q "sticky" "$work/err"'
	mkdir "$work/etc-like"
	su nobody -s /bin/sh -c "ln -s '$work/etc-like' '$work/shared/dir'"
	run -o "json:$work/shared/dir/report.json"; rc=$?
	t "a directory link planted by another user is not followed" '[ $rc -eq 2 ] && [ ! -e "$work/etc-like/report.json" ]'
	ln -s "$work/etc-like" "$work/shared/mine"
	run -o "json:$work/shared/mine/report.json"; rc=$?
	t "our own directory link in the sticky directory is followed" '[ $rc -le 1 ] && jq -e .summary "$work/etc-like/report.json" >/dev/null'
	run -o "json:$work/shared/new.json"; rc=$?
	t "a new file in the sticky directory is written" '[ $rc -le 1 ] && jq -e .summary "$work/shared/new.json" >/dev/null'
	t "it is a regular file of root's" '[ -f "$work/shared/new.json" ] && [ ! -L "$work/shared/new.json" ] && [ "$(stat -c %u "$work/shared/new.json")" = 0 ]'
else
	for i in 1 2 3 4 5 6 7; do n=$((n + 1)); echo "ok $n # SKIP needs root and the user nobody"; done
fi
# The report is streamed into its temporary file: a write that fails half
# way leaves the old report and no temporary file behind.
run -o "json:/dev/full"; rc=$?
t "a write error is an error naming the file (exit 2)" '[ $rc -eq 2 ] && grep -q "/dev/full.*No space" "$work/err"'
if [ "$(id -u)" = 0 ] && mkdir "$work/small" && mount -t tmpfs -o size=64k tmpfs "$work/small" 2>/dev/null; then
	echo old > "$work/small/report.json"
	dd if=/dev/zero of="$work/small/fill" bs=1k count=64 2>/dev/null
	run -o "json:$work/small/report.json"; rc=$?
	t "a full file system is an error (exit 2)" '[ $rc -eq 2 ] && grep -q "report.json.*No space" "$work/err"'
	t "the old report is untouched" '[ "$(cat "$work/small/report.json")" = old ]'
	t "no temporary file is left" '[ "$(ls "$work/small" | wc -l)" -eq 2 ]'
	umount "$work/small"
else
	for i in 1 2 3; do n=$((n + 1)); echo "ok $n # SKIP mounting a tmpfs needs root"; done
fi
mkdir -p "$work/dir"
run -o "json:$work/dir"; rc=$?
t "a directory given to -o is an error (exit 2)" '[ $rc -eq 2 ] && grep -q "is a directory" "$work/err"'
echo "1..$n"
