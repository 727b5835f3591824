//! AWS Step Functions' `TestState` API: run one state in isolation, as the console's
//! "Test state" does, and show each step of its data flow.
//!
//! Sources: the API reference
//! (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html>: request
//! fields `definition`, `stateName`, `input`, `variables`, `context`, `inspectionLevel`,
//! `revealSecrets`, `mock {result, errorOutput, fieldValidationMode}`, `stateConfiguration
//! {retrierRetryCount, errorCausedByState, mapIterationFailureCount, mapItemReaderData}`; response
//! `status` SUCCEEDED | FAILED | RETRIABLE | CAUGHT_ERROR, `output`, `error`, `cause`, `nextState`,
//! `inspectionData`) and the developer guide
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html>: INFO shows
//! the output, DEBUG and TRACE add the data flow; Map and Parallel need a mock). Where the two are
//! silent, the behaviour follows the `TestState` answers recorded on AWS in
//! `../shared/conformance/teststate` (the inspection fields each state type shows, AWS's
//! validation messages, the context object naming the state `StateName`), and the
//! `InspectionData` reference
//! (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionData.html>).
//!
//! The core never calls a service: a Task state needs `mock` (without one it fails with
//! `States.TaskFailed`), and the generated context object uses a fixed clock and a seeded
//! identity, so the same request gives the same answer.
//!
//! Stages: [`request`] parses, `prepare` finds and validates the state, `rules` checks the
//! request against it (mock, role, context object, state configuration), `run` runs the state's data flow (the executor's own, from
//! [`crate::exec::dataflow`], with an [`Inspection`](crate::exec::dataflow::Inspection) noting
//! each step) on the mocked results and then Retry and Catch, `map` handles a Map state's
//! items, and `shapes` checks mocked results against the integrations' response shapes.
//!
//! Not modelled: HTTP Task `request` / `response` at TRACE, `afterItemBatcher` and
//! `afterItemsPointer`, activities, and response shapes beyond the integrations `shapes` lists
//! (their mocked results are not checked).
//!
//! ```
//! use asl_sim::teststate::{test_state, Request};
//! use serde_json::json;
//!
//! let req = Request::from_json(&json!({
//!     "definition": r#"{"Type": "Pass", "InputPath": "$.a", "ResultPath": "$.b", "End": true}"#,
//!     "input": r#"{"a": {"x": 1}}"#,
//!     "inspectionLevel": "DEBUG"
//! })).unwrap();
//! let resp = test_state(&req).unwrap();
//! assert_eq!(resp["status"], "SUCCEEDED");
//! // ResultPath places the result into the state's raw input.
//! assert_eq!(resp["output"], r#"{"a":{"x":1},"b":{"x":1}}"#);
//! assert_eq!(resp["inspectionData"]["afterInputPath"], r#"{"x":1}"#);
//! ```

use serde_json::Value;

mod map;
mod prepare;
pub mod request;
mod rules;
mod run;
mod shapes;

pub use request::{ApiError, FieldValidationMode, InspectionLevel, Mock, Request, StateConfiguration};

use crate::model;
use prepare::{generated_context, resolve_state, seed_of, wrap};
use run::Run;

/// The name AWS gives the tested state in the context object (and in a one-state definition).
const STATE_NAME: &str = "StateName";
/// The generated context's clock: the CLI runner's virtual start, 2024-01-01T00:00:00Z.
const START_ISO: &str = "2024-01-01T00:00:00.000Z";
/// The same time in epoch milliseconds (JSONata's `$now()`).
const START_MS: i64 = 1_704_067_200_000;

/// Runs the request's state once and answers as `TestState` does (the response as JSON, with
/// `output` and the `inspectionData` payloads as JSON text, as AWS sends them).
pub fn test_state(req: &Request) -> Result<Value, ApiError> {
    let (state_json, lang) = resolve_state(req)?;
    let machine = wrap(&state_json, lang);
    let machine =
        model::load(&machine).map_err(|m| ApiError::definition(format!("Invalid State Machine Definition: '{m}'")))?;
    let st = &machine.states[machine.start_at];
    let names: Vec<String> = machine.states.iter().map(|s| s.name.clone()).collect();
    rules::check(req, st, &state_json)?;
    let ctx = match &req.context {
        Some(c) => c.clone(),
        None => generated_context(req, st, &state_json),
    };
    let mut run = Run {
        req,
        st,
        raw: &state_json,
        names: &names,
        ctx,
        vars: req.variables.clone(),
        rng: fastrand::Rng::with_seed(seed_of(req)),
        insp: Default::default(),
    };
    let outcome = run.run()?;
    Ok(run.respond(outcome))
}
