//! The response shapes of common service integrations, to check a mocked Task result as
//! `TestState`'s `mock.fieldValidationMode` asks: `STRICT` (the default) checks the types,
//! ranges and enum values of the fields the API defines and that its required fields are there;
//! `PRESENT` checks only the fields the mock has; `NONE` checks nothing. Fields the API does not
//! define are allowed in every mode. (Developer guide, "Using mocks with TestState":
//! <https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html>.)
//!
//! The shapes are transcribed from the services' API references (output members of
//! `Lambda Invoke`, `SFN StartExecution`, `EventBridge PutEvents`, `DynamoDB PutItem / GetItem /
//! UpdateItem / DeleteItem`, `SQS SendMessage`, `SNS Publish`, `S3 GetObject / PutObject`,
//! `KMS Encrypt / Decrypt`, `Lambda GetFunction`). A resource without a shape here is not checked.

use serde_json::Value;

/// A member's type.
pub(super) enum Shape {
    /// Any JSON (documents, payloads).
    Any,
    /// A map (DynamoDB items, S3 metadata, tags): any JSON object.
    Object,
    Str,
    /// Base64 text in JSON.
    Blob,
    /// A date, which Step Functions hands over as text.
    Timestamp,
    Bool,
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    Long,
    Double,
    Enum(&'static [&'static str]),
    List(Box<Shape>),
    Struct(Vec<Member>),
}

/// A structure member.
pub(super) struct Member {
    name: &'static str,
    shape: Shape,
    required: bool,
}

fn opt(name: &'static str, shape: Shape) -> Member {
    Member { name, shape, required: false }
}

fn req(name: &'static str, shape: Shape) -> Member {
    Member { name, shape, required: true }
}

const INT: Shape = Shape::Int { min: None, max: None };

fn consumed_capacity() -> Shape {
    Shape::Struct(vec![
        opt("TableName", Shape::Str),
        opt("CapacityUnits", Shape::Double),
        opt("ReadCapacityUnits", Shape::Double),
        opt("WriteCapacityUnits", Shape::Double),
        opt("Table", capacity()),
        opt("LocalSecondaryIndexes", Shape::Object),
        opt("GlobalSecondaryIndexes", Shape::Object),
    ])
}

fn capacity() -> Shape {
    Shape::Struct(vec![
        opt("ReadCapacityUnits", Shape::Double),
        opt("WriteCapacityUnits", Shape::Double),
        opt("CapacityUnits", Shape::Double),
    ])
}

fn item_collection_metrics() -> Shape {
    Shape::Struct(vec![
        opt("ItemCollectionKey", Shape::Object),
        opt("SizeEstimateRangeGB", Shape::List(Box::new(Shape::Double))),
    ])
}

