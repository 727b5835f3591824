//! Budgets, retention, `sim.free()` and what a panic leaves, from JS: runaway machines end with a
//! clear error and the module keeps working.

use super::*;

/// The loop of issue 12: an Express machine that never ends. It ends on the transition budget
/// with a cause that names the budget, and the simulator (and the module) keep working.
#[wasm_bindgen_test]
async fn a_runaway_express_loop_ends_on_its_budget_and_the_module_keeps_working() {
    let sim = sim(json!({"maxTransitions": 20_000}));
    let looping = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "E"}], "Default": "A"},
        "E": {"Type": "Succeed"}}});
    let m = create(&sim, "Loop", looping.clone(), "EXPRESS", None);
    let out = sync(&sim, &m, "{}").await.unwrap();
    assert_eq!(text(&out, "status"), "FAILED");
    assert_eq!(text(&out, "error"), "States.Runtime");
    assert_eq!(
        text(&out, "cause"),
        "The execution exceeded the simulator's budget of 20000 state transitions (raise it with the Simulator \
         option maxTransitions, the CLI flag --max-transitions or Budgets::max_transitions)."
    );
    // The same simulator runs the next execution; so does a new one.
    let out = sync(&sim, &m, r#"{"stop": true}"#).await.unwrap();
    assert_eq!(text(&out, "status"), "SUCCEEDED");
    let other = super::sim(json!({"stateCostMs": 1}));
    let m = create(&other, "Loop", looping, "EXPRESS", None);
    // With a cost per state, the loop reaches the Express 5-minute limit, as on AWS.
    let out = sync(&other, &m, "{}").await.unwrap();
    assert_eq!(text(&out, "status"), "TIMED_OUT");
    assert_eq!(text(&out, "error"), "States.Timeout");
    assert_eq!(date_ms(&out, "stopDate") - date_ms(&out, "startDate"), 300_000.0);
}

/// The budget options are checked: whole numbers from 0 up, or Infinity.
#[wasm_bindgen_test]
fn budget_options_are_whole_numbers() {
    for bad in [
        json!({"maxTransitions": -1}),
        json!({"maxHistoryBytes": 1.5}),
        json!({"jsonataFuel": "a lot"}),
        json!({"expressHistory": 1}),
        json!({"keepExecutions": -3}),
        json!({"maxOpenExecutions": 0.5}),
    ] {
        let e = Simulator::new(Some(js(bad.clone()))).map(|_| ()).expect_err(&bad.to_string());
        assert_eq!(error_name(&e), "ValidationException", "{bad}");
    }
    let e = Simulator::new(Some(js(json!({"maxLogBytes": -2})))).map(|_| ()).unwrap_err();
    assert_eq!(text(&e, "message"), "maxLogBytes must be a whole number from 0 up, or Infinity, not -2");
    let infinite = Simulator::new(Some(js(json!({"maxTransitions": 1e6})))).map(|_| ());
    assert!(infinite.is_ok());
    // The account's budget of open executions: a start past it is AWS's ExecutionLimitExceeded.
    let one = sim(json!({"maxOpenExecutions": 1}));
    let wait = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}});
    let m = create(&one, "Wait", wait, "STANDARD", None);
    assert!(one.start_execution(js(json!({"stateMachineArn": m})), None).is_ok());
    let e = one.start_execution(js(json!({"stateMachineArn": m})), None).map(|_| ()).unwrap_err();
    assert_eq!(error_name(&e), "ExecutionLimitExceeded");
}

/// A history that outgrows its budget cannot be read (the execution runs without it, to AWS's own
/// payload limit here); with `expressHistory: false` an Express execution has none
/// (`getExecutionHistory` answers what AWS answers for Express) and only its log records remain.
#[wasm_bindgen_test]
async fn history_budgets_and_express_history() {
    let grow = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"x.$": "States.Format('{}{}', $.x, $.x)"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "E"}], "Default": "A"},
        "E": {"Type": "Succeed"}}});
    let sim = sim(json!({"maxHistoryBytes": 100_000}));
    let m = create(&sim, "Grow", grow, "STANDARD", None);
    let started = sim.start_execution(js(json!({"stateMachineArn": m, "input": "{\"x\": \"ab\"}"})), None).unwrap();
    let arn = text(&started, "executionArn");
    for _ in 0..100 {
        if text(&sim.describe_execution(js(json!({"executionArn": arn}))).unwrap(), "status") != "RUNNING" {
            break;
        }
        sleep(5).await;
    }
    let d = sim.describe_execution(js(json!({"executionArn": arn}))).unwrap();
    assert_eq!((text(&d, "status"), text(&d, "error")), ("FAILED".into(), "States.DataLimitExceeded".into()));
    let e = sim.get_execution_history(js(json!({"executionArn": arn}))).unwrap_err();
    assert_eq!(error_name(&e), "ValidationException");
    assert_eq!(
        text(&e, "message"),
        "The history of this execution is larger than the simulator's budget of 100000 bytes of history (raise it \
         with the Simulator option maxHistoryBytes, the CLI flag --max-history-bytes or Budgets::max_history_bytes); \
         the simulator makes a history when it is read, and the execution ran without it."
    );

    let quiet = super::sim(json!({"expressHistory": false}));
    let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let m = create(&quiet, "Quiet", pass, "EXPRESS", all("ALL", false));
    let out = sync(&quiet, &m, "{}").await.unwrap();
    let arn = text(&out, "executionArn");
    let e = quiet.get_execution_history(js(json!({"executionArn": arn}))).unwrap_err();
    assert_eq!(error_name(&e), "InvalidArn");
    assert_eq!(text(&e, "message"), "Invalid Arn: 'Resource type not valid in this context: express'");
    let kinds = types(&records(&quiet, &arn));
    assert_eq!(kinds, ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    assert_eq!(text(&quiet.describe_execution(js(json!({"executionArn": arn}))).unwrap(), "status"), "SUCCEEDED");
}

