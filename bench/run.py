#!/usr/bin/env python3
"""Time gatelint, its parse-only lower bound and the peer tools on the generated inputs, measure
peak memory, count and score findings against the answer key, and write a results table.

Called by bench/run.sh, which installs the peers, builds gatelint and generates the inputs.
Everything lands in bench/out/results/: one raw output per (tool, input), results.json and
results.md (the table bench/README.md quotes).

Environment: RUNS (gatelint and parse-only timing runs, default 10), PEER_RUNS (default 3; a
peer whose first run takes more than two minutes is run once), TIMEOUT (seconds per peer run,
default 1800), TOOLS (comma list to restrict), SIZES (labels), MERGE=1 (keep the earlier
results.json entries of other sizes and tools, to measure in parts).
"""

import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, ".peers")
OUT = os.path.join(HERE, "out")
INPUTS = os.path.join(OUT, "inputs")
RESULTS = os.path.join(OUT, "results")

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
GATELINT = os.path.join(TARGET, "release", "gatelint")
PARSE_ONLY = os.path.join(TARGET, "release", "examples", "parse_only")
BIG = str(1 << 30)  # --max-file-size for the benchmark: the large inputs exceed the default

RUNS = int(os.environ.get("RUNS", "10"))
PEER_RUNS = int(os.environ.get("PEER_RUNS", "3"))
TIMEOUT = int(os.environ.get("TIMEOUT", "1800"))
SLOW = 120  # a peer run slower than this many seconds is repeated only once more

# The inputs of one size, and which tools read which.
# `terraform` is a folder (a directory of .tf files is one module) holding `main.tf`.
INPUT_KINDS = ["cfn.yaml", "sam.yaml", "openapi.yaml", "openapi.json", "dir", "terraform"]
TOOLS = ["gatelint", "parse-only", "checkov", "cfn-lint", "cfn-guard", "spectral", "redocly"]
# trivy (and tfsec, now part of it) is not published on PyPI, npm, crates.io or Debian: its
# PyPI wrappers download the binary from GitHub at install time, which this benchmark does not do.
APPLIES = {
    "gatelint": set(INPUT_KINDS),
    "parse-only": set(INPUT_KINDS),
    "checkov": set(INPUT_KINDS),
    "cfn-lint": {"cfn.yaml", "sam.yaml", "dir"},
    "cfn-guard": {"cfn.yaml", "sam.yaml", "dir"},
    "spectral": {"openapi.yaml", "openapi.json", "dir"},
    "redocly": {"openapi.yaml", "openapi.json", "dir"},
}
# The fastest peer on each input kind in the full run (bench/README.md, large inputs): the scale
# table compares gatelint with it. `TOOLS=gatelint,fastest-peer` runs only these.
FASTEST_PEER = {
    "cfn.yaml": "cfn-guard",
    "sam.yaml": "cfn-guard",
    "openapi.yaml": "redocly",
    "openapi.json": "redocly",
    "dir": "cfn-guard",
    "terraform": "checkov",
}
# The sizes of the scale table: 1x, 4x and 16x the input, and the 200 MB directory.
SCALE = [("x1", "1×"), ("x4", "4×"), ("large", "16×"), ("many", "200 MB dir")]
# The rules of each peer that are about authentication: only these count when scoring.
AUTH_RULES = {
    "checkov": re.compile(r"^(CKV_AWS_59|CKV_OPENAPI_(1|4|5|6|9|19))$"),
    "cfn-lint": re.compile(r"^$"),
    "cfn-guard": re.compile(r".*"),
    "spectral": re.compile(r"^owasp:api2:"),
    "redocly": re.compile(r"^(security-defined|no-unresolved-refs)$"),
}
# What gatelint must say about each class of item.
EXPECTED_RULE = {
    "open": "unauthenticated-route",
    "api-key-only": "api-key-only",
    "mis-wired": "missing-authorizer",
}
# Items of `cfn.yaml` beyond routes are named by the rule that must flag them.
EXPECTED_RULE.update({rule: rule for rule in (
    "open-resource-policy",
    "private-api-without-vpc-condition",
    "default-endpoint-enabled",
    "authorizer-cache-key",
    "execution-log-data-trace",
    "weak-cognito-client",
    "unauthenticated-identity-pool",
    "cors-credentials-wildcard",
    "lambda-permission-without-source-arn",
)})


