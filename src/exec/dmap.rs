//! A Distributed Map's Map Run beyond its iterations: reading the items (`ItemReader`), batching
//! them (`ItemBatcher`), and writing the results (`ResultWriter`).
//!
//! The executor does no I/O: it asks the driver for the reader's objects and to write the result
//! files with a [`TaskRequest`] whose [`TaskPurpose`] is not a Task state's (no history events,
//! no handlers: the simulator answers them from its S3 store, see [`crate::dmap::fetch`]).

use serde_json::{json, Value};

use super::dataflow::{jsonata, path, Env};
use super::join::JoinKind;
use super::task::PendingTask;
use super::{Execution, Fault, FrameId, Phase, TaskRequest};
use crate::dmap::{self, ChildRecord, Count, Payload, ReadKind, Transformation};
use crate::error::Failure;
use crate::model::{Flow, Kind, MapSpec, State};

/// What a [`TaskRequest`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskPurpose {
    /// A Task state's work: handlers, mocks or the account answer it.
    #[default]
    State,
    /// A Distributed Map's `ItemReader`: answer with [`crate::dmap::fetch::read`].
    ItemReader(ReadKind),
    /// A Distributed Map's `ResultWriter`: answer with [`crate::dmap::fetch::write`].
    ResultWriter,
}

/// A `ResultWriter` evaluated: the bucket and prefix when it exports, the transformation, JSONL.
type WritePlan = (Option<(String, String)>, Transformation, bool);

/// A Distributed Map's run beyond its iterations, kept with its join.
#[derive(Debug, Default)]
pub(super) struct DistRun {
    /// The reader's evaluated parameters and `MaxItems` value, until the items are read.
    read: Option<(ReadKind, Value, Option<Value>)>,
    /// `$$.Map.Item.Source`.
    pub(super) source: String,
    /// Each object's first item and source, when the reader read several (`LOAD_AND_FLATTEN`,
    /// an Athena manifest): their items' `$$.Map.Item.Source`.
    sources: dmap::reader::Sources,
    /// `MaxItemsPerBatch`, `MaxInputBytesPerBatch`, `BatchInput`.
    batch: Option<(u64, u64, Option<Value>)>,
    /// `ResultWriter`: the bucket and prefix when it exports, and how it transforms.
    writer: Option<WritePlan>,
    /// Each child execution, for the writer.
    children: Vec<ChildRecord>,
    /// The reader's or writer's request not answered yet.
    pending: Option<super::TaskId>,
    /// The failure to raise once the results are written.
    failure: Option<Failure>,
    /// The pending items are the children's inputs already (ItemSelector applied, batched).
    pub(super) prepared: bool,
}

fn number(v: &Value, field: &str) -> Result<u64, Fault> {
    let n = v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
    match n {
        Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as u64),
        _ => Err(Fault::Runtime(format!("The {field} field must be a non-negative integer, but was {v}."))),
    }
}

/// `$$.Map.Item.Source` for items of the state input.
pub(crate) const STATE_DATA: &str = "STATE_DATA";

/// `$$.Map` for item `index` (TestState's `afterItemSelector` makes it too).
pub(crate) fn map_item(index: usize, item: &Value, source: &str) -> Value {
    json!({"Item": {"Index": index, "Value": item, "Source": source}})
}

