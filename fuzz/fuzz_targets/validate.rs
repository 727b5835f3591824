//! The definition validator and loader: any text is a definition to validate (as
//! `ValidateStateMachineDefinition` does), then, if it is JSON, to load as the executor would.
#![no_main]

#[path = "common.rs"]
mod common;

use asl_sim::validate::{self, MachineType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for t in [MachineType::Standard, MachineType::Express] {
        let diags = validate::validate_text(text, t);
        let _ = validate::invalid_definition_message_for_text(&diags, text);
    }
    if let Ok(def) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = asl_sim::model::load(&def);
    }
});
