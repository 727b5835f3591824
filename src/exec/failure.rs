//! Failure handling: a [`Fault`] becomes the state's failure, then Retry (a delay and the state
//! again), Catch (its ResultPath and the catcher's `Next`), or the failure of the thread.

use serde_json::json;

use super::dataflow;
use super::{Execution, FrameId, Phase, Status};
use crate::error::{ErrorCode, ErrorName, Failure};
use crate::history;
use crate::model::{Kind, Retrier};

/// An error inside a state, before it becomes the state's failure.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A runtime problem: AWS prefixes the message with the state name and event id.
    Runtime(String),
    /// A JSONata evaluation error (`States.QueryEvaluationError`): prefixed like `Runtime`,
    /// recorded as an `EvaluationFailed` event, and catchable.
    Query(String),
    /// A failure with its final error and cause.
    Failure(Failure),
}

impl From<Failure> for Fault {
    /// `States.Runtime` failures get AWS's prefix naming the state when they fail it.
    fn from(f: Failure) -> Self {
        if f.error.is(ErrorName::Runtime) {
            Fault::Runtime(f.cause)
        } else if f.error.is(ErrorName::QueryEvaluationError) {
            Fault::Query(f.cause)
        } else {
            Fault::Failure(f)
        }
    }
}

impl Execution {
    /// The final error of a fault in frame `f`'s state, and whether Retry and Catch may handle
    /// it; records `EvaluationFailed` for JSONata errors.
    pub(super) fn fault_failure(&mut self, f: FrameId, fault: Fault) -> (Failure, bool) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        match fault {
            Fault::Runtime(msg) => (
                Failure::new(
                    ErrorName::Runtime,
                    format!(
                        "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                        st.name, self.frames[f].entered_event, msg
                    ),
                ),
                false,
            ),
            Fault::Query(msg) => {
                let failure = Failure::new(
                    ErrorName::QueryEvaluationError,
                    format!(
                        "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                        st.name, self.frames[f].entered_event, msg
                    ),
                );
                let d = json!({"error": failure.error, "cause": failure.cause, "state": st.name});
                self.emit_frame(f, "EvaluationFailed", Some(("evaluationFailedEventDetails", d)));
                (failure, true)
            }
            Fault::Failure(fl) => {
                let catchable = !fl.error.is(ErrorName::Runtime);
                (fl, catchable)
            }
        }
    }

    /// A state failed: record the state's failure event, then Retry, Catch, or fail the thread.
    pub(super) fn state_failed(&mut self, f: FrameId, fault: Fault) {
        if self.status != Status::Running || self.frames[f].phase == Phase::Dead {
            return;
        }
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let (failure, catchable) = self.fault_failure(f, fault);
        if catchable {
            if let Some(delay) = self.retry_delay(f, &st.retry, &failure.error) {
                self.frames[f].phase = Phase::Blocked;
                let at = self.now.saturating_add(delay);
                self.add_timer(at, f);
                return;
            }
            self.emit_state_failed(f);
            if let Some((ci, c)) =
                st.catch.iter().enumerate().find(|(_, c)| error_matches(&c.error_equals, &failure.error))
            {
                let raw = std::mem::take(&mut self.frames[f].input);
                match self.with_flow(f, st, |env| dataflow::catch_output(st, ci, raw, &failure, env)) {
                    Ok(out) => {
                        let d = history::state_exited(&st.name, &out);
                        self.emit_frame(f, st.kind.exited_event(), d);
                        self.goto(f, c.next, out);
                    }
                    Err(fault) => {
                        // A failing catcher is not caught again: the state fails.
                        let (failure, _) = self.fault_failure(f, fault);
                        self.thread_failed(f, failure);
                    }
                }
                return;
            }
        }
        self.thread_failed(f, failure);
    }

    /// `MapStateFailed` / `ParallelStateFailed` (and a Distributed Map's `MapRunFailed`) when the state gives up.
    pub(super) fn emit_state_failed(&mut self, f: FrameId) {
        match self.state(f).kind {
            Kind::Map(ref spec) => {
                if spec.distributed && self.frames[f].map_run_started {
                    self.frames[f].map_run_started = false;
                    self.emit_frame(f, "MapRunFailed", None);
                }
                self.emit_frame(f, "MapStateFailed", None);
            }
            Kind::Parallel { .. } => {
                self.emit_frame(f, "ParallelStateFailed", None);
            }
            _ => {}
        }
    }

    pub(super) fn retry_delay(&mut self, f: FrameId, retry: &[Retrier], error: &ErrorCode) -> Option<i64> {
        let (i, r) = retry.iter().enumerate().find(|(_, r)| error_matches(&r.error_equals, error))?;
        let counts = &mut self.frames[f].retry_counts;
        if counts.len() < retry.len() {
            counts.resize(retry.len(), 0);
        }
        let attempt = counts[i];
        if attempt >= r.max_attempts {
            return None;
        }
        counts[i] += 1;
        let mut secs = r.interval_seconds * r.backoff_rate.powi(attempt as i32);
        if let Some(max) = r.max_delay_seconds {
            secs = secs.min(max);
        }
        if r.jitter_full {
            secs *= self.rng.f64();
        }
        Some((secs * 1000.0).round().clamp(0.0, 1e15) as i64)
    }
}

/// True when `ErrorEquals` names this error. `States.ALL` matches everything but `States.Runtime`;
/// it does catch `States.DataLimitExceeded` from a task, as recorded on AWS
/// (conformance case `test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response`).
pub fn error_matches(error_equals: &[String], error: &ErrorCode) -> bool {
    error_equals.iter().any(|e| match ErrorName::parse(e) {
        Some(ErrorName::All) => !error.is(ErrorName::Runtime),
        // "States.TaskFailed ... acts as a wildcard that matches any known error name except
        // for States.Timeout" (AWS developer guide, concepts-error-handling).
        Some(ErrorName::TaskFailed) => !error.is(ErrorName::Timeout) && !error.is(ErrorName::Runtime),
        _ => error == e.as_str(),
    })
}
