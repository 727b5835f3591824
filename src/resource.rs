//! Task `Resource` ARNs: which service integration a resource names, in every form AWS accepts.
//!
//! AWS's developer guide writes integrations as `arn:aws:states:::service:api[.pattern]`, and
//! CloudFormation and SAM templates deploy them with the partition, region and account filled in
//! (`arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:lambda:invoke`, as in AWS's
//! own sample templates); Step Functions runs both the same way. Everything that asks which
//! integration a Task calls goes through [`integration`], so both forms behave alike.

/// The integration a service-integration ARN names, `service:api[.pattern]` (such as
/// `lambda:invoke`, `aws-sdk:s3:getObject` or `states:startExecution.sync:2`), for
/// `arn:<partition>:states:::<integration>` and `arn:<partition>:states:<region>:<account>:<integration>`.
/// `None` for activities, Lambda function ARNs and anything else.
pub fn integration(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    if !partition.starts_with("aws") {
        return None;
    }
    let rest = rest.strip_prefix("states:")?;
    let (region, rest) = rest.split_once(':')?;
    let (account, rest) = rest.split_once(':')?;
    let located = !region.is_empty() && !account.is_empty();
    let bare = region.is_empty() && account.is_empty();
    if !(located || bare) || rest.is_empty() || rest.starts_with("activity:") || rest.starts_with("stateMachine:") {
        return None;
    }
    Some(rest)
}

/// Whether `resource` is the integration `name` (for example `lambda:invoke`), in any form.
pub fn is_integration(resource: &str, name: &str) -> bool {
    integration(resource) == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_name_the_same_integration() {
        for (resource, want) in [
            ("arn:aws:states:::lambda:invoke", Some("lambda:invoke")),
            ("arn:aws:states:us-east-1:123456789012:lambda:invoke", Some("lambda:invoke")),
            ("arn:aws-us-gov:states:us-gov-west-1:123456789012:aws-sdk:s3:getObject", Some("aws-sdk:s3:getObject")),
            ("arn:aws:states:::states:startExecution.sync:2", Some("states:startExecution.sync:2")),
            ("arn:aws:states:us-east-1::lambda:invoke", None),
            ("arn:aws:states:us-east-1:123456789012:activity:Approve", None),
            ("arn:aws:states:us-east-1:123456789012:stateMachine:M", None),
            ("arn:aws:lambda:us-east-1:123456789012:function:f", None),
            ("arn:aws:states:::", None),
            ("lambda:invoke", None),
        ] {
            assert_eq!(integration(resource), want, "{resource}");
        }
        assert!(is_integration("arn:aws:states:eu-west-1:111122223333:lambda:invoke", "lambda:invoke"));
    }
}
