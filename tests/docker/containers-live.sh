#!/bin/sh
# Live test: containers and images on a real dockerd, each made to
# exercise one CIS Docker section 4 or 5 check, audited through the Engine API.
#
# Every container is a "good" configuration (which passes every automatically
# evaluated check) with one thing changed.  For every container the set of
# checks that FAIL for it is asserted exactly, so a variant must fail the
# check it exercises and nothing else; then values, sources, secrecy,
# stopped containers and the --running-only / --container /
# --exclude-container filters are asserted finding by finding.
#
# DK_SNAPSHOT=DIR also writes the trimmed facts snapshots used by the offline
# cases tests/cases/docker/containers-good and tests/cases/docker/containers-bad.
. "$(dirname "$0")/lib.sh"
dk_setup containers-live
here=$(cd "$(dirname "$0")" && pwd)

dk_start || { notok "dockerd starts"; dk_done; exit 0; }
ok "dockerd starts"

# Images: a busybox-static base, then one build per image check.
dk_base_image bx/base || { notok "base image imported"; dk_done; exit 0; }
cp -r "$here/images" "$DK_DIR/ctx"
for i in good nouser no-health health-none update-alone add secret-env secret-arg; do
	dk_build "bx/$i" "$DK_DIR/ctx" "$DK_DIR/ctx/Dockerfile.$i" || notok "build bx/$i"
done
dk network create bxnet >/dev/null || notok "user network created"
mkdir -p "$DK_DIR/data"

