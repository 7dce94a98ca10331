#!/usr/bin/env bash
# Installs what scripts/bench and scripts/compare need, only when missing (Debian apt and PyPI only).
#   bench_lib/prereqs.sh bench     corpus-index's C libraries, matplotlib
#   bench_lib/prereqs.sh compare   the same plus the peers: python3-xapian + ripgrep (apt), tantivy (pip)
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-bench}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

scripts/install-deps

apt_need=()
pip_need=()
python3 -c "import matplotlib" 2>/dev/null || pip_need+=(matplotlib)
if [ "$what" = compare ]; then
    # Debian's python3-xapian installs for Debian's /usr/bin/python3, which may not be the default python3.
    /usr/bin/python3 -c "import xapian" 2>/dev/null || apt_need+=(python3-xapian)
    command -v rg >/dev/null 2>&1 || apt_need+=(ripgrep)
    python3 -c "import tantivy" 2>/dev/null || pip_need+=(tantivy)
fi
if [ ${#apt_need[@]} -gt 0 ]; then
    echo "installing (apt): ${apt_need[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_need[@]}" >/dev/null
fi
if [ ${#pip_need[@]} -gt 0 ]; then
    echo "installing (pip): ${pip_need[*]}" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${pip_need[@]}"
fi
if [ "$what" = compare ]; then
    python3 - <<'PY'
import sqlite3
con = sqlite3.connect(":memory:")
try:
    con.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
except sqlite3.OperationalError as e:
    raise SystemExit(f"python3's sqlite3 {sqlite3.sqlite_version} is built without FTS5 ({e})")
PY
fi
