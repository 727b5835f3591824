//! State machines as the API manages them: `CreateStateMachine` with tags, tracing and `publish`,
//! `DescribeStateMachine`, `UpdateStateMachine` (revisions), `DeleteStateMachine`,
//! `ListStateMachines`; and what an execution starts from (a machine, a version or an alias).
//!
//! What the account keeps for these beside [`MachineEntry`] is in [`ApiState`], one field of the
//! [`Simulator`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::activities::Activities;
use super::arn;
use super::cloudwatch::CloudWatch;
use super::versions::{Alias, Version};
use super::{
    check_definition, load_machine, ApiError, ApiErrorKind, CreateStateMachineInput, Logging, LoggingConfiguration,
    MachineEntry, Simulator, DEFAULT_LOG_GROUP,
};
use crate::exec::MachineType;
use crate::model::Machine;

/// What the account keeps for the API beside machines and executions.
#[derive(Default)]
pub(crate) struct ApiState {
    /// Revisions, versions and aliases of each machine, by machine ARN.
    pub(crate) machines: HashMap<String, MachineExtra>,
    /// Tags by resource ARN (machines and activities).
    pub(crate) tags: HashMap<String, Vec<(String, String)>>,
    /// Activities and their task queues.
    pub(crate) activities: Activities,
    /// Log groups' creation times and the log streams' index.
    pub(crate) cloudwatch: CloudWatch,
    /// Counts ids handed out.
    counter: u64,
}

/// A machine's definition, role and logging at one revision: what an execution runs.
#[derive(Debug, Clone)]
pub(crate) struct Revision {
    /// AWS's `revisionId` (a UUID).
    pub id: String,
    /// The definition text.
    pub definition: String,
    /// The role.
    pub role_arn: String,
    /// The logging.
    pub logging: Logging,
    /// When this revision was made (the creation or the update), epoch ms.
    pub date: i64,
    /// Whether X-Ray tracing is on (recorded, not done).
    pub tracing: bool,
}

/// Revisions, versions and aliases of one machine.
#[derive(Debug, Clone)]
pub(crate) struct MachineExtra {
    /// The current revision.
    pub revision: Arc<Revision>,
    /// Whether `UpdateStateMachine` has changed it (AWS shows `revisionId` from then on).
    pub updated: bool,
    /// Published versions by number.
    pub versions: BTreeMap<u64, Version>,
    /// The next version's number.
    pub next_version: u64,
    /// Aliases by name.
    pub aliases: BTreeMap<String, Alias>,
}

/// What an execution records of where it came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExecMeta {
    /// The version it runs, when started through a version or an alias.
    pub version_arn: Option<String>,
    /// The alias it was started through.
    pub alias_arn: Option<String>,
    /// The revision it runs (definition, role, logging).
    pub revision: Option<Arc<Revision>>,
    /// The CloudWatch Logs stream its records go to.
    pub log_stream: Arc<str>,
    /// When `RedriveExecution` last restarted it.
    pub redrive_date: Option<i64>,
}

/// The machine, version or alias a start names, resolved.
pub(crate) struct StartTarget {
    pub machine_arn: String,
    pub name: String,
    pub machine_type: MachineType,
    pub role_arn: String,
    pub machine: Arc<Machine>,
    pub meta: ExecMeta,
}

/// A tag: `{key, value}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tag {
    /// 1 to 128 characters.
    pub key: String,
    /// 0 to 256 characters.
    pub value: String,
}

/// `CreateStateMachine`'s whole request, as the API takes it.
#[derive(Debug, Clone, Default)]
pub struct CreateStateMachineRequest {
    /// Name, definition, type, role and logging.
    pub base: CreateStateMachineInput,
    /// Tags for the machine.
    pub tags: Option<Vec<Tag>>,
    /// `{enabled}`: X-Ray tracing (recorded and described; no traces are sent).
    pub tracing_configuration: Option<Value>,
    /// Publish version 1 at once.
    pub publish: Option<bool>,
    /// The published version's description.
    pub version_description: Option<String>,
    /// `{type: AWS_OWNED_KEY}` only: the simulator has no KMS.
    pub encryption_configuration: Option<Value>,
}

