//! States in JSONata mode: `Arguments`, `Output`, `Assign`, `Condition`, `Items` and the other
//! fields as templates over the `$states` variable (`input`, `context`, `result`, `errorOutput`).

use serde_json::{json, Map, Value};

use super::{Execution, Fault, FrameId, Phase, Vars};
use crate::history;
use crate::jsonata::{self, Env, Template as JTemplate};
use crate::model::{JaFields, Kind, State};

impl Execution {
    /// Evaluates a JSONata template for frame `f` with `$states` and the frame's variables.
    pub(super) fn ja_eval(&mut self, f: FrameId, t: &JTemplate, states: &Value, field: &str) -> Result<Value, Fault> {
        let vars = Vars { scopes: &self.scopes, scope: self.frames[f].scope };
        let lookup = |n: &str| vars.get(n).cloned();
        let now = history::iso_millis(self.now);
        let mut env = Env { states, variables: &lookup, now_iso: &now, rng: &mut self.rng };
        t.eval(&mut env, field).map_err(Fault::from)
    }

    /// `$states` for frame `f`: its raw input, the context object, and `extra` members.
    pub(super) fn ja_states(&self, f: FrameId, input: &Value, extra: &[(&str, &Value)]) -> Value {
        let mut m = Map::new();
        m.insert("input".into(), input.clone());
        m.insert("context".into(), self.context(f));
        for (k, v) in extra {
            m.insert((*k).to_string(), (*v).clone());
        }
        Value::Object(m)
    }

    fn ja_fields(st: &State) -> &JaFields {
        static EMPTY: std::sync::OnceLock<JaFields> = std::sync::OnceLock::new();
        st.ja.as_deref().unwrap_or_else(|| EMPTY.get_or_init(JaFields::default))
    }

