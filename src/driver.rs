//! A driver on the virtual clock: runs an [`Execution`] to its end, answering tasks from a
//! handler or a mock config, and builds AWS's `StartSyncExecution` response.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::error::{ErrorName, Failure};
use crate::exec::{Config, Execution, Poll, Status, TaskRequest};
use crate::history;
use crate::mock::{MockConfig, Mocked};
use crate::model::{self, Machine};

/// A loaded state machine: its definition and model.
#[derive(Debug, Clone)]
pub struct StateMachine {
    pub definition: Value,
    pub machine: Arc<Machine>,
}

impl StateMachine {
    /// Loads a definition from its JSON value.
    pub fn load(definition: &Value) -> Result<StateMachine, String> {
        let machine = model::load(definition)?;
        Ok(StateMachine { definition: definition.clone(), machine: Arc::new(machine) })
    }
}

/// A task handler: the answer to a request, or `None` to pass it on (to the mocks).
pub type Handler<'a> = &'a mut dyn FnMut(&TaskRequest) -> Option<Result<Value, Failure>>;

/// Answers tasks: a handler, a mock config test case, or a clear failure.
pub struct TaskAnswers<'a> {
    handler: Option<Handler<'a>>,
    mocks: Option<(&'a MockConfig, HashMap<String, String>)>,
    invocations: HashMap<String, u64>,
}

impl<'a> TaskAnswers<'a> {
    /// No handler and no mocks: every task fails.
    pub fn none() -> Self {
        TaskAnswers { handler: None, mocks: None, invocations: HashMap::new() }
    }

    /// Tasks go to this handler first (it returns `None` to pass a task on).
    pub fn with_handler(mut self, h: Handler<'a>) -> Self {
        self.handler = Some(h);
        self
    }

    /// Tasks without a handler answer come from this mock config test case.
    pub fn with_mocks(mut self, cfg: &'a MockConfig, case: HashMap<String, String>) -> Self {
        self.mocks = Some((cfg, case));
        self
    }

    /// The answer to one task request.
    pub fn answer(&mut self, req: &TaskRequest) -> Result<Value, Failure> {
        let n = self.invocations.entry(req.state_name.clone()).or_insert(0);
        let invocation = *n;
        *n += 1;
        if let Some(h) = self.handler.as_mut() {
            if let Some(r) = h(req) {
                // A handler answers with the function's payload; `lambda:invoke` wraps it in
                // the Invoke response as AWS does (mocks give the whole response already).
                return r.map(|payload| {
                    if req.resource.starts_with("arn:aws:states:::lambda:invoke") {
                        lambda_invoke_response(payload, req.id, req.timestamp)
                    } else {
                        payload
                    }
                });
            }
        }
        if let Some((cfg, case)) = &self.mocks {
            match cfg.answer(case, &req.state_name, invocation) {
                Some(Mocked::Return(v)) => return Ok(v.clone()),
                Some(Mocked::Throw(f)) => return Err(f.clone()),
                None if case.contains_key(&req.state_name) => {
                    return Err(Failure::new(
                        ErrorName::TaskFailed,
                        format!(
                            "The mock config has no response for invocation {invocation} of state '{}' (resource {}).",
                            req.state_name, req.resource
                        ),
                    ))
                }
                None => {}
            }
        }
        Err(Failure::new(
            ErrorName::TaskFailed,
            format!("No task handler or mocked response for state '{}' (resource {}).", req.state_name, req.resource),
        ))
    }
}

/// The response of `arn:aws:states:::lambda:invoke` around a function's payload, in the shape
/// AWS records (`ExecutedVersion`, `Payload`, `SdkHttpMetadata`, `SdkResponseMetadata`,
/// `StatusCode`), with a request id derived from the task id and an HTTP date from `now`.
pub fn lambda_invoke_response(payload: Value, task_id: u64, now: i64) -> Value {
    let request_id = format!("{:08x}-0000-4000-8000-{:012x}", task_id, task_id.wrapping_mul(0x9e37_79b9));
    let length = history::json_text(&payload).len().to_string();
    let date = chrono::DateTime::from_timestamp_millis(now)
        .map(|d| d.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default();
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

/// Runs an execution to its end on the virtual clock.
pub fn run_virtual(exec: &mut Execution, answers: &mut TaskAnswers<'_>) {
    let mut now = exec.now();
    loop {
        match exec.poll(now) {
            Poll::Task(req) => {
                let r = answers.answer(&req);
                exec.complete_task(req.id, r, now);
            }
            Poll::WakeAt(t) => now = t.max(now),
            Poll::Idle | Poll::Done => break,
        }
    }
}

/// Starts and runs an execution on the virtual clock.
pub fn run(sm: &StateMachine, input: Value, config: Config, answers: &mut TaskAnswers<'_>) -> Execution {
    let mut exec = Execution::new(sm.machine.clone(), input, config);
    run_virtual(&mut exec, answers);
    exec
}

/// The end time of an execution: its last event.
pub fn stop_time(exec: &Execution) -> i64 {
    exec.events().last().map_or(exec.config().start_time, |e| e.timestamp)
}

/// AWS's `StartSyncExecution` response (also the shape `DescribeExecution` mostly shares).
pub fn sync_response(exec: &Execution) -> Value {
    let cfg = exec.config();
    let id = &cfg.identity;
    let start = cfg.start_time;
    let stop = stop_time(exec);
    let mut m = Map::new();
    m.insert("executionArn".into(), json!(id.execution_arn));
    m.insert("stateMachineArn".into(), json!(id.state_machine_arn));
    m.insert("name".into(), json!(id.execution_name));
    m.insert("startDate".into(), json!(history::iso_millis(start)));
    if exec.status() != Status::Running {
        m.insert("stopDate".into(), json!(history::iso_millis(stop)));
    }
    m.insert("status".into(), json!(exec.status().as_str()));
    m.insert("input".into(), json!(history::json_text(exec.input())));
    m.insert("inputDetails".into(), json!({"included": true}));
    if let Some(out) = exec.output() {
        m.insert("output".into(), json!(history::json_text(out)));
        m.insert("outputDetails".into(), json!({"included": true}));
    }
    if let Some(f) = exec.failure() {
        if !f.error.is_empty() {
            m.insert("error".into(), json!(f.error));
        }
        if !f.cause.is_empty() {
            m.insert("cause".into(), json!(f.cause));
        }
    }
    m.insert("billingDetails".into(), billing(start, stop));
    Value::Object(m)
}

/// Express billing: duration rounded up to 100 ms (at least 100), memory in 64 MB steps (at least 64).
pub fn billing(start: i64, stop: i64) -> Value {
    let ms = (stop - start).max(0) as u64;
    let billed = ms.div_ceil(100).max(1) * 100;
    json!({"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": billed})
}
