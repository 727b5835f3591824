//! The JS driver of the account: a `spawn_local` loop around [`account::Simulator::advance`] that
//! calls JS task handlers, settles `startSyncExecution` promises and `onDone` callbacks, feeds
//! log subscribers and sleeps on JS timers.
//!
//! Each turn: hand the handlers' answers to the account ([`account::Simulator::answer_task`]),
//! advance it (a bounded number of polls, so the page stays responsive), then, outside the
//! `RefCell` borrow so that any callback may call the simulator again, call the handlers, settle
//! the waiters of ended executions and deliver new log records. On the virtual clock the account
//! jumps from timer to timer, except while a JS handler's promise is pending or an activity task
//! waits for its worker: that holds the clock. Requests of the SDK request handler that wait
//! (`StartSyncExecution`, `GetActivityTask`) are settled here too, when the protocol answers them.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll as TaskPoll, Waker};

use js_sys::{Function, Promise};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use super::convert::{get, set, to_js, to_js_dated};
use super::{api_error, js_error};
use crate::error::{ErrorName, Failure};
use crate::simulator::{self as account, HandlerCall};

/// Polls per turn, so that one busy turn cannot hold the JS event loop for long: a poll runs at
/// most the account's poll slice (1,000 transitions), so a turn is at most 16,000 transitions,
/// a few milliseconds.
const POLLS_PER_TURN: usize = 16;

/// The console's StartSyncExecution request elapses after 60 seconds. AWS: "If you run Step
/// Functions Express Workflows synchronously from the console, the StartSyncExecution request
/// elapses after 60 seconds." (developer guide, "Synchronous and Asynchronous Express Workflows",
/// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-express-synchronous.html)
pub(super) const CONSOLE_SYNC_LIMIT_MS: i64 = 60_000;

/// The state behind a JS `Simulator`, shared with its scheduler task.
pub(super) struct Shared {
    pub(super) state: RefCell<State>,
    signal: Signal,
}

/// Where time comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Clock {
    /// The account's own clock, which jumps to the next timer when nothing else can happen.
    Virtual,
    /// `Date.now()`.
    Real,
}

/// The account and what only JS has.
pub(super) struct State {
    pub(super) account: account::Simulator,
    pub(super) clock: Clock,
    pub(super) handlers: HashMap<String, Function>,
    /// (id, callback, index of the first log record it gets)
    pub(super) subscribers: Vec<(u32, Function, usize)>,
    pub(super) next_subscriber: u32,
    /// Log records before this index have gone to the subscribers.
    delivered: usize,
    /// Who waits for each running execution's end.
    waiters: HashMap<String, Vec<Waiter>>,
    /// Handlers' answers not yet given to the account.
    completions: Vec<(HandlerCall, Result<Value, Failure>)>,
    /// JS task handlers whose promises have not settled.
    inflight: usize,
    scheduler_running: bool,
    /// `sim.free()` was called: the scheduler stops.
    freed: bool,
    /// What the last [`account::Simulator::advance`] left.
    last: account::Advance,
    /// Requests of the SDK request handler waiting for the account, and their promises' `resolve`.
    pub(super) wire_waits: Vec<(crate::protocol::Wait, Function)>,
    /// Activity tasks wait for their workers: the virtual clock stands still.
    held: bool,
}

/// Someone waiting for an execution's end.
pub(super) enum Waiter {
    /// `startExecution`'s `onDone`.
    OnDone(Function),
    /// A `startSyncExecution` promise.
    Sync { resolve: Function, reject: Function, deadline: Option<i64>, metadata_only: bool },
}

/// A promise to settle or a callback to call, outside the borrow.
enum Settle {
    Resolve(Function, JsValue),
    Reject(Function, JsValue),
    OnDone(Function, JsValue),
}

/// What one turn leaves for JS, called outside the borrow.
#[derive(Default)]
struct Turn {
    records: Vec<(Function, JsValue, JsValue)>,
    calls: Vec<(HandlerCall, Function)>,
    settles: Vec<Settle>,
}

/// What the scheduler does after a turn.
enum Next {
    Again,
    Wait(Option<f64>),
    Exit,
}

impl State {
    /// A state around a new account.
    pub(super) fn new(account: account::Simulator, clock: Clock) -> State {
        State {
            account,
            clock,
            handlers: HashMap::new(),
            subscribers: Vec::new(),
            next_subscriber: 0,
            delivered: 0,
            waiters: HashMap::new(),
            completions: Vec::new(),
            inflight: 0,
            scheduler_running: false,
            freed: false,
            last: account::Advance::default(),
            wire_waits: Vec::new(),
            held: false,
        }
    }

    /// The time of an input: the account's clock, or the wall clock (never going back).
    pub(super) fn now(&mut self) -> i64 {
        match self.clock {
            Clock::Virtual => self.account.now(),
            Clock::Real => self.account.now().max(js_sys::Date::now() as i64),
        }
    }

