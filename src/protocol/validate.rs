//! Request validation as AWS does it before an operation runs: each member against its shape in
//! the service model ([`super::shapes`]), with AWS's texts ("1 validation error detected: Value
//! 'x' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80").
//!
//! A value of the wrong JSON type is a `SerializationException`, as AWS's JSON deserializer
//! answers; a value that breaks a constraint is a `ValidationException` (CloudWatch Logs calls it
//! `InvalidParameterException`) listing every violation, each member's in the model's order.

use serde_json::Value;

/// A request shape from the service model.
#[derive(Debug)]
pub enum Shape {
    /// An object with named members: `(name, required, shape)`.
    Struct {
        /// The shape's name, as Java's `toString` shows it in messages.
        name: &'static str,
        /// The members in the model's order.
        members: &'static [(&'static str, bool, &'static Shape)],
    },
    /// A list with a length range.
    List {
        /// The shape of each item.
        member: &'static Shape,
        /// Fewest items.
        min: Option<u64>,
        /// Most items.
        max: Option<u64>,
    },
    /// An object with free keys.
    Map {
        /// The shape of each key.
        key: &'static Shape,
        /// The shape of each value.
        value: &'static Shape,
    },
    /// A string with a length range (UTF-16 code units, as Java counts), a pattern or an enum.
    Str {
        /// Shortest length.
        min: Option<u64>,
        /// Longest length.
        max: Option<u64>,
        /// A Java regular expression the whole value must match.
        pattern: Option<&'static str>,
        /// The values allowed (none: any).
        enums: &'static [&'static str],
        /// Messages leave the value out.
        sensitive: bool,
    },
    /// An integer or long with a range.
    Int {
        /// Smallest value.
        min: Option<i64>,
        /// Largest value.
        max: Option<i64>,
        /// Messages leave the value out.
        sensitive: bool,
    },
    /// A float or double with a range.
    Float {
        /// Smallest value.
        min: Option<f64>,
        /// Largest value.
        max: Option<f64>,
    },
    /// `true` or `false`.
    Bool,
    /// A date: epoch seconds.
    Timestamp,
}

/// Why a request body does not fit its shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Invalid {
    /// A value of the wrong JSON type: `SerializationException`.
    Serialization(String),
    /// Constraint violations, each as AWS words it: `ValidationException`.
    Constraints(Vec<String>),
}

impl Invalid {
    /// The message of a constraint failure: "N validation error(s) detected: A; B".
    pub fn message(&self) -> String {
        match self {
            Invalid::Serialization(m) => m.clone(),
            Invalid::Constraints(list) => {
                let n = list.len();
                format!("{n} validation error{} detected: {}", if n == 1 { "" } else { "s" }, list.join("; "))
            }
        }
    }
}

