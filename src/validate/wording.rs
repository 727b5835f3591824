//! AWS's wording: locations, `Expected value of type` messages, field lists in Java `HashSet` order, Python reprs.

/// The location of `field` inside the object at `base`.
pub(super) fn at(base: &str, field: &str) -> String {
    format!("{base}/{field}")
}

/// The location of item `i` of the array at `base`.
pub(super) fn indexed(base: &str, i: usize) -> String {
    format!("{base}[{i}]")
}

/// The location AWS gives an object: `/` for the root.
pub(super) fn object_location(base: &str) -> String {
    if base.is_empty() {
        "/".into()
    } else {
        base.into()
    }
}

/// The order in which a `java.util.HashSet` of these strings iterates, which is the order AWS
/// lists field names in its messages.
pub(super) fn java_hash_order(names: &[&str]) -> Vec<String> {
    let mut capacity = 16usize;
    while names.len() as f64 > capacity as f64 * 0.75 {
        capacity *= 2;
    }
    let bucket = |s: &str| {
        let mut h: u32 = 0;
        for unit in s.encode_utf16() {
            h = h.wrapping_mul(31).wrapping_add(unit as u32);
        }
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut indexed: Vec<(usize, usize, &str)> = names.iter().enumerate().map(|(i, n)| (bucket(n), i, *n)).collect();
    crate::sort::sort_by(&mut indexed, Ord::cmp);
    indexed.into_iter().map(|(_, _, n)| n.to_string()).collect()
}

/// A list of field names as AWS's messages write it: `[B, A]`, in `HashSet` order.
pub(super) fn field_list(names: &[&str]) -> String {
    format!("[{}]", java_hash_order(names).join(", "))
}

/// AWS's message for a value of the wrong JSON type.
pub(super) fn type_name(expected: &str) -> String {
    format!("Expected value of type [{expected}]")
}

/// Python's `repr` of a string, as the Label validator's message shows it.
pub(super) fn python_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `unicode-escape` of one character.
pub(super) fn python_unicode_escape(c: char) -> String {
    match c {
        '\\' => "\\\\".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        c if (c as u32) < 0x20 || (0x7f..0x100).contains(&(c as u32)) => {
            format!("\\x{:02x}", c as u32)
        }
        c => c.to_string(),
    }
}
