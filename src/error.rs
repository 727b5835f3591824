//! Runtime failures: an AWS error name plus a cause, as Step Functions reports them.

use std::fmt;

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

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure while running a state: the error name and the cause text, exactly as AWS reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The error name, e.g. `States.Runtime` or a task's own error such as `Lambda.Unknown`.
    pub error: String,
    /// The cause text (may be empty).
    pub cause: String,
}

impl Failure {
    /// A failure with one of Step Functions' own error names.
    pub fn new(name: ErrorName, cause: impl Into<String>) -> Self {
        Failure { error: name.as_str().to_string(), cause: cause.into() }
    }

    /// A failure with any error name (user errors from `Fail` states and tasks).
    pub fn custom(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: cause.into() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for Failure {}
