//! The CloudWatch Logs operations (`Logs_20140328.<Operation>`) that Step Functions users read
//! results with: log groups (create, describe, delete), `DescribeLogStreams`, `GetLogEvents` and
//! `FilterLogEvents`. Constraint failures are `InvalidParameterException`s, as CloudWatch Logs
//! names them; other operations are refused by name.

use serde_json::Value;

use super::{check, request, shapes, Outcome};
use crate::error::{ApiError, ApiErrorKind};
use crate::simulator::{LogsInput, Simulator};

/// Runs one CloudWatch Logs operation.
pub(crate) fn call(sim: &mut Simulator, op: &str, body: &Value, now: i64) -> Result<Outcome, ApiError> {
    let Some((_, shape)) = shapes::LOGS_OPERATIONS.iter().find(|(name, _)| *name == op) else {
        let served: Vec<&str> = shapes::LOGS_OPERATIONS.iter().map(|(n, _)| *n).collect();
        return Err(ApiError::new(
            ApiErrorKind::UnknownOperationException,
            format!("asl-sim does not serve the CloudWatch Logs operation '{op}' (it serves {})", served.join(", ")),
        ));
    };
    check(shape, body, ApiErrorKind::InvalidParameterException)?;
    let input: LogsInput = request(body)?;
    let out = match op {
        "CreateLogGroup" => sim.create_log_group(&input, now)?,
        "DeleteLogGroup" => sim.delete_log_group(&input)?,
        "DescribeLogGroups" => sim.describe_log_groups(&input)?,
        "DescribeLogStreams" => sim.describe_log_streams(&input)?,
        "GetLogEvents" => sim.get_stream_events(&input)?,
        _ => sim.filter_log_events(&input)?,
    };
    Ok(Outcome::Output(out))
}
