//! The JS API (`asl_sim::wasm::Simulator`) as JS sees it, run in Node.js (`tests/node.rs`) and in
//! headless Chromium (`tests/web.rs`): every value crosses the wasm-bindgen boundary as a `JsValue`,
//! task handlers and callbacks are real JS functions, promises are awaited as JS promises.

use std::cell::RefCell;
use std::rc::Rc;

use asl_sim::wasm::Simulator;
use js_sys::{Array, Function, Object, Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

// ------------------------------------------------------------------------------------- helpers

fn js(v: Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap()
}

fn to_json(v: &JsValue) -> Value {
    serde_json::from_str(&js_sys::JSON::stringify(v).unwrap().as_string().unwrap()).unwrap()
}

fn field(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn text(v: &JsValue, key: &str) -> String {
    field(v, key).as_string().unwrap_or_else(|| panic!("{key} is not a string in {:?}", to_json(v)))
}

fn date_ms(v: &JsValue, key: &str) -> f64 {
    let d = field(v, key);
    assert!(d.is_instance_of::<js_sys::Date>(), "{key} is not a Date: {d:?}");
    d.unchecked_into::<js_sys::Date>().get_time()
}

fn sim(options: Value) -> Simulator {
    Simulator::new(Some(js(options))).unwrap()
}

fn create(sim: &Simulator, name: &str, definition: Value, machine_type: &str, logging: Option<Value>) -> String {
    let mut input = json!({"name": name, "definition": definition.to_string(), "type": machine_type});
    if let Some(l) = logging {
        input["loggingConfiguration"] = l;
    }
    let out = sim.create_state_machine(js(input)).unwrap();
    assert!(field(&out, "creationDate").is_instance_of::<js_sys::Date>());
    text(&out, "stateMachineArn")
}

fn all(level: &str, include: bool) -> Option<Value> {
    Some(json!({"level": level, "includeExecutionData": include}))
}

async fn sync(sim: &Simulator, machine: &str, input: &str) -> Result<JsValue, JsValue> {
    let p = sim.start_sync_execution(js(json!({"stateMachineArn": machine, "input": input})), None);
    JsFuture::from(p).await
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Function) {
    let mut resolve = None;
    let p = Promise::new(&mut |r, _| resolve = Some(r));
    (p, resolve.unwrap())
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

fn records(sim: &Simulator, exec: &str) -> Vec<Value> {
    let out = sim.get_log_events(Some(js(json!({"executionArn": exec})))).unwrap();
    to_json(&field(&out, "events")).as_array().unwrap().clone()
}

fn types(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["type"].as_str().unwrap().to_string()).collect()
}

fn history(sim: &Simulator, exec: &str) -> Vec<String> {
    let out = sim.get_execution_history(js(json!({"executionArn": exec}))).unwrap();
    let events: Array = field(&out, "events").dyn_into().unwrap();
    events.iter().map(|e| text(&e, "type")).collect()
}

fn error_name(e: &JsValue) -> String {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    text(e, "name")
}

fn global_set(name: &str, v: &JsValue) {
    Reflect::set(&js_sys::global(), &name.into(), v).unwrap();
}

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap()
}

fn func(args: &str, body: &str) -> JsValue {
    Function::new_with_args(args, body).into()
}

// ------------------------------------------------------------------------------------- tests

/// StartSyncExecution answers AWS's response: JSON text payloads, `Date`s, Express billing.
#[wasm_bindgen_test]
async fn a_sync_run_returns_the_result() {
    let sim = sim(json!({"seed": 5, "startDate": 1_700_000_000_000u64}));
    let m = create(
        &sim,
        "Hello",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, 2)", "big.$": "$.big"}, "End": true}}}),
        "EXPRESS",
        None,
    );
    let out = sync(&sim, &m, r#"{"a": 40, "big": 12345678901234567890}"#).await.unwrap();
    assert_eq!(text(&out, "status"), "SUCCEEDED");
    assert_eq!(text(&out, "output"), r#"{"sum":42,"big":12345678901234567890}"#, "JSON text keeps big integers");
    assert_eq!(text(&out, "input"), r#"{"a":40,"big":12345678901234567890}"#);
    assert_eq!(text(&out, "stateMachineArn"), m);
    let arn = text(&out, "executionArn");
    assert!(arn.starts_with("arn:aws:states:us-east-1:123456789012:express:Hello:"), "{arn}");
    assert_eq!(arn.split(':').count(), 9);
    assert_eq!(date_ms(&out, "startDate"), 1_700_000_000_000.0);
    assert_eq!(date_ms(&out, "stopDate"), 1_700_000_000_000.0);
    assert_eq!(
        to_json(&field(&out, "billingDetails")),
        json!({"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100})
    );
    assert_eq!(to_json(&field(&out, "inputDetails")), json!({"included": true}));
    // onStart names the execution before any state runs (and before the promise settles).
    global_set("startedArns", &Array::new());
    let on_start = func("arn", "globalThis.startedArns.push(arn);");
    let options = Object::new();
    Reflect::set(&options, &"onStart".into(), &on_start).unwrap();
    let p = sim.start_sync_execution(js(json!({"stateMachineArn": m, "input": "{\"a\": 1}"})), Some(options.into()));
    let started: Array = global("startedArns").dyn_into().unwrap();
    assert_eq!(started.length(), 1, "called at once");
    let done = JsFuture::from(p).await.unwrap();
    assert_eq!(started.get(0).as_string().unwrap(), text(&done, "executionArn"));
    // METADATA_ONLY leaves the payloads out.
    let p = sim.start_sync_execution(
        js(json!({"stateMachineArn": m, "input": "{\"a\": 1, \"big\": 0}", "includedData": "METADATA_ONLY"})),
        None,
    );
    let meta = JsFuture::from(p).await.unwrap();
    assert!(field(&meta, "output").is_undefined() && field(&meta, "input").is_undefined());
    // A failure is a result too, with AWS's error and cause.
    let f = create(
        &sim,
        "Fails",
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "SomeFailure", "Cause": "why"}}}),
        "EXPRESS",
        None,
    );
    let out = sync(&sim, &f, "{}").await.unwrap();
    assert_eq!(
        (text(&out, "status"), text(&out, "error"), text(&out, "cause")),
        ("FAILED".into(), "SomeFailure".into(), "why".into())
    );
    assert!(field(&out, "output").is_undefined());
}

/// `caller: 'console'` rejects once the execution has run 60 s; the execution goes on, and its
/// end reaches the logs. AWS: "If you run Step Functions Express Workflows synchronously from the
/// console, the StartSyncExecution request elapses after 60 seconds."
/// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-express-synchronous.html)
#[wasm_bindgen_test]
async fn the_console_cap_rejects_at_60_s_while_the_execution_completes_in_the_logs() {
    let sim = sim(json!({}));
    let def = json!({"StartAt": "W1", "States": {"W1": {"Type": "Wait", "Seconds": 50, "Next": "W2"}, "W2": {"Type": "Wait", "Seconds": 40, "End": true}}});
    let m = create(&sim, "Slow", def, "EXPRESS", all("ALL", true));
    let p = sim.start_sync_execution(js(json!({"stateMachineArn": m})), Some(js(json!({"caller": "console"}))));
    let e = JsFuture::from(p).await.unwrap_err();
    assert_eq!(error_name(&e), "TimeoutError");
    assert!(text(&e, "message").contains("60 seconds"), "{}", text(&e, "message"));
    let exec = text(&e, "executionArn");
    // At 60 s the first Wait had ended (50 s) and the second had not (90 s).
    let seen = types(&records(&sim, &exec));
    assert_eq!(seen.last().map(String::as_str), Some("WaitStateEntered"), "{seen:?}");
    for _ in 0..100 {
        if types(&records(&sim, &exec)).contains(&"ExecutionSucceeded".to_string()) {
            break;
        }
        sleep(1).await;
    }
    let recs = records(&sim, &exec);
    let last = recs.last().unwrap();
    assert_eq!(last["type"], "ExecutionSucceeded");
    let started: i64 = recs[0]["event_timestamp"].as_str().unwrap().parse().unwrap();
    let ended: i64 = last["event_timestamp"].as_str().unwrap().parse().unwrap();
    assert_eq!(ended - started, 90_000);
    // The same machine from the SDK waits for it.
    let p = sim.start_sync_execution(js(json!({"stateMachineArn": m})), Some(js(json!({"caller": "sdk"}))));
    assert_eq!(text(&JsFuture::from(p).await.unwrap(), "status"), "SUCCEEDED");
}

/// An Express execution times out at 5 minutes. AWS: "Maximum execution time ... Express: 5
/// minutes. If an execution runs for more than the 5-minute maximum, it will fail with a
/// States.Timeout error" (developer guide, limits-overview.md).
#[wasm_bindgen_test]
async fn the_five_minute_cap_gives_timed_out() {
    let sim = sim(json!({}));
    let m = create(
        &sim,
        "TooLong",
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}),
        "EXPRESS",
        all("FATAL", false),
    );
    let out = sync(&sim, &m, "{}").await.unwrap();
    assert_eq!(text(&out, "status"), "TIMED_OUT");
    assert_eq!(text(&out, "error"), "States.Timeout");
    assert_eq!(date_ms(&out, "stopDate") - date_ms(&out, "startDate"), 300_000.0);
    assert_eq!(to_json(&field(&out, "billingDetails"))["billedDurationInMilliseconds"], 300_000);
    assert_eq!(types(&records(&sim, &text(&out, "executionArn"))), ["ExecutionTimedOut"]);
}

