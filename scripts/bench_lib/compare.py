"""scripts/compare: corpus-index side by side with the engines a user would otherwise pick.

Indexes one generated dump with the same fields (body, subject, header; tags, origin, creation date as metadata)
in corpus-index, SQLite FTS5, tantivy, Xapian, and ripgrep (no index), runs the same query workload (queries.py),
and writes bench-results/compare/report.md + report.json. Every peer reads the records exported once by
`corpus-index records DUMP` (JSON Lines), so all engines see the same parsed fields; that export is timed on its
own and not counted against the peers. A brute-force oracle with corpus-index's analyzer semantics counts the
matches of every query independently of every index.
"""
import argparse
import json
import os
import sys
import time

from . import common, queries, ours
from .common import log, human_bytes, md_table

PEERS = ["fts5", "tantivy", "xapian", "ripgrep"]
PEER_LABEL = {"ours": "corpus-index", "fts5": "SQLite FTS5", "tantivy": "tantivy", "xapian": "Xapian",
              "ripgrep": "ripgrep (no index)", "oracle": "oracle"}
XAPIAN_PYTHON = "/usr/bin/python3"  # Debian's python3-xapian installs for Debian's interpreter only
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers", "run.py")


def peer_python(engine):
    return XAPIAN_PYTHON if engine == "xapian" else sys.executable


def run_peer_build(engine, jsonl, index_dir, threads, memory, xapian_flush):
    env = {"XAPIAN_FLUSH_THRESHOLD": str(xapian_flush)} if engine == "xapian" else None
    m = common.run_measured([peer_python(engine), RUNNER, "build", engine, jsonl, index_dir, "--threads",
                             str(threads), "--memory", str(memory)], env=env)
    info = json.loads(m.stdout.strip().splitlines()[-1])
    info.update(m.as_dict())
    info["index_bytes"] = common.dir_size(index_dir)
    return info


def run_peer_queries(engine, index_dir, workload_path, repeat, budget):
    m = common.run_measured([peer_python(engine), RUNNER, "query", engine, index_dir, workload_path, "--repeat",
                             str(repeat), "--budget", str(budget)])
    return json.loads(m.stdout.strip().splitlines()[-1])["queries"]


def feed_overhead(jsonl):
    """What reading and json-parsing the export costs a Python peer (its share of every peer's build time)."""
    lib = os.path.dirname(os.path.abspath(__file__))
    code = f"import sys; sys.path.insert(0, {lib!r}); from records import read_records; sum(1 for _ in read_records({jsonl!r}))"
    return common.run_measured([sys.executable, "-c", code]).as_dict()


def class_latency(entries):
    """Per class: median of the per-query p50s, max of the per-query p99s (microseconds)."""
    out = {}
    for key, _ in queries.CLASSES:
        rows = [e["latency"] for e in entries if e["class"] == key and "latency" in e]
        if rows:
            out[key] = {"p50_us": common.percentile([r["p50_us"] for r in rows], 50),
                        "p99_us": max(r["p99_us"] for r in rows), "queries": len(rows)}
    return out


def ratio(value, base):
    if value is None or base in (None, 0):
        return "—"
    return f"{value / base:.2f}×"


