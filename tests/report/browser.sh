#!/bin/sh
# The HTML report in headless Chromium (Debian's chromium, driven by npm's
# playwright-core): see browser.js.  Installs what is missing when run as
# root; skips (exit 77, or "1..0 # SKIP" under make check's TAP driver,
# which counts any other exit status as an error) when that is impossible.
under_make=${top_builddir:+1}
. "$(dirname "$0")/lib.sh"
skip() {
	echo "1..0 # SKIP $1"
	[ -n "$under_make" ] && exit 0
	exit 77
}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
can_install() { [ "$(id -u)" = 0 ] && [ -z "$BOXAUDIT_NO_INSTALL" ]; }
if [ ! -x "$CHROMIUM" ] && can_install && command -v apt-get >/dev/null; then
	timeout 300 apt-get install -y -q chromium >/dev/null 2>&1 ||
		{ timeout 120 apt-get update -q >/dev/null 2>&1 && timeout 300 apt-get install -y -q chromium >/dev/null 2>&1; }
fi
[ -x "$CHROMIUM" ] || skip "chromium is not installed (apt-get install chromium)"
command -v node >/dev/null || skip "node is not installed"
NODE_DIR=${BOXAUDIT_NODE_DIR:-$top_builddir/tests/report/.node}
export NODE_PATH="$NODE_DIR/node_modules"
if ! node -e 'require("playwright-core")' 2>/dev/null && command -v npm >/dev/null && [ -z "$BOXAUDIT_NO_INSTALL" ]; then
	mkdir -p "$NODE_DIR"
	timeout 180 npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund playwright-core@1.65.1 >/dev/null 2>&1
fi
node -e 'require("playwright-core")' 2>/dev/null || skip "playwright-core is not installed (npm install playwright-core)"

facts h web "$HOSTILE_1:privileged" "$HOSTILE_2:privileged" "$HOSTILE_3" "$HOSTILE_4:privileged"
"$BOXAUDIT" --facts "$T/h.json" -o "$T/r.html" -o "$T/r.json"
[ -s "$T/r.html" ] || { echo "1..1"; echo "not ok 1 - the html report was written"; exit 1; }
ART=${top_builddir}/tests/report/artifacts
mkdir -p "$ART"
cp "$T/r.html" "$ART/hostile-report.html"
CHROMIUM="$CHROMIUM" timeout 60 node "$top_srcdir/tests/report/browser.js" "$T/r.html" "$T/r.json" "$ART/hostile-report.png"
