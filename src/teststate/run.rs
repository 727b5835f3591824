//! Running the state: the JSONPath data flow step by step (each step noted for
//! `inspectionData`), the mocked results, then Retry and Catch and the response.

use serde_json::{json, Map, Value};

use super::request::{ApiError, InspectionLevel, Mock, Request};
use crate::error::{ErrorName, Failure};
use crate::exec::error_matches;
use crate::jsonpath::JsonPath;
use crate::model::{Kind, NumberField, PathField, QueryLanguage, ResultPath, Source, State, Template, Transition};

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
    pub(super) insp: Map<String, Value>,
    pub(super) assigned: bool,
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
    pub(super) fn note(&mut self, key: &str, v: &Value) {
        self.insp.insert(key.into(), text(v));
    }

    pub(super) fn next_name(&self) -> Option<String> {
        match self.st.next {
            Transition::Next(i) => self.names.get(i).cloned(),
            _ => None,
        }
    }

    pub(super) fn run(&mut self) -> Result<Outcome, ApiError> {
        let input = self.req.input.clone();
        self.note("input", &input);
        let r = match self.st.lang {
            QueryLanguage::JsonPath => self.run_jsonpath(&input),
            QueryLanguage::Jsonata => self.run_jsonata(&input),
        };
        match r {
            Ok(o) => Ok(o),
            Err(Stop::Api(e)) => Err(e),
            Err(Stop::State(f)) => {
                let catchable = f.error != ErrorName::Runtime.as_str();
                Ok(Outcome::Failed { failure: f, catchable })
            }
        }
    }

    // ---- JSONPath ----

    pub(super) fn root<'b>(&'b self, p: &JsonPath, input: &'b Value) -> Step<&'b Value> {
        match p.variable() {
            Some(name) => self
                .vars
                .get(name)
                .ok_or_else(|| runtime(format!("Invalid path '{}': The variable '{name}' is not defined.", p.text()))),
            None if p.is_context() => Ok(&self.ctx),
            None => Ok(input),
        }
    }

    pub(super) fn select(&self, p: &JsonPath, input: &Value) -> Step<Value> {
        let doc = self.root(p, input)?;
        p.try_select(doc).map_err(|m| runtime(format!("Invalid path '{}' : {}", p.text(), m)))
    }

    pub(super) fn path_field(&self, pf: &PathField, input: &Value) -> Step<Value> {
        match pf {
            PathField::Whole => Ok(input.clone()),
            PathField::Null => Ok(json!({})),
            PathField::Path(p) => self.select(p, input),
        }
    }

    /// A payload template, evaluated by the executor's own code.
    pub(super) fn template(&mut self, t: &Template, input: &Value) -> Step<Value> {
        crate::exec::eval_template(t, input, &self.ctx, &self.vars, &mut self.rng).map_err(|fault| match fault {
            crate::exec::Fault::Runtime(msg) => runtime(msg),
            crate::exec::Fault::Query(msg) => Stop::State(Failure::new(ErrorName::QueryEvaluationError, msg)),
            crate::exec::Fault::Failure(f) => Stop::State(f),
        })
    }

    pub(super) fn assign_jsonpath(&mut self, t: &Template, doc: &Value) -> Step<()> {
        if let Value::Object(m) = self.template(t, doc)? {
            self.vars.extend(m);
            self.assigned = true;
        }
        Ok(())
    }

    /// ResultSelector, Assign, ResultPath and OutputPath after a result.
    pub(super) fn shape(&mut self, raw: &Value, result: Value) -> Step<Value> {
        let st = self.st;
        let result = match &st.result_selector {
            Some(sel) => self.template(sel, &result)?,
            None => result,
        };
        self.note("afterResultSelector", &result);
        if let Some(a) = &st.assign {
            self.assign_jsonpath(a, &result)?;
        }
        let combined = apply_result_path(&st.result_path, raw, result)?;
        self.note("afterResultPath", &combined);
        self.path_field(&st.output_path, &combined)
    }

    pub(super) fn run_jsonpath(&mut self, input: &Value) -> Step<Outcome> {
        let st = self.st;
        let next = self.next_name();
        // A Pass state with `Result` shows neither InputPath nor Parameters (as recorded on AWS).
        if let Kind::Pass { result: Some(result) } = &st.kind {
            self.note("result", result);
            let output = self.shape(input, result.clone())?;
            return Ok(Outcome::Succeeded { output, next });
        }
        let eff = self.path_field(&st.input_path, input)?;
        if !matches!(st.kind, Kind::Parallel { .. }) {
            self.note("afterInputPath", &eff);
        }
        match &st.kind {
            Kind::Pass { .. } | Kind::Task(_) => {
                let params = match &st.parameters {
                    Some(p) => self.template(p, &eff)?,
                    None => eff.clone(),
                };
                self.note("afterParameters", &params);
                let result = if matches!(st.kind, Kind::Task(_)) { self.task_result()? } else { params };
                let output = self.shape(input, result)?;
                Ok(Outcome::Succeeded { output, next })
            }
            Kind::Succeed | Kind::Wait(_) => {
                let output = self.path_field(&st.output_path, &eff)?;
                Ok(Outcome::Succeeded { output, next })
            }
            Kind::Fail { error, cause } => {
                let error = self.fail_field(error, &eff)?;
                let cause = self.fail_field(cause, &eff)?;
                Err(Failure { error: error.unwrap_or_default(), cause: cause.unwrap_or_default() }.into())
            }
            Kind::Choice { choices, default } => {
                let mut picked = None;
                for (rule, target, assign) in choices {
                    let root = |p: &JsonPath| -> Option<&Value> {
                        match p.variable() {
                            Some(n) => self.vars.get(n),
                            None if p.is_context() => Some(&self.ctx),
                            None => Some(&eff),
                        }
                    };
                    let matched = rule.eval(&root).map_err(|e| {
                        runtime(format!(
                            "Invalid path '{}': The choice state's condition path references an invalid value.",
                            e.0
                        ))
                    })?;
                    if matched {
                        picked = Some((*target, assign.clone()));
                        break;
                    }
                }
                // A matching rule's Assign replaces the state's, which goes with Default.
                let (target, assign) = match picked {
                    Some(p) => p,
                    None => match default {
                        Some(d) => (*d, st.assign.clone()),
                        None => return Err(Failure::new(ErrorName::NoChoiceMatched, "No Matches!").into()),
                    },
                };
                if let Some(a) = assign {
                    self.assign_jsonpath(&a, &eff)?;
                }
                let output = self.path_field(&st.output_path, &eff)?;
                Ok(Outcome::Succeeded { output, next: self.names.get(target).cloned() })
            }
            Kind::Parallel { .. } => {
                let result = self.fanout_result()?;
                let output = self.shape(input, result)?;
                Ok(Outcome::Succeeded { output, next })
            }
            Kind::Map(spec) => {
                let items = match (&spec.items_path, self.reader_items()) {
                    (_, Some(items)) => items,
                    (Some(p), None) => self.select(p, &eff)?,
                    (None, None) => eff.clone(),
                };
                let Value::Array(list) = &items else {
                    let shown = spec.items_path.as_ref().map_or("$".to_string(), |p| p.text().replacen("$$", "$", 1));
                    return Err(runtime(format!("Reference path \"{shown}\" must point to array.")));
                };
                let n = list.len();
                self.note("afterItemsPath", &items);
                if let Some(sel) = &spec.item_selector {
                    self.item_inputs(list, |run, _| run.template(sel, &eff))?;
                }
                let max = match &spec.max_concurrency {
                    Some(f) => self.number_field(f, &eff)?,
                    None => 0.0,
                };
                self.insp.insert("maxConcurrency".into(), number(max));
                let count = match &spec.tolerated_failure_count {
                    Some(f) => Some(self.number_field(f, &eff)?),
                    None => None,
                };
                let pct = match &spec.tolerated_failure_percentage {
                    Some(f) => Some(self.number_field(f, &eff)?),
                    None => None,
                };
                let result = self.map_result(n, count, pct)?;
                let output = self.shape(input, result)?;
                Ok(Outcome::Succeeded { output, next })
            }
        }
    }

    pub(super) fn number_field(&self, f: &NumberField, eff: &Value) -> Step<f64> {
        match f {
            NumberField::Value(v) => Ok(*v),
            NumberField::Path(p) => {
                let v = self.select(p, eff)?;
                v.as_f64().ok_or_else(|| runtime(format!("The value of {} must be a number", p.text())))
            }
        }
    }

    pub(super) fn fail_field(&mut self, src: &Option<Source>, eff: &Value) -> Step<Option<String>> {
        Ok(match src {
            None => None,
            Some(Source::Literal(s)) => Some(s.clone()),
            Some(Source::Path(p)) => match self.select(p, eff)? {
                Value::String(s) => Some(s),
                other => Some(crate::history::json_text(&other)),
            },
            Some(Source::Intrinsic(i)) => {
                let vars = &self.vars;
                let lookup = |name: &str| vars.get(name).cloned();
                let scope = crate::intrinsics::Scope::new(eff, &self.ctx).with_variables(&lookup);
                match i.eval_in(&scope, &mut self.rng)? {
                    Value::String(s) => Some(s),
                    other => Some(crate::history::json_text(&other)),
                }
            }
        })
    }

    /// A Task's result: the mocked result or error. With no mock the simulator has no service
    /// to call, so the task fails.
    pub(super) fn task_result(&mut self) -> Step<Value> {
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
        self.note("result", &result);
        Ok(result)
    }

    pub(super) fn fanout_result(&mut self) -> Step<Value> {
        match &self.req.mock {
            Some(Mock { error_output: Some(f), .. }) => Err(f.clone().into()),
            Some(Mock { result: Some(r), .. }) => Ok(r.clone()),
            _ => Ok(json!([])),
        }
    }

    /// `afterItemSelector`: each iteration's input, made with `$$.Map.Item` (`$states.context.Map.Item`)
    /// naming the item.
    pub(super) fn item_inputs(
        &mut self,
        items: &[Value],
        mut each: impl FnMut(&mut Self, usize) -> Step<Value>,
    ) -> Step<()> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Value::Object(m) = &mut self.ctx {
                m.insert("Map".into(), json!({"Item": {"Index": i, "Value": item}}));
            }
            let r = each(self, i);
            if let Value::Object(m) = &mut self.ctx {
                m.remove("Map");
            }
            out.push(r?);
        }
        self.note("afterItemSelector", &Value::Array(out));
        Ok(())
    }

    /// The items an `ItemReader` would read: `stateConfiguration.mapItemReaderData`.
    pub(super) fn reader_items(&self) -> Option<Value> {
        self.raw.get("ItemReader")?;
        self.req.state_configuration.map_item_reader_data.clone()
    }

    /// A mocked Map's result, after `mapIterationFailureCount` against the tolerated failures.
    pub(super) fn map_result(&mut self, n: usize, count: Option<f64>, pct: Option<f64>) -> Step<Value> {
        if let Some(c) = count {
            self.insp.insert("toleratedFailureCount".into(), number(c));
        }
        if let Some(p) = pct {
            self.insp.insert("toleratedFailurePercentage".into(), json!(p));
        }
        let failures = self.req.state_configuration.map_iteration_failure_count;
        if let Some(fc) = failures {
            if fc as usize > n {
                return Err(Stop::Api(ApiError::validation(
                    "Map iteration failure count must be less than or equal to the number of Map iterations",
                )));
            }
        }
        if let Some(Mock { error_output: Some(f), .. }) = &self.req.mock {
            return Err(f.clone().into());
        }
        if let Some(fc) = failures {
            let over_count = count.is_some_and(|c| fc as f64 > c);
            let over_pct = pct.is_some_and(|p| n > 0 && fc as f64 * 100.0 / n as f64 > p);
            if over_count || over_pct {
                return Err(Failure::new(
                    ErrorName::ExceedToleratedFailureThreshold,
                    "The specified tolerated failure threshold was exceeded",
                )
                .into());
            }
        }
        self.fanout_result()
    }
}

