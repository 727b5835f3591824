//! The sans-IO executor: an [`Execution`] runs one state machine and never does I/O.
//!
//! Like quinn-proto's `Connection`, an execution is fully deterministic: it never reads a
//! clock, never sleeps and never calls a random source (its seed is in the [`Config`]). The
//! driver owns time and I/O; [`Execution`] states the contract between them.
//!
//! Branches of `Parallel` and iterations of `Map` are frames on an explicit scheduler, never
//! recursion, so deep nesting cannot overflow a wasm stack.
//!
//! Modules: `config` (the configuration and limits), `state` (running a state), [`dataflow`]
//! (a state's data flow as pure functions, shared with [`crate::teststate`]), `task` (tasks
//! and timers), `join` (Parallel and Map), `failure` (Retry and Catch), `vars` (workflow
//! variables), `events` (recording history).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::{json, Map, Value};

mod budget;
mod config;
pub mod dataflow;
mod dmap;
mod events;
mod failure;
mod join;
mod maprun;
mod redrive;
mod replay;
mod sizes;
mod state;
mod task;
#[cfg(test)]
mod tests;
mod vars;

pub use budget::log_budget_cause;
pub use config::{
    Config, HistoryMode, Identity, MachineType, StatePayloads, DEFAULT_MAX_HISTORY_BYTES, DEFAULT_MAX_TRANSITIONS,
    MAX_PAYLOAD_BYTES, MAX_STANDARD_EVENTS, STANDARD_MAX_SECONDS, STREAM_FLUSH_BYTES,
};
pub use dataflow::eval_template;
pub use dmap::TaskPurpose;
pub(crate) use dmap::{map_item, STATE_DATA};
pub use failure::{error_matches, Fault};
pub use maprun::{MapRunInfo, MapRunStatus};
pub use replay::Replay;
pub use task::{is_activity, is_task_token, payload_size};

use crate::error::{ErrorName, Failure};
use crate::history::{self, Body, Event, SharedText};
use crate::model::{Kind, Machine, State};
use join::{Join, JoinKind};
use task::PendingTask;
use vars::VarScope;

/// The execution's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not ended yet.
    Running,
    /// Ended with an output.
    Succeeded,
    /// Ended with an error and a cause.
    Failed,
    /// Ran past the machine's `TimeoutSeconds` or the configured limit.
    TimedOut,
    /// Stopped by [`Execution::stop`].
    Aborted,
}

impl Status {
    /// AWS's name: `RUNNING`, `SUCCEEDED`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// A task the driver must run.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRequest {
    /// Pass it back to [`Execution::complete_task`].
    pub id: TaskId,
    /// The Task state's name.
    pub state_name: String,
    /// The state's `Resource` ARN.
    pub resource: String,
    /// The task input (the state's effective parameters).
    pub input: Value,
    /// How many times this state has been retried so far.
    pub retry_count: u32,
    /// The state's `Credentials`, as the definition gives them.
    pub credentials: Option<Value>,
    /// The task token of a `.waitForTaskToken` integration (also `$$.Task.Token`): the driver
    /// answers once the token is completed (`SendTaskSuccess` / `SendTaskFailure`).
    pub task_token: Option<String>,
    /// `TimeoutSeconds` of the task, if any.
    pub timeout_seconds: Option<f64>,
    /// `HeartbeatSeconds` of the task: call [`Execution::heartbeat`] at least this often.
    pub heartbeat_seconds: Option<f64>,
    /// When the task was scheduled (epoch ms).
    pub timestamp: i64,
    /// A Task state's work, or a Distributed Map's reader or writer request (see [`TaskPurpose`]).
    pub purpose: TaskPurpose,
}

/// What the executor needs from its driver.
#[derive(Debug, Clone, PartialEq)]
pub enum Poll {
    /// Run this task and call [`Execution::complete_task`].
    Task(Box<TaskRequest>),
    /// Nothing to do before this time (epoch ms); call `poll` again then. A time not after
    /// the current one means the poll's slice of work is used up: call again at once.
    WakeAt(i64),
    /// Waiting for task answers only.
    Idle,
    /// The execution ended.
    Done,
}

/// The id of a task handed out in [`Poll::Task`], to answer it with.
pub type TaskId = u64;

