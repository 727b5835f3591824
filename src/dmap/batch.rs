//! `ItemBatcher`: groups items into batches, each the input of one child execution,
//! `{"BatchInput": ..., "Items": [...]}` (the `ItemBatcher` page of the developer guide:
//! <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html>).

use serde_json::{Map, Value};

use crate::history;

/// AWS's largest batch: 256 KiB of input (`MaxInputBytesPerBatch` may not exceed it).
pub const MAX_BATCH_BYTES: u64 = 256 * 1024;

/// Splits `items` into batch inputs: at most `max_items` items (0: no limit) and at most
/// `max_bytes` bytes of JSON text (0: 256 KiB) each. An item too large for a batch on its own
/// still gets a batch of its own.
pub fn batches(items: Vec<Value>, max_items: u64, max_bytes: u64, batch_input: Option<&Value>) -> Vec<Value> {
    let max_bytes = if max_bytes == 0 { MAX_BATCH_BYTES } else { max_bytes.min(MAX_BATCH_BYTES) } as usize;
    let max_items = if max_items == 0 { usize::MAX } else { usize::try_from(max_items).unwrap_or(usize::MAX) };
    // `{"BatchInput":<text>,"Items":[]}` and a comma between items.
    let base = batch_input.map_or(0, |b| history::json_text(b).len() + 14) + 12;
    let mut out = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let mut size = base;
    for item in items {
        let len = history::json_text(&item).len();
        if !current.is_empty() && (current.len() >= max_items || size + len + 1 > max_bytes) {
            out.push(wrap(std::mem::take(&mut current), batch_input));
            size = base;
        }
        size += len + usize::from(!current.is_empty());
        current.push(item);
    }
    if !current.is_empty() {
        out.push(wrap(current, batch_input));
    }
    out
}

fn wrap(items: Vec<Value>, batch_input: Option<&Value>) -> Value {
    let mut m = Map::new();
    if let Some(b) = batch_input {
        m.insert("BatchInput".into(), b.clone());
    }
    m.insert("Items".into(), Value::Array(items));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn three_items_by_two_give_two_batches() {
        let b = batches(vec![json!(1), json!(2), json!(3)], 2, 0, Some(&json!({"k": "v"})));
        assert_eq!(
            b,
            [json!({"BatchInput": {"k": "v"}, "Items": [1, 2]}), json!({"BatchInput": {"k": "v"}, "Items": [3]})]
        );
    }

    #[test]
    fn bytes_bound_a_batch() {
        // `{"Items":["aaaa","bbbb"]}` is 25 bytes.
        let items = vec![json!("aaaa"), json!("bbbb"), json!("cccc")];
        assert_eq!(batches(items.clone(), 0, 25, None).len(), 2);
        assert_eq!(batches(items.clone(), 0, 24, None).len(), 3);
        assert_eq!(batches(items, 0, 1, None).len(), 3);
    }
}
