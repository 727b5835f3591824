#!/usr/bin/env bash
# Builds the wasm packages that wasm-pack.toml describes: `bash scripts/build.sh [NAME...]`
# (default: every [build.*]; names: web -> www/pkg, nodejs -> pkg/node).
# Expects scripts/setup.sh to have run. wasm-pack runs in --mode no-install with --no-opt, then
# this script runs wasm-opt (node_modules/.bin, from npm's binaryen) with the build's own flags.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

if [ $# -eq 0 ]; then mapfile -t names < <(toolchain builds); else names=("$@"); fi

for name in "${names[@]}"; do
  start=$SECONDS
  mapfile -t args < <(toolchain build-args "$name")
  mapfile -t opt_flags < <(toolchain wasm-opt "$name")
  out_dir=$(toolchain out-dir "$name")
  echo "build $name: wasm-pack build ${args[*]}"
  wasm-pack --log-level warn build "${args[@]}"
  for wasm in "$out_dir"/*.wasm; do
    if [ ${#opt_flags[@]} -gt 0 ]; then
      wasm-opt "$wasm" -o "$wasm.opt" "${opt_flags[@]}"
      mv "$wasm.opt" "$wasm"
    fi
    echo "build $name: $wasm $(stat -c %s "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) gzipped, \
wasm-opt ${opt_flags[*]:-(none)}, $((SECONDS - start))s"
  done
  if [ "$name" = web ]; then node scripts/build_www.mjs; fi # the page's vendor bundles (www/vendor)
done
