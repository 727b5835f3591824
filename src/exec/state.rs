//! Running a state: the match on its kind, and the JSONPath data flow (InputPath, Parameters,
//! ResultSelector, ResultPath, OutputPath) around its work.

use std::borrow::Cow;

use serde_json::{json, Map, Value};

use super::task::{data_limit_cause, new_task_token};
use super::{Execution, Fault, FrameId, Phase, VarLookup, Vars, MAX_PAYLOAD_BYTES};
use crate::error::{ErrorName, Failure};
use crate::history::{self, Body};
use crate::jsonpath::JsonPath;
use crate::model::{Kind, NumberField, PathField, ResultPath, Source, State, Template, Transition, WaitFor};

impl Execution {
    /// A path's value: read from a variable, the context object, or `doc`.
    pub(super) fn select_path(&self, f: FrameId, p: &JsonPath, doc: &Value) -> Result<Value, Fault> {
        if let Some(name) = p.variable() {
            let v = self.vars(f).get(name).ok_or_else(|| undefined_variable(p, name))?;
            return select_or_invalid(p, v);
        }
        if p.is_context() {
            return select_or_invalid(p, &self.context(f));
        }
        select_or_invalid(p, doc)
    }

    /// Like [`Self::select_path`], with `None` when the path matches nothing.
    pub(super) fn select_path_opt(&self, f: FrameId, p: &JsonPath, doc: &Value) -> Result<Option<Value>, Fault> {
        if let Some(name) = p.variable() {
            let v = self.vars(f).get(name).ok_or_else(|| undefined_variable(p, name))?;
            return Ok(p.select(v));
        }
        if p.is_context() {
            return Ok(p.select(&self.context(f)));
        }
        Ok(p.select(doc))
    }

