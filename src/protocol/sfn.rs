//! The Step Functions operations (`AWSStepFunctions.<Operation>`): each checks its body against
//! the service model's shape, reads it into the account's request type and calls the account.
//!
//! As on AWS, Express executions are not the API's business: `DescribeExecution`,
//! `StopExecution`, `GetExecutionHistory` and `DescribeStateMachineForExecution` refuse their ARNs
//! (`InvalidArn`: "Resource type not valid in this context: express"), and `ListExecutions` refuses
//! Express machines; their results are read from CloudWatch Logs.

use serde_json::{json, Value};

use super::{check, request, shapes, Outcome, WaitKind};
use crate::error::{ApiError, ApiErrorKind};
use crate::simulator::executions::check_standard_execution;
use crate::simulator::{
    ActivityInput, CreateActivityInput, CreateStateMachineRequest, ExecutionInput, GetExecutionHistoryInput,
    ListExecutionsInput, ListForMachineInput, ListInput, ListMapRunsInput, MapRunInput,
    PublishStateMachineVersionInput, RedriveExecutionInput, SendTaskFailureInput, SendTaskHeartbeatInput,
    SendTaskSuccessInput, Simulator, StartExecutionInput, StateMachineAliasInput, StateMachineInput,
    StateMachineVersionInput, StopExecutionInput, TagResourceInput, UpdateStateMachineInput,
    ValidateStateMachineDefinitionInput,
};

