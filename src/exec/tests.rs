//! Unit tests of the executor's helpers; whole machines are tested in `tests/`.

use serde_json::json;

use super::*;

#[test]
fn error_equals_wildcards() {
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(error_matches(&names(&["States.ALL"]), &"Custom".into()));
    assert!(!error_matches(&names(&["States.ALL"]), &"States.Runtime".into()));
    assert!(error_matches(&names(&["States.TaskFailed"]), &"States.DataLimitExceeded".into()));
    assert!(!error_matches(&names(&["States.TaskFailed"]), &"States.Timeout".into()));
    assert!(error_matches(&names(&["A", "B"]), &"B".into()));
    assert!(!error_matches(&names(&["A"]), &"B".into()));
}

#[test]
fn task_events_name_the_integration_as_aws_does() {
    // Recorded on AWS (LocalStack snapshots test_aws_sdk_task_service and test_aws_sdk, validated
    // 2025-11): `"resourceType": "aws-sdk:s3", "resource": "listObjects"`.
    let parts = |r: &str| task::resource_parts(r);
    assert_eq!(parts("arn:aws:states:::aws-sdk:s3:listObjects"), ("aws-sdk:s3".into(), "listObjects".into()));
    assert_eq!(
        parts("arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken"),
        ("aws-sdk:sfn".into(), "startExecution.waitForTaskToken".into())
    );
    assert_eq!(parts("arn:aws:states:::lambda:invoke"), ("lambda".into(), "invoke".into()));
    assert_eq!(
        parts("arn:aws:lambda:us-east-1:123456789012:function:f"),
        ("lambda".into(), "arn:aws:lambda:us-east-1:123456789012:function:f".into())
    );
}

