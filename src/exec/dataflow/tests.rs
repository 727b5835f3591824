//! Table tests of the data flow: one state, its raw input, what a stage gives and what an
//! inspection notes.

use serde_json::{json, Map, Value};

use super::*;
use crate::model::{self, Machine};

/// A machine whose first state is `state`, with Succeed states `A` and `B` to go to.
fn machine(state: Value) -> Machine {
    let def = json!({"StartAt": "S", "States": {"S": state, "A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}});
    model::load(&def).unwrap()
}

/// What a stage gave, what the inspection noted (JSON text parsed back), and the variables after.
struct Ran {
    out: Result<Value, Fault>,
    noted: Map<String, Value>,
    vars: Map<String, Value>,
}

/// Runs `stage` on `state` with `input`, the variables `vars` and a context object naming the state.
fn ran(state: Value, vars: Value, stage: impl FnOnce(&State, &mut Env<'_>) -> Result<Value, Fault>) -> Ran {
    let m = machine(state);
    let Value::Object(mut vars) = vars else { panic!("variables must be an object") };
    let (mut rng, mut insp) = (fastrand::Rng::with_seed(0), Inspection::default());
    let ctx = json!({"State": {"Name": "S"}});
    let out = stage(&m.states[0], &mut Env::new(&ctx, &mut vars, &mut rng, 0).inspected(&mut insp));
    let noted = insp.data.into_iter().map(|(k, v)| (k, serde_json::from_str(v.as_str().unwrap()).unwrap())).collect();
    Ran { out, noted, vars }
}

/// The output of a state with `result` (ResultSelector, Assign, ResultPath, OutputPath).
fn output_of(state: Value, input: Value, result: Value) -> Ran {
    ran(state, json!({}), |st, env| output(st, &mut input.clone(), result, env))
}

fn error_of(out: Result<Value, Fault>) -> (String, String) {
    match out {
        Err(Fault::Runtime(m)) => ("States.Runtime".into(), m),
        Err(Fault::Query(m)) => ("States.QueryEvaluationError".into(), m),
        Err(Fault::Failure(f)) => (f.error.as_str().to_string(), f.cause),
        Ok(v) => panic!("expected an error, got {v}"),
    }
}

#[test]
fn path_work_input_notes_input_path_and_parameters() {
    let r = ran(
        json!({"Type": "Task", "Resource": "r", "InputPath": "$.a", "Parameters": {"x.$": "$.b", "y": 1}, "End": true}),
        json!({}),
        |st, env| work_input(st, &json!({"a": {"b": 2}}), env),
    );
    assert_eq!(r.out.unwrap(), json!({"x": 2, "y": 1}));
    assert_eq!(
        r.noted,
        json!({"afterInputPath": {"b": 2}, "afterParameters": {"x": 2, "y": 1}}).as_object().unwrap().clone()
    );
}

#[test]
fn path_output_selects_assigns_places_and_selects_again() {
    let state = json!({"Type": "Pass", "ResultSelector": {"v.$": "$.n"}, "Assign": {"seen.$": "$.v"},
        "ResultPath": "$.r", "OutputPath": "$.r", "End": true});
    let r = output_of(state, json!({"keep": true}), json!({"n": 7}));
    assert_eq!(r.out.unwrap(), json!({"v": 7}));
    assert_eq!(r.vars["seen"], json!(7));
    assert_eq!(r.noted["afterResultSelector"], json!({"v": 7}));
    assert_eq!(r.noted["afterResultPath"], json!({"keep": true, "r": {"v": 7}}));
}

#[test]
fn path_result_path_discard_and_failure() {
    let discard = output_of(json!({"Type": "Pass", "ResultPath": null, "End": true}), json!({"a": 1}), json!(2));
    assert_eq!(discard.out.unwrap(), json!({"a": 1}));
    let bad = output_of(json!({"Type": "Pass", "ResultPath": "$.a.b", "End": true}), json!({"a": 1}), json!(2));
    assert_eq!(error_of(bad.out).0, "States.ResultPathMatchFailure");
}

#[test]
fn pass_through_applies_input_path_assign_and_output_path() {
    let state = json!({"Type": "Wait", "Seconds": 1, "InputPath": "$.a", "Assign": {"w.$": "$.b"}, "OutputPath": "$.b",
        "End": true});
    let r = ran(state, json!({}), |st, env| pass_through(st, &json!({"a": {"b": [1]}}), env));
    assert_eq!(r.out.unwrap(), json!([1]));
    assert_eq!(r.vars["w"], json!([1]));
}

#[test]
fn path_choice_applies_the_state_assign_always_and_a_matching_rule_assign_over_it() {
    let state = json!({"Type": "Choice", "Assign": {"via": "state", "always": 1}, "Default": "B",
        "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "A", "Assign": {"via": "rule"}},
                    {"Variable": "$.n", "NumericEquals": 3, "Next": "A"}]});
    let pick = |n: i64| {
        let r = ran(state.clone(), json!({}), |st, env| {
            choose(st, &json!({"n": n}), env).map(|(next, out)| json!([next, out]))
        });
        (r.out.unwrap(), r.vars["via"].clone(), r.vars["always"].clone())
    };
    // The output `null`: none, the input passes on unchanged.
    assert_eq!(pick(1), (json!([1, null]), json!("rule"), json!(1)));
    assert_eq!(pick(3), (json!([1, null]), json!("state"), json!(1)));
    assert_eq!(pick(2), (json!([2, null]), json!("state"), json!(1)));
    let none = json!({"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "A"}]});
    let r = ran(none, json!({}), |st, env| choose(st, &json!({"n": 2}), env).map(|(_, out)| json!(out)));
    assert_eq!(error_of(r.out), ("States.NoChoiceMatched".into(), "No Matches!".into()));
}

#[test]
fn path_fail_reads_its_paths_and_intrinsics() {
    let state = json!({"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('at {}', $$.State.Name)"});
    let r = ran(state, json!({}), |st, env| fail(st, &json!({"e": "Oops"}), env).map(|f| json!([f.error, f.cause])));
    assert_eq!(r.out.unwrap(), json!(["Oops", "at S"]));
    let missing = ran(json!({"Type": "Fail", "ErrorPath": "$.nope"}), json!({}), |st, env| {
        fail(st, &json!({}), env).map(|f| json!(f.error))
    });
    let (error, cause) = error_of(missing.out);
    assert_eq!(error, "States.Runtime");
    assert!(
        cause.starts_with("The JSONPath '$.nope' specified for the field 'ErrorPath' could not be found"),
        "{cause}"
    );
}

#[test]
fn path_catch_output_goes_through_the_catcher_result_path() {
    let state = json!({"Type": "Task", "Resource": "r", "End": true,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "A"}]});
    let failure = Failure::custom("E", "C");
    let r = ran(state, json!({}), |st, env| catch_output(st, 0, json!({"a": 1}), &failure, env));
    assert_eq!(r.out.unwrap(), json!({"a": 1, "err": {"Error": "E", "Cause": "C"}}));
}

#[test]
fn variables_in_paths_and_templates() {
    let state = json!({"Type": "Pass", "Parameters": {"x.$": "$v.y"}, "End": true});
    let r = ran(state.clone(), json!({"v": {"y": 3}}), |st, env| work_input(st, &json!({}), env));
    assert_eq!(r.out.unwrap(), json!({"x": 3}));
    let r = ran(state, json!({}), |st, env| work_input(st, &json!({}), env));
    assert_eq!(error_of(r.out).1, "Invalid path '$v.y': The variable 'v' is not defined.");
}

#[test]
fn jsonata_arguments_and_output_see_the_variables_before_assign() {
    let state = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "r", "End": true,
        "Arguments": {"a": "{% $states.input.n + $k %}"},
        "Assign": {"k": "{% $states.result.r %}"}, "Output": {"before": "{% $k %}", "r": "{% $states.result.r %}"}});
    let r = ran(state.clone(), json!({"k": 1}), |st, env| work_input(st, &json!({"n": 1}), env));
    assert_eq!(r.out.unwrap(), json!({"a": 2}));
    assert_eq!(r.noted["afterArguments"], json!({"a": 2}));
    let r = ran(state, json!({"k": 1}), |st, env| output(st, &mut json!({}), json!({"r": 5}), env));
    assert_eq!(r.out.unwrap(), json!({"before": 1, "r": 5}));
    assert_eq!(r.vars["k"], json!(5));
}

#[test]
fn jsonata_pass_through_and_default_output() {
    let state = json!({"Type": "Succeed", "QueryLanguage": "JSONata"});
    let r = ran(state, json!({}), |st, env| pass_through(st, &json!({"x": 1}), env));
    assert_eq!(r.out.unwrap(), json!({"x": 1}));
    let task = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "r", "End": true});
    let r = ran(task, json!({}), |st, env| output(st, &mut json!({"x": 1}), json!("res"), env));
    assert_eq!(r.out.unwrap(), json!("res"));
}

