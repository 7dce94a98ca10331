"""Makes a small JSON Lines export from the committed fixture CSV (the first 12 real cables), optionally repeated,
for developing the peer side while `corpus-index records` is not available. Not used once it is.

    python3 -m scripts.bench_lib.fixture_jsonl OUT.jsonl [--repeat N]
"""
import argparse
import csv
import json
import os
import re
import sys
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "Tests", "CorpusIndexTests", "Fixtures", "cables-first12.csv")

TAGS_RE = re.compile(r"^TAGS:?\s*(.*?)\s*$", re.M)
SUBJECT_RE = re.compile(r"^SUBJE?C?T?:\s*(.*?)(?:\n\s*\n|\nREF)", re.M | re.S)


def rows():
    csv.field_size_limit(1 << 30)
    with open(FIXTURE, newline="", encoding="utf-8", errors="replace") as f:
        for row in csv.reader(f, escapechar="\\", doublequote=False):
            if len(row) >= 8:
                yield row


def record(row, serial):
    rid, created, ref, origin, classification, refs, header, body = row[:8]
    when = datetime.strptime(created, "%m/%d/%Y %H:%M")
    tags_m = TAGS_RE.search(body)
    tags = [t.strip() for t in tags_m.group(1).split(",") if t.strip()] if tags_m else []
    subj_m = SUBJECT_RE.search(body)
    subject = " ".join(subj_m.group(1).split()) if subj_m else ""
    return {
        "rowID": serial, "referenceID": ref if serial <= 12 else f"{ref}-{serial}",
        "created": when.strftime("%Y-%m-%dT%H:%MZ"), "classification": classification, "origin": origin,
        "references": [r for r in refs.split("|") if r], "header": header, "body": body, "tags": tags,
        "subject": subject, "markings": [],
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    base = list(rows())
    serial = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for _ in range(args.repeat):
            for row in base:
                serial += 1
                out.write(json.dumps(record(row, serial), ensure_ascii=False) + "\n")
    print(f"{serial} records -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
