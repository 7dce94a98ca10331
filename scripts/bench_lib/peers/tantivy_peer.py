"""tantivy (PyPI `tantivy`, the official Python bindings) as a peer.

Schema: body/subject/header as text with the `default` tokenizer (splits on non-alphanumerics — Unicode
`char::is_alphanumeric` — lowercases, and drops tokens longer than 40 bytes) and positions; id, tags and origin
with the `raw` tokenizer; created as an indexed fast date. Writer: `num_threads` threads sharing the memory budget
as its heap (tantivy's docs: "the provided heap size will be split between the given number of threads"), then
commit and wait for background merges. Ranking: BM25.
"""
import os
import re
import shutil
from datetime import datetime, timezone

import tantivy

META_KINDS = ("tag", "origin_prefix", "date")


def _schema():
    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("subject", tokenizer_name="default", index_option="position")
    b.add_text_field("header", tokenizer_name="default", index_option="position")
    b.add_text_field("body", tokenizer_name="default", index_option="position")
    b.add_text_field("tags", tokenizer_name="raw", index_option="basic")
    b.add_text_field("origin", tokenizer_name="raw", index_option="basic")
    b.add_date_field("created", indexed=True, fast=True)
    return b.build()


def _month_start(ym):
    return datetime(ym // 100, ym % 100, 1, tzinfo=timezone.utc)


def _created(record):
    text = record["created"].rstrip("Z")
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text[:19], fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return _month_start(record["ym"] or 197001)


def build(records, index_dir, threads, memory_bytes, **_):
    if os.path.exists(index_dir):
        shutil.rmtree(index_dir)
    os.makedirs(index_dir)
    index = tantivy.Index(_schema(), path=index_dir)
    heap = max(memory_bytes, 15_000_000 * threads)
    writer = index.writer(heap_size=heap, num_threads=threads)
    n = 0
    for n, r in enumerate(records, 1):
        doc = tantivy.Document()
        doc.add_text("id", r["id"])
        doc.add_text("subject", r["subject"])
        doc.add_text("header", r["header"])
        doc.add_text("body", r["body"])
        for tag in r["tags"]:
            doc.add_text("tags", tag.upper())
        doc.add_text("origin", r["origin"])
        doc.add_date("created", _created(r))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return {"documents": n, "engine_version": f"tantivy-py {tantivy.__version__}", "threads_used": threads,
            "heap_bytes": heap}


class Searcher:
    def __init__(self, index_dir):
        self.index = tantivy.Index.open(index_dir)
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def q(self, node):
        kind, s = node[0], self.schema
        if kind == "term":
            return tantivy.Query.term_query(s, "body", node[1].lower())
        if kind == "phrase":
            return tantivy.Query.phrase_query(s, "body", [w.lower() for w in node[1]])
        if kind == "prefix":
            return tantivy.Query.regex_query(s, "body", re.escape(node[1].lower()) + ".*")
        if kind == "tag":
            return tantivy.Query.term_query(s, "tags", node[1].upper())
        if kind == "origin_prefix":
            return tantivy.Query.regex_query(s, "origin", re.escape(node[1]) + ".*")
        if kind == "date":
            hi = node[2] + 1 if node[2] % 100 < 12 else (node[2] // 100 + 1) * 100 + 1
            return tantivy.Query.range_query(s, "created", tantivy.FieldType.Date, _month_start(node[1]),
                                             _month_start(hi), include_lower=True, include_upper=False)
        if kind in ("and", "or"):
            occur = tantivy.Occur.Must if kind == "and" else tantivy.Occur.Should
            return tantivy.Query.boolean_query([(occur, self.q(c)) for c in node[1]])
        raise ValueError(f"unknown query node {node!r}")

    def top(self, ast, k):
        result = self.searcher.search(self.q(ast), limit=k, count=False)
        return [self.searcher.doc(addr)["id"][0] for _, addr in result.hits]

    def count(self, ast):
        return self.searcher.search(self.q(ast), limit=1, count=True).count


def open_searcher(index_dir):
    return Searcher(index_dir)


ANALYZER_NOTE = ("default tokenizer: splits on Unicode non-alphanumerics, lowercases (Unicode), and drops tokens "
                 "longer than 40 bytes (ours keeps them); prefix queries are regex queries over the term dictionary.")
