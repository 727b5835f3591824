//! What the account keeps and for how long: the budgets of each execution ([`Budgets`]), and how
//! many ended executions and log records stay ([`Retention`]), so that memory stays flat however
//! many executions a test suite runs in one process.
//!
//! An execution that ends lets go of its running state at once (threads, their inputs,
//! variables, timers). What stays is its description (input and output as text, or its failure),
//! what it takes to make its history again when it is read (always for Standard, as AWS keeps
//! theirs; for Express only with [`Budgets::express_history`]), and its log records. Retention drops the oldest ended executions of each machine beyond
//! [`Retention::executions_per_machine`], once a driver has heard of their end (the
//! [`Simulator::advance`] after the one that reported them), and the oldest log records of the
//! account beyond [`Retention::log_records`].
//!
//! ```
//! use asl_sim::simulator::{CreateStateMachineInput, Retention, Simulator, StartExecutionInput};
//! let mut sim = Simulator::new("123456789012", "us-east-1", 0);
//! sim.retention = Retention { executions_per_machine: Some(2), ..Retention::default() };
//! let created = sim.create_state_machine(&CreateStateMachineInput {
//!     name: "M".into(), machine_type: Some("EXPRESS".into()),
//!     definition: r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#.into(),
//!     ..Default::default()
//! }, 0).unwrap();
//! let start = StartExecutionInput {
//!     state_machine_arn: created["stateMachineArn"].as_str().unwrap().into(), ..Default::default()
//! };
//! let arns: Vec<String> = (0..5).map(|_| {
//!     let arn = sim.start_sync_execution(&start, 0).unwrap();
//!     sim.run_to_end(&arn, &mut |_| None);
//!     arn
//! }).collect();
//! sim.run_virtual(None, &mut |_| None);
//! assert!(sim.execution(&arns[0]).is_none()); // dropped
//! assert!(sim.execution(&arns[4]).is_some()); // among the last two
//! ```

use std::collections::{HashMap, HashSet, VecDeque};

use super::Simulator;
use crate::error::{ErrorName, Failure};
use crate::exec::{Config, HistoryMode, MachineType, Status, DEFAULT_MAX_HISTORY_BYTES, DEFAULT_MAX_TRANSITIONS};

/// The default budget of log-record bytes one execution may write: 64 MiB.
pub const DEFAULT_MAX_LOG_BYTES: usize = 64 << 20;

/// The default number of ended executions kept per state machine.
pub const DEFAULT_EXECUTIONS_PER_MACHINE: usize = 1_000;

/// The default number of executions that may run at once in the account: 10,000.
pub const DEFAULT_MAX_OPEN_EXECUTIONS: usize = 10_000;

/// The default number of log records kept in the account.
pub const DEFAULT_LOG_RECORDS: usize = 10_000;

/// What one execution may use before the simulator ends it with `States.Runtime` (a cause that
/// names the budget and how to raise it). AWS's own limits (25,000 history events for Standard,
/// 5 minutes for Express, 256 KiB payloads) come first wherever they apply; these bound what AWS
/// would allow but no process can hold, such as an Express loop that never ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// The most states one execution may enter: [`DEFAULT_MAX_TRANSITIONS`].
    pub max_transitions: u64,
    /// The most bytes of history made for one execution when it is read (and of the task answers
    /// it keeps to make it; see [`Config::replay`](crate::exec::Config::replay)): [`DEFAULT_MAX_HISTORY_BYTES`].
    pub max_history_bytes: usize,
    /// The most bytes of log records one execution may write: [`DEFAULT_MAX_LOG_BYTES`].
    pub max_log_bytes: usize,
    /// Virtual milliseconds each state entry takes: 0 (timestamps stay exact). With a cost, a
    /// runaway Express loop times out at its 5-minute limit, as on AWS.
    pub state_cost_ms: u64,
    /// Whether Express executions have a history (`GetExecutionHistory` on them, a simulator
    /// extra): true. AWS keeps none; with false they keep only their log records. Histories, a
    /// Standard execution's too, are made when read ([`Config::replay`](crate::exec::Config::replay)).
    pub express_history: bool,
    /// The budgets of each JSONata evaluation.
    pub jsonata: crate::jsonata::Limits,
    /// The most executions running at once in the account ([`DEFAULT_MAX_OPEN_EXECUTIONS`]); a start
    /// past it is AWS's `ExecutionLimitExceeded` (not `StartSyncExecution` from the API: sync
    /// executions do not count against the account's capacity on AWS; a sync child a task starts
    /// does). AWS's quota is 1,000,000 open executions per account and region ("Quotas related to
    /// accounts", developer guide), which no process holds: the lower default ends a workflow that
    /// starts itself (a nested `.sync` chain) with that error instead of growing memory.
    pub max_open_executions: usize,
}

impl Default for Budgets {
    fn default() -> Budgets {
        Budgets {
            max_transitions: DEFAULT_MAX_TRANSITIONS,
            max_history_bytes: DEFAULT_MAX_HISTORY_BYTES,
            max_log_bytes: DEFAULT_MAX_LOG_BYTES,
            state_cost_ms: 0,
            express_history: true,
            jsonata: crate::jsonata::Limits::default(),
            max_open_executions: DEFAULT_MAX_OPEN_EXECUTIONS,
        }
    }
}

impl Budgets {
    /// Puts the budgets that the executor enforces into an execution's configuration.
    pub fn apply(&self, config: &mut Config) {
        config.max_transitions = self.max_transitions;
        config.max_history_bytes = self.max_history_bytes;
        config.state_cost_ms = self.state_cost_ms;
        config.jsonata = self.jsonata;
    }
}

