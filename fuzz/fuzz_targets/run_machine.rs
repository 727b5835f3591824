//! A bounded run of an arbitrary machine: `definition NUL input`, created and run through the
//! account (Standard and Express) with small budgets; tasks answer with their input.
#![no_main]

#[path = "common.rs"]
mod common;

use asl_sim::simulator::{
    Budgets, CreateStateMachineInput, GetExecutionHistoryInput, LoggingConfiguration, Simulator,
    StartExecutionInput,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((definition, input)) = common::split(data) else { return };
    for machine_type in ["STANDARD", "EXPRESS"] {
        let mut sim = Simulator::new("123456789012", "us-east-1", 1);
        sim.budgets = Budgets {
            max_transitions: 300,
            max_history_bytes: 1 << 20,
            max_log_bytes: 1 << 20,
            jsonata: common::small_jsonata(),
            ..Budgets::default()
        };
        let create = CreateStateMachineInput {
            name: "Fuzz".into(),
            definition: definition.into(),
            machine_type: Some(machine_type.into()),
            logging_configuration: Some(LoggingConfiguration {
                level: Some("ALL".into()),
                include_execution_data: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        };
        let Ok(created) = sim.create_state_machine(&create, 0) else { continue };
        let start = StartExecutionInput {
            state_machine_arn: created["stateMachineArn"].as_str().unwrap_or_default().into(),
            input: Some(if input.is_empty() { "{}".into() } else { input.into() }),
            ..Default::default()
        };
        let started = match machine_type {
            "EXPRESS" => sim.start_sync_execution(&start, 0),
            _ => sim.start_execution(&start, 0),
        };
        let Ok(arn) = started else { continue };
        // Virtual time goes at most a year past the start: Waits may be long, not endless.
        sim.run_virtual(Some(365 * 24 * 3_600_000), &mut |call| Some(Ok(call.request.input.clone())));
        let _ = sim.sync_output(&arn, false);
        let _ = sim.get_execution_history(&GetExecutionHistoryInput { execution_arn: arn, ..Default::default() });
    }
});
