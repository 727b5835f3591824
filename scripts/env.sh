# Sourced by the other scripts: the repo root, and a PATH on which wasm-pack finds every tool it
# would otherwise try to download: wasm-bindgen and wasm-bindgen-test-runner (cargo install),
# wasm-opt (npm package binaryen, ahead of any Debian binaryen) and chromedriver (Debian).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Never let wasm-pack or anything else ask before installing.
export DEBIAN_FRONTEND=noninteractive

# `toolchain get KEY` and friends: values from wasm-pack.toml (see scripts/toolchain.py).
toolchain() { python3 "$ROOT/scripts/toolchain.py" "$@"; }