#[test]
fn payload_size_counts_json_bytes() {
    assert_eq!(payload_size(&json!({"a": [1, "é"]})), r#"{"a":[1,"é"]}"#.len());
}

#[test]
fn express_arns_end_with_a_stable_run_id() {
    let a = Identity::new("1", "us-east-1", "M", "e", MachineType::Express);
    let b = Identity::new("1", "us-east-1", "M", "e", MachineType::Express);
    assert_eq!(a.execution_arn, b.execution_arn);
    assert!(a.execution_arn.starts_with("arn:aws:states:us-east-1:1:express:M:e:"));
    let s = Identity::new("1", "us-east-1", "M", "e", MachineType::Standard);
    assert_eq!(s.execution_arn, "arn:aws:states:us-east-1:1:execution:M:e");
}

/// The executor and `TestState` share one data flow: a one-state machine ends with the output
/// `TestState` gives for that state (a Task answered with the same result as its mock).
#[test]
fn executor_and_teststate_agree() {
    use crate::teststate::{test_state, Request};

    let cases = [
        (
            json!({"Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"}, "ResultPath": "$.r", "End": true}),
            None,
        ),
        (json!({"Type": "Pass", "Result": {"r": 1}, "ResultPath": "$.a.c", "OutputPath": "$.a", "End": true}), None),
        (json!({"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}), None),
        (json!({"Type": "Wait", "Seconds": 5, "Assign": {"v.$": "$.a"}, "OutputPath": "$.a", "End": true}), None),
        (
            json!({"Type": "Task", "Resource": "arn:aws:states:::my:task", "Parameters": {"in.$": "$.a"},
                "ResultSelector": {"n.$": "$.n"}, "ResultPath": "$.res", "End": true}),
            Some(json!({"n": 3, "other": true})),
        ),
        (
            json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::my:task",
                "Arguments": {"x": "{% $states.input.a.b %}"}, "Output": {"got": "{% $states.result.n %}"}, "End": true}),
            Some(json!({"n": 4})),
        ),
        (json!({"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.a %}", "End": true}), None),
    ];
    let input = json!({"a": {"b": 2}});
    for (state, result) in cases {
        let (sim, arn) = run_in_account(&state, &input, result.clone().unwrap_or(Value::Null));
        let exec = sim.execution(&arn).unwrap();
        let mut req = json!({"definition": state.to_string(), "input": input.to_string()});
        if let Some(r) = &result {
            req["mock"] = json!({"result": r.to_string(), "fieldValidationMode": "NONE"});
        }
        let resp = test_state(&Request::from_json(&req).unwrap()).unwrap();
        let shown: Value = serde_json::from_str(resp["output"].as_str().unwrap()).unwrap();
        assert_eq!(exec.status(), Status::Succeeded, "{state}");
        assert_eq!(exec.output(), Some(&shown), "{state}");
    }
}

/// Runs the one-state machine `{"S": state}` in an account, its tasks answered with `answer`:
/// the account and the execution's ARN.
fn run_in_account(state: &Value, input: &Value, answer: Value) -> (crate::simulator::Simulator, String) {
    use crate::simulator::{CreateStateMachineInput, Simulator, StartExecutionInput};
    let mut sim = Simulator::new("123456789012", "us-east-1", 0);
    let definition = json!({"StartAt": "S", "States": {"S": state}}).to_string();
    let created =
        sim.create_state_machine(&CreateStateMachineInput { name: "M".into(), definition, ..Default::default() }, 0);
    let start = StartExecutionInput {
        state_machine_arn: created.unwrap()["stateMachineArn"].as_str().unwrap().into(),
        input: Some(input.to_string()),
        ..Default::default()
    };
    let arn = sim.start_execution(&start, 0).unwrap();
    sim.run_to_end(&arn, &mut |_| Some(Ok(answer.clone())));
    (sim, arn)
}

fn run_alone(machine: serde_json::Value, config: Config) -> Execution {
    let machine = Arc::new(crate::model::load(&machine).unwrap());
    let mut exec = Execution::new(machine, json!({"k": "v"}), config);
    let mut now = exec.now();
    while let Poll::WakeAt(t) = exec.poll(now) {
        now = now.max(t);
    }
    exec
}

fn config(machine_type: MachineType) -> Config {
    Config::new(Identity::new("1", "us-east-1", "M", "e", machine_type), machine_type)
}

/// A budget that runs out at the last state's exit ends the execution there: its success does not
/// override the failure.
#[test]
fn a_budget_reached_at_the_last_exit_stands() {
    let one = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let full = run_alone(one.clone(), config(MachineType::Standard));
    assert_eq!(full.status(), Status::Succeeded);
    let kinds: Vec<&str> = full.events().iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    // The exit repeats the entry's text, which the history holds once.
    let before_exit = full.events()[0].bytes(false) + full.events()[1].bytes(false);
    let mut tight = config(MachineType::Standard);
    tight.max_history_bytes = before_exit;
    let cut = run_alone(one, tight);
    assert_eq!(cut.status(), Status::Failed);
    let kinds: Vec<&str> = cut.events().iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionFailed"]);
    assert_eq!(cut.failure().unwrap().error, "States.Runtime");
    assert_eq!(cut.output(), None);
}

/// With a cost per state, a runaway Express loop times out at its 5-minute limit, and each event's
/// time moves on by the cost.
#[test]
fn a_cost_per_state_reaches_the_express_limit() {
    let looping =
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}});
    let mut c = config(MachineType::Express);
    c.state_cost_ms = 7;
    c.history = HistoryMode::Discard;
    let start = c.start_time;
    let exec = run_alone(looping, c);
    assert_eq!(exec.status(), Status::TimedOut);
    assert_eq!(exec.last_event().1 - start, 300_000);
    assert_eq!(exec.transitions(), 300_000 / 7 + 1);
    assert!(exec.events().is_empty());
}

