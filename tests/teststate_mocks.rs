//! `TestState`'s mocked results against the services' response shapes (`mock.fieldValidationMode`),
//! and the retry and catch details of a failure (`inspectionData.errorDetails`), each asserting
//! AWS's exact response or error. Sources as in tests/teststate_rules.rs: [API], [Guide] and
//! [Recorded] (LocalStack's snapshots at localstack/localstack commit 8b9a79f0).

mod common_teststate;

use serde_json::{json, Value};

use common_teststate::{error, parsed_response, LAMBDA};

fn schema_error(field_message: &str) -> (String, String) {
    ("ValidationException".into(), format!("Mock result schema validation error: {field_message}"))
}

fn task(resource: &str) -> Value {
    // The parameters each integration requires, so the definition is valid.
    let params = match resource.rsplit_once(":::").map_or("", |(_, r)| r) {
        "states:startExecution" => json!({"StateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:T"}),
        "events:putEvents" => json!({"Entries": []}),
        "dynamodb:getItem" => json!({"TableName": "t", "Key": {}}),
        _ => json!({"FunctionName": "f"}),
    };
    json!({"Type": "Task", "Resource": resource, "Parameters": params, "End": true})
}

fn mocked(resource: &str, result: Value, mode: Option<&str>) -> Value {
    let mut mock = json!({"result": result});
    if let Some(m) = mode {
        mock["fieldValidationMode"] = json!(m);
    }
    json!({"definition": task(resource), "mock": mock})
}

// ---- fieldValidationMode ----

/// [API] MockInput: STRICT (the default) checks required fields and the present ones; [Recorded]
/// test_strict_mode_eventbridge_task[wrong_type_top_level_field], [wrong_type_2nd_array_element].
#[test]
fn strict_mode_checks_types_in_arrays() {
    let r = "arn:aws:states:::events:putEvents";
    assert_eq!(error(mocked(r, json!({"Entries": "x"}), None)), schema_error("Field 'Entries' must be an array"));
    let entries = json!({"Entries": [{"EventId": "a"}, {"EventId": ["not a string"]}]});
    assert_eq!(error(mocked(r, entries, None)), schema_error("Field 'EventId' must be a string"));
}

/// Length constraints of the model: [Recorded] test_strict_mode_aws_sdk_kms_task and
/// test_present_mode_aws_sdk_kms_task [wrong_blob_length_less_than_minimum] (KMS
/// `CiphertextBlob` is 1 to 6144 bytes). The maximum's message is not recorded.
#[test]
fn lengths_are_checked_in_strict_and_present_modes() {
    let r = "arn:aws:states:::aws-sdk:kms:encrypt";
    for mode in [None, Some("STRICT"), Some("PRESENT")] {
        assert_eq!(
            error(mocked(r, json!({"CiphertextBlob": ""}), mode)),
            schema_error("Field 'CiphertextBlob' is smaller than the minimum length")
        );
    }
    // SFN StartExecution's `executionArn` is 1 to 256 characters.
    let long = "a".repeat(257);
    let res = json!({"ExecutionArn": long, "StartDate": "2024-01-01T00:00:00Z"});
    assert_eq!(
        error(mocked("arn:aws:states:::states:startExecution", res, None)),
        schema_error("Field 'ExecutionArn' exceeds the maximum length")
    );
    let none = parsed_response(mocked(r, json!({"CiphertextBlob": ""}), Some("NONE")));
    assert_eq!(none, json!({"status": "SUCCEEDED", "output": {"CiphertextBlob": ""}}), "NONE checks nothing");
}

/// Value ranges: [Recorded] test_strict_mode_aws_sdk_lambda_get_function_task
/// [integer_less_than_minimum_allowed] (Lambda `MemorySize` is 128 to 10240 in TestState's model).
#[test]
fn ranges_are_checked() {
    let r = "arn:aws:states:::aws-sdk:lambda:getFunction";
    let low = json!({"Configuration": {"MemorySize": 127}});
    assert_eq!(error(mocked(r, low, None)), schema_error("Field 'MemorySize' is less than the minimum value"));
    let high = json!({"Configuration": {"MemorySize": 10241}});
    assert_eq!(error(mocked(r, high, Some("PRESENT"))), schema_error("Field 'MemorySize' exceeds the maximum value"));
    let ok = json!({"Configuration": {"MemorySize": 128, "Runtime": "python3.12"}});
    assert_eq!(parsed_response(mocked(r, ok.clone(), None)), json!({"status": "SUCCEEDED", "output": ok}));
}

