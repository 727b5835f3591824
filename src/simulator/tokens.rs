//! Task tokens: `SendTaskSuccess`, `SendTaskFailure` and `SendTaskHeartbeat` for
//! `.waitForTaskToken` tasks.

use serde_json::{json, Value};

use super::{ApiError, ApiErrorKind, SendTaskFailureInput, SendTaskHeartbeatInput, SendTaskSuccessInput, Simulator};
use crate::error::Failure;
use crate::exec::{Status, TaskId};

impl Simulator {
    //
    // AWS API reference, `SendTaskSuccess` / `SendTaskFailure` / `SendTaskHeartbeat`
    // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html; the
    // service model, botocore `stepfunctions/2016-11-23/service-2.json`): `taskToken` is 1 to 2048
    // characters, `output` JSON text of at most 256 KiB, `error` at most 256 and `cause` at most
    // 32768 characters. Errors: `InvalidOutput` ("The provided JSON output data is not valid"),
    // `InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut` ("The task token has either expired or the
    // task associated with the token has already been closed"). All three answer `{}`.

    /// `SendTaskSuccess`: the `.waitForTaskToken` task with this token succeeds with `output`.
    pub fn send_task_success(&mut self, input: &SendTaskSuccessInput, now: i64) -> Result<Value, ApiError> {
        self.set_now(now);
        check_token(&input.task_token)?;
        super::limits::check_length("output", &input.output, 0, super::limits::MAX_DATA, true)?;
        let output: Value = crate::java::parse_json(&input.output)
            .map_err(|e| ApiError::new(ApiErrorKind::InvalidOutput, format!("Invalid Output: '{e}'")))?;
        let (arn, id) = self.token_task(&input.task_token)?;
        self.complete_task(&arn, id, Ok(output), now);
        Ok(json!({}))
    }

    /// `SendTaskFailure`: the `.waitForTaskToken` task with this token fails with `error` and
    /// `cause` (Retry and Catch see them).
    pub fn send_task_failure(&mut self, input: &SendTaskFailureInput, now: i64) -> Result<Value, ApiError> {
        self.set_now(now);
        check_token(&input.task_token)?;
        check_error_and_cause(input.error.as_deref(), input.cause.as_deref())?;
        let (arn, id) = self.token_task(&input.task_token)?;
        let failure = Failure::custom(input.error.as_deref().unwrap_or(""), input.cause.as_deref().unwrap_or(""));
        self.complete_task(&arn, id, Err(failure), now);
        Ok(json!({}))
    }

    /// `SendTaskHeartbeat`: the task's `HeartbeatSeconds` start again from `now`.
    pub fn send_task_heartbeat(&mut self, input: &SendTaskHeartbeatInput, now: i64) -> Result<Value, ApiError> {
        self.set_now(now);
        check_token(&input.task_token)?;
        let (arn, id) = self.token_task(&input.task_token)?;
        if let Some(e) = self.executions.get_mut(&arn) {
            e.exec.heartbeat(id, now);
        }
        if let Some(e) = self.executions.get_mut(&arn) {
            e.ready = true;
        }
        self.settle(&arn);
        Ok(json!({}))
    }

    /// The running task a token belongs to: `InvalidToken` for text that is no token at all (AWS
    /// answered `Invalid Token: 'Invalid token'` to `NoSuchTaskToken`, recorded through an
    /// `aws-sdk:sfn:sendTaskSuccess` task: LocalStack snapshot `test_aws_sdk_task_service::test_sfn_send_task_outcome_with_no_such_token`),
    /// `TaskDoesNotExist` for a well-formed token never handed out, `TaskTimedOut` for one whose task
    /// has ended (answered, timed out, its execution over).
    fn token_task(&self, token: &str) -> Result<(String, TaskId), ApiError> {
        if !crate::exec::is_task_token(token) {
            return Err(ApiError::new(ApiErrorKind::InvalidToken, "Invalid Token: 'Invalid token'"));
        }
        let (arn, id) = match self.tokens.get(token) {
            Some(t) => t.clone(),
            // Not handed to a driver yet: look through the running executions.
            None => self
                .running
                .values()
                .find_map(|a| Some((a.clone(), self.executions.get(a)?.exec.task_for_token(token)?)))
                .ok_or_else(|| {
                    ApiError::new(ApiErrorKind::TaskDoesNotExist, format!("Task Does Not Exist: '{token}'"))
                })?,
        };
        let live = self
            .executions
            .get(&arn)
            .is_some_and(|e| e.exec.status() == Status::Running && e.exec.task_for_token(token) == Some(id));
        if !live {
            return Err(ApiError::new(
                ApiErrorKind::TaskTimedOut,
                "Task Timed Out: 'Provided task does not exist anymore'",
            ));
        }
        Ok((arn, id))
    }
}

/// `taskToken` is 1 to 2048 characters (the service model's `TaskToken`).
fn check_token(token: &str) -> Result<(), ApiError> {
    let n = token.chars().count();
    if n == 0 || n > 2048 {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value at 'taskToken' failed to satisfy constraint: Member must have length \
             {}",
            if n == 0 { "greater than or equal to 1" } else { "less than or equal to 2048" }
        )));
    }
    Ok(())
}

/// `error` is at most 256 characters and `cause` at most 32768 (`SensitiveError`, `SensitiveCause`).
pub(super) fn check_error_and_cause(error: Option<&str>, cause: Option<&str>) -> Result<(), ApiError> {
    for (field, value, max) in [("error", error, super::limits::MAX_ERROR), ("cause", cause, super::limits::MAX_CAUSE)]
    {
        if value.is_some_and(|v| v.chars().count() > max) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length \
                 less than or equal to {max}"
            )));
        }
    }
    Ok(())
}
