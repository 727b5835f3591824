//! The causes of `States.QueryEvaluationError` as AWS words them, in every build.

use serde_json::Value;

/// AWS's name of a JSON type, as in "Expected 'array', but was 'boolean'".
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The cause when an expression returns nothing.
pub fn undefined_cause(expr: &str, field: &str) -> String {
    format!("The JSONata expression '{expr}' specified for the field '{field}' returned nothing (undefined).")
}

/// The cause when an expression throws: a coded message (`T1006: ...`) follows a full stop, an
/// uncoded one (AWS's memory and depth limits) a colon.
pub fn threw_cause(expr: &str, field: &str, message: &str) -> String {
    if message == "internal error" {
        return format!(
            "The JSONata expression '{expr}' specified for the field '{field}' threw an internal error during evaluation."
        );
    }
    let separator = if has_code(message) { ". " } else { ": " };
    format!("The JSONata expression '{expr}' specified for the field '{field}' threw an error during evaluation{separator}{message}")
}

/// The cause when an expression's value has the wrong type for its field (`Items` wants
/// `array`, `Condition` `boolean`, ...): "... Expected 'array', but was 'boolean' for value: true".
pub fn unexpected_type_cause(expr: &str, field: &str, expected: &str, value: &Value) -> String {
    format!(
        "The JSONata expression '{expr}' specified for the field '{field}' returned an unexpected result type. \
         Expected '{expected}', but was '{}' for value: {value}",
        type_name(value)
    )
}

/// Whether a message starts with a JSONata code such as `T1006: `.
pub(super) fn has_code(message: &str) -> bool {
    let b = message.as_bytes();
    b.len() >= 6 && b[0].is_ascii_uppercase() && b[1..5].iter().all(u8::is_ascii_digit) && b[5] == b':'
}
