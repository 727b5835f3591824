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
//! validation messages, the context object naming the state `StateName`).
//!
//! The core never calls a service: a Task state needs `mock` (without one it fails with
//! `States.TaskFailed`), and the generated context object uses a fixed clock and a seeded
//! identity, so the same request gives the same answer.
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

use serde_json::{json, Map, Value};

mod shapes;

use crate::error::{ErrorName, Failure};
use crate::exec::error_matches;
use crate::jsonata::{Env, Template as JTemplate};
use crate::jsonpath::JsonPath;
use crate::model::{self, Kind, NumberField, PathField, QueryLanguage, ResultPath, Source, State, Template, Transition};

/// The name AWS gives the tested state in the context object (and in a one-state definition).
const STATE_NAME: &str = "StateName";
/// The generated context's clock: the CLI runner's virtual start, 2024-01-01T00:00:00Z.
const START_ISO: &str = "2024-01-01T00:00:00.000Z";

/// An API error: AWS's exception name (`ValidationException`, `InvalidDefinition`) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub name: String,
    pub message: String,
}

impl ApiError {
    fn validation(message: impl Into<String>) -> ApiError {
        ApiError { name: "ValidationException".into(), message: message.into() }
    }
    fn definition(message: impl Into<String>) -> ApiError {
        ApiError { name: "InvalidDefinition".into(), message: message.into() }
    }
}

/// `inspectionLevel`: INFO (the default) shows the result only; DEBUG and TRACE add `inspectionData`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InspectionLevel {
    Info,
    Debug,
    Trace,
}

/// `mock`: the task's (or Map's / Parallel's) result, or its error.
#[derive(Debug, Clone, Default)]
pub struct Mock {
    pub result: Option<Value>,
    pub error_output: Option<Failure>,
    /// `STRICT` (the default), `PRESENT` or `NONE`. The simulator has no service models, so it
    /// does not check mocked results against them.
    pub field_validation_mode: Option<String>,
}

/// `stateConfiguration`.
#[derive(Debug, Clone, Default)]
pub struct StateConfiguration {
    pub retrier_retry_count: u32,
    pub error_caused_by_state: Option<String>,
    pub map_iteration_failure_count: Option<u64>,
    pub map_item_reader_data: Option<Value>,
}

/// A `TestState` request, its JSON-text fields parsed.
#[derive(Debug, Clone)]
pub struct Request {
    pub definition: Value,
    pub state_name: Option<String>,
    pub input: Value,
    pub variables: Map<String, Value>,
    pub context: Option<Value>,
    pub inspection_level: InspectionLevel,
    pub reveal_secrets: bool,
    pub role_arn: Option<String>,
    pub mock: Option<Mock>,
    pub state_configuration: StateConfiguration,
}

fn text_field(req: &Value, key: &str) -> Option<Result<Value, String>> {
    match req.get(key)? {
        Value::String(s) => Some(serde_json::from_str(s).map_err(|e| e.to_string())),
        other => Some(Ok(other.clone())),
    }
}

