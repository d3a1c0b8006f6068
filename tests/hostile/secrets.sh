#!/bin/sh
# Secrets never reach an output.  One random secret is planted in a
# container's env (a secret-named and a plain variable), a secret-named
# label, image history (ENV, ARG and RUN), the image config, the Engine's
# command line, docker.service Environment= and its EnvironmentFile, and the
# kubelet's env file; every output (text -v, JSON, HTML, JUnit, the facts
# snapshot, stderr) is then searched for it.  The Engine is fake_engine.py
# with fixture bodies (fast, always runs).
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/hostile/lib.sh"
h_setup secrets
command -v python3 >/dev/null 2>&1 || h_skip "python3 is not installed"
D=$H_DIR
S="S3cr3tV4lu3-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

# The host: proxy credentials in the unit and its env file, a token in the
# kubelet's flags.
h_base "$D/root"
cat > "$D/root/lib/systemd/system/docker.service" <<EOF
[Service]
Environment="HTTP_PROXY=http://user:$S@proxy.example:3128" "API_TOKEN=$S"
EnvironmentFile=-/etc/default/docker
ExecStart=/usr/sbin/dockerd -H fd:// \$DOCKER_OPTS
EOF
cat > "$D/root/etc/default/docker" <<EOF
DOCKER_OPTS="--tlsverify --userland-proxy=false"
HTTPS_PROXY=https://admin:$S@proxy.example
REGISTRY_PASSWORD=$S
EOF
cat > "$D/root/var/lib/kubelet/kubeadm-flags.env" <<EOF
KUBELET_KUBEADM_ARGS="--node-ip=10.0.0.1 --bootstrap-token=$S"
BOOTSTRAP_TOKEN=$S
EOF

# The Engine: fixture bodies made from fake_engine's own, with the secret.
mkdir -p "$D/fix"
python3 - "$top/tests/api" "$D/fix" "$S" <<'EOF'
import json, os, sys
sys.path.insert(0, sys.argv[1])
import fake_engine as fe
out, s = sys.argv[2], sys.argv[3]
def put(path, body):
    with open(os.path.join(out, path.replace("/", "_") + ".json"), "w") as f:
        json.dump(body, f)
for i in range(3):
    c = fe.container_inspect(i)
    c["Config"]["Env"] = ["DB_PASSWORD=" + s, "FOO=" + s, "PATH=/usr/bin", "URL=https://u:" + s + "@db"]
    c["Config"]["Labels"] = {"com.example.api-token": s, "app": "demo"}
    c["Args"] = ["--password", s, "--token=" + s]
    put("/containers/%s/json" % fe.cid(i), c)
    summ = fe.container_summary(i)
for k in range(fe.N_IMAGES + 2):
    im = fe.image_inspect(k)
    im["Config"]["Env"] = ["API_TOKEN=" + s, "PLAIN=" + s]
    im["Config"]["Labels"] = {"org.example.secret": s}
    put("/images/%s/json" % fe.iid(k), im)
    h = fe.image_history(k)
    h.append({"Id": "<missing>", "Created": 1, "CreatedBy": "/bin/sh -c #(nop)  ENV DB_PASSWORD=" + s + " PLAIN=" + s, "Size": 0, "Tags": None, "Comment": ""})
    h.append({"Id": "<missing>", "Created": 1, "CreatedBy": "/bin/sh -c #(nop)  ARG API_KEY=" + s, "Size": 0, "Tags": None, "Comment": ""})
    h.append({"Id": "<missing>", "Created": 1, "CreatedBy": "RUN |1 NPM_TOKEN=" + s + " /bin/sh -c npm ci", "Size": 0, "Tags": None, "Comment": ""})
    put("/images/%s/history" % fe.iid(k), h)
summaries = [fe.container_summary(i) for i in range(3)]
for x in summaries:
    x["Labels"] = {"com.example.api-token": s}
