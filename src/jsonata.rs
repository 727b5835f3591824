//! JSONata evaluation. STUB: replaced by the real module.
use serde_json::Value;
use crate::error::{ErrorName, Failure};

/// A parsed JSONata expression.
#[derive(Debug, Clone)]
pub struct Jsonata { text: String }

/// What an evaluation can see.
pub struct Env<'a> {
    pub states: &'a Value,
    pub variables: &'a dyn Fn(&str) -> Option<Value>,
    pub now_iso: &'a str,
    pub rng: &'a mut fastrand::Rng,
}

impl Jsonata {
    /// Parses an expression.
    pub fn parse(text: &str) -> Result<Jsonata, String> { Ok(Jsonata { text: text.to_string() }) }
    /// The expression text.
    pub fn text(&self) -> &str { &self.text }
    /// Evaluates; `None` when undefined.
    pub fn eval(&self, _env: &mut Env<'_>) -> Result<Option<Value>, String> { Err("JSONata is not available".into()) }
}

/// `{% expr %}` -> the expression.
pub fn template_expr(s: &str) -> Option<&str> {
    s.strip_prefix("{%").and_then(|r| r.strip_suffix("%}")).map(str::trim)
}

/// A JSON template with `{% %}` expressions.
#[derive(Debug, Clone)]
pub enum Template { Literal(Value), Expr(Jsonata), Object(Vec<(String, Template)>), Array(Vec<Template>) }

impl Template {
    /// Parses a template.
    pub fn parse(v: &Value) -> Result<Template, String> {
        match v {
            Value::String(s) => match template_expr(s) { Some(e) => Ok(Template::Expr(Jsonata::parse(e)?)), None => Ok(Template::Literal(v.clone())) },
            Value::Object(o) => Ok(Template::Object(o.iter().map(|(k, v)| Ok((k.clone(), Template::parse(v)?))).collect::<Result<_, String>>()?)),
            Value::Array(a) => Ok(Template::Array(a.iter().map(Template::parse).collect::<Result<_, String>>()?)),
            other => Ok(Template::Literal(other.clone())),
        }
    }
    /// Evaluates a template.
    pub fn eval(&self, env: &mut Env<'_>, field: &str) -> Result<Value, Failure> {
        match self {
            Template::Literal(v) => Ok(v.clone()),
            Template::Expr(e) => match e.eval(env) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err(Failure::new(ErrorName::QueryEvaluationError, format!("The JSONata expression '{}' specified for the field '{field}' returned nothing (undefined).", e.text()))),
                Err(m) => Err(Failure::new(ErrorName::QueryEvaluationError, m)),
            },
            Template::Object(f) => { let mut m = serde_json::Map::new(); for (k, t) in f { m.insert(k.clone(), t.eval(env, &format!("{field}/{k}"))?); } Ok(Value::Object(m)) }
            Template::Array(a) => Ok(Value::Array(a.iter().map(|t| t.eval(env, field)).collect::<Result<_, _>>()?)),
        }
    }
}

/// AWS's type names in error messages.
pub fn type_name(v: &Value) -> &'static str {
    match v { Value::Null => "null", Value::Bool(_) => "boolean", Value::Number(_) => "number", Value::String(_) => "string", Value::Array(_) => "array", Value::Object(_) => "object" }
}
