//! Choice rules: `rule NUL input`, a rule parsed (JSONPath) and evaluated over the input.
#![no_main]

#[path = "common.rs"]
mod common;

use asl_sim::choice::ChoiceRule;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((rule, input)) = common::split(data) else { return };
    let Ok(rule) = serde_json::from_str::<serde_json::Value>(rule) else { return };
    let Ok(rule) = ChoiceRule::parse(&rule, "/States/C/Choices[0]") else { return };
    let input = common::json_or_empty(input);
    let _ = rule.eval(&|path| path.select_ref(&input));
});