/// Which state events get payload texts: all of them, only a Fail state's entry (what logging at
/// ERROR writes of the state events), or none; the run is the same either way.
#[test]
fn state_payload_texts_are_made_only_for_the_events_that_are_read() {
    let machine = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Parameters": {"n.$": "$.k", "tag": "p"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "StringEquals": "v", "Next": "F"}], "Default": "P"},
        "F": {"Type": "Fail", "Error": "E", "Cause": "C"}}});
    let texts = |payloads: StatePayloads| {
        let mut c = config(MachineType::Express);
        c.state_payloads = payloads;
        let exec = run_alone(machine.clone(), c);
        assert_eq!((exec.failure().unwrap().error.as_str(), exec.transitions()), ("E", 3));
        let texts: Vec<(&str, String)> = exec
            .events()
            .iter()
            .filter_map(|e| match &e.body {
                Body::State { payload, .. } => Some((e.kind, payload.to_string())),
                _ => None,
            })
            .collect();
        texts
    };
    let all = [
        ("PassStateEntered", r#"{"k":"v"}"#),
        ("PassStateExited", r#"{"n":"v","tag":"p"}"#),
        ("ChoiceStateEntered", r#"{"n":"v","tag":"p"}"#),
        ("ChoiceStateExited", r#"{"n":"v","tag":"p"}"#),
        ("FailStateEntered", r#"{"n":"v","tag":"p"}"#),
    ];
    let only = |kind: &str| all.map(|(k, t)| (k, if k == kind { t.to_string() } else { String::new() }));
    assert_eq!(texts(StatePayloads::All), all.map(|(k, t)| (k, t.to_string())));
    assert_eq!(texts(StatePayloads::FailEntries), only("FailStateEntered"));
    assert_eq!(texts(StatePayloads::None), only("none"));
}

/// An execution that keeps no history builds no payload text, but its states' outputs are still
/// held to 256 KiB: exactly 262,144 bytes of JSON pass, one more fails with
/// States.DataLimitExceeded ("The maximum payload size for a state's input and output is 256 KiB",
/// the developer guide's service quotas).
#[test]
fn an_execution_without_history_still_checks_the_payload_size() {
    // `{"s":"…"}` is 8 bytes around the string.
    let machine = |len: usize| json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"s": "x".repeat(len)}, "End": true}}});
    for (len, status) in [(262_144 - 8, Status::Succeeded), (262_144 - 7, Status::Failed)] {
        let mut c = config(MachineType::Express);
        c.history = HistoryMode::Discard;
        let exec = run_alone(machine(len), c);
        assert_eq!(exec.status(), status, "{len}");
        assert!(exec.events().is_empty());
        if status == Status::Failed {
            let failure = exec.failure().unwrap();
            assert_eq!(failure.error, "States.DataLimitExceeded");
            assert_eq!(
                failure.cause,
                "The state/task 'P' returned a result with a size exceeding the maximum number of bytes service limit."
            );
        } else {
            assert_eq!(exec.output().unwrap()["s"].as_str().unwrap().len(), len);
        }
    }
}

/// The nesting check counts levels of non-empty containers, with or without its walk.
#[test]
fn nesting_depth_counts_filled_containers() {
    use super::budget::nested_deeper_than as deeper;
    for (v, depth) in [
        (json!(1), 0),
        (json!([]), 0),
        (json!({}), 0),
        (json!([1, "a"]), 1),
        (json!({"a": 1}), 1),
        (json!({"a": []}), 1),
        (json!({"a": [1]}), 2),
        (json!([[[{"x": 1}]]]), 4),
    ] {
        assert!(!deeper(&v, depth + 1), "{v} is not deeper than {}", depth + 1);
        if depth > 0 {
            assert!(deeper(&v, depth), "{v} is deeper than {depth}");
        }
    }
}

/// A Pass state whose input parts move into its result (`model::Moves`) gives the result, error
/// and cause that copying gives: TestState, which never moves, is the reference.
#[test]
fn moved_parameters_agree_with_copied_ones() {
    use crate::teststate::{test_state, Request};

    let input = json!({"data": {"records": [{"id": 1}, {"id": 2}], "meta": {"m": 1}}, "keep": {"k": true}});
    let cases = [
        json!({"InputPath": "$.data", "Parameters": {"records.$": "$.records", "meta.$": "$.meta",
            "firstId.$": "$.records[0].id", "step": 0}, "ResultPath": "$.next.data", "OutputPath": "$.next"}),
        json!({}),
        json!({"InputPath": "$.data"}),
        json!({"InputPath": "$.data", "ResultPath": "$.r", "OutputPath": "$.keep"}),
        json!({"Parameters": {"a.$": "$.data.meta", "b.$": "$.keep", "c.$": "$.data.records[1]", "n": 1,
            "nested": {"x.$": "$.data.meta.m"}, "f.$": "States.Format('{}', $.data.meta.m)"},
            "ResultPath": "$.keep.r", "OutputPath": "$.keep"}),
        // A part to move is missing; a field evaluated as usual fails.
        json!({"Parameters": {"a.$": "$.data.missing"}, "ResultPath": "$.r", "OutputPath": "$.keep"}),
        json!({"Parameters": {"a.$": "$.data.meta", "b.$": "$.nothing.x"}, "ResultPath": "$.r", "OutputPath": "$.keep"}),
        json!({"Parameters": {"a.$": "$.data", "b.$": "$.keep"}}),
    ];
    for mut state in cases {
        state["Type"] = json!("Pass");
        state["End"] = json!(true);
        let machine = crate::model::load(&json!({"StartAt": "S", "States": {"S": state}})).unwrap();
        let planned = matches!(&machine.states[0].flow, crate::model::Flow::JsonPath(p) if p.moves.is_some());
        assert!(planned, "{state} moves a part of its input");
        let (sim, arn) = run_in_account(&state, &input, Value::Null);
        let exec = sim.execution(&arn).unwrap();
        let req = json!({"definition": state.to_string(), "input": input.to_string()});
        let resp = test_state(&Request::from_json(&req).unwrap()).unwrap();
        match resp["status"].as_str() {
            Some("SUCCEEDED") => {
                let shown: Value = serde_json::from_str(resp["output"].as_str().unwrap()).unwrap();
                assert_eq!(exec.output(), Some(&shown), "{state}");
            }
            _ => {
                // An execution's cause also names the state and its event.
                let failure = exec.failure().expect("failed");
                let prefix = "An error occurred while executing the state 'S' (entered at the event id #2). ";
                assert_eq!(failure.error.to_string(), resp["error"].as_str().unwrap(), "{state}");
                assert_eq!(failure.cause, format!("{prefix}{}", resp["cause"].as_str().unwrap()), "{state}");
            }
        }
    }
}