/// StartExecution answers before any state runs; `onDone` gets the sync response shape, and by
/// then the execution's records are in the buffer.
#[wasm_bindgen_test]
async fn async_returns_before_the_first_state_runs_and_on_done_fires() {
    let sim = Rc::new(sim(json!({})));
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Next": "W"}, "W": {"Type": "Wait", "Seconds": 240, "End": true}}});
    let m = create(&sim, "Async", def, "EXPRESS", all("ALL", true));
    global_set("__asyncCalls", &0.into());
    sim.register_task_handler(
        "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
        func("input", "globalThis.__asyncCalls += 1; return {got: input.n};"),
    )
    .unwrap();
    let (done, resolve) = deferred();
    let seen_at_done = Rc::new(RefCell::new(0usize));
    let on_done = {
        let (sim, seen) = (sim.clone(), seen_at_done.clone());
        Closure::once_into_js(move |result: JsValue| {
            let arn = text(&result, "executionArn");
            *seen.borrow_mut() = records(&sim, &arn).len();
            resolve.call1(&JsValue::UNDEFINED, &result).unwrap();
        })
    };
    let started = sim.start_execution(js(json!({"stateMachineArn": m, "input": "{\"n\": 7}"})), Some(on_done)).unwrap();
    let arn = text(&started, "executionArn");
    let start = date_ms(&started, "startDate");
    // Nothing has run yet.
    assert_eq!(global("__asyncCalls").as_f64(), Some(0.0));
    assert_eq!(history(&sim, &arn), ["ExecutionStarted"]);
    let d = sim.describe_execution(js(json!({"executionArn": arn}))).unwrap();
    assert_eq!(text(&d, "status"), "RUNNING");
    assert!(field(&d, "stopDate").is_undefined());
    let result = JsFuture::from(done).await.unwrap();
    assert_eq!(global("__asyncCalls").as_f64(), Some(1.0));
    assert_eq!(text(&result, "status"), "SUCCEEDED");
    assert_eq!(text(&result, "output"), r#"{"got":7}"#);
    assert_eq!(date_ms(&result, "stopDate") - start, 240_000.0, "4 minutes of virtual time");
    let recs = types(&records(&sim, &arn));
    assert_eq!(recs.last().map(String::as_str), Some("ExecutionSucceeded"));
    assert_eq!(*seen_at_done.borrow(), recs.len(), "all records were in the buffer when onDone ran");
}

/// Each level logs AWS's event types, and `includeExecutionData: false` leaves out exactly
/// `input`, `inputDetails`, `output` and `outputDetails` (developer guide, cloudwatch-log-level.md).
#[wasm_bindgen_test]
async fn log_levels_and_include_execution_data_filter_exactly() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "F"}, "F": {"Type": "Fail", "Error": "E", "Cause": "C"}}});
    let cases = [
        ("ALL", vec!["ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed"]),
        ("ERROR", vec!["FailStateEntered", "ExecutionFailed"]),
        ("FATAL", vec!["ExecutionFailed"]),
        ("OFF", vec![]),
    ];
    for (level, want) in cases {
        for include in [true, false] {
            let sim = sim(json!({}));
            let m = create(&sim, "Levels", def.clone(), "EXPRESS", all(level, include));
            let out = sync(&sim, &m, r#"{"x": 1}"#).await.unwrap();
            let recs = records(&sim, &text(&out, "executionArn"));
            assert_eq!(types(&recs), want, "{level} {include}");
            for r in &recs {
                for key in ["id", "previous_event_id", "event_timestamp", "execution_arn", "redrive_count"] {
                    assert!(r[key].is_string(), "{key} is a string: {r}");
                }
                let details = r["details"].as_object().unwrap();
                let data_keys: Vec<&String> = details
                    .keys()
                    .filter(|k| ["input", "inputDetails", "output", "outputDetails"].contains(&k.as_str()))
                    .collect();
                match (include, r["type"].as_str().unwrap()) {
                    (true, "ExecutionStarted" | "PassStateEntered" | "FailStateEntered") => {
                        assert_eq!(data_keys, ["input", "inputDetails"])
                    }
                    (true, "PassStateExited") => assert_eq!(data_keys, ["output", "outputDetails"]),
                    _ => assert!(data_keys.is_empty(), "{level} {include}: {r}"),
                }
                if include && r["type"] == "ExecutionStarted" {
                    assert_eq!(details["input"], r#"{"x":1}"#, "payloads are JSON text");
                }
            }
        }
    }
}

/// Polling `getLogEvents` with `nextForwardToken` returns each record once, while executions
/// write; the same token comes back while nothing new has arrived.
#[wasm_bindgen_test]
async fn polling_with_next_forward_token_returns_each_record_once() {
    let sim = sim(json!({}));
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "P"}, "P": {"Type": "Pass", "End": true}}});
    let m = create(&sim, "Polled", def, "EXPRESS", all("ALL", false));
    let first = sim.get_log_events(None).unwrap();
    let mut token = text(&first, "nextForwardToken");
    let again = sim.get_log_events(Some(js(json!({"nextToken": token})))).unwrap();
    assert_eq!(text(&again, "nextForwardToken"), token, "nothing new: the same token");
    let (done, resolve) = deferred();
    let remaining = Rc::new(RefCell::new(3));
    let mut arns = Vec::new();
    for _ in 0..3 {
        let (remaining, resolve) = (remaining.clone(), resolve.clone());
        let cb = Closure::once_into_js(move |_: JsValue| {
            *remaining.borrow_mut() -= 1;
            if *remaining.borrow() == 0 {
                resolve.call0(&JsValue::UNDEFINED).unwrap();
            }
        });
        let s = sim.start_execution(js(json!({"stateMachineArn": m})), Some(cb)).unwrap();
        arns.push(text(&s, "executionArn"));
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut poll = |token: &mut String| loop {
        let page = sim.get_log_events(Some(js(json!({"nextToken": token.clone(), "limit": 2})))).unwrap();
        let events = to_json(&field(&page, "events"));
        let events = events.as_array().unwrap();
        let next = text(&page, "nextForwardToken");
        if events.is_empty() {
            assert_eq!(&next, token);
            break;
        }
        assert!(events.len() <= 2);
        seen.extend(
            events.iter().map(|r| (r["execution_arn"].as_str().unwrap().into(), r["id"].as_str().unwrap().into())),
        );
        *token = next;
    };
    poll(&mut token);
    let mut done = JsFuture::from(done);
    loop {
        // Poll between the scheduler's steps until every execution has ended.
        let finished = futures_ready(&mut done).await;
        poll(&mut token);
        if finished {
            break;
        }
    }
    poll(&mut token);
    assert_eq!(seen.len(), 18, "3 executions of 6 records: {seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 18, "each record once");
    for arn in &arns {
        let ids: Vec<&str> = seen.iter().filter(|(a, _)| a == arn).map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5", "6"], "oldest first");
    }
}

/// Waits a moment (a macrotask) and says whether `f` has resolved.
async fn futures_ready(f: &mut JsFuture) -> bool {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;
    sleep(0).await;
    std::future::poll_fn(|cx| Poll::Ready(matches!(Pin::new(&mut *f).poll(cx), Poll::Ready(_)))).await
}

/// JS task handlers: async ones are awaited, thrown `{error, cause}` and `Error`s fail the task
/// (and Retry and Catch see those names), and the context names the task.
#[wasm_bindgen_test]
async fn js_task_handlers_can_be_async_and_can_throw() {
    let sim = sim(json!({}));
    let def = json!({"StartAt": "Slow", "States": {
        "Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "slow", "Payload.$": "$"}, "ResultSelector": {"v.$": "$.Payload.v", "code.$": "$.StatusCode"}, "ResultPath": "$.slow", "Next": "Flaky"},
        "Flaky": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky", "ResultPath": "$.flaky",
            "Retry": [{"ErrorEquals": ["Flaky.Again"], "IntervalSeconds": 2, "MaxAttempts": 3}], "Next": "Broken"},
        "Broken": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:broken",
            "Catch": [{"ErrorEquals": ["MyError"], "ResultPath": "$.caught", "Next": "Bad"}], "End": true},
        "Bad": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:bad",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.bad", "Next": "Done"}], "End": true},
        "Done": {"Type": "Pass", "End": true}}});
    let m = create(&sim, "Handlers", def, "EXPRESS", None);
    sim.register_task_handler(
        "arn:aws:states:::lambda:invoke".into(),
        func(
            "input, context",
            "return new Promise(r => setTimeout(() => r({v: input.Payload.n * 2, state: context.stateName}), 5));",
        ),
    )
    .unwrap();
    sim.register_task_handler(
        "arn:aws:lambda:us-east-1:123456789012:function:flaky".into(),
        func("input, context", "if (context.retryCount < 2) throw {error: 'Flaky.Again', cause: 'try ' + context.retryCount}; return {tries: context.retryCount + 1, arn: context.executionArn.split(':')[5]};"),
    )
    .unwrap();
    sim.register_task_handler(
        "arn:aws:lambda:us-east-1:123456789012:function:broken".into(),
        func("", "return (async () => { const e = new Error('it broke'); e.error = 'MyError'; throw e; })();"),
    )
    .unwrap();
    sim.register_task_handler("arn:aws:lambda:us-east-1:123456789012:function:bad".into(), func("", "return {n: 1n};"))
        .unwrap();
    let out = sync(&sim, &m, r#"{"n": 21}"#).await.unwrap();
    assert_eq!(text(&out, "status"), "SUCCEEDED", "{:?}", to_json(&out));
    let output: Value = serde_json::from_str(&text(&out, "output")).unwrap();
    assert_eq!(output["slow"], json!({"v": 42, "code": 200}), "lambda:invoke wraps the payload as AWS does");
    assert_eq!(output["flaky"], json!({"tries": 3, "arn": "express"}));
    assert_eq!(output["caught"], json!({"Error": "MyError", "Cause": "it broke"}));
    assert_eq!(output["bad"]["Error"], "States.TaskFailed", "a BigInt result cannot be JSON");
    assert_eq!(date_ms(&out, "stopDate") - date_ms(&out, "startDate"), 6_000.0, "retries after 2 s and 4 s");
    // Without a handler the task fails with a clear cause.
    let lonely = create(
        &sim,
        "Lonely",
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:none", "End": true}}}),
        "EXPRESS",
        None,
    );
    let out = sync(&sim, &lonely, "{}").await.unwrap();
    assert_eq!(text(&out, "error"), "States.TaskFailed");
    assert!(text(&out, "cause").contains("register a handler for the resource"), "{}", text(&out, "cause"));
}

