#!/usr/bin/env bash
# Interop: silkgraph's exports read by the tools people use them with (NetworkX, igraph, kuzu,
# FalkorDB, Graphviz, headless Chromium) and compared with the subgraph they came from.
# Makes its own Python virtual environment in target/interop-venv (Python >= 3.12, for
# falkordblite, which it builds from source the first time: a few minutes); as root it installs
# Graphviz, Chromium, DejaVu fonts and a C compiler from Debian's packages when they are missing.
# Closes with the line `N passed, M failed[, K skipped]` and exits non-zero when a check failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

BIN=${SILKGRAPH_BIN:-target/release/silkgraph}
if [ ! -x "$BIN" ]; then
  cargo build --release --quiet || { echo "0 passed, 1 failed"; exit 1; }
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# System tools: Graphviz's dot, Chromium, fonts for the PNG picture's text, and a C compiler and
# make to build falkordblite.
missing=()
command -v dot >/dev/null || missing+=(graphviz)
command -v chromium >/dev/null || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v make >/dev/null || missing+=(make)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}") >/dev/null 2>&1 || echo "could not install ${missing[*]}; the checks that need them skip or fail"
  else
    echo "${missing[*]} missing and not root: the checks that need them skip or fail"
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
  local root=${PYENV_ROOT:-$HOME/.pyenv}
  command -v pyenv >/dev/null && root=$(pyenv root)
  for c in "$root"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$c" ]; then echo "$c"; return; fi
  done
  command -v python3
}
VENV=target/interop-venv
# A venv made with an older Python is made again when a Python >= 3.12 is there now.
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null &&
  "$(find_python)" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  PY=$(find_python)
  echo "making $VENV with $($PY --version 2>&1)"
  "$PY" -m venv "$VENV" || { echo "0 passed, 1 failed"; exit 1; }
fi
if ! "$VENV/bin/python" -c 'import networkx, kuzu, PIL, pandas' 2>/dev/null; then
  "$VENV/bin/pip" install -q --disable-pip-version-check networkx kuzu pillow pandas || { echo "0 passed, 1 failed"; exit 1; }
fi
"$VENV/bin/python" -c 'import igraph' 2>/dev/null ||
  "$VENV/bin/pip" install -q --disable-pip-version-check igraph >/dev/null 2>&1 || echo "igraph unavailable: its check skips"
# FalkorDB through falkordblite 0.11.0 (FalkorDB 4.22.1), at the versions the benchmark pins.
# It ships as source only and needs Python >= 3.12: pip compiles its bundled redis (a few
# minutes on 2 cores, once: the venv is kept, and pip caches the wheel it built). Only a build
# that fails skips the FalkorDB checks; its log is kept.
FALKOR_REQ=../shared/bench/requirements-falkordblite.txt
falkor_pkgs=(falkordblite==0.11.0)
[ -f "$FALKOR_REQ" ] && falkor_pkgs=(-r "$FALKOR_REQ")
if ! "$VENV/bin/python" -c 'import redislite.falkordb_client' 2>/dev/null; then
  echo "installing falkordblite (${falkor_pkgs[*]}); built from source the first time, a few minutes"
  start=$(date +%s)
  if timeout 1800 "$VENV/bin/pip" install -q --disable-pip-version-check "${falkor_pkgs[@]}" \
    >target/interop-falkordblite.log 2>&1; then
    echo "falkordblite installed in $(($(date +%s) - start)) s"
  else
    echo "falkordblite could not be built ($("$VENV/bin/python" --version 2>&1); it needs Python >= 3.12, gcc and" \
      "make; see target/interop-falkordblite.log): the FalkorDB checks skip"
    tail -n 5 target/interop-falkordblite.log
  fi
fi

# The exports: the whole bundled graph, and the 2025 forum's documents with their signatories.
OUT=target/interop
rm -rf "$OUT"
FORUM="MATCH p = (s)-[:SIGNED]->(a:Agreement)-[:SIGNED_AT]->(e:Event) WHERE a.year = \$year RETURN p"
export_all() { # case, then extra arguments
  local case=$1; shift
  mkdir -p "$OUT/$case"
  local f ext
  for f in nodelink graphml gexf dot cypher json svg png html csv; do
    ext=$f; [ "$f" = csv ] && ext=""
    "$BIN" export "$@" --format "$f" -o "$OUT/$case/graph${ext:+.$ext}" 2>>"$OUT/export.log" ||
      { echo "FAIL  $case: silkgraph export --format $f"; cat "$OUT/export.log"; }
  done
  mv "$OUT/$case/graph" "$OUT/$case/csv" 2>/dev/null
}
export_all whole
export_all forum --query "$FORUM" --params '{"year": 2025}' --size degree

"$VENV/bin/python" tests/interop/check.py --bin "$BIN" --out "$OUT"