/// A frame: the thread of the top-level machine, of a Parallel branch or of a Map iteration.
type FrameId = usize;

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// The execution's own time limit.
    Execution,
    /// A Wait state's end or a retry's delay.
    Wake(FrameId),
    /// A task's `TimeoutSeconds`.
    TaskTimeout(TaskId),
    /// A task's `HeartbeatSeconds` (task id, heartbeat number).
    TaskHeartbeat(TaskId, u64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// About to enter `state`.
    Enter,
    /// Entered; run (or re-run after a retry) the state's work.
    Run,
    /// Waiting for a timer or a task.
    Blocked,
    /// Waiting for branches or iterations.
    Joining,
    /// Finished or aborted.
    Dead,
}

#[derive(Debug)]
struct Frame {
    machine: Arc<Machine>,
    state: usize,
    input: Value,
    phase: Phase,
    /// The join this frame reports to, and its slot.
    parent: Option<(usize, usize)>,
    last_event: u64,
    entered_event: u64,
    entered_time: i64,
    retry_counts: Vec<u32>,
    /// `$$.Map.Item` of the iteration this frame belongs to.
    map_item: Option<Arc<(usize, Value)>>,
    /// The join this frame waits on (Parallel or Map).
    join: Option<usize>,
    /// Pending wake-up (a Wait state) or task id.
    task: Option<TaskId>,
    /// Runs inside a Distributed Map's child execution: no events in this history.
    silent: bool,
    /// A Distributed Map state whose Map Run has started and not ended.
    map_run_started: bool,
    /// The variable scope this frame reads and assigns.
    scope: usize,
    /// `$$.Task.Token` of a running `.waitForTaskToken` task.
    task_token: Option<String>,
    /// The JSON text of `input` when the previous state already made it (its exit event).
    input_text: Option<SharedText>,
    /// The JSON text of the current state's input, as its entered event holds it: an exit with the
    /// same text (a Choice, a Pass that changes nothing) shares it.
    entered_text: Option<SharedText>,
    /// The parts of `input` that the Pass state (by index) moves, as the previous state found
    /// them in its output: its own output's walk (and text) takes them as given where they land.
    input_parts: Option<(usize, Vec<sizes::Part>)>,
}

/// One execution of a state machine, driven from outside.
///
/// It does no I/O and reads no clock: the driver passes the time `now` (epoch milliseconds,
/// never going back) into every call.
///
/// - Inputs: [`complete_task`](Self::complete_task) answers a task with its result or its
///   error; [`heartbeat`](Self::heartbeat) restarts a task's `HeartbeatSeconds`
///   (`SendTaskHeartbeat`); [`stop`](Self::stop) aborts the execution (`StopExecution`).
/// - Output: [`poll`](Self::poll) advances the execution as far as it can at `now` and says
///   what it needs next, a [`Poll`]: [`Poll::Task`], a [`TaskRequest`] to start (each task is
///   handed out once); [`Poll::WakeAt`], a time before which there is nothing to do;
///   [`Poll::Idle`], nothing to do until a task is answered; [`Poll::Done`], the end (read
///   [`status`](Self::status), [`output`](Self::output) or [`failure`](Self::failure)).
///
/// The order: after [`new`](Self::new), call `poll(now)` and act on its answer: start the
/// task and poll again; at `WakeAt(t)` poll again at `t` (at once when `t` is not after `now`:
/// the poll's slice of work was used up); at `Idle` wait for an answer. When an answer, a
/// heartbeat or a stop request arrives, make its input call with its time, then poll again.
/// Answers that come too late (the task timed out, the execution ended) change nothing.
/// [`crate::simulator::Simulator::advance`] is this loop for every execution of an account. By hand:
///
/// ```
/// use std::sync::Arc;
/// use asl_sim::exec::{Config, Execution, Identity, MachineType, Poll, Status};
/// use serde_json::json;
///
/// let machine = asl_sim::model::load(&json!({"StartAt": "Call", "States": {
///     "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}})).unwrap();
/// let id = Identity::new("123456789012", "us-east-1", "M", "run-1", MachineType::Standard);
/// let mut exec = Execution::new(Arc::new(machine), json!({"n": 1}), Config::new(id, MachineType::Standard));
/// let (mut now, mut started) = (exec.now(), Vec::new());
/// loop {
///     match exec.poll(now) {
///         Poll::Task(req) => started.push(req),
///         Poll::WakeAt(t) => now = now.max(t),
///         Poll::Idle => {
///             // The task's answer comes 5 seconds later.
///             let req = started.pop().unwrap();
///             now += 5_000;
///             exec.complete_task(req.id, Ok(json!({"Payload": req.input})), now);
///         }
///         Poll::Done => break,
///     }
/// }
/// assert_eq!(exec.status(), Status::Succeeded);
/// assert_eq!(exec.output(), Some(&json!({"Payload": {"n": 1}})));
/// ```
pub struct Execution {
    config: Config,
    /// The execution input as JSON text (what `ExecutionStarted` and `DescribeExecution` show).
    input_text: String,
    /// The input as a value: kept from the start when the machine may read the context object
    /// (`$$.Execution.Input`), else read back from the text on first use. Most machines never
    /// read it, and copying a large input cost every execution as much as reading it.
    input: std::cell::OnceCell<Value>,
    frames: Vec<Frame>,
    joins: Vec<Join>,
    runnable: VecDeque<FrameId>,
    timers: BTreeMap<(i64, u64), Timer>,
    timer_seq: u64,
    outgoing: VecDeque<TaskRequest>,
    tasks: BTreeMap<TaskId, PendingTask>,
    next_task_id: TaskId,
    /// The history events kept (all of them, unless the driver forgot some: [`Execution::forget_history`]).
    events: Vec<Event>,
    /// The id and time of the last event recorded, kept or not.
    last_event: (u64, i64),
    /// About how many bytes `events` hold (see [`Event::bytes`]).
    history_bytes: usize,
    /// When the execution times out (its `TimeoutSeconds` or the configured limit), if ever.
    deadline: Option<i64>,
    /// When a Standard execution's year ends ([`STANDARD_MAX_SECONDS`]): it times out there only
    /// if the clock passes it for another reason (a longer Wait, say). An execution that waits
    /// for the outside (a task token, an activity) is not woken by it, so that a virtual clock
    /// does not jump a year ahead of the caller who is about to answer.
    year_end: Option<i64>,
    scopes: Vec<VarScope>,
    now: i64,
    status: Status,
    /// The output's JSON text, once it succeeded.
    output: Option<String>,
    /// The output as a value, read from its text when first asked for.
    output_value: std::cell::OnceCell<Value>,
    failure: Option<Failure>,
    transitions: u64,
    rng: fastrand::Rng,
    /// How many times `RedriveExecution` restarted it.
    redrive_count: u32,
    /// With [`Config::replay`]: what went in, to make the history again when it is read.
    tape: Option<Box<replay::Tape>>,
    /// How many rounds `poll` has made (where it stopped to let its events be logged, for the tape).
    steps: u64,
    /// Making a history again: the round at which the execution stopped to let its events be logged.
    pause_at: Option<u64>,
}