impl Run<'_> {
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
        if self.assigned || !self.vars.is_empty() {
            self.note("variables", &Value::Object(self.vars.clone()));
        }
        if self.req.inspection_level >= InspectionLevel::Debug {
            resp.insert("inspectionData".into(), Value::Object(std::mem::take(&mut self.insp)));
        }
        Value::Object(resp)
    }

    /// RETRIABLE when a retrier matches and `retrierRetryCount` is below its `MaxAttempts`;
    /// CAUGHT_ERROR when a catcher matches; false when the state fails.
    pub(super) fn retry_or_catch(&mut self, failure: &Failure, resp: &mut Map<String, Value>) -> bool {
        let st = self.st;
        let count = self.req.state_configuration.retrier_retry_count;
        if let Some((i, r)) = st.retry.iter().enumerate().find(|(_, r)| error_matches(&r.error_equals, &failure.error))
        {
            if count < r.max_attempts {
                let mut delay = r.interval_seconds * r.backoff_rate.powi(i32::try_from(count).unwrap_or(i32::MAX));
                if let Some(m) = r.max_delay_seconds {
                    delay = delay.min(m);
                }
                self.insp.insert(
                    "errorDetails".into(),
                    json!({"retryBackoffIntervalSeconds": number(delay), "retryIndex": i}),
                );
                resp.insert("status".into(), json!("RETRIABLE"));
                return true;
            }
        }
        let Some((i, c)) = st.catch.iter().enumerate().find(|(_, c)| error_matches(&c.error_equals, &failure.error))
        else {
            return false;
        };
        let error_output = json!({"Error": failure.error, "Cause": failure.cause});
        let input = self.req.input.clone();
        let output = match st.lang {
            QueryLanguage::JsonPath => apply_result_path(&c.result_path, &input, error_output),
            QueryLanguage::Jsonata => {
                let (out_t, assign_t) =
                    st.ja.as_deref().and_then(|j| j.catch.get(i)).map_or((None, None), |(o, a)| (o.clone(), a.clone()));
                let states = self.states(&input, &[("errorOutput", &error_output)]);
                let out = match out_t {
                    Some(t) => self.ja(&t, &states, "Output"),
                    None => Ok(error_output.clone()),
                };
                if let Some(t) = assign_t {
                    if let Ok(Value::Object(m)) = self.ja(&t, &states, "Assign") {
                        self.vars.extend(m);
                        self.assigned = true;
                    }
                }
                out
            }
        };
        match output {
            Ok(out) => {
                self.insp.insert("errorDetails".into(), json!({"catchIndex": i}));
                resp.insert("status".into(), json!("CAUGHT_ERROR"));
                resp.insert("output".into(), text(&out));
                if let Some(n) = self.names.get(c.next) {
                    resp.insert("nextState".into(), json!(n));
                }
                true
            }
            Err(Stop::State(f)) => {
                resp.insert("error".into(), json!(f.error));
                resp.insert("cause".into(), json!(f.cause));
                false
            }
            Err(Stop::Api(_)) => false,
        }
    }
}

pub(super) fn text_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => crate::history::json_text(&other),
    }
}

pub(super) fn apply_result_path(rp: &ResultPath, raw: &Value, result: Value) -> Step<Value> {
    match rp {
        ResultPath::Replace => Ok(result),
        ResultPath::Discard => Ok(raw.clone()),
        ResultPath::Path(p) => {
            let mut doc = raw.clone();
            p.assign(&mut doc, result).map_err(|_| {
                Failure::new(
                    ErrorName::ResultPathMatchFailure,
                    format!(
                        "Unable to apply ResultPath \"{}\" to input \"{}\"",
                        p.text(),
                        crate::history::json_text(raw)
                    ),
                )
            })?;
            Ok(doc)
        }
    }
}
