//! The JSONPath data flow: `InputPath`, `Parameters`, `ResultSelector`, `ResultPath`,
//! `OutputPath` and `Assign`, Choice rules and a Fail state's `ErrorPath` / `CausePath`.

use std::borrow::Cow;

use serde_json::{json, Map, Value};

use super::{Env, Variables};
use crate::error::{ErrorName, Failure};
use crate::exec::Fault;
use crate::history;
use crate::intrinsics::Scope;
use crate::jsonpath::JsonPath;
use crate::model::{Moves, PathField, PathFields, ResultPath, Source, Template};

/// The document a path reads: a variable, the context object, or `doc`.
fn root<'d>(p: &JsonPath, doc: &'d Value, env: &'d Env<'_>) -> Result<&'d Value, Fault> {
    match p.variable() {
        Some(name) => env.vars.get(name).ok_or_else(|| undefined_variable(p, name)),
        None if p.is_context() => Ok(env.context),
        None => Ok(doc),
    }
}

/// A path's value in `doc` (or the variable or context object it names); AWS's runtime error
/// when it matches nothing.
pub fn select(p: &JsonPath, doc: &Value, env: &Env<'_>) -> Result<Value, Fault> {
    select_or_invalid(p, root(p, doc, env)?)
}

/// Like [`select`], with `None` when the path matches nothing.
pub fn select_opt(p: &JsonPath, doc: &Value, env: &Env<'_>) -> Result<Option<Value>, Fault> {
    Ok(p.select(root(p, doc, env)?))
}

/// `InputPath` (noted as `afterInputPath`): the effective input, borrowed from the raw input
/// where it can be.
#[inline]
pub fn input_path<'v>(f: &PathFields, raw: &'v Value, env: &mut Env<'_>) -> Result<Cow<'v, Value>, Fault> {
    let eff = match &f.input_path {
        PathField::Whole => Cow::Borrowed(raw),
        _ => selected_input(f, raw, env)?,
    };
    env.note("afterInputPath", &eff);
    Ok(eff)
}

fn selected_input<'v>(f: &PathFields, raw: &'v Value, env: &Env<'_>) -> Result<Cow<'v, Value>, Fault> {
    Ok(match &f.input_path {
        PathField::Whole => Cow::Borrowed(raw),
        PathField::Null => Cow::Owned(json!({})),
        PathField::Path(p) if p.variable().is_none() && !p.is_context() && p.is_definite() => match p.select_ref(raw) {
            Some(v) => Cow::Borrowed(v),
            None => Cow::Owned(select_or_invalid(p, raw)?),
        },
        PathField::Path(p) => Cow::Owned(select(p, raw, env)?),
    })
}

/// `Parameters` over the effective input (noted as `afterParameters`); the effective input
/// when there are none.
pub fn parameters(f: &PathFields, eff: Cow<'_, Value>, env: &mut Env<'_>) -> Result<Value, Fault> {
    let params = match &f.parameters {
        Some(t) => eval(t, &eff, env)?,
        None => eff.into_owned(),
    };
    env.note("afterParameters", &params);
    Ok(params)
}

/// A payload template over `input`, with the environment's context object and variables.
pub fn eval(t: &Template, input: &Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    eval_template(t, input, env.context, &*env.vars, env.rng)
}

/// `Assign` over `doc`: every value computed, none stored yet (see [`commit`]).
pub fn assigned(t: &Template, doc: &Value, env: &mut Env<'_>) -> Result<Option<Map<String, Value>>, Fault> {
    match eval(t, doc, env)? {
        Value::Object(values) => Ok(Some(values)),
        _ => Ok(None),
    }
}

/// Stores what [`assigned`] computed: after the state's `OutputPath`, which (like every field of
/// the state) still reads the variables' values from before it.
fn commit(values: Option<Map<String, Value>>, env: &mut Env<'_>) {
    if let Some(values) = values {
        env.assign(values);
    }
}

