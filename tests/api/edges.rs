//! Malformed calls, seeded runs and TestState from JS.

use super::*;

/// Malformed calls throw (or reject with) named `Error`s, never a wasm trap, and the simulator
/// works afterwards.
#[wasm_bindgen_test]
async fn malformed_calls_throw_named_errors_and_never_trap() {
    let names = [
        "ValidationException",
        "InvalidName",
        "InvalidDefinition",
        "StateMachineDoesNotExist",
        "InvalidArn",
        "ExecutionDoesNotExist",
        "InvalidExecutionInput",
        "InvalidLoggingConfiguration",
        "InvalidParameterException",
        "InvalidToken",
        "TaskDoesNotExist",
    ];
    let check = |what: &str, r: Result<JsValue, JsValue>| {
        let e = r.expect_err(what);
        let name = error_name(&e);
        assert!(names.contains(&name.as_str()), "{what}: {name}: {:?}", field(&e, "message"));
    };
    for options in [
        json!(5),
        json!([1]),
        json!({"seed": -1}),
        json!({"seed": 1.5}),
        json!({"startDate": "soon"}),
        json!({"accountId": "abc"}),
        json!({"region": "US East"}),
        json!({"quotas": 3}),
        json!({"quotas": {"startExecution": {"express": {}}}}),
    ] {
        check(&options.to_string(), Simulator::new(Some(js(options.clone()))).map(|_| JsValue::NULL));
    }
    let sim = sim(json!({}));
    for input in [
        json!(null),
        json!(5),
        json!({}),
        json!({"name": 5}),
        json!({"name": "x", "definition": 5}),
        json!({"name": "x", "definition": "[]"}),
        json!({"name": "", "definition": "{}"}),
        json!({"name": "x", "definition": "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}", "loggingConfiguration": "ALL"}),
        json!({"name": "x", "definition": "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}", "loggingConfiguration": {"level": "ALL", "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": "nope"}}]}}),
        json!({"name": "x", "definition": "[".repeat(5000)}),
    ] {
        check(&input.to_string(), sim.create_state_machine(js(input.clone())));
    }
    check("validate", sim.validate_state_machine_definition(JsValue::UNDEFINED));
    let m =
        create(&sim, "Ok", json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}), "EXPRESS", None);
    for input in [
        json!(null),
        json!({"stateMachineArn": 5}),
        json!({"stateMachineArn": "nope"}),
        json!({"stateMachineArn": m, "input": 5}),
        json!({"stateMachineArn": m, "input": "[".repeat(5000)}),
        json!({"stateMachineArn": m, "name": "a/b"}),
        json!({"stateMachineArn": format!("{m}#NoMocks")}),
    ] {
        check(&input.to_string(), sim.start_execution(js(input.clone()), None));
        check(&input.to_string(), JsFuture::from(sim.start_sync_execution(js(input.clone()), None)).await);
    }
    check("onDone", sim.start_execution(js(json!({"stateMachineArn": m})), Some(5.into())));
    check(
        "caller",
        JsFuture::from(sim.start_sync_execution(js(json!({"stateMachineArn": m})), Some(js(json!({"caller": "cli"})))))
            .await,
    );
    check(
        "includedData",
        JsFuture::from(sim.start_sync_execution(js(json!({"stateMachineArn": m, "includedData": "SOME"})), None)).await,
    );
    for input in
        [json!({"limit": 0}), json!({"limit": 1.5}), json!({"nextToken": "garbage"}), json!({"logGroupName": 5})]
    {
        check(&input.to_string(), sim.get_log_events(Some(js(input.clone()))));
    }
    check("history", sim.get_execution_history(js(json!({"executionArn": "x", "maxResults": 5000}))));
    check("describe", sim.describe_execution(js(json!({"executionArn": 5}))));
    check("stop", sim.stop_execution(js(json!({"executionArn": "x"}))));
    check("handler", sim.register_task_handler("x".into(), 5.into()).map(|_| JsValue::NULL));
    check("mocks", sim.set_mock_config(5.into()).map(|_| JsValue::NULL));
    check("mocks", sim.set_mock_config(JsValue::UNDEFINED).map(|_| JsValue::NULL));
    check(
        "mocks",
        sim.set_mock_config(js(json!({"MockedResponses": {"R": {"x": {"Return": 1}}}}))).map(|_| JsValue::NULL),
    );
    check("subscribe", sim.subscribe(5.into()));
    for input in [
        json!(null),
        json!(5),
        json!({}),
        json!({"taskToken": 5, "output": "{}"}),
        json!({"taskToken": "", "output": "{}"}),
        json!({"taskToken": "t", "output": {"a": 1}}),
        json!({"taskToken": "t".repeat(2049), "output": "{}"}),
    ] {
        check(&input.to_string(), JsFuture::from(sim.send_task_success(js(input.clone()))).await);
        check(&input.to_string(), JsFuture::from(sim.send_task_failure(js(input.clone()))).await);
        check(&input.to_string(), JsFuture::from(sim.send_task_heartbeat(js(input.clone()))).await);
    }
    // A handler whose result cannot be JSON fails its task; the simulator still works.
    let t = create(
        &sim,
        "Circular",
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:circular", "End": true}}}),
        "EXPRESS",
        None,
    );
    sim.register_task_handler(
        "arn:aws:lambda:us-east-1:123456789012:function:circular".into(),
        func("", "const a = {}; a.a = a; return a;"),
    )
    .unwrap();
    let out = sync(&sim, &t, "{}").await.unwrap();
    assert_eq!(text(&out, "error"), "States.TaskFailed");
    assert_eq!(text(&sync(&sim, &m, "[1]").await.unwrap(), "output"), "[1]");
}

