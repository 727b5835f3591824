//! Unit tests of the validator: one assertion per AWS message, and inputs that must not panic.

use serde_json::{json, Value};

use super::tables::STATE_TYPES_MESSAGE;
use super::wording::{java_hash_order, python_repr};
use super::*;

/// The first diagnostic of a standard machine: (code, message, location).
fn first_error(def: Value) -> (String, String, String) {
    first_of(def, MachineType::Standard)
}

fn first_of(def: Value, mt: MachineType) -> (String, String, String) {
    let d = validate(&def, mt).into_iter().next().expect("expected a diagnostic");
    (d.code, d.message, d.location)
}

fn t(code: &str, message: &str, location: &str) -> (String, String, String) {
    (code.into(), message.into(), location.into())
}

fn ok(def: Value) {
    let diags = validate(&def, MachineType::Standard);
    assert!(diags.is_empty(), "unexpected {diags:?}");
}

const S: &str = "SCHEMA_VALIDATION_FAILED";
const M: &str = "MISSING_TRANSITION_TARGET";

#[test]
fn valid_machines() {
    ok(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}));
    ok(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "End": true}}}));
    ok(
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00.123+02:00", "End": true}}}),
    );
    ok(
        json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}),
    );
    ok(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "Retry": [{"ErrorEquals": ["States.ALL"]}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}));
}

#[test]
fn root() {
    assert_eq!(first_error(json!({})), t(S, "These fields are required: [States, StartAt]", "/"));
    assert_eq!(
        first_error(json!({"States": {"A": {"Type": "Pass", "End": true}}})),
        t(S, "These fields are required: [StartAt]", "/")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "Foo": 1, "States": {"A": {"Type": "Pass", "End": true}}})),
        t(S, "Field 'Foo' is not supported", "/")
    );
    assert_eq!(
        first_error(json!({"StartAt": 3, "States": {"A": {"Type": "Pass", "End": true}}})),
        t(S, "Expected value of type [STRING]", "/StartAt")
    );
    assert_eq!(
        first_error(json!({"QueryLanguage": 5, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}})),
        t(S, "Expected value of type [STRING]", "/QueryLanguage")
    );
    assert_eq!(
        first_error(
            json!({"QueryLanguage": "jsonpath", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}})
        ),
        t(S, "Value should be one of the following: [JSONPath, JSONata]", "/QueryLanguage")
    );
    assert_eq!(
        first_error(json!({"Version": "2.0", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}})),
        t(S, "Value should be one of the following: [1.0]", "/Version")
    );
    assert_eq!(first_error(json!([1])), t(S, "Definition must be a valid JSON object", ""));
}

#[test]
fn transitions() {
    assert_eq!(
        first_error(json!({"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": true}}})),
        t(M, "Missing 'Next' target: Nope", "/StartAt")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}, "B": {"Type": "Succeed"}}})),
        t(M, "Missing 'Next' target: X", "/States/A/Next")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "B": {"Type": "Succeed"}}})),
        t(M, "State \"B\" is not reachable.", "/States/B")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}})
        ),
        t("MISSING_END_STATE", "Workflow has no terminal state", "")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "G"}], "Default": "Z"}, "Z": {"Type": "Succeed"}}})
        ),
        t(M, "Missing 'Next' target: G", "/States/C/Choices[0]/Next")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "G"}], "End": true}}})
        ),
        t(M, "Missing 'Next' target: G", "/States/T/Catch[0]/Next")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "W", "States": {"W": {"Type": "Pass", "End": true}, "G": {"Type": "Pass", "End": true}}}]}}})
        ),
        t(M, "State \"G\" is not reachable.", "/States/P/Branches[0]/States/G")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "N", "States": {"A": {"Type": "Pass", "End": true}}}}}})
        ),
        t(M, "Missing 'Next' target: N", "/States/M/ItemProcessor/StartAt")
    );
}

