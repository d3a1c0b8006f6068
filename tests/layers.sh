#!/bin/sh
# The layer rule of src/ (HACKING.md), checked over every #include; then
# the checker itself, over a tree it must reject.  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
py=$(command -v python3) || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
out=$("$py" "$top/tests/layers.py" "$top/src") || exit 1
self=$("$py" "$top/tests/layers.py" --self-test)
# One plan for both parts: renumber the self-test after the tree's tests.
n=$(printf '%s\n' "$out" | grep -c '^\(not \)\?ok ')
printf '%s\n' "$out" | grep -v '^1\.\.'
printf '%s\n' "$self" | grep -v '^1\.\.' | sed "s/^\(not \)\{0,1\}ok 1 /\1ok $((n + 1)) /"
echo "1..$((n + 1))"
