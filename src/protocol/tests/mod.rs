//! The wire protocol end to end on an account: exact bodies and AWS's error texts.

use serde_json::{json, Value};

use super::{handle, resume, Reply, Response};
use crate::simulator::Simulator;

const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const PASS: &str = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": 1}, "End": true}}}"#;

fn sim() -> Simulator {
    let mut s = Simulator::new("123456789012", "us-east-1", 0);
    s.set_now(1_704_067_200_000);
    s
}

/// Sends a request and, when it waits, runs the account on the virtual clock until it is answered.
fn send(sim: &mut Simulator, op: &str, body: Value) -> Response {
    let target = if op.contains('.') { op.to_string() } else { format!("AWSStepFunctions.{op}") };
    let now = sim.now();
    match handle(sim, Some(&target), body.to_string().as_bytes(), now, 0) {
        Reply::Done(r) => r,
        Reply::Wait(w) => loop {
            let a = sim.advance(None, &|_| false, usize::MAX);
            if let Some(r) = resume(sim, &w, a.now, 0) {
                return r;
            }
            assert!(!a.is_quiet() || w.deadline().is_some(), "the wait never ends");
            if let Some(r) = resume(sim, &w, a.now, i64::MAX) {
                return r;
            }
        },
    }
}

fn ok(sim: &mut Simulator, op: &str, body: Value) -> Value {
    let r = send(sim, op, body);
    assert_eq!(r.status, 200, "{op}: {}", String::from_utf8_lossy(&r.body));
    r.json()
}

