//! Decoding what an `ItemReader` fetched into the Map's items: a JSON array (or the array at
//! `ItemsPointer`), JSON Lines, CSV, an S3 inventory manifest's CSV data files, or a
//! `ListObjectsV2` listing; `MaxItems`; and AWS's `States.ItemReaderFailed` causes.
//!
//! Bounded: an object's text past [`MAX_READ_BYTES`] is refused before it is parsed, and the
//! items past the caller's limit (the execution's transition budget: each item takes at least one
//! transition) fail the reader instead of growing memory.

use serde_json::Value;

use super::csv;
use super::spec::Format;
use crate::error::{ErrorName, Failure};

/// AWS's Distributed Map stops reading past 100,000,000 items (`MaxItems` is capped there; LocalStack's
/// snapshot `test_map_item_reader_csv_max_items_paths[100000001]`, recorded on AWS, reads them all).
pub const AWS_MAX_ITEMS: u64 = 100_000_000;

/// The most bytes of object text one reader decodes: 64 MiB.
pub const MAX_READ_BYTES: usize = 64 * 1024 * 1024;

/// `States.ItemReaderFailed` with a cause.
pub fn failed(cause: impl Into<String>) -> Failure {
    Failure::new(ErrorName::ItemReaderFailed, cause)
}

/// `ReaderConfig.MaxItems` as read: a non-negative integer (0: no limit), capped at AWS's
/// 100,000,000; a negative one fails as on AWS ("field MaxItems must be positive", recorded).
pub fn max_items(v: &Value) -> Result<u64, Failure> {
    let n = v.as_f64().ok_or_else(|| failed("field MaxItems must be an integer"))?;
    if n < 0.0 {
        return Err(failed("field MaxItems must be positive"));
    }
    if n.fract() != 0.0 {
        return Err(failed("field MaxItems must be an integer"));
    }
    Ok((n as u64).min(AWS_MAX_ITEMS))
}

/// The items a reader read, and where they came from.
#[derive(Debug, Default, PartialEq)]
pub struct Decoded {
    /// The items.
    pub items: Vec<Value>,
    /// Their sources, when they came from several objects.
    pub sources: Sources,
}

/// Where the items of a `LOAD_AND_FLATTEN` listing or an Athena manifest came from: the index of
/// each object's first item and its `s3://` URI (`$$.Map.Item.Source`), in order; none for one
/// object.
#[derive(Debug, Default, PartialEq)]
pub struct Sources(Vec<(usize, String)>);

impl Sources {
    /// The source of item `index`, when the items came from several objects.
    pub fn source_of(&self, index: usize) -> Option<&str> {
        let at = self.0.partition_point(|(first, _)| *first <= index);
        at.checked_sub(1).map(|i| self.0[i].1.as_str())
    }
}

fn checked(text: &str) -> Result<&str, Failure> {
    if text.len() > MAX_READ_BYTES {
        return Err(failed(format!(
            "The object has {} bytes; the simulator's item reader decodes at most {MAX_READ_BYTES}.",
            text.len()
        )));
    }
    Ok(text)
}

/// Reads the items from `fetched` (what [`super::fetch::read`] answered): at most `max_items` of
/// them when it is not 0; more than `limit` fail the reader.
pub fn decode(
    format: &Format,
    pointer: Option<&str>,
    fetched: &Value,
    max_items: u64,
    limit: usize,
) -> Result<Decoded, Failure> {
    let cap = if max_items == 0 { AWS_MAX_ITEMS } else { max_items };
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut items = Items { out: Vec::new(), cap, limit };
    let body = fetched.get("Body").and_then(Value::as_str).unwrap_or("");
    let mut sources = Sources::default();
    match format {
        Format::Flatten(each) | Format::Athena(each) => {
            for f in fetched.get("Files").and_then(Value::as_array).into_iter().flatten() {
                let source = f.get("Source").and_then(Value::as_str).unwrap_or("");
                sources.0.push((items.out.len(), source.to_string()));
                let text = f.get("Body").and_then(Value::as_str).unwrap_or("");
                if !decode_one(each, pointer, text, &mut items)? {
                    break;
                }
            }
        }
        Format::Manifest => {
            let schema = manifest_schema(checked(body)?)?;
            for f in fetched.get("Files").and_then(Value::as_array).into_iter().flatten() {
                let text = f.get("Body").and_then(Value::as_str).unwrap_or("");
                if text.len() > MAX_READ_BYTES {
                    return Err(failed("An inventory data file is larger than the simulator's item reader decodes."));
                }
                if !csv_items(text, Some(&schema), ',', &mut items)? {
                    break;
                }
            }
        }
        Format::Listing => {
            for v in fetched.get("Contents").and_then(Value::as_array).into_iter().flatten() {
                if !items.push(v.clone())? {
                    break;
                }
            }
        }
        one => {
            decode_one(one, pointer, body, &mut items)?;
        }
    }
    Ok(Decoded { items: items.out, sources })
}

