//! State machine versions and aliases: `PublishStateMachineVersion`, `ListStateMachineVersions`,
//! `DeleteStateMachineVersion`, and `CreateStateMachineAlias`, `DescribeStateMachineAlias`,
//! `UpdateStateMachineAlias`, `DeleteStateMachineAlias`, `ListStateMachineAliases`.
//!
//! A version is an immutable snapshot of a machine's revision, numbered from 1 and never reused;
//! an alias routes starts to one or two versions by weight (the seeded random source picks).
//! Messages are AWS's, as recorded.

use std::sync::Arc;

use serde_json::{json, Value};

use super::arn;
use super::registry::{ListInput, Revision};
use super::{ApiError, ApiErrorKind, MachineEntry, Simulator};

/// AWS's quota of versions per machine.
const MAX_VERSIONS: usize = 1000;
/// AWS's quota of aliases per machine.
const MAX_ALIASES: usize = 100;

/// A published version.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub arn: String,
    pub entry: MachineEntry,
    pub revision: Arc<Revision>,
    pub description: Option<String>,
    pub creation_date: i64,
}

/// An alias: a name that routes to versions.
#[derive(Debug, Clone)]
pub(crate) struct Alias {
    pub arn: String,
    pub name: String,
    pub description: Option<String>,
    pub routing: Vec<(String, u32)>,
    pub creation_date: i64,
    pub update_date: i64,
}

/// `PublishStateMachineVersion`'s request.
#[derive(Debug, Clone, Default)]
pub struct PublishStateMachineVersionInput {
    /// The machine.
    pub state_machine_arn: String,
    /// Publish only if this is still the machine's revision.
    pub revision_id: Option<String>,
    /// The version's description.
    pub description: Option<String>,
}

/// A request naming a version (`DeleteStateMachineVersion`).
#[derive(Debug, Clone, Default)]
pub struct StateMachineVersionInput {
    /// `...:stateMachine:<name>:<number>`.
    pub state_machine_version_arn: String,
}

/// One route of an alias.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingConfigurationListItem {
    /// A version of the machine.
    pub state_machine_version_arn: String,
    /// 0 to 100; the weights add up to 100.
    pub weight: u32,
}

/// `CreateStateMachineAlias`'s and `UpdateStateMachineAlias`'s request.
#[derive(Debug, Clone, Default)]
pub struct StateMachineAliasInput {
    /// Create: the name.
    pub name: Option<String>,
    /// Update, describe, delete: the alias.
    pub state_machine_alias_arn: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// One or two versions and their weights.
    pub routing_configuration: Option<Vec<RoutingConfigurationListItem>>,
}

/// `ListStateMachineVersions`' and `ListStateMachineAliases`' request.
#[derive(Debug, Clone, Default)]
pub struct ListForMachineInput {
    /// The machine.
    pub state_machine_arn: String,
    /// Paging.
    pub page: ListInput,
}

fn no_resource(arn: &str) -> ApiError {
    ApiError::new(ApiErrorKind::ResourceNotFound, format!("Resource not found: '{arn}'"))
}

fn no_alias() -> ApiError {
    ApiError::new(ApiErrorKind::ResourceNotFound, "Request references a resource that does not exist.")
}

