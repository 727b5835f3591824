//! Parallel branches and Map iterations: child frames that report to a join, and the join that
//! gathers their results (or fails, tolerates, and aborts them).

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::{json, Value};

use super::dataflow::{self, jsonata, path};
use super::dmap::DistRun;
use super::state::{float_field, integer_field};
use super::{Execution, Fault, FrameId, Phase, Status};
use crate::error::{ErrorName, Failure};
use crate::history::{self, Body};
use crate::jsonata::Template;
use crate::model::{Flow, Kind, Machine, MapSpec, PathFields, State};

/// What a join gathers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JoinKind {
    /// The branches of a Parallel state, all started at once.
    Parallel,
    /// The iterations of an inline Map state, started as `MaxConcurrency` allows, each
    /// recorded with `MapIteration*` events.
    Map,
    /// A Distributed Map: its iterations are child executions, recorded as one Map Run and
    /// keeping their events out of this history.
    DistributedMap,
}

impl JoinKind {
    /// Map iterations (inline or distributed), not Parallel branches.
    fn is_map(self) -> bool {
        matches!(self, JoinKind::Map | JoinKind::DistributedMap)
    }
}

/// A Parallel or Map state waiting for its branches or iterations.
#[derive(Debug)]
pub(super) struct Join {
    /// The frame of the Parallel or Map state.
    pub(super) frame: FrameId,
    pub(super) kind: JoinKind,
    /// One result per branch or item, in order.
    results: Vec<Value>,
    pub(super) remaining: usize,
    /// Map: items not started yet, in order.
    pub(super) pending_items: VecDeque<(usize, Value)>,
    pub(super) children: Vec<FrameId>,
    pub(super) running: usize,
    pub(super) max_concurrency: usize,
    pub(super) failures: usize,
    pub(super) total: usize,
    pub(super) tolerated_count: Option<u64>,
    pub(super) tolerated_percentage: Option<f64>,
    /// The state's effective input (after InputPath), for ItemSelector.
    pub(super) effective_input: Value,
    /// Map: whether the item processor may read `$$.Map.Item.Value` (else items are not kept).
    pub(super) item_context: bool,
    pub(super) done: bool,
    started_event: u64,
    /// A Distributed Map's Map Run, for `DescribeMapRun`.
    pub(super) run: Option<super::maprun::MapRun>,
    /// A Distributed Map's reader, batcher and writer.
    pub(super) dist: Option<Box<DistRun>>,
}

impl Join {
    /// The Map's items (or batches), once known: every slot pending.
    pub(super) fn reset_items(&mut self, inputs: Vec<Value>) {
        let n = inputs.len();
        self.results = vec![Value::Null; n];
        self.remaining = n;
        self.total = n;
        self.pending_items = inputs.into_iter().enumerate().collect();
    }
}

impl Execution {
    /// Starts every branch of a Parallel state on the same input.
    pub(super) fn start_parallel(&mut self, f: FrameId, branches: &[Arc<Machine>], branch_input: Value) {
        let started = self.emit_frame(f, "ParallelStateStarted", None);
        let j = self.new_join(f, JoinKind::Parallel, branches.len(), started, Value::Null);
        let item = self.frames[f].map_item.clone();
        for (i, b) in branches.iter().enumerate() {
            let start = b.start_at;
            let child = self.spawn(b.clone(), start, branch_input.clone(), Some((j, i)), started, item.clone());
            self.joins[j].children.push(child);
        }
        self.joins[j].running = branches.len();
        if branches.is_empty() {
            self.join_finished(j);
        }
    }

