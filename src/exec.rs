//! The sans-IO executor.
//!
//! An [`Execution`] never reads a clock, never sleeps and never calls a random source: the
//! driver passes the time into [`Execution::poll`] and answers the [`Poll`] it gets back
//! (run this task, wake me at T). Branches of `Parallel` and iterations of `Map` are frames
//! on an explicit scheduler, never recursion, so deep nesting cannot overflow a wasm stack.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::{json, Map, Value};

mod ja;

use crate::error::{ErrorName, Failure};
use crate::history::{self, Body, Event};
use crate::jsonpath::JsonPath;
use crate::model::{
    Kind, Machine, MapSpec, NumberField, PathField, ResultPath, Retrier, Source, State, Template, Transition, WaitFor,
};

/// The most events a Standard execution's history may hold (AWS's quota); Express has no limit.
pub const MAX_STANDARD_EVENTS: u64 = 25_000;

/// The largest payload a state may pass on: 256 KiB.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// Standard or Express.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType {
    Standard,
    Express,
}

/// Names and ARNs of the account, machine and execution: the context object reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub account: String,
    pub region: String,
    pub role_arn: String,
    pub state_machine_name: String,
    pub state_machine_arn: String,
    pub execution_name: String,
    pub execution_arn: String,
}

impl Identity {
    /// An identity in the given account and region with ARNs built as AWS builds them.
    pub fn new(account: &str, region: &str, machine: &str, execution: &str, machine_type: MachineType) -> Identity {
        let state_machine_arn = format!("arn:aws:states:{region}:{account}:stateMachine:{machine}");
        let execution_arn = match machine_type {
            MachineType::Standard => format!("arn:aws:states:{region}:{account}:execution:{machine}:{execution}"),
            MachineType::Express => {
                // AWS ends an Express execution's ARN with a run id (a UUID), since names repeat;
                // here it is derived from the names, so the same identity gives the same ARN.
                let run = run_id(&format!("{region}:{account}:{machine}:{execution}"));
                format!("arn:aws:states:{region}:{account}:express:{machine}:{execution}:{run}")
            }
        };
        Identity {
            account: account.into(),
            region: region.into(),
            role_arn: format!("arn:aws:iam::{account}:role/StepFunctions-{machine}-role"),
            state_machine_name: machine.into(),
            state_machine_arn,
            execution_name: execution.into(),
            execution_arn,
        }
    }
}

/// A version 4 style UUID derived from `seed` (SHA-256), for deterministic run ids.
fn run_id(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

/// How an execution runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub identity: Identity,
    pub machine_type: MachineType,
    /// Epoch milliseconds of the start.
    pub start_time: i64,
    /// Seed of the random source (UUIDs, `States.MathRandom`, retry jitter).
    pub seed: u64,
    /// The most states one execution may enter before it is stopped (runaway machines).
    pub max_transitions: u64,
    /// The execution times out after this many seconds (besides the machine's `TimeoutSeconds`).
    pub timeout_seconds: Option<u64>,
    /// The most states one call of [`Execution::poll`] enters before it returns
    /// `Poll::WakeAt(now)`, so a driver on a single thread (a browser) can yield in between.
    pub poll_slice: u64,
}

impl Config {
    /// Defaults for an identity: start at 2024-01-01T00:00:00Z, seed 0, a budget of 10 million transitions,
    /// and the 5-minute limit for Express.
    pub fn new(identity: Identity, machine_type: MachineType) -> Config {
        Config {
            identity,
            machine_type,
            start_time: 1_704_067_200_000,
            seed: 0,
            max_transitions: 10_000_000,
            poll_slice: 10_000,
            timeout_seconds: match machine_type {
                MachineType::Express => Some(300),
                MachineType::Standard => None,
            },
        }
    }
}

/// The execution's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
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
    pub id: u64,
    pub state_name: String,
    pub resource: String,
    /// The task input (the state's effective parameters).
    pub input: Value,
    /// How many times this state has been retried so far.
    pub retry_count: u32,
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
        if f.error == ErrorName::Runtime.as_str() {
            Fault::Runtime(f.cause)
        } else if f.error == ErrorName::QueryEvaluationError.as_str() {
            Fault::Query(f.cause)
        } else {
            Fault::Failure(f)
        }
    }
}

type FrameId = usize;

/// One scope of workflow variables: the top level, or a Parallel branch or Map iteration,
/// which reads its parents' variables and keeps its own assignments to itself.
#[derive(Debug, Default)]
struct VarScope {
    parent: Option<usize>,
    vars: HashMap<String, Value>,
}

/// The workflow variables a frame sees.
#[derive(Clone, Copy)]
pub struct Vars<'a> {
    scopes: &'a [VarScope],
    scope: usize,
}

/// Where a template's `$name` variables come from: an execution's scopes, or a flat map
/// (TestState's `variables`).
pub trait VarLookup {
    /// The value of variable `name`.
    fn var(&self, name: &str) -> Option<&Value>;
}

