#!/bin/sh
# Data-driven check cases: every directory under tests/cases/AREA/ with an
# expect file (or the ones given as arguments) holds a case.  See
# tests/cases/README.md.
# Prints TAP: one test per expectation line.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
work=$(mktemp -d /tmp/boxaudit-cases.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

if [ $# -gt 0 ]; then cases="$*"; else cases=$(find "$top/tests/cases" -name expect -type f | sed 's|/expect$||' | sort); fi
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

for c in $cases; do
	c=$(cd "$c" && pwd)
	name=$(basename "$(dirname "$c")")/$(basename "$c")
	[ -f "$c/expect" ] || continue
	d="$work/$(basename "$c")"
	mkdir -p "$d"
	args=""
	[ -f "$c/args" ] && args=$(cat "$c/args")
	if [ -d "$c/root" ] || [ -f "$c/setup" ]; then
		# A case may share another's tree: root is then a symlink to it.
		# git keeps no empty directories, so a tree may be all setup's work.
		if [ -d "$c/root" ]; then cp -a "$(readlink -f "$c/root")" "$d/root"; else mkdir -p "$d/root"; fi
		# git keeps no empty directories, owners or modes: setup makes them.
		if [ -f "$c/setup" ]; then
			(cd "$d/root" && CASE="$c" sh -e "$c/setup") > "$d/setup.log" 2>&1 ||
				{ notok "$name: setup failed" "$(cat "$d/setup.log")"; continue; }
		fi
		set -- --root "$d/root"
	elif [ -f "$c/facts.json" ]; then
		set -- --facts "$c/facts.json"
	else
		set -- --root "$d"
	fi
	# shellcheck disable=SC2086
	(cd "$c" && "$bin" "$@" --no-api --format json $args) > "$d/out.json" 2> "$d/err.txt"
	rc=$?
	want_rc=""
	while IFS= read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		# split into words, but never expand a regex's * or ? as a file name
		set -f
		set -- $line
		set +f
		case "$1" in
		exit)
			want_rc=$2
			if [ "$rc" = "$2" ]; then ok "$name: exit $2"; else notok "$name: exit $2" "got exit $rc" "$(cat "$d/err.txt")"; fi ;;
		stderr)
			shift
			if grep -Eq -- "$*" "$d/err.txt"; then ok "$name: stderr /$*/"; else notok "$name: stderr /$*/" "stderr: $(cat "$d/err.txt")"; fi ;;
		stdout)
			shift
			if grep -Eq -- "$*" "$d/out.json"; then ok "$name: stdout /$*/"; else notok "$name: stdout /$*/" "stdout: $(head -c 2000 "$d/out.json")"; fi ;;
		not-stdout)
			shift
			if grep -Eq -- "$*" "$d/out.json"; then notok "$name: stdout lacks /$*/" "found in output"; else ok "$name: stdout lacks /$*/"; fi ;;
		jq)
			# jq EXPR: the expression, over the JSON report, yields true
			shift
			got=$(jq -c "$*" "$d/out.json" 2>&1)
			if [ "$got" = true ]; then ok "$name: jq $*"; else notok "$name: jq $*" "got: $got"; fi ;;
		finding)
			# finding ID TARGET STATUS [SOURCE] (the source may hold spaces: "default(etcd 3.5)")
			want=$(shift 4; printf '%s' "$*")
			got=$(jq -r --arg id "$2" --arg t "$3" '[.checks[] | select(.id == $id) | .findings[] | select(.target == $t) | .status + " " + (.source // "")] | first // "none"' "$d/out.json" 2>/dev/null)
			st=${got%% *}; src=${got#* }
			if [ "$st" = "$4" ] && { [ $# -lt 5 ] || [ "$src" = "$want" ]; }; then ok "$name: $2 $3 $4"
			else notok "$name: $2 $3 $4${5:+ $want}" "got: $got"; fi ;;
		reason)
			# reason ID REGEX
			id=$2; shift 2
			got=$(jq -r --arg id "$id" '[.checks[] | select(.id == $id) | .reason] | first // ""' "$d/out.json" 2>/dev/null)
			if printf '%s' "$got" | grep -Eq -- "$*"; then ok "$name: $id reason /$*/"; else notok "$name: $id reason /$*/" "got: $got"; fi ;;
		*)
			# ID STATUS
			got=$(jq -r --arg id "$1" '[.checks[] | select(.id == $id) | .status] | first // "missing"' "$d/out.json" 2>/dev/null)
			if [ "$got" = "$2" ]; then ok "$name: $1 $2"
			else notok "$name: $1 $2" "got: $got" "$(jq -c --arg id "$1" '.checks[] | select(.id == $id) | {reason, findings}' "$d/out.json" 2>/dev/null | head -c 1500)"; fi ;;
		esac
	done < "$c/expect"
	# Evidence: every FAIL or ERROR check has findings, and every FAIL or
	# ERROR finding a source and what was expected (or, for ERROR, why it
	# could not be judged).  A null value is evidence: the field is unset.
	if [ -s "$d/out.json" ] && jq -e .checks "$d/out.json" >/dev/null 2>&1; then
		bad=$(jq -r '.checks[] | select(.status == "FAIL" or .status == "ERROR") |
			if (.findings | length) == 0 then "\(.id): \(.status) without a finding"
			else .id as $id | .findings[] | select(.status == "FAIL" or .status == "ERROR") |
				select((.source // "") == "" or (.status == "FAIL" and (.expected // "") == "") or
				       (.status == "ERROR" and (.note // "") == "" and (.expected // "") == "")) |
				"\($id) \(.target): \(.status) with source \(.source), expected \(.expected), note \(.note)"
			end' "$d/out.json" | head -5)
		if [ -z "$bad" ]; then ok "$name: every FAIL and ERROR carries its evidence"
		else notok "$name: every FAIL and ERROR carries its evidence" "$bad"; fi
	fi
	# A case that names no exit code must not be an error exit.
	if [ -z "$want_rc" ] && [ "$rc" = 2 ]; then notok "$name: ran" "exit 2: $(cat "$d/err.txt")"; fi
done
echo "1..$n"
