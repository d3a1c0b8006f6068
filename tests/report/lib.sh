# TAP helpers for the report tests (sourced).  Needs BOXAUDIT, top_srcdir.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${BOXAUDIT:=$top_builddir/boxaudit}"
T=$(mktemp -d "${TMPDIR:-/tmp}/boxaudit-report.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# rc_is WANT DESCRIPTION: compare the last $rc.
rc_is() { if [ "$rc" -eq "$1" ]; then ok "$2 (exit $rc)"; else not_ok "$2 (exit $rc, want $1)"; fi; }
done_testing() { echo "1..$n"; [ "$fails" -eq 0 ]; }
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# facts NAME CONTAINER...: a facts snapshot with these containers at $T/NAME.json.
facts() { f=$1; shift; "$PY" "$top_srcdir/tests/report/make_facts.py" "$top_srcdir/tests/report/data/base-facts.json" "$T/$f.json" "$@"; }
# The hostile container names every writer is tested with.
HOSTILE_1='<script>alert(1)</script>'
HOSTILE_2='"><img src=x onerror=alert(1)>'
HOSTILE_3='javascript:alert(1)'
HOSTILE_4="$(printf 'esc\033]0;pwned\007name')"
# The report tests audit Docker facts: load only the Docker definitions, so
# they test the writers, not whatever else is being defined beside them.
BOXAUDIT_CHECKS_DIR=${BOXAUDIT_CHECKS_DIR:-$top_srcdir/checks/docker}
export BOXAUDIT_CHECKS_DIR