def peer(*parts):
    return os.path.join(PEERS, *parts)


def files_of(root, key, formats):
    """The files under `dir/` whose format is one of `formats`, sorted."""
    return sorted(
        os.path.join(root, rel)
        for rel, f in key["files"].items()
        if rel.startswith("dir/") and f["format"] in formats
    )


def command(tool, root, kind, key):
    """The command line for `tool` on input `kind` under `root`."""
    target = os.path.join(root, kind)
    if tool == "gatelint":
        return [GATELINT, "check", "--format", "json", "--max-file-size", BIG, target]
    if tool == "parse-only":
        return [PARSE_ONLY, "--max-file-size", BIG, target]
    if tool == "checkov":
        base = [peer("checkov", "bin", "checkov"), "--quiet", "--compact", "-o", "json",
                "--skip-download", "--framework"]
        if kind == "dir":
            return base + ["cloudformation", "openapi", "-d", target]
        if kind == "terraform":
            return base + ["terraform", "-d", target]
        framework = "openapi" if kind.startswith("openapi") else "cloudformation"
        return base + [framework, "-f", target]
    if tool == "cfn-lint":
        files = files_of(root, key, {"cloudformation", "sam"}) if kind == "dir" else [target]
        return [peer("cfn-lint", "bin", "cfn-lint"), "--format", "json",
                "--append-rules", "cfn_lint_serverless.rules", "--"] + files
    if tool == "cfn-guard":
        return [peer("cargo", "bin", "cfn-guard"), "validate", "--rules",
                os.path.join(HERE, "peers", "api-gateway.guard"), "--data", target,
                "--output-format", "json", "--show-summary", "none"]
    if tool == "spectral":
        files = files_of(root, key, {"openapi"}) if kind == "dir" else [target]
        return [peer("node", "node_modules", ".bin", "spectral"), "lint", "--quiet",
                "--ruleset", peer("node", ".spectral.yaml"), "--format", "json",
                "--fail-severity", "error"] + files
    if tool == "redocly":
        files = files_of(root, key, {"openapi"}) if kind == "dir" else [target]
        return [peer("node", "node_modules", ".bin", "redocly"), "lint", "--format", "json",
                "--max-problems", "1000000"] + files
    raise ValueError(tool)


ENV = dict(
    os.environ,
    NO_COLOR="1",
    REDOCLY_TELEMETRY="off",
    REDOCLY_SUPPRESS_UPDATE_NOTICE="true",
    BC_SKIP_MAPPING="TRUE",
    CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false",
    RENDER_VARIATIONS="",
)


def run_once(cmd, stdout, timeout):
    """Run `cmd` under /usr/bin/time -v; returns (seconds, peak RSS in bytes, exit code, CPU
    seconds: user and system, which a loaded machine inflates far less than wall time)."""
    time_file = stdout + ".time"
    full = ["/usr/bin/time", "-v", "-o", time_file] + cmd if os.path.exists("/usr/bin/time") else cmd
    start = time.perf_counter()
    with open(stdout, "wb") as out, open(stdout + ".err", "wb") as err:
        code = run_bounded(full, out, err, timeout)
        if code is None:
            return None, None, "timeout", None
    seconds = time.perf_counter() - start
    rss = cpu = None
    if os.path.exists(time_file):
        with open(time_file) as f:
            text = f.read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        rss = int(m.group(1)) * 1024 if m else None
        spent = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)
        cpu = sum(float(s) for s in spent) if len(spent) == 2 else None
    return seconds, rss, code, cpu