impl Request {
    /// Parses a request in AWS's shape (camelCase; `definition`, `input`, `variables`, `context`,
    /// `mock.result` and `stateConfiguration.mapItemReaderData` as JSON text).
    pub fn from_json(req: &Value) -> Result<Request, ApiError> {
        let definition = match text_field(req, "definition") {
            None => return Err(ApiError::validation("1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null")),
            Some(Err(e)) => return Err(ApiError::definition(format!("Invalid State Machine Definition: '{e}'"))),
            Some(Ok(v)) => v,
        };
        let input = match text_field(req, "input") {
            None => json!({}),
            Some(r) => r.map_err(|e| ApiError::validation(format!("Invalid input: {e}")))?,
        };
        let variables = match text_field(req, "variables") {
            None => Map::new(),
            Some(Ok(Value::Object(m))) => m,
            Some(_) => return Err(ApiError::validation("Variables must be a valid JSON object")),
        };
        let context = match text_field(req, "context") {
            None => None,
            Some(r) => Some(r.map_err(|e| ApiError::validation(format!("Invalid Context object provided: {e}")))?),
        };
        let inspection_level = match req.get("inspectionLevel").and_then(Value::as_str) {
            None | Some("INFO") => InspectionLevel::Info,
            Some("DEBUG") => InspectionLevel::Debug,
            Some("TRACE") => InspectionLevel::Trace,
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "1 validation error detected: Value '{other}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
                )))
            }
        };
        let mock = match req.get("mock") {
            None | Some(Value::Null) => None,
            Some(m) => {
                let result = match text_field(m, "result") {
                    None => None,
                    Some(r) => Some(r.map_err(|_| ApiError::validation("Mocked result must be valid JSON"))?),
                };
                let error_output = m.get("errorOutput").map(|e| Failure {
                    error: e.get("error").and_then(Value::as_str).unwrap_or_default().to_string(),
                    cause: e.get("cause").and_then(Value::as_str).unwrap_or_default().to_string(),
                });
                let mode = m.get("fieldValidationMode").and_then(Value::as_str).map(str::to_string);
                Some(Mock { result, error_output, field_validation_mode: mode })
            }
        };
        let mut sc = StateConfiguration::default();
        if let Some(c) = req.get("stateConfiguration") {
            sc.retrier_retry_count = c.get("retrierRetryCount").and_then(Value::as_u64).unwrap_or(0) as u32;
            sc.error_caused_by_state = c.get("errorCausedByState").and_then(Value::as_str).map(str::to_string);
            sc.map_iteration_failure_count = c.get("mapIterationFailureCount").and_then(Value::as_u64);
            sc.map_item_reader_data = match text_field(c, "mapItemReaderData") {
                None => None,
                Some(r) => Some(r.map_err(|_| ApiError::validation("Map item reader data must be valid JSON"))?),
            };
        }
        Ok(Request {
            definition,
            state_name: req.get("stateName").and_then(Value::as_str).map(str::to_string),
            input,
            variables,
            context,
            inspection_level,
            reveal_secrets: req.get("revealSecrets").and_then(Value::as_bool).unwrap_or(false),
            role_arn: req.get("roleArn").and_then(Value::as_str).map(str::to_string),
            mock,
            state_configuration: sc,
        })
    }
}

/// Runs the request's state once and answers as `TestState` does (the response as JSON, with
/// `output` and the `inspectionData` payloads as JSON text, as AWS sends them).
pub fn test_state(req: &Request) -> Result<Value, ApiError> {
    let (state_json, lang) = resolve_state(req)?;
    let machine = wrap(&state_json, lang);
    let machine = model::load(&machine).map_err(|m| ApiError::definition(format!("Invalid State Machine Definition: '{m}'")))?;
    let st = &machine.states[machine.start_at];
    let names: Vec<String> = machine.states.iter().map(|s| s.name.clone()).collect();
    check_mock(req, st)?;
    let ctx = match &req.context {
        Some(c) => {
            check_context(c)?;
            c.clone()
        }
        None => generated_context(req, &state_json),
    };
    let mut run = Run {
        req,
        st,
        raw: &state_json,
        names: &names,
        ctx,
        vars: req.variables.clone(),
        rng: fastrand::Rng::with_seed(seed_of(req)),
        insp: Map::new(),
        assigned: false,
    };
    let outcome = run.run()?;
    Ok(run.respond(outcome))
}

/// Finds the tested state: the whole definition, or `stateName` in a state machine (nested
/// states too). Validates the definition as `CreateStateMachine` does. Returns the state's JSON and
/// the query language it inherits.
fn resolve_state(req: &Request) -> Result<(Value, QueryLanguage), ApiError> {
    let def = &req.definition;
    match &req.state_name {
        Some(name) => {
            check_valid(def)?;
            let lang = lang_of(def, QueryLanguage::JsonPath);
            let found = find_state(def, name, 0).ok_or_else(|| ApiError::validation("State not found in definition"))?;
            Ok((found.clone(), lang))
        }
        None => {
            check_valid(&wrap(def, QueryLanguage::JsonPath))?;
            Ok((def.clone(), QueryLanguage::JsonPath))
        }
    }
}

fn check_valid(def: &Value) -> Result<(), ApiError> {
    let diags = crate::validate::validate(def, crate::validate::MachineType::Standard);
    match crate::validate::invalid_definition_message(&diags) {
        Some(m) => Err(ApiError::definition(m)),
        None => Ok(()),
    }
}

fn lang_of(v: &Value, default: QueryLanguage) -> QueryLanguage {
    match v.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        Some("JSONPath") => QueryLanguage::JsonPath,
        _ => default,
    }
}

