//! The `asl-sim` command line: `run` with inputs, mock configs and histories, `validate`, and
//! the exit statuses (0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED, 2 invalid definition or input).

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

fn write(dir: &std::path::Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).expect("temp file");
    p.to_string_lossy().into_owned()
}

fn tmp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("asl-sim-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn run(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim")).args(args).output().expect("asl-sim runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let v = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v, String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn run_with_a_step_functions_local_mock_config() {
    let d = tmp("mock");
    let def = write(
        &d,
        "def.json",
        &json!({"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
                       "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2}],
                       "OutputPath": "$.Payload", "End": true}}}),
    );
    let mocks = write(
        &d,
        "mocks.json",
        &json!({"StateMachines": {"Order": {"TestCases": {"Happy": {"Charge": "ChargeOk"}, "Busy": {"Charge": "ChargeBusy"}}}},
                "MockedResponses": {
                    "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": true}}}},
                    "ChargeBusy": {"0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
                                   "2": {"Return": {"StatusCode": 200, "Payload": {"charged": "late"}}}}}}),
    );
    let arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:Order";
    let (code, out, _) = run(&[
        "run",
        &def,
        "--input-json",
        r#"{"amount": 5}"#,
        "--mock-config",
        &mocks,
        "--state-machine-arn",
        &format!("{arn}#Happy"),
        "--execution-name",
        "e1",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out["status"], "SUCCEEDED");
    assert_eq!(out["output"], r#"{"charged":true}"#);
    assert_eq!(out["executionArn"], "arn:aws:states:eu-west-1:111122223333:execution:Order:e1");
    assert_eq!(out["stateMachineArn"], arn);

    // Two throttles, retried after 2 s and 4 s, then success: the stop date shows 6 s.
    let (code, out, _) =
        run(&["run", &def, "--mock-config", &mocks, "--state-machine-arn", &format!("{arn}#Busy"), "--history"]);
    assert_eq!(code, 0);
    assert_eq!(out["output"], r#"{"charged":"late"}"#);
    assert_eq!(out["startDate"], "2024-01-01T00:00:00.000Z");
    assert_eq!(out["stopDate"], "2024-01-01T00:00:06.000Z");
    let kinds: Vec<&str> = out["events"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "TaskFailed").count(), 2);

    // A test case the config does not have is an input error.
    let (code, _, err) = run(&["run", &def, "--mock-config", &mocks, "--state-machine-arn", &format!("{arn}#Nope")]);
    assert_eq!(code, 2);
    assert!(err.contains("ValidationException: The mock config has no test case 'Nope'"), "{err}");
}

#[test]
fn exit_statuses_and_validation() {
    let d = tmp("exit");
    let fail =
        write(&d, "fail.json", &json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}));
    let (code, out, _) = run(&["run", &fail]);
    assert_eq!(
        (code, out["status"].as_str(), out["error"].as_str(), out["cause"].as_str()),
        (1, Some("FAILED"), Some("E"), Some("C"))
    );

    let express_sync = write(
        &d,
        "sync.json",
        &json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "End": true}}}),
    );
    let (code, _, err) = run(&["run", &express_sync, "--type", "EXPRESS"]);
    assert_eq!(code, 2);
    assert!(err.contains("Express state machine does not support '.sync' service integration"), "{err}");

    let (code, out, _) = run(&["validate", &express_sync, "--type", "EXPRESS"]);
    assert_eq!(code, 2);
    assert_eq!(out["result"], "FAIL");
    assert_eq!(out["diagnostics"][0]["severity"], "ERROR");

    let missing = write(&d, "missing.json", &json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}));
    let (code, out, _) = run(&["validate", &missing]);
    assert_eq!(code, 2);
    assert_eq!(out["diagnostics"][0]["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(out["diagnostics"][0]["location"], "/States/A/Next");

    let (code, _, err) = run(&["run", &fail, "--input-json", "{not json"]);
    assert_eq!(code, 2);
    assert!(err.contains("InvalidExecutionInput: Invalid State Machine Execution Input"), "{err}");

    // What the simulator refuses to run is refused here too, with the field named, as `run` and
    // CreateStateMachine refuse it.
    let batcher = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemBatcher": {"MaxItemsPerBatch": 2},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let (code, out, _) = run(&["validate", &write(&d, "batcher.json", &batcher)]);
    assert_eq!(code, 2);
    assert_eq!(
        out["diagnostics"],
        json!([{"severity": "ERROR", "code": "SIMULATOR_UNSUPPORTED", "location": "/States/M",
                "message": "ItemBatcher is only supported in a Distributed Map (ProcessorConfig.Mode DISTRIBUTED) at /States/M"}])
    );

    let ok = write(&d, "ok.json", &json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}));
    let (code, out, _) = run(&["validate", &ok]);
    assert_eq!((code, out), (0, json!({"result": "OK", "diagnostics": [], "truncated": false})));
}

