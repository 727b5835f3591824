//! Validation of an Amazon States Language definition as AWS does it: `CreateStateMachine` refuses
//! a bad definition with `InvalidDefinition` and one message, `ValidateStateMachineDefinition`
//! answers a list of diagnostics. Both come from [`validate`] (or [`validate_text`] for the raw
//! request text); [`invalid_definition_message`] turns the diagnostics into the exception message.
//!
//! ```
//! use asl_sim::validate::{validate, invalid_definition_message, MachineType};
//! let def = serde_json::json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}});
//! let diags = validate(&def, MachineType::Standard);
//! assert_eq!(diags[0].message, "Missing 'Next' target: B");
//! assert_eq!(
//!     invalid_definition_message(&diags).unwrap(),
//!     "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next, \
//!      MISSING_END_STATE: Workflow has no terminal state at null'"
//! );
//! ```
//!
//! What AWS checks comes in three passes, and diagnostics keep that order: the schema walk (each
//! object's own problems, then its fields in document order), the graph of transitions (missing
//! targets, no terminal state, unreachable states), and the Map `Label` check. Locations are
//! AWS's: `/States/P/Branches[0]/States/X/Next`, `/States/C/Choices[1]/Next`, `/` for the root.
//! Lists of field names in messages follow the iteration order of a Java `HashSet`, as AWS's do.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::intrinsics::{self, Intrinsic};
use crate::jsonpath::JsonPath;

/// How bad a diagnostic is: an `ERROR` makes `CreateStateMachine` fail, a `WARNING` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    /// The definition cannot be created.
    #[serde(rename = "ERROR")]
    Error,
    /// A likely mistake that AWS still accepts.
    #[serde(rename = "WARNING")]
    Warning,
}

/// One problem, in the shape of a `ValidateStateMachineDefinition` diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `ERROR` or `WARNING`.
    pub severity: Severity,
    /// AWS's code, one of the constants in [`code`].
    pub code: String,
    /// AWS's message, without the location.
    pub message: String,
    /// Where: a path such as `/States/Foo/Next`, `/` for the root, empty when AWS gives none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub location: String,
}

/// The type of the state machine, which changes what a definition may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType {
    /// `STANDARD`.
    Standard,
    /// `EXPRESS`: no activities, no `.sync` or `.waitForTaskToken` integrations.
    Express,
}

/// The diagnostic codes this module emits.
pub mod code {
    /// The text is not JSON.
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    /// A field is missing, unknown, of the wrong type or out of range.
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    /// A `StartAt`, `Next`, `Default` or `Catch` target does not exist, or a state is unreachable.
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    /// No top-level state ends the execution.
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    /// Two states share a name somewhere in the machine.
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    /// A state name is longer than 80 characters.
    pub const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    /// A Map `Label` is empty, too long or has a forbidden character.
    pub const INVALID_LABEL_NAME: &str = "INVALID_LABEL_NAME";
    /// An `Assign` key is not a valid variable name.
    pub const INVALID_VARIABLE_NAME: &str = "INVALID_VARIABLE_NAME";
    /// An `Assign` key is the reserved `states`.
    pub const RESERVED_VARIABLE_NAME: &str = "RESERVED_VARIABLE_NAME";
    /// Branches and processors are nested deeper than this validator follows.
    pub const TOO_DEEPLY_NESTED: &str = "TOO_DEEPLY_NESTED";
}

/// Every problem in `definition`: errors first, in a stable order (see the module doc).
pub fn validate(definition: &Value, machine_type: MachineType) -> Vec<Diagnostic> {
    let mut v = Validator::new(machine_type);
    v.run(definition);
    v.finish()
}

/// Like [`validate`], for the request text: invalid JSON gives AWS's (Jackson's) parse message.
/// As AWS's parser does, only the first JSON value of the text is read.
pub fn validate_text(definition_text: &str, machine_type: MachineType) -> Vec<Diagnostic> {
    match json_text::first_value_end(definition_text) {
        Err(e) => vec![Diagnostic {
            severity: Severity::Error,
            code: code::INVALID_JSON_DESCRIPTION.into(),
            message: format!("{}\n at {}", e.message, e.location),
            location: e.location,
        }],
        Ok(None) => vec![not_an_object()],
        Ok(Some(end)) => match serde_json::from_str::<Value>(&definition_text[..end]).or_else(|e| {
            serde_json::from_str::<Value>(&json_text::replace_surrogate_escapes(&definition_text[..end])).map_err(|_| e)
        }) {
            Ok(value) => validate(&value, machine_type),
            Err(e) => vec![Diagnostic {
                severity: Severity::Error,
                code: code::INVALID_JSON_DESCRIPTION.into(),
                message: e.to_string(),
                location: String::new(),
            }],
        },
    }
}

/// The `InvalidDefinition` message of `CreateStateMachine`, or `None` when there is no error:
/// `Invalid State Machine Definition: 'CODE: message at location, CODE: message at location'`
/// (`at null` when AWS has no location). A `Label` error alone is worded differently and quotes
/// the request text: use [`invalid_definition_message_for_text`] for it.
pub fn invalid_definition_message(diags: &[Diagnostic]) -> Option<String> {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.severity == Severity::Error).collect();
    if errors.is_empty() {
        return None;
    }
    let non_label: Vec<&Diagnostic> = errors.iter().copied().filter(|d| d.code != code::INVALID_LABEL_NAME).collect();
    let shown = if non_label.is_empty() { errors } else { non_label };
    let parts: Vec<String> = shown
        .iter()
        .map(|d| {
            let location = if d.location.is_empty() { "null" } else { d.location.as_str() };
            format!("{}: {} at {}", d.code, d.message, location)
        })
        .collect();
    Some(format!("Invalid State Machine Definition: '{}'", parts.join(", ")))
}

/// [`invalid_definition_message`] for a request whose definition text is `definition_text`. When
/// the only errors are Map `Label` errors, AWS answers with another validator's words, which quote
/// the text: `Error=ValueError Args=['Label cannot be empty'] in definition '<text>'.`
pub fn invalid_definition_message_for_text(diags: &[Diagnostic], definition_text: &str) -> Option<String> {
    let mut errors = diags.iter().filter(|d| d.severity == Severity::Error).peekable();
    errors.peek()?;
    let errors: Vec<&Diagnostic> = errors.collect();
    if errors.iter().all(|d| d.code == code::INVALID_LABEL_NAME) {
        return Some(format!(
            "Error=ValueError Args=[{}] in definition '{}'.",
            python_repr(&errors[0].message),
            definition_text
        ));
    }
    invalid_definition_message(diags)
}

/// The `InvalidLoggingConfiguration` message of `CreateStateMachine` for the request's
/// `loggingConfiguration`, or `None` when it is acceptable: any level but `OFF` needs exactly one
/// destination.
pub fn logging_configuration_error(config: &Value) -> Option<String> {
    let level = config.get("level").and_then(Value::as_str).unwrap_or("OFF");
    let destinations = config.get("destinations").and_then(Value::as_array).map_or(0, Vec::len);
    if destinations > 1 || (level != "OFF" && destinations != 1) {
        return Some("Invalid Logging Configuration: Must specify exactly one Log Destination.".into());
    }
    None
}

/// What AWS answers for an empty text or a definition that is not a JSON object.
fn not_an_object() -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: code::SCHEMA_VALIDATION_FAILED.into(),
        message: "Definition must be a valid JSON object".into(),
        location: String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tables

const STATE_TYPES_MESSAGE: &str =
    "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]";

/// Fields every state accepts.
const COMMON_FIELDS: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// Fields each state type accepts in either query language (measured on AWS).
fn allowed_fields(state_type: &str) -> &'static [&'static str] {
    match state_type {
        "Pass" => &["InputPath", "OutputPath", "Result", "ResultPath", "Parameters", "Output", "Assign", "Next", "End"],
        "Task" => &[
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "Arguments",
            "Output",
            "Assign",
            "Resource",
            "Credentials",
            "ResultSelector",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Next",
            "End",
        ],
        "Wait" => &[
            "InputPath",
            "OutputPath",
            "Output",
            "Assign",
            "Seconds",
            "Timestamp",
            "SecondsPath",
            "TimestampPath",
            "Next",
            "End",
        ],
        "Parallel" => &[
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "Arguments",
            "Output",
            "Assign",
            "ResultSelector",
            "Retry",
            "Catch",
            "Branches",
            "Next",
            "End",
        ],
        "Map" => &[
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "Output",
            "Assign",
            "ResultSelector",
            "Retry",
            "Catch",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "Label",
            "Next",
            "End",
        ],
        "Choice" => &["InputPath", "OutputPath", "Output", "Assign", "Choices", "Default"],
        "Succeed" => &["InputPath", "OutputPath", "Output"],
        "Fail" => &["Error", "Cause", "ErrorPath", "CausePath"],
        _ => &[],
    }
}

/// Fields only a JSONPath state may have.
const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "ResultPath",
    "Parameters",
    "ResultSelector",
    "Result",
    "ItemsPath",
    "MaxConcurrencyPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCountPath",
    "ErrorPath",
    "CausePath",
];

/// Fields only a JSONata state may have.
const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items", "Condition"];

const COMPARISON_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringMatches",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
];

/// The rule kinds of a JSONPath Choice rule, of which there must be exactly one.
const RULE_KINDS: &[&str] = &["And", "Or", "Not", "Variable", "Condition"];

/// Optimized integrations: service, API, and the patterns beyond request-response it supports
/// (`S` = `.sync`, `2` = `.sync:2`, `T` = `.waitForTaskToken`).
const INTEGRATIONS: &[(&str, &str, &str)] = &[
    ("lambda", "invoke", "T"),
    ("sns", "publish", "T"),
    ("sqs", "sendMessage", "T"),
    ("dynamodb", "getItem", ""),
    ("dynamodb", "putItem", ""),
    ("dynamodb", "updateItem", ""),
    ("dynamodb", "deleteItem", ""),
    ("events", "putEvents", "T"),
    ("apigateway", "invoke", "T"),
    ("states", "startExecution", "S2T"),
    ("ecs", "runTask", "ST"),
    ("batch", "submitJob", "S"),
    ("glue", "startJobRun", "S"),
    ("athena", "startQueryExecution", "S"),
    ("athena", "stopQueryExecution", ""),
    ("athena", "getQueryExecution", ""),
    ("athena", "getQueryResults", ""),
    ("codebuild", "startBuild", "S"),
    ("codebuild", "stopBuild", ""),
    ("codebuild", "batchDeleteBuilds", ""),
    ("codebuild", "batchGetReports", ""),
    ("codebuild", "startBuildBatch", "S"),
    ("codebuild", "stopBuildBatch", ""),
    ("codebuild", "retryBuildBatch", "S"),
    ("codebuild", "deleteBuildBatch", ""),
    ("eks", "createCluster", "S"),
    ("eks", "deleteCluster", "S"),
    ("eks", "createFargateProfile", "S"),
    ("eks", "deleteFargateProfile", "S"),
    ("eks", "createNodegroup", "S"),
    ("eks", "deleteNodegroup", "S"),
    ("eks", "runJob", "ST"),
    ("eks", "call", ""),
    ("elasticmapreduce", "createCluster", "S"),
    ("elasticmapreduce", "terminateCluster", "S"),
    ("elasticmapreduce", "addStep", "S"),
    ("elasticmapreduce", "cancelStep", ""),
    ("elasticmapreduce", "setClusterTerminationProtection", ""),
    ("elasticmapreduce", "modifyInstanceFleetByName", ""),
    ("elasticmapreduce", "modifyInstanceGroupByName", ""),
    ("emr-containers", "createVirtualCluster", ""),
    ("emr-containers", "deleteVirtualCluster", "S"),
    ("emr-containers", "startJobRun", "S"),
    ("emr-serverless", "createApplication", "S"),
    ("emr-serverless", "startApplication", "S"),
    ("emr-serverless", "stopApplication", "S"),
    ("emr-serverless", "deleteApplication", "S"),
    ("emr-serverless", "startJobRun", "S"),
    ("emr-serverless", "cancelJobRun", "S"),
    ("databrew", "startJobRun", "S"),
    ("mediaconvert", "createJob", "S"),
    ("sagemaker", "createTrainingJob", "S"),
    ("sagemaker", "createTransformJob", "S"),
    ("sagemaker", "createProcessingJob", "S"),
    ("sagemaker", "createHyperParameterTuningJob", "S"),
    ("sagemaker", "createLabelingJob", "S"),
    ("sagemaker", "createModel", ""),
    ("sagemaker", "createEndpointConfig", ""),
    ("sagemaker", "createEndpoint", ""),
    ("sagemaker", "updateEndpoint", ""),
    ("bedrock", "invokeModel", ""),
    ("bedrock", "createModelCustomizationJob", "ST"),
    ("http", "invoke", ""),
];

