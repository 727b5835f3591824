//! A history made when it is read: with [`Config::replay`] an execution keeps no event once it is
//! logged (or none at all), only a [`Tape`] of what went in; reading its history runs it again from
//! the tape.
//!
//! An execution is a pure function of its machine, input, configuration and the calls its driver
//! made (each `poll` with its time, each task's answer, stops, heartbeats, redrives, activity
//! starts, Map Run updates, and where a poll stopped early for its events to be logged): it reads
//! no clock and no random source but its seeded one. So a second execution, fed the same calls in
//! the same order, goes through the same states with the same data, and this one keeps every event
//! with its payload text. A test suite that never reads a history pays nothing for it: no state's
//! input or output becomes text (unless a log level asks for it), and an ended execution holds its
//! tape (a few numbers, and its tasks' answers) instead of its events. A [`Replay`] kept by the
//! driver is brought up to date on the next reading, so following a running execution runs only
//! what is new.
//!
//! The history budget ([`Config::max_history_bytes`]) bounds the tape while the execution runs and
//! the history made when it is read: an execution whose history would be larger still runs (AWS's
//! own limits, such as a Standard execution's 25,000 events, apply as ever), and reading its
//! history is refused with a message that names the budget.

use std::sync::Arc;

use serde_json::Value;

use super::{budget, Config, Execution, HistoryMode, StatePayloads, Status, TaskId};
use crate::error::Failure;
use crate::history::Event;
use crate::model::Machine;

/// One call of the driver.
#[derive(Debug)]
enum Call {
    /// `poll(now)`, this many times in a row.
    Poll(i64, u32),
    /// `poll(now)` that stopped at this round of the executor for its driver to log the events held.
    Paused(i64, u64),
    Complete(TaskId, Result<Value, Failure>, i64),
    Heartbeat(TaskId, i64),
    Stop(Option<String>, Option<String>, i64),
    Fail(Failure),
    Redrive(i64),
    ActivityStarted(TaskId, Option<String>, i64),
    UpdateMapRun(String, Option<usize>, Option<u64>, Option<f64>),
}

/// What an execution with [`Config::replay`] keeps to make its history again.
#[derive(Debug)]
pub(super) struct Tape {
    machine: Arc<Machine>,
    /// The history budget ([`Config::max_history_bytes`]), which the calls' bytes may not pass.
    max_bytes: usize,
    calls: Vec<Call>,
    /// About how many bytes the calls hold; past the history budget the tape is dropped.
    bytes: usize,
    /// The tape went past the history budget: no history can be made.
    over: bool,
}

/// What a call costs the tape besides its payload: about its size in memory.
const CALL_BYTES: usize = 64;

impl Tape {
    pub(super) fn new(machine: Arc<Machine>, config: &Config) -> Box<Tape> {
        Box::new(Tape { machine, max_bytes: config.max_history_bytes, calls: Vec::new(), bytes: 0, over: false })
    }

    fn push(&mut self, call: Call, payload: usize) {
        if self.over {
            return;
        }
        if let (Call::Poll(now, _), Some(Call::Poll(last, n))) = (&call, self.calls.last_mut()) {
            if now == last && *n < u32::MAX {
                *n += 1;
                return;
            }
        }
        self.bytes = self.bytes.saturating_add(CALL_BYTES + payload);
        if self.bytes > self.max_bytes {
            self.over = true;
            self.calls = Vec::new();
        } else {
            self.calls.push(call);
        }
    }

    pub(super) fn poll(&mut self, now: i64) {
        self.push(Call::Poll(now, 1), 0);
    }

    pub(super) fn complete(&mut self, id: TaskId, result: &Result<Value, Failure>, now: i64) {
        if self.over {
            return;
        }
        let size = match result {
            Ok(v) => crate::json_size::text_len(v),
            Err(f) => f.error.as_str().len() + f.cause.len(),
        };
        self.push(Call::Complete(id, result.clone(), now), size);
    }

    /// The last poll stopped at round `step` to let its events be logged.
    pub(super) fn paused(&mut self, step: u64) {
        let Some(last) = self.calls.last_mut() else { return };
        if let Call::Poll(now, n) = *last {
            if n == 1 {
                *last = Call::Paused(now, step);
            } else {
                *last = Call::Poll(now, n - 1);
                self.push(Call::Paused(now, step), 0);
            }
        }
    }

    pub(super) fn heartbeat(&mut self, id: TaskId, now: i64) {
        self.push(Call::Heartbeat(id, now), 0);
    }

    pub(super) fn stop(&mut self, error: Option<&str>, cause: Option<&str>, now: i64) {
        let size = error.map_or(0, str::len) + cause.map_or(0, str::len);
        self.push(Call::Stop(error.map(str::to_owned), cause.map(str::to_owned), now), size);
    }

    pub(super) fn fail(&mut self, failure: &Failure) {
        self.push(Call::Fail(failure.clone()), failure.error.as_str().len() + failure.cause.len());
    }

    pub(super) fn redrive(&mut self, now: i64) {
        self.push(Call::Redrive(now), 0);
    }

    pub(super) fn activity_started(&mut self, id: TaskId, worker: Option<&str>, now: i64) {
        self.push(Call::ActivityStarted(id, worker.map(str::to_owned), now), worker.map_or(0, str::len));
    }

