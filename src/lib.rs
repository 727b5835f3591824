//! asl-sim: an AWS Step Functions simulator.

pub mod choice;
pub mod driver;
pub mod error;
pub mod exec;
pub mod history;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonpath;
pub mod mock;
pub mod model;
pub mod simulator;
pub mod validate;

#[cfg(target_arch = "wasm32")]
mod wasm;
