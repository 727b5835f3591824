//! asl-sim: an AWS Step Functions simulator.

pub mod error;
pub mod jsonpath;

#[cfg(target_arch = "wasm32")]
mod wasm;