# The good configuration, one variable per aspect so that a variant drops one.
D_U="--user 1000"; D_C="--cap-drop ALL"; D_M="--memory 64m"; D_S="--cpu-shares 512"
D_R="--read-only"; D_RS="--restart on-failure:3"; D_P="--pids-limit 100"
D_N="--security-opt no-new-privileges"; D_NET="--network bxnet"
# mk NAME IMAGE "DROPPED ASPECTS" [EXTRA DOCKER CREATE ARGS...]
mk() {
	name=$1 img=$2 drop=$3; shift 3
	a=
	for k in U C M S R RS P N NET; do
		case " $drop " in *" $k "*) ;; *) eval "a=\"\$a \$D_$k\"" ;; esac
	done
	# shellcheck disable=SC2086
	dk create --name "$name" $a "$@" "$img" > "$DK_DIR/create.$name" 2>&1 ||
		notok "create $name" "$(cat "$DK_DIR/create.$name")"
}
sock=$DK_SOCK
t0=$(date +%s)
# name            image            dropped  extra
mk good           bx/good          ""       -p 127.0.0.1:8080:8080 --label tier=web
mk good-b         bx/good          ""       --label tier=db
mk user-name      bx/good          U        --user app
mk user-root      bx/good          U        --user root --label tier=web
mk user-0         bx/good          U        --user 0
mk user-00        bx/good          U        --user 0:0
mk user-empty     bx/nouser        U
mk no-health      bx/no-health     ""
mk health-cmd     bx/no-health     ""       --health-cmd /bin/true
mk no-hc          bx/good          ""       --no-healthcheck
mk health-none    bx/health-none   ""
mk update-alone   bx/update-alone  ""
mk add            bx/add           ""
mk secret-env     bx/secret-env    ""
mk secret-arg     bx/secret-arg    ""
mk ctr-env        bx/good          ""       -e DB_PASSWORD=ctr-VALUE-55 -e PLAIN=plain-VALUE-33
mk privileged     bx/good          ""       --privileged
mk mount-etc-ro   bx/good          ""       -v /etc:/host/etc:ro
mk mount-etc-rw   bx/good          ""       -v /etc:/host/etc
mk mount-root     bx/good          ""       -v /:/host:ro
mk mount-ok       bx/good          ""       -v "$DK_DIR/data:/data" -v /usr/share:/host/share:ro
mk cap-sysadmin   bx/good          ""       --cap-add SYS_ADMIN
mk cap-add-all    bx/good          ""       --cap-add ALL
mk cap-none       bx/good          C
mk cap-netraw     bx/good          C        --cap-drop NET_RAW
mk cap-bind       bx/good          ""       --cap-add NET_BIND_SERVICE
mk port-80        bx/good          ""       -p 127.0.0.1:80:80
mk port-random    bx/good          ""       -p 127.0.0.1::80
mk port-any       bx/good          ""       -p 8081:8081
mk port-zero      bx/good          ""       -p 0.0.0.0:8082:8082
mk port-v6        bx/good          ""       -p "[::]:8083:8083"
mk net-host       bx/good          NET      --network host
mk mem-none       bx/good          M
mk cpu-none       bx/good          S
mk cpu-1024       bx/good          S        --cpu-shares 1024
mk cpu-cpus       bx/good          S        --cpus 1
mk cpu-quota      bx/good          S        --cpu-quota 50000
mk rw-rootfs      bx/good          R
mk restart-always bx/good          RS       --restart always
mk restart-unless bx/good          RS       --restart unless-stopped
mk restart-of10   bx/good          RS       --restart on-failure:10
mk restart-of0    bx/good          RS       --restart on-failure
mk restart-of5    bx/good          RS       --restart on-failure:5
mk restart-no     bx/good          RS       --restart no
mk pid-host       bx/good          ""       --pid host --label tier=db
mk ipc-host       bx/good          ""       --ipc host
mk uts-host       bx/good          ""       --uts host
mk userns-host    bx/good          ""       --userns host
mk device         bx/good          ""       --device /dev/null:/dev/xnull
mk ulimit         bx/good          ""       --ulimit nofile=512:512
mk prop-rshared   bx/good          ""       --mount "type=bind,src=$DK_DIR/data,dst=/data,bind-propagation=rshared"
mk prop-shared    bx/good          ""       --mount "type=bind,src=$DK_DIR/data,dst=/data,bind-propagation=shared"
mk prop-rslave    bx/good          ""       --mount "type=bind,src=$DK_DIR/data,dst=/data,bind-propagation=rslave"
mk seccomp-off    bx/good          ""       --security-opt seccomp=unconfined
mk cgroup-parent  bx/good          ""       --cgroup-parent bxtest
mk nnp-none       bx/good          N
mk nnp-false      bx/good          N        --security-opt no-new-privileges=false
mk nnp-true       bx/good          N        --security-opt no-new-privileges:true
mk pids-none      bx/good          P
mk pids-0         bx/good          P        --pids-limit 0
mk pids-m1        bx/good          P        --pids-limit -1
mk bridge         bx/good          NET
mk sock           bx/good          ""       -v "$sock:/var/run/docker.sock"
mk sock-elsewhere bx/good          ""       -v "$sock:/run/engine/api.sock:ro"
running="good good-b rw-rootfs"
# shellcheck disable=SC2086
dk start $running >/dev/null 2> "$DK_DIR/start.err" || notok "start $running" "$(cat "$DK_DIR/start.err")"
echo "# containers created and started in $(( $(date +%s) - t0 )) s"

out=$DK_DIR/out.json facts=$DK_DIR/facts.json
t0=$(date +%s%N)
bx --check '4.*,5.*' --format json --dump-facts "$facts" > "$out" 2> "$DK_DIR/err"
rc=$?
echo "# audit of $(jq '.docker.api.containers | length' "$facts") containers in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
is "$rc" 1 "boxaudit exits 1"
is "$(jq -r '[.docker.api.containers[] | select(has("error"))] | length' "$facts")" 0 "every container inspected"

# --- Streamed and pruned, the audit is the same. ------------------------------
# Without --dump-facts each container is judged as its inspect body arrives
# and only what the checks read is kept (docs/FACTS.md, "Scale"): the
# verdicts must be those the whole bodies give, finding for finding.  (Not
# the evidence byte for byte: dockerd lists a container's Mounts in a
# different order from one inspect to the next, a Go map.  That the
# streamed writers write the same bytes is tests/unit/test_report.c's.)
verdicts() { jq -c '[.checks[] | [.benchmark, .id, .status, ([.findings[] | [.target, .field, .status]] | sort)]]' "$1"; }
bx --check '4.*,5.*' --format json > "$DK_DIR/streamed.json" 2>/dev/null
is "$(verdicts "$DK_DIR/streamed.json" | cksum)" "$(verdicts "$out" | cksum)" \
	"streamed and pruned: the verdicts of whole inspect bodies, finding for finding"