#[test]
fn run_starts_nested_workflows_from_more_definitions() {
    let d = tmp("nested");
    let children = d.join("children");
    std::fs::create_dir_all(&children).expect("temp dir");
    let parent = write(
        &d,
        "Parent.json",
        &json!({"StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                     "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
                                    "Input": {"n.$": "$.n"}},
                     "OutputPath": "$.Output", "Next": "Quick"},
            "Quick": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startSyncExecution",
                      "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Fast",
                                     "Input.$": "States.JsonToString($)"},
                      "ResultSelector": {"status.$": "$.Status", "out.$": "States.StringToJson($.Output)"},
                      "End": true}}}),
    );
    write(
        &children,
        "Child.json",
        &json!({"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "Next": "Double"},
            "Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}, "End": true}}}),
    );
    write(
        &children,
        "Fast.express.json",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"twice.$": "$.n"}, "End": true}}}),
    );
    let dir = children.to_string_lossy().into_owned();
    let (code, out, err) = run(&["run", &parent, &dir, "--input-json", r#"{"n": 21}"#, "--history"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["output"], r#"{"status":"SUCCEEDED","out":{"twice":42}}"#);
    // The child's minute-long Wait passed on the virtual clock, in the parent's history too.
    assert_eq!(out["startDate"], "2024-01-01T00:00:00.000Z");
    assert_eq!(out["stopDate"], "2024-01-01T00:01:00.000Z");
    let kinds: Vec<&str> = out["events"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "TaskSucceeded").count(), 2, "{kinds:?}");

    // Without the folder, the child does not exist: the task fails as on AWS.
    let (code, out, _) = run(&["run", &parent, "--input-json", r#"{"n": 1}"#]);
    assert_eq!(code, 1);
    assert_eq!(out["error"], "StepFunctions.StateMachineDoesNotExistException");
}

#[test]
fn help_on_every_command() {
    for cmd in ["run", "validate", "test-state"] {
        let out = Command::new(env!("CARGO_BIN_EXE_asl-sim")).args([cmd, "--help"]).output().expect("asl-sim runs");
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("asl-sim run DEFINITION.json"), "{cmd}");
    }
}

#[test]
fn run_with_an_s3_dir_reads_objects_and_writes_results_back() {
    let d = tmp("s3");
    let s3 = d.join("s3");
    std::fs::create_dir_all(s3.join("in/data")).unwrap();
    std::fs::write(s3.join("in/data/items.json"), "[1, 2]").unwrap();
    let def = write(
        &d,
        "def.json",
        &json!({"StartAt": "M", "States": {"M": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "in", "Key": "data/items.json"},
                           "ReaderConfig": {"InputType": "JSON"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"},
                             "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}},
            "End": true}}}),
    );
    let (code, out, err) = run(&["run", &def, "--s3-dir", &s3.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let output: Value = serde_json::from_str(out["output"].as_str().unwrap()).unwrap();
    let key = output["ResultWriterDetails"]["Key"].as_str().unwrap();
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(s3.join("out").join(key)).unwrap()).unwrap();
    let results = manifest["ResultFiles"]["SUCCEEDED"][0]["Key"].as_str().unwrap();
    assert_eq!(std::fs::read_to_string(s3.join("out").join(results)).unwrap(), "[1,2]");
    // The objects it read are left as they were.
    assert_eq!(std::fs::read_to_string(s3.join("in/data/items.json")).unwrap(), "[1, 2]");
    let (code, _, err) = run(&["run", &def, "--s3-dir", &d.join("nope").to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read --s3-dir"), "{err}");
}
