//! JSONata expressions as AWS Step Functions evaluates them (`QueryLanguage: "JSONata"`).
//!
//! Evaluation runs on `jsonata-core`; this module adds what AWS changes around it:
//!
//! * the `$states` variable and workflow variables as `$name`, with no context item;
//! * AWS's own functions `$partition`, `$range`, `$hash`, `$random`, `$uuid` and `$parse`,
//!   `$eval` disabled (a call is T1006), and `$now`, `$millis`, `$random`, `$shuffle` and `$uuid`
//!   reading the execution's virtual clock and seeded random source, never the host's;
//! * AWS's bounds: evaluation nesting deeper than 100 and sequences over 873,782 items fail;
//! * AWS's number model (`3`, not `3.0`; `"Infinity"` for a non-finite number) and key order;
//! * AWS's wording: `jsonata-core`'s error texts are rewritten to the jsonata-js templates AWS
//!   quotes, and [`Template::eval`] builds the complete `States.QueryEvaluationError` cause.
//!
//! ```
//! use asl_sim::jsonata::{Env, Template};
//! use serde_json::json;
//!
//! let template = Template::parse(&json!({"total": "{% $sum($states.input.n) + $bonus %}"})).unwrap();
//! let states = json!({"input": {"n": [1, 2]}, "context": {}});
//! let variables = |name: &str| (name == "bonus").then(|| json!(10));
//! let mut rng = fastrand::Rng::with_seed(7);
//! let mut env = Env { states: &states, variables: &variables, now_iso: "2024-01-01T00:00:00Z", rng: &mut rng, limits: Default::default() };
//! assert_eq!(template.eval(&mut env, "Output").unwrap(), json!({"total": 13}));
//!
//! let missing = Template::parse(&json!({"v": "{% $states.input.nope %}"})).unwrap();
//! let failure = missing.eval(&mut env, "Output").unwrap_err();
//! assert_eq!(failure.error, "States.QueryEvaluationError");
//! assert_eq!(
//!     failure.cause,
//!     "The JSONata expression '$states.input.nope' specified for the field 'Output/v' returned nothing (undefined)."
//! );
//! ```

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use jsonata_core::ast::{AstNode, BinaryOp};
use jsonata_core::evaluator::{CancelToken, Context, Evaluator, EvaluatorOptions};
use jsonata_core::parser;
use jsonata_core::value::JValue;
use serde_json::{Map, Value};

use crate::error::{ErrorName, Failure};
use crate::meter::{self, Trip};

mod budget;
#[cfg(test)]
mod budget_tests;
mod functions;
mod guard;
mod messages;
mod results;
mod syntax;
#[cfg(test)]
mod tests;

pub use budget::{Limits, DEFAULT_FUEL, DEFAULT_MEMORY};
pub use messages::{threw_cause, type_name, undefined_cause, unexpected_type_cause};

use functions::{mark_surplus_calls, register_aws_functions};
use messages::{error_message, parse_message, STACK_OVERFLOW};
use results::to_json;
use syntax::{
    collect_names, find_node, has_unterminated_quote, java_trim, nesting_estimate, top_level_references, visit,
};

/// `jsonata-core`'s depth count that puts its limit where AWS's is: AWS evaluates a chain of 100
/// `+1` terms, 99 nested parentheses or brackets and a 31-deep non-tail recursion, and fails one
/// more of each. It also keeps wasm far from its native stack limit.
const MAX_EVAL_DEPTH: usize = 99;
/// The longest sequence AWS builds: `[1..873782]` evaluates, one item more fails.
const MAX_SEQUENCE: usize = 873_782;
/// Expressions that [`nesting_estimate`] puts past this are not parsed: jsonata-core's parser
/// exhausts a debug build's wasm stack near 1,000 of these units (500 nested parentheses), and
/// AWS fails any evaluation nested past 100 anyway (100 units of a chain, 200 of parentheses).
const MAX_NESTING: usize = 600;

/// A parsed JSONata expression (the text between `{%` and `%}`), parsed once at definition load.
#[derive(Debug, Clone)]
pub struct Jsonata {
    text: String,
    /// `None` for an expression nested too deeply to parse safely, which fails when evaluated,
    /// as it does on AWS.
    ast: Option<Arc<AstNode>>,
    /// Workflow variables it may read, bound from [`Env::variables`] before each evaluation.
    variables: Vec<String>,
    /// The functions it calls, innermost first, to name one in a signature error.
    calls: Vec<String>,
}

