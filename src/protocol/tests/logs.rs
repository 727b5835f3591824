//! CloudWatch Logs over the wire: groups, streams, events, filters.

use serde_json::{json, Value};

use super::{err, machine, ok, sim, PASS, ROLE};

const GROUP: &str = "/aws/states/test";

fn types(events: &Value) -> Vec<String> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(e["message"].as_str().unwrap()).unwrap()["type"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn express_results_are_read_from_log_streams() {
    let mut s = sim();
    let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
    let arn = machine(&mut s, "Log", "EXPRESS", def);
    let mut execs = Vec::new();
    for i in 0..2 {
        let input = format!("{{\"i\":{i}}}");
        execs.push(
            ok(&mut s, "StartExecution", json!({"stateMachineArn": arn, "input": input}))["executionArn"].clone(),
        );
    }
    s.run_virtual(None, &mut |_| None);
    let groups = ok(&mut s, "Logs_20140328.DescribeLogGroups", json!({"logGroupNamePrefix": "/aws/states"}));
    assert_eq!(
        groups["logGroups"][0],
        json!({"logGroupName": GROUP, "creationTime": 1_704_067_200_000i64, "metricFilterCount": 0,
            "arn": format!("arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*"),
            "storedBytes": groups["logGroups"][0]["storedBytes"], "logGroupClass": "STANDARD",
            "logGroupArn": format!("arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}"),
            "deletionProtectionEnabled": false})
    );
    let streams = ok(&mut s, "Logs_20140328.DescribeLogStreams", json!({"logGroupName": GROUP}));
    let streams = streams["logStreams"].as_array().unwrap().clone();
    assert_eq!(streams.len(), 2, "one stream per execution");
    let name = streams[0]["logStreamName"].as_str().unwrap().to_string();
    assert!(name.starts_with("states/Log/2024-01-01-00-00/"), "{name}");

    let head = ok(
        &mut s,
        "Logs_20140328.GetLogEvents",
        json!({"logGroupName": GROUP, "logStreamName": name,
        "startFromHead": true, "limit": 3}),
    );
    assert_eq!(types(&head["events"]), ["ExecutionStarted", "PassStateEntered", "PassStateExited"]);
    assert_eq!(head["events"][0]["timestamp"], 1_704_067_200_000i64);
    let record: Value = serde_json::from_str(head["events"][0]["message"].as_str().unwrap()).unwrap();
    assert!(execs.contains(&record["execution_arn"]));
    let rest = ok(
        &mut s,
        "Logs_20140328.GetLogEvents",
        json!({"logGroupName": GROUP, "logStreamName": name,
        "nextToken": head["nextForwardToken"]}),
    );
    assert_eq!(types(&rest["events"]), ["ExecutionSucceeded"]);
    // At the end of the stream, the same forward token comes back.
    let end = ok(
        &mut s,
        "Logs_20140328.GetLogEvents",
        json!({"logGroupName": GROUP, "logStreamName": name,
        "nextToken": rest["nextForwardToken"]}),
    );
    assert_eq!((end["events"].as_array().unwrap().len(), &end["nextForwardToken"]), (0, &rest["nextForwardToken"]));
    // Without startFromHead, the newest events; the backward token pages to older ones.
    let newest = ok(
        &mut s,
        "Logs_20140328.GetLogEvents",
        json!({"logGroupIdentifier": GROUP, "logStreamName": name, "limit": 1}),
    );
    assert_eq!(types(&newest["events"]), ["ExecutionSucceeded"]);
    let older = ok(
        &mut s,
        "Logs_20140328.GetLogEvents",
        json!({"logGroupName": GROUP, "logStreamName": name,
        "nextToken": newest["nextBackwardToken"], "limit": 2}),
    );
    assert_eq!(types(&older["events"]), ["PassStateEntered", "PassStateExited"]);

    let filtered = ok(
        &mut s,
        "Logs_20140328.FilterLogEvents",
        json!({"logGroupName": GROUP,
        "filterPattern": "ExecutionSucceeded"}),
    );
    assert_eq!(filtered["events"].as_array().unwrap().len(), 2);
    assert_eq!(filtered["events"][0]["eventId"].as_str().unwrap().len(), 56);
    let one = ok(
        &mut s,
        "Logs_20140328.FilterLogEvents",
        json!({"logGroupName": GROUP, "logStreamNames": [name],
        "filterPattern": "\"ExecutionSucceeded\" -nothing"}),
    );
    assert_eq!(one["events"].as_array().unwrap().len(), 1);
    assert_eq!(one["events"][0]["logStreamName"], name);
    let paged = ok(&mut s, "Logs_20140328.FilterLogEvents", json!({"logGroupName": GROUP, "limit": 5}));
    assert_eq!(paged["events"].as_array().unwrap().len(), 5);
    let paged2 =
        ok(&mut s, "Logs_20140328.FilterLogEvents", json!({"logGroupName": GROUP, "nextToken": paged["nextToken"]}));
    assert_eq!((paged2["events"].as_array().unwrap().len(), paged2.get("nextToken")), (3, None));
    let none =
        ok(&mut s, "Logs_20140328.FilterLogEvents", json!({"logGroupName": GROUP, "startTime": 1_704_067_200_001i64}));
    assert_eq!(none["events"], json!([]));
    assert_eq!(
        err(
            &mut s,
            "Logs_20140328.FilterLogEvents",
            json!({"logGroupName": GROUP, "filterPattern": "{ $.type = \"X\" }"})
        )
        .0,
        "InvalidParameterException"
    );

    assert_eq!(
        err(&mut s, "Logs_20140328.CreateLogGroup", json!({"logGroupName": GROUP})),
        ("ResourceAlreadyExistsException".into(), "The specified log group already exists".into())
    );
    assert_eq!(
        err(&mut s, "Logs_20140328.GetLogEvents", json!({"logGroupName": GROUP, "logStreamName": "nope"})),
        ("ResourceNotFoundException".into(), "The specified log stream does not exist.".into())
    );
    assert_eq!(ok(&mut s, "Logs_20140328.DeleteLogGroup", json!({"logGroupName": GROUP})), Value::Null);
    assert_eq!(
        err(&mut s, "Logs_20140328.GetLogEvents", json!({"logGroupName": GROUP, "logStreamName": name})),
        ("ResourceNotFoundException".into(), "The specified log group does not exist.".into())
    );
    assert_eq!(ok(&mut s, "Logs_20140328.CreateLogGroup", json!({"logGroupName": "/mine"})), Value::Null);
    let mine = ok(&mut s, "Logs_20140328.DescribeLogStreams", json!({"logGroupName": "/mine"}));
    assert_eq!(mine, json!({"logStreams": []}));
}

#[test]
fn logging_configurations_follow_aws_api_rules() {
    // Recorded on AWS (LocalStack snapshots test_sfn_api_logs.py, validated): a level but OFF needs
    // exactly one destination, and a deleted log group is no destination.
    let mut s = sim();
    let create = |logging: Value| json!({"name": "L", "definition": PASS, "roleArn": ROLE, "type": "EXPRESS", "loggingConfiguration": logging});
    for level in ["ALL", "ERROR", "FATAL"] {
        assert_eq!(
            err(&mut s, "CreateStateMachine", create(json!({"level": level, "includeExecutionData": true}))),
            (
                "InvalidLoggingConfiguration".into(),
                "Invalid Logging Configuration: Must specify exactly one Log Destination.".into()
            )
        );
    }
    ok(&mut s, "Logs_20140328.CreateLogGroup", json!({"logGroupName": "/gone"}));
    ok(&mut s, "Logs_20140328.DeleteLogGroup", json!({"logGroupName": "/gone"}));
    let gone = json!({"level": "ALL", "destinations": [{"cloudWatchLogsLogGroup":
        {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/gone:*"}}]});
    assert_eq!(
        err(&mut s, "CreateStateMachine", create(gone.clone())),
        ("InvalidLoggingConfiguration".into(), "Invalid Logging Configuration: Log Destination not found.".into())
    );
    // Created again, it is a destination again; so is a group the account never saw.
    ok(&mut s, "Logs_20140328.CreateLogGroup", json!({"logGroupName": "/gone"}));
    ok(&mut s, "CreateStateMachine", create(gone));
    ok(
        &mut s,
        "CreateStateMachine",
        json!({"name": "Off", "definition": PASS, "roleArn": ROLE,
        "loggingConfiguration": {"level": "OFF"}}),
    );
}

#[test]
fn task_tokens_that_are_no_tokens_are_invalid() {
    // Recorded on AWS through an aws-sdk:sfn:sendTaskFailure task (LocalStack snapshot
    // test_aws_sdk_task_service::test_sfn_send_task_outcome_with_no_such_token): `Invalid Token: 'Invalid token'`.
    let mut s = sim();
    for op in ["SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat"] {
        assert_eq!(
            err(&mut s, op, json!({"taskToken": "NoSuchTaskToken", "output": "{}"})),
            ("InvalidToken".into(), "Invalid Token: 'Invalid token'".into())
        );
    }
}