const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
    "FSX_OPENZFS",
];
const SSE: &[&str] = &["AES256", "aws:fsx", "aws:kms", "aws:kms:dsse"];
const KMS_ALGORITHMS: &[&str] = &["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];

fn lambda_invoke() -> Shape {
    Shape::Struct(vec![
        opt("StatusCode", INT),
        opt("FunctionError", Shape::Str),
        opt("LogResult", Shape::Str),
        opt("Payload", Shape::Any),
        opt("ExecutedVersion", Shape::Str),
    ])
}

/// The shape of a Task's result for its `Resource`, when known. Callback (`.waitForTaskToken`)
/// and `.sync` tasks end with another document, so they have none.
pub(super) fn response_shape(resource: &str) -> Option<Shape> {
    if resource.ends_with(".waitForTaskToken") || resource.contains(".sync") {
        return None;
    }
    let action = crate::resource::integration(resource)?;
    let action = action.strip_prefix("aws-sdk:").unwrap_or(action);
    let shape = match action {
        "lambda:invoke" => lambda_invoke(),
        "states:startExecution" | "sfn:startExecution" => {
            Shape::Struct(vec![req("ExecutionArn", Shape::Str), req("StartDate", Shape::Timestamp)])
        }
        "events:putEvents" | "eventbridge:putEvents" => Shape::Struct(vec![
            opt("FailedEntryCount", INT),
            opt(
                "Entries",
                Shape::List(Box::new(Shape::Struct(vec![
                    opt("EventId", Shape::Str),
                    opt("ErrorCode", Shape::Str),
                    opt("ErrorMessage", Shape::Str),
                ]))),
            ),
        ]),
        "dynamodb:putItem" | "dynamodb:updateItem" | "dynamodb:deleteItem" => Shape::Struct(vec![
            opt("Attributes", Shape::Object),
            opt("ConsumedCapacity", consumed_capacity()),
            opt("ItemCollectionMetrics", item_collection_metrics()),
        ]),
        "dynamodb:getItem" => {
            Shape::Struct(vec![opt("Item", Shape::Object), opt("ConsumedCapacity", consumed_capacity())])
        }
        "sqs:sendMessage" => Shape::Struct(vec![
            opt("MD5OfMessageBody", Shape::Str),
            opt("MD5OfMessageAttributes", Shape::Str),
            opt("MD5OfMessageSystemAttributes", Shape::Str),
            opt("MessageId", Shape::Str),
            opt("SequenceNumber", Shape::Str),
        ]),
        "sns:publish" => Shape::Struct(vec![opt("MessageId", Shape::Str), opt("SequenceNumber", Shape::Str)]),
        "s3:getObject" => Shape::Struct(vec![
            opt("Body", Shape::Any),
            opt("DeleteMarker", Shape::Bool),
            opt("AcceptRanges", Shape::Str),
            opt("Expiration", Shape::Str),
            opt("Restore", Shape::Str),
            opt("LastModified", Shape::Timestamp),
            opt("ContentLength", Shape::Long),
            opt("ETag", Shape::Str),
            opt("MissingMeta", INT),
            opt("VersionId", Shape::Str),
            opt("CacheControl", Shape::Str),
            opt("ContentDisposition", Shape::Str),
            opt("ContentEncoding", Shape::Str),
            opt("ContentLanguage", Shape::Str),
            opt("ContentRange", Shape::Str),
            opt("ContentType", Shape::Str),
            opt("WebsiteRedirectLocation", Shape::Str),
            opt("ServerSideEncryption", Shape::Enum(SSE)),
            opt("Metadata", Shape::Object),
            opt("SSEKMSKeyId", Shape::Str),
            opt("BucketKeyEnabled", Shape::Bool),
            opt("StorageClass", Shape::Enum(STORAGE_CLASSES)),
            opt("PartsCount", INT),
            opt("TagCount", INT),
            opt("ObjectLockMode", Shape::Enum(&["GOVERNANCE", "COMPLIANCE"])),
            opt("ObjectLockRetainUntilDate", Shape::Timestamp),
            opt("ObjectLockLegalHoldStatus", Shape::Enum(&["ON", "OFF"])),
        ]),
        "s3:putObject" => Shape::Struct(vec![
            opt("Expiration", Shape::Str),
            opt("ETag", Shape::Str),
            opt("ServerSideEncryption", Shape::Enum(SSE)),
            opt("VersionId", Shape::Str),
            opt("SSEKMSKeyId", Shape::Str),
            opt("BucketKeyEnabled", Shape::Bool),
            opt("Size", Shape::Long),
        ]),
        "kms:encrypt" => Shape::Struct(vec![
            opt("CiphertextBlob", Shape::Blob),
            opt("KeyId", Shape::Str),
            opt("EncryptionAlgorithm", Shape::Enum(KMS_ALGORITHMS)),
        ]),
        "kms:decrypt" => Shape::Struct(vec![
            opt("KeyId", Shape::Str),
            opt("Plaintext", Shape::Blob),
            opt("EncryptionAlgorithm", Shape::Enum(KMS_ALGORITHMS)),
            opt("CiphertextForRecipient", Shape::Blob),
        ]),
        "lambda:getFunction" => Shape::Struct(vec![
            opt(
                "Configuration",
                Shape::Struct(vec![
                    opt("FunctionName", Shape::Str),
                    opt("FunctionArn", Shape::Str),
                    opt("Runtime", Shape::Str),
                    opt("Role", Shape::Str),
                    opt("Handler", Shape::Str),
                    opt("CodeSize", Shape::Long),
                    opt("Description", Shape::Str),
                    opt("Timeout", Shape::Int { min: Some(1), max: None }),
                    opt("MemorySize", Shape::Int { min: Some(128), max: Some(10240) }),
                    opt("LastModified", Shape::Str),
                    opt("CodeSha256", Shape::Str),
                    opt("Version", Shape::Str),
                    opt("PackageType", Shape::Enum(&["Zip", "Image"])),
                    opt("Architectures", Shape::List(Box::new(Shape::Enum(&["x86_64", "arm64"])))),
                    opt("State", Shape::Enum(&["Pending", "Active", "Inactive", "Failed"])),
                ]),
            ),
            opt(
                "Code",
                Shape::Struct(vec![
                    opt("RepositoryType", Shape::Str),
                    opt("Location", Shape::Str),
                    opt("ImageUri", Shape::Str),
                    opt("ResolvedImageUri", Shape::Str),
                ]),
            ),
            opt("Tags", Shape::Object),
            opt(
                "Concurrency",
                Shape::Struct(vec![opt("ReservedConcurrentExecutions", Shape::Int { min: Some(0), max: None })]),
            ),
        ]),
        _ => return None,
    };
    Some(shape)
}

/// Checks a mocked result; `Err` is what follows "Mock result schema validation error: ".
pub(super) fn check(shape: &Shape, v: &Value, strict: bool) -> Result<(), String> {
    match (shape, v) {
        (Shape::Struct(members), Value::Object(obj)) => {
            if strict {
                if let Some(m) = members.iter().find(|m| m.required && !obj.contains_key(m.name)) {
                    return Err(format!("Required field '{}' is missing", m.name));
                }
            }
            for m in members {
                if let Some(x) = obj.get(m.name) {
                    check_field(m.name, &m.shape, x, strict)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_field(name: &str, shape: &Shape, v: &Value, strict: bool) -> Result<(), String> {
    let must = |what: &str| Err(format!("Field '{name}' must be {what}"));
    match shape {
        Shape::Any => Ok(()),
        Shape::Str | Shape::Blob | Shape::Timestamp if !v.is_string() => must("a string"),
        Shape::Str | Shape::Blob | Shape::Timestamp => Ok(()),
        Shape::Bool if !v.is_boolean() => must("a boolean"),
        Shape::Bool => Ok(()),
        Shape::Double if !v.is_number() => must("a number"),
        Shape::Double => Ok(()),
        Shape::Int { .. } | Shape::Long if !v.is_number() => must("a number"),
        Shape::Int { .. } | Shape::Long if !(v.is_i64() || v.is_u64()) => must("an integer"),
        Shape::Long => Ok(()),
        Shape::Int { min, max } => {
            let n = v.as_i64().unwrap_or(i64::MAX);
            if max.is_some_and(|m| n > m) {
                return Err(format!("Field '{name}' exceeds the maximum value"));
            }
            if min.is_some_and(|m| n < m) {
                return Err(format!("Field '{name}' is less than the minimum value"));
            }
            Ok(())
        }
        Shape::Enum(values) => match v.as_str() {
            None => must("a string"),
            Some(s) if values.contains(&s) => Ok(()),
            Some(_) => Err(format!("Field '{name}' is not an expected value")),
        },
        Shape::List(item) => match v.as_array() {
            None => must("an array"),
            Some(items) => items.iter().try_for_each(|x| check_field(name, item, x, strict)),
        },
        Shape::Struct(_) | Shape::Object if !v.is_object() => must("an object"),
        Shape::Object => Ok(()),
        Shape::Struct(_) => check(shape, v, strict),
    }
}
