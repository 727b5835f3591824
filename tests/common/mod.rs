//! What the integration tests share: one test configuration for the executor, and one way to run
//! a machine through the account step that every driver uses.
// Each test file uses some of these helpers, not all.
#![allow(dead_code)]

use std::sync::Arc;

use serde_json::Value;

use asl_sim::exec::{Config, Execution, Identity, MachineType};
use asl_sim::simulator::{CreateStateMachineInput, Handler, Simulator, StartExecutionInput};

/// Metered like the wasm build and the CLI, so that JSONata evaluations run under their budgets.
#[cfg(not(target_arch = "wasm32"))] // the library's own, in wasm
#[global_allocator]
static ALLOCATOR: asl_sim::meter::Metered<std::alloc::System> = asl_sim::meter::Metered(std::alloc::System);

/// Where every test execution starts on the virtual clock: 2024-01-01T00:00:00Z.
pub const T0: i64 = 1_704_067_200_000;

/// The executor's configuration of a test execution `e` of machine `M` in account 123456789012.
pub fn config(machine_type: MachineType) -> Config {
    Config::new(Identity::new("123456789012", "us-east-1", "M", "e", machine_type), machine_type)
}

/// An execution of a definition, for tests that drive the executor by hand.
pub fn execution(def: &Value, input: Value, config: Config) -> Execution {
    let machine = asl_sim::model::load(def).expect("definition loads");
    Execution::new(Arc::new(machine), input, config)
}

/// An account with machine `M` of `definition`: the account, the machine's ARN.
pub fn account(definition: &Value, machine_type: MachineType, seed: u64) -> Result<(Simulator, String), String> {
    let mut sim = Simulator::new("123456789012", "us-east-1", seed);
    let created = sim
        .create_state_machine(
            &CreateStateMachineInput {
                name: "M".into(),
                definition: definition.to_string(),
                machine_type: Some(if machine_type == MachineType::Express { "EXPRESS" } else { "STANDARD" }.into()),
                ..Default::default()
            },
            T0,
        )
        .map_err(|e| e.to_string())?;
    Ok((sim, created["stateMachineArn"].as_str().unwrap_or_default().to_string()))
}

/// Starts an execution of `machine_arn` (which may end in `#TestCase`) at [`T0`] and runs the
/// account to its end, answering tasks with `handler`. Returns the execution's ARN.
pub fn run_in(sim: &mut Simulator, machine_arn: &str, input: &Value, handler: Handler<'_>) -> Result<String, String> {
    let start = StartExecutionInput {
        state_machine_arn: machine_arn.to_string(),
        input: Some(input.to_string()),
        name: Some("e".into()),
        ..Default::default()
    };
    let arn = sim.start_execution(&start, T0).map_err(|e| e.to_string())?;
    sim.run_to_end(&arn, handler);
    Ok(arn)
}

/// Runs `definition` as machine `M` with `input`, every task answered by `handler`: the account
/// and the execution's ARN.
pub fn run(
    definition: &Value,
    machine_type: MachineType,
    input: &Value,
    seed: u64,
    handler: Handler<'_>,
) -> Result<(Simulator, String), String> {
    let (mut sim, machine) = account(definition, machine_type, seed)?;
    let arn = run_in(&mut sim, &machine, input, handler)?;
    Ok((sim, arn))
}
