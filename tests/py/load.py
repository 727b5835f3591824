"""Load on `asl-sim serve`: CLIENTS concurrent boto3 clients (threads spread over processes, so the
load is not one Python interpreter's) each start EXECUTIONS Standard executions, then describe each
until it has ended; nothing may be lost: every execution ends SUCCEEDED and every log record is in
CloudWatch Logs. Then the same start_execution load against moto's server, for comparison.

    .venv/bin/python tests/py/load.py        LOAD_CLIENTS=50 LOAD_EXECUTIONS=100 LOAD_MOTO=1 (the defaults)

Prints the throughputs, one line per check, then `N passed, M failed`.
"""

import json
import multiprocessing
import os
import pathlib
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from server import REGION, ROLE, Checks, Moto, Server  # noqa: E402

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
EXECUTIONS = int(os.environ.get("LOAD_EXECUTIONS", "100"))
PROCESSES = min(CLIENTS, int(os.environ.get("LOAD_PROCESSES", "5")))
GROUP = "/aws/vendedlogs/states/load"
DEFINITION = json.dumps({"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n", "twice.$": "States.MathAdd($.n, $.n)"}, "Next": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 5, "End": True}}})
RECORDS_PER_EXECUTION = 6  # ExecutionStarted, Pass entered/exited, Wait entered/exited, ExecutionSucceeded


def client(url):
    import boto3
    from botocore.config import Config
    return boto3.client("stepfunctions", endpoint_url=url, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}))


def run_clients(args):
    """One process: `threads` clients, each starting `executions` executions (and, with
    `describe`, then describing each until it ends). Returns (arns, statuses, seconds of starts)."""
    url, machine, first_client, threads, executions, describe, barrier_at = args
    results = {}

    def one(i):
        sfn = client(url)
        sfn.list_state_machines(maxResults=1)  # connect before the clock starts
        while time.time() < barrier_at:
            time.sleep(0.001)
        arns = []
        started = time.time()
        for k in range(executions):
            out = sfn.start_execution(stateMachineArn=machine, name=f"c{i}-{k}", input=json.dumps({"n": k}))
            arns.append(out["executionArn"])
        starts_done = time.time()
        statuses = []
        if describe:
            for arn in arns:
                while True:
                    status = sfn.describe_execution(executionArn=arn)["status"]
                    if status != "RUNNING":
                        statuses.append(status)
                        break
                    time.sleep(0.002)
        results[i] = (arns, statuses, started, starts_done, time.time())

    workers = [threading.Thread(target=one, args=(first_client + t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return list(results.values())


def load(url, machine, describe):
    """CLIENTS clients over PROCESSES processes; returns per-client results and the wall times."""
    per = [CLIENTS // PROCESSES + (1 if p < CLIENTS % PROCESSES else 0) for p in range(PROCESSES)]
    firsts = [sum(per[:p]) for p in range(PROCESSES)]
    barrier_at = time.time() + 3.0  # every process imported boto3 and connected by then
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        parts = pool.map(run_clients, [(url, machine, firsts[p], per[p], EXECUTIONS, describe, barrier_at)
                                       for p in range(PROCESSES)])
    clients = [c for part in parts for c in part]
    start = min(c[2] for c in clients)
    starts_end = max(c[3] for c in clients)
    end = max(c[4] for c in clients)
    return clients, start, starts_end, end


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    checks = Checks()
    total = CLIENTS * EXECUTIONS
    # Every ended execution and log record is kept, so that the check below can find them all.
    server = Server("--retain-executions", "all", "--retain-log-records", "all")
    sfn = client(server.url)
    machine = sfn.create_state_machine(name="Load", definition=DEFINITION, roleArn=ROLE, loggingConfiguration={
        "level": "ALL", "includeExecutionData": True, "destinations": [{"cloudWatchLogsLogGroup": {
            "logGroupArn": f"arn:aws:logs:{REGION}:123456789012:log-group:{GROUP}:*"}}]})["stateMachineArn"]
    clients, start, starts_end, end = load(server.url, machine, describe=True)
    arns = [a for c in clients for a in c[0]]
    statuses = [s for c in clients for s in c[1]]
    ours = total / (starts_end - start)
    print(f"asl-sim serve: {total} executions from {CLIENTS} clients ({PROCESSES} processes): start_execution "
          f"{ours:.0f}/s; every execution started and described as ended in {end - start:.1f} s "
          f"({total / (end - start):.0f} executions/s)", flush=True)

    def nothing_lost():
        assert len(arns) == total and len(set(arns)) == total, f"{len(set(arns))} distinct of {total}"
        assert statuses.count("SUCCEEDED") == total, {s: statuses.count(s) for s in set(statuses)}

    def every_log_record():
        import boto3
        from botocore.config import Config
        logs = boto3.client("logs", endpoint_url=server.url, region_name=REGION, aws_access_key_id="test",
                            aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))
        counts = {}
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=GROUP):
            for e in page["events"]:
                arn = json.loads(e["message"])["execution_arn"]
                counts[arn] = counts.get(arn, 0) + 1
        missing = [a for a in arns if counts.get(a) != RECORDS_PER_EXECUTION]
        assert not missing, f"{len(missing)} executions without their {RECORDS_PER_EXECUTION} records"
        assert sum(counts.values()) == total * RECORDS_PER_EXECUTION

    checks.run(f"{CLIENTS} clients x {EXECUTIONS} executions: all ended SUCCEEDED, none lost", nothing_lost)
    checks.run("every log record is in CloudWatch Logs", every_log_record)
    code, out = server.stop(signal.SIGINT)  # as Ctrl-C

    def stopped_cleanly():
        assert code == 0 and "stopped" in out, f"exit {code}: {out}"

    checks.run("Ctrl-C (SIGINT) stops the server cleanly after the load", stopped_cleanly)

    if os.environ.get("LOAD_MOTO", "1") == "1":
        moto = Moto(free_port())
        try:
            m = client(moto.url).create_state_machine(name="Load", definition=DEFINITION, roleArn=ROLE)["stateMachineArn"]
            _, m_start, m_starts_end, _ = load(moto.url, m, describe=False)
        finally:
            moto.stop()
        theirs = total / (m_starts_end - m_start)
        print(f"moto server: the same {total} start_execution calls from {CLIENTS} clients: {theirs:.0f}/s; "
              f"asl-sim serve is {ours / theirs:.1f}x", flush=True)

        def faster():
            assert ours > theirs, f"{ours:.0f}/s against moto's {theirs:.0f}/s"

        checks.run("asl-sim serve starts executions faster than moto's server", faster)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