def run_bounded(cmd, out, err, timeout):
    """Run `cmd` in its own process group; at the time limit the whole group is killed (a
    tool's workers and /usr/bin/time's child must not run on into the next measurement).
    Returns the exit code, or None on timeout.

    The wait blocks in waitpid and a timer does the killing: `Popen.wait(timeout=...)` polls
    with sleeps of up to 50 ms, which would round every time up to its next poll."""
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=ENV, cwd=ROOT,
                            start_new_session=True)
    expired = threading.Event()

    def kill():
        expired.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        code = proc.wait()
    finally:
        timer.cancel()
    return None if expired.is_set() else code


def time_runs(cmd, runs, timeout):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        if run_bounded(cmd, subprocess.DEVNULL, subprocess.DEVNULL, timeout) is None:
            break
        seconds.append(time.perf_counter() - start)
    return seconds


def hyperfine(cmd, runs):
    """Times with hyperfine when it is installed (no shell, warm-up); None otherwise."""
    if not shutil.which("hyperfine"):
        return None
    export = os.path.join(RESULTS, "hyperfine.json")
    subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(runs), "--ignore-failure",
                    "--export-json", export, "--style", "none", subprocess.list2cmdline(cmd)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=ROOT)
    with open(export) as f:
        return json.load(f)["results"][0]["times"]


# --- reading each tool's findings: (file, line, rule, logical id or None, pointer or None) ---

def pointer_of(path):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def parse_gatelint(text):
    """A finding's primary location, then its related ones: a SAM route's finding may point at
    the API that set the default and name the event in a related label."""
    doc = json.loads(text)
    found = []
    for f in doc["findings"]:
        related = [(r["location"]["path"], r["location"]["start"]["line"]) for r in f["related"]]
        found.append((f["location"]["path"], f["location"]["start"]["line"], f["rule"], None, None,
                      related))
    return found


def parse_checkov(text):
    text = text.strip()
    if not text:
        return []
    doc = json.loads(text)
    reports = doc if isinstance(doc, list) else [doc]
    found = []
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            resource = check.get("resource") or ""
            logical = resource.split(".", 1)[1] if "." in resource else None
            lines = check.get("file_line_range") or [0, 0]
            path = check.get("file_abs_path") or check.get("file_path") or ""
            found.append((path, lines[0], check.get("check_id", ""), logical, None))
    return found


def parse_cfn_lint(text):
    found = []
    for m in json.loads(text or "[]"):
        loc = m.get("Location", {})
        path = loc.get("Path") or []
        logical = path[1] if len(path) > 1 and path[0] == "Resources" else None
        found.append((m.get("Filename", ""), loc.get("Start", {}).get("LineNumber", 0),
                      m.get("Rule", {}).get("Id", ""), logical, None))
    return found


def parse_cfn_guard(text):
    """cfn-guard prints one JSON document per data file, one after the other."""
    found = []
    decoder = json.JSONDecoder()
    pos = 0
    text = text.strip()
    while pos < len(text):
        doc, end = decoder.raw_decode(text, pos)
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
        name = doc.get("name", "")
        for rule in doc.get("not_compliant", []) or []:
            collect_guard(rule, name, rule.get("Rule", {}).get("name", ""), found)
    return found


def collect_guard(node, name, rule, found):
    if isinstance(node, dict):
        check = node.get("Clause") or node.get("clause")
        if isinstance(check, dict):
            for value in check.values():
                if isinstance(value, dict) and "check" in value:
                    text = json.dumps(value)
                    m = re.search(r'"path": "/Resources/([^/"]+)', text)
                    # The message says where the offending value is: [Path=/...[L:12,C:5]
                    line = re.search(r"\[L:(\d+),C:\d+\]", text)
                    found.append((name, int(line.group(1)) if line else 0, rule,
                                  m.group(1) if m else None, None))
                    return
        for value in node.values():
            collect_guard(value, name, rule, found)
    elif isinstance(node, list):
        for value in node:
            collect_guard(value, name, rule, found)


