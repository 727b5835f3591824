//! The API's response shapes built from the account's executions: `StartExecution`,
//! `StartSyncExecution`, `DescribeExecution`, `GetExecutionHistory`, and the Lambda Invoke response
//! that wraps a handler's payload.

use serde_json::{json, Map, Value};

use super::{ApiError, ApiErrorKind, ExecEntry, ExecutionInput, GetExecutionHistoryInput, Simulator};
use crate::exec::{Execution, MachineType, Status, TaskId};
use crate::history::{self, Event};

impl Simulator {
    /// `StartExecution`'s response for a started execution: `{executionArn, startDate}`.
    pub fn start_output(&self, exec_arn: &str) -> Result<Value, ApiError> {
        let e = self.entry(exec_arn)?;
        Ok(json!({"executionArn": exec_arn, "startDate": e.exec.config().start_time}))
    }

    /// `StartSyncExecution`'s response for an ended execution (also what `onDone` receives):
    /// `executionArn`, `stateMachineArn`, `name`, `startDate`, `stopDate`, `status`, `input`,
    /// `inputDetails`, `output`/`outputDetails` (succeeded), `error`/`cause` (failed) and
    /// `billingDetails` (Express only, as AWS bills Express: duration rounded up to 100 ms, at
    /// least 100, and memory in 64 MB steps; Standard executions are billed per state transition).
    /// `metadata_only` (`includedData: METADATA_ONLY`) leaves out the input and output.
    pub fn sync_output(&self, exec_arn: &str, metadata_only: bool) -> Result<Value, ApiError> {
        let e = self.entry(exec_arn)?;
        let mut m = self.execution_fields(e, metadata_only);
        let cfg = e.exec.config();
        if e.machine_type == MachineType::Express {
            m.insert("billingDetails".into(), billing(cfg.start_time, stop_time(&e.exec)));
        }
        Ok(Value::Object(m))
    }

    /// `DescribeExecution` (AWS offers it for Standard executions; the simulator for Express too).
    pub fn describe_execution(&self, input: &ExecutionInput) -> Result<Value, ApiError> {
        let e = self.entry(&input.execution_arn)?;
        let metadata_only = input.included_data.as_deref() == Some("METADATA_ONLY");
        let mut m = self.execution_fields(e, metadata_only);
        if let Some(v) = &e.meta.version_arn {
            m.insert("stateMachineVersionArn".into(), json!(v));
        }
        if let Some(a) = &e.meta.alias_arn {
            m.insert("stateMachineAliasArn".into(), json!(a));
        }
        m.insert("redriveCount".into(), json!(e.exec.redrive_count()));
        if let Some(d) = e.meta.redrive_date {
            m.insert("redriveDate".into(), json!(d));
        }
        match e.exec.not_redrivable() {
            None => {
                m.insert("redriveStatus".into(), json!("REDRIVABLE"));
            }
            Some(reason) => {
                m.insert("redriveStatus".into(), json!("NOT_REDRIVABLE"));
                m.insert("redriveStatusReason".into(), json!(reason));
            }
        }
        Ok(Value::Object(m))
    }

    fn execution_fields(&self, e: &ExecEntry, metadata_only: bool) -> Map<String, Value> {
        let exec = &e.exec;
        let cfg = exec.config();
        let id = &cfg.identity;
        let mut m = Map::new();
        m.insert("executionArn".into(), json!(id.execution_arn));
        m.insert("stateMachineArn".into(), json!(e.machine_arn));
        m.insert("name".into(), json!(id.execution_name));
        m.insert("startDate".into(), json!(cfg.start_time));
        if exec.status() != Status::Running {
            m.insert("stopDate".into(), json!(stop_time(exec)));
        }
        m.insert("status".into(), json!(exec.status().as_str()));
        if !metadata_only {
            m.insert("input".into(), json!(exec.input_text()));
        }
        m.insert("inputDetails".into(), json!({"included": !metadata_only}));
        if let Some(out) = exec.output_text() {
            if !metadata_only {
                m.insert("output".into(), json!(out));
            }
            m.insert("outputDetails".into(), json!({"included": !metadata_only}));
        }
        // A Standard execution that timed out has no error or cause in DescribeExecution, as recorded
        // on AWS (issue 14); its ExecutionTimedOut event carries the error.
        let standard_timeout = exec.status() == Status::TimedOut && e.machine_type == MachineType::Standard;
        if let Some(f) = exec.failure().filter(|_| !standard_timeout) {
            if !f.error.is_empty() {
                m.insert("error".into(), json!(f.error));
            }
            if !f.cause.is_empty() {
                m.insert("cause".into(), json!(f.cause));
            }
        }
        m
    }