    pub(super) fn thread_succeeded(&mut self, f: FrameId, out: Value) {
        self.drop_frame_data(f);
        match self.frames[f].parent {
            None => {
                if self.status != Status::Running {
                    // A limit ended the execution while its last state was working.
                    return;
                }
                // Kept as text too: its description needs the text, and once ended the execution
                // lets go of the value (`release`), a large one taking several times its text's size.
                let text = history::json_text(&out);
                let _ = self.output_value.set(out);
                let d = json!({"output": text.clone(), "outputDetails": history::not_truncated()});
                self.emit_frame(f, "ExecutionSucceeded", Some(("executionSucceededEventDetails", d)));
                self.status = Status::Succeeded;
                self.output = Some(text);
            }
            Some((j, slot)) => {
                if self.joins[j].done {
                    return;
                }
                if self.joins[j].kind.is_map() {
                    let parent = self.joins[j].frame;
                    let name = self.state(parent).name.clone();
                    let d = Body::Iteration { key: "mapIterationSucceededEventDetails", name, index: slot };
                    self.emit_frame(f, "MapIterationSucceeded", d);
                }
                if self.joins[j].kind == JoinKind::DistributedMap {
                    self.record_child(j, slot, Some(Ok(out.clone())));
                }
                let join = &mut self.joins[j];
                if let Some(run) = &mut join.run {
                    run.succeeded += 1;
                }
                join.results[slot] = out;
                join.remaining -= 1;
                join.running -= 1;
                self.advance_join(j);
            }
        }
    }

    pub(super) fn thread_failed(&mut self, f: FrameId, failure: Failure) {
        self.drop_frame_data(f);
        match self.frames[f].parent {
            None => self.fail_execution_from(f, failure),
            Some((j, slot)) => {
                if self.joins[j].done {
                    return;
                }
                if self.joins[j].kind.is_map() {
                    let parent = self.joins[j].frame;
                    let name = self.state(parent).name.clone();
                    let d = Body::Iteration { key: "mapIterationFailedEventDetails", name, index: slot };
                    self.emit_frame(f, "MapIterationFailed", d);
                    if self.joins[j].kind == JoinKind::DistributedMap {
                        self.record_child(j, slot, Some(Err(failure.clone())));
                    }
                    let join = &mut self.joins[j];
                    join.failures += 1;
                    join.remaining -= 1;
                    join.running -= 1;
                    if !self.exceeds_tolerance(j) {
                        // Tolerated: the failed item's result is its error output.
                        self.joins[j].results[slot] = json!({"Error": failure.error, "Cause": failure.cause});
                        self.advance_join(j);
                        return;
                    }
                    let tolerant =
                        self.joins[j].tolerated_count.is_some() || self.joins[j].tolerated_percentage.is_some();
                    let failure = if tolerant {
                        Failure::new(
                            ErrorName::ExceedToleratedFailureThreshold,
                            "The specified tolerated failure threshold was exceeded",
                        )
                    } else {
                        failure
                    };
                    self.abort_join(j);
                    if self.write_results(j, Some(failure.clone())) {
                        return;
                    }
                    let parent = self.joins[j].frame;
                    self.frames[parent].phase = Phase::Run;
                    self.state_failed(parent, Fault::Failure(failure));
                } else {
                    self.abort_join(j);
                    let parent = self.joins[j].frame;
                    self.frames[parent].phase = Phase::Run;
                    self.state_failed(parent, Fault::Failure(failure));
                }
            }
        }
    }

    pub(super) fn new_join(
        &mut self,
        f: FrameId,
        kind: JoinKind,
        n: usize,
        started: u64,
        effective_input: Value,
    ) -> usize {
        self.frames[f].phase = Phase::Joining;
        let j = self.joins.len();
        self.joins.push(Join {
            frame: f,
            kind,
            results: vec![Value::Null; n],
            remaining: n,
            pending_items: VecDeque::new(),
            children: Vec::new(),
            running: 0,
            max_concurrency: 0,
            failures: 0,
            total: n,
            tolerated_count: None,
            tolerated_percentage: None,
            effective_input,
            item_context: true,
            done: false,
            started_event: started,
            run: None,
            dist: None,
        });
        self.frames[f].join = Some(j);
        j
    }

    pub(super) fn exceeds_tolerance(&self, j: usize) -> bool {
        let join = &self.joins[j];
        let mut tolerated = false;
        let mut any = false;
        if let Some(c) = join.tolerated_count {
            any = true;
            tolerated |= (join.failures as u64) <= c;
        }
        if let Some(p) = join.tolerated_percentage {
            any = true;
            let pct = if join.total == 0 { 0.0 } else { join.failures as f64 * 100.0 / join.total as f64 };
            tolerated |= pct <= p;
        }
        !(any && tolerated)
    }

