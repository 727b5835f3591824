"""boto3 and the AWS CLI against `asl-sim serve` on a free loopback port: state machines, sync and
async executions, logs, activities answered by a worker thread, history paging, and a clean stop.

    .venv/bin/python tests/py/test_serve.py      (prints one line per check, then `N passed, M failed`)
"""

import http.server
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from server import REGION, ROLE, Checks, Server  # noqa: E402

GROUP = "/aws/vendedlogs/states/py"
LOGGING = {"level": "ALL", "includeExecutionData": True, "destinations": [
    {"cloudWatchLogsLogGroup": {"logGroupArn": f"arn:aws:logs:{REGION}:123456789012:log-group:{GROUP}:*"}}]}
SUM = json.dumps({"StartAt": "Sum", "States": {
    "Sum": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "Next": "Nap"},
    "Nap": {"Type": "Wait", "Seconds": 60, "End": True}}})


def wait_for(describe, arn):
    for _ in range(2000):
        d = describe(executionArn=arn)
        if d["status"] != "RUNNING":
            return d
        time.sleep(0.005)
    raise AssertionError(f"{arn} did not end")


class FakeLambda(http.server.BaseHTTPRequestHandler):
    """Lambda's Invoke API as `sam local start-lambda` serves it: `echo` returns its payload, `boom`
    fails with a function error."""

    def do_POST(self):  # noqa: N802 (the http.server API)
        name = self.path.split("/functions/")[1].split("/")[0]
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"null")
        if name == "boom":
            body, headers = {"errorType": "ValueError", "errorMessage": "no"}, {"X-Amz-Function-Error": "Unhandled"}
        else:
            body, headers = {"echo": payload, "function": name}, {}
        data = json.dumps(body).encode()
        self.send_response(200)
        for k, v in {"Content-Type": "application/json", "Content-Length": str(len(data)), **headers}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def options_checks(checks):
    """--mock-config (via SFN_MOCK_CONFIG), --lambda-endpoint and --clock real, on servers of their own."""

    def mock_config():
        config = {"StateMachines": {"Order": {"TestCases": {"Happy": {"Charge": "Charged"}}}},
                  "MockedResponses": {"Charged": {"0": {"Return": {"charged": 42}}}}}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(config, f)
        os.environ["SFN_MOCK_CONFIG"] = f.name
        try:
            server = Server()
        finally:
            del os.environ["SFN_MOCK_CONFIG"]
            os.unlink(f.name)
        try:
            sfn = server.client("stepfunctions")
            definition = json.dumps({"StartAt": "Charge", "States": {"Charge": {"Type": "Task",
                                     "Resource": "arn:aws:states:::lambda:invoke",
                                     "Parameters": {"FunctionName": "charge", "Payload.$": "$"}, "End": True}}})
            arn = sfn.create_state_machine(name="Order", definition=definition, roleArn=ROLE,
                                           type="EXPRESS")["stateMachineArn"]
            out = sfn.start_sync_execution(stateMachineArn=f"{arn}#Happy")
            assert out["status"] == "SUCCEEDED" and json.loads(out["output"]) == {"charged": 42}, out
        finally:
            server.stop()

    def lambda_endpoint_and_real_clock():
        fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeLambda)
        threading.Thread(target=fake.serve_forever, daemon=True).start()
        server = Server("--lambda-endpoint", f"http://127.0.0.1:{fake.server_address[1]}", "--clock", "real")
        try:
            sfn = server.client("stepfunctions")
            definition = json.dumps({"StartAt": "Invoke", "States": {
                "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Parameters": {"FunctionName": "echo", "Payload": {"n.$": "$.n"}},
                           "ResultSelector": {"p.$": "$.Payload"}, "Next": "Nap"},
                "Nap": {"Type": "Wait", "Seconds": 1, "Next": "Boom"},
                "Boom": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:boom",
                         "Catch": [{"ErrorEquals": ["ValueError"], "ResultPath": "$.error", "Next": "Done"}],
                         "End": True},
                "Done": {"Type": "Succeed"}}})
            arn = sfn.create_state_machine(name="Lambdas", definition=definition, roleArn=ROLE,
                                           type="EXPRESS")["stateMachineArn"]
            started = time.monotonic()
            out = sfn.start_sync_execution(stateMachineArn=arn, input='{"n": 7}')
            took = time.monotonic() - started
            assert out["status"] == "SUCCEEDED", out
            result = json.loads(out["output"])
            assert result["p"] == {"echo": {"n": 7}, "function": "echo"}, result
            assert result["error"]["Error"] == "ValueError" and "no" in result["error"]["Cause"], result
            assert 1.0 <= took < 10, f"the 1-second Wait took {took:.2f} s on the real clock"
        finally:
            server.stop()
            fake.shutdown()

    checks.run("--mock-config (SFN_MOCK_CONFIG) answers tasks of #TestCase executions", mock_config)
    checks.run("--lambda-endpoint invokes Lambda's Invoke API; --clock real waits for real", lambda_endpoint_and_real_clock)


