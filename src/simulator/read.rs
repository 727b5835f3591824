//! Reading the API's request shapes out of JSON values, as the AWS SDKs send them (camelCase).
//!
//! By hand rather than with serde's derive: each shape's reader is a few calls to the shared,
//! non-generic field readers of [`Fields`], where serde generates a deserializer per shape and per
//! data format (measured: 23 KB of the gzipped web `.wasm`). A member that is absent or `null`
//! reads as absent; other members are ignored, as serde did.
//!
//! ```
//! use asl_sim::simulator::{FromJson, StartExecutionInput};
//! let req = StartExecutionInput::from_json(&serde_json::json!({"stateMachineArn": "arn", "input": "{}"})).unwrap();
//! assert_eq!((req.state_machine_arn.as_str(), req.input.as_deref()), ("arn", Some("{}")));
//! let e = StartExecutionInput::from_json(&serde_json::json!({"stateMachineArn": 7})).unwrap_err();
//! assert_eq!(e, "invalid type: integer `7`, expected a string at 'stateMachineArn'");
//! ```

use serde_json::{Map, Value};

use super::activities::{ActivityInput, CreateActivityInput};
use super::cloudwatch::LogsInput;
use super::executions::{ListExecutionsInput, RedriveExecutionInput};
use super::mapruns::{ListMapRunsInput, MapRunInput};
use super::registry::{CreateStateMachineRequest, ListInput, StateMachineInput, Tag, UpdateStateMachineInput};
use super::requests::*;
use super::tags::TagResourceInput;
use super::versions::{
    ListForMachineInput, PublishStateMachineVersionInput, RoutingConfigurationListItem, StateMachineAliasInput,
    StateMachineVersionInput,
};

/// A request shape read from a JSON value; the error says what is wrong and where.
pub trait FromJson: Sized {
    /// Reads the shape from `v`, which must be an object.
    fn from_json(v: &Value) -> Result<Self, String>;
}

/// The members of a JSON object, read one by one.
pub struct Fields<'a>(&'a Map<String, Value>);

/// How serde names a value it did not expect (`integer `7``, `map`, `null`).
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

fn invalid(v: &Value, expected: &str, key: &str) -> String {
    format!("invalid type: {}, expected {expected} at '{key}'", unexpected(v))
}

impl<'a> Fields<'a> {
    /// The members of `v`; anything but an object is an error.
    pub fn of(v: &'a Value) -> Result<Self, String> {
        match v {
            Value::Object(m) => Ok(Fields(m)),
            other => Err(format!("invalid type: {}, expected an object", unexpected(other))),
        }
    }

    /// A member that is present and not `null`.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A required string.
    pub fn string(&self, key: &str) -> Result<String, String> {
        match self.0.get(key) {
            None => Err(format!("missing field '{key}'")),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => Err(invalid(v, "a string", key)),
        }
    }

    /// An optional string.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key).map(|v| v.as_str().map(str::to_string).ok_or_else(|| invalid(v, "a string", key))).transpose()
    }

    /// An optional boolean.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, String> {
        self.get(key).map(|v| v.as_bool().ok_or_else(|| invalid(v, "a boolean", key))).transpose()
    }

    /// An optional integer (a JSON number without a fraction, within 64 bits).
    pub fn opt_i64(&self, key: &str) -> Result<Option<i64>, String> {
        self.get(key).map(|v| v.as_i64().ok_or_else(|| invalid(v, "i64", key))).transpose()
    }

    /// An optional number.
    pub fn opt_f64(&self, key: &str) -> Result<Option<f64>, String> {
        self.get(key).map(|v| v.as_f64().ok_or_else(|| invalid(v, "f64", key))).transpose()
    }

    /// An optional member of any JSON type.
    pub fn opt_value(&self, key: &str) -> Result<Option<Value>, String> {
        Ok(self.get(key).cloned())
    }

    /// An optional list, each element read by `read`.
    pub fn opt_list<T>(&self, key: &str, read: fn(&Value) -> Result<T, String>) -> Result<Option<Vec<T>>, String> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let items = v.as_array().ok_or_else(|| invalid(v, "a sequence", key))?;
        items.iter().map(|item| read(item).map_err(|e| format!("{e} in '{key}'"))).collect::<Result<_, _>>().map(Some)
    }

    /// An optional list of strings.
    pub fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        self.opt_list(key, |v| v.as_str().map(str::to_string).ok_or_else(|| invalid(v, "a string", "[]")))
    }

    /// An optional object member, read by `T`.
    pub fn opt<T: FromJson>(&self, key: &str) -> Result<Option<T>, String> {
        self.get(key).map(|v| T::from_json(v).map_err(|e| format!("{e} in '{key}'"))).transpose()
    }
}