/// What an evaluation can see.
pub struct Env<'a> {
    /// The `$states` object: `{input, context, result?, errorOutput?}`.
    pub states: &'a Value,
    /// Workflow variables, read as `$name`.
    pub variables: &'a dyn Fn(&str) -> Option<Value>,
    /// The execution's virtual clock for `$now()` and `$millis()` (ISO 8601).
    pub now_iso: &'a str,
    /// The seeded random source of `$random()`, `$uuid()` and `$shuffle()`.
    pub rng: &'a mut fastrand::Rng,
    /// The budgets of each evaluation.
    pub limits: Limits,
}

/// Why an evaluation gave no value.
enum Stop {
    /// A JSONata error, worded as AWS quotes it.
    Message(String),
    /// A budget of the simulator ran out.
    Budget(Trip),
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::Message(message)
    }
}

/// How an evaluation ended, before it is worded for a field.
enum Outcome {
    Value(Value),
    Undefined,
    /// A function (or regex) value, which JSON cannot carry.
    Unsupported,
}

impl Jsonata {
    /// Parses an expression. `Err` is AWS's `INVALID_JSONATA_EXPRESSION` message (the parser's
    /// message without its `S0xxx: ` code), e.g. `Expected "]", got ","`.
    pub fn parse(text: &str) -> Result<Jsonata, String> {
        let text = java_trim(text);
        if nesting_estimate(text) > MAX_NESTING {
            let (variables, calls) = (Vec::new(), Vec::new());
            return Ok(Jsonata { text: text.to_string(), ast: None, variables, calls });
        }
        let mut ast =
            guard(|| parser::parse(text)).ok_or_else(|| "internal error".to_string())?.map_err(
                |e| match parse_message(&e.to_string()) {
                    // jsonata-core words an unterminated regex like an unterminated string.
                    m if m.starts_with("String literal") && !has_unterminated_quote(text) => {
                        "No terminating / in regular expression".to_string()
                    }
                    m => m,
                },
            )?;
        // jsonata-core reads JSONata 2.1's `??` and `?:`; AWS's 2.0.6 parser refuses both.
        if let Some(symbol) = find_node(&ast, &|n| match n {
            AstNode::Binary { op: BinaryOp::Coalesce, .. } => Some("?"),
            AstNode::Binary { op: BinaryOp::Default, .. } => Some(":"),
            _ => None,
        }) {
            return Err(format!("The symbol \"{symbol}\" cannot be used as a unary operator"));
        }
        mark_surplus_calls(&mut ast);
        let mut variables = Vec::new();
        let mut locals = Vec::new();
        let mut calls = Vec::new();
        collect_names(&ast, &mut variables, &mut locals, &mut calls);
        variables.retain(|v| !locals.contains(v));
        guard::add_guards(&mut ast);
        Ok(Jsonata { text: text.to_string(), ast: Some(Arc::new(ast)), variables, calls })
    }

    /// The expression as AWS quotes it in causes (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The workflow variables it reads: `$names` it does not bind itself, other than `$states`
    /// and function names such as `$sum` passed as values.
    pub fn variables(&self) -> Vec<String> {
        self.variables.iter().filter(|v| !FUNCTIONS.contains(&v.as_str())).cloned().collect()
    }

    /// AWS's `UNSUPPORTED_JSONATA_EXPRESSION` messages for reads of the missing context item:
    /// `Reference to 'phone' at the top level is not supported.`, and `$$`.
    pub fn unsupported_references(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(ast) = &self.ast {
            top_level_references(ast, &mut out);
        }
        out
    }

