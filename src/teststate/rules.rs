//! The rules a `TestState` request follows beyond its wire shape, checked once the tested state is
//! found, in the order AWS applies them (as far as its recorded answers show), with AWS's messages.
//!
//! Sources, cited at each rule:
//! - the API reference, `TestState` and its shapes (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html>,
//!   `API_MockInput.html`, `API_MockErrorOutput.html`, `API_TestStateConfiguration.html`; the same
//!   texts are in botocore's `stepfunctions/2016-11-23/service-2.json`);
//! - the developer guide, "Testing state machines with TestState API"
//!   (<https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html>);
//! - `TestState` answers recorded on AWS: `../shared/conformance/teststate`, and the LocalStack
//!   snapshots they come from (`tests/aws/services/stepfunctions/v2/test_state/*.snapshot.json` in
//!   localstack/localstack at commit 8b9a79f0), which hold the exact messages quoted here.

use serde_json::Value;

use super::request::{ApiError, Mock, Request};
use super::shapes;
use crate::model::{Kind, State};

/// Every rule, in AWS's order: the state configuration, the states that need a mock (or a role),
/// the mock against the state, then the context object.
pub(super) fn check(req: &Request, st: &State, raw: &Value) -> Result<(), ApiError> {
    // Recorded (test_map_iteration_failure_count_without_mock): a Map state without a mock and
    // with `mapIterationFailureCount` gets this message, not the Map-needs-a-mock one.
    if req.state_configuration.map_iteration_failure_count.is_some() && req.mock.is_none() {
        return Err(ApiError::validation(
            "TestState does not support MapIterationFailureCount when a mock is not specified.",
        ));
    }
    match &req.mock {
        None => needs_mock(req, st)?,
        Some(mock) => check_mock(req, mock, st, raw)?,
    }
    if let Some(ctx) = &req.context {
        // "A JSON string representing a valid Context object for the state under test. This field
        // may only be specified if a mock is specified in the same request." (API reference,
        // TestState, `context`). AWS's message for this case is not recorded; this one follows the
        // two recorded "TestState does not support ... when a mock is ... specified." messages.
        if req.mock.is_none() {
            return Err(ApiError::validation("TestState does not support Context when a mock is not specified."));
        }
        check_context(ctx, st)?;
    }
    Ok(())
}

/// A request without a mock: Map and Parallel states need one (recorded message, an
/// `InvalidDefinition`), and a Task state needs `roleArn` ("When you specify a mock, specifying
/// the role becomes optional", developer guide; recorded message in
/// test_base_lambda_service_task_state_no_role_arn_validation).
fn needs_mock(req: &Request, st: &State) -> Result<(), ApiError> {
    match &st.kind {
        Kind::Map(_) | Kind::Parallel { .. } => Err(ApiError::definition(
            "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
        )),
        Kind::Task(_) if req.role_arn.is_none() => {
            Err(ApiError::validation("RoleArn must be specified when testing a Task state"))
        }
        _ => Ok(()),
    }
}

/// The mock against the tested state, in the order LocalStack's recordings show AWS checks it.
fn check_mock(req: &Request, mock: &Mock, st: &State, raw: &Value) -> Result<(), ApiError> {
    // "A mock can only be specified for Task, Map, or Parallel states. If it is specified for
    // another state type, an exception will be thrown." (API reference, TestState, `mock`.)
    // Recorded for Pass, Fail and Succeed; Wait and Choice get the same message here.
    if !matches!(st.kind, Kind::Task(_) | Kind::Map(_) | Kind::Parallel { .. }) {
        return Err(ApiError::validation(format!(
            "State type '{}' is not supported when a mock is specified",
            st.kind.event_prefix()
        )));
    }
    if req.reveal_secrets {
        return Err(ApiError::validation("TestState does not support RevealSecrets when a mock is specified."));
    }
    // "A JSON object that contains a mocked `result` or `errorOutput`" (API reference,
    // MockInput). Both is recorded (test_both_mock_result_and_mock_error_output_are_set); a mock
    // with neither is not recorded and gets the same message, which asks for exactly one.
    if mock.result.is_some() == mock.error_output.is_some() {
        return Err(ApiError::validation(
            "A test mock should have only one of the following fields: [result, errorOutput].",
        ));
    }
    let Some(result) = &mock.result else { return Ok(()) };
    match &st.kind {
        // A Map with a `ResultWriter` ends with the writer's summary (an object); without one,
        // with the results array (both recorded).
        Kind::Map(_) if raw.get("ResultWriter").is_some() && !result.is_object() => {
            return Err(ApiError::validation("Mocked result must be a JSON object."));
        }
        Kind::Map(_) if raw.get("ResultWriter").is_none() && !result.is_array() => {
            return Err(ApiError::validation("Mocked result must be an array."));
        }
        Kind::Parallel { branches } => match result {
            Value::Array(items) if items.len() == branches.len() => {}
            Value::Array(_) => {
                return Err(ApiError::validation(
                    "Mocked result must contain the same number of items as number of Parallel branches.",
                ))
            }
            _ => return Err(ApiError::validation("Mocked result must be an array.")),
        },
        Kind::Task(task) => shapes::check_mock_result(&task.resource, result, mock.field_validation_mode)
            .map_err(|m| ApiError::validation(format!("Mock result schema validation error: {m}")))?,
        _ => {}
    }
    Ok(())
}

/// Whether a Task resource waits for a callback or a job: `.waitForTaskToken` and `.sync`
/// (`.sync:2` too).
fn waits(resource: &str) -> bool {
    resource.ends_with(".waitForTaskToken") || resource.contains(".sync")
}

/// The fields a mocked context object may have. `Map` is refused (a tested state runs outside
/// any Map iteration), and `Task` (its token) only for a `.sync` or `.waitForTaskToken` Task
/// (recorded: test_state_context_object_validation_failures, test_state_context_object_invalid_states).
pub(super) fn check_context(ctx: &Value, st: &State) -> Result<(), ApiError> {
    let bad = |m: String| Err(ApiError::validation(format!("Invalid Context object provided: {m}")));
    let Value::Object(top) = ctx else {
        return bad("Context object must be a JSON object".into());
    };
    let allowed: &[(&str, &[&str])] = &[
        ("Execution", &["Id", "Input", "Name", "RoleArn", "StartTime", "RedriveCount", "RedriveTime"]),
        ("State", &["EnteredTime", "Name", "RetryCount"]),
        ("StateMachine", &["Id", "Name"]),
        ("Task", &["Token"]),
    ];
    for (key, value) in top {
        if key == "Map" {
            return bad("'Map' field is not supported when mocking a Context object".into());
        }
        let Some((_, fields)) = allowed.iter().find(|(k, _)| k == key) else {
            return bad(format!("Field '{key}' is not allowed"));
        };
        let Value::Object(obj) = value else {
            return bad(format!("{key} must be an object"));
        };
        for (f, v) in obj {
            if !fields.contains(&f.as_str()) {
                return bad(format!("Field '{f}' is not allowed"));
            }
            let numeric = matches!(f.as_str(), "RetryCount" | "RedriveCount");
            if f != "Input" && numeric && !v.is_number() {
                return bad(format!("{key}.{f} must be a number"));
            }
            if f != "Input" && !numeric && !v.is_string() {
                return bad(format!("{key}.{f} must be a string"));
            }
        }
    }
    let token_task = matches!(&st.kind, Kind::Task(t) if waits(&t.resource));
    if top.contains_key("Task") && !token_task {
        return bad("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern".into());
    }
    Ok(())
}
