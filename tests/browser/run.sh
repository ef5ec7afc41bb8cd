#!/usr/bin/env bash
# The web app of `silkgraph serve` in a real headless Chromium: tests/browser/app.cjs, driven by
# Playwright (`playwright-core`, which uses the system's Chromium and downloads no browser).
# Prints `ok - NAME` or `FAIL - NAME: WHY` per check and closes with `N passed, M failed`.
#
# Installs, the first time, Debian's chromium (and node and npm) when missing and root, and
# playwright-core into target/browser-node; later runs reuse them. The binary is $SILKGRAPH_BIN
# (default target/release/silkgraph). `--shots DIR` also writes the README's screenshots.
set -uo pipefail
cd "$(dirname "$0")/../.."

BIN=${SILKGRAPH_BIN:-target/release/silkgraph}
setup_failed() {
  echo "FAIL - set-up: $1"
  echo "0 passed, 1 failed"
  exit 1
}
[ -x "$BIN" ] || setup_failed "$BIN is not there (build it with cargo build --release)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}") >/dev/null 2>&1 || setup_failed "could not install ${missing[*]}"
  else
    setup_failed "${missing[*]} missing and not root to install them"
  fi
fi
export CHROMIUM=${CHROMIUM:-$(command -v chromium)}

NODE_DIR=target/browser-node
export NODE_PATH=$PWD/$NODE_DIR/node_modules
if ! node -e "require('playwright-core')" 2>/dev/null; then
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] ||
    echo '{ "name": "silkgraph-browser-tests", "private": true, "description": "tests/browser/run.sh installs here" }' \
      >"$NODE_DIR/package.json"
  echo "installing playwright-core into $NODE_DIR"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error \
    playwright-core </dev/null >/dev/null || setup_failed "npm install playwright-core"
fi

LOG=$(mktemp "${TMPDIR:-/tmp}/silkgraph-browser.XXXXXX")
trap 'rm -f "$LOG"' EXIT
timeout -k 10 400 node tests/browser/app.cjs --bin "$BIN" "$@" </dev/null 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
passed=$(grep -c '^ok - ' "$LOG")
failed=$(grep -c '^FAIL - ' "$LOG")
if [ "$rc" != 0 ] && [ "$failed" = 0 ] || ! grep -q '^# app.cjs: done' "$LOG"; then
  echo "FAIL - app.cjs did not run to its end (exit $rc)"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
