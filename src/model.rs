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

/// One state: its name, the fields every state may have, and its kind.
#[derive(Debug)]
pub struct State {
    pub name: String,
    pub kind: Kind,
    pub input_path: PathField,
    pub output_path: PathField,
    pub result_path: ResultPath,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub next: Transition,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// `Assign`: workflow variables set when the state succeeds.
    pub assign: Option<Template>,
    /// True when a template or path of this state reads the context object (`$$`).
    pub uses_context: bool,
    /// The state's query language.
    pub lang: QueryLanguage,
    /// A JSONata state's fields.
    pub ja: Option<Box<JaFields>>,
}

/// `InputPath` / `OutputPath`: absent means `$`, `null` means an empty object.
#[derive(Debug, Clone)]
pub enum PathField {
    Whole,
    Null,
    Path(JsonPath),
}

/// `ResultPath`: absent means `$` (the result replaces the input), `null` discards the result.
#[derive(Debug, Clone)]
pub enum ResultPath {
    Replace,
    Discard,
    Path(JsonPath),
}

/// Where a state goes after it succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Next(usize),
    End,
    /// Choice, Succeed and Fail states decide themselves.
    None,
}

/// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, a Task's `Parameters`).
#[derive(Debug, Clone)]
pub enum Template {
    Literal(Value),
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
    /// `"key.$": "$.path"` (the path's `is_context` says which document it reads).
    Path(JsonPath),
    /// `"key.$": "States.Format(...)"`.
    Intrinsic(Box<Intrinsic>),
}

/// A `Retry` rule.
#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

/// A `Catch` rule.
#[derive(Debug, Clone)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub result_path: ResultPath,
    pub next: usize,
}

/// A number given literally or by a path (`MaxConcurrency` / `MaxConcurrencyPath`, ...).
#[derive(Debug, Clone)]
pub enum NumberField {
    Value(f64),
    Path(JsonPath),
}

/// The kind of a state with its own fields.
#[derive(Debug)]
pub enum Kind {
    Pass { result: Option<Value> },
    Task(Box<TaskSpec>),
    Choice { choices: Vec<(ChoiceRule, usize, Option<Template>)>, default: Option<usize> },
    Wait(WaitFor),
    Succeed,
    Fail { error: Option<Source>, cause: Option<Source> },
    Parallel { branches: Vec<Arc<Machine>> },
    Map(Box<MapSpec>),
}

/// A Fail state's `Error`/`ErrorPath` or `Cause`/`CausePath`.
#[derive(Debug, Clone)]
pub enum Source {
    Literal(String),
    Path(JsonPath),
    Intrinsic(Box<Intrinsic>),
}

/// How long a Wait state waits.
#[derive(Debug, Clone)]
pub enum WaitFor {
    Seconds(i64),
    SecondsPath(JsonPath),
    /// Epoch milliseconds.
    Timestamp(i64),
    TimestampPath(JsonPath),
}

/// A Task state's own fields.
#[derive(Debug)]
pub struct TaskSpec {
    pub resource: String,
    pub timeout: Option<NumberField>,
    pub heartbeat: Option<NumberField>,
    pub credentials: Option<Value>,
}

/// A Map state's own fields.
#[derive(Debug)]
pub struct MapSpec {
    pub processor: Arc<Machine>,
    pub items_path: Option<JsonPath>,
    pub items: Option<Value>,
    pub item_selector: Option<Template>,
    pub max_concurrency: Option<NumberField>,
    pub tolerated_failure_count: Option<NumberField>,
    pub tolerated_failure_percentage: Option<NumberField>,
    pub distributed: bool,
    pub label: Option<String>,
}

