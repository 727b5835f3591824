//! The intrinsic functions: `call NUL input`, parsed and evaluated over the input and a context.
#![no_main]

#[path = "common.rs"]
mod common;

use asl_sim::intrinsics::Intrinsic;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((call, input)) = common::split(data) else { return };
    let Ok(intrinsic) = Intrinsic::parse(call) else { return };
    let input = common::json_or_empty(input);
    let context = serde_json::json!({"Execution": {"Id": "x", "Input": input.clone()}});
    let mut rng = fastrand::Rng::with_seed(1);
    let _ = intrinsic.eval(&input, &context, &mut rng);
});