#[test]
fn state_fields() {
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Nope", "End": true}}})),
        t(S, STATE_TYPES_MESSAGE, "/States/A/Type")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"End": true}}})),
        t(S, "These fields are required: [Type]", "/States/A")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "TimeoutSeconds": 5, "End": true}}})),
        t(S, "Field 'TimeoutSeconds' is not supported", "/States/A")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Catch": [], "End": true}}})),
        t(S, "Field 'Catch' is not supported", "/States/A")
    );
    assert_eq!(first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": 1, "End": true}}})), t(S, "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage", "/States/A"));
    assert_eq!(first_error(json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a", "End": true}}})), t(S, "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage", "/States/A"));
    assert_eq!(
        first_error(
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}})
        ),
        t(S, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", "/States/A")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A", "End": true}}})),
        t(S, "There should only be one of the following fields: [Next, End]", "/States/A")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}})),
        t(S, "This object should have only one of the following fields: [Next, End]", "/States/A")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": "yes"}}})),
        t(S, "Expected value of type [BOOLEAN]", "/States/A/End")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "x", "End": true}}})),
        t(S, "Value is not a Reference Path: Reference path didn't start with '$'", "/States/A/ResultPath")
    );
    assert_eq!(
        first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "x", "End": true}}})),
        t(S, "Value must be a valid JSONPath.", "/States/A/InputPath")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "nope"}, "End": true}}})
        ),
        t(
            S,
            "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
            "/States/A/Parameters"
        )
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"m": {"b.$": "States.Nope()"}}, "End": true}}})
        ),
        t(
            S,
            "The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call",
            "/States/A/Parameters/m"
        )
    );
}

#[test]
fn wait_and_fail() {
    assert_eq!(
        first_error(
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2016-12-05t21:29:29Z", "End": true}}})
        ),
        t(S, "String does not match RFC3339 timestamp", "/States/W/Timestamp")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}}})
        ),
        t(
            S,
            "There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]",
            "/States/W"
        )
    );
    assert_eq!(first_error(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "End": true}}})), t(S, "This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]", "/States/W"));
    assert_eq!(
        first_error(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": -1, "End": true}}})),
        t(S, "Minimum value is 0", "/States/W/Seconds")
    );
    assert_eq!(
        first_error(json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}}})),
        t(S, "There should only be one of the following fields: [Error, ErrorPath]", "/States/F/Error")
    );
    assert_eq!(
        first_error(json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "CausePath": "x"}}})),
        t(
            S,
            "The value for the field 'CausePath' must be a valid JSONPath or a valid intrinsic function call",
            "/States/F/CausePath"
        )
    );
    assert_eq!(
        first_error(json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Next": "F"}}})),
        t(S, "Field 'Next' is not supported", "/States/F")
    );
}

#[test]
fn task() {
    assert_eq!(
        first_error(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "End": true}}})),
        t(S, "These fields are required: [Resource]", "/States/T")
    );
    assert_eq!(first_error(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:query", "End": true}}})), t(S, "The resource provided arn:aws:states:::dynamodb:query is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", "/States/T/Resource"));
    assert_eq!(
        first_error(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Credentials": {}, "Parameters": {"FunctionName": "f"}, "End": true}}})
        ),
        t(S, "The field 'RoleArn' is required but was missing", "/States/T/Credentials")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {}, "End": true}}})
        ),
        t(S, "The field 'FunctionName' is required but was missing", "/States/T/Parameters")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "TimeoutSeconds": 0, "End": true}}})
        ),
        t(S, "Minimum value is 1", "/States/T/TimeoutSeconds")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}}})
        ),
        t(
            S,
            "There should only be one of the following fields: [TimeoutSeconds, TimeoutSecondsPath]",
            "/States/T/TimeoutSeconds"
        )
    );
    assert_eq!(
        first_of(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:a", "End": true}}}),
            MachineType::Express
        ),
        t(S, "Express state machine does not support Activity ARN", "/States/T/Resource")
    );
    assert_eq!(
        first_of(
            json!({"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn.$": "$.StateMachineArn", "Input.$": "$.Input"}, "End": true}}}),
            MachineType::Express
        ),
        t(S, "Express state machine does not support '.sync' service integration", "/States/S/Resource")
    );
    assert_eq!(
        first_of(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken", "Parameters": {"Message": "m"}, "End": true}}}),
            MachineType::Express
        ),
        t(S, "Express state machine does not support '.waitForTaskToken' service integration ", "/States/T/Resource")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${LambdaArn}", "End": true}}})
        ),
        t(S, "Value is not a valid resource ARN", "/States/T/Resource")
    );
    assert_eq!(first_error(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.sync", "Parameters": {"FunctionName": "f"}, "End": true}}})).1, "The resource provided arn:aws:states:::lambda:invoke.sync is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.");
    assert_eq!(
        first_of(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "Parameters": {"StateMachineArn": "x"}, "End": true}}}),
            MachineType::Express
        ),
        t(S, "Express state machine does not support '.sync' service integration", "/States/T/Resource")
    );
}

