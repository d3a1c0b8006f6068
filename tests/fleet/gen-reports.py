#!/usr/bin/env python3
"""Synthetic host reports for the merge tests and bench/merge.sh.

    gen-reports.py BASE_REPORT.json OUTDIR COUNT [--seed N] [--prefix node-] [--jsonl FILE]

Each report is BASE with its own hostname (PREFIX0001...), a collected_at
up to 12 hours before now, and a random tenth of its PASS/FAIL checks
flipped; the summary counts and scores (passed / (passed + failed)) are
recomputed so every number in a report agrees with its checks.  --jsonl
writes all of them as lines of one file instead of one file each.
"""
import argparse
import copy
import datetime
import json
import os
import random


def score(p, f):
    return round(100.0 * p / (p + f), 1) if p + f else None


def vary(base, name, when, rng):
    r = copy.deepcopy(base)
    r["host"]["hostname"] = name
    r["collected_at"] = when
    for c in r["checks"]:
        if c["status"] in ("PASS", "FAIL") and rng.random() < 0.1:
            c["status"] = "FAIL" if c["status"] == "PASS" else "PASS"
            for f in c.get("findings", []):
                if f.get("status") in ("PASS", "FAIL"):
                    f["status"] = c["status"]
    keys = ("PASS", "FAIL", "MANUAL", "SKIP", "ERROR", "WAIVED")
    s = r["summary"]
    for k in keys:
        s[k] = sum(1 for c in r["checks"] if c["status"] == k)
    s["score"] = score(s["PASS"], s["FAIL"])
    for sec in s.get("sections", []):
        mine = [c for c in r["checks"] if c["benchmark"] == sec["benchmark"] and c["section"] == sec["section"]]
        for k in keys:
            sec["summary"][k] = sum(1 for c in mine if c["status"] == k)
        sec["summary"]["score"] = score(sec["summary"]["PASS"], sec["summary"]["FAIL"])
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("outdir")
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="node-")
    ap.add_argument("--jsonl")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.base) as f:
        base = json.load(f)
    now = datetime.datetime.now(datetime.timezone.utc)
    os.makedirs(a.outdir, exist_ok=True)
    out = open(a.jsonl, "w") if a.jsonl else None
    for i in range(1, a.count + 1):
        when = (now - datetime.timedelta(minutes=rng.randrange(0, 720))).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = vary(base, "%s%04d" % (a.prefix, i), when, rng)
        if out:
            out.write(json.dumps(r, separators=(",", ":")) + "\n")
        else:
            with open(os.path.join(a.outdir, "%s%04d.json" % (a.prefix, i)), "w") as f:
                json.dump(r, f, indent=2)
    if out:
        out.close()


if __name__ == "__main__":
    main()
