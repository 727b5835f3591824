//! Conversions between JS values and the core's JSON values and request shapes.

use js_sys::{Array, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{js_error, validation};
use crate::simulator::{Budgets, FromJson, Quotas, Retention, TokenBucket, DATE_KEYS};

pub(super) fn get(v: &JsValue, key: &str) -> Option<JsValue> {
    if !v.is_object() && !v.is_function() {
        return None;
    }
    Reflect::get(v, &JsValue::from_str(key)).ok().filter(|x| !x.is_undefined())
}

pub(super) fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A request object as its Rust shape; a wrong shape is a `ValidationException`.
///
/// Through JSON text and a [`Value`], read by [`FromJson`] as the wire protocol reads the same
/// shapes. `undefined` members and functions are left out, as absent.
pub(super) fn from_js<T: FromJson>(v: &JsValue, what: &str) -> Result<T, JsValue> {
    if !v.is_object() || v.is_function() || Array::is_array(v) {
        return Err(validation(format!("{what} must be an object")));
    }
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| validation(format!("{what} cannot be written as JSON")))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| validation(format!("{what}: {e}")))?;
    T::from_json(&value).map_err(|e| {
        let hint = if e.contains("expected a string") {
            " (input and definition are JSON text: use JSON.stringify)"
        } else {
            ""
        };
        validation(format!("{what}: {e}{hint}"))
    })
}

/// A JSON value as a plain JS object.
pub(super) fn to_js(v: &Value) -> Result<JsValue, JsValue> {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error("InternalError", format!("cannot convert the response for JS: {e}")).into())
}

/// A response as a plain JS object, its [`DATE_KEYS`] as `Date`s.
pub(super) fn to_js_dated(v: &Value) -> Result<JsValue, JsValue> {
    let js = to_js(v)?;
    dates(&js);
    Ok(js)
}

pub(super) fn dates(obj: &JsValue) {
    for key in DATE_KEYS {
        if let Some(ms) = get(obj, key).and_then(|v| v.as_f64()) {
            set(obj, key, &js_sys::Date::new(&JsValue::from_f64(ms)).into());
        }
    }
}

pub(super) fn quotas(v: Option<&Value>, region: &str) -> Result<Option<Quotas>, JsValue> {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(Quotas::aws_defaults(region))),
        Some(Value::Object(o)) => {
            let mut q = Quotas::aws_defaults(region);
            let start = o.get("startExecution").cloned().unwrap_or(Value::Null);
            for (key, bucket) in
                [("standard", &mut q.start_execution_standard), ("express", &mut q.start_execution_express)]
            {
                if let Some(b) = start.get(key) {
                    let size = b.get("bucketSize").and_then(Value::as_f64);
                    let rate = b.get("refillRate").and_then(Value::as_f64);
                    match (size, rate) {
                        (Some(s), Some(r)) if s >= 0.0 && r >= 0.0 && s.is_finite() && r.is_finite() => {
                            *bucket = TokenBucket::new(s, r)
                        }
                        _ => {
                            return Err(validation(format!(
                                "quotas.startExecution.{key} needs a bucketSize and a refillRate (numbers, 0 or more)"
                            )))
                        }
                    }
                }
            }
            Ok(Some(q))
        }
        Some(_) => Err(validation("quotas must be true, false or {startExecution: {standard?, express?}}")),
    }
}

/// `options[key]`, when it is set (neither `undefined` nor `null`).
fn option(options: Option<&JsValue>, key: &str) -> Option<JsValue> {
    options.and_then(|o| get(o, key)).filter(|v| !v.is_null())
}

/// A number option of `new Simulator({...})`. Read one by one rather than through serde: a
/// deserializer for JS values would be a second copy of serde's code in the .wasm.
pub(super) fn option_f64(options: Option<&JsValue>, key: &str) -> Result<Option<f64>, JsValue> {
    option(options, key)
        .map(|v| v.as_f64().ok_or_else(|| validation(format!("options: {key} must be a number"))))
        .transpose()
}

/// A string option of `new Simulator({...})`.
pub(super) fn option_string(options: Option<&JsValue>, key: &str) -> Result<Option<String>, JsValue> {
    option(options, key)
        .map(|v| v.as_string().ok_or_else(|| validation(format!("options: {key} must be a string"))))
        .transpose()
}