/// `impl FromJson for Shape { field: reader("jsonName"), ... }`, each reader a [`Fields`] method.
macro_rules! read_shapes {
    ($($shape:ident { $($field:ident: $read:ident($key:literal)),* $(,)? })*) => {$(
        impl FromJson for $shape {
            fn from_json(v: &Value) -> Result<Self, String> {
                let f = Fields::of(v)?;
                Ok($shape { $($field: f.$read($key)?),* })
            }
        }
    )*};
}

read_shapes! {
    CreateStateMachineInput { name: string("name"), definition: string("definition"), machine_type: opt_string("type"),
        role_arn: opt_string("roleArn"), logging_configuration: opt("loggingConfiguration") }
    LoggingConfiguration { level: opt_string("level"), include_execution_data: opt_bool("includeExecutionData"),
        destinations: opt_destinations("destinations") }
    LogDestination { cloud_watch_logs_log_group: opt("cloudWatchLogsLogGroup") }
    CloudWatchLogsLogGroup { log_group_arn: opt_string("logGroupArn") }
    ValidateStateMachineDefinitionInput { definition: string("definition"), machine_type: opt_string("type") }
    StartExecutionInput { state_machine_arn: string("stateMachineArn"), input: opt_string("input"), name: opt_string("name"),
        included_data: opt_string("includedData"), trace_header: opt_string("traceHeader") }
    SendTaskSuccessInput { task_token: string("taskToken"), output: string("output") }
    SendTaskFailureInput { task_token: string("taskToken"), error: opt_string("error"), cause: opt_string("cause") }
    SendTaskHeartbeatInput { task_token: string("taskToken") }
    ExecutionInput { execution_arn: string("executionArn"), included_data: opt_string("includedData") }
    StopExecutionInput { execution_arn: string("executionArn"), error: opt_string("error"), cause: opt_string("cause") }
    GetExecutionHistoryInput { execution_arn: string("executionArn"), max_results: opt_i64("maxResults"),
        reverse_order: opt_bool("reverseOrder"), next_token: opt_string("nextToken"),
        include_execution_data: opt_bool("includeExecutionData") }
    GetLogEventsInput { execution_arn: opt_string("executionArn"), log_group_name: opt_string("logGroupName"),
        next_token: opt_string("nextToken"), limit: opt_i64("limit") }
    UpdateStateMachineInput { state_machine_arn: string("stateMachineArn"), definition: opt_string("definition"),
        role_arn: opt_string("roleArn"), logging_configuration: opt("loggingConfiguration"),
        tracing_configuration: opt_value("tracingConfiguration"), publish: opt_bool("publish"),
        version_description: opt_string("versionDescription"), encryption_configuration: opt_value("encryptionConfiguration") }
    StateMachineInput { state_machine_arn: string("stateMachineArn"), included_data: opt_string("includedData") }
    ListInput { max_results: opt_i64("maxResults"), next_token: opt_string("nextToken") }
    CreateActivityInput { name: string("name"), tags: opt_tags("tags"), encryption_configuration: opt_value("encryptionConfiguration") }
    ActivityInput { activity_arn: string("activityArn"), worker_name: opt_string("workerName") }
    ListExecutionsInput { state_machine_arn: opt_string("stateMachineArn"), status_filter: opt_string("statusFilter"),
        max_results: opt_i64("maxResults"), next_token: opt_string("nextToken"), map_run_arn: opt_string("mapRunArn"),
        redrive_filter: opt_string("redriveFilter") }
    RedriveExecutionInput { execution_arn: string("executionArn"), client_token: opt_string("clientToken") }
    MapRunInput { map_run_arn: string("mapRunArn"), max_concurrency: opt_i64("maxConcurrency"),
        tolerated_failure_percentage: opt_f64("toleratedFailurePercentage"),
        tolerated_failure_count: opt_i64("toleratedFailureCount") }
    ListMapRunsInput { execution_arn: string("executionArn"), max_results: opt_i64("maxResults"), next_token: opt_string("nextToken") }
    TagResourceInput { resource_arn: string("resourceArn"), tags: opt_tags("tags"), tag_keys: opt_strings("tagKeys") }
    PublishStateMachineVersionInput { state_machine_arn: string("stateMachineArn"), revision_id: opt_string("revisionId"),
        description: opt_string("description") }
    StateMachineVersionInput { state_machine_version_arn: string("stateMachineVersionArn") }
    StateMachineAliasInput { name: opt_string("name"), state_machine_alias_arn: opt_string("stateMachineAliasArn"),
        description: opt_string("description"), routing_configuration: opt_routes("routingConfiguration") }
    LogsInput { log_group_name: opt_string("logGroupName"), log_group_identifier: opt_string("logGroupIdentifier"),
        log_stream_name: opt_string("logStreamName"), log_stream_names: opt_strings("logStreamNames"),
        log_stream_name_prefix: opt_string("logStreamNamePrefix"), log_group_name_prefix: opt_string("logGroupNamePrefix"),
        log_group_name_pattern: opt_string("logGroupNamePattern"), log_group_identifiers: opt_strings("logGroupIdentifiers"),
        account_identifiers: opt_strings("accountIdentifiers"), start_time: opt_i64("startTime"), end_time: opt_i64("endTime"),
        filter_pattern: opt_string("filterPattern"), next_token: opt_string("nextToken"), limit: opt_i64("limit"),
        start_from_head: opt_bool("startFromHead"), order_by: opt_string("orderBy"), descending: opt_bool("descending"),
        kms_key_id: opt_string("kmsKeyId") }
}

