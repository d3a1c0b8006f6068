#!/usr/bin/env python3
"""A fake Engine API that answers GET /vX.Y/containers/ID/export only.

    fake_export.py --unix PATH

The container id chooses the answer (tests/unit/test_imagescan.c):
  good     a pax tar: setuid, setgid, long-named setuid file, plain files, a setgid dir
  gnu      the same files as a GNU tar (long names as 'L' entries)
  many     1500 setuid files
  gone     HTTP 404 with the daemon's JSON message
  garbage  200 with bytes that are not a tar
  cut      200 with the first half of a tar, then a clean end of the body
  reset    200 with the first half of a tar, then the connection closes
  stall    200 with one tar header, then nothing for 60 s
Bodies are sent chunked, as dockerd does.
"""
import argparse
import io
import json
import os
import re
import socketserver
import http.server
import tarfile
import time

LONG = "opt/" + "/".join(["a-rather-long-directory-name-%02d" % i for i in range(6)]) + "/deep-suid"


def make_tar(fmt, n_suid=0):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        def add(name, mode, data=b"", kind=tarfile.REGTYPE):
            ti = tarfile.TarInfo(name)
            ti.mode = mode
            ti.type = kind
            ti.size = len(data) if kind == tarfile.REGTYPE else 0
            t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        add("usr", 0o755, kind=tarfile.DIRTYPE)
        add("usr/bin/passwd", 0o4755, b"x" * 3000)
        add("usr/bin/wall", 0o2755, b"y" * 10)
        add("etc/hosts", 0o644, b"127.0.0.1 localhost\n")
        add("var/mail", 0o2775, kind=tarfile.DIRTYPE)
        add(LONG, 0o4750, b"z")
        for i in range(n_suid):
            add("many/f%04d" % i, 0o4755)
    return out.getvalue()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def chunk(self, data):
        self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        self.wfile.flush()

    def start(self, status=200, ctype="application/x-tar"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def body(self, data, step=7000):
        for i in range(0, len(data), step):
            self.chunk(data[i:i + step])

    def end(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def do_GET(self):
        m = re.match(r"/v\d+\.\d+/containers/([^/]+)/export$", self.path)
        cid = m.group(1) if m else ""
        try:
            if cid == "good":
                self.start(); self.body(make_tar(tarfile.PAX_FORMAT)); self.end()
            elif cid == "gnu":
                self.start(); self.body(make_tar(tarfile.GNU_FORMAT)); self.end()
            elif cid == "many":
                self.start(); self.body(make_tar(tarfile.PAX_FORMAT, 1500)); self.end()
            elif cid == "garbage":
                self.start(); self.body(b"A" * 4096); self.end()
            elif cid == "cut":
                t = make_tar(tarfile.PAX_FORMAT)
                self.start(); self.body(t[:len(t) // 2]); self.end()
            elif cid == "reset":
                t = make_tar(tarfile.PAX_FORMAT)
                self.start(); self.body(t[:len(t) // 2])
                self.close_connection = True
                return
            elif cid == "stall":
                self.start(); self.body(make_tar(tarfile.PAX_FORMAT)[:512])
                time.sleep(60)
            else:
                body = json.dumps({"message": "No such container: %s" % cid}).encode()
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("local", 0)


def main():
    p = argparse.ArgumentParser(description="fake container export server")
    p.add_argument("--unix", required=True)
    a = p.parse_args()
    if os.path.exists(a.unix):
        os.unlink(a.unix)
    UnixServer(a.unix, Handler).serve_forever()


if __name__ == "__main__":
    main()
