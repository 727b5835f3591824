//! What goes on the wire: the response (status, headers, body), the `__type` error bodies the
//! SDKs turn into their exception classes, and dates as epoch seconds.

use serde_json::{json, Value};

use crate::error::{ApiError, ApiErrorKind};

/// An HTTP response, as AWS would send it. The driver adds `Content-Length` (and `Date`).
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// 200, or 400 for an error the client caused.
    pub status: u16,
    /// `Content-Type` and `x-amzn-RequestId`.
    pub headers: Vec<(String, String)>,
    /// The JSON body (empty for operations that answer nothing).
    pub body: Vec<u8>,
}

impl Response {
    /// The body as JSON (`null` when empty), for tests and drivers that look inside.
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// A header's value (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The service a target names: its content type, error names and date format differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `AWSStepFunctions.*`, `application/x-amz-json-1.0`, dates as epoch seconds.
    StepFunctions,
    /// `Logs_20140328.*`, `application/x-amz-json-1.1`, times as epoch milliseconds.
    Logs,
}

impl Service {
    /// The `Content-Type` of its requests and responses.
    pub fn content_type(self) -> &'static str {
        match self {
            Service::StepFunctions => "application/x-amz-json-1.0",
            Service::Logs => "application/x-amz-json-1.1",
        }
    }

    /// The `__type` of an error: the exception's name after the namespace AWS's services give it.
    pub fn error_type(self, kind: ApiErrorKind) -> String {
        let name = kind.as_str();
        match kind {
            ApiErrorKind::UnknownOperationException | ApiErrorKind::SerializationException => {
                format!("com.amazon.coral.service#{name}")
            }
            ApiErrorKind::ValidationException if self == Service::StepFunctions => {
                format!("com.amazon.coral.validate#{name}")
            }
            ApiErrorKind::ThrottlingException => format!("com.amazon.coral.availability#{name}"),
            _ if self == Service::Logs => name.to_string(),
            _ => format!("com.amazonaws.swf.service.v2.model#{name}"),
        }
    }
}

/// The response keys of Step Functions that hold dates (epoch ms in the account, epoch seconds
/// on the wire).
const DATE_KEYS: &[&str] = &["creationDate", "startDate", "stopDate", "timestamp", "updateDate", "redriveDate"];

/// Turns the account's epoch-millisecond dates into the wire's epoch seconds, at any depth (user
/// data is always JSON text inside strings, so no payload is touched).
pub fn wire_dates(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                match (DATE_KEYS.contains(&k.as_str()), x.as_i64()) {
                    (true, Some(ms)) => *x = json!(ms as f64 / 1000.0),
                    _ => wire_dates(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(wire_dates),
        _ => {}
    }
}

fn headers(service: Service, request_id: &str) -> Vec<(String, String)> {
    vec![("Content-Type".into(), service.content_type().into()), ("x-amzn-RequestId".into(), request_id.into())]
}

/// A 200 response with the operation's output (`null`: an empty body).
pub fn success(service: Service, request_id: &str, mut output: Value) -> Response {
    if service == Service::StepFunctions {
        wire_dates(&mut output);
    }
    let body = if output.is_null() { Vec::new() } else { serde_json::to_vec(&output).unwrap_or_default() };
    Response { status: 200, headers: headers(service, request_id), body }
}

/// A 400 response: `{"__type": "<namespace>#<Name>", "message": "..."}`.
pub fn failure(service: Service, request_id: &str, e: &ApiError) -> Response {
    let body = json!({"__type": service.error_type(e.kind), "message": e.message});
    let mut h = headers(service, request_id);
    h.push(("x-amzn-ErrorType".into(), format!("{}:", e.kind.as_str())));
    Response { status: 400, headers: h, body: serde_json::to_vec(&body).unwrap_or_default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_epoch_seconds() {
        let mut v = json!({"startDate": 1_704_067_200_123i64, "events": [{"timestamp": 1000}], "input": "{\"startDate\":5}",
            "name": "startDate"});
        wire_dates(&mut v);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"startDate":1704067200.123,"events":[{"timestamp":1.0}],"input":"{\"startDate\":5}","name":"startDate"}"#
        );
    }

    #[test]
    fn errors_carry_their_namespace() {
        let e = ApiError::new(ApiErrorKind::StateMachineDoesNotExist, "State Machine Does Not Exist: 'x'");
        let r = failure(Service::StepFunctions, "id", &e);
        assert_eq!(r.status, 400);
        assert_eq!(
            String::from_utf8(r.body).unwrap(),
            r#"{"__type":"com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist","message":"State Machine Does Not Exist: 'x'"}"#
        );
        assert_eq!(Service::Logs.error_type(ApiErrorKind::ResourceNotFoundException), "ResourceNotFoundException");
        assert_eq!(
            Service::StepFunctions.error_type(ApiErrorKind::ValidationException),
            "com.amazon.coral.validate#ValidationException"
        );
        assert!(success(Service::Logs, "id", Value::Null).body.is_empty());
    }
}
