//! Runs the executions recorded on AWS (`../shared/conformance/cases`, or `$ASL_CONFORMANCE_DIR`)
//! through the `asl-sim` binary with the judging script `run_asl_sim.py`, prints the pass count
//! per category, and holds the result against `tests/conformance_known_failures.txt`: the test
//! fails when a case on that list passes (so the list shrinks) or a case not on it fails.
//! Without the folder (a checkout without `shared/`), the test says so and passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

/// Every category of the recorded cases.
const CATEGORIES: &[&str] = &[
    "choice",
    "context",
    "dataflow",
    "errors",
    "intrinsic",
    "jsonata",
    "lambda-mock",
    "map",
    "map-distributed",
    "parallel",
    "pass",
    "variables",
    "wait",
];

fn conformance_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("ASL_CONFORMANCE_DIR") {
        return Some(PathBuf::from(d));
    }
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    d.join("run_asl_sim.py").exists().then_some(d)
}

fn known_failures() -> BTreeMap<String, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance_known_failures.txt");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(" # ") {
            Some((id, why)) => (id.trim().to_string(), why.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn conformance_cases_recorded_on_aws() {
    let Some(dir) = conformance_dir() else {
        println!("conformance: no ../shared/conformance folder here; skipped");
        return;
    };
    let out = std::env::temp_dir().join(format!("asl-sim-conformance-{}.json", std::process::id()));
    let status = Command::new("python3")
        .arg(dir.join("run_asl_sim.py"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_asl-sim"))
        .arg("--cases")
        .arg(dir.join("cases"))
        .arg("--category")
        .arg(CATEGORIES.join(","))
        .arg("--json-out")
        .arg(&out)
        .status()
        .expect("python3 runs run_asl_sim.py");
    assert!(status.success(), "run_asl_sim.py failed: {status}");
    let text = std::fs::read_to_string(&out).expect("run_asl_sim.py wrote its results");
    let _ = std::fs::remove_file(&out);
    let records: Vec<serde_json::Value> = serde_json::from_str(&text).expect("results are JSON");

    let known = known_failures();
    let mut failing = BTreeSet::new();
    let mut per_cat: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    for r in &records {
        let id = r["id"].as_str().unwrap_or("?").to_string();
        let ok = r["ok"].as_bool().unwrap_or(false);
        let cat = r["category"].as_str().unwrap_or("?").to_string();
        let e = per_cat.entry(cat).or_default();
        e.0 += 1;
        if ok {
            e.1 += 1;
        } else {
            failing.insert(id.clone());
            if !known.contains_key(&id) {
                let reasons: Vec<String> =
                    r["reasons"].as_array().into_iter().flatten().take(3).map(|x| x.to_string()).collect();
                unexpected.push(format!("{id}: {}", reasons.join(" | ")));
            }
        }
    }
    let ids: BTreeSet<String> = records.iter().filter_map(|r| r["id"].as_str().map(String::from)).collect();
    let now_passing: Vec<&String> = known.keys().filter(|id| ids.contains(*id) && !failing.contains(*id)).collect();
    for (cat, (n, p)) in &per_cat {
        println!("conformance {cat:16} {p:4}/{n:4}");
    }
    let total: usize = per_cat.values().map(|v| v.0).sum();
    let passed: usize = per_cat.values().map(|v| v.1).sum();
    println!("conformance total            {passed:4}/{total:4}");
    assert!(
        unexpected.is_empty() && now_passing.is_empty(),
        "{} cases fail that are not on the known-failing list:\n{}\n{} cases on the list now pass (remove them):\n{}",
        unexpected.len(),
        unexpected.join("\n"),
        now_passing.len(),
        now_passing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}
