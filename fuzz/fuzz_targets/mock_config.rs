//! Step Functions Local mock configs: any JSON as a config, parsed, then a machine of two Task
//! states run against each of its test cases.
#![no_main]

#[path = "common.rs"]
mod common;

use asl_sim::simulator::{CreateStateMachineInput, Simulator, StartExecutionInput};
use libfuzzer_sys::fuzz_target;

const MACHINE: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "Next": "B"},
  "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = serde_json::from_str::<serde_json::Value>(text) else { return };
    let mut sim = Simulator::new("123456789012", "us-east-1", 1);
    if sim.set_mock_config_value(&config).is_err() {
        return;
    }
    let create = CreateStateMachineInput { name: "M".into(), definition: MACHINE.into(), ..Default::default() };
    let Ok(created) = sim.create_state_machine(&create, 0) else { return };
    let machine = created["stateMachineArn"].as_str().unwrap_or_default().to_string();
    let cases: Vec<String> = config
        .pointer("/StateMachines/M/TestCases")
        .and_then(|c| c.as_object())
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    for case in cases.iter().take(4) {
        let start = StartExecutionInput { state_machine_arn: format!("{machine}#{case}"), ..Default::default() };
        if let Ok(arn) = sim.start_execution(&start, 0) {
            sim.run_to_end(&arn, &mut |_| None);
        }
    }
});
