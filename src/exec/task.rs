//! Task states: scheduling a task for the driver, recording its answer, its `TimeoutSeconds` and
//! `HeartbeatSeconds` timers; and the timers of Wait states and retry delays.

use serde_json::{json, Value};

use super::dataflow::{jsonata, path, text_of, Env};
use super::{Execution, Fault, FrameId, Phase, TaskRequest, Timer, MAX_PAYLOAD_BYTES};
use crate::error::{ErrorName, Failure};
use crate::history;
use crate::model::{parse_timestamp, Flow, JsonataFields, State, TaskSpec, WaitFor};

/// Which events a task records: AWS names them after the kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TaskKind {
    /// A service integration: `Task*` events.
    Service,
    /// A plain Lambda function ARN: `LambdaFunction*` events.
    Lambda,
    /// An activity ARN: `Activity*` events; a worker takes the task (`ActivityStarted`).
    Activity,
}

impl TaskKind {
    fn of(resource: &str) -> TaskKind {
        if is_plain_lambda(resource) {
            TaskKind::Lambda
        } else if is_activity(resource) {
            TaskKind::Activity
        } else {
            TaskKind::Service
        }
    }
}

/// A task handed to the driver and not answered yet.
#[derive(Debug)]
pub(super) struct PendingTask {
    /// The frame of the Task state.
    pub(super) frame: FrameId,
    /// Which events it records.
    pub(super) kind: TaskKind,
    resource: String,
    pub(super) heartbeat_ms: Option<i64>,
    /// Bumped by each heartbeat, so only the latest heartbeat timer counts.
    pub(super) heartbeat_seq: u64,
    /// A Distributed Map's reader or writer request, not a Task state's.
    pub(super) internal: bool,
}

impl PendingTask {
    /// A Distributed Map's reader or writer request of frame `f`.
    pub(super) fn internal(f: FrameId, resource: &str) -> PendingTask {
        PendingTask {
            frame: f,
            kind: TaskKind::Service,
            resource: resource.into(),
            heartbeat_ms: None,
            heartbeat_seq: 0,
            internal: true,
        }
    }
}

impl Execution {
    /// Records a task's answer and goes on: the state's result, or its failure.
    pub(super) fn task_answered(&mut self, f: FrameId, task: PendingTask, result: Result<Value, Failure>) {
        let (rtype, res) = resource_parts(&task.resource);
        match result {
            Ok(value) => {
                let size = payload_size(&value);
                if task.kind != TaskKind::Service {
                    let d = json!({"output": history::json_text(&value), "outputDetails": history::not_truncated()});
                    let (kind, key) = match task.kind {
                        TaskKind::Lambda => ("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails"),
                        _ => ("ActivitySucceeded", "activitySucceededEventDetails"),
                    };
                    self.emit_frame(f, kind, Some((key, d)));
                } else {
                    let d = json!({"resourceType": rtype, "resource": res, "output": history::json_text(&value),
                        "outputDetails": history::not_truncated()});
                    self.emit_frame(f, "TaskSucceeded", Some(("taskSucceededEventDetails", d)));
                }
                self.frames[f].phase = Phase::Run;
                if size > MAX_PAYLOAD_BYTES {
                    let fail = Failure::new(ErrorName::DataLimitExceeded, data_limit_cause(&task.resource));
                    self.state_failed(f, Fault::Failure(fail));
                    return;
                }
                self.finish_with_result(f, value);
            }
            Err(failure) => {
                // A timeout (TimeoutSeconds or HeartbeatSeconds) is recorded as TimedOut, not Failed.
                let timed_out = failure.error.is(ErrorName::Timeout) || failure.error.is(ErrorName::HeartbeatTimeout);
                if task.kind != TaskKind::Service {
                    let (kind, key) = match (task.kind, timed_out) {
                        (TaskKind::Lambda, true) => ("LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails"),
                        (TaskKind::Lambda, false) => ("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails"),
                        (_, true) => ("ActivityTimedOut", "activityTimedOutEventDetails"),
                        (_, false) => ("ActivityFailed", "activityFailedEventDetails"),
                    };
                    let d = history::failure_details(key, failure.error.as_str(), &failure.cause);
                    self.emit_frame(f, kind, Some(d));
                } else {
                    let (kind, key) = if timed_out {
                        ("TaskTimedOut", "taskTimedOutEventDetails")
                    } else {
                        ("TaskFailed", "taskFailedEventDetails")
                    };
                    let d =
                        json!({"resourceType": rtype, "resource": res, "error": failure.error, "cause": failure.cause});
                    self.emit_frame(f, kind, Some((key, d)));
                }
                self.frames[f].phase = Phase::Run;
                self.state_failed(f, Fault::Failure(failure));
            }
        }
    }