impl Kind {
    /// The `*StateEntered` event type of this kind.
    pub fn entered_event(&self) -> &'static str {
        match self {
            Kind::Pass { .. } => "PassStateEntered",
            Kind::Task(_) => "TaskStateEntered",
            Kind::Choice { .. } => "ChoiceStateEntered",
            Kind::Wait(_) => "WaitStateEntered",
            Kind::Succeed => "SucceedStateEntered",
            Kind::Fail { .. } => "FailStateEntered",
            Kind::Parallel { .. } => "ParallelStateEntered",
            Kind::Map(_) => "MapStateEntered",
        }
    }

    /// The `*StateExited` event type of this kind (a Fail state has none; it never exits).
    pub fn exited_event(&self) -> &'static str {
        match self {
            Kind::Pass { .. } => "PassStateExited",
            Kind::Task(_) => "TaskStateExited",
            Kind::Choice { .. } => "ChoiceStateExited",
            Kind::Wait(_) => "WaitStateExited",
            Kind::Succeed => "SucceedStateExited",
            Kind::Fail { .. } => "FailStateExited",
            Kind::Parallel { .. } => "ParallelStateExited",
            Kind::Map(_) => "MapStateExited",
        }
    }

    /// The prefix of this kind's history event types (`Pass` in `PassStateEntered`).
    pub fn event_prefix(&self) -> &'static str {
        match self {
            Kind::Pass { .. } => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice { .. } => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail { .. } => "Fail",
            Kind::Parallel { .. } => "Parallel",
            Kind::Map(_) => "Map",
        }
    }
}

type Result<T> = std::result::Result<T, String>;

fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key)
}

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
    match obj.get(key) {
        None => Ok(PathField::Whole),
        Some(Value::Null) => Ok(PathField::Null),
        Some(Value::String(s)) if s == "$" => Ok(PathField::Whole),
        Some(Value::String(s)) => Ok(PathField::Path(path_of(s, at)?)),
        Some(_) => Err(format!("{key} must be a string or null at {at}")),
    }
}

fn result_path(v: Option<&Value>, at: &str) -> Result<ResultPath> {
    match v {
        None => Ok(ResultPath::Replace),
        Some(Value::Null) => Ok(ResultPath::Discard),
        Some(Value::String(s)) if s == "$" => Ok(ResultPath::Replace),
        Some(Value::String(s)) => Ok(ResultPath::Path(path_of(s, at)?)),
        Some(_) => Err(format!("ResultPath must be a string or null at {at}")),
    }
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

impl Template {
    /// Parses a payload template: keys ending in `.$` take a path or an intrinsic call.
    pub fn parse(v: &Value, at: &str) -> Result<Template> {
        match v {
            Value::Object(obj) => {
                let mut fields = Vec::with_capacity(obj.len());
                for (k, v) in obj {
                    if let Some(name) = k.strip_suffix(".$") {
                        let text = v
                            .as_str()
                            .ok_or_else(|| format!("The value for the field '{k}' must be a STRING at {at}"))?;
                        fields.push((name.to_string(), Template::dynamic(text, k, at)?));
                    } else {
                        fields.push((k.clone(), Template::parse(v, at)?));
                    }
                }
                if fields.iter().all(|(_, t)| matches!(t, Template::Literal(_))) {
                    return Ok(Template::Literal(v.clone()));
                }
                Ok(Template::Object(fields))
            }
            Value::Array(items) => {
                let items = items.iter().map(|i| Template::parse(i, at)).collect::<Result<Vec<_>>>()?;
                if items.iter().all(|t| matches!(t, Template::Literal(_))) {
                    return Ok(Template::Literal(v.clone()));
                }
                Ok(Template::Array(items))
            }
            other => Ok(Template::Literal(other.clone())),
        }
    }

    fn dynamic(text: &str, key: &str, at: &str) -> Result<Template> {
        if text.starts_with('$') {
            return Ok(Template::Path(parse_path(text).map_err(|_| invalid_dynamic(key, at))?));
        }
        let intrinsic = Intrinsic::parse(text).map_err(|_| invalid_dynamic(key, at))?;
        Ok(Template::Intrinsic(Box::new(intrinsic)))
    }

    /// True when evaluating this template may read the context object.
    pub fn uses_context(&self) -> bool {
        match self {
            Template::Literal(_) => false,
            Template::Object(f) => f.iter().any(|(_, t)| t.uses_context()),
            Template::Array(a) => a.iter().any(Template::uses_context),
            Template::Path(p) => p.is_context(),
            Template::Intrinsic(i) => i.uses_context(),
        }
    }
}

fn invalid_dynamic(key: &str, at: &str) -> String {
    format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call at {at}")
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
    let lang = match def.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        _ => QueryLanguage::JsonPath,
    };
    load_at(def, "", true, lang)
}