    /// Someone waits for the end of a running execution.
    pub(super) fn wait_for(&mut self, arn: &str, waiter: Waiter) {
        self.waiters.entry(arn.to_string()).or_default().push(waiter);
    }

    fn deadlines(&self) -> impl Iterator<Item = i64> + '_ {
        self.waiters.values().flatten().filter_map(|w| match w {
            Waiter::Sync { deadline, .. } => *deadline,
            Waiter::OnDone(_) => None,
        })
    }

    fn turn(&mut self) -> Turn {
        let mut turn = Turn::default();
        let now = self.now();
        self.held = self.account.activity_tasks_outstanding() > 0;
        for (call, result) in std::mem::take(&mut self.completions) {
            self.account.answer_task(&call, Some(result), now);
        }
        let until = match self.clock {
            // A pending handler or activity task holds the virtual clock; a console deadline stops it.
            Clock::Virtual if self.inflight > 0 || self.held => Some(now),
            Clock::Virtual => self.deadlines().min(),
            Clock::Real => Some(now),
        };
        let handlers = &self.handlers;
        let advance = self.account.advance(until, &|resource| handlers.contains_key(resource), POLLS_PER_TURN);
        for call in &advance.calls {
            if let Some(handler) = self.handlers.get(&call.request.resource) {
                turn.calls.push((call.clone(), handler.clone()));
                self.inflight += 1;
            }
        }
        for arn in &advance.ended {
            self.settle_waiters(arn, &mut turn);
        }
        let now = advance.now;
        for (arn, waiters) in self.waiters.iter_mut() {
            waiters.retain(|w| match w {
                Waiter::Sync { reject, deadline: Some(d), .. } if *d <= now => {
                    turn.settles.push(Settle::Reject(reject.clone(), console_timeout(arn)));
                    false
                }
                _ => true,
            });
        }
        self.waiters.retain(|_, w| !w.is_empty());
        self.resolve_wire_waits(now, &mut turn);
        self.collect_records(&mut turn);
        self.last = advance;
        turn
    }

    /// An execution ended: its `onDone` callbacks and sync promises get its result.
    fn settle_waiters(&mut self, arn: &str, turn: &mut Turn) {
        for w in self.waiters.remove(arn).unwrap_or_default() {
            let result = |metadata_only| self.account.sync_output(arn, metadata_only).map_err(api_error);
            match w {
                Waiter::OnDone(f) => {
                    let out = result(false).and_then(|v| to_js_dated(&v));
                    turn.settles.push(Settle::OnDone(f, out.unwrap_or_else(|e| e)));
                }
                Waiter::Sync { resolve, reject, metadata_only, .. } => {
                    match result(metadata_only).and_then(|v| to_js_dated(&v)) {
                        Ok(out) => turn.settles.push(Settle::Resolve(resolve, out)),
                        Err(e) => turn.settles.push(Settle::Reject(reject, e)),
                    }
                }
            }
        }
    }

    /// Settles the request handler's waiting requests that the protocol can answer now.
    fn resolve_wire_waits(&mut self, now: i64, turn: &mut Turn) {
        if !cfg!(feature = "request-handler") {
            return; // no request handler, no waits (and no protocol code in the build)
        }
        let wall = js_sys::Date::now() as i64;
        for (wait, resolve) in std::mem::take(&mut self.wire_waits) {
            match crate::protocol::resume(&mut self.account, &wait, now, wall) {
                Some(r) => turn.settles.push(Settle::Resolve(resolve, super::handler::http_response(&r))),
                None => self.wire_waits.push((wait, resolve)),
            }
        }
    }

    /// The earliest deadline of a waiting request (a long poll), in wall-clock ms from now.
    fn wire_deadline(&self) -> Option<f64> {
        let wall = js_sys::Date::now();
        self.wire_waits.iter().filter_map(|(w, _)| w.deadline()).map(|d| (d as f64 - wall).max(0.0)).reduce(f64::min)
    }

    /// New log records for the subscribers (positions count every record ever written, so that
    /// retention dropping old ones changes nothing here).
    fn collect_records(&mut self, turn: &mut Turn) {
        let end = self.account.log_end();
        if self.subscribers.is_empty() {
            self.delivered = end;
            return;
        }
        let records = self.account.logs_since(self.delivered);
        let first = end - records.len();
        for (i, r) in records.iter().enumerate() {
            let (Ok(record), group) = (to_js(&r.message), JsValue::from_str(&r.log_group)) else { continue };
            for (_, f, from) in &self.subscribers {
                if first + i >= *from {
                    turn.records.push((f.clone(), record.clone(), group.clone()));
                }
            }
        }
        self.delivered = end;
    }

    /// `sim.free()`: lets go of the account and of everything JS gave it; returns the `reject`s
    /// of the pending `startSyncExecution` promises, to call outside the borrow.
    pub(super) fn free(&mut self) -> Vec<Function> {
        let mut rejects = Vec::new();
        for w in std::mem::take(&mut self.waiters).into_values().flatten() {
            if let Waiter::Sync { reject, .. } = w {
                rejects.push(reject);
            }
        }
        let (id, region) = (self.account.account.clone(), self.account.region.clone());
        self.account = account::Simulator::new(&id, &region, 0);
        self.handlers = HashMap::new();
        self.subscribers = Vec::new();
        self.completions = Vec::new();
        self.last = account::Advance::default();
        self.freed = true;
        rejects
    }

    /// What to do after a turn.
    fn next(&mut self) -> Next {
        if self.freed {
            return self.exit();
        }
        if !self.completions.is_empty() || !self.last.is_quiet() {
            return Next::Again;
        }
        if self.delivered < self.account.log_end() && !self.subscribers.is_empty() {
            return Next::Again;
        }
        let running = self.account.running_count() > 0;
        self.held = self.account.activity_tasks_outstanding() > 0;
        // A long poll of the request handler ends at its deadline (wall clock) whatever the clock does.
        let poll = self.wire_deadline();
        match self.clock {
            Clock::Virtual if self.inflight > 0 || self.held => Next::Wait(poll),
            // The account stopped at a console deadline with timers still to come.
            Clock::Virtual if self.last.wake_at.is_some() => Next::Again,
            Clock::Virtual if running => Next::Wait(poll),
            Clock::Real => {
                let next = self.last.wake_at.into_iter().chain(self.deadlines()).min();
                let now = self.now();
                match next {
                    Some(t) if t <= now => Next::Again,
                    Some(t) => Next::Wait(Some(poll.map_or((t - now) as f64, |p| p.min((t - now) as f64)))),
                    None if running || self.inflight > 0 || poll.is_some() => Next::Wait(poll),
                    None => self.exit(),
                }
            }
            Clock::Virtual if poll.is_some() => Next::Wait(poll),
            Clock::Virtual => self.exit(),
        }
    }

    fn exit(&mut self) -> Next {
        self.scheduler_running = false;
        Next::Exit
    }
}

