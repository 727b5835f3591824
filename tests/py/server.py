"""Starts and stops `asl-sim serve` (and moto's server) on a free loopback port for the Python tests,
and gives boto3 clients for it. Standard library and boto3 only (the virtual environment that
scripts/setup.sh makes)."""

import os
import pathlib
import signal
import subprocess
import sys
import time

import boto3
from botocore.config import Config

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/StepFunctions-demo"
# StartSyncExecution's host prefix (sync-) would turn 127.0.0.1 into a name that does not resolve.
CONFIG = Config(inject_host_prefix=False, retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=64)


def binary():
    """The asl-sim binary: ASL_SIM_BIN, or the release build, or the debug build."""
    given = os.environ.get("ASL_SIM_BIN")
    if given:
        return given
    for profile in ("release", "debug"):
        path = ROOT / "target" / profile / "asl-sim"
        if path.exists():
            return str(path)
    sys.exit("no asl-sim binary: cargo build --release --bin asl-sim")


class Server:
    """`asl-sim serve --port 0`: the port comes from its first line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([binary(), "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        if "listening on http://" not in line:
            self.proc.kill()
            raise RuntimeError(f"asl-sim serve did not start: {line}{self.proc.stdout.read()}")
        self.url = line.split("listening on ")[1].split()[0]

    def client(self, service, **kwargs):
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id="test",
                            aws_secret_access_key="test", config=CONFIG, **kwargs)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stops it with `sig`; returns (exit code, the rest of its output)."""
        self.proc.send_signal(sig)
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
            return None, out
        return self.proc.returncode, out


class Moto:
    """moto's server (`moto_server`), for the throughput comparison."""

    def __init__(self, port):
        exe = pathlib.Path(sys.executable).parent / "moto_server"
        self.proc = subprocess.Popen([str(exe), "-p", str(port), "-H", "127.0.0.1"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                self.client("stepfunctions").list_state_machines()
                return
            except Exception:
                time.sleep(0.1)
        self.proc.kill()
        raise RuntimeError("moto_server did not start")

    def client(self, service):
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id="test",
                            aws_secret_access_key="test", config=CONFIG)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Checks:
    """One line per check, then `N passed, M failed`."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn):
        try:
            fn()
            self.passed += 1
            print(f"ok   {name}", flush=True)
        except Exception as e:  # a failed check is reported, and the others still run
            self.failed += 1
            print(f"FAIL {name}\n     {type(e).__name__}: {e}", flush=True)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0
