//! The account API (`asl_sim::simulator`) natively: requests and responses in AWS's shapes, the
//! log records against the ones AWS wrote (`../shared/conformance/logs`), levels, pagination,
//! mocks, quotas and the Express limits. The same behaviour seen from JS is tested in `tests/api/`.

use std::path::PathBuf;

use asl_sim::error::Failure;
use asl_sim::simulator::*;
use serde_json::{json, Value};

mod nested;
mod tokens;

const PASS: &str =
    r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": true}}}"#;
const FAIL: &str = r#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "SomeFailure", "Cause": "why"}}}"#;

fn sim() -> Simulator {
    Simulator::new("123456789012", "us-east-1", 1)
}

fn create(sim: &mut Simulator, name: &str, definition: &str, machine_type: &str, logging: Option<Value>) -> String {
    let input = CreateStateMachineInput {
        name: name.into(),
        definition: definition.into(),
        machine_type: Some(machine_type.into()),
        logging_configuration: logging.map(|l| LoggingConfiguration::from_json(&l).unwrap()),
        ..Default::default()
    };
    let out = sim.create_state_machine(&input, 1_000).unwrap();
    out["stateMachineArn"].as_str().unwrap().to_string()
}

fn start(machine: &str, input: &str) -> StartExecutionInput {
    StartExecutionInput { state_machine_arn: machine.into(), input: Some(input.into()), ..Default::default() }
}

fn all_logs(sim: &Simulator, exec: &str) -> Vec<Value> {
    let out =
        sim.get_log_events(&GetLogEventsInput { execution_arn: Some(exec.into()), ..Default::default() }).unwrap();
    out["events"].as_array().unwrap().clone()
}

fn types(records: &[Value]) -> Vec<&str> {
    records.iter().map(|r| r["type"].as_str().unwrap()).collect()
}

// ---------------------------------------------------------------------------- recorded on AWS

/// `../shared/conformance/logs`, or `$ASL_CONFORMANCE_DIR/logs`.
fn logs_dir() -> Option<PathBuf> {
    let base = match std::env::var("ASL_CONFORMANCE_DIR") {
        Ok(d) => PathBuf::from(d),
        Err(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"),
    };
    let d = base.join("logs");
    d.is_dir().then_some(d)
}

/// Compares `actual` with AWS's `expected` at `path`: masked paths only need to exist, values at
/// nondeterministic paths only need the same JSON type, JSON-text paths are compared parsed.
fn compare(actual: &Value, expected: &Value, path: &str, case: &Value, diffs: &mut Vec<String>) {
    let listed = |key: &str| case[key].as_array().is_some_and(|a| a.iter().any(|p| p == path));
    if listed("masked_paths") {
        return;
    }
    if listed("nondeterministic_paths") {
        if std::mem::discriminant(actual) != std::mem::discriminant(expected) {
            diffs.push(format!("{path}: {actual} is not of the type of {expected}"));
        }
        return;
    }
    if listed("json_text_paths") {
        match actual.as_str().map(serde_json::from_str::<Value>) {
            Some(Ok(parsed)) if &parsed == expected => {}
            _ => diffs.push(format!("{path}: JSON text {actual}, expected {expected}")),
        }
        return;
    }
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, v) in e {
                match a.get(k) {
                    Some(av) => compare(av, v, &format!("{path}.{k}"), case, diffs),
                    None => diffs.push(format!("{path}.{k}: missing")),
                }
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                diffs.push(format!("{path}.{k}: not in AWS's record"));
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                compare(av, ev, &format!("{path}[{i}]"), case, diffs);
            }
        }
        _ if actual == expected => {}
        _ => diffs.push(format!("{path}: {actual}, expected {expected}")),
    }
}

