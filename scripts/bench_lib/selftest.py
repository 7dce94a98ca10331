"""Self-test of the comparison harness, no corpus-index build needed: indexes the fixture's 12 real cables
(repeated) with every peer engine that is installed, runs the whole workload, and checks each engine's match
counts against the brute-force oracle. On this ASCII text every engine's analyzer agrees with ours, so any
difference is a bug in a peer's query translation. Prints 'N passed, N failed'; exits 1 on a failure.

    python3 -m scripts.bench_lib.selftest
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from . import common, queries
from .compare import RUNNER, peer_python
from .records import read_records


def available(engine):
    probe = {"fts5": (sys.executable, "import sqlite3"), "tantivy": (sys.executable, "import tantivy"),
             "xapian": ("/usr/bin/python3", "import xapian"), "ripgrep": (None, None)}[engine]
    if engine == "ripgrep":
        return shutil.which("rg") is not None
    return os.path.exists(probe[0]) and subprocess.run([probe[0], "-c", probe[1]], capture_output=True).returncode == 0


def main():
    work = tempfile.mkdtemp(prefix="corpus-index-selftest-")
    try:
        jsonl = os.path.join(work, "records.jsonl")
        common.fixture_jsonl(jsonl, 36)
        workload = queries.workload()
        workload_path = os.path.join(work, "workload.json")
        common.write_json(workload_path, workload)
        oracle = queries.Oracle(list(read_records(jsonl)))
        expected = [oracle.count(q["ast"]) for q in workload]
        if not any(expected):
            raise SystemExit("the oracle matched nothing: the fixture or the workload is wrong")
        passed = failed = 0
        for engine in ("fts5", "tantivy", "xapian", "ripgrep"):
            if not available(engine):
                print(f"skip {engine}: not installed")
                continue
            index = os.path.join(work, engine)
            py = peer_python(engine)
            subprocess.run([py, RUNNER, "build", engine, jsonl, index, "--threads", "2", "--memory", str(64 << 20)],
                           check=True, capture_output=True)
            out = subprocess.run([py, RUNNER, "query", engine, index, workload_path, "--repeat", "1", "--budget",
                                  "0.01"], check=True, capture_output=True, text=True).stdout
            for q, want, got in zip(workload, expected, json.loads(out)["queries"]):
                if got.get("count") == want:
                    passed += 1
                else:
                    failed += 1
                    print(f"FAIL {engine}: {q['ours']}: expected {want}, got {got.get('count', got.get('error'))}")
        print(f"{passed} passed, {failed} failed")
        sys.exit(1 if failed else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
