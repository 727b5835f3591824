//! The `TestState` request: its fields, parsed from AWS's shape (JSON-text members parsed).

use serde_json::{json, Map, Value};

pub use crate::error::ApiError;
use crate::error::Failure;

/// `inspectionLevel`: INFO (the default) shows the result only; DEBUG and TRACE add `inspectionData`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InspectionLevel {
    /// The status and the output (or error) only.
    Info,
    /// Adds `inspectionData`: each step of the data flow.
    Debug,
    /// Like `Debug` (HTTP Task requests and responses, which TRACE adds on AWS, are not modelled).
    Trace,
}

/// `mock`: the task's (or Map's / Parallel's) result, or its error.
#[derive(Debug, Clone, Default)]
pub struct Mock {
    /// `result`: the state's result, parsed from its JSON text.
    pub result: Option<Value>,
    /// `errorOutput`: the error and cause the state fails with instead.
    pub error_output: Option<Failure>,
    /// How strictly a Task's mocked result is checked against the service's response shape.
    pub field_validation_mode: FieldValidationMode,
}

/// `mock.fieldValidationMode` (API reference, MockInput): how a mocked Task result is checked
/// against its API's response shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FieldValidationMode {
    /// "All required fields must be present, and all present fields must conform to the API's
    /// schema." The default.
    #[default]
    Strict,
    /// "All present fields must conform to the API's schema."
    Present,
    /// "No validation is performed."
    None,
}

/// `stateConfiguration`.
#[derive(Debug, Clone, Default)]
pub struct StateConfiguration {
    /// `retrierRetryCount`: how many retries already happened (RETRIABLE below `MaxAttempts`).
    pub retrier_retry_count: u32,
    /// `errorCausedByState`: the state an error comes from (accepted, not used).
    pub error_caused_by_state: Option<String>,
    /// `mapIterationFailureCount`: how many Map iterations fail, against the tolerated failures.
    pub map_iteration_failure_count: Option<u64>,
    /// `mapItemReaderData`: the items an `ItemReader` reads, parsed from its JSON text.
    pub map_item_reader_data: Option<Value>,
}

/// A `TestState` request, its JSON-text fields parsed.
#[derive(Debug, Clone)]
pub struct Request {
    /// `definition`: a state, or a state machine with `stateName`.
    pub definition: Value,
    /// `stateName`: the state to test in a state machine definition.
    pub state_name: Option<String>,
    /// `input` (`{}` by default).
    pub input: Value,
    /// `variables`: the workflow variables the state sees.
    pub variables: Map<String, Value>,
    /// `context`: the context object, made up when absent.
    pub context: Option<Value>,
    /// `inspectionLevel`.
    pub inspection_level: InspectionLevel,
    /// `revealSecrets` (refused with a mock).
    pub reveal_secrets: bool,
    /// `roleArn`: names the account of a made-up context object.
    pub role_arn: Option<String>,
    /// `mock`: the result or error of a Task, Map or Parallel state.
    pub mock: Option<Mock>,
    /// `stateConfiguration`.
    pub state_configuration: StateConfiguration,
}

/// The request against `TestStateInput` in the service model, as the server checks every request
/// (enum values, ranges and lengths with AWS's "1 validation error detected" texts), so the CLI and
/// the JS API refuse the same requests. JSON-text members given as JSON values are checked as
/// their text.
fn check_wire_shape(req: &Value) -> Result<(), ApiError> {
    let Some((_, shape)) = crate::protocol::shapes::SFN_OPERATIONS.iter().find(|(op, _)| *op == "TestState") else {
        return Ok(());
    };
    let mut wire = req.clone();
    let as_text = |v: &mut Value, key: &str| {
        if let Some(x) = v.get_mut(key) {
            if !x.is_string() && !x.is_null() {
                *x = Value::String(x.to_string());
            }
        }
    };
    for key in ["definition", "input", "variables", "context"] {
        as_text(&mut wire, key);
    }
    if let Some(m) = wire.get_mut("mock") {
        as_text(m, "result");
    }
    if let Some(c) = wire.get_mut("stateConfiguration") {
        as_text(c, "mapItemReaderData");
    }
    crate::protocol::check(shape, &wire, crate::error::ApiErrorKind::ValidationException)
}

