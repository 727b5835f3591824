//! `TestState` (src/teststate.rs): one request in, AWS's response shape out.

use serde_json::{json, Value};

mod common_teststate;

use common_teststate::answer;

fn parsed(v: &Value) -> Value {
    serde_json::from_str(v.as_str().expect("JSON text")).expect("valid JSON text")
}

#[test]
fn pass_shows_each_step_at_debug() {
    let r = answer(json!({
        "definition": {"Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"}, "ResultPath": "$.out", "OutputPath": "$.out", "Next": "After"},
        "input": {"a": {"b": 7}},
        "inspectionLevel": "DEBUG"
    }))
    .unwrap();
    assert_eq!(r["status"], "SUCCEEDED");
    assert_eq!(r["nextState"], "After");
    assert_eq!(parsed(&r["output"]), json!({"x": 7}));
    let d = &r["inspectionData"];
    assert_eq!(parsed(&d["input"]), json!({"a": {"b": 7}}));
    assert_eq!(parsed(&d["afterInputPath"]), json!({"b": 7}));
    assert_eq!(parsed(&d["afterParameters"]), json!({"x": 7}));
    assert_eq!(parsed(&d["afterResultPath"]), json!({"a": {"b": 7}, "out": {"x": 7}}));
}

#[test]
fn info_level_has_no_inspection_data() {
    let r = answer(json!({"definition": {"Type": "Pass", "End": true}, "input": {"k": 1}})).unwrap();
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": "{\"k\":1}"}));
}

#[test]
fn choice_picks_the_next_state() {
    let def = json!({"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"});
    assert_eq!(answer(json!({"definition": def, "input": {"n": 11}})).unwrap()["nextState"], "Big");
    assert_eq!(answer(json!({"definition": def, "input": {"n": 1}})).unwrap()["nextState"], "Small");
}

#[test]
fn fail_state_fails() {
    let r = answer(json!({"definition": {"Type": "Fail", "Error": "E", "Cause": "C"}})).unwrap();
    assert_eq!(r, json!({"status": "FAILED", "error": "E", "cause": "C"}));
}

#[test]
fn task_mock_error_is_retriable_then_caught() {
    let def = json!({
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 3}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handle"}],
        "End": true
    });
    let req = |count: u32| {
        json!({"definition": def, "input": {"a": 1}, "inspectionLevel": "DEBUG",
               "mock": {"errorOutput": {"error": "Boom", "cause": "why"}},
               "stateConfiguration": {"retrierRetryCount": count}})
    };
    let r = answer(req(1)).unwrap();
    assert_eq!(r["status"], "RETRIABLE");
    assert_eq!(r["inspectionData"]["errorDetails"], json!({"retryBackoffIntervalSeconds": 6, "retryIndex": 0}));
    let r = answer(req(2)).unwrap();
    assert_eq!(r["status"], "CAUGHT_ERROR");
    assert_eq!(r["nextState"], "Handle");
    assert_eq!(parsed(&r["output"]), json!({"a": 1, "err": {"Error": "Boom", "Cause": "why"}}));
}

#[test]
fn jsonata_task_uses_states_result() {
    let r = answer(json!({
        "definition": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
                       "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.v %}"}, "Output": "{% $states.result.r + 1 %}", "End": true},
        "input": {"v": 3}, "inspectionLevel": "TRACE", "mock": {"result": {"r": 41}}
    }))
    .unwrap();
    assert_eq!(parsed(&r["output"]), json!(42));
    assert_eq!(parsed(&r["inspectionData"]["afterArguments"]), json!({"FunctionName": "f", "Payload": 3}));
    assert_eq!(parsed(&r["inspectionData"]["result"]), json!({"r": 41}));
}

#[test]
fn variables_are_read_and_assigned() {
    let r = answer(json!({
        "definition": {"Type": "Pass", "Parameters": {"v.$": "$x"}, "Assign": {"y.$": "$.v"}, "End": true},
        "variables": {"x": 5}, "inspectionLevel": "DEBUG"
    }))
    .unwrap();
    assert_eq!(parsed(&r["output"]), json!({"v": 5}));
    assert_eq!(parsed(&r["inspectionData"]["variables"]), json!({"x": 5, "y": 5}));
}