fn find_state<'a>(machine: &'a Value, name: &str, depth: usize) -> Option<&'a Value> {
    if depth > model::MAX_NESTING {
        return None;
    }
    let states = machine.get("States")?.as_object()?;
    if let Some(s) = states.get(name) {
        return Some(s);
    }
    for s in states.values() {
        if let Some(Value::Array(branches)) = s.get("Branches") {
            if let Some(f) = branches.iter().find_map(|b| find_state(b, name, depth + 1)) {
                return Some(f);
            }
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(f) = s.get(key).and_then(|p| find_state(p, name, depth + 1)) {
                return Some(f);
            }
        }
    }
    None
}

/// A one-state machine around the state, named `StateName` as AWS names it, with a `Succeed`
/// stand-in for every state it can go to (their names are what `nextState` reports).
fn wrap(state: &Value, lang: QueryLanguage) -> Value {
    let mut states = Map::new();
    states.insert(STATE_NAME.into(), state.clone());
    let mut targets: Vec<String> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(s) = v.and_then(Value::as_str) {
            targets.push(s.to_string());
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for key in ["Choices", "Catch"] {
        if let Some(Value::Array(rules)) = state.get(key) {
            for r in rules {
                add(r.get("Next"));
            }
        }
    }
    for t in targets {
        if t != STATE_NAME {
            states.insert(t, json!({"Type": "Succeed"}));
        }
    }
    let mut m = json!({"StartAt": STATE_NAME, "States": states});
    if lang == QueryLanguage::Jsonata {
        m["QueryLanguage"] = json!("JSONata");
    }
    m
}

fn type_name(st: &State) -> &'static str {
    st.kind.event_prefix()
}

/// The request's mock against the state type, in the order AWS checks them.
fn check_mock(req: &Request, st: &State) -> Result<(), ApiError> {
    let is_fanout = matches!(st.kind, Kind::Map(_) | Kind::Parallel { .. });
    match &req.mock {
        Some(mock) => {
            if req.reveal_secrets {
                return Err(ApiError::validation("TestState does not support RevealSecrets when a mock is specified."));
            }
            if !is_fanout && !matches!(st.kind, Kind::Task(_)) {
                return Err(ApiError::validation(format!(
                    "State type '{}' is not supported when a mock is specified",
                    type_name(st)
                )));
            }
            if let (true, Some(result)) = (is_fanout, &mock.result) {
                let Value::Array(items) = result else {
                    return Err(ApiError::validation("Mocked result must be an array."));
                };
                if let Kind::Parallel { branches } = &st.kind {
                    if items.len() != branches.len() {
                        return Err(ApiError::validation(
                            "Mocked result must contain the same number of items as number of Parallel branches.",
                        ));
                    }
                }
            }
            if let (Kind::Task(task), Some(result)) = (&st.kind, &mock.result) {
                let mode = mock.field_validation_mode.as_deref().unwrap_or("STRICT");
                if let (true, Some(shape)) = (mode != "NONE", shapes::response_shape(&task.resource)) {
                    shapes::check(&shape, result, mode == "STRICT")
                        .map_err(|m| ApiError::validation(format!("Mock result schema validation error: {m}")))?;
                }
            }
            Ok(())
        }
        None if is_fanout => Err(ApiError::definition(
            "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
        )),
        None => Ok(()),
    }
}

/// The fields a mocked context object may have (`Map` is refused: a tested state runs outside
/// any Map iteration).
fn check_context(ctx: &Value) -> Result<(), ApiError> {
    let bad = |m: String| Err(ApiError::validation(format!("Invalid Context object provided: {m}")));
    let Value::Object(top) = ctx else {
        return bad("Context object must be a JSON object".into());
    };
    let allowed: &[(&str, &[&str])] = &[
        ("Execution", &["Id", "Input", "Name", "RoleArn", "StartTime", "RedriveCount", "RedriveTime"]),
        ("State", &["EnteredTime", "Name", "RetryCount"]),
        ("StateMachine", &["Id", "Name"]),
        ("Task", &["Token"]),
    ];
    for (key, value) in top {
        if key == "Map" {
            return bad("'Map' field is not supported when mocking a Context object".into());
        }
        let Some((_, fields)) = allowed.iter().find(|(k, _)| k == key) else {
            return bad(format!("Field '{key}' is not allowed"));
        };
        let Value::Object(obj) = value else {
            return bad(format!("{key} must be an object"));
        };
        for (f, v) in obj {
            if !fields.contains(&f.as_str()) {
                return bad(format!("Field '{f}' is not allowed"));
            }
            let numeric = matches!(f.as_str(), "RetryCount" | "RedriveCount");
            if f != "Input" && numeric && !v.is_number() {
                return bad(format!("{key}.{f} must be a number"));
            }
            if f != "Input" && !numeric && !v.is_string() {
                return bad(format!("{key}.{f} must be a string"));
            }
        }
    }
    Ok(())
}