    /// Records the task's scheduling and asks the driver to run it.
    pub(super) fn schedule_task(
        &mut self,
        f: FrameId,
        state_name: &str,
        spec: &TaskSpec,
        params: Value,
        timeout: Option<f64>,
        heartbeat: Option<f64>,
    ) {
        // The input's text: its size is checked against 256 KiB, and the scheduling event shows it.
        let text = history::json_text(&params);
        if text.len() > MAX_PAYLOAD_BYTES {
            let cause = data_limit_input_cause(state_name);
            self.state_failed(f, Fault::Failure(Failure::new(ErrorName::DataLimitExceeded, cause)));
            return;
        }
        let id = self.next_task_id;
        self.next_task_id += 1;
        let kind = TaskKind::of(&spec.resource);
        let (rtype, res) = resource_parts(&spec.resource);
        let timeout_seconds = timeout.filter(|s| *s > 0.0);
        let heartbeat_seconds = heartbeat.filter(|s| *s > 0.0);
        if kind == TaskKind::Lambda {
            let d = json!({"resource": spec.resource, "input": text, "inputDetails": history::not_truncated()});
            self.emit_frame(f, "LambdaFunctionScheduled", Some(("lambdaFunctionScheduledEventDetails", d)));
            self.emit_frame(f, "LambdaFunctionStarted", None);
        } else if kind == TaskKind::Activity {
            // No ActivityStarted yet: a worker's GetActivityTask records it.
            let mut d = json!({"resource": spec.resource, "input": text, "inputDetails": history::not_truncated()});
            if let Some(t) = timeout_seconds {
                d["timeoutInSeconds"] = json!(t as i64);
            }
            if let Some(h) = heartbeat_seconds {
                d["heartbeatInSeconds"] = json!(h as i64);
            }
            self.emit_frame(f, "ActivityScheduled", Some(("activityScheduledEventDetails", d)));
        } else {
            let d = json!({"resourceType": rtype, "resource": res, "region": self.config.identity.region,
                "parameters": text});
            self.emit_frame(f, "TaskScheduled", Some(("taskScheduledEventDetails", d)));
            let d = json!({"resourceType": rtype, "resource": res});
            self.emit_frame(f, "TaskStarted", Some(("taskStartedEventDetails", d)));
        }
        if let Some(secs) = timeout_seconds {
            self.timer_seq += 1;
            let at = self.now.saturating_add((secs * 1000.0).min(1e15) as i64);
            self.timers.insert((at, self.timer_seq), Timer::TaskTimeout(id));
        }
        let heartbeat_ms = heartbeat_seconds.map(|s| (s * 1000.0).min(1e15) as i64);
        self.tasks.insert(
            id,
            PendingTask {
                frame: f,
                kind,
                resource: spec.resource.clone(),
                heartbeat_ms,
                heartbeat_seq: 0,
                internal: false,
            },
        );
        if let Some(hb) = heartbeat_ms {
            self.timer_seq += 1;
            self.timers.insert((self.now.saturating_add(hb), self.timer_seq), Timer::TaskHeartbeat(id, 0));
        }
        let fr = &mut self.frames[f];
        fr.phase = Phase::Blocked;
        fr.task = Some(id);
        let retry_count = fr.retry_counts.iter().sum();
        let task_token = fr.task_token.clone();
        self.outgoing.push_back(TaskRequest {
            id,
            state_name: state_name.to_string(),
            resource: spec.resource.clone(),
            input: params,
            retry_count,
            credentials: spec.credentials.clone(),
            task_token,
            timeout_seconds,
            heartbeat_seconds,
            timestamp: self.now,
            purpose: super::TaskPurpose::State,
        });
    }

    pub(super) fn add_timer(&mut self, at: i64, f: FrameId) {
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), Timer::Wake(f));
    }
}

pub(super) fn data_limit_cause(state: &str) -> String {
    format!(
        "The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."
    )
}
/// The cause of `States.DataLimitExceeded` for a Task whose input, after `Parameters` (or
/// `Arguments`), is over 256 KiB: the developer guide's error handling page lists the case ("When,
/// after Parameters processing, the input of a state is larger than the payload size quota"); no
/// recording gives AWS's text for it, so this follows its sentence for results.
fn data_limit_input_cause(state: &str) -> String {
    format!("The state/task '{state}' has an input with a size exceeding the maximum number of bytes service limit.")
}

/// The size in bytes of a value's JSON text.
pub fn payload_size(v: &Value) -> usize {
    crate::json_size::text_len(v)
}
/// A new task token when the resource waits for one: a callback (`.waitForTaskToken`), or an
/// activity, whose worker answers with the token `GetActivityTask` gave it.
pub(super) fn new_task_token(resource: &str, rng: &mut fastrand::Rng) -> Option<String> {
    (resource.ends_with(".waitForTaskToken") || is_activity(resource)).then(|| random_token(rng))
}

/// An activity ARN, `arn:<partition>:states:<region>:<account>:activity:<name>`.
pub fn is_activity(resource: &str) -> bool {
    let parts: Vec<&str> = resource.split(':').collect();
    parts.len() == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity" && !parts[6].is_empty()
}

