//! Helpers of the `TestState` tests: requests given with JSON values (sent as AWS's JSON-text
//! fields) and responses with their JSON-text fields parsed.

#![allow(dead_code)]

use serde_json::Value;

use asl_sim::teststate::{test_state, Request};

/// The optimized Lambda integration.
pub const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

/// Answers a request given with JSON values (turned into AWS's JSON-text fields here).
pub fn answer(req: Value) -> Result<Value, (String, String)> {
    let mut req = req;
    for key in ["definition", "input", "variables", "context"] {
        if let Some(v) = req.get(key).cloned() {
            req[key] = Value::String(v.to_string());
        }
    }
    if let Some(r) = req.pointer("/mock/result").cloned() {
        req["mock"]["result"] = Value::String(r.to_string());
    }
    if let Some(r) = req.pointer("/stateConfiguration/mapItemReaderData").cloned() {
        req["stateConfiguration"]["mapItemReaderData"] = Value::String(r.to_string());
    }
    Request::from_json(&req).and_then(|r| test_state(&r)).map_err(|e| (e.name().to_string(), e.message))
}

/// The error a request gets (panics when it is answered).
pub fn error(req: Value) -> (String, String) {
    match answer(req) {
        Ok(r) => panic!("answered {r}"),
        Err(e) => e,
    }
}

/// The response, with `output` and every `inspectionData` member but `errorDetails` and the Map
/// numbers parsed from their JSON text (panics on an error).
pub fn parsed_response(req: Value) -> Value {
    let mut r = answer(req).unwrap_or_else(|e| panic!("error {e:?}"));
    if let Some(Value::String(s)) = r.get("output") {
        r["output"] = serde_json::from_str(s).expect("output is JSON text");
    }
    if let Some(Value::Object(d)) = r.get_mut("inspectionData") {
        for (_, v) in d.iter_mut() {
            if let Value::String(s) = v {
                *v = serde_json::from_str(s).expect("inspection data is JSON text");
            }
        }
    }
    r
}