/// A string member of a checked body (required members are present once checked).
fn text(body: &Value, key: &str) -> String {
    body.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Runs one Step Functions operation.
pub(crate) fn call(sim: &mut Simulator, op: &str, body: &Value, now: i64, wall: i64) -> Result<Outcome, ApiError> {
    let Some((_, shape)) = shapes::SFN_OPERATIONS.iter().find(|(name, _)| *name == op) else {
        return Err(ApiError::new(
            ApiErrorKind::UnknownOperationException,
            format!("Step Functions has no operation '{op}'"),
        ));
    };
    check(shape, body, ApiErrorKind::ValidationException)?;
    // AWS's rule for a logging level but OFF: exactly one destination (recorded for ALL, ERROR and
    // FATAL without `destinations`). The JS and Rust APIs send such a machine's records to the
    // simulator's own log group instead, a convenience AWS's API does not offer.
    if matches!(op, "CreateStateMachine" | "UpdateStateMachine") {
        if let Some(message) = body.get("loggingConfiguration").and_then(crate::validate::logging_configuration_error) {
            return Err(ApiError::new(ApiErrorKind::InvalidLoggingConfiguration, message));
        }
    }
    let out = match op {
        // State machines.
        "CreateStateMachine" => sim.create_state_machine_api(&request::<CreateStateMachineRequest>(body)?, now)?,
        "DescribeStateMachine" => sim.describe_state_machine(&request::<StateMachineInput>(body)?)?,
        "UpdateStateMachine" => sim.update_state_machine(&request::<UpdateStateMachineInput>(body)?, now)?,
        "DeleteStateMachine" => sim.delete_state_machine(&request::<StateMachineInput>(body)?)?,
        "ListStateMachines" => sim.list_state_machines(&request::<ListInput>(body)?)?,
        "DescribeStateMachineForExecution" => {
            let arn = text(body, "executionArn");
            check_standard_execution(&arn)?;
            sim.describe_state_machine_for_execution(&arn)?
        }
        "ValidateStateMachineDefinition" => validate_definition(sim, body)?,
        "TestState" => {
            let req = crate::teststate::Request::from_json(body)?;
            crate::teststate::test_state(&req)?
        }
        // Versions and aliases.
        "PublishStateMachineVersion" => {
            let req: PublishStateMachineVersionInput = request(body)?;
            sim.publish_version(&req.state_machine_arn, req.revision_id.as_deref(), req.description, now)?
        }
        "ListStateMachineVersions" => sim.list_state_machine_versions(&request::<ListForMachineInput>(body)?)?,
        "DeleteStateMachineVersion" => sim.delete_state_machine_version(&request::<StateMachineVersionInput>(body)?)?,
        "CreateStateMachineAlias" => sim.create_state_machine_alias(&request::<StateMachineAliasInput>(body)?, now)?,
        "DescribeStateMachineAlias" => sim.describe_state_machine_alias(&text(body, "stateMachineAliasArn"))?,
        "UpdateStateMachineAlias" => sim.update_state_machine_alias(&request::<StateMachineAliasInput>(body)?, now)?,
        "DeleteStateMachineAlias" => sim.delete_state_machine_alias(&text(body, "stateMachineAliasArn"))?,
        "ListStateMachineAliases" => sim.list_state_machine_aliases(&request::<ListForMachineInput>(body)?)?,
        // Executions.
        "StartExecution" => {
            let arn = sim.start_execution(&request::<StartExecutionInput>(body)?, now)?;
            sim.start_output(&arn)?
        }
        "StartSyncExecution" => {
            let req: StartExecutionInput = request(body)?;
            let metadata_only = req.included_data.as_deref() == Some("METADATA_ONLY");
            let arn = sim.start_sync_execution(&req, now)?;
            return Ok(Outcome::Wait(WaitKind::Execution { arn, metadata_only }));
        }
        "DescribeExecution" => {
            let req: ExecutionInput = request(body)?;
            check_standard_execution(&req.execution_arn)?;
            sim.describe_execution(&req)?
        }
        "StopExecution" => {
            let req: StopExecutionInput = request(body)?;
            check_standard_execution(&req.execution_arn)?;
            sim.stop_execution(&req, now)?
        }
        "GetExecutionHistory" => {
            let req: GetExecutionHistoryInput = request(body)?;
            check_standard_execution(&req.execution_arn)?;
            sim.get_execution_history(&req)?
        }
        "ListExecutions" => sim.list_executions(&request::<ListExecutionsInput>(body)?)?,
        "RedriveExecution" => sim.redrive_execution(&request::<RedriveExecutionInput>(body)?, now)?,
        // Task tokens.
        "SendTaskSuccess" => sim.send_task_success(&request::<SendTaskSuccessInput>(body)?, now)?,
        "SendTaskFailure" => sim.send_task_failure(&request::<SendTaskFailureInput>(body)?, now)?,
        "SendTaskHeartbeat" => sim.send_task_heartbeat(&request::<SendTaskHeartbeatInput>(body)?, now)?,
        // Activities.
        "CreateActivity" => sim.create_activity(&request::<CreateActivityInput>(body)?, now)?,
        "DescribeActivity" => sim.describe_activity(&text(body, "activityArn"))?,
        "DeleteActivity" => sim.delete_activity(&text(body, "activityArn"))?,
        "ListActivities" => sim.list_activities(&request::<ListInput>(body)?)?,
        "GetActivityTask" => {
            let input: ActivityInput = request(body)?;
            // Unknown activities and bad ARNs fail at once, not after the poll.
            sim.describe_activity(&input.activity_arn)?;
            let deadline = wall.saturating_add(super::activity_poll_ms());
            return Ok(Outcome::Wait(WaitKind::ActivityTask { input, deadline }));
        }
        // Map Runs.
        "DescribeMapRun" => sim.describe_map_run(&text(body, "mapRunArn"))?,
        "ListMapRuns" => sim.list_map_runs(&request::<ListMapRunsInput>(body)?)?,
        "UpdateMapRun" => sim.update_map_run(&request::<MapRunInput>(body)?)?,
        // Tags.
        "TagResource" => sim.tag_resource(&request::<TagResourceInput>(body)?)?,
        "UntagResource" => sim.untag_resource(&request::<TagResourceInput>(body)?)?,
        "ListTagsForResource" => sim.list_tags_for_resource(&text(body, "resourceArn"))?,
        other => {
            return Err(ApiError::new(
                ApiErrorKind::UnknownOperationException,
                format!("asl-sim does not serve the Step Functions operation '{other}'"),
            ))
        }
    };
    Ok(Outcome::Output(out))
}

/// `ValidateStateMachineDefinition` with its `severity` (the least severe diagnostics to give)
/// and `maxResults` (default 100; `truncated` when there were more).
fn validate_definition(sim: &Simulator, body: &Value) -> Result<Value, ApiError> {
    let req: ValidateStateMachineDefinitionInput = request(body)?;
    let mut out = sim.validate_state_machine_definition(&req)?;
    let errors_only = body.get("severity").and_then(Value::as_str) == Some("ERROR");
    let max = match body.get("maxResults").and_then(Value::as_i64) {
        Some(n) if n > 0 => n as usize,
        _ => 100,
    };
    if let Some(list) = out.get_mut("diagnostics").and_then(Value::as_array_mut) {
        if errors_only {
            list.retain(|d| d["severity"] == "ERROR");
        }
        if list.len() > max {
            list.truncate(max);
            out["truncated"] = json!(true);
        }
    }
    Ok(out)
}