/// `JSONPath` (the default) or `JSONata`: set for the machine, overridable per state. States in
/// Parallel branches and Map processors inherit the machine's, not the enclosing state's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

/// A JSONata state's fields, each a template of literals and `{% %}` expressions.
#[derive(Debug, Default)]
pub struct JaFields {
    pub arguments: Option<JTemplate>,
    pub output: Option<JTemplate>,
    pub assign: Option<JTemplate>,
    pub items: Option<JTemplate>,
    pub item_selector: Option<JTemplate>,
    pub max_concurrency: Option<JTemplate>,
    pub tolerated_count: Option<JTemplate>,
    pub tolerated_percentage: Option<JTemplate>,
    pub seconds: Option<JTemplate>,
    pub timestamp: Option<JTemplate>,
    pub error: Option<JTemplate>,
    pub cause: Option<JTemplate>,
    pub timeout: Option<JTemplate>,
    pub heartbeat: Option<JTemplate>,
    /// Choice rules: `Condition`, target, `Assign`, `Output`.
    pub rules: Vec<JaRule>,
    /// `Output` and `Assign` of each catcher, in the order of `State::catch`.
    pub catch: Vec<(Option<JTemplate>, Option<JTemplate>)>,
}

/// A JSONata Choice rule.
#[derive(Debug)]
pub struct JaRule {
    pub condition: JTemplate,
    pub next: usize,
    pub assign: Option<JTemplate>,
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
        field(obj, "States").and_then(Value::as_object).ok_or_else(|| format!("States must be an object at {at}"))?;
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
    let lang = match s.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        Some("JSONPath") => QueryLanguage::JsonPath,
        _ => machine_lang,
    };
    let ty = string_field(s, "Type", at)?.ok_or_else(|| format!("Type is required at {at}"))?;
    let next = match (string_field(s, "Next", at)?, s.get("End")) {
        (Some(n), _) => Transition::Next(resolve(&n, &format!("{at}/Next"))?),
        (None, Some(Value::Bool(true))) => Transition::End,
        _ => Transition::None,
    };
    if lang == QueryLanguage::Jsonata {
        return load_jsonata_state(name, s, at, resolve, machine_lang, next);
    }
    let parameters = s.get("Parameters").map(|p| Template::parse(p, &format!("{at}/Parameters"))).transpose()?;
    let result_selector =
        s.get("ResultSelector").map(|p| Template::parse(p, &format!("{at}/ResultSelector"))).transpose()?;
    let retry = load_retry(s, at)?;
    let mut catch = Vec::new();
    if let Some(Value::Array(cs)) = s.get("Catch") {
        for (i, c) in cs.iter().enumerate() {
            let cat = format!("{at}/Catch/{i}");
            let c = c.as_object().ok_or_else(|| format!("a catcher must be an object at {cat}"))?;
            let next = string_field(c, "Next", &cat)?.ok_or_else(|| format!("Next is required at {cat}"))?;
            catch.push(Catcher {
                error_equals: error_equals(c, &cat)?,
                result_path: result_path(c.get("ResultPath"), &cat)?,
                next: resolve(&next, &format!("{cat}/Next"))?,
            });
        }
    }
    let kind = match ty.as_str() {
        "Pass" => Kind::Pass { result: s.get("Result").cloned() },
        "Succeed" => Kind::Succeed,
        "Fail" => Kind::Fail { error: source(s, "Error", at)?, cause: source(s, "Cause", at)? },
        "Wait" => Kind::Wait(load_wait(s, at)?),
        "Choice" => {
            let mut choices = Vec::new();
            if let Some(Value::Array(rules)) = s.get("Choices") {
                for (i, r) in rules.iter().enumerate() {
                    let rat = format!("{at}/Choices/{i}");
                    let rule = ChoiceRule::parse(r, &rat)?;
                    let next =
                        r.get("Next").and_then(Value::as_str).ok_or_else(|| format!("Next is required at {rat}"))?;
                    let assign = r.get("Assign").map(|a| Template::parse(a, &format!("{rat}/Assign"))).transpose()?;
                    choices.push((rule, resolve(next, &format!("{rat}/Next"))?, assign));
                }
            }
            let default = match string_field(s, "Default", at)? {
                Some(d) => Some(resolve(&d, &format!("{at}/Default"))?),
                None => None,
            };
            Kind::Choice { choices, default }
        }
        "Parallel" => Kind::Parallel { branches: load_branches(s, at, machine_lang)? },
        "Map" => Kind::Map(Box::new(load_map(s, at, machine_lang, QueryLanguage::JsonPath)?)),
        "Task" => Kind::Task(Box::new(TaskSpec {
            resource: string_field(s, "Resource", at)?.ok_or_else(|| format!("Resource is required at {at}"))?,
            timeout: number_field(s, "TimeoutSeconds", at)?,
            heartbeat: number_field(s, "HeartbeatSeconds", at)?,
            credentials: s.get("Credentials").cloned(),
        })),
        other => return Err(format!("unknown state type {other} at {at}")),
    };
    let input_path = path_field(s, "InputPath", at)?;
    let output_path = path_field(s, "OutputPath", at)?;
    let result_path = result_path(s.get("ResultPath"), at)?;
    let assign = s.get("Assign").map(|a| Template::parse(a, &format!("{at}/Assign"))).transpose()?;
    let uses_context = assign.as_ref().is_some_and(Template::uses_context)
        || [&input_path, &output_path].iter().any(|p| matches!(p, PathField::Path(p) if p.is_context()))
        || parameters.as_ref().is_some_and(Template::uses_context)
        || result_selector.as_ref().is_some_and(Template::uses_context)
        || kind_uses_context(&kind);
    Ok(State {
        name: name.to_string(),
        kind,
        input_path,
        output_path,
        result_path,
        parameters,
        result_selector,
        next,
        retry,
        catch,
        assign,
        uses_context,
        lang,
        ja: None,
    })
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