#[test]
fn jsonata_choice_conditions_must_be_boolean() {
    let state = json!({"Type": "Choice", "QueryLanguage": "JSONata", "Default": "B",
        "Choices": [{"Condition": "{% $states.input.n = 1 %}", "Next": "A", "Output": {"rule": true}}]});
    let pick =
        |input: Value| ran(state.clone(), json!({}), |st, env| choose(st, &input, env).map(|(n, o)| json!([n, o]))).out;
    assert_eq!(pick(json!({"n": 1})).unwrap(), json!([1, {"rule": true}]));
    assert_eq!(pick(json!({"n": 2})).unwrap(), json!([2, null]), "no Output: the input passes on");
    let odd = json!({"Type": "Choice", "QueryLanguage": "JSONata",
        "Choices": [{"Condition": "{% 1 %}", "Next": "A"}]});
    let r = ran(odd, json!({}), |st, env| choose(st, &json!({}), env).map(|(_, o)| json!(o)));
    let (error, cause) = error_of(r.out);
    assert_eq!(error, "States.QueryEvaluationError");
    assert!(cause.contains("Expected 'boolean'"), "{cause}");
}

#[test]
fn jsonata_fail_and_catch() {
    let state =
        json!({"Type": "Fail", "QueryLanguage": "JSONata", "Error": "{% 'E' & $states.input.n %}", "Cause": "c"});
    let r = ran(state, json!({}), |st, env| fail(st, &json!({"n": 1}), env).map(|f| json!([f.error, f.cause])));
    assert_eq!(r.out.unwrap(), json!(["E1", "c"]));
    let task = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "r", "End": true,
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A", "Output": "{% $states.errorOutput.Error %}",
            "Assign": {"caught": true}}]});
    let failure = Failure::custom("E", "C");
    let r = ran(task, json!({}), |st, env| catch_output(st, 0, json!({}), &failure, env));
    assert_eq!(r.out.unwrap(), json!("E"));
    assert_eq!(r.vars["caught"], json!(true));
}