    /// Runs a JSONata state after its `*StateEntered` event.
    pub(super) fn run_jsonata(&mut self, f: FrameId, st: &State, input: &Value) -> Result<(), Fault> {
        let ja = Self::ja_fields(st);
        match &st.kind {
            Kind::Pass { .. } | Kind::Succeed => {
                self.frames[f].input = input.clone();
                self.ja_finish(f, None);
                Ok(())
            }
            Kind::Fail { .. } => {
                let states = self.ja_states(f, input, &[]);
                let error = match &ja.error {
                    Some(t) => Some(text_of(self.ja_eval(f, t, &states, "Error")?)),
                    None => None,
                };
                let cause = match &ja.cause {
                    Some(t) => Some(text_of(self.ja_eval(f, t, &states, "Cause")?)),
                    None => None,
                };
                self.frames[f].input = input.clone();
                let failure =
                    crate::error::Failure { error: error.unwrap_or_default(), cause: cause.unwrap_or_default() };
                self.thread_failed(f, failure);
                Ok(())
            }
            Kind::Choice { default, .. } => {
                let states = self.ja_states(f, input, &[]);
                let mut chosen = None;
                for rule in &ja.rules {
                    let v = self.ja_eval(f, &rule.condition, &states, "Condition")?;
                    match v {
                        Value::Bool(true) => {
                            chosen = Some((rule.next, rule.assign.as_ref(), rule.output.as_ref()));
                            break;
                        }
                        Value::Bool(false) => {}
                        other => return Err(unexpected_type(&rule.condition, "Condition", "boolean", &other)),
                    }
                }
                let (next, assign, output) = match (chosen, default) {
                    (Some(c), _) => c,
                    (None, Some(d)) => (*d, ja.assign.as_ref(), ja.output.as_ref()),
                    (None, None) => {
                        return Err(Fault::Failure(crate::error::Failure::new(
                            crate::error::ErrorName::NoChoiceMatched,
                            "No Matches!",
                        )))
                    }
                };
                let assigned = match assign {
                    Some(t) => Some(self.ja_eval(f, t, &states, "Assign")?),
                    None => None,
                };
                let out = match output {
                    Some(t) => self.ja_eval(f, t, &states, "Output")?,
                    None => input.clone(),
                };
                self.commit_assign(f, assigned);
                let d = history::state_exited(&st.name, &out);
                self.emit_frame(f, "ChoiceStateExited", d);
                self.goto(f, next, out);
                Ok(())
            }
            Kind::Wait(_) => {
                let states = self.ja_states(f, input, &[]);
                let until = if let Some(t) = &ja.seconds {
                    let v = self.ja_eval(f, t, &states, "Seconds")?;
                    match v.as_i64() {
                        Some(n) if n >= 0 => self.now.saturating_add(n.saturating_mul(1000)),
                        _ => return Err(unexpected_type(t, "Seconds", "integer", &v)),
                    }
                } else if let Some(t) = &ja.timestamp {
                    let v = self.ja_eval(f, t, &states, "Timestamp")?;
                    match v.as_str().and_then(crate::model::parse_timestamp) {
                        Some(ms) => ms,
                        None => {
                            return Err(Fault::Query(format!(
                                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                                text_of(v)
                            )))
                        }
                    }
                } else {
                    self.now
                };
                self.frames[f].input = input.clone();
                self.frames[f].phase = Phase::Blocked;
                self.add_timer(until, f);
                Ok(())
            }
            Kind::Task(spec) => {
                self.frames[f].task_token = super::task::new_task_token(&spec.resource, &mut self.rng);
                let states = self.ja_states(f, input, &[]);
                let args = match &ja.arguments {
                    Some(t) => self.ja_eval(f, t, &states, "Arguments")?,
                    None => input.clone(),
                };
                let timeout = match &ja.timeout {
                    Some(t) => Some(self.ja_number(f, t, &states, "TimeoutSeconds")?),
                    None => None,
                };
                let heartbeat = match &ja.heartbeat {
                    Some(t) => Some(self.ja_number(f, t, &states, "HeartbeatSeconds")?),
                    None => None,
                };
                self.frames[f].input = input.clone();
                self.schedule_task(f, &st.name, spec, args, timeout, heartbeat);
                Ok(())
            }
            Kind::Parallel { branches } => {
                let states = self.ja_states(f, input, &[]);
                let args = match &ja.arguments {
                    Some(t) => self.ja_eval(f, t, &states, "Arguments")?,
                    None => input.clone(),
                };
                self.frames[f].input = input.clone();
                self.start_parallel(f, branches, args);
                Ok(())
            }
            Kind::Map(spec) => {
                let states = self.ja_states(f, input, &[]);
                let items = match &ja.items {
                    Some(t) => {
                        let v = self.ja_eval(f, t, &states, "Items")?;
                        if !v.is_array() {
                            return Err(unexpected_type(t, "Items", "array", &v));
                        }
                        v
                    }
                    None => input.clone(),
                };
                let Value::Array(items) = items else {
                    return Err(Fault::Query(format!(
                        "Map state input must be an array but was: {}",
                        history::json_text(&items)
                    )));
                };
                let max_concurrency = match &ja.max_concurrency {
                    Some(t) => self.ja_number(f, t, &states, "MaxConcurrency")?.max(0.0) as usize,
                    None => 0,
                };
                let tolerated_count = match &ja.tolerated_count {
                    Some(t) => Some(self.ja_number(f, t, &states, "ToleratedFailureCount")?.max(0.0) as u64),
                    None => None,
                };
                let tolerated_percentage = match &ja.tolerated_percentage {
                    Some(t) => Some(self.ja_number(f, t, &states, "ToleratedFailurePercentage")?),
                    None => None,
                };
                self.frames[f].input = input.clone();
                self.launch_map(
                    f,
                    st,
                    spec,
                    items,
                    max_concurrency,
                    tolerated_count,
                    tolerated_percentage,
                    input.clone(),
                );
                Ok(())
            }
        }
    }