/// A state in JSONata mode: JSONPath fields do not apply; its own fields are templates.
fn load_jsonata_state(
    name: &str,
    s: &Map<String, Value>,
    at: &str,
    resolve: &dyn Fn(&str, &str) -> Result<usize>,
    machine_lang: QueryLanguage,
    next: Transition,
) -> Result<State> {
    let ty = string_field(s, "Type", at)?.unwrap_or_default();
    let mut f = JaFields {
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
        ..JaFields::default()
    };
    let mut catch = Vec::new();
    if let Some(Value::Array(cs)) = s.get("Catch") {
        for (i, c) in cs.iter().enumerate() {
            let cat = format!("{at}/Catch/{i}");
            let c = c.as_object().ok_or_else(|| format!("a catcher must be an object at {cat}"))?;
            let n = string_field(c, "Next", &cat)?.ok_or_else(|| format!("Next is required at {cat}"))?;
            catch.push(Catcher {
                error_equals: error_equals(c, &cat)?,
                result_path: ResultPath::Replace,
                next: resolve(&n, &format!("{cat}/Next"))?,
            });
            f.catch.push((ja(c, "Output", &cat)?, ja(c, "Assign", &cat)?));
        }
    }
    let kind = match ty.as_str() {
        "Pass" => Kind::Pass { result: None },
        "Succeed" => Kind::Succeed,
        "Fail" => Kind::Fail { error: None, cause: None },
        "Wait" => Kind::Wait(WaitFor::Seconds(0)),
        "Choice" => {
            if let Some(Value::Array(rules)) = s.get("Choices") {
                for (i, r) in rules.iter().enumerate() {
                    let rat = format!("{at}/Choices/{i}");
                    let r = r.as_object().ok_or_else(|| format!("a Choice rule must be an object at {rat}"))?;
                    let n = string_field(r, "Next", &rat)?.ok_or_else(|| format!("Next is required at {rat}"))?;
                    f.rules.push(JaRule {
                        condition: ja(r, "Condition", &rat)?
                            .ok_or_else(|| format!("Condition is required at {rat}"))?,
                        next: resolve(&n, &format!("{rat}/Next"))?,
                        assign: ja(r, "Assign", &rat)?,
                        output: ja(r, "Output", &rat)?,
                    });
                }
            }
            let default = match string_field(s, "Default", at)? {
                Some(d) => Some(resolve(&d, &format!("{at}/Default"))?),
                None => None,
            };
            Kind::Choice { choices: Vec::new(), default }
        }
        "Parallel" => Kind::Parallel { branches: load_branches(s, at, machine_lang)? },
        "Map" => Kind::Map(Box::new(load_map(s, at, machine_lang, QueryLanguage::Jsonata)?)),
        "Task" => Kind::Task(Box::new(TaskSpec {
            resource: string_field(s, "Resource", at)?.ok_or_else(|| format!("Resource is required at {at}"))?,
            timeout: None,
            heartbeat: None,
            credentials: s.get("Credentials").cloned(),
        })),
        other => return Err(format!("unknown state type {other} at {at}")),
    };
    Ok(State {
        name: name.to_string(),
        kind,
        input_path: PathField::Whole,
        output_path: PathField::Whole,
        result_path: ResultPath::Replace,
        parameters: None,
        result_selector: None,
        next,
        retry: load_retry(s, at)?,
        catch,
        assign: None,
        uses_context: true,
        lang: QueryLanguage::Jsonata,
        ja: Some(Box::new(f)),
    })
}

