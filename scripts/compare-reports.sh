#!/bin/sh
# Snapshot the JSON report (and facts) of every tests/cases case with one
# boxaudit binary, masking what changes from run to run: timestamps,
# temporary paths and the tool version.  Two snapshots from two builds
# compare with diff -r: a refactoring that keeps behaviour shows no diff.
#
#   scripts/compare-reports.sh BOXAUDIT OUTDIR
#   diff -r OUTDIR-before OUTDIR-after
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
export BOXAUDIT_CHECKS_DIR="${BOXAUDIT_CHECKS_DIR:-$top/checks}"
work=$(mktemp -d /tmp/boxaudit-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mask() {
	jq -S --arg w "$work" '
		def m: if type == "string" then gsub($w; "WORK") | gsub("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"; "TIME")
			elif type == "object" then with_entries(.value |= m)
			elif type == "array" then map(m) else . end;
		m | (if .tool? then .tool.version = "V" else . end)
		  | (if .meta? then .meta.boxaudit_version = "V" else . end)' 2>/dev/null || cat
}
find "$top/tests/cases" -name expect -type f | sort | while read -r e; do
	c=$(dirname "$e")
	name=$(basename "$c")
	d="$work/$name"
	mkdir -p "$d"
	args=""
	[ -f "$c/args" ] && args=$(cat "$c/args")
	if [ -d "$c/root" ] || [ -f "$c/setup" ]; then
		if [ -d "$c/root" ]; then cp -a "$(readlink -f "$c/root")" "$d/root"; else mkdir -p "$d/root"; fi
		if [ -f "$c/setup" ]; then (cd "$d/root" && CASE="$c" sh -e "$c/setup") >/dev/null 2>&1 || true; fi
		set -- --root "$d/root"
	elif [ -f "$c/facts.json" ]; then
		set -- --facts "$c/facts.json"
	else
		set -- --root "$d"
	fi
	# shellcheck disable=SC2086
	rc=0
	(cd "$c" && "$bin" "$@" --no-api --format json --dump-facts "$d/facts.json" $args) > "$d/out.json" 2> "$d/err.txt" || rc=$?
	echo "exit $rc" > "$out/$name.exit"
	mask < "$d/out.json" > "$out/$name.json"
	sed "s|$work|WORK|g" "$d/err.txt" > "$out/$name.err"
	if [ -f "$d/facts.json" ]; then mask < "$d/facts.json" > "$out/$name.facts.json"; fi
	rm -rf "$d"
done
