#!/usr/bin/env bash
# Installs whatever the wasm builds and the tests need and is missing, at the versions that
# wasm-pack.toml names. Idempotent; takes about a second when everything is present.
#
# Starts from a machine with rustup (stable), cargo, Node.js 20+, npm and python3 3.11+; apt-get for
# Chromium needs root (or sudo). Reaches only crates.io, Debian, the npm registry and PyPI: nothing here
# downloads a prebuilt binary outside those registries' packages, and the scripts run wasm-pack in
# --mode no-install, so it never tries.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

START=$SECONDS
say() { echo "setup: $*"; }
fail() { echo "setup: error: $*" >&2; exit 1; }
# `version_of TOOL` prints the second word of `TOOL --version` ("wasm-pack 0.15.1" -> 0.15.1), or nothing.
version_of() { "$1" --version 2>/dev/null | head -n1 | awk '{print $2}' || true; }

for tool in python3 rustup cargo node npm; do
  command -v "$tool" >/dev/null || fail "$tool is not on PATH"
done
python3 -c 'import tomllib' 2>/dev/null || fail "python3 3.11 or later is needed (for tomllib)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail "Node.js 20 or later is needed, found $(node --version)"

WASM_PACK=$(toolchain get toolchain.wasm-pack)
WASM_BINDGEN=$(toolchain get toolchain.wasm-bindgen-cli)
BINARYEN=$(toolchain get toolchain.binaryen)
RUST_TARGET=$(toolchain get toolchain.rust-target)
CHROMIUM=$(toolchain get toolchain.chromium)
CHROMEDRIVER=$(toolchain get toolchain.chromedriver)
FIREFOX=$(toolchain get toolchain.firefox)
GECKODRIVER=$(toolchain get toolchain.geckodriver)
mapfile -t APT_PACKAGES < <(toolchain get toolchain.apt)

# Fail before spending minutes on installs: wasm-pack only uses a wasm-bindgen whose version equals
# Cargo.lock's exactly (otherwise it would `cargo install` its own copy).
LOCKED=$(toolchain lock-version wasm-bindgen)
[ "$LOCKED" = "$WASM_BINDGEN" ] || fail "wasm-pack.toml names wasm-bindgen-cli $WASM_BINDGEN but Cargo.lock has \
wasm-bindgen $LOCKED: make wasm-pack.toml, Cargo.toml's \"=\" pin and Cargo.lock agree"

# 1. The Rust target.
if ! rustup target list --installed | grep -qx "$RUST_TARGET"; then
  say "rustup target add $RUST_TARGET"
  rustup target add "$RUST_TARGET"
fi

# 2. wasm-pack, and wasm-bindgen-cli (wasm-bindgen + wasm-bindgen-test-runner) at exactly the crate's version.
#    --force replaces another version already installed.
if [ "$(version_of wasm-pack)" != "$WASM_PACK" ]; then
  say "cargo install wasm-pack@$WASM_PACK (found: $(version_of wasm-pack))"
  cargo install --locked --force "wasm-pack@$WASM_PACK"
fi
if [ "$(version_of wasm-bindgen)" != "$WASM_BINDGEN" ] \
   || [ "$(version_of wasm-bindgen-test-runner)" != "$WASM_BINDGEN" ]; then
  say "cargo install wasm-bindgen-cli@$WASM_BINDGEN (found: $(version_of wasm-bindgen))"
  # --locked can fail: the crate's published lock may pin a dependency version that the registry no
  # longer serves (0.2.130 pins a yanked webpki-roots); then resolve afresh.
  cargo install --locked --force "wasm-bindgen-cli@$WASM_BINDGEN" \
    || { say "--locked failed; retrying without --locked"; cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN"; }
fi
# geckodriver, Firefox's WebDriver for `wasm-pack test --firefox`, from crates.io.
if [ "$(version_of geckodriver)" != "$GECKODRIVER" ]; then
  say "cargo install geckodriver@$GECKODRIVER (found: $(version_of geckodriver))"
  cargo install --locked --force "geckodriver@$GECKODRIVER"
fi
for tool in wasm-pack wasm-bindgen wasm-bindgen-test-runner geckodriver; do
  command -v "$tool" >/dev/null || fail "$tool was installed but is not on PATH"
done
[ "$(version_of wasm-bindgen)" = "$WASM_BINDGEN" ] || fail "wasm-bindgen on PATH is $(command -v wasm-bindgen) \
version $(version_of wasm-bindgen), not $WASM_BINDGEN (an older copy earlier on PATH?)"

# 3. Debian's Chromium and ChromeDriver; apt-get update only when something is missing.
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The Python tests' virtual environment needs venv and pip (Debian splits them out of python3).
if [ ! -x .venv/bin/python ] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || fail "need root (or sudo) to apt-get install ${missing[*]}"
    SUDO=(sudo)
  fi
  say "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing"
[ -x "$CHROMEDRIVER" ] || fail "$CHROMEDRIVER is missing"
[ -x "$FIREFOX" ] || fail "$FIREFOX is missing"
CHROMIUM_VERSION=$(version_of "$CHROMIUM")

# 4. npm dev dependencies from the committed lock: binaryen (wasm-opt), playwright-core (drives Debian's
#    Chromium; it downloads no browser), typescript. --ignore-scripts: no package needs an install script.
#    Skipped when node_modules was installed from this very lock by this Node.
STAMP=node_modules/.asl-sim-setup
want_stamp="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1) node $(node --version)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want_stamp" ] || [ ! -x node_modules/.bin/wasm-opt ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --ignore-scripts
  echo "$want_stamp" > "$STAMP"
fi
INSTALLED_BINARYEN=$(node -p 'require("./node_modules/binaryen/package.json").version')
[ "$INSTALLED_BINARYEN" = "$BINARYEN" ] || fail "package-lock.json installs binaryen $INSTALLED_BINARYEN but \
wasm-pack.toml names $BINARYEN: make package.json, package-lock.json and wasm-pack.toml agree"
[ "$(command -v wasm-opt)" = "$ROOT/node_modules/.bin/wasm-opt" ] || fail "wasm-opt on PATH is $(command -v wasm-opt)"

# 5. The Python tests' virtual environment (.venv): boto3, the AWS CLI and moto's server from PyPI, at
#    the versions of tests/py/requirements.txt. Skipped when .venv was made from this very file.
VENV_STAMP=.venv/.asl-sim-setup
want_venv="$(sha256sum tests/py/requirements.txt | cut -d' ' -f1)"
if [ ! -f "$VENV_STAMP" ] || [ "$(cat "$VENV_STAMP")" != "$want_venv" ]; then
  [ -x .venv/bin/python ] || { say "python3 -m venv .venv"; python3 -m venv .venv; }
  say "pip install -r tests/py/requirements.txt (into .venv)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/py/requirements.txt
  echo "$want_venv" > "$VENV_STAMP"
fi
[ -x .venv/bin/aws ] && [ -x .venv/bin/moto_server ] || fail ".venv lacks the aws or moto_server commands"

say "ok in $((SECONDS - START))s: wasm-pack $WASM_PACK, wasm-bindgen $WASM_BINDGEN, binaryen $BINARYEN, \
chromium $CHROMIUM_VERSION, firefox $("$FIREFOX" --version 2>/dev/null | awk '{print $NF}') geckodriver $GECKODRIVER, \
node $(node --version), $(.venv/bin/python -c 'import boto3, moto; print("boto3", boto3.__version__, "moto", moto.__version__)')"
