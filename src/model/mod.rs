//! The typed model of a state machine definition, built once when the definition loads.
//!
//! Paths, payload templates and intrinsic calls are parsed here, so running a state never
//! re-parses text. The model assumes [`crate::validate`] accepted the definition, but it
//! still never panics on odd input: anything it cannot model is an `Err(message)`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::choice::ChoiceRule;
use crate::intrinsics::Intrinsic;
use crate::jsonata::Template as JTemplate;
use crate::jsonpath::JsonPath;

mod moves;
mod references;
mod template;

pub use moves::Moves;
pub use references::variable_references;
pub use template::Template;

/// A parsed state machine (or a Parallel branch, or a Map's item processor).
#[derive(Debug)]
pub struct Machine {
    /// Index of the `StartAt` state in `states`.
    pub start_at: usize,
    /// The states, in definition order.
    pub states: Vec<State>,
    /// `TimeoutSeconds` of the whole machine (top level only).
    pub timeout_seconds: Option<u64>,
    /// Name to index.
    pub index: HashMap<String, usize>,
}

impl Machine {
    /// Whether running these states may read the context object: a state's fields, a task
    /// (its handler gets the context), or a nested branch or item processor that does. A Map whose
    /// processor does not need not keep each item for `$$.Map.Item.Value`.
    pub fn may_read_context(&self) -> bool {
        self.states.iter().any(|s| {
            s.uses_context()
                || match &s.kind {
                    Kind::Task(_) => true,
                    Kind::Parallel { branches } => branches.iter().any(|b| b.may_read_context()),
                    // A Distributed Map's reader, batcher and writer read it too.
                    Kind::Map(spec) => spec.distributed || spec.processor.may_read_context(),
                    _ => false,
                }
        })
    }
}

/// One state: its name, its kind, where it goes, its Retry and Catch rules, and its data flow.
#[derive(Debug)]
pub struct State {
    /// The state's name (its key in `States`).
    pub name: Arc<str>,
    /// What the state does, whatever its query language.
    pub kind: Kind,
    /// `Next` or `End`.
    pub next: Transition,
    /// `Retry`, in order.
    pub retry: Vec<Retrier>,
    /// `Catch`, in order (each catcher's data flow is in [`State::flow`]).
    pub catch: Vec<Catcher>,
    /// How the state computes its data: JSONPath or JSONata fields.
    pub flow: Flow,
}

/// A state's data-flow fields in its query language. States in Parallel branches and Map
/// processors inherit the machine's language, not the enclosing state's.
#[derive(Debug)]
pub enum Flow {
    /// `QueryLanguage: "JSONPath"` (the default): paths, payload templates and intrinsics.
    JsonPath(Box<PathFields>),
    /// `QueryLanguage: "JSONata"`: templates of literals and `{% %}` expressions over `$states`.
    Jsonata(Box<JsonataFields>),
}

impl State {
    /// True when evaluating the state's fields may read the context object (`$$`, always for
    /// JSONata, whose `$states.context` any expression may read).
    pub fn uses_context(&self) -> bool {
        match &self.flow {
            Flow::JsonPath(p) => p.uses_context,
            Flow::Jsonata(_) => true,
        }
    }
}

