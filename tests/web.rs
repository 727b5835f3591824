//! The crate compiled to wasm32 and run in headless Chromium: `wasm-pack test --headless --chrome -- --test web`
//! (in `make test`). `run_in_browser` sends this file to the browser; `--node` skips it.
//! Chromium's flags and binary come from `webdriver.json`.
#![cfg(target_arch = "wasm32")]

/// The JS API, shared with the other runner.
mod api;

use asl_sim::error::{ErrorName, Failure};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn global(name: &str) -> JsValue {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name)).unwrap()
}

#[wasm_bindgen_test]
fn runs_in_a_browser_page() {
    assert!(global("document").is_object(), "no document: not a browser page");
    let agent = js_sys::Reflect::get(&global("navigator"), &JsValue::from_str("userAgent")).unwrap();
    assert!(agent.as_string().unwrap().contains("Chrome"), "{agent:?}");
}

#[wasm_bindgen_test]
fn error_names_and_json_text_work_in_the_browser() {
    assert_eq!(ErrorName::NoChoiceMatched.as_str(), "States.NoChoiceMatched");
    assert_eq!(Failure::custom("MyError", "why").to_string(), "MyError: why");
    let text = r#"{"z":[1,2],"a":null,"big":-9223372036854775808}"#;
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), text);
    let parsed = js_sys::JSON::parse(text).unwrap();
    let keys = js_sys::Object::keys(&parsed.into());
    assert_eq!(keys.join(",").as_string().unwrap(), "z,a,big");
}

/// The playground will play executions back in real time with timers: they must work here.
#[wasm_bindgen_test]
async fn timers_fire_in_the_browser() {
    let before = js_sys::Date::now();
    gloo_timers::future::TimeoutFuture::new(30).await;
    let waited = js_sys::Date::now() - before;
    assert!(waited >= 25.0, "waited only {waited} ms");
}
