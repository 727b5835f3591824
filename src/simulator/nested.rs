//! Nested workflows: the Task resources that start another state machine of the account, the
//! request they make, and the answers AWS gives the parent's task. The account
//! ([`super::Simulator`]) starts the child and waits for it; this module only knows the shapes.
//!
//! Sources:
//! - Optimized integration (`arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`):
//!   developer guide, "Manage AWS Step Functions Executions as an Integrated Service"
//!   (`doc_source/connect-stepfunctions.md`,
//!   https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html): the request
//!   takes `StateMachineArn`, `Input` and `Name`; `.sync` waits for the child and answers its
//!   `DescribeExecution` response in the integration's PascalCase, with `Input` and `Output` as JSON
//!   text, `.sync:2` the same with them parsed into JSON; a child that does not succeed fails the
//!   task with `States.TaskFailed` and that response as the cause. A request-response start answers
//!   `StartExecution`'s response, `{ExecutionArn, StartDate}`, with the SDK's HTTP metadata (as
//!   recorded on AWS in LocalStack's `test_sfn_task_service.snapshot.json`, test `test_start_execution`).
//!   Errors of the call itself are `StepFunctions.<Code>Exception`, the cause AWS's message followed by
//!   `(Service: AWSStepFunctions; Status Code: 400; Error Code: <Code>; ...)`.
//! - AWS SDK integration (`arn:aws:states:::aws-sdk:sfn:startSyncExecution`): developer guide,
//!   "Learning to use AWS service SDK integrations" (`supported-services-awssdk.html`): parameters
//!   and results in PascalCase, errors named `<ServiceName>.<ErrorName>` with an `Exception` suffix
//!   (here `Sfn.StateMachineTypeNotSupportedException`). The result is `StartSyncExecution`'s
//!   response (API reference, `API_StartSyncExecution`): "StartSyncExecution will return a 200 OK
//!   response, even if your execution fails", so a failed child is a result with `Status: FAILED`,
//!   not a failed task. Only Express machines can be started this way.

use serde_json::{json, Map, Value};

use super::{ApiError, StartExecutionInput};
use crate::error::{ErrorName, Failure};
use crate::exec::TaskId;
use crate::history;

/// How a Task state starts a child execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integration {
    /// `states:startExecution`: answers as soon as the child has started.
    RequestResponse,
    /// `states:startExecution.sync`: waits; `Input` and `Output` stay JSON text.
    Sync,
    /// `states:startExecution.sync:2`: waits; `Input` and `Output` are parsed.
    Sync2,
    /// `states:startExecution.waitForTaskToken`: starts the child, then waits for the task token.
    WaitForTaskToken,
    /// `aws-sdk:sfn:startSyncExecution`: runs an Express child and answers its result, whatever it is.
    SdkStartSync,
}

impl Integration {
    /// The integration a Task's `Resource` names, if it starts an execution.
    pub fn of(resource: &str) -> Option<Integration> {
        let integration = crate::resource::integration(resource)?;
        if integration == "aws-sdk:sfn:startSyncExecution" {
            return Some(Integration::SdkStartSync);
        }
        match integration.strip_prefix("states:startExecution")? {
            "" => Some(Integration::RequestResponse),
            ".sync" => Some(Integration::Sync),
            ".sync:2" => Some(Integration::Sync2),
            ".waitForTaskToken" => Some(Integration::WaitForTaskToken),
            _ => None,
        }
    }

    /// The start request of the task's parameters (`StateMachineArn`, `Input`, `Name`, and for the
    /// SDK integration `TraceHeader` and `IncludedData`). `Input` may be JSON text or any JSON
    /// value, which is sent as its text; absent, it is `{}`.
    pub fn start_request(self, params: &Value) -> StartExecutionInput {
        let input = match params.get("Input") {
            None | Some(Value::Null) => "{}".to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => history::json_text(v),
        };
        let text = |key: &str| params.get(key).and_then(Value::as_str).map(String::from);
        let sdk = self == Integration::SdkStartSync;
        StartExecutionInput {
            state_machine_arn: text("StateMachineArn").unwrap_or_default(),
            input: Some(input),
            name: text("Name"),
            included_data: if sdk { text("IncludedData") } else { None },
            trace_header: text("TraceHeader"),
        }
    }