impl Execution {
    /// Starts an execution: records `ExecutionStarted` and makes the first state runnable.
    pub fn new(machine: Arc<Machine>, input: Value, config: Config) -> Execution {
        let now = config.start_time;
        let timeout = match (machine.timeout_seconds, config.timeout_seconds) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let deadline = timeout.map(|s| now.saturating_add((s as i64).saturating_mul(1000)));
        let year_end = (config.machine_type == MachineType::Standard)
            .then(|| now.saturating_add(STANDARD_MAX_SECONDS as i64 * 1000))
            .filter(|end| deadline.map_or(true, |d| d > *end));
        let input_text = history::json_text(&input);
        let tape =
            (config.replay && config.history != HistoryMode::Keep).then(|| replay::Tape::new(machine.clone(), &config));
        let kept = std::cell::OnceCell::new();
        if machine.may_read_context() {
            let _ = kept.set(input.clone());
        }
        let mut ex = Execution {
            rng: fastrand::Rng::with_seed(config.seed),
            config,
            input_text,
            input: kept,
            frames: Vec::new(),
            joins: Vec::new(),
            runnable: VecDeque::new(),
            timers: BTreeMap::new(),
            timer_seq: 0,
            outgoing: VecDeque::new(),
            tasks: BTreeMap::new(),
            next_task_id: 1,
            events: Vec::new(),
            last_event: (0, now),
            history_bytes: 0,
            deadline,
            year_end,
            scopes: vec![VarScope::default()],
            now,
            status: Status::Running,
            output: None,
            output_value: std::cell::OnceCell::new(),
            failure: None,
            transitions: 0,
            redrive_count: 0,
            tape,
            steps: 0,
            pause_at: None,
        };
        let details = json!({
            "input": ex.input_text,
            "inputDetails": history::not_truncated(),
            "roleArn": ex.config.identity.role_arn,
        });
        // AWS records the first state's entry with previousEventId 0, not 1.
        ex.emit(0, "ExecutionStarted", Some(("executionStartedEventDetails", details)));
        if let Some(d) = deadline {
            ex.timers.insert((d, 0), Timer::Execution);
        }
        let start = machine.start_at;
        ex.spawn(machine, start, input, None, 0, None);
        ex
    }

