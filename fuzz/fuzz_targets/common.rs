//! What the fuzz targets share: the metering allocator (so JSONata evaluations run under their
//! budgets, as in the CLI and in wasm) and splitting one input into parts.
// Each target uses some of these helpers, not all.
#![allow(dead_code)]

#[global_allocator]
static ALLOCATOR: asl_sim::meter::Metered<std::alloc::System> = asl_sim::meter::Metered(std::alloc::System);

/// The input as text, split at the first NUL into a head and a tail (the tail empty when there is
/// none); `None` for input that is not UTF-8.
pub fn split(data: &[u8]) -> Option<(&str, &str)> {
    let text = std::str::from_utf8(data).ok()?;
    Some(text.split_once('\0').unwrap_or((text, "")))
}

/// A JSON value from text, `{}` when the text is not JSON.
pub fn json_or_empty(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::json!({}))
}

/// JSONata budgets small enough for thousands of runs a second.
pub fn small_jsonata() -> asl_sim::jsonata::Limits {
    asl_sim::jsonata::Limits { memory: 32 << 20, fuel: 2_000_000 }
}
