//! asl-sim: an AWS Step Functions simulator.
//!
//! It runs Amazon States Language state machines as AWS Step Functions does (JSONPath and
//! JSONata, variables, every state type, Retry and Catch, intrinsic functions, AWS's error
//! names and history events) on a virtual clock: the core never reads a clock, never sleeps
//! and never calls a random source. A [`simulator::Simulator`] is an account in one region; every
//! driver (this example, the CLI, the JS bindings) advances it with one step,
//! [`simulator::Simulator::advance`], and answers the tasks it hands out.
//!
//! ```
//! use asl_sim::simulator::{CreateStateMachineInput, Simulator, StartExecutionInput};
//! use serde_json::json;
//!
//! let mut sim = Simulator::new("123456789012", "us-east-1", 0);
//! let definition = json!({
//!     "StartAt": "Greet",
//!     "States": {
//!         "Greet": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('Hello, {}!', $.name)"}, "Next": "Nap"},
//!         "Nap": {"Type": "Wait", "Seconds": 3600, "End": true}
//!     }
//! });
//! let machine = CreateStateMachineInput { name: "Hello".into(), definition: definition.to_string(), ..Default::default() };
//! let created = sim.create_state_machine(&machine, 0).unwrap();
//! let start = StartExecutionInput {
//!     state_machine_arn: created["stateMachineArn"].as_str().unwrap().into(),
//!     input: Some(r#"{"name": "World"}"#.into()),
//!     ..Default::default()
//! };
//! let arn = sim.start_execution(&start, 0).unwrap();
//! // The hour-long Wait takes no time: the virtual clock jumps to it.
//! assert_eq!(sim.run_to_end(&arn, &mut |_task| None), 3_600_000);
//!
//! let result = sim.sync_output(&arn, false).unwrap();
//! assert_eq!(result["status"], "SUCCEEDED");
//! assert_eq!(result["output"], r#"{"msg":"Hello, World!"}"#);
//! let kinds: Vec<&str> = sim.execution(&arn).unwrap().history().unwrap().iter().map(|e| e.kind).collect();
//! assert_eq!(kinds, ["ExecutionStarted", "PassStateEntered", "PassStateExited",
//!                    "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]);
//! ```
//!
//! Modules, in the order data flows: [`validate`] (definition diagnostics as
//! `ValidateStateMachineDefinition` gives them), [`model`] (the parsed definition, with
//! [`jsonpath`], [`intrinsics`], [`jsonata`] and [`choice`] parsed once; [`java`] renders numbers
//! and strings as the Java service does), [`exec`] (the sans-IO executor and its [`history`]),
//! [`simulator`] (an account: machines, executions, the account step, [`mock`] configs, task
//! tokens, nested workflows, CloudWatch-style logs), [`teststate`] (AWS's TestState: one state
//! in isolation), and [`error`] (AWS's error names, for failures and for the API).
//! The JS bindings (`wasm`, wasm32 only) and the `asl-sim` command line are drivers over
//! [`simulator`]; [`protocol`] speaks AWS's wire protocol over it (for the JS request handler and
//! for `serve`, the native HTTP server). [`meter`] is the metering allocator that bounds JSONata
//! evaluations (the wasm build and the command line install it; install it too for the same
//! budgets natively), and `simulator::lifecycle` the budgets and retention of every run.

// One `unsafe` item only: the metering allocator's `GlobalAlloc` impl, which forwards each call.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod choice;
pub mod dmap;
pub mod error;
pub mod exec;
pub mod history;
pub mod intrinsics;
pub mod java;
mod json_size;
mod json_splice;
pub mod jsonata;
pub mod jsonpath;
pub mod meter;
pub mod mock;
pub mod model;
pub mod protocol;
pub mod resource;
pub mod s3;
#[cfg(not(target_arch = "wasm32"))]
pub mod serve;
pub mod simulator;
mod sort;
pub mod teststate;
mod timefmt;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The wasm build meters its allocations, so that JSONata evaluations run under their budgets
/// (see [`meter`]). The crate's own unit tests do too.
#[cfg(any(target_arch = "wasm32", test))]
#[global_allocator]
static ALLOCATOR: meter::Metered<std::alloc::System> = meter::Metered(std::alloc::System);