#[test]
fn retry_and_catch() {
    let task = |extra: Value| {
        let mut st = json!({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true});
        for (k, v) in extra.as_object().unwrap() {
            st[k] = v.clone();
        }
        json!({"StartAt": "T", "States": {"T": st, "Z": {"Type": "Pass", "End": true}}})
    };
    assert_eq!(
        first_error(task(json!({"Retry": [{"ErrorEquals": []}]}))),
        t(S, "Value cannot be empty", "/States/T/Retry[0]/ErrorEquals")
    );
    assert_eq!(
        first_error(task(json!({"Retry": [{"MaxAttempts": 1}]}))),
        t(S, "These fields are required: [ErrorEquals]", "/States/T/Retry[0]")
    );
    assert_eq!(
        first_error(task(json!({"Retry": [{"ErrorEquals": ["States.ALL", "X"]}]}))),
        t(S, "States.ALL must appear alone and at end of list", "/States/T/Retry[0]/ErrorEquals")
    );
    assert_eq!(
        first_error(task(json!({"Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]}))),
        t(S, "States.ALL must appear alone and at end of list", "/States/T/Retry[0]/ErrorEquals")
    );
    assert_eq!(
        first_error(task(json!({"Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -1}]}))),
        t(S, "Minimum value is 0", "/States/T/Retry[0]/MaxAttempts")
    );
    assert_eq!(
        first_error(task(json!({"Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}]}))),
        t(S, "Minimum value is 1.0", "/States/T/Retry[0]/BackoffRate")
    );
    assert_eq!(
        first_error(task(json!({"Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "SOME"}]}))),
        t(S, "Value should be one of the following: [NONE, FULL]", "/States/T/Retry[0]/JitterStrategy")
    );
    assert_eq!(
        first_error(task(json!({"Catch": [{"ErrorEquals": ["X"]}]}))),
        t(S, "These fields are required: [Next]", "/States/T/Catch[0]")
    );
}

#[test]
fn choice() {
    let choice = |rules: Value| json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": rules, "Default": "Z"}, "Z": {"Type": "Succeed"}}});
    assert_eq!(first_error(choice(json!([]))), t(S, "Value cannot be empty", "/States/C/Choices"));
    assert_eq!(
        first_error(choice(json!([{"Variable": "$.x", "IsPresent": true}]))),
        t(S, "These fields are required: [Next]", "/States/C/Choices[0]")
    );
    assert_eq!(
        first_error(choice(json!([{"Variable": "x", "IsPresent": true, "Next": "Z"}]))),
        t(S, "Value is not a Reference Path: Reference path didn't start with '$'", "/States/C/Choices[0]/Variable")
    );
    assert_eq!(
        first_error(choice(json!([{"Not": {"Variable": "$.x", "IsPresent": true, "Next": "Z"}, "Next": "Z"}]))),
        t(S, "Field 'Next' is not supported", "/States/C/Choices[0]/Not")
    );
    assert_eq!(
        first_error(choice(json!([{"Variable": "$.x", "NumericEquals": "1", "Next": "Z"}]))),
        t(S, "Expected value of type [NUMBER]", "/States/C/Choices[0]/NumericEquals")
    );
    assert_eq!(first_error(choice(json!([{"Condition": "{% true %}", "Next": "Z"}]))), t(S, "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage", "/States/C/Choices[0]"));
}

#[test]
fn map_and_parallel() {
    assert_eq!(
        first_error(json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [], "End": true}}})),
        t(S, "Value cannot be empty", "/States/P/Branches")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}]}}})
        ),
        t(S, "Field 'QueryLanguage' is not supported", "/States/P/Branches[0]")
    );
    assert_eq!(
        first_error(json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true}}})),
        t(S, "This object should have only one of the following fields: [ItemProcessor, Iterator]", "/States/M")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}})
        ),
        t(S, "Minimum value is 0", "/States/M/MaxConcurrency")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}})
        ),
        t(S, "These fields are required: [ExecutionType]", "/States/M/ItemProcessor/ProcessorConfig")
    );
    assert_eq!(
        first_error(
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Label": "a b", "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}})
        ),
        t("INVALID_LABEL_NAME", "Label contains invalid character: ' '", "/States/M/Label")
    );
}

