//! `TestState`'s rules beyond its recorded conformance answers, one test per rule, each asserting
//! AWS's exact response or error (name and message).
//!
//! Sources, named at each test:
//! - [API]: the API reference, `TestState` and its shapes
//!   (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html>,
//!   `API_MockInput.html`, `API_TestStateConfiguration.html`, `API_InspectionData.html`,
//!   `API_InspectionErrorDetails.html`);
//! - [Guide]: "Testing state machines with TestState API"
//!   (<https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html>);
//! - [Recorded]: an answer recorded on AWS, in the LocalStack snapshots the conformance cases come
//!   from (localstack/localstack at commit 8b9a79f0, `tests/aws/services/stepfunctions/v2/test_state/`),
//!   named by test id.

mod common_teststate;

use serde_json::json;

use common_teststate::{error, parsed_response, LAMBDA};

// ---- request validation ----

/// [Guide] "When you specify a mock, specifying the role becomes optional"; without a mock a Task
/// state needs `roleArn`. [Recorded] test_base_lambda_service_task_state_no_role_arn_validation.
#[test]
fn a_task_without_a_mock_needs_a_role() {
    let def = json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"}, "End": true});
    let req = json!({"definition": def, "input": {"FunctionName": "f", "Payload": null}, "inspectionLevel": "TRACE"});
    assert_eq!(
        error(req),
        ("ValidationException".into(), "RoleArn must be specified when testing a Task state".into())
    );
    // With a mock the role is optional.
    let r = parsed_response(
        json!({"definition": def, "input": {"FunctionName": "f", "Payload": null}, "mock": {"result": {"StatusCode": 200}}}),
    );
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": {"StatusCode": 200}}));
    // Other state types need no role.
    let r = parsed_response(json!({"definition": {"Type": "Pass", "End": true}, "input": {"a": 1}}));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": {"a": 1}}));
}

/// [API] MockInput: "A JSON object that contains a mocked `result` or `errorOutput`".
/// [Recorded] test_both_mock_result_and_mock_error_output_are_set.
#[test]
fn a_mock_has_a_result_or_an_error_not_both() {
    let def = json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": true});
    let want = (
        "ValidationException".to_string(),
        "A test mock should have only one of the following fields: [result, errorOutput].".to_string(),
    );
    let both = json!({"result": {"mock": "response"}, "errorOutput": {"error": "Error", "cause": "Cause"}});
    assert_eq!(error(json!({"definition": def, "inspectionLevel": "TRACE", "mock": both})), want);
    // Neither: not recorded; the same message (it asks for exactly one).
    assert_eq!(error(json!({"definition": def, "mock": {"fieldValidationMode": "NONE"}})), want);
}

