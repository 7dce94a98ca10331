"""corpus-index's side of scripts/bench and scripts/compare: build an index with the CLI (measured as a child
process) and run the query workload.

Query latency is measured in-process with the benchmark package's `query-latency` tool (built on demand; it opens
the index once and times every query warm, like the peers' runners), in one of two modes (MODES); without the tool
it falls back to timing the `query` CLI per
run and subtracting the process start-up (the median wall time of `corpus-index --version`), and says so.
"""
import json
import os
import re
import subprocess
import time

from . import common
from .common import log

BENCH_PKG = os.path.join(common.ROOT, "Benchmarks")


def build(ci, dump, index_dir, threads, memory, extra=()):
    common.fresh_dir(index_dir)
    args = ["build", dump, "-o", index_dir, "--threads", threads]
    if memory and "--memory" in ci.help("build"):
        args += ["--memory", memory]
    m = common.run_measured(ci.cmd(*args, *extra))
    info = m.as_dict()
    # The one-line summary ("indexed N cables, ... MB/s, peak memory ..."), wherever the CLI prints it; progress
    # lines end in carriage returns, so split on those too.
    lines = [ln.strip() for ln in (m.stdout + "\n" + m.stderr).replace("\r", "\n").splitlines() if ln.strip()]
    info["summary"] = next((ln for ln in reversed(lines) if ln.startswith("indexed")), lines[-1] if lines else "")
    info["index_bytes"] = common.dir_size(index_dir)
    info["engine_version"] = "corpus-index " + subprocess.run(ci.cmd("--version"), capture_output=True,
                                                              text=True).stdout.strip()
    info["threads_used"] = threads
    return info


def stats(ci, index_dir):
    """`corpus-index stats INDEX --json`, or None when not available."""
    if not ci.has("stats"):
        return None
    proc = subprocess.run(ci.cmd("stats", index_dir, "--json"), capture_output=True, text=True)
    if proc.returncode != 0:
        log(f"stats failed: {proc.stderr.strip()[:300]}")
        return None
    return json.loads(proc.stdout)


def root_sources():
    """The root package's Swift source files (paths relative to the repository), sorted."""
    files = []
    for top, _, names in os.walk(os.path.join(common.ROOT, "Sources")):
        files += [os.path.relpath(os.path.join(top, n), common.ROOT) for n in names if n.endswith(".swift")]
    return sorted(files)


def refresh_build_plan():
    """SwiftPM keeps the benchmark package's build plan for its path dependency (this repository) until the
    benchmark package's manifest changes: a source file added to or removed from the root package is not seen,
    so the tool would be linked from stale objects (measuring old code) or fail on a deleted file. When the root
    package's list of source files differs from the one recorded at the last build, touch the benchmark
    package's manifest so that the plan is made anew. Returns the listing to record after a good build."""
    listing = "\n".join(root_sources()) + "\n"
    stamp = os.path.join(BENCH_PKG, ".build", "root-sources.txt")
    try:
        with open(stamp) as f:
            same = f.read() == listing
    except OSError:
        same = False
    if not same:
        os.utime(os.path.join(BENCH_PKG, "Package.swift"))
    return stamp, listing


def latency_tool():
    """The in-process query-latency tool from the benchmark package (built on demand), or None."""
    if not os.path.exists(os.path.join(BENCH_PKG, "Tools", "query-latency", "main.swift")):
        return None
    stamp, listing = refresh_build_plan()
    log("swift build -c release --product query-latency (Benchmarks package; the first build takes minutes)")
    command = ["swift", "build", "-c", "release", "--product", "query-latency"]
    proc = subprocess.run(command, cwd=BENCH_PKG, capture_output=True, text=True)
    if proc.returncode != 0:
        # Once more with a fresh plan (a stale one names files that no longer exist).
        os.utime(os.path.join(BENCH_PKG, "Package.swift"))
        proc = subprocess.run(command, cwd=BENCH_PKG, capture_output=True, text=True)
    if proc.returncode != 0:
        log("query-latency tool does not build yet; using the CLI fallback\n" + proc.stderr[-1500:])
        return None
    os.makedirs(os.path.dirname(stamp), exist_ok=True)
    with open(stamp, "w") as f:
        f.write(listing)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=BENCH_PKG,
                             capture_output=True, text=True).stdout.strip()
    path = os.path.join(bin_dir, "query-latency")
    return path if os.path.exists(path) else None


MODES = {
    "engine": "in-process, query engine + top-10 reference ids from the reference id column (as the peers return ids)",
    "session": "in-process, IndexSession.search as the CLI runs it (+ metadata and a highlighted snippet per hit)",
}


def run_queries(ci, index_dir, workload, repeat, budget, mode="engine"):
    """Runs the workload on the index; each entry gets count, top, latency (or error) and the mode's description."""
    tool = latency_tool()
    if tool:
        path = os.path.join(os.path.dirname(index_dir), "workload-ours.json")
        common.write_json(path, workload)
        m = common.run_measured([tool, index_dir, path, "--repeat", str(repeat), "--budget", str(budget),
                                 "--mode", mode])
        entries = json.loads(m.stdout)["queries"]
        for e in entries:
            e["mode"] = MODES[mode]
        return entries
    return _cli_fallback(ci, index_dir, workload, min(repeat, 30), budget)


def _count_from(text):
    try:
        obj = json.loads(text)
        if isinstance(obj, dict):
            for key in ("count", "total", "matches", "hits"):
                if isinstance(obj.get(key), int):
                    return obj[key]
    except ValueError:
        pass
    numbers = re.findall(r"\d+", text)
    return int(numbers[0]) if numbers else None


def _cli_fallback(ci, index_dir, workload, repeat, budget):
    startup = []
    for _ in range(10):
        t0 = time.perf_counter_ns()
        subprocess.run(ci.cmd("--version"), capture_output=True)
        startup.append(time.perf_counter_ns() - t0)
    base = common.percentile(startup, 50)
    out = []
    for q in workload:
        entry = {"class": q["class"], "index": q["index"], "mode": "CLI per run minus process start-up "
                 f"({base / 1e6:.1f} ms) — approximate"}
        proc = subprocess.run(ci.cmd("query", index_dir, q["ours"], "--count"), capture_output=True, text=True)
        if proc.returncode != 0:
            entry["error"] = proc.stderr.strip()[:300]
            out.append(entry)
            continue
        entry["count"] = _count_from(proc.stdout)
        args = ["query", index_dir, q["ours"]] + (["--top", "10"] if q["top"] else ["--count"])
        times = []
        deadline = time.perf_counter() + budget
        while len(times) < repeat and (len(times) < 5 or time.perf_counter() < deadline):
            t0 = time.perf_counter_ns()
            subprocess.run(ci.cmd(*args), capture_output=True)
            times.append(max(0, time.perf_counter_ns() - t0 - base))
        times.sort()
        entry["latency"] = {"runs": len(times), "p50_us": common.percentile(times, 50) / 1000,
                            "p99_us": common.percentile(times, 99) / 1000, "min_us": times[0] / 1000,
                            "mean_us": sum(times) / len(times) / 1000}
        out.append(entry)
    return out
