//! The crate compiled to wasm32 and run in Node.js: `wasm-pack test --node -- --test node` (in `make test`).
//!
//! No `wasm_bindgen_test_configure!` here: that is what sends these tests to Node. A file with
//! `run_in_browser` is skipped (and counted as passing) under `--node`, so browser tests live in
//! `tests/web.rs`. The JS API's tests (`tests/api/`) run in both: they call `asl_sim::wasm::Simulator`
//! with JS values, JS task handlers and JS promises. The built npm package is tested from JS by
//! `tests/js/npm_package.mjs`.
#![cfg(target_arch = "wasm32")]

/// The JS API, shared with the other runner.
mod api;

use asl_sim::error::{ErrorName, Failure};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn runs_in_node() {
    let process = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("process")).unwrap();
    let versions = js_sys::Reflect::get(&process, &JsValue::from_str("versions")).unwrap();
    let node = js_sys::Reflect::get(&versions, &JsValue::from_str("node")).unwrap();
    let major: u32 = node.as_string().unwrap().split('.').next().unwrap().parse().unwrap();
    assert!(major >= 20, "Node.js {major}");
}

#[wasm_bindgen_test]
fn error_names_survive_the_wasm_build() {
    assert_eq!(ErrorName::Runtime.as_str(), "States.Runtime");
    assert_eq!(ErrorName::All.as_str(), "States.ALL");
    let failure = Failure::new(ErrorName::TaskFailed, "boom");
    assert_eq!(failure.to_string(), "States.TaskFailed: boom");
}

#[wasm_bindgen_test]
fn json_text_keeps_order_and_big_integers_across_the_boundary() {
    // serde_json must keep insertion order (feature preserve_order) and exact u64 in wasm too.
    let text = r#"{"b":1,"a":{"2":"two","1":"one"},"n":18446744073709551615}"#;
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), text);
    // The same text parsed by JS: readable, but the big integer is no longer exact, which is why
    // payloads cross as JSON text.
    let parsed = js_sys::JSON::parse(text).unwrap();
    let b = js_sys::Reflect::get(&parsed, &JsValue::from_str("b")).unwrap();
    assert_eq!(b.as_f64(), Some(1.0));
    let n = js_sys::Reflect::get(&parsed, &JsValue::from_str("n")).unwrap();
    assert_ne!(n.as_f64().unwrap().to_string(), "18446744073709551615");
}
