#!/usr/bin/env python3
"""Writes the host trees of the tests/cases/pss/ cases (run from anywhere;
the trees are committed, this script documents how they were made).

Every pod starts from one hardened pod as containerd's CRI plugin writes
it (tests/unit/data/oci/cri-containerd-restricted.*: a sandbox and an app
container joined to it by /proc/PID/ns paths, with the CRI annotations),
renamed, and changed in one thing: the control its name says it fails.
CRI-O trees come from tests/unit/data/oci/crio-*."""
import copy
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "unit", "data", "oci")
TASKS = "run/containerd/io.containerd.runtime.v2.task"


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)


BASE_APP = load("cri-containerd-restricted.app.json")
BASE_SB = load("cri-containerd-restricted.sandbox.json")
OLD_SB = BASE_SB["annotations"]["io.kubernetes.cri.sandbox-id"]
OLD_UID = BASE_SB["annotations"]["io.kubernetes.cri.sandbox-uid"]
DEFAULT_CAPS = load("cri-containerd-default.app.json")["process"]["capabilities"]


def write(root, path, obj, raw=None):
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        if raw is not None:
            f.write(raw)
        else:
            json.dump(obj, f, indent=1, sort_keys=True)
            f.write("\n")


def rename(obj, sid, uid, pod):
    """The same spec for another pod: its sandbox id, uid and name everywhere."""
    s = json.dumps(obj).replace(OLD_SB, sid).replace(OLD_UID, uid)
    o = json.loads(s)
    a = o["annotations"]
    a["io.kubernetes.cri.sandbox-name"] = pod
    return o


def pod(root, n, name, app_edit=None, sb_edit=None, ports=(), cni=True, ns="k8s.io"):
    sid = "%02x" % n * 32
    aid = "a%02x" % n + "0" * 61
    uid = "00000000-0000-4000-8000-%012x" % n
    sb = rename(copy.deepcopy(BASE_SB), sid, uid, name)
    app = rename(copy.deepcopy(BASE_APP), sid, uid, name)
    app["annotations"]["io.kubernetes.cri.container-name"] = "app"
    if app_edit:
        app_edit(app, sid, uid)
    if sb_edit:
        sb_edit(sb, sid, uid)
    write(root, "%s/%s/%s/config.json" % (TASKS, ns, sid), sb)
    write(root, "%s/%s/%s/config.json" % (TASKS, ns, aid), app)
    if cni:
        write(root, "var/lib/cni/results/cbr0-%s-eth0" % sid, {
            "kind": "cniCacheV1", "containerId": sid, "ifName": "eth0", "networkName": "cbr0",
            "capabilityArgs": {"portMappings": [
                {"hostPort": p, "containerPort": 8080, "protocol": "tcp", "hostIP": ""} for p in ports]}})
    return aid


def apparmor_host(root, on=True):
    write(root, "sys/module/apparmor/parameters/enabled", None, raw="Y\n" if on else "N\n")


def windows(root, n, hostprocess):
    wid = "w%02x" % n + "0" * 61
    a = {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "none",
         "io.kubernetes.cri.sandbox-name": "win-%s" % ("hostprocess" if hostprocess else "plain"),
         "io.kubernetes.cri.sandbox-namespace": "win", "io.kubernetes.cri.container-name": "app"}
    if hostprocess:
        a["microsoft.com/hostprocess-container"] = "true"
    write(root, "%s/k8s.io/%s/config.json" % (TASKS, wid),
          {"ociVersion": "1.1.0", "annotations": a, "process": {"cwd": "C:\\"},
           "windows": {"layerFolders": ["C:\\layers\\1"]}})


def fresh(case):
    root = os.path.join(HERE, case, "root")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    return root