/// `UpdateStateMachine`'s request.
#[derive(Debug, Clone, Default)]
pub struct UpdateStateMachineInput {
    /// The machine (not a version or alias).
    pub state_machine_arn: String,
    /// A new definition.
    pub definition: Option<String>,
    /// A new role.
    pub role_arn: Option<String>,
    /// New logging.
    pub logging_configuration: Option<LoggingConfiguration>,
    /// New tracing.
    pub tracing_configuration: Option<Value>,
    /// Publish a version of the result.
    pub publish: Option<bool>,
    /// That version's description.
    pub version_description: Option<String>,
    /// `{type: AWS_OWNED_KEY}` only.
    pub encryption_configuration: Option<Value>,
}

/// A request naming one machine, version or alias (`DescribeStateMachine`, `DeleteStateMachine`).
#[derive(Debug, Clone, Default)]
pub struct StateMachineInput {
    /// The machine's, version's or alias's ARN.
    pub state_machine_arn: String,
    /// `ALL_DATA` or `METADATA_ONLY` (no difference here: nothing is encrypted).
    pub included_data: Option<String>,
}

/// A `List*` request's paging.
#[derive(Debug, Clone, Default)]
pub struct ListInput {
    /// 0 to 1000; 0 or absent: 100.
    pub max_results: Option<i64>,
    /// A `nextToken` of the previous page.
    pub next_token: Option<String>,
}