put("/containers/json", summaries)
EOF
python3 "$top/tests/api/fake_engine.py" --unix "$D/e.sock" --fixtures "$D/fix" --containers 3 > "$D/e.log" 2>&1 &
H_PIDS=$!
i=0; while [ ! -S "$D/e.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

"$BOXAUDIT" --root "$D/root" --docker-host "unix://$D/e.sock" --benchmark cis-docker-1.8.0,cis-kubernetes-1.12 \
	-v -o "text:$D/out.txt" -o "json:$D/out.json" -o "html:$D/out.html" -o "junit:$D/out.xml" \
	--dump-facts "$D/facts.json" > "$D/stdout.txt" 2> "$D/stderr.txt"
r=$?
case "$r" in 0|1) ok "audit with planted secrets: exit $r" ;; *) notok "audit with planted secrets: exit 0 or 1" "got $r: $(cat "$D/stderr.txt")" ;; esac
# The secret did reach boxaudit: the facts hold the names beside redacted values.
is "$(jq '[.docker.api.containers[] | select(.Config.Env != null)] | length' "$D/facts.json")" 3 "the three containers were inspected"
like "$(jq -c '.docker.api.containers[0].Config.Env' "$D/facts.json")" 'DB_PASSWORD=' "container env names are kept"
like "$(jq -c '.docker.api.containers[0].Config.Labels' "$D/facts.json")" 'com.example.api-token' "label keys are kept"
like "$(jq -c '.docker.systemd["docker.service"].environment' "$D/facts.json")" 'HTTP_PROXY' "unit Environment= names are kept"
for f in out.txt out.json out.html out.xml facts.json stdout.txt stderr.txt; do
	if [ -s "$D/$f" ] || [ "$f" = stderr.txt ] || [ "$f" = stdout.txt ]; then
		if grep -a -n -- "$S" "$D/$f" > "$D/leak.txt"; then
			notok "$f: the secret does not appear" "$(head -c 1500 "$D/leak.txt")"
		else
			ok "$f: the secret does not appear"
		fi
	else
		notok "$f: written"
	fi
done
# Also not in any encoding the formats use (HTML entities, JSON escapes).
part=$(printf '%s' "$S" | cut -c1-10)
if grep -a -l -- "${S#S3cr3t}" "$D"/out.* "$D/facts.json" >/dev/null 2>&1; then
	notok "no output holds the secret's tail (a partly escaped copy)" "$(grep -a -l -- "${S#S3cr3t}" "$D"/out.* "$D/facts.json")"
else ok "no output holds the secret's tail (a partly escaped copy)"; fi
[ -n "$part" ]

# A snapshot is audited as collected: its outputs stay clean too.
"$BOXAUDIT" --facts "$D/facts.json" --benchmark cis-docker-1.8.0 -v --format html > "$D/snap.html" 2>&1
if grep -a -q -- "$S" "$D/snap.html"; then notok "an audit of the snapshot does not show the secret"; else ok "an audit of the snapshot does not show the secret"; fi

# Redaction where a value lands, and by the value's shape whatever its key.
# A second host: credentials in daemon.json proxies and mirrors, in dockerd
# and kubelet flags (parsed into settings and unknown_flags), in an
# unbalanced /etc/default/docker line (quoted by the expansion error), in
# a container's health check and log options; and values shaped like
# credentials under innocent names (a label "note", plain command words).
N=$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')
T=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')	# 36 alphanumerics
h_base "$D/root2"
python3 - "$D/root2/etc/docker/daemon.json" "$S" <<'PY'
import json, sys
p, s = sys.argv[1], sys.argv[2]
d = json.load(open(p))
d.update({"http-proxy": "http://u:%s@proxy:3128" % s, "proxies": {"https-proxy": "https://u:%s@proxy" % s},
          "registry-mirrors": ["https://mirror-user:%s@mirror.example" % s], "x-registry-token": s})
json.dump(d, open(p, "w"))
PY
cat > "$D/root2/lib/systemd/system/docker.service" <<UNIT
[Service]
EnvironmentFile=-/etc/default/docker
ExecStart=/usr/sbin/dockerd -H fd:// --registry-password=$S --https-proxy=http://u:$S@p:1 \$DOCKER_OPTS
UNIT
printf 'DOCKER_OPTS="--icc=false --token=%s\n' "$S" > "$D/root2/etc/default/docker"
cat > "$D/root2/var/lib/kubelet/kubeadm-flags.env" <<FLAGS
KUBELET_KUBEADM_ARGS="--manifest-url=https://u:$S@h/pods --image-credential-provider-config=/etc/$S.yaml --image-credential-provider-config /etc/$S-2.yaml"
FLAGS
mkdir -p "$D/fix2"
python3 - "$top/tests/api" "$D/fix2" "$S" "$N" "$T" <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[1])
import fake_engine as fe
out, s, n, t = sys.argv[2:6]
def put(path, body):
    with open(os.path.join(out, path.replace("/", "_") + ".json"), "w") as f:
        json.dump(body, f)
