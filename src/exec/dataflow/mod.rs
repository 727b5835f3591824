//! A state's data flow as pure functions, shared by the executor and `TestState`.
//!
//! Each function computes one stage of a state's data from its raw input, in the state's query
//! language ([`Flow`]): the work input (`InputPath` and `Parameters`, or `Arguments`), the
//! output (`ResultSelector`, `Assign`, `ResultPath` and `OutputPath`, or `Assign` and `Output`),
//! a Choice state's pick, a Fail state's error and cause, a catcher's output and a Map
//! iteration's input. They read and assign variables, and draw random numbers, through an
//! [`Env`]; they never record history events. With an [`Inspection`] in the `Env` they also
//! note each step under the key `TestState`'s `inspectionData` shows it with; the executor
//! gives none, and then nothing is noted.
//!
//! [`path`] is the JSONPath side, [`jsonata`] the JSONata one.
//!
//! ```
//! use asl_sim::exec::dataflow::{self, Env, Inspection};
//! use asl_sim::model;
//! use serde_json::{json, Map, Value};
//!
//! let m = model::load(&json!({"StartAt": "P", "States": {"P": {
//!     "Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"}, "ResultPath": "$.r", "End": true}}}))
//! .unwrap();
//! let st = &m.states[0];
//! let (mut vars, mut rng, mut insp) = (Map::new(), fastrand::Rng::with_seed(0), Inspection::default());
//! let mut env = Env::new(&Value::Null, &mut vars, &mut rng, 0).inspected(&mut insp);
//! let mut raw = json!({"a": {"b": 1}});
//! let result = dataflow::work_input(st, &raw, &mut env).unwrap();
//! let output = dataflow::output(st, &mut raw, result, &mut env).unwrap();
//! assert_eq!(output, json!({"a": {"b": 1}, "r": {"x": 1}}));
//! assert_eq!(insp.data["afterParameters"], r#"{"x":1}"#);
//! ```

use std::borrow::Cow;

use serde_json::{json, Map, Value};

use super::Fault;
use crate::error::Failure;
use crate::history;
use crate::model::{Flow, Kind, State};

pub mod jsonata;
pub mod path;

pub use path::eval_template;

/// Where a state's fields read and assign workflow variables: an execution's scopes, or a
/// flat map (`TestState`'s `variables`).
pub trait Variables {
    /// The value of variable `name`.
    fn get(&self, name: &str) -> Option<&Value>;
    /// Stores assigned variables (all computed before any is stored).
    fn assign(&mut self, values: Map<String, Value>);
}

impl Variables for Map<String, Value> {
    fn get(&self, name: &str) -> Option<&Value> {
        Map::get(self, name)
    }

    fn assign(&mut self, values: Map<String, Value>) {
        self.extend(values);
    }
}

/// What `TestState` shows of a state's data flow: each step's value by its `inspectionData`
/// key, as JSON text.
#[derive(Debug, Default)]
pub struct Inspection {
    /// `input`, `afterInputPath`, `afterParameters` or `afterArguments`, `afterResultSelector`,
    /// `afterResultPath`, and whatever else the caller notes (`result`, `maxConcurrency`, ...).
    pub data: Map<String, Value>,
    /// True once the state assigned variables (`inspectionData.variables` then shows them).
    pub assigned: bool,
}

impl Inspection {
    /// Notes a step's value as JSON text.
    #[cold]
    pub fn note(&mut self, key: &str, v: &Value) {
        self.data.insert(key.into(), Value::String(history::json_text(v)));
    }
}

/// What a state's fields can read: the context object, the variables, the random source and
/// the clock; and what notes the steps, if anything.
pub struct Env<'a> {
    /// The context object (`$$`, `$states.context`). A JSONPath state that reads no context
    /// may get `null`.
    pub context: &'a Value,
    /// The workflow variables.
    pub vars: &'a mut dyn Variables,
    /// The seeded random source (`States.UUID`, `$random()`, ...).
    pub rng: &'a mut fastrand::Rng,
    /// The virtual clock (epoch ms), for JSONata's `$now()` and `$millis()`.
    pub now: i64,
    /// Notes each step when set (`TestState`).
    pub inspect: Option<&'a mut Inspection>,
    /// The budgets of each JSONata evaluation.
    pub jsonata: crate::jsonata::Limits,
}

impl<'a> Env<'a> {
    /// An environment that notes nothing.
    pub fn new(context: &'a Value, vars: &'a mut dyn Variables, rng: &'a mut fastrand::Rng, now: i64) -> Env<'a> {
        Env { context, vars, rng, now, inspect: None, jsonata: crate::jsonata::Limits::default() }
    }

    /// The same environment, with these JSONata budgets.
    pub fn with_jsonata(self, jsonata: crate::jsonata::Limits) -> Env<'a> {
        Env { jsonata, ..self }
    }