/// Checks a request body against its shape.
pub fn check(shape: &Shape, body: &Value) -> Result<(), Invalid> {
    let mut errors = Vec::new();
    walk(shape, Some(body), "", &mut errors).map_err(Invalid::Serialization)?;
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Invalid::Constraints(errors))
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn walk(shape: &Shape, value: Option<&Value>, path: &str, errors: &mut Vec<String>) -> Result<(), String> {
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(()) };
    let wrong = |what: &str| {
        let at = if path.is_empty() { String::new() } else { format!(" at '{path}'") };
        Err(format!("Expected {what}{at}, found {}", kind_of(value)))
    };
    match shape {
        Shape::Struct { members, .. } => {
            let Some(obj) = value.as_object() else { return wrong("an object") };
            for (name, required, child) in members.iter() {
                let v = obj.get(*name).filter(|v| !v.is_null());
                let at = join(path, name);
                if v.is_none() && *required {
                    errors.push(format!("Value null at '{at}' failed to satisfy constraint: Member must not be null"));
                }
                walk(child, v, &at, errors)?;
            }
        }
        Shape::List { member, min, max } => {
            let Some(items) = value.as_array() else { return wrong("a list") };
            let n = items.len() as u64;
            let shown = || java_string(shape, value);
            if min.is_some_and(|m| n < m) {
                errors.push(violation(
                    Some(shown()),
                    path,
                    &format!("have length greater than or equal to {}", min.unwrap_or(0)),
                ));
            }
            if let Some(m) = max.filter(|m| n > *m) {
                errors.push(violation(Some(shown()), path, &format!("have length less than or equal to {m}")));
            }
            for (i, item) in items.iter().enumerate() {
                walk(member, Some(item), &format!("{path}.{}.member", i + 1), errors)?;
            }
        }
        Shape::Map { key, value: val } => {
            let Some(obj) = value.as_object() else { return wrong("an object") };
            for (k, v) in obj {
                walk(key, Some(&Value::String(k.clone())), &format!("{path}.{k}.key"), errors)?;
                walk(val, Some(v), &format!("{path}.{k}.value"), errors)?;
            }
        }
        Shape::Str { min, max, pattern, enums, sensitive } => {
            let Some(s) = value.as_str() else { return wrong("a string") };
            let n = s.encode_utf16().count() as u64;
            let shown = (!sensitive).then(|| s.to_string());
            if let Some(m) = min.filter(|m| n < *m) {
                errors.push(violation(shown.clone(), path, &format!("have length greater than or equal to {m}")));
            }
            if let Some(m) = max.filter(|m| n > *m) {
                errors.push(violation(shown.clone(), path, &format!("have length less than or equal to {m}")));
            }
            if let Some(p) = pattern.filter(|p| !pattern_matches(p, s)) {
                errors.push(violation(shown.clone(), path, &format!("satisfy regular expression pattern: {p}")));
            }
            if !enums.is_empty() && !enums.contains(&s) {
                let set = enum_order(path, enums).join(", ");
                errors.push(violation(shown, path, &format!("satisfy enum value set: [{set}]")));
            }
        }
        Shape::Int { min, max, sensitive } => {
            let Some(n) = value.as_i64() else {
                return if value.is_number() { wrong("an integer") } else { wrong("a number") };
            };
            let shown = (!sensitive).then(|| n.to_string());
            if let Some(m) = min.filter(|m| n < *m) {
                errors.push(violation(shown.clone(), path, &format!("have value greater than or equal to {m}")));
            }
            if let Some(m) = max.filter(|m| n > *m) {
                errors.push(violation(shown, path, &format!("have value less than or equal to {m}")));
            }
        }
        Shape::Float { min, max } => {
            let Some(x) = value.as_f64() else { return wrong("a number") };
            let shown = Some(java_double(x));
            if let Some(m) = min.filter(|m| x < *m) {
                errors.push(violation(
                    shown.clone(),
                    path,
                    &format!("have value greater than or equal to {}", java_double(m)),
                ));
            }
            if let Some(m) = max.filter(|m| x > *m) {
                errors.push(violation(shown, path, &format!("have value less than or equal to {}", java_double(m))));
            }
        }
        Shape::Bool => {
            if !value.is_boolean() {
                return wrong("a boolean");
            }
        }
        Shape::Timestamp => {
            if !value.is_number() {
                return wrong("a timestamp (epoch seconds)");
            }
        }
    }
    Ok(())
}

/// One violation: "Value 'x' at 'path' failed to satisfy constraint: Member must <rule>"
/// (without the value for sensitive members, as AWS leaves it out).
fn violation(shown: Option<String>, path: &str, rule: &str) -> String {
    match shown {
        Some(v) => format!("Value '{v}' at '{path}' failed to satisfy constraint: Member must {rule}"),
        None => format!("Value at '{path}' failed to satisfy constraint: Member must {rule}"),
    }
}

/// The order in which AWS lists an enum's values in its message. AWS's validator does not keep
/// the model's order for every enum; where a recording shows another order, it is written here.
fn enum_order(path: &str, enums: &'static [&'static str]) -> Vec<&'static str> {
    const STATUS: &[&str] = &["SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING"];
    if path == "statusFilter" && enums.len() == STATUS.len() && STATUS.iter().all(|s| enums.contains(s)) {
        return STATUS.to_vec();
    }
    enums.to_vec()
}

/// A value as Java's `toString` shows it: lists as `[a, b]`, structures as `Name(k=v, ...)`.
fn java_string(shape: &Shape, v: &Value) -> String {
    match (shape, v) {
        (Shape::List { member, .. }, Value::Array(items)) => {
            format!("[{}]", items.iter().map(|i| java_string(member, i)).collect::<Vec<_>>().join(", "))
        }
        (Shape::Struct { name, members }, Value::Object(o)) => {
            let fields: Vec<String> = members
                .iter()
                .map(|(k, _, s)| format!("{k}={}", o.get(*k).map_or("null".into(), |x| java_string(s, x))))
                .collect();
            format!("{name}({})", fields.join(", "))
        }
        (_, Value::String(s)) => s.clone(),
        (Shape::Float { .. }, Value::Number(n)) => java_double(n.as_f64().unwrap_or(0.0)),
        (_, other) => other.to_string(),
    }
}

