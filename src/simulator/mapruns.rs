//! Map Runs of Distributed Map states: `DescribeMapRun`, `ListMapRuns`, `UpdateMapRun`.
//!
//! Each item of a Distributed Map runs inside its execution here (its events stay out of the
//! history, as a child execution's would), so the item counts and the child-execution counts
//! are the same.

use serde_json::{json, Map, Value};

use super::arn;
use super::{ApiError, ApiErrorKind, ExecEntry, Simulator};
use crate::exec::{MapRunInfo, MapRunStatus};

/// `DescribeMapRun`'s and `UpdateMapRun`'s request.
#[derive(Debug, Clone, Default)]
pub struct MapRunInput {
    /// `arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>`.
    pub map_run_arn: String,
    /// Update: the new `MaxConcurrency` (0: as many as possible).
    pub max_concurrency: Option<i64>,
    /// Update: the new `ToleratedFailurePercentage`.
    pub tolerated_failure_percentage: Option<f64>,
    /// Update: the new `ToleratedFailureCount`.
    pub tolerated_failure_count: Option<i64>,
}

/// `ListMapRuns`' request.
#[derive(Debug, Clone, Default)]
pub struct ListMapRunsInput {
    /// The execution whose Map Runs to list.
    pub execution_arn: String,
    /// 0 to 1000; 0 or absent: 100.
    pub max_results: Option<i64>,
    /// The `nextToken` of the previous page.
    pub next_token: Option<String>,
}

fn no_run(arn: &str) -> ApiError {
    ApiError::new(ApiErrorKind::ResourceNotFound, format!("Resource not found: '{arn}'"))
}

impl Simulator {
    /// The execution holding a Map Run, and the run.
    fn find_map_run(&self, run_arn: &str) -> Result<(&ExecEntry, MapRunInfo), ApiError> {
        let parsed = arn::parse(run_arn, &["mapRun"])?;
        let machine = parsed.rest.first().and_then(|r| r.split('/').next()).unwrap_or_default();
        self.executions
            .values()
            .filter(|e| e.exec.config().identity.state_machine_name == machine)
            .find_map(|e| e.exec.map_runs().into_iter().find(|r| r.arn == run_arn).map(|r| (e, r)))
            .ok_or_else(|| no_run(run_arn))
    }

    /// `DescribeMapRun`, with the members AWS was recorded answering.
    pub fn describe_map_run(&self, run_arn: &str) -> Result<Value, ApiError> {
        let (e, r) = self.find_map_run(run_arn)?;
        let counts = json!({
            "pending": r.pending, "running": r.running, "succeeded": r.succeeded, "failed": r.failed,
            "timedOut": 0, "aborted": r.aborted, "total": r.total,
            "resultsWritten": if r.status == MapRunStatus::Running { 0 } else { r.succeeded + r.failed },
        });
        let mut m = Map::new();
        m.insert("mapRunArn".into(), json!(r.arn));
        m.insert("executionArn".into(), json!(e.exec.config().identity.execution_arn));
        m.insert("status".into(), json!(r.status.as_str()));
        m.insert("startDate".into(), json!(r.start));
        if let Some(stop) = r.stop {
            m.insert("stopDate".into(), json!(stop));
        }
        m.insert("maxConcurrency".into(), json!(r.max_concurrency));
        m.insert("toleratedFailurePercentage".into(), json!(r.tolerated_failure_percentage));
        m.insert("toleratedFailureCount".into(), json!(r.tolerated_failure_count));
        m.insert("itemCounts".into(), counts.clone());
        m.insert("executionCounts".into(), counts);
        Ok(Value::Object(m))
    }

    /// `ListMapRuns`: the execution's Map Runs in the order they started.
    pub fn list_map_runs(&self, input: &ListMapRunsInput) -> Result<Value, ApiError> {
        arn::parse(&input.execution_arn, &["execution"])?;
        let e = self.entry(&input.execution_arn)?;
        let after = arn::read_token("ListMapRuns", input.next_token.as_deref())?;
        let size = arn::page_size(input.max_results);
        let (page, next) = arn::page("ListMapRuns", e.exec.map_runs(), |r| r.arn.clone(), after, size);
        let list: Vec<Value> = page
            .iter()
            .map(|r| {
                // The child executions' machine: `...:stateMachine:<machine>/<label>`.
                let label = r.arn.split(":mapRun:").nth(1).and_then(|s| s.rsplit_once(':')).map_or("", |p| p.0);
                let machine = e.machine_arn.rsplit_once(":stateMachine:").map_or("", |p| p.0);
                let mut m = json!({"executionArn": input.execution_arn, "mapRunArn": r.arn,
                    "stateMachineArn": format!("{machine}:stateMachine:{label}"), "startDate": r.start});
                if let Some(stop) = r.stop {
                    m["stopDate"] = json!(stop);
                }
                m
            })
            .collect();
        let mut out = json!({"mapRuns": list});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    /// `UpdateMapRun`: a running Map Run's `MaxConcurrency` and failure tolerance.
    pub fn update_map_run(&mut self, input: &MapRunInput) -> Result<Value, ApiError> {
        if input.max_concurrency.is_none()
            && input.tolerated_failure_percentage.is_none()
            && input.tolerated_failure_count.is_none()
        {
            return Err(ApiError::validation(
                "At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified",
            ));
        }
        let exec_arn = self.find_map_run(&input.map_run_arn)?.0.exec.config().identity.execution_arn.clone();
        let now = self.now;
        let Some(e) = self.executions.get_mut(&exec_arn) else { return Err(no_run(&input.map_run_arn)) };
        e.exec.update_map_run(
            &input.map_run_arn,
            input.max_concurrency.map(|m| m.max(0) as usize),
            input.tolerated_failure_count.map(|c| c.max(0) as u64),
            input.tolerated_failure_percentage,
        );
        e.ready = true;
        let _ = now;
        self.settle(&exec_arn);
        Ok(json!({}))
    }
}
