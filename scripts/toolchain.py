#!/usr/bin/env python3
"""Reads wasm-pack.toml, the one file that names the wasm toolchain and the builds.

    toolchain.py get KEY          print a value, e.g. `get toolchain.wasm-pack`; a list prints one item a line
    toolchain.py builds           print the names of the [build.*] tables, one a line
    toolchain.py build-args NAME  print the wasm-pack build arguments of one build, one a line
    toolchain.py wasm-opt NAME    print the wasm-opt flags of one build, one a line (none: skip wasm-opt)
    toolchain.py out-dir NAME     print the output folder of one build
    toolchain.py lock-version PKG print the version of PKG in Cargo.lock
"""

import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILTIN_PROFILES = {"release": "--release", "dev": "--dev", "profiling": "--profiling"}


def load():
    with open(ROOT / "wasm-pack.toml", "rb") as f:
        return tomllib.load(f)


def lookup(config, dotted):
    value = config
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            sys.exit(f"wasm-pack.toml has no {dotted}")
        value = value[part]
    return value


def build(config, name):
    builds = config.get("build", {})
    if name not in builds:
        sys.exit(f"wasm-pack.toml has no [build.{name}] (builds: {', '.join(builds)})")
    spec = builds[name]
    for key in ("target", "out-dir", "profile", "wasm-opt"):
        if key not in spec:
            sys.exit(f"wasm-pack.toml: [build.{name}] lacks {key}")
    return spec


def build_args(spec):
    profile = spec["profile"]
    profile_args = [BUILTIN_PROFILES[profile]] if profile in BUILTIN_PROFILES else ["--profile", profile]
    # --mode no-install: use the wasm-bindgen on PATH or fail, never download or `cargo install` one.
    # --no-opt: scripts/build.sh runs wasm-opt itself with this file's flags.
    # cargo-args (optional): passed on to `cargo build` after `--`, e.g. --no-default-features.
    cargo_args = ["--", *spec["cargo-args"]] if spec.get("cargo-args") else []
    return ["--mode", "no-install", "--no-opt", "--target", spec["target"], "--out-dir", spec["out-dir"], *profile_args,
            *cargo_args]


def lock_version(package):
    with open(ROOT / "Cargo.lock", "rb") as f:
        lock = tomllib.load(f)
    versions = sorted({p["version"] for p in lock.get("package", []) if p["name"] == package})
    if not versions:
        sys.exit(f"Cargo.lock has no package {package}")
    if len(versions) > 1:
        sys.exit(f"Cargo.lock has several versions of {package}: {', '.join(versions)}")
    return versions[0]


def emit(value):
    if isinstance(value, list):
        for item in value:
            print(item)
    elif isinstance(value, dict):
        sys.exit("that key is a table, not a value")
    else:
        print(value)


def main(argv):
    if len(argv) != 2 and not (len(argv) == 1 and argv[0] == "builds"):
        sys.exit(__doc__)
    config = load()
    command = argv[0]
    if command == "get":
        emit(lookup(config, argv[1]))
    elif command == "builds":
        emit(list(config.get("build", {})))
    elif command == "build-args":
        emit(build_args(build(config, argv[1])))
    elif command == "wasm-opt":
        emit(build(config, argv[1])["wasm-opt"])
    elif command == "out-dir":
        emit(build(config, argv[1])["out-dir"])
    elif command == "lock-version":
        emit(lock_version(argv[1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
