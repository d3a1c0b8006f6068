#!/bin/sh
# boxaudit validate: the built-in definitions are valid, a user file that
# names built-in rules is valid, and broken files fail with exit 2.  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
work=$(mktemp -d /tmp/boxaudit-validate.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
n=0
t() {
	want=$1; shift
	desc=$1; shift
	n=$((n + 1))
	"$bin" validate --checks-dir "$top/checks" "$@" > "$work/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then echo "ok $n - $desc"; else echo "not ok $n - $desc (exit $rc, wanted $want)"; sed 's/^/# /' "$work/out"; fi
}
t 0 "built-in definitions are valid" $(find "$top/checks" -name '*.yaml' | sort)
cat > "$work/site.yaml" <<'Y'
benchmark: {id: site-docker, title: Site baseline, version: "1", extends: cis-docker-1.8.0}
change:
  - {id: "2.1", level: 2}
remove: ["6.1", "6.2"]
Y
t 0 "a site benchmark extending a built-in one is valid" "$work/site.yaml"
t 2 "a broken rule library is rejected" "$top/tests/cases/defs/defs-bad-regex/checks/rules.yaml"
n=$((n + 1))
if grep -q "rules.yaml:6:39: invalid regex" "$work/out"; then echo "ok $n - the error names file, line and column"; else echo "not ok $n - the error names file, line and column"; sed 's/^/# /' "$work/out"; fi
t 2 "a missing file is an error" "$work/nope.yaml"
echo "1..$n"