#[test]
fn item_input_reads_the_map_item_from_the_context() {
    let state = json!({"Type": "Map", "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "all.$": "$.k"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true});
    let m = machine(state);
    let (mut vars, mut rng) = (Map::new(), fastrand::Rng::with_seed(0));
    let ctx = json!({"Map": {"Item": {"Index": 3, "Value": "x"}}});
    let out = item_input(&m.states[0], &json!({"k": 1}), &json!("x"), &mut Env::new(&ctx, &mut vars, &mut rng, 0));
    assert_eq!(out.unwrap(), json!({"i": 3, "v": "x", "all": 1}));
}

#[test]
fn no_inspection_notes_nothing() {
    let m = machine(json!({"Type": "Pass", "InputPath": "$.a", "End": true}));
    let (mut vars, mut rng) = (Map::new(), fastrand::Rng::with_seed(0));
    let mut env = Env::new(&Value::Null, &mut vars, &mut rng, 0);
    assert_eq!(work_input(&m.states[0], &json!({"a": 1}), &mut env).unwrap(), json!(1));
    assert!(env.inspect.is_none());
}

#[test]
fn path_output_path_reads_the_variables_from_before_the_state_assigns() {
    // AWS's variables page: "Assign ... takes effect after the state"; the state's own fields
    // read the values from before it.
    let state = json!({"Type": "Pass", "Assign": {"x": "new"}, "OutputPath": "$x", "End": true});
    let r = ran(state, json!({"x": "old"}), |st, env| output(st, &mut json!({}), json!({}), env));
    assert_eq!(r.out.unwrap(), json!("old"));
    assert_eq!(r.vars["x"], json!("new"));
    let wait = json!({"Type": "Wait", "Seconds": 1, "Assign": {"x": "new"}, "OutputPath": "$x", "End": true});
    let r = ran(wait, json!({"x": "old"}), |st, env| pass_through(st, &json!({}), env));
    assert_eq!((r.out.unwrap(), r.vars["x"].clone()), (json!("old"), json!("new")));
}
