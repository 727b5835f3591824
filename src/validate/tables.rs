//! Which fields each state type accepts, which belong to one query language, and the limits.

/// AWS's message for a `Type` that is not a state type.
pub(super) const STATE_TYPES_MESSAGE: &str =
    "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]";

/// Fields every state accepts.
pub(super) const COMMON_FIELDS: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// Fields each state type accepts in either query language (measured on AWS).
pub(super) fn allowed_fields(state_type: &str) -> &'static [&'static str] {
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
pub(super) const JSONPATH_ONLY: &[&str] = &[
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
pub(super) const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items", "Condition"];

/// The largest `TimeoutSeconds`, `Seconds` or retry interval AWS accepts.
pub(super) const MAX_SECONDS: i64 = 99_999_999;
/// How deep branches and processors may nest before the validator stops following them.
pub(super) const MAX_SCOPE_DEPTH: usize = 64;
/// How deep JSON values (payload templates, Choice rules) are followed.
pub(super) const MAX_VALUE_DEPTH: usize = 128;
