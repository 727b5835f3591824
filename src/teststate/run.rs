//! Running the state: its data flow through the executor's own [`dataflow`] (each step noted
//! for `inspectionData`), the mocked results, then Retry and Catch and the response.

use serde_json::{json, Map, Value};

use super::request::{ApiError, InspectionLevel, Mock, Request};
use super::START_MS;
use crate::error::{ErrorName, Failure};
use crate::exec::dataflow::{self, Env, Inspection};
use crate::exec::{error_matches, Fault};
use crate::model::{Flow, Kind, State, Transition};

/// How the state ended before Retry and Catch.
pub(super) enum Outcome {
    Succeeded {
        output: Value,
        next: Option<String>,
    },
    /// `catchable` is false for `States.Runtime`, which neither Retry nor Catch handles.
    Failed {
        failure: Failure,
        catchable: bool,
    },
}

/// One run of the tested state.
pub(super) struct Run<'a> {
    pub(super) req: &'a Request,
    /// The state, loaded in a one-state machine with stand-ins for its targets.
    pub(super) st: &'a State,
    /// The state's definition (for fields the model does not keep, such as `ItemReader`).
    pub(super) raw: &'a Value,
    /// State names by model index, to name `nextState`.
    pub(super) names: &'a [String],
    /// The context object (`$$`, `$states.context`).
    pub(super) ctx: Value,
    /// Workflow variables: the request's, then the state's `Assign`.
    pub(super) vars: Map<String, Value>,
    pub(super) rng: fastrand::Rng,
    /// `inspectionData`, filled as the data flows.
    pub(super) insp: Inspection,
}

/// Why a state stopped early: it failed (Retry and Catch then decide), or the request is
/// refused after all (a Map's items against `mapIterationFailureCount`).
pub(super) enum Stop {
    State(Failure),
    Api(ApiError),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::State(f)
    }
}

impl From<Fault> for Stop {
    /// The executor's faults without the prefix naming the state: TestState shows the message alone.
    fn from(fault: Fault) -> Stop {
        Stop::State(match fault {
            Fault::Runtime(msg) => Failure::new(ErrorName::Runtime, msg),
            Fault::Query(msg) => Failure::new(ErrorName::QueryEvaluationError, msg),
            Fault::Failure(f) => f,
        })
    }
}

pub(super) type Step<T> = Result<T, Stop>;

pub(super) fn runtime(msg: impl Into<String>) -> Stop {
    Stop::State(Failure::new(ErrorName::Runtime, msg))
}

pub(super) fn text(v: &Value) -> Value {
    Value::String(crate::history::json_text(v))
}

/// `n` as AWS prints a whole number of seconds (an integer when it is one).
pub(super) fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