def main():
    checks = Checks()
    server = Server()
    sfn = server.client("stepfunctions")
    logs = server.client("logs")
    state = {}

    def machines():
        express = sfn.create_state_machine(name="PyExpress", definition=SUM, roleArn=ROLE, type="EXPRESS",
                                           loggingConfiguration=LOGGING)
        standard = sfn.create_state_machine(name="PyStandard", definition=SUM, roleArn=ROLE)
        state["express"], state["standard"] = express["stateMachineArn"], standard["stateMachineArn"]
        names = [m["name"] for m in sfn.list_state_machines()["stateMachines"]]
        assert names == ["PyExpress", "PyStandard"], names
        assert sfn.describe_state_machine(stateMachineArn=state["standard"])["definition"] == SUM

    def sync_execution():
        out = sfn.start_sync_execution(stateMachineArn=state["express"], input='{"a": 1, "b": 2}')
        assert out["status"] == "SUCCEEDED" and out["output"] == '{"sum":3}', out
        assert (out["stopDate"] - out["startDate"]).total_seconds() == 60, "the Wait took virtual time only"

    def async_execution_and_logs():
        arn = sfn.start_execution(stateMachineArn=state["express"], input='{"a": 20, "b": 22}')["executionArn"]
        end = None
        for _ in range(1000):
            events = logs.filter_log_events(logGroupName=GROUP, filterPattern="ExecutionSucceeded")["events"]
            found = [json.loads(e["message"]) for e in events if json.loads(e["message"])["execution_arn"] == arn]
            if found:
                end = found[0]
                break
            time.sleep(0.005)
        assert end and json.loads(end["details"]["output"]) == {"sum": 42}, end
        streams = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
        assert all(s["logStreamName"].startswith("states/PyExpress/") for s in streams), streams
        pager = logs.get_paginator("filter_log_events")
        records = [json.loads(e["message"]) for page in pager.paginate(logGroupName=GROUP) for e in page["events"]]
        mine = [r["type"] for r in records if r["execution_arn"] == arn]
        assert mine == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
                        "WaitStateExited", "ExecutionSucceeded"], mine

    def standard_history_paging():
        arn = sfn.start_execution(stateMachineArn=state["standard"], name="paged", input='{"a": 1, "b": 1}')["executionArn"]
        assert wait_for(sfn.describe_execution, arn)["output"] == '{"sum":2}'
        pages = list(sfn.get_paginator("get_execution_history").paginate(executionArn=arn, PaginationConfig={"PageSize": 2}))
        assert [len(p["events"]) for p in pages] == [2, 2, 2], [len(p["events"]) for p in pages]
        events = [e["type"] for p in pages for e in p["events"]]
        newest = sfn.get_execution_history(executionArn=arn, reverseOrder=True, maxResults=2)
        assert [e["type"] for e in newest["events"]] == events[::-1][:2]
        assert newest["nextToken"]
        listed = sfn.list_executions(stateMachineArn=state["standard"], statusFilter="SUCCEEDED")["executions"]
        assert [e["name"] for e in listed] == ["paged"]

    def activities_with_a_worker_thread():
        activity = sfn.create_activity(name="py-work")["activityArn"]
        definition = json.dumps({"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity,
                                                                       "HeartbeatSeconds": 30, "End": True}}})
        machine = sfn.create_state_machine(name="PyActivity", definition=definition, roleArn=ROLE)["stateMachineArn"]
        worker_sfn = server.client("stepfunctions")
        done = []

        def worker():
            while len(done) < 3:
                task = worker_sfn.get_activity_task(activityArn=activity, workerName="py-worker")
                if "taskToken" not in task:
                    continue
                job = json.loads(task["input"])
                worker_sfn.send_task_heartbeat(taskToken=task["taskToken"])
                worker_sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"squared": job["n"] ** 2}))
                done.append(job["n"])

        thread = threading.Thread(target=worker, daemon=True)
        thread.start()
        arns = [sfn.start_execution(stateMachineArn=machine, input=json.dumps({"n": n}))["executionArn"] for n in (2, 3, 4)]
        thread.join(timeout=30)
        outputs = sorted(json.loads(wait_for(sfn.describe_execution, a)["output"])["squared"] for a in arns)
        assert outputs == [4, 9, 16], outputs
        history = sfn.get_execution_history(executionArn=arns[0])["events"]
        started = [e for e in history if e["type"] == "ActivityStarted"]
        assert started and started[0]["activityStartedEventDetails"]["workerName"] == "py-worker", started

    def errors_are_boto3_exceptions():
        try:
            sfn.describe_execution(executionArn="arn:aws:states:us-east-1:123456789012:execution:PyStandard:none")
            raise AssertionError("no error")
        except sfn.exceptions.ExecutionDoesNotExist as e:
            assert "Execution Does Not Exist" in str(e)
        try:
            logs.get_log_events(logGroupName="/none", logStreamName="s")
            raise AssertionError("no error")
        except logs.exceptions.ResourceNotFoundException:
            pass

    def aws_cli():
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=REGION,
                   AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
                   # start-sync-execution: without this the CLI sends it to sync-127.0.0.1.
                   AWS_DISABLE_HOST_PREFIX_INJECTION="true")
        aws = str(pathlib.Path(sys.executable).parent / "aws")

        def cli(*args):
            out = subprocess.run([aws, *args, "--endpoint-url", server.url, "--output", "json"], env=env,
                                 capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, out.stderr
            return json.loads(out.stdout) if out.stdout.strip() else {}

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(SUM)
        created = cli("stepfunctions", "create-state-machine", "--name", "Cli", "--definition", f"file://{f.name}",
                      "--role-arn", ROLE, "--type", "EXPRESS", "--logging-configuration", json.dumps(LOGGING))
        os.unlink(f.name)
        out = cli("stepfunctions", "start-sync-execution", "--state-machine-arn", created["stateMachineArn"],
                  "--input", '{"a": 5, "b": 6}')
        assert out["output"] == '{"sum":11}', out
        names = [m["name"] for m in cli("stepfunctions", "list-state-machines")["stateMachines"]]
        assert "Cli" in names, names
        events = cli("logs", "filter-log-events", "--log-group-name", GROUP, "--filter-pattern", "ExecutionSucceeded")
        assert any(json.loads(e["message"])["execution_arn"] == out["executionArn"] for e in events["events"])

    def stops_cleanly():
        poll = threading.Thread(daemon=True, target=lambda: server.client("stepfunctions").get_activity_task(
            activityArn=f"arn:aws:states:{REGION}:123456789012:activity:py-work"))
        poll.start()
        time.sleep(0.2)
        started = time.monotonic()
        code, out = server.stop(signal.SIGTERM)
        poll.join(timeout=10)
        assert code == 0, f"exit code {code}: {out}"
        assert "stopped" in out, out
        assert time.monotonic() - started < 6, "a waiting long poll did not hold the stop up"
        assert not poll.is_alive()

    checks.run("create, describe and list state machines", machines)
    checks.run("StartSyncExecution (no host prefix) returns the output", sync_execution)
    checks.run("StartExecution of an Express machine, then its logs", async_execution_and_logs)
    checks.run("GetExecutionHistory paged (paginator) and reversed; ListExecutions by status", standard_history_paging)
    checks.run("activities answered by a worker thread (GetActivityTask, heartbeat, SendTaskSuccess)",
               activities_with_a_worker_thread)
    checks.run("errors are boto3's exception classes", errors_are_boto3_exceptions)
    checks.run("the AWS CLI: create-state-machine, start-sync-execution, list, logs filter-log-events", aws_cli)
    checks.run("SIGTERM stops the server cleanly, a long poll pending", stops_cleanly)
    if server.proc.poll() is None:
        server.stop(signal.SIGKILL)
    options_checks(checks)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