impl Shared {
    /// A new shared state.
    pub(super) fn new(state: State) -> Shared {
        Shared { state: RefCell::new(state), signal: Signal::default() }
    }

    pub(super) fn borrow(&self) -> Result<RefMut<'_, State>, JsValue> {
        self.state.try_borrow_mut().map_err(|_| super::lifecycle::busy_error())
    }

    /// Makes sure the scheduler runs and sees the news.
    pub(super) fn kick(self: &Rc<Self>) {
        let start = match self.state.try_borrow_mut() {
            Ok(mut st) if !st.scheduler_running => {
                st.scheduler_running = true;
                true
            }
            _ => false,
        };
        if start {
            spawn_local(schedule(self.clone()));
        } else {
            self.signal.notify();
        }
    }

    /// A JS handler's task ended.
    fn complete(&self, call: HandlerCall, result: Result<Value, Failure>) {
        if let Ok(mut st) = self.state.try_borrow_mut() {
            st.inflight = st.inflight.saturating_sub(1);
            st.completions.push((call, result));
        }
        self.signal.notify();
    }
}

/// The scheduler: one task per simulator while executions run.
async fn schedule(shared: Rc<Shared>) {
    let mut last_macrotask = js_sys::Date::now();
    loop {
        let turn = match shared.state.try_borrow_mut() {
            Ok(mut st) => st.turn(),
            Err(_) => Turn::default(),
        };
        deliver(&turn.records);
        for (call, handler) in turn.calls {
            call_handler(&shared, call, handler);
        }
        settle(turn.settles);
        let next = match shared.state.try_borrow_mut() {
            Ok(mut st) => st.next(),
            Err(_) => Next::Again,
        };
        match next {
            Next::Exit => break,
            Next::Again => {
                // Let the page breathe: a microtask between turns, a macrotask now and then.
                if js_sys::Date::now() - last_macrotask > 10.0 {
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    last_macrotask = js_sys::Date::now();
                } else {
                    let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
                }
            }
            Next::Wait(timeout) => {
                shared.signal.wait(timeout).await;
                last_macrotask = js_sys::Date::now();
            }
        }
    }
}

/// The error of a console `startSyncExecution` whose execution ran past 60 s.
fn console_timeout(arn: &str) -> JsValue {
    let e = js_error(
        "TimeoutError",
        format!(
            "The console's StartSyncExecution request elapsed after 60 seconds of execution time. The execution goes \
             on: its end will appear in its logs ({arn}). Call startSyncExecution with {{caller: 'sdk'}} to wait up to \
             the 5-minute Express limit."
        ),
    );
    set(&e, "executionArn", &arn.into());
    e.into()
}

