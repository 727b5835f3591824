//! A history made when it is read (`Config::replay`) is the history the execution would have
//! kept: every machine of `tests/machines/`, of the bench's workloads and of the conformance cases
//! (when `../shared` is there) runs twice as an Express execution, once keeping its events and
//! once keeping only its tape, under the same driver (tasks answered in turn, some with errors,
//! some late, some with heartbeats), and the two histories must be equal event for event.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};

use asl_sim::error::Failure;
use asl_sim::exec::{Config, Execution, HistoryMode, MachineType, Poll, Replay, StatePayloads, Status};
use asl_sim::history::Event;

mod common;

/// Drives an execution to its end the same way every time; `stop_after`: polls before a stop.
/// Returns the events it forgot after each poll, as a driver that logs them does (`Stream`).
/// With `live`, reads the history after every poll, as a page showing it live does (each reading
/// brings the previous one up to date), and checks it is where the execution is.
fn drive(exec: &mut Execution, stop_after: Option<usize>, live: bool) -> Vec<Event> {
    let mut logged = Vec::new();
    let mut reading: Option<Box<Replay>> = None;
    let mut redriven = false;
    let mut now = exec.now();
    let mut waiting = Vec::new();
    let mut answered = 0u64;
    for polls in 0.. {
        if stop_after == Some(polls) {
            exec.stop(Some("Stopped"), Some("by the test"), now + 1);
        }
        let next = exec.poll(now);
        // A driver that logs the events of each poll, then forgets them (HistoryMode::Stream).
        if exec.config().history == HistoryMode::Stream {
            logged.extend_from_slice(exec.events());
            exec.forget_history();
        }
        if live {
            let r = exec.replay(reading.take()).unwrap();
            if let Err(e) = r.history(exec) {
                assert!(e.starts_with("The history of this execution is larger"), "{e}");
            }
            reading = Some(r);
        }
        let answer_now = match next {
            Poll::Task(req) => {
                waiting.push(req);
                false
            }
            // A timer (a Wait, the execution's time limit) is due after the next answer.
            Poll::WakeAt(t) if !waiting.is_empty() && now + 500 < t => true,
            Poll::WakeAt(t) => {
                now = now.max(t);
                false
            }
            Poll::Idle => true,
            // A Standard execution that did not succeed is redriven once.
            Poll::Done if !redriven && exec.not_redrivable().is_none() => {
                redriven = true;
                now += 1_000;
                exec.redrive(now).unwrap();
                false
            }
            Poll::Done => break,
        };
        if answer_now {
            {
                // The oldest task first; every third fails, every fifth gets a heartbeat first.
                let req = waiting.remove(0);
                answered += 1;
                if req.resource.contains(":activity:") {
                    exec.activity_started(req.id, Some("worker-1"), now);
                }
                now += 250;
                if answered % 5 == 0 {
                    exec.heartbeat(req.id, now);
                    now += 250;
                }
                let result = if answered % 3 == 0 {
                    Err(Failure::custom("Lambda.Unknown", "the test's failure"))
                } else {
                    Ok(json!({"Payload": req.input, "StatusCode": 200, "n": answered}))
                };
                exec.complete_task(req.id, result, now);
            }
        }
        if polls > 5_000_000 {
            panic!("the execution did not end");
        }
    }
    logged.extend_from_slice(exec.events());
    if let Some(r) = reading {
        // Brought up to date one last time, the live reading is the whole history.
        let r = exec.replay(Some(r)).unwrap();
        assert_eq!(r.history(exec).ok(), exec.history().ok().as_deref());
    }
    logged
}

/// An execution run to its end, and its whole history as it ran (kept, or logged as it went).
fn run_as(
    machine_type: MachineType,
    machine: &Arc<asl_sim::model::Machine>,
    input: &Value,
    mode: HistoryMode,
    stop: Option<usize>,
    live: bool,
) -> (Execution, Vec<Event>) {
    let mut config: Config = common::config(machine_type);
    config.history = mode;
    config.replay = mode != HistoryMode::Keep;
    config.state_payloads = if mode == HistoryMode::Discard { StatePayloads::None } else { StatePayloads::All };
    config.seed = 7;
    config.poll_slice = 100;
    let mut exec = Execution::new(machine.clone(), input.clone(), config);
    let events = drive(&mut exec, stop, live);
    (exec, events)
}

