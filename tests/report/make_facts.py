#!/usr/bin/env python3
"""Write a facts snapshot with Engine API containers, for report tests.

usage: make_facts.py BASE.json OUT.json NAME[:privileged] ...

BASE is a facts snapshot (tests/report/data/base-facts.json); its
docker.api is replaced by an API that lists one container per NAME.
Names are taken literally, so hostile names can be tested.
"""
import json
import sys


def container(i, spec):
    name, _, flag = spec.rpartition(":") if spec.endswith(":privileged") else (spec, "", "")
    cid = "%064x" % (i + 1)
    return {
        "Id": cid,
        "Name": "/" + name,
        "Image": "sha256:" + "ab" * 32,
        "Path": "/bin/sh",
        "Args": ["-c", name],
        "State": {"Running": True, "Status": "running"},
        "Config": {"Labels": {"owner": name, "url": "javascript:alert(1)"}, "Env": [], "User": ""},
        "HostConfig": {"Privileged": flag == "privileged", "CapAdd": None, "Binds": [],
                       "NetworkMode": "bridge", "PidMode": "", "IpcMode": "private"},
        "Mounts": [{"Type": "bind", "Source": "/srv/" + name, "Destination": "/data", "RW": True}],
        "_name": name,
        "_source": "api:/containers/%s/json" % cid,
        "_image": "sha256:" + "ab" * 32,
        "_running": True,
    }


def main():
    base, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(base) as f:
        facts = json.load(f)
    facts["docker"]["api"] = {
        "endpoint": "unix:///run/docker.sock",
        "endpoint_source": "default",
        "api_version": "1.47",
        "version": {"ApiVersion": "1.47", "Version": "27.0.0"},
        "info": {},
        "containers": [container(i, n) for i, n in enumerate(names)],
        "images": [],
        "images_used": 0,
        "images_all": 0,
        "networks": [],
        "swarm": None,
    }
    with open(out, "w") as f:
        json.dump(facts, f, indent=1)


main()
