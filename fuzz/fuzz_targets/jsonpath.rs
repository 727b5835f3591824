//! JSONPath (Jayway's semantics): `path NUL document`, parsed, read and written.
#![no_main]

#[path = "common.rs"]
mod common;

use asl_sim::jsonpath::JsonPath;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((path, doc)) = common::split(data) else { return };
    let mut doc = common::json_or_empty(doc);
    for parsed in [JsonPath::parse(path), JsonPath::parse_variable(path)] {
        let Ok(p) = parsed else { continue };
        let _ = p.try_select(&doc);
        let _ = p.select_ref(&doc);
        let mut copy = doc.clone();
        let _ = p.take(&mut copy);
        let _ = p.assign(&mut doc, serde_json::json!({"x": [1]}));
    }
});
