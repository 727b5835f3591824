//! JSONata results as JSON: numbers as AWS writes them, undefined members dropped.

use jsonata_core::value::JValue;
use serde_json::{Map, Value};

use super::messages::MEMORY_LIMIT;

/// Past this nesting a result is not converted (AWS's own limits stop far earlier).
const MAX_VALUE_DEPTH: usize = 500;
/// Integral doubles below this magnitude print as integers, as AWS prints them.
const LARGEST_EXACT_LONG: f64 = 9.223_372_036_854_776e18;

/// A JSONata value as JSON, numbers as AWS writes them. `None` is undefined. `room` is the
/// number of bytes it may build (about): a value may repeat one large part many times, which its
/// JSON copies out. Once it runs out the conversion fails with `room` at 0.
pub(super) fn to_json(v: &JValue, depth: usize, room: &mut usize) -> Result<Option<Value>, String> {
    if depth > MAX_VALUE_DEPTH {
        return Err(MEMORY_LIMIT.to_string());
    }
    let size = std::mem::size_of::<Value>()
        + match v {
            JValue::String(s) => s.len(),
            JValue::Object(map) => map.keys().map(|k| k.len() + std::mem::size_of::<Value>()).sum(),
            _ => 0,
        };
    match room.checked_sub(size) {
        Some(left) => *room = left,
        None => {
            *room = 0;
            return Err(MEMORY_LIMIT.to_string());
        }
    }
    Ok(Some(match v {
        JValue::Undefined | JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => return Ok(None),
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(n) => number(*n),
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                match item {
                    // JSON.stringify writes a function in an array as null.
                    JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => out.push(Value::Null),
                    _ => out.extend(to_json(item, depth + 1, room)?),
                }
            }
            Value::Array(out)
        }
        JValue::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, item) in map.iter() {
                if let Some(value) = to_json(item, depth + 1, room)? {
                    out.insert(key.clone(), value);
                }
            }
            Value::Object(out)
        }
        #[allow(unreachable_patterns)]
        _ => Value::Null,
    }))
}

/// An integral double prints as an integer (`3`, and `0` for `-0`); JSON has no non-finite
/// number, so AWS writes JavaScript's name for one.
pub(super) fn number(n: f64) -> Value {
    if n.is_nan() {
        Value::String("NaN".into())
    } else if n.is_infinite() {
        Value::String(if n > 0.0 { "Infinity" } else { "-Infinity" }.into())
    } else if n.fract() == 0.0 && n.abs() < LARGEST_EXACT_LONG {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(Value::Number).unwrap_or(Value::Null)
    }
}
