#!/bin/sh
# deploy/kubernetes against the Kubernetes API schemas (tests/fleet/k8s/validate.js:
# kubernetes-models' JSON schemas and kubernetes-types through the TypeScript
# compiler, from npm), a table of deliberately broken variants that must fail,
# and the least-privilege settings the README promises.  Skips without node
# and npm or when the npm registry cannot be reached.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
N=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
notok() { N=$((N + 1)); echo "not ok $N - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
is() { if [ "$1" = "$2" ]; then ok "$3"; else notok "$3" "got:  $1" "want: $2"; fi; }
skip() { echo "1..0 # SKIP $*"; exit 0; }

command -v node >/dev/null 2>&1 || skip "node is missing (Debian: nodejs)"
command -v npm >/dev/null 2>&1 || skip "npm is missing (Debian: npm)"
command -v jq >/dev/null 2>&1 || skip "jq is missing"
mods=${BOXAUDIT_K8S_MODULES:-/var/tmp/boxaudit-k8s-validate}
mkdir -p "$mods" || skip "cannot create $mods"
if ! cmp -s "$top/tests/fleet/k8s/package.json" "$mods/package.json" || [ ! -d "$mods/node_modules/kubernetes-types" ]; then
	cp "$top/tests/fleet/k8s/package.json" "$mods/package.json"
	(cd "$mods" && timeout 600 npm install --no-audit --no-fund --loglevel=error >"$mods/install.log" 2>&1) ||
		{ rm -f "$mods/package.json"; skip "npm install of the schema packages failed: $(tail -n 1 "$mods/install.log")"; }
fi
v() { node "$top/tests/fleet/k8s/validate.js" "$mods" "$@"; }
work=$(mktemp -d /tmp/bx-manifests.XXXXXX)
trap 'rm -rf "$work"' EXIT
dir=$top/deploy/kubernetes
manifests="$dir/namespace.yaml $dir/daemonset.yaml $dir/cronjob.yaml $dir/fleet-job.yaml $dir/fleet-shards.yaml"

# shellcheck disable=SC2086
if out=$(v $manifests 2>&1); then ok "deploy/kubernetes is valid: $out"; else notok "deploy/kubernetes is valid" "$out"; fi
missing=""
for r in $(sed -n 's/^  - //p' "$dir/kustomization.yaml"); do [ -f "$dir/$r" ] || missing="$missing $r"; done
is "$missing" "" "every kustomization resource exists"

# Broken variants of the DaemonSet: DESCRIPTION|SED|EXPECTED (in the output).
while IFS='|' read -r desc expr want; do
	[ -n "$desc" ] || continue
	sed "$expr" "$dir/daemonset.yaml" > "$work/bad.yaml"
	if cmp -s "$work/bad.yaml" "$dir/daemonset.yaml"; then notok "$desc: the edit applies" "$expr"; continue; fi
	out=$(v "$work/bad.yaml" 2>&1); rc=$?
	case "$rc:$out" in
	1:*"$want"*) ok "$desc fails: $(printf '%s' "$out" | head -n 1 | sed 's/^[^:]*: //')" ;;
	*) notok "$desc fails (exit 1, '$want')" "exit $rc" "$out" ;;
	esac
done <<'EOF_CASES'
typo in a field name (volumeMount)|s/volumeMounts:/volumeMount:/|'"volumeMount"' does not exist in type 'Container'
typo deep in securityContext|s/readOnlyRootFilesystem: true/readOnlyRootFileSystem: true/|does not exist in type 'SecurityContext'
wrong type (runAsUser a string)|s/runAsUser: 0/runAsUser: "0"/|runAsUser must be integer
wrong type (env value a number)|s/value: "21600"/value: 21600/|value must be string
missing required field (container name misspelt)|s/- name: boxaudit$/- nme: boxaudit/|must have required property name
unknown apiVersion|s/^apiVersion: apps\/v1/apiVersion: apps\/v2/|unknown kind DaemonSet in apps/v2
misindented YAML|s/^      tolerations:/     tolerations:/|YAML:
duplicate key|s/^      hostIPC: false/      hostIPC: false\n      hostIPC: true/|YAML:
EOF_CASES

# The least-privilege settings, as promised in deploy/kubernetes/README.md.
node -e '
const YAML = require(process.argv[1] + "/node_modules/yaml");
const fs = require("fs");
console.log(JSON.stringify(YAML.parseAllDocuments(fs.readFileSync(process.argv[2], "utf8"), { version: "1.1" }).map((d) => d.toJS())));
' "$mods" "$dir/daemonset.yaml" > "$work/ds.json"
q() { jq -r ".[0].spec.template.spec | $1" "$work/ds.json"; }
is "$(q '.hostPID')" "false" "DaemonSet: no hostPID"
is "$(q '[.containers[].securityContext.privileged] | unique | join(",")')" "false" "DaemonSet: not privileged"
is "$(q '[.containers[].securityContext | .capabilities.drop == ["ALL"] and (.capabilities.add // [] | length == 0)] | all')" "true" \
	"DaemonSet: every capability dropped, none added"
is "$(q '[.containers[].securityContext | .readOnlyRootFilesystem and (.allowPrivilegeEscalation == false) and .seccompProfile.type == "RuntimeDefault"] | all')" \
	"true" "DaemonSet: read-only root filesystem, no privilege escalation, RuntimeDefault seccomp"
is "$(q '[.containers[].volumeMounts[] | .readOnly] | all')" "true" "DaemonSet: every host mount is read-only"
is "$(q '[.containers[].resources | (.requests.cpu and .requests.memory and .limits.cpu and .limits.memory)] | all')" "true" \
	"DaemonSet: resource requests and limits"
is "$(q '[.tolerations[].key] | index("node-role.kubernetes.io/control-plane") != null')" "true" \
	"DaemonSet: tolerates control-plane nodes"
is "$(q '.automountServiceAccountToken')" "false" "DaemonSet: no API token"
echo "1..$N"