/// Request fields an optimized integration cannot do without.
const REQUIRED_PARAMETERS: &[(&str, &str, &[&str])] = &[
    ("lambda", "invoke", &["FunctionName"]),
    ("sqs", "sendMessage", &["QueueUrl", "MessageBody"]),
    ("sns", "publish", &["Message"]),
    ("dynamodb", "getItem", &["TableName", "Key"]),
    ("dynamodb", "putItem", &["TableName", "Item"]),
    ("dynamodb", "deleteItem", &["TableName", "Key"]),
    ("dynamodb", "updateItem", &["TableName", "Key"]),
    ("states", "startExecution", &["StateMachineArn"]),
    ("events", "putEvents", &["Entries"]),
    ("ecs", "runTask", &["TaskDefinition"]),
    ("glue", "startJobRun", &["JobName"]),
];

const MAX_SECONDS: i64 = 99_999_999;
/// How deep branches and processors may nest before the validator stops following them.
const MAX_SCOPE_DEPTH: usize = 64;
/// How deep JSON values (payload templates, Choice rules) are followed.
const MAX_VALUE_DEPTH: usize = 128;

// ---------------------------------------------------------------------------------------------
// Helpers

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    JsonPath,
    Jsonata,
}

impl Lang {
    fn name(self) -> &'static str {
        match self {
            Lang::JsonPath => "JSONPath",
            Lang::Jsonata => "JSONata",
        }
    }
    /// The language a `QueryLanguage` value selects: JSONPath only for the exact string.
    fn of_field(value: Option<&Value>, inherited: Lang) -> Lang {
        match value {
            None => inherited,
            Some(Value::String(s)) if s == "JSONPath" => Lang::JsonPath,
            Some(_) => Lang::Jsonata,
        }
    }
}

fn at(base: &str, field: &str) -> String {
    format!("{base}/{field}")
}

fn indexed(base: &str, i: usize) -> String {
    format!("{base}[{i}]")
}

fn object_location(base: &str) -> String {
    if base.is_empty() {
        "/".into()
    } else {
        base.into()
    }
}

/// The order in which a `java.util.HashSet` of these strings iterates, which is the order AWS
/// lists field names in its messages.
pub fn java_hash_order(names: &[&str]) -> Vec<String> {
    let mut capacity = 16usize;
    while names.len() as f64 > capacity as f64 * 0.75 {
        capacity *= 2;
    }
    let bucket = |s: &str| {
        let mut h: u32 = 0;
        for unit in s.encode_utf16() {
            h = h.wrapping_mul(31).wrapping_add(unit as u32);
        }
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut indexed: Vec<(usize, usize, &str)> = names.iter().enumerate().map(|(i, n)| (bucket(n), i, *n)).collect();
    indexed.sort();
    indexed.into_iter().map(|(_, _, n)| n.to_string()).collect()
}

fn field_list(names: &[&str]) -> String {
    format!("[{}]", java_hash_order(names).join(", "))
}

fn is_jsonata_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

fn is_integer(v: &Value) -> bool {
    v.is_i64() || v.is_u64()
}

/// A path as JSONPath fields take it: `$...`, a context path `$$...`, or a variable `$name...`.
fn path_is_valid(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('$') else {
        return false;
    };
    let is_var_start = rest.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if is_var_start {
        let tail: String = rest.chars().skip_while(|c| c.is_alphanumeric() || *c == '_').collect();
        return JsonPath::parse(&format!("${tail}")).is_ok();
    }
    JsonPath::parse(text).is_ok()
}

/// The value of a `.$` field, or of `ErrorPath` / `CausePath`: a path or an intrinsic call.
fn path_or_intrinsic_is_valid(text: &str) -> bool {
    if intrinsics::looks_like_intrinsic(text) {
        return Intrinsic::parse(text).is_ok();
    }
    path_is_valid(text)
}

/// Why a `ResultPath`-like value is not a reference path, or `None` when it is one.
fn reference_path_problem(text: &str) -> Option<String> {
    if !text.starts_with('$') {
        return Some("Value is not a Reference Path: Reference path didn't start with '$'".into());
    }
    if text.starts_with("$$") {
        return Some("Value is not a Reference Path".into());
    }
    match JsonPath::parse(text) {
        Ok(p) if p.is_reference() => None,
        _ => Some("Value is not a Reference Path".into()),
    }
}

/// RFC 3339 as AWS wants it: upper-case `T`, and `Z` or a numeric offset.
pub fn is_aws_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return false;
    }
    if b[10] != b'T' || !digits(11..13) || b[13] != b':' || !digits(14..16) || b[16] != b':' || !digits(17..19) {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let zone = &s[i..];
    let zone_ok = zone == "Z"
        || (zone.len() == 6
            && matches!(zone.as_bytes()[0], b'+' | b'-')
            && zone.as_bytes()[3] == b':'
            && zone.bytes().enumerate().all(|(k, c)| k == 0 || k == 3 || c.is_ascii_digit()));
    zone_ok && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// Python's `repr` of a string, as the Label validator's message shows it.
fn python_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `unicode-escape` of one character.
fn python_unicode_escape(c: char) -> String {
    match c {
        '\\' => "\\\\".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        c if (c as u32) < 0x20 || (0x7f..0x100).contains(&(c as u32)) => {
            format!("\\x{:02x}", c as u32)
        }
        c => c.to_string(),
    }
}

/// What is wrong with a Map `Label`, in the words of AWS's label check.
fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("Label cannot be empty".into());
    }
    if label.chars().count() > 40 {
        return Some("Label cannot exceed 40 characters".into());
    }
    let forbidden =
        " ?*<>{}[]:;,\\|^~$#%&`\"".chars().chain((0x00u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32));
    for c in forbidden {
        if label.contains(c) {
            return Some(format!("Label contains invalid character: '{}'", python_unicode_escape(c)));
        }
    }
    None
}

/// A Task `Resource`, as far as validation cares.
#[derive(Debug, PartialEq)]
enum ResourceKind {
    Activity,
    LambdaFunction,
    /// `arn:aws:states:::service:api[.pattern]`, with the pattern suffix (`""`, `.sync`, `.sync:2`,
    /// `.waitForTaskToken`).
    Integration {
        service: String,
        api: String,
        pattern: String,
    },
    Unrecognized,
}

fn classify_resource(resource: &str) -> ResourceKind {
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() < 6 || parts[0] != "arn" || !parts[1].starts_with("aws") {
        return ResourceKind::Unrecognized;
    }
    let (service, region, account) = (parts[2], parts[3], parts[4]);
    match service {
        "lambda"
            if !region.is_empty()
                && !account.is_empty()
                && parts[5] == "function"
                && (7..=8).contains(&parts.len())
                && !parts[6].is_empty() =>
        {
            ResourceKind::LambdaFunction
        }
        "states"
            if !region.is_empty()
                && !account.is_empty()
                && parts[5] == "activity"
                && parts.len() == 7
                && !parts[6].is_empty() =>
        {
            ResourceKind::Activity
        }
        "states" if region.is_empty() && account.is_empty() => classify_integration(&parts[5..].join(":")),
        _ => ResourceKind::Unrecognized,
    }
}

fn classify_integration(rest: &str) -> ResourceKind {
    let (base, pattern) = [".sync:2", ".sync", ".waitForTaskToken"]
        .iter()
        .find_map(|p| rest.strip_suffix(p).map(|b| (b, *p)))
        .unwrap_or((rest, ""));
    if let Some(sdk) = base.strip_prefix("aws-sdk:") {
        let mut it = sdk.splitn(2, ':');
        let (svc, api) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
        let svc_ok = !svc.is_empty() && svc.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let api_ok = api.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && api.chars().all(|c| c.is_ascii_alphanumeric());
        if svc_ok && api_ok && (pattern.is_empty() || pattern == ".waitForTaskToken") {
            return ResourceKind::Integration {
                service: format!("aws-sdk:{svc}"),
                api: api.into(),
                pattern: pattern.into(),
            };
        }
        return ResourceKind::Unrecognized;
    }
    let Some((service, api)) = base.split_once(':') else {
        return ResourceKind::Unrecognized;
    };
    if !INTEGRATIONS.iter().any(|(s, _, _)| *s == service) {
        // A service this table does not know: accept it rather than refuse a valid definition.
        return ResourceKind::Integration { service: service.into(), api: api.into(), pattern: pattern.into() };
    }
    let Some((_, _, patterns)) = INTEGRATIONS.iter().find(|(s, a, _)| *s == service && *a == api) else {
        return ResourceKind::Unrecognized;
    };
    let supported = match pattern {
        "" => true,
        ".sync" => patterns.contains('S'),
        ".sync:2" => patterns.contains('2'),
        _ => patterns.contains('T'),
    };
    if !supported {
        return ResourceKind::Unrecognized;
    }
    ResourceKind::Integration { service: service.into(), api: api.into(), pattern: pattern.into() }
}

fn s3_resource_is(resource: &str, apis: &[&str]) -> bool {
    let parts: Vec<&str> = resource.split(':').collect();
    parts.len() == 7
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "states"
        && parts[3].is_empty()
        && parts[4].is_empty()
        && parts[5] == "s3"
        && apis.contains(&parts[6])
}

fn type_name(expected: &str) -> String {
    format!("Expected value of type [{expected}]")
}

// ---------------------------------------------------------------------------------------------
// The validator

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Root,
    Branch,
    ItemProcessor,
    Iterator,
}

struct Validator {
    machine_type: MachineType,
    machine_lang: Lang,
    schema: Vec<Diagnostic>,
    graph: Vec<Diagnostic>,
    names: Vec<Diagnostic>,
    labels: Vec<Diagnostic>,
    seen_state_names: HashSet<String>,
    too_deep: bool,
}

impl Validator {
    fn new(machine_type: MachineType) -> Self {
        Validator {
            machine_type,
            machine_lang: Lang::JsonPath,
            schema: Vec::new(),
            graph: Vec::new(),
            names: Vec::new(),
            labels: Vec::new(),
            seen_state_names: HashSet::new(),
            too_deep: false,
        }
    }

    fn finish(self) -> Vec<Diagnostic> {
        let mut all = self.schema;
        all.extend(self.graph);
        all.extend(self.names);
        all.extend(self.labels);
        all.sort_by_key(|d| d.severity != Severity::Error);
        all
    }

    fn error(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.schema.push(Diagnostic {
            severity: Severity::Error,
            code: code::SCHEMA_VALIDATION_FAILED.into(),
            message: message.into(),
            location: location.into(),
        });
    }

