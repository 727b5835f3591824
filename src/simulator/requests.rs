//! The API's request shapes, as the AWS SDKs send them (camelCase JSON).

/// `CreateStateMachine`'s request (the fields the simulator reads; others are accepted and ignored).
#[derive(Debug, Clone, Default)]
pub struct CreateStateMachineInput {
    /// The name: 1 to 80 characters, AWS's naming rule.
    pub name: String,
    /// The definition as JSON text, as AWS takes it.
    pub definition: String,
    /// `STANDARD` (the default) or `EXPRESS`.
    pub machine_type: Option<String>,
    /// The IAM role it runs as.
    pub role_arn: Option<String>,
    /// What the machine logs, and where.
    pub logging_configuration: Option<LoggingConfiguration>,
}

/// AWS's `LoggingConfiguration`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoggingConfiguration {
    /// `ALL`, `ERROR`, `FATAL` or `OFF` (the default).
    pub level: Option<String>,
    /// Whether records and events carry inputs and outputs.
    pub include_execution_data: Option<bool>,
    /// Exactly one log group; absent: the simulator's own group, [`DEFAULT_LOG_GROUP`].
    pub destinations: Option<Vec<LogDestination>>,
}

/// One entry of `LoggingConfiguration.destinations`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogDestination {
    /// The log group.
    pub cloud_watch_logs_log_group: Option<CloudWatchLogsLogGroup>,
}

/// `{logGroupArn}`: `arn:aws:logs:<region>:<account>:log-group:<name>:*`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CloudWatchLogsLogGroup {
    /// `arn:aws:logs:<region>:<account>:log-group:<name>:*`.
    pub log_group_arn: Option<String>,
}

/// `ValidateStateMachineDefinition`'s request.
#[derive(Debug, Clone, Default)]
pub struct ValidateStateMachineDefinitionInput {
    /// The definition, as JSON text.
    pub definition: String,
    /// `STANDARD` or `EXPRESS`.
    pub machine_type: Option<String>,
}

/// `StartExecution`'s and `StartSyncExecution`'s request. A `#TestCase` suffix on the ARN picks
/// a test case of the mock config, as in Step Functions Local.
#[derive(Debug, Clone, Default)]
pub struct StartExecutionInput {
    /// The machine to run; `#TestCase` picks a mock config test case.
    pub state_machine_arn: String,
    /// JSON text; absent means `{}`.
    pub input: Option<String>,
    /// The name: 1 to 80 characters, AWS's naming rule.
    pub name: Option<String>,
    /// `StartSyncExecution` only: `ALL_DATA` (the default) or `METADATA_ONLY`.
    pub included_data: Option<String>,
    /// An X-Ray trace header (kept, not used).
    pub trace_header: Option<String>,
}

/// `SendTaskSuccess`'s request: the task token and the task's output as JSON text.
#[derive(Debug, Clone, Default)]
pub struct SendTaskSuccessInput {
    /// The token the task handed out (1 to 2048 characters).
    pub task_token: String,
    /// The task's output, as JSON text.
    pub output: String,
}

/// `SendTaskFailure`'s request.
#[derive(Debug, Clone, Default)]
pub struct SendTaskFailureInput {
    /// The token the task handed out (1 to 2048 characters).
    pub task_token: String,
    /// The error name (at most 256 characters).
    pub error: Option<String>,
    /// The cause (at most 32768 characters).
    pub cause: Option<String>,
}

/// `SendTaskHeartbeat`'s request.
#[derive(Debug, Clone, Default)]
pub struct SendTaskHeartbeatInput {
    /// The token the task handed out (1 to 2048 characters).
    pub task_token: String,
}

/// A request naming one execution (`DescribeExecution`).
#[derive(Debug, Clone, Default)]
pub struct ExecutionInput {
    /// The execution's ARN.
    pub execution_arn: String,
    /// `ALL_DATA` (the default) or `METADATA_ONLY`.
    pub included_data: Option<String>,
}

/// `StopExecution`'s request.
#[derive(Debug, Clone, Default)]
pub struct StopExecutionInput {
    /// The execution's ARN.
    pub execution_arn: String,
    /// The error name (at most 256 characters).
    pub error: Option<String>,
    /// The cause (at most 32768 characters).
    pub cause: Option<String>,
}

/// `GetExecutionHistory`'s request.
#[derive(Debug, Clone, Default)]
pub struct GetExecutionHistoryInput {
    /// The execution's ARN.
    pub execution_arn: String,
    /// 1 to 1000; AWS's default is 100.
    pub max_results: Option<i64>,
    /// Newest first.
    pub reverse_order: Option<bool>,
    /// The token of the page to read.
    pub next_token: Option<String>,
    /// Default true.
    pub include_execution_data: Option<bool>,
}

/// The simulator's `GetLogEvents`: every record, oldest first, optionally of one execution or
/// one log group.
#[derive(Debug, Clone, Default)]
pub struct GetLogEventsInput {
    /// The execution's ARN.
    pub execution_arn: Option<String>,
    /// Only this log group's records.
    pub log_group_name: Option<String>,
    /// A `nextForwardToken` from an earlier answer.
    pub next_token: Option<String>,
    /// 1 to 10000 (the default), as CloudWatch Logs allows.
    pub limit: Option<i64>,
}
