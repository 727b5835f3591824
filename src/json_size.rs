//! The size of a JSON value's text, measured without writing it: what the 256 KiB payload check
//! reads when no history needs the text, in one walk with the nesting check.

use std::io::Write;

use serde_json::{Number, Value};

/// The length in bytes of `serde_json::to_string(v)`, or `None` when a non-empty array or
/// object lies at depth `max_depth` or deeper (the root is at depth 1). It recurses, but never
/// deeper than `max_depth` levels.
pub fn measure(v: &Value, max_depth: usize) -> Option<usize> {
    walk(v, 1, max_depth)
}

fn walk(v: &Value, depth: usize, max_depth: usize) -> Option<usize> {
    Some(match v {
        Value::Null => 4,
        Value::Bool(b) => 4 + usize::from(!*b),
        Value::Number(n) => number_len(n),
        Value::String(s) => string_len(s),
        Value::Array(items) if items.is_empty() => 2,
        Value::Object(map) if map.is_empty() => 2,
        _ if depth >= max_depth => return None,
        Value::Array(items) => {
            let mut len = items.len() + 1;
            for item in items {
                len = len.saturating_add(walk(item, depth + 1, max_depth)?);
            }
            len
        }
        Value::Object(map) => {
            // Braces, commas and colons, the keys and the values.
            let mut len = 2 * map.len() + 1;
            for (k, item) in map {
                len = len.saturating_add(string_len(k)).saturating_add(walk(item, depth + 1, max_depth)?);
            }
            len
        }
    })
}

/// A string's length in JSON, quotes and escapes included (serde_json escapes `"`, `\` and the
/// control characters; `\b`, `\t`, `\n`, `\f` and `\r` take two bytes, the others six).
fn string_len(s: &str) -> usize {
    let plain = |b: &u8| *b >= 0x20 && *b != b'"' && *b != b'\\';
    if s.as_bytes().iter().all(plain) {
        return s.len().saturating_add(2);
    }
    s.bytes().fold(2usize, |n, b| {
        n.saturating_add(match b {
            b'"' | b'\\' | 0x08 | 0x09 | 0x0a | 0x0c | 0x0d => 2,
            0x00..=0x1f => 6,
            _ => 1,
        })
    })
}

fn number_len(n: &Number) -> usize {
    let digits = |x: u64| x.checked_ilog10().unwrap_or(0) as usize + 1;
    if let Some(u) = n.as_u64() {
        digits(u)
    } else if let Some(i) = n.as_i64() {
        1 + digits(i.unsigned_abs())
    } else {
        // A float, finite in a `Value`: written as serde_json writes it (zmij's shortest form).
        zmij::Buffer::new().format_finite(n.as_f64().unwrap_or(0.0)).len()
    }
}

/// The length in bytes of `serde_json::to_string(v)`, counted as serde_json writes it.
pub fn text_len(v: &Value) -> usize {
    struct Count(usize);
    impl Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, v);
    count.0
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::measure;

    #[test]
    fn the_length_is_that_of_the_text() {
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(7),
            json!(-1),
            json!(10),
            json!(u64::MAX),
            json!(9),
            json!(99),
            json!(100),
            json!(999_999_999_999u64),
            json!(1_000_000_000_000u64),
            json!(-9),
            json!(-10),
            json!(i64::MIN),
            json!(0.5),
            json!(-1.25e-300),
            json!(1e21),
            json!(3.0),
            json!(0.1 + 0.2),
            json!(-0.0),
            json!(1e-7),
            json!(123456789.125),
            json!(f64::MAX),
            json!(f64::MIN_POSITIVE),
            json!(5e-324),
            json!(1e15),
            json!(1e16),
            json!(-2.5e100),
            json!(""),
            json!("a\"b\\c\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}é😀"),
            json!([]),
            json!({}),
            json!([1, [2, []], {"k": "v", "e": {}}]),
            json!({"a": {"b": [1.5, "x", null, true]}, "": 0, "q\"": [{}]}),
        ];
        for v in values {
            assert_eq!(measure(&v, 8), Some(serde_json::to_string(&v).unwrap().len()), "{v}");
        }
    }

    #[test]
    fn every_ascii_byte_at_every_position_of_short_and_long_strings() {
        for len in [1, 7, 8, 9, 16, 23] {
            for at in 0..len {
                for b in 0u8..0x80 {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = b;
                    let v = serde_json::Value::String(String::from_utf8(bytes).unwrap());
                    assert_eq!(measure(&v, 1), Some(serde_json::to_string(&v).unwrap().len()), "{v}");
                }
            }
        }
        let v = json!("ü€😀 é\u{80}\u{7ff}\u{ffff}");
        assert_eq!(measure(&v, 1), Some(serde_json::to_string(&v).unwrap().len()));
    }

    #[test]
    fn too_deep_is_none() {
        let v = json!({"a": [1, {"b": {}}]});
        // Filled containers at depths 1 to 3; the empty object at depth 4 does not count.
        assert_eq!(measure(&v, 4), Some(serde_json::to_string(&v).unwrap().len()));
        assert_eq!(measure(&v, 3), None);
        assert_eq!(measure(&json!([]), 1), Some(2));
        assert_eq!(measure(&json!([1]), 1), None);
    }
}