/// How much the account keeps of what has ended. `None` keeps everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Ended executions kept per state machine, the most recent ones:
    /// [`DEFAULT_EXECUTIONS_PER_MACHINE`]. `Some(0)` keeps none (as AWS keeps no Express
    /// execution): an execution is then gone once its driver has heard of its end.
    pub executions_per_machine: Option<usize>,
    /// Log records kept in the account, the most recent ones: [`DEFAULT_LOG_RECORDS`].
    pub log_records: Option<usize>,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            executions_per_machine: Some(DEFAULT_EXECUTIONS_PER_MACHINE),
            log_records: Some(DEFAULT_LOG_RECORDS),
        }
    }
}

/// The account's bookkeeping for retention.
#[derive(Debug, Default)]
pub(super) struct Lifecycle {
    /// Ended executions per machine, oldest first.
    ended: HashMap<String, VecDeque<String>>,
    /// Executions whose end a driver has been told of, not yet subject to retention.
    reported: Vec<String>,
    /// The position of the first kept log record among all records ever written.
    pub(super) log_base: usize,
}

impl Simulator {
    /// After an execution ended: it lets go of its running state, unless `RedriveExecution` may
    /// still resume it (a Standard execution that did not succeed).
    pub(super) fn execution_ended(&mut self, exec_arn: &str) {
        if let Some(e) = self.executions.get_mut(exec_arn) {
            let redrivable = e.machine_type == MachineType::Standard && e.exec.status() != Status::Succeeded;
            if !redrivable {
                e.exec.release();
            }
        }
    }

    /// The driver has been told that these executions ended: retention may drop them from the
    /// next [`Simulator::advance`] on.
    pub(super) fn ends_reported(&mut self, arns: &[String]) {
        self.lifecycle.reported.extend(arns.iter().cloned());
    }

    /// Drops the oldest ended executions of each machine beyond the retention.
    pub(super) fn apply_retention(&mut self) {
        if self.lifecycle.reported.is_empty() {
            return;
        }
        let reported = std::mem::take(&mut self.lifecycle.reported);
        let Some(keep) = self.retention.executions_per_machine else { return };
        let mut dropped = HashSet::new();
        for arn in reported {
            let Some(e) = self.executions.get(&arn) else { continue };
            let queue = self.lifecycle.ended.entry(e.machine_arn.clone()).or_default();
            queue.push_back(arn);
            while queue.len() > keep {
                if let Some(old) = queue.pop_front() {
                    dropped.insert(old);
                }
            }
        }
        if dropped.is_empty() {
            return;
        }
        // Removed one by one: a pass over every kept execution, hashing each ARN, cost a
        // long-lived account 40 microseconds an execution once its machines were full.
        for arn in &dropped {
            self.executions.remove(arn);
        }
        self.replayed.get_mut().retain(|(arn, _)| !dropped.contains(arn));
        if !self.tokens.is_empty() {
            self.tokens.retain(|_, (arn, _)| !dropped.contains(arn));
        }
        self.lifecycle.ended.retain(|_, q| !q.is_empty());
        // After a burst (10,000 executions at once), give the room back.
        if self.executions.capacity() > 4 * self.executions.len() + 64 {
            self.executions.shrink_to_fit();
            self.tokens.shrink_to_fit();
        }
    }

    /// Drops the oldest log records beyond the retention (in batches, so that writing stays cheap).
    pub(super) fn trim_logs(&mut self) {
        let Some(keep) = self.retention.log_records else { return };
        if self.logs.len() > keep + keep / 4 + 64 {
            let excess = self.logs.len() - keep;
            self.logs.drain(..excess);
            self.lifecycle.log_base += excess;
        }
    }

    /// The position after the last log record written: pass it to [`Simulator::logs_since`] later
    /// to get only newer records.
    pub fn log_end(&self) -> usize {
        self.lifecycle.log_base + self.logs.len()
    }

    /// The kept log record at position `position` (see [`Simulator::log_end`]), unless retention
    /// has dropped it.
    pub(super) fn log_at(&self, position: usize) -> Option<&crate::simulator::LogEvent> {
        position.checked_sub(self.lifecycle.log_base).and_then(|i| self.logs.get(i))
    }

    /// The kept log records from position `position` on (see [`Simulator::log_end`]); records that
    /// retention dropped are skipped.
    pub fn logs_since(&self, position: usize) -> &[crate::simulator::LogEvent] {
        let i = position.saturating_sub(self.lifecycle.log_base).min(self.logs.len());
        &self.logs[i..]
    }

    /// An execution's budgets, and what it keeps of its history: its events only until their log
    /// records are written (none when its machine logs nothing), and when it
    /// [`keeps_history`](Self::keeps_history) the calls to make the history again when it is read
    /// ([`Config::replay`]).
    pub(super) fn configure(&self, config: &mut Config, logs_nothing: bool) {
        self.budgets.apply(config);
        // A history is made when someone reads it: as the execution runs, its events live only
        // until their log records are written.
        config.history = if logs_nothing { HistoryMode::Discard } else { HistoryMode::Stream };
        config.replay = self.keeps_history(config.machine_type);
    }

    /// Whether an execution keeps its history: Standard always, Express with [`Budgets::express_history`].
    pub(super) fn keeps_history(&self, machine_type: MachineType) -> bool {
        machine_type == MachineType::Standard || self.budgets.express_history
    }

    /// Ends a running execution whose log records went past [`Budgets::max_log_bytes`].
    pub(super) fn log_budget_exceeded(&mut self, exec_arn: &str) {
        let max = self.budgets.max_log_bytes;
        if let Some(e) = self.executions.get_mut(exec_arn) {
            e.exec.fail(Failure::new(ErrorName::Runtime, crate::exec::log_budget_cause(max)));
            e.ready = true;
        }
    }
}
