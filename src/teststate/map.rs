//! A Map state under `TestState`: its items (or `mapItemReaderData`), each iteration's input,
//! `MaxConcurrency` and the tolerated failures, noted for `inspectionData`; then the mocked
//! result against `mapIterationFailureCount`.

use serde_json::{json, Value};

use super::request::{ApiError, Mock};
use super::run::{number, runtime, Run, Step, Stop};
use crate::error::{ErrorName, Failure};
use crate::exec::dataflow::{self, jsonata, path};
use crate::jsonata::Template;
use crate::model::{Flow, NumberField};

impl Run<'_> {
    /// The Map state's result: its mocked result, or the failure its iterations would cause.
    pub(super) fn map_result(&mut self, input: &Value) -> Step<Value> {
        let st = self.st;
        let (n, count, pct) = match &st.flow {
            Flow::JsonPath(p) => {
                let eff = dataflow::effective_input(st, input, &mut self.env())?.into_owned();
                let items = match (&p.items_path, self.reader_items()) {
                    (_, Some(items)) => items,
                    (Some(ip), None) => path::select(ip, &eff, &self.env())?,
                    (None, None) => eff.clone(),
                };
                let Value::Array(list) = &items else {
                    let shown = p.items_path.as_ref().map_or("$".to_string(), |p| p.text().replacen("$$", "$", 1));
                    return Err(runtime(format!("Reference path \"{shown}\" must point to array.")));
                };
                self.insp.note("afterItemsPath", &items);
                self.item_inputs(list, &eff)?;
                let max = self.number_field(&p.max_concurrency, &eff)?;
                self.insp.data.insert("maxConcurrency".into(), number(max.unwrap_or(0.0)));
                let count = self.number_field(&p.tolerated_failure_count, &eff)?;
                (list.len(), count, self.number_field(&p.tolerated_failure_percentage, &eff)?)
            }
            Flow::Jsonata(j) => {
                let states = jsonata::states(input, &self.ctx, &[]);
                let items = match (&j.items, self.reader_items()) {
                    (_, Some(items)) => items,
                    (Some(t), None) => {
                        let v = jsonata::eval(t, &states, "Items", &mut self.env())?;
                        if !v.is_array() {
                            return Err(jsonata::unexpected_type(t, "Items", "array", &v).into());
                        }
                        v
                    }
                    (None, None) => input.clone(),
                };
                let Value::Array(list) = &items else {
                    return Err(Failure::new(
                        ErrorName::QueryEvaluationError,
                        format!("Map state input must be an array but was: {}", crate::history::json_text(&items)),
                    )
                    .into());
                };
                self.item_inputs(list, input)?;
                let max = self.jsonata_number(&j.max_concurrency, &states, "MaxConcurrency")?;
                self.insp.data.insert("maxConcurrency".into(), number(max.unwrap_or(0.0)));
                let count = self.jsonata_number(&j.tolerated_count, &states, "ToleratedFailureCount")?;
                (
                    list.len(),
                    count,
                    self.jsonata_number(&j.tolerated_percentage, &states, "ToleratedFailurePercentage")?,
                )
            }
        };
        self.iterations_result(n, count, pct)
    }

    /// A JSONPath number field (`MaxConcurrency`, `ToleratedFailureCount`, ...), literal or read by its path.
    fn number_field(&mut self, f: &Option<NumberField>, eff: &Value) -> Step<Option<f64>> {
        match f {
            None => Ok(None),
            Some(NumberField::Value(v)) => Ok(Some(*v)),
            Some(NumberField::Path(p)) => {
                let v = path::select(p, eff, &self.env())?;
                v.as_f64().map(Some).ok_or_else(|| runtime(format!("The value of {} must be a number", p.text())))
            }
        }
    }

    /// A JSONata number field over `$states`; not a number counts as absent.
    fn jsonata_number(&mut self, t: &Option<Template>, states: &Value, field: &str) -> Step<Option<f64>> {
        match t {
            Some(t) => Ok(jsonata::eval(t, states, field, &mut self.env())?.as_f64()),
            None => Ok(None),
        }
    }

    /// `afterItemSelector`: each iteration's input, made with `$$.Map.Item` (`$states.context.Map.Item`)
    /// naming the item.
    fn item_inputs(&mut self, items: &[Value], eff: &Value) -> Step<()> {
        let selects = match &self.st.flow {
            Flow::JsonPath(p) => p.item_selector.is_some(),
            Flow::Jsonata(j) => j.item_selector.is_some(),
        };
        if !selects {
            return Ok(());
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Value::Object(m) = &mut self.ctx {
                m.insert("Map".into(), crate::exec::map_item(i, item, crate::exec::STATE_DATA));
            }
            let r = dataflow::item_input(self.st, eff, item, &mut self.quiet_env());
            if let Value::Object(m) = &mut self.ctx {
                m.remove("Map");
            }
            out.push(r?);
        }
        self.insp.note("afterItemSelector", &Value::Array(out));
        Ok(())
    }

    /// The items an `ItemReader` would read: `stateConfiguration.mapItemReaderData`.
    fn reader_items(&self) -> Option<Value> {
        self.raw.get("ItemReader")?;
        self.req.state_configuration.map_item_reader_data.clone()
    }

    /// A mocked Map's result, after `mapIterationFailureCount` against the tolerated failures.
    fn iterations_result(&mut self, n: usize, count: Option<f64>, pct: Option<f64>) -> Step<Value> {
        if let Some(c) = count {
            self.insp.data.insert("toleratedFailureCount".into(), number(c));
        }
        if let Some(p) = pct {
            self.insp.data.insert("toleratedFailurePercentage".into(), json!(p));
        }
        let failures = self.req.state_configuration.map_iteration_failure_count;
        if let Some(fc) = failures {
            if fc as usize > n {
                return Err(Stop::Api(ApiError::validation(
                    "Map iteration failure count must be less than or equal to the number of Map iterations",
                )));
            }
        }
        if let Some(Mock { error_output: Some(f), .. }) = &self.req.mock {
            return Err(f.clone().into());
        }
        if let Some(fc) = failures {
            let over_count = count.is_some_and(|c| fc as f64 > c);
            let over_pct = pct.is_some_and(|p| n > 0 && fc as f64 * 100.0 / n as f64 > p);
            if over_count || over_pct {
                return Err(Failure::new(
                    ErrorName::ExceedToleratedFailureThreshold,
                    "The specified tolerated failure threshold was exceeded",
                )
                .into());
            }
        }
        self.fanout_result()
    }
}