/// The items of one object's text as JSON, JSON Lines or CSV; false once `MaxItems` are read.
fn decode_one(format: &Format, pointer: Option<&str>, text: &str, items: &mut Items) -> Result<bool, Failure> {
    let text = checked(text)?;
    match format {
        Format::Json => {
            let doc: Value =
                serde_json::from_str(text).map_err(|e| failed(format!("Failed to parse the object as JSON: {e}")))?;
            let target = match pointer {
                Some(p) => {
                    doc.pointer(p).ok_or_else(|| failed(format!("ItemsPointer '{p}' does not point to a value")))?
                }
                None => &doc,
            };
            let Value::Array(a) = target else { return Err(failed("Attempting to map over non-iterable node.")) };
            for v in a {
                if !items.push(v.clone())? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Format::Jsonl => {
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v = serde_json::from_str(line)
                    .map_err(|e| failed(format!("Failed to parse line {} of the object as JSON: {e}", n + 1)))?;
                if !items.push(v)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Format::Csv { headers, delimiter } => csv_items(text, headers.as_deref(), *delimiter, items),
        // The loader gives listings and manifests only these three formats for their objects.
        other => Err(failed(format!("The simulator cannot read an object as {other:?}."))),
    }
}

struct Items {
    out: Vec<Value>,
    cap: usize,
    limit: usize,
}

impl Items {
    /// Adds an item; false once `MaxItems` are read.
    fn push(&mut self, v: Value) -> Result<bool, Failure> {
        if self.out.len() >= self.cap {
            return Ok(false);
        }
        if self.out.len() >= self.limit {
            return Err(failed(format!(
                "The item reader read more than {} items, the execution's transition budget (maxTransitions): \
                 each item runs at least one state. Raise the budget or set ReaderConfig.MaxItems.",
                self.limit
            )));
        }
        self.out.push(v);
        Ok(self.out.len() < self.cap)
    }
}

/// Rows of CSV as items; false once `MaxItems` are read.
fn csv_items(text: &str, given: Option<&[String]>, delimiter: char, items: &mut Items) -> Result<bool, Failure> {
    let mut rows = csv::rows(text, delimiter).into_iter();
    let headers = match given {
        Some(h) => h.to_vec(),
        None => match rows.next() {
            Some(h) => h,
            None => return Ok(true),
        },
    };
    if csv::has_duplicates(&headers) {
        return Err(failed("CSV headers cannot contain duplicates."));
    }
    let order = csv::java_hash_order(&headers);
    for row in rows {
        if !items.push(csv::item(&headers, &order, &row))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The headers of an S3 inventory's CSV data files: its manifest's `fileSchema`.
fn manifest_schema(text: &str) -> Result<Vec<String>, Failure> {
    let m: Value =
        serde_json::from_str(text).map_err(|e| failed(format!("Failed to parse the manifest as JSON: {e}")))?;
    if m.get("fileFormat").and_then(Value::as_str).is_some_and(|f| f != "CSV") {
        return Err(failed("Only S3 inventory manifests of fileFormat CSV are supported by the simulator."));
    }
    let schema =
        m.get("fileSchema").and_then(Value::as_str).ok_or_else(|| failed("The manifest has no fileSchema."))?;
    Ok(schema.split(',').map(|s| s.trim().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(text: &str) -> Value {
        json!({ "Body": text })
    }

    #[test]
    fn json_arrays_pointers_and_max_items() {
        let all = decode(&Format::Json, None, &body("[1,2,3]"), 0, 100).unwrap().items;
        assert_eq!(all, [json!(1), json!(2), json!(3)]);
        assert_eq!(decode(&Format::Json, None, &body("[1,2,3]"), 2, 100).unwrap().items.len(), 2);
        let nested = body(r#"{"a": {"list": ["x"]}}"#);
        assert_eq!(decode(&Format::Json, Some("/a/list"), &nested, 0, 100).unwrap().items, [json!("x")]);
        // Recorded on AWS: an object is not iterable.
        let e = decode(&Format::Json, None, &body(r#"{"Hello":"world"}"#), 0, 100).unwrap_err();
        assert_eq!(
            (e.error.as_str(), e.cause.as_str()),
            ("States.ItemReaderFailed", "Attempting to map over non-iterable node.")
        );
        assert!(decode(&Format::Json, None, &body("[1,"), 0, 100).unwrap_err().cause.starts_with("Failed to parse"));
    }

    #[test]
    fn too_many_items_fail_the_reader() {
        let e = decode(&Format::Json, None, &body("[1,2,3]"), 0, 2).unwrap_err();
        assert!(e.cause.starts_with("The item reader read more than 2 items"), "{}", e.cause);
        // MaxItems within the limit reads fine.
        assert_eq!(decode(&Format::Json, None, &body("[1,2,3]"), 2, 2).unwrap().items.len(), 2);
    }

    #[test]
    fn json_lines_csv_and_listings() {
        assert_eq!(
            decode(&Format::Jsonl, None, &body("{\"a\":1}\n\n[2]\n"), 0, 9).unwrap().items,
            [json!({"a":1}), json!([2])]
        );
        let csv = Format::Csv { headers: None, delimiter: ',' };
        // Recorded on AWS (LocalStack snapshot test_map_item_reader_base_csv_headers_first_line).
        let items = decode(&csv, None, &body("Col1,Col2,Col3\nValue1,Value2,Value3\n,,,\n   \n"), 0, 9).unwrap().items;
        assert_eq!(
            Value::Array(items).to_string(),
            r#"[{"Col1":"Value1","Col2":"Value2","Col3":"Value3"},{"Col1":"","Col2":"","Col3":""},{"Col1":"   ","Col2":"","Col3":""}]"#
        );
        let given = Format::Csv { headers: Some(vec!["H1".into(), "H1".into()]), delimiter: ',' };
        assert_eq!(
            decode(&given, None, &body("a,b\n"), 0, 9).unwrap_err().cause,
            "CSV headers cannot contain duplicates."
        );
        let listing = json!({"Contents": [{"Key": "a"}, {"Key": "b"}]});
        assert_eq!(decode(&Format::Listing, None, &listing, 1, 9).unwrap().items, [json!({"Key": "a"})]);
    }

    #[test]
    fn manifests_read_their_data_files() {
        let fetched = json!({
            "Body": r#"{"fileFormat": "CSV", "fileSchema": "Bucket, Key, Size"}"#,
            "Files": [{"Body": "src,a.txt,3\nsrc,b.txt,4\n"}]
        });
        let items = decode(&Format::Manifest, None, &fetched, 0, 9).unwrap().items;
        assert_eq!(items[1], json!({"Bucket": "src", "Key": "b.txt", "Size": "4"}));
    }

    #[test]
    fn several_objects_keep_their_sources() {
        let fetched = json!({"Files": [
            {"Source": "s3://b/1.jsonl", "Body": "1\n2\n"},
            {"Source": "s3://b/empty.jsonl", "Body": ""},
            {"Source": "s3://b/2.jsonl", "Body": "3\n4\n"}
        ]});
        let read = decode(&Format::Flatten(Box::new(Format::Jsonl)), None, &fetched, 3, 9).unwrap();
        assert_eq!(read.items, [json!(1), json!(2), json!(3)]);
        let sources: Vec<_> = (0..4).map(|i| read.sources.source_of(i)).collect();
        assert_eq!(
            sources,
            [Some("s3://b/1.jsonl"), Some("s3://b/1.jsonl"), Some("s3://b/2.jsonl"), Some("s3://b/2.jsonl")]
        );
        assert_eq!(decode(&Format::Jsonl, None, &body("1"), 0, 9).unwrap().sources.source_of(0), None);
        let bad = json!({"Files": [{"Source": "s3://b/x.json", "Body": "{}"}]});
        let e = decode(&Format::Athena(Box::new(Format::Json)), None, &bad, 0, 9).unwrap_err();
        assert_eq!(e.cause, "Attempting to map over non-iterable node.");
    }

    #[test]
    fn max_items_values() {
        assert_eq!(max_items(&json!(2)).unwrap(), 2);
        assert_eq!(max_items(&json!(100_000_001)).unwrap(), AWS_MAX_ITEMS);
        assert_eq!(max_items(&json!(-1)).unwrap_err().cause, "field MaxItems must be positive");
    }
}
