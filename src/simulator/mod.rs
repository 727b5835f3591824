//! A simulated Step Functions account: state machines, executions and their CloudWatch log
//! records, with the API names and shapes of AWS (`CreateStateMachine`, `StartExecution`,
//! `StartSyncExecution`, `DescribeExecution`, ...).
//!
//! Pure Rust and sans-IO like the executor: it never reads a clock (inputs take `now`, epoch
//! milliseconds) and never runs a task itself. Every driver (the CLI, native code, the JS bindings,
//! the HTTP server) advances it with one call, [`Simulator::advance`], whose contract is in
//! [`step`]; [`Simulator::run_virtual`] and [`Simulator::run_to_end`] are such drivers on the
//! virtual clock.
//!
//! The account does what needs no driver: `.waitForTaskToken` tasks wait for
//! [`Simulator::send_task_success`], [`Simulator::send_task_failure`] and
//! [`Simulator::send_task_heartbeat`]; nested workflows (`states:startExecution`, `.sync`, `.sync:2`,
//! `aws-sdk:sfn:startSyncExecution`, see [`nested`]) start another machine of the account, and a
//! parent waiting for its child gets the child's result when the child ends.
//!
//! Requests are AWS's request shapes ([`requests`]; [`FromJson`] reads them from the camelCase
//! JSON that the AWS SDKs send); responses ([`responses`]) are
//! `serde_json::Value`s in AWS's response shapes, with every date (the keys in [`DATE_KEYS`]) as
//! epoch milliseconds.
//!
//! ```
//! use asl_sim::simulator::{Simulator, CreateStateMachineInput, StartExecutionInput};
//! let mut sim = Simulator::new("123456789012", "us-east-1", 7);
//! let created = sim.create_state_machine(&CreateStateMachineInput {
//!     name: "Hello".into(),
//!     definition: r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}}"#.into(),
//!     machine_type: Some("EXPRESS".into()),
//!     ..Default::default()
//! }, 0).unwrap();
//! let machine = created["stateMachineArn"].as_str().unwrap();
//! let arn = sim.start_sync_execution(&StartExecutionInput {
//!     state_machine_arn: machine.into(), input: Some("{}".into()), ..Default::default()
//! }, 0).unwrap();
//! sim.run_to_end(&arn, &mut |_| None);
//! let out = sim.sync_output(&arn, false).unwrap();
//! assert_eq!(out["status"], "SUCCEEDED");
//! assert_eq!(out["output"], "1");
//! ```

use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;

use serde_json::{json, Value};

pub use crate::error::{ApiError, ApiErrorKind};
use crate::exec::{Config, Execution, HistoryMode, Identity, MachineType, StatePayloads, Status, TaskId};
use crate::mock::MockConfig;
use crate::model::Machine;

pub mod activities;
mod arn;
pub mod cloudwatch;
pub mod executions;
pub mod lifecycle;
pub mod limits;
pub mod logs;
pub mod mapruns;
pub mod nested;
pub mod quotas;
pub mod read;
pub mod registry;
pub mod requests;
pub mod responses;
pub mod s3tasks;
mod sfntasks;
pub mod step;
pub mod tags;
mod tokens;
pub mod versions;

pub use lifecycle::{Budgets, Retention};
pub use logs::{LogEvent, Logging};
pub use nested::Integration;
pub use quotas::{Quotas, TokenBucket};
pub use read::FromJson;
pub use requests::*;
pub use step::{Advance, Handler, HandlerCall};

pub use activities::{ActivityInput, CreateActivityInput, ACTIVITY_POLL_MS};
pub use cloudwatch::LogsInput;
pub use executions::{ListExecutionsInput, RedriveExecutionInput};
pub use mapruns::{ListMapRunsInput, MapRunInput};
pub use registry::{CreateStateMachineRequest, ListInput, StateMachineInput, Tag, UpdateStateMachineInput};
pub use tags::TagResourceInput;
pub use versions::{
    ListForMachineInput, PublishStateMachineVersionInput, RoutingConfigurationListItem, StateMachineAliasInput,
    StateMachineVersionInput,
};

/// The response keys that hold dates (epoch milliseconds here; `Date` objects in JS).
pub const DATE_KEYS: &[&str] = &["creationDate", "startDate", "stopDate", "timestamp", "updateDate", "redriveDate"];

