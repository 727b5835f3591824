//! AWS's JSON wire protocol for Step Functions and CloudWatch Logs, once, sans-IO: one request
//! (the `X-Amz-Target` header and the body bytes) in, the status, headers and body AWS would send
//! out. The HTTP server (`asl-sim serve`) and the JS request handler (`sim.requestHandler()`) are
//! both thin drivers around [`handle`] and [`resume`].
//!
//! - Step Functions: `AWSStepFunctions.<Operation>`, `application/x-amz-json-1.0`, every operation
//!   of the API (see [`sfn`]).
//! - CloudWatch Logs: `Logs_20140328.<Operation>`, `application/x-amz-json-1.1`, the log groups and
//!   the reads that Express results need (see [`logs`]).
//!
//! Before an operation runs, its body is checked against the service model's shape
//! ([`shapes`], [`validate`]) as AWS checks it. Dates go out as epoch seconds, errors as
//! `{"__type", "message"}` ([`wire`]).
//!
//! Two operations wait: `StartSyncExecution` until its execution ends, and `GetActivityTask` until
//! a task of its activity is scheduled or 60 seconds have passed. [`handle`] answers them with a
//! [`Wait`]; the driver advances the account and calls [`resume`] (cheap) whenever something may
//! have changed, and at [`Wait::deadline`].
//!
//! ```
//! use asl_sim::protocol::{self, Reply};
//! use asl_sim::simulator::Simulator;
//! let mut sim = Simulator::new("123456789012", "us-east-1", 0);
//! let body = br#"{"name": "M", "roleArn": "arn:aws:iam::123456789012:role/r",
//!   "definition": "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}"}"#;
//! let Reply::Done(r) = protocol::handle(&mut sim, Some("AWSStepFunctions.CreateStateMachine"), body, 0, 0) else {
//!     panic!("CreateStateMachine does not wait")
//! };
//! assert_eq!(r.status, 200);
//! assert_eq!(r.json()["stateMachineArn"], "arn:aws:states:us-east-1:123456789012:stateMachine:M");
//! assert_eq!(r.json()["creationDate"], 0.0); // epoch seconds
//! ```

use serde_json::Value;

use crate::error::{ApiError, ApiErrorKind};
use crate::simulator::{ActivityInput, Simulator, ACTIVITY_POLL_MS};

pub mod logs;
pub mod sfn;
#[rustfmt::skip]
pub mod shapes;
pub mod validate;
pub mod wire;

pub use wire::{Response, Service};

/// The answer to a request: at once, or after a wait.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The response.
    Done(Response),
    /// The request waits: advance the account and [`resume`] it.
    Wait(Wait),
}

/// A request that waits for the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    /// What it waits for.
    pub kind: WaitKind,
    /// The request id its response will carry.
    pub request_id: String,
}

/// What a waiting request waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitKind {
    /// `StartSyncExecution`: the execution's end.
    Execution {
        /// The execution.
        arn: String,
        /// `includedData: METADATA_ONLY`.
        metadata_only: bool,
    },
    /// `GetActivityTask`: a task of the activity, or the end of the long poll.
    ActivityTask {
        /// The activity and the worker.
        input: ActivityInput,
        /// When the poll gives up and answers with no task (wall-clock epoch ms).
        deadline: i64,
    },
}

impl Wait {
    /// The wall-clock time (epoch ms) at which [`resume`] answers even if nothing happened.
    pub fn deadline(&self) -> Option<i64> {
        match &self.kind {
            WaitKind::Execution { .. } => None,
            WaitKind::ActivityTask { deadline, .. } => Some(*deadline),
        }
    }

    /// The execution it waits for, if it waits for one.
    pub fn execution(&self) -> Option<&str> {
        match &self.kind {
            WaitKind::Execution { arn, .. } => Some(arn),
            WaitKind::ActivityTask { .. } => None,
        }
    }
}

/// What an operation gives back before it becomes a response.
pub(crate) enum Outcome {
    /// The output (epoch-ms dates; `null`: an empty body).
    Output(Value),
    /// Wait for this.
    Wait(WaitKind),
}

