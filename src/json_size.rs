//! The size of a JSON value's text, measured without writing it: what the 256 KiB payload check
//! reads when no history needs the text, in one walk with the nesting check.

use std::io::Write;

use serde_json::{Number, Value};

/// What [`measure_with`] finds of a value: the length of its text, and its height (0 for a scalar
/// or an empty container, else one more than its highest member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub len: usize,
    pub height: usize,
}

/// The length in bytes of `serde_json::to_string(v)`, or `None` when a non-empty array or
/// object lies at depth `max_depth` or deeper (the root is at depth 1). It recurses, but never
/// deeper than `max_depth` levels.
pub fn measure(v: &Value, max_depth: usize) -> Option<usize> {
    walk(v, 1, max_depth).map(|s| s.len)
}

/// [`measure`], taking the sizes of the subtrees at the `known` paths (property names from the
/// root) as given instead of walking them, and giving the sizes of the subtrees at the `want`
/// paths (`None` where the value has nothing). The executor knows the sizes of the parts a state
/// moved whole from its input, which it measured as the previous state's output.
pub fn measure_with(
    v: &Value,
    max_depth: usize,
    known: &[(&[String], Size)],
    want: &[&[String]],
) -> Option<(usize, Vec<Option<Size>>)> {
    let mut found = vec![None; want.len()];
    let known: Vec<&(&[String], Size)> = known.iter().collect();
    let want: Vec<(usize, &[String])> = want.iter().copied().enumerate().collect();
    let size = walk_paths(v, 1, max_depth, 0, &known, &want, &mut found)?;
    Some((size.len, found))
}

/// [`walk`] at `level` names below the root, with the known and wanted paths that lead here.
fn walk_paths(
    v: &Value,
    depth: usize,
    max_depth: usize,
    level: usize,
    known: &[&(&[String], Size)],
    want: &[(usize, &[String])],
    found: &mut [Option<Size>],
) -> Option<Size> {
    let wanted_inside = want.iter().any(|(_, p)| p.len() > level);
    let here = known.iter().find(|(p, _)| p.len() == level).map(|(_, s)| *s);
    let size = match (here, v) {
        // Known, and nothing wanted lies inside: not walked. Its deepest container is at
        // `depth + height - 1`.
        (Some(s), _) if !wanted_inside => {
            if s.height > 0 && depth + s.height > max_depth {
                return None;
            }
            s
        }
        (_, Value::Object(map)) if !map.is_empty() && (wanted_inside || known.len() > usize::from(here.is_some())) => {
            if depth >= max_depth {
                return None;
            }
            let mut size = Size { len: 2 * map.len() + 1, height: 0 };
            for (k, item) in map {
                let on = |p: &[String]| p.len() > level && p[level] == *k;
                let known: Vec<&(&[String], Size)> = known.iter().copied().filter(|(p, _)| on(p)).collect();
                let want: Vec<(usize, &[String])> = want.iter().copied().filter(|(_, p)| on(p)).collect();
                let item = if known.is_empty() && want.is_empty() {
                    walk(item, depth + 1, max_depth)?
                } else {
                    walk_paths(item, depth + 1, max_depth, level + 1, &known, &want, found)?
                };
                size.len = size.len.saturating_add(string_len(k)).saturating_add(item.len);
                size.height = size.height.max(item.height + 1);
            }
            size
        }
        // Nothing known or wanted lies inside (paths go through objects only).
        _ => walk(v, depth, max_depth)?,
    };
    for (i, p) in want {
        if p.len() == level {
            found[*i] = Some(size);
        }
    }
    Some(size)
}

fn walk(v: &Value, depth: usize, max_depth: usize) -> Option<Size> {
    let scalar = |len| Some(Size { len, height: 0 });
    match v {
        Value::Null => scalar(4),
        Value::Bool(b) => scalar(4 + usize::from(!*b)),
        Value::Number(n) => scalar(number_len(n)),
        Value::String(s) => scalar(string_len(s)),
        Value::Array(items) if items.is_empty() => scalar(2),
        Value::Object(map) if map.is_empty() => scalar(2),
        _ if depth >= max_depth => None,
        Value::Array(items) => {
            let mut size = Size { len: items.len() + 1, height: 0 };
            for item in items {
                let item = walk(item, depth + 1, max_depth)?;
                size.len = size.len.saturating_add(item.len);
                size.height = size.height.max(item.height);
            }
            size.height += 1;
            Some(size)
        }
        Value::Object(map) => {
            // Braces, commas and colons, the keys and the values.
            let mut size = Size { len: 2 * map.len() + 1, height: 0 };
            for (k, item) in map {
                let item = walk(item, depth + 1, max_depth)?;
                size.len = size.len.saturating_add(string_len(k)).saturating_add(item.len);
                size.height = size.height.max(item.height);
            }
            size.height += 1;
            Some(size)
        }
    }
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
    fn known_subtrees_are_taken_as_given_and_wanted_ones_are_found() {
        use super::{measure_with, Size};
        let v = json!({"data": {"records": [{"id": 1, "s": "abc"}], "meta": {"m": [1.5]}}, "n": 2});
        let text = |v: &serde_json::Value| serde_json::to_string(v).unwrap().len();
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let (records, meta, data, nothing) =
            (path(&["data", "records"]), path(&["data", "meta"]), path(&["data"]), path(&["data", "none"]));
        let want: Vec<&[String]> = vec![&records, &meta, &data, &nothing, &[]];
        let (len, found) = measure_with(&v, 8, &[], &want).unwrap();
        assert_eq!(len, text(&v));
        let size = |v: &serde_json::Value, height| Some(Size { len: text(v), height });
        assert_eq!(
            found,
            [size(&v["data"]["records"], 2), size(&v["data"]["meta"], 2), size(&v["data"], 3), None, size(&v, 4)]
        );
        // A known size stands in for the walk of its subtree (here a wrong one, to show it).
        let known = [(records.as_slice(), Size { len: 1_000, height: 1 })];
        let (len, found) = measure_with(&v, 8, &known, &[&meta]).unwrap();
        assert_eq!(len, text(&v) - text(&v["data"]["records"]) + 1_000);
        assert_eq!(found, [size(&v["data"]["meta"], 2)]);
        // ... unless something wanted lies inside it: then it is walked.
        let inside = path(&["data", "records", "x"]);
        let (len, _) = measure_with(&v, 8, &known, &[&inside]).unwrap();
        assert_eq!(len, text(&v));
        // A known subtree's height counts for the nesting limit where it lands (depth 3 here).
        assert!(measure_with(&v, 8, &[(records.as_slice(), Size { len: 2, height: 5 })], &[]).is_some());
        assert!(measure_with(&v, 7, &[(records.as_slice(), Size { len: 2, height: 5 })], &[]).is_none());
        assert_eq!(measure_with(&v, 4, &[], &[]).map(|(len, _)| len), None);
        assert_eq!(measure_with(&v, 5, &[], &[]).map(|(len, _)| len), Some(text(&v)));
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
