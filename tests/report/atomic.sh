#!/bin/sh
# Atomic output: a write that fails half-way leaves the previous report
# intact and no temporary file behind; the run exits 2.
. "$(dirname "$0")/lib.sh"
facts a web db
"$BOXAUDIT" --facts "$T/a.json" --check 5.5 -o "$T/r.html" -o "$T/r.json" -q; rc=$?
rc_is 0 "the previous reports"
cp "$T/r.html" "$T/r.html.before"
cp "$T/r.json" "$T/r.json.before"
# The full report is far larger than 16 KiB: the file size limit makes the
# write fail in the middle (EFBIG; SIGXFSZ is ignored so write returns).
( trap '' XFSZ; ulimit -f 16; exec "$BOXAUDIT" --facts "$T/a.json" -o "$T/r.html" -o "$T/r.json" ) > "$T/out" 2> "$T/err"; rc=$?
rc_is 2 "a write failure is exit 2"
check "the error names the file" grep -q "cannot write '$T/r.html.tmp" "$T/err"
check "the previous HTML report is intact" cmp -s "$T/r.html" "$T/r.html.before"
check "the previous JSON report is intact" cmp -s "$T/r.json" "$T/r.json.before"
check "no temporary file is left behind" sh -c "! ls '$T' | grep -q '\\.tmp\\.'"
# An output path through a regular file cannot be created: exit 2.
"$BOXAUDIT" --facts "$T/a.json" --check 5.5 -o "$T/r.json/x.json" -o "$T/r.html" -q 2> "$T/err"; rc=$?
rc_is 2 "an output path that cannot be created"
check "the message names the path" grep -q "beside '$T/r.json/x.json'" "$T/err"
done_testing
