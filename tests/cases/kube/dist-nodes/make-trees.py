#!/usr/bin/env python3
"""Writes the k3s and RKE2 node trees under tests/cases/kube/dist-nodes/.

Each tree is what the distribution's installer and its first start leave
on a node, from their public defaults (checks/kubernetes/NOTES.md "k3s and
RKE2" gives the source of every file): the install script's unit and env
file, /etc/rancher/*/config.yaml (+ config.yaml.d), the data directory
(server/tls, cred, db, token; agent/ kubeconfigs, certificates and the
kubelet's config drop-in), and for RKE2 the static pods it writes. Modes
and owners are not kept by git: modes.sh k3s|rke2 sets them (a
case's setup runs it). Certificates and keys are placeholders.

Run from this directory: python3 make-trees.py
"""
import os

CIPHERS = ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
           "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
           "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305")


def put(tree, path, text):
    p = os.path.join(tree, path.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


def crt(tree, path):
    put(tree, path, "placeholder certificate\n")


def key(tree, path):
    put(tree, path, "placeholder key\n")


def kubeconfig(server, ca, cert, keyf):
    return f"""apiVersion: v1
clusters:
- cluster:
    certificate-authority: {ca}
    server: {server}
  name: local
contexts:
- context:
    cluster: local
    namespace: default
    user: user
  name: Default
current-context: Default
kind: Config
preferences: {{}}
users:
- name: user
  user:
    client-certificate: {cert}
    client-key: {keyf}
"""


def binary(tree, path, prog, version):
    # kube_version_scan (src/parse/kubeyaml.c) reads the version string
    # the way it is in the real Go binary: "v1.32.4+k3s1" next to its
    # build data; no tab, "@" or "/" before it (those are module versions).
    put(tree, path, f"""#!/bin/sh
# stand-in for the {prog} binary (the real one is a 60-200 MB Go binary);
# its version strings as the binary holds them:
# {prog} version {version} (4b8f5a3e)
# go version go1.23.8 {version}
exit 0
""")


def psa_config(level, namespaces, extra=""):
    """A PodSecurity AdmissionConfiguration (the k3s hardening guide's
    example; RKE2's rke2-pss.yaml has the same form)."""
    return f"""apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1beta1
    kind: PodSecurityConfiguration
    defaults:
      enforce: "{level}"
      enforce-version: "latest"
      audit: "{level}"
      audit-version: "latest"
      warn: "{level}"
      warn-version: "latest"
    exemptions:
      usernames: []
      runtimeClasses: []
      namespaces: [{namespaces}]
{extra}"""


def encryption_config(keyname):
    """What secrets encryption makes k3s and RKE2 write: aescbc first."""
    return ('{"kind":"EncryptionConfiguration","apiVersion":"apiserver.config.k8s.io/v1",'
            '"resources":[{"resources":["secrets"],"providers":[{"aescbc":{"keys":[{"name":'
            '"%s","secret":"cGxhY2Vob2xkZXIgcGxhY2Vob2xkZXIgMzIgYnl0ZXM="}]}},'
            '{"identity":{}}]}]}\n' % keyname)



# ---------------------------------------------------------------- k3s

K3S_UNIT_HEAD = """[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-/etc/systemd/system/{unit}.env
KillMode=process
Delegate=yes
# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service 2>/dev/null'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/k3s \\
    {cmd} \\

"""

# k3s pkg/daemons/agent/agent.go defaultKubeletConfig, written to
# agent/etc/kubelet.conf.d/00-k3s-defaults.conf (k3s v1.32.1+); the values
# match the kubelet configuration the k3s self-assessment guide 1.12 prints
# (4.2.9) except protectKernelDefaults, which k3s sets from
# --protect-kernel-defaults.
def kubelet_defaults(data, protect):
    pk = "protectKernelDefaults: true\n" if protect else ""
    return f"""address: 0.0.0.0
allowedUnsafeSysctls:
- net.ipv4.ip_forward
- net.ipv6.conf.all.forwarding
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 2m0s
    enabled: true
  x509:
    clientCAFile: {data}/agent/client-ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 5m0s
    cacheUnauthorizedTTL: 30s
cgroupDriver: cgroupfs
clusterDNS:
- 10.43.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: unix:///run/k3s/containerd/containerd.sock
cpuManagerReconcilePeriod: 10s
crashLoopBackOff: {{}}
evictionHard:
  imagefs.available: 5%
  nodefs.available: 5%
evictionMinimumReclaim:
  imagefs.available: 10%
  nodefs.available: 10%
evictionPressureTransitionPeriod: 5m0s
failSwapOn: false
fileCheckFrequency: 20s
healthzBindAddress: 127.0.0.1
httpCheckFrequency: 20s
imageMaximumGCAge: 0s
imageMinimumGCAge: 2m0s
kind: KubeletConfiguration
logging:
  flushFrequency: 5s
  format: text
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {{}}
nodeStatusReportFrequency: 5m0s
nodeStatusUpdateFrequency: 10s
{pk}resolvConf: /run/systemd/resolve/resolv.conf
runtimeRequestTimeout: 2m0s
serializeImagePulls: false
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: {data}/agent/pod-manifests
streamingConnectionIdleTimeout: 4h0m0s
syncFrequency: 1m0s
tlsCertFile: {data}/agent/serving-kubelet.crt
tlsPrivateKeyFile: {data}/agent/serving-kubelet.key
volumeStatsAggPeriod: 1m0s
"""


def writes_dropin(version):
    """k3s and RKE2 write the kubelet's defaults drop-in from v1.32.1
    (k3s-io/k3s#2116); before v1.32 they pass flags (NOTES.md)."""
    v = tuple(int(x) for x in version.lstrip("v").split("+")[0].split("."))
    return v >= (1, 32, 1)


def agent_files(tree, data, server_url, protect=False, prog="k3s", dropin=True):
    a = data + "/agent"
    for c in ("client-ca.crt", "server-ca.crt", "client-kubelet.crt", "client-kube-proxy.crt",
              f"client-{prog}-controller.crt", "serving-kubelet.crt"):
        crt(tree, f"{a}/{c}")
    for k in ("client-kubelet.key", "client-kube-proxy.key", f"client-{prog}-controller.key",
              "serving-kubelet.key"):
        key(tree, f"{a}/{k}")
    put(tree, f"{a}/kubelet.kubeconfig",
        kubeconfig(server_url, f"{a}/server-ca.crt", f"{a}/client-kubelet.crt", f"{a}/client-kubelet.key"))
    put(tree, f"{a}/kubeproxy.kubeconfig",
        kubeconfig(server_url, f"{a}/server-ca.crt", f"{a}/client-kube-proxy.crt", f"{a}/client-kube-proxy.key"))
    put(tree, f"{a}/{prog}controller.kubeconfig",
        kubeconfig(server_url, f"{a}/server-ca.crt", f"{a}/client-{prog}-controller.crt",
                   f"{a}/client-{prog}-controller.key"))
    if dropin:
        name = "00-k3s-defaults.conf" if prog == "k3s" else "00-rke2-defaults.conf"
        put(tree, f"{a}/etc/kubelet.conf.d/{name}", kubelet_defaults(data, protect))


SERVER_CERTS = ["client-ca", "server-ca", "request-header-ca", "client-admin", "client-auth-proxy",
                "client-controller", "client-kube-apiserver", "client-kube-proxy", "client-scheduler",
                "client-supervisor", "serving-kube-apiserver"]


def server_files(tree, data, prog="k3s", etcd=False):
    s = data + "/server"
    put(tree, f"{s}/token", "K10b3f1e2a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7::server:placeholder\n")
    for c in SERVER_CERTS:
        crt(tree, f"{s}/tls/{c}.crt")
        key(tree, f"{s}/tls/{c}.key")
    for c in ("client-ca.nochain", "server-ca.nochain"):
        crt(tree, f"{s}/tls/{c}.crt")
    crt(tree, f"{s}/tls/client-{prog}-controller.crt")
    key(tree, f"{s}/tls/client-{prog}-controller.key")
    key(tree, f"{s}/tls/service.key")
    key(tree, f"{s}/tls/service.current.key")
    key(tree, f"{s}/tls/client-kubelet.key")
    key(tree, f"{s}/tls/serving-kubelet.key")
    for comp in ("kube-controller-manager", "kube-scheduler"):
        crt(tree, f"{s}/tls/{comp}/{comp}.crt")
        key(tree, f"{s}/tls/{comp}/{comp}.key")
    url = "https://127.0.0.1:6443"
    tls = f"{s}/tls"
    for name, user in (("admin", "client-admin"), ("controller", "client-controller"),
                       ("scheduler", "client-scheduler"), ("supervisor", "client-supervisor"),
                       ("api-server", "client-kube-apiserver")):
        put(tree, f"{s}/cred/{name}.kubeconfig",
            kubeconfig(url, f"{tls}/server-ca.crt", f"{tls}/{user}.crt", f"{tls}/{user}.key"))
    put(tree, f"{s}/cred/passwd", "placeholder,node,node,k3s:agent\n")
    put(tree, f"{s}/etc/egress-selector-config.yaml", """apiVersion: apiserver.k8s.io/v1beta1
egressSelections:
- connection:
    proxyProtocol: HTTPConnect
    transport:
      tcp:
        tlsConfig:
          caBundle: %s/server-ca.crt
          clientCert: %s/client-kube-apiserver.crt
          clientKey: %s/client-kube-apiserver.key
        url: https://127.0.0.1:6443
  name: cluster
kind: EgressSelectorConfiguration
""" % (tls, tls, tls))
    if not etcd:
        # the default datastore: SQLite through kine (k3s writes db/state.db)
        put(tree, f"{s}/db/state.db", "placeholder SQLite database\n")
    if etcd:
        for c in ("server-ca", "peer-ca", "client", "server-client", "peer-server-client"):
            crt(tree, f"{tls}/etcd/{c}.crt")
            key(tree, f"{tls}/etcd/{c}.key")
        put(tree, f"{s}/db/etcd/config", etcd_config(data, "server-0-82ee89d1"))
        put(tree, f"{s}/db/etcd/name", "server-0-82ee89d1\n")


# the etcd configuration k3s and RKE2 write (the self-assessment guides,
# 2.1: "Returned Value" of /var/lib/rancher/k3s/server/db/etcd/config)
def etcd_config(data, name):
    t = data + "/server/tls/etcd"
    return f"""advertise-client-urls: https://10.10.10.100:2379
client-transport-security:
  cert-file: {t}/server-client.crt
  client-cert-auth: true
  key-file: {t}/server-client.key
  trusted-ca-file: {t}/server-ca.crt
data-dir: {data}/server/db/etcd
election-timeout: 5000
experimental-initial-corrupt-check: true
experimental-watch-progress-notify-interval: 5000000000
heartbeat-interval: 500
initial-advertise-peer-urls: https://10.10.10.100:2380
initial-cluster: {name}=https://10.10.10.100:2380
initial-cluster-state: new
listen-client-http-urls: https://127.0.0.1:2382
listen-client-urls: https://127.0.0.1:2379,https://10.10.10.100:2379
listen-metrics-urls: http://127.0.0.1:2381
listen-peer-urls: https://127.0.0.1:2380,https://10.10.10.100:2380
log-outputs:
- stderr
logger: zap
name: {name}
peer-transport-security:
  cert-file: {t}/peer-server-client.crt
  client-cert-auth: true
  key-file: {t}/peer-server-client.key
  trusted-ca-file: {t}/peer-ca.crt
snapshot-count: 10000
socket-options:
  reuse-address: true
  reuse-port: true
"""


def k3s_tree(name, version, role="server", config=None, dropins=None, etcd=False,
             hardened=False, env=""):
    tree = name
    data = "/var/lib/rancher/k3s"
    unit = "k3s" if role == "server" else "k3s-agent"
    put(tree, f"/etc/systemd/system/{unit}.service", K3S_UNIT_HEAD.format(unit=unit + ".service", cmd=role))
    put(tree, f"/etc/systemd/system/{unit}.service.env", env)
    binary(tree, "/usr/local/bin/k3s", "k3s", version)
    if config is not None:
        put(tree, "/etc/rancher/k3s/config.yaml", config)
    for fn, text in (dropins or {}).items():
        put(tree, f"/etc/rancher/k3s/config.yaml.d/{fn}", text)
    server_url = "https://127.0.0.1:6443" if role == "server" else "https://127.0.0.1:6444"
    agent_files(tree, data, server_url, protect=hardened, dropin=writes_dropin(version))
    if role == "server":
        server_files(tree, data, etcd=etcd)
        put(tree, "/etc/rancher/k3s/k3s.yaml", kubeconfig(
            "https://127.0.0.1:6443", f"{data}/server/tls/server-ca.crt",
            f"{data}/server/tls/client-admin.crt", f"{data}/server/tls/client-admin.key"))
    if hardened:
        s = data + "/server"
        # the hardening guide's files: psa.yaml (its example, plus the
        # EventRateLimit configuration its enable-admission-plugins needs),
        # audit.yaml (its starter policy), the encryption configuration
        # --secrets-encryption makes k3s write (aescbc first).
        put(tree, f"{s}/psa.yaml", psa_config("restricted", "kube-system, cis-operator-system", """- name: EventRateLimit
  configuration:
    apiVersion: eventratelimit.admission.k8s.io/v1alpha1
    kind: Configuration
    limits:
    - type: Server
      qps: 5000
      burst: 20000
"""))
        put(tree, f"{s}/audit.yaml", """apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
""")
        put(tree, f"{s}/cred/encryption-config.json", encryption_config("aescbckey-2026-12-01T10:00:00Z"))
        put(tree, f"{s}/cred/encryption-state.json",
            '{"stage":"start","currentKeyName":"aescbckey-2026-12-01T10:00:00Z"}\n')


K3S_HARDENED = f"""# The k3s CIS hardening guide's configuration (docs/security/hardening-guide.md,
# "v1.29 and Newer"); the kubelet PID limit and seccomp default are in
# config.yaml.d/50-kubelet.yaml, appended with "kubelet-arg+:".
protect-kernel-defaults: true
secrets-encryption: true
kube-apiserver-arg:
  - "enable-admission-plugins=NodeRestriction,EventRateLimit"
  - 'admission-control-config-file=/var/lib/rancher/k3s/server/psa.yaml'
  - 'audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log'
  - 'audit-policy-file=/var/lib/rancher/k3s/server/audit.yaml'
  - 'audit-log-maxage=30'
  - 'audit-log-maxbackup=10'
  - 'audit-log-maxsize=100'
  - 'service-account-extend-token-expiration=false'
kube-controller-manager-arg:
  - 'terminated-pod-gc-threshold=100'
kubelet-arg:
  - 'streaming-connection-idle-timeout=5m'
  - "tls-cipher-suites={CIPHERS}"
"""

K3S_HARDENED_DROPIN = """# appended to config.yaml's kubelet-arg (k3s: a key ending in "+" appends)
kubelet-arg+:
  - "pod-max-pids=4096"
  - "seccomp-default=true"
"""

# --------------------------------------------------------------- RKE2

RKE2_UNIT = """[Unit]
Description=Rancher Kubernetes Engine v2 (server)
Documentation=https://github.com/rancher/rke2#readme
Wants=network-online.target
After=network-online.target
Conflicts=rke2-agent.service

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-/usr/local/lib/systemd/system/%N.env
KillMode=process
Delegate=yes
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/rke2 server
ExecStopPost=-/bin/sh -c "systemd-cgls /system.slice/%n | grep -Eo '[0-9]+ (containerd|kubelet)' | awk '{print $1}' | xargs -r kill"
"""

R = "/var/lib/rancher/rke2"
RT = R + "/server/tls"

# kube-apiserver's command line as RKE2 writes it into its static pod (the
# RKE2 self-assessment guide 1.12, 1.2.1 "ps -fC kube-apiserver"): RKE2's
# own arguments first (PSA, audit, token expiration), then the generated
# ones in order.
RKE2_APISERVER = [
    "--admission-control-config-file=/etc/rancher/rke2/rke2-pss.yaml",
    "--audit-policy-file=/etc/rancher/rke2/audit-policy.yaml",
    "--audit-log-maxage=30", "--audit-log-maxbackup=10", "--audit-log-maxsize=100",
    f"--audit-log-path={R}/server/logs/audit.log",
    "--service-account-extend-token-expiration=false",
    "--advertise-address=10.10.10.100", "--allow-privileged=true", "--anonymous-auth=false",
    "--api-audiences=https://kubernetes.default.svc.cluster.local,rke2",
    "--authorization-mode=Node,RBAC", "--bind-address=0.0.0.0",
    f"--cert-dir={RT}/temporary-certs", f"--client-ca-file={RT}/client-ca.crt",
    f"--egress-selector-config-file={R}/server/etc/egress-selector-config.yaml",
    "--enable-admission-plugins=NodeRestriction", "--enable-aggregator-routing=true",
    "--enable-bootstrap-token-auth=true",
    f"--encryption-provider-config={R}/server/cred/encryption-config.json",
    "--encryption-provider-config-automatic-reload=true",
    f"--etcd-cafile={RT}/etcd/server-ca.crt", f"--etcd-certfile={RT}/etcd/client.crt",
    f"--etcd-keyfile={RT}/etcd/client.key", "--etcd-servers=https://127.0.0.1:2379",
    f"--kubelet-certificate-authority={RT}/server-ca.crt",
    f"--kubelet-client-certificate={RT}/client-kube-apiserver.crt",
    f"--kubelet-client-key={RT}/client-kube-apiserver.key",
    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname", "--profiling=false",
    f"--proxy-client-cert-file={RT}/client-auth-proxy.crt",
    f"--proxy-client-key-file={RT}/client-auth-proxy.key",
    "--requestheader-allowed-names=system:auth-proxy",
    f"--requestheader-client-ca-file={RT}/request-header-ca.crt",
    "--requestheader-extra-headers-prefix=X-Remote-Extra-", "--requestheader-group-headers=X-Remote-Group",
    "--requestheader-username-headers=X-Remote-User", "--secure-port=6443",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    f"--service-account-key-file={RT}/service.key",
    f"--service-account-signing-key-file={RT}/service.current.key",
    "--service-cluster-ip-range=10.43.0.0/16", "--service-node-port-range=30000-32767",
    "--storage-backend=etcd3", f"--tls-cert-file={RT}/serving-kube-apiserver.crt",
    f"--tls-cipher-suites={CIPHERS}", f"--tls-private-key-file={RT}/serving-kube-apiserver.key",
]

# the guide's 3.2.1 "ps -ef" line for kube-controller-manager
RKE2_KCM = [
    "--permit-port-sharing=true", "--flex-volume-plugin-dir=/var/lib/kubelet/volumeplugins",
    "--terminated-pod-gc-threshold=1000", "--allocate-node-cidrs=true",
    f"--authentication-kubeconfig={R}/server/cred/controller.kubeconfig",
    f"--authorization-kubeconfig={R}/server/cred/controller.kubeconfig",
    "--bind-address=127.0.0.1", "--cluster-cidr=10.42.0.0/16",
    f"--cluster-signing-kube-apiserver-client-cert-file={RT}/client-ca.nochain.crt",
    f"--cluster-signing-kube-apiserver-client-key-file={RT}/client-ca.key",
    f"--cluster-signing-kubelet-client-cert-file={RT}/client-ca.nochain.crt",
    f"--cluster-signing-kubelet-client-key-file={RT}/client-ca.key",
    f"--cluster-signing-kubelet-serving-cert-file={RT}/server-ca.nochain.crt",
    f"--cluster-signing-kubelet-serving-key-file={RT}/server-ca.key",
    f"--cluster-signing-legacy-unknown-cert-file={RT}/server-ca.nochain.crt",
    f"--cluster-signing-legacy-unknown-key-file={RT}/server-ca.key",
    "--configure-cloud-routes=false", "--controllers=*,tokencleaner,-service,-route,-cloud-node-lifecycle",
    f"--kubeconfig={R}/server/cred/controller.kubeconfig", "--profiling=false",
    f"--root-ca-file={RT}/server-ca.crt", "--secure-port=10257",
    f"--service-account-private-key-file={RT}/service.current.key",
    "--service-cluster-ip-range=10.43.0.0/16",
    f"--tls-cert-file={RT}/kube-controller-manager/kube-controller-manager.crt",
    f"--tls-private-key-file={RT}/kube-controller-manager/kube-controller-manager.key",
    "--use-service-account-credentials=true",
]

RKE2_SCHED = [
    "--permit-port-sharing=true",
    f"--authentication-kubeconfig={R}/server/cred/scheduler.kubeconfig",
    f"--authorization-kubeconfig={R}/server/cred/scheduler.kubeconfig",
    "--bind-address=127.0.0.1", f"--kubeconfig={R}/server/cred/scheduler.kubeconfig",
    "--profiling=false", "--secure-port=10259",
    f"--tls-cert-file={RT}/kube-scheduler/kube-scheduler.crt",
    f"--tls-private-key-file={RT}/kube-scheduler/kube-scheduler.key",
]

RKE2_PROXY = [
    "--cluster-cidr=10.42.0.0/16", "--conntrack-max-per-core=0",
    "--conntrack-tcp-timeout-close-wait=0s", "--conntrack-tcp-timeout-established=0s",
    "--healthz-bind-address=127.0.0.1", "--hostname-override=server-0",
    f"--kubeconfig={R}/agent/kubeproxy.kubeconfig", "--proxy-mode=iptables",
]


def static_pod(name, image, command, args, dirs, files, run_as=None, priority="system-cluster-critical"):
    """A static pod the way RKE2's pkg/staticpod writes one: the component's
    command and args, hostNetwork, a hostPath volume (dirN, fileN) per
    directory and file it reads, mounted at the same path."""
    out = [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  annotations:",
        "    kubernetes.io/config.hash: 6f1d0b3e9a8c7b5d4e3f2a1b0c9d8e7f",
        "  creationTimestamp: null",
        "  labels:",
        f"    component: {name}",
        "    tier: control-plane",
        f"  name: {name}",
        "  namespace: kube-system",
        "spec:",
        "  containers:",
        "  - args:",
    ]
    out += [f"    - {a}" for a in args]
    out += ["    command:", f"    - {command}", f"    image: {image}", "    imagePullPolicy: IfNotPresent",
            f"    name: {name}", "    resources:", "      requests:", "        cpu: 250m", "        memory: 256Mi"]
    if run_as is not None:
        out += ["    securityContext:", "      privileged: false",
                f"      runAsGroup: {run_as}", f"      runAsUser: {run_as}"]
    else:
        out += ["    securityContext:", "      privileged: false"]
    out += ["    volumeMounts:"]
    vols = []
    for i, d in enumerate(dirs):
        out += [f"    - mountPath: {d}", f"      name: dir{i}"]
        vols += [f"  - hostPath:", f"      path: {d}", "      type: DirectoryOrCreate", f"    name: dir{i}"]
    for i, f in enumerate(files):
        out += [f"    - mountPath: {f}", f"      name: file{i}", "      readOnly: true"]
        vols += [f"  - hostPath:", f"      path: {f}", "      type: File", f"    name: file{i}"]
    out += ["  hostNetwork: true", f"  priorityClassName: {priority}", "  securityContext: {}", "  volumes:"]
    out += vols
    return "\n".join(out) + "\n"


def rke2_tree(name, version, config, cis=False):
    tree = name
    put(tree, "/usr/local/lib/systemd/system/rke2-server.service", RKE2_UNIT)
    binary(tree, "/usr/local/bin/rke2", "rke2", version)
    put(tree, "/etc/rancher/rke2/config.yaml", config)
    agent_files(tree, R, "https://127.0.0.1:6443", protect=cis, prog="rke2", dropin=writes_dropin(version))
    server_files(tree, R, prog="rke2", etcd=True)
    put(tree, "/etc/rancher/rke2/rke2.yaml", kubeconfig(
        "https://127.0.0.1:6443", f"{RT}/server-ca.crt", f"{RT}/client-admin.crt", f"{RT}/client-admin.key"))
    level = "restricted" if cis else "privileged"
    put(tree, "/etc/rancher/rke2/rke2-pss.yaml", psa_config(level, "kube-system, cis-operator-system, tigera-operator"))
    put(tree, "/etc/rancher/rke2/audit-policy.yaml", """apiVersion: audit.k8s.io/v1
kind: Policy
metadata:
  creationTimestamp: null
rules:
- level: None
""")
    put(tree, f"{R}/server/cred/encryption-config.json", encryption_config("aescbckey"))
    img = "index.docker.io/rancher/hardened-kubernetes:" + version.replace("+", "-") + "-build20250515"
    pm = R + "/agent/pod-manifests"
    put(tree, f"{pm}/kube-apiserver.yaml", static_pod(
        "kube-apiserver", img, "kube-apiserver", RKE2_APISERVER,
        ["/etc/ssl/certs", "/etc/rancher/rke2", f"{R}/server/logs", f"{R}/server/tls", f"{R}/server/cred",
         f"{R}/server/etc"], []))
    put(tree, f"{pm}/kube-controller-manager.yaml", static_pod(
        "kube-controller-manager", img, "kube-controller-manager", RKE2_KCM,
        ["/etc/ssl/certs", "/var/lib/kubelet/volumeplugins"],
        [f"{R}/server/cred/controller.kubeconfig", f"{RT}/client-ca.nochain.crt", f"{RT}/client-ca.key",
         f"{RT}/server-ca.nochain.crt", f"{RT}/server-ca.key", f"{RT}/server-ca.crt",
         f"{RT}/service.current.key", f"{RT}/client-controller.crt", f"{RT}/client-controller.key",
         f"{RT}/kube-controller-manager/kube-controller-manager.crt",
         f"{RT}/kube-controller-manager/kube-controller-manager.key"]))
    put(tree, f"{pm}/kube-scheduler.yaml", static_pod(
        "kube-scheduler", img, "kube-scheduler", RKE2_SCHED, [],
        [f"{R}/server/cred/scheduler.kubeconfig", f"{RT}/client-scheduler.crt", f"{RT}/client-scheduler.key",
         f"{RT}/server-ca.crt", f"{RT}/kube-scheduler/kube-scheduler.crt",
         f"{RT}/kube-scheduler/kube-scheduler.key"]))
    put(tree, f"{pm}/etcd.yaml", static_pod(
        "etcd", "index.docker.io/rancher/hardened-etcd:v3.5.21-k3s1-build20250505", "etcd",
        [f"--config-file={R}/server/db/etcd/config"], [f"{R}/server/db/etcd", f"{RT}/etcd"], [],
        run_as=("991" if cis else None)))
    put(tree, f"{pm}/kube-proxy.yaml", static_pod(
        "kube-proxy", img, "kube-proxy", RKE2_PROXY, [],
        [f"{R}/agent/kubeproxy.kubeconfig", f"{R}/agent/client-kube-proxy.crt",
         f"{R}/agent/client-kube-proxy.key", f"{R}/agent/server-ca.crt"],
        priority="system-node-critical"))
    if cis:
        # profile: cis makes RKE2 run etcd as the etcd user (it must exist)
        put(tree, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
            "etcd:x:991:991:etcd user:/var/lib/rancher/rke2/server/db/etcd:/sbin/nologin\n")
        put(tree, "/etc/group", "root:x:0:\netcd:x:991:\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    os.chdir(here)
    # default nodes after their first start (k3s-server, k3s-agent and
    # rke2-server hold only what the installer writes, before that)
    k3s_tree("k3s-server-started", "v1.32.4+k3s1",
             config='write-kubeconfig-mode: "0644"\nkubelet-arg:\n  - "protect-kernel-defaults=true"\n')
    k3s_tree("k3s-server-hardened", "v1.33.1+k3s1", config=K3S_HARDENED,
             dropins={"50-kubelet.yaml": K3S_HARDENED_DROPIN}, hardened=True)
    k3s_tree("k3s-server-etcd", "v1.28.15+k3s1", config="cluster-init: true\n", etcd=True)
    k3s_tree("k3s-agent-started", "v1.30.6+k3s1", role="agent",
             env="K3S_TOKEN='K10b3f1e2a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7::server:placeholder'\n"
                 "K3S_URL='https://10.10.10.100:6443'\n")
    rke2_tree("rke2-server-started", "v1.33.1+rke2r1", "tls-san:\n  - rke2.example.internal\n")
    rke2_tree("rke2-server-hardened", "v1.32.5+rke2r1", "profile: cis\n", cis=True)


main()
