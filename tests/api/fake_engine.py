#!/usr/bin/env python3
"""A fake Docker Engine API server for boxaudit's tests (standard library only).

    fake_engine.py --unix PATH [--tcp PORT] [--mode MODE] [--fault-path PREFIX]
                   [--containers N] [--api-version V] [--swarm]
                   [--fail-container K] [--fixtures DIR] [--log FILE] [--tls DIR]

It serves generated /version, /info, /containers/json, /containers/ID/json,
/images/json, /images/ID/json, /images/ID/history, /networks and (with
--swarm) /swarm, /nodes, /services, /secrets.  With --fixtures DIR, a file
DIR/<path with "/" as "_">.json (e.g. DIR/_info.json) overrides the
generated body.  Requests must use the unversioned /version or the
/v<api-version>/ prefix, else 400.

MODE selects a misbehaviour, applied to requests whose unversioned path
starts with --fault-path (default: every request):
  normal      well-formed answers
  hang        accept, read nothing, never answer
  slowloris   send headers, then one body byte every 0.5 s
  endless     chunked body that never ends
  short       Content-Length larger than the body, then close
  chunked     garbage in the chunked encoding
  truncated   JSON cut in the middle (Content-Length correct)
  invalid     not JSON at all
  http500     HTTP 500 with {"message": "boom"}
  deep        100000 '[' (nesting beyond any parser's depth)
  huge        /containers/json lists 10000 containers with 10 KB names

Generated containers carry Env "DB_PASSWORD=hunter2" and images a history
line "ENV API_TOKEN=hunter2" so tests can check that secrets are redacted.
"""
import argparse
import http.server
import json
import os
import re
import socket
import socketserver
import ssl
import sys
import threading
import time

ARGS = None
LOG_LOCK = threading.Lock()


def cid(i):
    return "%064x" % (0xC0FFEE0000 + i)


def iid(i):
    return "sha256:%064x" % (0x1A6E0000 + i)


N_IMAGES = 5


def container_summary(i):
    return {
        "Id": cid(i), "Names": ["/c%d" % i], "Image": "img%d:latest" % (i % N_IMAGES),
        "ImageID": iid(i % N_IMAGES), "Command": "sleep 1000", "Created": 1700000000 + i,
        "State": "running" if i % 2 == 0 else "exited", "Status": "Up 1 hour",
        "Ports": [], "Labels": {"app": "demo"}, "HostConfig": {"NetworkMode": "bridge"},
    }