/// One request: `target` is the `X-Amz-Target` header (`AWSStepFunctions.StartExecution`,
/// `Logs_20140328.GetLogEvents`), `body` the JSON body, `now` the account's time for the request
/// (epoch ms; the virtual clock's time, or the wall clock's) and `wall` the wall clock (epoch ms),
/// which long polls count from.
pub fn handle(sim: &mut Simulator, target: Option<&str>, body: &[u8], now: i64, wall: i64) -> Reply {
    let request_id = sim.next_request_id();
    let target = target.unwrap_or("");
    let (service, op) = match target.split_once('.') {
        Some(("AWSStepFunctions", op)) => (Service::StepFunctions, op),
        Some(("Logs_20140328", op)) => (Service::Logs, op),
        _ => {
            let e = ApiError::new(
                ApiErrorKind::UnknownOperationException,
                format!(
                    "asl-sim serves Step Functions (X-Amz-Target: AWSStepFunctions.<Operation>) and CloudWatch Logs \
                     (Logs_20140328.<Operation>), not '{target}'"
                ),
            );
            return Reply::Done(wire::failure(Service::StepFunctions, &request_id, &e));
        }
    };
    let outcome = parse_body(body).and_then(|value| match service {
        Service::StepFunctions => sfn::call(sim, op, &value, now, wall),
        Service::Logs => logs::call(sim, op, &value, now),
    });
    match outcome {
        Ok(Outcome::Output(v)) => Reply::Done(wire::success(service, &request_id, v)),
        Ok(Outcome::Wait(kind)) => {
            let wait = Wait { kind, request_id };
            match resume(sim, &wait, now, wall) {
                Some(r) => Reply::Done(r),
                None => Reply::Wait(wait),
            }
        }
        Err(e) => Reply::Done(wire::failure(service, &request_id, &e)),
    }
}

/// A waiting request's response, if it is ready: its execution ended, its activity has a task,
/// or its long poll is over (`wall` past the deadline).
pub fn resume(sim: &mut Simulator, wait: &Wait, now: i64, wall: i64) -> Option<Response> {
    let service = Service::StepFunctions;
    let result = match &wait.kind {
        WaitKind::Execution { arn, metadata_only } => {
            if sim.status(arn) == Some(crate::exec::Status::Running) {
                return None;
            }
            sim.sync_output(arn, *metadata_only)
        }
        WaitKind::ActivityTask { input, deadline } => match sim.get_activity_task(input, now) {
            Ok(Some(task)) => Ok(task),
            Ok(None) if wall >= *deadline => Ok(serde_json::json!({})),
            Ok(None) => return None,
            Err(e) => Err(e),
        },
    };
    Some(match result {
        Ok(v) => wire::success(service, &wait.request_id, v),
        Err(e) => wire::failure(service, &wait.request_id, &e),
    })
}

/// How long a `GetActivityTask` waits for a task, at most (AWS: 60 seconds).
pub const fn activity_poll_ms() -> i64 {
    ACTIVITY_POLL_MS
}

/// The body as JSON: an empty body is `{}`; anything but a JSON object is a
/// `SerializationException`, as AWS answers.
fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(ApiErrorKind::SerializationException, format!("The request body is not valid JSON: {e}"))
    })?;
    if !v.is_object() {
        return Err(ApiError::new(ApiErrorKind::SerializationException, "The request body must be a JSON object"));
    }
    Ok(v)
}

/// Checks a body against an operation's shape; `invalid` is the error kind of a constraint
/// failure (`ValidationException`, or CloudWatch Logs' `InvalidParameterException`).
pub(crate) fn check(shape: &validate::Shape, body: &Value, invalid: ApiErrorKind) -> Result<(), ApiError> {
    validate::check(shape, body).map_err(|e| match e {
        validate::Invalid::Serialization(m) => ApiError::new(ApiErrorKind::SerializationException, m),
        constraints => ApiError::new(invalid, constraints.message()),
    })
}

/// The body as an operation's request type (already checked against its shape).
pub(crate) fn request<T: crate::simulator::FromJson>(body: &Value) -> Result<T, ApiError> {
    T::from_json(body)
        .map_err(|e| ApiError::new(ApiErrorKind::SerializationException, format!("Cannot read the request: {e}")))
}

#[cfg(test)]
mod tests;
