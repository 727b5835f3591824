//! Whole-machine fixtures: each file in `tests/machines/` is one execution with its exact
//! expected result, event types and (optionally) stop time on the virtual clock.

use std::path::PathBuf;

use serde_json::{json, Value};

use asl_sim::driver::{self, StateMachine, TaskAnswers};
use asl_sim::exec::{Config, Identity, MachineType};
use asl_sim::mock::MockConfig;

fn run_fixture(path: &PathBuf) -> Result<(), String> {
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(path).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let sm = StateMachine::load(&case["definition"])?;
    let machine_type = if case["type"] == "EXPRESS" { MachineType::Express } else { MachineType::Standard };
    let mut config = Config::new(Identity::new("123456789012", "us-east-1", "M", "run", machine_type), machine_type);
    if let Some(n) = case["max_transitions"].as_u64() {
        config.max_transitions = n;
    }
    let mut input = case["input"].clone();
    if let Some(rep) = case.get("input_repeat") {
        let s = rep["char"].as_str().unwrap_or("x").repeat(rep["count"].as_u64().unwrap_or(0) as usize);
        input = json!({ rep["key"].as_str().unwrap_or("s"): s });
    }
    let mock_cfg;
    let mut answers = TaskAnswers::none();
    if let Some(mocks) = case.get("mocks").and_then(Value::as_object) {
        let mut states = serde_json::Map::new();
        let mut responses = serde_json::Map::new();
        for (state, list) in mocks {
            states.insert(state.clone(), json!(state));
            let numbered: serde_json::Map<String, Value> =
                list.as_array().into_iter().flatten().enumerate().map(|(i, r)| (i.to_string(), r.clone())).collect();
            responses.insert(state.clone(), Value::Object(numbered));
        }
        mock_cfg = MockConfig::parse(&json!({
            "StateMachines": {"M": {"TestCases": {"T": states}}},
            "MockedResponses": responses,
        }))?;
        let tc = mock_cfg.test_case("M", "T").cloned().unwrap_or_default();
        answers = answers.with_mocks(&mock_cfg, tc);
    }
    let exec = driver::run(&sm, input, config, &mut answers);
    let resp = driver::sync_response(&exec);
    let want = &case["expected"];
    let mut problems = Vec::new();
    if resp["status"] != want["status"] {
        problems.push(format!("status {} != {}", resp["status"], want["status"]));
    }
    if let Some(out) = want.get("output") {
        let got: Value = resp["output"].as_str().and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null);
        if &got != out {
            problems.push(format!("output {got} != {out}"));
        }
    }
    for k in ["error", "cause"] {
        if let Some(w) = want.get(k) {
            if resp.get(k) != Some(w) {
                problems.push(format!("{k} {:?} != {w}", resp.get(k)));
            }
        }
    }
    if let Some(h) = case.get("history") {
        let got: Vec<&str> = exec.events().iter().map(|e| e.kind).collect();
        let want: Vec<&str> = h.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if got != want {
            problems.push(format!("history {got:?} != {want:?}"));
        }
    }
    if let Some(n) = case.get("event_count").and_then(Value::as_u64) {
        if exec.events().len() as u64 != n {
            problems.push(format!("{} events != {n}", exec.events().len()));
        }
    }
    if let Some(last) = case.get("last_events").and_then(Value::as_array) {
        let got: Vec<&str> = exec.events().iter().rev().take(last.len()).rev().map(|e| e.kind).collect();
        let want: Vec<&str> = last.iter().filter_map(Value::as_str).collect();
        if got != want {
            problems.push(format!("last events {got:?} != {want:?}"));
        }
    }
    if let Some(stop) = case.get("stop_date") {
        if &resp["stopDate"] != stop {
            problems.push(format!("stopDate {} != {stop}", resp["stopDate"]));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

#[test]
fn machine_fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/machines");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/machines exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = run_fixture(f) {
            failures.push(format!("{}:\n  {e}", f.file_name().unwrap_or_default().to_string_lossy()));
        }
    }
    println!("machine fixtures: {} passed, {} failed", files.len() - failures.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn same_seed_same_history_byte_for_byte() {
    let def = json!({"StartAt": "U", "States": {"U": {"Type": "Pass",
        "Parameters": {"id.$": "States.UUID()", "r.$": "States.MathRandom(1, 1000)"}, "End": true}}});
    let sm = StateMachine::load(&def).unwrap();
    let run = |seed: u64| {
        let mut c =
            Config::new(Identity::new("1", "us-east-1", "M", "e", MachineType::Standard), MachineType::Standard);
        c.seed = seed;
        let exec = driver::run(&sm, json!({}), c, &mut TaskAnswers::none());
        serde_json::to_string(exec.events()).unwrap()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}
