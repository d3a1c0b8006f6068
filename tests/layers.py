#!/usr/bin/env python3
"""The layer rule of src/ (HACKING.md): every #include "..." in src/ names
a file in the same stage folder or an earlier one, in the order base,
parse, defs, facts, collect, engine, score, report, fleet, cmd (main.c may
include cmd/), and no two modules include each other, directly or not.

usage: layers.py SRCDIR   prints TAP, one test per file and one for cycles
       layers.py --self-test   checks that a broken tree is caught
"""
import os, re, sys, tempfile

ORDER = ["base", "parse", "defs", "facts", "collect", "engine", "score", "report", "fleet", "cmd"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def stage(path):
    """The stage index of a path relative to src/ (main.c is above cmd)."""
    top = path.split("/", 1)[0]
    if path == "main.c":
        return len(ORDER)
    return ORDER.index(top) if top in ORDER else None


def check(src):
    """Returns (results, cycle): results is [(name, [problems])]."""
    results, edges = [], {}
    for dirpath, _, files in os.walk(src):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, src)
            mine = stage(rel)
            problems = []
            if mine is None:
                problems.append("not in a stage folder (%s)" % ", ".join(ORDER))
            text = open(full, encoding="utf-8", errors="replace").read()
            mod = os.path.splitext(rel)[0]
            for inc in INCLUDE.findall(text):
                if inc == "config.h":
                    continue
                if "/" not in inc:
                    problems.append('"%s" is not folder-qualified' % inc)
                    continue
                if not os.path.exists(os.path.join(src, inc)):
                    problems.append('"%s" does not exist' % inc)
                    continue
                theirs = stage(inc)
                if mine is not None and (theirs is None or theirs > mine):
                    problems.append('"%s" points up the stage order (%s includes %s)'
                                    % (inc, rel.split("/")[0], inc.split("/")[0]))
                other = os.path.splitext(inc)[0]
                if other != mod:
                    edges.setdefault(mod, set()).add(other)
            results.append((rel, problems))
    # A cycle between modules (a.c/a.h and b.c/b.h including each other).
    cycle = None
    state = {}

    def visit(n, path):
        nonlocal cycle
        state[n] = 1
        for m in sorted(edges.get(n, ())):
            if cycle:
                return
            if state.get(m) == 1:
                cycle = path[path.index(m):] + [m] if m in path else [n, m]
            elif not state.get(m):
                visit(m, path + [m])
        state[n] = 2

    for n in sorted(edges):
        if not state.get(n) and not cycle:
            visit(n, [n])
    return results, cycle


def tap(src):
    results, cycle = check(src)
    n = 0
    bad = 0
    for name, problems in results:
        n += 1
        if problems:
            bad += 1
            print("not ok %d - %s" % (n, name))
            for p in problems:
                print("# %s" % p)
        else:
            print("ok %d - %s" % (n, name))
    n += 1
    if cycle:
        bad += 1
        print("not ok %d - no include cycle between modules" % n)
        print("# %s" % " -> ".join(cycle))
    else:
        print("ok %d - no include cycle between modules" % n)
    print("1..%d" % n)
    return bad


def self_test():
    """A tree with an upward include and a cycle must be caught."""
    with tempfile.TemporaryDirectory() as d:
        for folder in ("base", "facts", "collect"):
            os.makedirs(os.path.join(d, folder))
        files = {
            "base/a.h": '#include "collect/c.h"\n',
            "facts/f.c": '#include "facts/f.h"\n#include "collect/c.h"\n',
            "facts/f.h": "",
            "collect/c.h": '#include "facts/f.h"\n',
            "collect/c.c": '#include "collect/c.h"\n#include "facts/f.h"\n',
            "collect/x.h": '#include "collect/y.h"\n',
            "collect/y.h": '#include "collect/x.h"\n',
            "collect/z.h": '#include "z.h"\n',
        }
        for p, t in files.items():
            open(os.path.join(d, p), "w").write(t)
        results, cycle = check(d)
        got = {name: problems for name, problems in results}
        ok = (any("points up" in p for p in got["base/a.h"]) and
              any("points up" in p for p in got["facts/f.c"]) and
              not got["collect/c.c"] and
              any("folder-qualified" in p for p in got["collect/z.h"]) and
              cycle is not None)
        print("ok 1 - the rule catches an upward include and a cycle" if ok else
              "not ok 1 - the rule missed a broken tree: %r %r" % (got, cycle))
        print("1..1")
        return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    tap(sys.argv[1])
    sys.exit(0)