def fmt_us(us):
    if us is None:
        return "—"
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} µs"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="scripts/compare", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cables", type=int, default=25_000, help="cables in the generated dump (default 25,000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2, help="threads each engine may use (default 2)")
    ap.add_argument("--memory", default="512M", help="indexing memory budget for every engine (default 512M)")
    ap.add_argument("--repeat", type=int, default=200, help="max timed runs per query (default 200)")
    ap.add_argument("--budget", type=float, default=2.0, help="seconds of timed runs per query (default 2)")
    ap.add_argument("--engines", default=",".join(["ours"] + PEERS), help="comma-separated subset")
    ap.add_argument("--no-oracle", action="store_true", help="skip the brute-force match counts")
    ap.add_argument("--out", default=os.path.join(common.RESULTS, "compare"))
    args = ap.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    memory = common.parse_size(args.memory)
    work = os.path.join(common.WORK, "compare", f"{args.cables}-s{args.seed}")
    os.makedirs(work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    report = {"cables_requested": args.cables, "seed": args.seed, "threads": args.threads, "memory_bytes": memory,
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "engines": {}, "notes": []}

    ci = common.CorpusIndex()
    dump = common.ensure_dump(ci, args.cables, args.seed)
    jsonl = os.path.join(work, "records.jsonl")
    if dump and ci.has("records"):
        m = common.export_records(ci, dump, jsonl)
        report["dump"] = {"path": os.path.relpath(dump, common.ROOT), "bytes": os.path.getsize(dump)}
        if m:
            report["export"] = m
    else:
        report["notes"].append("FALLBACK: `generate`/`records` are not in this build; the peers index the "
                               "fixture's 12 real cables repeated, and corpus-index is skipped.")
        common.fixture_jsonl(jsonl, args.cables)
        report["dump"] = {"path": os.path.relpath(jsonl, common.ROOT), "bytes": os.path.getsize(jsonl)}
        dump = None
    input_bytes = report["dump"]["bytes"]
    report["jsonl_bytes"] = os.path.getsize(jsonl)
    records = None
    workload = queries.workload()
    workload_path = os.path.join(work, "workload.json")
    common.write_json(workload_path, workload)

    if not args.no_oracle:
        log("oracle: counting matches by brute force")
        from .records import read_records
        records = list(read_records(jsonl))
        oracle = queries.Oracle(records)
        t0 = time.perf_counter()
        report["oracle"] = [oracle.count(q["ast"]) for q in workload]
        report["oracle_seconds"] = time.perf_counter() - t0
        report["documents"] = len(records)
        del oracle, records
    report["feed_overhead"] = feed_overhead(jsonl)

    for engine in engines:
        entry = {"label": PEER_LABEL[engine]}
        report["engines"][engine] = entry
        index_dir = os.path.join(work, f"index-{engine}")
        try:
            if engine == "ours":
                if not dump or not ci.has("build"):
                    entry["skipped"] = "corpus-index `build` (or the dump) is not available in this build"
                    continue
                log("corpus-index: build")
                entry["build"] = ours.build(ci, dump, index_dir, args.threads, args.memory)
                from .bench import components_from_stats
                entry["build"]["components"] = components_from_stats(ours.stats(ci, index_dir))
                log("corpus-index: queries")
                entry["queries"] = ours.run_queries(ci, index_dir, workload, args.repeat, args.budget)
                entry["latency_mode"] = entry["queries"][0].get("mode") if entry["queries"] else None
            else:
                flush = max(10_000, memory // (8 * max(1, report["jsonl_bytes"] // max(1, report.get("documents") or 1))))
                log(f"{engine}: build")
                entry["build"] = run_peer_build(engine, jsonl, index_dir, args.threads, memory, flush)
                log(f"{engine}: queries")
                entry["queries"] = run_peer_queries(engine, index_dir, workload_path, args.repeat, args.budget)
        except Exception as e:  # one engine failing must not lose the others' results
            entry["error"] = f"{type(e).__name__}: {e}"
            log(f"{engine}: FAILED: {e}")
            continue
        entry["classes"] = class_latency(entry["queries"])

    common.write_json(os.path.join(args.out, "report.json"), report)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(render_markdown(report, workload, input_bytes))
    log(f"wrote {os.path.relpath(args.out, common.ROOT)}/report.md and report.json")
    print(open(os.path.join(args.out, "report.md")).read())
    # corpus-index must agree with the oracle exactly (same analyzer semantics): anything else is a bug.
    ours_entries = report["engines"].get("ours", {}).get("queries") or []
    if "oracle" in report and ours_entries:
        wrong = [(q["ours"], want, got.get("count", got.get("error")))
                 for q, want, got in zip(workload, report["oracle"], ours_entries) if got.get("count") != want]
        for text, want, got in wrong:
            log(f"MISMATCH corpus-index vs oracle: {text}: oracle {want}, corpus-index {got}")
        if wrong:
            sys.exit(3)


def render_markdown(report, workload, input_bytes):
    from .peers import fts5 as _f  # noqa: F401  (notes only; imports sqlite3)
    engines = report["engines"]
    base = engines.get("ours", {})
    base_build = base.get("build")
    lines = [f"# corpus-index side by side ({report.get('documents', report['cables_requested'])} cables)", ""]
    lines.append(f"Started {report['started']}; seed {report['seed']}; every engine may use {report['threads']} "
                 f"threads and a {human_bytes(report['memory_bytes'])} indexing budget. Input: "
                 f"`{report['dump']['path']}` ({human_bytes(input_bytes)}); MB/s below is this input over the "
                 f"build's wall time, MB/CPU-s over its user+system CPU time.")
    lines += [""] + [f"> {n}" for n in report["notes"]] + [""]
    if "export" in report:
        e = report["export"]
        lines.append(f"Record export (`corpus-index records`, not counted against the peers): {e['wall_s']:.2f} s, "
                     f"{human_bytes(report['jsonl_bytes'])} of JSON Lines.")
    fo = report["feed_overhead"]
    lines.append(f"Reading and parsing that JSON in Python costs every Python peer {fo['wall_s']:.2f} s "
                 f"({fo['cpu_s']:.2f} CPU-s) of its build time; it is included below.")
    lines += ["", "## Build", ""]
    rows = []
    for key, e in engines.items():
        b = e.get("build")
        if not b:
            rows.append([e["label"], e.get("skipped") or e.get("error", "—")] + [""] * 7)
            continue
        mbps = input_bytes / 1e6 / b["wall_s"]
        per_cpu = input_bytes / 1e6 / max(1e-9, b["cpu_s"])
        rows.append([e["label"], f"{b['wall_s']:.2f} s", ratio(b["wall_s"], base_build and base_build["wall_s"]),
                     f"{mbps:.1f}", f"{per_cpu:.1f}", human_bytes(b["peak_rss_bytes"]),
                     ratio(b["peak_rss_bytes"], base_build and base_build["peak_rss_bytes"]),
                     human_bytes(b["index_bytes"]), ratio(b["index_bytes"], base_build and base_build["index_bytes"])])
    lines.append(md_table(["engine", "build", "vs ours", "MB/s", "MB/CPU-s", "peak RSS", "vs ours", "index size",
                           "vs ours"], rows))
    lines += ["", "Ratios are peer ÷ corpus-index (above 1 = corpus-index is faster or smaller)."]
    store = dict((base_build or {}).get("components") or []).get("document store")
    if store:
        lines.append(f"corpus-index's size includes its compressed document store ({human_bytes(store)}: every "
                     f"cable's full text and metadata, for `show` and snippets); without it the index is "
                     f"{human_bytes(base_build['index_bytes'] - store)}. The peers store only the reference id "
                     "(FTS5 is contentless; Xapian also keeps per-document term lists).")
    lines.append("")
    lines += ["## Query latency per class (warm, in-process)", "",
              "p50 = median over the class's queries of each query's median; p99 = the worst per-query p99. "
              "Ratio = peer p50 ÷ corpus-index p50.", ""]
    heads = ["class"]
    for e in engines.values():
        heads += [f"{e['label']} p50", "p99"] + (["vs ours"] if e is not base else [])
    rows = []
    for key, label in queries.CLASSES:
        row = [label]
        ours_p50 = base.get("classes", {}).get(key, {}).get("p50_us")
        for e in engines.values():
            c = e.get("classes", {}).get(key)
            row += [fmt_us(c and c["p50_us"]), fmt_us(c and c["p99_us"])]
            if e is not base:
                row.append(ratio(c and c["p50_us"], ours_p50))
        rows.append(row)
    lines.append(md_table(heads, rows))
    lines += ["", "## Match counts", "",
              "Oracle = a brute-force scan with corpus-index's analyzer (ASCII letters and digits and bytes ≥ 0x80 "
              "form tokens, ASCII lowercased); corpus-index must equal it. Other engines differ by design of their "
              "analyzers (notes below).", ""]
    heads = ["query"] + (["oracle"] if "oracle" in report else []) + [e["label"] for e in engines.values()]
    rows = []
    for i, q in enumerate(workload):
        row = [f"`{q['ours']}`" + (" (count)" if not q["top"] else "")]
        if "oracle" in report:
            row.append(str(report["oracle"][i]))
        for e in engines.values():
            entries = e.get("queries") or []
            x = entries[i] if i < len(entries) else {}
            value = x.get("count", "err" if "error" in x else "—")
            mark = "" if "oracle" not in report or value in ("—",) or value == report["oracle"][i] else " ≠"
            row.append(f"{value}{mark}")
        rows.append(row)
    lines.append(md_table(heads, rows))
    lines += ["", "## Why counts differ", ""]
    from .peers import ripgrep_peer
    notes = {"fts5": _note("fts5"), "tantivy": _note("tantivy_peer"), "xapian": _note("xapian_peer"),
             "ripgrep": ripgrep_peer.ANALYZER_NOTE}
    for key, e in engines.items():
        if key in notes:
            lines.append(f"- **{e['label']}**: {notes[key]}")
    lines += ["", "## Engines and settings", ""]
    for key, e in engines.items():
        b = e.get("build") or {}
        extra = {k: v for k, v in b.items() if k in ("engine_version", "threads_used", "heap_bytes", "flush_threshold",
                                                     "summary")}
        lines.append(f"- **{e['label']}**: {json.dumps(extra)}" + (f"; latency: {e['latency_mode']}"
                                                                    if e.get("latency_mode") else ""))
    errors = [(e["label"], q) for e in engines.values() for q in (e.get("queries") or []) if "error" in q]
    if errors:
        lines += ["", "## Query errors", ""] + [f"- {label}: {q['class']}#{q['index']}: {q['error']}"
                                               for label, q in errors]
    return "\n".join(lines) + "\n"


def _note(module_name):
    # Peers that import their binding (tantivy, xapian) may not import here; read the note from the source text.
    path = os.path.join(os.path.dirname(RUNNER), module_name + ".py")
    text = open(path).read()
    start = text.find("ANALYZER_NOTE = (")
    if start < 0:
        return ""
    import ast
    return ast.literal_eval(text[start + len("ANALYZER_NOTE = "):text.find(")\n", start) + 1])


if __name__ == "__main__":
    main()