/// The default log group of machines whose logging configuration names no destination.
pub const DEFAULT_LOG_GROUP: &str = "/aws/vendedlogs/states/asl-sim";

/// The longest an Express execution may run: 5 minutes. AWS: "Maximum execution time ... Express:
/// 5 minutes" (developer guide, `limits-overview.md`, "Quotas related to state machine executions").
pub const EXPRESS_MAX_MS: i64 = 5 * 60 * 1000;

/// A registered state machine.
#[derive(Debug, Clone)]
pub struct MachineEntry {
    /// The name: 1 to 80 characters, AWS's naming rule.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// `STANDARD` or `EXPRESS`.
    pub machine_type: MachineType,
    /// The IAM role it runs as.
    pub role_arn: String,
    /// Where and what it logs.
    pub logging: Logging,
    /// When it was created (epoch ms).
    pub creation_date: i64,
    /// The definition, as JSON text.
    pub definition: String,
    /// The loaded definition.
    pub machine: Arc<Machine>,
}

struct ExecEntry {
    /// Start order, for drivers that go through the running executions.
    seq: u64,
    machine_arn: String,
    machine_type: MachineType,
    exec: Execution,
    /// The id of the last history event that went through the log filter.
    logged: u64,
    /// About how many bytes of log records it has written.
    log_bytes: usize,
    /// The positions of its log records (see [`Simulator::log_end`]), oldest first: reading one
    /// execution's records does not go through everyone's.
    log_positions: Vec<usize>,
    test_case: Option<String>,
    /// Invocations per state name so far, for the mock config's invocation numbers.
    mock_invocations: HashMap<String, u64>,
    /// Poll it at the next [`Simulator::advance`]: something changed outside its own poll.
    ready: bool,
    /// Its next timer, from its last poll.
    wake_at: Option<i64>,
    /// Its version, alias, revision and log stream (see [`registry`]).
    meta: registry::ExecMeta,
}
/// The simulated account.
pub struct Simulator {
    /// The account id, 12 digits.
    pub account: String,
    /// The region, such as `us-east-1`.
    pub region: String,
    rng: fastrand::Rng,
    seed: u64,
    machines: BTreeMap<String, MachineEntry>,
    executions: HashMap<String, ExecEntry>,
    logs: Vec<LogEvent>,
    log_groups: Vec<String>,
    mocks: Option<MockConfig>,
    /// `None`: no throttling (the default).
    pub quotas: Option<Quotas>,
    /// What one execution may use (transitions, history and log bytes, JSONata); see [`lifecycle`].
    pub budgets: Budgets,
    /// How many ended executions and log records the account keeps; see [`lifecycle`].
    pub retention: Retention,
    lifecycle: lifecycle::Lifecycle,
    /// The histories last made again for `GetExecutionHistory` (see [`crate::exec::Replay`]), by
    /// execution, the most recent last: paging through one, or reading a running execution again,
    /// runs only what is new. At most [`responses::REPLAYS_KEPT`].
    replayed: std::cell::RefCell<Vec<(String, Box<crate::exec::Replay>)>>,
    /// Running executions by start order (ended ones leave at their next [`Simulator::settle`]).
    running: BTreeMap<u64, String>,
    next_seq: u64,
    /// Every task token handed out: the execution and the task it belongs to.
    tokens: HashMap<String, (String, TaskId)>,
    /// Child execution -> the parent tasks waiting for its end.
    waiting: HashMap<String, Vec<NestedWait>>,
    /// Executions that ended and no driver has heard of yet ([`Advance::ended`]).
    ended: Vec<String>,
    /// The account's clock (epoch ms): the latest time an input or [`Simulator::advance`] gave.
    now: i64,
    /// Where the next budget-limited [`Simulator::advance`] starts polling.
    cursor: u64,
    /// Versions, aliases, tags, activities and CloudWatch Logs state of the API ([`registry`]).
    api: registry::ApiState,
    /// The account's S3 objects: Distributed Map readers and writers and S3 tasks use them
    /// ([`s3tasks`]); drivers fill and read it.
    pub s3: crate::s3::Store,
}

/// A parent task waiting for a child execution (`.sync`, `.sync:2`, `aws-sdk:sfn:startSyncExecution`).
#[derive(Debug, Clone)]
pub(crate) struct NestedWait {
    parent: String,
    task: TaskId,
    how: Integration,
    /// `IncludedData: METADATA_ONLY` of a `startSyncExecution`.
    metadata_only: bool,
}