fn seed_of(req: &Request) -> u64 {
    // FNV-1a over the request's definition and input: a fixed identity per request.
    let text = format!("{}{}", req.definition, req.input);
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// The context of a fresh Express execution with a random identity, as TestState makes one.
fn generated_context(req: &Request, state: &Value) -> Value {
    let mut rng = fastrand::Rng::with_seed(seed_of(req));
    let hex = |rng: &mut fastrand::Rng, n: usize| (0..n).map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0')).collect::<String>();
    let account = req
        .role_arn
        .as_deref()
        .and_then(|r| r.split(':').nth(4))
        .filter(|a| !a.is_empty())
        .unwrap_or("123456789012")
        .to_string();
    let machine = format!("TestStateMachine-{}", hex(&mut rng, 8));
    let exec = format!("{}-{}-{}-{}-{}", hex(&mut rng, 8), hex(&mut rng, 4), hex(&mut rng, 4), hex(&mut rng, 4), hex(&mut rng, 12));
    let role = req.role_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{account}:role/TestStateRole"));
    let mut ctx = json!({
        "Execution": {
            "Id": format!("arn:aws:states:us-east-1:{account}:express:{machine}:{exec}"),
            "Input": req.input,
            "Name": exec,
            "RoleArn": role,
            "StartTime": START_ISO,
        },
        "StateMachine": {"Id": format!("arn:aws:states:us-east-1:{account}:stateMachine:{machine}"), "Name": machine},
        "State": {"Name": STATE_NAME, "EnteredTime": START_ISO, "RetryCount": req.state_configuration.retrier_retry_count},
    });
    if state.get("Resource").and_then(Value::as_str).is_some_and(|r| r.ends_with(".waitForTaskToken")) {
        ctx["Task"] = json!({"Token": hex(&mut rng, 64)});
    }
    ctx
}

/// How the state ended before Retry and Catch.
enum Outcome {
    Succeeded { output: Value, next: Option<String> },
    /// `catchable` is false for `States.Runtime`, which neither Retry nor Catch handles.
    Failed { failure: Failure, catchable: bool },
}

struct Run<'a> {
    req: &'a Request,
    st: &'a State,
    raw: &'a Value,
    names: &'a [String],
    ctx: Value,
    vars: Map<String, Value>,
    rng: fastrand::Rng,
    insp: Map<String, Value>,
    assigned: bool,
}

/// Why a state stopped early: it failed (Retry and Catch then decide), or the request is
/// refused after all (a Map's items against `mapIterationFailureCount`).
enum Stop {
    State(Failure),
    Api(ApiError),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::State(f)
    }
}

type Step<T> = Result<T, Stop>;

fn runtime(msg: impl Into<String>) -> Stop {
    Stop::State(Failure::new(ErrorName::Runtime, msg))
}

fn text(v: &Value) -> Value {
    Value::String(crate::history::json_text(v))
}

/// `n` as AWS prints a whole number of seconds (an integer when it is one).
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