/// Calls a JS task handler; its (possibly async) answer becomes a completion.
fn call_handler(shared: &Rc<Shared>, call: HandlerCall, handler: Function) {
    let input = js_sys::JSON::parse(&call.request.input.to_string()).unwrap_or(JsValue::NULL);
    let context = to_js(&call.context()).unwrap_or(JsValue::NULL);
    match handler.call2(&JsValue::UNDEFINED, &input, &context) {
        Err(thrown) => shared.complete(call, Err(failure_from_js(&thrown))),
        Ok(v) if is_thenable(&v) => {
            let shared = shared.clone();
            spawn_local(async move {
                let result = match JsFuture::from(Promise::resolve(&v)).await {
                    Ok(v) => value_from_js(&v),
                    Err(thrown) => Err(failure_from_js(&thrown)),
                };
                shared.complete(call, result);
            });
        }
        Ok(v) => shared.complete(call, value_from_js(&v)),
    }
}

fn deliver(records: &[(Function, JsValue, JsValue)]) {
    for (f, record, group) in records {
        if let Err(e) = f.call2(&JsValue::UNDEFINED, record, group) {
            web_sys::console::error_2(&"asl-sim: a log subscriber threw".into(), &e);
        }
    }
}

fn settle(settles: Vec<Settle>) {
    for s in settles {
        let r = match &s {
            Settle::Resolve(f, v) | Settle::Reject(f, v) => f.call1(&JsValue::UNDEFINED, v),
            Settle::OnDone(f, v) => f.call1(&JsValue::UNDEFINED, v),
        };
        if let Err(e) = r {
            web_sys::console::error_2(&"asl-sim: an onDone callback threw".into(), &e);
        }
    }
}

fn is_thenable(v: &JsValue) -> bool {
    v.is_instance_of::<Promise>() || (v.is_object() && get(v, "then").is_some_and(|t| t.is_function()))
}

/// A handler's answer as a JSON value (`undefined` is `null`).
pub(super) fn value_from_js(v: &JsValue) -> Result<Value, Failure> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Failure::new(ErrorName::TaskFailed, "The task handler's result cannot be written as JSON."))?;
    serde_json::from_str(&text)
        .map_err(|e| Failure::new(ErrorName::TaskFailed, format!("The task handler's result is not JSON: {e}")))
}

/// What a thrown value means: `{error, cause}` (or an `Error` with those fields) names the
/// failure; another `Error` fails with its `name` and `message`.
pub(super) fn failure_from_js(v: &JsValue) -> Failure {
    let text = |v: JsValue| -> String {
        match v.as_string() {
            Some(s) => s,
            None if v.is_undefined() || v.is_null() => String::new(),
            None => js_sys::JSON::stringify(&v).ok().and_then(|s| s.as_string()).unwrap_or_default(),
        }
    };
    if v.is_object() {
        let error = get(v, "error").filter(|e| !e.is_undefined() && !e.is_null());
        let is_error = v.is_instance_of::<js_sys::Error>();
        let message = || v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        if let Some(error) = error {
            let cause = get(v, "cause").filter(|c| !c.is_undefined()).map(text);
            let cause = cause.unwrap_or_else(|| if is_error { message() } else { String::new() });
            return Failure::custom(text(error), cause);
        }
        if let Some(e) = v.dyn_ref::<js_sys::Error>() {
            return Failure::custom(String::from(e.name()), String::from(e.message()));
        }
        return Failure::custom("Error", text(v.clone()));
    }
    Failure::custom("Error", v.as_string().unwrap_or_else(|| format!("{v:?}")))
}

/// Wakes the scheduler: a JS task settled or an API call changed something.
#[derive(Default)]
struct Signal {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Signal {
    fn notify(&self) {
        self.fired.set(true);
        if let Some(w) = self.waker.try_borrow_mut().ok().and_then(|mut w| w.take()) {
            w.wake();
        }
    }

    /// Until `notify`, or until `timeout_ms` has passed.
    async fn wait(&self, timeout_ms: Option<f64>) {
        // setTimeout takes at most 2^31 - 1 ms; longer sleeps wake early and sleep again.
        let mut timer = timeout_ms
            .map(|ms| Box::pin(gloo_timers::future::TimeoutFuture::new(ms.clamp(0.0, 2_147_483_647.0) as u32)));
        std::future::poll_fn(|cx| {
            if self.fired.replace(false) {
                return TaskPoll::Ready(());
            }
            if let Some(t) = timer.as_mut() {
                if t.as_mut().poll(cx).is_ready() {
                    return TaskPoll::Ready(());
                }
            }
            if let Ok(mut w) = self.waker.try_borrow_mut() {
                *w = Some(cx.waker().clone());
            }
            TaskPoll::Pending
        })
        .await;
    }
}