/// The events' texts as `GetExecutionHistory` gives them.
fn texts(events: &[Event]) -> Vec<Value> {
    events.iter().map(|e| asl_sim::simulator::responses::history_event(e, true)).collect()
}

/// Checks one machine; Err names what differs.
fn check(name: &str, definition: &Value, input: &Value) -> Result<bool, String> {
    let Ok(machine) = asl_sim::model::load(definition) else { return Ok(false) };
    let machine = Arc::new(machine);
    for stop in [None, Some(3)] {
        // Standard: activities, redrives (of a failed or stopped run) and the 25,000-event limit.
        let kept = run_as(MachineType::Standard, &machine, input, HistoryMode::Keep, stop, false);
        let made = run_as(MachineType::Standard, &machine, input, HistoryMode::Discard, stop, false);
        compare(name, &kept, &made, stop)?;
        let kept = run_as(MachineType::Express, &machine, input, HistoryMode::Keep, stop, false);
        compare(
            name,
            &kept,
            &run_as(MachineType::Express, &machine, input, HistoryMode::Discard, stop, stop.is_none()),
            stop,
        )?;
        // Streamed, its polls stop early to log (so a stop lands elsewhere): its own logged events.
        // (Not a runaway machine that a budget ended: the test would hold all it logs.)
        if kept.0.failure().is_some_and(|f| f.cause.contains("simulator's budget")) {
            continue;
        }
        let streamed = run_as(MachineType::Express, &machine, input, HistoryMode::Stream, stop, false);
        compare(name, &streamed, &streamed, stop)?;
    }
    Ok(true)
}

/// `replayed`'s history made again against the events `ran` recorded.
fn compare(
    name: &str,
    ran: &(Execution, Vec<Event>),
    replayed: &(Execution, Vec<Event>),
    stop: Option<usize>,
) -> Result<(), String> {
    let ((ran, events), (replayed, _)) = (ran, replayed);
    let budget = "The execution's history exceeded the simulator's budget";
    if ran.failure().is_some_and(|f| f.cause.starts_with(budget)) {
        // Kept as it runs, the history budget ends the run; made when read, it is refused then.
        let refused = replayed.history().is_err_and(|e| e.starts_with("The history of this execution"));
        assert!(refused, "{name}");
        return Ok(());
    }
    assert_eq!(ran.status(), replayed.status(), "{name}");
    let made = replayed.history().map_err(|e| format!("{name}: {e}"))?;
    if texts(events) != texts(&made) {
        let first = events.iter().zip(made.iter()).position(|(a, b)| a != b);
        return Err(format!(
            "{name} (stop {stop:?}): {} events as it ran, {} made again; first difference at {first:?}",
            events.len(),
            made.len()
        ));
    }
    if ran.status() == Status::Running {
        return Err(format!("{name}: still running"));
    }
    Ok(())
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(json_files(&p));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn every_fixture_makes_the_same_history_again() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut problems = Vec::new();
    for p in json_files(&root.join("tests/machines")) {
        let case = read(&p);
        match check(&p.display().to_string(), &case["definition"], &case["input"]) {
            Ok(c) => checked += usize::from(c),
            Err(e) => problems.push(e),
        }
    }
    let cases = std::env::var_os("ASL_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/conformance"))
        .join("cases");
    for p in json_files(&cases) {
        let case = read(&p);
        match check(&p.display().to_string(), &case["definition"], &case["input"]) {
            Ok(c) => checked += usize::from(c),
            Err(e) => problems.push(e),
        }
    }
    let bench = root.join("../shared/bench/workloads");
    for p in json_files(&bench).into_iter().filter(|p| p.to_string_lossy().ends_with(".asl.json")) {
        let input = read(Path::new(&p.to_string_lossy().replace(".asl.json", ".input.json")));
        match check(&p.display().to_string(), &read(&p), &input) {
            Ok(c) => checked += usize::from(c),
            Err(e) => problems.push(e),
        }
    }
    println!("{checked} machines made the same history again");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 40, "only {checked} machines checked");
}

