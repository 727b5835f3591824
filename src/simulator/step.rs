//! The account step: one call that advances every execution of the account to a given time and
//! returns what the outside must do (task requests for handlers, executions that ended, the next
//! time to wake).
//!
//! Every driver of the simulator (the CLI, [`Simulator::run_virtual`] for native code, the JS
//! bindings' scheduler, the HTTP server) is a loop around [`Simulator::advance`]:
//!
//! 1. Give the account its inputs, each with the time it happens: API calls
//!    (`start_execution`, `send_task_success`, `stop_execution`, ...) and answers to earlier task
//!    requests ([`Simulator::answer_task`]).
//! 2. Call [`Simulator::advance`] with the time to advance to (the wall clock, or `None` on a
//!    virtual clock to run as far as anything can go). It polls the executions that can move, answers
//!    their tasks where the account can (mock config, nested workflows, task tokens), and stops
//!    early when there is something for the driver: [`Advance::calls`] to hand to handlers,
//!    [`Advance::ended`] executions whose waiters to settle, or [`Advance::busy`] when the poll
//!    budget ran out (call again before sleeping, after letting others run).
//! 3. Otherwise sleep until [`Advance::wake_at`] or the next input, then go to 1.

use serde_json::{json, Value};

use super::nested::{self, Integration};
use super::{ApiError, ExecutionInput, Simulator};
use crate::error::{ErrorName, Failure};
use crate::exec::{Poll, Status, TaskId, TaskPurpose, TaskRequest};
use crate::mock::Mocked;

/// A task for one of the driver's handlers: call it with [`HandlerCall::request`]'s input and
/// give its answer to [`Simulator::answer_task`].
#[derive(Debug, Clone, PartialEq)]
pub struct HandlerCall {
    /// The execution whose Task state asks.
    pub execution_arn: String,
    /// The machine it runs.
    pub state_machine_arn: String,
    /// The task: resource, input (the effective parameters), token, timeouts.
    pub request: TaskRequest,
}

impl HandlerCall {
    /// The context a handler gets beside the input: `{executionArn, stateMachineArn, stateName,
    /// resource, retryCount, taskToken?}`.
    pub fn context(&self) -> Value {
        let mut context = json!({
            "executionArn": self.execution_arn,
            "stateMachineArn": self.state_machine_arn,
            "stateName": self.request.state_name,
            "resource": self.request.resource,
            "retryCount": self.request.retry_count,
        });
        if let Some(token) = &self.request.task_token {
            context["taskToken"] = json!(token);
        }
        context
    }
}

/// What [`Simulator::advance`] leaves for the driver.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Advance {
    /// The account's time when it stopped (epoch ms).
    pub now: i64,
    /// Tasks for the driver's handlers, in the order the executions asked.
    pub calls: Vec<HandlerCall>,
    /// Executions that ended since the last call (by running, `StopExecution`, a task token or a
    /// child's end), in the order they ended.
    pub ended: Vec<String>,
    /// The earliest timer of a running execution (a Wait, a retry, a timeout), if any.
    pub wake_at: Option<i64>,
    /// The poll budget ran out with work left at [`Advance::now`], or a task began to wait for an
    /// activity worker (a driver holding its virtual clock for those decides before time moves
    /// on): call again soon.
    pub busy: bool,
}

impl Advance {
    /// Whether the account stopped only because nothing more can happen before the time asked for
    /// (nothing for the driver, no budget used up).
    pub fn is_quiet(&self) -> bool {
        self.calls.is_empty() && self.ended.is_empty() && !self.busy
    }
}

/// A task handler of a native driver: the answer, or `None` to leave the task to the account
/// (a nested workflow, a token wait, or `States.TaskFailed` with a cause that says no one answered).
pub type Handler<'a> = &'a mut dyn FnMut(&HandlerCall) -> Option<Result<Value, Failure>>;

