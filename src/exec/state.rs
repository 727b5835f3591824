//! Running a state: one match on its kind, the data flow around its work (through
//! [`dataflow`](super::dataflow), in the state's query language), and its exit.

use serde_json::Value;

use super::dataflow::{self, jsonata, path, Env};
use super::task::{data_limit_cause, new_task_token};
use super::{Execution, Fault, FrameId, Phase, MAX_PAYLOAD_BYTES};
use crate::error::{ErrorName, Failure};
use crate::history::{self, Body, SharedText};
use crate::model::{Flow, Kind, NumberField, State, Transition};

impl Execution {
    /// Runs (or runs again, after a retry) the work of frame `f`'s state.
    pub(super) fn run_state(&mut self, f: FrameId) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let mut input = std::mem::take(&mut self.frames[f].input);
        let ran = match (&st.kind, &st.flow) {
            // The common Pass state, without a detour through `run_kind`.
            (Kind::Pass, Flow::JsonPath(p)) => match (&p.result, &p.moves) {
                (Some(r), _) => Ok(Some(r.clone())),
                // What nothing reads after the state moves into its result (the model's `Moves`).
                (None, Some(moves)) => match self.with_flow(f, st, |env| path::moved_result(p, moves, &mut input, env))
                {
                    Some(result) => result.map(Some),
                    None => self.with_flow(f, st, |env| dataflow::work_input(st, &input, env)).map(Some),
                },
                (None, None) => self.with_flow(f, st, |env| dataflow::work_input(st, &input, env)).map(Some),
            },
            _ => self.run_kind(f, st, &mut input),
        };
        match ran {
            // The result was computed from the borrowed input, which then moves back to the
            // frame for ResultPath: no copy of the document.
            Ok(Some(result)) => {
                self.frames[f].input = input;
                self.finish_with_result(f, result);
            }
            Ok(None) => {}
            Err(fault) => {
                // The raw input goes back to the frame for Catch's ResultPath (unless the state had
                // parked it there already).
                if self.frames[f].input.is_null() {
                    self.frames[f].input = input;
                }
                self.state_failed(f, fault);
            }
        }
    }

    /// The state's work: `Some(result)` when it has its result at once, `None` when it moved
    /// on itself (blocked on a timer, a task or a join, or went to its next state). A state that
    /// waits (Wait, Task, Parallel, Map) puts its raw input back in the frame, for its exit or its
    /// catchers; one that ends at once (Pass, Succeed, Fail, Choice) has no catcher to need it.
    /// A state that waits moves `input` into the frame, and a Choice into its next state (leaving
    /// `null`).
    fn run_kind(&mut self, f: FrameId, st: &State, input: &mut Value) -> Result<Option<Value>, Fault> {
        match &st.kind {
            Kind::Pass => match &st.flow {
                Flow::JsonPath(p) => match &p.result {
                    Some(r) => Ok(Some(r.clone())),
                    None => self.with_flow(f, st, |env| dataflow::work_input(st, input, env)).map(Some),
                },
                Flow::Jsonata(_) => {
                    let out = self.with_flow(f, st, |env| dataflow::pass_through(st, input, env))?;
                    self.finish_with_output(f, out);
                    Ok(None)
                }
            },
            Kind::Succeed => {
                let out = self.with_flow(f, st, |env| dataflow::pass_through(st, input, env))?;
                self.finish_with_output(f, out);
                Ok(None)
            }
            Kind::Fail => {
                let failure = self.with_flow(f, st, |env| dataflow::fail(st, input, env))?;
                self.thread_failed(f, failure);
                Ok(None)
            }
            Kind::Choice { .. } => {
                // A Choice passes its input on (unless its paths select part of it): moved, not copied.
                let (next, out) = self.with_flow(f, st, |env| dataflow::choose(st, input, env))?;
                self.exit_choice(f, st, next, out, std::mem::take(input));
                Ok(None)
            }
            Kind::Wait => {
                let until = self.with_flow(f, st, |env| super::task::wait_until(st, input, env))?;
                self.frames[f].input = std::mem::take(input);
                self.frames[f].phase = Phase::Blocked;
                self.add_timer(until, f);
                Ok(None)
            }
            Kind::Task(spec) => {
                // The token first: Parameters may read it as `$$.Task.Token`.
                self.frames[f].task_token = new_task_token(&spec.resource, &mut self.rng);
                let (params, timeout, heartbeat) = self.with_flow(f, st, |env| {
                    let params = dataflow::work_input(st, input, env)?;
                    let (timeout, heartbeat) = match &st.flow {
                        Flow::JsonPath(p) => (
                            p.timeout
                                .as_ref()
                                .map(|t| seconds_field(t, "TimeoutSecondsPath", input, env))
                                .transpose()?,
                            p.heartbeat
                                .as_ref()
                                .map(|h| seconds_field(h, "HeartbeatSecondsPath", input, env))
                                .transpose()?,
                        ),
                        Flow::Jsonata(j) => {
                            let states = jsonata::states(input, env.context, &[]);
                            let mut seconds = |t: &crate::jsonata::Template, field: &str| {
                                let v = jsonata::eval(t, &states, field, env)?;
                                match v.as_i64() {
                                    Some(n) if n > 0 => Ok(n as f64),
                                    _ => Err(jsonata::unexpected_type(t, field, "integer", &v)),
                                }
                            };
                            let timeout = j.timeout.as_ref().map(|t| seconds(t, "TimeoutSeconds")).transpose()?;
                            (timeout, j.heartbeat.as_ref().map(|t| seconds(t, "HeartbeatSeconds")).transpose()?)
                        }
                    };
                    Ok::<_, Fault>((params, timeout, heartbeat))
                })?;
                self.frames[f].input = std::mem::take(input);
                self.schedule_task(f, &st.name, spec, params, timeout, heartbeat);
                Ok(None)
            }
            Kind::Parallel { branches } => {
                let branch_input = self.with_flow(f, st, |env| dataflow::work_input(st, input, env))?;
                self.frames[f].input = std::mem::take(input);
                self.start_parallel(f, branches, branch_input);
                Ok(None)
            }
            Kind::Map(spec) => {
                self.start_map(f, st, spec, input)?;
                Ok(None)
            }
        }
    }

    /// A Wait state's time is up: its output is its effective input (after `Assign` and
    /// `OutputPath`, or `Assign` and `Output`).
    pub(super) fn wait_over(&mut self, f: FrameId) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        self.frames[f].phase = Phase::Run;
        let input = std::mem::take(&mut self.frames[f].input);
        let out = self.with_flow(f, st, |env| dataflow::pass_through(st, &input, env));
        self.frames[f].input = input;
        match out {
            Ok(out) => self.finish_with_output(f, out),
            Err(e) => self.state_failed(f, e),
        }
    }

    /// A state produced its result: ResultSelector, Assign, ResultPath and OutputPath (or
    /// Assign and Output), then the exit.
    pub(super) fn finish_with_result(&mut self, f: FrameId, result: Value) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        // What ResultPath leaves of the raw input (all of it when it fails) stays for Catch.
        let out = self.with_flow_on_input(f, st, |raw, env| dataflow::output(st, raw, result, env));
        match out {
            Ok(out) => self.finish_with_output(f, out),
            Err(e) => self.state_failed(f, e),
        }
    }

    /// The state's output is ready: check its size, record the exit, and move on.
    pub(super) fn finish_with_output(&mut self, f: FrameId, out: Value) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        // Writing (or dropping) a value nested past the stack's depth would overflow it: a loop
        // whose Parameters wrap the input (`{"a.$": "$"}`) nests it one level a turn.
        // The output's JSON text serves the size check, this exit event and the next entry. An
        // execution that keeps no history only measures it (in the same walk as the depth).
        // Parts the state moved whole from its input count as found there (`sizes`): their sizes,
        // and their texts in the input's text.
        let known = self.frames[f].input_parts.take().filter(|(s, _)| *s == self.frames[f].state).map(|(_, k)| k);
        let input_text = if self.keeps_text() { Some(self.frames[f].entered_text.clone()) } else { None };
        let text = input_text.as_ref().map(|t| t.as_deref());
        let measured = super::sizes::measure_output(&machine, st, &out, known, text);
        let Some((len, text, next_parts)) = measured else {
            let cause = format!(
                "The state/task '{}' returned a result nested deeper than {} levels, the simulator's limit.",
                st.name,
                super::budget::MAX_DEPTH
            );
            // Taken apart level by level: dropping it whole would recurse as deep as it goes.
            super::budget::dismantle(out);
            self.thread_failed(f, Failure::new(ErrorName::Runtime, cause));
            return;
        };
        if !matches!(st.kind, Kind::Choice { .. }) && len > MAX_PAYLOAD_BYTES {
            let fail = Failure::new(ErrorName::DataLimitExceeded, data_limit_cause(&st.name));
            self.state_failed(f, Fault::Failure(fail));
            return;
        }
        match st.kind {
            Kind::Parallel { .. } => {
                self.emit_frame(f, "ParallelStateSucceeded", None);
            }
            Kind::Map(_) => {
                if self.frames[f].map_run_started {
                    self.frames[f].map_run_started = false;
                    self.emit_frame(f, "MapRunSucceeded", None);
                }
                self.emit_frame(f, "MapStateSucceeded", None);
            }
            _ => {}
        }
        let kind = st.kind.exited_event();
        let (text, shared) = self.share_text(f, text);
        let next_text = matches!(st.next, Transition::Next(_)).then(|| text.clone());
        self.emit_frame_shared(f, kind, Body::State { entered: false, name: st.name.clone(), payload: text }, shared);
        match st.next {
            Transition::Next(n) => {
                self.frames[f].input_parts = next_parts;
                self.goto(f, n, out);
                self.frames[f].input_text = next_text;
            }
            Transition::End | Transition::None => self.thread_succeeded(f, out),
        }
    }

    /// A Choice state's exit to state `next`: its output is `out`, or its input when `None`.
    fn exit_choice(&mut self, f: FrameId, st: &State, next: usize, out: Option<Value>, input: Value) {
        let (out, text, shared) = match (out, self.frames[f].entered_text.take()) {
            (None, Some(entered)) => (input, entered, true),
            (out, entered) => {
                let out = out.unwrap_or(input);
                self.frames[f].entered_text = entered;
                let text = if self.keeps_text() { history::json_text(&out) } else { String::new() };
                let (text, shared) = self.share_text(f, text);
                (out, text, shared)
            }
        };
        let d = Body::State { entered: false, name: st.name.clone(), payload: text.clone() };
        self.emit_frame_shared(f, "ChoiceStateExited", d, shared);
        self.goto(f, next, out);
        self.frames[f].input_text = Some(text);
    }

    /// An exit event's text: the state's input text when they are the same (a Choice, a Pass that
    /// changes nothing), so that the history holds it once.
    /// Also says whether it is shared.
    fn share_text(&mut self, f: FrameId, text: String) -> (SharedText, bool) {
        match self.frames[f].entered_text.take() {
            Some(entered) if *entered == *text => (entered, true),
            _ => (text.into(), false),
        }
    }

    pub(super) fn goto(&mut self, f: FrameId, next: usize, input: Value) {
        let fr = &mut self.frames[f];
        fr.state = next;
        fr.input = input;
        fr.input_text = None;
        fr.phase = Phase::Enter;
        fr.join = None;
        self.runnable.push_back(f);
    }
}

