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
    // AWS accepts Parquet (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html),
    // which the simulator does not read; the page gives Athena manifests only CSV, JSONL and
    // Parquet data, and LOAD_AND_FLATTEN only listings: what AWS says of the rest is not recorded.
    for (config, field) in [
        (json!({"InputType": "PARQUET"}), "ReaderConfig.InputType PARQUET"),
        (json!({"InputType": "MANIFEST", "ManifestType": "ATHENA_DATA"}), "ReaderConfig.ManifestType ATHENA_DATA"),
        (json!({"InputType": "JSON", "ManifestType": "ATHENA_DATA"}), "ReaderConfig.ManifestType ATHENA_DATA"),
        (json!({"InputType": "PARQUET", "ManifestType": "ATHENA_DATA"}), "ReaderConfig.ManifestType ATHENA_DATA"),
        (
            json!({"InputType": "JSON", "Transformation": "LOAD_AND_FLATTEN"}),
            "ReaderConfig.Transformation LOAD_AND_FLATTEN",
        ),
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
fn reader_config_values_are_checked() {
    // The ItemReader page: Transformation "NONE or LOAD_AND_FLATTEN ... When set to
    // LOAD_AND_FLATTEN, you must also set InputType"; ManifestType "ATHENA_DATA or S3_INVENTORY".
    // The wording is AWS's for other enum fields and required fields (recorded validation cases).
    let sim = asl_sim::simulator::Simulator::new("123456789012", "us-east-1", 0);
    for (config, message, location) in [
        (
            json!({"Transformation": "LOAD_AND_FLATTEN"}),
            "These fields are required: [InputType]",
            "/States/M/ItemReader/ReaderConfig",
        ),
        (
            json!({"InputType": "JSON", "Transformation": "FLATTEN"}),
            "Value should be one of the following: [NONE, LOAD_AND_FLATTEN]",
            "/States/M/ItemReader/ReaderConfig/Transformation",
        ),
        (
            json!({"InputType": "JSONL", "ManifestType": "ATHENA"}),
            "Value should be one of the following: [ATHENA_DATA, S3_INVENTORY]",
            "/States/M/ItemReader/ReaderConfig/ManifestType",
        ),
    ] {
        let def = map_with(json!({"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
            "Parameters": {"Bucket": "b", "Prefix": "p/"}, "ReaderConfig": config}}));
        let v = sim
            .validate_state_machine_definition(&ValidateStateMachineDefinitionInput {
                definition: def.to_string(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(v["diagnostics"][0]["code"], "SCHEMA_VALIDATION_FAILED", "{v}");
        assert_eq!(v["diagnostics"][0]["message"], message);
        assert_eq!(v["diagnostics"][0]["location"], location);
    }
    // Accepted: LOAD_AND_FLATTEN over a listing, NONE, and an S3 inventory manifest without
    // InputType ("If you specify ManifestType is S3_INVENTORY then InputType cannot be specified").
    for (resource, config) in [
        ("listObjectsV2", json!({"InputType": "JSONL", "Transformation": "LOAD_AND_FLATTEN"})),
        ("listObjectsV2", json!({"Transformation": "NONE"})),
        ("getObject", json!({"ManifestType": "S3_INVENTORY"})),
        ("getObject", json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "ManifestType": "ATHENA_DATA"})),
    ] {
        let def = map_with(json!({"ItemReader": {"Resource": format!("arn:aws:states:::s3:{resource}"),
            "Parameters": {"Bucket": "b", "Key": "k"}, "ReaderConfig": config}}));
        assert!(common::account(&def, MachineType::Standard, 0).is_ok(), "{def}");
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