impl Run<'_> {
    /// The data-flow environment, noting each step in `inspectionData`.
    pub(super) fn env(&mut self) -> Env<'_> {
        Env::new(&self.ctx, &mut self.vars, &mut self.rng, START_MS).inspected(&mut self.insp)
    }

    /// The data-flow environment, noting nothing.
    pub(super) fn quiet_env(&mut self) -> Env<'_> {
        Env::new(&self.ctx, &mut self.vars, &mut self.rng, START_MS)
    }

    pub(super) fn next_name(&self) -> Option<String> {
        match self.st.next {
            Transition::Next(i) => self.names.get(i).cloned(),
            _ => None,
        }
    }

    pub(super) fn run(&mut self) -> Result<Outcome, ApiError> {
        let input = self.req.input.clone();
        self.insp.note("input", &input);
        match self.run_state(input) {
            Ok(o) => Ok(o),
            Err(Stop::Api(e)) => Err(e),
            Err(Stop::State(f)) => {
                let catchable = !f.error.is(ErrorName::Runtime);
                Ok(Outcome::Failed { failure: f, catchable })
            }
        }
    }

    /// The state's work on the mocked results, between the data flow's stages.
    fn run_state(&mut self, input: Value) -> Step<Outcome> {
        let st = self.st;
        let result = match &st.kind {
            Kind::Pass => match &st.flow {
                // A Pass state with `Result` shows neither InputPath nor Parameters (as recorded on AWS).
                Flow::JsonPath(p) => match &p.result {
                    Some(r) => {
                        self.insp.note("result", r);
                        Some(r.clone())
                    }
                    None => Some(dataflow::work_input(st, &input, &mut self.env())?),
                },
                Flow::Jsonata(_) => None,
            },
            Kind::Succeed | Kind::Wait => None,
            Kind::Task(_) => {
                dataflow::work_input(st, &input, &mut self.env())?;
                Some(self.task_result()?)
            }
            Kind::Parallel { .. } => {
                // AWS shows neither `afterInputPath` nor `afterParameters` of a Parallel state.
                dataflow::work_input(st, &input, &mut self.quiet_env())?;
                Some(self.fanout_result()?)
            }
            Kind::Map(_) => Some(self.map_result(&input)?),
            Kind::Fail => return Err(dataflow::fail(st, &input, &mut self.env())?.into()),
            Kind::Choice { .. } => {
                let (target, output) = dataflow::choose(st, &input, &mut self.env())?;
                let output = output.unwrap_or(input);
                return Ok(Outcome::Succeeded { output, next: self.names.get(target).cloned() });
            }
        };
        let mut raw = input;
        let output = match result {
            Some(r) => dataflow::output(st, &mut raw, r, &mut self.env())?,
            None => dataflow::pass_through(st, &raw, &mut self.env())?,
        };
        Ok(Outcome::Succeeded { output, next: self.next_name() })
    }

    /// A Task's result: the mocked result or error. With no mock the simulator has no service
    /// to call, so the task fails.
    fn task_result(&mut self) -> Step<Value> {
        let result = match &self.req.mock {
            Some(Mock { error_output: Some(f), .. }) => return Err(f.clone().into()),
            Some(Mock { result: Some(r), .. }) => r.clone(),
            _ => {
                return Err(Failure::new(
                    ErrorName::TaskFailed,
                    "asl-sim's TestState calls no services: give the Task state a mock result or errorOutput",
                )
                .into())
            }
        };
        self.insp.note("result", &result);
        Ok(result)
    }

    /// A Parallel's (or Map's) mocked result or error; no result is an empty array.
    pub(super) fn fanout_result(&mut self) -> Step<Value> {
        match &self.req.mock {
            Some(Mock { error_output: Some(f), .. }) => Err(f.clone().into()),
            Some(Mock { result: Some(r), .. }) => Ok(r.clone()),
            _ => Ok(json!([])),
        }
    }

    // ---- Retry, Catch and the response ----

    pub(super) fn respond(&mut self, outcome: Outcome) -> Value {
        let mut resp = Map::new();
        match outcome {
            Outcome::Succeeded { output, next } => {
                resp.insert("status".into(), json!("SUCCEEDED"));
                resp.insert("output".into(), text(&output));
                if let Some(n) = next {
                    resp.insert("nextState".into(), json!(n));
                }
            }
            Outcome::Failed { failure, catchable } => {
                resp.insert("error".into(), json!(failure.error));
                resp.insert("cause".into(), json!(failure.cause));
                let handled = if catchable { self.retry_or_catch(&failure, &mut resp) } else { false };
                if !handled {
                    resp.insert("status".into(), json!("FAILED"));
                }
            }
        }
        // "The set of workflow variables after execution of the state ... variables assigned in
        // the state and variables set up as test state input" (API reference, InspectionData).
        if self.insp.assigned || !self.vars.is_empty() {
            self.insp.note("variables", &Value::Object(self.vars.clone()));
        }
        if self.req.inspection_level >= InspectionLevel::Debug {
            resp.insert("inspectionData".into(), Value::Object(std::mem::take(&mut self.insp.data)));
        }
        Value::Object(resp)
    }

    /// RETRIABLE when a retrier matches and `retrierRetryCount` is below its `MaxAttempts`;
    /// CAUGHT_ERROR when a catcher matches; false when the state fails.
    ///
    /// `inspectionData.errorDetails` names the handlers ("An object containing data about a handled
    /// exception in the tested state", API reference, InspectionErrorDetails): `retryIndex` and
    /// `retryBackoffIntervalSeconds` for a retry, `catchIndex` for a catch. A retrier whose
    /// attempts are used up still shows its `retryIndex` (recorded on AWS:
    /// test_state_configuration_retrier_retry_count, `exceeds_tolerated_retry_count`, FAILED with
    /// `{"retryIndex": 0}`); when a catcher then handles the error, both indexes are shown (not
    /// recorded).
    fn retry_or_catch(&mut self, failure: &Failure, resp: &mut Map<String, Value>) -> bool {
        let st = self.st;
        let count = self.req.state_configuration.retrier_retry_count;
        let mut details = Map::new();
        if let Some((i, r)) = st.retry.iter().enumerate().find(|(_, r)| error_matches(&r.error_equals, &failure.error))
        {
            details.insert("retryIndex".into(), json!(i));
            if count < r.max_attempts {
                details.insert("retryBackoffIntervalSeconds".into(), json!(self.backoff(r, count)));
                self.insp.data.insert("errorDetails".into(), Value::Object(details));
                resp.insert("status".into(), json!("RETRIABLE"));
                return true;
            }
        }
        let caught = self.catch(failure, resp, &mut details);
        if !details.is_empty() {
            self.insp.data.insert("errorDetails".into(), Value::Object(details));
        }
        caught
    }

    /// The delay before retry number `count + 1`: `IntervalSeconds × BackoffRate^count`, at most
    /// `MaxDelaySeconds`, a random part of it with `JitterStrategy: FULL` (concepts-error-handling).
    /// The API gives whole seconds (`RetryBackoffIntervalSeconds` is an integer); AWS's rounding
    /// of a fractional delay is not recorded, so it is truncated here.
    fn backoff(&mut self, r: &crate::model::Retrier, count: u32) -> u64 {
        let mut delay = r.interval_seconds * r.backoff_rate.powi(i32::try_from(count).unwrap_or(i32::MAX));
        if let Some(m) = r.max_delay_seconds {
            delay = delay.min(m);
        }
        if r.jitter_full {
            delay *= self.rng.f64();
        }
        if delay.is_finite() {
            delay.clamp(0.0, 1e15) as u64
        } else {
            1_000_000_000_000_000
        }
    }

    /// CAUGHT_ERROR with the catcher's output and `Next` when one matches.
    fn catch(&mut self, failure: &Failure, resp: &mut Map<String, Value>, details: &mut Map<String, Value>) -> bool {
        let st = self.st;
        let Some((i, c)) = st.catch.iter().enumerate().find(|(_, c)| error_matches(&c.error_equals, &failure.error))
        else {
            return false;
        };
        let input = self.req.input.clone();
        match dataflow::catch_output(st, i, input, failure, &mut self.env()) {
            Ok(out) => {
                details.insert("catchIndex".into(), json!(i));
                resp.insert("status".into(), json!("CAUGHT_ERROR"));
                resp.insert("output".into(), text(&out));
                if let Some(n) = self.names.get(c.next) {
                    resp.insert("nextState".into(), json!(n));
                }
                true
            }
            Err(fault) => {
                if let Stop::State(f) = Stop::from(fault) {
                    resp.insert("error".into(), json!(f.error));
                    resp.insert("cause".into(), json!(f.cause));
                }
                false
            }
        }
    }
}