impl Simulator {
    /// A new account; `seed` makes names, UUIDs and random numbers reproducible.
    pub fn new(account: &str, region: &str, seed: u64) -> Simulator {
        Simulator {
            account: account.into(),
            region: region.into(),
            rng: fastrand::Rng::with_seed(seed),
            seed,
            machines: BTreeMap::new(),
            executions: HashMap::new(),
            logs: Vec::new(),
            log_groups: vec![DEFAULT_LOG_GROUP.to_string()],
            mocks: None,
            quotas: None,
            budgets: Budgets::default(),
            retention: Retention::default(),
            lifecycle: Default::default(),
            replayed: Default::default(),
            running: BTreeMap::new(),
            next_seq: 0,
            tokens: HashMap::new(),
            waiting: HashMap::new(),
            ended: Vec::new(),
            now: 0,
            cursor: 0,
            api: registry::ApiState::default(),
            s3: crate::s3::Store::default(),
        }
    }

    /// A version 4 UUID from the seeded source.
    pub fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        for x in b.iter_mut() {
            *x = self.rng.u8(..);
        }
        uuid::Builder::from_random_bytes(b).into_uuid().to_string()
    }

    /// `CreateStateMachine`: `{stateMachineArn, creationDate}`. As on AWS, creating a machine
    /// that exists with the same definition, type, role and logging returns it again.
    pub fn create_state_machine(&mut self, input: &CreateStateMachineInput, now: i64) -> Result<Value, ApiError> {
        limits::check_length("name", &input.name, 1, limits::MAX_NAME, false)?;
        limits::check_length("definition", &input.definition, 1, limits::MAX_DEFINITION, true)?;
        check_name(&input.name)?;
        let machine_type = parse_type(input.machine_type.as_deref())?;
        check_definition(&input.definition, machine_type)?;
        let def: Value = serde_json::from_str(&input.definition).map_err(|e| {
            ApiError::new(ApiErrorKind::InvalidDefinition, format!("Invalid State Machine Definition: '{e}'"))
        })?;
        let machine = load_machine(&def)?;
        let logging = self.resolve_logging(input.logging_configuration.as_ref())?;
        let role_arn = match &input.role_arn {
            Some(r) if r.is_empty() || r.len() > 256 => {
                return Err(ApiError::validation(format!(
                    "Invalid Arn: 'Resource type not valid in this context: {r}'"
                )))
            }
            Some(r) => r.clone(),
            None => format!("arn:aws:iam::{}:role/StepFunctions-{}-role", self.account, input.name),
        };
        let arn = format!("arn:aws:states:{}:{}:stateMachine:{}", self.region, self.account, input.name);
        if let Some(m) = self.machines.get(&arn) {
            if m.definition == input.definition
                && m.machine_type == machine_type
                && m.role_arn == role_arn
                && m.logging == logging
            {
                return Ok(json!({"stateMachineArn": arn, "creationDate": m.creation_date}));
            }
            return Err(ApiError::new(
                ApiErrorKind::StateMachineAlreadyExists,
                format!("State Machine Already Exists: '{arn}'"),
            ));
        }
        if !self.log_groups.contains(&logging.log_group) {
            self.log_groups.push(logging.log_group.clone());
        }
        self.machines.insert(
            arn.clone(),
            MachineEntry {
                name: input.name.clone(),
                arn: arn.clone(),
                machine_type,
                role_arn,
                logging,
                creation_date: now,
                definition: input.definition.clone(),
                machine,
            },
        );
        Ok(json!({"stateMachineArn": arn, "creationDate": now}))
    }

    /// `ValidateStateMachineDefinition`: `{result: "OK" | "FAIL", diagnostics, truncated}`.
    pub fn validate_state_machine_definition(
        &self,
        input: &ValidateStateMachineDefinitionInput,
    ) -> Result<Value, ApiError> {
        limits::check_length("definition", &input.definition, 1, limits::MAX_DEFINITION, true)?;
        let machine_type = parse_type(input.machine_type.as_deref())?;
        let diags = crate::validate::validate_text(&input.definition, machine_type);
        let mut ok = !diags.iter().any(|d| d.severity == crate::validate::Severity::Error);
        let mut diagnostics: Vec<Value> =
            diags.iter().map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).collect();
        // What AWS accepts but the simulator does not model (a PARQUET reader, ...) is refused here
        // too, as CreateStateMachine refuses it, with the field named: never run as if absent.
        let loaded = serde_json::from_str::<Value>(&input.definition).map(|def| crate::model::load(&def));
        if let (true, Ok(Err(message))) = (ok, loaded) {
            ok = false;
            let location = message.rsplit_once(" at ").map_or("", |(_, at)| at).to_string();
            diagnostics.push(json!({"severity": "ERROR", "code": "SIMULATOR_UNSUPPORTED", "message": message,
                                    "location": location}));
        }
        Ok(json!({
            "result": if ok { "OK" } else { "FAIL" },
            "diagnostics": diagnostics,
            "truncated": false,
        }))
    }

    /// A machine, by ARN.
    pub fn machine(&self, arn: &str) -> Option<&MachineEntry> {
        self.machines.get(arn)
    }

    /// Sets the Step Functions Local mock config that start calls with `#TestCase` use.
    pub fn set_mock_config(&mut self, cfg: MockConfig) {
        self.mocks = Some(cfg);
    }

    /// Parses and sets a mock config given as a JSON value.
    pub fn set_mock_config_value(&mut self, v: &Value) -> Result<(), ApiError> {
        let cfg = MockConfig::parse(v).map_err(|e| ApiError::validation(format!("Invalid mock config: {e}")))?;
        self.mocks = Some(cfg);
        Ok(())
    }

    /// `StartExecution`, up to the start: checks the request, takes a token from the quota (when
    /// quotas are on), records `ExecutionStarted` and returns the execution's ARN. No state has run
    /// yet: drive it with [`Simulator::poll`]. A Standard start with the name and input of a running
    /// execution returns that execution, as AWS's idempotent `StartExecution` does.
    pub fn start_execution(&mut self, input: &StartExecutionInput, now: i64) -> Result<String, ApiError> {
        self.set_now(now);
        self.start(input, now, false)
    }

    /// `StartSyncExecution`, up to the start: as [`Simulator::start_execution`], for Express
    /// machines only, and outside the quotas.
    pub fn start_sync_execution(&mut self, input: &StartExecutionInput, now: i64) -> Result<String, ApiError> {
        self.set_now(now);
        self.start(input, now, true)
    }

    /// AWS's `ExecutionLimitExceeded` when [`Budgets::max_open_executions`] executions run.
    fn check_open_executions(&self) -> Result<(), ApiError> {
        if self.running.len() < self.budgets.max_open_executions {
            return Ok(());
        }
        // AWS's description of the error (API reference, StartExecution); its message text is not
        // recorded.
        Err(ApiError::new(
            ApiErrorKind::ExecutionLimitExceeded,
            format!(
                "The maximum number of running executions has been reached ({}, the simulator's budget \
                 maxOpenExecutions). Running executions must end or be stopped before a new execution can be started.",
                self.budgets.max_open_executions
            ),
        ))
    }

    fn start(&mut self, input: &StartExecutionInput, now: i64, sync: bool) -> Result<String, ApiError> {
        // The account's clock never goes back: an execution starts at its time or later.
        let now = now.max(self.now);
        let (arn, test_case) = match input.state_machine_arn.split_once('#') {
            Some((a, t)) => (a, Some(t.to_string())),
            None => (input.state_machine_arn.as_str(), None),
        };
        let entry = self.start_target(arn)?;
        // Sync executions do not count against the account's capacity on AWS: only the others
        // meet the budget here (and sync ones that a task starts: see `start_nested`).
        if !sync {
            self.check_open_executions()?;
        }
        if sync && entry.machine_type != MachineType::Express {
            return Err(ApiError::new(
                ApiErrorKind::StateMachineTypeNotSupported,
                "This operation is not supported by this type of state machine",
            ));
        }
        if let Some(d) = &input.included_data {
            if d != "ALL_DATA" && d != "METADATA_ONLY" {
                return Err(ApiError::validation(format!(
                    "1 validation error detected: Value '{d}' at 'includedData' failed to satisfy constraint: \
                     Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]"
                )));
            }
        }
        let input_text = input.input.as_deref().unwrap_or("{}");
        limits::check_length("input", input_text, 0, limits::MAX_DATA, true)?;
        let input_value: Value = crate::java::parse_json(input_text).map_err(|e| {
            let message = crate::validate::input_parse_message(input_text, e);
            ApiError::new(
                ApiErrorKind::InvalidExecutionInput,
                format!("Invalid State Machine Execution Input: '{message}'"),
            )
        })?;
        if let Some(tc) = &test_case {
            let Some(cfg) = &self.mocks else {
                return Err(ApiError::validation(format!(
                    "The state machine ARN names the test case '{tc}', but no mock config is set (setMockConfig)"
                )));
            };
            if cfg.test_case(&entry.name, tc).is_none() {
                return Err(ApiError::validation(format!(
                    "The mock config has no test case '{tc}' for state machine '{}'",
                    entry.name
                )));
            }
        }
        if let Some(n) = &input.name {
            limits::check_name_request(n)?;
        }
        let machine_type = entry.machine_type;
        let machine_name = entry.name.clone();
        let role = entry.role_arn.clone();
        let machine = entry.machine.clone();
        // The logging of the revision it runs, else of the machine.
        let logging = match &entry.meta.revision {
            Some(r) => Some(&r.logging),
            None => self.machines.get(&entry.machine_arn).map(|m| &m.logging),
        };
        let logs_nothing = logging.map_or(true, |l| l.level == "OFF");
        // The state events whose payloads the logs write: every one at ALL, a Fail state's entry
        // at ERROR (the only state event of that level), none at FATAL or without the data.
        let logged_payloads = match logging.filter(|l| l.include_execution_data).map(|l| l.level.as_str()) {
            Some("ALL") => StatePayloads::All,
            Some("ERROR") => StatePayloads::FailEntries,
            _ => StatePayloads::None,
        };
        let machine_arn = entry.machine_arn.clone();
        let meta = entry.meta;
        if machine_type == MachineType::Standard {
            if let Some(n) = &input.name {
                let exec_arn = format!("arn:aws:states:{}:{}:execution:{machine_name}:{n}", self.region, self.account);
                if let Some(e) = self.executions.get(&exec_arn) {
                    if e.exec.status() == Status::Running && e.exec.input() == &input_value && !sync {
                        return Ok(exec_arn);
                    }
                    return Err(ApiError::new(
                        ApiErrorKind::ExecutionAlreadyExists,
                        format!("Execution Already Exists: '{exec_arn}'"),
                    ));
                }
            }
        }
        if !sync {
            if let Some(q) = &mut self.quotas {
                let bucket = match machine_type {
                    MachineType::Standard => &mut q.start_execution_standard,
                    MachineType::Express => &mut q.start_execution_express,
                };
                if !bucket.take(now) {
                    return Err(ApiError::new(ApiErrorKind::ThrottlingException, "Rate exceeded"));
                }
            }
        }
        let exec_name = match &input.name {
            Some(n) => n.clone(),
            None => self.uuid(),
        };
        let mut id = Identity::new(&self.account, &self.region, &machine_name, &exec_name, machine_type);
        if machine_type == MachineType::Express {
            let run = self.uuid();
            id.execution_arn =
                format!("arn:aws:states:{}:{}:express:{machine_name}:{exec_name}:{run}", self.region, self.account);
        }
        id.role_arn = role;
        let exec_arn = id.execution_arn.clone();
        let mut config = Config::new(id, machine_type);
        config.start_time = now;
        config.seed = self.seed ^ self.rng.u64(..);
        self.configure(&mut config, logs_nothing);
        config.state_payloads = if config.history == HistoryMode::Keep { StatePayloads::All } else { logged_payloads };
        // Small slices let the JS scheduler yield to the event loop during long runs.
        config.poll_slice = 1_000;
        config.redrive_count_in_context = !sync;
        let exec = Execution::new(machine, input_value, config);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.running.insert(seq, exec_arn.clone());
        self.executions.insert(
            exec_arn.clone(),
            ExecEntry {
                seq,
                machine_arn,
                machine_type,
                exec,
                logged: 0,
                log_bytes: 0,
                log_positions: Vec::new(),
                test_case,
                mock_invocations: HashMap::new(),
                ready: true,
                wake_at: None,
                meta,
            },
        );
        self.flush_logs(&exec_arn);
        Ok(exec_arn)
    }

    /// `StopExecution`: the execution ends `ABORTED`; `{stopDate}`. Stopping an ended execution
    /// changes nothing. (AWS offers it for Standard executions only; the simulator for Express too.)
    pub fn stop_execution(&mut self, input: &StopExecutionInput, now: i64) -> Result<Value, ApiError> {
        self.set_now(now);
        tokens::check_error_and_cause(input.error.as_deref(), input.cause.as_deref())?;
        let e = self.executions.get_mut(&input.execution_arn).ok_or_else(|| does_not_exist(&input.execution_arn))?;
        e.exec.stop(input.error.as_deref(), input.cause.as_deref(), now);
        let stop = responses::stop_time(&e.exec);
        self.settle(&input.execution_arn);
        Ok(json!({"stopDate": stop}))
    }

    /// The execution, if it exists.
    pub fn execution(&self, exec_arn: &str) -> Option<&Execution> {
        self.executions.get(exec_arn).map(|e| &e.exec)
    }

    /// The status of an execution.
    pub fn status(&self, exec_arn: &str) -> Option<Status> {
        self.executions.get(exec_arn).map(|e| e.exec.status())
    }

    fn entry(&self, exec_arn: &str) -> Result<&ExecEntry, ApiError> {
        self.executions.get(exec_arn).ok_or_else(|| does_not_exist(exec_arn))
    }

    /// The account's clock: the latest time an input or [`Simulator::advance`] gave it (epoch ms).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// How many executions are running.
    pub fn running_count(&self) -> usize {
        self.running.len()
    }
}

fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new(ApiErrorKind::ExecutionDoesNotExist, format!("Execution Does Not Exist: '{arn}'"))
}

fn parse_type(t: Option<&str>) -> Result<MachineType, ApiError> {
    match t.map(|name| (name, MachineType::from_api(name))) {
        None => Ok(MachineType::Standard),
        Some((_, Some(t))) => Ok(t),
        Some((other, None)) => Err(ApiError::validation(format!(
            "1 validation error detected: Value '{other}' at 'type' failed to satisfy constraint: Member must satisfy \
             enum value set: [STANDARD, EXPRESS]"
        ))),
    }
}

/// AWS's rule for state machine and execution names: 1 to 80 characters, none of them white
/// space, `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /` or a control character (U+0000-001F,
/// U+007F-009F). (API reference, `CreateStateMachine`/`StartExecution`, field `name`.)
pub fn check_name(name: &str) -> Result<(), ApiError> {
    let bad = |c: char| {
        c.is_whitespace()
            || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
            || (c as u32) <= 0x1f
            || (0x7f..=0x9f).contains(&(c as u32))
    };
    let n = name.chars().count();
    if n == 0 || n > 80 || name.chars().any(bad) {
        return Err(ApiError::new(ApiErrorKind::InvalidName, format!("Invalid Name: '{name}'")));
    }
    Ok(())
}