/// [API] MockInput PRESENT: "All present fields must conform to the API's schema" — required
/// fields are not asked for. [Recorded] test_present_mode_aws_sdk_s3_task[wrong_long_type_string],
/// test_none_mode_sfn_task[missing_required_fields].
#[test]
fn present_mode_checks_present_fields_and_none_checks_nothing() {
    let s3 = "arn:aws:states:::aws-sdk:s3:getObject";
    assert_eq!(
        error(mocked(s3, json!({"ContentLength": "12"}), Some("PRESENT"))),
        schema_error("Field 'ContentLength' must be a number")
    );
    let sfn = "arn:aws:states:::states:startExecution";
    assert_eq!(error(mocked(sfn, json!({}), None)), schema_error("Required field 'ExecutionArn' is missing"));
    assert_eq!(parsed_response(mocked(sfn, json!({}), Some("PRESENT"))), json!({"status": "SUCCEEDED", "output": {}}));
    // The recorded NONE case, with its JSONata Output.
    let def = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": sfn,
        "Arguments": {"Input": "{% $states.input.targetInput %}", "StateMachineArn": "{% $states.input.stateMachineArn %}", "Name": "{% $states.input.name %}"},
        "Output": {"targetExecutionResult": "{% $states.result %}"}, "End": true});
    let input = json!({"stateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:T", "targetInput": null, "name": "n"});
    let r = parsed_response(
        json!({"definition": def, "input": input, "mock": {"result": {}, "fieldValidationMode": "NONE"}}),
    );
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": {"targetExecutionResult": {}}}));
}

/// Step Functions writes member names with a capital first letter (SFN `executionArn` is
/// `ExecutionArn`); other names are fields the API does not define, allowed in every mode.
/// [Recorded] test_strict_mode_sfn_task[field_name_not_in_sfn_case],
/// test_strict_mode_mock_result_field_not_in_api_spec.
#[test]
fn names_are_matched_as_step_functions_writes_them() {
    let sfn = "arn:aws:states:::aws-sdk:sfn:startExecution";
    let lower = json!({"executionArn": "a", "startDate": "d"});
    assert_eq!(error(mocked(sfn, lower.clone(), None)), schema_error("Required field 'ExecutionArn' is missing"));
    assert_eq!(
        parsed_response(mocked(sfn, lower.clone(), Some("PRESENT"))),
        json!({"status": "SUCCEEDED", "output": lower})
    );
    let extra = json!({"ExecutionArn": "a", "StartDate": "d", "Extra": [1]});
    assert_eq!(parsed_response(mocked(sfn, extra.clone(), None)), json!({"status": "SUCCEEDED", "output": extra}));
}

/// The optimized Lambda integration hands over the function's `Payload` as JSON (the API's blob),
/// and an enum outside the model is refused ([Recorded] [non_existent_enum_value] for S3).
#[test]
fn lambda_payloads_are_json_and_enums_are_closed() {
    let res = json!({"StatusCode": 200, "Payload": {"any": ["json"]}, "ExecutedVersion": "$LATEST"});
    assert_eq!(parsed_response(mocked(LAMBDA, res.clone(), None)), json!({"status": "SUCCEEDED", "output": res}));
    assert_eq!(
        error(mocked("arn:aws:states:::aws-sdk:s3:getObject", json!({"StorageClass": "Papyrus"}), None)),
        schema_error("Field 'StorageClass' is not an expected value")
    );
    // DynamoDB items: maps of attribute values, checked all the way down.
    let item = json!({"Item": {"id": {"S": "1"}, "n": {"N": 5}}});
    assert_eq!(
        error(mocked("arn:aws:states:::dynamodb:getItem", item, None)),
        schema_error("Field 'N' must be a string")
    );
}

// ---- errorDetails ----

fn retrying(count: u32) -> Value {
    let def = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": LAMBDA, "Arguments": {"FunctionName": "foo", "Payload": "bar"},
        "Retry": [{"ErrorEquals": ["MockException"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0}], "End": true});
    json!({"definition": def, "input": {"Values": [1]}, "inspectionLevel": "DEBUG",
           "stateConfiguration": {"retrierRetryCount": count},
           "mock": {"errorOutput": {"error": "MockException", "cause": "Mock the cause of the error."}}})
}

/// [API] InspectionErrorDetails; [Recorded] test_state_configuration_retrier_retry_count
/// (`below_tolerated_retry_count_with_backoff` and `exceeds_tolerated_retry_count`): below
/// `MaxAttempts` the state is RETRIABLE with the backoff `IntervalSeconds × BackoffRate^count`;
/// at it, FAILED, still naming the retrier.
#[test]
fn retries_until_max_attempts_then_fails() {
    let inspection = |details: Value| json!({"afterArguments": {"FunctionName": "foo", "Payload": "bar"}, "errorDetails": details, "input": {"Values": [1]}});
    assert_eq!(
        parsed_response(retrying(4)),
        json!({"status": "RETRIABLE", "error": "MockException", "cause": "Mock the cause of the error.",
               "inspectionData": inspection(json!({"retryBackoffIntervalSeconds": 16, "retryIndex": 0}))})
    );
    assert_eq!(
        parsed_response(retrying(5)),
        json!({"status": "FAILED", "error": "MockException", "cause": "Mock the cause of the error.",
               "inspectionData": inspection(json!({"retryIndex": 0}))})
    );
}

