#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/, two at a time, each for SECONDS (default 600), with
# `nice`: scripts/fuzz.sh [SECONDS] [TARGET ...]. Needs a nightly toolchain and cargo-fuzz
# (`rustup toolchain install nightly --profile minimal`, `cargo install cargo-fuzz`). New inputs
# go to fuzz/work/<target> (the seeds of fuzz/corpus/<target> are only read); a crash leaves its
# input in fuzz/artifacts/<target>/ and the run's log in fuzz/logs/<target>.log ends with it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT/fuzz"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(validate run_machine jsonpath intrinsics jsonata choice teststate mock_config)
fi
mkdir -p logs
cargo +nightly fuzz build -s none >logs/build.log 2>&1
run() {
  local t="$1"
  local code=0
  mkdir -p "work/$t"
  nice -n 10 cargo +nightly fuzz run -s none "$t" "work/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -print_final_stats=1 >"logs/$t.log" 2>&1 || code=$?
  local runs
  runs="$(grep -E '^stat::number_of_executed_units' "logs/$t.log" | awk '{print $2}')"
  if [ "$code" -eq 0 ]; then
    echo "$t: no crash in ${runs} runs"
  else
    echo "$t: CRASH (exit $code), input in fuzz/artifacts/$t/, see fuzz/logs/$t.log"
  fi
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[$i]}" &
  if [ $((i + 1)) -lt ${#targets[@]} ]; then run "${targets[$((i + 1))]}" & fi
  wait
done
