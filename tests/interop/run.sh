#!/usr/bin/env bash
# Interop: silkgraph's exports read by the tools people use them with (NetworkX, igraph, kuzu,
# FalkorDB, Graphviz, headless Chromium) and compared with the subgraph they came from.
# Makes its own Python virtual environment in target/interop-venv; as root it installs
# Graphviz and Chromium from Debian's packages when they are missing. Closes with the line
# `N passed, M failed` and exits non-zero when a check failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

BIN=${SILKGRAPH_BIN:-target/release/silkgraph}
if [ ! -x "$BIN" ]; then
  cargo build --release --quiet || { echo "0 passed, 1 failed"; exit 1; }
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# System tools: Graphviz's dot and Chromium.
missing=()
command -v dot >/dev/null || missing+=(graphviz)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" fonts-dejavu-core) >/dev/null 2>&1 || echo "could not install ${missing[*]}; those checks skip"
  else
    echo "${missing[*]} missing and not root: those checks skip"
  fi
fi

# Python >= 3.12 (falkordblite needs it), else the default python3.
find_python() {
  local c
  for c in python3.13 python3.12; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
      command -v "$c"; return
    fi
  done
  if command -v pyenv >/dev/null; then
    for c in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do
      if [ -x "$c" ]; then echo "$c"; return; fi
    done
  fi
  command -v python3
}
VENV=target/interop-venv
if [ ! -x "$VENV/bin/python" ]; then
  PY=$(find_python)
  echo "making $VENV with $($PY --version 2>&1)"
  "$PY" -m venv "$VENV" || { echo "0 passed, 1 failed"; exit 1; }
fi
if ! "$VENV/bin/python" -c 'import networkx, kuzu, PIL' 2>/dev/null; then
  "$VENV/bin/pip" install -q --disable-pip-version-check networkx kuzu pillow || { echo "0 passed, 1 failed"; exit 1; }
fi
"$VENV/bin/python" -c 'import igraph' 2>/dev/null ||
  "$VENV/bin/pip" install -q --disable-pip-version-check igraph >/dev/null 2>&1 || echo "igraph unavailable: its check skips"
# falkordblite ships as source only: building FalkorDB takes far longer than CI's budget, so
# only a prebuilt wheel is taken unless INTEROP_BUILD_FALKORDB=1.
falkor_opts=(--only-binary :all:)
[ "${INTEROP_BUILD_FALKORDB:-0}" = 1 ] && falkor_opts=()
"$VENV/bin/python" -c 'import redislite.falkordb_client' 2>/dev/null ||
  "$VENV/bin/pip" install -q --disable-pip-version-check "${falkor_opts[@]}" falkordblite >/dev/null 2>&1 ||
  echo "falkordblite unavailable (no prebuilt wheel; it needs Python >= 3.12): the FalkorDB check skips"

# The exports: the whole bundled graph, and the 2025 forum's documents with their signatories.
OUT=target/interop
rm -rf "$OUT"
FORUM="MATCH p = (s)-[:SIGNED]->(a:Agreement)-[:SIGNED_AT]->(e:Event) WHERE a.year = \$year RETURN p"
export_all() { # case, then extra arguments
  local case=$1; shift
  mkdir -p "$OUT/$case"
  local f ext
  for f in nodelink graphml gexf dot cypher json svg html csv; do
    ext=$f; [ "$f" = csv ] && ext=""
    "$BIN" export "$@" --format "$f" -o "$OUT/$case/graph${ext:+.$ext}" 2>>"$OUT/export.log" ||
      { echo "FAIL  $case: silkgraph export --format $f"; cat "$OUT/export.log"; }
  done
  mv "$OUT/$case/graph" "$OUT/$case/csv" 2>/dev/null
}
export_all whole
export_all forum --query "$FORUM" --params '{"year": 2025}' --size degree

"$VENV/bin/python" tests/interop/check.py --bin "$BIN" --out "$OUT"