/// `MaxDelaySeconds` caps the backoff (developer guide, concepts-error-handling); the first
/// matching retrier is the one counted; an error no retrier names goes to the catchers, and one
/// no handler names fails the state with no `errorDetails`.
#[test]
fn backoff_is_capped_and_catchers_follow_retriers() {
    let def = json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["Other"]}, {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "BackoffRate": 10, "MaxAttempts": 4, "MaxDelaySeconds": 100}],
        "Catch": [{"ErrorEquals": ["Nope"], "Next": "A"}, {"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Next": "B"}],
        "End": true});
    let req = |count: u32, err: &str| {
        json!({"definition": def, "input": {"k": 1}, "inspectionLevel": "DEBUG", "stateConfiguration": {"retrierRetryCount": count},
               "mock": {"errorOutput": {"error": err, "cause": "c"}}})
    };
    let r = parsed_response(req(2, "Boom"));
    assert_eq!(r["status"], "RETRIABLE");
    assert_eq!(r["inspectionData"]["errorDetails"], json!({"retryBackoffIntervalSeconds": 100, "retryIndex": 1}));
    let r = parsed_response(req(1, "Boom"));
    assert_eq!(r["inspectionData"]["errorDetails"], json!({"retryBackoffIntervalSeconds": 30, "retryIndex": 1}));
    // Retries used up: the catcher handles it (both handlers named; not recorded).
    let r = parsed_response(req(4, "Boom"));
    assert_eq!(r["status"], "CAUGHT_ERROR");
    assert_eq!(r["nextState"], "B");
    assert_eq!(r["output"], json!({"k": 1, "err": {"Error": "Boom", "Cause": "c"}}));
    assert_eq!(r["inspectionData"]["errorDetails"], json!({"retryIndex": 1, "catchIndex": 1}));
    // States.Runtime is neither retried nor caught.
    let bad = json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName.$": "$.missing"},
        "Retry": [{"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}], "End": true});
    let r = parsed_response(json!({"definition": bad, "input": {}, "mock": {"result": {}}}));
    assert_eq!(r["status"], "FAILED");
    assert_eq!(r["error"], "States.Runtime");
    assert!(r.get("inspectionData").is_none());
}

/// [Recorded] test_map_state_failure_count: a Map whose `mapIterationFailureCount` exceeds
/// `ToleratedFailureCount` fails with `States.ExceedToleratedFailureThreshold`, which its own
/// Retry and Catch handle.
#[test]
fn a_map_over_its_tolerated_failures_is_retried_or_caught() {
    let def = |handlers: Value| {
        let mut d = json!({"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.Values %}",
            "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Pass", "End": true}}},
            "ToleratedFailureCount": 1, "End": true});
        for (k, v) in handlers.as_object().into_iter().flatten() {
            d[k] = v.clone();
        }
        d
    };
    let req = |d: Value| {
        json!({"definition": d, "input": {"Values": ["a", "b", "c"]}, "inspectionLevel": "DEBUG",
               "stateConfiguration": {"mapIterationFailureCount": 2}, "mock": {"result": [0, 0, 1]}})
    };
    let retry = def(
        json!({"Retry": [{"ErrorEquals": ["MockException"], "MaxAttempts": 3}, {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 2}]}),
    );
    assert_eq!(
        parsed_response(req(retry)),
        json!({"status": "RETRIABLE", "error": "States.ExceedToleratedFailureThreshold", "cause": "The specified tolerated failure threshold was exceeded",
               "inspectionData": {"errorDetails": {"retryBackoffIntervalSeconds": 1, "retryIndex": 1}, "input": {"Values": ["a", "b", "c"]}, "maxConcurrency": 0, "toleratedFailureCount": 1}})
    );
    let catch = def(
        json!({"Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Output": "{% $states.errorOutput %}", "Next": "H"}]}),
    );
    assert_eq!(
        parsed_response(req(catch)),
        json!({"status": "CAUGHT_ERROR", "error": "States.ExceedToleratedFailureThreshold", "cause": "The specified tolerated failure threshold was exceeded", "nextState": "H",
               "output": {"Error": "States.ExceedToleratedFailureThreshold", "Cause": "The specified tolerated failure threshold was exceeded"},
               "inspectionData": {"errorDetails": {"catchIndex": 0}, "input": {"Values": ["a", "b", "c"]}, "maxConcurrency": 0, "toleratedFailureCount": 1}})
    );
}
