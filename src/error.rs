//! Errors in AWS's vocabulary: runtime failures (`States.*` names plus a cause) and API errors
//! (an exception kind plus a message).
//!
//! Each kind maps to one fixed name with `as_str()`; Retry and Catch match on the failure names, and
//! the JS bindings and the wire protocol give the API error names to callers.

use std::fmt;

use serde_json::Value;

/// The error names that Step Functions itself raises. Retry and Catch match on [`ErrorName::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorName {
    /// Matches every error in `ErrorEquals` (never raised itself).
    All,
    /// A `Map` or `Parallel` branch failed.
    BranchFailed,
    /// A state's input or output went over 256 KiB.
    DataLimitExceeded,
    /// A `Map` failed more items than `ToleratedFailureCount/Percentage` allow.
    ExceedToleratedFailureThreshold,
    /// A `Task` sent no heartbeat within `HeartbeatSeconds`.
    HeartbeatTimeout,
    /// An intrinsic function failed on its arguments.
    IntrinsicFailure,
    /// A `Map`'s `ItemReader` failed.
    ItemReaderFailed,
    /// No `Choice` rule matched and there is no `Default`.
    NoChoiceMatched,
    /// A path in `Parameters` or `ItemSelector` matched nothing.
    ParameterPathFailure,
    /// The role lacks a permission.
    Permissions,
    /// `ResultPath` cannot be applied to the input.
    ResultPathMatchFailure,
    /// A `ResultWriter` failed.
    ResultWriterFailed,
    /// Anything else that goes wrong while running, such as a path that matches nothing.
    Runtime,
    /// A task failed.
    TaskFailed,
    /// A state or the execution ran longer than its `TimeoutSeconds`.
    Timeout,
    /// A `QueryEvaluationError` in JSONata.
    QueryEvaluationError,
}

impl ErrorName {
    /// The AWS name, such as `States.Runtime`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::All => "States.ALL",
            Self::BranchFailed => "States.BranchFailed",
            Self::DataLimitExceeded => "States.DataLimitExceeded",
            Self::ExceedToleratedFailureThreshold => "States.ExceedToleratedFailureThreshold",
            Self::HeartbeatTimeout => "States.HeartbeatTimeout",
            Self::IntrinsicFailure => "States.IntrinsicFailure",
            Self::ItemReaderFailed => "States.ItemReaderFailed",
            Self::NoChoiceMatched => "States.NoChoiceMatched",
            Self::ParameterPathFailure => "States.ParameterPathFailure",
            Self::Permissions => "States.Permissions",
            Self::ResultPathMatchFailure => "States.ResultPathMatchFailure",
            Self::ResultWriterFailed => "States.ResultWriterFailed",
            Self::Runtime => "States.Runtime",
            Self::TaskFailed => "States.TaskFailed",
            Self::Timeout => "States.Timeout",
            Self::QueryEvaluationError => "States.QueryEvaluationError",
        }
    }
}

impl ErrorName {
    /// Every name, for [`ErrorName::parse`].
    const ALL: [ErrorName; 16] = [
        Self::All,
        Self::BranchFailed,
        Self::DataLimitExceeded,
        Self::ExceedToleratedFailureThreshold,
        Self::HeartbeatTimeout,
        Self::IntrinsicFailure,
        Self::ItemReaderFailed,
        Self::NoChoiceMatched,
        Self::ParameterPathFailure,
        Self::Permissions,
        Self::ResultPathMatchFailure,
        Self::ResultWriterFailed,
        Self::Runtime,
        Self::TaskFailed,
        Self::Timeout,
        Self::QueryEvaluationError,
    ];

    /// The name whose [`ErrorName::as_str`] is `text`, if any.
    pub fn parse(text: &str) -> Option<ErrorName> {
        Self::ALL.into_iter().find(|n| n.as_str() == text)
    }
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure's error name: one of Step Functions' own (`States.*`), or any other text (a task's
/// `Lambda.Unknown`, a Fail state's `Error`, a `SendTaskFailure`'s error, or none at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// A `States.*` name.
    States(ErrorName),
    /// Any other name (may be empty).
    Custom(String),
}

impl ErrorCode {
    /// The name as AWS shows it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::States(n) => n.as_str(),
            ErrorCode::Custom(s) => s,
        }
    }

    /// Whether this is Step Functions' own `name`.
    pub fn is(&self, name: ErrorName) -> bool {
        matches!(self, ErrorCode::States(n) if *n == name)
    }

    /// Whether the name is empty (a Fail state or `SendTaskFailure` may give none).
    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl From<String> for ErrorCode {
    fn from(text: String) -> Self {
        match ErrorName::parse(&text) {
            Some(n) => ErrorCode::States(n),
            None => ErrorCode::Custom(text),
        }
    }
}

impl From<&str> for ErrorCode {
    fn from(text: &str) -> Self {
        ErrorCode::from(text.to_string())
    }
}

impl From<ErrorName> for ErrorCode {
    fn from(name: ErrorName) -> Self {
        ErrorCode::States(name)
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A failure while running a state: the error name and the cause text, exactly as AWS reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The error name, e.g. `States.Runtime` or a task's own error such as `Lambda.Unknown`.
    pub error: ErrorCode,
    /// The cause text (may be empty).
    pub cause: String,
}

impl Failure {
    /// A failure with one of Step Functions' own error names.
    pub fn new(name: ErrorName, cause: impl Into<String>) -> Self {
        Failure { error: ErrorCode::States(name), cause: cause.into() }
    }

