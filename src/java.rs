//! Numbers and strings rendered as Java renders them, for JSONPath and the intrinsic functions.
//!
//! `Double.toString`, `BigDecimal`, `Math.round`, Jackson's compact JSON, and the `toString` of
//! the Java objects behind a value.
//!
//! AWS evaluates JSONPath (Jayway over json-smart) and intrinsic functions (over Jackson) in
//! Java, so texts such as `States.Format('{}', $.x)` or a filter comparing `'1.0E+20'` with a
//! number depend on Java's renderings. They live here once, for [`crate::jsonpath`] and
//! [`crate::intrinsics`].
//!
//! ```
//! use asl_sim::java;
//! use serde_json::json;
//!
//! assert_eq!(java::double_to_string(1e10), "1.0E10");
//! assert_eq!(java::round(-2.5), -2);
//! assert_eq!(java::json_text(&json!({"a": [1.5e-7, "x"]})), r#"{"a":[1.5E-7,"x"]}"#);
//! ```

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// Java's `Double.toString`: plain between 10^-3 and 10^7 (`1.0`, `0.001`), else `1.0E10`.
///
/// JSONPath and the intrinsic functions each had a copy; they agreed on every finite value, and
/// this one also names NaN and the infinities as Java does.
pub fn double_to_string(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    // Shortest round-trip digits, from Rust's `{:e}` ("1.2345e-7").
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let abs = x.abs();
    if (1e-3..1e7).contains(&abs) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        let _ = write!(out, "E{exp}");
    }
    out
}

/// Java's `Math.round(double)`: the closest long, halves rounded up, saturating at the ends.
pub fn round(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    let floor = x.floor();
    let r = if x - floor >= 0.5 { floor + 1.0 } else { floor };
    // `as` saturates, as Java does.
    r as i64
}

/// Java's `new BigDecimal(text).toString()`, or `None` when Java rejects the text.
pub(crate) fn big_decimal_string(text: &str) -> Option<String> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (number, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let mut scale = fraction.len() as i64;
    if let Some(exponent) = exponent {
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if unsigned.is_empty() || unsigned.len() > 9 || !digits(unsigned) {
            return None;
        }
        let value: i64 = unsigned.parse().ok()?;
        scale -= if exponent.starts_with('-') { -value } else { value };
    }
    let all: String = format!("{whole}{fraction}");
    let coefficient = all.trim_start_matches('0');
    let coefficient = if coefficient.is_empty() { "0" } else { coefficient };
    let len = coefficient.len() as i64;
    let adjusted = len - 1 - scale;
    let mut out = String::new();
    if negative && coefficient != "0" {
        out.push('-');
    }
    if scale >= 0 && adjusted >= -6 {
        let scale = scale as usize;
        if scale == 0 {
            out.push_str(coefficient);
        } else if coefficient.len() > scale {
            let (int, frac) = coefficient.split_at(coefficient.len() - scale);
            out.push_str(&format!("{int}.{frac}"));
        } else {
            out.push_str(&format!("0.{}{coefficient}", "0".repeat(scale - coefficient.len())));
        }
    } else {
        let (first, rest) = coefficient.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('E');
        if adjusted > 0 {
            out.push('+');
        }
        out.push_str(&adjusted.to_string());
    }
    Some(out)
}

/// `new BigDecimal(n.toString()).toString()` for a number json-smart read from a document:
/// integers as written, floats through `Double.toString` (`100.0`, `1.0E+20`).
pub(crate) fn number_to_big_decimal_string(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let java = double_to_string(n.as_f64().unwrap_or(0.0));
    big_decimal_string(&java).unwrap_or(java)
}

/// Compact JSON as Jackson writes it (floats as Java's `Double.toString`, e.g. `1.0E10`).
pub fn json_text(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v);
    out
}

/// Appends `v` as [`json_text`] writes it.
pub(crate) fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_json_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, v);
            }
            out.push(']');
        }
        Value::Object(m) => write_json_object(out, m),
    }
}

fn write_json_object(out: &mut String, m: &Map<String, Value>) {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(out, k);
        out.push(':');
        write_json(out, v);
    }
    out.push('}');
}

/// Appends `s` as a JSON string, escaped as Jackson escapes it.
pub(crate) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_number(out: &mut String, n: &Number) {
    match n.as_f64() {
        Some(x) if n.is_f64() => out.push_str(&double_to_string(x)),
        _ => {
            let _ = write!(out, "{n}");
        }
    }
}

/// Appends a value as Java's `String.valueOf` shows it after Jackson's conversion to plain Java
/// objects (`LinkedHashMap`, `ArrayList`): strings raw, objects `{a=1, b=[]}`, arrays `[1, 2]`.
/// This is how `States.Format` fills its holes.
pub(crate) fn write_value_of(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value_of(out, v);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_value_of(out, v);
            }
            out.push('}');
        }
        other => write_json(out, other),
    }
}

