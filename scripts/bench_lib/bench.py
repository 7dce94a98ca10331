"""scripts/bench: corpus-index end to end on a generated dump.

Generates (or reuses) a dump of --cables cables (default the real dump's 251,287), builds the index at 1 and 2
threads (wall, CPU, peak RSS, MB/s, cables/s), reads the index size per component (`stats --json`), measures
warm query latency per class (p50/p99 over many repetitions, in-process), and writes bench-results/: report.md,
results.json and PNG charts (throughput vs threads, latency per class, index size per component). With
--publish (implied at full size) the charts are copied to docs/ for docs/benchmarks.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import time

from . import common, queries, ours
from .common import log, human_bytes, md_table


def components_from_stats(stats):
    """[(name, bytes)] from `stats --json`, whatever its exact shape: a dict name -> bytes, a dict name ->
    {bytes: n}, or a list of {name, bytes}, under a key such as components/sections/files (or at the top)."""
    if not isinstance(stats, (dict, list)):
        return []
    candidates = []
    if isinstance(stats, dict):
        candidates = [stats[key] for key in ("components", "sections", "sizes", "files") if key in stats]
    candidates.append(stats)
    for c in candidates:
        out = []
        if isinstance(c, dict):
            for name, v in c.items():
                if isinstance(v, int) and not isinstance(v, bool):
                    out.append((name, v))
                elif isinstance(v, dict):
                    n = next((v[k] for k in ("bytes", "size", "sizeBytes", "size_bytes") if isinstance(v.get(k), int)), None)
                    if n is not None:
                        out.append((name, n))
        elif isinstance(c, list):
            for v in c:
                if isinstance(v, dict):
                    name = next((v[k] for k in ("name", "component", "section", "file") if k in v), None)
                    n = next((v[k] for k in ("bytes", "size", "sizeBytes", "size_bytes") if isinstance(v.get(k), int)), None)
                    if name is not None and n is not None:
                        out.append((str(name), n))
        out = [x for x in out if not x[0].lower().startswith(("total", "documents", "cables", "terms_count"))]
        if out:
            return sorted(out, key=lambda x: -x[1])
    return []


def main(argv=None):
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cables", type=int, default=common.FULL_SIZE,
                    help=f"cables in the generated dump (default {common.FULL_SIZE:,}, the real dump's count)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", default="1,2", help="build thread counts to measure (default 1,2)")
    ap.add_argument("--memory", default=None, help="build --memory budget (default: the CLI's default)")
    ap.add_argument("--repeat", type=int, default=500, help="max timed runs per query (default 500)")
    ap.add_argument("--budget", type=float, default=2.0, help="seconds of timed runs per query (default 2)")
    ap.add_argument("--publish", action="store_true", help="copy the charts to docs/ (default at full size)")
    ap.add_argument("--out", default=common.RESULTS)
    ap.add_argument("--from-results", action="store_true",
                    help="only redraw the report and charts from an earlier run's results.json")
    ap.add_argument("--queries-only", action="store_true",
                    help="keep an earlier run's builds (results.json and its index) and measure the queries again")
    args = ap.parse_args(argv)
    if args.from_results or args.queries_only:
        with open(os.path.join(args.out, "results.json")) as f:
            results = json.load(f)
        results["components"] = components_from_stats(results.get("stats")) or results["components"]
        if args.queries_only:
            last = results["builds"][-1]["threads"]
            index_dir = os.path.join(common.WORK, "bench", f"{results['cables']}-s{results['seed']}", f"index-t{last}")
            measure_queries(common.CorpusIndex(), index_dir, results, args)
        finish(results, args)
        return
    thread_counts = [int(t) for t in args.threads.split(",")]
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(common.WORK, "bench", f"{args.cables}-s{args.seed}")
    os.makedirs(work, exist_ok=True)

    ci = common.CorpusIndex()
    missing = [c for c in ("generate", "build", "query") if not ci.has(c)]
    if missing:
        raise SystemExit(f"scripts/bench: this corpus-index build lacks {', '.join(missing)} (placeholders); "
                         "run it once those commands have landed in main")
    dump = common.ensure_dump(ci, args.cables, args.seed)
    dump_bytes = os.path.getsize(dump)
    results = {"cables": args.cables, "seed": args.seed, "dump_bytes": dump_bytes,
               "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname())}, "builds": []}

    index_dir = None
    for threads in thread_counts:
        index_dir = os.path.join(work, f"index-t{threads}")
        log(f"build, {threads} thread(s)")
        b = ours.build(ci, dump, index_dir, threads, args.memory)
        b["threads"] = threads
        b["mb_per_s"] = dump_bytes / 1e6 / b["wall_s"]
        b["mb_per_cpu_s"] = dump_bytes / 1e6 / max(1e-9, b["cpu_s"])
        b["cables_per_s"] = args.cables / b["wall_s"]
        results["builds"].append(b)
        log(f"  {b['wall_s']:.1f} s, {b['mb_per_s']:.1f} MB/s, peak {human_bytes(b['peak_rss_bytes'])}: "
            f"{b['summary']}")

    results["stats"] = ours.stats(ci, index_dir)
    results["components"] = components_from_stats(results["stats"]) or [("index (total)", common.dir_size(index_dir))]
    results["index_bytes"] = common.dir_size(index_dir)

    measure_queries(ci, index_dir, results, args)
    finish(results, args)


def measure_queries(ci, index_dir, results, args):
    """Query latency per class in both modes (ids; the CLI path), into results["modes"]."""
    workload = queries.workload()
    from .compare import class_latency
    results["load_average_before_queries"] = os.getloadavg()
    for mode in ("engine", "session"):
        log(f"queries ({mode})")
        entries = ours.run_queries(ci, index_dir, workload, args.repeat, args.budget, mode=mode)
        results.setdefault("modes", {})[mode] = {
            "description": ours.MODES[mode], "classes": class_latency(entries),
            "queries": [dict(e, query=q["ours"]) for e, q in zip(entries, workload)]}
    results["load_average_after_queries"] = os.getloadavg()


def finish(results, args):
    """Writes results.json, the charts and report.md; copies the charts to docs/ when publishing."""
    common.write_json(os.path.join(args.out, "results.json"), results)
    charts = write_charts(results, args.out)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(render(results, charts))
    if args.publish or results["cables"] == common.FULL_SIZE:
        docs = os.path.join(common.ROOT, "docs")
        os.makedirs(docs, exist_ok=True)
        for name in charts:
            size = os.path.getsize(os.path.join(args.out, name))
            if size < 100_000:
                shutil.copy(os.path.join(args.out, name), os.path.join(docs, "bench-" + name))
            else:
                log(f"not copying {name} to docs/: {size} bytes")
    log(f"wrote {os.path.relpath(args.out, common.ROOT)}/report.md, results.json, {', '.join(charts)}")
    print(open(os.path.join(args.out, "report.md")).read())


def write_charts(results, out):
    from . import charts
    n = f"{results['cables']:,} cables, {human_bytes(results['dump_bytes'])}"
    charts.throughput_vs_threads(results["builds"], os.path.join(out, "throughput.png"), f"Index build ({n})")
    labels = dict(queries.CLASSES)
    rows = [(labels[k], v["p50_us"], v["p99_us"]) for k, v in results["modes"]["engine"]["classes"].items()]
    charts.latency_per_class(rows, os.path.join(out, "latency.png"), f"Query latency per class, top-10 ids ({n})")
    components = list(results["components"])
    total = sum(b for _, b in components) or 1
    major = [(name, b) for name, b in components if b / total >= 0.005]
    minor = sum(b for _, b in components if b / total < 0.005)
    if minor:
        major.append(("other (< 0.5% each)", minor))
    charts.index_size(major, os.path.join(out, "index-size.png"),
                      f"Index size per component ({human_bytes(results['index_bytes'])} total)")
    return ["throughput.png", "latency.png", "index-size.png"]


def fmt(us):
    if us is None:
        return "—"
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} µs"


def render(r, charts):
    labels = dict(queries.CLASSES)
    lines = [f"# corpus-index benchmark: {r['cables']:,} cables", "",
             f"Started {r['started']} on {r['machine']['cpus']} CPUs ({r['machine']['uname']}). "
             f"Dump: {human_bytes(r['dump_bytes'])} (generated, seed {r['seed']}).", "", "## Build", ""]
    rows = [[b["threads"], f"{b['wall_s']:.2f} s", f"{b['cpu_s']:.2f} s", f"{b['mb_per_s']:.1f}",
             f"{b['mb_per_cpu_s']:.1f}", f"{b['cables_per_s']:,.0f}", human_bytes(b["peak_rss_bytes"]),
             human_bytes(b["index_bytes"])] for b in r["builds"]]
    lines.append(md_table(["threads", "wall", "CPU", "MB/s", "MB/CPU-s", "cables/s", "peak RSS", "index"], rows))
    if len(r["builds"]) > 1:
        s = r["builds"][0]["wall_s"] / r["builds"][-1]["wall_s"]
        lines.append(f"\nSpeed-up {r['builds'][0]['threads']} → {r['builds'][-1]['threads']} threads: {s:.2f}×.")
    lines += ["", "Summary lines: " + "; ".join(f"`{b['summary']}`" for b in r["builds"]), "",
              "## Index size per component", ""]
    total = max(1, r["index_bytes"])
    lines.append(md_table(["component", "bytes", "share", "bytes/cable"],
                          [[n, f"{b:,}", f"{100 * b / total:.1f}%", f"{b / r['cables']:.0f}"]
                           for n, b in r["components"]]))
    engine, session = r["modes"]["engine"], r["modes"]["session"]
    load = ", ".join(f"{x:.1f}" for x in r.get("load_average_before_queries", []))
    lines += ["", "## Query latency per class", "",
              f"Warm, in-process, p50 / p99 over up to the configured repetitions per query; per class, the median of "
              f"its queries' p50 and the worst p99. **ids**: {engine['description']}. **CLI path**: "
              f"{session['description']}. Load average when the queries started: {load} (on 2 cores).", ""]
    lines.append(md_table(["class", "queries", "ids p50", "ids p99", "CLI path p50", "CLI path p99"],
                          [[labels[k], v["queries"], fmt(v["p50_us"]), fmt(v["p99_us"]),
                            fmt(session["classes"].get(k, {}).get("p50_us")),
                            fmt(session["classes"].get(k, {}).get("p99_us"))]
                           for k, v in engine["classes"].items()]))
    lines += ["", "Per query (ids mode):", ""]
    lines.append(md_table(["query", "matches", "p50", "p99", "runs"],
                          [[f"`{q['query']}`", q.get("count", "—"),
                            fmt(q["latency"]["p50_us"]) if "latency" in q else q.get("error", "—"),
                            fmt(q["latency"]["p99_us"]) if "latency" in q else "",
                            q.get("latency", {}).get("runs", "")] for q in engine["queries"]]))
    lines += [""] + [f"![{c}]({c})" for c in charts]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