/// Every logged execution AWS recorded: the simulator writes the same records (the log level,
/// `includeExecutionData`, the details' keys and order of events), or for Express the same last record.
#[test]
fn log_records_match_the_ones_aws_wrote() {
    let Some(dir) = logs_dir() else {
        println!("no ../shared/conformance/logs here; skipped");
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut failures = Vec::new();
    for file in &files {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut sim = Simulator::new("111111111111", "us-east-1", 3);
        let machine_type = case["state_machine_type"].as_str().unwrap_or("STANDARD");
        let input = CreateStateMachineInput {
            name: "logged".into(),
            definition: case["definition"].to_string(),
            machine_type: Some(machine_type.into()),
            role_arn: Some("arn:aws:iam::111111111111:role/sfn-conformance-role".into()),
            logging_configuration: Some(LoggingConfiguration::from_json(&case["logging_configuration"]).unwrap()),
        };
        let machine = sim.create_state_machine(&input, 0).unwrap()["stateMachineArn"].as_str().unwrap().to_string();
        let exec = sim.start_execution(&start(&machine, &case["input"].to_string()), 0).unwrap();
        sim.run_to_end(&exec, &mut |_| None);
        let records = all_logs(&sim, &exec);
        let (actual, expected, path) = match (&case["expected"]["log_records"], &case["expected"]["end_event"]) {
            (Value::Array(_), _) => (Value::Array(records), case["expected"]["log_records"].clone(), "$.log_records"),
            (_, end) => (records.last().cloned().unwrap_or(Value::Null), end.clone(), "$.end_event"),
        };
        let mut diffs = Vec::new();
        compare(&actual, &expected, path, &case, &mut diffs);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", file.display(), diffs.join("\n  ")));
        }
    }
    println!("{} log cases, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------- API shapes

#[test]
fn a_sync_execution_answers_in_aws_shape() {
    let mut sim = sim();
    let m = create(&mut sim, "Hello", PASS, "EXPRESS", None);
    assert_eq!(m, "arn:aws:states:us-east-1:123456789012:stateMachine:Hello");
    let exec = sim.start_sync_execution(&start(&m, r#"{"big": 18446744073709551615}"#), 5_000).unwrap();
    let parts: Vec<&str> = exec.split(':').collect();
    assert_eq!(&parts[..6], ["arn", "aws", "states", "us-east-1", "123456789012", "express"]);
    assert_eq!(parts[6], "Hello");
    assert_eq!(parts.len(), 9, "express:<machine>:<name>:<uuid>: {exec}");
    sim.run_to_end(&exec, &mut |_| None);
    let out = sim.sync_output(&exec, false).unwrap();
    assert_eq!(out["status"], "SUCCEEDED");
    assert_eq!(out["output"], r#"{"Arg1":"argument1"}"#);
    assert_eq!(out["input"], r#"{"big":18446744073709551615}"#, "input is JSON text, integers exact");
    assert_eq!(out["inputDetails"], json!({"included": true}));
    assert_eq!(out["outputDetails"], json!({"included": true}));
    assert_eq!(out["startDate"], 5_000);
    assert_eq!(out["stopDate"], 5_000);
    assert_eq!(out["billingDetails"], json!({"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100}));
    assert_eq!(out["name"], parts[7]);
    let meta = sim.sync_output(&exec, true).unwrap();
    assert!(meta.get("input").is_none() && meta.get("output").is_none());
    assert_eq!(meta["inputDetails"], json!({"included": false}));
}

#[test]
fn express_executions_time_out_at_five_minutes() {
    let mut sim = sim();
    let wait = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}"#;
    let m = create(&mut sim, "Long", wait, "EXPRESS", None);
    let exec = sim.start_sync_execution(&start(&m, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = sim.sync_output(&exec, false).unwrap();
    assert_eq!(out["status"], "TIMED_OUT");
    assert_eq!(out["stopDate"], EXPRESS_MAX_MS);
    assert_eq!(out["billingDetails"]["billedDurationInMilliseconds"], EXPRESS_MAX_MS);
    // Standard machines have no such limit.
    let s = create(&mut sim, "LongStandard", wait, "STANDARD", None);
    let exec = sim.start_execution(&start(&s, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = sim.describe_execution(&ExecutionInput { execution_arn: exec.clone(), included_data: None }).unwrap();
    assert_eq!(out["status"], "SUCCEEDED");
    // It started when the first one ended: the account's clock never goes back.
    assert_eq!((out["startDate"].as_i64(), out["stopDate"].as_i64()), (Some(300_000), Some(900_000)));
    assert!(
        sim.sync_output(&exec, false).unwrap().get("billingDetails").is_none(),
        "Standard is not billed by duration"
    );
}

#[test]
fn api_errors_carry_aws_exception_names() {
    let mut sim = sim();
    let bad = CreateStateMachineInput {
        name: "Bad".into(),
        definition: r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#.into(),
        ..Default::default()
    };
    let e = sim.create_state_machine(&bad, 0).unwrap_err();
    assert_eq!(e.name(), "InvalidDefinition");
    assert!(e.message.starts_with("Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET"), "{}", e.message);
    assert_eq!(e.diagnostics[0]["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(e.diagnostics[0]["location"], "/States/A/Next");

    let not_json = CreateStateMachineInput { name: "Bad".into(), definition: "{".into(), ..Default::default() };
    assert_eq!(sim.create_state_machine(&not_json, 0).unwrap_err().name(), "InvalidDefinition");

    let sync = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn": "x"}, "End": true}}}"#;
    let express = CreateStateMachineInput {
        name: "Sync".into(),
        definition: sync.into(),
        machine_type: Some("EXPRESS".into()),
        ..Default::default()
    };
    let e = sim.create_state_machine(&express, 0).unwrap_err();
    assert_eq!(e.name(), "InvalidDefinition");
    assert!(e.message.contains("Express state machine does not support '.sync' service integration"), "{}", e.message);

    let bad_name = CreateStateMachineInput { name: "a b".into(), definition: PASS.into(), ..Default::default() };
    assert_eq!(sim.create_state_machine(&bad_name, 0).unwrap_err().name(), "InvalidName");
    let bad_type =
        CreateStateMachineInput { name: "Fast".into(), machine_type: Some("FAST".into()), ..bad_name.clone() };
    assert_eq!(sim.create_state_machine(&bad_type, 0).unwrap_err().name(), "ValidationException");

    let standard = create(&mut sim, "Std", PASS, "STANDARD", None);
    assert_eq!(
        sim.start_sync_execution(&start(&standard, "{}"), 0).unwrap_err().name(),
        "StateMachineTypeNotSupported"
    );
    let missing = "arn:aws:states:us-east-1:123456789012:stateMachine:Nope";
    assert_eq!(sim.start_execution(&start(missing, "{}"), 0).unwrap_err().name(), "StateMachineDoesNotExist");
    assert_eq!(sim.start_execution(&start(&standard, "{"), 0).unwrap_err().name(), "InvalidExecutionInput");
    // What AWS answered to StartExecution with these inputs (LocalStack's recorded snapshot
    // test_sfn_api.py::TestSnfApi::test_invalid_start_execution_input): Jackson's messages, and
    // its own words for an empty input.
    for (input, message) in [
        (
            "not some json",
            "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
        ),
        ("{'not': 'json'", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"),
        ("", "Invalid execution input."),
    ] {
        let e = sim.start_execution(&start(&standard, input), 0).unwrap_err();
        assert_eq!((e.name(), e.to_string()), ("InvalidExecutionInput", format!("InvalidExecutionInput: Invalid State Machine Execution Input: '{message}'")), "{input}");
    }
    let none = ExecutionInput { execution_arn: format!("{missing}:x"), included_data: None };
    assert_eq!(sim.describe_execution(&none).unwrap_err().name(), "ExecutionDoesNotExist");

    // Creating the same machine again returns it; a different one under the same name is refused.
    let again = CreateStateMachineInput {
        name: "Std".into(),
        definition: PASS.into(),
        machine_type: Some("STANDARD".into()),
        ..Default::default()
    };
    assert_eq!(sim.create_state_machine(&again, 5).unwrap()["creationDate"], 1_000);
    let other = CreateStateMachineInput { definition: FAIL.into(), ..again };
    assert_eq!(sim.create_state_machine(&other, 5).unwrap_err().name(), "StateMachineAlreadyExists");
}

#[test]
fn validate_state_machine_definition_answers_diagnostics() {
    let sim = sim();
    let ok = sim
        .validate_state_machine_definition(&ValidateStateMachineDefinitionInput {
            definition: PASS.into(),
            machine_type: None,
        })
        .unwrap();
    assert_eq!(ok, json!({"result": "OK", "diagnostics": [], "truncated": false}));
    let bad = sim
        .validate_state_machine_definition(&ValidateStateMachineDefinitionInput {
            definition: r#"{"StartAt": "X", "States": {}}"#.into(),
            machine_type: Some("EXPRESS".into()),
        })
        .unwrap();
    assert_eq!(bad["result"], "FAIL");
    assert_eq!(bad["diagnostics"][0]["severity"], "ERROR");
}

#[test]
fn logging_configurations_are_checked_as_aws_does() {
    let mut sim = sim();
    let two = json!({"level": "ALL", "includeExecutionData": true, "destinations": [
        {"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:a:*"}},
        {"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:b:*"}}]});
    let input = CreateStateMachineInput {
        name: "Two".into(),
        definition: PASS.into(),
        logging_configuration: Some(LoggingConfiguration::from_json(&two).unwrap()),
        ..Default::default()
    };
    let e = sim.create_state_machine(&input, 0).unwrap_err();
    assert_eq!(e.name(), "InvalidLoggingConfiguration");
    assert_eq!(e.message, "Invalid Logging Configuration: Must specify exactly one Log Destination.");
    let bad_level = json!({"level": "DEBUG"});
    let input = CreateStateMachineInput {
        logging_configuration: Some(LoggingConfiguration::from_json(&bad_level).unwrap()),
        ..input
    };
    assert_eq!(sim.create_state_machine(&input, 0).unwrap_err().name(), "ValidationException");

    // One destination: records go to that group; none: to the simulator's own group.
    let one = json!({"level": "ALL", "includeExecutionData": false, "destinations": [
        {"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/my/group:*"}}]});
    let m = create(&mut sim, "One", PASS, "EXPRESS", Some(one));
    let d = create(&mut sim, "Default", PASS, "EXPRESS", Some(json!({"level": "ALL"})));
    let e1 = sim.start_execution(&start(&m, "{}"), 0).unwrap();
    let e2 = sim.start_execution(&start(&d, "{}"), 0).unwrap();
    sim.run_to_end(&e1, &mut |_| None);
    sim.run_to_end(&e2, &mut |_| None);
    let group = |g: &str| {
        let out =
            sim.get_log_events(&GetLogEventsInput { log_group_name: Some(g.into()), ..Default::default() }).unwrap();
        out["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["execution_arn"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(group("/my/group").iter().all(|a| a == &e1) && group("/my/group").len() == 4);
    assert!(group(DEFAULT_LOG_GROUP).iter().all(|a| a == &e2) && group(DEFAULT_LOG_GROUP).len() == 4);
    let missing = GetLogEventsInput { log_group_name: Some("/nope".into()), ..Default::default() };
    assert_eq!(sim.get_log_events(&missing).unwrap_err().name(), "ResourceNotFoundException");
}

#[test]
fn log_levels_and_execution_data_filter_exactly() {
    let machine = r#"{"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Parameters": {"y.$": "$.x"}, "Next": "F"},
        "F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}"#;
    let expect = [
        ("ALL", vec!["ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed"]),
        ("ERROR", vec!["FailStateEntered", "ExecutionFailed"]),
        ("FATAL", vec!["ExecutionFailed"]),
        ("OFF", vec![]),
    ];
    // Kept or not, the history gives the logs the same records (without a kept history, the
    // states' texts are only made for the records that include them: every state event's at ALL,
    // the Fail state's entry at ERROR).
    for ((level, want), keep) in expect.into_iter().flat_map(|e| [(e.clone(), true), (e, false)]) {
        for include in [true, false] {
            let mut sim = sim();
            sim.budgets.express_history = keep;
            let logging = json!({"level": level, "includeExecutionData": include});
            let m = create(&mut sim, "Levels", machine, "EXPRESS", Some(logging));
            let exec = sim.start_execution(&start(&m, r#"{"x": 1}"#), 0).unwrap();
            sim.run_to_end(&exec, &mut |_| None);
            let records = all_logs(&sim, &exec);
            assert_eq!(types(&records), want, "{level} {include}");
            for r in &records {
                let details = r["details"].as_object().unwrap();
                for key in ["input", "inputDetails", "output", "outputDetails"] {
                    let expected = include
                        && matches!(
                            (r["type"].as_str().unwrap(), key),
                            ("ExecutionStarted" | "PassStateEntered" | "FailStateEntered", "input" | "inputDetails")
                                | ("PassStateExited", "output" | "outputDetails")
                        );
                    assert_eq!(details.contains_key(key), expected, "{level} {include} {r}");
                }
            }
            if include && level == "ALL" {
                assert_eq!(records[0]["details"]["input"], r#"{"x":1}"#, "payloads are JSON text");
                assert_eq!(records[1]["details"]["input"], r#"{"x":1}"#, "{keep}");
                assert_eq!(records[2]["details"]["output"], r#"{"y":1}"#, "{keep}");
                assert_eq!(records[3]["details"]["input"], r#"{"y":1}"#, "{keep}");
                assert_eq!(records[0]["id"], "1");
                assert_eq!(records[0]["previous_event_id"], "0");
                assert_eq!(records[0]["redrive_count"], "0");
                assert_eq!(records[0]["event_timestamp"], "0");
            }
            if include && level == "ERROR" {
                assert_eq!(records[0]["details"]["input"], r#"{"y":1}"#, "{keep}");
                assert_eq!(records[0]["details"]["name"], "F");
            }
        }
    }
}

#[test]
fn polling_with_next_forward_token_returns_each_record_once() {
    let mut sim = sim();
    let m = create(&mut sim, "Poll", PASS, "EXPRESS", Some(json!({"level": "ALL"})));
    let first = sim.get_log_events(&GetLogEventsInput::default()).unwrap();
    assert_eq!(first["events"], json!([]));
    let mut token = first["nextForwardToken"].as_str().unwrap().to_string();
    let mut seen = Vec::new();
    for round in 0..3 {
        let exec = sim.start_execution(&start(&m, "{}"), round).unwrap();
        sim.run_to_end(&exec, &mut |_| None);
        loop {
            let page = sim
                .get_log_events(&GetLogEventsInput {
                    next_token: Some(token.clone()),
                    limit: Some(3),
                    ..Default::default()
                })
                .unwrap();
            let next = page["nextForwardToken"].as_str().unwrap().to_string();
            let events = page["events"].as_array().unwrap();
            if events.is_empty() {
                assert_eq!(next, token, "nothing new: the same token");
                break;
            }
            assert!(events.len() <= 3);
            seen.extend(events.iter().map(|r| (r["execution_arn"].as_str().unwrap().to_string(), r["id"].clone())));
            token = next;
        }
    }
    assert_eq!(seen.len(), 12, "3 executions of 4 records each");
    let mut unique = seen.clone();
    unique.sort_by_key(|(a, id)| (a.clone(), id.to_string()));
    unique.dedup();
    assert_eq!(unique.len(), 12, "no record twice");
    let bad = GetLogEventsInput { next_token: Some("f/999".into()), ..Default::default() };
    assert_eq!(sim.get_log_events(&bad).unwrap_err().name(), "InvalidParameterException");
}

#[test]
fn mock_config_test_cases_answer_tasks() {
    let mut sim = sim();
    let def = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1}], "End": true}}}"#;
    let m = create(&mut sim, "Mocked", def, "EXPRESS", None);
    sim.set_mock_config_value(&json!({
        "StateMachines": {"Mocked": {"TestCases": {"Happy": {"Call": "R"}}}},
        "MockedResponses": {"R": {"0": {"Throw": {"Error": "Boom", "Cause": "once"}}, "1": {"Return": {"Payload": 42}}}}
    }))
    .unwrap();
    let exec = sim.start_sync_execution(&start(&format!("{m}#Happy"), "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = sim.sync_output(&exec, false).unwrap();
    assert_eq!(out["status"], "SUCCEEDED");
    assert_eq!(out["output"], r#"{"Payload":42}"#);
    assert_eq!(out["stopDate"], 1_000, "one retry after 1 s");
    assert_eq!(
        sim.start_sync_execution(&start(&format!("{m}#Sad"), "{}"), 0).unwrap_err().name(),
        "ValidationException"
    );
    // Without a test case the handler answers, and a task nothing answers fails.
    let exec = sim.start_sync_execution(&start(&m, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |call| Some(Ok(json!({"handled": call.request.input["FunctionName"]}))));
    let out: Value = serde_json::from_str(sim.sync_output(&exec, false).unwrap()["output"].as_str().unwrap()).unwrap();
    assert_eq!(out["Payload"], json!({"handled": "f"}), "lambda:invoke wraps a handler's payload");
    assert_eq!(out["StatusCode"], 200);
    let exec = sim.start_sync_execution(&start(&m, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = sim.sync_output(&exec, false).unwrap();
    assert_eq!(out["status"], "FAILED");
    assert_eq!(out["error"], "States.TaskFailed");
    let exec = sim.start_sync_execution(&start(&m, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| Some(Err(Failure::custom("Mine", "because"))));
    let out = sim.sync_output(&exec, false).unwrap();
    assert_eq!((out["error"].as_str(), out["cause"].as_str()), (Some("Mine"), Some("because")));
}

#[test]
fn start_execution_quotas_throttle_and_refill() {
    let mut sim = sim();
    sim.quotas = Some(Quotas {
        start_execution_standard: TokenBucket::new(1.0, 1.0),
        start_execution_express: TokenBucket::new(2.0, 1.0),
    });
    let m = create(&mut sim, "Q", PASS, "EXPRESS", None);
    assert!(sim.start_execution(&start(&m, "{}"), 0).is_ok());
    assert!(sim.start_execution(&start(&m, "{}"), 0).is_ok());
    let e = sim.start_execution(&start(&m, "{}"), 0).unwrap_err();
    assert_eq!((e.name(), e.message.as_str()), ("ThrottlingException", "Rate exceeded"));
    assert!(sim.start_sync_execution(&start(&m, "{}"), 0).is_ok(), "StartSyncExecution does not count");
    assert!(sim.start_execution(&start(&m, "{}"), 1_000).is_ok(), "one token a second");
    let d = Quotas::aws_defaults("us-east-1");
    assert_eq!((d.start_execution_standard.bucket_size, d.start_execution_standard.refill_rate), (1300.0, 300.0));
    let d = Quotas::aws_defaults("ap-south-1");
    assert_eq!((d.start_execution_standard.bucket_size, d.start_execution_standard.refill_rate), (800.0, 150.0));
    assert_eq!((d.start_execution_express.bucket_size, d.start_execution_express.refill_rate), (6000.0, 6000.0));
}

#[test]
fn stop_describe_and_history() {
    let mut sim = sim();
    let wait = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}}"#;
    let m = create(&mut sim, "Stop", wait, "STANDARD", Some(json!({"level": "ALL", "includeExecutionData": true})));
    let named = StartExecutionInput { name: Some("run-1".into()), ..start(&m, "{}") };
    let exec = sim.start_execution(&named, 0).unwrap();
    assert_eq!(exec, "arn:aws:states:us-east-1:123456789012:execution:Stop:run-1");
    assert_eq!(sim.start_execution(&named, 0).unwrap(), exec, "idempotent while running");
    let other_input = StartExecutionInput { input: Some("[]".into()), ..named.clone() };
    assert_eq!(sim.start_execution(&other_input, 0).unwrap_err().name(), "ExecutionAlreadyExists");
    let advanced = sim.advance(Some(0), &|_| false, usize::MAX);
    assert_eq!((advanced.now, advanced.wake_at), (0, Some(10_000)), "the Wait is the next timer");
    let stop =
        StopExecutionInput { execution_arn: exec.clone(), error: Some("Oops".into()), cause: Some("stopped".into()) };
    assert_eq!(sim.stop_execution(&stop, 2_000).unwrap(), json!({"stopDate": 2_000}));
    let d = sim.describe_execution(&ExecutionInput { execution_arn: exec.clone(), included_data: None }).unwrap();
    assert_eq!(
        (d["status"].as_str(), d["error"].as_str(), d["cause"].as_str()),
        (Some("ABORTED"), Some("Oops"), Some("stopped"))
    );
    assert_eq!(d["redriveStatus"], "REDRIVABLE");
    let h = sim
        .get_execution_history(&GetExecutionHistoryInput { execution_arn: exec.clone(), ..Default::default() })
        .unwrap();
    let kinds: Vec<&str> = h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]);
    assert_eq!(h["events"][2]["timestamp"], 2_000);
    assert_eq!(h["events"][2]["executionAbortedEventDetails"], json!({"error": "Oops", "cause": "stopped"}));
    assert_eq!(types(&all_logs(&sim, &exec)), kinds, "the logs saw it too");
    let page = sim
        .get_execution_history(&GetExecutionHistoryInput {
            execution_arn: exec.clone(),
            max_results: Some(2),
            reverse_order: Some(true),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page["events"][0]["type"], "ExecutionAborted");
    let rest = sim
        .get_execution_history(&GetExecutionHistoryInput {
            execution_arn: exec,
            max_results: Some(2),
            reverse_order: Some(true),
            next_token: page["nextToken"].as_str().map(String::from),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rest["events"].as_array().unwrap().len(), 1);
    assert!(rest.get("nextToken").is_none());
}

// ---------------------------------------------------------------------------- task tokens

/// A `.waitForTaskToken` task that sends its token (as `$$.Task.Token` in its parameters) to a queue.
fn callback_machine(extra: Value) -> String {
    let mut task = json!({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token", "n.$": "$.n"}},
        "ResultPath": "$.reply",
        "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.rejected", "Next": "Done"}],
        "Next": "Done"});
    for (k, v) in extra.as_object().unwrap() {
        task[k] = v.clone();
    }
    json!({"StartAt": "Ask", "States": {"Ask": task, "Done": {"Type": "Pass", "End": true}}}).to_string()
}

fn history_types(sim: &Simulator, exec: &str) -> Vec<String> {
    let h = sim
        .get_execution_history(&GetExecutionHistoryInput {
            execution_arn: exec.into(),
            max_results: Some(1000),
            ..Default::default()
        })
        .unwrap();
    h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

fn describe(sim: &Simulator, exec: &str) -> Value {
    sim.describe_execution(&ExecutionInput { execution_arn: exec.into(), included_data: None }).unwrap()
}

fn success(token: &str, output: &str) -> SendTaskSuccessInput {
    SendTaskSuccessInput { task_token: token.into(), output: output.into() }
}

fn heartbeat(token: &str) -> SendTaskHeartbeatInput {
    SendTaskHeartbeatInput { task_token: token.into() }
}

/// A Standard execution past its machine's `TimeoutSeconds` is `TIMED_OUT` with no `error` or
/// `cause` in DescribeExecution (as recorded on AWS), while its `ExecutionTimedOut` event names
/// `States.Timeout`.
#[test]
fn a_standard_timeout_has_no_error_in_its_description() {
    let mut sim = sim();
    let def = r#"{"TimeoutSeconds": 5, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}}"#;
    let m = create(&mut sim, "Slow", def, "STANDARD", None);
    let exec = sim.start_execution(&start(&m, "{}"), 0).unwrap();
    assert_eq!(sim.run_to_end(&exec, &mut |_| None), 5_000);
    let d = describe(&sim, &exec);
    assert_eq!(d["status"], "TIMED_OUT");
    assert!(d.get("error").is_none() && d.get("cause").is_none(), "{d}");
    let h = sim.get_execution_history(&GetExecutionHistoryInput { execution_arn: exec, ..Default::default() }).unwrap();
    let last = h["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "ExecutionTimedOut");
    assert_eq!(last["executionTimedOutEventDetails"]["error"], "States.Timeout");
}

/// `$$.Execution.RedriveCount` is 0 in an Express execution started with `StartExecution` and
/// absent from one started with `StartSyncExecution` (as recorded on AWS; issue 14).
#[test]
fn express_redrive_count_depends_on_how_it_started() {
    let mut sim = sim();
    let def = r#"{"StartAt": "C", "States": {"C": {"Type": "Pass", "Parameters": {"e.$": "$$.Execution"}, "OutputPath": "$.e", "End": true}}}"#;
    let m = create(&mut sim, "Ctx", def, "EXPRESS", None);
    let context = |sim: &mut Simulator, arn: &str| -> Value {
        sim.run_to_end(arn, &mut |_| None);
        serde_json::from_str(sim.sync_output(arn, false).unwrap()["output"].as_str().unwrap()).unwrap()
    };
    let asynchronous = sim.start_execution(&start(&m, "{}"), 0).unwrap();
    assert_eq!(context(&mut sim, &asynchronous)["RedriveCount"], 0);
    let synchronous = sim.start_sync_execution(&start(&m, "{}"), 0).unwrap();
    assert!(context(&mut sim, &synchronous).get("RedriveCount").is_none());
}