#[test]
fn mocked_map_shows_the_item_inputs() {
    let r = answer(json!({
        "definition": {"Type": "Map", "ItemsPath": "$.xs", "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"},
                       "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                       "ToleratedFailureCount": 0, "End": true},
        "input": {"xs": ["a", "b"], "k": 9}, "inspectionLevel": "DEBUG",
        "mock": {"result": [1, 2]}, "stateConfiguration": {"mapIterationFailureCount": 1}
    }))
    .unwrap();
    assert_eq!(r["status"], "FAILED");
    assert_eq!(r["error"], "States.ExceedToleratedFailureThreshold");
    let d = &r["inspectionData"];
    assert_eq!(parsed(&d["afterItemSelector"]), json!([{"i": 0, "v": "a", "k": 9}, {"i": 1, "v": "b", "k": 9}]));
    assert_eq!(d["toleratedFailureCount"], json!(0));
    assert_eq!(d["maxConcurrency"], json!(0));
}

#[test]
fn mocked_results_are_checked_against_the_api() {
    let def = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true});
    let e = answer(json!({"definition": def, "mock": {"result": {"StatusCode": "200"}}})).unwrap_err();
    assert_eq!(e.1, "Mock result schema validation error: Field 'StatusCode' must be a number");
    let r =
        answer(json!({"definition": def, "mock": {"result": {"StatusCode": "200"}, "fieldValidationMode": "NONE"}}))
            .unwrap();
    assert_eq!(r["status"], "SUCCEEDED");
}

#[test]
fn state_name_selects_a_state_of_a_machine() {
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}});
    let r = answer(json!({"definition": def, "stateName": "A", "input": {}})).unwrap();
    assert_eq!(r["nextState"], "B");
    let e = answer(json!({"definition": def, "stateName": "Z"})).unwrap_err();
    assert_eq!(e, ("ValidationException".into(), "State not found in definition".into()));
}

#[test]
fn state_name_finds_states_inside_branches() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "In", "States": {"In": {"Type": "Pass", "Result": 1, "Next": "F"}, "F": {"Type": "Succeed"}}}]}}});
    let r = answer(json!({"definition": def, "stateName": "In"})).unwrap();
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": "1", "nextState": "F"}));
}

#[test]
fn the_context_object_is_the_requests_or_a_fresh_one() {
    // A context object needs a mock, which needs a Task (or Map, or Parallel) state.
    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "ResultSelector": {"c.$": "$$"}, "End": true});
    let ctx = json!({"Execution": {"Name": "e"}, "State": {"Name": "S", "RetryCount": 0}});
    let r = answer(json!({"definition": task, "context": ctx, "mock": {"result": {}}})).unwrap();
    assert_eq!(parsed(&r["output"]), json!({"c": ctx}));
    let def = json!({"Type": "Pass", "Parameters": {"c.$": "$$"}, "End": true});
    let r = answer(json!({"definition": def, "input": {"k": 1}})).unwrap();
    let c = &parsed(&r["output"])["c"];
    assert_eq!(c["State"]["Name"], "StateName");
    assert_eq!(c["Execution"]["Input"], json!({"k": 1}));
    assert!(c["Execution"]["Id"].as_str().unwrap().contains(":express:"));
    // The same request gets the same identity.
    assert_eq!(answer(json!({"definition": def, "input": {"k": 1}})).unwrap(), r);
    let e = answer(json!({"definition": task, "context": {"Map": {}}, "mock": {"result": {}}})).unwrap_err();
    assert_eq!(e.1, "Invalid Context object provided: 'Map' field is not supported when mocking a Context object");
}

#[test]
fn api_errors() {
    let e = answer(json!({"definition": {"Type": "Pass", "End": true}, "mock": {"result": {}}})).unwrap_err();
    assert_eq!(e.1, "State type 'Pass' is not supported when a mock is specified");
    let e = answer(json!({"definition": {"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}], "End": true}}))
        .unwrap_err();
    assert_eq!(e.0, "InvalidDefinition");
    let e = answer(json!({"definition": {"Type": "Nope"}})).unwrap_err();
    assert_eq!(e.0, "InvalidDefinition");
}

#[test]
fn cli_prints_the_response() {
    let dir = std::env::temp_dir().join(format!("asl-sim-teststate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("req.json");
    let req = json!({"definition": "{\"Type\": \"Pass\", \"Result\": 1, \"End\": true}", "input": "{}"});
    std::fs::write(&path, req.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asl-sim")).arg("test-state").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let resp: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(resp, json!({"status": "SUCCEEDED", "output": "1"}));
    let _ = std::fs::remove_dir_all(&dir);
}
