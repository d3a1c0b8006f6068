#!/bin/sh
# -o to something that is not a regular file.  Renaming a temporary file
# over /dev/null once replaced the device with a file; a device or FIFO is
# written in place, and a symlink's target is replaced, not the link.  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
work=$(mktemp -d /tmp/boxaudit-outputs.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
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
run -o "json:$work/link.json"
t "a symlink given to -o stays a symlink" '[ -L "$work/link.json" ]'
t "the file it names gets the report" 'jq -e .summary "$work/target.json" >/dev/null'
mkdir "$work/dir"
run -o "json:$work/dir"; rc=$?
t "a directory given to -o is an error (exit 2)" '[ $rc -eq 2 ] && grep -q "is a directory" "$work/err"'
echo "1..$n"