    /// `GetExecutionHistory`: `{events, nextToken?}`, AWS's history events with `timestamp` in
    /// epoch ms. (AWS offers it for Standard executions; the simulator for Express too.)
    pub fn get_execution_history(&self, input: &GetExecutionHistoryInput) -> Result<Value, ApiError> {
        let e = self.entry(&input.execution_arn)?;
        if !self.keeps_history(e.machine_type) {
            // What AWS answers for every Express execution (recorded); the simulator keeps their
            // history unless `Budgets::express_history` is off.
            return Err(ApiError::new(
                ApiErrorKind::InvalidArn,
                "Invalid Arn: 'Resource type not valid in this context: express'",
            ));
        }
        let max = input.max_results.unwrap_or(100);
        if !(0..=1000).contains(&max) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy constraint: Member must \
                 have value less than or equal to 1000"
            )));
        }
        let max = if max == 0 { 100 } else { max as usize };
        let start = match &input.next_token {
            None => 0,
            Some(t) => t
                .strip_prefix("h/")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| ApiError::new(ApiErrorKind::InvalidToken, "Invalid Token: 'Invalid token'"))?,
        };
        let include_data = input.include_execution_data.unwrap_or(true);
        let page = |all: &[Event]| {
            let picked: Vec<Value> = if input.reverse_order.unwrap_or(false) {
                all.iter().rev().skip(start).take(max).map(|ev| history_event(ev, include_data)).collect()
            } else {
                all.iter().skip(start).take(max).map(|ev| history_event(ev, include_data)).collect()
            };
            let mut out = Map::new();
            out.insert("events".into(), Value::Array(picked));
            if start + max < all.len() {
                out.insert("nextToken".into(), json!(format!("h/{}", start + max)));
            }
            Value::Object(out)
        };
        if !e.exec.replays_history() {
            return Ok(page(e.exec.events()));
        }
        // Made again from the execution's tape, from where the last reading of it left off.
        let mut cache = self.replayed.borrow_mut();
        let earlier = cache.iter().position(|(arn, _)| *arn == input.execution_arn).map(|i| cache.remove(i).1);
        let replay = e.exec.replay(earlier).map_err(ApiError::validation)?;
        let out = replay.history(&e.exec).map(page).map_err(ApiError::validation);
        if cache.len() >= REPLAYS_KEPT {
            cache.remove(0);
        }
        cache.push((input.execution_arn.clone(), replay));
        out
    }
}

/// How many histories made again the account keeps for the next reading (of the executions read
/// last): a client that follows a few running executions at once reads each one's new events only.
pub const REPLAYS_KEPT: usize = 4;

/// A `GetExecutionHistory` event: `{timestamp (epoch ms), type, id, previousEventId, <key>EventDetails}`.
pub fn history_event(ev: &Event, include_data: bool) -> Value {
    let mut m = Map::new();
    m.insert("timestamp".into(), json!(ev.timestamp));
    m.insert("type".into(), json!(ev.kind));
    m.insert("id".into(), json!(ev.id));
    m.insert("previousEventId".into(), json!(ev.previous_event_id));
    if let Some((key, mut body)) = ev.details() {
        if let (false, Some(o)) = (include_data, body.as_object_mut()) {
            for k in ["input", "output"] {
                o.remove(k);
            }
        }
        m.insert(key.into(), body);
    }
    Value::Object(m)
}

/// ISO time of epoch ms (re-exported for the bindings).
pub fn iso(ms: i64) -> String {
    history::iso_millis(ms)
}
/// The response of `arn:aws:states:::lambda:invoke` around a function's payload, in the shape
/// AWS records (`ExecutedVersion`, `Payload`, `SdkHttpMetadata`, `SdkResponseMetadata`,
/// `StatusCode`), with a request id derived from the task id and an HTTP date from `now`.
pub fn lambda_invoke_response(payload: Value, task_id: TaskId, now: i64) -> Value {
    let request_id = format!("{:08x}-0000-4000-8000-{:012x}", task_id, task_id.wrapping_mul(0x9e37_79b9));
    let length = history::json_text(&payload).len().to_string();
    let date = crate::timefmt::http_date(now);
    let trace = format!("Root=1-{:08x}-{:024x};Parent={:016x};Sampled=0", now / 1000, task_id, task_id);
    json!({
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "X-Amz-Executed-Version": ["$LATEST"],
                "x-amzn-Remapped-Content-Length": ["0"],
                "Connection": ["keep-alive"],
                "x-amzn-RequestId": [request_id],
                "Content-Length": [length],
                "Date": [date],
                "X-Amzn-Trace-Id": [trace],
                "Content-Type": ["application/json"]
            },
            "HttpHeaders": {
                "Connection": "keep-alive",
                "Content-Length": length,
                "Content-Type": "application/json",
                "Date": date,
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-Remapped-Content-Length": "0",
                "x-amzn-RequestId": request_id,
                "X-Amzn-Trace-Id": trace
            },
            "HttpStatusCode": 200
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200
    })
}

/// The end time of an execution: its last event's.
pub fn stop_time(exec: &Execution) -> i64 {
    exec.last_event().1
}

/// Express billing: duration rounded up to 100 ms (at least 100), memory in 64 MB steps (at least 64).
pub fn billing(start: i64, stop: i64) -> Value {
    let ms = (stop - start).max(0) as u64;
    let billed = ms.div_ceil(100).max(1) * 100;
    json!({"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": billed})
}