/// Express names may repeat (each run gets its own ARN); the same seed and start date give the
/// same ARNs, times and records.
#[wasm_bindgen_test]
async fn seeded_runs_repeat_and_express_names_may_repeat() {
    async fn run() -> (Vec<String>, Vec<Value>) {
        let sim = sim(json!({"seed": 42, "startDate": 1_000_000}));
        let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "Next": "R"},
            "R": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()", "n.$": "States.MathRandom(1, 1000)"}, "End": true}}});
        let m = create(&sim, "Seeded", def, "EXPRESS", all("ALL", true));
        let mut arns = Vec::new();
        let mut recs = Vec::new();
        for _ in 0..2 {
            let out = JsFuture::from(sim.start_sync_execution(js(json!({"stateMachineArn": m, "name": "same"})), None))
                .await
                .unwrap();
            let arn = text(&out, "executionArn");
            recs.extend(records(&sim, &arn));
            arns.push(arn);
        }
        (arns, recs)
    }
    let (arns, recs) = run().await;
    assert_ne!(arns[0], arns[1]);
    assert!(arns.iter().all(|a| a.contains(":express:Seeded:same:")), "{arns:?}");
    assert_eq!(recs[0]["event_timestamp"], "1000000");
    assert_eq!(run().await, (arns, recs), "the same seed, the same run");
}

/// `testState` runs one state with a mocked task result and shows each step of the data flow.
#[wasm_bindgen_test]
fn test_state_shows_each_step() {
    let sim = sim(json!({}));
    let state = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$.order"},
        "ResultSelector": {"total.$": "$.Payload.total"}, "ResultPath": "$.priced", "End": true});
    let out = sim
        .test_state(js(json!({
            "definition": state.to_string(),
            "input": r#"{"order": {"id": 7}}"#,
            "inspectionLevel": "DEBUG",
            "mock": {"result": r#"{"Payload": {"total": 42}, "StatusCode": 200}"#}
        })))
        .unwrap();
    assert_eq!(text(&out, "status"), "SUCCEEDED");
    let output: Value = serde_json::from_str(&text(&out, "output")).unwrap();
    assert_eq!(output, json!({"order": {"id": 7}, "priced": {"total": 42}}));
    let data = field(&out, "inspectionData");
    let after: Value = serde_json::from_str(&text(&data, "afterParameters")).unwrap();
    assert_eq!(after, json!({"FunctionName": "f", "Payload": {"id": 7}}));
    let selected: Value = serde_json::from_str(&text(&data, "afterResultSelector")).unwrap();
    assert_eq!(selected, json!({"total": 42}));

    // A mocked error that a Catch takes: CAUGHT_ERROR and the catcher's next state.
    let caught = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "End": true});
    let out = sim
        .test_state(js(json!({"definition": caught.to_string(), "input": "{}",
            "mock": {"errorOutput": {"error": "Boom", "cause": "bad"}}})))
        .unwrap();
    assert_eq!(text(&out, "status"), "CAUGHT_ERROR");
    assert_eq!(text(&out, "nextState"), "Handle");
    assert_eq!(text(&out, "error"), "Boom");

    // A request without a definition is AWS's ValidationException, thrown as a named Error.
    let err = sim.test_state(js(json!({"input": "{}"}))).unwrap_err();
    assert_eq!(text(&err, "name"), "ValidationException");
    assert!(sim.test_state(JsValue::from_str("nope")).is_err());
}