#[test]
fn messages() {
    let diags =
        validate(&json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}), MachineType::Standard);
    assert_eq!(
        invalid_definition_message(&diags).unwrap(),
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'"
    );
    assert_eq!(invalid_definition_message(&[]), None);
    let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "", "End": true, "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}}"#;
    let diags = validate_text(text, MachineType::Standard);
    assert_eq!(
        invalid_definition_message_for_text(&diags, text).unwrap(),
        format!("Error=ValueError Args=['Label cannot be empty'] in definition '{text}'.")
    );
    assert_eq!(
        python_repr("Label contains invalid character: '\\\\'"),
        r#""Label contains invalid character: '\\\\'""#
    );
}

#[test]
fn json_text_errors() {
    let d = &validate_text("not a definition", MachineType::Standard)[0];
    assert_eq!(d.location, "[Source: (String)\"not a definition\"; line: 1, column: 4]");
    assert_eq!(d.message, "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]");
    let msg = |text: &str| jackson::first_value_end(text).unwrap_err().message;
    assert_eq!(msg("{'a': 1}"), "Unexpected character (''' (code 39)): was expecting double-quote to start field name");
    assert_eq!(
        msg("{\"a\" 1}"),
        "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"
    );
    assert_eq!(msg("[1,]"), "Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
    assert_eq!(
        msg("{\"a\":1 \"b\":2}"),
        "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"
    );
    assert_eq!(msg("{"), "Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)\"{\"; line: 1, column: 1])");
    assert_eq!(msg("[01]"), "Invalid numeric value: Leading zeroes not allowed");
    assert_eq!(msg("\"ab"), "Unexpected end-of-input: was expecting closing quote for a string value");
    assert_eq!(jackson::first_value_end("{} trailing").unwrap(), Some(2));
    assert_eq!(jackson::first_value_end("  ").unwrap(), None);
}

#[test]
fn java_hash_order_matches_aws_lists() {
    assert_eq!(java_hash_order(&["StartAt", "States"]), ["States", "StartAt"]);
    assert_eq!(
        java_hash_order(&["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]),
        ["SecondsPath", "Seconds", "TimestampPath", "Timestamp"]
    );
}

#[test]
fn never_panics_on_deep_or_odd_input() {
    let mut branch = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    for _ in 0..200 {
        branch = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [branch]}}});
    }
    let diags = validate(&branch, MachineType::Standard);
    assert!(diags.iter().any(|d| d.code == code::TOO_DEEPLY_NESTED));
    let mut rule = json!({"Variable": "$.x", "IsPresent": true});
    for _ in 0..500 {
        rule = json!({"Not": rule});
    }
    let _ = validate(
        &json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [rule], "Default": "C"}}}),
        MachineType::Standard,
    );
    for text in [
        "",
        "[",
        "{\"a\":",
        "-",
        "1e",
        "1.",
        "\"\\u12",
        "tru",
        "[1 2]",
        "{\"a\":1}}",
        "\u{1}",
        "nul",
        "-x",
        "+1",
        "NaN",
        "/",
        "{\"a\"",
        "[\u{c9}]",
    ] {
        let _ = validate_text(text, MachineType::Express);
    }
    for v in [json!(null), json!(1), json!("x"), json!({"States": []}), json!({"States": {"A": 1}, "StartAt": "A"})] {
        let _ = validate(&v, MachineType::Standard);
    }
}