    /// The task's failure when the start call itself fails (no such machine, a bad name, ...).
    pub fn start_failure(self, e: &ApiError, task_id: TaskId) -> Failure {
        let code = e.name().strip_suffix("Exception").unwrap_or(e.name());
        let request_id = request_id(task_id);
        match self {
            Integration::SdkStartSync => Failure::custom(
                format!("Sfn.{code}Exception"),
                format!("{} (Service: Sfn, Status Code: 400, Request ID: {request_id})", e.message),
            ),
            _ => Failure::custom(
                format!("StepFunctions.{code}Exception"),
                format!(
                    "{} (Service: AWSStepFunctions; Status Code: 400; Error Code: {code}; Request ID: {request_id}; \
                     Proxy: null)",
                    e.message
                ),
            ),
        }
    }
}

/// A request id derived from the task id, so that seeded runs repeat exactly.
pub(super) fn request_id(task_id: TaskId) -> String {
    format!("{:08x}-5f00-4000-8000-{:012x}", task_id, task_id.wrapping_mul(0x2545_f491))
}

/// `StartExecution`'s answer to a request-response task: `ExecutionArn` and `StartDate` (epoch
/// ms), with the SDK's HTTP metadata as AWS records it. `now` dates the HTTP response.
pub fn started_output(child_arn: &str, start_date: i64, task_id: TaskId, now: i64) -> Value {
    let request_id = request_id(task_id);
    // The length of the HTTP body AWS answered: {"executionArn":"...","startDate":<epoch seconds>}.
    let length =
        format!(r#"{{"executionArn":"{child_arn}","startDate":{:.3}}}"#, start_date as f64 / 1000.0).len().to_string();
    let date = crate::timefmt::http_date(now);
    json!({
        "ExecutionArn": child_arn,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "x-amzn-RequestId": [request_id],
                "connection": ["keep-alive"],
                "Content-Length": [length],
                "Date": [date],
                "Content-Type": ["application/x-amz-json-1.0"]
            },
            "HttpHeaders": {
                "connection": "keep-alive",
                "Content-Length": length,
                "Content-Type": "application/x-amz-json-1.0",
                "Date": date,
                "x-amzn-RequestId": request_id
            },
            "HttpStatusCode": 200
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StartDate": start_date
    })
}

/// The answer of a `.sync` / `.sync:2` task from the child's `DescribeExecution` response (camelCase,
/// dates in epoch ms): the same fields in PascalCase (`InputDetails: {Included}` too), with `Input`
/// and `Output` parsed for `.sync:2`. A child that did not succeed fails the task with
/// `States.TaskFailed`, the cause being that answer as JSON text.
pub fn sync_result(describe: &Value, parse_payloads: bool) -> Result<Value, Failure> {
    let mut out = Map::new();
    for (k, v) in describe.as_object().into_iter().flatten() {
        let mut v = v.clone();
        if parse_payloads && (k == "input" || k == "output") {
            if let Some(parsed) = v.as_str().and_then(|s| serde_json::from_str(s).ok()) {
                v = parsed;
            }
        }
        out.insert(pascal(k), pascal_keys(v, k));
    }
    let out = Value::Object(out);
    if out["Status"] == "SUCCEEDED" {
        Ok(out)
    } else {
        Err(Failure::new(ErrorName::TaskFailed, capped_cause(history::json_text(&out))))
    }
}

/// A cause at most AWS's 32,768 characters (`SensitiveCause` in the service model), cut at a
/// character: a chain of `.sync` children that fail would otherwise nest each child's description,
/// escaped again at each level, in its parent's cause.
fn capped_cause(mut cause: String) -> String {
    if let Some((at, _)) = cause.char_indices().nth(super::limits::MAX_CAUSE) {
        cause.truncate(at);
    }
    cause
}

/// The answer of an `aws-sdk:sfn:startSyncExecution` task from the child's `StartSyncExecution`
/// response (camelCase, dates in epoch ms): the SDK integration's PascalCase, dates as the SDK
/// renders them (ISO 8601 with milliseconds), payloads as JSON text. Always a result: the status
/// says how the child ended.
pub fn sdk_start_sync_result(response: &Value) -> Value {
    let mut out = Map::new();
    for (k, v) in response.as_object().into_iter().flatten() {
        let v = match (k.as_str(), v.as_i64()) {
            ("startDate" | "stopDate", Some(ms)) => json!(history::iso_millis(ms)),
            _ => pascal_keys(v.clone(), k),
        };
        out.insert(pascal(k), v);
    }
    Value::Object(out)
}