    /// The fields read directly from `$states` (`input`, `result`, `errorOutput`, ...), so a
    /// validator can refuse `$states.errorOutput` outside a `Catch`.
    pub fn states_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Some(ast) = &self.ast else { return out };
        visit(ast, &mut |node| {
            if let AstNode::Path { steps } = node {
                if let (Some(first), Some(second)) = (steps.first(), steps.get(1)) {
                    if let (AstNode::Variable(v), AstNode::Name(field)) = (&first.node, &second.node) {
                        if v == "states" && !out.contains(field) {
                            out.push(field.clone());
                        }
                    }
                }
            }
        });
        out
    }

    /// Evaluates. `Ok(None)` when the result is undefined; `Err` is the JSONata error text as
    /// AWS quotes it after "threw an error during evaluation" (see [`threw_cause`]).
    pub fn eval(&self, env: &mut Env<'_>) -> Result<Option<Value>, String> {
        match self.run(env) {
            Ok(Outcome::Value(v)) => Ok(Some(v)),
            Ok(Outcome::Undefined) => Ok(None),
            Ok(Outcome::Unsupported) => Err("returned an unsupported result type".to_string()),
            Err(Stop::Message(message)) => Err(message),
            Err(Stop::Budget(trip)) => Err(budget::exceeded(trip, &env.limits)),
        }
    }

    /// Evaluates the expression of an ASL field (`Items`, `Seconds`, `Condition`, `Output/a`,
    /// ...), failing as AWS does when it throws or returns nothing.
    pub fn eval_field(&self, env: &mut Env<'_>, field: &str) -> Result<Value, Failure> {
        let fail = |cause: String| Failure::new(ErrorName::QueryEvaluationError, cause);
        match self.run(env) {
            Ok(Outcome::Value(v)) => Ok(v),
            Ok(Outcome::Undefined) => Err(fail(undefined_cause(&self.text, field))),
            Ok(Outcome::Unsupported) => Err(fail(format!(
                "The JSONata expression '{}' specified for the field '{field}' returned an unsupported result type.",
                self.text
            ))),
            Err(Stop::Message(message)) => Err(fail(threw_cause(&self.text, field, &message))),
            // The simulator's budget, not an error AWS would raise: the execution fails (no Catch
            // could loop on it).
            Err(Stop::Budget(trip)) => Err(Failure::new(
                ErrorName::Runtime,
                format!(
                    "The JSONata expression '{}' specified for the field '{field}' {}",
                    self.text,
                    budget::exceeded(trip, &env.limits)
                ),
            )),
        }
    }

    fn run(&self, env: &mut Env<'_>) -> Result<Outcome, Stop> {
        let Some(ast) = &self.ast else {
            return Err(Stop::Message(STACK_OVERFLOW.to_string()));
        };
        let limits = env.limits;
        let cancel = CancelToken::new();
        let (result, trip) =
            meter::run(limits.memory, limits.fuel, Some(cancel.clone()), || self.evaluate(ast, env, cancel));
        match (result, trip) {
            (_, Some(trip)) => Err(Stop::Budget(trip)),
            (Err(Stop::Message(m)), None) if guard::is_over_budget(&m) => Err(Stop::Budget(Trip::Memory)),
            (result, None) => result,
        }
    }

    fn evaluate(&self, ast: &AstNode, env: &mut Env<'_>, cancel: CancelToken) -> Result<Outcome, Stop> {
        let mut context = Context::new();
        context.bind("states".to_string(), JValue::from(env.states.clone()));
        for name in &self.variables {
            if let Some(value) = (env.variables)(name) {
                context.bind(name.clone(), JValue::from(value));
            }
        }
        // AWS leaves `$eval` undefined, so calling it is T1006 and `$exists($eval)` is false.
        context.bind("eval".to_string(), JValue::Undefined);
        // A clock is read only natively (it does not exist in wasm): the budgets of
        // `crate::meter` count work the same way in both, and this timeout is a native backstop.
        let timeout_ms = if cfg!(target_arch = "wasm32") { None } else { Some(10_000) };
        let options = EvaluatorOptions {
            max_stack_depth: Some(MAX_EVAL_DEPTH),
            max_sequence_length: Some(MAX_SEQUENCE),
            cancel: Some(cancel),
            timeout_ms,
        };
        let mut evaluator = Evaluator::with_options(context, options);
        let rng = Rc::new(RefCell::new(env.rng.clone()));
        register_aws_functions(&mut evaluator, &rng, env.now_iso);
        guard::register_guards(&mut evaluator, env.limits);
        let result = guard(|| evaluator.evaluate(ast, &JValue::Undefined));
        *env.rng = rng.borrow().clone();
        match result {
            None => Err(Stop::Message("internal error".to_string())),
            Some(Err(e)) => Err(Stop::Message(error_message(&e, &self.calls))),
            Some(Ok(value)) => match &value {
                JValue::Undefined => Ok(Outcome::Undefined),
                JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => Ok(Outcome::Unsupported),
                _ => {
                    let mut room = env.limits.memory;
                    match to_json(&value, 0, &mut room) {
                        Ok(v) => Ok(Outcome::Value(v.unwrap_or(Value::Null))),
                        Err(_) if room == 0 => Err(Stop::Budget(Trip::Memory)),
                        Err(m) => Err(Stop::Message(m)),
                    }
                }
            },
        }
    }
}