impl Fields<'_> {
    fn opt_destinations(&self, key: &str) -> Result<Option<Vec<LogDestination>>, String> {
        self.opt_list(key, LogDestination::from_json)
    }

    /// `[{key, value}]`; a missing value is `""`.
    fn opt_tags(&self, key: &str) -> Result<Option<Vec<Tag>>, String> {
        self.opt_list(key, |v| {
            let f = Fields::of(v)?;
            Ok(Tag { key: f.string("key")?, value: f.opt_string("value")?.unwrap_or_default() })
        })
    }

    /// `[{stateMachineVersionArn, weight}]`, each weight a whole number from 0 to 2^32 - 1.
    fn opt_routes(&self, key: &str) -> Result<Option<Vec<RoutingConfigurationListItem>>, String> {
        self.opt_list(key, |v| {
            let f = Fields::of(v)?;
            let weight = match f.0.get("weight") {
                None => return Err("missing field 'weight'".into()),
                Some(w) => w.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| invalid(w, "u32", "weight"))?,
            };
            Ok(RoutingConfigurationListItem { state_machine_version_arn: f.string("stateMachineVersionArn")?, weight })
        })
    }
}

impl FromJson for CreateStateMachineRequest {
    fn from_json(v: &Value) -> Result<Self, String> {
        let f = Fields::of(v)?;
        Ok(CreateStateMachineRequest {
            base: CreateStateMachineInput::from_json(v)?,
            tags: f.opt_tags("tags")?,
            tracing_configuration: f.opt_value("tracingConfiguration")?,
            publish: f.opt_bool("publish")?,
            version_description: f.opt_string("versionDescription")?,
            encryption_configuration: f.opt_value("encryptionConfiguration")?,
        })
    }
}

