//! `TestState`'s data flow: the inspection levels, `nextState` and `status`, and workflow variables
//! in every state type, each asserting AWS's exact response. Sources as in
//! tests/teststate_rules.rs: [API] (TestState, InspectionData), [Guide] and [Recorded].

mod common_teststate;

use serde_json::{json, Value};

use common_teststate::{parsed_response, LAMBDA};

/// [API] TestState `inspectionLevel`: INFO "Shows the final state output"; DEBUG adds "the input
/// and output data processing result"; TRACE adds an HTTP Task's request and response (none for
/// other states, so it equals DEBUG). [Recorded] test_base_inspection_level_debug[BASE_SUCCEED_STATE],
/// test_base_inspection_level_trace[BASE_RESULT_PASS_STATE], [BASE_FAIL_STATE], [BASE_CHOICE_STATE].
#[test]
fn inspection_levels_show_each_state_types_steps() {
    let input = json!({"Value": "HelloWorld"});
    let at = |def: Value, level: &str, input: &Value| {
        parsed_response(json!({"definition": def, "input": input, "inspectionLevel": level}))
    };
    let succeed = json!({"Type": "Succeed"});
    assert_eq!(at(succeed.clone(), "INFO", &input), json!({"status": "SUCCEEDED", "output": input}));
    assert_eq!(
        at(succeed, "DEBUG", &input),
        json!({"status": "SUCCEEDED", "output": input, "inspectionData": {"afterInputPath": input, "input": input}})
    );
    let pass = json!({"Type": "Pass", "Result": {"resultKey": "result value"}, "End": true});
    let result = json!({"resultKey": "result value"});
    assert_eq!(
        at(pass, "TRACE", &input),
        json!({"status": "SUCCEEDED", "output": result,
               "inspectionData": {"afterResultPath": result, "afterResultSelector": result, "input": input, "result": result}})
    );
    let fail =
        json!({"Type": "Fail", "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."});
    assert_eq!(
        at(fail, "TRACE", &input),
        json!({"status": "FAILED", "error": "SomeFailure", "cause": "This state machines raises a 'SomeFailure' failure.",
               "inspectionData": {"afterInputPath": input, "input": input}})
    );
    let choice = json!({"Type": "Choice", "Choices": [
        {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
        {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
        {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20}, {"Variable": "$.value", "NumericLessThan": 30}], "Next": "ValueInTwenties"}],
        "Default": "DefaultState"});
    let input = json!({"type": "Private", "value": 22});
    assert_eq!(
        at(choice, "TRACE", &input),
        json!({"status": "SUCCEEDED", "nextState": "ValueInTwenties", "output": input,
               "inspectionData": {"afterInputPath": input, "input": input}})
    );
}

/// [API] TestStateOutput `nextState`: "If you haven't defined a next state in your definition or
/// if the execution of the state fails, this field doesn't contain a value." [Recorded]
/// test_base_parallel_state_mock_success[DEBUG]: a Parallel state's result is its mocked array.
#[test]
fn next_state_is_named_only_on_the_way_out() {
    let r = parsed_response(json!({"definition": {"Type": "Pass", "Next": "After"}, "input": {}}));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": {}, "nextState": "After"}));
    let r = parsed_response(json!({"definition": {"Type": "Pass", "End": true}, "input": {}}));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": {}}));
    let branch = |n: &str| json!({"StartAt": n, "States": {n: {"Type": "Pass", "End": true}}});
    let def = json!({"Type": "Parallel", "Branches": [branch("B1"), branch("B2")], "End": true});
    let result = json!([{"branch1": "result"}, {"branch2": "result"}]);
    let r = parsed_response(
        json!({"definition": def, "input": {"key": "value"}, "inspectionLevel": "DEBUG", "mock": {"result": result}}),
    );
    assert_eq!(
        r,
        json!({"status": "SUCCEEDED", "output": result,
               "inspectionData": {"afterResultPath": result, "afterResultSelector": result, "input": {"key": "value"}}})
    );
}

/// [API] TestState `variables`: "JSON object literal that sets variables used in the state under
/// test"; InspectionData `variables`: "the set of workflow variables after execution of the state.
/// The set will include variables assigned in the state and variables set up as test state input."
/// [Recorded] test_state_with_variables[base_expressions], [empty_variables]: the generated context
/// of a request with no role has `RoleArn: null`, and a Pass state's `State` has no `RetryCount`.
#[test]
fn request_variables_reach_the_state_and_the_inspection_data() {
    let machine = json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"var_input_value.$": "$.input_value", "var_constant_1": 1}, "Next": "State0"},
        "State0": {"QueryLanguage": "JSONata", "Type": "Pass", "Output": {
            "ja_states_context": "{% $states.context %}", "ja_states_input": "{% $states.input %}",
            "ja_var_access": "{% $var_input_value %}", "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}"}, "End": true}}});
    let input = json!({"input_values": [1, 2, 3]});
    let vars = json!({"var_input_value": "test_value", "var_constant_1": 10});
    let mut r = parsed_response(
        json!({"definition": machine, "stateName": "State0", "input": input, "variables": vars, "inspectionLevel": "TRACE"}),
    );
    let ctx = r["output"]["ja_states_context"].take();
    assert_eq!(
        r,
        json!({"status": "SUCCEEDED", "output": {"ja_states_context": null, "ja_states_input": input, "ja_var_access": "test_value", "ja_expr": 16},
               "inspectionData": {"input": input, "variables": vars}})
    );
    assert_eq!(ctx["Execution"]["RoleArn"], Value::Null);
    assert_eq!(ctx["Execution"]["Input"], input);
    assert_eq!(
        ctx["State"].as_object().map(|s| s.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["Name".into(), "EnteredTime".into()])
    );
    assert_eq!(ctx["State"]["Name"], "StateName");
    // No variables: no `variables` in the inspection data (a JSONata Pass shows its input only).
    let pass = json!({"Type": "Pass", "QueryLanguage": "JSONata", "End": true});
    let r = parsed_response(json!({"definition": pass, "input": input, "variables": {}, "inspectionLevel": "TRACE"}));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": input, "inspectionData": {"input": input}}));
}

