//! TestState requests: any text as the request's JSON, parsed and answered.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(request) = serde_json::from_str::<serde_json::Value>(text) else { return };
    if let Ok(request) = asl_sim::teststate::Request::from_json(&request) {
        let _ = asl_sim::teststate::test_state(&request);
    }
});
