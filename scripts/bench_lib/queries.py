"""The query workload shared by scripts/bench and scripts/compare: query classes, their queries as a small AST,
the corpus-index query string of each, and a brute-force oracle with corpus-index's analyzer semantics.

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
import re

# Query classes, in report order: (key, label).
CLASSES = [
    ("term", "single term, top 10"),
    ("and2", "AND of 2 terms"),
    ("and3", "AND of 3 terms"),
    ("or2", "OR of 2 terms"),
    ("phrase", "phrase"),
    ("prefix", "prefix"),
    ("tag_term", "tag filter + term"),
    ("origin_date_term", "origin + date range + term"),
    ("count", "count only"),
]


def T(word):
    return ("term", word)


# Words of real cables (the generator draws from the real dump's vocabulary), from very common to rarer, so each
# class spans several posting-list lengths. Tags and origins are real ones.
QUERIES = {
    "term": [T("government"), T("nuclear"), T("corruption"), T("elections"), T("refugees")],
    "and2": [("and", [T("nuclear"), T("iran")]), ("and", [T("oil"), T("russia")]),
             ("and", [T("minister"), T("visit")]), ("and", [T("police"), T("arrested")])],
    "and3": [("and", [T("nuclear"), T("iran"), T("sanctions")]),
             ("and", [T("president"), T("election"), T("opposition")]),
             ("and", [T("trade"), T("agreement"), T("china")])],
    "or2": [("or", [T("taliban"), T("afghanistan")]), ("or", [T("beijing"), T("china")]),
            ("or", [T("corruption"), T("bribery")])],
    "phrase": [("phrase", ["human", "rights"]), ("phrase", ["prime", "minister"]),
               ("phrase", ["security", "council"]), ("phrase", ["foreign", "direct", "investment"])],
    "prefix": [("prefix", "nucl"), ("prefix", "terror"), ("prefix", "elect"), ("prefix", "diplom")],
    "tag_term": [("and", [("tag", "PHUM"), T("prison")]), ("and", [("tag", "KNNP"), T("iran")]),
                 ("and", [("tag", "ECON"), T("oil")]), ("and", [("tag", "PREL"), T("visit")])],
    "origin_date_term": [
        ("and", [("origin_prefix", "Embassy B"), ("date", 200601, 200706), T("minister")]),
        ("and", [("origin_prefix", "Embassy Ba"), ("date", 200801, 200912), T("security")]),
        ("and", [("origin_prefix", "Secretary of State"), ("date", 200501, 201002), T("embassy")]),
    ],
    "count": [T("government"), T("the"), ("and", [T("nuclear"), T("iran")]), ("phrase", ["human", "rights"])],
}


def workload():
    """The list of queries: dicts with class, index, ast, top (10 or 0 for count-only) and ours (query string)."""
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


def describe(node):
    """A short label for reports (the corpus-index form)."""
    return render(node)


# ---- Brute-force oracle: corpus-index's analyzer semantics, evaluated document by document ----------------------
# The analyzer: a token is a maximal run of ASCII letters, ASCII digits or bytes >= 0x80; ASCII letters are
# lowercased. So on the lowercased UTF-8 body, a term matches where it is not preceded or followed by such a byte.

_TOKEN = rb"[a-z0-9\x80-\xff]"
_SEP = rb"[^a-z0-9\x80-\xff]"


def _term_regex(word):
    return re.compile(rb"(?<!" + _TOKEN + rb")" + re.escape(word.lower().encode()) + rb"(?!" + _TOKEN + rb")")


class Oracle:
    """Counts matches of AST queries by scanning every record; slow but independent of any index."""

    def __init__(self, records):
        self.docs = [(r["body"].encode("utf-8", "replace").lower(), {t.upper() for t in r["tags"]},
                      r["origin"].lower(), r["ym"]) for r in records]
        self._cache = {}

    def _pred(self, node):
        kind = node[0]
        if kind == "term":
            rx = _term_regex(node[1])
            return lambda d: rx.search(d[0]) is not None
        if kind == "phrase":
            words = [re.escape(w.lower().encode()) for w in node[1]]
            rx = re.compile(rb"(?<!" + _TOKEN + rb")" + (_SEP + b"+").join(words) + rb"(?!" + _TOKEN + rb")")
            return lambda d: rx.search(d[0]) is not None
        if kind == "prefix":
            rx = re.compile(rb"(?<!" + _TOKEN + rb")" + re.escape(node[1].lower().encode()))
            return lambda d: rx.search(d[0]) is not None
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