impl Execution {
    /// Evaluates a Distributed Map's reader, batcher and writer fields against the state's
    /// effective input (`eff`) before the Map Run starts.
    pub(super) fn plan_dist(&mut self, f: FrameId, st: &State, spec: &MapSpec, eff: &Value) -> Result<DistRun, Fault> {
        let ctx = self.context(f);
        let d = &spec.dist;
        let lang_jsonata = matches!(st.flow, Flow::Jsonata(_));
        self.with_context(f, &ctx, |env| {
            let payload = |p: &Option<Payload>, field: &str, env: &mut Env<'_>| -> Result<Value, Fault> {
                match p {
                    None => Ok(json!({})),
                    Some(Payload::Path(t)) => path::eval(t, eff, env),
                    Some(Payload::Jsonata(t)) => {
                        let states = jsonata::states(eff, env.context, &[]);
                        jsonata::eval(t, &states, field, env)
                    }
                }
            };
            let count = |c: &Count, field: &str, env: &mut Env<'_>| -> Result<Value, Fault> {
                match c {
                    Count::Literal(n) => Ok(json!(n)),
                    Count::Path(p) => path::select(p, eff, env),
                    Count::Jsonata(t) => {
                        let states = jsonata::states(eff, env.context, &[]);
                        jsonata::eval(t, &states, field, env)
                    }
                }
            };
            let mut run = DistRun { source: "STATE_DATA".into(), ..DistRun::default() };
            if let Some(r) = &d.reader {
                let args = if lang_jsonata { "Arguments" } else { "Parameters" };
                let params = payload(&r.payload, args, env)?;
                let max = r.max_items.as_ref().map(|c| count(c, "MaxItems", env)).transpose()?;
                run.source = dmap::fetch::source(r.read_kind(), &params);
                run.read = Some((r.read_kind(), params, max));
            }
            if let Some(b) = &d.batcher {
                let items = b.max_items.as_ref().map(|c| count(c, "MaxItemsPerBatch", env)).transpose()?;
                let bytes = b.max_bytes.as_ref().map(|c| count(c, "MaxInputBytesPerBatch", env)).transpose()?;
                let items = items.map(|v| number(&v, "MaxItemsPerBatch")).transpose()?.unwrap_or(0);
                let bytes = bytes.map(|v| number(&v, "MaxInputBytesPerBatch")).transpose()?.unwrap_or(0);
                let input = b.batch_input.as_ref().map(|p| payload(&Some(p.clone()), "BatchInput", env)).transpose()?;
                run.batch = Some((items, bytes, input));
            }
            if let Some(w) = &d.writer {
                let target = match &w.payload {
                    None => None,
                    Some(p) => {
                        let args = if lang_jsonata { "Arguments" } else { "Parameters" };
                        let v = payload(&Some(p.clone()), args, env)?;
                        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                        Some((text("Bucket"), text("Prefix")))
                    }
                };
                run.writer = Some((target, w.transformation, w.jsonl));
            }
            Ok(run)
        })
    }

    /// After `MapRunStarted`: asks the driver for the reader's objects, or prepares the items of
    /// the state input (ItemSelector and batches) when there is a batcher.
    /// Returns false when the iterations are the join's to start as usual.
    pub(super) fn start_dist(&mut self, j: usize) -> bool {
        let Some(run) = self.joins[j].dist.as_mut() else { return false };
        if let Some((kind, params, _)) = &run.read {
            let (kind, params) = (*kind, params.clone());
            self.internal_request(j, TaskPurpose::ItemReader(kind), params);
            return true;
        }
        if run.batch.is_some() || run.writer.is_some() {
            let items: Vec<(usize, Value)> = self.joins[j].pending_items.drain(..).collect();
            self.set_items(j, items.into_iter().map(|(_, v)| v).collect());
            return true;
        }
        false
    }

    fn internal_request(&mut self, j: usize, purpose: TaskPurpose, input: Value) {
        let f = self.joins[j].frame;
        let id = self.next_task_id;
        self.next_task_id += 1;
        let resource = match purpose {
            TaskPurpose::ItemReader(ReadKind::Listing | ReadKind::ListedObjects) => "arn:aws:states:::s3:listObjectsV2",
            TaskPurpose::ItemReader(_) => "arn:aws:states:::s3:getObject",
            _ => "arn:aws:states:::s3:putObject",
        };
        self.tasks.insert(id, PendingTask::internal(f, resource));
        if let Some(run) = self.joins[j].dist.as_mut() {
            run.pending = Some(id);
        }
        let state_name = self.state(f).name.clone();
        self.outgoing.push_back(TaskRequest {
            id,
            state_name: state_name.to_string(),
            resource: resource.into(),
            input,
            retry_count: 0,
            credentials: None,
            task_token: None,
            timeout_seconds: None,
            heartbeat_seconds: None,
            timestamp: self.now,
            purpose,
        });
    }

    /// The driver answered a reader's or writer's request.
    pub(super) fn internal_answered(&mut self, f: FrameId, result: Result<Value, Failure>) {
        let Some(j) = self.frames[f].join else { return };
        if self.frames[f].phase != Phase::Joining {
            return;
        }
        let Some(run) = self.joins[j].dist.as_mut() else { return };
        run.pending = None;
        if let Some((_, _, max)) = run.read.take() {
            let limit = usize::try_from(self.config.max_transitions).unwrap_or(usize::MAX);
            let format = match &self.state(f).kind {
                Kind::Map(spec) => spec.dist.reader.as_ref().map(|r| (r.format.clone(), r.items_pointer.clone())),
                _ => None,
            };
            let Some((format, pointer)) = format else { return };
            let items = result.and_then(|fetched| {
                let max = max.as_ref().map(dmap::reader::max_items).transpose()?.unwrap_or(0);
                dmap::reader::decode(&format, pointer.as_deref(), &fetched, max, limit)
            });
            match items {
                Ok(dmap::reader::Decoded { items, sources }) => {
                    if let Some(run) = self.joins[j].dist.as_mut() {
                        run.sources = sources;
                    }
                    self.set_items(j, items)
                }
                Err(failure) => self.map_run_failed(j, failure),
            }
            return;
        }
        // The writer's answer: the state's result, or the failure that waited for the files.
        let waiting = self.joins[j].dist.as_mut().and_then(|r| r.failure.take());
        let run_arn = self.joins[j].run.as_ref().map(|r| r.arn.clone()).unwrap_or_default();
        self.frames[f].join = None;
        self.frames[f].phase = Phase::Run;
        match (result, waiting) {
            (Err(e), _) | (Ok(_), Some(e)) => self.state_failed(f, Fault::Failure(e)),
            (Ok(written), None) => {
                let bucket = written.get("Bucket").cloned().unwrap_or(Value::Null);
                let key = written.get("Key").cloned().unwrap_or(Value::Null);
                let out = json!({"MapRunArn": run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": key}});
                self.finish_with_result(f, out);
            }
        }
    }

    /// The reader failed: `MapRunFailed` with the error (as recorded on AWS), then the state fails.
    fn map_run_failed(&mut self, j: usize, failure: Failure) {
        let f = self.joins[j].frame;
        self.joins[j].done = true;
        let now = self.now;
        if let Some(run) = &mut self.joins[j].run {
            run.finish(super::maprun::MapRunStatus::Failed, now);
        }
        if self.frames[f].map_run_started {
            self.frames[f].map_run_started = false;
            let d = json!({"error": failure.error, "cause": failure.cause});
            self.emit_frame(f, "MapRunFailed", Some(("mapRunFailedEventDetails", d)));
        }
        self.frames[f].join = None;
        self.frames[f].phase = Phase::Run;
        self.state_failed(f, Fault::Failure(failure));
    }

    /// The items are known: ItemSelector and batches when there is a batcher (or a writer, which
    /// records each child's input), then the iterations start.
    fn set_items(&mut self, j: usize, items: Vec<Value>) {
        let prepare = self.joins[j].dist.as_ref().is_some_and(|r| r.batch.is_some() || r.writer.is_some());
        let mut inputs = items;
        if prepare {
            let mut selected = Vec::with_capacity(inputs.len());
            for (i, item) in inputs.into_iter().enumerate() {
                match self.select_item(j, i, &item) {
                    Ok(v) => selected.push(v),
                    Err(fault) => {
                        let f = self.joins[j].frame;
                        self.abort_join(j);
                        self.frames[f].phase = Phase::Run;
                        self.state_failed(f, fault);
                        return;
                    }
                }
            }
            inputs = selected;
            if let Some((max_items, max_bytes, batch_input)) = self.joins[j].dist.as_ref().and_then(|r| r.batch.clone())
            {
                inputs = dmap::batch::batches(inputs, max_items, max_bytes, batch_input.as_ref());
            }
        }
        let n = inputs.len();
        let run_arn = self.joins[j].run.as_ref().map(|r| r.arn.clone()).unwrap_or_default();
        let now = self.now;
        if let Some(run) = self.joins[j].dist.as_mut() {
            run.prepared = prepare;
            if run.writer.is_some() {
                run.children = inputs
                    .iter()
                    .enumerate()
                    .map(|(i, input)| ChildRecord {
                        arn: child_arn(&run_arn, i),
                        input: input.clone(),
                        start: now,
                        end: None,
                    })
                    .collect();
            }
        }
        self.joins[j].reset_items(inputs);
        if n == 0 {
            self.join_finished(j);
        } else {
            self.advance_join(j);
        }
    }

    /// The input of one item: its ItemSelector's value (with `$$.Map.Item`), or the item.
    pub(super) fn select_item(&mut self, j: usize, index: usize, item: &Value) -> Result<Value, Fault> {
        let f = self.joins[j].frame;
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let selects = match &st.flow {
            Flow::JsonPath(p) => p.item_selector.is_some(),
            Flow::Jsonata(j) => j.item_selector.is_some(),
        };
        if !selects {
            return Ok(item.clone());
        }
        let mut ctx = self.context(f);
        ctx["Map"] = self.map_item_context(j, index, item);
        let eff = std::mem::take(&mut self.joins[j].effective_input);
        let r = self.with_context(f, &ctx, |env| super::dataflow::item_input(st, &eff, item, env));
        self.joins[j].effective_input = eff;
        r
    }

    /// `$$.Map` for an item: `{"Item": {"Index", "Value", "Source"}}`, where `Source` is
    /// `STATE_DATA` for items of the state input (an inline Map's too: the context object page of
    /// the developer guide shows `"ContextSource": "STATE_DATA"` for an INLINE Map), and a
    /// Distributed Map reader's `s3://` URI otherwise: the item's own object's when the reader read
    /// several (the ItemReader page: "the map context will also include a
    /// `$states.context.Map.Item.Source`" for Athena manifests).
    pub(super) fn map_item_context(&self, j: usize, index: usize, item: &Value) -> Value {
        let source = match (self.joins[j].kind, self.joins[j].dist.as_ref()) {
            (JoinKind::DistributedMap, Some(r)) => r.sources.source_of(index).unwrap_or(&r.source),
            _ => STATE_DATA,
        };
        map_item(index, item, source)
    }

    /// A child execution started, ended, or never ran: its record for the writer.
    pub(super) fn record_child(&mut self, j: usize, slot: usize, end: Option<Result<Value, Failure>>) {
        let now = self.now;
        let Some(run) = self.joins[j].dist.as_mut() else { return };
        let Some(c) = run.children.get_mut(slot) else { return };
        match end {
            None => c.start = now,
            Some(r) => c.end = Some((now, r)),
        }
    }

    /// The join is over (`failure`: the Map Run failed): with a `ResultWriter`, the results are
    /// transformed or written first. Returns false when there is no writer to wait for.
    pub(super) fn write_results(&mut self, j: usize, failure: Option<Failure>) -> bool {
        let f = self.joins[j].frame;
        let Some(run) = self.joins[j].dist.as_mut() else { return false };
        let Some((target, transformation, jsonl)) = run.writer.clone() else { return false };
        let run_arn = self.joins[j].run.as_ref().map(|r| r.arn.clone()).unwrap_or_default();
        let sm_arn = child_state_machine_arn(&run_arn);
        let Some(run) = self.joins[j].dist.as_mut() else { return false };
        let Some((bucket, prefix)) = target else {
            if failure.is_some() {
                return false;
            }
            let children: Vec<&ChildRecord> = run.children.iter().collect();
            let out = Value::Array(dmap::writer::transform(&children, transformation, &sm_arn));
            self.frames[f].join = None;
            self.frames[f].phase = Phase::Run;
            self.finish_with_result(f, out);
            return true;
        };
        let (objects, manifest) =
            dmap::writer::files(&bucket, &prefix, &run_arn, &sm_arn, &run.children, transformation, jsonl);
        run.failure = failure;
        self.frames[f].join = Some(j);
        self.frames[f].phase = Phase::Joining;
        let request = json!({"Bucket": bucket, "Key": manifest, "Objects": objects});
        self.internal_request(j, TaskPurpose::ResultWriter, request);
        true
    }

    /// Drops a join's unanswered reader or writer request (the run was aborted).
    pub(super) fn drop_dist_request(&mut self, j: usize) {
        if let Some(id) = self.joins[j].dist.as_mut().and_then(|r| r.pending.take()) {
            self.tasks.remove(&id);
        }
    }
}

/// `...:execution:<machine>/<label>:<id>` of child `index` of the Map Run `run_arn`
/// (`...:mapRun:<machine>/<label>:<run id>`): a UUID made from the run and the index.
pub(super) fn child_arn(run_arn: &str, index: usize) -> String {
    let (base, _) = run_arn.rsplit_once(':').unwrap_or((run_arn, ""));
    let id = super::config::run_id(&format!("{run_arn}#{index}"));
    format!("{}:{id}", base.replacen(":mapRun:", ":execution:", 1))
}

/// `...:stateMachine:<machine>/<label>`: the state machine the children of a Map Run run.
fn child_state_machine_arn(run_arn: &str) -> String {
    let (base, _) = run_arn.rsplit_once(':').unwrap_or((run_arn, ""));
    base.replacen(":mapRun:", ":stateMachine:", 1)
}