fn no_machine(arn: &str) -> ApiError {
    ApiError::new(ApiErrorKind::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{arn}'"))
}

/// The machine ARN and qualifier of `...:stateMachine:<name>:<qualifier>`.
fn split_qualified(text: &str) -> Result<(String, String), ApiError> {
    let parsed = arn::parse(text, &["stateMachine"])?;
    match parsed.rest.as_slice() {
        [_, q] => Ok((text[..text.len() - q.len() - 1].to_string(), q.to_string())),
        _ => Err(arn::invalid(format!("Resource type not valid in this context: {text}"))),
    }
}

impl Simulator {
    /// `PublishStateMachineVersion`: `{stateMachineVersionArn, creationDate}`. Publishing a revision
    /// that the latest version already holds returns that version.
    pub fn publish_version(
        &mut self,
        machine_arn: &str,
        revision_id: Option<&str>,
        description: Option<String>,
        now: i64,
    ) -> Result<Value, ApiError> {
        arn::parse(machine_arn, &["stateMachine"])?;
        let entry = self.machines.get(machine_arn).cloned().ok_or_else(|| no_machine(machine_arn))?;
        let extra = self.extra(machine_arn).ok_or_else(|| no_machine(machine_arn))?;
        if let Some(r) = revision_id.filter(|r| *r != extra.revision.id) {
            return Err(ApiError::new(
                ApiErrorKind::ConflictException,
                format!(
                    "Failed to publish the State Machine version for revision {r}. The current State Machine revision \
                     is {}.",
                    extra.revision.id
                ),
            ));
        }
        if let Some(v) = extra.versions.values().next_back().filter(|v| v.revision.id == extra.revision.id) {
            return Ok(json!({"stateMachineVersionArn": v.arn, "creationDate": v.creation_date}));
        }
        if extra.versions.len() >= MAX_VERSIONS {
            return Err(ApiError::new(
                ApiErrorKind::ConflictException,
                format!("The state machine '{machine_arn}' has reached the quota of {MAX_VERSIONS} versions."),
            ));
        }
        let n = extra.next_version;
        extra.next_version += 1;
        let arn = format!("{machine_arn}:{n}");
        let version =
            Version { arn: arn.clone(), entry, revision: extra.revision.clone(), description, creation_date: now };
        extra.versions.insert(n, version);
        Ok(json!({"stateMachineVersionArn": arn, "creationDate": now}))
    }

    /// `ListStateMachineVersions`: newest first.
    pub fn list_state_machine_versions(&mut self, input: &ListForMachineInput) -> Result<Value, ApiError> {
        let machine = input.state_machine_arn.as_str();
        arn::parse(machine, &["stateMachine"])?;
        let after = arn::read_token("ListStateMachineVersions", input.page.next_token.as_deref())?;
        let extra = self.extra(machine).ok_or_else(|| no_machine(machine))?;
        let items: Vec<(String, i64)> =
            extra.versions.values().rev().map(|v| (v.arn.clone(), v.creation_date)).collect();
        let size = arn::page_size(input.page.max_results);
        let (page, next) = arn::page("ListStateMachineVersions", items, |v| v.0.clone(), after, size);
        let list: Vec<Value> =
            page.into_iter().map(|(a, d)| json!({"stateMachineVersionArn": a, "creationDate": d})).collect();
        let mut out = json!({"stateMachineVersions": list});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    /// `DeleteStateMachineVersion`: refused while an alias routes to it; a version that does not
    /// exist is deleted already.
    pub fn delete_state_machine_version(&mut self, input: &StateMachineVersionInput) -> Result<Value, ApiError> {
        let (machine, q) = split_qualified(&input.state_machine_version_arn)?;
        let n: u64 = q.parse().map_err(|_| {
            arn::invalid(format!("Resource type not valid in this context: {}", input.state_machine_version_arn))
        })?;
        let Some(extra) = self.extra(&machine) else { return Ok(json!({})) };
        let users: Vec<String> = extra
            .aliases
            .values()
            .filter(|a| a.routing.iter().any(|(v, _)| *v == input.state_machine_version_arn))
            .map(|a| a.name.clone())
            .collect();
        if !users.is_empty() {
            return Err(ApiError::new(
                ApiErrorKind::ConflictException,
                format!(
                    "Version to be deleted must not be referenced by an alias. Current list of aliases referencing \
                     this version: [{}]",
                    users.join(", ")
                ),
            ));
        }
        extra.versions.remove(&n);
        Ok(json!({}))
    }

    /// Checks an alias's routing: one or two distinct versions of `machine` whose weights add up to 100.
    fn check_routing(&mut self, machine: &str, routing: &[RoutingConfigurationListItem]) -> Result<(), ApiError> {
        let arns: Vec<&str> = routing.iter().map(|r| r.state_machine_version_arn.as_str()).collect();
        let received = format!("[{}]", arns.join(", "));
        let versions: Vec<Option<u64>> = arns
            .iter()
            .map(|a| match split_qualified(a) {
                Ok((m, q)) if m == machine => q.parse::<u64>().ok(),
                _ => None,
            })
            .collect();
        if versions.iter().any(Option::is_none) {
            return Err(ApiError::validation(format!(
                "Routing configuration must contain state machine version ARNs. Received: {received}"
            )));
        }
        if arns.len() == 2 && arns[0] == arns[1] {
            return Err(ApiError::validation(format!(
                "Routing configuration must contain distinct state machine version ARNs. Received: {received}"
            )));
        }
        let weights: Vec<String> = routing.iter().map(|r| r.weight.to_string()).collect();
        if routing.iter().map(|r| r.weight).sum::<u32>() != 100 {
            return Err(ApiError::validation(format!(
                "Sum of routing configuration weights must equal 100. Received: [{}]",
                weights.join(", ")
            )));
        }
        let extra = self.extra(machine).ok_or_else(|| no_machine(machine))?;
        for (a, n) in arns.iter().zip(versions) {
            if !n.is_some_and(|n| extra.versions.contains_key(&n)) {
                return Err(no_resource(a));
            }
        }
        Ok(())
    }

    /// `CreateStateMachineAlias`: `{stateMachineAliasArn, creationDate}`; the same request again
    /// returns the alias.
    pub fn create_state_machine_alias(&mut self, input: &StateMachineAliasInput, now: i64) -> Result<Value, ApiError> {
        let name = input.name.clone().unwrap_or_default();
        let routing = input.routing_configuration.clone().unwrap_or_default();
        let first = routing.first().map(|r| r.state_machine_version_arn.clone()).unwrap_or_default();
        let machine = match split_qualified(&first) {
            Ok((m, _)) => m,
            Err(_) => {
                return Err(ApiError::validation(format!(
                    "Routing configuration must contain state machine version ARNs. Received: [{}]",
                    routing.iter().map(|r| r.state_machine_version_arn.as_str()).collect::<Vec<_>>().join(", ")
                )))
            }
        };
        if !self.machines.contains_key(&machine) {
            return Err(no_resource(&first));
        }
        self.check_routing(&machine, &routing)?;
        let routes: Vec<(String, u32)> =
            routing.iter().map(|r| (r.state_machine_version_arn.clone(), r.weight)).collect();
        let arn = format!("{machine}:{name}");
        let extra = self.extra(&machine).ok_or_else(|| no_machine(&machine))?;
        if let Some(a) = extra.aliases.get(&name) {
            if a.routing == routes && a.description == input.description {
                return Ok(json!({"stateMachineAliasArn": a.arn, "creationDate": a.creation_date}));
            }
            return Err(ApiError::new(
                ApiErrorKind::ConflictException,
                "Failed to create alias because an alias with the same name and a different routing configuration \
                 already exists.",
            ));
        }
        if extra.aliases.len() >= MAX_ALIASES {
            return Err(ApiError::new(
                ApiErrorKind::ConflictException,
                format!("The state machine '{machine}' has reached the quota of {MAX_ALIASES} aliases."),
            ));
        }
        let alias = Alias {
            arn: arn.clone(),
            name: name.clone(),
            description: input.description.clone(),
            routing: routes,
            creation_date: now,
            update_date: now,
        };
        extra.aliases.insert(name, alias);
        Ok(json!({"stateMachineAliasArn": arn, "creationDate": now}))
    }

    /// The alias an ARN names.
    fn alias_mut(&mut self, alias_arn: &str) -> Result<&mut Alias, ApiError> {
        let (machine, name) = split_qualified(alias_arn)?;
        let extra = self.extra(&machine).ok_or_else(no_alias)?;
        extra.aliases.get_mut(&name).ok_or_else(no_alias)
    }

    /// `DescribeStateMachineAlias`.
    pub fn describe_state_machine_alias(&mut self, alias_arn: &str) -> Result<Value, ApiError> {
        let a = self.alias_mut(alias_arn)?;
        let mut out = json!({"stateMachineAliasArn": a.arn, "name": a.name, "routingConfiguration": routing_json(&a.routing),
            "creationDate": a.creation_date, "updateDate": a.update_date});
        if let Some(d) = &a.description {
            out["description"] = json!(d);
        }
        Ok(out)
    }

    /// `UpdateStateMachineAlias`: a new description or routing; `{updateDate}`.
    pub fn update_state_machine_alias(&mut self, input: &StateMachineAliasInput, now: i64) -> Result<Value, ApiError> {
        let alias_arn = input.state_machine_alias_arn.clone().unwrap_or_default();
        if input.description.is_none() && input.routing_configuration.is_none() {
            return Err(ApiError::validation("Either the description or the RoutingConfiguration must be specified"));
        }
        self.alias_mut(&alias_arn)?;
        if let Some(routing) = &input.routing_configuration {
            let (machine, _) = split_qualified(&alias_arn)?;
            self.check_routing(&machine, routing)?;
        }
        let a = self.alias_mut(&alias_arn)?;
        if let Some(d) = &input.description {
            a.description = Some(d.clone());
        }
        if let Some(routing) = &input.routing_configuration {
            a.routing = routing.iter().map(|r| (r.state_machine_version_arn.clone(), r.weight)).collect();
        }
        a.update_date = now;
        Ok(json!({"updateDate": now}))
    }

    /// `DeleteStateMachineAlias`.
    pub fn delete_state_machine_alias(&mut self, alias_arn: &str) -> Result<Value, ApiError> {
        let (machine, name) = split_qualified(alias_arn)?;
        if let Some(extra) = self.extra(&machine) {
            extra.aliases.remove(&name);
        }
        Ok(json!({}))
    }

    /// `ListStateMachineAliases`: by name.
    pub fn list_state_machine_aliases(&mut self, input: &ListForMachineInput) -> Result<Value, ApiError> {
        let machine = input.state_machine_arn.as_str();
        let parsed = arn::parse(machine, &["stateMachine"])?;
        let after = arn::read_token("ListStateMachineAliases", input.page.next_token.as_deref())?;
        let base = match parsed.rest.as_slice() {
            [_, q] => machine[..machine.len() - q.len() - 1].to_string(),
            _ => machine.to_string(),
        };
        let extra = self.extra(&base).ok_or_else(|| no_machine(machine))?;
        let items: Vec<(String, i64)> = extra
            .aliases
            .values()
            .filter(|a| base == machine || a.routing.iter().any(|(v, _)| v == machine))
            .map(|a| (a.arn.clone(), a.creation_date))
            .collect();
        let size = arn::page_size(input.page.max_results);
        let (page, next) = arn::page("ListStateMachineAliases", items, |a| a.0.clone(), after, size);
        let list: Vec<Value> =
            page.into_iter().map(|(a, d)| json!({"stateMachineAliasArn": a, "creationDate": d})).collect();
        let mut out = json!({"stateMachineAliases": list});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    /// The version number an alias routes this start to (by weight, from the seeded source).
    pub(crate) fn pick_alias_version(&mut self, machine: &str, alias: &str) -> Option<u64> {
        let routing = self.api.machines.get(machine)?.aliases.get(alias)?.routing.clone();
        let roll = self.rng.u32(0..100);
        let mut acc = 0;
        for (arn, weight) in &routing {
            acc += weight;
            if roll < acc {
                return arn.rsplit(':').next()?.parse().ok();
            }
        }
        routing.last()?.0.rsplit(':').next()?.parse().ok()
    }
}

fn routing_json(routing: &[(String, u32)]) -> Value {
    Value::Array(routing.iter().map(|(a, w)| json!({"stateMachineVersionArn": a, "weight": w})).collect())
}
