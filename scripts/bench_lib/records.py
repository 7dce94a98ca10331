"""Reading the JSON Lines that `corpus-index records DUMP` writes, into one canonical record shape.

Every peer engine and the brute-force oracle read records through `read_records`, so they all see the same parsed
fields. The canonical record is a dict with:
  id (str), created (str, ISO 8601 'YYYY-MM-DDTHH:MM...'), ym (int, YYYYMM), origin (str), classification (str),
  tags (list[str]), subject (str), header (str), body (str)
Key names are matched loosely (referenceID / reference_id / refid, created / date, ...) so the harness keeps
working while the exporter's field names settle. Standard library only (runs under any python3 >= 3.8).
"""
import json
import re

_ALIASES = {
    "id": ("referenceID", "reference_id", "refid", "reference", "mrn", "id"),
    "created": ("created", "date", "created_at", "createdAt"),
    "origin": ("origin",),
    "classification": ("classification",),
    "tags": ("tags",),
    "subject": ("subject",),
    "header": ("header",),
    "body": ("body", "content", "text"),
}

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})")


def _first(obj, names, default):
    for name in names:
        if name in obj and obj[name] is not None:
            return obj[name]
    return default


def canonical(obj):
    """Maps one exported JSON object to the canonical record dict."""
    rec = {key: _first(obj, names, None) for key, names in _ALIASES.items()}
    for key in ("id", "created", "origin", "classification", "subject", "header", "body"):
        value = rec[key]
        if value is None:
            value = ""
        elif isinstance(value, dict):  # e.g. {"iso8601": ...} or {"text": ...}
            value = value.get("iso8601") or value.get("text") or json.dumps(value)
        elif isinstance(value, list):  # bytes as a list of integers
            value = bytes(value).decode("utf-8", "replace")
        rec[key] = str(value)
    tags = rec["tags"] or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    rec["tags"] = [str(t) for t in tags]
    m = _DATE_RE.match(rec["created"])
    rec["ym"] = int(m.group(1)) * 100 + int(m.group(2)) if m else 0
    return rec


def read_records(path):
    """Yields canonical records from a JSON Lines file (blank lines skipped)."""
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                yield canonical(json.loads(line))


def detect_keys(path):
    """The raw key names of the first record (used to write key-aware ripgrep patterns)."""
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                obj = json.loads(line)
                return {key: next((n for n in names if n in obj), None) for key, names in _ALIASES.items()}
    return {}