/// Without a kept history the depth limit holds too: the walk that measures an output stops at
/// 256 levels instead of recursing further.
#[test]
fn an_execution_without_history_still_checks_the_depth() {
    let mut deep = json!(1);
    for _ in 0..300 {
        deep = json!([deep]);
    }
    let machine = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": deep, "End": true}}});
    let mut c = config(MachineType::Express);
    c.history = HistoryMode::Discard;
    let exec = run_alone(machine, c);
    assert_eq!(exec.status(), Status::Failed);
    let failure = exec.failure().unwrap();
    assert_eq!(failure.error, "States.Runtime");
    assert_eq!(
        failure.cause,
        "The state/task 'P' returned a result nested deeper than 256 levels, the simulator's limit."
    );
}

/// Every combination of a few `InputPath`, `Parameters`, `ResultPath` and `OutputPath` values:
/// the executor (which moves what it can) and TestState (which copies) agree on the output, or on
/// the error and cause.
#[test]
fn moves_agree_with_copies_over_many_shapes() {
    use crate::teststate::{test_state, Request};

    let input = json!({"a": {"b": {"z": 1}, "q": 2}, "c": [1, 2], "r0": 0});
    let input_paths = [None, Some(json!("$.a")), Some(json!("$.a.b")), Some(json!("$.c"))];
    let parameters = [
        None,
        Some(json!({"x.$": "$.b"})),
        Some(json!({"x.$": "$.a", "y.$": "$.c"})),
        Some(json!({"x.$": "$", "k": 1})),
        Some(json!({"x.$": "$.a.b", "y.$": "$.a"})),
    ];
    let result_paths =
        [None, Some(json!(null)), Some(json!("$.r")), Some(json!("$.a.r")), Some(json!("$.c")), Some(json!("$"))];
    let output_paths = [None, Some(json!("$.a")), Some(json!("$.r")), Some(json!("$.c")), Some(json!("$.r.x"))];
    let mut moved = 0;
    for ip in &input_paths {
        for params in &parameters {
            for rp in &result_paths {
                for op in &output_paths {
                    let mut state = json!({"Type": "Pass", "End": true});
                    for (key, v) in [("InputPath", ip), ("Parameters", params), ("ResultPath", rp), ("OutputPath", op)]
                    {
                        if let Some(v) = v {
                            state[key] = v.clone();
                        }
                    }
                    let machine = crate::model::load(&json!({"StartAt": "S", "States": {"S": state}})).unwrap();
                    moved += usize::from(
                        matches!(&machine.states[0].flow, crate::model::Flow::JsonPath(p) if p.moves.is_some()),
                    );
                    let (sim, arn) = run_in_account(&state, &input, Value::Null);
                    let exec = sim.execution(&arn).unwrap();
                    let req = json!({"definition": state.to_string(), "input": input.to_string()});
                    let resp = test_state(&Request::from_json(&req).unwrap()).unwrap();
                    if resp["status"] == "SUCCEEDED" {
                        let shown: Value = serde_json::from_str(resp["output"].as_str().unwrap()).unwrap();
                        assert_eq!(exec.output(), Some(&shown), "{state}");
                    } else {
                        let failure = exec.failure().expect("failed");
                        assert_eq!(failure.error.to_string(), resp["error"].as_str().unwrap(), "{state}");
                        assert!(failure.cause.ends_with(resp["cause"].as_str().unwrap()), "{state}: {}", failure.cause);
                    }
                }
            }
        }
    }
    // The shapes that can move are a good share of them.
    assert!(moved > 100, "{moved} of 600 shapes move");
}

