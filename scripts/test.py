#!/usr/bin/env python3
"""Runs every test of asl-sim: the README's `make test`, and all that CI runs.

Steps, in order (each one's output streams through):
  setup                  scripts/setup.sh: installs what is missing (aborts the run if it fails)
  cargo fmt --check      the code is formatted (rustfmt.toml)
  cargo clippy           every target natively, and the library for wasm32, with -D warnings; then
                         both again without the default feature `jsonata` (the lite build)
  cargo test             the native tests, doctests included
  wasm-pack test --node --lib
                         src/wasm.rs's own #[wasm_bindgen_test]s, in Node.js
  wasm-pack test --node --test node
                         tests/node.rs, in Node.js
  wasm-pack test --headless --chrome --test web
                         tests/web.rs, in Debian's headless Chromium (webdriver.json)
  wasm-pack test --headless --firefox --test web
                         tests/web.rs, in Debian's headless Firefox ESR (geckodriver)
  build web|web-lite|nodejs
                         the wasm builds of wasm-pack.toml (one check each)
  package                scripts/package.mjs: the npm package, dist/asl-sim-<version>.tgz
  e2e                    e2e/run.mjs: the playground in Chromium, driven by playwright-core
  npm package            tests/js/npm_package.mjs: the tarball installed offline and used from Node
                         (ESM, CommonJS, asl-sim/lite, npx asl-sim, node:test, Vitest), TypeScript
                         and Chromium
  api shapes             scripts/api_shapes.py --check: src/protocol/shapes.rs is botocore's models
  mock shapes            scripts/mock_shapes.py --check: src/teststate/shapes/models.rs is too
  sdk (node)             tests/js/sdk.mjs: the AWS SDK v3 clients through sim.requestHandler()
  sdk (chromium)         tests/js/sdk_browser.mjs: the same, bundled by esbuild, in headless Chromium
  history (node)         tests/js/history.mjs: histories made when read, read live as tasks answer late
  serve (boto3, aws cli) tests/py/test_serve.py: boto3 and the AWS CLI against `asl-sim serve`
  serve load             tests/py/load.py: 50 clients x 100 executions, and the same load on moto

The counts are those of the tests themselves (libtest's `test result:` lines, the JS runners'
`N passed, M failed`); a step that ends badly without a failed count counts one failure, and so
does a test step that ran fewer suites or tests than it must (a suite skipped for the wrong
runner reports no failure). Ends with `N passed, M failed` alone on the last line; exits 1 if
anything failed.
"""

import os
import pathlib
import re
import signal
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CARGO_HOME = pathlib.Path(os.environ.get("CARGO_HOME", pathlib.Path.home() / ".cargo"))
# libtest's (and wasm-bindgen-test-runner's) line for each test binary. Only these count for the
# Rust steps: a test harness that runs many cases in one #[test] may print its own tally too.
RUST_RESULT = re.compile(r"^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed")
# The JS runners' closing line.
PLAIN_RESULT = re.compile(r"^(\d+) passed, (\d+) failed$")
MINUTE = 60


def toolchain(*args):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "toolchain.py"), *args],
                         check=True, capture_output=True, text=True).stdout
    return out.split("\n")[:-1]


class Step:
    def __init__(self, name, argv, timeout, counts=None, suites=0, needs=()):
        self.name = name
        self.argv = argv
        self.timeout = timeout
        self.pattern = {"libtest": RUST_RESULT, "plain": PLAIN_RESULT, None: None}[counts]
        self.suites = suites  # result lines that must appear (0: the step is one check)
        self.needs = needs  # names of steps that must have passed first
        self.passed = 0
        self.failed = 0
        self.seconds = 0.0
        self.note = ""

    @property
    def ok(self):
        return self.failed == 0 and not self.note


def run(step, env):
    """Runs one step, streaming its output, and fills in its counts."""
    print(f"\n===== {step.name}: {' '.join(step.argv)}", flush=True)
    start = time.monotonic()
    proc = subprocess.Popen(step.argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True)
    suites = []

    def read():
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            match = step.pattern and step.pattern.search(line.strip())
            if match:
                suites.append((int(match[1]), int(match[2])))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=step.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        code = proc.wait()
        step.note = f"timed out after {step.timeout // MINUTE} min"
    reader.join(timeout=10)
    step.seconds = time.monotonic() - start

    step.passed = sum(p for p, _ in suites)
    step.failed = sum(f for _, f in suites)
    if step.suites == 0:
        # A step that is one check: the command's success.
        step.passed, step.failed = (1, 0) if code == 0 and not step.note else (0, 1)
    elif code != 0 and step.failed == 0:
        step.failed = 1
        step.note = step.note or f"exit code {code}"
    elif len(suites) < step.suites or step.passed == 0:
        step.failed += 1
        step.note = f"ran {len(suites)} test suites with {step.passed} tests; expected {step.suites} suites, some tests"
    elif code != 0:
        step.note = step.note or f"exit code {code}"


# wasm-bindgen-test-runner gives a browser's whole suite 20 s unless told otherwise; the suite runs
# budgets to their end and 10,000 executions, about 25 s in a debug build.
WEB_TIMEOUT = "WASM_BINDGEN_TEST_TIMEOUT=300"


