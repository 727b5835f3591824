//! The API's request shapes, as the AWS SDKs send them (camelCase JSON).

use serde::Deserialize;

/// `CreateStateMachine`'s request (the fields the simulator reads; others are accepted and ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineInput {
    pub name: String,
    /// The definition as JSON text, as AWS takes it.
    pub definition: String,
    /// `STANDARD` (the default) or `EXPRESS`.
    #[serde(rename = "type")]
    pub machine_type: Option<String>,
    pub role_arn: Option<String>,
    pub logging_configuration: Option<LoggingConfiguration>,
}

/// AWS's `LoggingConfiguration`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfiguration {
    /// `ALL`, `ERROR`, `FATAL` or `OFF` (the default).
    pub level: Option<String>,
    pub include_execution_data: Option<bool>,
    /// Exactly one log group; absent: the simulator's own group, [`DEFAULT_LOG_GROUP`].
    pub destinations: Option<Vec<LogDestination>>,
}

/// One entry of `LoggingConfiguration.destinations`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogDestination {
    pub cloud_watch_logs_log_group: Option<CloudWatchLogsLogGroup>,
}

/// `{logGroupArn}`: `arn:aws:logs:<region>:<account>:log-group:<name>:*`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchLogsLogGroup {
    pub log_group_arn: Option<String>,
}

/// `ValidateStateMachineDefinition`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateStateMachineDefinitionInput {
    pub definition: String,
    #[serde(rename = "type")]
    pub machine_type: Option<String>,
}

/// `StartExecution`'s and `StartSyncExecution`'s request. A `#TestCase` suffix on the ARN picks
/// a test case of the mock config, as in Step Functions Local.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartExecutionInput {
    pub state_machine_arn: String,
    /// JSON text; absent means `{}`.
    pub input: Option<String>,
    pub name: Option<String>,
    /// `StartSyncExecution` only: `ALL_DATA` (the default) or `METADATA_ONLY`.
    pub included_data: Option<String>,
    pub trace_header: Option<String>,
}

/// `SendTaskSuccess`'s request: the task token and the task's output as JSON text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskSuccessInput {
    pub task_token: String,
    pub output: String,
}

/// `SendTaskFailure`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskFailureInput {
    pub task_token: String,
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// `SendTaskHeartbeat`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskHeartbeatInput {
    pub task_token: String,
}

/// A request naming one execution (`DescribeExecution`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionInput {
    pub execution_arn: String,
    pub included_data: Option<String>,
}

/// `StopExecution`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopExecutionInput {
    pub execution_arn: String,
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// `GetExecutionHistory`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetExecutionHistoryInput {
    pub execution_arn: String,
    /// 1 to 1000; AWS's default is 100.
    pub max_results: Option<i64>,
    pub reverse_order: Option<bool>,
    pub next_token: Option<String>,
    /// Default true.
    pub include_execution_data: Option<bool>,
}

/// The simulator's `GetLogEvents`: every record, oldest first, optionally of one execution or
/// one log group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLogEventsInput {
    pub execution_arn: Option<String>,
    pub log_group_name: Option<String>,
    /// A `nextForwardToken` from an earlier answer.
    pub next_token: Option<String>,
    /// 1 to 10000 (the default), as CloudWatch Logs allows.
    pub limit: Option<i64>,
}