/// A version 4 style UUID derived from `seed` (SHA-256): ids that take nothing from the seeded
/// random source, so that the API's bookkeeping never changes an execution's names.
pub(crate) fn derived_uuid(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

impl ApiState {
    /// A number never given before, for ids.
    pub(crate) fn next_id(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }
}

impl Simulator {
    /// A request id for the API's responses (`x-amzn-RequestId`), derived rather than drawn from
    /// the seeded source.
    pub fn next_request_id(&mut self) -> String {
        let n = self.api.next_id();
        derived_uuid(&format!("request:{}:{}:{n}", self.account, self.region))
    }
}

/// Refuses KMS keys: the simulator encrypts nothing, so only AWS's own key is honest.
pub(crate) fn check_encryption(config: Option<&Value>) -> Result<(), ApiError> {
    match config.and_then(|c| c.get("type")).and_then(Value::as_str) {
        None | Some("AWS_OWNED_KEY") => Ok(()),
        Some(other) => Err(ApiError::validation(format!(
            "asl-sim does not support encryptionConfiguration type {other}: only AWS_OWNED_KEY (it has no KMS)"
        ))),
    }
}

fn tracing_enabled(config: Option<&Value>) -> bool {
    config.and_then(|c| c.get("enabled")).and_then(Value::as_bool).unwrap_or(false)
}

impl Simulator {
    /// `CreateStateMachine` with all of AWS's request: also tags, tracing, and `publish` (the
    /// response then names version 1 too).
    pub fn create_state_machine_api(&mut self, input: &CreateStateMachineRequest, now: i64) -> Result<Value, ApiError> {
        self.set_now(now);
        check_encryption(input.encryption_configuration.as_ref())?;
        let publish = input.publish.unwrap_or(false);
        if input.version_description.is_some() && !publish {
            return Err(ApiError::validation("Version description can only be set when publish is true"));
        }
        if let Some(tags) = &input.tags {
            super::tags::check_count(tags.len())?;
        }
        let mut out = self.create_state_machine(&input.base, now)?;
        let arn = out["stateMachineArn"].as_str().unwrap_or_default().to_string();
        let tracing = tracing_enabled(input.tracing_configuration.as_ref());
        let extra = self.extra(&arn);
        if let Some(e) = extra {
            if e.revision.tracing != tracing {
                let mut r = (*e.revision).clone();
                r.tracing = tracing;
                e.revision = Arc::new(r);
            }
        }
        if let Some(tags) = &input.tags {
            self.merge_tags(&arn, tags);
        }
        if publish {
            let v = self.publish_version(&arn, None, input.version_description.clone(), now)?;
            out["stateMachineVersionArn"] = v["stateMachineVersionArn"].clone();
        }
        Ok(out)
    }

    /// The revisions, versions and aliases of a machine (made on first use for machines created
    /// through [`Simulator::create_state_machine`]).
    pub(crate) fn extra(&mut self, machine_arn: &str) -> Option<&mut MachineExtra> {
        let m = self.machines.get(machine_arn)?;
        if !self.api.machines.contains_key(machine_arn) {
            let revision = Revision {
                id: derived_uuid(&format!("revision:{machine_arn}:{}", m.creation_date)),
                definition: m.definition.clone(),
                role_arn: m.role_arn.clone(),
                logging: m.logging.clone(),
                date: m.creation_date,
                tracing: false,
            };
            let extra = MachineExtra {
                revision: Arc::new(revision),
                updated: false,
                versions: BTreeMap::new(),
                next_version: 1,
                aliases: BTreeMap::new(),
            };
            self.api.machines.insert(machine_arn.to_string(), extra);
        }
        self.api.machines.get_mut(machine_arn)
    }

    /// What a start names: a machine (`...:stateMachine:Name`), a version (`...:Name:3`) or an
    /// alias (`...:Name:prod`, which picks one of its versions by their weights).
    pub(crate) fn start_target(&mut self, arn_text: &str) -> Result<StartTarget, ApiError> {
        let parsed = arn::parse(arn_text, &["stateMachine"])?;
        let missing = || {
            ApiError::new(ApiErrorKind::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{arn_text}'"))
        };
        let qualifier = match parsed.rest.as_slice() {
            [_] => None,
            [_, q] => Some(q.to_string()),
            _ => return Err(missing()),
        };
        let base = match &qualifier {
            Some(_) => arn_text.rsplit_once(':').map_or(arn_text, |p| p.0).to_string(),
            None => arn_text.to_string(),
        };
        let entry = self.machines.get(&base).ok_or_else(missing)?.clone();
        let mut alias_arn = None;
        let version_number = match &qualifier {
            None => None,
            Some(q) if q.bytes().all(|b| b.is_ascii_digit()) => Some(q.parse::<u64>().map_err(|_| missing())?),
            Some(alias) => {
                alias_arn = Some(arn_text.to_string());
                Some(self.pick_alias_version(&base, alias).ok_or_else(missing)?)
            }
        };
        let extra = self.extra(&base).ok_or_else(missing)?;
        let (machine, revision, version_arn) = match version_number {
            None => (entry.machine.clone(), extra.revision.clone(), None),
            Some(n) => {
                let v = extra.versions.get(&n).ok_or_else(missing)?;
                (v.entry.machine.clone(), v.revision.clone(), Some(v.arn.clone()))
            }
        };
        Ok(StartTarget {
            machine_arn: base,
            name: entry.name,
            machine_type: entry.machine_type,
            role_arn: revision.role_arn.clone(),
            machine,
            meta: ExecMeta {
                version_arn,
                alias_arn,
                revision: Some(revision),
                log_stream: Arc::from(""),
                redrive_date: None,
            },
        })
    }

    /// `DescribeStateMachine` of a machine or a version.
    pub fn describe_state_machine(&mut self, input: &StateMachineInput) -> Result<Value, ApiError> {
        let arn_text = input.state_machine_arn.as_str();
        let parsed = arn::parse(arn_text, &["stateMachine"])?;
        let missing = || {
            ApiError::new(ApiErrorKind::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{arn_text}'"))
        };
        if let [_, q] = parsed.rest.as_slice() {
            let n: u64 = q.parse().map_err(|_| missing())?;
            let base = arn_text.rsplit_once(':').map(|p| p.0).unwrap_or_default().to_string();
            self.machines.get(&base).ok_or_else(missing)?;
            let (region, account) = (self.region.clone(), self.account.clone());
            let extra = self.extra(&base).ok_or_else(missing)?;
            let v = extra.versions.get(&n).ok_or_else(missing)?;
            let mut out = machine_description(&v.entry, &v.revision, &region, &account);
            out.insert("stateMachineArn".into(), json!(v.arn));
            out.insert("creationDate".into(), json!(v.creation_date));
            if let Some(d) = &v.description {
                out.insert("description".into(), json!(d));
            }
            return Ok(Value::Object(out));
        }
        let entry = self.machines.get(arn_text).cloned().ok_or_else(missing)?;
        let (region, account) = (self.region.clone(), self.account.clone());
        let extra = self.extra(arn_text).ok_or_else(missing)?;
        let mut out = machine_description(&entry, &extra.revision, &region, &account);
        if extra.updated {
            out.insert("revisionId".into(), json!(extra.revision.id));
        }
        Ok(Value::Object(out))
    }

    /// `UpdateStateMachine`: a new definition, role, logging or tracing for the machine (a new
    /// revision), optionally published as a version.
    pub fn update_state_machine(&mut self, input: &UpdateStateMachineInput, now: i64) -> Result<Value, ApiError> {
        self.set_now(now);
        let arn_text = input.state_machine_arn.as_str();
        arn::parse(arn_text, &["stateMachine"])?;
        check_encryption(input.encryption_configuration.as_ref())?;
        let missing = || {
            ApiError::new(ApiErrorKind::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{arn_text}'"))
        };
        let entry = self.machines.get(arn_text).cloned().ok_or_else(missing)?;
        if input.definition.is_none()
            && input.role_arn.is_none()
            && input.logging_configuration.is_none()
            && input.tracing_configuration.is_none()
        {
            return Err(ApiError::new(
                ApiErrorKind::MissingRequiredParameter,
                "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified",
            ));
        }
        let publish = input.publish.unwrap_or(false);
        if input.version_description.is_some() && !publish {
            return Err(ApiError::validation("Version description can only be set when publish is true"));
        }
        let mut updated = entry.clone();
        if let Some(d) = &input.definition {
            check_definition(d, entry.machine_type)?;
            let def: Value = serde_json::from_str(d).map_err(|e| {
                ApiError::new(ApiErrorKind::InvalidDefinition, format!("Invalid State Machine Definition: '{e}'"))
            })?;
            updated.machine = load_machine(&def)?;
            updated.definition = d.clone();
        }
        if let Some(l) = &input.logging_configuration {
            updated.logging = self.resolve_logging(Some(l))?;
        }
        if let Some(r) = &input.role_arn {
            updated.role_arn = r.clone();
        }
        if !self.log_groups.contains(&updated.logging.log_group) {
            self.log_groups.push(updated.logging.log_group.clone());
        }
        let new_id = derived_uuid(&format!("revision:{arn_text}:{now}:{}", self.api.next_id()));
        let extra = self.extra(arn_text).ok_or_else(missing)?;
        let tracing = match &input.tracing_configuration {
            Some(t) => tracing_enabled(Some(t)),
            None => extra.revision.tracing,
        };
        let changed = updated.definition != entry.definition
            || updated.role_arn != entry.role_arn
            || updated.logging != entry.logging
            || tracing != extra.revision.tracing;
        let mut out = Map::new();
        if changed {
            extra.revision = Arc::new(Revision {
                id: new_id,
                definition: updated.definition.clone(),
                role_arn: updated.role_arn.clone(),
                logging: updated.logging.clone(),
                date: now,
                tracing,
            });
            extra.updated = true;
            out.insert("revisionId".into(), json!(extra.revision.id));
        }
        let update_date = extra.revision.date;
        self.machines.insert(arn_text.to_string(), updated);
        out.insert("updateDate".into(), json!(if changed { now } else { update_date }));
        if publish {
            let v = self.publish_version(arn_text, None, input.version_description.clone(), now)?;
            out.insert("stateMachineVersionArn".into(), v["stateMachineVersionArn"].clone());
        }
        Ok(Value::Object(out))
    }

    /// `DeleteStateMachine`: the machine, its versions, aliases and tags go; running executions
    /// run on to their end. Deleting a machine that does not exist succeeds, as on AWS.
    pub fn delete_state_machine(&mut self, input: &StateMachineInput) -> Result<Value, ApiError> {
        let arn_text = input.state_machine_arn.as_str();
        let parsed = arn::parse(arn_text, &["stateMachine"])?;
        if parsed.rest.len() > 1 {
            return Err(ApiError::validation(format!(
                "'{arn_text}' is a version or alias: delete it with DeleteStateMachineVersion or DeleteStateMachineAlias"
            )));
        }
        self.machines.remove(arn_text);
        self.api.machines.remove(arn_text);
        self.api.tags.remove(arn_text);
        Ok(json!({}))
    }

    /// `ListStateMachines`: `{stateMachines: [{stateMachineArn, name, type, creationDate}], nextToken?}`,
    /// by ARN.
    pub fn list_state_machines(&self, input: &ListInput) -> Result<Value, ApiError> {
        let after = arn::read_token("ListStateMachines", input.next_token.as_deref())?;
        let items: Vec<&MachineEntry> = self.machines.values().collect();
        let (page, next) =
            arn::page("ListStateMachines", items, |m| m.arn.clone(), after, arn::page_size(input.max_results));
        let list: Vec<Value> = page
            .iter()
            .map(|m| {
                json!({"stateMachineArn": m.arn, "name": m.name, "type": m.machine_type.as_str(),
                    "creationDate": m.creation_date})
            })
            .collect();
        let mut out = json!({"stateMachines": list});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    /// `DescribeStateMachineForExecution`: the definition, role and logging the execution runs.
    pub fn describe_state_machine_for_execution(&mut self, execution_arn: &str) -> Result<Value, ApiError> {
        arn::parse(execution_arn, &["execution"])?;
        let e = self.entry(execution_arn)?;
        let machine_arn = e.machine_arn.clone();
        let meta = e.meta.clone();
        let name = e.exec.config().identity.state_machine_name.clone();
        let revision = match meta.revision {
            Some(r) => r,
            None => self.extra(&machine_arn).map(|x| x.revision.clone()).ok_or_else(|| {
                ApiError::new(
                    ApiErrorKind::StateMachineDoesNotExist,
                    format!("State Machine Does Not Exist: '{machine_arn}'"),
                )
            })?,
        };
        let updated = self.api.machines.get(&machine_arn).is_some_and(|x| x.updated);
        let mut out = Map::new();
        out.insert("stateMachineArn".into(), json!(machine_arn));
        out.insert("name".into(), json!(name));
        out.insert("definition".into(), json!(revision.definition));
        out.insert("roleArn".into(), json!(revision.role_arn));
        out.insert("updateDate".into(), json!(revision.date));
        out.insert("loggingConfiguration".into(), logging_description(&revision.logging, &self.region, &self.account));
        out.insert("tracingConfiguration".into(), json!({"enabled": revision.tracing}));
        if updated {
            out.insert("revisionId".into(), json!(revision.id));
        }
        out.insert("encryptionConfiguration".into(), json!({"type": "AWS_OWNED_KEY"}));
        add_variable_references(&mut out, &revision.definition);
        Ok(Value::Object(out))
    }
}

/// `variableReferences`, when a state of the definition reads a variable (AWS leaves it out
/// otherwise): [`crate::model::variable_references`].
fn add_variable_references(out: &mut Map<String, Value>, definition: &str) {
    let Ok(parsed) = serde_json::from_str::<Value>(definition) else { return };
    let refs = crate::model::variable_references(&parsed);
    if refs.as_object().is_some_and(|m| !m.is_empty()) {
        out.insert("variableReferences".into(), refs);
    }
}

/// `DescribeStateMachine`'s fields of a machine at a revision.
fn machine_description(m: &MachineEntry, r: &Revision, region: &str, account: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("stateMachineArn".into(), json!(m.arn));
    out.insert("name".into(), json!(m.name));
    out.insert("status".into(), json!("ACTIVE"));
    out.insert("definition".into(), json!(r.definition));
    out.insert("roleArn".into(), json!(r.role_arn));
    out.insert("type".into(), json!(m.machine_type.as_str()));
    out.insert("creationDate".into(), json!(m.creation_date));
    out.insert("loggingConfiguration".into(), logging_description(&r.logging, region, account));
    out.insert("tracingConfiguration".into(), json!({"enabled": r.tracing}));
    out.insert("encryptionConfiguration".into(), json!({"type": "AWS_OWNED_KEY"}));
    add_variable_references(&mut out, &r.definition);
    out
}

/// A logging configuration as `DescribeStateMachine` shows it: `destinations` only when the
/// machine named one.
fn logging_description(l: &Logging, region: &str, account: &str) -> Value {
    let mut out = json!({"level": l.level, "includeExecutionData": l.include_execution_data});
    if l.log_group != DEFAULT_LOG_GROUP {
        let arn = format!("arn:aws:logs:{region}:{account}:log-group:{}:*", l.log_group);
        out["destinations"] = json!([{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}]);
    }
    out
}