    /// The events held: every event, or those recorded since the driver last called
    /// [`forget_history`](Self::forget_history) (none in [`HistoryMode::Discard`]). The whole
    /// history, also of an execution that makes it when read ([`Config::replay`]): [`history`](Self::history).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Drops the history events kept so far (their ids go on counting): a driver that keeps no
    /// history (an Express execution, as on AWS) calls it once it has written its log records.
    pub fn forget_history(&mut self) {
        self.events.clear();
        self.history_bytes = 0;
    }

    /// The id and time (epoch ms) of the last event recorded, whether or not it is still kept:
    /// `(0, start time)` before any.
    pub fn last_event(&self) -> (u64, i64) {
        self.last_event
    }

    /// About how many bytes the kept history holds (see [`Event::bytes`]).
    pub fn history_bytes(&self) -> usize {
        self.history_bytes
    }

    /// The status.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The output, once the execution succeeded (read from its text at the first call).
    pub fn output(&self) -> Option<&Value> {
        let text = self.output.as_deref()?;
        Some(self.output_value.get_or_init(|| serde_json::from_str(text).unwrap_or(Value::Null)))
    }

    /// The output as JSON text, once the execution succeeded.
    pub fn output_text(&self) -> Option<&str> {
        self.output.as_deref()
    }

    /// The error and cause, once the execution failed or timed out.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// The execution input.
    pub fn input(&self) -> &Value {
        // The text is what `history::json_text` wrote of a value read from JSON text no deeper
        // than serde_json's limit, so it reads back.
        self.input.get_or_init(|| serde_json::from_str(&self.input_text).unwrap_or(Value::Null))
    }