/// `Assign` in every state type that has it, after the state's work (Pass, Task, Wait, Choice and
/// its rules, Map, Parallel; a catcher's `Assign` on a caught error): the inspection data shows the
/// variables after the state ([API] InspectionData `variables`).
#[test]
fn every_state_type_assigns_variables() {
    let vars = |def: Value, extra: Value| {
        let mut req = json!({"definition": def, "input": {"a": 1}, "variables": {"v": 0}, "inspectionLevel": "DEBUG"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            req[k] = v.clone();
        }
        let r = parsed_response(req);
        r["inspectionData"]["variables"].clone()
    };
    let jsonata = |mut d: Value| {
        d["QueryLanguage"] = json!("JSONata");
        d
    };
    assert_eq!(
        vars(json!({"Type": "Pass", "Assign": {"x.$": "$.a"}, "End": true}), json!({})),
        json!({"v": 0, "x": 1})
    );
    assert_eq!(
        vars(json!({"Type": "Wait", "Seconds": 1, "Assign": {"w": 2}, "End": true}), json!({})),
        json!({"v": 0, "w": 2})
    );
    let task = jsonata(
        json!({"Type": "Task", "Resource": LAMBDA, "Arguments": {"FunctionName": "f"}, "Assign": {"r": "{% $states.result.n %}"}, "End": true}),
    );
    assert_eq!(vars(task, json!({"mock": {"result": {"n": 5}}})), json!({"v": 0, "r": 5}));
    let choice = jsonata(json!({"Type": "Choice", "Assign": {"s": 1},
        "Choices": [{"Condition": "{% $states.input.a = 1 %}", "Assign": {"c": "{% $v + 1 %}"}, "Next": "One"}], "Default": "Other"}));
    let r = parsed_response(
        json!({"definition": choice, "input": {"a": 1}, "variables": {"v": 0}, "inspectionLevel": "DEBUG"}),
    );
    assert_eq!(r["nextState"], "One");
    // The Choice state's own Assign applies whichever way it goes, a matching rule's over it (the
    // executor's rule, from the Choice state page of the developer guide).
    assert_eq!(r["inspectionData"]["variables"], json!({"v": 0, "s": 1, "c": 1}));
    let branch = json!({"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}});
    let parallel = jsonata(
        json!({"Type": "Parallel", "Branches": [branch], "Assign": {"p": "{% $states.result[0] %}"}, "End": true}),
    );
    assert_eq!(vars(parallel, json!({"mock": {"result": ["first"]}})), json!({"v": 0, "p": "first"}));
    let map = jsonata(
        json!({"Type": "Map", "Items": "{% [1, 2] %}", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}},
        "Assign": {"m": "{% $count($states.result) %}"}, "End": true}),
    );
    assert_eq!(vars(map, json!({"mock": {"result": [10, 20]}})), json!({"v": 0, "m": 2}));
    let caught = jsonata(json!({"Type": "Task", "Resource": LAMBDA, "Arguments": {"FunctionName": "f"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"e": "{% $states.errorOutput.Error %}"}, "Next": "H"}], "End": true}));
    assert_eq!(
        vars(caught, json!({"mock": {"errorOutput": {"error": "Boom", "cause": "c"}}})),
        json!({"v": 0, "e": "Boom"})
    );
}

/// [API] InspectionData `afterArguments`: "The input after Step Functions applies an Arguments
/// filter. This event will only be present when QueryLanguage ... is set to JSONata."
#[test]
fn jsonata_states_show_their_arguments() {
    let def = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": LAMBDA,
        "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.a + $v %}"}, "Output": "{% $states.result %}", "End": true});
    let r = parsed_response(
        json!({"definition": def, "input": {"a": 1}, "variables": {"v": 2}, "inspectionLevel": "DEBUG", "mock": {"result": {"StatusCode": 200}}}),
    );
    assert_eq!(
        r,
        json!({"status": "SUCCEEDED", "output": {"StatusCode": 200},
               "inspectionData": {"input": {"a": 1}, "afterArguments": {"FunctionName": "f", "Payload": 3}, "result": {"StatusCode": 200}, "variables": {"v": 2}}})
    );
}
