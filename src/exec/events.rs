//! Recording history events: every event goes through `emit`, which also ends a Standard
//! execution whose history is full; and the events that end an execution.

use serde_json::{json, Map, Value};

use super::{Execution, FrameId, HistoryMode, MachineType, Status, MAX_STANDARD_EVENTS};
use crate::error::{ErrorName, Failure};
use crate::history::{Body, Event};

impl Execution {
    pub(super) fn emit(&mut self, previous: u64, kind: &'static str, details: impl Into<Body>) -> u64 {
        self.record(previous, kind, details.into(), false)
    }

    /// Records an event; `shared`: its payload text is the previous event's (not counted again).
    fn record(&mut self, previous: u64, kind: &'static str, body: Body, shared: bool) -> u64 {
        if self.status != Status::Running {
            // The execution has ended (a limit cut it short): nothing more is recorded.
            return self.last_event.0;
        }
        let id = self.last_event.0 + 1;
        let standard = self.config.machine_type == MachineType::Standard;
        if id > MAX_STANDARD_EVENTS && standard {
            // The history is full and the execution has failed: nothing more is recorded.
            return MAX_STANDARD_EVENTS;
        }
        self.push(Event { id, previous_event_id: previous, timestamp: self.now, kind, body }, shared);
        let ending =
            || matches!(kind, "ExecutionSucceeded" | "ExecutionFailed" | "ExecutionTimedOut" | "ExecutionAborted");
        if id == MAX_STANDARD_EVENTS - 1 && standard && !ending() {
            // AWS ends a Standard execution whose history reaches 25,000 events: event 25,000 is
            // the failure, following the last real event (recorded on AWS; floci-io/floci#2734).
            let cause = format!("The execution reached the maximum number of history events ({MAX_STANDARD_EVENTS}).");
            self.end_failed(id, Failure::new(ErrorName::Runtime, cause));
        } else if self.history_bytes > self.config.max_history_bytes
            && self.config.history == HistoryMode::Keep
            && !ending()
        {
            let cause = super::budget::history_cause(self.config.max_history_bytes);
            self.end_failed(id, Failure::new(ErrorName::Runtime, cause));
        }
        id
    }

    fn push(&mut self, event: Event, shared: bool) {
        self.last_event = (event.id, event.timestamp);
        if self.config.history != HistoryMode::Discard {
            self.history_bytes = self.history_bytes.saturating_add(event.bytes(shared));
            self.events.push(event);
        }
    }

    /// Ends the execution at once with `ExecutionFailed` after event `previous` (a limit reached).
    fn end_failed(&mut self, previous: u64, failure: Failure) {
        let d = json!({"error": failure.error, "cause": failure.cause});
        let event = Event {
            id: previous + 1,
            previous_event_id: previous,
            timestamp: self.now,
            kind: "ExecutionFailed",
            body: Body::Json("executionFailedEventDetails", d),
        };
        self.push(event, false);
        self.status = Status::Failed;
        self.failure = Some(failure);
    }

    pub(super) fn emit_frame(&mut self, f: FrameId, kind: &'static str, details: impl Into<Body>) -> u64 {
        self.emit_frame_shared(f, kind, details.into(), false)
    }

    /// [`Execution::emit_frame`]; `shared`: the payload text is the previous exit event's.
    pub(super) fn emit_frame_shared(&mut self, f: FrameId, kind: &'static str, body: Body, shared: bool) -> u64 {
        if self.frames[f].silent {
            // A Distributed Map's child executions keep their events out of the parent history.
            return self.frames[f].last_event;
        }
        let prev = self.frames[f].last_event;
        let id = self.record(prev, kind, body, shared);
        self.frames[f].last_event = id;
        id
    }

    pub(super) fn fail_execution_from(&mut self, f: FrameId, failure: Failure) {
        if self.status != Status::Running {
            // A limit ended the execution while this state was working: that end stands.
            return;
        }
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
        if self.status != Status::Running {
            return;
        }
        let prev = self.last_event.0;
        let d = json!({"error": failure.error, "cause": failure.cause});
        self.emit(prev, "ExecutionFailed", Some(("executionFailedEventDetails", d)));
        self.status = Status::Failed;
        self.failure = Some(failure);
    }

    pub(super) fn time_out(&mut self) {
        if self.status != Status::Running {
            return;
        }
        let prev = self.last_event.0;
        let failure = Failure::new(ErrorName::Timeout, "");
        let d = json!({"error": failure.error});
        self.emit(prev, "ExecutionTimedOut", Some(("executionTimedOutEventDetails", d)));
        self.status = Status::TimedOut;
        self.failure = Some(failure);
    }
}
