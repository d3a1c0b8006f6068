#!/bin/sh
# Live test of CIS Kubernetes section 2 on a real etcd (Debian's etcd-server):
# the test starts etcd itself on loopback ports with its own data
# directory, audits the live host (--check '2.*' and 1.1.11) and stops it.
#
# - plain: flags only, no TLS -> 2.1 and 2.2 FAIL (client-cert-auth from
#   etcd's default), 2.3 PASS, origins argv:/default(etcd ...);
# - tls: certificates made here with openssl, --client-cert-auth=True (Go
#   bool spelling) -> 2.1 and 2.2 PASS from argv:, 1.1.11 judges the
#   --data-dir the process names;
# - env: configured only through ETCD_* variables (as Debian's
#   /etc/default/etcd does) -> 2.2 PASS from env:ETCD_CLIENT_CERT_AUTH.
# Skips (77) when not root, or when etcd or openssl is missing.
set -u
bin=${BOXAUDIT:-$(cd "$(dirname "$0")/../.." && pwd)/boxaudit}
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP not root"; exit 77; }
etcd=$(command -v etcd) || { echo "1..0 # SKIP no etcd (apt-get install etcd-server)"; exit 77; }
command -v openssl >/dev/null || { echo "1..0 # SKIP no openssl"; exit 77; }
command -v jq >/dev/null || { echo "1..0 # SKIP no jq"; exit 77; }
live_lock
# Another etcd on the host would make the live audit's choice ambiguous.
if [ -n "$(ps -eo comm= | grep -x etcd)" ]; then echo "1..0 # SKIP an etcd is already running"; exit 77; fi

dir=$(mktemp -d /tmp/boxaudit-etcd.XXXXXX)
chmod 0755 "$dir"
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
trap 'stop; rm -rf "$dir"' EXIT INT TERM
# Ports from the pid, so that parallel runs rarely collide.
base=$((20000 + ($$ % 2000) * 4))
cport=$base peer=$((base + 1))

# start NAME ARGS...: etcd in the background, up once its client port answers.
start() {
	name=$1; shift
	"$etcd" "$@" > "$dir/$name.log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 50 ]; do
		grep -q "ready to serve client requests\|serving client" "$dir/$name.log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2; i=$((i + 1))
	done
	kill -0 "$pid" 2>/dev/null
}
audit() {
	"$bin" --no-api --benchmark cis-kubernetes-1.12 --check '2.*,1.1.11' --format json -o "$dir/$1.json" \
		--dump-facts "$dir/$1.facts.json" >/dev/null 2>"$dir/$1.err"
}
# --- plain
if start plain --name plain --data-dir "$dir/plain.etcd" --listen-client-urls "http://127.0.0.1:$cport" \
	--advertise-client-urls "http://127.0.0.1:$cport" --listen-peer-urls "http://127.0.0.1:$peer" \
	--initial-advertise-peer-urls "http://127.0.0.1:$peer" --initial-cluster "plain=http://127.0.0.1:$peer"; then
	ok "plain etcd starts (pid $pid)"
	audit plain
	src=$(jq -r '.kubernetes.control_plane.etcd.source' "$dir/plain.facts.json")
	[ "$src" = "proc:$pid" ] && ok "plain: the running etcd is found (proc:$pid)" || notok "plain: found as proc:$pid" "source $src; $(jq -c '.kubernetes.control_plane.etcd.identification' "$dir/plain.facts.json")"
	expect plain 2.1 FAIL
	expect plain 2.2 FAIL "default(etcd"
	expect plain 2.3 PASS "default(etcd"
	expect plain 1.1.11 PASS "stat:$dir/plain.etcd"
else
	notok "plain etcd starts" "$(tail -5 "$dir/plain.log")"
fi
stop

# --- tls: a CA, a server certificate for 127.0.0.1, client certificate auth
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-etcd-ca -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > "$dir/ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 1 \
	-extfile "$dir/ext" -out "$dir/server.crt" 2>/dev/null
chmod 0600 "$dir"/*.key
if [ -s "$dir/server.crt" ] && start tls --name tls --data-dir "$dir/tls.etcd" \
	--listen-client-urls "https://127.0.0.1:$cport" --advertise-client-urls "https://127.0.0.1:$cport" \
	--listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
	--initial-cluster "tls=http://127.0.0.1:$peer" --cert-file "$dir/server.crt" --key-file "$dir/server.key" \
	--client-cert-auth=True --trusted-ca-file "$dir/ca.crt"; then
	ok "tls etcd starts (pid $pid)"
	audit tls
	expect tls 2.1 PASS "argv:--cert-file"
	expect tls 2.2 PASS "argv:--client-cert-auth"
	expect tls 2.3 PASS "default(etcd"
	chmod 0750 "$dir/tls.etcd"
	audit tls-open
	expect tls-open 1.1.11 FAIL "stat:$dir/tls.etcd"
else
	notok "tls etcd starts" "$(tail -5 "$dir/tls.log" 2>/dev/null)"
fi
stop

# --- env: no flags at all, only ETCD_* (Debian's /etc/default/etcd style)
if ETCD_NAME=env ETCD_DATA_DIR="$dir/env.etcd" ETCD_LISTEN_CLIENT_URLS="https://127.0.0.1:$cport" \
	ETCD_ADVERTISE_CLIENT_URLS="https://127.0.0.1:$cport" ETCD_LISTEN_PEER_URLS="http://127.0.0.1:$peer" \
	ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:$peer" ETCD_INITIAL_CLUSTER="env=http://127.0.0.1:$peer" \
	ETCD_CERT_FILE="$dir/server.crt" ETCD_KEY_FILE="$dir/server.key" ETCD_CLIENT_CERT_AUTH=true \
	ETCD_TRUSTED_CA_FILE="$dir/ca.crt" start env; then
	ok "env-only etcd starts (pid $pid)"
	audit env
	expect env 2.1 PASS "env:ETCD_CERT_FILE"
	expect env 2.2 PASS "env:ETCD_CLIENT_CERT_AUTH"
	expect env 2.5 FAIL "default(etcd"
	expect env 1.1.11 PASS "stat:$dir/env.etcd"
else
	notok "env-only etcd starts" "$(tail -5 "$dir/env.log")"
fi
stop
echo "1..$n"
