#!/usr/bin/env python3
"""Regenerate the seed corpora tests/fuzz/corpus/<target>/ from the test
fixtures (tests/cases, tests/unit/data) and checks/.  Run from anywhere:
    python3 tests/fuzz/make-seeds.py
Hand-written seeds (names starting with "hand-") are kept."""
import glob, hashlib, json, os, shlex, sys

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
corpus = os.path.join(top, "tests", "fuzz", "corpus")
SEP = b"\n#@file\n"

def rd(p):
    with open(p, "rb") as f:
        return f.read()

def put(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def g(pattern):
    return sorted(p for p in glob.glob(os.path.join(top, pattern), recursive=True)
                  if os.path.isfile(p) or pattern.endswith("/checks"))

def tag(p):
    return os.path.relpath(p, top).replace("/", "_")

for t in ["defs", "dockerd", "kubelet", "auditd", "systemd", "inspect", "waivers", "host", "ocispec"]:
    d = os.path.join(corpus, t)
    for f in glob.glob(os.path.join(d, "*")):
        if not os.path.basename(f).startswith("hand-"):
            os.unlink(f)

# defs: single files, each test case's checks directory as one input,
# and each real benchmark with its rule library.
for p in g("checks/**/*.yaml") + g("tests/cases/defs/defs-*/checks/*.yaml") + g("tests/cases/defs/engine-ops/**/*.yaml"):
    put("defs", tag(p), rd(p))
for c in g("tests/cases/*/*/checks"):
    files = sorted(glob.glob(c + "/**/*.yaml", recursive=True), key=lambda p: ("rules" not in p, p))
    if files:
        put("defs", "case-" + tag(c), SEP.join(rd(p) for p in files))
for bench in g("checks/*/cis-*.yaml"):
    lib = os.path.join(os.path.dirname(bench), "rules.yaml")
    base = [b for b in g(os.path.dirname(os.path.relpath(bench, top)) + "/cis-*.yaml")]
    put("defs", "lib+" + tag(bench), SEP.join([rd(lib)] + [rd(b) for b in base if b <= bench]))

# dockerd: "ARGV\nDAEMON.JSON"
argvs = []
for p in g("tests/cases/**/*.service"):
    for line in rd(p).decode(errors="replace").splitlines():
        if line.startswith("ExecStart=") and "dockerd" in line:
            argvs.append(line.split("=", 1)[1].split(None, 1)[1] if " " in line else "")
argvs += ["-H fd:// --containerd=/run/containerd/containerd.sock",
          "--icc=false --userns-remap=default --tlsverify --tlscacert=/etc/docker/ca.pem -H tcp://0.0.0.0:2376",
          "--log-opt max-size=10m --log-opt max-file=3 --default-ulimit nofile=100:200 --insecure-registry=r:5000",
          "-D --live-restore --no-new-privileges --selinux-enabled=true --storage-driver overlay2 -- extra"]
jsons = [rd(p) for p in g("tests/cases/**/daemon.json")] + [b"{}", b""]
for i, a in enumerate(argvs):
    for j, js in enumerate(jsons):
        if (i + j) % 3 == 0 or j == 0:
            put("dockerd", "a%02d-j%02d" % (i, j), a.encode() + b"\n" + js)

# kubelet: "ARGV\nCONFIG" then the drop-ins
for argv in g("tests/cases/kube/kubelet-merge/*/argv"):
    case = os.path.dirname(argv)
    words = json.loads(rd(argv))
    if words and words[0] in ("kubelet",):
        words = words[1:]
    elif len(words) > 1 and words[0].endswith("hyperkube") and words[1] == "kubelet":
        words = words[2:]
    line = " ".join(shlex.quote(w) for w in words).encode()
    cfg = b""
    drops = []
    for w in words:
        if w.startswith("--config="):
            p = case + "/root" + w.split("=", 1)[1]
            cfg = rd(p) if os.path.isfile(p) else b""
        if w.startswith("--config-dir="):
            d = case + "/root" + w.split("=", 1)[1]
            drops = [rd(p) for p in sorted(glob.glob(d + "/**/*", recursive=True)) if os.path.isfile(p)]
    put("kubelet", "case-" + os.path.basename(case), SEP.join([line + b"\n" + cfg] + drops))
for p in g("tests/cases/kube/kube-*/root/**/config.yaml") + g("tests/cases/kube/kube-nodes/**/config.yaml"):
    put("kubelet", "cfg-" + tag(p), b"--config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf\n" + rd(p))
for p in g("tests/cases/**/kubelet.service.d/*.conf"):
    for line in rd(p).decode(errors="replace").splitlines():
        if line.startswith("ExecStart=") and "kubelet" in line:
            put("kubelet", "unit-" + tag(p), line.split("=", 1)[1].split(None, 1)[-1].encode() + b"\n")
put("kubelet", "flags", b"--read-only-port=0 --anonymous-auth=false --authorization-mode=Webhook,Node "
    b"--feature-gates=RotateKubeletServerCertificate=true,A=false -v 2 --tls-cipher-suites=TLS_A,TLS_B "
    b"--streaming-connection-idle-timeout=5m --event-qps 0 --make-iptables-util-chains=true --rotate-certificates "
    b"--protect-kernel-defaults --pod-max-pids=0x10 --eviction-hard memory.available<100Mi --node-labels a=b,c=d\n")

# auditd
for p in g("tests/**/*.rules") + g("tests/cases/**/audit.rules"):
    put("auditd", tag(p), rd(p))

# systemd: unit, drop-in, /etc/default/docker, /etc/sysconfig/docker
envs = [rd(p) for p in g("tests/cases/*/*/root/etc/default/docker") + g("tests/cases/*/*/root/etc/sysconfig/docker")]
for p in g("tests/cases/**/*.service") + g("tests/cases/**/*.socket"):
    drops = [rd(d) for d in g(os.path.relpath(p, top) + ".d/*.conf")]
    put("systemd", tag(p), SEP.join([rd(p), drops[0] if drops else b"[Service]\n"] + envs[:2]))
for p in g("tests/cases/**/*.env") + g("tests/cases/*/*/root/etc/default/*") + g("tests/cases/*/*/root/etc/sysconfig/*"):
    put("systemd", "env-" + tag(p), b"[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n"
        + SEP + b"[Service]\nEnvironment=A=1 \"B=2 3\"\n" + SEP + rd(p))

# inspect: single containers, images with history, /info
for p in g("tests/cases/docker/containers-*/facts.json"):
    api = json.loads(rd(p))["docker"]["api"]
    imgs = api.get("images") if isinstance(api.get("images"), list) else []
    for i, c in enumerate(api.get("containers") or []):
        img = imgs[i % len(imgs)] if imgs else {}
        hist = img.get("history", []) if isinstance(img, dict) else []
        doc = [c, img, hist, api.get("info", {})]
        put("inspect", "%s-%02d" % (tag(os.path.dirname(p)), i), json.dumps(doc, indent=1).encode())
        c2 = dict(c); c2["history"] = hist
        put("inspect", "%s-obj-%02d" % (tag(os.path.dirname(p)), i), json.dumps(c2).encode())

# ocispec: real containerd specs alone; CRI pairs with a CNI cache entry and a Docker container
for p in g("tests/unit/data/oci/ctr-*.json") + g("tests/unit/data/oci/pod*.json"):
    put("ocispec", tag(p), rd(p))
bad = json.loads(rd(os.path.join(top, "tests/cases/docker/containers-bad/facts.json")))["docker"]["api"]["containers"]
for i, p in enumerate(g("tests/unit/data/oci/*.app.json")):
    sb = p.replace(".app.json", ".sandbox.json")
    cni = json.dumps({"kind": "cniCacheV1", "capabilityArgs": {"portMappings": [{"hostPort": 8443, "containerPort": 443}]}})
    put("ocispec", tag(p), SEP.join([rd(p), rd(sb), cni.encode(), json.dumps(bad[(7 * i) % len(bad)]).encode()]))

# host: mountinfo, passwd, group, YAML
for p in g("tests/unit/data/host/**/mountinfo") + g("tests/unit/data/host/users/etc/*") \
        + g("tests/cases/*/*/root/etc/passwd") + g("tests/cases/*/*/root/etc/group") + g("checks/kubernetes/cis-*.yaml"):
    put("host", tag(p), rd(p))
