//! The crate compiled to wasm32 and run in two browser engines, headless Chromium and Firefox:
//! `wasm-pack test --headless --chrome -- --test web` and the same with `--firefox` (both in
//! `make test`). `run_in_browser` sends this file to the browser; `--node` skips it. The browsers'
//! binaries and flags come from `webdriver.json`.
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
}

/// The engine is the one the run asked for: `make test` builds this file with `ASL_SIM_BROWSER`
/// set to `chrome` or `firefox`; built without it, either of the two engines passes.
#[wasm_bindgen_test]
fn user_agent_names_the_engine_under_test() {
    let agent = js_sys::Reflect::get(&global("navigator"), &JsValue::from_str("userAgent")).unwrap();
    let agent = agent.as_string().unwrap_or_default();
    // Headless Chromium says `HeadlessChrome/156.0.0.0`, Firefox `Gecko/20100101 Firefox/153.0`.
    let (chrome, firefox) = (agent.contains("Chrome/"), agent.contains("Firefox/"));
    match option_env!("ASL_SIM_BROWSER") {
        Some("chrome") => assert!(chrome && !firefox, "not Chromium's user agent: {agent}"),
        Some("firefox") => assert!(firefox && !chrome, "not Firefox's user agent: {agent}"),
        _ => assert!(chrome != firefox, "neither Chromium's nor Firefox's user agent: {agent}"),
    }
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
