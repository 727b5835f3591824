//! Nested workflows in the account: `states:startExecution` (`.sync`, `.sync:2`, request-response,
//! `.waitForTaskToken`) and `aws-sdk:sfn:startSyncExecution`.

use super::*;

const CHILD: &str = r#"{"StartAt": "W", "States": {
    "W": {"Type": "Wait", "Seconds": 10, "Next": "P"},
    "P": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}}"#;

fn parent(resource: &str, child: &str, extra: Value) -> String {
    let mut task = json!({"Type": "Task", "Resource": resource,
        "Parameters": {"StateMachineArn": child, "Input": {"n.$": "$.n"}, "Name": "kid"}, "End": true});
    for (k, v) in extra.as_object().unwrap() {
        task[k] = v.clone();
    }
    json!({"StartAt": "Call", "States": {"Call": task}}).to_string()
}

fn output(sim: &Simulator, exec: &str) -> Value {
    serde_json::from_str(describe(sim, exec)["output"].as_str().unwrap()).unwrap()
}

/// `.sync:2` waits for the child and answers its DescribeExecution with the payloads parsed; the
/// child runs on the same virtual clock and has its own history.
#[test]
fn sync2_runs_the_child_and_answers_its_output_as_json() {
    let mut sim = sim();
    let child = create(&mut sim, "Child", CHILD, "STANDARD", None);
    let p = create(
        &mut sim,
        "Parent",
        &parent("arn:aws:states:::states:startExecution.sync:2", &child, json!({})),
        "STANDARD",
        None,
    );
    let exec = sim.start_execution(&start(&p, r#"{"n": 21}"#), 0).unwrap();
    assert_eq!(sim.run_to_end(&exec, &mut |_| None), 10_000, "the parent waited for the child's 10 s");
    let out = output(&sim, &exec);
    let kid = "arn:aws:states:us-east-1:123456789012:execution:Child:kid";
    assert_eq!(out["ExecutionArn"], kid);
    assert_eq!(out["Output"], json!({"doubled": 42}), "parsed: {out}");
    assert_eq!(out["Input"], json!({"n": 21}));
    assert_eq!(out["OutputDetails"], json!({"Included": true}));
    assert_eq!(
        (out["Status"].as_str(), out["StartDate"].as_i64(), out["StopDate"].as_i64()),
        (Some("SUCCEEDED"), Some(0), Some(10_000))
    );
    assert_eq!((out["Name"].as_str(), out["StateMachineArn"].as_str()), (Some("kid"), Some(child.as_str())));
    assert_eq!(
        history_types(&sim, kid),
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        history_types(&sim, &exec),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}

/// `.sync` answers the same with `Input` and `Output` as JSON text; the Express child's result
/// comes the same way.
#[test]
fn sync_answers_the_child_output_as_text() {
    let mut sim = sim();
    let child = create(&mut sim, "Child", CHILD, "EXPRESS", None);
    let p = create(
        &mut sim,
        "Parent",
        &parent("arn:aws:states:::states:startExecution.sync", &child, json!({})),
        "STANDARD",
        None,
    );
    let exec = sim.start_execution(&start(&p, r#"{"n": 2}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = output(&sim, &exec);
    assert_eq!(out["Output"], r#"{"doubled":4}"#);
    assert_eq!(out["Input"], r#"{"n":2}"#);
    assert!(out["ExecutionArn"].as_str().unwrap().contains(":express:Child:kid:"), "{out}");
}

/// Request-response answers `StartExecution`'s response at once; the child goes on by itself.
#[test]
fn request_response_answers_the_execution_arn_and_start_date() {
    let mut sim = sim();
    let child = create(&mut sim, "Child", CHILD, "STANDARD", None);
    let p = create(
        &mut sim,
        "Parent",
        &parent(
            "arn:aws:states:::states:startExecution",
            &child,
            json!({"ResultSelector": {"arn.$": "$.ExecutionArn", "date.$": "$.StartDate", "status.$": "$.SdkHttpMetadata.HttpStatusCode"}}),
        ),
        "STANDARD",
        None,
    );
    let exec = sim.start_execution(&start(&p, r#"{"n": 1}"#), 3_000).unwrap();
    assert_eq!(sim.run_to_end(&exec, &mut |_| None), 3_000, "the parent did not wait");
    let kid = "arn:aws:states:us-east-1:123456789012:execution:Child:kid";
    assert_eq!(output(&sim, &exec), json!({"arn": kid, "date": 3_000, "status": 200}));
    assert_eq!(describe(&sim, kid)["status"], "RUNNING");
    sim.run_virtual(None, &mut |_| None);
    assert_eq!(describe(&sim, kid)["stopDate"], 13_000);
}

/// A child that fails fails the parent's `.sync` task with `States.TaskFailed`, its cause the
/// child's description; a child machine that does not exist fails it with the API's error.
#[test]
fn failing_or_missing_children_fail_the_task() {
    let mut sim = sim();
    let child = create(&mut sim, "Child", FAIL, "STANDARD", None);
    let p = create(
        &mut sim,
        "Parent",
        &parent("arn:aws:states:::states:startExecution.sync:2", &child, json!({})),
        "STANDARD",
        None,
    );
    let exec = sim.start_execution(&start(&p, r#"{"n": 1}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let d = describe(&sim, &exec);
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.TaskFailed")));
    let cause: Value = serde_json::from_str(d["cause"].as_str().unwrap()).unwrap();
    assert_eq!(
        (cause["Status"].as_str(), cause["Error"].as_str(), cause["Cause"].as_str()),
        (Some("FAILED"), Some("SomeFailure"), Some("why"))
    );
    assert_eq!(cause["ExecutionArn"], "arn:aws:states:us-east-1:123456789012:execution:Child:kid");

    // A child that is stopped is a child that did not succeed.
    let stuck = create(&mut sim, "Stuck", &callback_machine(json!({})), "STANDARD", None);
    let p = create(
        &mut sim,
        "ParentOfStuck",
        &parent("arn:aws:states:::states:startExecution.sync", &stuck, json!({})),
        "STANDARD",
        None,
    );
    let exec = sim.start_execution(&start(&p, r#"{"n": 1}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    assert_eq!(describe(&sim, &exec)["status"], "RUNNING", "the child waits for a token");
    let kid = "arn:aws:states:us-east-1:123456789012:execution:Stuck:kid";
    sim.stop_execution(
        &StopExecutionInput { execution_arn: kid.into(), error: Some("Enough".into()), cause: None },
        7_000,
    )
    .unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let d = describe(&sim, &exec);
    assert_eq!(
        (d["status"].as_str(), d["error"].as_str(), d["stopDate"].as_i64()),
        (Some("FAILED"), Some("States.TaskFailed"), Some(7_000))
    );
    let cause: Value = serde_json::from_str(d["cause"].as_str().unwrap()).unwrap();
    assert_eq!((cause["Status"].as_str(), cause["Error"].as_str()), (Some("ABORTED"), Some("Enough")));

    let missing = "arn:aws:states:us-east-1:123456789012:stateMachine:Nope";
    let def = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn": missing},
            "Catch": [{"ErrorEquals": ["StepFunctions.StateMachineDoesNotExistException"], "Next": "Caught"}], "End": true},
        "Caught": {"Type": "Pass", "End": true}}});
    let p = create(&mut sim, "Lost", &def.to_string(), "STANDARD", None);
    let exec = sim.start_execution(&start(&p, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = output(&sim, &exec);
    assert_eq!(out["Error"], "StepFunctions.StateMachineDoesNotExistException");
    let cause = out["Cause"].as_str().unwrap();
    assert!(cause.starts_with(&format!("State Machine Does Not Exist: '{missing}' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist;")), "{cause}");
}

/// `aws-sdk:sfn:startSyncExecution` runs an Express child and answers StartSyncExecution's
/// response in the SDK integration's casing, failed or not; a Standard child is refused.
#[test]
fn sdk_start_sync_execution_answers_the_express_result() {
    let mut sim = sim();
    let child = create(&mut sim, "Child", CHILD, "EXPRESS", None);
    let failing = create(&mut sim, "Failing", FAIL, "EXPRESS", None);
    let standard = create(&mut sim, "Standard", CHILD, "STANDARD", None);
    let resource = "arn:aws:states:::aws-sdk:sfn:startSyncExecution";
    for (parent_type, start_date, stop_date) in [
        ("STANDARD", "1970-01-01T00:00:01.000Z", "1970-01-01T00:00:11.000Z"),
        ("EXPRESS", "1970-01-01T00:00:11.000Z", "1970-01-01T00:00:21.000Z"),
    ] {
        let p =
            create(&mut sim, &format!("Parent{parent_type}"), &parent(resource, &child, json!({})), parent_type, None);
        let exec = sim.start_execution(&start(&p, r#"{"n": 5}"#), 1_000).unwrap();
        let started = describe(&sim, &exec)["startDate"].as_i64().unwrap();
        assert_eq!(sim.run_to_end(&exec, &mut |_| None) - started, 10_000, "{parent_type}");
        let out = output(&sim, &exec);
        assert_eq!(out["Status"], "SUCCEEDED");
        assert_eq!(out["Output"], r#"{"doubled":10}"#, "JSON text");
        assert_eq!(out["StartDate"], start_date, "the SDK's dates");
        assert_eq!(out["StopDate"], stop_date);
        assert_eq!(out["BillingDetails"], json!({"BilledMemoryUsedInMB": 64, "BilledDurationInMilliseconds": 10_000}));
        assert_eq!(out["InputDetails"], json!({"Included": true}));
        assert!(out["ExecutionArn"].as_str().unwrap().contains(":express:Child:kid:"));
    }
    let p = create(&mut sim, "ParentOfFailing", &parent(resource, &failing, json!({})), "STANDARD", None);
    let exec = sim.start_execution(&start(&p, r#"{"n": 5}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = output(&sim, &exec);
    assert_eq!(
        (out["Status"].as_str(), out["Error"].as_str(), out["Cause"].as_str()),
        (Some("FAILED"), Some("SomeFailure"), Some("why"))
    );
    let p = create(&mut sim, "ParentOfStandard", &parent(resource, &standard, json!({})), "STANDARD", None);
    let exec = sim.start_execution(&start(&p, r#"{"n": 5}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    assert_eq!(describe(&sim, &exec)["error"], "Sfn.StateMachineTypeNotSupportedException");
}

/// `startExecution.waitForTaskToken`: the child gets the token in its input and the parent waits
/// until someone sends it back; nested children run inside children too.
#[test]
fn nested_callbacks_and_grandchildren() {
    let mut sim = sim();
    let echo = create(
        &mut sim,
        "Echo",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
        "STANDARD",
        None,
    );
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
        "Parameters": {"StateMachineArn": echo, "Name": "echo", "Input": {"token.$": "$$.Task.Token"}}, "End": true}}});
    let p = create(&mut sim, "Asks", &def.to_string(), "STANDARD", None);
    let exec = sim.start_execution(&start(&p, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    assert_eq!(describe(&sim, &exec)["status"], "RUNNING");
    let echoed = output(&sim, "arn:aws:states:us-east-1:123456789012:execution:Echo:echo");
    sim.send_task_success(&success(echoed["token"].as_str().unwrap(), r#"{"ok": 1}"#), 1_000).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    assert_eq!(output(&sim, &exec), json!({"ok": 1}));

    // Parent -> Middle (.sync:2) -> Child (.sync:2): the answers come back up the chain.
    let child = create(&mut sim, "Child", CHILD, "STANDARD", None);
    let middle = create(
        &mut sim,
        "Middle",
        &parent("arn:aws:states:::states:startExecution.sync:2", &child, json!({"OutputPath": "$.Output"})),
        "STANDARD",
        None,
    );
    let top = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": middle, "Input": {"n.$": "$.n"}}, "OutputPath": "$.Output", "End": true}}});
    let top = create(&mut sim, "Top", &top.to_string(), "STANDARD", None);
    let exec = sim.start_execution(&start(&top, r#"{"n": 4}"#), 0).unwrap();
    assert_eq!(describe(&sim, &exec)["startDate"], 1_000, "after the token came back");
    assert_eq!(sim.run_to_end(&exec, &mut |_| None), 11_000);
    assert_eq!(output(&sim, &exec), json!({"doubled": 8}));
}

/// Other `aws-sdk:sfn` actions are answered by the account's own API: the SDK's PascalCase members
/// in and out, dates as ISO texts, and API errors as `Sfn.<Name>Exception` with the SDK's cause
/// (recorded on AWS for a bogus token: LocalStack snapshot test_aws_sdk_task_service
/// [test_sfn_send_task_outcome_with_no_such_token], validated 2025-11).
#[test]
fn sdk_sfn_actions_call_the_accounts_api() {
    let mut sim = sim();
    let child = create(&mut sim, "Child", CHILD, "STANDARD", None);
    let def = json!({"StartAt": "Start", "States": {
        "Start": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution",
            "Parameters": {"StateMachineArn": child, "Input": "{\"n\": 4}", "Name": "kid"}, "Next": "Describe"},
        "Describe": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
            "Parameters": {"ExecutionArn.$": "$.ExecutionArn"},
            "ResultSelector": {"Status.$": "$.Status", "Name.$": "$.Name", "StartDate.$": "$.StartDate", "Input.$": "$.Input"},
            "Next": "Answer"},
        "Answer": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
            "Parameters": {"TaskToken": "NoSuchTaskToken", "Output": "{}"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}], "End": true},
        "Done": {"Type": "Pass", "End": true}}});
    let p = create(&mut sim, "Caller", &def.to_string(), "STANDARD", None);
    let exec = sim.start_execution(&start(&p, "{}"), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out = output(&sim, &exec);
    assert_eq!(out["Status"], "RUNNING", "the child waits 10 s: {out}");
    assert_eq!((&out["Name"], &out["Input"]), (&json!("kid"), &json!("{\"n\":4}")));
    assert_eq!(out["StartDate"], "1970-01-01T00:00:00Z");
    assert_eq!(out["error"]["Error"], "Sfn.InvalidTokenException");
    let cause = out["error"]["Cause"].as_str().unwrap();
    assert!(
        cause.starts_with("Invalid Token: 'Invalid token' (Service: Sfn, Status Code: 400, Request ID: "),
        "{cause}"
    );
    assert!(cause.ends_with(") (SDK Attempt Count: 1)"), "{cause}");
    let events =
        sim.get_execution_history(&GetExecutionHistoryInput { execution_arn: exec, ..Default::default() }).unwrap();
    let scheduled = events["events"].as_array().unwrap().iter().find(|e| e["type"] == "TaskScheduled").unwrap();
    assert_eq!(scheduled["taskScheduledEventDetails"]["resourceType"], "aws-sdk:sfn");
    assert_eq!(scheduled["taskScheduledEventDetails"]["resource"], "startExecution");
}

/// A machine `name` of `machine_type` whose one Task starts the machine itself through `resource`,
/// in an account of at most `budget` open executions; it runs to its end.
fn self_starting(name: &str, machine_type: &str, resource: &str, budget: usize) -> (Simulator, String, String) {
    let mut sim = sim();
    sim.budgets.max_open_executions = budget;
    let own = format!("arn:aws:states:us-east-1:123456789012:stateMachine:{name}");
    let def = json!({"StartAt": "Again", "States": {"Again": {"Type": "Task", "Resource": resource,
        "Parameters": {"StateMachineArn": own}, "End": true}}});
    let m = create(&mut sim, name, &def.to_string(), machine_type, None);
    let exec = if machine_type == "EXPRESS" {
        sim.start_sync_execution(&start(&m, "{}"), 0).unwrap()
    } else {
        sim.start_execution(&start(&m, "{}"), 0).unwrap()
    };
    sim.run_to_end(&exec, &mut |_| None);
    assert_eq!(sim.running_count(), 0, "the whole chain ended");
    (sim, m, exec)
}

/// A workflow that starts itself (`.sync:2` on its own machine) ends on the account's budget of
/// open executions: the deepest start is AWS's `ExecutionLimitExceeded`, and each parent fails
/// in turn with its child's description as the cause, cut at AWS's 32,768 characters (without the
/// cut each level escaped its child's cause again, doubling it: 1.4 GB at a depth of 100).
#[test]
fn a_self_starting_workflow_ends_on_the_open_executions_budget() {
    let (mut sim, m, exec) = self_starting("Again", "STANDARD", "arn:aws:states:::states:startExecution.sync:2", 200);
    let d = describe(&sim, &exec);
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.TaskFailed")));
    assert_eq!(d["cause"].as_str().unwrap().chars().count(), 32_768);
    let e = sim.start_execution(&start(&m, "{}"), 0);
    assert!(e.is_ok(), "room again once the chain ended");
    sim.budgets.max_open_executions = 1;
    let e = sim.start_execution(&start(&m, "{}"), 0).unwrap_err();
    assert_eq!(e.name(), "ExecutionLimitExceeded");
    assert!(e.message.starts_with("The maximum number of running executions has been reached (1,"), "{}", e.message);
    // Sync executions do not count against the account's capacity (AWS): one starts all the same.
    let express = create(&mut sim, "Quick", CHILD, "EXPRESS", None);
    let sync = sim.start_sync_execution(&start(&express, r#"{"n": 1}"#), 0).unwrap();
    sim.run_to_end(&sync, &mut |_| None);
    assert_eq!(describe(&sim, &sync)["status"], "SUCCEEDED");
}

/// The same through `aws-sdk:sfn:startSyncExecution`: sync children a task starts meet the budget.
#[test]
fn a_self_starting_sync_workflow_ends_on_the_open_executions_budget() {
    let (sim, _, exec) = self_starting("SyncAgain", "EXPRESS", "arn:aws:states:::aws-sdk:sfn:startSyncExecution", 50);
    assert_ne!(describe(&sim, &exec)["status"], "RUNNING");
}