/// A Step Functions Local mock config, as JSON text or an object, answers the tasks of an
/// execution started with `#TestCase`.
#[wasm_bindgen_test]
async fn mock_config_test_cases_answer_tasks() {
    let sim = sim(json!({}));
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1}], "OutputPath": "$.Payload", "End": true}}});
    let m = create(&sim, "Mocked", def, "EXPRESS", None);
    let config = json!({
        "StateMachines": {"Mocked": {"TestCases": {"Happy": {"Call": "R"}, "Sad": {"Call": "Fails"}}}},
        "MockedResponses": {
            "R": {"0": {"Throw": {"Error": "Boom", "Cause": "once"}}, "1": {"Return": {"Payload": {"ok": true}}}},
            "Fails": {"0-3": {"Throw": {"Error": "Lambda.Unknown", "Cause": "down"}}}}
    });
    sim.set_mock_config(config.to_string().into()).unwrap();
    let out = sync(&sim, &format!("{m}#Happy"), "{}").await.unwrap();
    assert_eq!((text(&out, "status"), text(&out, "output")), ("SUCCEEDED".into(), r#"{"ok":true}"#.into()));
    assert_eq!(date_ms(&out, "stopDate") - date_ms(&out, "startDate"), 1_000.0);
    sim.set_mock_config(js(config)).unwrap();
    let out = sync(&sim, &format!("{m}#Sad"), "{}").await.unwrap();
    assert_eq!((text(&out, "error"), text(&out, "cause")), ("Lambda.Unknown".into(), "down".into()));
    let e = sync(&sim, &format!("{m}#Missing"), "{}").await.unwrap_err();
    assert_eq!(error_name(&e), "ValidationException");
    assert_eq!(error_name(&sim.set_mock_config("{".into()).unwrap_err()), "ValidationException");
}

/// On the real clock a Wait really waits.
#[wasm_bindgen_test]
async fn the_real_clock_really_waits() {
    let sim = sim(json!({"clock": "real"}));
    let m = create(
        &sim,
        "Real",
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}),
        "EXPRESS",
        None,
    );
    let before = js_sys::Date::now();
    let out = sync(&sim, &m, "{}").await.unwrap();
    let waited = js_sys::Date::now() - before;
    assert_eq!(text(&out, "status"), "SUCCEEDED");
    assert!(waited >= 990.0, "waited only {waited} ms");
    assert!(waited < 5_000.0, "waited {waited} ms");
    assert!(date_ms(&out, "stopDate") - date_ms(&out, "startDate") >= 1_000.0);
    assert!((date_ms(&out, "startDate") - before).abs() < 1_000.0, "real start time");
}