    /// The same environment, noting each step in `inspection`.
    pub fn inspected(self, inspection: &'a mut Inspection) -> Env<'a> {
        Env { inspect: Some(inspection), ..self }
    }

    /// Notes a step's value when inspecting.
    #[inline]
    pub fn note(&mut self, key: &str, v: &Value) {
        if let Some(i) = self.inspect.as_deref_mut() {
            i.note(key, v);
        }
    }

    /// Stores assigned variables.
    fn assign(&mut self, values: Map<String, Value>) {
        self.vars.assign(values);
        if let Some(i) = self.inspect.as_deref_mut() {
            i.assigned = true;
        }
    }
}

/// The effective input: after `InputPath` (noted as `afterInputPath`) in JSONPath, borrowed
/// from the raw input where it can be; the raw input itself in JSONata.
pub fn effective_input<'v>(st: &State, raw: &'v Value, env: &mut Env<'_>) -> Result<Cow<'v, Value>, Fault> {
    match &st.flow {
        Flow::JsonPath(p) => path::input_path(p, raw, env),
        Flow::Jsonata(_) => Ok(Cow::Borrowed(raw)),
    }
}

/// What a Pass, Task or Parallel state works on: `InputPath` then `Parameters` (noted as
/// `afterParameters`), or `Arguments` (noted as `afterArguments`); the input by default.
pub fn work_input(st: &State, raw: &Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    match &st.flow {
        Flow::JsonPath(p) => {
            let eff = path::input_path(p, raw, env)?;
            path::parameters(p, eff, env)
        }
        Flow::Jsonata(j) => jsonata::arguments(j, raw, env),
    }
}

/// The output of a state with a result: `ResultSelector`, `Assign`, `ResultPath` (into `raw`,
/// which it may take; left in place when it fails) and `OutputPath`; or `Assign` and `Output`
/// over `$states` (the result by default).
pub fn output(st: &State, raw: &mut Value, result: Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    match &st.flow {
        Flow::JsonPath(p) => path::shape_result(p, raw, result, env),
        Flow::Jsonata(j) => jsonata::finish(j, raw, Some(result), env),
    }
}

/// The output of a state without a result (Succeed, Wait, a JSONata Pass): `InputPath`,
/// `Assign` and `OutputPath`; or `Assign` and `Output` over `$states` (the input by default).
pub fn pass_through(st: &State, raw: &Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    match &st.flow {
        Flow::JsonPath(p) => path::pass_through(p, raw, env),
        Flow::Jsonata(j) => jsonata::finish(j, raw, None, env),
    }
}

/// A Choice state's pick: the index of the next state and the output, after the matching
/// rule's `Assign` (or the state's, with `Default`). `States.NoChoiceMatched` when nothing matches.
/// The output is `None` when it is the input itself (no copy is made).
pub fn choose(st: &State, raw: &Value, env: &mut Env<'_>) -> Result<(usize, Option<Value>), Fault> {
    let default = match st.kind {
        Kind::Choice { default } => default,
        _ => None,
    };
    match &st.flow {
        Flow::JsonPath(p) => path::choose(p, default, raw, env),
        Flow::Jsonata(j) => jsonata::choose(j, default, raw, env),
    }
}

/// A Choice state whose rules all fail and that has no `Default`: AWS's error and cause.
fn no_choice_matched() -> Fault {
    Fault::Failure(Failure::new(crate::error::ErrorName::NoChoiceMatched, "No Matches!"))
}

/// A Fail state's error and cause (`Error`/`ErrorPath`, `Cause`/`CausePath`), empty when absent.
pub fn fail(st: &State, raw: &Value, env: &mut Env<'_>) -> Result<Failure, Fault> {
    match &st.flow {
        Flow::JsonPath(p) => path::fail(p, raw, env),
        Flow::Jsonata(j) => jsonata::fail(j, raw, env),
    }
}

/// The output of catcher `index` for `failure`: its `ResultPath` into the raw input, or its
/// `Assign` and `Output` over `$states.errorOutput` (the error output by default).
pub fn catch_output(
    st: &State,
    index: usize,
    raw: Value,
    failure: &Failure,
    env: &mut Env<'_>,
) -> Result<Value, Fault> {
    let error_output = json!({"Error": failure.error, "Cause": failure.cause});
    match &st.flow {
        Flow::JsonPath(p) => {
            // The catcher's Assign reads the error output as `$` (the ASL specification's JSONPath
            // Catchers: "the interpreter evaluates the matching Catcher's "Assign" field"), and
            // takes effect after the catcher's ResultPath.
            let values = match p.catch_assign.get(index).and_then(Option::as_ref) {
                Some(a) => path::assigned(a, &error_output, env)?,
                None => None,
            };
            let out = match p.catch.get(index) {
                Some(rp) => path::result_path(rp, raw, error_output)?,
                None => error_output,
            };
            if let Some(values) = values {
                env.assign(values);
            }
            Ok(out)
        }
        Flow::Jsonata(j) => jsonata::catch_output(j, index, &raw, error_output, env),
    }
}

/// The input of one Map iteration: `ItemSelector` over the state's effective input (with the
/// item in the context object's `Map.Item`), or the item itself.
pub fn item_input(st: &State, eff: &Value, item: &Value, env: &mut Env<'_>) -> Result<Value, Fault> {
    match &st.flow {
        Flow::JsonPath(p) => match &p.item_selector {
            Some(sel) => path::eval(sel, eff, env),
            None => Ok(item.clone()),
        },
        Flow::Jsonata(j) => match &j.item_selector {
            Some(t) => {
                let states = jsonata::states(eff, env.context, &[]);
                jsonata::eval(t, &states, "ItemSelector", env)
            }
            None => Ok(item.clone()),
        },
    }
}

/// A value as text: strings as they are, anything else as JSON.
pub fn text_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => history::json_text(&other),
    }
}

#[cfg(test)]
mod tests;
