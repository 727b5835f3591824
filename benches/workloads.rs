//! `cargo bench`: runs the workloads of `../shared/bench/workloads` (or `$ASL_BENCH_DIR`) as
//! Express executions on the virtual clock, checks each output against the manifest's SHA-256
//! (canonical JSON), and prints state transitions per second from the median of several runs.
//! With `BENCH_JSON=1` it prints one JSON object a workload instead (what `make bench` reads).

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;
use sha2::{Digest, Sha256};

use asl_sim::exec::Status;
use asl_sim::simulator::{CreateStateMachineInput, Simulator, StartExecutionInput};

/// Canonical JSON: keys sorted, no whitespace, numbers as JavaScript prints them.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                canonical(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e21 => out.push_str(&format!("{}", f as i64)),
            (_, _, Some(f)) => out.push_str(&f.to_string()),
            _ => out.push_str("null"),
        },
        other => out.push_str(&serde_json::to_string(other).unwrap_or_default()),
    }
}

fn main() {
    let dir = std::env::var("ASL_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/workloads"));
    let Ok(manifest) = std::fs::read_to_string(dir.join("manifest.json")) else {
        println!("bench: no workloads at {}; skipped", dir.display());
        return;
    };
    let manifest: Value = serde_json::from_str(&manifest).expect("manifest is JSON");
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let json_lines = std::env::var("BENCH_JSON").is_ok();
    // The account's defaults: a history is made only when read. BENCH_HISTORY=1 reads each run's
    // (as getExecutionHistory and the playground do), to count what making it costs.
    let read_history = std::env::var("BENCH_HISTORY").is_ok();
    // BENCH_RUNS=N: exactly N timed runs, for instruction counts that compare (callgrind).
    let fixed_runs: Option<usize> = std::env::var("BENCH_RUNS").ok().and_then(|n| n.parse().ok());
    if !json_lines {
        println!("{:18} {:>12} {:>10} {:>16}  output", "workload", "transitions", "median ms", "transitions/s");
    }
    for (name, w) in manifest.as_object().into_iter().flatten() {
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        let read = |k: &str| -> Value {
            let text = std::fs::read_to_string(dir.join(w[k].as_str().unwrap_or_default())).expect("workload file");
            serde_json::from_str(&text).expect("workload JSON")
        };
        let (def, input) = (read("definition"), read("input"));
        let definition = def.to_string();
        let input = input.to_string();
        // At least 7 runs (51 for short workloads) and at least a second of them: this machine's
        // speed changes in phases of a few hundred milliseconds, which a handful of runs can miss
        // or fall into wholly. The JS bench counts its runs the same way.
        let least = if w["expected_transitions"].as_u64().unwrap_or(0) > 1000 { 7 } else { 51 };
        let mut times = Vec::new();
        let mut last = None;
        let timed = Instant::now();
        // Two untimed runs first (caches, the allocator's free lists), as the JS bench warms up.
        for run in 0.. {
            let done = match fixed_runs {
                Some(n) => run >= n.max(1) + 2,
                None => run >= least + 2 && timed.elapsed().as_secs_f64() >= 1.0,
            };
            if done {
                break;
            }
            // Through the account, as every user does: create, start, run to the end.
            let t = Instant::now();
            let mut sim = Simulator::new("123456789012", "us-east-1", 0);
            let machine = CreateStateMachineInput {
                name: name.clone(),
                definition: definition.clone(),
                machine_type: Some("EXPRESS".into()),
                ..Default::default()
            };
            let created = sim.create_state_machine(&machine, 0).expect("workload is a valid machine");
            let start = StartExecutionInput {
                state_machine_arn: created["stateMachineArn"].as_str().unwrap_or_default().into(),
                input: Some(input.clone()),
                ..Default::default()
            };
            let arn = sim.start_sync_execution(&start, 0).expect("workload starts");
            sim.run_to_end(&arn, &mut |_| None);
            if read_history {
                let made = sim.execution(&arn).map(|e| e.history().map(|h| h.len()));
                assert!(matches!(made, Some(Ok(n)) if n > 0), "the history of {name}");
            }
            if run >= 2 {
                times.push(t.elapsed().as_secs_f64());
            }
            last = Some((sim, arn));
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let median = times[times.len() / 2];
        let (sim, arn) = last.expect("ran");
        let exec = sim.execution(&arn).expect("the execution");
        let mut text = String::new();
        if let Some(out) = exec.output() {
            canonical(out, &mut text);
        }
        let hash = format!("{:x}", Sha256::digest(text.as_bytes()));
        let ok = exec.status() == Status::Succeeded
            && w["reference_output_sha256"].as_str() == Some(hash.as_str())
            && w["expected_transitions"].as_u64() == Some(exec.transitions());
        let n = exec.transitions() as f64;
        if json_lines {
            let line = serde_json::json!({"workload": name, "transitions": exec.transitions(), "median_s": median,
                "min_s": times[0], "runs": times.len(), "ok": ok, "sha256": hash});
            println!("{line}");
            continue;
        }
        println!(
            "{name:18} {:>12} {:>10.3} {:>16.0}  {}",
            exec.transitions(),
            median * 1e3,
            n / median,
            if ok { "ok".to_string() } else { format!("WRONG ({:?}, sha {hash})", exec.status()) }
        );
    }
}
