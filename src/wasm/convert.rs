//! Conversions between JS values and the core's JSON values and request shapes.

use js_sys::{Array, Reflect};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{js_error, validation};
use crate::simulator::{Quotas, TokenBucket, DATE_KEYS};

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
pub(super) fn from_js<T: DeserializeOwned>(v: &JsValue, what: &str) -> Result<T, JsValue> {
    if !v.is_object() || v.is_function() || Array::is_array(v) {
        return Err(validation(format!("{what} must be an object")));
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| {
        let hint = if e.to_string().contains("expected a string") {
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