fn kind_uses_context(kind: &Kind) -> bool {
    let src = |s: &Option<Source>| match s {
        Some(Source::Path(p)) => p.is_context(),
        Some(Source::Intrinsic(i)) => i.uses_context(),
        _ => false,
    };
    match kind {
        Kind::Fail { error, cause } => src(error) || src(cause),
        Kind::Map(m) => {
            m.item_selector.as_ref().is_some_and(Template::uses_context)
                || m.items_path.as_ref().is_some_and(JsonPath::is_context)
        }
        Kind::Choice { choices, .. } => {
            choices.iter().any(|(r, _, a)| r.uses_context() || a.as_ref().is_some_and(Template::uses_context))
        }
        Kind::Wait(WaitFor::SecondsPath(p)) | Kind::Wait(WaitFor::TimestampPath(p)) => p.is_context(),
        _ => false,
    }
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

fn load_map(s: &Map<String, Value>, at: &str, lang: QueryLanguage, state_lang: QueryLanguage) -> Result<MapSpec> {
    let proc_key = if s.contains_key("ItemProcessor") { "ItemProcessor" } else { "Iterator" };
    let proc = s.get(proc_key).ok_or_else(|| format!("ItemProcessor is required at {at}"))?;
    let processor = Arc::new(load_at(proc, &format!("{at}/{proc_key}"), false, lang)?);
    let distributed =
        proc.get("ProcessorConfig").and_then(|c| c.get("Mode")).and_then(Value::as_str) == Some("DISTRIBUTED");
    // The legacy `Parameters` of a Map selects each item's input, with `Iterator` or `ItemProcessor`.
    let selector = s.get("ItemSelector").or_else(|| s.get("Parameters"));
    if state_lang == QueryLanguage::Jsonata {
        // The JSONata fields live in `JaFields`; only the processor and mode come from here.
        return Ok(MapSpec {
            processor,
            items_path: None,
            items: None,
            item_selector: None,
            max_concurrency: None,
            tolerated_failure_count: None,
            tolerated_failure_percentage: None,
            distributed,
            label: string_field(s, "Label", at)?,
        });
    }
    Ok(MapSpec {
        processor,
        items_path: match string_field(s, "ItemsPath", at)? {
            Some(p) => Some(path_of(&p, at)?),
            None => None,
        },
        items: s.get("Items").cloned(),
        item_selector: selector.map(|v| Template::parse(v, &format!("{at}/ItemSelector"))).transpose()?,
        max_concurrency: number_field(s, "MaxConcurrency", at)?,
        tolerated_failure_count: number_field(s, "ToleratedFailureCount", at)?,
        tolerated_failure_percentage: number_field(s, "ToleratedFailurePercentage", at)?,
        distributed,
        label: string_field(s, "Label", at)?,
    })
}