/// The execution input is kept as text; as a value only for machines that may read `$$`, else
/// read back from the text when asked for. Both ways give the same value and the same context.
#[test]
fn the_input_is_kept_as_text_and_read_back_as_the_same_value() {
    let input = json!({"z": [1, 2.5, -0.125, 1e300, "é\"\n"], "a": {"b": null, "c": true}});
    for (machine, keeps) in [
        (json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}), false),
        (
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"in.$": "$$.Execution.Input"}, "End": true}}}),
            true,
        ),
    ] {
        let machine = Arc::new(crate::model::load(&machine).unwrap());
        assert_eq!(machine.may_read_context(), keeps);
        let mut exec = Execution::new(machine, input.clone(), config(MachineType::Express));
        assert_eq!(exec.input.get().is_some(), keeps);
        assert_eq!(exec.input_text(), r#"{"z":[1,2.5,-0.125,1e+300,"é\"\n"],"a":{"b":null,"c":true}}"#);
        assert_eq!(exec.input(), &input);
        let keys: Vec<&String> = exec.input().as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a"]);
        let mut now = exec.now();
        while let Poll::WakeAt(t) = exec.poll(now) {
            now = now.max(t);
        }
        let want = if keeps { json!({"in": input}) } else { input.clone() };
        assert_eq!(exec.output(), Some(&want));
    }
}

/// A chain of Pass states over a large document, with the parts they move carried from state to
/// state (sizes without the history, texts with it), ends as running each state alone on the
/// previous state's output does (nothing carried): the same output, or the same state failing
/// with the same error and cause.
#[test]
fn sizes_carried_through_moves_agree_with_states_run_alone() {
    fn run(machine: &Value, input: &Value, history: HistoryMode) -> (Status, Option<Value>, Option<Failure>) {
        let machine = Arc::new(crate::model::load(machine).unwrap());
        let mut c = config(MachineType::Express);
        c.history = history;
        let mut exec = Execution::new(machine, input.clone(), c);
        let mut now = exec.now();
        while let Poll::WakeAt(t) = exec.poll(now) {
            now = now.max(t);
        }
        (exec.status(), exec.output().cloned(), exec.failure().cloned())
    }
    fn state(pass: &Value, i: usize, last: bool) -> Value {
        let mut s = pass.clone();
        s["Type"] = json!("Pass");
        if last {
            s["End"] = json!(true);
        } else {
            s["Next"] = json!(format!("S{}", i + 1));
        }
        s
    }
    let mut deep = json!("x");
    for _ in 0..248 {
        deep = json!({"d": deep});
    }
    let cases = [
        // The benchmark's shape: the document moves on, nothing grows.
        (
            6,
            json!({"InputPath": "$.data", "Parameters": {"records.$": "$.records", "meta.$": "$.meta",
                "firstId.$": "$.records[0].id", "step": 1}, "ResultPath": "$.next.data", "OutputPath": "$.next"}),
            json!({"data": {"records": [{"id": 7, "s": "y".repeat(100_000)}], "meta": {"m": [1.5, true, null]}}}),
            Status::Succeeded,
        ),
        // Each state wraps the whole input (moved) and adds 1,000 bytes: the 256 KiB limit is
        // crossed at one state.
        (
            20,
            json!({"Parameters": {"inner.$": "$", "pad": "p".repeat(1_000)}}),
            json!({"s": "z".repeat(250_000)}),
            Status::Failed,
        ),
        // ... and one level deeper each time: the nesting limit, from a moved part's height.
        (
            20,
            json!({"Parameters": {"inner.$": "$", "pad": 1}}),
            json!({"deep": deep, "pad": "q".repeat(10_000)}),
            Status::Failed,
        ),
        // A part moved and parts written anew (a literal, a part of a copied part).
        (
            8,
            json!({"Parameters": {"inner.$": "$.inner", "more": "m".repeat(20_000), "id.$": "$.inner.id"}}),
            json!({"inner": {"id": 1, "s": "a".repeat(60_000)}, "more": ""}),
            Status::Succeeded,
        ),
        // Two fields read the same part: both copy.
        (
            3,
            json!({"Parameters": {"a.$": "$.a", "b.$": "$.b", "c.$": "$.a"}}),
            json!({"a": "a".repeat(60_000), "b": "b".repeat(60_000)}),
            Status::Succeeded,
        ),
    ];
    for (n, pass, input, status) in cases {
        // Each state alone, on the previous state's output, until one fails.
        let mut expected = (Status::Succeeded, Some(input.clone()), None);
        for i in 0..n {
            let Some(prev) = expected.1.clone().filter(|_| expected.0 == Status::Succeeded) else { break };
            let alone = json!({"StartAt": format!("S{i}"), "States": {format!("S{i}"): state(&pass, i, true)}});
            expected = run(&alone, &prev, HistoryMode::Keep);
        }
        assert_eq!(expected.0, status, "{:?} {pass}", expected.2);
        let chain: serde_json::Map<String, Value> =
            (0..n).map(|i| (format!("S{i}"), state(&pass, i, i + 1 == n))).collect();
        let chain = json!({"StartAt": "S0", "States": chain});
        for history in [HistoryMode::Keep, HistoryMode::Discard] {
            assert_eq!(run(&chain, &input, history), expected, "{pass}");
        }
    }
}

