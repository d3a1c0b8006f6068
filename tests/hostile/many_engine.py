#!/usr/bin/env python3
"""tests/api/fake_engine.py with very long container names: every
container is named "/" + NAMELEN letters + its number, in the list and in
its inspect body.  Takes fake_engine's options (use --containers N) plus
--name-len LEN (default 4096)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import fake_engine  # noqa: E402

NAME_LEN = 4096
if "--name-len" in sys.argv:
    k = sys.argv.index("--name-len")
    NAME_LEN = int(sys.argv[k + 1])
    del sys.argv[k:k + 2]


def long_name(i):
    return "/%s%d" % ("n" * NAME_LEN, i)


_summary, _inspect = fake_engine.container_summary, fake_engine.container_inspect


def summary(i):
    s = _summary(i)
    s["Names"] = [long_name(i)]
    return s


def inspect(i):
    s = _inspect(i)
    s["Name"] = long_name(i)
    return s


fake_engine.container_summary, fake_engine.container_inspect = summary, inspect
fake_engine.main()
