//! Versions, aliases, tags and activities over the wire.

use serde_json::json;

use super::{err, handle, machine, ok, resume, send, sim, Reply, PASS, ROLE};

#[test]
fn versions_and_aliases_route_executions() {
    let mut s = sim();
    let created = ok(
        &mut s,
        "CreateStateMachine",
        json!({"name": "V", "definition": PASS, "roleArn": ROLE,
        "publish": true, "versionDescription": "first"}),
    );
    let arn = created["stateMachineArn"].as_str().unwrap().to_string();
    let v1 = format!("{arn}:1");
    assert_eq!(created["stateMachineVersionArn"], v1);
    assert_eq!(
        err(
            &mut s,
            "CreateStateMachine",
            json!({"name": "W", "definition": PASS, "roleArn": ROLE,
            "versionDescription": "x"})
        ),
        ("ValidationException".into(), "Version description can only be set when publish is true".into())
    );
    // Publishing the same revision again gives the same version.
    assert_eq!(ok(&mut s, "PublishStateMachineVersion", json!({"stateMachineArn": arn}))["stateMachineVersionArn"], v1);
    let updated = ok(
        &mut s,
        "UpdateStateMachine",
        json!({"stateMachineArn": arn,
        "definition": PASS.replace("1}", "2}"), "publish": true}),
    );
    let v2 = format!("{arn}:2");
    assert_eq!(updated["stateMachineVersionArn"], v2);
    assert_eq!(
        err(&mut s, "PublishStateMachineVersion", json!({"stateMachineArn": arn, "revisionId": "old"})).1,
        format!(
            "Failed to publish the State Machine version for revision old. The current State Machine revision is {}.",
            updated["revisionId"].as_str().unwrap()
        )
    );
    let described = ok(&mut s, "DescribeStateMachine", json!({"stateMachineArn": v1}));
    assert_eq!(
        (described["stateMachineArn"].as_str(), described["description"].as_str()),
        (Some(v1.as_str()), Some("first"))
    );
    assert_eq!(described["definition"], PASS);
    let versions = ok(&mut s, "ListStateMachineVersions", json!({"stateMachineArn": arn}));
    let listed: Vec<&str> = versions["stateMachineVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["stateMachineVersionArn"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [v2.as_str(), v1.as_str()], "newest first");

    let routing = json!([{"stateMachineVersionArn": v1, "weight": 100}]);
    let alias = ok(&mut s, "CreateStateMachineAlias", json!({"name": "prod", "routingConfiguration": routing}));
    let alias_arn = format!("{arn}:prod");
    assert_eq!(alias["stateMachineAliasArn"], alias_arn);
    assert_eq!(
        err(
            &mut s,
            "CreateStateMachineAlias",
            json!({"name": "prod", "description": "other", "routingConfiguration": routing})
        ),
        (
            "ConflictException".into(),
            "Failed to create alias because an alias with the same name and a different routing configuration already \
             exists."
                .into()
        )
    );
    assert_eq!(
        err(
            &mut s,
            "CreateStateMachineAlias",
            json!({"name": "x", "routingConfiguration":
            [{"stateMachineVersionArn": v1, "weight": 70}, {"stateMachineVersionArn": v2, "weight": 29}]})
        )
        .1,
        "Sum of routing configuration weights must equal 100. Received: [70, 29]"
    );
    assert_eq!(
        err(
            &mut s,
            "CreateStateMachineAlias",
            json!({"name": "x", "routingConfiguration":
            [{"stateMachineVersionArn": arn, "weight": 100}]})
        )
        .1,
        format!("Routing configuration must contain state machine version ARNs. Received: [{arn}]")
    );
    assert_eq!(
        err(&mut s, "CreateStateMachineAlias", json!({"name": "123", "routingConfiguration": routing})).1,
        "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular \
         expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"
    );
    assert_eq!(
        err(&mut s, "DeleteStateMachineVersion", json!({"stateMachineVersionArn": v1})).1,
        "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: \
         [prod]"
    );
    // A start through the alias runs version 1, whatever the machine is now.
    let started = ok(&mut s, "StartExecution", json!({"stateMachineArn": alias_arn, "name": "via-alias"}));
    s.run_virtual(None, &mut |_| None);
    let d = ok(&mut s, "DescribeExecution", json!({"executionArn": started["executionArn"]}));
    assert_eq!(
        (d["output"].as_str(), d["stateMachineVersionArn"].as_str(), d["stateMachineAliasArn"].as_str()),
        (Some("{\"ok\":1}"), Some(v1.as_str()), Some(alias_arn.as_str()))
    );
    assert_eq!(d["stateMachineArn"], arn);
    let by_alias = ok(&mut s, "ListExecutions", json!({"stateMachineArn": alias_arn}));
    assert_eq!(by_alias["executions"].as_array().unwrap().len(), 1);
    assert_eq!(
        ok(
            &mut s,
            "UpdateStateMachineAlias",
            json!({"stateMachineAliasArn": alias_arn,
        "routingConfiguration": [{"stateMachineVersionArn": v2, "weight": 100}]})
        )
        .as_object()
        .unwrap()
        .len(),
        1
    );
    let a = ok(&mut s, "DescribeStateMachineAlias", json!({"stateMachineAliasArn": alias_arn}));
    assert_eq!(a["routingConfiguration"], json!([{"stateMachineVersionArn": v2, "weight": 100}]));
    assert_eq!(
        ok(&mut s, "ListStateMachineAliases", json!({"stateMachineArn": arn}))["stateMachineAliases"][0]
            ["stateMachineAliasArn"],
        alias_arn
    );
    assert_eq!(ok(&mut s, "DeleteStateMachineVersion", json!({"stateMachineVersionArn": v1})), json!({}));
    assert_eq!(ok(&mut s, "DeleteStateMachineAlias", json!({"stateMachineAliasArn": alias_arn})), json!({}));
    assert_eq!(
        err(&mut s, "UpdateStateMachineAlias", json!({"stateMachineAliasArn": alias_arn, "description": "d"})),
        ("ResourceNotFound".into(), "Request references a resource that does not exist.".into())
    );
}

#[test]
fn tags_belong_to_machines_and_activities() {
    let mut s = sim();
    let arn = machine(&mut s, "T", "STANDARD", PASS);
    ok(
        &mut s,
        "TagResource",
        json!({"resourceArn": arn, "tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]}),
    );
    ok(&mut s, "TagResource", json!({"resourceArn": arn, "tags": [{"key": "a", "value": "3"}]}));
    ok(&mut s, "UntagResource", json!({"resourceArn": arn, "tagKeys": ["b"]}));
    assert_eq!(
        ok(&mut s, "ListTagsForResource", json!({"resourceArn": arn})),
        json!({"tags": [{"key": "a", "value": "3"}]})
    );
    assert_eq!(
        err(&mut s, "TagResource", json!({"resourceArn": format!("{arn}:1"), "tags": []})),
        ("ResourceNotFound".into(), format!("Resource not found: '{arn}:1'"))
    );
    let many: Vec<_> = (0..51).map(|i| json!({"key": format!("k{i}"), "value": ""})).collect();
    assert_eq!(err(&mut s, "TagResource", json!({"resourceArn": arn, "tags": many})).0, "TooManyTags");
    let act = ok(&mut s, "CreateActivity", json!({"name": "work", "tags": [{"key": "team", "value": "x"}]}));
    assert_eq!(ok(&mut s, "ListTagsForResource", json!({"resourceArn": act["activityArn"]}))["tags"][0]["key"], "team");
}

#[test]
fn activities_hand_their_tasks_to_workers() {
    let mut s = sim();
    let created = ok(&mut s, "CreateActivity", json!({"name": "work"}));
    let act = "arn:aws:states:us-east-1:123456789012:activity:work";
    assert_eq!(created, json!({"activityArn": act, "creationDate": 1_704_067_200.0}));
    assert_eq!(ok(&mut s, "CreateActivity", json!({"name": "work"})), created);
    assert_eq!(
        ok(&mut s, "DescribeActivity", json!({"activityArn": act})),
        json!({"activityArn": act, "name": "work", "creationDate": 1_704_067_200.0,
            "encryptionConfiguration": {"type": "AWS_OWNED_KEY"}})
    );
    assert_eq!(
        err(&mut s, "CreateActivity", json!({"name": "activity name"})),
        ("InvalidName".into(), "Invalid Name: 'activity name'".into())
    );
    assert_eq!(
        err(&mut s, "GetActivityTask", json!({"activityArn": "no_an_activity_arn"})),
        ("InvalidArn".into(), "Invalid Arn: 'Invalid ARN prefix: no_an_activity_arn'".into())
    );
    // No task: the long poll ends at its deadline with an empty answer.
    let now = s.now();
    let Reply::Wait(w) = handle(
        &mut s,
        Some("AWSStepFunctions.GetActivityTask"),
        format!(r#"{{"activityArn": "{act}"}}"#).as_bytes(),
        now,
        1_000,
    ) else {
        panic!("GetActivityTask waits")
    };
    assert_eq!(w.deadline(), Some(61_000));
    assert_eq!(resume(&mut s, &w, now, 60_999), None);
    assert_eq!(resume(&mut s, &w, now, 61_000).map(|r| r.json()), Some(json!({})));

    let def = format!(
        r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{act}", "HeartbeatSeconds": 60, "End": true}}}}}}"#
    );
    let arn = machine(&mut s, "Worked", "STANDARD", &def);
    let exec =
        ok(&mut s, "StartExecution", json!({"stateMachineArn": arn, "input": "{\"n\":1}"}))["executionArn"].clone();
    s.advance(Some(s.now()), &|_| false, usize::MAX);
    let task = ok(&mut s, "GetActivityTask", json!({"activityArn": act, "workerName": "w1"}));
    assert_eq!(task["input"], "{\"n\":1}");
    let token = task["taskToken"].as_str().unwrap().to_string();
    ok(&mut s, "SendTaskHeartbeat", json!({"taskToken": token}));
    ok(&mut s, "SendTaskSuccess", json!({"taskToken": token, "output": "{\"done\":true}"}));
    s.run_virtual(None, &mut |_| None);
    assert_eq!(err(&mut s, "SendTaskSuccess", json!({"taskToken": token, "output": "{}"})).0, "TaskTimedOut");
    let h = ok(&mut s, "GetExecutionHistory", json!({"executionArn": exec}));
    let kinds: Vec<&str> = h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        h["events"][2]["activityScheduledEventDetails"],
        json!({"resource": act, "input": "{\"n\":1}",
        "inputDetails": {"truncated": false}, "heartbeatInSeconds": 60})
    );
    assert_eq!(h["events"][3]["activityStartedEventDetails"], json!({"workerName": "w1"}));
    let listed = ok(&mut s, "ListActivities", json!({}));
    assert_eq!(listed["activities"][0]["name"], "work");
    assert_eq!(ok(&mut s, "DeleteActivity", json!({"activityArn": act})), json!({}));
    assert_eq!(
        err(&mut s, "DescribeActivity", json!({"activityArn": act})),
        ("ActivityDoesNotExist".into(), format!("Activity Does Not Exist: '{act}'"))
    );
    let _ = send;
}

#[test]
fn activity_tasks_stop_the_virtual_clock_for_the_driver() {
    let mut s = sim();
    ok(&mut s, "CreateActivity", json!({"name": "work"}));
    let act = "arn:aws:states:us-east-1:123456789012:activity:work";
    let def = format!(
        r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{act}", "HeartbeatSeconds": 60, "End": true}}}}}}"#
    );
    let arn = machine(&mut s, "Worked", "STANDARD", &def);
    ok(&mut s, "StartExecution", json!({"stateMachineArn": arn}));
    let start = s.now();
    let a = s.advance(None, &|_| false, 256);
    // The advance stops as the task is scheduled, before the heartbeat's timer can fire.
    assert!(a.busy && a.now == start, "{a:?}");
    assert_eq!(s.activity_tasks_outstanding(), 1);
}