is "$(jq '[.checks[].findings[]] | length' "$DK_DIR/streamed.json")" "$(jq '[.checks[].findings[]] | length' "$out")" \
	"streamed and pruned: as many findings"
"$BOXAUDIT" --docker-host "$DK_HOST" --benchmark cis-docker-1.8.0,k8s-pss-restricted --format json > "$DK_DIR/both.json" 2>/dev/null
"$BOXAUDIT" --docker-host "$DK_HOST" --benchmark cis-docker-1.8.0,k8s-pss-restricted --format json \
	--dump-facts "$DK_DIR/both.facts.json" > "$DK_DIR/both-whole.json" 2>/dev/null
is "$(verdicts "$DK_DIR/both.json" | cksum)" "$(verdicts "$DK_DIR/both-whole.json" | cksum)" \
	"CIS Docker with the Pod Security Standards: pruned facts give the same verdicts, finding for finding"

# --- For every container, exactly these checks FAIL (the rest PASS). -------
# 5.2/5.3 SKIP: this daemon has neither AppArmor nor SELinux.
while read -r name fails; do
	[ -n "$name" ] || continue
	got=$(jq -r --arg t "$name" '[.checks[] | select(any(.findings[]?; .target == $t and .status == "FAIL")) | .id] | join(" ")' "$out")
	is "$got" "$fails" "$name fails exactly: ${fails:-nothing}"
	other=$(jq -r --arg t "$name" '[.checks[] | .id as $id | .findings[]? | select(.target == $t and .status != "PASS" and .status != "FAIL") | $id + ":" + .status] | join(" ")' "$out")
	is "$other" "" "$name has no ERROR or SKIP finding"
done <<'EOF'
good
good-b
user-name
user-root      4.1
user-0         4.1
user-00        4.1
user-empty     4.1
no-health      5.27
health-cmd
no-hc          5.27
health-none    5.27
update-alone
add
secret-env
secret-arg
ctr-env
privileged     5.5
mount-etc-ro   5.6
mount-etc-rw   5.6
mount-root     5.6
mount-ok
cap-sysadmin   5.4
cap-add-all    5.4
cap-none       5.4
cap-netraw
cap-bind
port-80        5.8
port-random
port-any       5.14
port-zero      5.14
port-v6        5.14
net-host       5.10
mem-none       5.11
cpu-none       5.12
cpu-1024       5.12
cpu-cpus
cpu-quota
rw-rootfs      5.13
restart-always 5.15
restart-unless 5.15
restart-of10   5.15
restart-of0    5.15
restart-of5
restart-no
pid-host       5.16
ipc-host       5.17
uts-host       5.21
userns-host    5.31
device         5.18
ulimit         5.19
prop-rshared   5.20
prop-shared    5.20
prop-rslave
seccomp-off    5.22
cgroup-parent  5.25
nnp-none       5.26
nnp-false      5.26
nnp-true
pids-none      5.29
pids-0         5.29
pids-m1        5.29
bridge         5.30
sock           5.32
sock-elsewhere 5.32
EOF
is "$(jq '[.checks[] | select(.id == "5.5") | .findings[]] | length' "$out")" \
	"$(jq '.docker.api.containers | length' "$facts")" "one 5.5 finding per container"

# --- Images: exactly these image checks FAIL for each. ---------------------
while read -r name fails; do
	[ -n "$name" ] || continue
	got=$(jq -r --arg t "$name" '[.checks[] | select(any(.findings[]?; .target == $t and .status == "FAIL")) | .id] | join(" ")' "$out")
	is "$got" "$fails" "image $name fails exactly: ${fails:-nothing}"
	st=$(jq -r --arg t "$name" '[.checks[] | select(.id | test("^4\\.(6|7|9|10)$")) | .findings[]? | select(.target == $t) | .status] | length' "$out")
	is "$st" 4 "image $name has a finding for each of 4.6, 4.7, 4.9, 4.10"
done <<'EOF'
bx/good:latest
bx/nouser:latest
bx/no-health:latest        4.6
bx/health-none:latest      4.6
bx/update-alone:latest     4.7
bx/add:latest              4.9
bx/secret-env:latest       4.10
bx/secret-arg:latest       4.10
EOF
is "$(jq -r '.docker.api.images_used' "$facts")" 8 "the 8 images in use are audited"

