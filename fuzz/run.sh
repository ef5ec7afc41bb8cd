#!/usr/bin/env bash
# Runs the fuzz targets one after another, each for SECONDS (default 600):
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and, on a stable toolchain, RUSTC_BOOTSTRAP=1
# (set here). New inputs go to fuzz/corpus/TARGET (not committed); the seeds in fuzz/seeds/TARGET
# are read only. A crash leaves its input in fuzz/artifacts/TARGET: add it to tests/robustness.rs.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
secs=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse pipeline plans load_cypher load_json load_sg import_csv bolt http roundtrip)
fi
cargo fuzz build -s none -a
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  dict=()
  case "$t" in parse | pipeline | plans | load_cypher | roundtrip) dict=(-dict=cypher.dict) ;; esac
  echo "== $t for $secs s"
  cargo fuzz run -s none -a "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=4096 "${dict[@]}"
done