/// Errors are `Error`s with AWS's exception names, thrown or (for promises) rejected.
#[wasm_bindgen_test]
async fn errors_are_js_errors_with_aws_names() {
    let sim = sim(json!({"quotas": {"startExecution": {"express": {"bucketSize": 2, "refillRate": 1}}}}));
    let bad = sim.create_state_machine(js(json!({"name": "Bad", "definition": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}"})));
    let e = bad.unwrap_err();
    assert_eq!(error_name(&e), "InvalidDefinition");
    assert!(text(&e, "message").contains("MISSING_TRANSITION_TARGET"));
    let diags = to_json(&field(&e, "diagnostics"));
    assert_eq!(diags[0]["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(diags[0]["location"], "/States/A/Next");
    let express_sync = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn": "x"}, "End": true}}});
    let e = sim
        .create_state_machine(js(json!({"name": "S", "type": "EXPRESS", "definition": express_sync.to_string()})))
        .unwrap_err();
    assert!(text(&e, "message").contains("Express state machine does not support '.sync' service integration"));
    let v = sim
        .validate_state_machine_definition(js(json!({"definition": express_sync.to_string(), "type": "EXPRESS"})))
        .unwrap();
    assert_eq!(text(&v, "result"), "FAIL");
    let e = sim.create_state_machine(js(json!({"name": "Obj", "definition": {"StartAt": "A"}}))).unwrap_err();
    assert_eq!(error_name(&e), "ValidationException");
    assert!(text(&e, "message").contains("JSON.stringify"), "{}", text(&e, "message"));

    let std =
        create(&sim, "Std", json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}), "STANDARD", None);
    let e = sync(&sim, &std, "{}").await.unwrap_err();
    assert_eq!(error_name(&e), "StateMachineTypeNotSupported");
    let e = sync(&sim, "arn:aws:states:us-east-1:123456789012:stateMachine:Nope", "{}").await.unwrap_err();
    assert_eq!(error_name(&e), "StateMachineDoesNotExist");
    let e = sim.start_execution(js(json!({"stateMachineArn": std, "input": "{oops"})), None).unwrap_err();
    assert_eq!(error_name(&e), "InvalidExecutionInput");
    let e = sim.start_execution(js(json!({"stateMachineArn": std, "input": {"a": 1}})), None).unwrap_err();
    assert_eq!(error_name(&e), "ValidationException");
    let e = sim
        .describe_execution(js(json!({"executionArn": "arn:aws:states:us-east-1:123456789012:execution:Std:none"})))
        .unwrap_err();
    assert_eq!(error_name(&e), "ExecutionDoesNotExist");
    assert_eq!(error_name(&Simulator::new(Some(js(json!({"clock": "fast"})))).err().unwrap()), "ValidationException");

    // StartExecution quotas: a bucket of 2 refilled once a second (virtual time); sync starts are exempt.
    let ex =
        create(&sim, "Quick", json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}), "EXPRESS", None);
    let start = || sim.start_execution(js(json!({"stateMachineArn": ex})), None);
    assert!(start().is_ok() && start().is_ok());
    let e = start().unwrap_err();
    assert_eq!((error_name(&e), text(&e, "message")), ("ThrottlingException".into(), "Rate exceeded".into()));
    assert_eq!(text(&sync(&sim, &ex, "{}").await.unwrap(), "status"), "SUCCEEDED");
}

/// `subscribe` streams every record as it is written, in order, until unsubscribed.
#[wasm_bindgen_test]
async fn subscribers_get_every_record_as_it_is_written() {
    let sim = sim(json!({}));
    let m = create(
        &sim,
        "Streamed",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        "EXPRESS",
        all("ALL", false),
    );
    let got = Rc::new(RefCell::new(Vec::<(String, String)>::new()));
    let cb = {
        let got = got.clone();
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |r: JsValue, group: JsValue| {
            got.borrow_mut().push((text(&r, "type"), group.as_string().unwrap()));
        })
        .into_js_value()
    };
    let unsubscribe: Function = sim.subscribe(cb).unwrap().dyn_into().unwrap();
    let out = sync(&sim, &m, "{}").await.unwrap();
    let want = ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"];
    let types: Vec<String> = got.borrow().iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(types, want, "all records before the promise settles");
    assert!(got.borrow().iter().all(|(_, g)| g == "/aws/vendedlogs/states/asl-sim"));
    assert_eq!(records(&sim, &text(&out, "executionArn")).len(), 4);
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap();
    sync(&sim, &m, "{}").await.unwrap();
    assert_eq!(got.borrow().len(), 4, "nothing after unsubscribing");
}