def main():
    env = dict(os.environ)
    # wasm-pack finds wasm-bindgen, wasm-opt and chromedriver on PATH, so it never downloads them.
    env["PATH"] = os.pathsep.join([str(ROOT / "node_modules" / ".bin"), str(CARGO_HOME / "bin"), env.get("PATH", "")])
    chromedriver = toolchain("get", "toolchain.chromedriver")[0]
    builds = toolchain("builds")
    wasm_pack_test = ["wasm-pack", "test", "--mode", "no-install"]
    python = str(ROOT / ".venv" / "bin" / "python")
    debug_bin = ROOT / "target" / "debug" / "asl-sim"
    steps = [
        Step("setup", ["bash", "scripts/setup.sh"], 60 * MINUTE),
        Step("cargo fmt --check", ["cargo", "fmt", "--check"], 5 * MINUTE),
        Step("cargo clippy", ["cargo", "clippy", "--all-targets", "--", "-D", "warnings"], 20 * MINUTE),
        Step("cargo clippy --target wasm32",
             ["cargo", "clippy", "--target", "wasm32-unknown-unknown", "--lib", "--", "-D", "warnings"], 20 * MINUTE),
        # The lite build's configuration (the crate feature `jsonata` off), natively and for wasm32.
        Step("cargo clippy --no-default-features",
             ["cargo", "clippy", "--lib", "--bins", "--tests", "--benches", "--no-default-features", "--", "-D", "warnings"],
             20 * MINUTE),
        Step("cargo clippy --target wasm32 --no-default-features",
             ["cargo", "clippy", "--target", "wasm32-unknown-unknown", "--lib", "--no-default-features", "--", "-D",
              "warnings"], 20 * MINUTE),
        Step("cargo test", ["cargo", "test", "--no-fail-fast"], 30 * MINUTE, "libtest", suites=1),
        # One wasm-pack run per test target: wasm-pack passes the extra arguments to `cargo build`
        # as well, which refuses --no-fail-fast, so one failing target would hide the next.
        Step("wasm-pack test --node --lib", [*wasm_pack_test, "--node", "--", "--lib"],
             20 * MINUTE, "libtest", suites=1),
        Step("wasm-pack test --node --test node", [*wasm_pack_test, "--node", "--", "--test", "node"],
             20 * MINUTE, "libtest", suites=1),
        # tests/web.rs in both engines; ASL_SIM_BROWSER tells its user-agent test which one to expect.
        Step("wasm-pack test --headless --chrome --test web",
             ["env", "ASL_SIM_BROWSER=chrome", WEB_TIMEOUT, *wasm_pack_test, "--headless", "--chrome", "--chromedriver", chromedriver,
              "--", "--test", "web"],
             20 * MINUTE, "libtest", suites=1),
        Step("wasm-pack test --headless --firefox --test web",
             ["env", "ASL_SIM_BROWSER=firefox", WEB_TIMEOUT, *wasm_pack_test, "--headless", "--firefox", "--", "--test", "web"],
             20 * MINUTE, "libtest", suites=1),
        *[Step(f"build {name}", ["bash", "scripts/build.sh", name], 20 * MINUTE) for name in builds],
        Step("e2e", ["node", "e2e/run.mjs"], 5 * MINUTE, "plain", suites=1, needs=("build web",)),
        Step("package", ["node", "scripts/package.mjs"], 5 * MINUTE, needs=tuple(f"build {name}" for name in builds)),
        Step("npm package", ["node", "tests/js/npm_package.mjs"], 10 * MINUTE, "plain", suites=1, needs=("package",)),
        Step("api shapes", [python, "scripts/api_shapes.py", "--check"], 1 * MINUTE),
        Step("mock shapes", [python, "scripts/mock_shapes.py", "--check"], 1 * MINUTE),
        Step("sdk (node)", ["node", "tests/js/sdk.mjs"], 3 * MINUTE, "plain", suites=1, needs=("build nodejs",)),
        Step("history (node)", ["node", "tests/js/history.mjs"], 3 * MINUTE, "plain", suites=1,
             needs=("build nodejs",)),
        Step("sdk (chromium)", ["node", "tests/js/sdk_browser.mjs"], 3 * MINUTE, "plain", suites=1,
             needs=("build web",)),
        # The server tests run the debug binary that `cargo test` has just built (a release build
        # would add a minute and a half; the throughput in the README is measured on one).
        Step("serve (boto3, aws cli)", ["env", f"ASL_SIM_BIN={debug_bin}", python, "tests/py/test_serve.py"],
             5 * MINUTE, "plain", suites=1, needs=("cargo test",)),
        Step("serve load", ["env", f"ASL_SIM_BIN={debug_bin}", python, "tests/py/load.py"], 10 * MINUTE, "plain",
             suites=1, needs=("cargo test",)),
    ]

    start = time.monotonic()
    done = {}
    for step in steps:
        missing = [n for n in step.needs if not done[n].ok]
        if missing:
            step.failed, step.note = 1, f"not run: {', '.join(missing)} failed"
        else:
            run(step, env)
        done[step.name] = step
        if step.name == "setup" and not step.ok:
            steps = [step]
            break

    print("\n===== summary")
    for step in steps:
        counts = f"{step.passed} passed, {step.failed} failed" if step.suites else ""
        status = "ok  " if step.ok else "FAIL"
        print(f"{status}  {step.name:<46} {counts:<22} {step.seconds:6.0f}s  {step.note}".rstrip())
    passed = sum(s.passed for s in steps)
    failed = sum(s.failed for s in steps)
    print(f"all steps in {time.monotonic() - start:.0f}s")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and all(s.ok for s in steps) else 1


if __name__ == "__main__":
    sys.exit(main())
