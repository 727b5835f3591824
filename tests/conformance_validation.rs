//! The definitions AWS rejected (`../shared/conformance/validation`, or `$ASL_CONFORMANCE_DIR`):
//! the exact `InvalidDefinition` message of `CreateStateMachine` and the diagnostics of
//! `ValidateStateMachineDefinition`; and every definition AWS ran must validate without error.
//! Without the folder the tests say so and pass.

use std::fs;
use std::path::Path;

use asl_sim::validate::{
    invalid_definition_message_for_text, logging_configuration_error, validate, validate_text, MachineType, Severity,
};
use serde_json::Value;

fn root() -> Option<String> {
    let dir = std::env::var("ASL_CONFORMANCE_DIR")
        .unwrap_or_else(|_| format!("{}/../shared/conformance", env!("CARGO_MANIFEST_DIR")));
    Path::new(&dir).join("validation").is_dir().then_some(dir)
}

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(p.to_str().unwrap()));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn machine_type(case: &Value) -> MachineType {
    match case.get("state_machine_type").and_then(Value::as_str) {
        Some("EXPRESS") => MachineType::Express,
        _ => MachineType::Standard,
    }
}

fn diags_of(case: &Value) -> (Vec<asl_sim::validate::Diagnostic>, String) {
    let mt = machine_type(case);
    match case.get("definition_text").and_then(Value::as_str) {
        Some(text) => (validate_text(text, mt), text.to_string()),
        None => {
            let def = &case["definition"];
            (validate(def, mt), serde_json::to_string(def).unwrap())
        }
    }
}

#[test]
fn recorded_validation_cases() {
    let Some(root) = root() else {
        println!("validation cases: no conformance folder here; skipped");
        return;
    };
    let mut pass = 0;
    let mut fail = Vec::new();
    for path in files(&format!("{root}/validation")) {
        let case: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let op = case["operation"].as_str().unwrap_or("");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let expected = &case["expected"];
        let (ok, got) = match op {
            "CreateStateMachine" => {
                let got = if let Some(cfg) = case.get("logging_configuration").and_then(logging_configuration_error) {
                    Some(cfg)
                } else {
                    let (diags, text) = diags_of(&case);
                    invalid_definition_message_for_text(&diags, &text)
                };
                (got.as_deref() == expected["message"].as_str(), format!("{got:?}"))
            }
            "ValidateStateMachineDefinition" => {
                let (diags, _) = diags_of(&case);
                let got = serde_json::to_value(&diags).unwrap();
                let result = if diags.iter().any(|d| d.severity == Severity::Error) { "FAIL" } else { "OK" };
                (got == expected["diagnostics"] && result == expected["result"], format!("{result} {got}"))
            }
            _ => continue,
        };
        if ok {
            pass += 1;
        } else {
            fail.push(format!("{name}\n   expected: {expected}\n   got:      {got}"));
        }
    }
    println!("validation cases: {pass} passed, {} failed", fail.len());
    for f in &fail {
        println!("FAIL {f}");
    }
    assert!(pass > 0 && fail.is_empty());
}

#[test]
fn recorded_valid_definitions_have_no_errors() {
    let Some(root) = root() else {
        println!("valid definitions: no conformance folder here; skipped");
        return;
    };
    let mut checked = 0;
    let mut bad = Vec::new();
    for dir in ["cases", "logs", "teststate"] {
        for path in files(&format!("{root}/{dir}")) {
            let case: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            let def = case.get("definition").or_else(|| case.get("request").and_then(|r| r.get("definition")));
            let Some(def) = def.filter(|d| d.get("States").is_some()) else { continue };
            if case["expected"].get("exception").and_then(Value::as_str) == Some("InvalidDefinition") {
                continue;
            }
            checked += 1;
            let errors: Vec<_> =
                validate(def, machine_type(&case)).into_iter().filter(|d| d.severity == Severity::Error).collect();
            if !errors.is_empty() {
                bad.push(format!("{}: {:?}", Path::new(&path).file_name().unwrap().to_string_lossy(), errors));
            }
        }
    }
    println!("valid definitions: {checked} checked, {} with errors", bad.len());
    for b in &bad {
        println!("BAD {b}");
    }
    assert!(bad.is_empty());
}
