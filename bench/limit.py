#!/usr/bin/env python3
"""The memory check at the default --max-file-size: files just under the limit, linted with the
default settings, stay within the memory bounds bench/README.md states, and do what they should.

    cargo build --release --bin gatelint && python3 bench/limit.py

Writes its inputs into bench/out/inputs/limit/ (ignored by git) and prints one line a file: its
size, gatelint's exit code, peak memory (`/usr/bin/time -f %M`, the largest resident set) and
user CPU time, the bound, and PASS or FAIL. Exits 1 when a check fails.

- `openapi.yaml`: the benchmark's OpenAPI spec (gen.py), generated to just under the limit: it is
  linted (exit 1: it has findings), within REAL_BOUND times its size.
- `data.json`: a JSON array of one-digit numbers just under the limit (two bytes a value, the
  densest JSON there is): not an API document, so it is skipped (exit 0), within DEGENERATE_BOUND.
- `dense-api.json`: an OpenAPI document whose `x-data` holds such an array: an input error naming
  the node budget (exit 2), within DEGENERATE_BOUND.
- `dense-api.yaml`: the same in YAML, a flow sequence of one-digit numbers.
"""

import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen  # noqa: E402  (the benchmark's generator, beside this file)

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
GATELINT = os.path.join(TARGET, "release", "gatelint")
OUT = os.path.join(HERE, "out", "inputs", "limit")

LIMIT = 64 * 1024 * 1024  # the default --max-file-size
# Peak memory over file size that each kind must stay within (see bench/README.md, "Memory").
REAL_BOUND = 4.5
DEGENERATE_BOUND = 6.0
# The operations of gen.py's spec that make a YAML file just under the limit (about 600 bytes
# an operation).
OPERATIONS = 110_000


def under_limit(head, item, tail):
    """`head`, then `item` repeated with commas between, then `tail`, at most LIMIT bytes."""
    room = LIMIT - len(head) - len(tail) - len(item)
    count = room // (len(item) + 1)
    return head + (item + ",") * count + item + tail


def inputs():
    os.makedirs(OUT, exist_ok=True)
    files = {}
    path = os.path.join(OUT, "openapi.yaml")
    if not os.path.exists(path):
        n = OPERATIONS
        while True:
            text = gen.oas_spec(n, random.Random(f"7/oas/{n}"), "limit")[0]
            if len(text.encode()) <= LIMIT:
                break
            n = n * 95 // 100
        gen.write(path, text)
    files["openapi.yaml"] = (1, REAL_BOUND, "error[")
    for name, head, tail in [
        ("data.json", "[", "]"),
        ("dense-api.json",
         '{"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}, "x-data": [',
         "]}\n"),
        ("dense-api.yaml",
         "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\nx-data: [", "]\n"),
    ]:
        path = os.path.join(OUT, name)
        if not os.path.exists(path):
            gen.write(path, under_limit(head, "1", tail))
        if name == "data.json":
            files[name] = (0, DEGENERATE_BOUND, "")
        else:
            files[name] = (2, DEGENERATE_BOUND, "more keys and values than a file of")
    return files


def main():
    failed = False
    for name, (code, bound, says) in inputs().items():
        path = os.path.join(OUT, name)
        size = os.path.getsize(path)
        run = subprocess.run(
            ["/usr/bin/time", "-f", "%M %U", GATELINT, "check", "--format", "concise", path],
            capture_output=True, text=True)
        rss_kib, user = run.stderr.strip().splitlines()[-1].split()
        peak = int(rss_kib) * 1024
        ok = run.returncode == code and peak <= bound * size and says in run.stdout
        failed |= not ok
        print(f"{name:16} {size / 1e6:6.1f} MB  exit {run.returncode} (want {code})  "
              f"peak {peak / 1e6:6.1f} MB = {peak / size:.2f}x (bound {bound}x)  "
              f"user {float(user):.2f} s  {'PASS' if ok else 'FAIL'}")
        if not ok:
            print(run.stdout[-2000:], run.stderr[-2000:], sep="\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
