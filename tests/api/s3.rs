//! The account's S3 store through the JS API: objects put from JS feed a Distributed Map's
//! `ItemReader`, and its `ResultWriter` files are read back with `getObject` and `listObjectsV2`.

use super::*;

/// Waits for a Standard execution's end: its `DescribeExecution`.
async fn finished(sim: &Simulator, arn: &str) -> JsValue {
    for _ in 0..500 {
        let d = sim.describe_execution(js(json!({ "executionArn": arn }))).unwrap();
        if text(&d, "status") != "RUNNING" {
            return d;
        }
        sleep(1).await;
    }
    panic!("{arn} did not end");
}

#[wasm_bindgen_test]
async fn objects_from_js_feed_a_reader_and_results_come_back() {
    let sim = sim(json!({"seed": 1}));
    // The ItemReader page's CSV dataset (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html).
    let put = sim
        .put_object(js(json!({"Bucket": "in", "Key": "ratings.csv", "Body": "userId,rating\n1,5\n2,3\n3,4\n"})))
        .unwrap();
    assert_eq!(text(&put, "ETag").len(), 34);
    let m = create(
        &sim,
        "Ratings",
        json!({"StartAt": "Map", "States": {"Map": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "in", "Key": "ratings.csv"},
                           "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}},
            "ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "Count", "States": {"Count": {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($.Items)"}, "End": true}}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"},
                             "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}},
            "End": true}}}),
        "STANDARD",
        None,
    );
    let started = sim.start_execution(js(json!({"stateMachineArn": m})), None).unwrap();
    let d = finished(&sim, &text(&started, "executionArn")).await;
    assert_eq!(text(&d, "status"), "SUCCEEDED");
    let out: Value = serde_json::from_str(&text(&d, "output")).unwrap();
    let key = out["ResultWriterDetails"]["Key"].as_str().unwrap().to_string();
    assert_eq!(out["ResultWriterDetails"]["Bucket"], "out");
    let run_id = out["MapRunArn"].as_str().unwrap().rsplit(':').next().unwrap().to_string();
    assert_eq!(key, format!("runs/{run_id}/manifest.json"));
    // Three items by two: two children, whose outputs the SUCCEEDED file holds.
    let results =
        sim.get_object(js(json!({"Bucket": "out", "Key": format!("runs/{run_id}/SUCCEEDED_0.json")}))).unwrap();
    assert_eq!(text(&results, "Body"), r#"[{"n":2},{"n":1}]"#);
    assert!(field(&results, "LastModified").is_instance_of::<js_sys::Date>());
    let listed = sim.list_objects_v2(js(json!({"Bucket": "out", "Prefix": "runs/"}))).unwrap();
    let keys: Vec<String> = Array::from(&field(&listed, "Contents")).iter().map(|o| text(&o, "Key")).collect();
    assert_eq!(keys, [format!("runs/{run_id}/SUCCEEDED_0.json"), key]);
    let buckets = to_json(&sim.list_buckets().unwrap());
    assert_eq!(buckets, json!({"Buckets": [{"Name": "in"}, {"Name": "out"}]}));
    let missing = sim.get_object(js(json!({"Bucket": "out", "Key": "nope"}))).unwrap_err();
    assert_eq!(error_name(&missing), "NoSuchKey");
    let bad = sim.put_object(js(json!({"Bucket": "b", "Key": "k", "Body": 1}))).unwrap_err();
    assert_eq!(error_name(&bad), "ValidationException");
}
