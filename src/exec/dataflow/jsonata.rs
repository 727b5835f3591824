//! The JSONata data flow: `Arguments`, `Output` and `Assign`, Choice `Condition`s and a Fail
//! state's `Error` / `Cause`, as templates over `$states` (`input`, `context`, `result`,
//! `errorOutput`).

use serde_json::{Map, Value};

use super::{text_of, Env};
use crate::error::Failure;
use crate::exec::Fault;
use crate::history;
use crate::jsonata::{self, Template};
use crate::model::JsonataFields;

/// `$states`: the raw input, the context object, and `extra` members (`result`, `errorOutput`).
pub fn states(input: &Value, context: &Value, extra: &[(&str, &Value)]) -> Value {
    let mut m = Map::new();
    m.insert("input".into(), input.clone());
    m.insert("context".into(), context.clone());
    for (k, v) in extra {
        m.insert((*k).to_string(), (*v).clone());
    }
    Value::Object(m)
}

/// Evaluates a template for `field` over `$states` with the environment's variables and clock.
pub fn eval(t: &Template, states: &Value, field: &str, env: &mut Env<'_>) -> Result<Value, Fault> {
    let vars = &*env.vars;
    let lookup = |n: &str| vars.get(n).cloned();
    let now = history::iso_millis(env.now);
    let mut jenv = jsonata::Env { states, variables: &lookup, now_iso: &now, rng: env.rng, limits: env.jsonata };
    t.eval(&mut jenv, field).map_err(Fault::from)
}

/// Evaluates a template that must give a number.
pub fn number(t: &Template, states: &Value, field: &str, env: &mut Env<'_>) -> Result<f64, Fault> {
    let v = eval(t, states, field, env)?;
    v.as_f64().ok_or_else(|| unexpected_type(t, field, "number", &v))
}

/// `Arguments` over `$states` (noted as `afterArguments`); the raw input when there are none.
pub fn arguments(f: &JsonataFields, raw: &Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    let args = match &f.arguments {
        Some(t) => {
            let states = states(raw, env.context, &[]);
            eval(t, &states, "Arguments", env)?
        }
        None => raw.clone(),
    };
    env.note("afterArguments", &args);
    Ok(args)
}

/// A state's end: `Assign` and `Output` over `$states` (with `result` when the state produced
/// one), both from the variables before this state assigns; the output is the result, or the
/// raw input, by default.
pub fn finish(f: &JsonataFields, raw: &Value, result: Option<Value>, env: &mut Env<'_>) -> Result<Value, Fault> {
    let states = match &result {
        Some(r) => states(raw, env.context, &[("result", r)]),
        None => states(raw, env.context, &[]),
    };
    let assigned = match &f.assign {
        Some(t) => Some(eval(t, &states, "Assign", env)?),
        None => None,
    };
    let out = match &f.output {
        Some(t) => eval(t, &states, "Output", env)?,
        None => result.unwrap_or_else(|| raw.clone()),
    };
    commit(assigned, env);
    Ok(out)
}

/// A Choice state: the first rule whose `Condition` is true gives the target (`default` when
/// none is); the state's `Assign` and the rule's apply; the rule's `Output`, else the state's,
/// else the raw input, is the output.
pub fn choose(
    f: &JsonataFields,
    default: Option<usize>,
    raw: &Value,
    env: &mut Env<'_>,
) -> Result<(usize, Option<Value>), Fault> {
    let states = states(raw, env.context, &[]);
    let mut chosen = None;
    for rule in &f.rules {
        match eval(&rule.condition, &states, "Condition", env)? {
            Value::Bool(true) => {
                chosen = Some((rule.next, rule.assign.as_ref(), rule.output.as_ref()));
                break;
            }
            Value::Bool(false) => {}
            other => return Err(unexpected_type(&rule.condition, "Condition", "boolean", &other)),
        }
    }
    // The state's Assign applies whichever way the state goes, with a matching rule's (see
    // `path::choose`); a rule's Output replaces the state's.
    let (next, rule_assign, output) = match (chosen, default) {
        (Some((next, assign, output)), _) => (next, assign, output.or(f.output.as_ref())),
        (None, Some(d)) => (d, None, f.output.as_ref()),
        (None, None) => return Err(super::no_choice_matched()),
    };
    let mut assigned = match &f.assign {
        Some(t) => Some(eval(t, &states, "Assign", env)?),
        None => None,
    };
    if let Some(t) = rule_assign {
        match (eval(t, &states, "Assign", env)?, &mut assigned) {
            (Value::Object(rule), Some(Value::Object(state))) => state.extend(rule),
            (rule, _) => assigned = Some(rule),
        }
    }
    // Without Output the output is the input: `None`, not a copy of it.
    let out = match output {
        Some(t) => Some(eval(t, &states, "Output", env)?),
        None => None,
    };
    commit(assigned, env);
    Ok((next, out))
}

/// A Fail state: `Error` and `Cause` over `$states`, as text.
pub fn fail(f: &JsonataFields, raw: &Value, env: &mut Env<'_>) -> Result<Failure, Fault> {
    let states = states(raw, env.context, &[]);
    let error = match &f.error {
        Some(t) => text_of(eval(t, &states, "Error", env)?),
        None => String::new(),
    };
    let cause = match &f.cause {
        Some(t) => text_of(eval(t, &states, "Cause", env)?),
        None => String::new(),
    };
    Ok(Failure::custom(error, cause))
}

/// A catcher's output: its `Output` over `$states.errorOutput` (the error output by default),
/// after its `Assign`.
pub fn catch_output(
    f: &JsonataFields,
    index: usize,
    raw: &Value,
    error_output: Value,
    env: &mut Env<'_>,
) -> Result<Value, Fault> {
    let Some((output, assign)) = f.catch.get(index) else { return Ok(error_output) };
    let states = states(raw, env.context, &[("errorOutput", &error_output)]);
    let assigned = match assign {
        Some(t) => Some(eval(t, &states, "Assign", env)?),
        None => None,
    };
    let out = match output {
        Some(t) => eval(t, &states, "Output", env)?,
        None => error_output,
    };
    commit(assigned, env);
    Ok(out)
}

/// Stores an `Assign` object's variables.
fn commit(assigned: Option<Value>, env: &mut Env<'_>) {
    if let Some(Value::Object(values)) = assigned {
        env.assign(values);
    }
}

/// AWS's message for an expression whose result has the wrong type.
pub fn unexpected_type(t: &Template, field: &str, expected: &str, v: &Value) -> Fault {
    let text = match t {
        Template::Expr(e) => e.text().to_string(),
        _ => history::json_text(v),
    };
    Fault::Query(format!(
        "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
        jsonata::type_name(v),
        history::json_text(v)
    ))
}