def parse_spectral(text):
    text = text.strip()
    start = text.find("[")
    doc = json.loads(text[start:]) if start >= 0 else []
    return [(d.get("source", ""), d.get("range", {}).get("start", {}).get("line", -1) + 1,
             str(d.get("code", "")), None, pointer_of(d.get("path", []))) for d in doc]


def json_documents(text):
    """The JSON documents printed one after the other (one per file, for some tools)."""
    decoder = json.JSONDecoder()
    text = text.strip()
    pos = text.find("{") if not text.startswith("[") else 0
    while 0 <= pos < len(text):
        doc, end = decoder.raw_decode(text, pos)
        yield doc
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1


def parse_redocly(text):
    found = []
    for doc in json_documents(text):
        for problem in doc.get("problems", []):
            loc = (problem.get("location") or [{}])[0]
            source = loc.get("source", {})
            path = source.get("ref", "") if isinstance(source, dict) else str(source)
            pointer = (loc.get("pointer") or "").lstrip("#")
            line = (loc.get("start") or {}).get("line", 0)
            found.append((path, line, problem.get("ruleId", ""), None, pointer or None))
    return found


PARSERS = {
    "gatelint": parse_gatelint,
    "checkov": parse_checkov,
    "cfn-lint": parse_cfn_lint,
    "cfn-guard": parse_cfn_guard,
    "spectral": parse_spectral,
    "redocly": parse_redocly,
}


class Matcher:
    """Maps a finding to the answer key's item it is about, by logical id, JSON pointer, or
    the line range of the item in its file."""

    def __init__(self, key):
        self.key = key
        self.by_file = {}
        for rel, f in key["files"].items():
            items = f["items"]
            by_id = {i["id"]: n for n, i in enumerate(items)}
            by_pointer = {i["pointer"]: n for n, i in enumerate(items) if "pointer" in i}
            starts = sorted((i["lines"][0], i["lines"][1], n) for n, i in enumerate(items))
            self.by_file[rel] = (items, by_id, by_pointer, starts)
        self.by_name = {}
        for rel in self.by_file:
            self.by_name.setdefault(rel.rsplit("/", 1)[-1], []).append(rel)

    def file(self, path):
        path = path.replace("\\", "/")
        best = None
        # Only files of the same name can match: a scan of every file for every finding is
        # quadratic on the 20,000-file directory.
        for rel in self.by_name.get(path.rsplit("/", 1)[-1], ()):
            if path.endswith("/" + rel) or path == rel or rel.endswith("/" + path.lstrip("/")):
                if best is None or len(rel) > len(best):
                    best = rel
        return best

    def item(self, rel, line, logical, ptr):
        items, by_id, by_pointer, starts = self.by_file[rel]
        if logical and logical in by_id:
            return by_id[logical]
        if ptr:
            for candidate, n in by_pointer.items():
                if ptr == candidate or ptr.startswith(candidate + "/"):
                    return n
        # Binary search over item start lines.
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid][0] <= line:
                lo = mid + 1
            else:
                hi = mid
        if lo and starts[lo - 1][0] <= line <= starts[lo - 1][1]:
            return starts[lo - 1][2]
        return None


def in_input(rel, kind):
    """Whether the key's file `rel` belongs to input `kind` (a folder holds several)."""
    if kind in ("dir", "terraform"):
        return rel.startswith(kind + "/")
    return rel == kind


