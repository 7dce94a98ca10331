"""End-to-end test of scripts/corpus_index.py and the C API it wraps.

Run by the Swift test `PythonModuleTests` (so `swift test` runs it), which builds an index and writes what the
Swift engine answers for a set of queries. Environment:
  CORPUS_INDEX_LIB            path of libCorpusIndexC.so
  CORPUS_INDEX_TEST_INDEX     the index directory
  CORPUS_INDEX_TEST_EXPECTED  a JSON file: {"document_count": N, "queries": [{"query", "top", "sort",
                              "hits": [[refid, score, doc]...], "count"}], "documents": [{"reference_id",
                              "json": {...}, "body_hex"}]}
Exits non-zero (with a message per failure) if anything differs.
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_index import CorpusIndexError, Index, load_library  # noqa: E402

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def expect_error(code, function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except CorpusIndexError as error:
        check(error.code == code, f"{function.__name__}{args}: expected code {code}, got {error.code} ({error})")
        return error
    failures.append(f"{function.__name__}{args}: expected error {code}, got none")
    return None


def main():
    expected = json.load(open(os.environ["CORPUS_INDEX_TEST_EXPECTED"]))
    path = os.environ["CORPUS_INDEX_TEST_INDEX"]
    lib = load_library()
    check(lib.ci_version() == b"0.1.0", "version")

    with Index(path) as index:
        check(len(index) == expected["document_count"], f"document count {len(index)}")
        for case in expected["queries"]:
            q = case["query"]
            hits = index.search(q, top=case["top"], sort=case["sort"])
            got = [(h.reference_id, h.score, h.doc_id) for h in hits]
            want = [tuple(x) for x in case["hits"]]
            check(len(got) == len(want), f"{q!r}: {len(got)} hits, expected {len(want)}")
            for g, w in zip(got, want):
                check(g[0] == w[0] and g[2] == w[2] and abs(g[1] - w[1]) <= 1e-9 * max(1.0, abs(w[1])),
                      f"{q!r}: hit {g} expected {w}")
            if case["sort"] == "score":
                raw = index.raw_results(q, top=case["top"])
                check([(r[0], r[2]) for r in raw] == [(w[0], w[2]) for w in want], f"{q!r}: raw accessors differ")
            check(index.count(q) == case["count"], f"{q!r}: count {index.count(q)} expected {case['count']}")
            for h in hits:
                check(isinstance(h.snippet, str) and isinstance(h.tags, list), f"{q!r}: hit fields")

        for doc in expected["documents"]:
            ref = doc["reference_id"]
            got = index.document(ref)
            check(got == doc["json"], f"document {ref} differs")
            check(index.body(ref) == bytes.fromhex(doc["body_hex"]), f"body {ref} differs")
            check(index.document_by_id(got_doc_id(index, ref)) == doc["json"], f"document_by_id {ref} differs")

        error = expect_error(4, index.search, 'kosovo "unbalanced')
        check(error is not None and error.position == 7, f"bad query position {error and error.position}")
        expect_error(4, index.count, "(" * 10000 + "x")
        expect_error(4, index.search, "nosuchfield:x")
        expect_error(6, index.document, "00NOSUCHCABLE1")
        expect_error(6, index.body, "00NOSUCHCABLE1")
        expect_error(5, index.search, "x", top=-1)
        expect_error(5, index.document_by_id, 2 ** 31)
        expect_error(5, index.search, "a\0b")

        # The same handle from several threads at once.
        queries = [c for c in expected["queries"] if c["sort"] == "score"]
        errors = []

        def worker():
            try:
                for case in queries:
                    got = [h.reference_id for h in index.search(case["query"], top=case["top"])]
                    if got != [w[0] for w in case["hits"]]:
                        errors.append(case["query"])
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(not errors, f"threaded queries differ: {errors[:3]}")

    expect_error(5, index.search, "x")  # closed
    check(lib.ci_close(None) == 0, "ci_close(NULL) is a no-op")
    check(lib.ci_results_free(None) == 0, "ci_results_free(NULL) is a no-op")
    check(lib.ci_close(12345) == 5, "ci_close of a foreign pointer is refused")
    check(lib.ci_open(None, None) == 5, "ci_open(NULL, NULL) is refused")
    expect_error(1, Index, os.path.join(path, "no-such-index"))

    if failures:
        for f in failures:
            print("FAIL:", f)
        return 1
    print(f"ok: {len(expected['queries'])} queries, {len(expected['documents'])} documents")
    return 0


def got_doc_id(index, reference_id):
    hits = index.search(f"refid:{reference_id}", top=1)
    return hits[0].doc_id


if __name__ == "__main__":
    sys.exit(main())