#[test]
fn a_replayed_execution_keeps_no_event_until_read() {
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Result": {"big": "x"}, "ResultPath": "$.r", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}});
    let machine = Arc::new(asl_sim::model::load(&def).unwrap());
    let input = json!({"doc": "y".repeat(10_000)});
    let (exec, _) = run_as(MachineType::Express, &machine, &input, HistoryMode::Discard, None, false);
    assert_eq!(exec.history_bytes(), 0);
    assert!(exec.events().is_empty(), "no event held");
    let kinds: Vec<&str> = exec.history().unwrap().iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let mut config = common::config(MachineType::Express);
    config.history = HistoryMode::Discard;
    config.state_payloads = StatePayloads::None;
    let mut discarded = Execution::new(machine, input, config);
    drive(&mut discarded, None, false);
    assert_eq!(discarded.history().map(|h| h.len()), Ok(0));
    assert_eq!(discarded.output(), exec.output());
}

#[test]
fn a_history_over_the_budget_is_refused_when_read_and_the_run_goes_on() {
    // 20 states over a 100 KB document: about 4 MB of history, over a budget of 1 MB.
    let mut states = serde_json::Map::new();
    for i in 0..20 {
        let next = if i == 19 { json!({"End": true}) } else { json!({"Next": format!("S{}", i + 1)}) };
        let mut s = json!({"Type": "Pass", "Parameters": {"doc.$": "$.doc", "i": i}});
        s.as_object_mut().unwrap().extend(next.as_object().unwrap().clone());
        states.insert(format!("S{i}"), s);
    }
    let def = json!({"StartAt": "S0", "States": states});
    let machine = Arc::new(asl_sim::model::load(&def).unwrap());
    let input = json!({"doc": "z".repeat(100_000)});
    let mut config = common::config(MachineType::Express);
    config.max_history_bytes = 1 << 20;
    let mut kept = Execution::new(machine.clone(), input.clone(), config.clone());
    drive(&mut kept, None, false);
    assert_eq!(kept.status(), Status::Failed, "kept as it runs, the history budget ends the run");
    config.history = HistoryMode::Discard;
    config.replay = true;
    config.state_payloads = StatePayloads::None;
    let mut lazy = Execution::new(machine, input.clone(), config);
    drive(&mut lazy, None, false);
    assert_eq!(lazy.status(), Status::Succeeded);
    assert_eq!(lazy.output(), Some(&json!({"doc": input["doc"], "i": 19})));
    assert_eq!(
        lazy.history().map(|h| h.len()).map_err(|e| e.to_string()),
        Err("The history of this execution is larger than the simulator's budget of 1048576 bytes of history (raise \
             it with the Simulator option maxHistoryBytes, the CLI flag --max-history-bytes or \
             Budgets::max_history_bytes); the simulator makes a history when it is read, and the execution ran \
             without it."
            .to_string())
    );
}

#[test]
fn a_tape_over_the_budget_is_dropped() {
    // A loop of 200 tasks whose answers hold 10 KB each: 2 MB of answers, over a budget of 1 MB.
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": null, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 200, "Next": "Inc"}], "Default": "End"},
        "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "T"},
        "End": {"Type": "Succeed"}}});
    let machine = Arc::new(asl_sim::model::load(&def).unwrap());
    let mut config = common::config(MachineType::Express);
    config.max_history_bytes = 1 << 20;
    config.history = HistoryMode::Discard;
    config.replay = true;
    config.state_payloads = StatePayloads::None;
    let mut exec = Execution::new(machine, json!({"n": 0}), config);
    let mut now = exec.now();
    loop {
        match exec.poll(now) {
            Poll::Task(req) => exec.complete_task(req.id, Ok(json!({"answer": "a".repeat(10_000)})), now),
            Poll::WakeAt(t) => now = now.max(t),
            Poll::Idle => unreachable!(),
            Poll::Done => break,
        }
    }
    assert_eq!(exec.status(), Status::Succeeded);
    assert_eq!(
        exec.history().map(|h| h.len()).map_err(|e| e.to_string()),
        Err("asl-sim kept no history of this execution: the answers of its tasks, which it keeps to make the \
             history when it is read, went past the simulator's budget of 1048576 bytes of history (raise it with \
             the Simulator option maxHistoryBytes, the CLI flag --max-history-bytes or Budgets::max_history_bytes)."
            .to_string())
    );
}

