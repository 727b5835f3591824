//! Whole-machine fixtures: each file in `tests/machines/` is one execution with its exact
//! expected result, event types and (optionally) stop time on the virtual clock.
//!
//! Fields: `definition`, `input`, `type` (`EXPRESS`), `max_transitions`, `mocks` (state name ->
//! responses in invocation order); `s3`, objects in the account's store before the run,
//! `{"<bucket>": {"<key>": <body>}}` (a string body is the object's text, any other JSON value
//! its JSON text); `expected` (`status`, `output`, `error`, `cause`), `history`, `event_count`,
//! `last_events`, `stop_date`; `expected_s3`, objects the run wrote, in the same form (a JSON
//! value is compared with the object's parsed text). In `expected` and `expected_s3`, `<run>`
//! stands for the id of the execution's first Map Run (the last part of its ARN).

use std::path::PathBuf;

use serde_json::{json, Value};

use asl_sim::exec::MachineType;
use asl_sim::simulator::responses::iso;

mod common;

fn run_fixture(path: &std::path::Path) -> Result<(), String> {
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(path).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let machine_type = if case["type"] == "EXPRESS" { MachineType::Express } else { MachineType::Standard };
    let (mut sim, mut machine) = common::account(&case["definition"], machine_type, 0)?;
    if let Some(n) = case["max_transitions"].as_u64() {
        sim.budgets.max_transitions = n;
    }
    for (bucket, objects) in case.get("s3").and_then(Value::as_object).into_iter().flatten() {
        sim.s3.create_bucket(bucket);
        for (key, body) in objects.as_object().into_iter().flatten() {
            let text = body.as_str().map_or_else(|| body.to_string(), str::to_string);
            sim.s3.put(bucket, key, text.into_bytes(), None, 0).map_err(|e| e.message)?;
        }
    }
    let mut input = case["input"].clone();
    if let Some(rep) = case.get("input_repeat") {
        let s = rep["char"].as_str().unwrap_or("x").repeat(rep["count"].as_u64().unwrap_or(0) as usize);
        input = json!({ rep["key"].as_str().unwrap_or("s"): s });
    }
    if let Some(mocks) = case.get("mocks").and_then(Value::as_object) {
        let mut states = serde_json::Map::new();
        let mut responses = serde_json::Map::new();
        for (state, list) in mocks {
            states.insert(state.clone(), json!(state));
            let numbered: serde_json::Map<String, Value> =
                list.as_array().into_iter().flatten().enumerate().map(|(i, r)| (i.to_string(), r.clone())).collect();
            responses.insert(state.clone(), Value::Object(numbered));
        }
        sim.set_mock_config_value(&json!({
            "StateMachines": {"M": {"TestCases": {"T": states}}},
            "MockedResponses": responses,
        }))
        .map_err(|e| e.to_string())?;
        machine.push_str("#T");
    }
    let arn = common::run_in(&mut sim, &machine, &input, &mut |_| None)?;
    let resp = sim.sync_output(&arn, false).map_err(|e| e.to_string())?;
    let exec = sim.execution(&arn).ok_or("no execution")?;
    let events = exec.history()?;
    let run_id = events
        .iter()
        .find(|e| e.kind == "MapRunStarted")
        .and_then(|e| e.details())
        .and_then(|(_, d)| d["mapRunArn"].as_str().and_then(|a| a.rsplit(':').next()).map(str::to_string))
        .unwrap_or_default();
    let with_run =
        |v: &Value| -> Value { serde_json::from_str(&v.to_string().replace("<run>", &run_id)).unwrap_or(Value::Null) };
    let want = &with_run(&case["expected"]);
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
        let got: Vec<&str> = events.iter().map(|e| e.kind).collect();
        let want: Vec<&str> = h.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if got != want {
            problems.push(format!("history {got:?} != {want:?}"));
        }
    }
    if let Some(n) = case.get("event_count").and_then(Value::as_u64) {
        if events.len() as u64 != n {
            problems.push(format!("{} events != {n}", events.len()));
        }
    }
    if let Some(last) = case.get("last_events").and_then(Value::as_array) {
        let got: Vec<&str> = events.iter().rev().take(last.len()).rev().map(|e| e.kind).collect();
        let want: Vec<&str> = last.iter().filter_map(Value::as_str).collect();
        if got != want {
            problems.push(format!("last events {got:?} != {want:?}"));
        }
    }
    for (bucket, objects) in
        case.get("expected_s3").map(&with_run).as_ref().and_then(Value::as_object).into_iter().flatten()
    {
        for (key, body) in objects.as_object().into_iter().flatten() {
            match sim.s3.get(bucket, key) {
                Err(e) => problems.push(format!("s3://{bucket}/{key}: {}", e.message)),
                Ok(o) => {
                    let text = o.text();
                    let same = match body {
                        Value::String(s) => *s == text,
                        v => serde_json::from_str::<Value>(&text).ok().as_ref() == Some(v),
                    };
                    if !same {
                        problems.push(format!("s3://{bucket}/{key} holds {text}, not {body}"));
                    }
                }
            }
        }
    }
    if let Some(stop) = case.get("stop_date") {
        let got = resp["stopDate"].as_i64().map(iso).unwrap_or_default();
        if got != *stop {
            problems.push(format!("stopDate {got} != {stop}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

/// One test per fixture file, as jsonata-rs generates one per case file.
macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(concat!("tests/machines/", stringify!($name), ".json"));
                if let Err(e) = run_fixture(&path) {
                    panic!("{}:\n  {e}", path.display());
                }
            }
        )*

        /// Every fixture file has its test above.
        #[test]
        fn every_fixture_file_has_a_test() {
            let listed = [$(stringify!($name)),*];
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/machines");
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .expect("tests/machines exists")
                .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
                .collect();
            files.sort();
            assert_eq!(files, listed, "list each file of tests/machines in fixtures!");
        }
    };
}

