#!/bin/sh
# The JSON report follows reports/boxaudit-report.schema.json, on a passing
# host, a failing host and a host with errors.  TAP.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BOXAUDIT:-$top/boxaudit}
py=""
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || { echo "1..0 # SKIP python3-jsonschema is not installed"; exit 0; }
work=$(mktemp -d /tmp/boxaudit-schema.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
n=0
check() {
	n=$((n + 1))
	if "$py" - "$top/reports/boxaudit-report.schema.json" "$1" > "$work/val.txt" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
for e in errors[:5]:
    print("/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
PY
	then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$work/val.txt"; fi
}
for c in docker-hardened docker-insecure daemon-json-malformed; do
	cp -a "$top/tests/cases/docker/$c" "$work/$c"
	if [ -f "$work/$c/setup" ]; then (cd "$work/$c/root" && sh -e "$work/$c/setup") >/dev/null 2>&1; fi
	"$bin" --root "$work/$c/root" --no-api --benchmark cis-docker-1.8.0 --format json > "$work/$c.json" 2>/dev/null
	check "$work/$c.json" "report of $c matches the schema"
done
# Check ids that are control names, and the pss platform, with findings of every status.
"$bin" --root "$top/tests/cases/pss/variants/root" --no-api --benchmark k8s-pss-restricted --format json \
	> "$work/pss.json" 2>/dev/null
check "$work/pss.json" "a Pod Security Standards report matches the schema"
# The managed-node platforms (eks, gke, aks), auto-selected, with failures.
for c in managed-eks-al2023-weak managed-gke-weak managed-aks-weak; do
	cp -a "$top/tests/cases/kube/$c" "$work/$c"
	rm -f "$work/$c/root"
	mkdir "$work/$c/root"
	cp -a "$top/tests/cases/kube/$c/root/." "$work/$c/root/"
	(cd "$work/$c/root" && CASE="$top/tests/cases/kube/$c" sh -e "$work/$c/setup") >/dev/null 2>&1
	"$bin" --root "$work/$c/root" --no-api --format json > "$work/$c.json" 2>/dev/null
	check "$work/$c.json" "report of $c (platform $(jq -r '.benchmarks[0].platform' "$work/$c.json")) matches the schema"
done
# A report that breaks the contract must be caught by the check itself.
jq '.checks[0].status = "MAYBE"' "$work/docker-hardened.json" > "$work/broken.json"
n=$((n + 1))
if "$py" -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
sys.exit(0 if list(jsonschema.Draft202012Validator(s).iter_errors(d)) else 1)' \
	"$top/reports/boxaudit-report.schema.json" "$work/broken.json"; then
	echo "ok $n - a report with an unknown status is rejected"
else
	echo "not ok $n - a report with an unknown status is rejected"
fi
echo "1..$n"