    pub(super) fn apply_input_path(&self, f: FrameId, input: &Value) -> Result<Value, Fault> {
        match &self.state(f).input_path {
            PathField::Whole => Ok(input.clone()),
            PathField::Null => Ok(json!({})),
            PathField::Path(p) => self.select_path(f, p, input),
        }
    }
    pub(super) fn run_state(&mut self, f: FrameId) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let input = std::mem::take(&mut self.frames[f].input);
        if st.lang == crate::model::QueryLanguage::Jsonata {
            if let Err(fault) = self.run_jsonata(f, st, &input) {
                self.frames[f].input = input;
                self.state_failed(f, fault);
            }
            return;
        }
        // A Pass state's result is computed from the borrowed input, which then moves back to
        // the frame for ResultPath: no copy of the document.
        if let Kind::Pass { result } = &st.kind {
            match self.pass_result(f, st, result.as_ref(), &input) {
                Ok(value) => {
                    self.frames[f].input = input;
                    self.finish_with_result(f, value);
                }
                Err(fault) => {
                    self.frames[f].input = input;
                    self.state_failed(f, fault);
                }
            }
            return;
        }
        if let Err(fault) = self.run_kind(f, st, &input) {
            // The raw input goes back to the frame for Catch's ResultPath.
            self.frames[f].input = input;
            self.state_failed(f, fault);
        }
    }

    pub(super) fn pass_result(
        &mut self,
        f: FrameId,
        st: &State,
        result: Option<&Value>,
        input: &Value,
    ) -> Result<Value, Fault> {
        match result {
            Some(r) => Ok(r.clone()),
            None => self.parameters_applied(f, st, input),
        }
    }

    /// `InputPath`, then `Parameters` when the state has them: what a Pass, Task or Parallel
    /// state works on. The effective input is borrowed, and copied only when it is the answer.
    pub(super) fn parameters_applied(&mut self, f: FrameId, st: &State, input: &Value) -> Result<Value, Fault> {
        let eff = self.effective_input(f, input)?;
        match &st.parameters {
            Some(p) => {
                let ctx = self.context_if_needed(f);
                eval_template(p, &eff, &ctx, &Vars { scopes: &self.scopes, scope: self.frames[f].scope }, &mut self.rng)
            }
            None => Ok(eff.into_owned()),
        }
    }

    /// The effective input (after `InputPath`), borrowed from the raw input where it can be.
    pub(super) fn effective_input<'a>(&self, f: FrameId, input: &'a Value) -> Result<Cow<'a, Value>, Fault> {
        match &self.state(f).input_path {
            PathField::Whole => Ok(Cow::Borrowed(input)),
            PathField::Path(p) if p.variable().is_none() && !p.is_context() && p.is_definite() => {
                match p.select_ref(input) {
                    Some(v) => Ok(Cow::Borrowed(v)),
                    None => select_or_invalid(p, input).map(Cow::Owned),
                }
            }
            _ => self.apply_input_path(f, input).map(Cow::Owned),
        }
    }

    pub(super) fn run_kind(&mut self, f: FrameId, st: &State, input: &Value) -> Result<(), Fault> {
        match &st.kind {
            Kind::Pass { .. } => Ok(()),
            Kind::Succeed => {
                let eff = self.apply_input_path(f, input)?;
                self.frames[f].input = input.clone();
                self.finish_with_output(f, eff);
                Ok(())
            }
            Kind::Fail { error, cause } => {
                let ctx = self.context_if_needed(f);
                let err = self.fail_field(f, error, "ErrorPath", input, &ctx)?;
                let cause = self.fail_field(f, cause, "CausePath", input, &ctx)?;
                self.frames[f].input = input.clone();
                self.thread_failed(f, Failure { error: err.unwrap_or_default(), cause: cause.unwrap_or_default() });
                Ok(())
            }
            Kind::Choice { choices, default } => {
                let eff = self.apply_input_path(f, input)?;
                let ctx = self.context_if_needed(f);
                let mut next = None;
                let vars = self.vars(f);
                let root = |p: &JsonPath| -> Option<&Value> {
                    match p.variable() {
                        Some(name) => vars.get(name),
                        None if p.is_context() => Some(&ctx),
                        None => Some(&eff),
                    }
                };
                let mut assign = st.assign.as_ref();
                for (rule, target, rule_assign) in choices {
                    match rule.eval(&root) {
                        Ok(true) => {
                            next = Some(*target);
                            // A matching rule's Assign replaces the state's (used with Default).
                            assign = rule_assign.as_ref();
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
                let Some(next) = next.or(*default) else {
                    return Err(Fault::Failure(Failure::new(ErrorName::NoChoiceMatched, "No Matches!")));
                };
                if let Some(a) = assign {
                    self.assign(f, a, &eff)?;
                }
                let out = self.apply_output_path(f, &eff)?;
                let d = history::state_exited(&st.name, &out);
                self.emit_frame(f, "ChoiceStateExited", d);
                self.goto(f, next, out);
                Ok(())
            }
            Kind::Wait(w) => {
                let eff = self.apply_input_path(f, input)?;
                let until = self.wait_until(f, w, &eff)?;
                self.frames[f].input = input.clone();
                self.frames[f].phase = Phase::Blocked;
                self.add_timer(until, f);
                Ok(())
            }
            Kind::Task(spec) => {
                // The token first: Parameters may read it as `$$.Task.Token`.
                self.frames[f].task_token = new_task_token(&spec.resource, &mut self.rng);
                let params = self.parameters_applied(f, st, input)?;
                let timeout = match &spec.timeout {
                    Some(t) => Some(self.float_field(f, t, "TimeoutSecondsPath", input)?),
                    None => None,
                };
                let heartbeat = match &spec.heartbeat {
                    Some(h) => Some(self.float_field(f, h, "HeartbeatSecondsPath", input)?),
                    None => None,
                };
                self.frames[f].input = input.clone();
                self.schedule_task(f, &st.name, spec, params, timeout, heartbeat);
                Ok(())
            }
            Kind::Parallel { branches } => {
                let branch_input = self.parameters_applied(f, st, input)?;
                self.frames[f].input = input.clone();
                self.start_parallel(f, branches, branch_input);
                Ok(())
            }
            Kind::Map(spec) => self.start_map(f, st, spec, input),
        }
    }

    pub(super) fn fail_field(
        &self,
        f: FrameId,
        src: &Option<Source>,
        field: &str,
        input: &Value,
        ctx: &Value,
    ) -> Result<Option<String>, Fault> {
        match src {
            None => Ok(None),
            Some(Source::Literal(s)) => Ok(Some(s.clone())),
            Some(Source::Path(p)) => {
                let doc = input;
                match self.select_path_opt(f, p, input)? {
                    Some(Value::String(s)) => Ok(Some(s)),
                    Some(other) => Ok(Some(history::json_text(&other))),
                    None => Err(Fault::Runtime(format!(
                        "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
                        p.text(),
                        field,
                        history::json_text(doc)
                    ))),
                }
            }
            Some(Source::Intrinsic(i)) => {
                let mut rng = fastrand::Rng::with_seed(0);
                let vars = self.vars(f);
                let lookup = |name: &str| vars.get(name).cloned();
                let scope = crate::intrinsics::Scope::new(input, ctx).with_field(field).with_variables(&lookup);
                match i.eval_in(&scope, &mut rng)? {
                    Value::String(s) => Ok(Some(s)),
                    other => Ok(Some(history::json_text(&other))),
                }
            }
        }
    }

    pub(super) fn wait_until(&self, f: FrameId, w: &WaitFor, eff: &Value) -> Result<i64, Fault> {
        let now = self.now;
        match w {
            WaitFor::Seconds(s) => Ok(now.saturating_add(s.saturating_mul(1000))),
            WaitFor::Timestamp(t) => Ok(*t),
            WaitFor::SecondsPath(p) => {
                let v = self.select_path_opt(f, p, eff)?.ok_or_else(|| {
                    Fault::Runtime(format!("The SecondsPath parameter does not reference an input value: {}", p.text()))
                })?;
                let shown = history::json_text(&v);
                let n = match &v {
                    Value::Number(n) if n.is_i64() => n.as_i64().unwrap_or(0),
                    Value::Number(n) if n.is_u64() => i64::MAX,
                    _ => {
                        return Err(Fault::Runtime(format!(
                            "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                            p.text(),
                            shown
                        )))
                    }
                };
                if n < 0 {
                    return Err(Fault::Runtime(format!(
                        "The SecondsPath parameter references a negative value: {} == {}",
                        p.text(),
                        shown
                    )));
                }
                Ok(now.saturating_add(n.saturating_mul(1000)))
            }
            WaitFor::TimestampPath(p) => {
                let v = self.select_path_opt(f, p, eff)?.ok_or_else(|| {
                    Fault::Runtime(format!(
                        "The TimestampPath parameter does not reference an input value: {}",
                        p.text()
                    ))
                })?;
                let parsed = v.as_str().and_then(crate::model::parse_timestamp);
                parsed.ok_or_else(|| {
                    let shown = match &v {
                        Value::String(s) => s.clone(),
                        other => history::json_text(other),
                    };
                    Fault::Runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.text(),
                        shown
                    ))
                })
            }
        }
    }

    pub(super) fn apply_output_path(&self, f: FrameId, v: &Value) -> Result<Value, Fault> {
        match &self.state(f).output_path {
            PathField::Whole => Ok(v.clone()),
            PathField::Null => Ok(json!({})),
            PathField::Path(p) => self.select_path(f, p, v),
        }
    }

    /// A state produced its result: ResultSelector, ResultPath, OutputPath, then the exit.
    pub(super) fn finish_with_result(&mut self, f: FrameId, result: Value) {
        if self.state(f).lang == crate::model::QueryLanguage::Jsonata {
            return self.ja_finish(f, Some(result));
        }
        match self.shape_output(f, result) {
            Ok(out) => self.finish_with_output(f, out),
            Err(e) => self.state_failed(f, e),
        }
    }

    pub(super) fn shape_output(&mut self, f: FrameId, result: Value) -> Result<Value, Fault> {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        let result = match &st.result_selector {
            Some(sel) => {
                let ctx = self.context_if_needed(f);
                eval_template(
                    sel,
                    &result,
                    &ctx,
                    &Vars { scopes: &self.scopes, scope: self.frames[f].scope },
                    &mut self.rng,
                )?
            }
            None => result,
        };
        if let Some(a) = &st.assign {
            self.assign(f, a, &result)?;
        }
        let combined = match &st.result_path {
            ResultPath::Replace => result,
            ResultPath::Discard => std::mem::take(&mut self.frames[f].input),
            ResultPath::Path(p) => {
                let mut raw = std::mem::take(&mut self.frames[f].input);
                if let Err(_e) = p.assign(&mut raw, result) {
                    let fail = Failure::new(
                        ErrorName::ResultPathMatchFailure,
                        format!(
                            "Unable to apply ResultPath \"{}\" to input \"{}\"",
                            p.text(),
                            history::json_text(&raw)
                        ),
                    );
                    self.frames[f].input = raw;
                    return Err(Fault::Failure(fail));
                }
                raw
            }
        };
        let out = match &st.output_path {
            PathField::Whole => combined,
            // The combined document is ours: move the selected part out of it.
            PathField::Path(p) if p.variable().is_none() && !p.is_context() => {
                let mut doc = combined;
                match p.take(&mut doc) {
                    Some(v) => v,
                    None => select_or_invalid(p, &doc)?,
                }
            }
            _ => self.apply_output_path(f, &combined)?,
        };
        Ok(out)
    }

    /// The state's output is ready: check its size, record the exit, and move on.
    pub(super) fn finish_with_output(&mut self, f: FrameId, out: Value) {
        let machine = self.frames[f].machine.clone();
        let st = &machine.states[self.frames[f].state];
        // The output's JSON text serves the size check, this exit event and the next entry.
        let text = history::json_text(&out);
        if !matches!(st.kind, Kind::Choice { .. }) && text.len() > MAX_PAYLOAD_BYTES {
            let fail = Failure::new(ErrorName::DataLimitExceeded, data_limit_cause(&st.name));
            self.state_failed(f, Fault::Failure(fail));
            return;
        }
        match st.kind {
            Kind::Parallel { .. } => {
                self.emit_frame(f, "ParallelStateSucceeded", None);
            }
            Kind::Map(_) => {
                if self.frames[f].map_run_started {
                    self.frames[f].map_run_started = false;
                    self.emit_frame(f, "MapRunSucceeded", None);
                }
                self.emit_frame(f, "MapStateSucceeded", None);
            }
            _ => {}
        }
        let kind = st.kind.exited_event();
        let next_text = matches!(st.next, Transition::Next(_)).then(|| text.clone());
        self.emit_frame(f, kind, Body::State { entered: false, name: st.name.clone(), payload: text });
        match st.next {
            Transition::Next(n) => {
                self.goto(f, n, out);
                self.frames[f].input_text = next_text;
            }
            Transition::End | Transition::None => self.thread_succeeded(f, out),
        }
    }

    pub(super) fn goto(&mut self, f: FrameId, next: usize, input: Value) {
        let fr = &mut self.frames[f];
        fr.state = next;
        fr.input = input;
        fr.input_text = None;
        fr.phase = Phase::Enter;
        fr.join = None;
        self.runnable.push_back(f);
    }

    pub(super) fn number_value(&self, f: FrameId, n: &NumberField, eff: &Value) -> Result<Value, Fault> {
        match n {
            NumberField::Value(v) => Ok(json!(v)),
            NumberField::Path(p) => self.select_path(f, p, eff),
        }
    }

    pub(super) fn integer_field(&self, f: FrameId, n: &NumberField, field: &str, eff: &Value) -> Result<i64, Fault> {
        if let NumberField::Value(v) = n {
            return Ok(*v as i64);
        }
        let v = self.number_value(f, n, eff)?;
        // A numeric string counts (recorded on AWS: MaxConcurrencyPath reading "1").
        let parsed = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
        match parsed {
            Some(i) => Ok(i),
            None => Err(Fault::Runtime(format!(
                "The {field} field refers to value \"{}\" which is not a valid integer: {}",
                shown_value(&v),
                path_text(n)
            ))),
        }
    }

    pub(super) fn float_field(&self, f: FrameId, n: &NumberField, field: &str, eff: &Value) -> Result<f64, Fault> {
        if let NumberField::Value(v) = n {
            return Ok(*v);
        }
        let v = self.number_value(f, n, eff)?;
        let parsed = v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
        match parsed {
            Some(x) => Ok(x),
            None => Err(Fault::Runtime(format!(
                "The {field} field refers to value \"{}\" which is not a valid float: {}",
                shown_value(&v),
                path_text(n)
            ))),
        }
    }
}