    pub(super) fn abort_join(&mut self, j: usize) {
        self.joins[j].done = true;
        self.drop_dist_request(j);
        let children = self.joins[j].children.clone();
        let is_map = self.joins[j].kind.is_map();
        let parent = self.joins[j].frame;
        let name = self.state(parent).name.clone();
        let now = self.now;
        if let Some(run) = &mut self.joins[j].run {
            run.finish(super::maprun::MapRunStatus::Failed, now);
        }
        for c in children {
            if self.frames[c].phase == Phase::Dead {
                continue;
            }
            if let Some(run) = &mut self.joins[j].run {
                run.aborted += 1;
            }
            self.abort_frame(c);
            if let (true, Some((_, slot))) = (is_map, self.frames[c].parent) {
                let d = Body::Iteration { key: "mapIterationAbortedEventDetails", name: name.clone(), index: slot };
                self.emit_frame(c, "MapIterationAborted", d);
            }
        }
        self.joins[j].pending_items.clear();
    }

    pub(super) fn abort_frame(&mut self, c: FrameId) {
        if self.frames[c].phase == Phase::Dead {
            return;
        }
        self.drop_frame_data(c);
        if let Some(t) = self.frames[c].task.take() {
            self.tasks.remove(&t);
        }
        if let Some(j) = self.frames[c].join {
            if !self.joins[j].done {
                self.abort_join(j);
            }
        }
    }

    pub(super) fn advance_join(&mut self, j: usize) {
        // Start more Map iterations while concurrency allows.
        while self.joins[j].kind.is_map() && !self.joins[j].done {
            let join = &self.joins[j];
            if join.pending_items.is_empty() || (join.max_concurrency > 0 && join.running >= join.max_concurrency) {
                break;
            }
            let (index, item) = self.joins[j].pending_items.pop_front().unwrap_or((0, Value::Null));
            self.start_iteration(j, index, item);
        }
        if self.joins[j].remaining == 0 && !self.joins[j].done {
            self.join_finished(j);
        }
    }

    pub(super) fn join_finished(&mut self, j: usize) {
        self.joins[j].done = true;
        let now = self.now;
        if let Some(run) = &mut self.joins[j].run {
            run.finish(super::maprun::MapRunStatus::Succeeded, now);
        }
        if self.write_results(j, None) {
            return;
        }
        let f = self.joins[j].frame;
        let results = std::mem::take(&mut self.joins[j].results);
        self.frames[f].phase = Phase::Run;
        self.frames[f].join = None;
        self.finish_with_result(f, Value::Array(results));
    }

    /// Starts a Map state: its items, `MaxConcurrency` and failure tolerance in its query
    /// language, then the iterations.
    /// The raw input moves into the frame once the Map starts.
    pub(super) fn start_map(&mut self, f: FrameId, st: &State, spec: &MapSpec, input: &mut Value) -> Result<(), Fault> {
        match &st.flow {
            Flow::JsonPath(p) => self.start_path_map(f, st, spec, p, input),
            Flow::Jsonata(j) => {
                let (items, max_concurrency, count, percentage) = self.with_flow(f, st, |env| {
                    let states = jsonata::states(&*input, env.context, &[]);
                    let items = match &j.items {
                        _ if spec.dist.reader.is_some() => Value::Array(Vec::new()),
                        Some(t) => {
                            let v = jsonata::eval(t, &states, "Items", env)?;
                            if !v.is_array() {
                                return Err(jsonata::unexpected_type(t, "Items", "array", &v));
                            }
                            v
                        }
                        None => input.clone(),
                    };
                    let Value::Array(items) = items else {
                        return Err(Fault::Query(format!(
                            "Map state input must be an array but was: {}",
                            history::json_text(&items)
                        )));
                    };
                    // MaxConcurrency and ToleratedFailureCount "MUST evaluate to non-negative
                    // integers", ToleratedFailurePercentage to a number from 0 to 100, else
                    // States.QueryEvaluationError (the ASL specification's JSONata runtime
                    // errors), in the words AWS records for their JSONPath paths.
                    let mut count_of = |t: &Template, field: &str| -> Result<u64, Fault> {
                        let v = jsonata::eval(t, &states, field, env)?;
                        match integer_value(&v) {
                            Some(n) if n >= 0 => Ok(n as u64),
                            Some(_) => Err(Fault::Query(format!("{field} cannot be negative."))),
                            None => Err(jsonata::unexpected_type(t, field, "integer", &v)),
                        }
                    };
                    let max = match &j.max_concurrency {
                        Some(t) => count_of(t, "MaxConcurrency")? as usize,
                        None => 0,
                    };
                    let count = match &j.tolerated_count {
                        Some(t) => Some(count_of(t, "ToleratedFailureCount")?),
                        None => None,
                    };
                    let percentage = match &j.tolerated_percentage {
                        Some(t) => match jsonata::number(t, &states, "ToleratedFailurePercentage", env)? {
                            p if (0.0..=100.0).contains(&p) => Some(p),
                            _ => {
                                return Err(Fault::Query(
                                    "ToleratedFailurePercentage must be between 0 and 100.".into(),
                                ))
                            }
                        },
                        None => None,
                    };
                    Ok((items, max, count, percentage))
                })?;
                let dist = if spec.distributed { Some(self.plan_dist(f, st, spec, input)?) } else { None };
                // ItemSelector and a Distributed Map's batches read the state input later.
                let eff = if j.item_selector.is_some() || spec.distributed { input.clone() } else { Value::Null };
                self.frames[f].input = std::mem::take(input);
                self.launch_map(f, st, spec, items, max_concurrency, count, percentage, eff, dist);
                Ok(())
            }
        }
    }