    pub(super) fn update_map_run(&mut self, arn: &str, c: Option<usize>, count: Option<u64>, pct: Option<f64>) {
        self.push(Call::UpdateMapRun(arn.to_owned(), c, count, pct), arn.len());
    }
}

/// A history being made again: a second run of an execution, and how far into its tape it is.
/// Brought up to date by [`Execution::replay`], so a driver that reads the history of a running
/// execution again and again (a page showing it live) runs only what is new each time.
pub struct Replay {
    again: Execution,
    /// The next call of the tape to run.
    call: usize,
    /// How many of that call's polls have run (the last call, a poll, may repeat more).
    polls: u32,
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay").field("call", &self.call).field("polls", &self.polls).finish_non_exhaustive()
    }
}

impl Replay {
    /// The history made so far, or why it differs from the execution's (`of`): the second run went
    /// past the history budget, or (a bug) it did not end where the execution is.
    pub fn history(&self, of: &Execution) -> Result<&[Event], String> {
        let again = &self.again;
        if again.status == of.status && again.last_event == of.last_event {
            return Ok(&again.events);
        }
        let max = again.config.max_history_bytes;
        if again.status == Status::Failed
            && again.failure.as_ref().is_some_and(|f| f.cause == budget::history_cause(max))
        {
            return Err(format!(
                "The history of this execution is larger than the simulator's budget of {max} bytes of history ({}); the \
                 simulator makes a history when it is read, and the execution ran without it.",
                budget::raise_history_budget()
            ));
        }
        Err(format!(
            "asl-sim could not make the history of this execution again: the second run is at event {} ({}), the \
             execution at event {} ({}). This is a bug of asl-sim: please report it with the definition and the input.",
            again.last_event.0,
            again.status.as_str(),
            of.last_event.0,
            of.status.as_str()
        ))
    }
}

impl Execution {
    /// Whether this execution makes its history when it is read ([`Config::replay`]).
    pub fn replays_history(&self) -> bool {
        self.tape.is_some()
    }

    /// The whole history: the events kept, or with [`Config::replay`] the events made again from
    /// the tape, or why they cannot be made.
    pub fn history(&self) -> Result<std::borrow::Cow<'_, [Event]>, String> {
        if self.tape.is_none() {
            return Ok(std::borrow::Cow::Borrowed(&self.events));
        }
        let replay = self.replay(None)?;
        replay.history(self)?;
        Ok(std::borrow::Cow::Owned(replay.again.events))
    }

    /// Makes the history again ([`Config::replay`]): from the start, or from `from`, a replay of
    /// this execution made earlier, brought up to date. Err when it cannot be made (its tape went
    /// past the history budget) or the execution keeps its events as it runs.
    pub fn replay(&self, from: Option<Box<Replay>>) -> Result<Box<Replay>, String> {
        let Some(tape) = &self.tape else { return Err("the execution keeps its history as it runs".into()) };
        if tape.over {
            return Err(format!(
                "asl-sim kept no history of this execution: the answers of its tasks, which it keeps to make the \
                 history when it is read, went past the simulator's budget of {} bytes of history ({}).",
                tape.max_bytes,
                budget::raise_history_budget()
            ));
        }
        let same = |r: &Replay| {
            let (a, b) = (&r.again.config, &self.config);
            a.identity.execution_arn == b.identity.execution_arn && a.start_time == b.start_time
        };
        let mut r = match from.filter(|r| same(r)) {
            Some(r) => r,
            None => {
                // The configuration it started with (an execution's never changes).
                let mut config = self.config.clone();
                config.history = HistoryMode::Keep;
                config.replay = false;
                config.state_payloads = StatePayloads::All;
                let input = serde_json::from_str(&self.input_text).map_err(|e| e.to_string())?;
                Box::new(Replay { again: Execution::new(tape.machine.clone(), input, config), call: 0, polls: 0 })
            }
        };
        let again = &mut r.again;
        while let Some(call) = tape.calls.get(r.call) {
            match call {
                Call::Poll(now, n) => {
                    for _ in r.polls..*n {
                        again.poll(*now);
                    }
                    r.polls = *n;
                    if r.call + 1 == tape.calls.len() {
                        // The last call so far: more polls at the same time may join it.
                        break;
                    }
                }
                Call::Paused(now, step) => {
                    again.pause_at = Some(*step);
                    again.poll(*now);
                    again.pause_at = None;
                }
                Call::Complete(id, result, now) => again.complete_task(*id, result.clone(), *now),
                Call::Heartbeat(id, now) => {
                    again.heartbeat(*id, *now);
                }
                Call::Stop(error, cause, now) => again.stop(error.as_deref(), cause.as_deref(), *now),
                Call::Fail(failure) => again.fail(failure.clone()),
                Call::Redrive(now) => {
                    let _ = again.redrive(*now);
                }
                Call::ActivityStarted(id, worker, now) => {
                    again.activity_started(*id, worker.as_deref(), *now);
                }
                Call::UpdateMapRun(arn, c, count, pct) => {
                    again.update_map_run(arn, *c, *count, *pct);
                }
            }
            r.call += 1;
            r.polls = 0;
        }
        Ok(r)
    }
}
