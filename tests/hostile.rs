//! The hostile inputs of issue 12 (`tests/api/hostile_cases.rs`), run natively through the account:
//! each gets AWS's error or a clear one, without a panic, in bounded time. The same cases run in
//! wasm through the JS API (`tests/api/hostile.rs`).

#[path = "api/hostile_cases.rs"]
mod hostile_cases;

mod common;

use std::time::Instant;

use asl_sim::simulator::{CreateStateMachineInput, Simulator, StartExecutionInput};
use hostile_cases::{cases, Expect};

/// What a case gave: the API error, or the execution's end.
fn run(
    machine_type: &str,
    definition: &str,
    input: &str,
) -> Result<(String, String, String, String), (String, String)> {
    let api = |e: asl_sim::simulator::ApiError| (e.name().to_string(), e.message);
    let mut sim = Simulator::new("123456789012", "us-east-1", 0);
    let created = sim
        .create_state_machine(
            &CreateStateMachineInput {
                name: "Hostile".into(),
                definition: definition.into(),
                machine_type: Some(machine_type.into()),
                ..Default::default()
            },
            common::T0,
        )
        .map_err(api)?;
    let start = StartExecutionInput {
        state_machine_arn: created["stateMachineArn"].as_str().unwrap_or_default().into(),
        input: Some(input.into()),
        ..Default::default()
    };
    let arn = match machine_type {
        "EXPRESS" => sim.start_sync_execution(&start, common::T0),
        _ => sim.start_execution(&start, common::T0),
    }
    .map_err(api)?;
    sim.run_to_end(&arn, &mut |_| None);
    let out = sim.sync_output(&arn, false).map_err(api)?;
    let text = |k: &str| out[k].as_str().unwrap_or_default().to_string();
    Ok((text("status"), text("error"), text("cause"), text("output")))
}

#[test]
fn hostile_inputs_get_aws_errors_or_clear_ones() {
    for case in cases() {
        let started = Instant::now();
        let got = run(case.machine_type, &case.definition, &case.input);
        match (&case.expect, got) {
            (Expect::Api(name, message), Err((n, m))) => {
                assert_eq!((n.as_str(), m.as_str()), (*name, message.as_str()), "{}", case.name)
            }
            (Expect::Run(status, error, cause, output), Ok((s, e, c, o))) => {
                assert_eq!((s.as_str(), e.as_str(), o.as_str()), (*status, *error, *output), "{}", case.name);
                assert!(
                    c == *cause,
                    "{}: cause\n{}\nexpected\n{}",
                    case.name,
                    &c[..c.len().min(500)],
                    &cause[..cause.len().min(500)]
                );
            }
            (_, got) => {
                panic!("{}: {:?}", case.name, got.map(|g| (g.0, g.1, g.2.chars().take(300).collect::<String>())))
            }
        }
        assert!(started.elapsed().as_secs() < 60, "{} took {:?}", case.name, started.elapsed());
        if std::env::var("HOSTILE_TIMES").is_ok() {
            eprintln!("{:>8.2?} {}", started.elapsed(), case.name);
        }
    }
}

/// The loop of issue 12, as the CLI ran it, through the account with the default budgets: it ends
/// on the transition budget, holding no history (Express keeps none unless asked) and no log.
#[test]
fn the_issue_loop_ends_on_the_default_budget_and_keeps_nothing() {
    let mut sim = Simulator::new("123456789012", "us-east-1", 0);
    sim.budgets.express_history = false;
    let created = sim
        .create_state_machine(
            &CreateStateMachineInput {
                name: "Loop".into(),
                definition: hostile_cases::looping(),
                machine_type: Some("EXPRESS".into()),
                ..Default::default()
            },
            common::T0,
        )
        .unwrap();
    let start = StartExecutionInput {
        state_machine_arn: created["stateMachineArn"].as_str().unwrap().into(),
        input: Some("{}".into()),
        ..Default::default()
    };
    let arn = sim.start_sync_execution(&start, common::T0).unwrap();
    sim.run_to_end(&arn, &mut |_| None);
    let out = sim.sync_output(&arn, false).unwrap();
    assert_eq!(out["status"], "FAILED");
    assert_eq!(
        out["cause"],
        "The execution exceeded the simulator's budget of 1000000 state transitions (raise it with the Simulator \
         option maxTransitions, the CLI flag --max-transitions or Budgets::max_transitions)."
    );
    let exec = sim.execution(&arn).unwrap();
    assert_eq!(exec.transitions(), 1_000_001);
    assert!(exec.events().is_empty());
}
