//! The hostile inputs of issue 12 (`hostile_cases.rs`, the same list `tests/hostile.rs` runs
//! natively) through the JS API in wasm: each gets AWS's error or a clear one, and no call traps.

use super::hostile_cases::{cases, Expect};
use super::*;

/// Creates and runs a case's machine: the API error's name and message, or the execution's
/// status, error, cause and output.
async fn run(
    sim: &Simulator,
    machine_type: &str,
    definition: &str,
    input: &str,
) -> Result<[String; 4], (String, String)> {
    let api = |e: JsValue| (error_name(&e), text(&e, "message"));
    let created = sim
        .create_state_machine(js(json!({"name": "Hostile", "definition": definition, "type": machine_type})))
        .map_err(api)?;
    let machine = text(&created, "stateMachineArn");
    let request = js(json!({"stateMachineArn": machine, "input": input}));
    let out = if machine_type == "EXPRESS" {
        JsFuture::from(sim.start_sync_execution(request, None)).await.map_err(api)?
    } else {
        let (done, resolve) = deferred();
        sim.start_execution(request, Some(resolve.into())).map_err(api)?;
        JsFuture::from(done).await.map_err(api)?
    };
    let get = |k: &str| field(&out, k).as_string().unwrap_or_default();
    Ok([get("status"), get("error"), get("cause"), get("output")])
}

#[wasm_bindgen_test]
async fn hostile_inputs_get_aws_errors_or_clear_ones_in_wasm() {
    for case in cases() {
        // A fresh simulator each time, as a user would after an error; the module keeps working.
        let sim = sim(json!({}));
        let got = run(&sim, case.machine_type, &case.definition, &case.input).await;
        match (&case.expect, got) {
            (Expect::Api(name, message), Err((n, m))) => {
                assert_eq!((n.as_str(), m.as_str()), (*name, message.as_str()), "{}", case.name)
            }
            (Expect::Run(status, error, cause, output), Ok([s, e, c, o])) => {
                assert_eq!((s.as_str(), e.as_str(), o.as_str()), (*status, *error, *output), "{}", case.name);
                assert!(c == *cause, "{}: {}", case.name, &c[..c.len().min(300)]);
            }
            (_, got) => panic!("{}: {:?}", case.name, got.map(|g| g.map(|s| s.chars().take(200).collect::<String>()))),
        }
    }
}