pem = "-----BEGIN EC PRIVATE KEY-----\nMHc" + t + "\n-----END EC PRIVATE KEY-----"
for i in range(3):
    c = fe.container_inspect(i)
    c["Config"]["Healthcheck"] = {"Test": ["CMD", "curl", "--password=" + s, "http://u:" + s + "@localhost/"]}
    c["HostConfig"]["LogConfig"] = {"Type": "splunk", "Config": {"splunk-token": s, "loki-url": "https://u:" + s + "@loki"}}
    c["Config"]["Labels"] = {"note": "deploy with ghp_" + t + " and AKIA" + t[:16].upper() + " " + pem,
                             "header": "Authorization: Bearer " + s}
    c["Args"] = ["--token=/" + s, "--password=" + n, "serve"]
    put("/containers/%s/json" % fe.cid(i), c)
put("/containers/json", [fe.container_summary(i) for i in range(3)])
PY
python3 "$top/tests/api/fake_engine.py" --unix "$D/e2.sock" --fixtures "$D/fix2" --containers 3 > "$D/e2.log" 2>&1 &
H_PIDS="$H_PIDS $!"
i=0; while [ ! -S "$D/e2.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$BOXAUDIT" --root "$D/root2" --docker-host "unix://$D/e2.sock" --benchmark cis-docker-1.8.0,cis-kubernetes-1.12 \
	-v -o "text:$D/o2.txt" -o "json:$D/o2.json" -o "html:$D/o2.html" -o "junit:$D/o2.xml" \
	--dump-facts "$D/f2.json" > "$D/so2.txt" 2> "$D/se2.txt"
r=$?
case "$r" in 0|1) ok "second host: exit $r" ;; *) notok "second host: exit 0 or 1" "got $r: $(head -c 500 "$D/se2.txt")" ;; esac
like "$(jq -r '.docker.daemon.settings.error // ""' "$D/f2.json")" "unterminated" "the unbalanced /etc/default/docker line is an error in the facts"
like "$(jq -c '.docker.api.containers[0].HostConfig.LogConfig.Config' "$D/f2.json")" "splunk-token" "log option names are kept"
like "$(jq -c '.docker.api.containers[0].Config.Labels.note' "$D/f2.json")" "private key" "a PEM private key under an innocent name is redacted, its kind shown"
AK="AKIA$(printf '%s' "$T" | cut -c1-16 | tr a-z A-Z)"
for v in "$S" "$N" "$T" "$AK"; do
	leaked=""
	for f in o2.txt o2.json o2.html o2.xml f2.json so2.txt se2.txt; do
		grep -a -q -- "$v" "$D/$f" && leaked="$leaked $f"
	done
	if [ -z "$leaked" ]; then ok "no output holds the credential $(printf '%s' "$v" | cut -c1-6)..."
	else notok "no output holds the credential $(printf '%s' "$v" | cut -c1-6)..." "found in:$leaked"; fi
done

h_done