/// `CreateStateMachine`'s check of the definition text: `InvalidDefinition` with AWS's message
/// and the diagnostics.
fn check_definition(text: &str, machine_type: MachineType) -> Result<(), ApiError> {
    let diags = crate::validate::validate_text(text, machine_type);
    if let Some(msg) = crate::validate::invalid_definition_message_for_text(&diags, text) {
        let mut e = ApiError::new(ApiErrorKind::InvalidDefinition, msg);
        e.diagnostics = diags.iter().map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).collect();
        return Err(e);
    }
    Ok(())
}

/// Validates and loads a definition as `CreateStateMachine` does.
pub fn load_checked(def: &Value, machine_type: MachineType) -> Result<Arc<Machine>, ApiError> {
    let diags = crate::validate::validate(def, machine_type);
    if let Some(msg) = crate::validate::invalid_definition_message(&diags) {
        let mut e = ApiError::new(ApiErrorKind::InvalidDefinition, msg);
        e.diagnostics = diags.iter().map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).collect();
        return Err(e);
    }
    load_machine(def)
}

/// Loads a validated definition into the model.
fn load_machine(def: &Value) -> Result<Arc<Machine>, ApiError> {
    crate::model::load(def)
        .map(Arc::new)
        .map_err(|m| ApiError::new(ApiErrorKind::InvalidDefinition, format!("Invalid State Machine Definition: '{m}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        for ok in ["a", "Hello-World_1", "ünïcödé", "a.b@c+d=e", &"x".repeat(80)] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "a#b", "a:b", "a/b", "a*", "tab\t", "\u{85}", &"x".repeat(81)] {
            assert_eq!(check_name(bad).unwrap_err().kind, ApiErrorKind::InvalidName, "{bad:?}");
        }
    }
}