/// AWS parses each JSONata expression when the machine is created: one that does not parse, or
/// reads the context item at the top level, is refused with the field's location.
#[test]
fn jsonata_expressions_are_parsed_at_validation() {
    let machine = |output: Value| {
        json!({"QueryLanguage": "JSONata", "StartAt": "Main", "States": {
            "Main": {"Type": "Pass", "Output": output, "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.ok %}", "Next": "E"}], "Default": "E"},
            "E": {"Type": "Succeed"}}})
    };
    let message = |output: Value| invalid_definition_message(&validate(&machine(output), MachineType::Standard));
    assert_eq!(
        message(json!("{% 1 + %}")).unwrap(),
        "Invalid State Machine Definition: 'INVALID_JSONATA_EXPRESSION: Unexpected end of expression at /States/Main/Output'"
    );
    assert_eq!(
        message(json!({"a": ["x", "{% a[1,2) %}"]})).unwrap(),
        "Invalid State Machine Definition: 'INVALID_JSONATA_EXPRESSION: Expected \"]\", got \",\" at \
         /States/Main/Output/a[1]'"
    );
    assert_eq!(
        message(json!({"v": "{% phone %}"})).unwrap(),
        "Invalid State Machine Definition: 'UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is \
         not supported. at /States/Main/Output/v'"
    );
    assert_eq!(message(json!("{% $states.input.phone %}")), None);
    // Strings that are not `{% %}` templates are literals; JSONPath states are not parsed.
    assert_eq!(message(json!(" {% ( %}")), None);
    let path = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "{% ( %}", "End": true}}});
    assert!(validate(&path, MachineType::Standard).is_empty());
    // A Choice rule's Condition, at AWS's location of a rule.
    let mut bad = machine(json!(1));
    bad["States"]["C"]["Choices"][0]["Condition"] = json!("{% ( %}");
    let diags = validate(&bad, MachineType::Standard);
    assert_eq!(diags[0].code, code::INVALID_JSONATA_EXPRESSION);
    assert_eq!(diags[0].location, "/States/C/Choices[0]/Condition");
    // An expression nested past what is parsed safely is left to fail when it runs.
    let deep = format!("{{% {}1{} %}}", "(".repeat(100_000), ")".repeat(100_000));
    assert_eq!(message(json!(deep)), None);
}

/// `$states.result` is offered only to the `Output` and `Assign` of a Task, Map or Parallel state,
/// `$states.errorOutput` only to a catcher's: elsewhere AWS refuses the field at validation
/// (`Field '$states.errorOutput' does not exist.` at `/States/Main/Output`, measured on AWS by
/// floci-io/floci#2786; the workflow variables page of the developer guide: "caught at creation,
/// update, or validation").
#[test]
fn states_fields_are_offered_only_where_they_exist() {
    let task = |fields: Value| {
        let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Arguments": {"FunctionName": "f"}, "Next": "E"});
        t.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        json!({"QueryLanguage": "JSONata", "StartAt": "Main", "States": {"Main": t, "E": {"Type": "Succeed"}}})
    };
    let found = |m: &Value| -> Vec<(String, String, String)> {
        validate(m, MachineType::Standard).into_iter().map(|d| (d.code, d.message, d.location)).collect()
    };
    let refused = |field: &str, at: &str| {
        vec![(
            code::UNSUPPORTED_JSONATA_EXPRESSION.to_string(),
            format!("Field '$states.{field}' does not exist."),
            at.to_string(),
        )]
    };
    // Where they exist.
    let ok = task(json!({"Output": {"r": "{% $states.result.Payload %}", "i": "{% $states.input %}"},
        "Assign": {"x": "{% $states.result %}", "c": "{% $states.context.Execution.Id %}"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}",
                   "Assign": {"e": "{% $states.errorOutput.Cause %}"}, "Next": "E"}]}));
    assert_eq!(found(&ok), vec![]);
    // Where they do not.
    let args = task(json!({"Arguments": {"FunctionName": "{% $states.result %}"}}));
    assert_eq!(found(&args), refused("result", "/States/Main/Arguments/FunctionName"));
    let in_catch =
        task(json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.result %}", "Next": "E"}]}));
    assert_eq!(found(&in_catch), refused("result", "/States/Main/Catch[0]/Output"));
    let error_output = task(json!({"Output": "{% $states.errorOutput %}"}));
    assert_eq!(found(&error_output), refused("errorOutput", "/States/Main/Output"));
    let pass = json!({"QueryLanguage": "JSONata", "StartAt": "Main", "States": {
        "Main": {"Type": "Pass", "Output": {"v": "{% $states.result %}"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.errorOutput %}", "Next": "E"}], "Default": "E"},
        "E": {"Type": "Succeed"}}});
    let mut both = refused("result", "/States/Main/Output/v");
    both.extend(refused("errorOutput", "/States/C/Choices[0]/Condition"));
    assert_eq!(found(&pass), both);
    let unknown = task(json!({"Output": "{% $states.item %}"}));
    assert_eq!(found(&unknown), refused("item", "/States/Main/Output"));
}
