#!/bin/sh
# Live test: a real dockerd started with a daemon.json written here
# and flags on its command line; boxaudit's section 2 verdicts and the source
# of every judged value are asserted.  A decoy dockerd with other settings is
# started first (so it has the lower pid): boxaudit must audit the daemon
# serving the socket it was pointed at, not the first one in /proc.
. "$(dirname "$0")/lib.sh"
dk_setup daemon-live

# The decoy: its own directories under DK_DIR, started first.
MAIN_DIR=$DK_DIR
DK_DIR=$MAIN_DIR/decoy; mkdir -p "$DK_DIR"
DK_SOCK=$DK_DIR/docker.sock; DK_HOST=unix://$DK_SOCK
echo '{"log-level": "warn", "experimental": true}' > "$DK_DIR/daemon.json"
dk_start || { notok "decoy dockerd starts"; dk_done; exit 1; }
DK_EXTRA_PIDS="$DK_PID $DK_CTRD_PID"; DECOY_PID=$DK_PID; DECOY_HOST=$DK_HOST
DK_PID=; DK_CTRD_PID=
DK_DIR=$MAIN_DIR; DK_SOCK=$DK_DIR/docker.sock; DK_HOST=unix://$DK_SOCK

# The audited daemon: settings from daemon.json and from argv, none given twice.
# icc=false needs iptables, which is on here (the daemon has its own network namespace).
cat > "$DK_DIR/daemon.json" <<'JSON'
{"icc": false, "log-level": "info", "live-restore": true, "no-new-privileges": true}
JSON
DK_IPTABLES=" " dk_start --userland-proxy=false --default-ulimit nofile=1024:2048 \
	--insecure-registry 10.1.2.3:5000 ||
	{ notok "dockerd starts"; dk_done; exit 1; }
ok "dockerd starts with daemon.json and flags"

out=$DK_DIR/out.json facts=$DK_DIR/facts.json
bx --check '2.*' --format json --dump-facts "$facts" > "$out" 2> "$DK_DIR/err"
is "$?" 1 "boxaudit exits 1 (some section 2 checks fail)"

# The daemon audited is the one serving the socket, not the decoy.
is "$(jq -r '.docker.daemon.process.pid' "$facts")" "$DK_PID" "the audited dockerd is the one behind --docker-host"
is "$(jq -r '.docker.daemon.argv_source' "$facts")" "proc:$DK_PID" "argv_source names its pid"
is "$(jq -r --argjson a "$DECOY_PID" --argjson b "$DK_PID" '.docker.daemon.processes | (index($a) != null) and (index($b) != null)' "$facts")" \
	true "both dockerd processes are listed"
is "$(jq -r '.docker.daemon.config_file | .path + " " + .source' "$facts")" \
	"$DK_DIR/daemon.json argv:--config-file" "daemon.json from --config-file"
is "$(jq -r '.docker.api.endpoint + " " + .docker.api.endpoint_source' "$facts")" \
	"$DK_HOST argv:--docker-host" "API endpoint from --docker-host"

# verdict ID STATUS SOURCE: the check's status and its first finding's source.
verdict() {
	is "$(check_status "$out" "$1") $(jq -r --arg id "$1" '[.checks[] | select(.id == $id) | .findings[0].source] | first // "none"' "$out")" \
		"$2 $3" "$1 $2 from $3"
}
# api_finding ID STATUS REGEX: a finding of ID whose source matches REGEX has STATUS.
api_finding() {
	is "$(jq -r --arg id "$1" --arg re "$3" '[.checks[] | select(.id == $id) | .findings[] | select((.source // "") | test($re)) | .status] | first // "none"' "$out")" \
		"$2" "$1 has a $2 finding from the Engine API (/$3/)"
}

verdict 2.1 FAIL facts:docker.daemon.rootless
verdict 2.2 PASS daemon.json:icc
verdict 2.3 PASS daemon.json:log-level
verdict 2.4 PASS default
verdict 2.5 FAIL argv:--insecure-registry
is "$(finding "$out" 2.5 dockerd actual)" '["10.1.2.3:5000"]' "2.5 shows the insecure registry"
verdict 2.6 PASS argv:--storage-driver
api_finding 2.6 PASS 'docker\.api\.info\.Driver'
verdict 2.7 PASS argv:--storage-driver
api_finding 2.7 PASS 'docker\.api\.info\.Driver'
is "$(check_status "$out" 2.8)" SKIP "2.8 SKIP: no TCP host"
verdict 2.9 PASS argv:--default-ulimit
is "$(finding "$out" 2.9 dockerd actual)" '{"nofile":"1024:2048"}' "2.9 shows the default ulimit"
verdict 2.10 FAIL default
verdict 2.11 PASS default
verdict 2.13 FAIL default
verdict 2.14 FAIL default
verdict 2.15 PASS daemon.json:no-new-privileges
verdict 2.16 PASS daemon.json:live-restore
verdict 2.17 PASS argv:--userland-proxy
verdict 2.18 PASS default
verdict 2.19 PASS default

# Issue 3: where the Engine API shows the effective value, it is judged too.
api_finding 2.2 PASS 'enable_icc'
api_finding 2.10 FAIL 'SecurityOptions'
api_finding 2.14 FAIL 'LoggingDriver'
api_finding 2.16 PASS 'LiveRestoreEnabled'
api_finding 2.19 PASS 'ExperimentalBuild'

# The decoy, audited through its own socket, is judged on its own settings.
"$BOXAUDIT" --docker-host "$DECOY_HOST" --benchmark cis-docker-1.8.0 --check '2.*' --format json > "$DK_DIR/decoy.json" 2>/dev/null
out=$DK_DIR/decoy.json
verdict 2.2 FAIL default
verdict 2.3 FAIL daemon.json:log-level
verdict 2.17 FAIL default
verdict 2.19 FAIL daemon.json:experimental
verdict 2.4 FAIL argv:--iptables
out=$DK_DIR/out.json

# 5.19 judges ulimits the container overrides: a daemon default ulimit
# (which 2.9 asks for) is not an override, even though dockerd copies it
# into HostConfig.Ulimits.  5.26 passes through the daemon-wide setting.
dk_base_image bx/base || notok "base image imported"
dk create --name plain bx/base >/dev/null && dk create --name own-ulimit --ulimit nofile=512:512 bx/base >/dev/null &&
dk create --name nnp-off --security-opt no-new-privileges=false bx/base >/dev/null
bx --check '5.19,5.26' --format json > "$DK_DIR/c.json" 2>/dev/null
is "$(finding "$DK_DIR/c.json" 5.19 plain status)" PASS "5.19 plain container PASS (daemon default ulimit is not an override)"
is "$(finding "$DK_DIR/c.json" 5.19 own-ulimit status)" FAIL "5.19 --ulimit nofile=512:512 FAIL"
# The evidence: the container's SecurityOpt (no opt-out in it), then the daemon's setting.
is "$(finding "$DK_DIR/c.json" 5.26 plain status) $(finding "$DK_DIR/c.json" 5.26 plain source | sed 's|^api:/containers/[0-9a-f]*/json#|api:#|')" \
	"PASS api:#HostConfig.SecurityOpt, daemon.json:no-new-privileges" "5.26 PASS through the daemon's no-new-privileges"
is "$(finding "$DK_DIR/c.json" 5.26 nnp-off status)" FAIL "5.26 FAIL when the container opts out"

dk_done
exit 0