def container_inspect(i):
    running = i % 2 == 0
    return {
        "Id": cid(i), "Created": "2026-11-29T15:00:00.000000000Z",
        "Path": "sleep", "Args": ["1000", "--password=hunter2"],
        "State": {"Status": "running" if running else "exited", "Running": running,
                  "Paused": False, "Restarting": False, "OOMKilled": False, "Dead": False,
                  "Pid": 1000 + i if running else 0, "ExitCode": 0,
                  "StartedAt": "2026-11-29T15:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z",
                  "Health": {"Status": "healthy", "FailingStreak": 0, "Log": []}},
        "Image": iid(i % N_IMAGES), "ResolvConfPath": "/var/lib/docker/containers/%s/resolv.conf" % cid(i),
        "HostnamePath": "/var/lib/docker/containers/%s/hostname" % cid(i),
        "HostsPath": "/var/lib/docker/containers/%s/hosts" % cid(i),
        "LogPath": "/var/lib/docker/containers/%s/%s-json.log" % (cid(i), cid(i)),
        "Name": "/c%d" % i, "RestartCount": 0, "Driver": "overlay2", "Platform": "linux",
        "MountLabel": "", "ProcessLabel": "", "AppArmorProfile": "docker-default",
        "ExecIDs": None,
        "HostConfig": {
            "Binds": ["/srv/data%d:/data:ro" % i], "ContainerIDFile": "",
            "LogConfig": {"Type": "json-file", "Config": {"max-size": "10m"}},
            "NetworkMode": "bridge", "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": str(8000 + i)}]},
            "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5},
            "AutoRemove": False, "VolumeDriver": "", "VolumesFrom": None,
            "CapAdd": ["NET_ADMIN"] if i % 3 == 0 else None, "CapDrop": ["ALL"],
            "CgroupnsMode": "private", "Dns": [], "DnsOptions": [], "DnsSearch": [],
            "ExtraHosts": None, "GroupAdd": None, "IpcMode": "private", "Cgroup": "",
            "Links": None, "OomScoreAdj": 0, "PidMode": "", "Privileged": i % 7 == 0,
            "PublishAllPorts": False, "ReadonlyRootfs": i % 2 == 1,
            "SecurityOpt": ["no-new-privileges"] if i % 2 else None, "UTSMode": "",
            "UsernsMode": "", "ShmSize": 67108864, "Runtime": "runc", "Isolation": "",
            "CpuShares": 512, "Memory": 268435456, "NanoCpus": 0, "CgroupParent": "",
            "BlkioWeight": 0, "BlkioWeightDevice": [], "BlkioDeviceReadBps": [],
            "BlkioDeviceWriteBps": [], "BlkioDeviceReadIOps": [], "BlkioDeviceWriteIOps": [],
            "CpuPeriod": 0, "CpuQuota": 0, "CpuRealtimePeriod": 0, "CpuRealtimeRuntime": 0,
            "CpusetCpus": "", "CpusetMems": "", "Devices": [], "DeviceCgroupRules": None,
            "DeviceRequests": None, "MemoryReservation": 0, "MemorySwap": 536870912,
            "MemorySwappiness": None, "OomKillDisable": False, "PidsLimit": 100,
            "Ulimits": None, "CpuCount": 0, "CpuPercent": 0, "IOMaximumIOps": 0,
            "IOMaximumBandwidth": 0, "MaskedPaths": ["/proc/asound", "/proc/acpi", "/proc/kcore"],
            "ReadonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys"],
        },
        "GraphDriver": {"Data": {"LowerDir": "/var/lib/docker/overlay2/%s-init/diff" % cid(i),
                                 "MergedDir": "/var/lib/docker/overlay2/%s/merged" % cid(i),
                                 "UpperDir": "/var/lib/docker/overlay2/%s/diff" % cid(i),
                                 "WorkDir": "/var/lib/docker/overlay2/%s/work" % cid(i)},
                        "Name": "overlay2"},
        "Mounts": [{"Type": "bind", "Source": "/srv/data%d" % i, "Destination": "/data",
                    "Mode": "ro", "RW": False, "Propagation": "rprivate"}],
        "Config": {
            "Hostname": cid(i)[:12], "Domainname": "", "User": "" if i % 4 == 0 else "app",
            "AttachStdin": False, "AttachStdout": False, "AttachStderr": False,
            "ExposedPorts": {"80/tcp": {}}, "Tty": False, "OpenStdin": False, "StdinOnce": False,
            "Env": ["DB_PASSWORD=hunter2", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
                    "NOVALUE"],
            "Cmd": ["sleep", "1000"], "Image": "img%d:latest" % (i % N_IMAGES),
            "Volumes": None, "WorkingDir": "", "Entrypoint": None, "OnBuild": None,
            "Labels": {"app": "demo", "tier": "web"},
            "Healthcheck": {"Test": ["CMD", "true"]} if i % 2 == 0 else None,
        },
        "NetworkSettings": {
            "Bridge": "", "SandboxID": cid(i), "HairpinMode": False,
            "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": str(8000 + i)}]},
            "SandboxKey": "/var/run/docker/netns/%s" % cid(i)[:12],
            "Networks": {"bridge": {"IPAMConfig": None, "Links": None, "Aliases": None,
                                    "NetworkID": "%064x" % 0xB81D6E, "EndpointID": cid(i),
                                    "Gateway": "172.17.0.1", "IPAddress": "172.17.%d.%d" % (i // 250, i % 250 + 2),
                                    "IPPrefixLen": 16, "MacAddress": "02:42:ac:11:00:02"}},
        },
    }


def image_inspect(k):
    return {
        "Id": iid(k), "RepoTags": ["img%d:latest" % k], "RepoDigests": [],
        "Created": "2026-01-01T00:00:00Z", "Size": 1000000, "Architecture": "amd64", "Os": "linux",
        "Config": {"User": "app", "Env": ["API_TOKEN=hunter2", "PATH=/usr/bin"],
                   "Cmd": ["/bin/sh", "-c", "run --token=hunter2"],
                   "Healthcheck": {"Test": ["CMD", "true"]}, "Labels": None},
        "ContainerConfig": {"Env": ["API_TOKEN=hunter2"],
                            "Cmd": ["/bin/sh", "-c", "#(nop) ENV API_TOKEN=hunter2"]},
        "RootFS": {"Type": "layers", "Layers": ["sha256:%064x" % k]},
    }


def image_history(k):
    return [
        {"Id": iid(k), "Created": 1700000000, "CreatedBy": "/bin/sh -c apt-get update", "Size": 10,
         "Tags": ["img%d:latest" % k], "Comment": ""},
        {"Id": "<missing>", "Created": 1700000000,
         "CreatedBy": "/bin/sh -c #(nop)  ENV API_TOKEN=hunter2 MODE=prod", "Size": 0,
         "Tags": None, "Comment": ""},
        {"Id": "<missing>", "Created": 1700000000,
         "CreatedBy": "RUN |2 DB_PASSWORD=hunter2 VERSION=1 /bin/sh -c make", "Size": 0,
         "Tags": None, "Comment": "buildkit.dockerfile.v0"},
        {"Id": "<missing>", "Created": 1700000000,
         "CreatedBy": "/bin/sh -c #(nop)  ENV SECRET_KEY hunter2", "Size": 0,
         "Tags": None, "Comment": ""},
        {"Id": "<missing>", "Created": 1700000000,
         "CreatedBy": "/bin/sh -c #(nop) ADD file:abc in / ", "Size": 5, "Tags": None,
         "Comment": ""},
    ]