/// The Java class json-smart gives a value, as Jayway names it in messages.
pub(crate) fn json_smart_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => "java.lang.Integer",
        Value::Number(n) if n.is_i64() || n.is_u64() => "java.lang.Long",
        Value::Number(_) => "java.lang.Double",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "net.minidev.json.JSONArray",
        Value::Object(_) => "net.minidev.json.JSONObject",
    }
}

/// Java's `toString()` of a value, as Jayway prints it in messages. Not [`write_value_of`]: the
/// value here is one of json-smart's objects, whose `JSONObject` and `JSONArray` print as JSON
/// text, where the plain Java maps and lists that Jackson makes print as `{a=1}` and `[1, 2]`.
pub(crate) fn json_smart_to_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => double_to_string(n.as_f64().unwrap_or(0.0)),
        other => other.to_string(),
    }
}

/// Java's `String.compareTo`: the order of UTF-16 code units, which differs from Rust's (code
/// points) when a character from U+E000 to U+FFFF meets one past U+FFFF (a surrogate pair sorts
/// below it). Choice rules (`StringLessThan`, ...) and JSONPath filters compare strings this way.
pub fn compare_strings(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() || b.is_ascii() {
        // Wherever they first differ, one side is ASCII: both orders agree.
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

#[cfg(test)]
#[rustfmt::skip]
mod tests {
    use super::*;

    #[test]
    fn doubles() {
        for (x, s) in [(1.0, "1.0"), (1.1, "1.1"), (-2.5, "-2.5"), (100.0, "100.0"), (0.001, "0.001"), (0.0001, "1.0E-4"), (1e7, "1.0E7"), (9999999.0, "9999999.0"), (1.5e300, "1.5E300"), (123456.789, "123456.789"), (-1.25e-7, "-1.25E-7"), (1.5e-5, "1.5E-5")] {
            assert_eq!(double_to_string(x), s);
        }
    }

    #[test]
    fn big_decimals() {
        for (text, s) in [("1", "1"), ("-0", "0"), ("1.50", "1.50"), ("1e2", "1E+2"), ("1.0E20", "1.0E+20"), ("1.0E-4", "0.00010"), ("1.0E-10", "1.0E-10"), (".5", "0.5"), ("007", "7")] {
            assert_eq!(big_decimal_string(text).as_deref(), Some(s), "{text:?}");
        }
        for text in ["", "-", ".", "1e", "e5", "1.2.3", "NaN", "inf", "1e+", "0x10", " 1"] {
            assert_eq!(big_decimal_string(text), None, "{text:?}");
        }
        assert_eq!(number_to_big_decimal_string(&Number::from_f64(100.0).unwrap()), "100.0");
    }

    #[test]
    fn rounding() {
        assert_eq!(round(0.49999999999999994), 0);
        assert_eq!(round(1e300), i64::MAX);
    }
}

/// JSON text read as AWS reads a payload (Jackson): the integer `-0` is `0` (an `IntNode`), as
/// AWS gives it back, where serde would keep `-0.0`; `-0.0` stays a double. Integers past 64 bits
/// become doubles (AWS keeps them exact), and a number past a double's range (`1e400`) is an error.
pub fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    if !text.contains("-0") {
        return serde_json::from_str(text);
    }
    serde_json::from_str(&integer_negative_zero_as_zero(text))
}

/// `text` with each number token `-0` (no fraction, no exponent) outside strings written `0`.
fn integer_negative_zero_as_zero(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied, mut in_string) = (0, 0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'-' if !in_string && bytes.get(i + 1) == Some(&b'0') => {
                let next = bytes.get(i + 2).copied();
                if !matches!(next, Some(b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    out.push_str(&text[copied..i]);
                    copied = i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod parse_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn negative_zero_integers_read_as_zero() {
        assert_eq!(parse_json("-0").unwrap().to_string(), "0");
        assert_eq!(
            parse_json(r#"{"a":-0,"b":[-0,-0.0,-0e1],"c":"-0"}"#).unwrap().to_string(),
            r#"{"a":0,"b":[0,-0.0,-0.0],"c":"-0"}"#
        );
        assert_eq!(parse_json(r#"{"s":"x\"-0"}"#).unwrap(), json!({"s": "x\"-0"}));
        assert_eq!(parse_json("123456789012345678901234567890").unwrap().to_string(), "1.2345678901234568e+29");
        assert!(parse_json("1e400").is_err());
        assert!(parse_json("[-0").is_err());
    }
}