pub(super) fn shown_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => history::json_text(other),
    }
}

pub(super) fn path_text(n: &NumberField) -> &str {
    match n {
        NumberField::Path(p) => p.text(),
        NumberField::Value(_) => "",
    }
}
/// Evaluates a payload template against an input, the context object and the variables.
pub fn eval_template(
    t: &Template,
    input: &Value,
    ctx: &Value,
    vars: &dyn VarLookup,
    rng: &mut fastrand::Rng,
) -> Result<Value, Fault> {
    let root = |p: &JsonPath| -> Result<&Value, Fault> {
        match p.variable() {
            Some(name) => vars.var(name).ok_or_else(|| undefined_variable(p, name)),
            None if p.is_context() => Ok(ctx),
            None => Ok(input),
        }
    };
    match t {
        Template::Literal(v) => Ok(v.clone()),
        Template::Object(fields) => {
            let mut out = Map::with_capacity(fields.len());
            for (k, t) in fields {
                let v = match t {
                    Template::Path(p) => {
                        let doc = root(p)?;
                        p.select(doc).ok_or_else(|| {
                            Fault::Runtime(format!(
                                "The JSONPath '{}' specified for the field '{}.$' could not be found in the input '{}'",
                                p.text(),
                                k,
                                history::json_text(doc)
                            ))
                        })?
                    }
                    Template::Intrinsic(i) => {
                        let field = format!("{k}.$");
                        let lookup = |name: &str| vars.var(name).cloned();
                        let scope =
                            crate::intrinsics::Scope::new(input, ctx).with_field(&field).with_variables(&lookup);
                        i.eval_in(&scope, rng)?
                    }
                    other => eval_template(other, input, ctx, vars, rng)?,
                };
                out.insert(k.clone(), v);
            }
            Ok(Value::Object(out))
        }
        Template::Array(items) => items
            .iter()
            .map(|t| eval_template(t, input, ctx, vars, rng))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Template::Path(p) => select_or_invalid(p, root(p)?),
        Template::Intrinsic(i) => {
            let lookup = |name: &str| vars.var(name).cloned();
            let scope = crate::intrinsics::Scope::new(input, ctx).with_variables(&lookup);
            Ok(i.eval_in(&scope, rng)?)
        }
    }
}

fn undefined_variable(p: &JsonPath, name: &str) -> Fault {
    Fault::Runtime(format!("Invalid path '{}': The variable '{name}' is not defined.", p.text()))
}

/// A path's value, or AWS's runtime error quoting Jayway (`Invalid path '$.x' : No results for path: $['x']`).
fn select_or_invalid(p: &JsonPath, doc: &Value) -> Result<Value, Fault> {
    p.try_select(doc).map_err(|m| Fault::Runtime(format!("Invalid path '{}' : {}", p.text(), m)))
}
