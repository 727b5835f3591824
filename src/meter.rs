//! A metering global allocator: it counts the bytes the process holds, and lets one piece of work
//! (a JSONata evaluation) run under a budget of memory and of work, in a browser as natively.
//!
//! jsonata-core offers no step budget, and its wall-clock timeout cannot work in wasm (there is no
//! clock there). But it allocates as it evaluates, and checks a cancel token at every step of an
//! evaluation. [`Metered`] sees every allocation: inside [`run`], it counts the bytes held and the
//! work done (one unit per allocation plus one per KiB), and once either passes its budget it
//! cancels the evaluation's token, which ends the evaluation at its next step. The count is
//! deterministic: the same evaluation stops at the same point every time.
//!
//! It is the global allocator of the wasm build and of the `asl-sim` binary. A Rust program that
//! uses the crate gets the JSONata budgets by installing it too (otherwise evaluations are
//! bounded by jsonata-core's 10-second timeout natively, and by the guards of the functions that
//! can build a large value in one call):
//!
//! ```
//! #[global_allocator]
//! static ALLOCATOR: asl_sim::meter::Metered<std::alloc::System> = asl_sim::meter::Metered(std::alloc::System);
//! # fn main() { assert!(asl_sim::meter::allocated() > 0 || !asl_sim::meter::installed()); }
//! ```

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What a trip cancels: the token of a JSONata evaluation.
#[cfg(feature = "jsonata")]
pub type CancelToken = jsonata_core::evaluator::CancelToken;

/// What a trip cancels: nothing, in a build without JSONata (the crate feature `jsonata`).
#[cfg(not(feature = "jsonata"))]
#[derive(Debug, Clone, Default)]
pub struct CancelToken;

#[cfg(not(feature = "jsonata"))]
impl CancelToken {
    /// Does nothing: there is no evaluation to end.
    pub fn cancel(&self) {}
}

/// A global allocator that meters the allocations of `A` (see the module doc).
pub struct Metered<A>(pub A);

/// Which budget a metered run went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trip {
    /// It held more bytes than its memory budget.
    Memory,
    /// It did more work than its work budget.
    Fuel,
}

static INSTALLED: AtomicBool = AtomicBool::new(false);
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

/// The metered run of this thread, if any. Plain `Cell`s with no destructor, so that the
/// allocator can always read them.
struct Region {
    active: Cell<bool>,
    held: Cell<isize>,
    fuel: Cell<u64>,
    max_held: Cell<isize>,
    max_fuel: Cell<u64>,
    trip: Cell<Option<Trip>>,
}

thread_local! {
    static REGION: Region = const {
        Region {
            active: Cell::new(false),
            held: Cell::new(0),
            fuel: Cell::new(0),
            max_held: Cell::new(0),
            max_fuel: Cell::new(0),
            trip: Cell::new(None),
        }
    };
    /// What a trip cancels. Read by the allocator only when a budget runs out.
    static CANCEL: Cell<Option<CancelToken>> = const { Cell::new(None) };
}

/// Whether [`Metered`] is the global allocator (it has seen an allocation).
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// The bytes the process holds through [`Metered`] (0 when it is not installed).
pub fn allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}

/// Runs `f` under a budget of `max_held` bytes held at once and `max_fuel` units of work; once one
/// runs out, `cancel` is cancelled. Returns `f`'s result and the budget that ran out, if any.
/// Runs nest: the inner one's allocations count for it alone.
pub fn run<T>(max_held: usize, max_fuel: u64, cancel: Option<CancelToken>, f: impl FnOnce() -> T) -> (T, Option<Trip>) {
    let saved = REGION.with(|r| {
        let saved = (r.active.get(), r.held.get(), r.fuel.get(), r.max_held.get(), r.max_fuel.get(), r.trip.get());
        r.held.set(0);
        r.fuel.set(0);
        r.max_held.set(isize::try_from(max_held).unwrap_or(isize::MAX));
        r.max_fuel.set(max_fuel);
        r.trip.set(None);
        r.active.set(true);
        saved
    });
    let saved_cancel = CANCEL.with(|c| c.replace(cancel));
    let out = f();
    let trip = REGION.with(|r| {
        let trip = r.trip.get();
        let (active, held, fuel, max_held, max_fuel, outer_trip) = saved;
        r.active.set(active);
        // What the inner run still holds and did counts for the outer one.
        r.held.set(held.saturating_add(r.held.get()));
        r.fuel.set(fuel.saturating_add(r.fuel.get()));
        r.max_held.set(max_held);
        r.max_fuel.set(max_fuel);
        r.trip.set(outer_trip);
        trip
    });
    CANCEL.with(|c| c.set(saved_cancel));
    (out, trip)
}

/// Trips the current run's budget from outside the allocator (a guard that sees a value would be
/// too large before it is built).
pub fn trip(which: Trip) {
    REGION.with(|r| {
        if r.active.get() && r.trip.get().is_none() {
            r.trip.set(Some(which));
        }
    });
}

#[inline]
fn note(grown: usize, shrunk: usize) {
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
    if grown > 0 {
        ALLOCATED.fetch_add(grown, Ordering::Relaxed);
    }
    if shrunk > 0 {
        ALLOCATED.fetch_sub(shrunk, Ordering::Relaxed);
    }
    REGION.with(|r| {
        if !r.active.get() {
            return;
        }
        let held = r.held.get().saturating_add(grown as isize).saturating_sub(shrunk as isize);
        r.held.set(held);
        if grown == 0 {
            return;
        }
        let fuel = r.fuel.get().saturating_add(1 + (grown >> 10) as u64);
        r.fuel.set(fuel);
        if r.trip.get().is_none() {
            let trip = if held > r.max_held.get() {
                Some(Trip::Memory)
            } else if fuel > r.max_fuel.get() {
                Some(Trip::Fuel)
            } else {
                None
            };
            if trip.is_some() {
                r.trip.set(trip);
                let _ = CANCEL.try_with(|c| {
                    let token = c.take();
                    if let Some(t) = &token {
                        t.cancel();
                    }
                    c.set(token);
                });
            }
        }
    });
}

#[allow(unsafe_code)]
// SAFETY: every call goes to `A` unchanged; the metering only reads and writes thread-local and
// atomic counters, never allocates, and never unwinds.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Metered<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc(layout);
        if !p.is_null() {
            note(layout.size(), 0);
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc_zeroed(layout);
        if !p.is_null() {
            note(layout.size(), 0);
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout);
        note(0, layout.size());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = self.0.realloc(ptr, layout, new_size);
        if !p.is_null() {
            note(new_size, layout.size());
        }
        p
    }
}