/// A state's result to its output: `ResultSelector` (noted as `afterResultSelector`), `Assign`,
/// `ResultPath` into `raw` (noted as `afterResultPath`), then `OutputPath`. `raw` is taken when
/// the result goes into it, and left in place when `ResultPath` fails.
pub fn shape_result(f: &PathFields, raw: &mut Value, result: Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    let result = match &f.result_selector {
        Some(sel) => eval(sel, &result, env)?,
        None => result,
    };
    env.note("afterResultSelector", &result);
    let values = match &f.assign {
        Some(a) => assigned(a, &result, env)?,
        None => None,
    };
    let combined = match &f.result_path {
        ResultPath::Replace => result,
        ResultPath::Discard => std::mem::take(raw),
        ResultPath::Path(p) => {
            if p.assign(raw, result).is_err() {
                return Err(result_path_failure(p, raw));
            }
            std::mem::take(raw)
        }
    };
    env.note("afterResultPath", &combined);
    let out = output_path(f, combined, env)?;
    commit(values, env);
    Ok(out)
}

/// The output of a state with no result (Succeed, Wait): `InputPath`, `Assign`, `OutputPath`.
pub fn pass_through(f: &PathFields, raw: &Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    let eff = input_path(f, raw, env)?;
    let values = match &f.assign {
        Some(a) => assigned(a, &eff, env)?,
        None => None,
    };
    let out = output_path(f, eff.into_owned(), env)?;
    commit(values, env);
    Ok(out)
}

/// `OutputPath` over a document of ours: the selected part is moved out of it.
#[inline]
pub fn output_path(f: &PathFields, doc: Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    match &f.output_path {
        PathField::Whole => Ok(doc),
        _ => selected_output(f, doc, env),
    }
}

fn selected_output(f: &PathFields, doc: Value, env: &Env<'_>) -> Result<Value, Fault> {
    match &f.output_path {
        PathField::Whole => Ok(doc),
        PathField::Null => Ok(json!({})),
        PathField::Path(p) if p.variable().is_none() && !p.is_context() => {
            let mut doc = doc;
            match p.take(&mut doc) {
                Some(v) => Ok(v),
                None => select_or_invalid(p, &doc),
            }
        }
        PathField::Path(p) => select(p, &doc, env),
    }
}

/// `ResultPath` of a catcher (or a state): `value` into the raw input.
pub fn result_path(rp: &ResultPath, raw: Value, value: Value) -> Result<Value, Fault> {
    match rp {
        ResultPath::Replace => Ok(value),
        ResultPath::Discard => Ok(raw),
        ResultPath::Path(p) => {
            let mut raw = raw;
            match p.assign(&mut raw, value) {
                Ok(_) => Ok(raw),
                Err(_) => Err(result_path_failure(p, &raw)),
            }
        }
    }
}

fn result_path_failure(p: &JsonPath, raw: &Value) -> Fault {
    Fault::Failure(Failure::new(
        ErrorName::ResultPathMatchFailure,
        format!("Unable to apply ResultPath \"{}\" to input \"{}\"", p.text(), history::json_text(raw)),
    ))
}

