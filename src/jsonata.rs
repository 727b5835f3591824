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
//! let mut env = Env { states: &states, variables: &variables, now_iso: "2024-01-01T00:00:00Z", rng: &mut rng };
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

use jsonata_core::ast::{AstNode, BinaryOp, Stage};
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, EvaluatorOptions};
use jsonata_core::parser;
use jsonata_core::value::JValue;
use serde_json::{Map, Value};

use crate::error::{ErrorName, Failure};

/// `jsonata-core`'s depth count that puts its limit where AWS's is: AWS evaluates a chain of 100
/// `+1` terms, 99 nested parentheses or brackets and a 31-deep non-tail recursion, and fails one
/// more of each. It also keeps wasm far from its native stack limit.
const MAX_EVAL_DEPTH: usize = 99;
/// The longest sequence AWS builds: `[1..873782]` evaluates, one item more fails.
const MAX_SEQUENCE: usize = 873_782;
/// The longest `$range` AWS builds: `$range(1, 360145, 1)` evaluates, one item more fails.
const MAX_RANGE_ITEMS: i128 = 360_145;
/// Past this nesting a result is not converted (AWS's own limits stop far earlier).
const MAX_VALUE_DEPTH: usize = 500;
/// Expressions that [`nesting_estimate`] puts past this are not parsed: jsonata-core's parser
/// exhausts a debug build's wasm stack near 1,000 of these units (500 nested parentheses), and
/// AWS fails any evaluation nested past 100 anyway (100 units of a chain, 200 of parentheses).
const MAX_NESTING: usize = 600;
/// Integral doubles below this magnitude print as integers, as AWS prints them.
const LARGEST_EXACT_LONG: f64 = 9.223_372_036_854_776e18;

const MEMORY_LIMIT: &str = "Expression evaluation memory limit exceeded: Check for excessive memory usage";
const STACK_OVERFLOW: &str = "Stack overflow error: Check for non-terminating recursive function. \
                              Consider rewriting as tail-recursive";
const TIMEOUT: &str = "Expression evaluation timeout: Check for infinite loop";

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
        match self.run(env)? {
            Outcome::Value(v) => Ok(Some(v)),
            Outcome::Undefined => Ok(None),
            Outcome::Unsupported => Err("returned an unsupported result type".to_string()),
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
            Err(message) => Err(fail(threw_cause(&self.text, field, &message))),
        }
    }

    fn run(&self, env: &mut Env<'_>) -> Result<Outcome, String> {
        let Some(ast) = &self.ast else {
            return Err(STACK_OVERFLOW.to_string());
        };
        let mut context = Context::new();
        context.bind("states".to_string(), JValue::from(env.states.clone()));
        for name in &self.variables {
            if let Some(value) = (env.variables)(name) {
                context.bind(name.clone(), JValue::from(value));
            }
        }
        // AWS leaves `$eval` undefined, so calling it is T1006 and `$exists($eval)` is false.
        context.bind("eval".to_string(), JValue::Undefined);
        let options = EvaluatorOptions {
            max_stack_depth: Some(MAX_EVAL_DEPTH),
            max_sequence_length: Some(MAX_SEQUENCE),
            // A clock is read only natively; in wasm the driver (a Web Worker) ends runaway loops.
            #[cfg(not(target_arch = "wasm32"))]
            timeout_ms: Some(10_000),
            ..EvaluatorOptions::default()
        };
        let mut evaluator = Evaluator::with_options(context, options);
        let rng = Rc::new(RefCell::new(env.rng.clone()));
        register_aws_functions(&mut evaluator, &rng, env.now_iso);
        let result = guard(|| evaluator.evaluate(ast, &JValue::Undefined));
        *env.rng = rng.borrow().clone();
        match result {
            None => Err("internal error".to_string()),
            Some(Err(e)) => Err(error_message(&e, &self.calls)),
            Some(Ok(value)) => match &value {
                JValue::Undefined => Ok(Outcome::Undefined),
                JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => Ok(Outcome::Unsupported),
                _ => to_json(&value, 0).map(|v| Outcome::Value(v.unwrap_or(Value::Null))),
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

/// AWS's name of a JSON type, as in "Expected 'array', but was 'boolean'".
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The cause when an expression returns nothing.
pub fn undefined_cause(expr: &str, field: &str) -> String {
    format!("The JSONata expression '{expr}' specified for the field '{field}' returned nothing (undefined).")
}

/// The cause when an expression throws: a coded message (`T1006: ...`) follows a full stop, an
/// uncoded one (AWS's memory and depth limits) a colon.
pub fn threw_cause(expr: &str, field: &str, message: &str) -> String {
    if message == "internal error" {
        return format!(
            "The JSONata expression '{expr}' specified for the field '{field}' threw an internal error during evaluation."
        );
    }
    let separator = if has_code(message) { ". " } else { ": " };
    format!("The JSONata expression '{expr}' specified for the field '{field}' threw an error during evaluation{separator}{message}")
}

/// The cause when an expression's value has the wrong type for its field (`Items` wants
/// `array`, `Condition` `boolean`, ...): "... Expected 'array', but was 'boolean' for value: true".
pub fn unexpected_type_cause(expr: &str, field: &str, expected: &str, value: &Value) -> String {
    format!(
        "The JSONata expression '{expr}' specified for the field '{field}' returned an unexpected result type. \
         Expected '{expected}', but was '{}' for value: {value}",
        type_name(value)
    )
}

// ---- results --------------------------------------------------------------------------------

/// A JSONata value as JSON, numbers as AWS writes them. `None` is undefined.
fn to_json(v: &JValue, depth: usize) -> Result<Option<Value>, String> {
    if depth > MAX_VALUE_DEPTH {
        return Err(MEMORY_LIMIT.to_string());
    }
    Ok(Some(match v {
        JValue::Undefined | JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => return Ok(None),
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(n) => number(*n),
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                match item {
                    // JSON.stringify writes a function in an array as null.
                    JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => out.push(Value::Null),
                    _ => out.extend(to_json(item, depth + 1)?),
                }
            }
            Value::Array(out)
        }
        JValue::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, item) in map.iter() {
                if let Some(value) = to_json(item, depth + 1)? {
                    out.insert(key.clone(), value);
                }
            }
            Value::Object(out)
        }
        #[allow(unreachable_patterns)]
        _ => Value::Null,
    }))
}

