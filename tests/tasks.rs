//! Task states driven by hand through the sans-IO API: timeouts, heartbeats, task tokens and
//! retry jitter on the virtual clock.

use serde_json::{json, Value};

use asl_sim::error::Failure;
use asl_sim::exec::{Execution, MachineType, Poll, Status, TaskRequest};
use asl_sim::simulator::responses::stop_time;
use asl_sim::simulator::HandlerCall;

mod common;
use common::T0;

fn start(def: Value, seed: u64) -> Execution {
    let mut c = common::config(MachineType::Standard);
    c.seed = seed;
    common::execution(&def, json!({"k": 1}), c)
}

fn task(p: Poll) -> TaskRequest {
    match p {
        Poll::Task(t) => *t,
        other => panic!("expected a task, got {other:?}"),
    }
}

fn kinds(e: &Execution) -> Vec<&str> {
    e.events().iter().map(|e| e.kind).collect()
}

#[test]
fn task_timeout_fires_on_the_virtual_clock() {
    let mut e = start(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "TimeoutSeconds": 10, "End": true}}}),
        0,
    );
    let t = task(e.poll(T0));
    assert_eq!(t.timeout_seconds, Some(10.0));
    // The driver has not answered: the executor wants to wake at the deadline.
    assert_eq!(e.poll(T0), Poll::WakeAt(T0 + 10_000));
    assert_eq!(e.poll(T0 + 10_000), Poll::Done);
    assert_eq!(e.status(), Status::Failed);
    assert_eq!(e.failure(), Some(&Failure::custom("States.Timeout", "")));
    assert_eq!(kinds(&e)[4], "TaskTimedOut");
    // A late answer is ignored.
    e.complete_task(t.id, Ok(json!(1)), T0 + 20_000);
    assert_eq!(e.status(), Status::Failed);
}

#[test]
fn heartbeats_keep_a_task_alive_until_they_stop() {
    let mut e = start(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "HeartbeatSeconds": 5, "End": true}}}),
        3,
    );
    let t = task(e.poll(T0));
    let token = t.task_token.clone().expect("a waitForTaskToken task has a token");
    assert_eq!(token.len(), 64);
    assert_eq!(e.task_for_token(&token), Some(t.id));
    assert_eq!(e.task_for_token("no such token"), None);
    assert_eq!(t.input["MessageBody"]["token"], json!(token));
    assert_eq!(e.poll(T0 + 4_000), Poll::WakeAt(T0 + 5_000));
    assert!(e.heartbeat(t.id, T0 + 4_000));
    assert_eq!(e.poll(T0 + 5_000), Poll::WakeAt(T0 + 9_000));
    assert_eq!(e.poll(T0 + 9_000), Poll::Done);
    assert_eq!(e.failure(), Some(&Failure::custom("States.HeartbeatTimeout", "")));
    assert_eq!(
        kinds(&e),
        ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskTimedOut", "ExecutionFailed"]
    );
    assert!(!e.heartbeat(t.id, T0 + 10_000));
}

#[test]
fn a_task_answer_completes_the_state() {
    let mut e = start(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "ResultPath": "$.out", "End": true}}}),
        0,
    );
    let t = task(e.poll(T0));
    assert_eq!(t.input, json!({"k": 1}));
    e.complete_task(t.id, Ok(json!({"ok": true})), T0 + 1_500);
    assert_eq!(e.poll(T0 + 1_500), Poll::Done);
    assert_eq!(e.output(), Some(&json!({"k": 1, "out": {"ok": true}})));
    assert_eq!(
        kinds(&e),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(e.events().last().map(|e| e.timestamp), Some(T0 + 1_500));
}

/// Full jitter picks each delay at random in [0, delay]: the same seed gives the same times.
#[test]
fn retry_jitter_is_reproducible_by_seed() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 60, "MaxAttempts": 3, "JitterStrategy": "FULL"}], "End": true}}});
    let stop = |seed: u64| {
        let mut fail = |_: &HandlerCall| Some(Err(Failure::custom("Boom", "")));
        let (sim, arn) = common::run(&def, MachineType::Standard, &json!({}), seed, &mut fail).unwrap();
        let e = sim.execution(&arn).unwrap();
        assert_eq!(e.status(), Status::Failed);
        stop_time(e) - T0
    };
    let (a, b, c) = (stop(1), stop(1), stop(2));
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Without jitter the delays would be 60 + 120 + 240 s; with full jitter each is at most that.
    assert!((0..=420_000).contains(&a), "{a}");
}

/// A handler returns the function's payload: `lambda:invoke` wraps it in the Invoke response
/// (so `$.Payload` selects it, as on AWS), a plain function ARN returns it as it is.
#[test]
fn lambda_invoke_wraps_a_handler_payload() {
    let def = json!({"StartAt": "Invoke", "States": {
        "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "greet", "Payload.$": "$"}, "ResultSelector": {"p.$": "$.Payload", "code.$": "$.StatusCode"},
                   "ResultPath": "$.invoke", "Next": "Plain"},
        "Plain": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet", "ResultPath": "$.plain", "End": true}}});
    // The handler sees the task input: for lambda:invoke that is {FunctionName, Payload}.
    let mut handler = |call: &HandlerCall| {
        let req = &call.request;
        let k = if req.resource.ends_with("lambda:invoke") { &req.input["Payload"]["k"] } else { &req.input["k"] };
        Some(Ok(json!({"hello": k})))
    };
    let (sim, arn) = common::run(&def, MachineType::Standard, &json!({"k": 1}), 0, &mut handler).unwrap();
    let e = sim.execution(&arn).unwrap();
    assert_eq!(e.output(), Some(&json!({"k": 1, "invoke": {"p": {"hello": 1}, "code": 200}, "plain": {"hello": 1}})));
}
