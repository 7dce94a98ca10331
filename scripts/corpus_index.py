"""corpus_index: query a corpus-index index from Python through the C API (include/corpus_index.h).

    from corpus_index import Index
    with Index("cables.idx") as index:
        for hit in index.search('"trafficking in persons" tag:KTIP', top=5):
            print(hit.reference_id, hit.score, hit.snippet)
        print(index.count("origin:\\"Embassy Pristina\\""))
        cable = index.document("07PRISTINA150")      # dict, the `show --json` schema
        raw = index.body("07PRISTINA150")             # bytes, exactly as in the dump

The shared library is found through $CORPUS_INDEX_LIB (a file path), else as libCorpusIndexC.so (.dylib on macOS)
under .build/release then .build/debug of the package this script belongs to. Errors raise CorpusIndexError with
`.code` (a ci_status value) and, for bad queries, `.position` (byte offset in the query).
"""

import ctypes
import json
import os
import sys
from dataclasses import dataclass
from typing import List, Optional

__all__ = ["Index", "Hit", "CorpusIndexError", "load_library"]

ORDERS = {"score": 0, "date": 1, "-date": 2}
STATUS_NAMES = {1: "io", 2: "corrupt", 3: "format", 4: "bad query", 5: "invalid argument", 6: "not found", 7: "internal"}


class CorpusIndexError(Exception):
    """A failed call: `code` is the ci_status, `position` the query offset of a bad query (else None)."""

    def __init__(self, code: int, message: str, position: Optional[int] = None):
        super().__init__(message)
        self.code = code
        self.position = position

    @property
    def kind(self) -> str:
        return STATUS_NAMES.get(self.code, "unknown")


@dataclass(frozen=True)
class Hit:
    """One hit, as in `corpus-index query --json`."""

    reference_id: str
    row_id: Optional[int]
    doc_id: int
    score: float
    created: str
    classification: str
    origin: str
    tags: List[str]
    subject: str
    snippet: str


def _library_name() -> str:
    return "libCorpusIndexC.dylib" if sys.platform == "darwin" else "libCorpusIndexC.so"


def _find_library() -> str:
    explicit = os.environ.get("CORPUS_INDEX_LIB")
    if explicit:
        return explicit
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for configuration in ("release", "debug"):
        candidate = os.path.join(root, ".build", configuration, _library_name())
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(
        f"{_library_name()} not found: run `swift build` (or `swift build -c release`) in {root}, "
        "or set CORPUS_INDEX_LIB to its path")


_lib = None


def load_library(path: Optional[str] = None) -> ctypes.CDLL:
    """Loads (once) and declares the C API."""
    global _lib
    if _lib is not None and path is None:
        return _lib
    lib = ctypes.CDLL(path or _find_library())
    P = ctypes.c_void_p
    I64 = ctypes.c_int64
    lib.ci_last_error.restype = ctypes.c_char_p
    lib.ci_last_error.argtypes = []
    lib.ci_last_error_position.restype = I64
    lib.ci_version.restype = ctypes.c_char_p
    signatures = {
        "ci_open": [ctypes.c_char_p, ctypes.POINTER(P)],
        "ci_close": [P],
        "ci_document_count": [P, ctypes.POINTER(I64)],
        "ci_search": [P, ctypes.c_char_p, I64, I64, ctypes.c_int, ctypes.POINTER(P)],
        "ci_count": [P, ctypes.c_char_p, ctypes.POINTER(I64)],
        "ci_results_count": [P, ctypes.POINTER(ctypes.c_size_t)],
        "ci_result_refid": [P, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p)],
        "ci_result_score": [P, ctypes.c_size_t, ctypes.POINTER(ctypes.c_double)],
        "ci_result_doc": [P, ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint32)],
        "ci_result_json": [P, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p)],
        "ci_results_free": [P],
        "ci_document_json": [P, ctypes.c_char_p, ctypes.POINTER(P)],
        "ci_document_json_by_id": [P, ctypes.c_uint32, ctypes.POINTER(P)],
        "ci_document_body": [P, ctypes.c_char_p, ctypes.POINTER(P), ctypes.POINTER(ctypes.c_size_t)],
    }
    for name, argtypes in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = ctypes.c_int
    lib.ci_free.argtypes = [P]
    lib.ci_free.restype = None
    if path is None:
        _lib = lib
    return lib


def _check(lib, status: int) -> None:
    if status != 0:
        message = (lib.ci_last_error() or b"").decode("utf-8", "replace")
        position = lib.ci_last_error_position() if status == 4 else None
        raise CorpusIndexError(status, message, position)


