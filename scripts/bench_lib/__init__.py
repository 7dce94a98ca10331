"""Helpers for scripts/bench and scripts/compare (corpus-index benchmarks). Standard library only, except the
chart module (matplotlib) and the peer engines' own bindings (tantivy, xapian)."""