fn text_field(req: &Value, key: &str) -> Option<Result<Value, String>> {
    match req.get(key)? {
        Value::String(s) => Some(crate::java::parse_json(s).map_err(|e| e.to_string())),
        other => Some(Ok(other.clone())),
    }
}

impl Request {
    /// Parses a request in AWS's shape (camelCase; `definition`, `input`, `variables`, `context`,
    /// `mock.result` and `stateConfiguration.mapItemReaderData` as JSON text).
    pub fn from_json(req: &Value) -> Result<Request, ApiError> {
        use crate::simulator::limits::{check_length, MAX_DATA, MAX_DEFINITION, MAX_NAME};
        check_wire_shape(req)?;
        for (field, min, max) in [
            ("definition", 1, MAX_DEFINITION),
            ("input", 0, MAX_DATA),
            ("variables", 0, MAX_DATA),
            ("context", 0, MAX_DATA),
        ] {
            if let Some(Value::String(text)) = req.get(field) {
                check_length(field, text, min, max, true)?;
            }
        }
        if let Some(Value::String(name)) = req.get("stateName") {
            check_length("stateName", name, 1, MAX_NAME, true)?;
        }
        let definition = match text_field(req, "definition") {
            None => return Err(ApiError::validation("1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null")),
            Some(Err(e)) => return Err(ApiError::definition(format!("Invalid State Machine Definition: '{e}'"))),
            Some(Ok(v)) => v,
        };
        let input = match text_field(req, "input") {
            None => json!({}),
            Some(r) => r.map_err(|e| ApiError::validation(format!("Invalid input: {e}")))?,
        };
        let variables = match text_field(req, "variables") {
            None => Map::new(),
            Some(Ok(Value::Object(m))) => m,
            Some(_) => return Err(ApiError::validation("Variables must be a valid JSON object")),
        };
        let context = match text_field(req, "context") {
            None => None,
            Some(r) => Some(r.map_err(|e| ApiError::validation(format!("Invalid Context object provided: {e}")))?),
        };
        let inspection_level = match req.get("inspectionLevel").and_then(Value::as_str) {
            None | Some("INFO") => InspectionLevel::Info,
            Some("DEBUG") => InspectionLevel::Debug,
            Some("TRACE") => InspectionLevel::Trace,
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "1 validation error detected: Value '{other}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
                )))
            }
        };
        let mock = match req.get("mock") {
            None | Some(Value::Null) => None,
            Some(m) => {
                let result = match text_field(m, "result") {
                    None => None,
                    Some(r) => Some(r.map_err(|_| ApiError::validation("Mocked result must be valid JSON"))?),
                };
                let error_output = m.get("errorOutput").map(|e| {
                    let text = |key: &str| e.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
                    Failure::custom(text("error"), text("cause"))
                });
                let mode = match m.get("fieldValidationMode").and_then(Value::as_str) {
                    Some("PRESENT") => FieldValidationMode::Present,
                    Some("NONE") => FieldValidationMode::None,
                    _ => FieldValidationMode::Strict,
                };
                Some(Mock { result, error_output, field_validation_mode: mode })
            }
        };
        let mut sc = StateConfiguration::default();
        if let Some(c) = req.get("stateConfiguration") {
            sc.retrier_retry_count =
                c.get("retrierRetryCount").and_then(Value::as_u64).map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
            sc.error_caused_by_state = c.get("errorCausedByState").and_then(Value::as_str).map(str::to_string);
            sc.map_iteration_failure_count = c.get("mapIterationFailureCount").and_then(Value::as_u64);
            sc.map_item_reader_data = match text_field(c, "mapItemReaderData") {
                None => None,
                Some(r) => Some(r.map_err(|_| ApiError::validation("Map item reader data must be valid JSON"))?),
            };
        }
        Ok(Request {
            definition,
            state_name: req.get("stateName").and_then(Value::as_str).map(str::to_string),
            input,
            variables,
            context,
            inspection_level,
            reveal_secrets: req.get("revealSecrets").and_then(Value::as_bool).unwrap_or(false),
            role_arn: req.get("roleArn").and_then(Value::as_str).map(str::to_string),
            mock,
            state_configuration: sc,
        })
    }
}
