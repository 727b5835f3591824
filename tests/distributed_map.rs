//! Distributed Map parts the simulator does not model are refused when the machine is created or
//! validated, with a message that names the field; and the Map Run of a reader is described.

use serde_json::{json, Value};

use asl_sim::exec::MachineType;
use asl_sim::simulator::{FromJson, ValidateStateMachineDefinitionInput};

mod common;

fn map_with(extra: Value) -> Value {
    let mut state = json!({"Type": "Map", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}});
    for (k, v) in extra.as_object().unwrap() {
        state[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": state}})
}

#[test]
fn unmodelled_reader_configs_are_refused_naming_the_field() {
    // AWS accepts these (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html);
    // the simulator reads no Parquet, Athena manifests or LOAD_AND_FLATTEN listings.
    for (config, field) in [
        (json!({"InputType": "PARQUET"}), "ReaderConfig.InputType PARQUET"),
        (json!({"InputType": "MANIFEST", "ManifestType": "ATHENA_DATA"}), "ReaderConfig.ManifestType ATHENA_DATA"),
    ] {
        let def = map_with(json!({"ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "Parameters": {"Bucket": "b", "Key": "k"}, "ReaderConfig": config}}));
        let err = common::account(&def, MachineType::Standard, 0).err().expect("refused");
        assert!(err.contains(field) && err.contains("is not supported by the simulator"), "{err}");
        let sim = asl_sim::simulator::Simulator::new("123456789012", "us-east-1", 0);
        let v = sim
            .validate_state_machine_definition(&ValidateStateMachineDefinitionInput {
                definition: def.to_string(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(v["result"], "FAIL");
        assert_eq!(v["diagnostics"][0]["code"], "SIMULATOR_UNSUPPORTED");
        assert_eq!(v["diagnostics"][0]["location"], "/States/M/ItemReader/ReaderConfig");
    }
}

#[test]
fn a_readers_map_run_is_described() {
    let def = map_with(json!({"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
        "Parameters": {"Bucket": "b"}}, "ToleratedFailurePercentage": 50}));
    let (mut sim, machine) = common::account(&def, MachineType::Standard, 0).unwrap();
    for k in ["a", "b", "c"] {
        sim.s3.put("b", k, vec![], None, 0).unwrap();
    }
    let arn = common::run_in(&mut sim, &machine, &json!({}), &mut |_| None).unwrap();
    let runs = sim.list_map_runs(&FromJson::from_json(&json!({"executionArn": arn})).unwrap()).unwrap();
    let run_arn = runs["mapRuns"][0]["mapRunArn"].as_str().unwrap().to_string();
    let d = sim.describe_map_run(&run_arn).unwrap();
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(d["itemCounts"]["total"], 3);
    assert_eq!(d["itemCounts"]["succeeded"], 3);
    assert_eq!(d["toleratedFailurePercentage"], 50.0);
}