/// `stopExecution` aborts a running execution: `onDone` sees ABORTED, and the history and logs
/// end with `ExecutionAborted`.
#[wasm_bindgen_test]
async fn stop_execution_aborts_a_running_execution() {
    let sim = sim(json!({}));
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:never", "End": true}}});
    let m = create(&sim, "Stoppable", def, "STANDARD", all("ALL", true));
    sim.register_task_handler(
        "arn:aws:lambda:us-east-1:123456789012:function:never".into(),
        func("", "return new Promise(() => {});"),
    )
    .unwrap();
    let (done, resolve) = deferred();
    let s = sim.start_execution(js(json!({"stateMachineArn": m, "name": "run-1"})), Some(resolve.into())).unwrap();
    let arn = text(&s, "executionArn");
    assert_eq!(arn, "arn:aws:states:us-east-1:123456789012:execution:Stoppable:run-1");
    sleep(5).await;
    assert_eq!(history(&sim, &arn).last().map(String::as_str), Some("LambdaFunctionStarted"));
    let stopped = sim.stop_execution(js(json!({"executionArn": arn, "error": "Oops", "cause": "enough"}))).unwrap();
    assert!(field(&stopped, "stopDate").is_instance_of::<js_sys::Date>());
    let result = JsFuture::from(done).await.unwrap();
    assert_eq!(
        (text(&result, "status"), text(&result, "error"), text(&result, "cause")),
        ("ABORTED".into(), "Oops".into(), "enough".into())
    );
    assert_eq!(history(&sim, &arn).last().map(String::as_str), Some("ExecutionAborted"));
    assert_eq!(types(&records(&sim, &arn)).last().map(String::as_str), Some("ExecutionAborted"));
    let d = sim.describe_execution(js(json!({"executionArn": arn}))).unwrap();
    assert_eq!(text(&d, "status"), "ABORTED");
    let h = sim.get_execution_history(js(json!({"executionArn": arn, "reverseOrder": true, "maxResults": 1}))).unwrap();
    let first = Array::from(&field(&h, "events")).get(0);
    assert_eq!(text(&first, "type"), "ExecutionAborted");
    assert!(field(&first, "timestamp").is_instance_of::<js_sys::Date>());
    assert_eq!(to_json(&field(&first, "executionAbortedEventDetails")), json!({"error": "Oops", "cause": "enough"}));
    assert!(field(&h, "nextToken").is_string());
}