def body_for(path, query):
    n = ARGS.containers
    if path == "/version":
        return {"Version": "27.3.1", "ApiVersion": ARGS.api_version, "MinAPIVersion": "1.24",
                "Os": "linux", "Arch": "amd64", "KernelVersion": "6.1.0",
                "Components": [{"Name": "Engine", "Version": "27.3.1"}]}
    if path == "/info":
        swarm = {"LocalNodeState": "active", "ControlAvailable": True, "NodeID": "node1"} \
            if ARGS.swarm else {"LocalNodeState": "inactive", "ControlAvailable": False}
        return {"ID": "X", "Containers": n, "Images": N_IMAGES + 2, "Driver": "overlay2",
                "LoggingDriver": "json-file", "CgroupDriver": "systemd", "SecurityOptions":
                ["name=seccomp,profile=builtin", "name=apparmor"], "Swarm": swarm,
                "LiveRestoreEnabled": False, "ServerVersion": "27.3.1",
                "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"]}}
    if path == "/containers/json":
        allc = "all=1" in query or "all=true" in query
        return [container_summary(i) for i in range(n) if allc or i % 2 == 0]
    m = re.fullmatch(r"/containers/([0-9a-f]{64})/json", path)
    if m:
        i = int(m.group(1), 16) - 0xC0FFEE0000
        if not 0 <= i < n:
            return 404, {"message": "No such container: %s" % m.group(1)}
        if i == ARGS.fail_container:
            return 500, {"message": "inspect failed for c%d" % i}
        return container_inspect(i)
    if path == "/images/json":
        return [{"Id": iid(k), "RepoTags": ["img%d:latest" % k], "Containers": -1}
                for k in range(N_IMAGES + 2)]
    m = re.fullmatch(r"/images/sha256:([0-9a-f]{64})/(json|history)", path)
    if m:
        k = int(m.group(1), 16) - 0x1A6E0000
        if not 0 <= k < N_IMAGES + 2:
            return 404, {"message": "No such image"}
        return image_inspect(k) if m.group(2) == "json" else image_history(k)
    if path == "/networks":
        return [{"Name": "bridge", "Id": "%064x" % 0xB81D6E, "Driver": "bridge", "Scope": "local",
                 "Options": {"com.docker.network.bridge.default_bridge": "true",
                             "com.docker.network.bridge.enable_icc": "true",
                             "com.docker.network.bridge.name": "docker0"}},
                {"Name": "ov", "Id": "%064x" % 0x0E7, "Driver": "overlay", "Scope": "swarm",
                 "Options": {"encrypted": ""}}]
    if ARGS.swarm:
        if path == "/swarm":
            return {"ID": "sw", "JoinTokens": {"Worker": "SWMTKN-1-worker-secret",
                                               "Manager": "SWMTKN-1-manager-secret"},
                    "Spec": {"EncryptionConfig": {"AutoLockManagers": False},
                             "CAConfig": {"NodeCertExpiry": 7776000000000000}}}
        if path == "/nodes":
            return [{"ID": "node1", "ManagerStatus": {"Leader": True, "Addr": "10.0.0.1:2377"},
                     "Status": {"Addr": "10.0.0.1"}}]
        if path == "/services":
            return [{"ID": "svc1", "Spec": {"Name": "web", "TaskTemplate": {"ContainerSpec": {
                "Image": "img0", "Env": ["DB_PASSWORD=hunter2"]}}}}]
        if path == "/secrets":
            return [{"ID": "sec1", "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": "2026-01-01T00:00:00Z",
                     "Spec": {"Name": "db_pw", "Data": "aHVudGVyMg==", "Labels": {}}}]
    else:
        if path in ("/swarm", "/nodes", "/services", "/secrets"):
            return 503, {"message": "This node is not a swarm manager."}
    return 404, {"message": "page not found"}


HUGE_N = 10000
HUGE_NAME = 10 * 1024


