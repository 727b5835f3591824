//! Redrive and Map Runs over the wire.

use serde_json::{json, Value};

use super::{err, machine, ok, sim};
use crate::error::Failure;

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

#[test]
fn failed_executions_redrive_from_the_failed_state() {
    let mut s = sim();
    let def = format!(
        r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Next": "T"}},
        "T": {{"Type": "Task", "Resource": "{FN}", "Next": "C"}},
        "C": {{"Type": "Pass", "Parameters": {{"redrives.$": "$$.Execution.RedriveCount"}}, "End": true}}}}}}"#
    );
    let arn = machine(&mut s, "R", "STANDARD", &def);
    let exec = ok(&mut s, "StartExecution", json!({"stateMachineArn": arn, "name": "r1"}))["executionArn"].clone();
    s.run_virtual(None, &mut |_| Some(Err(Failure::custom("Boom", "first try"))));
    let d = ok(&mut s, "DescribeExecution", json!({"executionArn": exec}));
    assert_eq!((d["status"].as_str(), d["redriveStatus"].as_str()), (Some("FAILED"), Some("REDRIVABLE")));
    assert!(d.get("redriveStatusReason").is_none());
    let r = ok(&mut s, "RedriveExecution", json!({"executionArn": exec}));
    assert_eq!(r, json!({"redriveDate": 1_704_067_200.0}));
    assert_eq!(ok(&mut s, "DescribeExecution", json!({"executionArn": exec}))["status"], "RUNNING");
    s.run_virtual(None, &mut |call| Some(Ok(json!({"retry": call.request.retry_count}))));
    let d = ok(&mut s, "DescribeExecution", json!({"executionArn": exec}));
    assert_eq!((d["status"].as_str(), d["redriveCount"].as_i64()), (Some("SUCCEEDED"), Some(1)));
    assert_eq!(d["output"], "{\"redrives\":1}", "the context object counts the redrive");
    assert_eq!(d["redriveDate"], 1_704_067_200.0);
    let h = ok(&mut s, "GetExecutionHistory", json!({"executionArn": exec}));
    let kinds: Vec<&str> = h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "ExecutionFailed",
            "ExecutionRedriven",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(h["events"][8]["executionRedrivenEventDetails"], json!({"redriveCount": 1}));
    assert_eq!(h["events"][9]["previousEventId"], 9);
    let listed = ok(&mut s, "ListExecutions", json!({"stateMachineArn": arn, "redriveFilter": "REDRIVEN"}));
    assert_eq!(listed["executions"][0]["redriveCount"], 1);
    // The log records after the redrive count it.
    let logs = s.logs();
    assert_eq!(logs.first().map(|r| r.message["redrive_count"].clone()), Some(json!("0")));
    assert_eq!(logs.last().map(|r| r.message["redrive_count"].clone()), Some(json!("1")));
    assert_eq!(
        err(&mut s, "RedriveExecution", json!({"executionArn": exec})),
        (
            "ExecutionNotRedrivable".into(),
            "Execution Not Redrivable: 'Execution is SUCCEEDED and cannot be redriven'".into()
        )
    );
}

#[test]
fn distributed_maps_record_map_runs() {
    let mut s = sim();
    let def = format!(
        r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": {{
        "ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}, "StartAt": "T",
        "States": {{"T": {{"Type": "Task", "Resource": "{FN}", "End": true}}}}}}, "Label": "L", "End": true}}}}}}"#
    );
    let arn = machine(&mut s, "D", "STANDARD", &def);
    let exec =
        ok(&mut s, "StartExecution", json!({"stateMachineArn": arn, "input": "[1, 2, 3]"}))["executionArn"].clone();
    let a = s.advance(None, &|_| true, usize::MAX);
    assert_eq!(a.calls.len(), 1, "MaxConcurrency 1");
    let runs = ok(&mut s, "ListMapRuns", json!({"executionArn": exec}));
    let run = runs["mapRuns"][0]["mapRunArn"].as_str().unwrap().to_string();
    assert!(run.starts_with("arn:aws:states:us-east-1:123456789012:mapRun:D/L:"), "{run}");
    assert_eq!(runs["mapRuns"][0]["stateMachineArn"], "arn:aws:states:us-east-1:123456789012:stateMachine:D/L");
    let d = ok(&mut s, "DescribeMapRun", json!({"mapRunArn": run}));
    assert_eq!(d["status"], "RUNNING");
    assert_eq!(
        d["itemCounts"],
        json!({"pending": 2, "running": 1, "succeeded": 0, "failed": 0, "timedOut": 0,
        "aborted": 0, "total": 3, "resultsWritten": 0})
    );
    assert_eq!((d["maxConcurrency"].as_i64(), d["toleratedFailurePercentage"].as_f64()), (Some(1), Some(0.0)));
    ok(&mut s, "UpdateMapRun", json!({"mapRunArn": run, "maxConcurrency": 0}));
    let mut calls = a.calls;
    let b = s.advance(None, &|_| true, usize::MAX);
    calls.extend(b.calls);
    assert_eq!(calls.len(), 3, "the rest start once the concurrency grew");
    for c in &calls {
        s.answer_task(c, Some(Ok(Value::Null)), s.now());
    }
    s.run_virtual(None, &mut |_| Some(Ok(Value::Null)));
    let d = ok(&mut s, "DescribeMapRun", json!({"mapRunArn": run}));
    assert_eq!((d["status"].as_str(), d["itemCounts"]["succeeded"].as_i64()), (Some("SUCCEEDED"), Some(3)));
    assert_eq!(d["executionArn"], exec);
    assert!(d.get("stopDate").is_some());
    assert_eq!(
        err(&mut s, "DescribeMapRun", json!({"mapRunArn": format!("{run}x")})),
        ("ResourceNotFound".into(), format!("Resource not found: '{run}x'"))
    );
    assert_eq!(err(&mut s, "ListExecutions", json!({"mapRunArn": run})).0, "ValidationException");
}
