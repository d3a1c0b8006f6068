#!/bin/sh
# Text output and messages never carry control sequences from hosts or
# files to the terminal: C0 (ESC, BEL, CR) and C1 (U+009B CSI, U+009D OSC)
# controls from container names, a crafted baseline or diff input, and a
# malformed waiver file are shown escaped.  TAP.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup terminal
D=$H_DIR
facts="$top/tests/cases/docker/containers-good/facts.json"
# raw BYTES-FILE: 0 when the file holds ESC, BEL, CR, or a C1 control in UTF-8.
raw() { LC_ALL=C grep -q "$(printf '[\033\007\r]')\|$(printf '\302[\200-\237]')" "$1"; }

# A container named with ESC and CSI.
jq '.docker.api.containers[0]._name = "evil\u001b]0;owned\u0007\u009b2J\rname"' "$facts" > "$D/f.json"
"$BOXAUDIT" --facts "$D/f.json" --check 5.* -v --format text > "$D/text.out" 2>&1
if raw "$D/text.out"; then notok "a container's name reaches text output escaped" "$(grep -a evil "$D/text.out" | head -2 | od -c | head -5)"
else ok "a container's name reaches text output escaped"; fi
like "$(grep -a -m1 'evil' "$D/text.out")" 'evil\\x1b\]0;owned\\x07\\xc2\\x9b2J\\x0dname' "it is shown as \\xNN, C1 included"

# A crafted report as a baseline and as diff input.
"$BOXAUDIT" --facts "$facts" --check 5.* --format json -o "$D/a.json" >/dev/null 2>&1
jq '.collected_at = "2026\u001b[2J\u009d0;x\u0007" | .checks[0].id = "5.\u009b31m" | .checks[0].status = "\u001b[5mFAIL" |
    .host.hostname = "h\u001b[8m"' "$D/a.json" > "$D/b.json"
"$BOXAUDIT" diff "$D/b.json" "$D/a.json" > "$D/diff.out" 2>&1
if raw "$D/diff.out"; then notok "diff prints a crafted report's time, ids and statuses escaped" "$(od -c "$D/diff.out" | head -8)"
else ok "diff prints a crafted report's time, ids and statuses escaped"; fi
"$BOXAUDIT" --facts "$facts" --check 5.* --baseline "$D/b.json" --format text > "$D/base.out" 2>&1
if raw "$D/base.out"; then notok "--baseline's drift section is escaped too" "$(od -c "$D/base.out" | head -8)"
else ok "--baseline's drift section is escaped too"; fi

# A malformed waiver file whose bad key holds control characters: the message is escaped.
printf 'waivers:\n  - check: "5.5"\n    \033]0;x\007: y\n' > "$D/w.yaml"
"$BOXAUDIT" --facts "$facts" --waivers "$D/w.yaml" > /dev/null 2> "$D/err.out"; rc=$?
is "$rc" 2 "a malformed waiver file is exit 2"
if raw "$D/err.out"; then notok "the error message escapes what it quotes" "$(od -c "$D/err.out" | head -5)"
else ok "the error message escapes what it quotes"; fi
h_done
