//! `ResultWriter`: the child executions' results as the Map Run's result files, and the
//! `WriterConfig` transformations (the `ResultWriter` page of the developer guide:
//! <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html>).
//!
//! Exported, a Map Run writes `<Prefix>/<map run id>/SUCCEEDED_0.json`, `FAILED_0.json` and
//! `PENDING_0.json` (the ones that have results) and `manifest.json`,
//! `{"DestinationBucket", "MapRunArn", "ResultFiles": {"FAILED": [...], "PENDING": [...],
//! "SUCCEEDED": [...]}}` listing each file's `Key` and `Size`; the state's result is
//! `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}` with the manifest's key.

use serde_json::{json, Map, Value};

use super::spec::Transformation;
use crate::error::Failure;
use crate::history;

/// One child execution of a Map Run, as the result files show it.
#[derive(Debug, Clone)]
pub struct ChildRecord {
    /// Its execution ARN.
    pub arn: String,
    /// Its input.
    pub input: Value,
    /// When it started (epoch ms).
    pub start: i64,
    /// When it ended, and how; `None` while it runs or when it never ran (pending).
    pub end: Option<(i64, Result<Value, Failure>)>,
}

impl ChildRecord {
    /// The `NONE` transformation's record: the execution's description.
    fn described(&self, state_machine_arn: &str) -> Value {
        let mut m = Map::new();
        if self.end.is_none() {
            // No execution ran for a pending item: its input and status only.
            m.insert("Input".into(), json!(history::json_text(&self.input)));
            m.insert("InputDetails".into(), json!({"Included": true}));
            m.insert("Status".into(), json!("PENDING"));
            return Value::Object(m);
        }
        let name = self.arn.rsplit(':').next().unwrap_or("");
        if let Some((_, Err(f))) = &self.end {
            m.insert("Cause".into(), json!(f.cause));
            m.insert("Error".into(), json!(f.error));
        }
        m.insert("ExecutionArn".into(), json!(self.arn));
        m.insert("Input".into(), json!(history::json_text(&self.input)));
        m.insert("InputDetails".into(), json!({"Included": true}));
        m.insert("Name".into(), json!(name));
        let status = match &self.end {
            Some((_, Ok(out))) => {
                m.insert("Output".into(), json!(history::json_text(out)));
                m.insert("OutputDetails".into(), json!({"Included": true}));
                "SUCCEEDED"
            }
            _ => "FAILED",
        };
        m.insert("RedriveCount".into(), json!(0));
        let (redrive, why) = match status {
            "FAILED" => ("REDRIVABLE", None),
            _ => ("NOT_REDRIVABLE", Some("Execution is SUCCEEDED and cannot be redriven")),
        };
        m.insert("RedriveStatus".into(), json!(redrive));
        if let Some(why) = why {
            m.insert("RedriveStatusReason".into(), json!(why));
        }
        m.insert("StartDate".into(), json!(history::iso_millis(self.start)));
        m.insert("StateMachineArn".into(), json!(state_machine_arn));
        m.insert("Status".into(), json!(status));
        if let Some((stop, _)) = &self.end {
            m.insert("StopDate".into(), json!(history::iso_millis(*stop)));
        }
        Value::Object(m)
    }
}

/// The records of `children` under a transformation: `NONE` describes each execution; `COMPACT`
/// gives each output (a failed execution keeps its description, as the page says); `FLATTEN`
/// also splices the outputs that are arrays.
pub fn transform(children: &[&ChildRecord], t: Transformation, state_machine_arn: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for c in children {
        match (&c.end, t) {
            (Some((_, Ok(v))), Transformation::Compact) => out.push(v.clone()),
            (Some((_, Ok(Value::Array(a)))), Transformation::Flatten) => out.extend(a.iter().cloned()),
            (Some((_, Ok(v))), Transformation::Flatten) => out.push(v.clone()),
            _ => out.push(c.described(state_machine_arn)),
        }
    }
    out
}

fn encode(records: &[Value], jsonl: bool) -> String {
    if jsonl {
        records.iter().map(|r| history::json_text(r) + "\n").collect()
    } else {
        history::json_text(&Value::Array(records.to_vec()))
    }
}