# ---- hardened: every check passes --------------------------------------
def hardened():
    root = fresh("hardened")
    apparmor_host(root)
    pod(root, 1, "hardened")

    def userns(app, sid, uid):
        app["process"]["user"] = {"uid": 0, "gid": 0}
        app["linux"]["namespaces"].append({"type": "user"})
        app["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]

    pod(root, 2, "userns-root", userns)

    def subpath(app, sid, uid):
        app["mounts"].append({"destination": "/cache", "type": "bind", "options": ["rbind", "rw"],
                              "source": "/var/lib/kubelet/pods/%s/volume-subpaths/cache/app/0" % uid})

    pod(root, 3, "subpath-emptydir", subpath)
    os.makedirs(os.path.join(root, "var/lib/kubelet/pods/00000000-0000-4000-8000-000000000003/volumes/kubernetes.io~empty-dir/cache"))
    write(root, "var/lib/kubelet/pods/00000000-0000-4000-8000-000000000003/volumes/kubernetes.io~empty-dir/cache/.keep", None, raw="")
    windows(root, 4, False)


# ---- variants: each pod fails the control it is named after ------------
def variants():
    root = fresh("variants")
    apparmor_host(root)
    n = iter(range(1, 100))
    pod(root, next(n), "hardened")

    def sb_hostns(sb, sid, uid):
        sb["linux"]["namespaces"] = [x for x in sb["linux"]["namespaces"] if x["type"] not in ("network", "uts", "pid", "ipc")]
    pod(root, next(n), "host-namespaces", sb_edit=sb_hostns, cni=False)

    def privileged(app, sid, uid):
        allc = ["CAP_" + c for c in (
            "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE "
            "NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO "
            "SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_TIME SYS_TTY_CONFIG MKNOD "
            "LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM "
            "BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE").split()]
        app["process"]["capabilities"] = {k: allc for k in ("bounding", "effective", "permitted")}
        del app["linux"]["maskedPaths"]
        del app["linux"]["readonlyPaths"]
        app["linux"]["resources"]["devices"] = [{"allow": True, "access": "rwm"}]
        del app["process"]["apparmorProfile"]
        del app["linux"]["seccomp"]
    pod(root, next(n), "privileged", privileged)

    def cap_add(app, sid, uid):
        for k in ("bounding", "effective", "permitted"):
            app["process"]["capabilities"][k].append("CAP_NET_ADMIN")
    pod(root, next(n), "capabilities", cap_add)

    def hostpath(app, sid, uid):
        app["mounts"].append({"destination": "/host-etc", "type": "bind", "source": "/etc", "options": ["rbind", "ro"]})
    pod(root, next(n), "hostpath-volumes", hostpath)
    pod(root, next(n), "host-ports", ports=(8080,))

    def no_apparmor(app, sid, uid):
        del app["process"]["apparmorProfile"]
    pod(root, next(n), "apparmor", no_apparmor)

    def selinux(app, sid, uid):
        app["process"]["selinuxLabel"] = "system_u:system_r:spc_t:s0"
    pod(root, next(n), "selinux", selinux)

    def unmasked(app, sid, uid):
        app["linux"]["maskedPaths"] = []
        app["linux"]["readonlyPaths"] = []
    pod(root, next(n), "proc-mount", unmasked)

    def no_seccomp(app, sid, uid):
        del app["linux"]["seccomp"]
    pod(root, next(n), "seccomp", no_seccomp)

    def sysctl(sb, sid, uid):
        sb["linux"]["sysctl"]["kernel.msgmax"] = "65536"
    pod(root, next(n), "sysctls", sb_edit=sysctl)

    def nfs(app, sid, uid):
        app["mounts"].append({"destination": "/data", "type": "bind", "options": ["rbind", "rw"],
                              "source": "/var/lib/kubelet/pods/%s/volumes/kubernetes.io~nfs/data" % uid})
    pod(root, next(n), "volume-types", nfs)

    def escalation(app, sid, uid):
        del app["process"]["noNewPrivileges"]
    pod(root, next(n), "privilege-escalation", escalation)

    def root_user(app, sid, uid):
        app["process"]["user"] = {"uid": 0, "gid": 0, "additionalGids": [0]}
    pod(root, next(n), "run-as-root", root_user)

    def default_caps(app, sid, uid):
        app["process"]["capabilities"] = copy.deepcopy(DEFAULT_CAPS)
    pod(root, next(n), "default-capabilities", default_caps)

    def subpath_unknown(app, sid, uid):
        app["mounts"].append({"destination": "/x", "type": "bind", "options": ["rbind", "rw"],
                              "source": "/var/lib/kubelet/pods/%s/volume-subpaths/x/app/0" % uid})
    k = next(n)
    pod(root, k, "subpath-unknown", subpath_unknown)
    # the pod has volumes, but none named x: the subPath's volume is a hostPath or not there
    write(root, "var/lib/kubelet/pods/00000000-0000-4000-8000-%012x/volumes/kubernetes.io~empty-dir/other/.keep" % k, None, raw="")
    windows(root, next(n), True)


# ---- malformed specs beside a good one ----------------------------------
def malformed():
    root = fresh("malformed")
    apparmor_host(root)
    pod(root, 1, "hardened")
    good = json.dumps(BASE_APP, indent=1)
    write(root, "%s/k8s.io/truncated/config.json" % TASKS, None, raw=good[:len(good) // 2])
    write(root, "%s/k8s.io/not-json/config.json" % TASKS, None, raw="{\"ociVersion\": \"1.0.2\", \"process\": {,}}\n")
    write(root, "%s/k8s.io/array/config.json" % TASKS, None, raw="[]\n")
    os.makedirs(os.path.join(root, TASKS, "k8s.io", "no-spec"))
    write(root, "%s/k8s.io/no-spec/init.pid" % TASKS, None, raw="1\n")
    # a field present but not understood: that container is ERROR where the field is read
    bad = copy.deepcopy(BASE_APP)
    bad["process"]["capabilities"]["bounding"] = "CAP_SYS_ADMIN"
    write(root, "%s/k8s.io/bad-caps/config.json" % TASKS, bad)


# ---- CRI-O ---------------------------------------------------------------
def crio():
    root = fresh("crio")
    apparmor_host(root)
    for name in ("crio-default", "crio-hostnet"):
        for part in ("sandbox", "app"):
            spec = load("%s.%s.json" % (name, part))
            cid = spec["annotations"]["io.kubernetes.cri-o.ContainerID"]
            write(root, "run/containers/storage/overlay-containers/%s/userdata/config.json" % cid, spec)
    # containers/storage also keeps containers no runtime started: no spec, not judged
    os.makedirs(os.path.join(root, "run/containers/storage/overlay-containers/buildah0000/userdata"))
    write(root, "run/containers/storage/overlay-containers/buildah0000/userdata/buildah.json", {})


# ---- plain containerd containers, Docker's moby namespace ---------------
def plain():
    root = fresh("plain")
    # sysfs without an apparmor module: AppArmor is off (git keeps no empty directory)
    write(root, "sys/module/.keep", None, raw="")
    d = load("ctr-default.json")
    write(root, "%s/default/ctr-default/config.json" % TASKS, d)
    write(root, "%s/default/ctr-net-host/config.json" % TASKS, load("ctr-net-host.json"))
    write(root, "%s/default/ctr-privileged/config.json" % TASKS, load("ctr-privileged.json"))
    # a container of Docker's own containerd: its hostname, hosts and resolv.conf are Docker's
    mid = "f" * 64
    m = copy.deepcopy(d)
    for dest, f in (("/etc/hostname", "hostname"), ("/etc/hosts", "hosts"), ("/etc/resolv.conf", "resolv.conf")):
        m["mounts"].append({"destination": dest, "type": "bind", "options": ["rbind", "rprivate"],
                            "source": "/var/lib/docker/containers/%s/%s" % (mid, f)})
    write(root, "%s/moby/%s/config.json" % (TASKS, mid), m)


# ---- a copied tree without /sys: whether AppArmor is on is unknown ------
def no_sysfs():
    root = fresh("no-sysfs")

    def no_apparmor(app, sid, uid):
        del app["process"]["apparmorProfile"]
    pod(root, 1, "no-profile", no_apparmor)
    pod(root, 2, "profile")


for fn in (hardened, variants, malformed, crio, plain, no_sysfs):
    fn()