/// Through the account: an Express machine that logs at `level` (with its data); the execution's
/// status, its history as `GetExecutionHistory` pages it, and the types of its log records.
fn through_account(definition: &Value, input: &Value, level: &str) -> Option<(String, Vec<Value>, Vec<String>)> {
    use asl_sim::simulator::{
        CreateStateMachineInput, GetExecutionHistoryInput, GetLogEventsInput, LoggingConfiguration,
    };
    let mut sim = asl_sim::simulator::Simulator::new("123456789012", "us-east-1", 3);
    let logging =
        LoggingConfiguration { level: Some(level.into()), include_execution_data: Some(true), destinations: None };
    let created = sim
        .create_state_machine(
            &CreateStateMachineInput {
                name: "M".into(),
                definition: definition.to_string(),
                machine_type: Some("EXPRESS".into()),
                logging_configuration: Some(logging),
                ..Default::default()
            },
            common::T0,
        )
        .ok()?;
    let answers = std::cell::Cell::new(0u32);
    let mut handler = |_: &asl_sim::simulator::HandlerCall| {
        answers.set(answers.get() + 1);
        Some(if answers.get() % 3 == 0 {
            Err(Failure::custom("Lambda.Unknown", "the test's failure"))
        } else {
            Ok(json!({"Payload": {"n": answers.get()}, "StatusCode": 200}))
        })
    };
    let arn = common::run_in(&mut sim, created["stateMachineArn"].as_str()?, input, &mut handler).ok()?;
    // Logged (or not logged at all), its events are gone: its history is made when read.
    assert!(sim.execution(&arn)?.events().is_empty(), "events held at {level}");
    let result = sim.sync_output(&arn, false).ok()?;
    let status = format!("{} {}", result["status"].as_str()?, result["cause"].as_str().unwrap_or_default());
    let mut events = Vec::new();
    let mut next_token = None;
    loop {
        let page = match sim.get_execution_history(&GetExecutionHistoryInput {
            execution_arn: arn.clone(),
            max_results: Some(1000),
            next_token: next_token.take(),
            ..Default::default()
        }) {
            Ok(page) => page,
            // Past the history budget (a runaway loop): no history, at any level.
            Err(e) => {
                assert!(e.message.starts_with("The history of this execution is larger"), "{}", e.message);
                events.clear();
                break;
            }
        };
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["nextToken"].as_str() {
            Some(t) => next_token = Some(t.to_string()),
            None => break,
        }
    }
    let logs = sim.get_log_events(&GetLogEventsInput { execution_arn: Some(arn), ..Default::default() }).unwrap()
        ["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["type"].as_str().unwrap_or_default().to_string())
        .collect();
    Some((status, events, logs))
}

#[test]
fn through_the_account_the_history_is_the_same_whatever_the_logs() {
    // What the executor test checks, through the account's driver: it logs (and lets go of) the
    // events as it goes at ALL and ERROR, and keeps none with logging OFF.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let bench = root.join("../shared/bench/workloads");
    let mut machines: Vec<(String, Value, Value)> = json_files(&root.join("tests/machines"))
        .into_iter()
        .map(|p| {
            let case = read(&p);
            (p.display().to_string(), case["definition"].clone(), case["input"].clone())
        })
        .collect();
    for name in ["dataflow_heavy", "map_1000", "parallel_fanout"] {
        let p = bench.join(format!("{name}.asl.json"));
        if p.exists() {
            machines.push((name.into(), read(&p), read(&bench.join(format!("{name}.input.json")))));
        }
    }
    for (name, definition, input) in machines {
        let Some((status, off, no_logs)) = through_account(&definition, &input, "OFF") else { continue };
        assert!(no_logs.is_empty(), "{name}");
        for level in ["ALL", "ERROR"] {
            let (status_logged, logged, records) = through_account(&definition, &input, level).unwrap();
            if status_logged.contains("The execution's log records exceeded the simulator's budget") {
                // A runaway loop: its logs, not its history, end it.
                continue;
            }
            assert_eq!((&status_logged, logged.len()), (&status, off.len()), "{name} at {level}");
            assert!(logged == off, "{name} at {level}: the histories differ");
            if level == "ALL" && !off.is_empty() && off.len() < 10_000 {
                let types: Vec<&str> = off.iter().map(|e| e["type"].as_str().unwrap()).collect();
                assert_eq!(records, types, "{name}: at ALL, a log record per history event");
            }
        }
        checked += 1;
    }
    println!("{checked} machines through the account");
    assert!(checked >= 30, "only {checked}");
}