/// The objects an exported Map Run writes (`[{"Key", "Body"}]`, the manifest last) and the
/// manifest's key.
pub fn files(
    bucket: &str,
    prefix: &str,
    map_run_arn: &str,
    state_machine_arn: &str,
    children: &[ChildRecord],
    t: Transformation,
    jsonl: bool,
) -> (Vec<Value>, String) {
    let run_id = map_run_arn.rsplit(':').next().unwrap_or("");
    let dir = match prefix {
        "" => run_id.to_string(),
        p if p.ends_with('/') => format!("{p}{run_id}"),
        p => format!("{p}/{run_id}"),
    };
    let ext = if jsonl { "jsonl" } else { "json" };
    let mut objects = Vec::new();
    let mut result_files = Map::new();
    for status in ["FAILED", "PENDING", "SUCCEEDED"] {
        let these: Vec<&ChildRecord> = children
            .iter()
            .filter(|c| {
                let s = match &c.end {
                    Some((_, Ok(_))) => "SUCCEEDED",
                    Some((_, Err(_))) => "FAILED",
                    None => "PENDING",
                };
                s == status
            })
            .collect();
        let mut listed = Vec::new();
        if !these.is_empty() {
            let key = format!("{dir}/{status}_0.{ext}");
            let body = encode(&transform(&these, t, state_machine_arn), jsonl);
            listed.push(json!({"Key": key, "Size": body.len()}));
            objects.push(json!({"Key": key, "Body": body}));
        }
        result_files.insert(status.into(), Value::Array(listed));
    }
    let manifest_key = format!("{dir}/manifest.json");
    let manifest = json!({"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": result_files});
    objects.push(json!({"Key": manifest_key, "Body": history::json_text(&manifest)}));
    (objects, manifest_key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorName;

    fn child(i: usize, end: Option<Result<Value, Failure>>) -> ChildRecord {
        ChildRecord {
            arn: format!("arn:aws:states:us-east-1:1:execution:M/Map:id-{i}"),
            input: json!(i),
            start: 0,
            end: end.map(|r| (1000, r)),
        }
    }

    #[test]
    fn files_and_manifest_follow_the_key_layout() {
        let kids = [child(0, Some(Ok(json!([1, 2])))), child(1, Some(Err(Failure::new(ErrorName::TaskFailed, "x"))))];
        let (objects, manifest) = files(
            "out",
            "jobs",
            "arn:aws:states:us-east-1:1:mapRun:M/Map:run-1",
            "sm",
            &kids,
            Transformation::Flatten,
            false,
        );
        assert_eq!(manifest, "jobs/run-1/manifest.json");
        let keys: Vec<&str> = objects.iter().map(|o| o["Key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["jobs/run-1/FAILED_0.json", "jobs/run-1/SUCCEEDED_0.json", "jobs/run-1/manifest.json"]);
        assert_eq!(objects[1]["Body"], "[1,2]");
        let failed: Value = serde_json::from_str(objects[0]["Body"].as_str().unwrap()).unwrap();
        assert_eq!(failed[0]["Status"], "FAILED");
        assert_eq!(failed[0]["Error"], "States.TaskFailed");
        let m: Value = serde_json::from_str(objects[2]["Body"].as_str().unwrap()).unwrap();
        assert_eq!(m["ResultFiles"]["PENDING"], json!([]));
        assert_eq!(m["ResultFiles"]["SUCCEEDED"][0]["Size"], 5);
    }

    #[test]
    fn transformations() {
        let kids = [child(0, Some(Ok(json!({"a": 1}))))];
        let refs: Vec<&ChildRecord> = kids.iter().collect();
        assert_eq!(transform(&refs, Transformation::Compact, "sm"), [json!({"a": 1})]);
        let none = &transform(&refs, Transformation::None, "sm")[0];
        assert_eq!(none["Output"], r#"{"a":1}"#);
        assert_eq!(none["Name"], "id-0");
        assert_eq!(none["Status"], "SUCCEEDED");
    }
}
