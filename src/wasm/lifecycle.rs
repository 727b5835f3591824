//! What outlives one call of the bindings: freeing a simulator, and what a Rust panic leaves.
//!
//! `sim.free()` (every wasm-bindgen class has it) drops the [`super::Simulator`]; its `Drop` lets
//! go of the account (machines, executions, logs) and of everything JS gave it (handlers,
//! subscribers, callbacks) at once, even while its scheduler still holds the shared state, and
//! rejects its pending `startSyncExecution` promises with `SimulatorFreed`.
//!
//! On wasm32-unknown-unknown a panic aborts: the call that made it ends with
//! `RuntimeError: unreachable` and nothing unwinds (`catch_unwind` does not exist there), so the
//! budgets exist to prevent panics. Should one happen anyway, the panic hook notes its message,
//! and the simulator whose state the call held throws `InternalError` with that message from
//! then on (its state may be half-updated). The module itself stays usable: a new `Simulator`
//! works, and so do the others. What the trapped call held (its stack space, the memory of the
//! values it had in hand) is not given back, so after many such errors reload the module.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::js_error;

thread_local! {
    /// The message of the last panic, if any.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

thread_local! {
    static HOOKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes each panic's message, then lets the hook that was there (or `console.error`) report it.
/// Once per module; every `new Simulator()` makes sure of it.
pub(super) fn install_panic_hook() {
    if HOOKED.with(|h| h.replace(true)) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.to_string();
        let _ = LAST_PANIC.try_with(|p| p.try_borrow_mut().map(|mut p| *p = Some(message)));
        console_error_panic_hook::hook(info);
        previous(info);
    }));
}

/// The error of a call that finds its simulator's state held: after a panic, `InternalError`
/// naming it; otherwise the simulator was called from inside itself, `SimulatorBusy`.
pub(super) fn busy_error() -> JsValue {
    let panic = LAST_PANIC.try_with(|p| p.try_borrow().ok().and_then(|p| p.clone())).ok().flatten();
    match panic {
        Some(message) => js_error(
            "InternalError",
            format!(
                "This Simulator stopped after an internal error (a Rust panic: {message}). Its state may be \
                 half-updated, so it refuses every call: create a new Simulator (the others are not affected)."
            ),
        )
        .into(),
        None => js_error("SimulatorBusy", "the simulator was called while it was busy").into(),
    }
}

/// Panics while holding the simulator's state: a hook for the tests of what a panic leaves
/// (`tests/api/panic.rs`). Not part of the API.
#[doc(hidden)]
pub fn panic_for_tests(simulator: &super::Simulator) {
    let _held = simulator.shared.state.try_borrow_mut();
    panic!("a panic for the tests");
}