/// A double as Java prints it (`100.0`, `0.5`).
fn java_double(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e7 {
        format!("{x:.1}")
    } else {
        x.to_string()
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Whether `s` matches the whole of one of the model's patterns (the ones `scripts/api_shapes.py`
/// lets through; an unknown pattern never appears, so it matches).
pub fn pattern_matches(pattern: &str, s: &str) -> bool {
    let log_group = |c: char| c.is_ascii_alphanumeric() || ".-_/#".contains(c);
    let tag = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
    match pattern {
        r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$" => {
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                && s.chars().any(|c| c.is_ascii_alphabetic() || "_-.".contains(c))
        }
        r"\p{ASCII}*" => s.is_ascii(),
        r"[!-~]+" => !s.is_empty() && s.chars().all(|c| ('!'..='~').contains(&c)),
        r"[\.\-_/#A-Za-z0-9]+" => !s.is_empty() && s.chars().all(log_group),
        r"[\.\-_/#A-Za-z0-9]*" => s.chars().all(log_group),
        r"[^:*]*" => !s.contains([':', '*']),
        r"^\d{12}$" => s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()),
        r"[\w#+=/:,.@-]*" => s.chars().all(|c| c.is_ascii_alphanumeric() || "_#+=/:,.@-".contains(c)),
        r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$" => !s.is_empty() && s.chars().all(tag),
        r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$" => s.chars().all(tag),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static NAME: Shape = Shape::Str { min: Some(1), max: Some(80), pattern: None, enums: &[], sensitive: false };
    static SECRET: Shape = Shape::Str { min: None, max: Some(3), pattern: None, enums: &[], sensitive: true };
    static WEIGHT: Shape = Shape::Int { min: Some(0), max: Some(100), sensitive: false };
    static ITEM: Shape = Shape::Struct { name: "Item", members: &[("arn", true, &NAME), ("weight", true, &WEIGHT)] };
    static ITEMS: Shape = Shape::List { member: &ITEM, min: Some(1), max: Some(2) };
    static LEVEL: Shape = Shape::Str { min: None, max: None, pattern: None, enums: &["ALL", "OFF"], sensitive: false };
    static REQ: Shape = Shape::Struct {
        name: "Req",
        members: &[
            ("name", true, &NAME),
            ("input", false, &SECRET),
            ("items", false, &ITEMS),
            ("level", false, &LEVEL),
        ],
    };

    fn message(body: Value) -> String {
        check(&REQ, &body).unwrap_err().message()
    }

    #[test]
    fn violations_read_as_aws_writes_them() {
        assert!(check(&REQ, &json!({"name": "n"})).is_ok());
        assert_eq!(
            message(json!({})),
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(
            message(json!({"name": "x".repeat(81)})),
            format!(
                "1 validation error detected: Value '{}' at 'name' failed to satisfy constraint: Member must have \
                 length less than or equal to 80",
                "x".repeat(81)
            )
        );
        assert_eq!(
            message(json!({"name": "", "input": "abcd"})),
            "2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length \
             greater than or equal to 1; Value at 'input' failed to satisfy constraint: Member must have length less \
             than or equal to 3"
        );
        assert_eq!(
            message(json!({"name": "n", "items": [{"arn": "a", "weight": 101}]})),
            "1 validation error detected: Value '101' at 'items.1.member.weight' failed to satisfy constraint: Member \
             must have value less than or equal to 100"
        );
        assert_eq!(
            message(json!({"name": "n", "items": [{"arn": "a", "weight": 1}, {"arn": "b", "weight": 2}, {"arn": "c", "weight": 3}]})),
            "1 validation error detected: Value '[Item(arn=a, weight=1), Item(arn=b, weight=2), Item(arn=c, weight=3)]' \
             at 'items' failed to satisfy constraint: Member must have length less than or equal to 2"
        );
        assert_eq!(
            message(json!({"name": "n", "level": "all"})),
            "1 validation error detected: Value 'all' at 'level' failed to satisfy constraint: Member must satisfy enum \
             value set: [ALL, OFF]"
        );
    }

    #[test]
    fn wrong_types_are_serialization_errors() {
        assert_eq!(
            check(&REQ, &json!({"name": 5})),
            Err(Invalid::Serialization("Expected a string at 'name', found a number".into()))
        );
        assert!(matches!(check(&REQ, &json!([])), Err(Invalid::Serialization(_))));
        assert!(check(&REQ, &json!({"name": "n", "input": null})).is_ok());
    }

    #[test]
    fn patterns_match_whole_values() {
        let alias = r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$";
        assert!(pattern_matches(alias, "PROD-1"));
        for bad in ["123", "INVALID ALIAS", "!INVALID", "ALIAS@", ""] {
            assert!(!pattern_matches(alias, bad), "{bad}");
        }
        assert!(pattern_matches(r"[\.\-_/#A-Za-z0-9]+", "/aws/vendedlogs/states/x"));
        assert!(!pattern_matches(r"[\.\-_/#A-Za-z0-9]+", "a:b"));
        assert!(!pattern_matches(r"[^:*]*", "a*"));
        assert!(pattern_matches(r"\p{ASCII}*", "Root=1-abc"));
        assert!(!pattern_matches(r"\p{ASCII}*", "é"));
    }
}