/// A JSONPath state's fields: the data flow every state shares, then the fields of its kind
/// (empty for other kinds).
#[derive(Debug, Default)]
pub struct PathFields {
    /// `InputPath`: selects the effective input from the raw input.
    pub input_path: PathField,
    /// `Parameters`: the task input, branch input, or Pass result made from the effective input.
    pub parameters: Option<Template>,
    /// `ResultSelector`: reshapes the state's result.
    pub result_selector: Option<Template>,
    /// `ResultPath`: where the result goes in the raw input.
    pub result_path: ResultPath,
    /// `OutputPath`: selects the output.
    pub output_path: PathField,
    /// `Assign`: workflow variables set when the state succeeds.
    pub assign: Option<Template>,
    /// A Pass state's parts of the input that move into its result (see [`Moves`]).
    pub moves: Option<Moves>,
    /// True when a path, template or intrinsic of this state reads the context object (`$$`).
    pub uses_context: bool,
    /// A Pass state's `Result`.
    pub result: Option<Value>,
    /// A Choice state's rules, in order.
    pub choices: Vec<PathChoice>,
    /// How long a Wait state waits (`None` for other kinds).
    pub wait: Option<WaitFor>,
    /// A Fail state's `Error` or `ErrorPath`.
    pub error: Option<Source>,
    /// A Fail state's `Cause` or `CausePath`.
    pub cause: Option<Source>,
    /// A Task state's `TimeoutSeconds` or `TimeoutSecondsPath`.
    pub timeout: Option<NumberField>,
    /// A Task state's `HeartbeatSeconds` or `HeartbeatSecondsPath`.
    pub heartbeat: Option<NumberField>,
    /// A Map state's `ItemsPath`.
    pub items_path: Option<JsonPath>,
    /// A Map state's literal `Items`.
    pub items: Option<Value>,
    /// A Map state's `ItemSelector` (or legacy `Parameters`).
    pub item_selector: Option<Template>,
    /// A Map state's `MaxConcurrency` or `MaxConcurrencyPath`.
    pub max_concurrency: Option<NumberField>,
    /// A Map state's `ToleratedFailureCount` or `ToleratedFailureCountPath`.
    pub tolerated_failure_count: Option<NumberField>,
    /// A Map state's `ToleratedFailurePercentage` or `ToleratedFailurePercentagePath`.
    pub tolerated_failure_percentage: Option<NumberField>,
    /// Each catcher's `ResultPath`, in the order of [`State::catch`].
    pub catch: Vec<ResultPath>,
    /// Each catcher's `Assign`, over the error output, in the order of [`State::catch`].
    pub catch_assign: Vec<Option<Template>>,
}

/// A JSONPath Choice rule: its condition, its target, and the `Assign` it replaces the state's with.
#[derive(Debug)]
pub struct PathChoice {
    /// The condition (`Variable` and a comparison, or `And` / `Or` / `Not`).
    pub rule: ChoiceRule,
    /// The index of the `Next` state.
    pub next: usize,
    /// The rule's `Assign`.
    pub assign: Option<Template>,
}

/// `InputPath` / `OutputPath`: absent means `$`, `null` means an empty object.
#[derive(Debug, Clone, Default)]
pub enum PathField {
    /// Absent or `$`: the whole document.
    #[default]
    Whole,
    /// `null`: an empty object.
    Null,
    /// A path (or a variable reference) to select.
    Path(JsonPath),
}

/// `ResultPath`: absent means `$` (the result replaces the input), `null` discards the result.
#[derive(Debug, Clone, Default)]
pub enum ResultPath {
    /// Absent or `$`: the result replaces the input.
    #[default]
    Replace,
    /// `null`: the result is discarded and the input passes on.
    Discard,
    /// The result goes at this path in the input.
    Path(JsonPath),
}

/// Where a state goes after it succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// `Next`: the index of the next state.
    Next(usize),
    /// `End: true`.
    End,
    /// Choice, Succeed and Fail states decide themselves.
    None,
}