    fn start_path_map(
        &mut self,
        f: FrameId,
        st: &State,
        spec: &MapSpec,
        p: &PathFields,
        input: &mut Value,
    ) -> Result<(), Fault> {
        let raw = &*input;
        let (eff, items, max_concurrency) = self.with_flow(f, st, |env| {
            let eff = path::input_path(p, raw, env)?;
            let items = match (&p.items_path, &p.items) {
                // With a reader, ItemsPath selects nothing (recorded on AWS: LocalStack's snapshots
                // `test_map_item_reader_base_json_with_items_path[*]` read the object's items).
                _ if spec.dist.reader.is_some() => Value::Array(Vec::new()),
                (Some(ip), _) => path::select(ip, &eff, env)?,
                (None, Some(v)) => v.clone(),
                (None, None) => eff.as_ref().clone(),
            };
            let Value::Array(items) = items else {
                return Err(Fault::Runtime(format!(
                    "Map state input must be an array but was: {}",
                    history::json_text(&items)
                )));
            };
            let max = match &p.max_concurrency {
                None => 0,
                Some(n) => integer_field(n, "MaxConcurrencyPath", &eff, env)?.max(0) as usize,
            };
            Ok((eff, items, max))
        })?;
        // The failure tolerance is checked after MapStateStarted (as AWS records it).
        let tolerance = self.with_flow(f, st, |env| {
            let count = match &p.tolerated_failure_count {
                None => None,
                Some(n) => {
                    let c = integer_field(n, "ToleratedFailureCountPath", &eff, env)?;
                    if c < 0 {
                        return Err(Fault::Runtime("ToleratedFailureCount cannot be negative.".into()));
                    }
                    Some(c as u64)
                }
            };
            let percentage = match &p.tolerated_failure_percentage {
                None => None,
                Some(n) => {
                    let p = float_field(n, "ToleratedFailurePercentagePath", &eff, env)?;
                    if !(0.0..=100.0).contains(&p) {
                        return Err(Fault::Runtime("ToleratedFailurePercentage must be between 0 and 100.".into()));
                    }
                    Some(p)
                }
            };
            Ok((count, percentage))
        });
        match tolerance {
            Ok((count, percentage)) => {
                let dist = if spec.distributed { Some(self.plan_dist(f, st, spec, &eff)?) } else { None };
                // ItemSelector and a Distributed Map's batches read the effective input later.
                let eff = if p.item_selector.is_some() || spec.distributed { eff.into_owned() } else { Value::Null };
                self.frames[f].input = std::mem::take(input);
                self.launch_map(f, st, spec, items, max_concurrency, count, percentage, eff, dist);
                Ok(())
            }
            Err(fault) => {
                let d = json!({"length": items.len()});
                self.emit_frame(f, "MapStateStarted", Some(("mapStateStartedEventDetails", d)));
                Err(fault)
            }
        }
    }

