"""The query workload shared by scripts/bench, scripts/compare and the QueryBenchmarks suite, loaded from
Benchmarks/Workload/queries.json (query classes, each query in corpus-index syntax and as a small AST), and a
brute-force oracle with corpus-index's analyzer semantics.

AST nodes are tuples (JSON-serialisable as lists, so peers in other interpreters can read them):
  ("term", "nuclear")                      a body term
  ("phrase", ["human", "rights"])          consecutive body tokens
  ("prefix", "nucl")                       a body token starting with ...
  ("tag", "PHUM")                          a TAGS value, exact
  ("origin_prefix", "Embassy B")           the origin starts with ... (case-insensitive)
  ("date", 200601, 200706)                 creation year*100+month, inclusive range
  ("and", [node, ...]) / ("or", [node, ...])
Every query also says whether it asks for the top 10 (scored) or only the count.
Standard library only.
"""
import json
import os
import re

WORKLOAD_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                             "Benchmarks", "Workload", "queries.json")


def _load():
    with open(WORKLOAD_FILE) as f:
        doc = json.load(f)
    classes = [(c["key"], c["label"]) for c in doc["classes"]]
    by_class = {key: [] for key, _ in classes}
    for q in doc["queries"]:
        by_class[q["class"]].append(_tuples(q["ast"]))
        if render(by_class[q["class"]][-1]) != q["query"]:
            raise ValueError(f"{WORKLOAD_FILE}: AST {q['ast']} renders as {render(q['ast'])!r}, not {q['query']!r}")
    return classes, by_class


def _tuples(node):
    """JSON lists back to the tuple form (nested children lists stay lists)."""
    if node[0] in ("and", "or"):
        return (node[0], [_tuples(c) for c in node[1]])
    return tuple(node)


def workload():
    """The list of queries: dicts with class, index, ast, top (10, or 0 for count-only) and ours (query string)."""
    out = []
    for key, _ in CLASSES:
        for i, ast in enumerate(QUERIES[key]):
            out.append({"class": key, "index": i, "ast": ast, "top": 0 if key == "count" else 10,
                        "ours": render(ast)})
    return out


def _month(ym):
    return f"{ym // 100:04d}-{ym % 100:02d}"


def render(node, nested=False):
    """The corpus-index query-language form of an AST node."""
    kind = node[0]
    if kind == "term":
        return node[1]
    if kind == "phrase":
        return '"' + " ".join(node[1]) + '"'
    if kind == "prefix":
        return node[1] + "*"
    if kind == "tag":
        return "tag:" + node[1]
    if kind == "origin_prefix":
        return 'origin:"' + node[1] + '*"'
    if kind == "date":
        return f"date:{_month(node[1])}..{_month(node[2])}"
    if kind in ("and", "or"):
        text = f" {kind.upper()} ".join(render(child, True) for child in node[1])
        return f"({text})" if nested else text
    raise ValueError(f"unknown query node {node!r}")


CLASSES, QUERIES = None, None  # set below, once render() exists


def describe(node):
    """A short label for reports (the corpus-index form)."""
    return render(node)


# ---- Brute-force oracle: corpus-index's analyzer semantics, evaluated document by document ----------------------
# The analyzer: a token is a maximal run of ASCII letters, ASCII digits or bytes >= 0x80; ASCII letters are
# lowercased. So on the lowercased UTF-8 body, a term matches where it is not preceded or followed by such a byte.

_TOKEN = rb"[a-z0-9\x80-\xff]"
_SEP = rb"[^a-z0-9\x80-\xff]"


_IS_TOKEN = bytes(1 if (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A or b >= 0x80) else 0 for b in range(256))


def _has_token(text, needle, whole):
    """Whether `needle` occurs in `text` (lowercased) starting a token, and ending one if `whole`."""
    i = text.find(needle)
    n = len(needle)
    while i >= 0:
        end = i + n
        if (i == 0 or not _IS_TOKEN[text[i - 1]]) and (not whole or end == len(text) or not _IS_TOKEN[text[end]]):
            return True
        i = text.find(needle, i + 1)
    return False


class Oracle:
    """Counts matches of AST queries by scanning every record; slow but independent of any index."""

    def __init__(self, records):
        self.docs = [(r["body"].encode("utf-8", "replace").lower(), {t.upper() for t in r["tags"]},
                      r["origin"].lower(), r["ym"]) for r in records]
        self._cache = {}

    def _pred(self, node):
        kind = node[0]
        # Each text predicate first checks a plain substring (bytes.find, fast), then the exact regex.
        if kind == "term":
            needle = node[1].lower().encode()
            return lambda d: _has_token(d[0], needle, True)
        if kind == "phrase":
            words = [re.escape(w.lower().encode()) for w in node[1]]
            rx = re.compile(rb"(?<!" + _TOKEN + rb")" + (_SEP + b"+").join(words) + rb"(?!" + _TOKEN + rb")")
            needle = node[1][-1].lower().encode()
            return lambda d: needle in d[0] and rx.search(d[0]) is not None
        if kind == "prefix":
            needle = node[1].lower().encode()
            return lambda d: _has_token(d[0], needle, False)
        if kind == "tag":
            tag = node[1].upper()
            return lambda d: tag in d[1]
        if kind == "origin_prefix":
            prefix = node[1].lower()
            return lambda d: d[2].startswith(prefix)
        if kind == "date":
            lo, hi = node[1], node[2]
            return lambda d: lo <= d[3] <= hi
        if kind == "and":
            # Cheap metadata predicates first.
            children = sorted(node[1], key=lambda c: 0 if c[0] in ("tag", "origin_prefix", "date") else 1)
            preds = [self._pred(c) for c in children]
            return lambda d: all(p(d) for p in preds)
        if kind == "or":
            preds = [self._pred(c) for c in node[1]]
            return lambda d: any(p(d) for p in preds)
        raise ValueError(f"unknown query node {node!r}")

    def count(self, node):
        key = repr(node)
        if key not in self._cache:
            pred = self._pred(node)
            self._cache[key] = sum(1 for d in self.docs if pred(d))
        return self._cache[key]


CLASSES, QUERIES = _load()
