//! Executions as the API lists and redrives them: `ListExecutions` (by machine, version or alias,
//! with its status and redrive filters, newest first) and `RedriveExecution`.

use serde_json::{json, Map, Value};

use super::arn;
use super::{ApiError, ApiErrorKind, ExecEntry, Simulator};
use crate::exec::{MachineType, Status};

/// `ListExecutions`' request.
#[derive(Debug, Clone, Default)]
pub struct ListExecutionsInput {
    /// The machine, version or alias whose executions to list.
    pub state_machine_arn: Option<String>,
    /// Only executions with this status.
    pub status_filter: Option<String>,
    /// 0 to 1000; 0 or absent: 100.
    pub max_results: Option<i64>,
    /// The `nextToken` of the previous page.
    pub next_token: Option<String>,
    /// A Map Run's child executions (refused: its items run inside the parent execution here).
    pub map_run_arn: Option<String>,
    /// `REDRIVEN` or `NOT_REDRIVEN`.
    pub redrive_filter: Option<String>,
}

/// `RedriveExecution`'s request.
#[derive(Debug, Clone, Default)]
pub struct RedriveExecutionInput {
    /// The execution.
    pub execution_arn: String,
    /// An idempotency token (accepted; each call redrives at most once anyway).
    pub client_token: Option<String>,
}

/// AWS answers Step Functions calls about Express executions (describe, stop, history) with this.
pub(crate) fn check_standard_execution(execution_arn: &str) -> Result<(), ApiError> {
    arn::parse(execution_arn, &["execution"]).map(|_| ())
}

impl Simulator {
    /// `ListExecutions`: `{executions: [...], nextToken?}`, newest first. Express machines keep no
    /// executions to list (`StateMachineTypeNotSupported`, as on AWS).
    pub fn list_executions(&self, input: &ListExecutionsInput) -> Result<Value, ApiError> {
        if input.map_run_arn.is_some() {
            return Err(ApiError::validation(
                "asl-sim runs a Distributed Map's items inside its execution, with no child executions to list: \
                 ListExecutions with mapRunArn is not supported (use DescribeMapRun for its counts)",
            ));
        }
        let Some(target) = input.state_machine_arn.as_deref() else {
            return Err(ApiError::validation("Must specify either a state machine ARN or a map run ARN"));
        };
        let parsed = arn::parse(target, &["stateMachine"])?;
        let base = match parsed.rest.as_slice() {
            [_, q] => &target[..target.len() - q.len() - 1],
            _ => target,
        };
        let missing = || {
            ApiError::new(ApiErrorKind::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{target}'"))
        };
        let machine = self.machines.get(base).ok_or_else(missing)?;
        if machine.machine_type == MachineType::Express {
            return Err(ApiError::new(
                ApiErrorKind::StateMachineTypeNotSupported,
                "This operation is not supported by this type of state machine",
            ));
        }
        let after = arn::read_token("ListExecutions", input.next_token.as_deref())?;
        let status = input.status_filter.as_deref();
        let redriven = input.redrive_filter.as_deref().map(|f| f == "REDRIVEN");
        let mut items: Vec<&ExecEntry> = self
            .executions
            .values()
            .filter(|e| e.machine_arn == base)
            .filter(|e| {
                target == base
                    || e.meta.version_arn.as_deref() == Some(target)
                    || e.meta.alias_arn.as_deref() == Some(target)
            })
            .filter(|e| status.map_or(true, |s| e.exec.status().as_str() == s))
            .filter(|e| redriven.map_or(true, |r| (e.exec.redrive_count() > 0) == r))
            .collect();
        crate::sort::sort_by_key(&mut items, |e| std::cmp::Reverse(e.seq));
        let size = arn::page_size(input.max_results);
        let (page, next) = arn::page("ListExecutions", items, |e| e.seq.to_string(), after, size);
        let list: Vec<Value> = page.iter().map(|e| list_item(e)).collect();
        let mut out = json!({"executions": list});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    /// `RedriveExecution`: a `FAILED`, `TIMED_OUT` or `ABORTED` Standard execution runs again from
    /// the state that did not succeed; `{redriveDate}`.
    pub fn redrive_execution(&mut self, input: &RedriveExecutionInput, now: i64) -> Result<Value, ApiError> {
        self.set_now(now);
        let exec_arn = input.execution_arn.as_str();
        check_standard_execution(exec_arn)?;
        let now = now.max(self.now);
        let e = self.executions.get_mut(exec_arn).ok_or_else(|| super::does_not_exist(exec_arn))?;
        e.exec.redrive(now).map_err(|reason| {
            ApiError::new(ApiErrorKind::ExecutionNotRedrivable, format!("Execution Not Redrivable: '{reason}'"))
        })?;
        e.meta.redrive_date = Some(now);
        e.ready = true;
        e.wake_at = None;
        let seq = e.seq;
        self.running.insert(seq, exec_arn.to_string());
        self.settle(exec_arn);
        Ok(json!({"redriveDate": now}))
    }
}

/// An execution in `ListExecutions`.
fn list_item(e: &ExecEntry) -> Value {
    let cfg = e.exec.config();
    let mut m = Map::new();
    m.insert("executionArn".into(), json!(cfg.identity.execution_arn));
    m.insert("stateMachineArn".into(), json!(e.machine_arn));
    m.insert("name".into(), json!(cfg.identity.execution_name));
    m.insert("status".into(), json!(e.exec.status().as_str()));
    m.insert("startDate".into(), json!(cfg.start_time));
    if e.exec.status() != Status::Running {
        m.insert("stopDate".into(), json!(super::responses::stop_time(&e.exec)));
    }
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
    Value::Object(m)
}