impl Run<'_> {
    fn note(&mut self, key: &str, v: &Value) {
        self.insp.insert(key.into(), text(v));
    }

    fn next_name(&self) -> Option<String> {
        match self.st.next {
            Transition::Next(i) => self.names.get(i).cloned(),
            _ => None,
        }
    }

    fn run(&mut self) -> Result<Outcome, ApiError> {
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

    fn root<'b>(&'b self, p: &JsonPath, input: &'b Value) -> Step<&'b Value> {
        match p.variable() {
            Some(name) => self
                .vars
                .get(name)
                .ok_or_else(|| runtime(format!("Invalid path '{}': The variable '{name}' is not defined.", p.text()))),
            None if p.is_context() => Ok(&self.ctx),
            None => Ok(input),
        }
    }

    fn select(&self, p: &JsonPath, input: &Value) -> Step<Value> {
        let doc = self.root(p, input)?;
        p.try_select(doc).map_err(|m| runtime(format!("Invalid path '{}' : {}", p.text(), m)))
    }

    fn path_field(&self, pf: &PathField, input: &Value) -> Step<Value> {
        match pf {
            PathField::Whole => Ok(input.clone()),
            PathField::Null => Ok(json!({})),
            PathField::Path(p) => self.select(p, input),
        }
    }

    fn template(&mut self, t: &Template, input: &Value) -> Step<Value> {
        match t {
            Template::Literal(v) => Ok(v.clone()),
            Template::Object(fields) => {
                let mut out = Map::with_capacity(fields.len());
                for (k, t) in fields {
                    let v = match t {
                        Template::Path(p) => {
                            let doc = self.root(p, input)?;
                            p.select(doc).ok_or_else(|| {
                                runtime(format!(
                                    "The JSONPath '{}' specified for the field '{}.$' could not be found in the input '{}'",
                                    p.text(),
                                    k,
                                    crate::history::json_text(doc)
                                ))
                            })?
                        }
                        Template::Intrinsic(i) => {
                            let field = format!("{k}.$");
                            let vars = &self.vars;
                            let lookup = |name: &str| vars.get(name).cloned();
                            let scope = crate::intrinsics::Scope::new(input, &self.ctx).with_field(&field).with_variables(&lookup);
                            i.eval_in(&scope, &mut self.rng)?
                        }
                        other => self.template(other, input)?,
                    };
                    out.insert(k.clone(), v);
                }
                Ok(Value::Object(out))
            }
            Template::Array(items) => items.iter().map(|t| self.template(t, input)).collect::<Step<Vec<_>>>().map(Value::Array),
            Template::Path(p) => self.select(p, input),
            Template::Intrinsic(i) => {
                let vars = &self.vars;
                let lookup = |name: &str| vars.get(name).cloned();
                let scope = crate::intrinsics::Scope::new(input, &self.ctx).with_variables(&lookup);
                Ok(i.eval_in(&scope, &mut self.rng)?)
            }
        }
    }

    fn assign_jsonpath(&mut self, t: &Template, doc: &Value) -> Step<()> {
        if let Value::Object(m) = self.template(t, doc)? {
            self.vars.extend(m);
            self.assigned = true;
        }
        Ok(())
    }

    /// ResultSelector, Assign, ResultPath and OutputPath after a result.
    fn shape(&mut self, raw: &Value, result: Value) -> Step<Value> {
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

    fn run_jsonpath(&mut self, input: &Value) -> Step<Outcome> {
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
                        runtime(format!("Invalid path '{}': The choice state's condition path references an invalid value.", e.0))
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

    fn number_field(&self, f: &NumberField, eff: &Value) -> Step<f64> {
        match f {
            NumberField::Value(v) => Ok(*v),
            NumberField::Path(p) => {
                let v = self.select(p, eff)?;
                v.as_f64().ok_or_else(|| runtime(format!("The value of {} must be a number", p.text())))
            }
        }
    }

    fn fail_field(&mut self, src: &Option<Source>, eff: &Value) -> Step<Option<String>> {
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
        self.note("result", &result);
        Ok(result)
    }

    fn fanout_result(&mut self) -> Step<Value> {
        match &self.req.mock {
            Some(Mock { error_output: Some(f), .. }) => Err(f.clone().into()),
            Some(Mock { result: Some(r), .. }) => Ok(r.clone()),
            _ => Ok(json!([])),
        }
    }

    /// `afterItemSelector`: each iteration's input, made with `$$.Map.Item` (`$states.context.Map.Item`)
    /// naming the item.
    fn item_inputs(&mut self, items: &[Value], mut each: impl FnMut(&mut Self, usize) -> Step<Value>) -> Step<()> {
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
    fn reader_items(&self) -> Option<Value> {
        self.raw.get("ItemReader")?;
        self.req.state_configuration.map_item_reader_data.clone()
    }

    /// A mocked Map's result, after `mapIterationFailureCount` against the tolerated failures.
    fn map_result(&mut self, n: usize, count: Option<f64>, pct: Option<f64>) -> Step<Value> {
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

    // ---- JSONata ----

    fn ja(&mut self, t: &JTemplate, states: &Value, field: &str) -> Step<Value> {
        let vars = &self.vars;
        let lookup = |n: &str| vars.get(n).cloned();
        let mut env = Env { states, variables: &lookup, now_iso: START_ISO, rng: &mut self.rng };
        Ok(t.eval(&mut env, field)?)
    }

    fn states(&self, input: &Value, extra: &[(&str, &Value)]) -> Value {
        let mut m = Map::new();
        m.insert("input".into(), input.clone());
        m.insert("context".into(), self.ctx.clone());
        for (k, v) in extra {
            m.insert((*k).to_string(), (*v).clone());
        }
        Value::Object(m)
    }

    /// `Output` (default: the result, or the input) and `Assign`, both over the same `$states`.
    fn ja_finish(&mut self, input: &Value, result: Option<&Value>, next: Option<String>) -> Step<Outcome> {
        let st = self.st;
        let ja = st.ja.as_deref();
        let extra: Vec<(&str, &Value)> = result.map(|r| ("result", r)).into_iter().collect();
        let states = self.states(input, &extra);
        let output = match ja.and_then(|j| j.output.as_ref()) {
            Some(t) => self.ja(t, &states, "Output")?,
            None => result.unwrap_or(input).clone(),
        };
        if let Some(t) = ja.and_then(|j| j.assign.as_ref()) {
            if let Value::Object(m) = self.ja(t, &states, "Assign")? {
                self.vars.extend(m);
                self.assigned = true;
            }
        }
        Ok(Outcome::Succeeded { output, next })
    }

    fn run_jsonata(&mut self, input: &Value) -> Step<Outcome> {
        let st = self.st;
        let next = self.next_name();
        let ja = st.ja.as_deref();
        let states = self.states(input, &[]);
        match &st.kind {
            Kind::Pass { .. } | Kind::Succeed | Kind::Wait(_) => self.ja_finish(input, None, next),
            Kind::Task(_) => {
                let args = match ja.and_then(|j| j.arguments.as_ref()) {
                    Some(t) => self.ja(t, &states, "Arguments")?,
                    None => input.clone(),
                };
                self.note("afterArguments", &args);
                let result = self.task_result()?;
                self.ja_finish(input, Some(&result), next)
            }
            Kind::Parallel { .. } => {
                if let Some(t) = ja.and_then(|j| j.arguments.as_ref()) {
                    self.ja(t, &states, "Arguments")?;
                }
                let result = self.fanout_result()?;
                self.ja_finish(input, Some(&result), next)
            }
            Kind::Fail { .. } => {
                let error = match ja.and_then(|j| j.error.as_ref()) {
                    Some(t) => text_of(self.ja(t, &states, "Error")?),
                    None => String::new(),
                };
                let cause = match ja.and_then(|j| j.cause.as_ref()) {
                    Some(t) => text_of(self.ja(t, &states, "Cause")?),
                    None => String::new(),
                };
                Err(Failure { error, cause }.into())
            }
            Kind::Choice { default, .. } => {
                let rules = ja.map(|j| &j.rules[..]).unwrap_or(&[]);
                let mut chosen = None;
                for rule in rules {
                    match self.ja(&rule.condition, &states, "Condition")? {
                        Value::Bool(true) => {
                            chosen = Some((rule.next, rule.assign.as_ref(), rule.output.as_ref()));
                            break;
                        }
                        Value::Bool(false) => {}
                        other => return Err(unexpected_type(&rule.condition, "Condition", "boolean", &other)),
                    }
                }
                // A rule's own Assign and Output, or the state's when Default is taken.
                let (next, assign, output) = match (chosen, default) {
                    (Some(c), _) => c,
                    (None, Some(d)) => (*d, ja.and_then(|j| j.assign.as_ref()), ja.and_then(|j| j.output.as_ref())),
                    (None, None) => return Err(Failure::new(ErrorName::NoChoiceMatched, "No Matches!").into()),
                };
                let output = match output {
                    Some(t) => self.ja(t, &states, "Output")?,
                    None => input.clone(),
                };
                if let Some(t) = assign {
                    if let Value::Object(m) = self.ja(t, &states, "Assign")? {
                        self.vars.extend(m);
                        self.assigned = true;
                    }
                }
                Ok(Outcome::Succeeded { output, next: self.names.get(next).cloned() })
            }
            Kind::Map(spec) => {
                let items = match (ja.and_then(|j| j.items.as_ref()), self.reader_items(), &spec.items) {
                    (_, Some(items), _) => items,
                    (Some(t), None, _) => {
                        let v = self.ja(t, &states, "Items")?;
                        if !v.is_array() {
                            return Err(unexpected_type(t, "Items", "array", &v));
                        }
                        v
                    }
                    (None, None, Some(v)) => v.clone(),
                    (None, None, None) => input.clone(),
                };
                let Value::Array(list) = &items else {
                    return Err(Failure::new(
                        ErrorName::QueryEvaluationError,
                        format!("Map state input must be an array but was: {}", crate::history::json_text(&items)),
                    )
                    .into());
                };
                let n = list.len();
                if let Some(sel) = ja.and_then(|j| j.item_selector.as_ref()) {
                    self.item_inputs(list, |run, _| {
                        let states = run.states(input, &[]);
                        run.ja(sel, &states, "ItemSelector")
                    })?;
                }
                let max = match (ja.and_then(|j| j.max_concurrency.as_ref()), &spec.max_concurrency) {
                    (Some(t), _) => self.ja(t, &states, "MaxConcurrency")?.as_f64().unwrap_or(0.0),
                    (None, Some(NumberField::Value(v))) => *v,
                    _ => 0.0,
                };
                self.insp.insert("maxConcurrency".into(), number(max));
                let count = match (ja.and_then(|j| j.tolerated_count.as_ref()), &spec.tolerated_failure_count) {
                    (Some(t), _) => self.ja(t, &states, "ToleratedFailureCount")?.as_f64(),
                    (None, Some(NumberField::Value(v))) => Some(*v),
                    _ => None,
                };
                let pct = match (ja.and_then(|j| j.tolerated_percentage.as_ref()), &spec.tolerated_failure_percentage) {
                    (Some(t), _) => self.ja(t, &states, "ToleratedFailurePercentage")?.as_f64(),
                    (None, Some(NumberField::Value(v))) => Some(*v),
                    _ => None,
                };
                let result = self.map_result(n, count, pct)?;
                self.ja_finish(input, Some(&result), next)
            }
        }
    }

    // ---- Retry, Catch and the response ----

    fn respond(&mut self, outcome: Outcome) -> Value {
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
    fn retry_or_catch(&mut self, failure: &Failure, resp: &mut Map<String, Value>) -> bool {
        let st = self.st;
        let count = self.req.state_configuration.retrier_retry_count;
        if let Some((i, r)) = st.retry.iter().enumerate().find(|(_, r)| error_matches(&r.error_equals, &failure.error)) {
            if count < r.max_attempts {
                let mut delay = r.interval_seconds * r.backoff_rate.powi(count as i32);
                if let Some(m) = r.max_delay_seconds {
                    delay = delay.min(m);
                }
                self.insp.insert("errorDetails".into(), json!({"retryBackoffIntervalSeconds": number(delay), "retryIndex": i}));
                resp.insert("status".into(), json!("RETRIABLE"));
                return true;
            }
        }
        let Some((i, c)) = st.catch.iter().enumerate().find(|(_, c)| error_matches(&c.error_equals, &failure.error)) else {
            return false;
        };
        let error_output = json!({"Error": failure.error, "Cause": failure.cause});
        let input = self.req.input.clone();
        let output = match st.lang {
            QueryLanguage::JsonPath => apply_result_path(&c.result_path, &input, error_output),
            QueryLanguage::Jsonata => {
                let (out_t, assign_t) = st.ja.as_deref().and_then(|j| j.catch.get(i)).map_or((None, None), |(o, a)| (o.clone(), a.clone()));
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

fn text_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => crate::history::json_text(&other),
    }
}

/// AWS's message for an expression whose result has the wrong type (as `exec` words it).
fn unexpected_type(t: &JTemplate, field: &str, expected: &str, v: &Value) -> Stop {
    let text = match t {
        JTemplate::Expr(e) => e.text().to_string(),
        _ => crate::history::json_text(v),
    };
    Failure::new(
        ErrorName::QueryEvaluationError,
        format!(
            "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
            crate::jsonata::type_name(v),
            crate::history::json_text(v)
        ),
    )
    .into()
}

fn apply_result_path(rp: &ResultPath, raw: &Value, result: Value) -> Step<Value> {
    match rp {
        ResultPath::Replace => Ok(result),
        ResultPath::Discard => Ok(raw.clone()),
        ResultPath::Path(p) => {
            let mut doc = raw.clone();
            p.assign(&mut doc, result).map_err(|_| {
                Failure::new(
                    ErrorName::ResultPathMatchFailure,
                    format!("Unable to apply ResultPath \"{}\" to input \"{}\"", p.text(), crate::history::json_text(raw)),
                )
            })?;
            Ok(doc)
        }
    }
}
