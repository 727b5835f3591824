//! The budgets of one JSONata evaluation: how much memory it may hold and how much work it may do.

/// The default memory budget of one evaluation: 128 MiB.
pub const DEFAULT_MEMORY: usize = 128 << 20;

/// The default work budget of one evaluation (see [`Limits::fuel`]).
pub const DEFAULT_FUEL: u64 = 50_000_000;

/// The budgets of one JSONata evaluation. An evaluation that exceeds one fails its execution with
/// `States.Runtime` (a budget of the simulator, not an error AWS would raise, so no `Catch` can
/// loop on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes the evaluation may hold at once, and the largest string or result it may
    /// build. [`DEFAULT_MEMORY`] by default.
    pub memory: usize,
    /// The most work the evaluation may do, in units of one allocation plus one per KiB allocated
    /// (jsonata-core allocates as it evaluates, so this counts steps in the browser too, where no
    /// clock can be read). [`DEFAULT_FUEL`] by default.
    pub fuel: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { memory: DEFAULT_MEMORY, fuel: DEFAULT_FUEL }
    }
}

/// The end of the cause when an evaluation went past a budget (after "The JSONata expression
/// '...' specified for the field '...'"), naming it and how to raise it.
#[cfg(feature = "jsonata")]
pub(super) fn exceeded(trip: crate::meter::Trip, limits: &Limits) -> String {
    let (what, n, option, flag) = match trip {
        crate::meter::Trip::Memory => ("memory budget of", limits.memory as u64, "jsonataMemory", "--jsonata-memory"),
        crate::meter::Trip::Fuel => ("work budget of", limits.fuel, "jsonataFuel", "--jsonata-fuel"),
    };
    let unit = if matches!(trip, crate::meter::Trip::Memory) { " bytes" } else { " units" };
    format!(
        "exceeded the simulator's JSONata {what} {n}{unit} (raise it with the Simulator option {option}, the CLI flag \
         {flag} or Budgets::jsonata)."
    )
}