impl VarLookup for Vars<'_> {
    fn var(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl VarLookup for Map<String, Value> {
    fn var(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl<'a> Vars<'a> {
    /// No variables at all.
    pub const NONE: Vars<'static> = Vars { scopes: &[], scope: 0 };

    /// A variable's value, looked up from the innermost scope out.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let mut at = Some(self.scope);
        while let Some(i) = at {
            let s = self.scopes.get(i)?;
            if let Some(v) = s.vars.get(name) {
                return Some(v);
            }
            at = s.parent;
        }
        None
    }
}

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// The execution's own time limit.
    Execution,
    /// A Wait state's end or a retry's delay.
    Wake(FrameId),
    /// A task's `TimeoutSeconds`.
    TaskTimeout(u64),
    /// A task's `HeartbeatSeconds` (task id, heartbeat number).
    TaskHeartbeat(u64, u64),
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
    task: Option<u64>,
    /// Runs inside a Distributed Map's child execution: no events in this history.
    silent: bool,
    /// A Distributed Map state whose Map Run has started and not ended.
    map_run_started: bool,
    /// The variable scope this frame reads and assigns.
    scope: usize,
    /// `$$.Task.Token` of a running `.waitForTaskToken` task.
    task_token: Option<String>,
    /// The JSON text of `input` when the previous state already made it (its exit event).
    input_text: Option<String>,
}

#[derive(Debug)]
struct Join {
    frame: FrameId,
    is_map: bool,
    results: Vec<Value>,
    remaining: usize,
    /// Map: items not started yet, in order.
    pending_items: VecDeque<(usize, Value)>,
    children: Vec<FrameId>,
    running: usize,
    max_concurrency: usize,
    failures: usize,
    total: usize,
    tolerated_count: Option<u64>,
    tolerated_percentage: Option<f64>,
    /// The state's effective input (after InputPath), for ItemSelector.
    effective_input: Value,
    done: bool,
    started_event: u64,
    /// A Distributed Map: iterations are child executions, recorded as one Map Run.
    distributed: bool,
}

#[derive(Debug)]
struct PendingTask {
    frame: FrameId,
    lambda: bool,
    resource: String,
    heartbeat_ms: Option<i64>,
    /// Bumped by each heartbeat, so only the latest heartbeat timer counts.
    heartbeat_seq: u64,
}

/// One execution of a state machine.
pub struct Execution {
    config: Config,
    input: Value,
    frames: Vec<Frame>,
    joins: Vec<Join>,
    runnable: VecDeque<FrameId>,
    timers: BTreeMap<(i64, u64), Timer>,
    timer_seq: u64,
    outgoing: VecDeque<TaskRequest>,
    tasks: BTreeMap<u64, PendingTask>,
    next_task_id: u64,
    events: Vec<Event>,
    scopes: Vec<VarScope>,
    now: i64,
    status: Status,
    output: Option<Value>,
    failure: Option<Failure>,
    transitions: u64,
    rng: fastrand::Rng,
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
        let mut ex = Execution {
            rng: fastrand::Rng::with_seed(config.seed),
            config,
            input: input.clone(),
            frames: Vec::new(),
            joins: Vec::new(),
            runnable: VecDeque::new(),
            timers: BTreeMap::new(),
            timer_seq: 0,
            outgoing: VecDeque::new(),
            tasks: BTreeMap::new(),
            next_task_id: 1,
            events: Vec::new(),
            scopes: vec![VarScope::default()],
            now,
            status: Status::Running,
            output: None,
            failure: None,
            transitions: 0,
        };
        let details = json!({
            "input": history::json_text(&input),
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

    /// The history so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The status.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The output, once the execution succeeded.
    pub fn output(&self) -> Option<&Value> {
        self.output.as_ref()
    }

    /// The error and cause, once the execution failed or timed out.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// The execution input.
    pub fn input(&self) -> &Value {
        &self.input
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
        if now > self.now {
            self.now = now;
        }
        let slice_end = self.transitions.saturating_add(self.config.poll_slice.max(1));
        loop {
            if self.status != Status::Running {
                return Poll::Done;
            }
            if let Some(req) = self.outgoing.pop_front() {
                return Poll::Task(Box::new(req));
            }
            if !self.runnable.is_empty() && self.transitions >= slice_end {
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
                    if self.tasks.is_empty() {
                        return Poll::WakeAt(t);
                    }
                    // Tasks outstanding: the driver answers them or wakes us at t.
                    return Poll::WakeAt(t);
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

    /// Answers a task: its result, or its error and cause.
    pub fn complete_task(&mut self, id: u64, result: Result<Value, Failure>, now: i64) {
        if self.status != Status::Running {
            // The execution ended (stopped, timed out, failed elsewhere): late answers change nothing.
            return;
        }
        if now > self.now {
            self.now = now;
        }
        let Some(task) = self.tasks.remove(&id) else { return };
        let f = task.frame;
        if self.frames[f].phase != Phase::Blocked || self.frames[f].task != Some(id) {
            return;
        }
        self.frames[f].task = None;
        let (rtype, res) = resource_parts(&task.resource);
        match result {
            Ok(value) => {
                let size = payload_size(&value);
                if task.lambda {
                    let d = json!({"output": history::json_text(&value), "outputDetails": history::not_truncated()});
                    self.emit_frame(f, "LambdaFunctionSucceeded", Some(("lambdaFunctionSucceededEventDetails", d)));
                } else {
                    let d = json!({"resourceType": rtype, "resource": res, "output": history::json_text(&value),
                        "outputDetails": history::not_truncated()});
                    self.emit_frame(f, "TaskSucceeded", Some(("taskSucceededEventDetails", d)));
                }
                self.frames[f].phase = Phase::Run;
                if size > MAX_PAYLOAD_BYTES {
                    let fail = Failure::new(ErrorName::DataLimitExceeded, data_limit_cause(&task.resource));
                    self.state_failed(f, Fault::Failure(fail));
                    return;
                }
                self.finish_with_result(f, value);
            }
            Err(failure) => {
                // A timeout (TimeoutSeconds or HeartbeatSeconds) is recorded as TimedOut, not Failed.
                let timed_out = failure.error == ErrorName::Timeout.as_str()
                    || failure.error == ErrorName::HeartbeatTimeout.as_str();
                if task.lambda {
                    let (kind, key) = if timed_out {
                        ("LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails")
                    } else {
                        ("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails")
                    };
                    let d = history::failure_details(key, &failure.error, &failure.cause);
                    self.emit_frame(f, kind, Some(d));
                } else {
                    let (kind, key) = if timed_out {
                        ("TaskTimedOut", "taskTimedOutEventDetails")
                    } else {
                        ("TaskFailed", "taskFailedEventDetails")
                    };
                    let d =
                        json!({"resourceType": rtype, "resource": res, "error": failure.error, "cause": failure.cause});
                    self.emit_frame(f, kind, Some((key, d)));
                }
                self.frames[f].phase = Phase::Run;
                self.state_failed(f, Fault::Failure(failure));
            }
        }
    }

    /// The id of the running task whose task token is `token` (`.waitForTaskToken`), so a driver
    /// can answer `SendTaskSuccess` / `SendTaskFailure` / `SendTaskHeartbeat` by token.
    pub fn task_for_token(&self, token: &str) -> Option<u64> {
        self.tasks.iter().find_map(|(id, t)| {
            let fr = self.frames.get(t.frame)?;
            (fr.task == Some(*id) && fr.task_token.as_deref() == Some(token)).then_some(*id)
        })
    }

    /// A heartbeat for a running task (`SendTaskHeartbeat`): its `HeartbeatSeconds` start again.
    /// Returns false when no such task is running.
    pub fn heartbeat(&mut self, id: u64, now: i64) -> bool {
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
        let prev = self.events.last().map_or(0, |e| e.id);
        self.emit(prev, "ExecutionAborted", Some(("executionAbortedEventDetails", Value::Object(d))));
        self.status = Status::Aborted;
        self.failure = Some(Failure::custom(error.unwrap_or(""), cause.unwrap_or("")));
    }

    // ------------------------------------------------------------------ events

    fn emit(&mut self, previous: u64, kind: &'static str, details: impl Into<Body>) -> u64 {
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

    fn emit_frame(&mut self, f: FrameId, kind: &'static str, details: impl Into<Body>) -> u64 {
        if self.frames[f].silent {
            // A Distributed Map's child executions keep their events out of the parent history.
            return self.frames[f].last_event;
        }
        let prev = self.frames[f].last_event;
        let id = self.emit(prev, kind, details);
        self.frames[f].last_event = id;
        id
    }

    fn state(&self, f: FrameId) -> &State {
        let fr = &self.frames[f];
        &fr.machine.states[fr.state]
    }

    // ------------------------------------------------------------------ frames

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
            input_text: None,
            silent: parent.is_some_and(|(j, _)| self.joins[j].distributed || self.frames[self.joins[j].frame].silent),
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
        let st = self.state(f);
        if let (Kind::Wait(_), crate::model::QueryLanguage::Jsonata) = (&st.kind, st.lang) {
            self.frames[f].phase = Phase::Run;
            return self.ja_finish(f, None);
        }
        if let Kind::Wait(_) = st.kind {
            // The Wait is over: its output is its effective input through OutputPath.
            let input = std::mem::take(&mut self.frames[f].input);
            let eff = match self.apply_input_path(f, &input) {
                Ok(v) => v,
                Err(e) => return self.state_failed(f, e),
            };
            self.frames[f].input = input;
            self.frames[f].phase = Phase::Run;
            let machine = self.frames[f].machine.clone();
            if let Some(a) = &machine.states[self.frames[f].state].assign {
                if let Err(e) = self.assign(f, a, &eff) {
                    return self.state_failed(f, e);
                }
            }
            self.finish_with_output(f, eff);
        } else {
            // A retry delay is over: run the state again.
            self.frames[f].phase = Phase::Run;
            self.run_state(f);
        }
    }

    fn enter(&mut self, f: FrameId) {
        self.transitions += 1;
        if self.transitions > self.config.max_transitions {
            let cause = format!(
                "The execution exceeded the simulator's budget of {} state transitions.",
                self.config.max_transitions
            );
            self.fail_execution(Failure::new(ErrorName::Runtime, cause));
            return;
        }
        let cached = self.frames[f].input_text.take();
        let (kind, details) = {
            let st = self.state(f);
            let kind = st.kind.entered_event();
            let details = match cached {
                Some(payload) => Body::State { entered: true, name: st.name.clone(), payload },
                None => history::state_entered(&st.name, &self.frames[f].input),
            };
            (kind, details)
        };
        let id = self.emit_frame(f, kind, details);
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
                "Input": self.input,
                "StartTime": history::iso_millis(self.config.start_time),
                "Name": id.execution_name,
                "RoleArn": id.role_arn,
            },
            "StateMachine": {"Id": id.state_machine_arn, "Name": id.state_machine_name},
            "State": {"Name": st.name, "EnteredTime": history::iso_millis(fr.entered_time)},
        });
        // AWS shows `RetryCount` only to Task states (the recordings of Pass states lack it).
        if matches!(st.kind, Kind::Task(_)) {
            ctx["State"]["RetryCount"] = json!(retry);
        }
        if let Some(token) = &fr.task_token {
            ctx["Task"] = json!({"Token": token});
        }
        // Express executions cannot be redriven and have no RedriveCount (as recorded on AWS).
        if self.config.machine_type == MachineType::Standard {
            ctx["Execution"]["RedriveCount"] = json!(0);
        }
        if let Some(item) = &fr.map_item {
            ctx["Map"] = json!({"Item": {"Index": item.0, "Value": item.1}});
        }
        ctx
    }

    fn context_if_needed(&self, f: FrameId) -> Value {
        if self.state(f).uses_context {
            self.context(f)
        } else {
            Value::Null
        }
    }

    /// The variables frame `f` sees.
    fn vars(&self, f: FrameId) -> Vars<'_> {
        Vars { scopes: &self.scopes, scope: self.frames[f].scope }
    }

    /// A path's value: read from a variable, the context object, or `doc`.
    fn select_path(&self, f: FrameId, p: &JsonPath, doc: &Value) -> Result<Value, Fault> {
        if let Some(name) = p.variable() {
            let v = self.vars(f).get(name).ok_or_else(|| undefined_variable(p, name))?;
            return select_or_invalid(p, v);
        }
        if p.is_context() {
            return select_or_invalid(p, &self.context(f));
        }
        select_or_invalid(p, doc)
    }

    /// Like [`Self::select_path`], with `None` when the path matches nothing.
    fn select_path_opt(&self, f: FrameId, p: &JsonPath, doc: &Value) -> Result<Option<Value>, Fault> {
        if let Some(name) = p.variable() {
            let v = self.vars(f).get(name).ok_or_else(|| undefined_variable(p, name))?;
            return Ok(p.select(v));
        }
        if p.is_context() {
            return Ok(p.select(&self.context(f)));
        }
        Ok(p.select(doc))
    }

    /// Evaluates `Assign` and stores the variables in the frame's scope, all values computed first.
    fn assign(&mut self, f: FrameId, assign: &Template, doc: &Value) -> Result<(), Fault> {
        let ctx = self.context_if_needed(f);
        let value = eval_template(
            assign,
            doc,
            &ctx,
            &Vars { scopes: &self.scopes, scope: self.frames[f].scope },
            &mut self.rng,
        )?;
        if let Value::Object(map) = value {
            let scope = self.frames[f].scope;
            if let Some(s) = self.scopes.get_mut(scope) {
                s.vars.extend(map);
            }
        }
        Ok(())
    }

    fn apply_input_path(&self, f: FrameId, input: &Value) -> Result<Value, Fault> {
        match &self.state(f).input_path {
            PathField::Whole => Ok(input.clone()),
            PathField::Null => Ok(json!({})),
            PathField::Path(p) => self.select_path(f, p, input),
        }
    }

    fn run_state(&mut self, f: FrameId) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let input = std::mem::take(&mut self.frames[f].input);
        if st.lang == crate::model::QueryLanguage::Jsonata {
            if let Err(fault) = self.run_jsonata(f, st, &input) {
                self.frames[f].input = input;
                self.state_failed(f, fault);
            }
            return;
        }
        // A Pass state's result is computed from the borrowed input, which then moves back to
        // the frame for ResultPath: no copy of the document.
        if let Kind::Pass { result } = &st.kind {
            match self.pass_result(f, st, result.as_ref(), &input) {
                Ok(value) => {
                    self.frames[f].input = input;
                    self.finish_with_result(f, value);
                }
                Err(fault) => {
                    self.frames[f].input = input;
                    self.state_failed(f, fault);
                }
            }
            return;
        }
        if let Err(fault) = self.run_kind(f, st, &input) {
            // The raw input goes back to the frame for Catch's ResultPath.
            self.frames[f].input = input;
            self.state_failed(f, fault);
        }
    }

    fn pass_result(&mut self, f: FrameId, st: &State, result: Option<&Value>, input: &Value) -> Result<Value, Fault> {
        match result {
            Some(r) => Ok(r.clone()),
            None => self.parameters_applied(f, st, input),
        }
    }

    /// `InputPath`, then `Parameters` when the state has them: what a Pass, Task or Parallel
    /// state works on. The effective input is borrowed, and copied only when it is the answer.
    fn parameters_applied(&mut self, f: FrameId, st: &State, input: &Value) -> Result<Value, Fault> {
        let eff = self.effective_input(f, input)?;
        match &st.parameters {
            Some(p) => {
                let ctx = self.context_if_needed(f);
                eval_template(p, &eff, &ctx, &Vars { scopes: &self.scopes, scope: self.frames[f].scope }, &mut self.rng)
            }
            None => Ok(eff.into_owned()),
        }
    }

    /// The effective input (after `InputPath`), borrowed from the raw input where it can be.
    fn effective_input<'a>(&self, f: FrameId, input: &'a Value) -> Result<Cow<'a, Value>, Fault> {
        match &self.state(f).input_path {
            PathField::Whole => Ok(Cow::Borrowed(input)),
            PathField::Path(p) if p.variable().is_none() && !p.is_context() && p.is_definite() => {
                match p.select_ref(input) {
                    Some(v) => Ok(Cow::Borrowed(v)),
                    None => select_or_invalid(p, input).map(Cow::Owned),
                }
            }
            _ => self.apply_input_path(f, input).map(Cow::Owned),
        }
    }

    fn run_kind(&mut self, f: FrameId, st: &State, input: &Value) -> Result<(), Fault> {
        match &st.kind {
            Kind::Pass { .. } => Ok(()),
            Kind::Succeed => {
                let eff = self.apply_input_path(f, input)?;
                self.frames[f].input = input.clone();
                self.finish_with_output(f, eff);
                Ok(())
            }
            Kind::Fail { error, cause } => {
                let ctx = self.context_if_needed(f);
                let err = self.fail_field(f, error, "ErrorPath", input, &ctx)?;
                let cause = self.fail_field(f, cause, "CausePath", input, &ctx)?;
                self.frames[f].input = input.clone();
                self.thread_failed(f, Failure { error: err.unwrap_or_default(), cause: cause.unwrap_or_default() });
                Ok(())
            }
            Kind::Choice { choices, default } => {
                let eff = self.apply_input_path(f, input)?;
                let ctx = self.context_if_needed(f);
                let mut next = None;
                let vars = self.vars(f);
                let root = |p: &JsonPath| -> Option<&Value> {
                    match p.variable() {
                        Some(name) => vars.get(name),
                        None if p.is_context() => Some(&ctx),
                        None => Some(&eff),
                    }
                };
                let mut assign = st.assign.as_ref();
                for (rule, target, rule_assign) in choices {
                    match rule.eval(&root) {
                        Ok(true) => {
                            next = Some(*target);
                            // A matching rule's Assign replaces the state's (used with Default).
                            assign = rule_assign.as_ref();
                            break;
                        }
                        Ok(false) => {}
                        Err(p) => {
                            return Err(Fault::Runtime(format!(
                                "Invalid path '{}': The choice state's condition path references an invalid value.",
                                p.0
                            )))
                        }
                    }
                }
                let Some(next) = next.or(*default) else {
                    return Err(Fault::Failure(Failure::new(ErrorName::NoChoiceMatched, "No Matches!")));
                };
                if let Some(a) = assign {
                    self.assign(f, a, &eff)?;
                }
                let out = self.apply_output_path(f, &eff)?;
                let d = history::state_exited(&st.name, &out);
                self.emit_frame(f, "ChoiceStateExited", d);
                self.goto(f, next, out);
                Ok(())
            }
            Kind::Wait(w) => {
                let eff = self.apply_input_path(f, input)?;
                let until = self.wait_until(f, w, &eff)?;
                self.frames[f].input = input.clone();
                self.frames[f].phase = Phase::Blocked;
                self.add_timer(until, f);
                Ok(())
            }
            Kind::Task(spec) => {
                // The token first: Parameters may read it as `$$.Task.Token`.
                self.frames[f].task_token = new_task_token(&spec.resource, &mut self.rng);
                let params = self.parameters_applied(f, st, input)?;
                let timeout = match &spec.timeout {
                    Some(t) => Some(self.float_field(f, t, "TimeoutSecondsPath", input)?),
                    None => None,
                };
                let heartbeat = match &spec.heartbeat {
                    Some(h) => Some(self.float_field(f, h, "HeartbeatSecondsPath", input)?),
                    None => None,
                };
                self.frames[f].input = input.clone();
                self.schedule_task(f, &st.name, spec, params, timeout, heartbeat);
                Ok(())
            }
            Kind::Parallel { branches } => {
                let branch_input = self.parameters_applied(f, st, input)?;
                self.frames[f].input = input.clone();
                self.start_parallel(f, branches, branch_input);
                Ok(())
            }
            Kind::Map(spec) => self.start_map(f, st, spec, input),
        }
    }

    /// Records the task's scheduling and asks the driver to run it.
    fn schedule_task(
        &mut self,
        f: FrameId,
        state_name: &str,
        spec: &crate::model::TaskSpec,
        params: Value,
        timeout: Option<f64>,
        heartbeat: Option<f64>,
    ) {
        let id = self.next_task_id;
        self.next_task_id += 1;
        let lambda = is_plain_lambda(&spec.resource);
        let (rtype, res) = resource_parts(&spec.resource);
        if lambda {
            let d = json!({"resource": spec.resource, "input": history::json_text(&params),
                "inputDetails": history::not_truncated()});
            self.emit_frame(f, "LambdaFunctionScheduled", Some(("lambdaFunctionScheduledEventDetails", d)));
            self.emit_frame(f, "LambdaFunctionStarted", None);
        } else {
            let d = json!({"resourceType": rtype, "resource": res, "region": self.config.identity.region,
                "parameters": history::json_text(&params)});
            self.emit_frame(f, "TaskScheduled", Some(("taskScheduledEventDetails", d)));
            let d = json!({"resourceType": rtype, "resource": res});
            self.emit_frame(f, "TaskStarted", Some(("taskStartedEventDetails", d)));
        }
        let timeout_seconds = timeout.filter(|s| *s > 0.0);
        if let Some(secs) = timeout_seconds {
            self.timer_seq += 1;
            let at = self.now.saturating_add((secs * 1000.0).min(1e15) as i64);
            self.timers.insert((at, self.timer_seq), Timer::TaskTimeout(id));
        }
        let heartbeat_seconds = heartbeat.filter(|s| *s > 0.0);
        let heartbeat_ms = heartbeat_seconds.map(|s| (s * 1000.0).min(1e15) as i64);
        self.tasks.insert(
            id,
            PendingTask { frame: f, lambda, resource: spec.resource.clone(), heartbeat_ms, heartbeat_seq: 0 },
        );
        if let Some(hb) = heartbeat_ms {
            self.timer_seq += 1;
            self.timers.insert((self.now.saturating_add(hb), self.timer_seq), Timer::TaskHeartbeat(id, 0));
        }
        let fr = &mut self.frames[f];
        fr.phase = Phase::Blocked;
        fr.task = Some(id);
        let retry_count = fr.retry_counts.iter().sum();
        let task_token = fr.task_token.clone();
        self.outgoing.push_back(TaskRequest {
            id,
            state_name: state_name.to_string(),
            resource: spec.resource.clone(),
            input: params,
            retry_count,
            credentials: spec.credentials.clone(),
            task_token,
            timeout_seconds,
            heartbeat_seconds,
            timestamp: self.now,
        });
    }

    /// Starts every branch of a Parallel state on the same input.
    fn start_parallel(&mut self, f: FrameId, branches: &[Arc<Machine>], branch_input: Value) {
        let started = self.emit_frame(f, "ParallelStateStarted", None);
        let j = self.new_join(f, false, branches.len(), started, Value::Null);
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

    fn fail_field(
        &self,
        f: FrameId,
        src: &Option<Source>,
        field: &str,
        input: &Value,
        ctx: &Value,
    ) -> Result<Option<String>, Fault> {
        match src {
            None => Ok(None),
            Some(Source::Literal(s)) => Ok(Some(s.clone())),
            Some(Source::Path(p)) => {
                let doc = input;
                match self.select_path_opt(f, p, input)? {
                    Some(Value::String(s)) => Ok(Some(s)),
                    Some(other) => Ok(Some(history::json_text(&other))),
                    None => Err(Fault::Runtime(format!(
                        "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
                        p.text(),
                        field,
                        history::json_text(doc)
                    ))),
                }
            }
            Some(Source::Intrinsic(i)) => {
                let mut rng = fastrand::Rng::with_seed(0);
                let vars = self.vars(f);
                let lookup = |name: &str| vars.get(name).cloned();
                let scope = crate::intrinsics::Scope::new(input, ctx).with_field(field).with_variables(&lookup);
                match i.eval_in(&scope, &mut rng)? {
                    Value::String(s) => Ok(Some(s)),
                    other => Ok(Some(history::json_text(&other))),
                }
            }
        }
    }

    fn wait_until(&self, f: FrameId, w: &WaitFor, eff: &Value) -> Result<i64, Fault> {
        let now = self.now;
        match w {
            WaitFor::Seconds(s) => Ok(now.saturating_add(s.saturating_mul(1000))),
            WaitFor::Timestamp(t) => Ok(*t),
            WaitFor::SecondsPath(p) => {
                let v = self.select_path_opt(f, p, eff)?.ok_or_else(|| {
                    Fault::Runtime(format!("The SecondsPath parameter does not reference an input value: {}", p.text()))
                })?;
                let shown = history::json_text(&v);
                let n = match &v {
                    Value::Number(n) if n.is_i64() => n.as_i64().unwrap_or(0),
                    Value::Number(n) if n.is_u64() => i64::MAX,
                    _ => {
                        return Err(Fault::Runtime(format!(
                            "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                            p.text(),
                            shown
                        )))
                    }
                };
                if n < 0 {
                    return Err(Fault::Runtime(format!(
                        "The SecondsPath parameter references a negative value: {} == {}",
                        p.text(),
                        shown
                    )));
                }
                Ok(now.saturating_add(n.saturating_mul(1000)))
            }
            WaitFor::TimestampPath(p) => {
                let v = self.select_path_opt(f, p, eff)?.ok_or_else(|| {
                    Fault::Runtime(format!(
                        "The TimestampPath parameter does not reference an input value: {}",
                        p.text()
                    ))
                })?;
                let parsed = v.as_str().and_then(crate::model::parse_timestamp);
                parsed.ok_or_else(|| {
                    let shown = match &v {
                        Value::String(s) => s.clone(),
                        other => history::json_text(other),
                    };
                    Fault::Runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.text(),
                        shown
                    ))
                })
            }
        }
    }

    fn add_timer(&mut self, at: i64, f: FrameId) {
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), Timer::Wake(f));
    }

    fn apply_output_path(&self, f: FrameId, v: &Value) -> Result<Value, Fault> {
        match &self.state(f).output_path {
            PathField::Whole => Ok(v.clone()),
            PathField::Null => Ok(json!({})),
            PathField::Path(p) => self.select_path(f, p, v),
        }
    }

    /// A state produced its result: ResultSelector, ResultPath, OutputPath, then the exit.
    fn finish_with_result(&mut self, f: FrameId, result: Value) {
        if self.state(f).lang == crate::model::QueryLanguage::Jsonata {
            return self.ja_finish(f, Some(result));
        }
        match self.shape_output(f, result) {
            Ok(out) => self.finish_with_output(f, out),
            Err(e) => self.state_failed(f, e),
        }
    }

    fn shape_output(&mut self, f: FrameId, result: Value) -> Result<Value, Fault> {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let result = match &st.result_selector {
            Some(sel) => {
                let ctx = self.context_if_needed(f);
                eval_template(
                    sel,
                    &result,
                    &ctx,
                    &Vars { scopes: &self.scopes, scope: self.frames[f].scope },
                    &mut self.rng,
                )?
            }
            None => result,
        };
        if let Some(a) = &st.assign {
            self.assign(f, a, &result)?;
        }
        let combined = match &st.result_path {
            ResultPath::Replace => result,
            ResultPath::Discard => std::mem::take(&mut self.frames[f].input),
            ResultPath::Path(p) => {
                let mut raw = std::mem::take(&mut self.frames[f].input);
                if let Err(_e) = p.assign(&mut raw, result) {
                    let fail = Failure::new(
                        ErrorName::ResultPathMatchFailure,
                        format!(
                            "Unable to apply ResultPath \"{}\" to input \"{}\"",
                            p.text(),
                            history::json_text(&raw)
                        ),
                    );
                    self.frames[f].input = raw;
                    return Err(Fault::Failure(fail));
                }
                raw
            }
        };
        let out = match &st.output_path {
            PathField::Whole => combined,
            // The combined document is ours: move the selected part out of it.
            PathField::Path(p) if p.variable().is_none() && !p.is_context() => {
                let mut doc = combined;
                match p.take(&mut doc) {
                    Some(v) => v,
                    None => select_or_invalid(p, &doc)?,
                }
            }
            _ => self.apply_output_path(f, &combined)?,
        };
        Ok(out)
    }

    /// The state's output is ready: check its size, record the exit, and move on.
    fn finish_with_output(&mut self, f: FrameId, out: Value) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        // The output's JSON text serves the size check, this exit event and the next entry.
        let text = history::json_text(&out);
        if !matches!(st.kind, Kind::Choice { .. }) && text.len() > MAX_PAYLOAD_BYTES {
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
        let next_text = matches!(st.next, Transition::Next(_)).then(|| text.clone());
        self.emit_frame(f, kind, Body::State { entered: false, name: st.name.clone(), payload: text });
        match st.next {
            Transition::Next(n) => {
                self.goto(f, n, out);
                self.frames[f].input_text = next_text;
            }
            Transition::End | Transition::None => self.thread_succeeded(f, out),
        }
    }

    fn goto(&mut self, f: FrameId, next: usize, input: Value) {
        let fr = &mut self.frames[f];
        fr.state = next;
        fr.input = input;
        fr.input_text = None;
        fr.phase = Phase::Enter;
        fr.join = None;
        self.runnable.push_back(f);
    }

    // ------------------------------------------------------------------ failures

    /// The final error of a fault in frame `f`'s state, and whether Retry and Catch may handle
    /// it; records `EvaluationFailed` for JSONata errors.
    fn fault_failure(&mut self, f: FrameId, fault: Fault) -> (Failure, bool) {
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
                let catchable = fl.error != ErrorName::Runtime.as_str();
                (fl, catchable)
            }
        }
    }

    /// A state failed: record the state's failure event, then Retry, Catch, or fail the thread.
    fn state_failed(&mut self, f: FrameId, fault: Fault) {
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
                let err_out = json!({"Error": failure.error, "Cause": failure.cause});
                if st.lang == crate::model::QueryLanguage::Jsonata {
                    match self.ja_catch_output(f, st, ci, err_out) {
                        Ok(out) => {
                            let kind = st.kind.exited_event();
                            let d = history::state_exited(&st.name, &out);
                            self.emit_frame(f, kind, d);
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
                let mut raw = std::mem::take(&mut self.frames[f].input);
                let out = match &c.result_path {
                    ResultPath::Replace => err_out,
                    ResultPath::Discard => raw,
                    ResultPath::Path(p) => {
                        if p.assign(&mut raw, err_out).is_err() {
                            let fail = Failure::new(
                                ErrorName::ResultPathMatchFailure,
                                format!(
                                    "Unable to apply ResultPath \"{}\" to input \"{}\"",
                                    p.text(),
                                    history::json_text(&raw)
                                ),
                            );
                            self.thread_failed(f, fail);
                            return;
                        }
                        raw
                    }
                };
                let kind = st.kind.exited_event();
                let d = history::state_exited(&st.name, &out);
                self.emit_frame(f, kind, d);
                let next = c.next;
                self.goto(f, next, out);
                return;
            }
        }
        self.thread_failed(f, failure);
    }

    /// `MapStateFailed` / `ParallelStateFailed` (and a Distributed Map's `MapRunFailed`) when the state gives up.
    fn emit_state_failed(&mut self, f: FrameId) {
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

    fn retry_delay(&mut self, f: FrameId, retry: &[Retrier], error: &str) -> Option<i64> {
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

    // ------------------------------------------------------------------ threads

    fn thread_succeeded(&mut self, f: FrameId, out: Value) {
        self.frames[f].phase = Phase::Dead;
        match self.frames[f].parent {
            None => {
                let d = json!({"output": history::json_text(&out), "outputDetails": history::not_truncated()});
                self.emit_frame(f, "ExecutionSucceeded", Some(("executionSucceededEventDetails", d)));
                self.status = Status::Succeeded;
                self.output = Some(out);
            }
            Some((j, slot)) => {
                if self.joins[j].done {
                    return;
                }
                if self.joins[j].is_map {
                    let parent = self.joins[j].frame;
                    let name = self.state(parent).name.clone();
                    let d = Body::Iteration { key: "mapIterationSucceededEventDetails", name, index: slot };
                    self.emit_frame(f, "MapIterationSucceeded", d);
                }
                let join = &mut self.joins[j];
                join.results[slot] = out;
                join.remaining -= 1;
                join.running -= 1;
                self.advance_join(j);
            }
        }
    }

    fn thread_failed(&mut self, f: FrameId, failure: Failure) {
        self.frames[f].phase = Phase::Dead;
        match self.frames[f].parent {
            None => self.fail_execution_from(f, failure),
            Some((j, slot)) => {
                if self.joins[j].done {
                    return;
                }
                let join_is_map = self.joins[j].is_map;
                if join_is_map {
                    let parent = self.joins[j].frame;
                    let name = self.state(parent).name.clone();
                    let d = Body::Iteration { key: "mapIterationFailedEventDetails", name, index: slot };
                    self.emit_frame(f, "MapIterationFailed", d);
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

    fn fail_execution_from(&mut self, f: FrameId, failure: Failure) {
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

    fn fail_execution(&mut self, failure: Failure) {
        let prev = self.events.last().map_or(0, |e| e.id);
        let d = json!({"error": failure.error, "cause": failure.cause});
        self.emit(prev, "ExecutionFailed", Some(("executionFailedEventDetails", d)));
        self.status = Status::Failed;
        self.failure = Some(failure);
    }

    fn time_out(&mut self) {
        let prev = self.events.last().map_or(0, |e| e.id);
        let failure = Failure::new(ErrorName::Timeout, "");
        let d = json!({"error": failure.error});
        self.emit(prev, "ExecutionTimedOut", Some(("executionTimedOutEventDetails", d)));
        self.status = Status::TimedOut;
        self.failure = Some(failure);
    }

    // ------------------------------------------------------------------ joins

    fn new_join(&mut self, f: FrameId, is_map: bool, n: usize, started: u64, effective_input: Value) -> usize {
        self.frames[f].phase = Phase::Joining;
        let j = self.joins.len();
        self.joins.push(Join {
            frame: f,
            is_map,
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
            done: false,
            started_event: started,
            distributed: false,
        });
        self.frames[f].join = Some(j);
        j
    }

    fn exceeds_tolerance(&self, j: usize) -> bool {
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

    fn abort_join(&mut self, j: usize) {
        self.joins[j].done = true;
        let children = self.joins[j].children.clone();
        let is_map = self.joins[j].is_map;
        let parent = self.joins[j].frame;
        let name = self.state(parent).name.clone();
        for c in children {
            if self.frames[c].phase == Phase::Dead {
                continue;
            }
            self.abort_frame(c);
            if let (true, Some((_, slot))) = (is_map, self.frames[c].parent) {
                let d = Body::Iteration { key: "mapIterationAbortedEventDetails", name: name.clone(), index: slot };
                self.emit_frame(c, "MapIterationAborted", d);
            }
        }
        self.joins[j].pending_items.clear();
    }

    fn abort_frame(&mut self, c: FrameId) {
        if self.frames[c].phase == Phase::Dead {
            return;
        }
        self.frames[c].phase = Phase::Dead;
        if let Some(t) = self.frames[c].task.take() {
            self.tasks.remove(&t);
        }
        if let Some(j) = self.frames[c].join {
            if !self.joins[j].done {
                self.abort_join(j);
            }
        }
    }

    fn advance_join(&mut self, j: usize) {
        // Start more Map iterations while concurrency allows.
        while self.joins[j].is_map && !self.joins[j].done {
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

    fn join_finished(&mut self, j: usize) {
        self.joins[j].done = true;
        let f = self.joins[j].frame;
        let results = std::mem::take(&mut self.joins[j].results);
        self.frames[f].phase = Phase::Run;
        self.frames[f].join = None;
        self.finish_with_result(f, Value::Array(results));
    }

    fn start_map(&mut self, f: FrameId, st: &State, spec: &MapSpec, input: &Value) -> Result<(), Fault> {
        let eff = self.apply_input_path(f, input)?;
        let items = match (&spec.items_path, &spec.items) {
            (Some(p), _) => self.select_path(f, p, &eff)?,
            (None, Some(v)) => match v {
                Value::Array(_) => v.clone(),
                other => other.clone(),
            },
            (None, None) => eff.clone(),
        };
        let Value::Array(items) = items else {
            return Err(Fault::Runtime(format!(
                "Map state input must be an array but was: {}",
                history::json_text(&items)
            )));
        };
        let max_concurrency = match &spec.max_concurrency {
            None => 0,
            Some(n) => self.integer_field(f, n, "MaxConcurrencyPath", &eff)?.max(0) as usize,
        };
        self.frames[f].input = input.clone();
        // The failure tolerance is checked after MapStateStarted (as AWS records it).
        let tolerance = (|| -> Result<(Option<u64>, Option<f64>), Fault> {
            let tolerated_count = match &spec.tolerated_failure_count {
                None => None,
                Some(n) => {
                    let c = self.integer_field(f, n, "ToleratedFailureCountPath", &eff)?;
                    if c < 0 {
                        return Err(Fault::Runtime("ToleratedFailureCount cannot be negative.".into()));
                    }
                    Some(c as u64)
                }
            };
            let tolerated_percentage = match &spec.tolerated_failure_percentage {
                None => None,
                Some(n) => {
                    let p = self.float_field(f, n, "ToleratedFailurePercentagePath", &eff)?;
                    if !(0.0..=100.0).contains(&p) {
                        return Err(Fault::Runtime("ToleratedFailurePercentage must be between 0 and 100.".into()));
                    }
                    Some(p)
                }
            };
            Ok((tolerated_count, tolerated_percentage))
        })();
        match tolerance {
            Ok((count, percentage)) => {
                self.launch_map(f, st, spec, items, max_concurrency, count, percentage, eff);
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
    ) {
        let d = json!({"length": items.len()});
        let started = self.emit_frame(f, "MapStateStarted", Some(("mapStateStartedEventDetails", d)));
        if spec.distributed {
            let run_arn = format!(
                "{}/{}:{}",
                self.config.identity.state_machine_arn.replace(":stateMachine:", ":mapRun:"),
                spec.label.as_deref().unwrap_or(&st.name),
                self.frames[f].entered_event
            );
            let d = json!({"mapRunArn": run_arn});
            self.emit_frame(f, "MapRunStarted", Some(("mapRunStartedEventDetails", d)));
            self.frames[f].map_run_started = true;
        }
        let n = items.len();
        let j = self.new_join(f, true, n, started, eff);
        let join = &mut self.joins[j];
        join.max_concurrency = max_concurrency;
        join.tolerated_count = tolerated_count;
        join.tolerated_percentage = tolerated_percentage;
        join.pending_items = items.into_iter().enumerate().collect();
        join.distributed = spec.distributed;
        if n == 0 {
            self.join_finished(j);
        } else {
            self.advance_join(j);
        }
    }

    fn start_iteration(&mut self, j: usize, index: usize, item: Value) {
        let f = self.joins[j].frame;
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let Kind::Map(spec) = &st.kind else { return };
        let map_item = Arc::new((index, item));
        if st.lang == crate::model::QueryLanguage::Jsonata {
            let eff = std::mem::take(&mut self.joins[j].effective_input);
            let r = self.ja_item_input(f, st, &eff, index, &map_item.1);
            self.joins[j].effective_input = eff;
            match r {
                Ok(v) => return self.spawn_iteration(j, st, spec, index, v, map_item),
                Err(e) => {
                    self.abort_join(j);
                    self.frames[f].phase = Phase::Run;
                    self.state_failed(f, e);
                    return;
                }
            }
        }
        let iter_input = match &spec.item_selector {
            Some(sel) => {
                let mut ctx = self.context(f);
                ctx["Map"] = json!({"Item": {"Index": index, "Value": map_item.1}});
                let eff = std::mem::take(&mut self.joins[j].effective_input);
                let r = eval_template(
                    sel,
                    &eff,
                    &ctx,
                    &Vars { scopes: &self.scopes, scope: self.frames[f].scope },
                    &mut self.rng,
                );
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
            }
            None => map_item.1.clone(),
        };
        self.spawn_iteration(j, st, spec, index, iter_input, map_item);
    }

    fn spawn_iteration(
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
        let join = &mut self.joins[j];
        join.children.push(child);
        join.running += 1;
    }

    fn number_value(&self, f: FrameId, n: &NumberField, eff: &Value) -> Result<Value, Fault> {
        match n {
            NumberField::Value(v) => Ok(json!(v)),
            NumberField::Path(p) => self.select_path(f, p, eff),
        }
    }

    fn integer_field(&self, f: FrameId, n: &NumberField, field: &str, eff: &Value) -> Result<i64, Fault> {
        if let NumberField::Value(v) = n {
            return Ok(*v as i64);
        }
        let v = self.number_value(f, n, eff)?;
        // A numeric string counts (recorded on AWS: MaxConcurrencyPath reading "1").
        let parsed = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
        match parsed {
            Some(i) => Ok(i),
            None => Err(Fault::Runtime(format!(
                "The {field} field refers to value \"{}\" which is not a valid integer: {}",
                shown_value(&v),
                path_text(n)
            ))),
        }
    }

    fn float_field(&self, f: FrameId, n: &NumberField, field: &str, eff: &Value) -> Result<f64, Fault> {
        if let NumberField::Value(v) = n {
            return Ok(*v);
        }
        let v = self.number_value(f, n, eff)?;
        let parsed = v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
        match parsed {
            Some(x) => Ok(x),
            None => Err(Fault::Runtime(format!(
                "The {field} field refers to value \"{}\" which is not a valid float: {}",
                shown_value(&v),
                path_text(n)
            ))),
        }
    }
}

fn shown_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => history::json_text(other),
    }
}

fn path_text(n: &NumberField) -> &str {
    match n {
        NumberField::Path(p) => p.text(),
        NumberField::Value(_) => "",
    }
}

/// Evaluates a payload template against an input, the context object and the variables.
pub fn eval_template(
    t: &Template,
    input: &Value,
    ctx: &Value,
    vars: &dyn VarLookup,
    rng: &mut fastrand::Rng,
) -> Result<Value, Fault> {
    let root = |p: &JsonPath| -> Result<&Value, Fault> {
        match p.variable() {
            Some(name) => vars.var(name).ok_or_else(|| undefined_variable(p, name)),
            None if p.is_context() => Ok(ctx),
            None => Ok(input),
        }
    };
    match t {
        Template::Literal(v) => Ok(v.clone()),
        Template::Object(fields) => {
            let mut out = Map::with_capacity(fields.len());
            for (k, t) in fields {
                let v = match t {
                    Template::Path(p) => {
                        let doc = root(p)?;
                        p.select(doc).ok_or_else(|| {
                            Fault::Runtime(format!(
                                "The JSONPath '{}' specified for the field '{}.$' could not be found in the input '{}'",
                                p.text(),
                                k,
                                history::json_text(doc)
                            ))
                        })?
                    }
                    Template::Intrinsic(i) => {
                        let field = format!("{k}.$");
                        let lookup = |name: &str| vars.var(name).cloned();
                        let scope =
                            crate::intrinsics::Scope::new(input, ctx).with_field(&field).with_variables(&lookup);
                        i.eval_in(&scope, rng)?
                    }
                    other => eval_template(other, input, ctx, vars, rng)?,
                };
                out.insert(k.clone(), v);
            }
            Ok(Value::Object(out))
        }
        Template::Array(items) => items
            .iter()
            .map(|t| eval_template(t, input, ctx, vars, rng))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Template::Path(p) => select_or_invalid(p, root(p)?),
        Template::Intrinsic(i) => {
            let lookup = |name: &str| vars.var(name).cloned();
            let scope = crate::intrinsics::Scope::new(input, ctx).with_variables(&lookup);
            Ok(i.eval_in(&scope, rng)?)
        }
    }
}

fn undefined_variable(p: &JsonPath, name: &str) -> Fault {
    Fault::Runtime(format!("Invalid path '{}': The variable '{name}' is not defined.", p.text()))
}

/// A path's value, or AWS's runtime error quoting Jayway (`Invalid path '$.x' : No results for path: $['x']`).
fn select_or_invalid(p: &JsonPath, doc: &Value) -> Result<Value, Fault> {
    p.try_select(doc).map_err(|m| Fault::Runtime(format!("Invalid path '{}' : {}", p.text(), m)))
}

fn data_limit_cause(state: &str) -> String {
    format!(
        "The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."
    )
}

/// True when `ErrorEquals` names this error. `States.ALL` matches everything but `States.Runtime`;
/// it does catch `States.DataLimitExceeded` from a task, as recorded on AWS
/// (conformance case `test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response`).
pub fn error_matches(error_equals: &[String], error: &str) -> bool {
    error_equals.iter().any(|e| {
        e == error
            || (e == ErrorName::All.as_str() && error != ErrorName::Runtime.as_str())
            // "States.TaskFailed ... acts as a wildcard that matches any known error name except
            // for States.Timeout" (AWS developer guide, concepts-error-handling).
            || (e == ErrorName::TaskFailed.as_str()
                && error != ErrorName::Timeout.as_str()
                && error != ErrorName::Runtime.as_str())
    })
}

/// The size in bytes of a value's JSON text.
pub fn payload_size(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

/// A new task token when the resource waits for one.
fn new_task_token(resource: &str, rng: &mut fastrand::Rng) -> Option<String> {
    resource.ends_with(".waitForTaskToken").then(|| random_token(rng))
}

/// A task token: 64 hex characters from the seeded source (AWS's are opaque strings).
fn random_token(rng: &mut fastrand::Rng) -> String {
    (0..4).map(|_| format!("{:016x}", rng.u64(..))).collect()
}

/// A plain Lambda function ARN (not a service integration): AWS records `LambdaFunction*` events.
fn is_plain_lambda(resource: &str) -> bool {
    resource.starts_with("arn:aws:lambda:") && resource.contains(":function:")
}

/// `resourceType` and `resource` of a service integration ARN, as task events show them.
fn resource_parts(resource: &str) -> (String, String) {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        if let Some((svc, action)) = rest.split_once(':') {
            return (svc.to_string(), action.to_string());
        }
        return (rest.to_string(), String::new());
    }
    let parts: Vec<&str> = resource.split(':').collect();
    let svc = parts.get(2).copied().unwrap_or("");
    (svc.to_string(), resource.to_string())
}
