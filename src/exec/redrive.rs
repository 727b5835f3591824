//! Inputs from outside besides task answers: `RedriveExecution` (a failed Standard execution
//! starts again from the state where it stopped) and an activity worker taking its task.
//!
//! Redrive, as AWS describes it (developer guide, "Redriving executions"): a Standard execution
//! that ended `FAILED`, `TIMED_OUT` or `ABORTED` resumes from the state that did not succeed, with
//! the input that state received; the history goes on with `ExecutionRedriven`, retry counts start
//! again, and `$$.Execution.RedriveCount` and the log records' `redrive_count` count the redrives.
//! Here a Parallel or Map state that did not succeed runs again with all its branches or items.

use serde_json::json;

use super::{Execution, MachineType, Phase, Status, TaskId, Timer, MAX_STANDARD_EVENTS};

/// Why an execution cannot be redriven (AWS's `redriveStatusReason`).
fn not_redrivable_reason(status: Status, machine_type: MachineType, events: u64) -> Option<String> {
    if machine_type == MachineType::Express {
        return Some("Express executions cannot be redriven".into());
    }
    match status {
        Status::Failed | Status::TimedOut | Status::Aborted if events >= MAX_STANDARD_EVENTS - 1 => {
            Some("Execution has reached the maximum number of history events and cannot be redriven".into())
        }
        Status::Failed | Status::TimedOut | Status::Aborted => None,
        other => Some(format!("Execution is {} and cannot be redriven", other.as_str())),
    }
}

impl Execution {
    /// How many times `RedriveExecution` restarted the execution.
    pub fn redrive_count(&self) -> u32 {
        self.redrive_count
    }

    /// Why the execution cannot be redriven now, or `None` when it can.
    pub fn not_redrivable(&self) -> Option<String> {
        not_redrivable_reason(self.status, self.config.machine_type, self.last_event.0)
    }

    /// `RedriveExecution`: records `ExecutionRedriven` and enters again the top-level state that
    /// failed, timed out or was stopped, with the input it had. Returns AWS's reason when the
    /// execution cannot be redriven.
    pub fn redrive(&mut self, now: i64) -> Result<(), String> {
        if let Some(t) = &mut self.tape {
            t.redrive(now);
        }
        if let Some(reason) = self.not_redrivable() {
            return Err(reason);
        }
        if now > self.now {
            self.now = now;
        }
        // Whatever still waited (tasks, timers, branches) belongs to the run that ended.
        self.tasks.clear();
        self.outgoing.clear();
        self.runnable.clear();
        self.timers.clear();
        for fr in self.frames.iter_mut().skip(1) {
            fr.phase = Phase::Dead;
        }
        for j in self.joins.iter_mut() {
            j.done = true;
        }
        self.redrive_count += 1;
        self.status = Status::Running;
        self.failure = None;
        self.output = None;
        self.output_value = std::cell::OnceCell::new();
        let prev = self.last_event.0;
        let details = json!({"redriveCount": self.redrive_count});
        let id = self.emit(prev, "ExecutionRedriven", Some(("executionRedrivenEventDetails", details)));
        let Some(top) = self.frames.first_mut() else { return Ok(()) };
        let timeout = match (top.machine.timeout_seconds, self.config.timeout_seconds) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        top.phase = Phase::Enter;
        top.last_event = id;
        top.join = None;
        top.task = None;
        top.task_token = None;
        top.input_text = None;
        top.input_parts = None;
        top.map_run_started = false;
        top.retry_counts.clear();
        self.runnable.push_back(0);
        if let Some(s) = timeout {
            let deadline = self.now.saturating_add((s as i64).saturating_mul(1000));
            self.timers.insert((deadline, 0), Timer::Execution);
        }
        Ok(())
    }

    /// Whether the task `id` was handed out and is still waiting for its answer.
    pub fn pending_task(&self, id: TaskId) -> bool {
        self.tasks.get(&id).is_some_and(|t| self.frames.get(t.frame).is_some_and(|f| f.task == Some(id)))
    }

    /// An activity worker took the task (`GetActivityTask`): records `ActivityStarted` with the
    /// worker's name, and its `HeartbeatSeconds` start from now. False when no such task waits.
    pub fn activity_started(&mut self, id: TaskId, worker_name: Option<&str>, now: i64) -> bool {
        if let Some(t) = &mut self.tape {
            t.activity_started(id, worker_name, now);
        }
        if self.status != Status::Running || !self.tasks.contains_key(&id) {
            return false;
        }
        if now > self.now {
            self.now = now;
        }
        let Some(f) = self.tasks.get(&id).map(|t| t.frame) else { return false };
        let details = match worker_name {
            Some(w) => json!({"workerName": w}),
            None => json!({}),
        };
        self.emit_frame(f, "ActivityStarted", Some(("activityStartedEventDetails", details)));
        self.heartbeat(id, now);
        true
    }
}
