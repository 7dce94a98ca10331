"""The command line a peer engine runs under, one process per step so that its peak memory and CPU time are its
own (the caller measures them with wait4):

    python3 run.py build ENGINE JSONL INDEX_DIR --threads 2 --memory BYTES
    python3 run.py query ENGINE INDEX_DIR WORKLOAD_JSON --repeat 200 --budget 2.0

Prints one JSON object on stdout. Query mode opens the index once, runs each query once untimed (exact match
count and top-10 ids), then times it warm: at least 5 and at most --repeat runs within --budget seconds per query.
Standard library only besides the engine's own binding (so it runs under Debian's python3 for Xapian too).
"""
import argparse
import importlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from records import read_records  # noqa: E402

ENGINES = {"fts5": "fts5", "tantivy": "tantivy_peer", "xapian": "xapian_peer", "ripgrep": "ripgrep_peer"}


def module(engine):
    return importlib.import_module("peers." + ENGINES[engine])


def summarize(ns):
    ns = sorted(ns)

    def pct(p):
        return ns[min(len(ns) - 1, max(0, int(round(p / 100 * (len(ns) - 1)))))] / 1000

    return {"runs": len(ns), "p50_us": pct(50), "p99_us": pct(99), "min_us": ns[0] / 1000,
            "mean_us": sum(ns) / len(ns) / 1000}


def do_build(args):
    mod = module(args.engine)
    start = time.perf_counter()
    source = args.jsonl if args.engine == "ripgrep" else read_records(args.jsonl)
    info = mod.build(source, args.index_dir, threads=args.threads, memory_bytes=args.memory)
    info["seconds"] = time.perf_counter() - start
    return info


def do_query(args):
    mod = module(args.engine)
    with open(args.workload) as f:
        workload = json.load(f)
    searcher = mod.open_searcher(args.index_dir)
    out = []
    for q in workload:
        ast = q["ast"]
        entry = {"class": q["class"], "index": q["index"]}
        try:
            entry["count"] = searcher.count(ast)
            entry["top"] = searcher.top(ast, 10) if q["top"] else []
            run = (lambda: searcher.top(ast, q["top"])) if q["top"] else (lambda: searcher.count(ast))
            times = []
            deadline = time.perf_counter() + args.budget
            while len(times) < args.repeat and (len(times) < 5 or time.perf_counter() < deadline):
                t0 = time.perf_counter_ns()
                run()
                times.append(time.perf_counter_ns() - t0)
            entry["latency"] = summarize(times)
        except Exception as e:  # report, keep going with the other queries
            entry["error"] = f"{type(e).__name__}: {e}"
        out.append(entry)
    return {"queries": out}


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="step", required=True)
    b = sub.add_parser("build")
    b.add_argument("engine", choices=ENGINES)
    b.add_argument("jsonl")
    b.add_argument("index_dir")
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--memory", type=int, default=512 << 20)
    q = sub.add_parser("query")
    q.add_argument("engine", choices=ENGINES)
    q.add_argument("index_dir")
    q.add_argument("workload")
    q.add_argument("--repeat", type=int, default=200)
    q.add_argument("--budget", type=float, default=2.0)
    args = ap.parse_args()
    result = do_build(args) if args.step == "build" else do_query(args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
