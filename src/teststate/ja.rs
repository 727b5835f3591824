//! Running a JSONata state: `$states`, `Arguments`, `Output`, `Assign`, `Condition`, `Items`.

use serde_json::{Map, Value};

use super::run::{number, text_of, Outcome, Run, Step, Stop};
use super::START_ISO;
use crate::error::{ErrorName, Failure};
use crate::jsonata::{Env, Template as JTemplate};
use crate::model::{Kind, NumberField};

impl Run<'_> {
    // ---- JSONata ----

    pub(super) fn ja(&mut self, t: &JTemplate, states: &Value, field: &str) -> Step<Value> {
        let vars = &self.vars;
        let lookup = |n: &str| vars.get(n).cloned();
        let mut env = Env { states, variables: &lookup, now_iso: START_ISO, rng: &mut self.rng };
        Ok(t.eval(&mut env, field)?)
    }

    pub(super) fn states(&self, input: &Value, extra: &[(&str, &Value)]) -> Value {
        let mut m = Map::new();
        m.insert("input".into(), input.clone());
        m.insert("context".into(), self.ctx.clone());
        for (k, v) in extra {
            m.insert((*k).to_string(), (*v).clone());
        }
        Value::Object(m)
    }

    /// `Output` (default: the result, or the input) and `Assign`, both over the same `$states`.
    pub(super) fn ja_finish(&mut self, input: &Value, result: Option<&Value>, next: Option<String>) -> Step<Outcome> {
        let st = self.st;
        let ja = st.ja.as_deref();
        let extra: Vec<(&str, &Value)> = result.map(|r| ("result", r)).into_iter().collect();
        let states = self.states(input, &extra);
        let output = match ja.and_then(|j| j.output.as_ref()) {
            Some(t) => self.ja(t, &states, "Output")?,
            None => result.unwrap_or(input).clone(),
        };
        if let Some(t) = ja.and_then(|j| j.assign.as_ref()) {
            if let Value::Object(m) = self.ja(t, &states, "Assign")? {
                self.vars.extend(m);
                self.assigned = true;
            }
        }
        Ok(Outcome::Succeeded { output, next })
    }

    pub(super) fn run_jsonata(&mut self, input: &Value) -> Step<Outcome> {
        let st = self.st;
        let next = self.next_name();
        let ja = st.ja.as_deref();
        let states = self.states(input, &[]);
        match &st.kind {
            Kind::Pass { .. } | Kind::Succeed | Kind::Wait(_) => self.ja_finish(input, None, next),
            Kind::Task(_) => {
                let args = match ja.and_then(|j| j.arguments.as_ref()) {
                    Some(t) => self.ja(t, &states, "Arguments")?,
                    None => input.clone(),
                };
                self.note("afterArguments", &args);
                let result = self.task_result()?;
                self.ja_finish(input, Some(&result), next)
            }
            Kind::Parallel { .. } => {
                if let Some(t) = ja.and_then(|j| j.arguments.as_ref()) {
                    self.ja(t, &states, "Arguments")?;
                }
                let result = self.fanout_result()?;
                self.ja_finish(input, Some(&result), next)
            }
            Kind::Fail { .. } => {
                let error = match ja.and_then(|j| j.error.as_ref()) {
                    Some(t) => text_of(self.ja(t, &states, "Error")?),
                    None => String::new(),
                };
                let cause = match ja.and_then(|j| j.cause.as_ref()) {
                    Some(t) => text_of(self.ja(t, &states, "Cause")?),
                    None => String::new(),
                };
                Err(Failure { error, cause }.into())
            }
            Kind::Choice { default, .. } => {
                let rules = ja.map(|j| &j.rules[..]).unwrap_or(&[]);
                let mut chosen = None;
                for rule in rules {
                    match self.ja(&rule.condition, &states, "Condition")? {
                        Value::Bool(true) => {
                            chosen = Some((rule.next, rule.assign.as_ref(), rule.output.as_ref()));
                            break;
                        }
                        Value::Bool(false) => {}
                        other => return Err(unexpected_type(&rule.condition, "Condition", "boolean", &other)),
                    }
                }
                // A rule's own Assign and Output, or the state's when Default is taken.
                let (next, assign, output) = match (chosen, default) {
                    (Some(c), _) => c,
                    (None, Some(d)) => (*d, ja.and_then(|j| j.assign.as_ref()), ja.and_then(|j| j.output.as_ref())),
                    (None, None) => return Err(Failure::new(ErrorName::NoChoiceMatched, "No Matches!").into()),
                };
                let output = match output {
                    Some(t) => self.ja(t, &states, "Output")?,
                    None => input.clone(),
                };
                if let Some(t) = assign {
                    if let Value::Object(m) = self.ja(t, &states, "Assign")? {
                        self.vars.extend(m);
                        self.assigned = true;
                    }
                }
                Ok(Outcome::Succeeded { output, next: self.names.get(next).cloned() })
            }
            Kind::Map(spec) => {
                let items = match (ja.and_then(|j| j.items.as_ref()), self.reader_items(), &spec.items) {
                    (_, Some(items), _) => items,
                    (Some(t), None, _) => {
                        let v = self.ja(t, &states, "Items")?;
                        if !v.is_array() {
                            return Err(unexpected_type(t, "Items", "array", &v));
                        }
                        v
                    }
                    (None, None, Some(v)) => v.clone(),
                    (None, None, None) => input.clone(),
                };
                let Value::Array(list) = &items else {
                    return Err(Failure::new(
                        ErrorName::QueryEvaluationError,
                        format!("Map state input must be an array but was: {}", crate::history::json_text(&items)),
                    )
                    .into());
                };
                let n = list.len();
                if let Some(sel) = ja.and_then(|j| j.item_selector.as_ref()) {
                    self.item_inputs(list, |run, _| {
                        let states = run.states(input, &[]);
                        run.ja(sel, &states, "ItemSelector")
                    })?;
                }
                let max = match (ja.and_then(|j| j.max_concurrency.as_ref()), &spec.max_concurrency) {
                    (Some(t), _) => self.ja(t, &states, "MaxConcurrency")?.as_f64().unwrap_or(0.0),
                    (None, Some(NumberField::Value(v))) => *v,
                    _ => 0.0,
                };
                self.insp.insert("maxConcurrency".into(), number(max));
                let count = match (ja.and_then(|j| j.tolerated_count.as_ref()), &spec.tolerated_failure_count) {
                    (Some(t), _) => self.ja(t, &states, "ToleratedFailureCount")?.as_f64(),
                    (None, Some(NumberField::Value(v))) => Some(*v),
                    _ => None,
                };
                let pct = match (ja.and_then(|j| j.tolerated_percentage.as_ref()), &spec.tolerated_failure_percentage) {
                    (Some(t), _) => self.ja(t, &states, "ToleratedFailurePercentage")?.as_f64(),
                    (None, Some(NumberField::Value(v))) => Some(*v),
                    _ => None,
                };
                let result = self.map_result(n, count, pct)?;
                self.ja_finish(input, Some(&result), next)
            }
        }
    }
}

/// AWS's message for an expression whose result has the wrong type (as `exec` words it).
pub(super) fn unexpected_type(t: &JTemplate, field: &str, expected: &str, v: &Value) -> Stop {
    let text = match t {
        JTemplate::Expr(e) => e.text().to_string(),
        _ => crate::history::json_text(v),
    };
    Failure::new(
        ErrorName::QueryEvaluationError,
        format!(
            "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
            crate::jsonata::type_name(v),
            crate::history::json_text(v)
        ),
    )
    .into()
}