/// A Choice state: the first matching rule's target (`default` when none matches), the state's
/// `Assign` and the rule's, and `OutputPath` over the effective input.
pub fn choose(
    f: &PathFields,
    default: Option<usize>,
    raw: &Value,
    env: &mut Env<'_>,
) -> Result<(usize, Option<Value>), Fault> {
    let eff = input_path(f, raw, env)?;
    let mut picked = None;
    {
        let (vars, ctx) = (&*env.vars, env.context);
        let root = |p: &JsonPath| -> Option<&Value> {
            match p.variable() {
                Some(name) => vars.get(name),
                None if p.is_context() => Some(ctx),
                None => Some(&eff),
            }
        };
        for choice in &f.choices {
            match choice.rule.eval(&root) {
                Ok(true) => {
                    picked = Some(choice);
                    break;
                }
                Ok(false) => {}
                Err(p) => {
                    return Err(Fault::Runtime(format!(
                        "Invalid path '{}': The choice state's condition path references an invalid value.",
                        p.0
                    )))
                }
            }
        }
    }
    // The state's Assign applies whichever way the state goes, a matching rule's with it (AWS's
    // Choice state page: each rule "can have its own Assign block ... You can also specify an
    // Assign block at the state level, which applies regardless of which choice rule matches").
    // Where both assign a variable the rule's value wins: not recorded on AWS, the more specific
    // of the two.
    let (next, rule_assign) = match (picked, default) {
        (Some(c), _) => (c.next, c.assign.as_ref()),
        (None, Some(d)) => (d, None),
        (None, None) => return Err(super::no_choice_matched()),
    };
    let mut values = match &f.assign {
        Some(a) => assigned(a, &eff, env)?,
        None => None,
    };
    if let Some(a) = rule_assign {
        if let Some(rule_values) = assigned(a, &eff, env)? {
            values.get_or_insert_with(Map::new).extend(rule_values);
        }
    }
    // Without InputPath and OutputPath the output is the input: `None`, not a copy of it.
    let out = match (&f.input_path, &f.output_path) {
        (PathField::Whole, PathField::Whole) => None,
        _ => Some(output_path(f, eff.into_owned(), env)?),
    };
    commit(values, env);
    Ok((next, out))
}

/// A Fail state: its error and cause, read from the effective input.
pub fn fail(f: &PathFields, raw: &Value, env: &mut Env<'_>) -> Result<Failure, Fault> {
    let eff = input_path(f, raw, env)?;
    let error = fail_field(&f.error, "ErrorPath", &eff, env)?;
    let cause = fail_field(&f.cause, "CausePath", &eff, env)?;
    Ok(Failure::custom(error.unwrap_or_default(), cause.unwrap_or_default()))
}

fn fail_field(src: &Option<Source>, field: &str, doc: &Value, env: &Env<'_>) -> Result<Option<String>, Fault> {
    let text = match src {
        None => return Ok(None),
        Some(Source::Literal(s)) => Value::String(s.clone()),
        Some(Source::Path(p)) => select_opt(p, doc, env)?.ok_or_else(|| {
            Fault::Runtime(format!(
                "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
                p.text(),
                field,
                history::json_text(doc)
            ))
        })?,
        Some(Source::Intrinsic(i)) => {
            // A Fail state draws no random numbers from the execution's source.
            let mut rng = fastrand::Rng::with_seed(0);
            let vars = &*env.vars;
            let lookup = |name: &str| vars.get(name).cloned();
            let scope = Scope::new(doc, env.context).with_field(field).with_variables(&lookup);
            i.eval_in(&scope, &mut rng)?
        }
    };
    Ok(Some(super::text_of(text)))
}

/// The document a template path reads: a variable, the context object or the input.
fn root_of<'v>(p: &JsonPath, input: &'v Value, ctx: &'v Value, vars: &'v dyn Variables) -> Result<&'v Value, Fault> {
    match p.variable() {
        Some(name) => vars.get(name).ok_or_else(|| undefined_variable(p, name)),
        None if p.is_context() => Ok(ctx),
        None => Ok(input),
    }
}

/// The value of a template object's field `key` (`key.$` when dynamic).
fn eval_field(
    key: &str,
    t: &Template,
    input: &Value,
    ctx: &Value,
    vars: &dyn Variables,
    rng: &mut fastrand::Rng,
) -> Result<Value, Fault> {
    match t {
        Template::Path(p) => {
            let doc = root_of(p, input, ctx, vars)?;
            p.select(doc).ok_or_else(|| {
                Fault::Runtime(format!(
                    "The JSONPath '{}' specified for the field '{key}.$' could not be found in the input '{}'",
                    p.text(),
                    history::json_text(doc)
                ))
            })
        }
        Template::Intrinsic(i) => {
            let lookup = |name: &str| vars.get(name).cloned();
            let scope = Scope::new(input, ctx).with_template_key(key).with_variables(&lookup);
            Ok(i.eval_in(&scope, rng)?)
        }
        other => eval_template(other, input, ctx, vars, rng),
    }
}

