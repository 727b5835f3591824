//! Recording history events: every event goes through `emit`, which also ends a Standard
//! execution whose history is full; and the events that end an execution.

use serde_json::{json, Map, Value};

use super::{Execution, FrameId, MachineType, Status, MAX_STANDARD_EVENTS};
use crate::error::{ErrorName, Failure};
use crate::history::{Body, Event};

impl Execution {
    pub(super) fn emit(&mut self, previous: u64, kind: &'static str, details: impl Into<Body>) -> u64 {
        let id = self.events.len() as u64 + 1;
        if id > MAX_STANDARD_EVENTS && self.config.machine_type == MachineType::Standard {
            // The history is full and the execution has failed: nothing more is recorded.
            return MAX_STANDARD_EVENTS;
        }
        self.events.push(Event { id, previous_event_id: previous, timestamp: self.now, kind, body: details.into() });
        if id == MAX_STANDARD_EVENTS - 1
            && self.config.machine_type == MachineType::Standard
            && !matches!(kind, "ExecutionSucceeded" | "ExecutionFailed" | "ExecutionTimedOut" | "ExecutionAborted")
        {
            // AWS ends a Standard execution whose history reaches 25,000 events: event 25,000 is
            // the failure, following the last real event (recorded on AWS; floci-io/floci#2734).
            let cause = format!("The execution reached the maximum number of history events ({MAX_STANDARD_EVENTS}).");
            let failure = Failure::new(ErrorName::Runtime, cause);
            let d = json!({"error": failure.error, "cause": failure.cause});
            self.events.push(Event {
                id: MAX_STANDARD_EVENTS,
                previous_event_id: id,
                timestamp: self.now,
                kind: "ExecutionFailed",
                body: Body::Json("executionFailedEventDetails", d),
            });
            self.status = Status::Failed;
            self.failure = Some(failure);
        }
        id
    }

    pub(super) fn emit_frame(&mut self, f: FrameId, kind: &'static str, details: impl Into<Body>) -> u64 {
        if self.frames[f].silent {
            // A Distributed Map's child executions keep their events out of the parent history.
            return self.frames[f].last_event;
        }
        let prev = self.frames[f].last_event;
        let id = self.emit(prev, kind, details);
        self.frames[f].last_event = id;
        id
    }

    pub(super) fn fail_execution_from(&mut self, f: FrameId, failure: Failure) {
        let mut d = Map::new();
        if !failure.error.is_empty() {
            d.insert("error".into(), json!(failure.error));
        }
        if !failure.cause.is_empty() {
            d.insert("cause".into(), json!(failure.cause));
        }
        self.emit_frame(f, "ExecutionFailed", Some(("executionFailedEventDetails", Value::Object(d))));
        self.status = Status::Failed;
        self.failure = Some(failure);
    }

    pub(super) fn fail_execution(&mut self, failure: Failure) {
        let prev = self.events.last().map_or(0, |e| e.id);
        let d = json!({"error": failure.error, "cause": failure.cause});
        self.emit(prev, "ExecutionFailed", Some(("executionFailedEventDetails", d)));
        self.status = Status::Failed;
        self.failure = Some(failure);
    }

    pub(super) fn time_out(&mut self) {
        let prev = self.events.last().map_or(0, |e| e.id);
        let failure = Failure::new(ErrorName::Timeout, "");
        let d = json!({"error": failure.error});
        self.emit(prev, "ExecutionTimedOut", Some(("executionTimedOutEventDetails", d)));
        self.status = Status::TimedOut;
        self.failure = Some(failure);
    }
}