/// [API] TestState `mock`: "A mock can only be specified for Task, Map, or Parallel states. If it
/// is specified for another state type, an exception will be thrown." [Recorded]
/// test_state_type_does_not_accept_mock[mock_error_output-FailState], [..-SucceedState], and
/// [mock_result-FailState].
#[test]
fn only_task_map_and_parallel_states_take_a_mock() {
    let error_output = json!({"errorOutput": {"error": "Error", "cause": "Cause"}});
    let result = json!({"result": {"mock": "the unmockable"}});
    for (def, name) in [
        (json!({"Type": "Fail", "Error": "SomeFailure", "Cause": "c"}), "Fail"),
        (json!({"Type": "Succeed"}), "Succeed"),
        (json!({"Type": "Pass", "End": true}), "Pass"),
        (json!({"Type": "Wait", "Seconds": 1, "End": true}), "Wait"),
        (
            json!({"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "A"}], "Default": "B"}),
            "Choice",
        ),
    ] {
        for mock in [&error_output, &result] {
            let want = format!("State type '{name}' is not supported when a mock is specified");
            assert_eq!(
                error(json!({"definition": def, "inspectionLevel": "TRACE", "mock": mock})),
                ("ValidationException".into(), want)
            );
        }
    }
}

/// [Recorded] test_mock_result_is_not_object_on_map_state_with_result_writer: a Map with a
/// `ResultWriter` ends with the writer's summary, so its mocked result is an object.
#[test]
fn a_map_with_a_result_writer_mocks_an_object() {
    let def = json!({
        "Type": "Map", "ItemsPath": "$.Values",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "T",
            "States": {"T": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "foo", "Payload": "bar"}, "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "result-bucket", "Prefix": "mapJobs"}},
        "Label": "TestMap", "End": true
    });
    let mock = json!({"result": ["object is expected but array is provided instead"]});
    assert_eq!(
        error(json!({"definition": def, "inspectionLevel": "TRACE", "mock": mock})),
        ("ValidationException".into(), "Mocked result must be a JSON object.".into())
    );
    let summary = json!({"MapRunArn": "arn:aws:states:us-east-1:111111111111:mapRun:m/TestMap:1", "ResultWriterDetails": {"Bucket": "result-bucket", "Key": "mapJobs/manifest.json"}});
    let r = parsed_response(json!({"definition": def, "input": {"Values": [1]}, "mock": {"result": summary}}));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": summary}));
}

/// [API] TestStateConfiguration `mapIterationFailureCount`, with a mock only. [Recorded]
/// test_map_iteration_failure_count_without_mock: this message comes before the Map state's own
/// need of a mock.
#[test]
fn a_map_failure_count_needs_a_mock() {
    let def = json!({"Type": "Map", "ItemsPath": "$.Values", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true});
    let req = json!({"definition": def, "roleArn": "arn:aws:iam::111111111111:role/r", "stateConfiguration": {"mapIterationFailureCount": 0}});
    assert_eq!(
        error(req),
        (
            "ValidationException".into(),
            "TestState does not support MapIterationFailureCount when a mock is not specified.".into()
        )
    );
}

/// [API] TestState `context`: "This field may only be specified if a mock is specified in the
/// same request." AWS's message is not recorded (see src/teststate/rules.rs).
#[test]
fn a_context_object_needs_a_mock() {
    let req = json!({"definition": {"Type": "Pass", "End": true}, "context": {"Execution": {"Name": "e"}}});
    assert_eq!(
        error(req),
        ("ValidationException".into(), "TestState does not support Context when a mock is not specified.".into())
    );
}

/// [Recorded] test_state_context_object_invalid_states[TOKEN_TASK_NOT_SYNC]: `Task` (the task
/// token) only for a `.sync` or `.waitForTaskToken` Task; and
/// test_state_context_object_validation_failures[INVALID_FIELD]: unknown top-level fields.
#[test]
fn a_context_object_holds_only_what_the_state_can_see() {
    let def = json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName.$": "$.FunctionName", "Payload": {"Input.$": "$"}}, "ResultSelector": {"LambdaOutput.$": "$", "ContextObjectValue.$": "$$"}, "End": true});
    let ctx = json!({"Execution": {"Name": "e"}, "Task": {"Token": "abcd123"}});
    let mock = json!({"result": {"pokemon": ["CHARIZARD"]}});
    assert_eq!(
        error(json!({"definition": def, "input": ["fire"], "context": ctx, "mock": mock})),
        ("ValidationException".into(), "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern".into())
    );
    assert_eq!(
        error(json!({"definition": def, "input": ["fire"], "context": {"Pokedex": {}}, "mock": mock})),
        ("ValidationException".into(), "Invalid Context object provided: Field 'Pokedex' is not allowed".into())
    );
    // A callback Task may see its token.
    let wait = json!({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"T.$": "$$.Task.Token"}}, "End": true});
    let r = parsed_response(json!({"definition": wait, "context": ctx, "mock": {"result": {"ok": 1}}}));
    assert_eq!(r, json!({"status": "SUCCEEDED", "output": {"ok": 1}}));
}

/// [API] the request's shape: `fieldValidationMode` is one of STRICT, PRESENT and NONE;
/// `retrierRetryCount` and `mapIterationFailureCount` are at least 0; `errorCausedByState` is 1
/// to 80 characters. Checked as the service checks every request ("1 validation error detected").
#[test]
fn request_members_keep_to_their_constraints() {
    let def = json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": true});
    let e = error(json!({"definition": def, "mock": {"result": {}, "fieldValidationMode": "LOOSE"}}));
    assert_eq!(e, ("ValidationException".into(), "1 validation error detected: Value 'LOOSE' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]".into()));
    let e = error(json!({"definition": def, "mock": {"result": {}}, "stateConfiguration": {"retrierRetryCount": -1}}));
    assert_eq!(e, ("ValidationException".into(), "1 validation error detected: Value '-1' at 'stateConfiguration.retrierRetryCount' failed to satisfy constraint: Member must have value greater than or equal to 0".into()));
    let e = error(json!({"definition": def, "mock": {"result": {}}, "stateConfiguration": {"errorCausedByState": ""}}));
    assert_eq!(e.0, "ValidationException");
}