/// A task token: 64 hex characters from the seeded source (AWS's are opaque strings).
pub(super) fn random_token(rng: &mut fastrand::Rng) -> String {
    (0..4).map(|_| format!("{:016x}", rng.u64(..))).collect()
}

/// Whether `text` has the form of the tokens [`random_token`] makes.
pub fn is_task_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A plain Lambda function ARN (not a service integration): AWS records `LambdaFunction*` events.
pub(super) fn is_plain_lambda(resource: &str) -> bool {
    resource.starts_with("arn:aws:lambda:") && resource.contains(":function:")
}

/// `resourceType` and `resource` of a service integration ARN, as task events show them:
/// `lambda` and `invoke`; for an SDK integration `aws-sdk:s3` and `listObjects` (recorded on AWS:
/// LocalStack snapshots test_aws_sdk_task_service, validated 2025-11).
pub(super) fn resource_parts(resource: &str) -> (String, String) {
    if let Some(rest) = crate::resource::integration(resource) {
        if let Some((svc, action)) = rest.strip_prefix("aws-sdk:").and_then(|r| r.split_once(':')) {
            return (format!("aws-sdk:{svc}"), action.to_string());
        }
        if let Some((svc, action)) = rest.split_once(':') {
            return (svc.to_string(), action.to_string());
        }
        return (rest.to_string(), String::new());
    }
    let parts: Vec<&str> = resource.split(':').collect();
    let svc = parts.get(2).copied().unwrap_or("");
    (svc.to_string(), resource.to_string())
}

/// When a Wait state's wait ends (epoch ms): `Seconds`, `Timestamp`, or their paths over the
/// effective input; or JSONata's `Seconds` / `Timestamp` over `$states`.
pub(super) fn wait_until(st: &State, input: &Value, env: &mut Env<'_>) -> Result<i64, Fault> {
    let now = env.now;
    let (fields, wait) = match &st.flow {
        Flow::Jsonata(j) => return jsonata_wait_until(j, input, env),
        Flow::JsonPath(p) => match &p.wait {
            Some(w) => (p, w),
            None => return Ok(now),
        },
    };
    let eff = path::input_path(fields, input, env)?;
    match wait {
        WaitFor::Seconds(s) => Ok(now.saturating_add(s.saturating_mul(1000))),
        WaitFor::Timestamp(t) => Ok(whole_seconds(*t)),
        WaitFor::SecondsPath(p) => {
            let v = path::select_opt(p, &eff, env)?.ok_or_else(|| {
                Fault::Runtime(format!("The SecondsPath parameter does not reference an input value: {}", p.text()))
            })?;
            let shown = history::json_text(&v);
            let n = match &v {
                Value::Number(n) if n.is_i64() => n.as_i64().unwrap_or(0),
                Value::Number(n) if n.is_u64() => i64::MAX,
                _ => {
                    return Err(Fault::Runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                        p.text(),
                        shown
                    )))
                }
            };
            if n < 0 {
                return Err(Fault::Runtime(format!(
                    "The SecondsPath parameter references a negative value: {} == {}",
                    p.text(),
                    shown
                )));
            }
            Ok(now.saturating_add(n.saturating_mul(1000)))
        }
        WaitFor::TimestampPath(p) => {
            let v = path::select_opt(p, &eff, env)?.ok_or_else(|| {
                Fault::Runtime(format!("The TimestampPath parameter does not reference an input value: {}", p.text()))
            })?;
            v.as_str().and_then(parse_timestamp).map(whole_seconds).ok_or_else(|| {
                Fault::Runtime(format!(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                    p.text(),
                    text_of(v)
                ))
            })
        }
    }
}

/// A Wait's timestamp to the second below: "if you specify the wait time as a timestamp, Step
/// Functions considers the time value up to seconds and truncates milliseconds" (the developer
/// guide's Wait state page).
fn whole_seconds(ms: i64) -> i64 {
    ms - ms.rem_euclid(1000)
}

/// A JSONata Wait state's end: `Seconds` (a non-negative integer) or `Timestamp`; now without either.
fn jsonata_wait_until(j: &JsonataFields, input: &Value, env: &mut Env<'_>) -> Result<i64, Fault> {
    let states = jsonata::states(input, env.context, &[]);
    if let Some(t) = &j.seconds {
        let v = jsonata::eval(t, &states, "Seconds", env)?;
        return match v.as_i64() {
            Some(n) if n >= 0 => Ok(env.now.saturating_add(n.saturating_mul(1000))),
            _ => Err(jsonata::unexpected_type(t, "Seconds", "integer", &v)),
        };
    }
    if let Some(t) = &j.timestamp {
        let v = jsonata::eval(t, &states, "Timestamp", env)?;
        return v.as_str().and_then(parse_timestamp).map(whole_seconds).ok_or_else(|| {
            Fault::Query(format!(
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                text_of(v)
            ))
        });
    }
    Ok(env.now)
}