# --- Values and sources of findings. ---------------------------------------
src_re() {
	# src_re ID TARGET REGEX: the finding's source matches REGEX
	s=$(finding "$out" "$1" "$2" source)
	if printf '%s' "$s" | grep -Eq -- "$3"; then ok "$1 $2 source /$3/"; else notok "$1 $2 source /$3/" "got: $s"; fi
}
act_re() {
	# act_re ID TARGET REGEX: the finding's actual value (JSON text) matches REGEX
	s=$(finding "$out" "$1" "$2" actual)
	if printf '%s\n' "$s" | grep -Eq -- "$3"; then ok "$1 $2 actual /$3/"; else notok "$1 $2 actual /$3/" "got: $s"; fi
}
for u in user-root:root user-0:0 user-00:0:0 user-empty: user-name:app good:1000; do
	is "$(finding "$out" 4.1 "${u%%:*}" actual)" "${u#*:}" "4.1 ${u%%:*} shows Config.User '${u#*:}'"
done
src_re 4.1 user-root '^api:/containers/[0-9a-f]{64}/json#Config\.User$'
src_re 5.5 privileged '#HostConfig\.Privileged$'
act_re 5.5 privileged '^true$'
src_re 4.6 bx/no-health:latest '^api:/images/sha256:[0-9a-f]{64}/json#Config\.Healthcheck'
act_re 4.7 bx/update-alone:latest 'apt-get update \|\| true'
src_re 4.7 bx/update-alone:latest '#history\[[0-9]+\]\.CreatedBy'
act_re 4.9 bx/add:latest 'ADD file:[0-9a-f]+ in /etc/app-added.conf'
act_re 4.10 bx/secret-env:latest 'DB_PASSWORD'
act_re 4.10 bx/secret-arg:latest 'API_TOKEN'
act_re 5.6 mount-etc-ro '/etc'
act_re 5.6 mount-root '(^|")/("|$)'
# CIS 5.6: report read-only mounts as well as read-write ones, and say which.
act_re 5.6 mount-etc-ro '"RW":false|read-only|"Mode":"ro"|\bro\b'
act_re 5.6 mount-etc-rw '"RW":true|read-write|\brw\b'
act_re 5.4 cap-sysadmin 'SYS_ADMIN'
act_re 5.8 port-80 '"80"'
act_re 5.14 port-any '^$|^""$|0\.0\.0\.0'
act_re 5.14 port-v6 '::'
act_re 5.15 restart-always 'always'
act_re 5.15 restart-of10 '10'
act_re 5.18 device '/dev/null'
act_re 5.19 ulimit 'nofile'
act_re 5.20 prop-rshared 'rshared'
act_re 5.22 seccomp-off 'seccomp=unconfined|seccomp:unconfined'
act_re 5.25 cgroup-parent 'bxtest'
act_re 5.26 nnp-false 'no-new-privileges[=:]false'
act_re 5.29 pids-none '^null$'
act_re 5.29 pids-0 '^(0|null)$'
act_re 5.29 pids-m1 '^(-1|null)$'
act_re 5.32 sock-elsewhere 'docker\.sock'
act_re 5.11 mem-none '^0$'
act_re 5.11 good '^67108864$'
act_re 5.13 rw-rootfs '^false$'
act_re 5.10 net-host '^host$'
src_re 5.30 bridge '#NetworkSettings\.Networks\.bridge'

# --- Secrets: no value reaches the report, the text output or the facts. ---
bx --check '4.*,5.*' --format text -v > "$DK_DIR/out.txt" 2>&1
for v in S3cr3t-env-VALUE-91 tok-ARG-VALUE-77 ctr-VALUE-55 plain-VALUE-33; do
	n=$(cat "$out" "$DK_DIR/out.txt" "$facts" | grep -c -- "$v")
	is "$n" 0 "secret value $v appears in no output"
done
is "$(jq -r '.docker.api.containers[] | select(._name == "ctr-env") | .Config.Env | map(select(startswith("DB_PASSWORD="))) | .[0]' "$facts")" \
	"DB_PASSWORD=<redacted>" "container Env keeps the name, redacts the value"