def huge_entry(i):
    return '{"Id":"%s","Names":["/%s%06d"],"ImageID":"%s","State":"running"}' % (
        cid(i), "n" * (HUGE_NAME - 6), i, iid(0))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if ARGS.log:
            with LOG_LOCK, open(ARGS.log, "a") as f:
                f.write("%s\n" % (fmt % args))

    def send_raw(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return False
        return True

    def reply(self, status, body, ctype="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.send_raw(body)

    def do_GET(self):
        raw = self.path
        path, _, query = raw.partition("?")
        m = re.match(r"/v(\d+\.\d+)(/.*)", path)
        if m:
            if m.group(1) != ARGS.api_version:
                return self.reply(400, {"message": "unexpected version %s" % m.group(1)})
            path = m.group(2)
        elif path != "/version":
            return self.reply(400, {"message": "unversioned path %s" % path})
        mode = ARGS.mode
        self.query = query
        if not path.startswith(ARGS.fault_path):
            mode = "normal"
        if mode == "normal":
            return self.serve(path, query)
        return self.fault(mode, path)

    def serve(self, path, query):
        if ARGS.fixtures:
            f = os.path.join(ARGS.fixtures, path.replace("/", "_") + ".json")
            if os.path.exists(f):
                with open(f, "rb") as fh:
                    return self.reply(200, fh.read())
        r = body_for(path, query)
        if isinstance(r, tuple):
            return self.reply(r[0], r[1])
        return self.reply(200, r)

    def fault(self, mode, path):
        self.close_connection = True
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "slow":
            # Every answer just inside the client's timeout: only a total deadline bounds the audit.
            time.sleep(ARGS.delay / 1000.0)
            self.close_connection = False
            try:
                return self.serve(path, self.query)
            except BrokenPipeError:
                return
        if mode == "slowloris":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(7200):
                if not self.send_raw(b" "):
                    return
                time.sleep(0.5)
            return
        if mode == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" * 65536
            frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
            while self.send_raw(frame):
                pass
            return
        if mode == "short":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.send_raw(b'{"a": 1}')
            return
        if mode == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.send_raw(b"ZZZZ\r\n{}\r\n0\r\n\r\n")
            return
        if mode == "truncated":
            body = json.dumps(body_for(path, "") if path == "/version" else {"ID": "x", "Swarm": {}}).encode()
            return self.reply(200, body[: len(body) // 2])
        if mode == "invalid":
            return self.reply(200, b"<html>not json</html>", "text/html")
        if mode == "http500":
            return self.reply(500, {"message": "boom"})
        if mode == "deep":
            return self.reply(200, b"[" * 100000)
        if mode == "huge":
            if path != "/containers/json":
                self.close_connection = False
                return self.serve(path, "")
            size = 2 + HUGE_N * len(huge_entry(0)) + (HUGE_N - 1)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            if not self.send_raw(b"["):
                return
            for i in range(HUGE_N):
                if not self.send_raw((("," if i else "") + huge_entry(i)).encode()):
                    return
            self.send_raw(b"]")
            return
        return self.reply(500, {"message": "unknown mode %s" % mode})


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 128

    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("local", 0)


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    tls = None

    def get_request(self):
        conn, addr = self.socket.accept()
        if self.tls:
            # The handshake happens on first read, in the handler's thread.
            conn = self.tls.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, addr

    def handle_error(self, request, client_address):
        pass  # failed TLS handshakes are expected in tests


def main():
    global ARGS
    p = argparse.ArgumentParser(description="fake Docker Engine API server")
    p.add_argument("--unix", required=True)
    p.add_argument("--tcp", type=int, default=0)
    p.add_argument("--mode", default="normal")
    p.add_argument("--fault-path", default="")
    p.add_argument("--containers", type=int, default=3)
    p.add_argument("--delay", type=int, default=1000, help="ms each answer takes in mode slow")
    p.add_argument("--api-version", default="1.47")
    p.add_argument("--swarm", action="store_true")
    p.add_argument("--fail-container", type=int, default=-1)
    p.add_argument("--fixtures")
    p.add_argument("--log")
    p.add_argument("--tls", metavar="DIR",
                   help="serve TCP over TLS with DIR/server-cert.pem, requiring a client "
                        "certificate signed by DIR/ca.pem")
    ARGS = p.parse_args()
    if os.path.exists(ARGS.unix):
        os.unlink(ARGS.unix)
    servers = []
    if ARGS.tcp:
        tcp = TCPServer(("127.0.0.1", ARGS.tcp), Handler)
        if ARGS.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(os.path.join(ARGS.tls, "server-cert.pem"),
                                os.path.join(ARGS.tls, "server-key.pem"))
            ctx.load_verify_locations(os.path.join(ARGS.tls, "ca.pem"))
            ctx.verify_mode = ssl.CERT_REQUIRED
            tcp.tls = ctx
        servers.append(tcp)
    # Created last: the socket appearing tells tests that every listener is up.
    servers.insert(0, UnixServer(ARGS.unix, Handler))
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
