//! Tags on state machines and activities: `TagResource`, `UntagResource`, `ListTagsForResource`.

use serde_json::{json, Value};

use super::arn;
use super::registry::Tag;
use super::{ApiError, ApiErrorKind, Simulator};

/// AWS's quota of tags per resource.
const MAX_TAGS: usize = 50;

/// `TagResource`'s and `UntagResource`'s request.
#[derive(Debug, Clone, Default)]
pub struct TagResourceInput {
    /// A machine or an activity.
    pub resource_arn: String,
    /// `TagResource`: the tags to add or replace.
    pub tags: Option<Vec<Tag>>,
    /// `UntagResource`: the keys to remove.
    pub tag_keys: Option<Vec<String>>,
}

/// Refuses more tags than a resource may hold.
pub(crate) fn check_count(n: usize) -> Result<(), ApiError> {
    if n > MAX_TAGS {
        return Err(ApiError::new(
            ApiErrorKind::TooManyTags,
            format!("The number of tags ({n}) exceeds the maximum of {MAX_TAGS} per resource."),
        ));
    }
    Ok(())
}

impl Simulator {
    /// The resource a tag request names: a machine or an activity that exists (versions and
    /// aliases take no tags, as on AWS).
    fn taggable(&self, resource: &str) -> Result<(), ApiError> {
        let parsed = arn::parse(resource, &["stateMachine", "activity"])?;
        let exists = match parsed.kind {
            "stateMachine" => parsed.rest.len() == 1 && self.machines.contains_key(resource),
            _ => self.api.activities.exists(resource),
        };
        if !exists {
            return Err(ApiError::new(ApiErrorKind::ResourceNotFound, format!("Resource not found: '{resource}'")));
        }
        Ok(())
    }

    /// Adds tags, a new value replacing an old one of the same key.
    pub(crate) fn merge_tags(&mut self, resource: &str, tags: &[Tag]) {
        let list = self.api.tags.entry(resource.to_string()).or_default();
        for t in tags {
            match list.iter_mut().find(|(k, _)| *k == t.key) {
                Some(existing) => existing.1 = t.value.clone(),
                None => list.push((t.key.clone(), t.value.clone())),
            }
        }
    }

    /// `TagResource`.
    pub fn tag_resource(&mut self, input: &TagResourceInput) -> Result<Value, ApiError> {
        self.taggable(&input.resource_arn)?;
        let tags = input.tags.clone().unwrap_or_default();
        let current = self.api.tags.get(&input.resource_arn).map_or(0, Vec::len);
        let new = tags.iter().filter(|t| !self.has_tag(&input.resource_arn, &t.key)).count();
        check_count(current + new)?;
        self.merge_tags(&input.resource_arn, &tags);
        Ok(json!({}))
    }

    fn has_tag(&self, resource: &str, key: &str) -> bool {
        self.api.tags.get(resource).is_some_and(|l| l.iter().any(|(k, _)| k == key))
    }

    /// `UntagResource`.
    pub fn untag_resource(&mut self, input: &TagResourceInput) -> Result<Value, ApiError> {
        self.taggable(&input.resource_arn)?;
        let keys = input.tag_keys.clone().unwrap_or_default();
        if let Some(list) = self.api.tags.get_mut(&input.resource_arn) {
            list.retain(|(k, _)| !keys.contains(k));
        }
        Ok(json!({}))
    }

    /// `ListTagsForResource`: `{tags: [{key, value}]}` in the order they were added.
    pub fn list_tags_for_resource(&self, resource: &str) -> Result<Value, ApiError> {
        self.taggable(resource)?;
        let tags = self.api.tags.get(resource).cloned().unwrap_or_default();
        let list: Vec<Value> = tags.into_iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
        Ok(json!({"tags": list}))
    }
}