/// A boolean option of `new Simulator({...})`.
fn option_bool(options: Option<&JsValue>, key: &str) -> Result<Option<bool>, JsValue> {
    option(options, key)
        .map(|v| v.as_bool().ok_or_else(|| validation(format!("options: {key} must be true or false"))))
        .transpose()
}

/// A JSON option of `new Simulator({...})` (such as `quotas`).
pub(super) fn option_json(options: Option<&JsValue>, key: &str) -> Result<Option<Value>, JsValue> {
    let Some(v) = option(options, key) else { return Ok(None) };
    let text = js_sys::JSON::stringify(&v).ok().and_then(|t| t.as_string());
    let value = text.and_then(|t| serde_json::from_str(&t).ok());
    value.map(Some).ok_or_else(|| validation(format!("options: {key} cannot be written as JSON")))
}

/// The budget and retention options of `new Simulator({...})`, as JS gives them.
#[derive(Default)]
pub(super) struct LimitOptions {
    max_transitions: Option<f64>,
    max_history_bytes: Option<f64>,
    max_log_bytes: Option<f64>,
    state_cost_ms: Option<f64>,
    express_history: Option<bool>,
    jsonata_memory: Option<f64>,
    jsonata_fuel: Option<f64>,
    keep_executions: Option<f64>,
    keep_log_records: Option<f64>,
    max_open_executions: Option<f64>,
}

impl LimitOptions {
    /// Reads them from the options object.
    pub(super) fn read(o: Option<&JsValue>) -> Result<LimitOptions, JsValue> {
        Ok(LimitOptions {
            max_transitions: option_f64(o, "maxTransitions")?,
            max_history_bytes: option_f64(o, "maxHistoryBytes")?,
            max_log_bytes: option_f64(o, "maxLogBytes")?,
            state_cost_ms: option_f64(o, "stateCostMs")?,
            express_history: option_bool(o, "expressHistory")?,
            jsonata_memory: option_f64(o, "jsonataMemory")?,
            jsonata_fuel: option_f64(o, "jsonataFuel")?,
            keep_executions: option_f64(o, "keepExecutions")?,
            keep_log_records: option_f64(o, "keepLogRecords")?,
            max_open_executions: option_f64(o, "maxOpenExecutions")?,
        })
    }

    /// The budgets and retention, the defaults where an option is absent; `ValidationException`
    /// for a number that is not a whole number from 0 up (`Infinity` for no limit where that is
    /// allowed).
    pub(super) fn resolve(&self) -> Result<(Budgets, Retention), JsValue> {
        let whole = |name: &str, v: Option<f64>, default: u64| -> Result<u64, JsValue> {
            match v {
                None => Ok(default),
                Some(n) if n == f64::INFINITY => Ok(u64::MAX),
                Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
                Some(n) => Err(validation(format!("{name} must be a whole number from 0 up, or Infinity, not {n}"))),
            }
        };
        let size = |name: &str, v: Option<f64>, default: usize| {
            whole(name, v, default as u64).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        let d = Budgets::default();
        let budgets = Budgets {
            max_transitions: whole("maxTransitions", self.max_transitions, d.max_transitions)?,
            max_history_bytes: size("maxHistoryBytes", self.max_history_bytes, d.max_history_bytes)?,
            max_log_bytes: size("maxLogBytes", self.max_log_bytes, d.max_log_bytes)?,
            state_cost_ms: whole("stateCostMs", self.state_cost_ms, d.state_cost_ms)?,
            express_history: self.express_history.unwrap_or(d.express_history),
            jsonata: crate::jsonata::Limits {
                memory: size("jsonataMemory", self.jsonata_memory, d.jsonata.memory)?,
                fuel: whole("jsonataFuel", self.jsonata_fuel, d.jsonata.fuel)?,
            },
            max_open_executions: size("maxOpenExecutions", self.max_open_executions, d.max_open_executions)?,
        };
        let r = Retention::default();
        let keep = |name: &str, v: Option<f64>, default: Option<usize>| match v {
            None => Ok(default),
            Some(n) if n == f64::INFINITY => Ok(None),
            Some(n) => size(name, Some(n), 0).map(Some),
        };
        let retention = Retention {
            executions_per_machine: keep("keepExecutions", self.keep_executions, r.executions_per_machine)?,
            log_records: keep("keepLogRecords", self.keep_log_records, r.log_records)?,
        };
        Ok((budgets, retention))
    }
}
