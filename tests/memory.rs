//! Memory stays flat however many executions run in one process: 10,000 sequential and 10,000
//! concurrent executions with logging ALL, measured by the metering allocator (the bytes the
//! process holds). One test in this file, so that nothing else allocates meanwhile. Run it with
//! `cargo test --release --test memory -- --nocapture` to see the numbers.

mod common;

use asl_sim::meter::allocated;
use asl_sim::simulator::{CreateStateMachineInput, FromJson, LoggingConfiguration, Simulator, StartExecutionInput};
use serde_json::json;

fn machine(sim: &mut Simulator, name: &str, machine_type: &str, definition: serde_json::Value) -> String {
    let logging = json!({"level": "ALL", "includeExecutionData": true,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:g:*"}}]});
    let created = sim
        .create_state_machine(
            &CreateStateMachineInput {
                name: name.into(),
                definition: definition.to_string(),
                machine_type: Some(machine_type.into()),
                logging_configuration: LoggingConfiguration::from_json(&logging).ok(),
                ..Default::default()
            },
            common::T0,
        )
        .unwrap();
    created["stateMachineArn"].as_str().unwrap().to_string()
}

fn start(machine: &str, input: &str) -> StartExecutionInput {
    StartExecutionInput { state_machine_arn: machine.into(), input: Some(input.into()), ..Default::default() }
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

#[test]
fn memory_is_flat_over_10000_sequential_and_10000_concurrent_executions() {
    assert!(asl_sim::meter::installed());
    let mut sim = Simulator::new("123456789012", "us-east-1", 0);
    let work = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"n.$": "$.n", "s.$": "States.Format('item {}', $.n)"}, "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 10, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": -1, "Next": "E"}], "Default": "E"},
        "E": {"Type": "Succeed"}}});
    let express = machine(&mut sim, "Sequential", "EXPRESS", work.clone());
    let standard = machine(&mut sim, "Concurrent", "STANDARD", work);

    // 10,000 sequential Express executions, each run to its end before the next starts.
    let base = allocated();
    let mut sequential = Vec::new();
    for i in 0..10_000 {
        let arn = sim.start_sync_execution(&start(&express, &format!("{{\"n\": {i}}}")), sim.now()).unwrap();
        sim.run_to_end(&arn, &mut |_| None);
        if (i + 1) % 1_000 == 0 {
            sequential.push(allocated().saturating_sub(base));
        }
    }
    println!("sequential, MiB held after each 1,000: {:?}", sequential.iter().map(|b| mib(*b)).collect::<Vec<_>>());

    // 10,000 concurrent Standard executions: all started, all waiting at once, then all ended;
    // twice, so the second batch shows what stays.
    let mut concurrent = Vec::new();
    for _ in 0..2 {
        for i in 0..10_000 {
            sim.start_execution(&start(&standard, &format!("{{\"n\": {i}}}")), sim.now()).unwrap();
        }
        sim.run_virtual(Some(sim.now() + 1), &mut |_| None);
        let running = (sim.running_count(), allocated().saturating_sub(base));
        sim.run_virtual(None, &mut |_| None);
        sim.run_virtual(None, &mut |_| None);
        concurrent.push((running, allocated().saturating_sub(base)));
    }
    for ((running, peak), after) in &concurrent {
        println!("concurrent: {running} running hold {:.1} MiB; after they end {:.1} MiB", mib(*peak), mib(*after));
    }
    println!("log records kept: {}, written: {}", sim.logs().len(), sim.log_end());

    // Retention keeps 1,000 ended executions per machine and 10,000 log records: past the first
    // thousands, what the account holds no longer grows.
    let settled = &sequential[2..];
    let (low, high) = (settled.iter().min().copied().unwrap_or(0), settled.iter().max().copied().unwrap_or(0));
    assert!(high <= low + low / 4, "sequential runs held from {low} to {high} bytes after 3,000");
    let last = sequential[9];
    assert_eq!(concurrent[0].0 .0, 10_000);
    let (first_after, second_after) = (concurrent[0].1, concurrent[1].1);
    assert!(
        second_after <= first_after + first_after / 5,
        "concurrent batches grew from {first_after} to {second_after}"
    );
    // Two machines now keep 1,000 ended executions each (the Standard ones with their history).
    assert!(second_after <= 4 * last, "after the batches: {second_after}, after the sequential runs: {last}");
}