/// A `Retry` rule.
#[derive(Debug, Clone)]
pub struct Retrier {
    /// `ErrorEquals`: the error names it handles.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds` (default 1): the first delay.
    pub interval_seconds: f64,
    /// `MaxAttempts` (default 3).
    pub max_attempts: u32,
    /// `BackoffRate` (default 2): each delay is this many times the one before.
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`: the longest delay.
    pub max_delay_seconds: Option<f64>,
    /// `JitterStrategy: "FULL"`: each delay is a random fraction of itself.
    pub jitter_full: bool,
}

/// A `Catch` rule (its `ResultPath`, or its `Output` and `Assign`, are in the state's [`Flow`]).
#[derive(Debug, Clone)]
pub struct Catcher {
    /// `ErrorEquals`: the error names it handles.
    pub error_equals: Vec<String>,
    /// The index of the `Next` state.
    pub next: usize,
}

/// A number given literally or by a path (`MaxConcurrency` / `MaxConcurrencyPath`, ...).
#[derive(Debug, Clone)]
pub enum NumberField {
    /// The number itself.
    Value(f64),
    /// The `...Path` field: where to read it.
    Path(JsonPath),
}

/// What a state does, with the fields that do not depend on its query language.
#[derive(Debug)]
pub enum Kind {
    /// Passes its input (or `Result`) on.
    Pass,
    /// Asks the driver to run a task.
    Task(Box<TaskSpec>),
    /// Picks the next state by its rules (in the state's [`Flow`]).
    Choice {
        /// `Default`: the index of the state to go to when no rule matches.
        default: Option<usize>,
    },
    /// Waits (how long is in the state's [`Flow`]).
    Wait,
    /// Ends the execution (or branch, or iteration) successfully.
    Succeed,
    /// Ends it with an error and a cause.
    Fail,
    /// Runs its branches on the same input.
    Parallel {
        /// `Branches`.
        branches: Vec<Arc<Machine>>,
    },
    /// Runs its item processor on each item.
    Map(Box<MapSpec>),
}

/// A Fail state's `Error`/`ErrorPath` or `Cause`/`CausePath`.
#[derive(Debug, Clone)]
pub enum Source {
    /// `Error` / `Cause`: the text itself.
    Literal(String),
    /// `ErrorPath` / `CausePath` holding a path.
    Path(JsonPath),
    /// `ErrorPath` / `CausePath` holding an intrinsic call.
    Intrinsic(Box<Intrinsic>),
}

/// How long a JSONPath Wait state waits.
#[derive(Debug, Clone)]
pub enum WaitFor {
    /// `Seconds`.
    Seconds(i64),
    /// `SecondsPath`.
    SecondsPath(JsonPath),
    /// `Timestamp`, in epoch milliseconds.
    Timestamp(i64),
    /// `TimestampPath`.
    TimestampPath(JsonPath),
}

/// A Task state's own fields.
#[derive(Debug)]
pub struct TaskSpec {
    /// `Resource`: the ARN of the function or service integration.
    pub resource: String,
    /// `Credentials`, as the definition gives them.
    pub credentials: Option<Value>,
}

/// A Map state's own fields.
#[derive(Debug)]
pub struct MapSpec {
    /// `ItemProcessor` (or `Iterator`): the machine each item runs.
    pub processor: Arc<Machine>,
    /// `ProcessorConfig.Mode` is `DISTRIBUTED`: iterations are child executions.
    pub distributed: bool,
    /// `Label`: names a Distributed Map's Map Run.
    pub label: Option<String>,
    /// `ItemReader`, `ItemBatcher` and `ResultWriter`.
    pub dist: crate::dmap::Spec,
}

impl Kind {
    /// The prefix, `*StateEntered` and `*StateExited` event types of this kind.
    fn events(&self) -> [&'static str; 3] {
        match self {
            Kind::Pass => ["Pass", "PassStateEntered", "PassStateExited"],
            Kind::Task(_) => ["Task", "TaskStateEntered", "TaskStateExited"],
            Kind::Choice { .. } => ["Choice", "ChoiceStateEntered", "ChoiceStateExited"],
            Kind::Wait => ["Wait", "WaitStateEntered", "WaitStateExited"],
            Kind::Succeed => ["Succeed", "SucceedStateEntered", "SucceedStateExited"],
            Kind::Fail => ["Fail", "FailStateEntered", "FailStateExited"],
            Kind::Parallel { .. } => ["Parallel", "ParallelStateEntered", "ParallelStateExited"],
            Kind::Map(_) => ["Map", "MapStateEntered", "MapStateExited"],
        }
    }

    /// The `*StateEntered` event type of this kind.
    pub fn entered_event(&self) -> &'static str {
        self.events()[1]
    }

    /// The `*StateExited` event type of this kind (a Fail state has none; it never exits).
    pub fn exited_event(&self) -> &'static str {
        self.events()[2]
    }

    /// The prefix of this kind's history event types (`Pass` in `PassStateEntered`).
    pub fn event_prefix(&self) -> &'static str {
        self.events()[0]
    }
}

type Result<T> = std::result::Result<T, String>;

fn string_field(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} must be a string at {at}")),
    }
}

/// Parses a path: `$...` / `$$...` JSONPaths, or a variable reference such as `$name.field`.
pub fn parse_path(text: &str) -> Result<JsonPath> {
    let b = text.as_bytes();
    let is_variable = b.first() == Some(&b'$') && b.get(1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
    if is_variable {
        JsonPath::parse_variable(text)
    } else {
        JsonPath::parse(text)
    }
}

fn path_of(text: &str, at: &str) -> Result<JsonPath> {
    parse_path(text).map_err(|e| format!("invalid JSONPath '{text}' at {at}: {e}"))
}

fn path_field(obj: &Map<String, Value>, key: &str, at: &str) -> Result<PathField> {
    path_value(obj.get(key), key, at)
}

fn path_value(v: Option<&Value>, key: &str, at: &str) -> Result<PathField> {
    match v {
        None => Ok(PathField::Whole),
        Some(Value::Null) => Ok(PathField::Null),
        Some(Value::String(s)) if s == "$" => Ok(PathField::Whole),
        Some(Value::String(s)) => Ok(PathField::Path(path_of(s, at)?)),
        Some(_) => Err(format!("{key} must be a string or null at {at}")),
    }
}

fn result_path(v: Option<&Value>, at: &str) -> Result<ResultPath> {
    Ok(match path_value(v, "ResultPath", at)? {
        PathField::Whole => ResultPath::Replace,
        PathField::Null => ResultPath::Discard,
        PathField::Path(p) => ResultPath::Path(p),
    })
}

fn number_field(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<NumberField>> {
    let path_key = format!("{key}Path");
    if let Some(v) = obj.get(key) {
        let n = v.as_f64().ok_or_else(|| format!("{key} must be a number at {at}"))?;
        return Ok(Some(NumberField::Value(n)));
    }
    match obj.get(&path_key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(NumberField::Path(path_of(s, at)?))),
        Some(_) => Err(format!("{path_key} must be a string at {at}")),
    }
}

fn source(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<Source>> {
    if let Some(s) = string_field(obj, key, at)? {
        return Ok(Some(Source::Literal(s)));
    }
    let path_key = format!("{key}Path");
    match string_field(obj, &path_key, at)? {
        None => Ok(None),
        Some(s) if s.starts_with('$') => Ok(Some(Source::Path(path_of(&s, at)?))),
        Some(s) => Ok(Some(Source::Intrinsic(Box::new(Intrinsic::parse(&s)?)))),
    }
}

fn error_equals(obj: &Map<String, Value>, at: &str) -> Result<Vec<String>> {
    match obj.get("ErrorEquals") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|e| e.as_str().map(str::to_string).ok_or_else(|| format!("ErrorEquals must hold strings at {at}")))
            .collect(),
        _ => Err(format!("ErrorEquals is required at {at}")),
    }
}

/// Parses RFC 3339 timestamps as ASL wants them (upper-case `T` and `Z` or an offset) into epoch ms.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b.get(10) != Some(&b'T') {
        return None;
    }
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|d| d.timestamp_millis())
}

/// Loads a machine from its JSON definition.
pub fn load(def: &Value) -> Result<Machine> {
    load_at(def, "", true, QueryLanguage::of(def.get("QueryLanguage"), QueryLanguage::JsonPath))
}

/// `JSONPath` (the default) or `JSONata`: set for the machine, overridable per state. States in
/// Parallel branches and Map processors inherit the machine's, not the enclosing state's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLanguage {
    /// `JSONPath`.
    JsonPath,
    /// `JSONata`.
    Jsonata,
}

impl QueryLanguage {
    /// The language a `QueryLanguage` field names, or `default` when it names none.
    pub fn of(field: Option<&Value>, default: QueryLanguage) -> QueryLanguage {
        match field.and_then(Value::as_str) {
            Some("JSONata") => QueryLanguage::Jsonata,
            Some("JSONPath") => QueryLanguage::JsonPath,
            _ => default,
        }
    }
}

/// A JSONata state's fields, each a template of literals and `{% %}` expressions.
#[derive(Debug, Default)]
pub struct JsonataFields {
    /// `Arguments`: the task input or branch input.
    pub arguments: Option<JTemplate>,
    /// `Output`: the state's output.
    pub output: Option<JTemplate>,
    /// `Assign`: workflow variables set when the state succeeds.
    pub assign: Option<JTemplate>,
    /// A Map state's `Items`.
    pub items: Option<JTemplate>,
    /// A Map state's `ItemSelector`.
    pub item_selector: Option<JTemplate>,
    /// A Map state's `MaxConcurrency`.
    pub max_concurrency: Option<JTemplate>,
    /// A Map state's `ToleratedFailureCount`.
    pub tolerated_count: Option<JTemplate>,
    /// A Map state's `ToleratedFailurePercentage`.
    pub tolerated_percentage: Option<JTemplate>,
    /// A Wait state's `Seconds`.
    pub seconds: Option<JTemplate>,
    /// A Wait state's `Timestamp`.
    pub timestamp: Option<JTemplate>,
    /// A Fail state's `Error`.
    pub error: Option<JTemplate>,
    /// A Fail state's `Cause`.
    pub cause: Option<JTemplate>,
    /// A Task state's `TimeoutSeconds`.
    pub timeout: Option<JTemplate>,
    /// A Task state's `HeartbeatSeconds`.
    pub heartbeat: Option<JTemplate>,
    /// Choice rules: `Condition`, target, `Assign`, `Output`.
    pub rules: Vec<JsonataRule>,
    /// `Output` and `Assign` of each catcher, in the order of [`State::catch`].
    pub catch: Vec<(Option<JTemplate>, Option<JTemplate>)>,
}

/// A JSONata Choice rule.
#[derive(Debug)]
pub struct JsonataRule {
    /// `Condition`: must give a boolean.
    pub condition: JTemplate,
    /// The index of the `Next` state.
    pub next: usize,
    /// `Assign`, replacing the state's.
    pub assign: Option<JTemplate>,
    /// `Output`, replacing the state's.
    pub output: Option<JTemplate>,
}

/// How deeply Parallel and Map states may nest: deeper definitions are refused before any
/// recursion could exhaust a (wasm) stack. The validator reports the same limit.
pub const MAX_NESTING: usize = 64;

fn load_at(def: &Value, at: &str, top: bool, lang: QueryLanguage) -> Result<Machine> {
    let depth =
        at.matches("/Branches/").count() + at.matches("/ItemProcessor").count() + at.matches("/Iterator").count();
    if depth > MAX_NESTING {
        return Err(format!("Parallel and Map states nest more than {MAX_NESTING} levels deep at {at}"));
    }
    let obj = def.as_object().ok_or_else(|| format!("a state machine must be an object at {at}"))?;
    let start = string_field(obj, "StartAt", at)?.ok_or_else(|| format!("StartAt is required at {at}"))?;
    let states_obj =
        obj.get("States").and_then(Value::as_object).ok_or_else(|| format!("States must be an object at {at}"))?;
    let index: HashMap<String, usize> = states_obj.keys().enumerate().map(|(i, k)| (k.clone(), i)).collect();
    let resolve = |name: &str, where_: &str| -> Result<usize> {
        index.get(name).copied().ok_or_else(|| format!("Missing 'Next' target: {name} at {where_}"))
    };
    let start_at = resolve(&start, &format!("{at}/StartAt"))?;
    let mut states = Vec::with_capacity(states_obj.len());
    for (name, sv) in states_obj {
        let sat = format!("{at}/States/{name}");
        states.push(load_state(name, sv, &sat, &resolve, lang)?);
    }
    let timeout_seconds = if top { obj.get("TimeoutSeconds").and_then(Value::as_u64) } else { None };
    Ok(Machine { start_at, states, timeout_seconds, index })
}

fn load_state(
    name: &str,
    sv: &Value,
    at: &str,
    resolve: &dyn Fn(&str, &str) -> Result<usize>,
    machine_lang: QueryLanguage,
) -> Result<State> {
    let s = sv.as_object().ok_or_else(|| format!("a state must be an object at {at}"))?;
    let lang = QueryLanguage::of(s.get("QueryLanguage"), machine_lang);
    let ty = string_field(s, "Type", at)?.ok_or_else(|| format!("Type is required at {at}"))?;
    let next = match (string_field(s, "Next", at)?, s.get("End")) {
        (Some(n), _) => Transition::Next(resolve(&n, &format!("{at}/Next"))?),
        (None, Some(Value::Bool(true))) => Transition::End,
        _ => Transition::None,
    };
    let mut catch = Vec::new();
    let mut catch_objects = Vec::new();
    if let Some(Value::Array(cs)) = s.get("Catch") {
        for (i, c) in cs.iter().enumerate() {
            let cat = format!("{at}/Catch/{i}");
            let c = c.as_object().ok_or_else(|| format!("a catcher must be an object at {cat}"))?;
            let n = string_field(c, "Next", &cat)?.ok_or_else(|| format!("Next is required at {cat}"))?;
            catch.push(Catcher { error_equals: error_equals(c, &cat)?, next: resolve(&n, &format!("{cat}/Next"))? });
            catch_objects.push((c, cat));
        }
    }
    let kind = match ty.as_str() {
        "Pass" => Kind::Pass,
        "Succeed" => Kind::Succeed,
        "Fail" => Kind::Fail,
        "Wait" => Kind::Wait,
        "Choice" => Kind::Choice {
            default: string_field(s, "Default", at)?.map(|d| resolve(&d, &format!("{at}/Default"))).transpose()?,
        },
        "Parallel" => Kind::Parallel { branches: load_branches(s, at, machine_lang)? },
        "Map" => Kind::Map(Box::new(load_map(s, at, machine_lang, lang)?)),
        "Task" => Kind::Task(Box::new(TaskSpec {
            resource: string_field(s, "Resource", at)?.ok_or_else(|| format!("Resource is required at {at}"))?,
            credentials: s.get("Credentials").cloned(),
        })),
        other => return Err(format!("unknown state type {other} at {at}")),
    };
    let flow = match lang {
        QueryLanguage::JsonPath => Flow::JsonPath(Box::new(load_path_fields(s, at, &kind, resolve, &catch_objects)?)),
        QueryLanguage::Jsonata => Flow::Jsonata(Box::new(load_jsonata_fields(s, at, &kind, resolve, &catch_objects)?)),
    };
    Ok(State { name: name.into(), kind, next, retry: load_retry(s, at)?, catch, flow })
}

/// A JSONPath state's fields.
fn load_path_fields(
    s: &Map<String, Value>,
    at: &str,
    kind: &Kind,
    resolve: &dyn Fn(&str, &str) -> Result<usize>,
    catchers: &[(&Map<String, Value>, String)],
) -> Result<PathFields> {
    let template = |key: &str| s.get(key).map(|p| Template::parse(p, &format!("{at}/{key}"))).transpose();
    let mut p = PathFields {
        input_path: path_field(s, "InputPath", at)?,
        parameters: template("Parameters")?,
        result_selector: template("ResultSelector")?,
        result_path: result_path(s.get("ResultPath"), at)?,
        output_path: path_field(s, "OutputPath", at)?,
        assign: template("Assign")?,
        catch: catchers.iter().map(|(c, cat)| result_path(c.get("ResultPath"), cat)).collect::<Result<_>>()?,
        catch_assign: catchers
            .iter()
            .map(|(c, cat)| c.get("Assign").map(|a| Template::parse(a, &format!("{cat}/Assign"))).transpose())
            .collect::<Result<_>>()?,
        ..PathFields::default()
    };
    match kind {
        Kind::Pass => p.result = s.get("Result").cloned(),
        Kind::Fail => (p.error, p.cause) = (source(s, "Error", at)?, source(s, "Cause", at)?),
        Kind::Wait => p.wait = Some(load_wait(s, at)?),
        Kind::Choice { .. } => {
            if let Some(Value::Array(rules)) = s.get("Choices") {
                for (i, r) in rules.iter().enumerate() {
                    let rat = format!("{at}/Choices/{i}");
                    let rule = ChoiceRule::parse(r, &rat)?;
                    let next =
                        r.get("Next").and_then(Value::as_str).ok_or_else(|| format!("Next is required at {rat}"))?;
                    let assign = r.get("Assign").map(|a| Template::parse(a, &format!("{rat}/Assign"))).transpose()?;
                    p.choices.push(PathChoice { rule, next: resolve(next, &format!("{rat}/Next"))?, assign });
                }
            }
        }
        Kind::Task(_) => {
            (p.timeout, p.heartbeat) =
                (number_field(s, "TimeoutSeconds", at)?, number_field(s, "HeartbeatSeconds", at)?)
        }
        Kind::Map(_) => {
            p.items_path = string_field(s, "ItemsPath", at)?.map(|path| path_of(&path, at)).transpose()?;
            p.items = s.get("Items").cloned();
            // The legacy `Parameters` of a Map selects each item's input, with `Iterator` or `ItemProcessor`.
            let selector = s.get("ItemSelector").or_else(|| s.get("Parameters"));
            p.item_selector = selector.map(|v| Template::parse(v, &format!("{at}/ItemSelector"))).transpose()?;
            p.max_concurrency = number_field(s, "MaxConcurrency", at)?;
            p.tolerated_failure_count = number_field(s, "ToleratedFailureCount", at)?;
            p.tolerated_failure_percentage = number_field(s, "ToleratedFailurePercentage", at)?;
        }
        Kind::Succeed | Kind::Parallel { .. } => {}
    }
    p.uses_context = path_fields_use_context(&p);
    if matches!(kind, Kind::Pass) {
        p.moves = moves::plan(&p);
    }
    Ok(p)
}

fn load_retry(s: &Map<String, Value>, at: &str) -> Result<Vec<Retrier>> {
    let mut retry = Vec::new();
    if let Some(Value::Array(rs)) = s.get("Retry") {
        for (i, r) in rs.iter().enumerate() {
            let rat = format!("{at}/Retry/{i}");
            let r = r.as_object().ok_or_else(|| format!("a retrier must be an object at {rat}"))?;
            retry.push(Retrier {
                error_equals: error_equals(r, &rat)?,
                interval_seconds: r.get("IntervalSeconds").and_then(Value::as_f64).unwrap_or(1.0),
                max_attempts: r.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3).min(u32::MAX as u64) as u32,
                backoff_rate: r.get("BackoffRate").and_then(Value::as_f64).unwrap_or(2.0),
                max_delay_seconds: r.get("MaxDelaySeconds").and_then(Value::as_f64),
                jitter_full: r.get("JitterStrategy").and_then(Value::as_str) == Some("FULL"),
            });
        }
    }
    Ok(retry)
}

fn load_branches(s: &Map<String, Value>, at: &str, lang: QueryLanguage) -> Result<Vec<Arc<Machine>>> {
    let mut branches = Vec::new();
    if let Some(Value::Array(bs)) = s.get("Branches") {
        for (i, b) in bs.iter().enumerate() {
            branches.push(Arc::new(load_at(b, &format!("{at}/Branches/{i}"), false, lang)?));
        }
    }
    Ok(branches)
}

fn ja(s: &Map<String, Value>, key: &str, at: &str) -> Result<Option<JTemplate>> {
    s.get(key).map(|v| JTemplate::parse(v).map_err(|e| format!("{e} at {at}/{key}"))).transpose()
}

/// A JSONata state's fields: JSONPath fields do not apply; its own fields are templates.
fn load_jsonata_fields(
    s: &Map<String, Value>,
    at: &str,
    kind: &Kind,
    resolve: &dyn Fn(&str, &str) -> Result<usize>,
    catchers: &[(&Map<String, Value>, String)],
) -> Result<JsonataFields> {
    let mut f = JsonataFields {
        arguments: ja(s, "Arguments", at)?,
        output: ja(s, "Output", at)?,
        assign: ja(s, "Assign", at)?,
        items: ja(s, "Items", at)?,
        item_selector: ja(s, "ItemSelector", at)?,
        max_concurrency: ja(s, "MaxConcurrency", at)?,
        tolerated_count: ja(s, "ToleratedFailureCount", at)?,
        tolerated_percentage: ja(s, "ToleratedFailurePercentage", at)?,
        seconds: ja(s, "Seconds", at)?,
        timestamp: ja(s, "Timestamp", at)?,
        error: ja(s, "Error", at)?,
        cause: ja(s, "Cause", at)?,
        timeout: ja(s, "TimeoutSeconds", at)?,
        heartbeat: ja(s, "HeartbeatSeconds", at)?,
        ..JsonataFields::default()
    };
    for (c, cat) in catchers {
        f.catch.push((ja(c, "Output", cat)?, ja(c, "Assign", cat)?));
    }
    if let (Kind::Choice { .. }, Some(Value::Array(rules))) = (kind, s.get("Choices")) {
        for (i, r) in rules.iter().enumerate() {
            let rat = format!("{at}/Choices/{i}");
            let r = r.as_object().ok_or_else(|| format!("a Choice rule must be an object at {rat}"))?;
            let n = string_field(r, "Next", &rat)?.ok_or_else(|| format!("Next is required at {rat}"))?;
            f.rules.push(JsonataRule {
                condition: ja(r, "Condition", &rat)?.ok_or_else(|| format!("Condition is required at {rat}"))?,
                next: resolve(&n, &format!("{rat}/Next"))?,
                assign: ja(r, "Assign", &rat)?,
                output: ja(r, "Output", &rat)?,
            });
        }
    }
    Ok(f)
}

/// True when a path, template or intrinsic of a JSONPath state reads the context object.
fn path_fields_use_context(p: &PathFields) -> bool {
    let template = |t: &Option<Template>| t.as_ref().is_some_and(Template::uses_context);
    let path = |p: &PathField| matches!(p, PathField::Path(p) if p.is_context());
    let source = |s: &Option<Source>| match s {
        Some(Source::Path(p)) => p.is_context(),
        Some(Source::Intrinsic(i)) => i.uses_context(),
        _ => false,
    };
    let number = |n: &Option<NumberField>| matches!(n, Some(NumberField::Path(p)) if p.is_context());
    [&p.parameters, &p.result_selector, &p.assign, &p.item_selector].into_iter().any(template)
        || path(&p.input_path)
        || path(&p.output_path)
        || source(&p.error)
        || source(&p.cause)
        || p.items_path.as_ref().is_some_and(JsonPath::is_context)
        || [&p.timeout, &p.heartbeat, &p.max_concurrency, &p.tolerated_failure_count, &p.tolerated_failure_percentage]
            .into_iter()
            .any(number)
        || matches!(&p.wait, Some(WaitFor::SecondsPath(p) | WaitFor::TimestampPath(p)) if p.is_context())
        || p.choices.iter().any(|c| c.rule.uses_context() || template(&c.assign))
        || p.catch_assign.iter().any(template)
}

fn load_wait(s: &Map<String, Value>, at: &str) -> Result<WaitFor> {
    if let Some(v) = s.get("Seconds") {
        let n = v.as_i64().ok_or_else(|| format!("Seconds must be an integer at {at}"))?;
        return Ok(WaitFor::Seconds(n));
    }
    if let Some(p) = string_field(s, "SecondsPath", at)? {
        return Ok(WaitFor::SecondsPath(path_of(&p, at)?));
    }
    if let Some(t) = string_field(s, "Timestamp", at)? {
        let ms =
            parse_timestamp(&t).ok_or_else(|| format!("String does not match RFC3339 timestamp at {at}/Timestamp"))?;
        return Ok(WaitFor::Timestamp(ms));
    }
    if let Some(p) = string_field(s, "TimestampPath", at)? {
        return Ok(WaitFor::TimestampPath(path_of(&p, at)?));
    }
    Err(format!("a Wait state needs Seconds, SecondsPath, Timestamp or TimestampPath at {at}"))
}

fn load_map(s: &Map<String, Value>, at: &str, lang: QueryLanguage, own: QueryLanguage) -> Result<MapSpec> {
    let proc_key = if s.contains_key("ItemProcessor") { "ItemProcessor" } else { "Iterator" };
    let proc = s.get(proc_key).ok_or_else(|| format!("ItemProcessor is required at {at}"))?;
    let processor = Arc::new(load_at(proc, &format!("{at}/{proc_key}"), false, lang)?);
    let distributed =
        proc.get("ProcessorConfig").and_then(|c| c.get("Mode")).and_then(Value::as_str) == Some("DISTRIBUTED");
    let dist = crate::dmap::spec::load(s, at, own, distributed)?;
    Ok(MapSpec { processor, distributed, label: string_field(s, "Label", at)?, dist })
}
