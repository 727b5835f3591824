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

use serde_json::{Map, Value};

use crate::error::Failure;

#[cfg(not(feature = "jsonata"))]
mod absent;
mod budget;
#[cfg(all(test, feature = "jsonata"))]
mod budget_tests;
mod causes;
#[cfg(feature = "jsonata")]
mod engine;
#[cfg(feature = "jsonata")]
mod functions;
#[cfg(feature = "jsonata")]
mod guard;
#[cfg(feature = "jsonata")]
mod messages;
#[cfg(feature = "jsonata")]
mod results;
#[cfg(feature = "jsonata")]
mod syntax;
#[cfg(all(test, feature = "jsonata"))]
mod tests;

#[cfg(not(feature = "jsonata"))]
pub use absent::Jsonata;
pub use budget::{Limits, DEFAULT_FUEL, DEFAULT_MEMORY};
pub use causes::{threw_cause, type_name, undefined_cause, unexpected_type_cause};
#[cfg(feature = "jsonata")]
pub use engine::Jsonata;

/// Whether this build evaluates JSONata (the crate feature `jsonata`, on by default). Without it,
/// definitions and TestState requests that use JSONata are refused with [`NOT_IN_THIS_BUILD`].
pub const AVAILABLE: bool = cfg!(feature = "jsonata");

/// Why a build without the `jsonata` feature (the lite wasm build) refuses a JSONata definition.
pub const NOT_IN_THIS_BUILD: &str = "JSONata is not in this build of asl-sim (the lite build runs JSONPath only): \
                                     use the full build (the npm package's 'asl-sim' rather than 'asl-sim/lite', or \
                                     the crate with its default feature 'jsonata')";

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

impl Jsonata {
    /// The expression as AWS quotes it in causes (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The workflow variables it reads: `$names` it does not bind itself, other than `$states`
    /// and function names such as `$sum` passed as values.
    pub fn variables(&self) -> Vec<String> {
        self.variables.iter().filter(|v| !FUNCTIONS.contains(&v.as_str())).cloned().collect()
    }
}

/// Java's `String.trim`, which AWS applies to the text between `{%` and `%}`.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
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