/// With the history kept, a Pass state's output text takes the texts of the parts it moved from
/// its input's text: each state's exit text is still what serde_json writes for its output, as
/// running each state alone on the previous output finds it.
#[test]
fn exit_texts_with_moved_parts_copied_are_the_outputs_texts() {
    let run = |machine: &Value, input: &Value| {
        let machine = Arc::new(crate::model::load(machine).unwrap());
        let mut exec = Execution::new(machine, input.clone(), config(MachineType::Standard));
        let mut now = exec.now();
        while let Poll::WakeAt(t) = exec.poll(now) {
            now = now.max(t);
        }
        exec
    };
    let text = "é\"\\\n\u{1}😀".repeat(1_000);
    let states = [
        json!({"InputPath": "$.data", "Parameters": {"records.$": "$.records", "meta.$": "$.meta", "n": 1},
            "ResultPath": "$.next.data", "OutputPath": "$.next"}),
        json!({"Parameters": {"wrapped.$": "$.data", "extra": {"k": [1, 2]}}}),
        json!({"Parameters": {"a.$": "$.wrapped.records", "b.$": "$.wrapped.meta", "c.$": "$.extra"}, "OutputPath": "$"}),
        json!({"Parameters": {"x.$": "$.a"}, "ResultPath": "$.r", "OutputPath": "$.r"}),
        json!({"InputPath": "$.x", "ResultPath": "$.moved", "OutputPath": "$.moved"}),
        json!({"Parameters": {"inner.$": "$", "t": "ok"}}),
    ];
    let input = json!({"data": {"records": [{"id": 7, "s": text}], "meta": {"m": [1.5, true, null, text]}}});
    let mut chain = serde_json::Map::new();
    for (i, s) in states.iter().enumerate() {
        let mut s = s.clone();
        s["Type"] = json!("Pass");
        if i + 1 < states.len() {
            s["Next"] = json!(format!("S{}", i + 1));
        } else {
            s["End"] = json!(true);
        }
        chain.insert(format!("S{i}"), s);
    }
    let exec = run(&json!({"StartAt": "S0", "States": chain}), &input);
    assert_eq!(exec.status(), Status::Succeeded);
    let exits: Vec<&str> = exec
        .events()
        .iter()
        .filter_map(|e| match &e.body {
            crate::history::Body::State { entered: false, payload, .. } => Some(&**payload),
            _ => None,
        })
        .collect();
    assert_eq!(exits.len(), states.len());
    // Each state alone, on the previous state's output.
    let mut expected = input;
    for (i, s) in states.iter().enumerate() {
        let mut s = s.clone();
        s["Type"] = json!("Pass");
        s["End"] = json!(true);
        let alone = run(&json!({"StartAt": "P", "States": {"P": s}}), &expected);
        expected = alone.output().unwrap().clone();
        assert_eq!(exits[i], serde_json::to_string(&expected).unwrap(), "state S{i}");
    }
    assert_eq!(exec.output(), Some(&expected));
}
