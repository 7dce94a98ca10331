"""ripgrep (Debian's `ripgrep`) as the no-index baseline: every query scans the exported JSON Lines, one record
per line, with a PCRE2 pattern (`rg -P`), and counts matching lines = matching cables.

"Building" only splits the export into shards so that ripgrep can search them on `threads` threads (it
parallelises across files, not within one). Limits, by design of a grep: a term matches in any field of the
record (id, origin, header, subject, body), not only the body; boundaries are ASCII letters/digits, with the JSON
escapes \\n \\r \\t counted as separators; it cannot rank, so a 'top 10' query costs a full scan like a count.
"""
import json
import os
import re
import shutil
import subprocess

SHARDS = 16


def build(records_path, index_dir, threads, memory_bytes, **_):
    if os.path.exists(index_dir):
        shutil.rmtree(index_dir)
    os.makedirs(index_dir)
    outs = [open(os.path.join(index_dir, f"shard-{i:02d}.jsonl"), "wb") for i in range(SHARDS)]
    n = 0
    with open(records_path, "rb") as f:
        lines = [line for line in f if line.strip()]
    per = max(1, -(-len(lines) // SHARDS))
    for n, line in enumerate(lines, 1):
        outs[(n - 1) // per].write(line)
    for out in outs:
        out.close()
    version = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    with open(os.path.join(index_dir, "keys.json"), "w") as f:
        json.dump(_keys(records_path), f)
    return {"documents": n, "engine_version": version, "threads_used": threads}


def _keys(records_path):
    import sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from records import detect_keys  # noqa: E402  (stdlib-only sibling module)
    return detect_keys(records_path)


_PRE = r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))"
_POST = r"(?![A-Za-z0-9])"
_SEP = r'(?:[^A-Za-z0-9\\"]|\\[nrt"\\/])+'


def _months(lo, hi):
    out, ym = [], lo
    while ym <= hi:
        out.append(f"{ym // 100:04d}-{ym % 100:02d}")
        ym = ym + 1 if ym % 100 < 12 else (ym // 100 + 1) * 100 + 1
    return out


def pattern(node, keys):
    kind = node[0]
    if kind == "term":
        return _PRE + "(?i:" + re.escape(node[1]) + ")" + _POST
    if kind == "phrase":
        return _PRE + _SEP.join("(?i:" + re.escape(w) + ")" for w in node[1]) + _POST
    if kind == "prefix":
        return _PRE + "(?i:" + re.escape(node[1]) + ")"
    if kind == "tag":
        return '"' + re.escape(keys.get("tags") or "tags") + r'":\s*\[[^\]]*"' + re.escape(node[1]) + '"'
    if kind == "origin_prefix":
        return '"' + re.escape(keys.get("origin") or "origin") + '":\\s*"' + re.escape(node[1])
    if kind == "date":
        return '"' + re.escape(keys.get("created") or "created") + '":\\s*"(?:' + "|".join(_months(node[1], node[2])) + ")"
    if kind == "or":
        return "(?:" + "|".join(pattern(c, keys) for c in node[1]) + ")"
    if kind == "and":
        return "^" + "".join("(?=.*" + pattern(c, keys) + ")" for c in node[1])
    raise ValueError(f"unknown query node {node!r}")


class Searcher:
    def __init__(self, index_dir, threads=2):
        self.dir = index_dir
        self.threads = threads
        with open(os.path.join(index_dir, "keys.json")) as f:
            self.keys = json.load(f)

    def count(self, ast):
        cmd = ["rg", "-P", "-c", "--no-filename", "--no-messages", "-j", str(self.threads),
               "-g", "*.jsonl", pattern(ast, self.keys), self.dir]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"rg failed ({proc.returncode}): {proc.stderr.strip()}")
        return sum(int(x) for x in proc.stdout.split())

    def top(self, ast, k):
        self.count(ast)  # no ranking: the same full scan
        return []


def open_searcher(index_dir, threads=2):
    return Searcher(index_dir, threads)


ANALYZER_NOTE = ("a regex over each whole JSON line, so it matches in every field, not only the body (e.g. "
                 "`beijing` in a header's `AMEMBASSY BEIJING`); only ASCII letters and digits are word characters; "
                 "it cannot rank, so a 'top 10' query costs a full scan like a count.")
