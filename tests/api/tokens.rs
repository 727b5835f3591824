//! Task tokens from JS: handlers that send the token, sendTaskSuccess/Failure/Heartbeat.

use super::*;

fn handler(mut f: impl FnMut(Value, Value) -> Value + 'static) -> JsValue {
    Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(move |input: JsValue, context: JsValue| {
        js(f(to_json(&input), to_json(&context)))
    })
    .into_js_value()
}

/// Waits (macrotasks) until `f` holds, at most about a second.
async fn until(mut f: impl FnMut() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        sleep(2).await;
    }
    panic!("never happened");
}

async fn send(p: Promise) -> Result<Value, String> {
    match JsFuture::from(p).await {
        Ok(v) => Ok(to_json(&v)),
        Err(e) => Err(error_name(&e)),
    }
}

fn status(sim: &Simulator, arn: &str) -> String {
    text(&sim.describe_execution(js(json!({"executionArn": arn}))).unwrap(), "status")
}

const QUEUE: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

/// `.waitForTaskToken` from JS: the handler's call sends the token (its context has it too); the
/// task ends when `sendTaskSuccess` or `sendTaskFailure` brings it back, and Catch sees the error.
/// Unknown, spent and malformed requests reject with AWS's names.
#[wasm_bindgen_test]
async fn task_tokens_complete_with_success_or_failure() {
    let sim = sim(json!({"startDate": 0}));
    let def = json!({"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": QUEUE, "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "ResultPath": "$.reply", "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.rejected", "Next": "Done"}], "Next": "Done"},
        "Done": {"Type": "Pass", "End": true}}});
    let m = create(&sim, "Callback", def, "STANDARD", None);
    let sent = Rc::new(RefCell::new(Vec::<(Value, Value)>::new()));
    let log = sent.clone();
    sim.register_task_handler(
        QUEUE.into(),
        handler(move |input, context| {
            log.borrow_mut().push((input["MessageBody"]["token"].clone(), context["taskToken"].clone()));
            json!({"MessageId": "m-1"})
        }),
    )
    .unwrap();

    let (done, resolve) = deferred();
    let arn = text(
        &sim.start_execution(js(json!({"stateMachineArn": m, "input": "{\"n\": 1}"})), Some(resolve.into())).unwrap(),
        "executionArn",
    );
    until(|| !sent.borrow().is_empty()).await;
    sleep(5).await;
    assert_eq!(status(&sim, &arn), "RUNNING", "the handler's answer does not end the task");
    let (token, in_context) = sent.borrow()[0].clone();
    assert_eq!(token, in_context, "the context carries the token");
    let token = token.as_str().unwrap().to_string();
    let ok = |output: &str| sim.send_task_success(js(json!({"taskToken": token, "output": output})));
    assert_eq!(send(ok("{oops")).await, Err("InvalidOutput".into()));
    assert_eq!(
        send(sim.send_task_success(js(json!({"taskToken": "nope", "output": "{}"})))).await,
        Err("InvalidToken".into())
    );
    assert_eq!(
        send(sim.send_task_success(js(json!({"taskToken": "f".repeat(64), "output": "{}"})))).await,
        Err("TaskDoesNotExist".into())
    );
    assert_eq!(send(sim.send_task_success(js(json!({"taskToken": token})))).await, Err("ValidationException".into()));
    assert_eq!(send(sim.send_task_heartbeat(js(json!({"taskToken": token})))).await, Ok(json!({})));
    assert_eq!(send(ok(r#"{"approved": true}"#)).await, Ok(json!({})));
    let result = JsFuture::from(done).await.unwrap();
    assert_eq!(text(&result, "status"), "SUCCEEDED");
    assert_eq!(text(&result, "output"), r#"{"n":1,"reply":{"approved":true}}"#);
    assert_eq!(send(ok("{}")).await, Err("TaskTimedOut".into()));

    let (done, resolve) = deferred();
    sim.start_execution(js(json!({"stateMachineArn": m, "input": "{}"})), Some(resolve.into())).unwrap();
    until(|| sent.borrow().len() == 2).await;
    let token = sent.borrow()[1].0.clone();
    let failure = json!({"taskToken": token, "error": "Rejected", "cause": "not today"});
    assert_eq!(send(sim.send_task_failure(js(failure))).await, Ok(json!({})));
    let result = JsFuture::from(done).await.unwrap();
    assert_eq!(text(&result, "output"), r#"{"rejected":{"Error":"Rejected","Cause":"not today"}}"#);
}

/// On the virtual clock a waiting token does not stop time: it moves to the next timer. Here a
/// parallel branch waits 8 s between heartbeats (sent by its tasks' handlers), which keeps the
/// token task (HeartbeatSeconds 10) alive until the branch sends the token at 24 s; alone, the
/// task times out at 10 s with `States.HeartbeatTimeout`.
#[wasm_bindgen_test]
async fn heartbeats_keep_a_token_task_alive_on_the_virtual_clock() {
    let sim = Rc::new(sim(json!({"startDate": 0})));
    let token = Rc::new(RefCell::new(String::new()));
    let keep = token.clone();
    sim.register_task_handler(
        QUEUE.into(),
        handler(move |_, context| {
            *keep.borrow_mut() = context["taskToken"].as_str().unwrap().to_string();
            json!({})
        }),
    )
    .unwrap();
    let beat = "arn:aws:lambda:us-east-1:123456789012:function:beat";
    let (s, t) = (Rc::downgrade(&sim), token.clone());
    let beats = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |input: JsValue| {
        let sim = s.upgrade().unwrap();
        let token = t.borrow().clone();
        let p = if to_json(&input)["last"] == true {
            sim.send_task_success(js(json!({"taskToken": token, "output": "\"answered\""})))
        } else {
            sim.send_task_heartbeat(js(json!({"taskToken": token})))
        };
        p.into()
    });
    sim.register_task_handler(beat.into(), beats.into_js_value()).unwrap();
    let ask = json!({"Type": "Task", "Resource": QUEUE, "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "HeartbeatSeconds": 10, "End": true});
    let wait = |next: &str| json!({"Type": "Wait", "Seconds": 8, "Next": next});
    let call = |last: bool, next: Option<&str>| {
        let mut t = json!({"Type": "Task", "Resource": beat, "Parameters": {"last": last}, "ResultPath": null});
        match next {
            Some(n) => t["Next"] = json!(n),
            None => t["End"] = json!(true),
        }
        t
    };
    let def = json!({"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "Ask", "States": {"Ask": ask}},
        {"StartAt": "W1", "States": {"W1": wait("B1"), "B1": call(false, Some("W2")), "W2": wait("B2"), "B2": call(false, Some("W3")),
            "W3": wait("Answer"), "Answer": call(true, None)}}]}}});
    let m = create(&sim, "Beats", def, "STANDARD", None);
    let (done, resolve) = deferred();
    sim.start_execution(js(json!({"stateMachineArn": m})), Some(resolve.into())).unwrap();
    let result = JsFuture::from(done).await.unwrap();
    assert_eq!(text(&result, "status"), "SUCCEEDED", "{:?}", to_json(&result));
    assert_eq!(text(&result, "output"), r#"["answered",{}]"#);
    assert_eq!(date_ms(&result, "stopDate") - date_ms(&result, "startDate"), 24_000.0);

    let alone = json!({"StartAt": "Ask", "States": {"Ask": ask}});
    let m = create(&sim, "Alone", alone, "STANDARD", None);
    let (done, resolve) = deferred();
    sim.start_execution(js(json!({"stateMachineArn": m})), Some(resolve.into())).unwrap();
    let result = JsFuture::from(done).await.unwrap();
    assert_eq!((text(&result, "status"), text(&result, "error")), ("FAILED".into(), "States.HeartbeatTimeout".into()));
    assert_eq!(date_ms(&result, "stopDate") - date_ms(&result, "startDate"), 10_000.0);
    assert_eq!(
        send(sim.send_task_heartbeat(js(json!({"taskToken": *token.borrow()})))).await,
        Err("TaskTimedOut".into())
    );

    // No handler and no timer: the execution waits, RUNNING, until the token comes (from its history).
    sim.register_task_handler(QUEUE.into(), JsValue::NULL).unwrap();
    let m = create(
        &sim,
        "Patient",
        json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": QUEUE,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "End": true}}}),
        "STANDARD",
        None,
    );
    let (done, resolve) = deferred();
    let arn =
        text(&sim.start_execution(js(json!({"stateMachineArn": m})), Some(resolve.into())).unwrap(), "executionArn");
    until(|| history(&sim, &arn).last().map(String::as_str) == Some("TaskStarted")).await;
    sleep(10).await;
    assert_eq!(status(&sim, &arn), "RUNNING");
    let h = sim.get_execution_history(js(json!({"executionArn": arn}))).unwrap();
    let scheduled = Array::from(&field(&h, "events")).iter().find(|e| text(e, "type") == "TaskScheduled").unwrap();
    let params: Value =
        serde_json::from_str(&text(&field(&scheduled, "taskScheduledEventDetails"), "parameters")).unwrap();
    let p = sim.send_task_success(js(json!({"taskToken": params["MessageBody"]["t"], "output": "7"})));
    assert_eq!(send(p).await, Ok(json!({})));
    assert_eq!(text(&JsFuture::from(done).await.unwrap(), "output"), "7");
}
