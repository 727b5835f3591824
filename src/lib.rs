//! asl-sim: an AWS Step Functions simulator.
//!
//! It runs Amazon States Language state machines as AWS Step Functions does (JSONPath and
//! JSONata, variables, every state type, Retry and Catch, intrinsic functions, AWS's error
//! names and history events) on a virtual clock: the core never reads a clock, never sleeps
//! and never calls a random source. A driver advances an [`exec::Execution`]: it asks for
//! tasks to run and times to wake at, and the driver answers.
//!
//! ```
//! use asl_sim::driver::{self, StateMachine, TaskAnswers};
//! use asl_sim::exec::{Config, Identity, MachineType, Status};
//! use serde_json::json;
//!
//! let sm = StateMachine::load(&json!({
//!     "StartAt": "Greet",
//!     "States": {
//!         "Greet": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('Hello, {}!', $.name)"}, "Next": "Nap"},
//!         "Nap": {"Type": "Wait", "Seconds": 3600, "End": true}
//!     }
//! })).unwrap();
//! let id = Identity::new("123456789012", "us-east-1", "Hello", "run-1", MachineType::Standard);
//! let exec = driver::run(&sm, json!({"name": "World"}), Config::new(id, MachineType::Standard), &mut TaskAnswers::none());
//!
//! assert_eq!(exec.status(), Status::Succeeded);
//! assert_eq!(exec.output(), Some(&json!({"msg": "Hello, World!"})));
//! let kinds: Vec<&str> = exec.events().iter().map(|e| e.kind).collect();
//! assert_eq!(kinds, ["ExecutionStarted", "PassStateEntered", "PassStateExited",
//!                    "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]);
//! // The hour-long Wait took no time, but the history shows it.
//! assert_eq!(exec.events().last().unwrap().timestamp - exec.events()[0].timestamp, 3_600_000);
//! ```
//!
//! Modules, in the order data flows: [`validate`] (definition diagnostics as
//! `ValidateStateMachineDefinition` gives them), [`model`] (the parsed definition, with
//! [`jsonpath`], [`intrinsics`], [`jsonata`] and [`choice`] parsed once; [`java`] renders numbers
//! and strings as the Java service does), [`exec`] (the sans-IO executor and its [`history`]),
//! [`driver`] (a virtual-clock driver, [`mock`] configs), [`simulator`] (an account: machines,
//! executions, CloudWatch-style logs).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod choice;
pub mod error;
pub mod exec;
pub mod history;
pub mod intrinsics;
pub mod java;
pub mod jsonata;
pub mod jsonpath;
pub mod mock;
pub mod model;
pub mod simulator;
pub mod teststate;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