/// JSONata 2.0.6's functions and AWS's, which a `$name` can name as a value (`$map(l, $string)`).
#[rustfmt::skip]
const FUNCTIONS: &[&str] = &[
    "abs", "append", "assert", "average", "base64decode", "base64encode", "boolean", "ceil",
    "clone", "contains", "count", "decodeUrl", "decodeUrlComponent", "distinct", "each",
    "encodeUrl", "encodeUrlComponent", "error", "eval", "exists", "filter", "floor", "formatBase",
    "formatInteger", "formatNumber", "fromMillis", "hash", "join", "keys", "length", "lookup",
    "lowercase", "map", "match", "max", "merge", "millis", "min", "not", "now", "number", "pad",
    "parse", "parseInteger", "partition", "power", "random", "range", "reduce", "replace",
    "reverse", "round", "shuffle", "sift", "single", "sort", "split", "spread", "sqrt", "string",
    "substring", "substringAfter", "substringBefore", "sum", "toMillis", "trim", "type",
    "uppercase", "uuid", "zip",
];

/// `{% expr %}` -> `Some(expr)`. AWS's rule: the string starts with `{%` and ends with `%}`, with
/// nothing outside them (`" {% x %}"` is a literal); the inside is trimmed.
pub fn template_expr(s: &str) -> Option<&str> {
    if s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}") {
        Some(java_trim(&s[2..s.len() - 2]))
    } else {
        None
    }
}

/// A parsed JSON template (`Arguments`, `Output`, `Assign`, `ItemSelector`, ...): strings that
/// are `{% %}` become expressions, everything else is literal.
#[derive(Debug, Clone)]
pub enum Template {
    /// A value with no expression in it.
    Literal(Value),
    /// A `{% %}` string.
    Expr(Jsonata),
    /// An object with an expression somewhere inside, in key order.
    Object(Vec<(String, Template)>),
    /// An array with an expression somewhere inside.
    Array(Vec<Template>),
}

/// Where a template failed to parse: a JSON pointer below the template's field, and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// For example `/a/0` (empty for the template itself).
    pub pointer: String,
    /// AWS's `INVALID_JSONATA_EXPRESSION` message.
    pub message: String,
}

impl Template {
    /// Parses a template; `Err` is the first expression's parse message.
    pub fn parse(v: &Value) -> Result<Template, String> {
        Template::parse_at(v).map_err(|e| e.message)
    }

    /// Parses a template; `Err` also says where the bad expression is.
    pub fn parse_at(v: &Value) -> Result<Template, TemplateError> {
        let at =
            |pointer: String| move |e: TemplateError| TemplateError { pointer: format!("{pointer}{}", e.pointer), ..e };
        let template = match v {
            Value::String(s) => match template_expr(s) {
                Some(expr) => Template::Expr(
                    Jsonata::parse(expr).map_err(|message| TemplateError { pointer: String::new(), message })?,
                ),
                None => Template::Literal(v.clone()),
            },
            Value::Object(map) => {
                let mut fields = Vec::with_capacity(map.len());
                for (key, value) in map {
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    fields.push((key.clone(), Template::parse_at(value).map_err(at(format!("/{escaped}")))?));
                }
                if fields.iter().all(|(_, t)| matches!(t, Template::Literal(_))) {
                    Template::Literal(v.clone())
                } else {
                    Template::Object(fields)
                }
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(Template::parse_at(item).map_err(at(format!("/{i}")))?);
                }
                if out.iter().all(|t| matches!(t, Template::Literal(_))) {
                    Template::Literal(v.clone())
                } else {
                    Template::Array(out)
                }
            }
            _ => Template::Literal(v.clone()),
        };
        Ok(template)
    }

    /// Evaluates. Every expression must give a value: one that returns nothing fails the state,
    /// naming its place as AWS does (`Output/a/b`, `Arguments/list[0]`).
    pub fn eval(&self, env: &mut Env<'_>, field: &str) -> Result<Value, Failure> {
        match self {
            Template::Literal(v) => Ok(v.clone()),
            Template::Expr(expr) => expr.eval_field(env, field),
            Template::Object(fields) => {
                let mut map = Map::with_capacity(fields.len());
                for (key, template) in fields {
                    map.insert(key.clone(), template.eval(env, &format!("{field}/{key}"))?);
                }
                Ok(Value::Object(map))
            }
            Template::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, t)| t.eval(env, &format!("{field}[{i}]")))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
        }
    }

    /// The workflow variables its expressions read.
    pub fn variables(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_expr(&mut |e| {
            for v in &e.variables {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
        });
        out
    }

    /// Calls `f` on every expression, in document order.
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Jsonata)) {
        match self {
            Template::Literal(_) => {}
            Template::Expr(e) => f(e),
            Template::Object(fields) => fields.iter().for_each(|(_, t)| t.for_each_expr(f)),
            Template::Array(items) => items.iter().for_each(|t| t.for_each_expr(f)),
        }
    }
}

/// Runs `f`, turning a panic into `None` where unwinding exists (wasm aborts instead).
fn guard<T>(f: impl FnOnce() -> T) -> Option<T> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        Some(f())
    }
}