def score(tool, kind, findings, key, matcher):
    """Per class: how many items of the input there are and how many the tool flagged."""
    rels = {r for r in key["files"] if in_input(r, kind)}
    flagged = {}  # (rel, item) -> set of rules
    auth = AUTH_RULES.get(tool)
    counted = 0
    for path, line, rule, logical, ptr, *rest in findings:
        if auth is not None and not auth.search(rule):
            continue
        hit = None
        for at_path, at_line in [(path, line)] + (rest[0] if rest else []):
            rel = matcher.file(at_path)
            if rel is None or rel not in rels:
                continue
            n = matcher.item(rel, at_line, logical, ptr)
            if n is not None:
                hit = (rel, n)
                break
        if hit is None:
            continue
        counted += 1
        flagged.setdefault(hit, set()).add(rule)
    classes = {}
    for rel in rels:
        for n, entry in enumerate(key["files"][rel]["items"]):
            c = classes.setdefault(entry["class"], {"items": 0, "flagged": 0, "expected": 0})
            c["items"] += 1
            rules = flagged.get((rel, n), set())
            if rules:
                c["flagged"] += 1
            if tool == "gatelint" and EXPECTED_RULE.get(entry["class"]) in rules:
                c["expected"] += 1
    return {"classes": classes, "findings_on_items": counted}


def gatelint_verdict(classes):
    """gatelint must flag every open item with the right rule and flag no secure one."""
    ok = True
    for cls, c in classes.items():
        if cls in EXPECTED_RULE and c["expected"] != c["items"]:
            ok = False
        if cls in ("secure", "preflight") and c["flagged"]:
            ok = False
    return ok


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1).strip() if m else cpu
        with open("/proc/meminfo") as f:
            mem = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1)) / 1024 / 1024
        with open("/etc/os-release") as f:
            os_name = re.search(r'PRETTY_NAME="?([^"\n]*)', f.read()).group(1)
    except (OSError, AttributeError):
        mem, os_name = 0, platform.platform()
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem, 1),
            "os": f"{os_name}, Linux {platform.release()}"}


def version(tool):
    cmds = {
        "gatelint": [GATELINT, "--version"],
        "checkov": [peer("checkov", "bin", "checkov"), "--version"],
        "cfn-lint": [peer("cfn-lint", "bin", "cfn-lint"), "--version"],
        "cfn-guard": [peer("cargo", "bin", "cfn-guard"), "--version"],
        "spectral": [peer("node", "node_modules", ".bin", "spectral"), "--version"],
        "redocly": [peer("node", "node_modules", ".bin", "redocly"), "--version"],
    }
    if tool not in cmds:
        return ""
    try:
        p = subprocess.run(cmds[tool], capture_output=True, text=True, timeout=120, env=ENV)
        return (p.stdout.strip() or p.stderr.strip()).splitlines()[-1]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "missing"


def input_bytes(root, kind, key):
    return sum(f["bytes"] for rel, f in key["files"].items() if in_input(rel, kind))


