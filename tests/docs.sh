#!/bin/sh
# The worked example of checks/README.md is valid and runs.  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
work=$(mktemp -d /tmp/boxaudit-docs.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/site"
# The last two yaml blocks of the README are the example's two files.
awk '/^```yaml$/{n++; f=1; next} /^```$/{f=0} f{print > ("'"$work"'/block" n ".yaml")}' "$top/checks/README.md"
last=$(ls "$work"/block*.yaml | sort -V | tail -1)
prev=$(ls "$work"/block*.yaml | sort -V | tail -2 | head -1)
cp "$prev" "$work/site/rules.yaml"
cp "$last" "$work/site/site.yaml"
n=0
n=$((n + 1))
if "$bin" validate "$work/site/rules.yaml" "$work/site/site.yaml" >/dev/null 2>&1; then echo "ok $n - the worked example validates"; else echo "not ok $n - the worked example validates"; fi
cp -a "$top/tests/cases/docker/docker-hardened/root" "$work/root"
(cd "$work/root" && sh -e "$top/tests/cases/docker/docker-hardened/setup") >/dev/null 2>&1
"$bin" --add-checks "$work/site" --benchmark site-docker --root "$work/root" --no-api --format json > "$work/out.json" 2>/dev/null
n=$((n + 1))
got=$(jq -r '[.checks[] | .id + "=" + .status] | join(" ")' "$work/out.json" 2>/dev/null)
if [ "$got" = "1.1=SKIP 1.2=FAIL" ]; then echo "ok $n - it runs as the README says"; else echo "not ok $n - it runs as the README says"; echo "# got: $got"; fi
echo "1..$n"