/// `keepExecutions` and `keepLogRecords` bound what stays: older executions are gone, as if
/// deleted, and log positions stay valid.
#[wasm_bindgen_test]
async fn retention_keeps_the_most_recent_executions_and_records() {
    let sim = sim(json!({"keepExecutions": 3, "keepLogRecords": 10}));
    let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let m = create(&sim, "Kept", pass, "EXPRESS", all("ALL", true));
    let mut arns = Vec::new();
    for _ in 0..40 {
        arns.push(text(&sync(&sim, &m, "{}").await.unwrap(), "executionArn"));
    }
    sync(&sim, &m, "{}").await.unwrap();
    let gone = sim.describe_execution(js(json!({"executionArn": arns[0]}))).unwrap_err();
    assert_eq!(error_name(&gone), "ExecutionDoesNotExist");
    assert!(sim.describe_execution(js(json!({"executionArn": arns[39]}))).is_ok());
    let out = sim.get_log_events(None).unwrap();
    let events = to_json(&field(&out, "events"));
    let kept = events.as_array().unwrap().len();
    assert!((10..=80).contains(&kept), "{kept} records kept");
    // The token counts every record ever written (41 executions of 4 records).
    assert_eq!(text(&out, "nextForwardToken"), "f/164");
}

/// `sim.free()` lets go of everything at once; a pending `startSyncExecution` rejects with
/// `SimulatorFreed`; other simulators go on.
#[wasm_bindgen_test]
async fn free_releases_a_simulator_and_rejects_its_pending_promises() {
    let sim = sim(json!({}));
    let wait = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow", "End": true}}});
    let m = create(&sim, "Slow", wait, "EXPRESS", None);
    let (never, _resolve) = deferred();
    let handler = Function::new_with_args("p", "return () => p").call1(&JsValue::UNDEFINED, &never).unwrap();
    sim.register_task_handler("arn:aws:lambda:us-east-1:123456789012:function:slow".into(), handler).unwrap();
    let pending = sim.start_sync_execution(js(json!({"stateMachineArn": m})), None);
    sleep(5).await;
    drop(sim); // what `sim.free()` does from JS
    let e = JsFuture::from(pending).await.unwrap_err();
    assert_eq!(error_name(&e), "SimulatorFreed");
    let other = super::sim(json!({}));
    let m =
        create(&other, "P", json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}), "EXPRESS", None);
    assert_eq!(text(&sync(&other, &m, "{}").await.unwrap(), "status"), "SUCCEEDED");
}

/// A panic traps the call that made it (`RuntimeError: unreachable`); the simulator it hit then
/// throws `InternalError` naming the panic, and the module keeps working for new simulators.
#[wasm_bindgen_test]
async fn after_a_panic_that_simulator_reports_it_and_new_ones_work() {
    let hit = Rc::new(sim(json!({})));
    let pass = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let m = create(&hit, "P", pass.clone(), "EXPRESS", None);
    // The trap reaches JS as an exception; call through JS to catch it.
    let held = hit.clone();
    let f = Closure::once_into_js(move || asl_sim::wasm::panic_for_tests(&held));
    let catching = Function::new_with_args("f", "try { f(); return null; } catch (e) { return e; }");
    let thrown = catching.call1(&JsValue::UNDEFINED, &f).unwrap();
    assert!(thrown.is_instance_of::<js_sys::WebAssembly::RuntimeError>(), "{thrown:?}");
    let e = hit.describe_execution(js(json!({"executionArn": m}))).unwrap_err();
    assert_eq!(error_name(&e), "InternalError");
    assert!(text(&e, "message").contains("a panic for the tests"), "{}", text(&e, "message"));
    // A new simulator works, its scheduler included.
    for _ in 0..3 {
        let fresh = super::sim(json!({}));
        let m = create(&fresh, "P", pass.clone(), "EXPRESS", None);
        assert_eq!(text(&sync(&fresh, &m, "{\"a\": 1}").await.unwrap(), "output"), "{\"a\":1}");
    }
}

/// Memory stays flat in wasm over 10,000 sequential executions with logging ALL: the bytes the
/// module holds (its metering allocator) and the size of its memory stop growing once retention
/// (1,000 ended executions per machine, 10,000 log records) is reached.
#[wasm_bindgen_test]
async fn memory_is_flat_over_10000_sequential_executions_in_wasm() {
    let sim = sim(json!({}));
    let m = create(
        &sim,
        "Many",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "End": true}}}),
        "EXPRESS",
        all("ALL", true),
    );
    let memory = || {
        let buffer = Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap();
        Reflect::get(&buffer, &"byteLength".into()).unwrap().as_f64().unwrap() as usize
    };
    let mut held = Vec::new();
    for i in 0..10_000 {
        let out = sync(&sim, &m, &format!("{{\"n\": {i}}}")).await.unwrap();
        assert_eq!(text(&out, "status"), "SUCCEEDED");
        if (i + 1) % 2_000 == 0 {
            held.push((asl_sim::meter::allocated(), memory()));
        }
    }
    wasm_bindgen_test::console_log!("wasm: (bytes held, memory size) after each 2,000 executions: {held:?}");
    let (low, high) = (held[1..].iter().map(|h| h.0).min().unwrap(), held[1..].iter().map(|h| h.0).max().unwrap());
    assert!(high <= low + low / 4, "held {held:?}");
    assert!(held[4].1 <= held[1].1 + (8 << 20), "the memory grew: {held:?}");
}
