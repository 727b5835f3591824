//! Bad input never crashes anything: thousands of damaged definitions and inputs go through
//! validation, loading and a run on a small step budget, and none may panic.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use asl_sim::exec::MachineType;

mod common;

/// A tiny deterministic generator (no dependency, no clock).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ODD_VALUES: &[&str] = &[
    "null",
    "0",
    "-1",
    "1.5",
    "true",
    "\"\"",
    "\"$\"",
    "\"$$\"",
    "\"$.\"",
    "\"$[\"",
    "\"$..*\"",
    "\"$.a[?(@.b >\"",
    "\"States.Format(\"",
    "\"States.Array($.a, \"",
    "\"{% $states.input %}\"",
    "\"{% (((\"",
    "[]",
    "{}",
    "[{}]",
    "{\"Type\": \"Pass\"}",
    "\"2016-13-05T21:29:29Z\"",
    "1e308",
    "99999999999999999999",
];

/// Replaces one value somewhere in `v` with an odd one.
fn damage(v: &mut Value, rng: &mut Lcg, depth: usize) {
    let replace = depth > 0 && rng.below(4) == 0;
    if replace {
        *v = serde_json::from_str(ODD_VALUES[rng.below(ODD_VALUES.len())]).unwrap_or(Value::Null);
        return;
    }
    match v {
        Value::Object(m) if !m.is_empty() => {
            let i = rng.below(m.len());
            if rng.below(6) == 0 {
                let k = m.keys().nth(i).cloned().unwrap_or_default();
                m.remove(&k);
            } else if let Some((_, child)) = m.iter_mut().nth(i) {
                damage(child, rng, depth + 1);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = rng.below(a.len());
            damage(&mut a[i], rng, depth + 1);
        }
        _ => *v = serde_json::from_str(ODD_VALUES[rng.below(ODD_VALUES.len())]).unwrap_or(Value::Null),
    }
}

fn definitions(dir: &Path, out: &mut Vec<Value>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            definitions(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            if let Ok(v) = serde_json::from_str::<Value>(&std::fs::read_to_string(&p).unwrap_or_default()) {
                if let Some(d) = v.get("definition") {
                    out.push(d.clone());
                }
            }
        }
    }
}

fn run_once(def: &Value, input: Value) {
    if std::env::var("ROBUST_TRACE").is_ok() {
        eprintln!("RUN {def}");
    }
    for t in [asl_sim::validate::MachineType::Standard, asl_sim::validate::MachineType::Express] {
        let _ = asl_sim::validate::validate(def, t);
    }
    let _ = asl_sim::validate::validate_text(&def.to_string(), asl_sim::validate::MachineType::Standard);
    // The loader sees the damaged definition as it is; the account only what validates.
    let _ = asl_sim::model::load(def);
    if let Ok((mut sim, machine)) = common::account(def, MachineType::Express, 0) {
        sim.budgets.max_transitions = 200;
        let _ = common::run_in(&mut sim, &machine, &input, &mut |_| None);
    }
}

#[test]
fn damaged_definitions_never_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut defs = Vec::new();
    definitions(&root.join("tests/machines"), &mut defs);
    definitions(&root.join("../shared/conformance/cases"), &mut defs);
    definitions(&root.join("../shared/conformance/validation"), &mut defs);
    assert!(!defs.is_empty());
    let mut rng = Lcg(42);
    let inputs = [json!({}), json!(null), json!([1, 2]), json!({"a": {"b": [1, "x"]}, "items": [1, 2, 3]}), json!("s")];
    let mut runs = 0;
    // Every definition as it is, then damaged copies, up to a fixed count.
    for d in &defs {
        run_once(d, inputs[rng.below(inputs.len())].clone());
        runs += 1;
    }
    for round in 0..3 {
        for d in &defs {
            let mut bad = d.clone();
            for _ in 0..=round {
                damage(&mut bad, &mut rng, 0);
            }
            run_once(&bad, inputs[rng.below(inputs.len())].clone());
            runs += 1;
        }
    }
    println!("robustness: {runs} runs without a panic");
}

#[test]
fn deep_nesting_is_refused_or_run_without_overflow() {
    // Parallel states nested 200 deep: validation or the run must cope without a stack overflow.
    let mut inner = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    for _ in 0..200 {
        inner = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [inner], "End": true}}});
    }
    run_once(&inner, json!({}));
    let deep_input: Value = serde_json::from_str(&format!("{}1{}", "[".repeat(100), "]".repeat(100))).unwrap();
    run_once(
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "$..*"}, "End": true}}}),
        deep_input,
    );
}
