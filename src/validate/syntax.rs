//! What makes a field value well formed: paths, intrinsic calls, JSONata expressions, timestamps, names.

use serde_json::Value;

use crate::intrinsics::{self, Intrinsic};
use crate::jsonpath::JsonPath;

/// A JSONata expression: `{% ... %}`.
pub(super) fn is_jsonata_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

/// A JSON number without a fraction or exponent that fits in 64 bits.
pub(super) fn is_integer(v: &Value) -> bool {
    v.is_i64() || v.is_u64()
}

/// A path as JSONPath fields take it: `$...`, a context path `$$...`, or a variable `$name...`.
pub(super) fn path_is_valid(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('$') else {
        return false;
    };
    let is_var_start = rest.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if is_var_start {
        let tail: String = rest.chars().skip_while(|c| c.is_alphanumeric() || *c == '_').collect();
        return JsonPath::parse(&format!("${tail}")).is_ok();
    }
    JsonPath::parse(text).is_ok()
}

/// The value of a `.$` field, or of `ErrorPath` / `CausePath`: a path or an intrinsic call.
pub(super) fn path_or_intrinsic_is_valid(text: &str) -> bool {
    if intrinsics::looks_like_intrinsic(text) {
        return Intrinsic::parse(text).is_ok();
    }
    path_is_valid(text)
}

/// Why a `ResultPath`-like value is not a reference path, or `None` when it is one.
pub(super) fn reference_path_problem(text: &str) -> Option<String> {
    if !text.starts_with('$') {
        return Some("Value is not a Reference Path: Reference path didn't start with '$'".into());
    }
    if text.starts_with("$$") {
        return Some("Value is not a Reference Path".into());
    }
    match JsonPath::parse(text) {
        Ok(p) if p.is_reference() => None,
        _ => Some("Value is not a Reference Path".into()),
    }
}

/// RFC 3339 as AWS wants it: upper-case `T`, and `Z` or a numeric offset.
pub(super) fn is_aws_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return false;
    }
    if b[10] != b'T' || !digits(11..13) || b[13] != b':' || !digits(14..16) || b[16] != b':' || !digits(17..19) {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let zone = &s[i..];
    let zone_ok = zone == "Z"
        || (zone.len() == 6
            && matches!(zone.as_bytes()[0], b'+' | b'-')
            && zone.as_bytes()[3] == b':'
            && zone.bytes().enumerate().all(|(k, c)| k == 0 || k == 3 || c.is_ascii_digit()));
    zone_ok && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// A name `Assign` may set: a letter or `_`, then letters, digits or `_`.
pub(super) fn variable_name_is_valid(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
}