/// An integer field of a JSONPath state (`MaxConcurrency`, `ToleratedFailureCount`), literal
/// or read by its path from `eff`.
pub(super) fn integer_field(n: &NumberField, field: &str, eff: &Value, env: &Env<'_>) -> Result<i64, Fault> {
    let p = match n {
        NumberField::Value(v) => return Ok(*v as i64),
        NumberField::Path(p) => p,
    };
    let v = path::select(p, eff, env)?;
    // A numeric string counts (recorded on AWS: MaxConcurrencyPath reading "1").
    let parsed = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
    parsed.ok_or_else(|| {
        Fault::Runtime(format!(
            "The {field} field refers to value \"{}\" which is not a valid integer: {}",
            shown_value(&v),
            p.text()
        ))
    })
}

/// A Task's `TimeoutSecondsPath` or `HeartbeatSecondsPath`: a positive integer (the ASL
/// specification's rule for both fields), or the state fails with `States.Runtime`. The wording
/// for a number that is not positive follows AWS's recorded one for values that are not numbers;
/// AWS's own for this case is not recorded.
fn seconds_field(n: &NumberField, field: &str, eff: &Value, env: &Env<'_>) -> Result<f64, Fault> {
    let seconds = integer_field(n, field, eff, env)?;
    if seconds <= 0 {
        return Err(Fault::Runtime(format!(
            "The {field} field refers to value \"{seconds}\" which is not a positive integer: {}",
            match n {
                NumberField::Path(p) => p.text(),
                NumberField::Value(_) => field,
            }
        )));
    }
    Ok(seconds as f64)
}

/// A number field of a JSONPath state (`TimeoutSeconds`, `ToleratedFailurePercentage`), literal
/// or read by its path from `eff`.
pub(super) fn float_field(n: &NumberField, field: &str, eff: &Value, env: &Env<'_>) -> Result<f64, Fault> {
    let p = match n {
        NumberField::Value(v) => return Ok(*v),
        NumberField::Path(p) => p,
    };
    let v = path::select(p, eff, env)?;
    let parsed = v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
    parsed.ok_or_else(|| {
        Fault::Runtime(format!(
            "The {field} field refers to value \"{}\" which is not a valid float: {}",
            shown_value(&v),
            p.text()
        ))
    })
}

fn shown_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => history::json_text(other),
    }
}