/// An integral double prints as an integer (`3`, and `0` for `-0`); JSON has no non-finite
/// number, so AWS writes JavaScript's name for one.
fn number(n: f64) -> Value {
    if n.is_nan() {
        Value::String("NaN".into())
    } else if n.is_infinite() {
        Value::String(if n > 0.0 { "Infinity" } else { "-Infinity" }.into())
    } else if n.fract() == 0.0 && n.abs() < LARGEST_EXACT_LONG {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(Value::Number).unwrap_or(Value::Null)
    }
}

// ---- AWS's functions --------------------------------------------------------------------------

type HostResult = Result<JValue, EvaluatorError>;

fn register_aws_functions(ev: &mut Evaluator, rng: &Rc<RefCell<fastrand::Rng>>, now_iso: &str) {
    let now: Rc<str> = Rc::from(now_iso);
    let (r1, r2, r3) = (rng.clone(), rng.clone(), rng.clone());
    let n1 = now.clone();
    // Names that jsonata-core does not have.
    for (name, f) in [
        ("partition", Box::new(partition) as Box<dyn Fn(&[JValue]) -> HostResult>),
        ("range", Box::new(range)),
        ("hash", Box::new(hash)),
        ("parse", Box::new(parse_json)),
        ("uuid", Box::new(move |_: &[JValue]| uuid(&r1))),
        (SURPLUS, Box::new(surplus_call)),
    ] {
        let _ = ev.register_fn(name, move |a: &[JValue]| f(a));
    }
    // Built-ins AWS changes: the host's clock and randomness are never read.
    let _ = ev.register_fn_override("random", move |a: &[JValue]| random(a, &r2));
    let _ = ev.register_fn_override("shuffle", move |a: &[JValue]| shuffle(a, &r3));
    let _ = ev.register_fn_override("now", move |a: &[JValue]| now_fn(a, &n1));
    let _ = ev.register_fn_override("millis", move |_: &[JValue]| iso_millis(&now).map(JValue::Number));
}

fn fail(message: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(message.into())
}

fn signature(function: &str, index: usize) -> EvaluatorError {
    fail(format!("T0410: Argument {index} of function \"{function}\" does not match function signature"))
}

/// An argument, or `None` when it is missing or undefined.
fn arg(args: &[JValue], i: usize) -> Option<&JValue> {
    args.get(i).filter(|v| !v.is_undefined())
}

/// The arity of AWS's functions. A direct call with more arguments is refused (T0410 on the first
/// surplus one); the parser turns such a call into a call of [`SURPLUS`], since at run time a
/// host function cannot tell a direct call from a higher-order function's callback, which is
/// handed extra arguments (`$map(list, $parse)`).
fn aws_arity(name: &str) -> Option<usize> {
    match name {
        "parse" | "random" => Some(1),
        "partition" | "hash" => Some(2),
        "range" => Some(3),
        "uuid" | "millis" => Some(0),
        _ => None,
    }
}

/// The function a direct call with surplus arguments becomes: `(name, argument number, args...)`.
/// Its name has a space, so no expression can spell it.
const SURPLUS: &str = "aws surplus";

fn surplus_call(args: &[JValue]) -> HostResult {
    let name = args.first().and_then(JValue::as_str).unwrap_or("");
    let index = args.get(1).and_then(JValue::as_f64).unwrap_or(1.0) as usize;
    Err(signature(name, index))
}

/// Rewrites direct calls of AWS's functions that pass too many arguments (see [`aws_arity`]).
fn mark_surplus_calls(node: &mut AstNode) {
    if let AstNode::Function { name, args, is_builtin } = node {
        let bare = name.trim_start_matches('$').to_string();
        if let Some(max) = aws_arity(&bare) {
            if args.len() > max {
                let mut new_args = vec![AstNode::String(bare), AstNode::Number((max + 1) as f64)];
                new_args.append(args);
                *name = SURPLUS.to_string();
                *is_builtin = false;
                *args = new_args;
            }
        }
    }
    for child in children_mut(node) {
        mark_surplus_calls(child);
    }
}

/// A number argument rounded toward zero, as AWS does (`-1.7` is `-1`).
fn integer(args: &[JValue], i: usize, function: &str) -> Result<Option<i64>, EvaluatorError> {
    match arg(args, i) {
        None => Ok(None),
        Some(JValue::Number(n)) if n.is_finite() => Ok(Some(n.trunc().clamp(i64::MIN as f64, i64::MAX as f64) as i64)),
        Some(_) => Err(signature(function, i + 1)),
    }
}

/// `$partition(array, size)`: chunks of `size`, the last one shorter.
fn partition(args: &[JValue]) -> HostResult {
    let items: Vec<JValue> = match arg(args, 0) {
        None => return Ok(JValue::Undefined),
        Some(JValue::Array(items)) => items.iter().cloned().collect(),
        Some(_) => return Err(fail("T0412: Argument 1 of function \"partition\" must be an array of undefined")),
    };
    if items.is_empty() {
        return Ok(JValue::Undefined);
    }
    let size = match integer(args, 1, "partition")? {
        None => return Ok(JValue::array(vec![JValue::array(items)])),
        Some(size) if size < 0 => return Err(fail("D3137: Second argument must be zero or greater")),
        Some(0) => return Ok(JValue::Undefined),
        Some(size) => usize::try_from(size).unwrap_or(usize::MAX),
    };
    Ok(JValue::array(items.chunks(size).map(|c| JValue::array(c.to_vec())).collect()))
}

/// `$range(start, end, step)`: `start`, `start + step`, ... up to `end`; one item is that item.
fn range(args: &[JValue]) -> HostResult {
    let start = integer(args, 0, "range")?.ok_or_else(|| signature("range", 1))?;
    let end = integer(args, 1, "range")?.ok_or_else(|| signature("range", 2))?;
    let Some(step) = integer(args, 2, "range")? else {
        return Ok(JValue::Undefined);
    };
    if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
        return Ok(JValue::Undefined);
    }
    let count = (end as i128 - start as i128) / step as i128 + 1;
    if count > MAX_RANGE_ITEMS {
        return Err(fail(MEMORY_LIMIT));
    }
    if count == 1 {
        return Ok(JValue::Number(start as f64));
    }
    Ok(JValue::array((0..count).map(|i| JValue::Number((start as i128 + i * step as i128) as f64)).collect()))
}