/// Nested workflows: `states:startExecution.sync:2` runs another registered machine and waits.
#[wasm_bindgen_test]
async fn nested_workflows_start_other_registered_machines() {
    let sim = sim(json!({}));
    let child = create(
        &sim,
        "Child",
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "Next": "P"}, "P": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}}),
        "EXPRESS",
        None,
    );
    let parent = create(
        &sim,
        "Parent",
        json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "Parameters": {"StateMachineArn": child, "Input": {"n.$": "$.n"}}, "OutputPath": "$.Output", "Next": "Fire"},
        "Fire": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution", "Parameters": {"StateMachineArn": child, "Input": {"n": 1}}, "ResultPath": "$.fired", "End": true}}}),
        "STANDARD",
        None,
    );
    let (done, resolve) = deferred();
    sim.start_execution(js(json!({"stateMachineArn": parent, "input": "{\"n\": 21}"})), Some(resolve.into())).unwrap();
    let out = JsFuture::from(done).await.unwrap();
    assert_eq!(text(&out, "status"), "SUCCEEDED", "{:?}", to_json(&out));
    let output: Value = serde_json::from_str(&text(&out, "output")).unwrap();
    assert_eq!(output["doubled"], 42, "{output}");
    assert!(output["fired"]["ExecutionArn"].as_str().unwrap().contains(":express:Child:"));
    assert_eq!(date_ms(&out, "stopDate") - date_ms(&out, "startDate"), 10_000.0);

    // A failing child fails a `.sync` task; `aws-sdk:sfn:startSyncExecution` answers its result.
    let fails = create(
        &sim,
        "Fails",
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope", "Cause": "why"}}}),
        "EXPRESS",
        None,
    );
    let parent = create(
        &sim,
        "Parent2",
        json!({"StartAt": "Sdk", "States": {
        "Sdk": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startSyncExecution", "Parameters": {"StateMachineArn": fails}, "ResultSelector": {"status.$": "$.Status", "error.$": "$.Error"}, "ResultPath": "$.sdk", "Next": "Sync"},
        "Sync": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn": fails}, "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.caught", "Next": "Done"}], "End": true},
        "Done": {"Type": "Pass", "End": true}}}),
        "STANDARD",
        None,
    );
    let (done, resolve) = deferred();
    sim.start_execution(js(json!({"stateMachineArn": parent})), Some(resolve.into())).unwrap();
    let output: Value = serde_json::from_str(&text(&JsFuture::from(done).await.unwrap(), "output")).unwrap();
    assert_eq!(output["sdk"], json!({"status": "FAILED", "error": "Nope"}));
    assert_eq!(output["caught"]["Error"], "States.TaskFailed");
    let cause: Value = serde_json::from_str(output["caught"]["Cause"].as_str().unwrap()).unwrap();
    assert_eq!(cause["Status"], "FAILED");
}

/// A handler as a Rust closure: `f(input, context)` as JSON, its answer as a JS value.
mod edges;
mod hostile;
mod hostile_cases;
mod robust;
mod s3;
mod tokens;