    fn ja_number(&mut self, f: FrameId, t: &JTemplate, states: &Value, field: &str) -> Result<f64, Fault> {
        let v = self.ja_eval(f, t, states, field)?;
        v.as_f64().ok_or_else(|| unexpected_type(t, field, "number", &v))
    }

    /// The input of one Map iteration in JSONata mode: `ItemSelector` or the item itself.
    pub(super) fn ja_item_input(
        &mut self,
        f: FrameId,
        st: &State,
        input: &Value,
        index: usize,
        item: &Value,
    ) -> Result<Value, Fault> {
        let ja = Self::ja_fields(st);
        match &ja.item_selector {
            Some(t) => {
                let mut states = self.ja_states(f, input, &[]);
                states["context"]["Map"] = json!({"Item": {"Index": index, "Value": item}});
                self.ja_eval(f, t, &states, "ItemSelector")
            }
            None => Ok(item.clone()),
        }
    }

    /// A JSONata state's end: `Assign` and `Output` over `$states` (with `result` when the state
    /// produced one), both from the values before this state assigns; then the exit.
    pub(super) fn ja_finish(&mut self, f: FrameId, result: Option<Value>) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let ja = Self::ja_fields(st);
        let raw = std::mem::take(&mut self.frames[f].input);
        let outcome = (|| -> Result<(Option<Value>, Value), Fault> {
            let states = match &result {
                Some(r) => self.ja_states(f, &raw, &[("result", r)]),
                None => self.ja_states(f, &raw, &[]),
            };
            let assigned = match &ja.assign {
                Some(t) => Some(self.ja_eval(f, t, &states, "Assign")?),
                None => None,
            };
            let out = match &ja.output {
                Some(t) => self.ja_eval(f, t, &states, "Output")?,
                None => result.clone().unwrap_or_else(|| raw.clone()),
            };
            Ok((assigned, out))
        })();
        match outcome {
            Ok((assigned, out)) => {
                self.commit_assign(f, assigned);
                self.finish_with_output(f, out);
            }
            Err(fault) => {
                self.frames[f].input = raw;
                self.state_failed(f, fault);
            }
        }
    }

    /// A JSONata catcher's output: its `Output` over `$states.errorOutput` (the error output by
    /// default), after its `Assign`.
    pub(super) fn ja_catch_output(
        &mut self,
        f: FrameId,
        st: &State,
        index: usize,
        error_output: Value,
    ) -> Result<Value, Fault> {
        let ja = Self::ja_fields(st);
        let Some((output, assign)) = ja.catch.get(index) else { return Ok(error_output) };
        let raw = self.frames[f].input.clone();
        let states = self.ja_states(f, &raw, &[("errorOutput", &error_output)]);
        let assigned = match assign {
            Some(t) => Some(self.ja_eval(f, t, &states, "Assign")?),
            None => None,
        };
        let out = match output {
            Some(t) => self.ja_eval(f, t, &states, "Output")?,
            None => error_output,
        };
        self.commit_assign(f, assigned);
        Ok(out)
    }

    /// Stores assigned variables in the frame's scope.
    pub(super) fn commit_assign(&mut self, f: FrameId, assigned: Option<Value>) {
        if let Some(Value::Object(map)) = assigned {
            let scope = self.frames[f].scope;
            if let Some(s) = self.scopes.get_mut(scope) {
                s.vars.extend(map);
            }
        }
    }
}

/// A value as text: strings as they are, anything else as JSON.
fn text_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => history::json_text(&other),
    }
}

/// AWS's message for an expression whose result has the wrong type.
fn unexpected_type(t: &JTemplate, field: &str, expected: &str, v: &Value) -> Fault {
    let text = match t {
        JTemplate::Expr(e) => e.text().to_string(),
        _ => history::json_text(v),
    };
    Fault::Query(format!(
        "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
        jsonata::type_name(v),
        history::json_text(v)
    ))
}