    /// Records MapStateStarted (and a Distributed Map's MapRunStarted) and starts the iterations.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn launch_map(
        &mut self,
        f: FrameId,
        st: &State,
        spec: &MapSpec,
        items: Vec<Value>,
        max_concurrency: usize,
        tolerated_count: Option<u64>,
        tolerated_percentage: Option<f64>,
        eff: Value,
        dist: Option<DistRun>,
    ) {
        // A reader's items are not counted here (recorded on AWS: `length` 0).
        let d = json!({"length": items.len()});
        let started = self.emit_frame(f, "MapStateStarted", Some(("mapStateStartedEventDetails", d)));
        let mut run = None;
        if spec.distributed {
            let run_arn = format!(
                "{}/{}:{}",
                self.config.identity.state_machine_arn.replace(":stateMachine:", ":mapRun:"),
                spec.label.as_deref().unwrap_or(&st.name),
                // Unique to the execution and the state's entry, as AWS's run ids are unique.
                super::config::run_id(&format!(
                    "{}#{}#{}",
                    self.config.identity.execution_arn, self.frames[f].entered_event, self.redrive_count
                ))
            );
            let d = json!({"mapRunArn": run_arn});
            self.emit_frame(f, "MapRunStarted", Some(("mapRunStartedEventDetails", d)));
            self.frames[f].map_run_started = true;
            run = Some(super::maprun::MapRun::new(run_arn, self.now));
        }
        let n = items.len();
        let kind = if spec.distributed { JoinKind::DistributedMap } else { JoinKind::Map };
        let j = self.new_join(f, kind, n, started, eff);
        let join = &mut self.joins[j];
        join.run = run;
        join.max_concurrency = max_concurrency;
        join.tolerated_count = tolerated_count;
        join.tolerated_percentage = tolerated_percentage;
        join.pending_items = items.into_iter().enumerate().collect();
        join.item_context = spec.processor.may_read_context();
        join.dist = dist.map(Box::new);
        if self.start_dist(j) {
            return;
        }
        if n == 0 {
            self.join_finished(j);
        } else {
            self.advance_join(j);
        }
    }

    pub(super) fn start_iteration(&mut self, j: usize, index: usize, item: Value) {
        let f = self.joins[j].frame;
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let Kind::Map(spec) = &st.kind else { return };
        let selects = match &st.flow {
            Flow::JsonPath(p) => p.item_selector.is_some(),
            Flow::Jsonata(j) => j.item_selector.is_some(),
        };
        let prepared = self.joins[j].dist.as_ref().is_some_and(|d| d.prepared);
        if !selects && !self.joins[j].item_context {
            // Nothing reads `$$.Map.Item.Value`: the item itself is the iteration's input.
            self.spawn_iteration(j, st, spec, index, item, Arc::new((index, Value::Null)));
            return;
        }
        let map_item = Arc::new((index, item));
        let iter_input = if selects && !prepared {
            let mut ctx = self.context(f);
            ctx["Map"] = self.map_item_context(j, index, &map_item.1);
            let eff = std::mem::take(&mut self.joins[j].effective_input);
            let r = self.with_context(f, &ctx, |env| dataflow::item_input(st, &eff, &map_item.1, env));
            self.joins[j].effective_input = eff;
            match r {
                Ok(v) => v,
                Err(e) => {
                    self.abort_join(j);
                    self.frames[f].phase = Phase::Run;
                    self.state_failed(f, e);
                    return;
                }
            }
        } else {
            map_item.1.clone()
        };
        self.spawn_iteration(j, st, spec, index, iter_input, map_item);
    }

    pub(super) fn spawn_iteration(
        &mut self,
        j: usize,
        st: &State,
        spec: &MapSpec,
        index: usize,
        iter_input: Value,
        map_item: Arc<(usize, Value)>,
    ) {
        let started = self.joins[j].started_event;
        let proc = spec.processor.clone();
        let start = proc.start_at;
        let child = self.spawn(proc, start, iter_input, Some((j, index)), started, Some(map_item));
        let d = Body::Iteration { key: "mapIterationStartedEventDetails", name: st.name.clone(), index };
        self.emit_frame(child, "MapIterationStarted", d);
        self.record_child(j, index, None);
        let join = &mut self.joins[j];
        join.children.push(child);
        join.running += 1;
    }
}

/// A JSON number that is a whole number (`3`, `3.0`), as an `i64`.
fn integer_value(v: &Value) -> Option<i64> {
    let n = v.as_number()?;
    n.as_i64().or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15).map(|x| x as i64))
}