impl Simulator {
    /// Advances every running execution of the account, from the account's time up to `until`
    /// (`None`: as far as anything can go on a virtual clock; the clock jumps from timer to timer),
    /// polling at most `budget` times. Tasks are answered by the mock config of an execution started
    /// with `#TestCase`, else by the driver when `handled(resource)` says it has a handler (they come
    /// back in [`Advance::calls`]), else by the account: nested workflows start their child,
    /// `.waitForTaskToken` tasks wait for their token, anything else fails with `States.TaskFailed`.
    /// It stops as soon as there is something for the driver: see [`Advance`].
    pub fn advance(&mut self, until: Option<i64>, handled: &dyn Fn(&str) -> bool, budget: usize) -> Advance {
        self.apply_retention();
        let mut out = Advance::default();
        let mut polls = 0usize;
        'time: loop {
            let now = self.now;
            for seq in self.running_from_cursor() {
                let Some(arn) = self.running.get(&seq).cloned() else { continue };
                let due = self.executions.get(&arn).is_some_and(|e| e.ready || e.wake_at.is_some_and(|t| t <= now));
                if !due {
                    continue;
                }
                if polls >= budget {
                    out.busy = true;
                    self.cursor = seq;
                    break 'time;
                }
                self.set_ready(&arn, false);
                loop {
                    polls += 1;
                    match self.poll(&arn, now) {
                        Some(Poll::Task(req)) => self.dispatch(&arn, *req, handled, now, &mut out.calls),
                        Some(Poll::WakeAt(t)) => {
                            if let Some(e) = self.executions.get_mut(&arn) {
                                e.wake_at = Some(t);
                            }
                            break;
                        }
                        Some(Poll::Idle) => {
                            if let Some(e) = self.executions.get_mut(&arn) {
                                e.wake_at = None;
                            }
                            break;
                        }
                        Some(Poll::Done) | None => break,
                    }
                    if polls >= budget {
                        self.set_ready(&arn, true);
                        out.busy = true;
                        self.cursor = seq + 1;
                        break 'time;
                    }
                }
            }
            self.cursor = 0;
            if self.api.activities.take_scheduled() {
                // A task now waits for an activity worker: the driver may hold its virtual clock
                // for it (see `activity_tasks_outstanding`) before time moves on.
                out.busy = true;
                break;
            }
            if !out.calls.is_empty() || !self.ended.is_empty() {
                break;
            }
            if self.any_due(now) {
                continue;
            }
            match (self.next_timer(), until) {
                (Some(t), u) if u.map_or(true, |u| t <= u) => self.now = self.now.max(t),
                _ => {
                    if let Some(u) = until {
                        self.now = self.now.max(u);
                    }
                    break;
                }
            }
        }
        out.now = self.now;
        out.ended = std::mem::take(&mut self.ended);
        self.ends_reported(&out.ended);
        out.wake_at = self.next_timer();
        out
    }

    /// A handler's answer to a task of [`Advance::calls`], at time `now`; `None` leaves the task to
    /// the account as if no handler had it. For a `.waitForTaskToken` task the handler made the
    /// integration's request (sent the token somewhere): a result means the request went out and
    /// the task goes on waiting for its token; an error fails the task. Other tasks end with the
    /// answer; `arn:aws:states:::lambda:invoke` wraps a handler's payload in Lambda's Invoke
    /// response, as AWS does (mock configs give the whole response, as in Step Functions Local).
    pub fn answer_task(&mut self, call: &HandlerCall, answer: Option<Result<Value, Failure>>, now: i64) {
        self.set_now(now);
        let (arn, req) = (&call.execution_arn, &call.request);
        let Some(answer) = answer else { return self.answer_unhandled(arn, req, now) };
        if req.resource.ends_with(".waitForTaskToken") && answer.is_ok() {
            return;
        }
        let result = answer.map(|payload| {
            if crate::resource::is_integration(&req.resource, "lambda:invoke") {
                super::responses::lambda_invoke_response(payload, req.id, now)
            } else {
                payload
            }
        });
        self.complete_task(arn, req.id, result, now);
    }

    /// Runs the account on the virtual clock up to `until` (`None`: until nothing more can
    /// happen), answering tasks with `handler`; returns the account's time then. A task that
    /// waits for its token does not stop the clock: time moves on to the next timer, and when there
    /// is none the execution stays `RUNNING` until someone sends the token or stops it.
    pub fn run_virtual(&mut self, until: Option<i64>, handler: Handler<'_>) -> i64 {
        loop {
            let a = self.advance(until, &|_| true, usize::MAX);
            let quiet = a.is_quiet();
            for call in &a.calls {
                let answer = handler(call);
                self.answer_task(call, answer, a.now);
            }
            if quiet {
                return a.now;
            }
        }
    }

    /// Runs the account on the virtual clock until the execution `exec_arn` ends; returns its stop
    /// time, or, when it waits for a task token that nobody sends, the time it got stuck (it is
    /// then still `RUNNING`).
    pub fn run_to_end(&mut self, exec_arn: &str, handler: Handler<'_>) -> i64 {
        loop {
            let a = self.advance(None, &|_| true, usize::MAX);
            for call in &a.calls {
                let answer = handler(call);
                self.answer_task(call, answer, a.now);
            }
            match self.executions.get(exec_arn) {
                Some(e) if e.exec.status() != Status::Running => return super::responses::stop_time(&e.exec),
                Some(_) if !a.is_quiet() => {}
                _ => return a.now,
            }
        }
    }

    /// Answers a task of a running execution (answers to ended executions are dropped).
    pub(super) fn complete_task(&mut self, exec_arn: &str, id: TaskId, result: Result<Value, Failure>, now: i64) {
        if let Some(e) = self.executions.get_mut(exec_arn) {
            if e.exec.status() == Status::Running {
                e.exec.complete_task(id, result, now);
                e.ready = true;
            }
        }
        self.settle(exec_arn);
    }

    /// After a change to an execution: writes its log records and, if it has ended, drops it from
    /// the running ones, reports it in [`Advance::ended`] and answers the parent tasks waiting for
    /// it (and so on up the chain).
    pub(super) fn settle(&mut self, exec_arn: &str) {
        let mut todo = vec![exec_arn.to_string()];
        while let Some(arn) = todo.pop() {
            self.flush_logs(&arn);
            let Some(e) = self.executions.get(&arn) else { continue };
            if e.exec.status() == Status::Running || self.running.remove(&e.seq).is_none() {
                continue;
            }
            let ended = super::responses::stop_time(&e.exec);
            self.ended.push(arn.clone());
            self.execution_ended(&arn);
            for w in self.waiting.remove(&arn).unwrap_or_default() {
                let result = self.nested_result(&arn, &w);
                if let Some(p) = self.executions.get_mut(&w.parent) {
                    if p.exec.status() == Status::Running {
                        p.exec.complete_task(w.task, result, ended);
                        p.ready = true;
                    }
                }
                todo.push(w.parent);
            }
        }
    }

    /// Moves the account's clock forward to `now` (never back): the time of an input that does
    /// nothing else, such as the start date of a virtual clock.
    pub fn set_now(&mut self, now: i64) {
        self.now = self.now.max(now);
    }

    fn set_ready(&mut self, exec_arn: &str, ready: bool) {
        if let Some(e) = self.executions.get_mut(exec_arn) {
            e.ready = ready;
        }
    }

    /// Polls an execution (see [`crate::exec::Execution::poll`]), notes its task token, writes its
    /// new log records.
    fn poll(&mut self, exec_arn: &str, now: i64) -> Option<Poll> {
        let p = self.executions.get_mut(exec_arn)?.exec.poll(now);
        if let Poll::Task(req) = &p {
            if let Some(token) = &req.task_token {
                self.tokens.insert(token.clone(), (exec_arn.to_string(), req.id));
            }
        }
        self.settle(exec_arn);
        Some(p)
    }

    /// The running executions' sequence numbers, from the cursor on and then from the start, so
    /// that a poll budget serves every execution in turn.
    fn running_from_cursor(&self) -> Vec<u64> {
        let after = self.running.range(self.cursor..).map(|(s, _)| *s);
        after.chain(self.running.range(..self.cursor).map(|(s, _)| *s)).collect()
    }

    fn any_due(&self, now: i64) -> bool {
        self.running
            .values()
            .any(|a| self.executions.get(a).is_some_and(|e| e.ready || e.wake_at.is_some_and(|t| t <= now)))
    }

    fn next_timer(&self) -> Option<i64> {
        self.running.values().filter_map(|a| self.executions.get(a)?.wake_at).min()
    }

    /// A task an execution asks for: the mock config's answer, else the driver's handler, else
    /// the account ([`Simulator::answer_unhandled`]).
    fn dispatch(
        &mut self,
        exec_arn: &str,
        req: TaskRequest,
        handled: &dyn Fn(&str) -> bool,
        now: i64,
        calls: &mut Vec<HandlerCall>,
    ) {
        // A Distributed Map's reader or writer: the S3 store answers, never a handler.
        match req.purpose {
            TaskPurpose::State => {}
            TaskPurpose::ItemReader(kind) => {
                let answer = crate::dmap::fetch::read(&self.s3, kind, &req.input);
                return self.complete_task(exec_arn, req.id, answer, now);
            }
            TaskPurpose::ResultWriter => {
                let answer = crate::dmap::fetch::write(&mut self.s3, &req.input, now);
                return self.complete_task(exec_arn, req.id, answer, now);
            }
        }
        if let Some(answer) = self.mock_answer(exec_arn, &req) {
            return self.complete_task(exec_arn, req.id, answer, now);
        }
        if handled(&req.resource) {
            let state_machine_arn = self.executions.get(exec_arn).map(|e| e.machine_arn.clone()).unwrap_or_default();
            calls.push(HandlerCall { execution_arn: exec_arn.to_string(), state_machine_arn, request: req });
            return;
        }
        self.answer_unhandled(exec_arn, &req, now);
    }

    /// A task with no mocked answer and no handler: a nested-workflow resource starts the child
    /// machine (see [`nested`]); a `.waitForTaskToken` task waits for its token (nobody was told the
    /// token, but it is in the task's parameters and history); an S3 call is answered by the
    /// account's store ([`super::s3tasks`]); any other task fails with `States.TaskFailed`.
    fn answer_unhandled(&mut self, exec_arn: &str, req: &TaskRequest, now: i64) {
        if let Some(how) = Integration::of(&req.resource) {
            self.start_nested(exec_arn, req, how, now);
        } else if crate::exec::is_activity(&req.resource) {
            self.schedule_activity_task(exec_arn, req);
        } else if let Some(answer) = super::s3tasks::answer(&mut self.s3, &req.resource, &req.input, now) {
            self.complete_task(exec_arn, req.id, answer, now);
        } else if let Some(answer) = self.answer_sfn_task(&req.resource, &req.input, req.id, now) {
            self.complete_task(exec_arn, req.id, answer, now);
        } else if req.task_token.is_none() {
            self.complete_task(exec_arn, req.id, Err(no_handler(req)), now);
        }
    }

    /// The mock config's answer to a task, when the execution was started with `#TestCase` and the
    /// test case names the task's state (counting the state's invocations, from 0). A test case
    /// that names the state but has no answer for this invocation fails the task, as Step
    /// Functions Local does.
    fn mock_answer(&mut self, exec_arn: &str, req: &TaskRequest) -> Option<Result<Value, Failure>> {
        let e = self.executions.get_mut(exec_arn)?;
        let tc = e.test_case.as_ref()?;
        let m = self.machines.get(&e.machine_arn)?;
        let cfg = self.mocks.as_ref()?;
        let case = cfg.test_case(&m.name, tc)?;
        if !case.contains_key(&req.state_name) {
            return None;
        }
        let n = e.mock_invocations.entry(req.state_name.clone()).or_insert(0);
        let invocation = *n;
        *n += 1;
        Some(match cfg.answer(case, &req.state_name, invocation) {
            Some(Mocked::Return(v)) => Ok(v.clone()),
            Some(Mocked::Throw(f)) => Err(f.clone()),
            None => Err(Failure::new(
                ErrorName::TaskFailed,
                format!(
                    "The mock config has no response for invocation {invocation} of state '{}' (resource {}).",
                    req.state_name, req.resource
                ),
            )),
        })
    }

    /// Starts the child execution a nested-workflow task asks for.
    fn start_nested(&mut self, parent: &str, req: &TaskRequest, how: Integration, now: i64) {
        let start = how.start_request(&req.input);
        // A sync child a task starts meets the budget too, so a workflow that starts itself that
        // way ends instead of growing memory.
        let budget = if how == Integration::SdkStartSync { self.check_open_executions() } else { Ok(()) };
        let started = budget.and_then(|()| self.start(&start, now, how == Integration::SdkStartSync));
        let child = match started {
            Ok(child) => child,
            Err(e) => return self.complete_task(parent, req.id, Err(how.start_failure(&e, req.id)), now),
        };
        match how {
            Integration::RequestResponse => {
                let start_date = self.executions.get(&child).map_or(now, |e| e.exec.config().start_time);
                let out = nested::started_output(&child, start_date, req.id, now);
                self.complete_task(parent, req.id, Ok(out), now);
            }
            Integration::WaitForTaskToken => {}
            Integration::Sync | Integration::Sync2 | Integration::SdkStartSync => {
                let metadata_only = start.included_data.as_deref() == Some("METADATA_ONLY");
                let wait = super::NestedWait { parent: parent.to_string(), task: req.id, how, metadata_only };
                self.waiting.entry(child).or_default().push(wait);
            }
        }
    }

    /// The answer a waiting parent task gets when its child has ended.
    fn nested_result(&self, child: &str, w: &super::NestedWait) -> Result<Value, Failure> {
        let internal = |e: ApiError| Failure::new(ErrorName::TaskFailed, e.message);
        match w.how {
            Integration::SdkStartSync => {
                self.sync_output(child, w.metadata_only).map(|r| nested::sdk_start_sync_result(&r)).map_err(internal)
            }
            how => {
                let d = self
                    .describe_execution(&ExecutionInput { execution_arn: child.to_string(), included_data: None })
                    .map_err(internal)?;
                nested::sync_result(&d, how == Integration::Sync2)
            }
        }
    }
}

/// The failure of a task that nothing answers.
pub fn no_handler(req: &TaskRequest) -> Failure {
    Failure::new(
        ErrorName::TaskFailed,
        format!(
            "No task handler or mocked response for state '{}' (resource {}): register a handler for the resource, or \
             start the execution with a #TestCase of the mock config.",
            req.state_name, req.resource
        ),
    )
}
