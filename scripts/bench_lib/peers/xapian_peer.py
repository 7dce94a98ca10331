"""Xapian (Debian's python3-xapian, for Debian's /usr/bin/python3) as a peer.

Body text through TermGenerator without a stemmer (so only unstemmed, lowercased terms), subject with prefix S,
header with prefix XH; tags as boolean terms K<TAG>, origin as a boolean term XO<origin>, the creation month in
value slot 0 (sortable_serialise). Xapian indexes on one thread (it has no parallel indexer); memory is bounded by
XAPIAN_FLUSH_THRESHOLD (documents buffered before an automatic flush, default 10000), set from the budget by the
caller; DB_NO_SYNC skips the fsync of each flush (a bulk load); the database is compacted at the end (as
xapian-compact would). Ranking: BM25 (Xapian's default weighting).
"""
import os
import shutil

import xapian

META_KINDS = ("tag", "origin_prefix", "date")


def build(records, index_dir, threads, memory_bytes, **_):
    if os.path.exists(index_dir):
        shutil.rmtree(index_dir)
    # DB_NO_SYNC: no fsync per flush, as Xapian's docs suggest for bulk loads (SQLite runs with synchronous=OFF
    # here too); the data is committed at the end all the same.
    db = xapian.WritableDatabase(index_dir, xapian.DB_CREATE_OR_OVERWRITE | xapian.DB_NO_SYNC)
    tg = xapian.TermGenerator()
    n = 0
    for n, r in enumerate(records, 1):
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(r["body"])
        tg.increase_termpos()
        tg.index_text(r["subject"], 1, "S")
        tg.index_text(r["header"], 1, "XH")
        for tag in r["tags"]:
            doc.add_boolean_term("K" + tag.upper())
        doc.add_boolean_term("XO" + r["origin"])
        doc.add_value(0, xapian.sortable_serialise(r["ym"]))
        doc.set_data(r["id"])
        db.add_document(doc)
    db.commit()
    db.close()
    # Compact, as xapian-compact does after a bulk build (FTS5 runs 'optimize', tantivy merges segments): the
    # B-trees built by successive flushes are rewritten full and in order, smaller and faster to search.
    compacted = index_dir.rstrip("/") + ".compact"
    if os.path.exists(compacted):
        shutil.rmtree(compacted)
    xapian.Database(index_dir).compact(compacted)
    shutil.rmtree(index_dir)
    os.rename(compacted, index_dir)
    return {"documents": n, "engine_version": f"Xapian {xapian.version_string()}", "threads_used": 1,
            "flush_threshold": os.environ.get("XAPIAN_FLUSH_THRESHOLD", "10000 (default)")}


def _wildcard(prefix):
    # Unlimited expansion (max_expansion=0), terms combined as one synonym (one posting list per matching term,
    # weighted as a single term), as Xapian's QueryParser does for `word*`.
    return xapian.Query(xapian.Query.OP_WILDCARD, prefix, 0, xapian.Query.WILDCARD_LIMIT_ERROR,
                        xapian.Query.OP_SYNONYM)


def _q(node):
    kind = node[0]
    if kind == "term":
        return xapian.Query(node[1].lower())
    if kind == "phrase":
        return xapian.Query(xapian.Query.OP_PHRASE, [xapian.Query(w.lower()) for w in node[1]])
    if kind == "prefix":
        return _wildcard(node[1].lower())
    if kind == "tag":
        return xapian.Query("K" + node[1].upper())
    if kind == "origin_prefix":
        return _wildcard("XO" + node[1])
    if kind == "date":
        return xapian.Query(xapian.Query.OP_VALUE_RANGE, 0, xapian.sortable_serialise(node[1]),
                            xapian.sortable_serialise(node[2]))
    if kind == "or":
        return xapian.Query(xapian.Query.OP_OR, [_q(c) for c in node[1]])
    if kind == "and":
        text = [_q(c) for c in node[1] if c[0] not in META_KINDS]
        meta = [_q(c) for c in node[1] if c[0] in META_KINDS]
        query = xapian.Query(xapian.Query.OP_AND, text) if text else xapian.Query.MatchAll
        # Metadata filters do not weight: OP_FILTER, as Xapian's docs advise for boolean terms and ranges.
        for m in meta:
            query = xapian.Query(xapian.Query.OP_FILTER, query, m)
        return query
    raise ValueError(f"unknown query node {node!r}")


class Searcher:
    def __init__(self, index_dir):
        self.db = xapian.Database(index_dir)
        self.enquire = xapian.Enquire(self.db)
        self.total = self.db.get_doccount()

    def top(self, ast, k):
        self.enquire.set_query(_q(ast))
        return [m.document.get_data().decode("utf-8", "replace") for m in self.enquire.get_mset(0, k)]

    def count(self, ast):
        self.enquire.set_query(_q(ast))
        # check_at_least = every document makes the match count exact.
        mset = self.enquire.get_mset(0, 0, self.total)
        return mset.get_matches_estimated()


def open_searcher(index_dir):
    return Searcher(index_dir)


ANALYZER_NOTE = ("TermGenerator keeps an apostrophe inside a word, so `GOVERNMENT'S` is the one term "
                 "`government's` and a cable that has only that form does not match `government` (ours splits it "
                 "into `government` + `s`); it also keeps separators inside numbers (`1,000.5`), folds acronyms "
                 "(`U.S.` -> `us`) and drops terms over 245 bytes.")
