//! The workflow variables each state reads, as `DescribeStateMachine` and
//! `DescribeStateMachineForExecution` list them (`variableReferences`): state name to the names,
//! sorted, for the states that read any, nested states under their own names.
//!
//! Recorded on AWS (LocalStack snapshots `test_sfn_api_variable_references.py`, validated): a
//! JSONPath state reads a variable through a `.$` field of a payload template (`Parameters`,
//! `ResultSelector`, `ItemSelector`, `Assign`, `BatchInput`, `Credentials`, a reader's or writer's
//! `Parameters`), a path field (`InputPath`, `OutputPath`, `ItemsPath`, `SecondsPath`,
//! `TimestampPath`, `ErrorPath`, `CausePath`, `MaxConcurrencyPath`, `ToleratedFailure...Path`,
//! `MaxItemsPath`, ...), a Choice rule's `Variable` and `...Path` operands, and the arguments of
//! an intrinsic function; a literal `"$name"` without `.$` reads nothing. A JSONata state reads
//! the `$names` its `{% %}` expressions do not bind themselves (not recorded; the API reference's
//! "variables referenced by that state").
//!
//! ```
//! use asl_sim::model::variable_references;
//! let def = serde_json::json!({"StartAt": "A", "States": {
//!     "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
//!     "B": {"Type": "Pass", "Parameters": {"y.$": "$x", "z": "$x"}, "End": true}}});
//! assert_eq!(variable_references(&def), serde_json::json!({"B": ["x"]}));
//! ```

use serde_json::{Map, Value};

use crate::intrinsics::{looks_like_intrinsic, Intrinsic};
use crate::jsonata::{template_expr, Jsonata};

/// Each state that reads variables, with their names (unsorted, repeated until the end).
type Found = Vec<(String, Vec<String>)>;

/// `{state name: [variable, ...]}` of a definition (an empty object when no state reads one).
pub fn variable_references(definition: &Value) -> Value {
    let mut found = Found::new();
    let jsonata = definition.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    scope(definition, jsonata, &mut found);
    crate::sort::sort_by(&mut found, |a, b| a.0.cmp(&b.0));
    Value::Object(
        found
            .into_iter()
            .map(|(state, mut names)| {
                crate::sort::sort_by(&mut names, String::cmp);
                names.dedup();
                (state, Value::Array(names.into_iter().map(Value::String).collect()))
            })
            .collect(),
    )
}

/// The states of a machine, a Parallel branch or a Map's item processor.
fn scope(v: &Value, jsonata: bool, found: &mut Found) {
    let Some(states) = v.get("States").and_then(Value::as_object) else { return };
    for (name, state) in states {
        let Some(state) = state.as_object() else { continue };
        let lang = state.get("QueryLanguage").and_then(Value::as_str);
        let mut names = Vec::new();
        if lang.map_or(jsonata, |l| l == "JSONata") {
            for (k, v) in state.iter().filter(|(k, _)| !is_nested(k)) {
                if k != "Comment" {
                    expressions(v, &mut names);
                }
            }
        } else {
            state_fields(state, &mut names);
        }
        if !names.is_empty() {
            found.push((name.clone(), names));
        }
        for branch in state.get("Branches").and_then(Value::as_array).into_iter().flatten() {
            scope(branch, jsonata, found);
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(key) {
                scope(processor, jsonata, found);
            }
        }
    }
}

fn is_nested(key: &str) -> bool {
    matches!(key, "Branches" | "ItemProcessor" | "Iterator")
}

/// The variables the `{% %}` strings in `v` read, at any depth.
fn expressions(v: &Value, names: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            if let Some(expr) = template_expr(s) {
                if let Ok(parsed) = Jsonata::parse(expr) {
                    names.extend(parsed.variables());
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| expressions(i, names)),
        Value::Object(m) => m.values().for_each(|i| expressions(i, names)),
        _ => {}
    }
}

/// A JSONPath state's fields.
fn state_fields(state: &Map<String, Value>, names: &mut Vec<String>) {
    for (k, v) in state {
        match k.as_str() {
            "Parameters" | "ResultSelector" | "ItemSelector" | "Assign" | "Credentials" => template(v, names),
            "ItemReader" | "ItemBatcher" | "ResultWriter" => {
                for (field, inner) in v.as_object().into_iter().flatten() {
                    match field.as_str() {
                        "Parameters" | "BatchInput" => template(inner, names),
                        "ReaderConfig" => paths(inner, names),
                        f if f.ends_with("Path") => path_or_call(inner, names),
                        _ => {}
                    }
                }
            }
            "Catch" => {
                for catcher in v.as_array().into_iter().flatten() {
                    if let Some(assign) = catcher.get("Assign") {
                        template(assign, names);
                    }
                }
            }
            "Choices" => v.as_array().into_iter().flatten().for_each(|rule| choice_rule(rule, names)),
            f if f.ends_with("Path") && f != "ResultPath" => path_or_call(v, names),
            _ => {}
        }
    }
}

/// The `...Path` members of an object.
fn paths(v: &Value, names: &mut Vec<String>) {
    for (k, inner) in v.as_object().into_iter().flatten() {
        if k.ends_with("Path") {
            path_or_call(inner, names);
        }
    }
}

fn choice_rule(rule: &Value, names: &mut Vec<String>) {
    for (k, v) in rule.as_object().into_iter().flatten() {
        match k.as_str() {
            "Variable" => path_or_call(v, names),
            "And" | "Or" => v.as_array().into_iter().flatten().for_each(|r| choice_rule(r, names)),
            "Not" => choice_rule(v, names),
            "Assign" => template(v, names),
            f if f.ends_with("Path") => path_or_call(v, names),
            _ => {}
        }
    }
}