impl FromJson for ListForMachineInput {
    fn from_json(v: &Value) -> Result<Self, String> {
        let f = Fields::of(v)?;
        Ok(ListForMachineInput { state_machine_arn: f.string("stateMachineArn")?, page: ListInput::from_json(v)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_and_null_members_are_absent_and_wrong_types_are_named() {
        let r =
            GetExecutionHistoryInput::from_json(&json!({"executionArn": "a", "maxResults": null, "other": 1})).unwrap();
        assert_eq!((r.execution_arn.as_str(), r.max_results, r.reverse_order), ("a", None, None));
        assert_eq!(GetExecutionHistoryInput::from_json(&json!({})).unwrap_err(), "missing field 'executionArn'");
        assert_eq!(
            GetExecutionHistoryInput::from_json(&json!({"executionArn": "a", "maxResults": 1.5})).unwrap_err(),
            "invalid type: floating point `1.5`, expected i64 at 'maxResults'"
        );
        assert_eq!(ListInput::from_json(&json!([])).unwrap_err(), "invalid type: sequence, expected an object");
        assert_eq!(
            CreateStateMachineInput::from_json(&json!({"name": "n", "definition": {"StartAt": "P"}})).unwrap_err(),
            "invalid type: map, expected a string at 'definition'"
        );
    }

    #[test]
    fn nested_shapes_and_lists() {
        let body = json!({"name": "M", "definition": "{}", "type": "EXPRESS", "publish": true,
            "tags": [{"key": "k"}, {"key": "k2", "value": "v"}], "tracingConfiguration": {"enabled": true},
            "loggingConfiguration": {"level": "ALL", "includeExecutionData": true,
                "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": "arn:g"}}]}});
        let r = CreateStateMachineRequest::from_json(&body).unwrap();
        assert_eq!(r.base.machine_type.as_deref(), Some("EXPRESS"));
        assert_eq!(
            r.tags.unwrap(),
            [Tag { key: "k".into(), value: "".into() }, Tag { key: "k2".into(), value: "v".into() }]
        );
        assert_eq!((r.publish, r.tracing_configuration), (Some(true), Some(json!({"enabled": true}))));
        let logging = r.base.logging_configuration.unwrap();
        assert_eq!((logging.level.as_deref(), logging.include_execution_data), (Some("ALL"), Some(true)));
        let group = logging.destinations.unwrap()[0].cloud_watch_logs_log_group.clone().unwrap();
        assert_eq!(group.log_group_arn.as_deref(), Some("arn:g"));
        assert_eq!(
            CreateStateMachineRequest::from_json(&json!({"name": "M", "definition": "{}", "tags": [{"value": "v"}]}))
                .unwrap_err(),
            "missing field 'key' in 'tags'"
        );
        let alias = json!({"name": "A", "routingConfiguration": [{"stateMachineVersionArn": "v1", "weight": 100}]});
        let r = StateMachineAliasInput::from_json(&alias).unwrap();
        assert_eq!(
            r.routing_configuration.unwrap(),
            [RoutingConfigurationListItem { state_machine_version_arn: "v1".into(), weight: 100 }]
        );
        let bad = json!({"routingConfiguration": [{"stateMachineVersionArn": "v1", "weight": -1}]});
        assert_eq!(
            StateMachineAliasInput::from_json(&bad).unwrap_err(),
            "invalid type: integer `-1`, expected u32 at 'weight' in 'routingConfiguration'"
        );
        let r = ListForMachineInput::from_json(&json!({"stateMachineArn": "m", "maxResults": 2})).unwrap();
        assert_eq!((r.state_machine_arn.as_str(), r.page.max_results), ("m", Some(2)));
        let r = TagResourceInput::from_json(&json!({"resourceArn": "r", "tagKeys": ["a", "b"]})).unwrap();
        assert_eq!(r.tag_keys.unwrap(), ["a", "b"]);
        let r = MapRunInput::from_json(&json!({"mapRunArn": "m", "toleratedFailurePercentage": 5})).unwrap();
        assert_eq!(r.tolerated_failure_percentage, Some(5.0));
    }
}