# --- Stopped containers are audited; --running-only leaves them out. -------
is "$(jq -r '.docker.api.containers[] | select(._name == "privileged") | ._running' "$facts")" false "privileged (never started) is collected as not running"
is "$(jq -r '.docker.api.containers[] | select(._name == "good") | ._running' "$facts")" true "good is collected as running"
is "$(finding "$out" 5.5 privileged status)" FAIL "a created, never started container is audited (5.5 FAIL)"
targets() { jq -r '[.checks[] | select(.id == "5.5") | .findings[].target] | sort | join(" ")' "$1"; }
bx --check '4.*,5.*' --running-only --format json > "$DK_DIR/run.json" 2>/dev/null
is "$(targets "$DK_DIR/run.json")" "good good-b rw-rootfs" "--running-only audits only the running containers"
is "$(check_status "$DK_DIR/run.json" 5.13)" FAIL "--running-only: 5.13 still FAILs for the running rw-rootfs"
is "$(check_status "$DK_DIR/run.json" 5.5)" PASS "--running-only: 5.5 PASS (privileged is stopped)"

# --- --container / --exclude-container by name (glob) and by label. --------
bx --check '5.5' --container 'user-*' --format json > "$DK_DIR/f1.json" 2>/dev/null
is "$(targets "$DK_DIR/f1.json")" "user-0 user-00 user-empty user-name user-root" "--container 'user-*' selects by name"
bx --check '5.5' --container tier=web --format json > "$DK_DIR/f2.json" 2>/dev/null
is "$(targets "$DK_DIR/f2.json")" "good user-root" "--container tier=web selects by label"
bx --check '5.5' --exclude-container 'restart-*' --format json > "$DK_DIR/f3.json" 2>/dev/null
is "$(jq -r '[.checks[] | select(.id == "5.5") | .findings[].target | select(startswith("restart-"))] | length' "$DK_DIR/f3.json")" 0 \
	"--exclude-container 'restart-*' drops them"
is "$(jq -r '[.checks[] | select(.id == "5.5") | .findings[]] | length' "$DK_DIR/f3.json")" \
	$(( $(jq '.docker.api.containers | length' "$facts") - 6 )) "--exclude-container 'restart-*' keeps the others"
bx --check '5.5' --container 'tier=*' --exclude-container tier=db --format json > "$DK_DIR/f4.json" 2>/dev/null
is "$(targets "$DK_DIR/f4.json")" "good user-root" "--container 'tier=*' --exclude-container tier=db"
bx --check '5.16' --exclude-container tier=db --format json > "$DK_DIR/f5.json" 2>/dev/null
is "$(check_status "$DK_DIR/f5.json" 5.16)" PASS "excluding tier=db (pid-host) makes 5.16 PASS"

# --- Snapshots for the offline cases. ---------------------------------------
if [ -n "${DK_SNAPSHOT:-}" ]; then
	mkdir -p "$DK_SNAPSHOT"
	trim() {
		# trim NAMES...: keep these containers and the images they use
		jq --arg dir "$DK_DIR" --arg names " $* " -f "$here/trim-facts.jq" "$facts"
	}
	trim good good-b user-name cap-netraw cap-bind port-random cpu-cpus cpu-quota \
		restart-of5 restart-no nnp-true prop-rslave mount-ok > "$DK_SNAPSHOT/containers-good.json"
	trim user-root user-0 user-00 user-empty no-health health-cmd no-hc health-none update-alone add secret-env secret-arg \
		privileged mount-etc-ro mount-etc-rw mount-root cap-sysadmin cap-add-all cap-none port-80 port-any \
		port-zero port-v6 net-host mem-none cpu-none cpu-1024 rw-rootfs restart-always restart-unless \
		restart-of10 restart-of0 pid-host ipc-host uts-host userns-host device ulimit prop-rshared prop-shared \
		seccomp-off cgroup-parent nnp-none nnp-false pids-none pids-0 pids-m1 bridge sock sock-elsewhere \
		> "$DK_SNAPSHOT/containers-bad.json"
	echo "# snapshots written to $DK_SNAPSHOT"
fi

dk_done
exit 0
