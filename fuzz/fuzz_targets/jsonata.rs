//! JSONata as Step Functions runs it: `expression NUL input`, parsed as a `{% %}` template and
//! evaluated with `$states` and a variable, under small budgets.
#![no_main]

#[path = "common.rs"]
mod common;

use asl_sim::jsonata::{Env, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((expr, input)) = common::split(data) else { return };
    let template = serde_json::json!({"a": format!("{{%{expr}%}}")});
    let Ok(t) = Template::parse(&template) else { return };
    let states = serde_json::json!({"input": common::json_or_empty(input), "context": {"Execution": {"Id": "x"}}});
    let variables = |name: &str| (name == "v").then(|| serde_json::json!([1, "two", {"three": 3}]));
    let mut rng = fastrand::Rng::with_seed(1);
    let mut env = Env {
        states: &states,
        variables: &variables,
        now_iso: "2024-01-01T00:00:00.000Z",
        rng: &mut rng,
        limits: common::small_jsonata(),
    };
    let _ = t.eval(&mut env, "Output");
});
