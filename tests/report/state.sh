#!/bin/sh
# Cron without glue: a --baseline that does not exist yet is the first run;
# --state-dir keeps the reports itself (the last N), compares with the last
# one, and survives a corrupt or foreign last report.  TAP.
. "$(dirname "$0")/lib.sh"

facts a web
facts b web "evil:privileged"

# --- --baseline FILE that does not exist: the first night ---
"$BOXAUDIT" --facts "$T/a.json" -q -o "json:$T/today.json" --baseline "$T/none/yesterday.json" --fail-on new; rc=$?
rc_is 0 "a missing baseline is the first run: --fail-on new does not trip"
check "... the report is written and says there is no baseline yet" "$PY" - "$T/today.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert any(n.startswith("no baseline yet") for n in d["notes"]), d["notes"]
assert "drift" not in d
PYEOF
printf 'not json' > "$T/broken.json"
"$BOXAUDIT" --facts "$T/a.json" -q --baseline "$T/broken.json" > /dev/null 2> "$T/err"; rc=$?
rc_is 2 "a baseline that exists but is broken is still an error"
check "... naming the file" grep -q "broken.json" "$T/err"

# --- --state-dir: first run, then comparisons, then pruning ---
S=$T/state
"$BOXAUDIT" --facts "$T/a.json" -q -o "json:$T/s1.json" --state-dir "$S" --fail-on new; rc=$?
rc_is 0 "state dir: the first run (the directory is created)"
check "... keeps its report there and notes the fresh start" sh -c '
	test "$(ls "$1" | grep -c "^boxaudit-[0-9]\{8\}T[0-9]\{6\}Z\(-[0-9][0-9]\)\{0,1\}\.json$")" = 1 &&
	jq -e "[.notes[] | select(startswith(\"no baseline yet\"))] | length == 1" "$2" > /dev/null' _ "$S" "$T/s1.json"
"$BOXAUDIT" --facts "$T/b.json" -q -o "json:$T/s2.json" --state-dir "$S" --fail-on new; rc=$?
rc_is 1 "state dir: a new privileged container is new against the last kept report"
check "... the drift names it" "$PY" - "$T/s2.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["drift"]["summary"]["regressions"] >= 1
assert any(f["target"] == "evil" and f["change"] == "new" for f in d["drift"]["findings"])
PYEOF
"$BOXAUDIT" --facts "$T/b.json" -q -o "json:$T/s3.json" --state-dir "$S" --fail-on new; rc=$?
rc_is 0 "state dir: the same host again: nothing new"
check "state dir: every run kept, newest last" sh -c 'test "$(ls "$1" | wc -l)" = 3' _ "$S"
printf 'hello\n' > "$S/notes.txt"
for i in 1 2 3 4; do "$BOXAUDIT" --facts "$T/b.json" -q --state-dir "$S" --keep 2 > /dev/null; done
check "--keep 2: only the two newest reports are kept; other files are left alone" sh -c '
	test "$(ls "$1" | grep -c "^boxaudit-")" = 2 && test -f "$1/notes.txt"' _ "$S"

# --- a corrupt or foreign last report: a note and a fresh start ---
last=$(ls "$S" | grep '^boxaudit-' | sort | tail -1)
printf '{"schema": "something-else/1"}\n' > "$S/boxaudit-29991231T235959Z.json"
kept=$(ls "$S" | grep -c '^boxaudit-')
"$BOXAUDIT" --facts "$T/b.json" -q -o "json:$T/s4.json" --state-dir "$S" --fail-on new; rc=$?
rc_is 0 "state dir: a foreign last report is not a baseline: a fresh start"
check "... says so, and the new report is kept" sh -c '
	jq -e "[.notes[] | select(startswith(\"the last report in the state directory cannot be used\"))] | length == 1" "$1" > /dev/null &&
	test "$(ls "$2" | grep -c "^boxaudit-")" = "$3"' _ "$T/s4.json" "$S" $((kept + 1))
printf '{"truncat' > "$S/boxaudit-29991231T235959Z.json"
"$BOXAUDIT" --facts "$T/b.json" -q --state-dir "$S" --fail-on new > /dev/null; rc=$?
rc_is 0 "state dir: a truncated last report is a fresh start too"
check "state dir: the earlier good report was not lost to the bad one" test -f "$S/$last"

# --- a run that fails writes no state ---
S2=$T/state2
"$BOXAUDIT" --facts "$T/a.json" -q --state-dir "$S2" -o "json:$T/no/such/dir/r.json" 2>/dev/null; rc=$?
rc_is 2 "a run whose report cannot be written fails"
check "... and keeps nothing in the state directory" sh -c 'test ! -d "$1" || test -z "$(ls "$1")"' _ "$S2"

"$BOXAUDIT" --facts "$T/a.json" --state-dir "$S" --baseline "$T/today.json" > /dev/null 2>&1; rc=$?
rc_is 2 "--state-dir and --baseline together are a usage error"
"$BOXAUDIT" --facts "$T/a.json" --keep 0 > /dev/null 2>&1; rc=$?
rc_is 2 "--keep 0 is a usage error"
"$BOXAUDIT" --facts "$T/a.json" --fail-on new > /dev/null 2>&1; rc=$?
rc_is 2 "--fail-on new with neither --baseline nor --state-dir is a usage error"
done_testing
