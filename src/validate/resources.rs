//! Task resources: which ARNs and optimized integrations exist, what they need, and `Credentials`.

use serde_json::{Map, Value};

use super::syntax::path_or_intrinsic_is_valid;
use super::wording::{at, type_name};
use super::{Lang, MachineType, Validator};

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
        "states" => match crate::resource::integration(resource) {
            Some(integration) => classify_integration(integration),
            None => ResourceKind::Unrecognized,
        },
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

pub(super) fn s3_resource_is(resource: &str, apis: &[&str]) -> bool {
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

impl Validator {
    pub(super) fn resource(&mut self, v: &Value, loc: &str) {
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
    pub(super) fn task_parameters(&mut self, st: &Map<String, Value>, loc: &str, lang: Lang) {
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

    pub(super) fn credentials(&mut self, v: &Value, loc: &str) {
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
}