/// A payload template: its `.$` members, at any depth.
fn template(v: &Value, names: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, inner) in m {
                if k.ends_with(".$") {
                    path_or_call(inner, names);
                } else {
                    template(inner, names);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| template(i, names)),
        _ => {}
    }
}

/// A path (`$name`, `$name.a[0]`) or an intrinsic call and the variables among its arguments.
fn path_or_call(v: &Value, names: &mut Vec<String>) {
    let Some(text) = v.as_str() else { return };
    if looks_like_intrinsic(text) {
        if let Ok(call) = Intrinsic::parse(text) {
            names.extend(call.variables().into_iter().map(str::to_string));
        }
        return;
    }
    let Some(rest) = text.strip_prefix('$') else { return };
    if rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        names.push(rest[..end].to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The definitions and answers of LocalStack's snapshots recorded on AWS
    // (tests/aws/services/stepfunctions/v2/test_sfn_api_variable_references.snapshot.json).
    #[test]
    fn jsonpath_references_as_aws_lists_them() {
        let choice = json!({"StartAt": "Setup", "States": {
            "Setup": {"Type": "Pass", "Assign": {"guess": "the_guess", "answer": "the_answer"}, "Next": "CheckAnswer"},
            "CheckAnswer": {"Type": "Choice", "Choices": [{"Variable": "$guess", "StringEqualsPath": "$answer",
                "Next": "CorrectAnswer"}], "Default": "WrongAnswer"},
            "CorrectAnswer": {"Type": "Pass", "Result": {"state": "CORRECT"}, "End": true},
            "WrongAnswer": {"Type": "Pass", "Assign": {"guess.$": "$answer"}, "Result": {"state": "WRONG"},
                "Next": "CheckAnswer"}}});
        assert_eq!(
            variable_references(&choice),
            json!({"CheckAnswer": ["answer", "guess"], "WrongAnswer": ["answer"]})
        );
        let wait = json!({"StartAt": "W", "States": {
            "WaitSecondsState": {"Type": "Wait", "SecondsPath": "$waitTime", "Next": "WaitUntilState"},
            "WaitUntilState": {"Type": "Wait", "TimestampPath": "$startAt", "End": true}}});
        assert_eq!(
            variable_references(&wait),
            json!({"WaitSecondsState": ["waitTime"], "WaitUntilState": ["startAt"]})
        );
        let nested = json!({"StartAt": "Input", "States": {"IterateLevels": {"Type": "Map", "ItemProcessor": {
            "StartAt": "Calculate", "States": {"Calculate": {"Type": "Map", "ItemProcessor": {"StartAt": "Summate",
            "States": {"Summate": {"Type": "Pass", "Assign": {"Sum.$":
                "States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)"},
            "End": true}}}, "End": true}}}, "End": true}}});
        assert_eq!(variable_references(&nested), json!({"Summate": ["bias", "xCurrent", "yCurrent", "zCurrent"]}));
        let map = json!({"StartAt": "MapState", "States": {"MapState": {"Type": "Map",
            "MaxConcurrencyPath": "$maxConcurrency", "ToleratedFailureCountPath": "$toleratedFailureCount",
            "ToleratedFailurePercentagePath": "$toleratedFailurePercentage",
            "ItemReader": {"ReaderConfig": {"InputType": "CSV", "MaxItemsPath": "$maxItems"}},
            "ItemSelector": {"value.$": "$$.Map.Item.Value", "bucketName": "$bucket"},
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
        assert_eq!(
            variable_references(&map),
            json!({"MapState": ["maxConcurrency", "maxItems", "toleratedFailureCount", "toleratedFailurePercentage"]})
        );
        let fail = json!({"StartAt": "Fail", "States": {"Fail": {"Type": "Fail", "ErrorPath": "$errorVar",
            "CausePath": "States.Format('{}', $causeVar)"}}});
        assert_eq!(variable_references(&fail), json!({"Fail": ["causeVar", "errorVar"]}));
        // Input and output paths read them too; a literal "$x" and the result path do not.
        let paths = json!({"StartAt": "State1", "States": {"State1": {"Type": "Pass", "InputPath": "$theAnswer",
            "OutputPath": "$.x", "ResultPath": "$.r", "Parameters": {"lit": "$nope"}, "End": true}}});
        assert_eq!(variable_references(&paths), json!({"State1": ["theAnswer"]}));
        assert_eq!(
            variable_references(&json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})),
            json!({})
        );
    }

    #[test]
    fn catchers_choice_assigns_and_jsonata_expressions() {
        let def = json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"n": "{% $total + 1 %}", "f": "{% ($local := 2; $local * $factor) %}"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"e": "{% $states.errorOutput & $suffix %}"}, "Next": "C"}],
                "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $map($list, function($v) { $v > $limit }) %}",
                "Next": "P"}], "Default": "P"},
            "P": {"Type": "Pass", "QueryLanguage": "JSONPath", "Parameters": {"a.$": "$fromPath.field[0]"}, "End": true}}});
        let refs = variable_references(&def);
        if crate::jsonata::AVAILABLE {
            assert_eq!(refs, json!({"C": ["limit", "list"], "P": ["fromPath"], "T": ["factor", "suffix", "total"]}));
        } else {
            assert_eq!(refs, json!({"P": ["fromPath"]}));
        }
    }
}
