//! The simulator's budgets for one execution, beyond AWS's own limits: the causes of the
//! `States.Runtime` failures that end a run which exceeds one, each naming the budget and how to
//! raise it, and what an ended execution lets go of.

use serde_json::Value;

use super::{Execution, Phase};

/// The deepest a state's output may nest: writing, copying and dropping a JSON value recurse once
/// a level, on a stack of 1 MiB in wasm. (AWS's Jackson refuses documents nested past 1,000 levels.)
pub(super) const MAX_DEPTH: usize = 256;

/// Whether `v` nests deeper than `max` levels; a walk with its own stack.
pub(super) fn nested_deeper_than(v: &Value, max: usize) -> bool {
    let scalar = |c: &Value| !matches!(c, Value::Array(_) | Value::Object(_));
    // The usual outputs, a scalar or a container of scalars, need no walk.
    let flat = match v {
        Value::Array(items) => items.iter().all(scalar),
        Value::Object(map) => map.values().all(scalar),
        _ => true,
    };
    if flat {
        let filled = v.as_array().is_some_and(|a| !a.is_empty()) || v.as_object().is_some_and(|m| !m.is_empty());
        return filled && max <= 1;
    }
    let mut todo: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, depth)) = todo.pop() {
        match v {
            Value::Array(items) if !items.is_empty() => {
                if depth >= max {
                    return true;
                }
                todo.extend(items.iter().map(|c| (c, depth + 1)));
            }
            Value::Object(map) if !map.is_empty() => {
                if depth >= max {
                    return true;
                }
                todo.extend(map.values().map(|c| (c, depth + 1)));
            }
            _ => {}
        }
    }
    false
}

/// Drops a value of any depth without recursing: its containers are emptied into a list first.
pub(super) fn dismantle(v: Value) {
    let mut todo = vec![v];
    while let Some(mut v) = todo.pop() {
        match &mut v {
            Value::Array(items) => todo.append(items),
            Value::Object(map) => todo.extend(std::mem::take(map).into_iter().map(|(_, x)| x)),
            _ => {}
        }
    }
}

/// How a user raises a budget: the `Simulator` option (JS), the CLI flag and the Rust field.
fn how_to_raise(option: &str, flag: &str, field: &str) -> String {
    format!("raise it with the Simulator option {option}, the CLI flag {flag} or Budgets::{field}")
}

/// How a user raises the history budget.
pub(super) fn raise_history_budget() -> String {
    how_to_raise("maxHistoryBytes", "--max-history-bytes", "max_history_bytes")
}

/// The cause when an execution enters more states than its budget allows.
pub(super) fn transitions_cause(max: u64) -> String {
    format!(
        "The execution exceeded the simulator's budget of {max} state transitions ({}).",
        how_to_raise("maxTransitions", "--max-transitions", "max_transitions")
    )
}

/// The cause when an execution's kept history grows past its budget.
pub(super) fn history_cause(max: usize) -> String {
    format!("The execution's history exceeded the simulator's budget of {max} bytes ({}).", raise_history_budget())
}

/// The cause when an execution writes more log records than the driver's budget allows.
pub fn log_budget_cause(max: usize) -> String {
    format!(
        "The execution's log records exceeded the simulator's budget of {max} bytes ({}).",
        how_to_raise("maxLogBytes", "--max-log-bytes", "max_log_bytes")
    )
}

impl Execution {
    /// Ends a running execution from outside with `ExecutionFailed` and `failure`: a budget of the
    /// driver ran out (its log records, say). Nothing happens once it has ended.
    pub fn fail(&mut self, failure: crate::error::Failure) {
        if let Some(t) = &mut self.tape {
            t.fail(&failure);
        }
        if self.status == super::Status::Running {
            self.fail_execution(failure);
        }
    }

    /// Lets go of what only a running execution needs (its threads, their inputs and variables,
    /// timers and tasks), keeping its input, output or failure and its history. Nothing happens
    /// while it runs.
    pub fn release(&mut self) {
        if self.status == super::Status::Running {
            return;
        }
        self.frames = Vec::new();
        // A Distributed Map's join keeps its Map Run, which DescribeMapRun reads after the end.
        self.joins.retain(|j| j.run.is_some());
        self.runnable = Default::default();
        self.timers = Default::default();
        self.outgoing = Default::default();
        self.tasks = Default::default();
        self.scopes = Vec::new();
        // The input and output stay as text, values read back from it when asked for (not past
        // serde_json's nesting limit of 128: a deeper value stays).
        for cell in [&mut self.input, &mut self.output_value] {
            if let Some(v) = cell.take() {
                if nested_deeper_than(&v, 100) {
                    let _ = cell.set(v);
                } else {
                    dismantle(v);
                }
            }
        }
    }

    /// A thread has ended: its input is no longer needed.
    pub(super) fn drop_frame_data(&mut self, f: super::FrameId) {
        let fr = &mut self.frames[f];
        fr.phase = Phase::Dead;
        fr.input = serde_json::Value::Null;
        fr.input_text = None;
        fr.input_parts = None;
    }
}