/// The error's `__type` name (after `#`) and message.
fn err(sim: &mut Simulator, op: &str, body: Value) -> (String, String) {
    let r = send(sim, op, body);
    assert_eq!(r.status, 400, "{op}: {}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    let t = v["__type"].as_str().unwrap_or_default();
    (t.rsplit('#').next().unwrap_or_default().to_string(), v["message"].as_str().unwrap_or_default().to_string())
}

fn machine(sim: &mut Simulator, name: &str, kind: &str, definition: &str) -> String {
    let out = ok(
        sim,
        "CreateStateMachine",
        json!({"name": name, "definition": definition, "roleArn": ROLE, "type": kind,
        "loggingConfiguration": {"level": "ALL", "includeExecutionData": true, "destinations": [{"cloudWatchLogsLogGroup":
        {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/states/test:*"}}]}}),
    );
    out["stateMachineArn"].as_str().unwrap().to_string()
}

#[test]
fn requests_outside_the_protocol_are_refused_by_name() {
    let mut s = sim();
    let r = match handle(&mut s, Some("DynamoDB_20120810.PutItem"), b"{}", 0, 0) {
        Reply::Done(r) => r,
        Reply::Wait(_) => panic!("no wait"),
    };
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["__type"], "com.amazon.coral.service#UnknownOperationException");
    assert!(r.json()["message"].as_str().unwrap().contains("'DynamoDB_20120810.PutItem'"));
    assert_eq!(err(&mut s, "Logs_20140328.PutLogEvents", json!({})).0, "UnknownOperationException");
    assert_eq!(err(&mut s, "NoSuchOperation", json!({})).0, "UnknownOperationException");
    let r = match handle(&mut s, Some("AWSStepFunctions.ListStateMachines"), b"{not json", 0, 0) {
        Reply::Done(r) => r,
        Reply::Wait(_) => panic!("no wait"),
    };
    assert_eq!(r.json()["__type"], "com.amazon.coral.service#SerializationException");
    assert_eq!(err(&mut s, "ListStateMachines", json!({"maxResults": "ten"})).0, "SerializationException");
    assert_eq!(
        err(&mut s, "StartExecution", json!({})),
        (
            "ValidationException".into(),
            "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must \
             not be null"
                .into()
        )
    );
    assert_eq!(
        err(&mut s, "ListStateMachines", json!({"maxResults": 1001})).1,
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have \
         value less than or equal to 1000"
    );
    assert_eq!(
        err(&mut s, "ListExecutions", json!({"stateMachineArn": "arn:x", "statusFilter": "succeeded"})).1,
        "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must \
         satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
    );
    assert_eq!(
        err(&mut s, "Logs_20140328.CreateLogGroup", json!({"logGroupName": "a:b"})),
        (
            "InvalidParameterException".into(),
            "1 validation error detected: Value 'a:b' at 'logGroupName' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
                .into()
        )
    );
}

#[test]
fn state_machines_are_created_described_updated_listed_and_deleted() {
    let mut s = sim();
    let created = ok(&mut s, "CreateStateMachine", json!({"name": "M", "definition": PASS, "roleArn": ROLE}));
    let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:M";
    assert_eq!(created, json!({"stateMachineArn": arn, "creationDate": 1_704_067_200.0}));
    assert_eq!(
        ok(&mut s, "DescribeStateMachine", json!({"stateMachineArn": arn})),
        json!({"stateMachineArn": arn, "name": "M", "status": "ACTIVE", "definition": PASS, "roleArn": ROLE,
            "type": "STANDARD", "creationDate": 1_704_067_200.0,
            "loggingConfiguration": {"level": "OFF", "includeExecutionData": false},
            "tracingConfiguration": {"enabled": false}, "encryptionConfiguration": {"type": "AWS_OWNED_KEY"}})
    );
    assert_eq!(
        err(&mut s, "CreateStateMachine", json!({"name": "M", "definition": PASS.replace('1', "2"), "roleArn": ROLE})),
        ("StateMachineAlreadyExists".into(), format!("State Machine Already Exists: '{arn}'"))
    );
    assert_eq!(
        err(&mut s, "DescribeStateMachine", json!({"stateMachineArn": "not_a_valid_arn"})),
        ("InvalidArn".into(), "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'".into())
    );
    assert_eq!(
        err(&mut s, "UpdateStateMachine", json!({"stateMachineArn": arn})),
        (
            "MissingRequiredParameter".into(),
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be \
             specified"
                .into()
        )
    );
    let updated =
        ok(&mut s, "UpdateStateMachine", json!({"stateMachineArn": arn, "definition": PASS.replace('1', "2")}));
    let revision = updated["revisionId"].as_str().unwrap().to_string();
    assert_eq!(updated["updateDate"], 1_704_067_200.0);
    assert_eq!(ok(&mut s, "DescribeStateMachine", json!({"stateMachineArn": arn}))["revisionId"], revision);
    ok(&mut s, "CreateStateMachine", json!({"name": "A", "definition": PASS, "roleArn": ROLE, "type": "EXPRESS"}));
    let listed = ok(&mut s, "ListStateMachines", json!({"maxResults": 1}));
    assert_eq!(listed["stateMachines"][0]["name"], "A");
    let next = ok(&mut s, "ListStateMachines", json!({"nextToken": listed["nextToken"]}));
    assert_eq!(
        next,
        json!({"stateMachines": [{"stateMachineArn": arn, "name": "M", "type": "STANDARD",
        "creationDate": 1_704_067_200.0}]})
    );
    assert_eq!(err(&mut s, "ListStateMachines", json!({"nextToken": "bogus"})).1, "Invalid Token: 'Invalid token'");
    assert_eq!(ok(&mut s, "DeleteStateMachine", json!({"stateMachineArn": arn})), json!({}));
    assert_eq!(ok(&mut s, "DeleteStateMachine", json!({"stateMachineArn": arn})), json!({}));
    assert_eq!(
        err(&mut s, "StartExecution", json!({"stateMachineArn": arn})),
        ("StateMachineDoesNotExist".into(), format!("State Machine Does Not Exist: '{arn}'"))
    );
}

#[test]
fn express_sync_executions_answer_when_they_end() {
    let mut s = sim();
    let wait = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "Next": "P"},
        "P": {"Type": "Pass", "End": true}}}"#;
    let arn = machine(&mut s, "Sync", "EXPRESS", wait);
    let out = ok(&mut s, "StartSyncExecution", json!({"stateMachineArn": arn, "input": "{\"a\":1}", "name": "run"}));
    let exec = out["executionArn"].as_str().unwrap().to_string();
    assert!(exec.starts_with("arn:aws:states:us-east-1:123456789012:express:Sync:run:"), "{exec}");
    assert_eq!(
        out,
        json!({"executionArn": exec, "stateMachineArn": arn, "name": "run", "startDate": 1_704_067_200.0,
            "stopDate": 1_704_067_202.0, "status": "SUCCEEDED", "input": "{\"a\":1}", "inputDetails": {"included": true},
            "output": "{\"a\":1}", "outputDetails": {"included": true},
            "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 2000}})
    );
    let express = "Invalid Arn: 'Resource type not valid in this context: express'";
    for op in ["DescribeExecution", "StopExecution", "GetExecutionHistory", "DescribeStateMachineForExecution"] {
        assert_eq!(err(&mut s, op, json!({"executionArn": exec})), ("InvalidArn".into(), express.into()), "{op}");
    }
    assert_eq!(
        err(&mut s, "ListExecutions", json!({"stateMachineArn": arn})),
        ("StateMachineTypeNotSupported".into(), "This operation is not supported by this type of state machine".into())
    );
    let standard = machine(&mut s, "Std", "STANDARD", PASS);
    assert_eq!(
        err(&mut s, "StartSyncExecution", json!({"stateMachineArn": standard})).0,
        "StateMachineTypeNotSupported"
    );
    assert_eq!(
        err(&mut s, "StartExecution", json!({"stateMachineArn": standard, "input": "not some json"})).0,
        "InvalidExecutionInput"
    );
}

#[test]
fn standard_executions_are_described_listed_and_paged() {
    let mut s = sim();
    let arn = machine(&mut s, "Std", "STANDARD", PASS);
    let mut execs = Vec::new();
    for i in 0..3 {
        let started = ok(&mut s, "StartExecution", json!({"stateMachineArn": arn, "name": format!("e{i}")}));
        assert_eq!(started.as_object().unwrap().len(), 2);
        execs.push(started["executionArn"].as_str().unwrap().to_string());
    }
    s.run_virtual(None, &mut |_| None);
    let d = ok(&mut s, "DescribeExecution", json!({"executionArn": execs[0]}));
    assert_eq!(
        d,
        json!({"executionArn": execs[0], "stateMachineArn": arn, "name": "e0", "startDate": 1_704_067_200.0,
            "stopDate": 1_704_067_200.0, "status": "SUCCEEDED", "input": "{}", "inputDetails": {"included": true},
            "output": "{\"ok\":1}", "outputDetails": {"included": true}, "redriveCount": 0,
            "redriveStatus": "NOT_REDRIVABLE", "redriveStatusReason": "Execution is SUCCEEDED and cannot be redriven"})
    );
    let page = ok(&mut s, "ListExecutions", json!({"stateMachineArn": arn, "maxResults": 2}));
    let names: Vec<&str> = page["executions"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["e2", "e1"], "newest first");
    let rest = ok(&mut s, "ListExecutions", json!({"stateMachineArn": arn, "nextToken": page["nextToken"]}));
    assert_eq!(rest["executions"][0]["name"], "e0");
    assert!(rest.get("nextToken").is_none());
    let none = ok(&mut s, "ListExecutions", json!({"stateMachineArn": arn, "statusFilter": "FAILED"}));
    assert_eq!(none, json!({"executions": []}));
    let h = ok(&mut s, "GetExecutionHistory", json!({"executionArn": execs[0], "maxResults": 2}));
    assert_eq!(
        h["events"][0],
        json!({"timestamp": 1_704_067_200.0, "type": "ExecutionStarted", "id": 1,
        "previousEventId": 0, "executionStartedEventDetails": {"input": "{}", "inputDetails": {"truncated": false},
        "roleArn": ROLE}})
    );
    let h2 = ok(&mut s, "GetExecutionHistory", json!({"executionArn": execs[0], "nextToken": h["nextToken"]}));
    let kinds: Vec<&str> = h2["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["PassStateExited", "ExecutionSucceeded"]);
    let rev =
        ok(&mut s, "GetExecutionHistory", json!({"executionArn": execs[0], "reverseOrder": true, "maxResults": 1}));
    assert_eq!(rev["events"][0]["type"], "ExecutionSucceeded");
    assert_eq!(
        err(
            &mut s,
            "DescribeExecution",
            json!({"executionArn": format!("{arn}x").replace("stateMachine", "execution")})
        )
        .0,
        "ExecutionDoesNotExist"
    );
    let d = ok(&mut s, "DescribeStateMachineForExecution", json!({"executionArn": execs[0]}));
    assert_eq!((d["definition"].as_str(), d["updateDate"].as_f64()), (Some(PASS), Some(1_704_067_200.0)));
}

mod logs;
mod resources;
mod runs;

#[test]
fn described_machines_list_the_variables_their_states_read() {
    // Recorded on AWS (LocalStack snapshot test_base_variable_references_in_assign_templates
    // [BASE_REFERENCE_IN_PARAMETERS]): a literal "$result" reads nothing, "result.$" does.
    let mut s = sim();
    let def = r#"{"StartAt": "State0", "States": {
        "State0": {"Type": "Pass", "Parameters": {"result": "$result"}, "Assign": {"result": "foobar"}, "Next": "State1"},
        "State1": {"Type": "Pass", "ResultPath": "$.result", "Parameters": {"result.$": "$result"}, "End": true}}}"#;
    let arn = machine(&mut s, "Refs", "STANDARD", def);
    let described = ok(&mut s, "DescribeStateMachine", json!({"stateMachineArn": arn}));
    assert_eq!(described["variableReferences"], json!({"State1": ["result"]}));
    let exec = ok(&mut s, "StartExecution", json!({"stateMachineArn": arn}))["executionArn"].clone();
    let for_exec = ok(&mut s, "DescribeStateMachineForExecution", json!({"executionArn": exec}));
    assert_eq!(for_exec["variableReferences"], json!({"State1": ["result"]}));
    // AWS leaves the member out when no state reads a variable.
    let plain = machine(&mut s, "Plain", "STANDARD", PASS);
    let described = ok(&mut s, "DescribeStateMachine", json!({"stateMachineArn": plain}));
    assert!(described.get("variableReferences").is_none(), "{described}");
}
