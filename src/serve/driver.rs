//! The server's driver: the account under one lock, the loop around
//! [`Simulator::advance`](crate::simulator::Simulator::advance) that runs every execution, the
//! requests waiting for the account (`StartSyncExecution`, `GetActivityTask`), and the Lambda
//! calls in flight.
//!
//! Time: on the `virtual` clock the account jumps from timer to timer, except while a Lambda call
//! is in flight or an activity task waits for its worker (the clock stands still for them, as it
//! does for a JS handler); on the `real` clock it follows the wall clock.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{oneshot, watch, Notify};

use super::lambda::Lambda;
use crate::error::Failure;
use crate::protocol::{self, Reply, Response, Wait};
use crate::simulator::{HandlerCall, Simulator};

/// The most executions polled before the driver lets requests at the account again.
const POLLS_PER_TURN: usize = 256;

/// How the server's account tells time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Waits take no time: the clock jumps to the next timer when nothing else can happen.
    Virtual,
    /// Waits take real time.
    Real,
}

impl Clock {
    /// `virtual` or `real`.
    pub fn as_str(self) -> &'static str {
        match self {
            Clock::Virtual => "virtual",
            Clock::Real => "real",
        }
    }
}

/// The wall clock, epoch ms.
pub(super) fn wall() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The account and what waits on it.
pub(super) struct Core {
    sim: Simulator,
    clock: Clock,
    waits: Vec<(Wait, oneshot::Sender<Response>)>,
    completions: Vec<(HandlerCall, Result<Value, Failure>)>,
    inflight: usize,
    stopping: bool,
}

impl Core {
    /// The time of an input: the account's clock, or the wall clock.
    fn now(&self) -> i64 {
        match self.clock {
            Clock::Virtual => self.sim.now(),
            Clock::Real => self.sim.now().max(wall()),
        }
    }

    /// Answers the waiting requests that can be answered.
    fn resolve_waits(&mut self, now: i64) {
        let wall = if self.stopping { i64::MAX } else { wall() };
        let waits = std::mem::take(&mut self.waits);
        for (wait, tx) in waits {
            if tx.is_closed() {
                continue;
            }
            match protocol::resume(&mut self.sim, &wait, now, wall) {
                Some(r) => {
                    let _ = tx.send(r);
                }
                None => self.waits.push((wait, tx)),
            }
        }
    }
}

/// The core under its lock, the driver's wake-up, and the Lambda endpoint.
pub(super) struct Shared {
    core: Mutex<Core>,
    notify: Notify,
    lambda: Option<Arc<Lambda>>,
}

impl Shared {
    pub(super) fn new(mut sim: Simulator, clock: Clock, lambda: Option<Lambda>) -> Shared {
        sim.set_now(wall());
        let core = Core { sim, clock, waits: Vec::new(), completions: Vec::new(), inflight: 0, stopping: false };
        Shared { core: Mutex::new(core), notify: Notify::new(), lambda: lambda.map(Arc::new) }
    }

    fn lock(&self) -> MutexGuard<'_, Core> {
        // A panic while holding the lock cannot leave the account half-changed in a way that
        // matters more than stopping every client: go on with it.
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wakes the driver: something changed.
    pub(super) fn wake(&self) {
        self.notify.notify_one();
    }

    /// One request through the protocol; waits (without holding the account) when it must.
    pub(super) async fn request(&self, target: Option<&str>, body: &[u8]) -> Response {
        let rx = {
            let mut core = self.lock();
            let now = core.now();
            match protocol::handle(&mut core.sim, target, body, now, wall()) {
                Reply::Done(r) => {
                    drop(core);
                    self.wake();
                    return r;
                }
                Reply::Wait(w) => {
                    let (tx, rx) = oneshot::channel();
                    core.waits.push((w, tx));
                    rx
                }
            }
        };
        self.wake();
        match rx.await {
            Ok(r) => r,
            Err(_) => Response {
                status: 503,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: b"asl-sim serve is stopping\n".to_vec(),
            },
        }
    }

    /// A Lambda call ended.
    fn complete(&self, call: HandlerCall, result: Result<Value, Failure>) {
        let mut core = self.lock();
        core.inflight = core.inflight.saturating_sub(1);
        core.completions.push((call, result));
        drop(core);
        self.wake();
    }
}

/// The loop around `advance`, until the server stops.
pub(super) async fn drive(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let stopping = *stop.borrow();
        let (calls, quiet, sleep_ms) = {
            let mut core = shared.lock();
            core.stopping = stopping;
            let now = core.now();
            for (call, result) in std::mem::take(&mut core.completions) {
                core.sim.answer_task(&call, Some(result), now);
            }
            let hold = core.inflight > 0 || core.sim.activity_tasks_outstanding() > 0;
            let until = match core.clock {
                Clock::Virtual if hold => Some(now),
                Clock::Virtual => None,
                Clock::Real => Some(now),
            };
            let lambda = shared.lambda.is_some();
            let a = core.sim.advance(until, &|resource| lambda && super::lambda::handles(resource), POLLS_PER_TURN);
            core.inflight += a.calls.len();
            core.resolve_waits(a.now);
            let mut next = core.waits.iter().filter_map(|(w, _)| w.deadline()).map(|d| d - wall()).min();
            if core.clock == Clock::Real {
                if let Some(t) = a.wake_at {
                    next = Some(next.map_or(t - a.now, |n| n.min(t - a.now)));
                }
            }
            (a.calls.clone(), a.is_quiet(), next)
        };
        if stopping {
            // Long polls were answered (their deadline is now); the rest get 503.
            shared.lock().waits.clear();
            return;
        }
        for call in calls {
            let shared = shared.clone();
            let Some(lambda) = shared.lambda.clone() else { continue };
            tokio::spawn(async move {
                let result = lambda.invoke(&call).await;
                shared.complete(call, result);
            });
        }
        if !quiet {
            tokio::task::yield_now().await;
            continue;
        }
        let sleep = Duration::from_millis(sleep_ms.map_or(3_600_000, |ms| ms.clamp(0, 3_600_000) as u64));
        tokio::select! {
            _ = shared.notify.notified() => {}
            _ = tokio::time::sleep(sleep) => {}
            _ = stop.changed() => {
                // Answer what can be answered (long polls end at once), then stop.
                let mut core = shared.lock();
                core.stopping = true;
                let now = core.now();
                core.resolve_waits(now);
                core.waits.clear();
                return;
            }
        }
    }
}