fixtures!(
    assign_after_output_path,
    catch_assign_jsonpath,
    choice_no_match,
    choice_state_assign_rule_without_assign,
    choice_state_assign_with_rule_assign,
    choice_string_order_utf16,
    data_limit_exceeded,
    dmap_batcher_three_by_two,
    dmap_item_source_state_data,
    dmap_reader_athena_manifest,
    dmap_reader_athena_manifest_bad_line,
    dmap_reader_compressed_object,
    dmap_reader_csv_duplicate_headers,
    dmap_reader_csv_first_row,
    dmap_reader_csv_given_headers_pipe,
    dmap_reader_csv_guide_example,
    dmap_reader_json_items_pointer,
    dmap_reader_json_max_items,
    dmap_reader_json_not_array,
    dmap_reader_jsonata,
    dmap_reader_jsonl,
    dmap_reader_list_objects,
    dmap_reader_load_and_flatten_csv,
    dmap_reader_load_and_flatten_json,
    dmap_reader_manifest,
    dmap_reader_max_items_path_negative,
    dmap_reader_missing_object,
    dmap_reader_too_many_items,
    dmap_result_writer,
    dmap_s3_tasks,
    dmap_writer_config_flatten,
    dmap_writer_tolerated_failures,
    express_five_minute_limit,
    jsonpath_unquoted_word_filter,
    map_item_in_catch_assign,
    map_item_source_inline,
    map_item_source_inline_jsonata,
    map_items_context,
    map_jsonata_max_concurrency_negative,
    map_jsonata_tolerated_percentage_out_of_range,
    parallel_branch_fails,
    resource_with_region_and_account,
    retry_backoff_then_catch,
    retry_max_attempts_zero,
    retry_max_delay,
    standard_history_limit,
    standard_one_year_limit,
    step_budget_runaway,
    task_failed_not_timeout,
    task_heartbeat_path_not_integer,
    task_input_data_limit,
    task_timeout_jsonata_negative,
    task_timeout_path_not_positive,
    wait_hour_virtual_clock,
    wait_timestamp_truncates_milliseconds,
);

#[test]
fn same_seed_same_history_byte_for_byte() {
    let def = json!({"StartAt": "U", "States": {"U": {"Type": "Pass",
        "Parameters": {"id.$": "States.UUID()", "r.$": "States.MathRandom(1, 1000)"}, "End": true}}});
    let run = |seed: u64| {
        let (sim, arn) = common::run(&def, MachineType::Standard, &json!({}), seed, &mut |_| None).unwrap();
        serde_json::to_string(&*sim.execution(&arn).unwrap().history().unwrap()).unwrap()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}