/// `inputDetails: {included}` and `billingDetails: {billedMemoryUsedInMB, ...}` with PascalCase
/// keys too; other values unchanged.
fn pascal_keys(v: Value, key: &str) -> Value {
    match v {
        Value::Object(o) if key.ends_with("Details") => {
            Value::Object(o.into_iter().map(|(k, v)| (pascal(&k), v)).collect())
        }
        v => v,
    }
}

fn pascal(k: &str) -> String {
    let mut c = k.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_name_their_integration() {
        assert_eq!(Integration::of("arn:aws:states:::states:startExecution"), Some(Integration::RequestResponse));
        assert_eq!(Integration::of("arn:aws:states:::states:startExecution.sync"), Some(Integration::Sync));
        assert_eq!(Integration::of("arn:aws:states:::states:startExecution.sync:2"), Some(Integration::Sync2));
        assert_eq!(
            Integration::of("arn:aws:states:::states:startExecution.waitForTaskToken"),
            Some(Integration::WaitForTaskToken)
        );
        assert_eq!(Integration::of("arn:aws:states:::aws-sdk:sfn:startSyncExecution"), Some(Integration::SdkStartSync));
        assert_eq!(Integration::of("arn:aws:states:::states:startExecution.sync:3"), None);
        assert_eq!(
            Integration::of("arn:aws:states:us-east-1:123456789012:states:startExecution.sync:2"),
            Some(Integration::Sync2),
            "with a region and account, as CloudFormation deploys it"
        );
        assert_eq!(Integration::of("arn:aws:states:::lambda:invoke"), None);
    }

    #[test]
    fn input_is_sent_as_json_text() {
        let r = Integration::Sync
            .start_request(&json!({"StateMachineArn": "arn:x", "Input": {"b": 1, "a": [2]}, "Name": "n"}));
        assert_eq!(
            (r.state_machine_arn.as_str(), r.input.as_deref(), r.name.as_deref()),
            ("arn:x", Some(r#"{"b":1,"a":[2]}"#), Some("n"))
        );
        let r = Integration::RequestResponse.start_request(&json!({"StateMachineArn": "arn:x", "Input": "[1]"}));
        assert_eq!(r.input.as_deref(), Some("[1]"));
        assert_eq!(Integration::Sync.start_request(&json!({})).input.as_deref(), Some("{}"));
    }

    #[test]
    fn errors_name_the_service() {
        let e = ApiError {
            kind: crate::error::ApiErrorKind::StateMachineDoesNotExist,
            message: "State Machine Does Not Exist: 'x'".into(),
            diagnostics: vec![],
        };
        let f = Integration::Sync2.start_failure(&e, 3);
        assert_eq!(f.error, "StepFunctions.StateMachineDoesNotExistException");
        assert!(f.cause.starts_with("State Machine Does Not Exist: 'x' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist;"), "{}", f.cause);
        let e = ApiError::validation("m");
        assert_eq!(Integration::SdkStartSync.start_failure(&e, 3).error, "Sfn.ValidationException");
    }

    #[test]
    fn results_take_the_integration_casing() {
        let d = json!({"executionArn": "e", "input": "{\"a\":1}", "inputDetails": {"included": true}, "output": "[1]",
            "outputDetails": {"included": true}, "startDate": 0, "stopDate": 1000, "status": "SUCCEEDED"});
        let text = sync_result(&d, false).unwrap();
        assert_eq!(text["Input"], "{\"a\":1}");
        assert_eq!(text["InputDetails"], json!({"Included": true}));
        let parsed = sync_result(&d, true).unwrap();
        assert_eq!((parsed["Input"].clone(), parsed["Output"].clone()), (json!({"a": 1}), json!([1])));
        let failed = json!({"executionArn": "e", "status": "FAILED", "error": "E"});
        let f = sync_result(&failed, true).unwrap_err();
        assert_eq!(f.error, "States.TaskFailed");
        assert_eq!(
            serde_json::from_str::<Value>(&f.cause).unwrap(),
            json!({"ExecutionArn": "e", "Status": "FAILED", "Error": "E"})
        );
        let s = sdk_start_sync_result(&json!({"status": "FAILED", "startDate": 0, "stopDate": 1500,
            "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 1500}}));
        assert_eq!(
            s,
            json!({"Status": "FAILED", "StartDate": "1970-01-01T00:00:00.000Z", "StopDate": "1970-01-01T00:00:01.500Z",
            "BillingDetails": {"BilledMemoryUsedInMB": 64, "BilledDurationInMilliseconds": 1500}})
        );
    }
}