/// A Pass state's result with the parts of `raw` that `moves` names moved out of it instead of
/// copied (see [`Moves`]): the same result and errors as [`parameters`] over [`input_path`], for
/// an executor that notes nothing. `None` when a part to move is missing: the usual data flow
/// then runs, and reports it.
pub fn moved_result(f: &PathFields, moves: &Moves, raw: &mut Value, env: &mut Env<'_>) -> Option<Result<Value, Fault>> {
    fn find<'v>(doc: &'v Value, names: &[String]) -> Option<&'v Value> {
        names.iter().try_fold(doc, |v, n| crate::jsonpath::field(v.as_object()?, n))
    }
    fn take(doc: &mut Value, names: &[String]) -> Option<Value> {
        let mut v = doc;
        for n in names {
            v = v.as_object_mut()?.get_mut(n)?;
        }
        Some(std::mem::take(v))
    }
    let fields = match moves {
        Moves::Input(names) => return take(raw, names).map(Ok),
        Moves::Fields(fields) => fields,
    };
    let Some(Template::Object(template)) = &f.parameters else { return None };
    if fields.iter().flatten().any(|names| find(raw, names).is_none()) {
        return None;
    }
    // Every other field first, while the input is whole, in order (as `parameters` would).
    let eff = match &f.input_path {
        PathField::Whole => &*raw,
        PathField::Path(p) => p.select_ref(raw)?,
        PathField::Null => return None,
    };
    let mut values = Vec::with_capacity(template.len());
    for ((k, t), moved) in template.iter().zip(fields) {
        values.push(match moved {
            Some(_) => None,
            None => match eval_field(k, t, eff, env.context, &*env.vars, env.rng) {
                Ok(v) => Some(v),
                Err(fault) => return Some(Err(fault)),
            },
        });
    }
    let mut out = Map::with_capacity(template.len());
    for (((k, _), moved), value) in template.iter().zip(fields).zip(values) {
        let value = match (moved, value) {
            (Some(names), _) => take(raw, names).unwrap_or_default(),
            (None, value) => value.unwrap_or_default(),
        };
        out.insert(k.clone(), value);
    }
    Some(Ok(Value::Object(out)))
}

/// Evaluates a payload template against an input, the context object and the variables.
pub fn eval_template(
    t: &Template,
    input: &Value,
    ctx: &Value,
    vars: &dyn Variables,
    rng: &mut fastrand::Rng,
) -> Result<Value, Fault> {
    match t {
        Template::Literal(v) => Ok(v.clone()),
        Template::Object(fields) => {
            let mut out = Map::with_capacity(fields.len());
            for (k, t) in fields {
                out.insert(k.clone(), eval_field(k, t, input, ctx, vars, rng)?);
            }
            Ok(Value::Object(out))
        }
        Template::Array(items) => items
            .iter()
            .map(|t| eval_template(t, input, ctx, vars, rng))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Template::Path(p) => select_or_invalid(p, root_of(p, input, ctx, vars)?),
        Template::Intrinsic(i) => {
            let lookup = |name: &str| vars.get(name).cloned();
            let scope = Scope::new(input, ctx).with_variables(&lookup);
            Ok(i.eval_in(&scope, rng)?)
        }
    }
}

fn undefined_variable(p: &JsonPath, name: &str) -> Fault {
    Fault::Runtime(format!("Invalid path '{}': The variable '{name}' is not defined.", p.text()))
}

/// A path's value, or AWS's runtime error quoting Jayway (`Invalid path '$.x' : No results for path: $['x']`).
pub fn select_or_invalid(p: &JsonPath, doc: &Value) -> Result<Value, Fault> {
    p.try_select(doc).map_err(|m| Fault::Runtime(format!("Invalid path '{}' : {}", p.text(), m)))
}