    /// A failure with any error name (user errors from `Fail` states and tasks).
    pub fn custom(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Failure { error: ErrorCode::from(error.into()), cause: cause.into() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for Failure {}

/// The exceptions the Step Functions and CloudWatch Logs APIs answer with. [`ApiErrorKind::as_str`]
/// is AWS's name, which the SDKs turn into their exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorKind {
    /// Two executions with one name (Standard), or a name reused with other input.
    ExecutionAlreadyExists,
    /// No execution has this ARN.
    ExecutionDoesNotExist,
    /// The account runs as many executions as it may ([`crate::simulator::Budgets::max_open_executions`]).
    ExecutionLimitExceeded,
    /// An ARN that is not one.
    InvalidArn,
    /// A definition that does not validate (with diagnostics).
    InvalidDefinition,
    /// Execution input that is not JSON.
    InvalidExecutionInput,
    /// A logging configuration with no single valid log group.
    InvalidLoggingConfiguration,
    /// A state machine or execution name that breaks AWS's naming rule.
    InvalidName,
    /// `SendTaskSuccess` output that is not JSON.
    InvalidOutput,
    /// A paging token that was not handed out.
    InvalidToken,
    /// A state machine name taken by a different machine.
    StateMachineAlreadyExists,
    /// No state machine has this ARN.
    StateMachineDoesNotExist,
    /// `StartSyncExecution` of a Standard machine.
    StateMachineTypeNotSupported,
    /// A task token never handed out.
    TaskDoesNotExist,
    /// A task token whose task has ended.
    TaskTimedOut,
    /// A token bucket of the API quotas is empty.
    ThrottlingException,
    /// A request that breaks the API's field constraints.
    ValidationException,
    /// CloudWatch Logs: a parameter out of range.
    InvalidParameterException,
    /// CloudWatch Logs: no such log group or stream.
    ResourceNotFoundException,
    /// CloudWatch Logs: a log group that exists already.
    ResourceAlreadyExistsException,
    /// No activity has this ARN.
    ActivityDoesNotExist,
    /// A request that conflicts with the resource's state (an alias's routing, a version in use).
    ConflictException,
    /// No version, alias, Map Run or tagged resource has this ARN.
    ResourceNotFound,
    /// `RedriveExecution` of an execution that cannot be redriven.
    ExecutionNotRedrivable,
    /// `UpdateStateMachine` with nothing to update.
    MissingRequiredParameter,
    /// More than 50 tags on one resource.
    TooManyTags,
    /// A target (`X-Amz-Target`) that names no operation served here.
    UnknownOperationException,
    /// A body that is not JSON, or a member of the wrong JSON type.
    SerializationException,
}

impl ApiErrorKind {
    /// AWS's exception name, such as `StateMachineDoesNotExist`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ExecutionAlreadyExists => "ExecutionAlreadyExists",
            Self::ExecutionDoesNotExist => "ExecutionDoesNotExist",
            Self::ExecutionLimitExceeded => "ExecutionLimitExceeded",
            Self::InvalidArn => "InvalidArn",
            Self::InvalidDefinition => "InvalidDefinition",
            Self::InvalidExecutionInput => "InvalidExecutionInput",
            Self::InvalidLoggingConfiguration => "InvalidLoggingConfiguration",
            Self::InvalidName => "InvalidName",
            Self::InvalidOutput => "InvalidOutput",
            Self::InvalidToken => "InvalidToken",
            Self::StateMachineAlreadyExists => "StateMachineAlreadyExists",
            Self::StateMachineDoesNotExist => "StateMachineDoesNotExist",
            Self::StateMachineTypeNotSupported => "StateMachineTypeNotSupported",
            Self::TaskDoesNotExist => "TaskDoesNotExist",
            Self::TaskTimedOut => "TaskTimedOut",
            Self::ThrottlingException => "ThrottlingException",
            Self::ValidationException => "ValidationException",
            Self::InvalidParameterException => "InvalidParameterException",
            Self::ResourceNotFoundException => "ResourceNotFoundException",
            Self::ResourceAlreadyExistsException => "ResourceAlreadyExistsException",
            Self::ActivityDoesNotExist => "ActivityDoesNotExist",
            Self::ConflictException => "ConflictException",
            Self::ResourceNotFound => "ResourceNotFound",
            Self::ExecutionNotRedrivable => "ExecutionNotRedrivable",
            Self::MissingRequiredParameter => "MissingRequiredParameter",
            Self::TooManyTags => "TooManyTags",
            Self::UnknownOperationException => "UnknownOperationException",
            Self::SerializationException => "SerializationException",
        }
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An API error: AWS's exception kind, its message and, for `InvalidDefinition`, the
/// `ValidateStateMachineDefinition` diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// Which exception.
    pub kind: ApiErrorKind,
    /// AWS's message.
    pub message: String,
    /// For `InvalidDefinition`: the diagnostics.
    pub diagnostics: Vec<Value>,
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ApiErrorKind, message: impl Into<String>) -> Self {
        ApiError { kind, message: message.into(), diagnostics: Vec::new() }
    }

    /// A malformed request (a missing field, a value of the wrong type or out of range).
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::new(ApiErrorKind::ValidationException, message)
    }

    /// An invalid definition, without diagnostics (`TestState` gives none).
    pub fn definition(message: impl Into<String>) -> Self {
        ApiError::new(ApiErrorKind::InvalidDefinition, message)
    }

    /// AWS's exception name.
    pub fn name(&self) -> &'static str {
        self.kind.as_str()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for ApiError {}