    /// The execution input as JSON text.
    pub fn input_text(&self) -> &str {
        &self.input_text
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The time of the last event or poll (epoch ms).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// The number of states entered so far.
    pub fn transitions(&self) -> u64 {
        self.transitions
    }

    /// Advances the execution as far as it can go at time `now` and says what it needs next.
    pub fn poll(&mut self, now: i64) -> Poll {
        if let Some(t) = &mut self.tape {
            t.poll(now);
        }
        if now > self.now {
            self.now = now;
        }
        let slice_end = self.transitions.saturating_add(self.config.poll_slice.max(1));
        loop {
            if self.status != Status::Running {
                return Poll::Done;
            }
            if self.year_end.is_some_and(|end| self.now >= end) {
                self.time_out();
                continue;
            }
            if let Some(req) = self.outgoing.pop_front() {
                return Poll::Task(Box::new(req));
            }
            self.steps += 1;
            if !self.runnable.is_empty() && (self.transitions >= slice_end || self.flush_due()) {
                return Poll::WakeAt(self.now);
            }
            if let Some(f) = self.runnable.pop_front() {
                self.run_frame(f);
                continue;
            }
            match self.timers.first_key_value() {
                Some((&(t, seq), &timer)) if t <= self.now => {
                    self.timers.remove(&(t, seq));
                    match timer {
                        Timer::Execution => self.time_out(),
                        Timer::Wake(frame) => self.wake(frame),
                        Timer::TaskTimeout(id) => {
                            let failure = Failure::new(ErrorName::Timeout, "");
                            self.complete_task(id, Err(failure), t);
                        }
                        Timer::TaskHeartbeat(id, seq) => {
                            if self.tasks.get(&id).is_some_and(|p| p.heartbeat_seq == seq) {
                                let failure = Failure::new(ErrorName::HeartbeatTimeout, "");
                                self.complete_task(id, Err(failure), t);
                            }
                        }
                    }
                }
                Some((&(t, _), _)) => {
                    // Tasks outstanding or not, the driver wakes us at t (or answers them first);
                    // a Standard execution's year may end before.
                    return Poll::WakeAt(self.year_end.map_or(t, |end| end.min(t)));
                }
                None => {
                    if self.tasks.is_empty() {
                        // Nothing runnable, nothing pending: cannot happen in a well-formed run.
                        self.fail_execution(Failure::new(ErrorName::Runtime, "The execution stalled."));
                        return Poll::Done;
                    }
                    return Poll::Idle;
                }
            }
        }
    }

    /// Whether a poll stops here for its driver to log the events held ([`HistoryMode::Stream`]).
    fn flush_due(&mut self) -> bool {
        if self.pause_at == Some(self.steps) {
            return true;
        }
        let due = self.config.history == HistoryMode::Stream && self.history_bytes > STREAM_FLUSH_BYTES;
        if let (true, Some(t)) = (due, &mut self.tape) {
            t.paused(self.steps);
        }
        due
    }

    /// Answers a task: its result, or its error and cause.
    pub fn complete_task(&mut self, id: TaskId, result: Result<Value, Failure>, now: i64) {
        if let Some(t) = &mut self.tape {
            t.complete(id, &result, now);
        }
        if self.status != Status::Running {
            // The execution ended (stopped, timed out, failed elsewhere): late answers change nothing.
            return;
        }
        if now > self.now {
            self.now = now;
        }
        let Some(task) = self.tasks.remove(&id) else { return };
        let f = task.frame;
        if task.internal {
            return self.internal_answered(f, result);
        }
        if self.frames[f].phase != Phase::Blocked || self.frames[f].task != Some(id) {
            return;
        }
        self.frames[f].task = None;
        self.task_answered(f, task, result);
    }

    /// The id of the running task whose task token is `token` (`.waitForTaskToken`), so a driver
    /// can answer `SendTaskSuccess` / `SendTaskFailure` / `SendTaskHeartbeat` by token.
    pub fn task_for_token(&self, token: &str) -> Option<TaskId> {
        self.tasks.iter().find_map(|(id, t)| {
            let fr = self.frames.get(t.frame)?;
            (fr.task == Some(*id) && fr.task_token.as_deref() == Some(token)).then_some(*id)
        })
    }

    /// A heartbeat for a running task (`SendTaskHeartbeat`): its `HeartbeatSeconds` start again.
    /// Returns false when no such task is running.
    pub fn heartbeat(&mut self, id: TaskId, now: i64) -> bool {
        if let Some(t) = &mut self.tape {
            t.heartbeat(id, now);
        }
        if now > self.now {
            self.now = now;
        }
        let Some(task) = self.tasks.get_mut(&id) else { return false };
        if let Some(hb) = task.heartbeat_ms {
            task.heartbeat_seq += 1;
            let seq = task.heartbeat_seq;
            self.timer_seq += 1;
            self.timers.insert((self.now.saturating_add(hb), self.timer_seq), Timer::TaskHeartbeat(id, seq));
        }
        true
    }

    /// Stops the execution (`StopExecution`): ABORTED.
    pub fn stop(&mut self, error: Option<&str>, cause: Option<&str>, now: i64) {
        if let Some(t) = &mut self.tape {
            t.stop(error, cause, now);
        }
        if self.status != Status::Running {
            return;
        }
        if now > self.now {
            self.now = now;
        }
        let mut d = Map::new();
        if let Some(e) = error {
            d.insert("error".into(), json!(e));
        }
        if let Some(c) = cause {
            d.insert("cause".into(), json!(c));
        }
        let prev = self.last_event.0;
        self.emit(prev, "ExecutionAborted", Some(("executionAbortedEventDetails", Value::Object(d))));
        self.status = Status::Aborted;
        self.failure = Some(Failure::custom(error.unwrap_or(""), cause.unwrap_or("")));
    }

    /// Whether every state event gets its payload text (and a state's exit text serves as the next
    /// state's entry text): not when nobody can read them all (see [`Config::state_payloads`]).
    fn keeps_text(&self) -> bool {
        self.config.history != HistoryMode::Discard && self.config.state_payloads == StatePayloads::All
    }

    /// Whether the entry of a state of kind `kind` gets its input's text.
    fn enters_with_text(&self, kind: &Kind) -> bool {
        self.config.history != HistoryMode::Discard
            && match self.config.state_payloads {
                StatePayloads::All => true,
                StatePayloads::FailEntries => matches!(kind, Kind::Fail),
                StatePayloads::None => false,
            }
    }

    fn state(&self, f: FrameId) -> &State {
        let fr = &self.frames[f];
        &fr.machine.states[fr.state]
    }

    fn spawn(
        &mut self,
        machine: Arc<Machine>,
        state: usize,
        input: Value,
        parent: Option<(usize, usize)>,
        last_event: u64,
        map_item: Option<Arc<(usize, Value)>>,
    ) -> FrameId {
        let id = self.frames.len();
        // A branch or iteration gets its own scope below its parent state's.
        let scope = match parent {
            None => 0,
            Some((j, _)) => {
                let outer = self.frames[self.joins[j].frame].scope;
                self.scopes.push(VarScope { parent: Some(outer), vars: HashMap::new() });
                self.scopes.len() - 1
            }
        };
        self.frames.push(Frame {
            machine,
            state,
            input,
            phase: Phase::Enter,
            parent,
            last_event,
            entered_event: 0,
            entered_time: self.now,
            retry_counts: Vec::new(),
            map_item,
            join: None,
            task: None,
            map_run_started: false,
            scope,
            task_token: None,
            input_parts: None,
            input_text: None,
            entered_text: None,
            silent: parent.is_some_and(|(j, _)| {
                self.joins[j].kind == JoinKind::DistributedMap || self.frames[self.joins[j].frame].silent
            }),
        });
        self.runnable.push_back(id);
        id
    }

    fn run_frame(&mut self, f: FrameId) {
        match self.frames[f].phase {
            Phase::Enter => self.enter(f),
            Phase::Run => self.run_state(f),
            _ => {}
        }
    }

    fn wake(&mut self, f: FrameId) {
        if self.frames[f].phase != Phase::Blocked {
            return;
        }
        if let Kind::Wait = self.state(f).kind {
            self.wait_over(f);
        } else {
            // A retry delay is over: run the state again.
            self.frames[f].phase = Phase::Run;
            self.run_state(f);
        }
    }

    fn enter(&mut self, f: FrameId) {
        self.transitions += 1;
        if self.transitions > self.config.max_transitions {
            let cause = budget::transitions_cause(self.config.max_transitions);
            self.fail_execution(Failure::new(ErrorName::Runtime, cause));
            return;
        }
        if self.config.state_cost_ms > 0 {
            self.now = self.now.saturating_add(self.config.state_cost_ms.min(i64::MAX as u64) as i64);
            if let Some(d) = self.deadline.filter(|d| self.now >= *d) {
                // The execution's time ran out while this state was starting: its timer's moment.
                self.now = d;
                self.time_out();
                return;
            }
        }
        // The previous state's exit text, when texts are kept for every state.
        let cached = self.frames[f].input_text.take().filter(|_| self.keeps_text());
        let shared = cached.is_some();
        let (kind, details) = {
            let st = self.state(f);
            let kind = st.kind.entered_event();
            let payload: SharedText = match cached {
                Some(payload) => payload,
                None if self.enters_with_text(&st.kind) => history::json_text(&self.frames[f].input).into(),
                None => SharedText::default(),
            };
            (kind, Body::State { entered: true, name: st.name.clone(), payload })
        };
        if let Body::State { payload, .. } = &details {
            self.frames[f].entered_text = Some(payload.clone());
        }
        let id = self.emit_frame_shared(f, kind, details, shared);
        let fr = &mut self.frames[f];
        fr.entered_event = id;
        fr.entered_time = self.now;
        fr.retry_counts.clear();
        fr.phase = Phase::Run;
        self.run_state(f);
    }

    /// The context object (`$$`) as the current state of frame `f` sees it.
    fn context(&self, f: FrameId) -> Value {
        let fr = &self.frames[f];
        let st = self.state(f);
        let id = &self.config.identity;
        let retry: u32 = fr.retry_counts.iter().sum();
        let mut ctx = json!({
            "Execution": {
                "Id": id.execution_arn,
                "Input": self.input(),
                "StartTime": history::iso_context(self.config.start_time),
                "Name": id.execution_name,
                "RoleArn": id.role_arn,
            },
            "StateMachine": {"Id": id.state_machine_arn, "Name": id.state_machine_name},
            "State": {"Name": st.name, "EnteredTime": history::iso_context(fr.entered_time)},
        });
        // AWS shows `RetryCount` only to Task states (the recordings of Pass states lack it).
        if matches!(st.kind, Kind::Task(_)) {
            ctx["State"]["RetryCount"] = json!(retry);
        }
        // Callback tasks see their token; an activity's token goes to its worker only.
        let activity = matches!(&st.kind, Kind::Task(spec) if task::is_activity(&spec.resource));
        if let (Some(token), false) = (&fr.task_token, activity) {
            ctx["Task"] = json!({"Token": token});
        }
        // Express executions cannot be redriven: only those started asynchronously show a
        // RedriveCount, always 0 (as recorded on AWS).
        if self.config.redrive_count_in_context {
            ctx["Execution"]["RedriveCount"] = json!(self.redrive_count);
        }
        if let Some(item) = &fr.map_item {
            ctx["Map"] = json!({"Item": {"Index": item.0, "Value": item.1}});
        }
        ctx
    }
}
