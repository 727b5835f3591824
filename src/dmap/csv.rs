//! CSV as a Distributed Map's `ItemReader` reads it: RFC 4180 fields (double quotes, `""` for a
//! quote) with the configured delimiter, one item per non-empty row, keyed by the headers.
//!
//! The developer guide's rules ("How Step Functions parses input CSV files",
//! example-csv-parse-dist-map.html): a quote is kept by repeating it, inside quotes or not
//! (`{""MyKey"":""MyValue""}` reads `{"MyKey":"MyValue"}`); a backslash escapes a backslash, a
//! double quote or the delimiter, and before any other character it is dropped.
//!
//! Recorded on AWS (LocalStack's snapshots `test_map_item_reader_csv_*`): a row with fewer fields
//! than headers gets `""` for the missing ones, extra fields are dropped, values stay strings, and
//! duplicate headers fail with "CSV headers cannot contain duplicates.". The keys of each item come
//! in the order of a Java `HashMap` (headers `0,True,{}` give `{"0","{}","True"}`), which
//! [`java_hash_order`] reproduces.

use serde_json::{Map, Value};

/// Splits CSV text into rows of fields. Empty lines are skipped; a quoted field may hold the
/// delimiter and line breaks.
pub fn rows(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut at_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some(&n) if n == '\\' || n == '"' || n == delimiter => {
                    chars.next();
                    field.push(n);
                    at_start = false;
                }
                // Before anything else, the backslash alone is dropped.
                _ => {}
            }
            continue;
        }
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                at_start = false;
            }
            // A repeated quote outside quotes is one quote, as inside them.
            '"' if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if !(at_start && row.is_empty() && field.is_empty()) {
                    row.push(std::mem::take(&mut field));
                    out.push(std::mem::take(&mut row));
                }
                at_start = true;
            }
            c if c == delimiter => {
                row.push(std::mem::take(&mut field));
                at_start = false;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if !(at_start && row.is_empty() && field.is_empty()) {
        row.push(field);
        out.push(row);
    }
    out
}

/// One item: each header with its field (`""` when the row is short), keys in Java `HashMap`
/// order.
pub fn item(headers: &[String], order: &[usize], row: &[String]) -> Value {
    let mut m = Map::new();
    for &i in order {
        m.insert(headers[i].clone(), Value::String(row.get(i).cloned().unwrap_or_default()));
    }
    Value::Object(m)
}

/// Whether headers repeat a name.
pub fn has_duplicates(headers: &[String]) -> bool {
    let mut seen = std::collections::HashSet::new();
    !headers.iter().all(|h| seen.insert(h))
}

/// Java's `String.hashCode`: over UTF-16 code units, wrapping.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(u as i32))
}

/// The order in which a `java.util.HashMap` with the default capacity (16, load factor 0.75),
/// filled with these distinct keys in turn, iterates them: by bucket (`hash ^ hash >>> 16`, masked
/// by the final table size), then in insertion order within a bucket.
pub fn java_hash_order(keys: &[String]) -> Vec<usize> {
    let mut cap: usize = 16;
    while keys.len() * 4 > cap * 3 {
        cap *= 2;
    }
    let bucket = |k: &str| {
        let h = java_string_hash(k) as u32;
        ((h ^ (h >> 16)) as usize) & (cap - 1)
    };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    crate::sort::sort_positions(&mut order, &mut |a, b| (bucket(&keys[a]), a).cmp(&(bucket(&keys[b]), b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn rows_follow_rfc_4180() {
        let text = "a,b\n1,\"x,\"\"y\"\"\nz\"\r\n\n,,,\n   \n";
        assert_eq!(rows(text, ','), vec![s(&["a", "b"]), s(&["1", "x,\"y\"\nz"]), s(&["", "", "", ""]), s(&["   "])]);
        assert_eq!(rows("a|b", '|'), vec![s(&["a", "b"])]);
        assert!(rows("", ',').is_empty());
    }

    /// The developer guide's rules and examples ("How Step Functions parses input CSV files").
    #[test]
    fn quotes_and_backslashes_as_the_developer_guide_describes() {
        // Its example row: a quoted field with commas, `""` and a line break; an unquoted field
        // with doubled quotes.
        let text = "abc,123,\"This string contains commas, a double quotation marks (\"\"), and a newline (\n)\",{\"\"MyKey\"\":\"\"MyValue\"\"},\"[1,2,3]\"";
        let quote = "This string contains commas, a double quotation marks (\"), and a newline (\n)";
        assert_eq!(rows(text, ','), vec![s(&["abc", "123", quote, r#"{"MyKey":"MyValue"}"#, "[1,2,3]"])]);
        // Its backslash example, and the escapes of the delimiter and of a quote.
        assert_eq!(
            rows(r"C:\\Program Files\\MyApp.exe,6534512", ','),
            vec![s(&[r"C:\Program Files\MyApp.exe", "6534512"])]
        );
        assert_eq!(rows(r#"a\,b,\"q\",c\|d"#, ','), vec![s(&["a,b", r#""q""#, "c|d"])]);
        assert_eq!(rows(r"c\|d|e", '|'), vec![s(&["c|d", "e"])]);
        // Before any other character the backslash is dropped, inside quotes too.
        assert_eq!(rows(r#"\q\n,"x\yz",end\"#, ','), vec![s(&["qn", "xyz", "end"])]);
    }

    #[test]
    fn keys_come_in_java_hash_map_order() {
        // Recorded on AWS: headers `0,True,{}` and `H1,` (LocalStack snapshots).
        let h = s(&["0", "True", "{}"]);
        let order: Vec<&str> = java_hash_order(&h).into_iter().map(|i| h[i].as_str()).collect();
        assert_eq!(order, ["0", "{}", "True"]);
        let h = s(&["H1", ""]);
        assert_eq!(java_hash_order(&h), [1, 0]);
        assert_eq!(java_string_hash("True"), 2615726);
        let row = s(&["Value4", "Value5"]);
        assert_eq!(item(&h, &java_hash_order(&h), &row).to_string(), r#"{"":"Value5","H1":"Value4"}"#);
        assert!(has_duplicates(&s(&["H1", "H1"])));
    }
}
