//! Unit tests of the executor's helpers; whole machines are tested in `tests/`.

use serde_json::json;

use super::*;

#[test]
fn error_equals_wildcards() {
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(error_matches(&names(&["States.ALL"]), "Custom"));
    assert!(!error_matches(&names(&["States.ALL"]), "States.Runtime"));
    assert!(error_matches(&names(&["States.TaskFailed"]), "States.DataLimitExceeded"));
    assert!(!error_matches(&names(&["States.TaskFailed"]), "States.Timeout"));
    assert!(error_matches(&names(&["A", "B"]), "B"));
    assert!(!error_matches(&names(&["A"]), "B"));
}

#[test]
fn payload_size_counts_json_bytes() {
    assert_eq!(payload_size(&json!({"a": [1, "é"]})), r#"{"a":[1,"é"]}"#.len());
}

#[test]
fn express_arns_end_with_a_stable_run_id() {
    let a = Identity::new("1", "us-east-1", "M", "e", MachineType::Express);
    let b = Identity::new("1", "us-east-1", "M", "e", MachineType::Express);
    assert_eq!(a.execution_arn, b.execution_arn);
    assert!(a.execution_arn.starts_with("arn:aws:states:us-east-1:1:express:M:e:"));
    let s = Identity::new("1", "us-east-1", "M", "e", MachineType::Standard);
    assert_eq!(s.execution_arn, "arn:aws:states:us-east-1:1:execution:M:e");
}