/// `$hash(text, algorithm)`: the lower-case hex digest of the UTF-8 bytes.
fn hash(args: &[JValue]) -> HostResult {
    use sha2::Digest;
    let Some(JValue::String(text)) = arg(args, 0) else {
        return Err(signature("hash", 1));
    };
    let algorithm = match arg(args, 1) {
        None => return Ok(JValue::Undefined),
        Some(JValue::String(a)) => a.to_string(),
        Some(_) => return Err(signature("hash", 2)),
    };
    let bytes = text.as_bytes();
    let digest: Vec<u8> = match algorithm.as_str() {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => {
            return Err(fail(format!(
                "D3137: Hash algorithm '{algorithm}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"
            )))
        }
    };
    Ok(JValue::string(digest.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// `$parse(text)`: JSON text to a value, refusing what AWS's strict parser refuses (trailing
/// text, a repeated key, a number out of range, nothing at all).
fn parse_json(args: &[JValue]) -> HostResult {
    let text = match arg(args, 0) {
        None => return Ok(JValue::Undefined),
        Some(JValue::String(s)) => s.clone(),
        Some(_) => return Err(signature("parse", 1)),
    };
    match serde_json::from_str::<Strict>(&text) {
        Ok(Strict(value)) => Ok(JValue::from(value)),
        Err(_) => Err(fail("D3137: Invalid JSON")),
    }
}

/// A JSON value that refuses duplicate keys.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Strict;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Strict, E> {
                Ok(Strict(Value::Bool(b)))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Strict, E> {
                Ok(Strict(Value::from(n)))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Strict, E> {
                Ok(Strict(Value::from(n)))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Strict, E> {
                serde_json::Number::from_f64(n).map(|n| Strict(Value::Number(n))).ok_or_else(|| E::custom("range"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Strict, E> {
                Ok(Strict(Value::String(s.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Strict, E> {
                Ok(Strict(Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
                let mut out = Vec::new();
                while let Some(Strict(v)) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Strict(Value::Array(out)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
                let mut out = Map::new();
                while let Some((k, Strict(v))) = map.next_entry::<String, Strict>()? {
                    if out.insert(k, v).is_some() {
                        return Err(serde::de::Error::custom("duplicate key"));
                    }
                }
                Ok(Strict(Value::Object(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// `$random(seed)`: seeded, the first `nextDouble()` of `java.util.Random(seed)`, which is what
/// AWS answers; unseeded, a draw from the execution's random source.
fn random(args: &[JValue], rng: &RefCell<fastrand::Rng>) -> HostResult {
    Ok(JValue::Number(match integer(args, 0, "random")? {
        Some(seed) => java_random_double(seed),
        None => rng.borrow_mut().f64(),
    }))
}

fn java_random_double(seed: i64) -> f64 {
    const MULTIPLIER: u64 = 0x5DEE_CE66D;
    const MASK: u64 = (1 << 48) - 1;
    let mut state = (seed as u64 ^ MULTIPLIER) & MASK;
    let mut next = |bits: u32| {
        state = (state.wrapping_mul(MULTIPLIER).wrapping_add(0xB)) & MASK;
        state >> (48 - bits)
    };
    let high = next(26);
    let low = next(27);
    ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `$uuid()`: a version 4 UUID from the execution's random source.
fn uuid(rng: &RefCell<fastrand::Rng>) -> HostResult {
    let mut bytes = [0u8; 16];
    rng.borrow_mut().fill(&mut bytes);
    Ok(JValue::string(uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()))
}

/// `$shuffle(array)` from the execution's random source.
fn shuffle(args: &[JValue], rng: &RefCell<fastrand::Rng>) -> HostResult {
    let mut items: Vec<JValue> = match arg(args, 0) {
        None => return Ok(JValue::Undefined),
        Some(JValue::Array(items)) => items.iter().cloned().collect(),
        Some(other) => vec![other.clone()],
    };
    rng.borrow_mut().shuffle(&mut items);
    Ok(JValue::array(items))
}

/// `$now(picture, timezone)`: the virtual clock, formatted as `$fromMillis` formats.
fn now_fn(args: &[JValue], now_iso: &str) -> HostResult {
    let millis = iso_millis(now_iso)?;
    let picture = arg(args, 0).cloned().unwrap_or(JValue::Undefined);
    let zone = arg(args, 1).cloned().unwrap_or(JValue::Undefined);
    helper("$fromMillis($m, $p, $z)", vec![("m", JValue::Number(millis)), ("p", picture), ("z", zone)])
}

/// Milliseconds since the epoch of an ISO 8601 timestamp, read by JSONata's own `$toMillis`.
fn iso_millis(iso: &str) -> Result<f64, EvaluatorError> {
    helper("$toMillis($t)", vec![("t", JValue::string(iso))])?.as_f64().ok_or_else(|| {
        fail(format!(
            "D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"{iso}\""
        ))
    })
}

/// Evaluates a fixed helper expression with plain jsonata-core.
fn helper(expr: &str, bindings: Vec<(&str, JValue)>) -> HostResult {
    let ast = parser::parse(expr).map_err(|e| fail(e.to_string()))?;
    let mut context = Context::new();
    for (name, value) in bindings {
        context.bind(name.to_string(), value);
    }
    Evaluator::with_context(context).evaluate(&ast, &JValue::Undefined)
}

// ---- messages -------------------------------------------------------------------------------

/// Whether a message starts with a JSONata code such as `T1006: `.
fn has_code(message: &str) -> bool {
    let b = message.as_bytes();
    b.len() >= 6 && b[0].is_ascii_uppercase() && b[1..5].iter().all(u8::is_ascii_digit) && b[5] == b':'
}

/// AWS's `INVALID_JSONATA_EXPRESSION` text for a jsonata-core parse error: the jsonata-js message
/// without its code, tokens written as jsonata-js writes them (`"]"`, not `RightBracket`).
fn parse_message(raw: &str) -> String {
    let mut m = raw;
    for prefix in ["Parse error: ", "Invalid syntax: ", "Invalid number: "] {
        m = m.strip_prefix(prefix).unwrap_or(m);
    }
    let code = has_code(m).then(|| &m[..5]);
    let body = if code.is_some() { &m[7.min(m.len())..] } else { m };
    let rewrite = |prefix: &str, rest: &str| format!("{prefix}{}", js_token(rest));
    match code {
        Some("S0202") => match body.strip_prefix("Expected ").and_then(|r| r.split_once(", got ")) {
            Some((expected, found)) => {
                format!("Expected {}, got {}", js_token(expected), js_token(found))
            }
            None => body.to_string(),
        },
        Some("S0203") => match body.strip_prefix("Expected ").and_then(|r| r.strip_suffix(" before end of expression"))
        {
            Some(expected) => format!("Expected {} before end of expression", js_token(expected)),
            None => body.to_string(),
        },
        Some("S0211") => {
            match body.strip_prefix("The symbol ").and_then(|r| r.strip_suffix(" cannot be used as a unary operator")) {
                Some(token) => format!("The symbol {} cannot be used as a unary operator", js_token(token)),
                None => body.to_string(),
            }
        }
        Some("S0201") => body.strip_prefix("Syntax error: ").map_or(body.to_string(), |t| rewrite("Syntax error: ", t)),
        Some("S0204") => {
            body.strip_prefix("Unknown operator: ").map_or(body.to_string(), |t| rewrite("Unknown operator: ", t))
        }
        _ => body.to_string(),
    }
}

/// A token as jsonata-js renders it in a message: `JSON.stringify` of its value.
#[rustfmt::skip]
fn js_token(token: &str) -> String {
    let symbol = match token {
        "Plus" => "+", "Minus" => "-", "Star" => "*", "StarStar" => "**", "Slash" => "/",
        "Percent" => "%", "Equal" => "=", "NotEqual" => "!=", "LessThan" => "<",
        "LessThanOrEqual" => "<=", "GreaterThan" => ">", "GreaterThanOrEqual" => ">=",
        "And" => "and", "Or" => "or", "In" => "in", "Ampersand" => "&", "Dot" => ".",
        "DotDot" => "..", "Question" | "QuestionQuestion" | "QuestionColon" => "?",
        "Colon" => ":", "ColonEqual" => ":=", "TildeArrow" => "~>", "LeftParen" => "(",
        "RightParen" => ")", "LeftBracket" => "[", "RightBracket" => "]", "LeftBrace" => "{",
        "RightBrace" => "}", "Comma" => ",", "Semicolon" => ";", "Caret" => "^", "Pipe" => "|",
        "Hash" => "#", "At" => "@", "Undefined" => "undefined",
        "True" => return "true".into(),
        "False" => return "false".into(),
        "Null" => return "null".into(),
        _ => {
            // `String("a")`, `Identifier("a")`, `Variable("a")`, `Number(1.0)`, or a bare character.
            if let Some((kind, rest)) = token.split_once('(') {
                let inner = rest.strip_suffix(')').unwrap_or(rest);
                return match kind {
                    "Number" => inner
                        .parse::<f64>()
                        .map(|n| number(n).to_string())
                        .unwrap_or_else(|_| inner.into()),
                    _ => serde_json::from_str::<String>(inner)
                        .map(|s| Value::String(s).to_string())
                        .unwrap_or_else(|_| inner.to_string()),
                };
            }
            token
        }
    };
    Value::String(symbol.to_string()).to_string()
}

/// The text AWS quotes for a jsonata-core evaluation error: jsonata-js's template for the code,
/// with the values jsonata-core's message carries.
fn error_message(e: &EvaluatorError, calls: &[String]) -> String {
    let m = e.message();
    if !has_code(m) {
        return m.to_string();
    }
    let (code, body) = (&m[..5], m[6..].trim_start());
    let coded = |text: &str| format!("{code}: {text}");
    let between = |before: &str, after: &str| body.strip_prefix(before).and_then(|r| r.strip_suffix(after));
    match code {
        "D1011" | "U1001" => STACK_OVERFLOW.to_string(),
        "D2014" | "D2015" => MEMORY_LIMIT.to_string(),
        "D1012" => TIMEOUT.to_string(),
        "T1006" => coded("Attempted to invoke a non-function"),
        "T1008" => coded("Attempted to partially apply a non-function"),
        "D3010" => "Second argument of replace function cannot be an empty string".to_string(),
        "D3020" => coded("Third argument of split function must evaluate to a positive number"),
        "D3001" => coded("Attempting to invoke string function on Infinity or NaN"),
        "D3138" => coded("The $single() function expected exactly 1 matching result.  Instead it matched more."),
        "D3139" => coded("The $single() function expected exactly 1 matching result.  Instead it matched 0."),
        "T2003" => coded("The left side of the range operator (..) must evaluate to an integer"),
        "T2004" => coded("The right side of the range operator (..) must evaluate to an integer"),
        "D3080" => coded("The picture string must only contain a maximum of two sub-pictures"),
        "D3081" => coded("The sub-picture must not contain more than one instance of the 'decimal-separator' character"),
        "D3082" => coded("The sub-picture must not contain more than one instance of the 'percent' character"),
        "D3083" => coded("The sub-picture must not contain more than one instance of the 'per-mille' character"),
        "D3084" => coded("The sub-picture must not contain both a 'percent' and a 'per-mille' character"),
        "D3085" => coded("The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"),
        "D3086" => coded("The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"),
        "D3087" => coded("The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"),
        "D3088" => coded("The sub-picture must not contain a 'grouping-separator' at the end of the integer part"),
        "D3089" => coded("The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"),
        "D3090" => coded("The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"),
        "D3091" => coded("The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"),
        "D3092" => coded("A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"),
        "D3093" => coded("The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"),
        "T2001" | "T2002" => {
            let side = if body.contains("left side") { ("T2001", "left") } else { ("T2002", "right") };
            let op = between(&format!("The {} side of the ", side.1), " operator must evaluate to a number");
            match op {
                Some(op) => format!("{}: The {} side of the {} operator must evaluate to a number", side.0, side.1, Value::String(op.trim_matches('"').to_string())),
                None => m.to_string(),
            }
        }
        "D3030" => match between("Cannot convert '", "' to number") {
            Some(v) => coded(&format!("Unable to cast value to a number: {}", Value::String(v.to_string()))),
            None => m.to_string(),
        },
        "T0410" | "T0411" | "T0412" => signature_message(code, body, calls),
        _ => m.to_string(),
    }
}

/// jsonata-js's signature errors name the function: `Argument 1 of function "sum" must be an
/// array of "numbers"`. jsonata-core's often do not, so the name comes from the expression's
/// calls when the message lacks it (the innermost call with that many arguments).
fn signature_message(code: &str, body: &str, calls: &[String]) -> String {
    // "Argument count mismatch: expected 1, got 2": jsonata-js names the first argument that does
    // not fit, the first surplus one or the first missing one.
    let counts: Vec<usize> = body
        .strip_prefix("Argument count mismatch: ")
        .map(|r| r.split(|c: char| !c.is_ascii_digit()).filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default();
    let index: usize = if let [expected, got] = counts[..] {
        expected.min(got) + 1
    } else {
        body.split(|c: char| !c.is_ascii_digit()).find(|s| !s.is_empty()).and_then(|s| s.parse().ok()).unwrap_or(1)
    };
    let named = body
        .split_once("of function ")
        .map(|(_, rest)| rest.split(' ').next().unwrap_or("").trim_start_matches('$').trim_matches('"').to_string())
        .filter(|n| !n.is_empty() && n != "undefined" && n != "does");
    let function = named.or_else(|| calls.first().cloned()).unwrap_or_default();
    let function = Value::String(function);
    match code {
        "T0412" => {
            let wanted = body.rsplit("array of ").next().unwrap_or("").trim().trim_matches('"').to_lowercase();
            let plural = match wanted.as_str() {
                "number" | "numbers" => "numbers",
                "string" | "strings" => "strings",
                "boolean" | "booleans" => "booleans",
                "object" | "objects" => "objects",
                "array" | "arrays" => "arrays",
                "function" | "functions" => "functions",
                other => other,
            };
            format!("T0412: Argument {index} of function {function} must be an array of \"{plural}\"")
        }
        "T0411" => {
            format!("T0411: Context value is not a compatible type with argument {index} of function {function}")
        }
        _ => format!("T0410: Argument {index} of function {function} does not match function signature"),
    }
}

// ---- the syntax tree ----------------------------------------------------------------------------

/// Java's `String.trim`, which AWS applies to the text between `{%` and `%}`.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// A cheap upper estimate of how deeply jsonata-core's parser will recurse: two units for each
/// open bracket and for each operator since the last `,` or `;` at each bracket level (a chain
/// `1+1+1` nests as deeply as brackets do), outside string literals, names and comments.
fn nesting_estimate(text: &str) -> usize {
    let mut levels: Vec<usize> = vec![0];
    let mut max = 0usize;
    let mut chars = text.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        let mut operator = false;
        if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            if chars.peek().is_some_and(|d| d.is_alphanumeric() || *d == '_' || *d == '$') {
                continue;
            }
            operator = matches!(word.as_str(), "and" | "or" | "in");
            word.clear();
        } else {
            match c {
                '"' | '\'' | '`' => {
                    skip_quoted(&mut chars, c);
                }
                '/' if chars.peek() == Some(&'*') => {
                    let mut last = ' ';
                    for d in chars.by_ref() {
                        if last == '*' && d == '/' {
                            break;
                        }
                        last = d;
                    }
                }
                '(' | '[' | '{' => levels.push(0),
                ')' | ']' | '}' if levels.len() > 1 => {
                    levels.pop();
                }
                ',' | ';' => *levels.last_mut().unwrap_or(&mut 0) = 0,
                '+' | '-' | '*' | '/' | '%' | '&' | '=' | '<' | '>' | '?' | ':' | '~' | '!' | '^' | '|' | '#' | '@' => {
                    operator = true
                }
                _ => {}
            }
        }
        if operator {
            if let Some(count) = levels.last_mut() {
                *count += 1;
            }
        }
        max = max.max(levels.iter().map(|ops| 2 + 2 * ops).sum());
    }
    max
}

/// Skips a string literal (or a backquoted name) after its opening `quote`; `false` when the
/// text ends first.
fn skip_quoted(chars: &mut impl Iterator<Item = char>, quote: char) -> bool {
    while let Some(d) = chars.next() {
        if d == '\\' && quote != '`' {
            chars.next();
        } else if d == quote {
            return true;
        }
    }
    false
}

/// Whether a string literal or backquoted name runs to the end of the text.
fn has_unterminated_quote(text: &str) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if matches!(c, '"' | '\'' | '`') && !skip_quoted(&mut chars, c) {
            return true;
        }
    }
    false
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

/// The direct sub-expressions of a node.
fn children(node: &AstNode) -> Vec<&AstNode> {
    let mut out: Vec<&AstNode> = Vec::new();
    match node {
        AstNode::Path { steps } => {
            for step in steps {
                out.push(&step.node);
                for stage in &step.stages {
                    if let Stage::Filter(e) = stage {
                        out.push(e);
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => out.extend([&**lhs, &**rhs]),
        AstNode::Unary { operand, .. } => out.push(operand),
        AstNode::Function { args, .. } => out.extend(args),
        AstNode::Call { procedure, args } => {
            out.push(procedure);
            out.extend(args);
        }
        AstNode::Lambda { body, .. } => out.push(body),
        AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => out.extend(items),
        AstNode::Object(pairs) => pairs.iter().for_each(|(k, v)| out.extend([k, v])),
        AstNode::ObjectTransform { input, pattern } => {
            out.push(input);
            pattern.iter().for_each(|(k, v)| out.extend([k, v]));
        }
        AstNode::Conditional { condition, then_branch, else_branch } => {
            out.extend([&**condition, &**then_branch]);
            out.extend(else_branch.as_deref());
        }
        AstNode::FunctionApplication(inner) => out.push(inner),
        AstNode::Sort { input, terms } => {
            out.push(input);
            out.extend(terms.iter().map(|(t, _)| t));
        }
        AstNode::Transform { location, update, delete } => {
            out.extend([&**location, &**update]);
            out.extend(delete.as_deref());
        }
        _ => {}
    }
    out
}

/// [`children`], mutably.
fn children_mut(node: &mut AstNode) -> Vec<&mut AstNode> {
    let mut out: Vec<&mut AstNode> = Vec::new();
    match node {
        AstNode::Path { steps } => {
            for step in steps {
                out.push(&mut step.node);
                for stage in &mut step.stages {
                    if let Stage::Filter(e) = stage {
                        out.push(e);
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => out.extend([&mut **lhs, &mut **rhs]),
        AstNode::Unary { operand, .. } => out.push(operand),
        AstNode::Function { args, .. } => out.extend(args),
        AstNode::Call { procedure, args } => {
            out.push(procedure);
            out.extend(args);
        }
        AstNode::Lambda { body, .. } => out.push(body),
        AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => out.extend(items),
        AstNode::Object(pairs) => pairs.iter_mut().for_each(|(k, v)| out.extend([k, v])),
        AstNode::ObjectTransform { input, pattern } => {
            out.push(input);
            pattern.iter_mut().for_each(|(k, v)| out.extend([k, v]));
        }
        AstNode::Conditional { condition, then_branch, else_branch } => {
            out.extend([&mut **condition, &mut **then_branch]);
            out.extend(else_branch.as_deref_mut());
        }
        AstNode::FunctionApplication(inner) => out.push(inner),
        AstNode::Sort { input, terms } => {
            out.push(input);
            out.extend(terms.iter_mut().map(|(t, _)| t));
        }
        AstNode::Transform { location, update, delete } => {
            out.extend([&mut **location, &mut **update]);
            out.extend(delete.as_deref_mut());
        }
        _ => {}
    }
    out
}

fn visit(node: &AstNode, f: &mut dyn FnMut(&AstNode)) {
    f(node);
    for child in children(node) {
        visit(child, f);
    }
}

fn find_node(node: &AstNode, test: &dyn Fn(&AstNode) -> Option<&'static str>) -> Option<&'static str> {
    test(node).or_else(|| children(node).into_iter().find_map(|c| find_node(c, test)))
}

/// Variables read, names bound locally, and functions called (innermost first).
fn collect_names(node: &AstNode, vars: &mut Vec<String>, locals: &mut Vec<String>, calls: &mut Vec<String>) {
    let add = |list: &mut Vec<String>, name: &str| {
        if !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
    };
    match node {
        AstNode::Variable(name) if !name.is_empty() && name != "$" && name != "states" => add(vars, name),
        AstNode::Binary { op: BinaryOp::ColonEqual, lhs, .. } => {
            if let AstNode::Variable(name) = &**lhs {
                add(locals, name);
            }
        }
        AstNode::Lambda { params, .. } => params.iter().for_each(|p| add(locals, p)),
        AstNode::Path { steps } => {
            for step in steps {
                step.focus.iter().chain(step.index_var.iter()).for_each(|n| add(locals, n));
            }
        }
        _ => {}
    }
    for child in children(node) {
        collect_names(child, vars, locals, calls);
    }
    if let AstNode::Function { name, .. } = node {
        if name != SURPLUS {
            calls.push(name.trim_start_matches('$').to_string());
        }
    }
}

/// What reads the context item, which a Step Functions expression does not have: the first step
/// of a path, and anything outside a path. Later steps, predicates, sort terms and groupings read
/// the value before them; a lambda body keeps its definer's context.
fn top_level_references(node: &AstNode, out: &mut Vec<String>) {
    let mut add = |m: String| {
        if !out.contains(&m) {
            out.push(m);
        }
    };
    match node {
        AstNode::Name(name) => add(format!("Reference to '{name}' at the top level is not supported.")),
        AstNode::Variable(name) if name.is_empty() => add("Reference to '$' at the top level is not supported.".into()),
        AstNode::Variable(name) if name == "$" => add("Reference to '$$' is not supported.".into()),
        AstNode::ParentVariable(_) => add("Reference to '$$' is not supported.".into()),
        AstNode::Path { steps } => {
            if let Some(first) = steps.first() {
                top_level_references(&first.node, out);
            }
        }
        AstNode::Sort { input, .. } | AstNode::ObjectTransform { input, .. } => top_level_references(input, out),
        AstNode::Transform { .. } | AstNode::Wildcard | AstNode::Descendant | AstNode::Parent(_) => {}
        _ => children(node).into_iter().for_each(|c| top_level_references(c, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env_eval(input: Value, expr: &str) -> Result<Value, Failure> {
        let states = json!({"input": input, "context": {"Execution": {"Id": "x"}}});
        let variables = |name: &str| match name {
            "one" => Some(json!(1)),
            "obj" => Some(json!({"a": [1, 2]})),
            "nothing" => Some(Value::Null),
            _ => None,
        };
        let mut rng = fastrand::Rng::with_seed(42);
        let mut env = Env { states: &states, variables: &variables, now_iso: "2024-01-01T00:00:00Z", rng: &mut rng };
        Jsonata::parse(expr).map_err(|m| Failure::custom("parse", m))?.eval_field(&mut env, "Output")
    }

    /// `give(input, expr, output)`: the expression's value.
    fn give(input: Value, expr: &str, expected: Value) {
        assert_eq!(env_eval(input, expr), Ok(expected), "{expr}");
    }

    /// `fails(expr, cause tail)`: the expression throws, with this text after AWS's sentence.
    fn fails(expr: &str, tail: &str) {
        let e = env_eval(json!({}), expr).unwrap_err();
        assert_eq!(e.error, "States.QueryEvaluationError", "{expr}");
        let head = format!(
            "The JSONata expression '{expr}' specified for the field 'Output' threw an error during evaluation"
        );
        assert_eq!(e.cause.strip_prefix(&head), Some(tail), "{expr}: {}", e.cause);
    }

    fn invalid(expr: &str, message: &str) {
        assert_eq!(Jsonata::parse(expr).unwrap_err(), message, "{expr}");
    }

    #[test]
    fn values() {
        give(json!({"a": 1}), "$states.input.a", json!(1));
        give(json!({}), "3.0", json!(3));
        give(json!({}), "-0", json!(0));
        give(json!({}), "1.5 * 2", json!(3));
        give(json!({}), "0.1 + 0.2", json!(0.30000000000000004));
        give(json!({}), "1e21", json!(1e21));
        give(json!({}), "1/0", json!("Infinity"));
        give(json!({}), "[-1/0]", json!(["-Infinity"]));
        give(json!({"n": [1, 2, 3]}), "$sum($states.input.n) + $one", json!(7));
        give(json!({}), "{'b': 1, 'a': 2}", json!({"b": 1, "a": 2}));
        give(json!({}), "{'a': $nope, 'b': [1, $nope]}", json!({"b": [1]}));
        give(json!({}), "$obj.a[1]", json!(2));
        give(json!({}), "$nothing", json!(null));
        give(json!({}), "$exists($nothing)", json!(true));
        give(json!({}), "$contains(\"hello$world\", /^hello\\$/)", json!(true));
        give(json!({}), "$states.context.Execution.Id", json!("x"));
        give(json!({}), "($x := 2; $x * 3)", json!(6));
        give(json!({"items": [{"n": 3}, {"n": 9}]}), "$states.input.items.n", json!([3, 9]));
        give(json!({}), "$exists($eval)", json!(false));
        give(json!({"bar": null}), "$exists($states.input.bar)", json!(true));
        give(json!({"bar": null}), "$type($states.input.bar)", json!("null"));
        give(json!({"name": "Ann"}), "'Hello ' & $states.input.name", json!("Hello Ann"));
        give(json!({}), "$string(1e20)", json!("100000000000000000000"));
        give(json!({}), "$string(1e21)", json!("1e+21"));
        give(json!({}), "$string(1/3)", json!("0.333333333333333"));
        give(json!({}), "$formatNumber(1234.5678, '#,##0.00')", json!("1,234.57"));
        give(json!({}), "$fromMillis(0)", json!("1970-01-01T00:00:00.000Z"));
        give(json!({"amount": 1.0}), "$states.input.amount", json!(1));
        give(json!({}), "[1,2,3][$ > 1]", json!([2, 3]));
        give(json!({}), "$single([1,2], function($x){$x = 2})", json!(2));
    }

    #[test]
    fn aws_functions() {
        give(json!({}), "$partition([1,2,3,4,5], 2)", json!([[1, 2], [3, 4], [5]]));
        give(json!({}), "$partition([0], 1)", json!([[0]]));
        give(json!({}), "$partition([1,2,3])", json!([[1, 2, 3]]));
        give(json!({}), "$partition([1,2,3,4,5], 2.9)", json!([[1, 2], [3, 4], [5]]));
        give(json!({}), "$range(0, 9, 3)", json!([0, 3, 6, 9]));
        give(json!({}), "$range(1, 9, 9)", json!(1));
        give(json!({}), "$range(10, 0, -2)", json!([10, 8, 6, 4, 2, 0]));
        give(json!({}), "$range(-1.7, 2, 1)", json!([-1, 0, 1, 2]));
        give(json!({}), "$count($range(-9223372036854775808, 9223372036854775807, 9223372036854775807))", json!(3));
        give(json!({}), "$hash('Hello', 'MD5')", json!("8b1a9953c4611296a827abf8c47804d7"));
        give(json!({}), "$hash('Hello', 'SHA-1')", json!("f7ff9e8b7bb2e09b70935a5d785e0cc5d9d0abf0"));
        give(
            json!({}),
            "$hash('Hello', 'SHA-256')",
            json!("185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969"),
        );
        give(json!({}), "$hash('ñ', 'MD5')", json!("94e9342ecbb1458b6043ecd3bfcbc192"));
        give(json!({}), "$parse('{\"b\":1,\"a\":[2.5,\"x\"]}')", json!({"b": 1, "a": [2.5, "x"]}));
        give(json!({}), "$parse('-0')", json!(0));
        give(json!({}), "$parse('1.0')", json!(1));
        give(json!({}), "$exists($parse('null'))", json!(true));
        give(json!({}), "$map(['{\"a\":1}', '{\"a\":2}'], $parse).a", json!([1, 2]));
        give(json!({}), "$random(42)", json!(0.7275636800328681));
        give(json!({}), "$random(0)", json!(0.730967787376657));
        give(json!({}), "$random(7)", json!(0.7306990420600421));
        give(json!({}), "$random(0.9) = $random(0)", json!(true));
        give(json!({}), "$random() < 1", json!(true));
        give(json!({}), "$uuid() = $uuid()", json!(false));
        give(json!({}), "$now()", json!("2024-01-01T00:00:00.000Z"));
        give(json!({}), "$millis()", json!(1704067200000i64));
        give(json!({}), "$now('[Y0001]-[M01]-[D01]')", json!("2024-01-01"));
        give(json!({}), "$count($shuffle([1,2,3]))", json!(3));
    }

    #[test]
    fn aws_function_errors() {
        fails("$partition([1,2,3], -1)", ". D3137: Second argument must be zero or greater");
        fails(
            "$hash('Hello', 'md5')",
            ". D3137: Hash algorithm 'md5' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5",
        );
        fails("$hash(42, 'MD5')", ". T0410: Argument 1 of function \"hash\" does not match function signature");
        fails("$parse('{\"a\":1,\"a\":2}')", ". D3137: Invalid JSON");
        fails("$parse('[1] [2]')", ". D3137: Invalid JSON");
        fails("$parse('')", ". D3137: Invalid JSON");
        fails("$parse('1e400')", ". D3137: Invalid JSON");
        fails("$parse(null)", ". T0410: Argument 1 of function \"parse\" does not match function signature");
        fails("$range(1, 5, 1, 'x')", ". T0410: Argument 4 of function \"range\" does not match function signature");
        fails("$uuid('seed')", ". T0410: Argument 1 of function \"uuid\" does not match function signature");
        fails("$parse('{}', 'x')", ". T0410: Argument 2 of function \"parse\" does not match function signature");
        fails(
            "$partition([1,2,3], 2, 'x')",
            ". T0410: Argument 3 of function \"partition\" does not match function signature",
        );
        fails("$hash('a', 'MD5', 'x')", ". T0410: Argument 3 of function \"hash\" does not match function signature");
        fails("$uppercase(1)", ". T0410: Argument 1 of function \"uppercase\" does not match function signature");
        fails("$random(1, 2)", ". T0410: Argument 2 of function \"random\" does not match function signature");
        fails(
            "$range(1, 360146, 1)",
            ": Expression evaluation memory limit exceeded: Check for excessive memory usage",
        );
        fails("$eval('1+1')", ". T1006: Attempted to invoke a non-function");
        fails("$randomSeeded(1)", ". T1006: Attempted to invoke a non-function");
    }

    #[test]
    fn limits() {
        give(json!({}), &format!("1{}", "+1".repeat(99)), json!(100));
        fails(&format!("1{}", "+1".repeat(100)), &format!(": {STACK_OVERFLOW}"));
        give(json!({}), &format!("{}1{}", "(".repeat(99), ")".repeat(99)), json!(1));
        let recursion = |n: u32| format!("($f := function($x){{ $x <= 0 ? 0 : 1 + $f($x-1) }}; $f({n}))");
        give(json!({}), &recursion(31), json!(31));
        fails(&recursion(32), &format!(": {STACK_OVERFLOW}"));
        give(json!({}), "[1..873782] ~> $count()", json!(873782));
        fails("[1..873783] ~> $count()", &format!(": {MEMORY_LIMIT}"));
        fails("$sum([1..900000])", &format!(": {MEMORY_LIMIT}"));
    }

    #[test]
    fn jsonata_error_texts() {
        fails("$split('a','b',-1)", ". D3020: Third argument of split function must evaluate to a positive number");
        fails("$sum(['a'])", ". T0412: Argument 1 of function \"sum\" must be an array of \"numbers\"");
        fails(
            "$each('x', function($v){$v})",
            ". T0410: Argument 1 of function \"each\" does not match function signature",
        );
        fails(
            "$reduce([1,2], function($a){$a})",
            ". D3050: The second argument of reduce function must be a function with at least two arguments",
        );
        fails(
            "$single([1,2], function($x){true})",
            ". D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.",
        );
        fails("$sqrt(-1)", ". D3060: The sqrt function cannot be applied to a negative number: -1");
        fails("1 + {}", ". T2002: The right side of the \"+\" operator must evaluate to a number");
        fails("$replace('a','','b')", ": Second argument of replace function cannot be an empty string");
        fails("$formatNumber(1, 'x')", ". D3086: The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character");
    }

    #[test]
    fn undefined_and_types() {
        let e = env_eval(json!({}), "$doesNotExist").unwrap_err();
        assert_eq!(
            e.cause,
            "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."
        );
        assert_eq!(
            unexpected_type_cause("{'foo': 'bar'}", "Items", "array", &json!({"foo": "bar"})),
            "The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"
        );
        assert_eq!(type_name(&json!("s")), "string");
        let e = env_eval(json!({}), "$sum").unwrap_err();
        assert!(e.cause.ends_with("returned an unsupported result type."), "{}", e.cause);
    }

    #[test]
    fn parse_errors() {
        invalid("a[1,2)", "Expected \"]\", got \",\"");
        invalid("\"unterminated", "String literal must be terminated by a matching quote");
        invalid("1 +", "Unexpected end of expression");
        invalid("{\"a\":}", "The symbol \"}\" cannot be used as a unary operator");
        invalid("$x :=", "Unexpected end of expression");
        invalid("$match(\"a\", /abc", "No terminating / in regular expression");
        invalid("$match('/', /abc", "No terminating / in regular expression");
        invalid("phone %.other", "The symbol \".\" cannot be used as a unary operator");
        invalid("", "Unexpected end of expression");
        invalid("$x ?? 1", "The symbol \"?\" cannot be used as a unary operator");
        invalid("$x ?: 1", "The symbol \":\" cannot be used as a unary operator");
        invalid("(1; 2", "Expected \")\" before end of expression");
        assert_eq!(nesting_estimate("'((' & \"[[\" & `{{` /* ((( */ & [1]"), 2 + 2 * 3 + 2);
        assert_eq!(nesting_estimate("{'a': 1, 'b': 2 and 3}"), 2 + 2 + 2 * 2);
        let deep = format!("{}1{}", "(".repeat(300), ")".repeat(300));
        assert!(env_eval(json!({}), &deep).unwrap_err().cause.ends_with(STACK_OVERFLOW));
    }

    #[test]
    fn templates() {
        assert_eq!(template_expr("{% $x %}"), Some("$x"));
        assert_eq!(template_expr("{%$x%}"), Some("$x"));
        assert_eq!(template_expr(" {% $x %}"), None);
        assert_eq!(template_expr("{% $x %} "), None);
        assert_eq!(template_expr("{%}"), None);
        assert_eq!(template_expr("Hello {% $x %}!"), None);
        let t = Template::parse(&json!({"a": [1, {"b": "{% $states.input.missing %}"}]})).unwrap();
        let states = json!({"input": {}});
        let mut rng = fastrand::Rng::with_seed(1);
        let mut env = Env { states: &states, variables: &|_| None, now_iso: "2024-01-01T00:00:00Z", rng: &mut rng };
        let e = t.eval(&mut env, "Arguments").unwrap_err();
        assert_eq!(e.cause, "The JSONata expression '$states.input.missing' specified for the field 'Arguments/a[1]/b' returned nothing (undefined).");
        let err = Template::parse_at(&json!({"a": {"b/c": ["x", "{% 1 + %}"]}})).unwrap_err();
        assert_eq!(err, TemplateError { pointer: "/a/b~1c/1".into(), message: "Unexpected end of expression".into() });
        assert!(matches!(Template::parse(&json!({"k": [" {% x %} ", "$x"]})).unwrap(), Template::Literal(_)));
    }

    #[test]
    fn names() {
        let e = Jsonata::parse(
            "($y := $x + $states.input.a; $f := function($p){ $p + $z }; $f($y) + $one + $count($map([1], $string)))",
        )
        .unwrap();
        assert_eq!(e.variables(), vec!["x", "z", "one"]);
        assert_eq!(e.states_fields(), vec!["input"]);
        let refs = |s: &str| Jsonata::parse(s).unwrap().unsupported_references();
        assert_eq!(refs("phone[0]"), vec!["Reference to 'phone' at the top level is not supported."]);
        assert_eq!(refs("$states.input.items[value > 3].name"), Vec::<String>::new());
        assert_eq!(refs("$$"), vec!["Reference to '$$' is not supported."]);
        assert_eq!(
            refs("$map($states.input.a, function($x){ b })"),
            vec!["Reference to 'b' at the top level is not supported."]
        );
        assert_eq!(Jsonata::parse("$states.errorOutput.Cause").unwrap().states_fields(), vec!["errorOutput"]);
    }

    #[test]
    fn the_random_source_advances() {
        let states = json!({"input": {}});
        let mut rng = fastrand::Rng::with_seed(5);
        let e = Jsonata::parse("$uuid()").unwrap();
        let mut env = Env { states: &states, variables: &|_| None, now_iso: "2024-01-01T00:00:00Z", rng: &mut rng };
        let (a, b) = (e.eval(&mut env).unwrap(), e.eval(&mut env).unwrap());
        assert_ne!(a, b);
        let mut again = fastrand::Rng::with_seed(5);
        let mut env = Env { states: &states, variables: &|_| None, now_iso: "2024-01-01T00:00:00Z", rng: &mut again };
        assert_eq!(e.eval(&mut env).unwrap(), a);
    }
}
