//! JavaScript bindings (wasm32 only). Converts at the edges; the core knows nothing of JS.
//!
//! Payloads cross as JSON text, never as JS objects: JS numbers lose integers above 2^53 and plain
//! JS objects reorder integer-like keys, while Step Functions keeps both. Every Rust error reaches JS
//! through [`js_error`], as an `Error` whose `name` is the AWS error name, so callers can
//! `catch (e) { if (e.name === "States.Runtime") ... }`. Nothing here may panic on any input:
//! a panic reaches JS as `RuntimeError: unreachable` and can leave the module unusable.
//!
//! To add a function: a `#[wasm_bindgen(js_name = camelCase)] pub fn` taking and returning
//! `String`/`&str`/numbers/bools and `Result<_, js_sys::Error>`, a `#[wasm_bindgen_test]` for it in
//! the `tests` module below, and a check in `tests/js/npm_package.mjs` (and `e2e/run.mjs` if the
//! playground uses it).

use std::fmt::Display;

use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated: from then on a Rust panic also prints its message
/// with `console.error`, instead of only `RuntimeError: unreachable`. `private`: not exported to JS.
#[wasm_bindgen(start, private)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The crate's version, such as `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Parses JSON text and writes it back compactly, keeping key order and exact integers, as an
/// execution's input travels through a `Pass` state. Bad JSON throws an `Error` named
/// `InvalidExecutionInput` whose message gives the line and column.
#[wasm_bindgen(js_name = jsonRoundTrip)]
pub fn json_round_trip(text: &str) -> Result<String, js_sys::Error> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| js_error("InvalidExecutionInput", e))?;
    serde_json::to_string(&value).map_err(|e| js_error("InvalidExecutionInput", e))
}

/// The one way a Rust error crosses into JS: an `Error` with the given `name` (an AWS error name
/// such as `States.Runtime` or an API error such as `InvalidDefinition`) and the error's text as
/// its `message`.
pub(crate) fn js_error(name: &str, message: impl Display) -> js_sys::Error {
    let error = js_sys::Error::new(&message.to_string());
    error.set_name(name);
    error
}

/// Run in Node.js by `wasm-pack test --node -- --lib` (part of `make test`): these call the bindings
/// as Rust functions, which the integration tests in `tests/` cannot reach (the module is private).
#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn version_is_the_crate_version() {
        assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    }

    #[wasm_bindgen_test]
    fn round_trip_keeps_key_order_and_big_integers() {
        let text = r#"{"z":1,"a":[true,null,"x"],"10":{"2":2,"1":1},"big":18446744073709551615}"#;
        assert_eq!(json_round_trip(text).unwrap(), text);
        assert_eq!(json_round_trip(" [1, 2.5, -3] ").unwrap(), "[1,2.5,-3]");
    }

    #[wasm_bindgen_test]
    fn bad_json_is_a_named_js_error() {
        let error = json_round_trip(r#"{"a": }"#).unwrap_err();
        assert_eq!(String::from(error.name()), "InvalidExecutionInput");
        let message = String::from(error.message());
        assert!(message.contains("line 1 column 7"), "{message}");
    }

    #[wasm_bindgen_test]
    fn js_error_is_an_instance_of_error() {
        let error = js_error("States.Runtime", "a cause");
        let value: JsValue = error.into();
        assert!(value.is_instance_of::<js_sys::Error>());
        let error: js_sys::Error = value.into();
        assert_eq!(String::from(error.to_string()), "States.Runtime: a cause");
    }
}
