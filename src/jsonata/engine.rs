//! The JSONata engine of the full build: expressions parsed and evaluated by `jsonata-core`, under
//! AWS's bounds and the simulator's budgets (the crate feature `jsonata`, on by default).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use jsonata_core::ast::{AstNode, BinaryOp};
use jsonata_core::evaluator::{CancelToken, Context, Evaluator, EvaluatorOptions};
use jsonata_core::parser;
use jsonata_core::value::JValue;
use serde_json::Value;

use crate::error::{ErrorName, Failure};
use crate::meter::{self, Trip};

use super::budget;
use super::functions::{mark_surplus_calls, register_aws_functions};
use super::guard;
use super::messages::{error_message, parse_message, STACK_OVERFLOW};
use super::results::to_json;
use super::syntax::{
    ascii_signatures, collect_names, find_node, has_unterminated_quote, nesting_estimate, top_level_references, visit,
};
use super::{java_trim, threw_cause, undefined_cause, Env};

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
    pub(super) text: String,
    /// `None` for an expression nested too deeply to parse safely, which fails when evaluated,
    /// as it does on AWS.
    ast: Option<Arc<AstNode>>,
    /// Workflow variables it may read, bound from [`Env::variables`] before each evaluation.
    pub(super) variables: Vec<String>,
    /// The functions it calls, innermost first, to name one in a signature error.
    calls: Vec<String>,
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
        let parsed = ascii_signatures(text);
        let mut ast = guard(|| parser::parse(&parsed)).ok_or_else(|| "internal error".to_string())?.map_err(|e| {
            match parse_message(&e.to_string()) {
                // jsonata-core words an unterminated regex like an unterminated string.
                m if m.starts_with("String literal") && !has_unterminated_quote(text) => {
                    "No terminating / in regular expression".to_string()
                }
                m => m,
            }
        })?;
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
