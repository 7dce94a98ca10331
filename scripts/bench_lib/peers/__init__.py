"""Peer engines for scripts/compare: each module exposes build(jsonl, index_dir, options) -> dict and
open(index_dir) -> a searcher with top(ast, k) -> list of ids and count(ast) -> int. run.py is the command line
each peer runs under (one process per build, so peak memory and CPU time are the peer's own)."""