def measure(label, tools, results):
    root = os.path.join(INPUTS, label)
    with open(os.path.join(root, "key.json")) as f:
        key = json.load(f)
    matcher = Matcher(key)
    out_dir = os.path.join(RESULTS, label)
    os.makedirs(out_dir, exist_ok=True)
    for kind in INPUT_KINDS:
        # The scale sizes (xl, many) write only some of the inputs.
        if not os.path.exists(os.path.join(root, kind)):
            continue
        for tool in tools_for(kind, tools):
            if kind not in APPLIES[tool]:
                continue
            cmd = command(tool, root, kind, key)
            if not os.path.exists(cmd[0]):
                continue
            ours = tool in ("gatelint", "parse-only")
            raw = os.path.join(out_dir, f"{tool}--{kind.replace('/', '_')}.out")
            print(f"[bench] {label} {kind} {tool}", file=sys.stderr, flush=True)
            first, rss, code, cpu = run_once(cmd, raw, 600 if ours else TIMEOUT)
            entry = {"label": label, "input": kind, "tool": tool, "bytes": input_bytes(root, kind, key),
                     "exit": code, "rss": rss, "cpu": cpu, "cmd": subprocess.list2cmdline(cmd)}
            if code == "timeout":
                entry["times"] = []
                entry["timeout"] = TIMEOUT
                results.append(entry)
                continue
            if ours:
                times = hyperfine(cmd, RUNS)
                if times is None:
                    time_runs(cmd, 1, 600)  # warm-up
                    times = time_runs(cmd, RUNS, 600)
            elif first > SLOW:
                times = [first]  # one run is enough to compare against

            else:
                times = time_runs(cmd, PEER_RUNS, TIMEOUT)
            entry["times"] = times
            if tool in PARSERS and code != "timeout":
                with open(raw, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                try:
                    findings = PARSERS[tool](text)
                    entry["findings"] = len(findings)
                    entry["score"] = score(tool, kind, findings, key, matcher)
                except (ValueError, KeyError, TypeError) as e:
                    entry["parse_error"] = f"{type(e).__name__}: {e}"
            results.append(entry)


def tools_for(kind, tools):
    """`tools`, with `fastest-peer` standing for the fastest peer on `kind`."""
    named = [FASTEST_PEER[kind] if t == "fastest-peer" else t for t in tools]
    return [t for i, t in enumerate(named) if t in APPLIES and t not in named[:i]]


def scale_table(results):
    """gatelint and the fastest peer measured on each kind at 1x, 4x, 16x and on the 200 MB
    directory: median wall time, the CPU seconds and peak memory (the largest resident set) of
    the first run. The ratio is taken on CPU seconds when both have them: on a shared machine
    wall time grows with the load, CPU time far less."""
    labels = {r["label"] for r in results}
    if not any(label in labels for label, _ in SCALE[1:]):
        return []
    lines = ["### Scale", "",
             "| input | scale | size | gatelint wall / CPU | gatelint peak | peak / size | fastest peer | peer wall / CPU | peer peak | peer / gatelint |",
             "|---|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    for kind in INPUT_KINDS:
        for label, name in SCALE:
            ours = entry_of(results, label, kind, "gatelint")
            if ours is None:
                continue
            mine = median_of(results, label, kind, "gatelint")
            peers = [r for r in results if r["label"] == label and r["input"] == kind
                     and r["tool"] not in ("gatelint", "parse-only")]
            timed = [(statistics.median(r["times"]), r) for r in peers if r.get("times")]
            cells = [kind, name, fmt_bytes(ours["bytes"]), wall_cpu(mine, ours.get("cpu")),
                     fmt_bytes(ours["rss"]),
                     f"{ours['rss'] / ours['bytes']:.1f}×" if ours["rss"] else "–"]
            if timed:
                theirs, peer_entry = min(timed, key=lambda t: t[0])
                if ours.get("cpu") and peer_entry.get("cpu"):
                    ratio = f"{peer_entry['cpu'] / ours['cpu']:.0f}× (CPU)"
                else:
                    ratio = f"{theirs / mine:.0f}× (wall)" if mine else "–"
                cells += [peer_entry["tool"], wall_cpu(theirs, peer_entry.get("cpu")),
                          fmt_bytes(peer_entry["rss"]), ratio]
            elif peers and all(r["exit"] == "timeout" for r in peers):
                limit = max(r.get("timeout", TIMEOUT) for r in peers)
                cells += ["/".join(r["tool"] for r in peers), f"> {limit} s (timed out)", "–",
                          f"> {limit / mine:.0f}× (wall)" if mine else "–"]
            else:
                cells += ["–", "–", "–", "–"]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def wall_cpu(wall, cpu):
    return fmt_time(wall) if cpu is None else f"{fmt_time(wall)} / {fmt_time(cpu)}"


def fmt_time(seconds):
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_bytes(n):
    return "–" if n is None else f"{n / 1e6:.1f} MB"


def summarize(results, startup, meta):
    lines = [f"Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, "
             f"{meta['machine']['ram_gib']} GiB RAM, {meta['machine']['os']}.", ""]
    lines.append("Versions: " + ", ".join(v if v.startswith(t) else f"{t} {v}"
                                          for t, v in meta["versions"].items() if v) + ".")
    lines.append("")
    labels = []
    for r in results:
        if r["label"] not in labels:
            labels.append(r["label"])
    for label in labels:
        lines.append(f"### {label}")
        lines.append("")
        lines.append("| input | tool | median | min | runs | peak RSS | findings | open found | API-key-only found | mis-wired found | secure flagged |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results:
            if r["label"] != label:
                continue
            t = r.get("times") or []
            med = statistics.median(t) if t else None
            lo = min(t) if t else None
            cells = [r["input"] + f" ({r['bytes'] / 1e6:.1f} MB)", r["tool"],
                     fmt_time(med) if t else (f"> {r.get('timeout', TIMEOUT)} s (timed out)"
                                              if r["exit"] == "timeout" else "–"),
                     fmt_time(lo), str(len(t)), fmt_bytes(r["rss"]),
                     str(r.get("findings", "–"))]
            classes = r.get("score", {}).get("classes", {})
            field = "expected" if r["tool"] == "gatelint" else "flagged"
            for cls in ("open", "api-key-only", "mis-wired"):
                c = classes.get(cls)
                cells.append(f"{c[field]}/{c['items']}" if c else "–")
            sec = [classes.get(c) for c in ("secure", "preflight") if classes.get(c)]
            cells.append(f"{sum(c['flagged'] for c in sec)}/{sum(c['items'] for c in sec)}" if sec else "–")
            if "parse_error" in r:
                cells[6] = "unreadable"
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines.extend(targets(results, startup))
    lines.extend(scale_table(results))
    return "\n".join(lines) + "\n"


def median_of(results, label, kind, tool):
    for r in results:
        if r["label"] == label and r["input"] == kind and r["tool"] == tool and r.get("times"):
            return statistics.median(r["times"])
    return None


def entry_of(results, label, kind, tool):
    for r in results:
        if r["label"] == label and r["input"] == kind and r["tool"] == tool:
            return r
    return None


def targets(results, startup):
    lines = ["### Targets (large inputs)", "",
             "| input | vs checkov (≥100×) | vs cfn-lint (≥100×) | vs cfn-guard (≥10×) | vs Redocly (≥10×) | vs parse-only (≤1.5×) | peak RSS / input (<3×) | 4× / 1× time (≈4) | 16× / 1× time (≈16) | answer key |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for kind in INPUT_KINDS:
        ours = median_of(results, "large", kind, "gatelint")
        if ours is None:
            continue
        cells = [kind]
        for peer_tool in ("checkov", "cfn-lint", "cfn-guard", "redocly"):
            theirs = median_of(results, "large", kind, peer_tool)
            e = entry_of(results, "large", kind, peer_tool)
            if theirs is not None:
                cells.append(f"{theirs / ours:.0f}×")
            elif e is not None and e["exit"] == "timeout":
                cells.append(f"> {e.get('timeout', TIMEOUT) / ours:.0f}× (timed out)")
            else:
                cells.append("n/a")
        bound = median_of(results, "large", kind, "parse-only")
        cells.append(f"{ours / bound:.2f}×" if bound else "–")
        e = entry_of(results, "large", kind, "gatelint")
        cells.append(f"{e['rss'] / e['bytes']:.2f}×" if e and e["rss"] else "–")
        x1 = median_of(results, "x1", kind, "gatelint")
        x4 = median_of(results, "x4", kind, "gatelint")
        cells.append(f"{x4 / x1:.1f}" if x1 and x4 else "–")
        cells.append(f"{ours / x1:.1f}" if x1 else "–")
        verdicts = []
        for label in ("small", "medium", "large"):
            e = entry_of(results, label, kind, "gatelint")
            if e and "score" in e:
                verdicts.append(f"{label} {'pass' if gatelint_verdict(e['score']['classes']) else 'FAIL'}")
        cells.append(", ".join(verdicts))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if startup:
        lines.append(f"Start-up on a trivial file (target < 10 ms): median {fmt_time(statistics.median(startup))}, "
                     f"min {fmt_time(min(startup))} over {len(startup)} runs.")
        lines.append("")
    return lines


def rescore():
    """Score the kept raw outputs again (after a change to the scoring), without running."""
    with open(os.path.join(RESULTS, "results.json")) as f:
        saved = json.load(f)
    keys = {}
    for r in saved["results"]:
        if r["tool"] not in PARSERS or r["exit"] == "timeout":
            r.pop("score", None) if r["exit"] == "timeout" else None
            continue
        if r["label"] not in keys:
            with open(os.path.join(INPUTS, r["label"], "key.json")) as f:
                key = json.load(f)
            keys[r["label"]] = (key, Matcher(key))
        key, matcher = keys[r["label"]]
        raw = os.path.join(RESULTS, r["label"], f"{r['tool']}--{r['input'].replace('/', '_')}.out")
        with open(raw, encoding="utf-8", errors="replace") as f:
            text = f.read()
        try:
            findings = PARSERS[r["tool"]](text)
            r["findings"] = len(findings)
            r["score"] = score(r["tool"], r["input"], findings, key, matcher)
            r.pop("parse_error", None)
        except (ValueError, KeyError, TypeError) as e:
            r["parse_error"] = f"{type(e).__name__}: {e}"
    with open(os.path.join(RESULTS, "results.json"), "w") as f:
        json.dump(saved, f, indent=1)
    table = summarize(saved["results"], saved.get("startup"), saved["meta"])
    with open(os.path.join(RESULTS, "results.md"), "w") as f:
        f.write(table)
    print(table)


def main():
    if sys.argv[1:] == ["--rescore"]:
        rescore()
        return
    os.makedirs(RESULTS, exist_ok=True)
    tools = [t for t in os.environ.get("TOOLS", ",".join(TOOLS)).split(",") if t]
    labels = [s for s in os.environ.get("SIZES", "small,medium,x1,x4,large").split(",") if s]
    named = [t for kind in INPUT_KINDS for t in tools_for(kind, tools)]
    meta = {"machine": machine(),
            "versions": {t: version(t) for t in dict.fromkeys(named) if t != "parse-only"}}
    results = []
    previous = os.path.join(RESULTS, "results.json")
    if os.environ.get("MERGE") == "1" and os.path.exists(previous):
        # Keep earlier measurements of the (size, input, tool) triples not measured now.
        with open(previous) as f:
            kept = json.load(f)
        results = [r for r in kept["results"]
                   if not (r["label"] in labels and r["tool"] in tools)]
        meta["versions"] = {**kept["meta"].get("versions", {}), **meta["versions"]}
    for label in labels:
        if os.path.isdir(os.path.join(INPUTS, label)):
            measure(label, tools, results)
    trivial = os.path.join(RESULTS, "trivial.yaml")
    with open(trivial, "w") as f:
        f.write("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
    startup = None
    if os.environ.get("MERGE") == "1" and os.path.exists(previous):
        with open(previous) as f:
            startup = json.load(f).get("startup")
    if "gatelint" in tools:
        cmd = [GATELINT, "check", "--quiet", trivial]
        startup = hyperfine(cmd, 200) or time_runs(cmd, 200, 60)
    with open(os.path.join(RESULTS, "results.json"), "w") as f:
        json.dump({"meta": meta, "results": results, "startup": startup}, f, indent=1)
    table = summarize(results, startup, meta)
    with open(os.path.join(RESULTS, "results.md"), "w") as f:
        f.write(table)
    print(table)


if __name__ == "__main__":
    main()