    fn run(&mut self, definition: &Value) {
        match definition {
            Value::Object(root) => {
                self.machine_lang = Lang::of_field(root.get("QueryLanguage"), Lang::JsonPath);
                self.scope(root, "", ScopeKind::Root, 0);
                self.graph_scope(root, "", true, 0);
            }
            _ => self.schema.push(not_an_object()),
        }
    }

    // ----- machine, branch, item processor -----

    fn scope(&mut self, obj: &Map<String, Value>, base: &str, kind: ScopeKind, depth: usize) {
        if depth > MAX_SCOPE_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.schema.push(Diagnostic {
                    severity: Severity::Error,
                    code: code::TOO_DEEPLY_NESTED.into(),
                    message: "The states are too deeply nested.".into(),
                    location: object_location(base),
                });
            }
            return;
        }
        let here = object_location(base);
        let allowed: &[&str] = match kind {
            ScopeKind::Root => &["Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"],
            ScopeKind::Branch => &["Comment", "StartAt", "States"],
            ScopeKind::ItemProcessor | ScopeKind::Iterator => &["Comment", "StartAt", "States", "ProcessorConfig"],
        };
        let missing: Vec<&str> = ["StartAt", "States"].into_iter().filter(|f| !obj.contains_key(*f)).collect();
        if !missing.is_empty() {
            self.error(&here, format!("These fields are required: {}", field_list(&missing)));
        }
        for field in obj.keys() {
            if !allowed.contains(&field.as_str()) {
                self.error(&here, format!("Field '{field}' is not supported"));
            }
        }
        for (field, value) in obj {
            if !allowed.contains(&field.as_str()) {
                continue;
            }
            let loc = at(base, field);
            match field.as_str() {
                "StartAt" | "Comment" => self.expect_string(value, &loc),
                "States" => match value {
                    Value::Object(states) => {
                        if states.is_empty() {
                            self.error(&loc, "Value cannot be empty");
                        }
                        for (name, state) in states {
                            self.state(name, state, &at(&loc, name), depth);
                        }
                    }
                    _ => self.error(&loc, type_name("OBJECT")),
                },
                "Version" => match value {
                    Value::String(s) if s == "1.0" => {}
                    Value::String(_) => self.error(&loc, "Value should be one of the following: [1.0]"),
                    _ => self.error(&loc, type_name("STRING")),
                },
                "TimeoutSeconds" => self.integer_in(value, &loc, 0, MAX_SECONDS, false),
                "QueryLanguage" => self.query_language_value(value, &loc),
                "ProcessorConfig" => self.processor_config(value, &loc),
                _ => {}
            }
        }
    }

    fn query_language_value(&mut self, value: &Value, loc: &str) {
        match value {
            Value::String(s) if s == "JSONPath" || s == "JSONata" => {}
            Value::String(_) => self.error(loc, "Value should be one of the following: [JSONPath, JSONata]"),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    fn processor_config(&mut self, value: &Value, loc: &str) {
        let Value::Object(cfg) = value else {
            return self.error(loc, type_name("OBJECT"));
        };
        for field in cfg.keys() {
            if field != "Mode" && field != "ExecutionType" {
                self.error(loc, format!("Field '{field}' is not supported"));
            }
        }
        let distributed = cfg.get("Mode").and_then(Value::as_str) == Some("DISTRIBUTED");
        if distributed && !cfg.contains_key("ExecutionType") {
            self.error(loc, "These fields are required: [ExecutionType]");
        }
        if !distributed && cfg.contains_key("ExecutionType") {
            self.error(loc, "Field 'ExecutionType' is not supported");
        }
        for (field, v) in cfg {
            let floc = at(loc, field);
            match field.as_str() {
                "Mode" => match v {
                    Value::String(s) if s == "INLINE" => {}
                    Value::String(s) if s == "DISTRIBUTED" => {
                        if self.machine_type == MachineType::Express {
                            self.error(&floc, "The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines");
                        }
                    }
                    Value::String(_) => {
                        self.error(&floc, "Value should be one of the following: [INLINE, DISTRIBUTED]")
                    }
                    _ => self.error(&floc, type_name("STRING")),
                },
                "ExecutionType" => self.enum_value(v, &floc, &["STANDARD", "EXPRESS"]),
                _ => {}
            }
        }
    }

    // ----- states -----

    fn state(&mut self, name: &str, value: &Value, loc: &str, depth: usize) {
        if !self.seen_state_names.insert(name.to_string()) {
            self.names.push(Diagnostic {
                severity: Severity::Error,
                code: code::DUPLICATE_STATE_NAME.into(),
                message: format!("Duplicate State name: {name}"),
                location: loc.into(),
            });
        }
        if name.chars().count() > 80 {
            self.names.push(Diagnostic {
                severity: Severity::Error,
                code: code::INVALID_STATE_NAME.into(),
                message: format!("State name '{name}' exceeds the 80-character limit allowed by the service"),
                location: loc.into(),
            });
        }
        let Value::Object(st) = value else {
            return self.error(loc, type_name("OBJECT"));
        };
        let state_type = match st.get("Type") {
            None => return self.error(loc, "These fields are required: [Type]"),
            Some(Value::String(t)) if !allowed_fields(t).is_empty() => t.as_str(),
            Some(_) => return self.error(at(loc, "Type"), STATE_TYPES_MESSAGE),
        };
        let lang = Lang::of_field(st.get("QueryLanguage"), self.machine_lang);
        let downgrade =
            self.machine_lang == Lang::Jsonata && st.get("QueryLanguage").and_then(Value::as_str) == Some("JSONPath");
        let allowed = allowed_fields(state_type);

        // The state's own problems first.
        let required: &[&str] = match state_type {
            "Task" => &["Resource"],
            "Choice" => &["Choices"],
            "Parallel" => &["Branches"],
            _ => &[],
        };
        let missing: Vec<&str> = required.iter().copied().filter(|f| !st.contains_key(*f)).collect();
        if !missing.is_empty() {
            self.error(loc, format!("These fields are required: {}", field_list(&missing)));
        }
        if downgrade {
            self.error(loc, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
        }
        for field in st.keys() {
            let f = field.as_str();
            if COMMON_FIELDS.contains(&f) {
                continue;
            }
            if !allowed.contains(&f) {
                self.error(loc, format!("Field '{f}' is not supported"));
            } else if !downgrade {
                self.language_field(loc, f, lang);
            }
        }
        if matches!(state_type, "Pass" | "Task" | "Wait" | "Parallel" | "Map") {
            self.exactly_one(st, loc, &["Next", "End"]);
        }
        match state_type {
            "Wait" => self.exactly_one(st, loc, &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]),
            "Map" => self.exactly_one(st, loc, &["ItemProcessor", "Iterator"]),
            _ => {}
        }
        for (a, b) in [
            ("TimeoutSeconds", "TimeoutSecondsPath"),
            ("HeartbeatSeconds", "HeartbeatSecondsPath"),
            ("MaxConcurrency", "MaxConcurrencyPath"),
            ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
            ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            ("Error", "ErrorPath"),
            ("Cause", "CausePath"),
            ("ItemSelector", "Parameters"),
        ] {
            if st.contains_key(a) && st.contains_key(b) && allowed.contains(&a) && allowed.contains(&b) {
                self.error(
                    at(loc, a),
                    format!("There should only be one of the following fields: {}", field_list(&[a, b])),
                );
            }
        }
        if state_type == "Task" {
            self.task_parameters(st, loc, lang);
        }

        // Then each field, in document order.
        for (field, v) in st {
            let f = field.as_str();
            if !COMMON_FIELDS.contains(&f) && !allowed.contains(&f) {
                continue;
            }
            let floc = at(loc, f);
            match f {
                "Comment" | "Next" | "Default" | "Label" | "Error" | "Cause" => self.expect_string(v, &floc),
                "QueryLanguage" => self.query_language_value(v, &floc),
                "End" if !v.is_boolean() => self.error(&floc, type_name("BOOLEAN")),
                "InputPath" | "OutputPath" => self.path_field(v, &floc, true),
                "ResultPath" => self.result_path(v, &floc),
                "TimeoutSecondsPath"
                | "HeartbeatSecondsPath"
                | "SecondsPath"
                | "TimestampPath"
                | "MaxConcurrencyPath"
                | "ToleratedFailurePercentagePath"
                | "ToleratedFailureCountPath" => self.definite_path_field(v, &floc),
                "ItemsPath" => self.path_field(v, &floc, false),
                "ErrorPath" | "CausePath" => match v {
                    Value::String(s) if path_or_intrinsic_is_valid(s) => {}
                    Value::String(_) => self.error(
                        &floc,
                        format!(
                            "The value for the field '{f}' must be a valid JSONPath or a valid intrinsic function call"
                        ),
                    ),
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Parameters" | "ResultSelector" | "ItemSelector" => {
                    if f != "Parameters" && !v.is_object() && !(lang == Lang::Jsonata && v.is_string()) {
                        self.error(&floc, type_name("OBJECT"));
                    } else {
                        self.template(v, &floc, 0);
                    }
                }
                "Arguments" => {
                    if let Value::String(s) = v {
                        if !is_jsonata_expression(s) {
                            self.error(&floc, type_name("OBJECT"));
                        }
                    }
                }
                "Assign" => self.assign(v, &floc, lang),
                "Resource" => self.resource(v, &floc),
                "Credentials" => self.credentials(v, &floc),
                "Retry" => self.retriers(v, &floc),
                "Catch" => self.catchers(v, &floc, lang),
                "TimeoutSeconds" | "HeartbeatSeconds" => {
                    self.integer_in(v, &floc, 1, MAX_SECONDS, lang == Lang::Jsonata)
                }
                "Seconds" => self.integer_in(v, &floc, 0, MAX_SECONDS, lang == Lang::Jsonata),
                "Timestamp" => match v {
                    Value::String(s) if is_aws_timestamp(s) => {}
                    Value::String(s) if lang == Lang::Jsonata && is_jsonata_expression(s) => {}
                    Value::String(_) => self.error(&floc, "String does not match RFC3339 timestamp"),
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Choices" => self.choices(v, &floc, lang),
                "Branches" => match v {
                    Value::Array(branches) => {
                        if branches.is_empty() {
                            self.error(&floc, "Value cannot be empty");
                        }
                        for (i, b) in branches.iter().enumerate() {
                            let bloc = indexed(&floc, i);
                            match b {
                                Value::Object(o) => self.scope(o, &bloc, ScopeKind::Branch, depth + 1),
                                _ => self.error(&bloc, type_name("OBJECT")),
                            }
                        }
                    }
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "ItemProcessor" | "Iterator" => match v {
                    Value::Object(o) => {
                        let kind = if f == "Iterator" { ScopeKind::Iterator } else { ScopeKind::ItemProcessor };
                        self.scope(o, &floc, kind, depth + 1)
                    }
                    _ => self.error(&floc, type_name("OBJECT")),
                },
                "Items" => match v {
                    Value::Array(_) => {}
                    Value::String(s) if is_jsonata_expression(s) => {}
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "MaxConcurrency" | "ToleratedFailureCount" => {
                    self.integer_in(v, &floc, 0, i64::MAX, lang == Lang::Jsonata)
                }
                "ToleratedFailurePercentage" => self.number_in(v, &floc, 0.0, 100.0, lang == Lang::Jsonata),
                "ItemReader" => self.item_reader(v, &floc, lang),
                "ItemBatcher" => self.item_batcher(v, &floc, lang),
                "ResultWriter" => self.result_writer(v, &floc, lang),
                // `Type` was checked above; `Result` and `Output` take any value.
                _ => {}
            }
            if f == "Label" {
                if let Value::String(label) = v {
                    if let Some(problem) = label_problem(label) {
                        self.labels.push(Diagnostic {
                            severity: Severity::Error,
                            code: code::INVALID_LABEL_NAME.into(),
                            message: problem,
                            location: floc.clone(),
                        });
                    }
                }
            }
        }
    }

    /// A field of the other query language, reported at the state.
    fn language_field(&mut self, loc: &str, field: &str, lang: Lang) {
        let wrong = match lang {
            Lang::JsonPath => JSONATA_ONLY.contains(&field),
            Lang::Jsonata => JSONPATH_ONLY.contains(&field),
        };
        if wrong {
            let other = if lang == Lang::JsonPath { Lang::Jsonata } else { Lang::JsonPath };
            self.error(
                loc,
                format!(
                    "The QueryLanguage is set to '{}', but field '{field}' is only supported for the '{}' QueryLanguage",
                    lang.name(),
                    other.name()
                ),
            );
        }
    }

    fn exactly_one(&mut self, obj: &Map<String, Value>, loc: &str, group: &[&str]) {
        let present = group.iter().filter(|f| obj.contains_key(**f)).count();
        if present > 1 {
            self.error(loc, format!("There should only be one of the following fields: {}", field_list(group)));
        } else if present == 0 {
            self.error(loc, format!("This object should have only one of the following fields: {}", field_list(group)));
        }
    }

    // ----- field values -----

    fn expect_string(&mut self, v: &Value, loc: &str) {
        if !v.is_string() {
            self.error(loc, type_name("STRING"));
        }
    }

    fn enum_value(&mut self, v: &Value, loc: &str, values: &[&str]) {
        match v {
            Value::String(s) if values.contains(&s.as_str()) => {}
            Value::String(_) => {
                self.error(loc, format!("Value should be one of the following: [{}]", values.join(", ")))
            }
            _ => self.error(loc, type_name("STRING")),
        }
    }

    fn integer_in(&mut self, v: &Value, loc: &str, min: i64, max: i64, jsonata: bool) {
        match v {
            Value::String(s) if jsonata && is_jsonata_expression(s) => {}
            Value::Number(n) if is_integer(v) => {
                if n.as_i64().is_some_and(|x| x < min) {
                    self.error(loc, format!("Minimum value is {min}"));
                } else if n.as_i64().map_or(n.as_u64().is_some_and(|x| x > max as u64), |x| x > max) {
                    self.error(loc, format!("Maximum value is {max}"));
                }
            }
            _ => self.error(loc, type_name("INTEGER")),
        }
    }

    fn number_in(&mut self, v: &Value, loc: &str, min: f64, max: f64, jsonata: bool) {
        match v {
            Value::String(s) if jsonata && is_jsonata_expression(s) => {}
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(0.0);
                if x < min {
                    self.error(loc, format!("Minimum value is {}", min as i64));
                } else if x > max {
                    self.error(loc, format!("Maximum value is {}", max as i64));
                }
            }
            _ => self.error(loc, type_name("NUMBER")),
        }
    }

    fn path_field(&mut self, v: &Value, loc: &str, nullable: bool) {
        match v {
            Value::Null if nullable => {}
            Value::String(s) if path_is_valid(s) => {}
            Value::String(_) => self.error(loc, "Value must be a valid JSONPath."),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    /// A path that must select a single value (`TimeoutSecondsPath` and the like).
    fn definite_path_field(&mut self, v: &Value, loc: &str) {
        match v {
            Value::String(s) if path_is_valid(s) => {
                let is_variable = s[1..].chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
                if !is_variable && !JsonPath::parse(s).is_ok_and(|p| p.is_definite()) {
                    self.error(loc, "Value must be a valid JSONPath.");
                }
            }
            Value::String(_) => self.error(loc, "Value must be a valid JSONPath."),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    fn result_path(&mut self, v: &Value, loc: &str) {
        match v {
            Value::Null => {}
            Value::String(s) => {
                if let Some(problem) = reference_path_problem(s) {
                    self.error(loc, problem);
                }
            }
            _ => self.error(loc, type_name("STRING")),
        }
    }

    /// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`): every `.$` field
    /// holds a path or an intrinsic call. Reported at the object holding the field.
    fn template(&mut self, v: &Value, loc: &str, depth: usize) {
        if depth > MAX_VALUE_DEPTH {
            return;
        }
        match v {
            Value::Object(o) => {
                for (k, val) in o {
                    if k.ends_with(".$") {
                        let ok = matches!(val, Value::String(s) if path_or_intrinsic_is_valid(s));
                        if !ok {
                            self.error(
                                loc,
                                format!("The value for the field '{k}' must be a valid JSONPath or a valid intrinsic function call"),
                            );
                        }
                    } else if val.is_object() || val.is_array() {
                        self.template(val, &at(loc, k), depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.is_object() || item.is_array() {
                        self.template(item, &indexed(loc, i), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    fn assign(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(vars) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        for (key, val) in vars {
            let (name, is_path) = match key.strip_suffix(".$") {
                Some(n) if lang == Lang::JsonPath => (n, true),
                _ => (key.as_str(), false),
            };
            if name == "states" {
                self.names.push(Diagnostic {
                    severity: Severity::Error,
                    code: code::RESERVED_VARIABLE_NAME.into(),
                    message: "Cannot assign to reserved variable '$states'.".into(),
                    location: loc.into(),
                });
            } else if !variable_name_is_valid(name) {
                self.names.push(Diagnostic {
                    severity: Severity::Error,
                    code: code::INVALID_VARIABLE_NAME.into(),
                    message: format!("Invalid variable name '{name}': the variable name contains invalid characters."),
                    location: loc.into(),
                });
            }
            if is_path {
                if !matches!(val, Value::String(s) if path_or_intrinsic_is_valid(s)) {
                    self.error(
                        loc,
                        format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"),
                    );
                }
            } else if lang == Lang::JsonPath && (val.is_object() || val.is_array()) {
                self.template(val, &at(loc, key), 1);
            }
        }
    }

    fn resource(&mut self, v: &Value, loc: &str) {
        let Value::String(resource) = v else {
            return self.error(loc, type_name("STRING"));
        };
        let kind = classify_resource(resource);
        if kind == ResourceKind::Unrecognized {
            if resource.starts_with("arn:") {
                self.error(
                    loc,
                    format!(
                        "The resource provided {resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region."
                    ),
                );
            } else {
                self.error(loc, "Value is not a valid resource ARN");
            }
            return;
        }
        if self.machine_type == MachineType::Express {
            match &kind {
                ResourceKind::Activity => self.error(loc, "Express state machine does not support Activity ARN"),
                ResourceKind::Integration { pattern, .. } if pattern.starts_with(".sync") => {
                    self.error(loc, "Express state machine does not support '.sync' service integration")
                }
                ResourceKind::Integration { pattern, .. } if pattern == ".waitForTaskToken" => {
                    self.error(loc, "Express state machine does not support '.waitForTaskToken' service integration ")
                }
                _ => {}
            }
        }
    }

    /// The request fields an optimized integration needs (a `.$` variant counts).
    fn task_parameters(&mut self, st: &Map<String, Value>, loc: &str, lang: Lang) {
        let Some(Value::String(resource)) = st.get("Resource") else {
            return;
        };
        let ResourceKind::Integration { service, api, .. } = classify_resource(resource) else {
            return;
        };
        let Some((_, _, required)) = REQUIRED_PARAMETERS.iter().find(|(s, a, _)| *s == service && *a == api) else {
            return;
        };
        let field = if lang == Lang::Jsonata { "Arguments" } else { "Parameters" };
        match st.get(field) {
            None => self.error(loc, format!("{field} field is required for resource ARN: {resource}")),
            Some(Value::Object(params)) => {
                for name in required.iter() {
                    if !params.contains_key(*name) && !params.contains_key(&format!("{name}.$")) {
                        self.error(at(loc, field), format!("The field '{name}' is required but was missing"));
                    }
                }
            }
            Some(_) => {}
        }
    }

    fn credentials(&mut self, v: &Value, loc: &str) {
        let Value::Object(c) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        if !c.contains_key("RoleArn") && !c.contains_key("RoleArn.$") {
            self.error(loc, "The field 'RoleArn' is required but was missing");
        }
        for (k, val) in c {
            match k.as_str() {
                "RoleArn" => self.expect_string(val, &at(loc, k)),
                "RoleArn.$" => {
                    if !matches!(val, Value::String(s) if path_or_intrinsic_is_valid(s)) {
                        self.error(
                            loc,
                            "The value for the field 'RoleArn.$' must be a valid JSONPath or a valid intrinsic function call",
                        );
                    }
                }
                _ => self.error(loc, format!("Field '{k}' is not supported")),
            }
        }
    }

    fn error_equals(&mut self, v: &Value, loc: &str, is_last: bool) {
        let Value::Array(names) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        if names.is_empty() {
            return self.error(loc, "Value cannot be empty");
        }
        let has_all = names.iter().any(|n| n.as_str() == Some("States.ALL"));
        if has_all && (names.len() > 1 || !is_last) {
            self.error(loc, "States.ALL must appear alone and at end of list");
        }
        for (i, n) in names.iter().enumerate() {
            if !n.is_string() {
                self.error(indexed(loc, i), type_name("STRING"));
            }
        }
    }

    fn retriers(&mut self, v: &Value, loc: &str) {
        let Value::Array(list) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        const FIELDS: &[&str] = &[
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment",
        ];
        for (i, r) in list.iter().enumerate() {
            let rloc = indexed(loc, i);
            let Value::Object(r) = r else {
                self.error(&rloc, type_name("OBJECT"));
                continue;
            };
            if !r.contains_key("ErrorEquals") {
                self.error(&rloc, "These fields are required: [ErrorEquals]");
            }
            self.unsupported_fields(r, &rloc, FIELDS);
            for (k, val) in r {
                let floc = at(&rloc, k);
                match k.as_str() {
                    "ErrorEquals" => self.error_equals(val, &floc, i + 1 == list.len()),
                    "IntervalSeconds" | "MaxAttempts" => self.integer_in(val, &floc, 0, MAX_SECONDS, false),
                    "MaxDelaySeconds" => self.integer_in(val, &floc, 1, 31_622_400, false),
                    "BackoffRate" => match val {
                        Value::Number(n) if n.as_f64().unwrap_or(0.0) < 1.0 => {
                            self.error(&floc, "Minimum value is 1.0")
                        }
                        Value::Number(_) => {}
                        _ => self.error(&floc, type_name("NUMBER")),
                    },
                    "JitterStrategy" => match val {
                        Value::String(s) if s == "FULL" || s == "NONE" => {}
                        Value::String(_) => self.error(
                            &floc,
                            format!("Value should be one of the following: {}", field_list(&["FULL", "NONE"])),
                        ),
                        _ => self.error(&floc, type_name("STRING")),
                    },
                    "Comment" => self.expect_string(val, &floc),
                    _ => {}
                }
            }
        }
    }

    fn catchers(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Array(list) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        const FIELDS: &[&str] = &["ErrorEquals", "Next", "ResultPath", "Comment", "Output", "Assign"];
        for (i, c) in list.iter().enumerate() {
            let cloc = indexed(loc, i);
            let Value::Object(c) = c else {
                self.error(&cloc, type_name("OBJECT"));
                continue;
            };
            let missing: Vec<&str> = ["ErrorEquals", "Next"].into_iter().filter(|f| !c.contains_key(*f)).collect();
            if !missing.is_empty() {
                self.error(&cloc, format!("These fields are required: {}", field_list(&missing)));
            }
            for k in c.keys() {
                if !FIELDS.contains(&k.as_str()) {
                    self.error(&cloc, format!("Field '{k}' is not supported"));
                } else {
                    self.language_field(&cloc, k, lang);
                }
            }
            for (k, val) in c {
                let floc = at(&cloc, k);
                match k.as_str() {
                    "ErrorEquals" => self.error_equals(val, &floc, i + 1 == list.len()),
                    "Next" | "Comment" => self.expect_string(val, &floc),
                    "ResultPath" => self.result_path(val, &floc),
                    "Assign" => self.assign(val, &floc, lang),
                    _ => {}
                }
            }
        }
    }

    // ----- Choice -----

    fn choices(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Array(rules) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        if rules.is_empty() {
            self.error(loc, "Value cannot be empty");
        }
        for (i, rule) in rules.iter().enumerate() {
            self.choice_rule(rule, &indexed(loc, i), true, lang, 0);
        }
    }

    fn choice_rule(&mut self, v: &Value, loc: &str, top: bool, lang: Lang, depth: usize) {
        if depth > MAX_VALUE_DEPTH {
            return;
        }
        let Value::Object(rule) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        if lang == Lang::Jsonata {
            let mut missing = vec!["Condition"];
            if top {
                missing.push("Next");
            }
            missing.retain(|f| !rule.contains_key(*f));
            if !missing.is_empty() {
                self.error(loc, format!("These fields are required: {}", field_list(&missing)));
            }
            for k in rule.keys() {
                let k = k.as_str();
                if matches!(k, "Condition" | "Next" | "Comment" | "Assign" | "Output") {
                    continue;
                }
                if k == "Variable" || k == "And" || k == "Or" || k == "Not" || COMPARISON_OPERATORS.contains(&k) {
                    self.error(
                        loc,
                        format!("The QueryLanguage is set to 'JSONata', but field '{k}' is only supported for the 'JSONPath' QueryLanguage"),
                    );
                } else {
                    self.error(loc, format!("Field '{k}' is not supported"));
                }
            }
            for (k, val) in rule {
                let floc = at(loc, k);
                match k.as_str() {
                    "Condition" => match val {
                        Value::Bool(_) => {}
                        Value::String(s) if is_jsonata_expression(s) => {}
                        _ => self.error(&floc, type_name("STRING")),
                    },
                    "Next" | "Comment" => self.expect_string(val, &floc),
                    "Assign" => self.assign(val, &floc, lang),
                    _ => {}
                }
            }
            return;
        }

        if top && !rule.contains_key("Next") {
            self.error(loc, "These fields are required: [Next]");
        }
        for k in rule.keys() {
            let k = k.as_str();
            let known = matches!(k, "Variable" | "And" | "Or" | "Not" | "Comment") || COMPARISON_OPERATORS.contains(&k);
            if known || (top && matches!(k, "Next" | "Assign")) {
                continue;
            }
            if k == "Condition" || (top && k == "Output") {
                self.language_field(loc, k, lang);
            } else {
                self.error(loc, format!("Field '{k}' is not supported"));
            }
        }
        let kinds = RULE_KINDS.iter().filter(|k| rule.contains_key(**k)).count();
        if kinds > 1 {
            self.error(loc, format!("There should only be one of the following fields: {}", field_list(RULE_KINDS)));
        } else if kinds == 0 {
            self.error(
                loc,
                format!("This object should have only one of the following fields: {}", field_list(RULE_KINDS)),
            );
        }
        let operators = COMPARISON_OPERATORS.iter().filter(|k| rule.contains_key(**k)).count();
        if rule.contains_key("Variable") && operators != 1 {
            let list = field_list(COMPARISON_OPERATORS);
            if operators > 1 {
                self.error(loc, format!("There should only be one of the following fields: {list}"));
            } else {
                self.error(loc, format!("This object should have only one of the following fields: {list}"));
            }
        }
        for (k, val) in rule {
            let floc = at(loc, k);
            let k = k.as_str();
            match k {
                "Variable" => self.rule_path(val, &floc),
                "And" | "Or" => match val {
                    Value::Array(subs) => {
                        if subs.is_empty() {
                            self.error(&floc, "Value cannot be empty");
                        }
                        for (i, sub) in subs.iter().enumerate() {
                            self.choice_rule(sub, &indexed(&floc, i), false, lang, depth + 1);
                        }
                    }
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "Not" => self.choice_rule(val, &floc, false, lang, depth + 1),
                "Next" | "Comment" if top || k == "Comment" => self.expect_string(val, &floc),
                "Assign" if top => self.assign(val, &floc, lang),
                _ if COMPARISON_OPERATORS.contains(&k) => self.comparison_value(k, val, &floc),
                _ => {}
            }
        }
    }

    fn rule_path(&mut self, v: &Value, loc: &str) {
        match v {
            Value::String(s) if !s.starts_with('$') => {
                self.error(loc, "Value is not a Reference Path: Reference path didn't start with '$'")
            }
            Value::String(s) if path_is_valid(s) => {}
            Value::String(_) => self.error(loc, "Value must be a valid JSONPath."),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    fn comparison_value(&mut self, op: &str, v: &Value, loc: &str) {
        if op.ends_with("Path") {
            return self.rule_path(v, loc);
        }
        if op.starts_with("Is") || op.starts_with("Boolean") {
            if !v.is_boolean() {
                self.error(loc, type_name("BOOLEAN"));
            }
        } else if op.starts_with("String") {
            self.expect_string(v, loc);
        } else if op.starts_with("Numeric") {
            if !v.is_number() {
                self.error(loc, type_name("NUMBER"));
            }
        } else if op.starts_with("Timestamp") {
            match v {
                Value::String(s) if is_aws_timestamp(s) => {}
                Value::String(_) => self.error(loc, "String does not match RFC3339 timestamp"),
                _ => self.error(loc, type_name("STRING")),
            }
        }
    }

    /// `Field 'X' is not supported` for each key of `obj` outside `allowed`.
    fn unsupported_fields(&mut self, obj: &Map<String, Value>, loc: &str, allowed: &[&str]) {
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                self.error(loc, format!("Field '{k}' is not supported"));
            }
        }
    }

    // ----- Map parts -----

    fn item_reader(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(r) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        if !r.contains_key("Resource") {
            self.error(loc, "These fields are required: [Resource]");
        }
        for k in r.keys() {
            if !matches!(k.as_str(), "Resource" | "ReaderConfig" | "Parameters" | "Arguments") {
                self.error(loc, format!("Field '{k}' is not supported"));
            } else {
                self.language_field(loc, k, lang);
            }
        }
        for (k, val) in r {
            let floc = at(loc, k);
            match k.as_str() {
                "Resource" => match val {
                    Value::String(s) if s3_resource_is(s, &["getObject", "listObjectsV2"]) => {}
                    Value::String(_) => {
                        self.error(&floc, "The field 'Resource' does not match any of the allowed values")
                    }
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Parameters" => self.template(val, &floc, 0),
                "ReaderConfig" => self.reader_config(val, &floc, lang),
                _ => {}
            }
        }
    }

    fn reader_config(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(c) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        const FIELDS: &[&str] = &[
            "InputType",
            "CSVHeaderLocation",
            "CSVHeaders",
            "CSVDelimiter",
            "MaxItems",
            "MaxItemsPath",
            "ManifestType",
        ];
        self.unsupported_fields(c, loc, FIELDS);
        let input_type = c.get("InputType").and_then(Value::as_str);
        if input_type == Some("CSV") && !c.contains_key("CSVHeaderLocation") {
            self.error(loc, "These fields are required: [CSVHeaderLocation]");
        }
        if c.get("CSVHeaderLocation").and_then(Value::as_str) == Some("GIVEN") && !c.contains_key("CSVHeaders") {
            self.error(loc, "These fields are required: [CSVHeaders]");
        }
        if c.contains_key("MaxItems") && c.contains_key("MaxItemsPath") {
            self.error(
                at(loc, "MaxItems"),
                format!(
                    "There should only be one of the following fields: {}",
                    field_list(&["MaxItems", "MaxItemsPath"])
                ),
            );
        }
        for (k, val) in c {
            let floc = at(loc, k);
            match k.as_str() {
                "InputType" => self.enum_value(val, &floc, &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]),
                "CSVHeaderLocation" => self.enum_value(val, &floc, &["FIRST_ROW", "GIVEN"]),
                "CSVDelimiter" => self.enum_value(val, &floc, &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]),
                "CSVHeaders" => match val {
                    Value::Array(h) if h.iter().all(Value::is_string) => {}
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "MaxItems" => self.integer_in(val, &floc, 0, i64::MAX, lang == Lang::Jsonata),
                "MaxItemsPath" => self.path_field(val, &floc, false),
                _ => {}
            }
        }
    }

    fn item_batcher(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(b) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        const FIELDS: &[&str] = &[
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            "BatchInput",
        ];
        self.unsupported_fields(b, loc, FIELDS);
        for (a, p) in
            [("MaxItemsPerBatch", "MaxItemsPerBatchPath"), ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")]
        {
            if b.contains_key(a) && b.contains_key(p) {
                self.error(
                    at(loc, a),
                    format!("There should only be one of the following fields: {}", field_list(&[a, p])),
                );
            }
        }
        for (k, val) in b {
            let floc = at(loc, k);
            match k.as_str() {
                "MaxItemsPerBatch" | "MaxInputBytesPerBatch" => {
                    self.integer_in(val, &floc, 0, i64::MAX, lang == Lang::Jsonata)
                }
                "MaxItemsPerBatchPath" | "MaxInputBytesPerBatchPath" => self.path_field(val, &floc, false),
                "BatchInput" => self.template(val, &floc, 0),
                _ => {}
            }
        }
    }

    fn result_writer(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(w) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        let payload = if lang == Lang::Jsonata { "Arguments" } else { "Parameters" };
        if !w.contains_key("Resource") && !w.contains_key("WriterConfig") {
            self.error(loc, "These fields are required: [Resource]");
        }
        if w.contains_key("Resource") && !w.contains_key(payload) {
            self.error(loc, format!("These fields are required: [{payload}]"));
        }
        for k in w.keys() {
            if !matches!(k.as_str(), "Resource" | "Parameters" | "Arguments" | "WriterConfig") {
                self.error(loc, format!("Field '{k}' is not supported"));
            } else if (k == "Parameters" && lang == Lang::Jsonata) || (k == "Arguments" && lang == Lang::JsonPath) {
                self.language_field(&at(loc, k), k, lang);
            }
        }
        for (k, val) in w {
            let floc = at(loc, k);
            match k.as_str() {
                "Resource" => match val {
                    Value::String(s) if s3_resource_is(s, &["putObject"]) => {}
                    Value::String(_) => {
                        self.error(&floc, "The field 'Resource' does not match any of the allowed values")
                    }
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Parameters" if lang == Lang::JsonPath => {
                    if let Value::Object(p) = val {
                        for (pk, pv) in p {
                            if (pk == "Bucket" || pk == "Prefix") && !pv.is_string() {
                                self.error(at(&floc, pk), type_name("STRING"));
                            }
                        }
                    }
                    self.template(val, &floc, 0);
                }
                "WriterConfig" => {
                    let Value::Object(c) = val else {
                        self.error(&floc, type_name("OBJECT"));
                        continue;
                    };
                    let missing: Vec<&str> =
                        ["Transformation", "OutputType"].into_iter().filter(|f| !c.contains_key(*f)).collect();
                    if !missing.is_empty() {
                        self.error(&floc, format!("These fields are required: {}", field_list(&missing)));
                    } else if !c.values().all(Value::is_string) {
                        self.error(&floc, type_name("STRING"));
                    } else {
                        for (ck, cv) in c {
                            match ck.as_str() {
                                "Transformation" => {
                                    self.enum_value(cv, &at(&floc, ck), &["NONE", "COMPACT", "FLATTEN"])
                                }
                                "OutputType" => self.enum_value(cv, &at(&floc, ck), &["JSON", "JSONL"]),
                                _ => self.error(&floc, format!("Field '{ck}' is not supported")),
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    // ----- the graph of transitions -----

    fn graph_scope(&mut self, scope: &Map<String, Value>, base: &str, top: bool, depth: usize) {
        if depth > MAX_SCOPE_DEPTH {
            return;
        }
        let Some(Value::Object(states)) = scope.get("States") else {
            return;
        };
        let loc_states = at(base, "States");
        let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
        if let Some(Value::String(start)) = scope.get("StartAt") {
            if !states.contains_key(start.as_str()) {
                self.missing_target(at(base, "StartAt"), start);
            }
        }
        for (name, st) in states {
            let Value::Object(st) = st else { continue };
            let sloc = at(&loc_states, name);
            let mut targets = Vec::new();
            for (field, v) in st {
                match (field.as_str(), v) {
                    ("Next", Value::String(t)) | ("Default", Value::String(t)) => {
                        targets.push((at(&sloc, field), t.as_str()))
                    }
                    ("Choices", Value::Array(rules)) => {
                        for (i, r) in rules.iter().enumerate() {
                            if let Some(Value::String(t)) = r.get("Next") {
                                targets.push((at(&indexed(&at(&sloc, "Choices"), i), "Next"), t.as_str()));
                            }
                        }
                    }
                    ("Catch", Value::Array(catchers)) => {
                        for (i, c) in catchers.iter().enumerate() {
                            if let Some(Value::String(t)) = c.get("Next") {
                                targets.push((at(&indexed(&at(&sloc, "Catch"), i), "Next"), t.as_str()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            for (loc, t) in &targets {
                if !states.contains_key(*t) {
                    self.missing_target(loc.clone(), t);
                }
            }
            edges.insert(name.as_str(), targets.into_iter().map(|(_, t)| t).collect());
        }
        let has_terminal = states.values().any(|s| {
            s.get("End") == Some(&Value::Bool(true))
                || matches!(s.get("Type").and_then(Value::as_str), Some("Succeed" | "Fail"))
        });
        let has_start = matches!(scope.get("StartAt"), Some(Value::String(_)));
        if top && !has_terminal {
            self.graph.push(Diagnostic {
                severity: Severity::Error,
                code: code::MISSING_END_STATE.into(),
                message: "Workflow has no terminal state".into(),
                location: String::new(),
            });
        } else if has_start {
            let mut reached: HashSet<&str> = HashSet::new();
            let mut queue = VecDeque::new();
            if let Some(Value::String(start)) = scope.get("StartAt") {
                if states.contains_key(start.as_str()) {
                    reached.insert(start.as_str());
                    queue.push_back(start.as_str());
                }
            }
            while let Some(s) = queue.pop_front() {
                for t in edges.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                    if states.contains_key(*t) && reached.insert(t) {
                        queue.push_back(t);
                    }
                }
            }
            for name in states.keys() {
                if !reached.contains(name.as_str()) {
                    self.graph.push(Diagnostic {
                        severity: Severity::Error,
                        code: code::MISSING_TRANSITION_TARGET.into(),
                        message: format!("State \"{name}\" is not reachable."),
                        location: at(&loc_states, name),
                    });
                }
            }
        }
        for (name, st) in states {
            let sloc = at(&loc_states, name);
            match st.get("Type").and_then(Value::as_str) {
                Some("Parallel") => {
                    if let Some(Value::Array(branches)) = st.get("Branches") {
                        for (i, b) in branches.iter().enumerate() {
                            if let Value::Object(b) = b {
                                self.graph_scope(b, &indexed(&at(&sloc, "Branches"), i), false, depth + 1);
                            }
                        }
                    }
                }
                Some("Map") => {
                    for key in ["ItemProcessor", "Iterator"] {
                        if let Some(Value::Object(p)) = st.get(key) {
                            self.graph_scope(p, &at(&sloc, key), false, depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn missing_target(&mut self, location: String, target: &str) {
        self.graph.push(Diagnostic {
            severity: Severity::Error,
            code: code::MISSING_TRANSITION_TARGET.into(),
            message: format!("Missing 'Next' target: {target}"),
            location,
        });
    }
}

fn variable_name_is_valid(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------------------------
// JSON text, read the way AWS's parser (Jackson) reads it, for its error messages.

mod json_text {
    /// A parse error: Jackson's message and its location text (`[Source: ...; line: 1, column: 4]`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct JsonError {
        pub message: String,
        pub location: String,
    }

    const VALUE_LIST: &str = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
    const MAX_SNIPPET: usize = 500;
    const MAX_TOKEN: usize = 256;

    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Object,
        Array,
    }

    struct Context {
        kind: Kind,
        line: usize,
        column: usize,
        expect_comma: bool,
    }

    struct Scanner {
        chars: Vec<char>,
        bytes: Vec<usize>,
        units: Vec<usize>,
        p: usize,
        row: usize,
        row_start: usize,
    }

    type Res<T> = Result<T, JsonError>;

    /// The byte offset just past the first JSON value of `text`, `None` for an empty text, or
    /// Jackson's error.
    pub fn first_value_end(text: &str) -> Res<Option<usize>> {
        let mut chars = Vec::new();
        let mut bytes = Vec::new();
        let mut units = Vec::new();
        let mut u = 0;
        for (b, c) in text.char_indices() {
            chars.push(c);
            bytes.push(b);
            units.push(u);
            u += c.len_utf16();
        }
        bytes.push(text.len());
        units.push(u);
        let mut s = Scanner { chars, bytes, units, p: 0, row: 1, row_start: 0 };
        s.parse()
    }

    /// The text with every `\uD800`-`\uDFFF` escape replaced by `\uFFFD`: Jackson takes a lone
    /// surrogate, serde_json does not.
    pub fn replace_surrogate_escapes(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '\\' && i + 5 < chars.len() && chars[i + 1] == 'u' {
                let hex: String = chars[i + 2..i + 6].iter().collect();
                if u32::from_str_radix(&hex, 16).is_ok_and(|u| (0xD800..=0xDFFF).contains(&u)) {
                    out.push_str("\\uFFFD");
                    i += 6;
                    continue;
                }
            }
            if chars[i] == '\\' && i + 1 < chars.len() {
                out.push(chars[i]);
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }

    fn is_java_identifier_start(c: char) -> bool {
        c.is_alphabetic() || c == '_' || c == '$'
    }

    fn is_java_identifier_part(c: char) -> bool {
        let u = c as u32;
        c.is_alphanumeric()
            || c == '_'
            || c == '$'
            || u <= 8
            || (0x0e..=0x1b).contains(&u)
            || (0x7f..=0x9f).contains(&u)
    }

    fn char_desc(c: char) -> String {
        let code = c as u32;
        if code < 0x20 || (0x7f..=0x9f).contains(&code) {
            return format!("(CTRL-CHAR, code {code})");
        }
        if code > 255 {
            return format!("'{c}' (code {code} / 0x{code:x})");
        }
        format!("'{c}' (code {code})")
    }

    impl Scanner {
        fn source(&self) -> String {
            let total = self.units[self.chars.len()];
            let mut out = String::from("(String)\"");
            for (i, &c) in self.chars.iter().enumerate() {
                if self.units[i] + c.len_utf16() > MAX_SNIPPET {
                    break;
                }
                let code = c as u32;
                if (code < 0x20 || (0x7f..=0x9f).contains(&code)) && c != '\r' && c != '\n' {
                    out.push_str(&format!("\\u{code:04X}"));
                } else {
                    out.push(c);
                }
            }
            out.push('"');
            if total > MAX_SNIPPET {
                out.push_str(&format!("[truncated {} chars]", total - MAX_SNIPPET));
            }
            out
        }

        fn location_text(&self, line: usize, column: usize) -> String {
            format!("[Source: {}; line: {line}, column: {column}]", self.source())
        }

        fn column_at(&self, p: usize) -> usize {
            self.units[p] - self.units[self.row_start] + 1
        }

        fn fail_at<T>(&self, p: usize, message: impl Into<String>) -> Res<T> {
            Err(JsonError { message: message.into(), location: self.location_text(self.row, self.column_at(p)) })
        }

        fn fail<T>(&self, message: impl Into<String>) -> Res<T> {
            self.fail_at(self.p, message)
        }

        fn unexpected<T>(&self, c: char, comment: &str) -> Res<T> {
            self.fail(format!("Unexpected character ({}): {comment}", char_desc(c)))
        }

        fn next_char(&mut self) -> Option<char> {
            let c = self.chars.get(self.p).copied();
            if c.is_some() {
                self.p += 1;
            }
            c
        }

        /// The next significant character (consumed), or `None` at the end.
        fn skip_ws(&mut self) -> Res<Option<char>> {
            while let Some(c) = self.next_char() {
                match c {
                    ' ' | '\t' => {}
                    '\n' => {
                        self.row += 1;
                        self.row_start = self.p;
                    }
                    '\r' => {
                        if self.chars.get(self.p) == Some(&'\n') {
                            self.p += 1;
                        }
                        self.row += 1;
                        self.row_start = self.p;
                    }
                    '/' => {
                        return self.unexpected(
                            '/',
                            "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
                        )
                    }
                    c if (c as u32) < 0x20 => {
                        return self.fail(format!(
                            "Illegal character ({}): only regular white space (\\r, \\n, \\t) is allowed between tokens",
                            char_desc(c)
                        ))
                    }
                    c => return Ok(Some(c)),
                }
            }
            Ok(None)
        }

        fn eof<T>(&self, message: &str) -> Res<T> {
            self.fail(format!("Unexpected end-of-input{message}"))
        }

        fn parse(&mut self) -> Res<Option<usize>> {
            let mut stack: Vec<Context> = Vec::new();
            let Some(c) = self.skip_ws()? else {
                return Ok(None);
            };
            if c == ']' || c == '}' {
                let expected = if c == ']' { '}' } else { ']' };
                let start = self.location_text(1, 0);
                return self.fail(format!(
                    "Unexpected close marker '{c}': expected '{expected}' (for root starting at {start})"
                ));
            }
            self.value(c, &mut stack)?;
            while let Some(top) = stack.last() {
                let (kind, line, column, expect_comma) = (top.kind, top.line, top.column, top.expect_comma);
                let type_desc = if kind == Kind::Object { "Object" } else { "Array" };
                let Some(mut c) = self.skip_ws()? else {
                    let start = self.location_text(line, column);
                    return self.eof(&format!(": expected close marker for {type_desc} (start marker at {start})"));
                };
                if c == ']' || c == '}' {
                    let (actual_kind, expected) = if c == ']' { (Kind::Array, '}') } else { (Kind::Object, ']') };
                    if kind != actual_kind {
                        let start = self.location_text(line, column);
                        return self.fail(format!(
                            "Unexpected close marker '{c}': expected '{expected}' (for {type_desc} starting at {start})"
                        ));
                    }
                    stack.pop();
                    continue;
                }
                if expect_comma {
                    if c != ',' {
                        return self.unexpected(c, &format!("was expecting comma to separate {type_desc} entries"));
                    }
                    match self.skip_ws()? {
                        Some(next) => c = next,
                        None => return self.eof(&format!(" within/between {type_desc} entries")),
                    }
                }
                if let Some(top) = stack.last_mut() {
                    top.expect_comma = true;
                }
                if kind == Kind::Object {
                    if c != '"' {
                        return self.unexpected(c, "was expecting double-quote to start field name");
                    }
                    self.string(true)?;
                    c = self.colon()?;
                }
                self.value(c, &mut stack)?;
            }
            Ok(Some(self.bytes[self.p]))
        }

        fn colon(&mut self) -> Res<char> {
            let mut got_colon = false;
            loop {
                let Some(c) = self.skip_ws()? else {
                    return self.eof(" within/between Object entries");
                };
                match c {
                    ':' if !got_colon => got_colon = true,
                    c if got_colon => return Ok(c),
                    c => return self.unexpected(c, "was expecting a colon to separate field name and value"),
                }
            }
        }

        fn value(&mut self, c: char, stack: &mut Vec<Context>) -> Res<()> {
            let root = stack.is_empty();
            match c {
                '"' => self.string(false),
                '[' | '{' => {
                    let kind = if c == '[' { Kind::Array } else { Kind::Object };
                    let column = self.units[self.p] - self.units[self.row_start];
                    stack.push(Context { kind, line: self.row, column, expect_comma: false });
                    Ok(())
                }
                '}' if stack.last().is_some_and(|c| c.kind == Kind::Array) => self.unexpected(c, "expected a value"),
                't' => self.word("true"),
                'f' => self.word("false"),
                'n' => self.word("null"),
                '-' => self.number(true, root),
                '0'..='9' => self.number(false, root),
                _ => self.odd_value(c),
            }
        }

        fn odd_value(&mut self, c: char) -> Res<()> {
            match c {
                'N' => {
                    self.word("NaN")?;
                    return self
                        .fail("Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
                }
                'I' => {
                    self.word("Infinity")?;
                    return self.fail(
                        "Non-standard token 'Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
                    );
                }
                '+' => {
                    if self.next_char().is_none() {
                        return self.eof(" in a Number value");
                    }
                    return self.fail(
                        "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow",
                    );
                }
                _ => {}
            }
            if is_java_identifier_start(c) {
                return self.invalid_token(c.to_string());
            }
            self.unexpected(c, &format!("expected a valid value {VALUE_LIST}"))
        }

        fn invalid_token<T>(&mut self, matched: String) -> Res<T> {
            let mut token = matched;
            while let Some(&c) = self.chars.get(self.p) {
                if !is_java_identifier_part(c) {
                    break;
                }
                self.p += 1;
                token.push(c);
                if token.chars().count() >= MAX_TOKEN {
                    token.push_str("...");
                    break;
                }
            }
            self.fail(format!("Unrecognized token '{token}': was expecting {VALUE_LIST}"))
        }

        /// `true`, `false`, `null` (and `NaN`, `Infinity`): the first letter is already read.
        fn word(&mut self, word: &str) -> Res<()> {
            let w: Vec<char> = word.chars().collect();
            for (i, &expected) in w.iter().enumerate().skip(1) {
                match self.chars.get(self.p) {
                    Some(&c) if c == expected => self.p += 1,
                    _ => return self.invalid_token(w[..i].iter().collect()),
                }
            }
            if let Some(&c) = self.chars.get(self.p) {
                if c >= '0' && c != ']' && c != '}' && is_java_identifier_part(c) {
                    return self.invalid_token(word.to_string());
                }
            }
            Ok(())
        }

        fn string(&mut self, name: bool) -> Res<()> {
            loop {
                let Some(c) = self.next_char() else {
                    return if name {
                        self.eof(" in field name")
                    } else {
                        self.eof(": was expecting closing quote for a string value")
                    };
                };
                match c {
                    '"' => return Ok(()),
                    '\\' => {
                        let Some(e) = self.next_char() else {
                            return self.eof(" in character escape sequence");
                        };
                        match e {
                            'b' | 't' | 'n' | 'f' | 'r' | '"' | '/' | '\\' => {}
                            'u' => {
                                for _ in 0..4 {
                                    let Some(h) = self.next_char() else {
                                        return self.eof(" in character escape sequence");
                                    };
                                    if !h.is_ascii_hexdigit() {
                                        return self
                                            .unexpected(h, "expected a hex-digit for character escape sequence");
                                    }
                                }
                            }
                            other => return self.fail(format!("Unrecognized character escape {}", char_desc(other))),
                        }
                    }
                    c if (c as u32) < 0x20 => {
                        let what = if name { "name" } else { "string value" };
                        return self.fail(format!(
                            "Illegal unquoted character ({}): has to be escaped using backslash to be included in {what}",
                            char_desc(c)
                        ));
                    }
                    _ => {}
                }
            }
        }

        /// A number; the sign or first digit is already read.
        fn number(&mut self, negative: bool, root: bool) -> Res<()> {
            let digit = |s: &Self, i: usize| s.chars.get(i).is_some_and(char::is_ascii_digit);
            let mut i = self.p;
            if negative {
                match self.chars.get(i) {
                    None => return self.eof("No digit following minus sign"),
                    Some(c) if !c.is_ascii_digit() => {
                        self.p = i + 1;
                        return self.fail(format!(
                            "Unexpected character ({}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
                            char_desc(*c)
                        ));
                    }
                    _ => i += 1,
                }
            }
            let first = self.chars[i - 1];
            if first == '0' && digit(self, i) {
                self.p = i;
                return self.fail("Invalid numeric value: Leading zeroes not allowed");
            }
            while digit(self, i) {
                i += 1;
            }
            // Jackson's fast path reports a bad fraction or exponent just after the character that
            // follows the integer part; its slow path (a leading zero) just after the bad character,
            // and at the end of the text the last character read.
            let report_at = if first == '0' { None } else { Some(i + 1) };
            let mut c = self.chars.get(i).copied();
            if c == Some('.') {
                i += 1;
                let from = i;
                while digit(self, i) {
                    i += 1;
                }
                if i == from {
                    return self.number_error(i, report_at, '.', "Decimal point not followed by a digit");
                }
                c = self.chars.get(i).copied();
            }
            if c == Some('e') || c == Some('E') {
                i += 1;
                if i >= self.chars.len() {
                    self.p = i;
                    return self.eof("expected a digit for number exponent");
                }
                if matches!(self.chars.get(i), Some('+') | Some('-')) {
                    i += 1;
                    if i >= self.chars.len() {
                        self.p = i;
                        return self.eof("expected a digit for number exponent");
                    }
                }
                let from = i;
                while digit(self, i) {
                    i += 1;
                }
                if i == from {
                    return self.number_error(i, report_at, 'e', "Exponent indicator not followed by a digit");
                }
            }
            self.p = i;
            if root {
                if let Some(&c) = self.chars.get(i) {
                    if !matches!(c, ' ' | '\t' | '\r' | '\n') {
                        self.p = i + 1;
                        return self.unexpected(c, "Expected space separating root-level values");
                    }
                }
            }
            Ok(())
        }

        fn number_error(&mut self, i: usize, report_at: Option<usize>, last: char, comment: &str) -> Res<()> {
            match self.chars.get(i) {
                Some(&c) => self.fail_at(
                    report_at.unwrap_or(i + 1),
                    format!("Unexpected character ({}) in numeric value: {comment}", char_desc(c)),
                ),
                None => {
                    self.p = i;
                    let last = if last == 'e' { self.chars[i - 1] } else { last };
                    self.fail(format!("Unexpected character ({}) in numeric value: {comment}", char_desc(last)))
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The first diagnostic of a standard machine: (code, message, location).
    fn first_error(def: Value) -> (String, String, String) {
        first_of(def, MachineType::Standard)
    }

    fn first_of(def: Value, mt: MachineType) -> (String, String, String) {
        let d = validate(&def, mt).into_iter().next().expect("expected a diagnostic");
        (d.code, d.message, d.location)
    }

    fn t(code: &str, message: &str, location: &str) -> (String, String, String) {
        (code.into(), message.into(), location.into())
    }

    fn ok(def: Value) {
        let diags = validate(&def, MachineType::Standard);
        assert!(diags.is_empty(), "unexpected {diags:?}");
    }

    const S: &str = "SCHEMA_VALIDATION_FAILED";
    const M: &str = "MISSING_TRANSITION_TARGET";

    #[test]
    fn valid_machines() {
        ok(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}));
        ok(
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "End": true}}}),
        );
        ok(
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00.123+02:00", "End": true}}}),
        );
        ok(
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}),
        );
        ok(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "Retry": [{"ErrorEquals": ["States.ALL"]}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}));
    }

    #[test]
    fn root() {
        assert_eq!(first_error(json!({})), t(S, "These fields are required: [States, StartAt]", "/"));
        assert_eq!(
            first_error(json!({"States": {"A": {"Type": "Pass", "End": true}}})),
            t(S, "These fields are required: [StartAt]", "/")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "Foo": 1, "States": {"A": {"Type": "Pass", "End": true}}})),
            t(S, "Field 'Foo' is not supported", "/")
        );
        assert_eq!(
            first_error(json!({"StartAt": 3, "States": {"A": {"Type": "Pass", "End": true}}})),
            t(S, "Expected value of type [STRING]", "/StartAt")
        );
        assert_eq!(
            first_error(json!({"QueryLanguage": 5, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}})),
            t(S, "Expected value of type [STRING]", "/QueryLanguage")
        );
        assert_eq!(
            first_error(
                json!({"QueryLanguage": "jsonpath", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}})
            ),
            t(S, "Value should be one of the following: [JSONPath, JSONata]", "/QueryLanguage")
        );
        assert_eq!(
            first_error(json!({"Version": "2.0", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}})),
            t(S, "Value should be one of the following: [1.0]", "/Version")
        );
        assert_eq!(first_error(json!([1])), t(S, "Definition must be a valid JSON object", ""));
    }

    #[test]
    fn transitions() {
        assert_eq!(
            first_error(json!({"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": true}}})),
            t(M, "Missing 'Next' target: Nope", "/StartAt")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}, "B": {"Type": "Succeed"}}})
            ),
            t(M, "Missing 'Next' target: X", "/States/A/Next")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "B": {"Type": "Succeed"}}})
            ),
            t(M, "State \"B\" is not reachable.", "/States/B")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}})
            ),
            t("MISSING_END_STATE", "Workflow has no terminal state", "")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "G"}], "Default": "Z"}, "Z": {"Type": "Succeed"}}})
            ),
            t(M, "Missing 'Next' target: G", "/States/C/Choices[0]/Next")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "G"}], "End": true}}})
            ),
            t(M, "Missing 'Next' target: G", "/States/T/Catch[0]/Next")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "W", "States": {"W": {"Type": "Pass", "End": true}, "G": {"Type": "Pass", "End": true}}}]}}})
            ),
            t(M, "State \"G\" is not reachable.", "/States/P/Branches[0]/States/G")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "N", "States": {"A": {"Type": "Pass", "End": true}}}}}})
            ),
            t(M, "Missing 'Next' target: N", "/States/M/ItemProcessor/StartAt")
        );
    }

    #[test]
    fn state_fields() {
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Nope", "End": true}}})),
            t(S, STATE_TYPES_MESSAGE, "/States/A/Type")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"End": true}}})),
            t(S, "These fields are required: [Type]", "/States/A")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "TimeoutSeconds": 5, "End": true}}})),
            t(S, "Field 'TimeoutSeconds' is not supported", "/States/A")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Catch": [], "End": true}}})),
            t(S, "Field 'Catch' is not supported", "/States/A")
        );
        assert_eq!(first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": 1, "End": true}}})), t(S, "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage", "/States/A"));
        assert_eq!(first_error(json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a", "End": true}}})), t(S, "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage", "/States/A"));
        assert_eq!(
            first_error(
                json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}})
            ),
            t(S, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", "/States/A")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A", "End": true}}})),
            t(S, "There should only be one of the following fields: [Next, End]", "/States/A")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}})),
            t(S, "This object should have only one of the following fields: [Next, End]", "/States/A")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": "yes"}}})),
            t(S, "Expected value of type [BOOLEAN]", "/States/A/End")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "x", "End": true}}})),
            t(S, "Value is not a Reference Path: Reference path didn't start with '$'", "/States/A/ResultPath")
        );
        assert_eq!(
            first_error(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "x", "End": true}}})),
            t(S, "Value must be a valid JSONPath.", "/States/A/InputPath")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "nope"}, "End": true}}})
            ),
            t(
                S,
                "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
                "/States/A/Parameters"
            )
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"m": {"b.$": "States.Nope()"}}, "End": true}}})
            ),
            t(
                S,
                "The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call",
                "/States/A/Parameters/m"
            )
        );
    }

    #[test]
    fn wait_and_fail() {
        assert_eq!(
            first_error(
                json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2016-12-05t21:29:29Z", "End": true}}})
            ),
            t(S, "String does not match RFC3339 timestamp", "/States/W/Timestamp")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}}})
            ),
            t(
                S,
                "There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]",
                "/States/W"
            )
        );
        assert_eq!(first_error(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "End": true}}})), t(S, "This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]", "/States/W"));
        assert_eq!(
            first_error(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": -1, "End": true}}})),
            t(S, "Minimum value is 0", "/States/W/Seconds")
        );
        assert_eq!(
            first_error(json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}}})),
            t(S, "There should only be one of the following fields: [Error, ErrorPath]", "/States/F/Error")
        );
        assert_eq!(
            first_error(json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "CausePath": "x"}}})),
            t(
                S,
                "The value for the field 'CausePath' must be a valid JSONPath or a valid intrinsic function call",
                "/States/F/CausePath"
            )
        );
        assert_eq!(
            first_error(json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Next": "F"}}})),
            t(S, "Field 'Next' is not supported", "/States/F")
        );
    }

    #[test]
    fn task() {
        assert_eq!(
            first_error(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "End": true}}})),
            t(S, "These fields are required: [Resource]", "/States/T")
        );
        assert_eq!(first_error(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:query", "End": true}}})), t(S, "The resource provided arn:aws:states:::dynamodb:query is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", "/States/T/Resource"));
        assert_eq!(
            first_error(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Credentials": {}, "Parameters": {"FunctionName": "f"}, "End": true}}})
            ),
            t(S, "The field 'RoleArn' is required but was missing", "/States/T/Credentials")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {}, "End": true}}})
            ),
            t(S, "The field 'FunctionName' is required but was missing", "/States/T/Parameters")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "TimeoutSeconds": 0, "End": true}}})
            ),
            t(S, "Minimum value is 1", "/States/T/TimeoutSeconds")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}}})
            ),
            t(
                S,
                "There should only be one of the following fields: [TimeoutSeconds, TimeoutSecondsPath]",
                "/States/T/TimeoutSeconds"
            )
        );
        assert_eq!(
            first_of(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:a", "End": true}}}),
                MachineType::Express
            ),
            t(S, "Express state machine does not support Activity ARN", "/States/T/Resource")
        );
        assert_eq!(
            first_of(
                json!({"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn.$": "$.StateMachineArn", "Input.$": "$.Input"}, "End": true}}}),
                MachineType::Express
            ),
            t(S, "Express state machine does not support '.sync' service integration", "/States/S/Resource")
        );
        assert_eq!(
            first_of(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken", "Parameters": {"Message": "m"}, "End": true}}}),
                MachineType::Express
            ),
            t(
                S,
                "Express state machine does not support '.waitForTaskToken' service integration ",
                "/States/T/Resource"
            )
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${LambdaArn}", "End": true}}})
            ),
            t(S, "Value is not a valid resource ARN", "/States/T/Resource")
        );
        assert_eq!(first_error(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.sync", "Parameters": {"FunctionName": "f"}, "End": true}}})).1, "The resource provided arn:aws:states:::lambda:invoke.sync is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.");
        assert_eq!(
            first_of(
                json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "Parameters": {"StateMachineArn": "x"}, "End": true}}}),
                MachineType::Express
            ),
            t(S, "Express state machine does not support '.sync' service integration", "/States/T/Resource")
        );
    }

    #[test]
    fn retry_and_catch() {
        let task = |extra: Value| {
            let mut st = json!({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true});
            for (k, v) in extra.as_object().unwrap() {
                st[k] = v.clone();
            }
            json!({"StartAt": "T", "States": {"T": st, "Z": {"Type": "Pass", "End": true}}})
        };
        assert_eq!(
            first_error(task(json!({"Retry": [{"ErrorEquals": []}]}))),
            t(S, "Value cannot be empty", "/States/T/Retry[0]/ErrorEquals")
        );
        assert_eq!(
            first_error(task(json!({"Retry": [{"MaxAttempts": 1}]}))),
            t(S, "These fields are required: [ErrorEquals]", "/States/T/Retry[0]")
        );
        assert_eq!(
            first_error(task(json!({"Retry": [{"ErrorEquals": ["States.ALL", "X"]}]}))),
            t(S, "States.ALL must appear alone and at end of list", "/States/T/Retry[0]/ErrorEquals")
        );
        assert_eq!(
            first_error(task(json!({"Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]}))),
            t(S, "States.ALL must appear alone and at end of list", "/States/T/Retry[0]/ErrorEquals")
        );
        assert_eq!(
            first_error(task(json!({"Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -1}]}))),
            t(S, "Minimum value is 0", "/States/T/Retry[0]/MaxAttempts")
        );
        assert_eq!(
            first_error(task(json!({"Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}]}))),
            t(S, "Minimum value is 1.0", "/States/T/Retry[0]/BackoffRate")
        );
        assert_eq!(
            first_error(task(json!({"Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "SOME"}]}))),
            t(S, "Value should be one of the following: [NONE, FULL]", "/States/T/Retry[0]/JitterStrategy")
        );
        assert_eq!(
            first_error(task(json!({"Catch": [{"ErrorEquals": ["X"]}]}))),
            t(S, "These fields are required: [Next]", "/States/T/Catch[0]")
        );
    }

    #[test]
    fn choice() {
        let choice = |rules: Value| json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": rules, "Default": "Z"}, "Z": {"Type": "Succeed"}}});
        assert_eq!(first_error(choice(json!([]))), t(S, "Value cannot be empty", "/States/C/Choices"));
        assert_eq!(
            first_error(choice(json!([{"Variable": "$.x", "IsPresent": true}]))),
            t(S, "These fields are required: [Next]", "/States/C/Choices[0]")
        );
        assert_eq!(
            first_error(choice(json!([{"Variable": "x", "IsPresent": true, "Next": "Z"}]))),
            t(
                S,
                "Value is not a Reference Path: Reference path didn't start with '$'",
                "/States/C/Choices[0]/Variable"
            )
        );
        assert_eq!(
            first_error(choice(json!([{"Not": {"Variable": "$.x", "IsPresent": true, "Next": "Z"}, "Next": "Z"}]))),
            t(S, "Field 'Next' is not supported", "/States/C/Choices[0]/Not")
        );
        assert_eq!(
            first_error(choice(json!([{"Variable": "$.x", "NumericEquals": "1", "Next": "Z"}]))),
            t(S, "Expected value of type [NUMBER]", "/States/C/Choices[0]/NumericEquals")
        );
        assert_eq!(first_error(choice(json!([{"Condition": "{% true %}", "Next": "Z"}]))), t(S, "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage", "/States/C/Choices[0]"));
    }

    #[test]
    fn map_and_parallel() {
        assert_eq!(
            first_error(json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [], "End": true}}})),
            t(S, "Value cannot be empty", "/States/P/Branches")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}]}}})
            ),
            t(S, "Field 'QueryLanguage' is not supported", "/States/P/Branches[0]")
        );
        assert_eq!(
            first_error(json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true}}})),
            t(S, "This object should have only one of the following fields: [ItemProcessor, Iterator]", "/States/M")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}})
            ),
            t(S, "Minimum value is 0", "/States/M/MaxConcurrency")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}})
            ),
            t(S, "These fields are required: [ExecutionType]", "/States/M/ItemProcessor/ProcessorConfig")
        );
        assert_eq!(
            first_error(
                json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Label": "a b", "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}})
            ),
            t("INVALID_LABEL_NAME", "Label contains invalid character: ' '", "/States/M/Label")
        );
    }

    #[test]
    fn messages() {
        let diags =
            validate(&json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}), MachineType::Standard);
        assert_eq!(
            invalid_definition_message(&diags).unwrap(),
            "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'"
        );
        assert_eq!(invalid_definition_message(&[]), None);
        let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "", "End": true, "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}}}"#;
        let diags = validate_text(text, MachineType::Standard);
        assert_eq!(
            invalid_definition_message_for_text(&diags, text).unwrap(),
            format!("Error=ValueError Args=['Label cannot be empty'] in definition '{text}'.")
        );
        assert_eq!(
            python_repr("Label contains invalid character: '\\\\'"),
            r#""Label contains invalid character: '\\\\'""#
        );
    }

    #[test]
    fn json_text_errors() {
        let d = &validate_text("not a definition", MachineType::Standard)[0];
        assert_eq!(d.location, "[Source: (String)\"not a definition\"; line: 1, column: 4]");
        assert_eq!(d.message, "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]");
        let msg = |text: &str| json_text::first_value_end(text).unwrap_err().message;
        assert_eq!(
            msg("{'a': 1}"),
            "Unexpected character (''' (code 39)): was expecting double-quote to start field name"
        );
        assert_eq!(
            msg("{\"a\" 1}"),
            "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"
        );
        assert_eq!(msg("[1,]"), "Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assert_eq!(
            msg("{\"a\":1 \"b\":2}"),
            "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"
        );
        assert_eq!(msg("{"), "Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)\"{\"; line: 1, column: 1])");
        assert_eq!(msg("[01]"), "Invalid numeric value: Leading zeroes not allowed");
        assert_eq!(msg("\"ab"), "Unexpected end-of-input: was expecting closing quote for a string value");
        assert_eq!(json_text::first_value_end("{} trailing").unwrap(), Some(2));
        assert_eq!(json_text::first_value_end("  ").unwrap(), None);
    }

    #[test]
    fn java_hash_order_matches_aws_lists() {
        assert_eq!(java_hash_order(&["StartAt", "States"]), ["States", "StartAt"]);
        assert_eq!(
            java_hash_order(&["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]),
            ["SecondsPath", "Seconds", "TimestampPath", "Timestamp"]
        );
    }

    #[test]
    fn never_panics_on_deep_or_odd_input() {
        let mut branch = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
        for _ in 0..200 {
            branch = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [branch]}}});
        }
        let diags = validate(&branch, MachineType::Standard);
        assert!(diags.iter().any(|d| d.code == code::TOO_DEEPLY_NESTED));
        let mut rule = json!({"Variable": "$.x", "IsPresent": true});
        for _ in 0..500 {
            rule = json!({"Not": rule});
        }
        let _ = validate(
            &json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [rule], "Default": "C"}}}),
            MachineType::Standard,
        );
        for text in [
            "",
            "[",
            "{\"a\":",
            "-",
            "1e",
            "1.",
            "\"\\u12",
            "tru",
            "[1 2]",
            "{\"a\":1}}",
            "\u{1}",
            "nul",
            "-x",
            "+1",
            "NaN",
            "/",
            "{\"a\"",
            "[\u{c9}]",
        ] {
            let _ = validate_text(text, MachineType::Express);
        }
        for v in [json!(null), json!(1), json!("x"), json!({"States": []}), json!({"States": {"A": 1}, "StartAt": "A"})]
        {
            let _ = validate(&v, MachineType::Standard);
        }
    }
}