def _encode(text: str) -> bytes:
    if not isinstance(text, str):
        raise TypeError("expected str")
    data = text.encode("utf-8")
    if b"\0" in data:
        raise CorpusIndexError(5, "string contains a NUL character")
    return data


class Index:
    """An open index. Use as a context manager or call close(); safe to share between threads."""

    def __init__(self, path: str, library: Optional[str] = None):
        self._lib = load_library(library)
        handle = ctypes.c_void_p()
        _check(self._lib, self._lib.ci_open(_encode(os.fspath(path)), ctypes.byref(handle)))
        self._handle = handle

    def close(self) -> None:
        if self._handle is not None:
            _check(self._lib, self._lib.ci_close(self._handle))
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _h(self):
        if self._handle is None:
            raise CorpusIndexError(5, "index is closed")
        return self._handle

    def __len__(self) -> int:
        n = ctypes.c_int64()
        _check(self._lib, self._lib.ci_document_count(self._h(), ctypes.byref(n)))
        return n.value

    def search(self, query: str, top: int = 10, offset: int = 0, sort: str = "score") -> List[Hit]:
        """The hits offset..offset+top of `query`, ordered by "score", "date" or "-date"."""
        if sort not in ORDERS:
            raise ValueError(f"sort must be one of {sorted(ORDERS)}")
        results = ctypes.c_void_p()
        _check(self._lib, self._lib.ci_search(self._h(), _encode(query), top, offset, ORDERS[sort], ctypes.byref(results)))
        try:
            count = ctypes.c_size_t()
            _check(self._lib, self._lib.ci_results_count(results, ctypes.byref(count)))
            hits = []
            for i in range(count.value):
                text = ctypes.c_char_p()
                _check(self._lib, self._lib.ci_result_json(results, i, ctypes.byref(text)))
                hits.append(Hit(**json.loads(text.value.decode("utf-8"))))
            return hits
        finally:
            self._lib.ci_results_free(results)

    def raw_results(self, query: str, top: int = 10):
        """(reference id, score, doc id) triples read through the individual accessors."""
        results = ctypes.c_void_p()
        _check(self._lib, self._lib.ci_search(self._h(), _encode(query), top, 0, 0, ctypes.byref(results)))
        try:
            count = ctypes.c_size_t()
            _check(self._lib, self._lib.ci_results_count(results, ctypes.byref(count)))
            out = []
            for i in range(count.value):
                refid, score, doc = ctypes.c_char_p(), ctypes.c_double(), ctypes.c_uint32()
                _check(self._lib, self._lib.ci_result_refid(results, i, ctypes.byref(refid)))
                _check(self._lib, self._lib.ci_result_score(results, i, ctypes.byref(score)))
                _check(self._lib, self._lib.ci_result_doc(results, i, ctypes.byref(doc)))
                out.append((refid.value.decode("utf-8"), score.value, doc.value))
            return out
        finally:
            self._lib.ci_results_free(results)

    def count(self, query: str) -> int:
        n = ctypes.c_int64()
        _check(self._lib, self._lib.ci_count(self._h(), _encode(query), ctypes.byref(n)))
        return n.value

    def _take_string(self, pointer: ctypes.c_void_p) -> str:
        try:
            return ctypes.string_at(pointer).decode("utf-8")
        finally:
            self._lib.ci_free(pointer)

    def document(self, reference_id: str) -> dict:
        """The stored cable as a dict (the `corpus-index show --json` schema)."""
        out = ctypes.c_void_p()
        _check(self._lib, self._lib.ci_document_json(self._h(), _encode(reference_id), ctypes.byref(out)))
        return json.loads(self._take_string(out))

    def document_by_id(self, doc_id: int) -> dict:
        out = ctypes.c_void_p()
        _check(self._lib, self._lib.ci_document_json_by_id(self._h(), doc_id, ctypes.byref(out)))
        return json.loads(self._take_string(out))

    def body(self, reference_id: str) -> bytes:
        """The cable's body bytes exactly as in the dump."""
        out, length = ctypes.c_void_p(), ctypes.c_size_t()
        _check(self._lib, self._lib.ci_document_body(self._h(), _encode(reference_id), ctypes.byref(out), ctypes.byref(length)))
        try:
            return ctypes.string_at(out, length.value)
        finally:
            self._lib.ci_free(out)


def _main(argv: List[str]) -> int:
    if len(argv) < 3:
        print("usage: corpus_index.py INDEX QUERY [TOP]", file=sys.stderr)
        return 2
    with Index(argv[1]) as index:
        for hit in index.search(argv[2], top=int(argv[3]) if len(argv) > 3 else 10):
            print(f"{hit.reference_id}\t{hit.score:.4f}\t{hit.created}\t{hit.subject}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
