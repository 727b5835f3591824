//! Task tokens in the account: `.waitForTaskToken` tasks, SendTask*, heartbeats and timeouts.

use super::*;

/// The handler's call is the integration's request (here: the SQS message that carries the token);
/// the task ends only when the token comes back, with success or failure.
#[test]
fn task_tokens_complete_with_success_or_failure() {
    let mut sim = sim();
    let m = create(&mut sim, "Callback", &callback_machine(json!({})), "STANDARD", None);
    let sent = std::cell::RefCell::new(Vec::<Value>::new());
    let mut queue = |call: &HandlerCall| {
        let req = &call.request;
        assert!(req.task_token.is_some());
        sent.borrow_mut().push(req.input["MessageBody"].clone());
        Some(Ok(json!({"MessageId": "m-1"})))
    };
    let exec = sim.start_execution(&start(&m, r#"{"n": 7}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut queue);
    assert_eq!(describe(&sim, &exec)["status"], "RUNNING", "the handler's answer does not end the task");
    assert_eq!(history_types(&sim, &exec).last().map(String::as_str), Some("TaskStarted"));
    let token = sent.borrow()[0]["token"].as_str().unwrap().to_string();
    assert_eq!(sent.borrow()[0]["n"], 7);

    // Malformed or unknown requests change nothing.
    assert_eq!(sim.send_task_success(&success(&token, "{oops"), 5).unwrap_err().name(), "InvalidOutput");
    // AWS: `Invalid Token: 'Invalid token'` for `NoSuchTaskToken` (LocalStack snapshot
    // test_aws_sdk_task_service::test_sfn_send_task_outcome_with_no_such_token, validated on AWS); a well-formed token nobody was given
    // does not exist.
    let e = sim.send_task_success(&success("NoSuchTaskToken", "{}"), 5).unwrap_err();
    assert_eq!((e.name(), e.message.as_str()), ("InvalidToken", "Invalid Token: 'Invalid token'"));
    let unknown = "0".repeat(64);
    let e = sim.send_task_failure(&SendTaskFailureInput { task_token: unknown.clone(), ..Default::default() }, 5);
    assert_eq!(e.unwrap_err().message, format!("Task Does Not Exist: '{unknown}'"));
    assert_eq!(sim.send_task_heartbeat(&heartbeat(""), 5).unwrap_err().name(), "ValidationException");
    assert_eq!(sim.send_task_success(&success(&"x".repeat(2049), "{}"), 5).unwrap_err().name(), "ValidationException");

    assert_eq!(sim.send_task_success(&success(&token, r#"{"approved": true}"#), 5_000).unwrap(), json!({}));
    let advanced = sim.advance(None, &|_| true, usize::MAX);
    assert_eq!(advanced.ended, std::slice::from_ref(&exec), "the driver learns which execution ended");
    sim.run_to_end(&exec, &mut queue);
    let d = describe(&sim, &exec);
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(d["stopDate"], 5_000, "the task ended when the token came back");
    let out: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(out, json!({"n": 7, "reply": {"approved": true}}));
    let tail: Vec<String> = history_types(&sim, &exec).into_iter().skip(3).collect();
    assert_eq!(
        tail,
        [
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let e = sim.send_task_success(&success(&token, "{}"), 6_000).unwrap_err();
    assert_eq!(
        (e.name(), e.message.as_str()),
        ("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
    );

    // SendTaskFailure: Retry and Catch see its error and cause.
    let exec = sim.start_execution(&start(&m, r#"{"n": 8}"#), 10_000).unwrap();
    sim.run_to_end(&exec, &mut queue);
    let token = sent.borrow()[1]["token"].as_str().unwrap().to_string();
    let failure = SendTaskFailureInput {
        task_token: token.clone(),
        error: Some("Rejected".into()),
        cause: Some("not today".into()),
    };
    assert_eq!(sim.send_task_failure(&failure, 12_000).unwrap(), json!({}));
    sim.run_to_end(&exec, &mut queue);
    let d = describe(&sim, &exec);
    assert_eq!(d["status"], "SUCCEEDED");
    let out: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(out["rejected"], json!({"Error": "Rejected", "Cause": "not today"}));
    assert_eq!(sim.send_task_failure(&failure, 13_000).unwrap_err().name(), "TaskTimedOut");
    let long = SendTaskFailureInput { error: Some("e".repeat(257)), ..failure };
    assert_eq!(sim.send_task_failure(&long, 13_000).unwrap_err().name(), "ValidationException");

    // A handler that fails the request (the queue is down) fails the task at once.
    let exec = sim.start_execution(&start(&m, r#"{"n": 9}"#), 20_000).unwrap();
    sim.run_to_end(&exec, &mut |_| Some(Err(Failure::custom("SQS.QueueDoesNotExist", "gone"))));
    let d = describe(&sim, &exec);
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("SQS.QueueDoesNotExist")));
}

/// With no handler a token task just waits: nothing else can happen, so the execution stays
/// RUNNING and the driver returns, and the token (in the task's parameters) can still be sent.
/// A mock config answers such a task with its mocked outcome, as Step Functions Local does.
#[test]
fn token_tasks_wait_without_a_handler_and_mocks_answer_them() {
    let mut sim = sim();
    let m = create(&mut sim, "Waits", &callback_machine(json!({})), "STANDARD", None);
    let exec = sim.start_execution(&start(&m, r#"{"n": 1}"#), 0).unwrap();
    assert_eq!(sim.run_to_end(&exec, &mut |_| None), 0, "stuck at the start");
    assert_eq!(sim.run_virtual(None, &mut |_| None), 0);
    assert_eq!(describe(&sim, &exec)["status"], "RUNNING");
    let h = sim
        .get_execution_history(&GetExecutionHistoryInput { execution_arn: exec.clone(), ..Default::default() })
        .unwrap();
    let scheduled = h["events"].as_array().unwrap().iter().find(|e| e["type"] == "TaskScheduled").unwrap();
    let params: Value =
        serde_json::from_str(scheduled["taskScheduledEventDetails"]["parameters"].as_str().unwrap()).unwrap();
    let token = params["MessageBody"]["token"].as_str().unwrap();
    sim.send_task_success(&success(token, "1"), 60_000).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    assert_eq!(describe(&sim, &exec)["status"], "SUCCEEDED");

    sim.set_mock_config_value(&json!({
        "StateMachines": {"Waits": {"TestCases": {"Approved": {"Ask": "Yes"}, "Rejected": {"Ask": "No"}}}},
        "MockedResponses": {"Yes": {"0": {"Return": {"approved": true}}}, "No": {"0": {"Throw": {"Error": "Rejected", "Cause": "mocked"}}}}
    }))
    .unwrap();
    let exec = sim.start_execution(&start(&format!("{m}#Approved"), r#"{"n": 2}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| panic!("the mock answers"));
    let out: Value = serde_json::from_str(describe(&sim, &exec)["output"].as_str().unwrap()).unwrap();
    assert_eq!(out["reply"], json!({"approved": true}));
    let exec = sim.start_execution(&start(&format!("{m}#Rejected"), r#"{"n": 3}"#), 0).unwrap();
    sim.run_to_end(&exec, &mut |_| None);
    let out: Value = serde_json::from_str(describe(&sim, &exec)["output"].as_str().unwrap()).unwrap();
    assert_eq!(out["rejected"], json!({"Error": "Rejected", "Cause": "mocked"}));
}

/// HeartbeatSeconds and TimeoutSeconds on the virtual clock: a pending token does not stop the
/// clock, which moves to the next deadline. Heartbeats keep the task alive; without them it times
/// out with `States.HeartbeatTimeout`, and `TimeoutSeconds` bounds it whatever the heartbeats.
#[test]
fn heartbeats_keep_a_token_task_alive_and_their_absence_times_it_out() {
    let mut sim = sim();
    let m = create(
        &mut sim,
        "Beats",
        &callback_machine(json!({"HeartbeatSeconds": 10, "TimeoutSeconds": 100})),
        "STANDARD",
        None,
    );
    let tokens = std::cell::RefCell::new(Vec::<String>::new());
    let mut queue = |call: &HandlerCall| {
        tokens.borrow_mut().push(call.request.task_token.clone().unwrap());
        Some(Ok(json!({})))
    };

    // Alive: a heartbeat every 8 s, then the answer at 30 s.
    let exec = sim.start_execution(&start(&m, r#"{"n": 1}"#), 0).unwrap();
    let mut now = 0;
    for _ in 0..3 {
        now = sim.run_virtual(Some(now + 8_000), &mut queue);
        assert_eq!(describe(&sim, &exec)["status"], "RUNNING", "at {now}");
        assert_eq!(sim.send_task_heartbeat(&heartbeat(&tokens.borrow()[0]), now).unwrap(), json!({}));
    }
    assert_eq!(now, 24_000);
    now = sim.run_virtual(Some(30_000), &mut queue);
    sim.send_task_success(&success(&tokens.borrow()[0], r#""done""#), now).unwrap();
    sim.run_to_end(&exec, &mut queue);
    let d = describe(&sim, &exec);
    assert_eq!((d["status"].as_str(), d["stopDate"].as_i64()), (Some("SUCCEEDED"), Some(30_000)));

    // No heartbeat: the clock jumps to the deadline, 10 s after the task started.
    let exec = sim.start_execution(&start(&m, r#"{"n": 2}"#), 100_000).unwrap();
    assert_eq!(sim.run_to_end(&exec, &mut queue), 110_000);
    let d = describe(&sim, &exec);
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.HeartbeatTimeout")));
    assert!(history_types(&sim, &exec).contains(&"TaskTimedOut".to_string()));
    let late = sim.send_task_heartbeat(&heartbeat(&tokens.borrow()[1]), 111_000).unwrap_err();
    assert_eq!(late.name(), "TaskTimedOut");

    // Heartbeats forever: TimeoutSeconds still ends the task after 100 s.
    let exec = sim.start_execution(&start(&m, r#"{"n": 3}"#), 200_000).unwrap();
    let mut now = 200_000;
    while describe(&sim, &exec)["status"] == "RUNNING" {
        now = sim.run_virtual(Some(now + 5_000), &mut queue);
        let _ = sim.send_task_heartbeat(&heartbeat(&tokens.borrow()[2]), now);
    }
    let d = describe(&sim, &exec);
    assert_eq!((d["error"].as_str(), d["stopDate"].as_i64()), (Some("States.Timeout"), Some(300_000)));
}

// ---------------------------------------------------------------------------- nested workflows
