//! A simulated Step Functions account: state machines, executions and their CloudWatch log
//! records, with the API names and shapes of AWS (`CreateStateMachine`, `StartExecution`,
//! `StartSyncExecution`, `DescribeExecution`, ...).
//!
//! Pure Rust and sans-IO like the executor: it never reads a clock (callers pass `now`, epoch
//! milliseconds) and never runs a task itself. A driver starts an execution, calls [`Simulator::poll`],
//! hands each task to [`Simulator::dispatch`] (which answers it from the mock config, starts a
//! nested execution, or leaves it waiting for its task token) or to its own handler and then
//! [`Simulator::handler_answered`], polls again the executions [`Simulator::take_woken`] names, and
//! sleeps until the time `poll` names. [`Simulator::run_virtual`] and [`Simulator::run_to_end`] are
//! such drivers on the virtual clock; the JS bindings have an async one.
//!
//! The account does what needs no driver: `.waitForTaskToken` tasks wait for
//! [`Simulator::send_task_success`], [`Simulator::send_task_failure`] and
//! [`Simulator::send_task_heartbeat`]; nested workflows (`states:startExecution`, `.sync`, `.sync:2`,
//! `aws-sdk:sfn:startSyncExecution`, see [`nested`]) start another machine of the account, and a
//! parent waiting for its child gets the child's result when the child ends.
//!
//! Requests are AWS's request shapes (`serde` with camelCase names, so `serde_json::from_value`
//! reads the JSON that the AWS SDKs send); responses are `serde_json::Value`s in AWS's response
//! shapes, with every date (the keys in [`DATE_KEYS`]) as epoch milliseconds.
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

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::driver::{self, Handler, StateMachine};
use crate::error::{ErrorName, Failure};
use crate::exec::{Config, Execution, Identity, MachineType, Poll, Status, TaskRequest};
use crate::history::{self, Event};
use crate::mock::{MockConfig, Mocked};

pub mod nested;
pub use nested::Integration;

/// The response keys that hold dates (epoch milliseconds here; `Date` objects in JS).
pub const DATE_KEYS: &[&str] = &["creationDate", "startDate", "stopDate", "timestamp"];

/// The default log group of machines whose logging configuration names no destination.
pub const DEFAULT_LOG_GROUP: &str = "/aws/vendedlogs/states/asl-sim";

/// The longest an Express execution may run: 5 minutes. AWS: "Maximum execution time ... Express:
/// 5 minutes" (developer guide, `limits-overview.md`, "Quotas related to state machine executions").
pub const EXPRESS_MAX_MS: i64 = 5 * 60 * 1000;

/// An API error with AWS's exception name (`InvalidDefinition`, `StateMachineDoesNotExist`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// AWS's exception name, such as `InvalidDefinition`.
    pub name: &'static str,
    /// AWS's message.
    pub message: String,
    /// For `InvalidDefinition`: the `ValidateStateMachineDefinition` diagnostics.
    pub diagnostics: Vec<Value>,
}

impl ApiError {
    fn new(name: &'static str, message: impl Into<String>) -> Self {
        ApiError { name, message: message.into(), diagnostics: Vec::new() }
    }

    /// A malformed request (a missing field, a value of the wrong type or out of range).
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::new("ValidationException", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for ApiError {}

// ------------------------------------------------------------------------------------- requests

/// `CreateStateMachine`'s request (the fields the simulator reads; others are accepted and ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineInput {
    pub name: String,
    /// The definition as JSON text, as AWS takes it.
    pub definition: String,
    /// `STANDARD` (the default) or `EXPRESS`.
    #[serde(rename = "type")]
    pub machine_type: Option<String>,
    pub role_arn: Option<String>,
    pub logging_configuration: Option<LoggingConfiguration>,
}

/// AWS's `LoggingConfiguration`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfiguration {
    /// `ALL`, `ERROR`, `FATAL` or `OFF` (the default).
    pub level: Option<String>,
    pub include_execution_data: Option<bool>,
    /// Exactly one log group; absent: the simulator's own group, [`DEFAULT_LOG_GROUP`].
    pub destinations: Option<Vec<LogDestination>>,
}

/// One entry of `LoggingConfiguration.destinations`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogDestination {
    pub cloud_watch_logs_log_group: Option<CloudWatchLogsLogGroup>,
}

/// `{logGroupArn}`: `arn:aws:logs:<region>:<account>:log-group:<name>:*`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchLogsLogGroup {
    pub log_group_arn: Option<String>,
}

/// `ValidateStateMachineDefinition`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateStateMachineDefinitionInput {
    pub definition: String,
    #[serde(rename = "type")]
    pub machine_type: Option<String>,
}

/// `StartExecution`'s and `StartSyncExecution`'s request. A `#TestCase` suffix on the ARN picks
/// a test case of the mock config, as in Step Functions Local.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartExecutionInput {
    pub state_machine_arn: String,
    /// JSON text; absent means `{}`.
    pub input: Option<String>,
    pub name: Option<String>,
    /// `StartSyncExecution` only: `ALL_DATA` (the default) or `METADATA_ONLY`.
    pub included_data: Option<String>,
    pub trace_header: Option<String>,
}

/// `SendTaskSuccess`'s request: the task token and the task's output as JSON text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskSuccessInput {
    pub task_token: String,
    pub output: String,
}

/// `SendTaskFailure`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskFailureInput {
    pub task_token: String,
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// `SendTaskHeartbeat`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskHeartbeatInput {
    pub task_token: String,
}

/// A request naming one execution (`DescribeExecution`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionInput {
    pub execution_arn: String,
    pub included_data: Option<String>,
}

/// `StopExecution`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopExecutionInput {
    pub execution_arn: String,
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// `GetExecutionHistory`'s request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetExecutionHistoryInput {
    pub execution_arn: String,
    /// 1 to 1000; AWS's default is 100.
    pub max_results: Option<i64>,
    pub reverse_order: Option<bool>,
    pub next_token: Option<String>,
    /// Default true.
    pub include_execution_data: Option<bool>,
}

/// The simulator's `GetLogEvents`: every record, oldest first, optionally of one execution or
/// one log group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLogEventsInput {
    pub execution_arn: Option<String>,
    pub log_group_name: Option<String>,
    /// A `nextForwardToken` from an earlier answer.
    pub next_token: Option<String>,
    /// 1 to 10000 (the default), as CloudWatch Logs allows.
    pub limit: Option<i64>,
}

// ------------------------------------------------------------------------------------- state

/// A machine's logging configuration, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Logging {
    /// `ALL`, `ERROR`, `FATAL` or `OFF`.
    pub level: String,
    pub include_execution_data: bool,
    pub log_group: String,
}

/// A registered state machine.
#[derive(Debug, Clone)]
pub struct MachineEntry {
    pub name: String,
    pub arn: String,
    pub machine_type: MachineType,
    pub role_arn: String,
    pub logging: Logging,
    pub creation_date: i64,
    pub definition: String,
    pub sm: StateMachine,
}

/// One record in the simulated CloudWatch Logs.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    pub log_group: String,
    pub execution_arn: String,
    /// Epoch ms of the event.
    pub timestamp: i64,
    /// The record: `{id, type, details, previous_event_id, event_timestamp, execution_arn, redrive_count}`.
    pub message: Value,
}

struct ExecEntry {
    /// Start order, for drivers that go through the running executions.
    seq: u64,
    machine_arn: String,
    machine_type: MachineType,
    exec: Execution,
    /// How many history events have gone through the log filter.
    logged: usize,
    test_case: Option<String>,
    /// Invocations per state name so far, for the mock config's invocation numbers.
    mock_invocations: HashMap<String, u64>,
}

/// A token bucket, as AWS throttles API actions: `bucket_size` tokens at most, `refill_rate` new
/// tokens per second, one token per call.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    pub bucket_size: f64,
    pub refill_rate: f64,
    tokens: f64,
    last: Option<i64>,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(bucket_size: f64, refill_rate: f64) -> TokenBucket {
        TokenBucket { bucket_size, refill_rate, tokens: bucket_size, last: None }
    }

    /// Takes a token at time `now`; false when the bucket is empty.
    pub fn take(&mut self, now: i64) -> bool {
        if let Some(last) = self.last {
            let elapsed = (now - last).max(0) as f64 / 1000.0;
            self.tokens = (self.tokens + elapsed * self.refill_rate).min(self.bucket_size);
        }
        self.last = Some(self.last.map_or(now, |l| l.max(now)));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The account's API quotas that the simulator applies: the `StartExecution` token buckets.
#[derive(Debug, Clone, PartialEq)]
pub struct Quotas {
    pub start_execution_standard: TokenBucket,
    pub start_execution_express: TokenBucket,
}

impl Quotas {
    /// AWS's default buckets for a region. AWS, "Quotas related to API action throttling"
    /// (developer guide, `limits-overview.md`): StartExecution, Standard: bucket 1,300 and 300 per
    /// second in us-east-1, us-west-2 and eu-west-1, 800 and 150 elsewhere; Express: 6,000 and
    /// 6,000 everywhere. `StartSyncExecution` does not count against them.
    pub fn aws_defaults(region: &str) -> Quotas {
        let standard = match region {
            "us-east-1" | "us-west-2" | "eu-west-1" => TokenBucket::new(1300.0, 300.0),
            _ => TokenBucket::new(800.0, 150.0),
        };
        Quotas { start_execution_standard: standard, start_execution_express: TokenBucket::new(6000.0, 6000.0) }
    }
}

/// The simulated account.
pub struct Simulator {
    pub account: String,
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
    /// The most states one execution may enter.
    pub max_transitions: u64,
    /// Running executions by start order (ended ones leave at their next [`Simulator::settle`]).
    running: BTreeMap<u64, String>,
    next_seq: u64,
    /// Every task token handed out: the execution and the task it belongs to.
    tokens: HashMap<String, (String, u64)>,
    /// Child execution -> the parent tasks waiting for its end.
    waiting: HashMap<String, Vec<NestedWait>>,
    /// Executions that changed outside their own `poll`: a driver polls them again.
    woken: Vec<String>,
}

/// A parent task waiting for a child execution (`.sync`, `.sync:2`, `aws-sdk:sfn:startSyncExecution`).
#[derive(Debug, Clone)]
struct NestedWait {
    parent: String,
    task: u64,
    how: Integration,
    /// `IncludedData: METADATA_ONLY` of a `startSyncExecution`.
    metadata_only: bool,
}

/// What a driver does with a task [`Simulator::poll`] gave it: see [`Simulator::dispatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dispatch {
    /// The account took it: answered from the mock config, failed, a nested execution started, or
    /// left waiting for its task token. Nothing to do.
    Handled,
    /// Call the driver's handler for the task's resource and pass its answer to
    /// [`Simulator::handler_answered`].
    CallHandler,
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
            max_transitions: 10_000_000,
            running: BTreeMap::new(),
            next_seq: 0,
            tokens: HashMap::new(),
            waiting: HashMap::new(),
            woken: Vec::new(),
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
        check_name(&input.name)?;
        let machine_type = parse_type(input.machine_type.as_deref())?;
        check_definition(&input.definition, machine_type)?;
        let def: Value = serde_json::from_str(&input.definition)
            .map_err(|e| ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition: '{e}'")))?;
        let sm = StateMachine::load(&def)
            .map_err(|m| ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition: '{m}'")))?;
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
            return Err(ApiError::new("StateMachineAlreadyExists", format!("State Machine Already Exists: '{arn}'")));
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
                sm,
            },
        );
        Ok(json!({"stateMachineArn": arn, "creationDate": now}))
    }

    fn resolve_logging(&self, config: Option<&LoggingConfiguration>) -> Result<Logging, ApiError> {
        let Some(config) = config else {
            return Ok(Logging {
                level: "OFF".into(),
                include_execution_data: false,
                log_group: DEFAULT_LOG_GROUP.into(),
            });
        };
        let level = config.level.clone().unwrap_or_else(|| "OFF".into());
        if !matches!(level.as_str(), "ALL" | "ERROR" | "FATAL" | "OFF") {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{level}' at 'loggingConfiguration.level' failed to satisfy constraint: \
                 Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]"
            )));
        }
        let log_group = match &config.destinations {
            None => DEFAULT_LOG_GROUP.to_string(),
            Some(d) if d.len() > 1 || (d.is_empty() && level != "OFF") => {
                return Err(ApiError::new(
                    "InvalidLoggingConfiguration",
                    "Invalid Logging Configuration: Must specify exactly one Log Destination.",
                ))
            }
            Some(d) if d.is_empty() => DEFAULT_LOG_GROUP.to_string(),
            Some(d) => {
                let arn =
                    d[0].cloud_watch_logs_log_group.as_ref().and_then(|g| g.log_group_arn.as_deref()).unwrap_or("");
                log_group_name(arn).ok_or_else(|| {
                    ApiError::new(
                        "InvalidLoggingConfiguration",
                        format!(
                            "Invalid Logging Configuration: The CloudWatch Logs Resource Policy size was exceeded or the \
                             log group ARN is invalid: '{arn}' (expected arn:aws:logs:<region>:<account>:log-group:<name>:*)"
                        ),
                    )
                })?
            }
        };
        Ok(Logging { level, include_execution_data: config.include_execution_data.unwrap_or(false), log_group })
    }

    /// `ValidateStateMachineDefinition`: `{result: "OK" | "FAIL", diagnostics, truncated}`.
    pub fn validate_state_machine_definition(
        &self,
        input: &ValidateStateMachineDefinitionInput,
    ) -> Result<Value, ApiError> {
        let machine_type = parse_type(input.machine_type.as_deref())?;
        let diags = crate::validate::validate_text(&input.definition, to_validate_type(machine_type));
        let ok = !diags.iter().any(|d| d.severity == crate::validate::Severity::Error);
        Ok(json!({
            "result": if ok { "OK" } else { "FAIL" },
            "diagnostics": diags.iter().map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).collect::<Vec<_>>(),
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
        self.start(input, now, false)
    }

    /// `StartSyncExecution`, up to the start: as [`Simulator::start_execution`], for Express
    /// machines only, and outside the quotas.
    pub fn start_sync_execution(&mut self, input: &StartExecutionInput, now: i64) -> Result<String, ApiError> {
        self.start(input, now, true)
    }

    fn start(&mut self, input: &StartExecutionInput, now: i64, sync: bool) -> Result<String, ApiError> {
        let (arn, test_case) = match input.state_machine_arn.split_once('#') {
            Some((a, t)) => (a, Some(t.to_string())),
            None => (input.state_machine_arn.as_str(), None),
        };
        if !arn.starts_with("arn:") {
            return Err(ApiError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
        }
        let entry = self.machines.get(arn).ok_or_else(|| {
            ApiError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'"))
        })?;
        if sync && entry.machine_type != MachineType::Express {
            return Err(ApiError::new(
                "StateMachineTypeNotSupported",
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
        if input_text.len() > crate::exec::MAX_PAYLOAD_BYTES {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length \
                 less than or equal to {}",
                crate::exec::MAX_PAYLOAD_BYTES
            )));
        }
        let input_value: Value = serde_json::from_str(input_text).map_err(|e| {
            ApiError::new("InvalidExecutionInput", format!("Invalid State Machine Execution Input: '{e}'"))
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
            check_name(n)?;
        }
        let machine_type = entry.machine_type;
        let machine_name = entry.name.clone();
        let role = entry.role_arn.clone();
        let machine = entry.sm.machine.clone();
        if machine_type == MachineType::Standard {
            if let Some(n) = &input.name {
                let exec_arn = format!("arn:aws:states:{}:{}:execution:{machine_name}:{n}", self.region, self.account);
                if let Some(e) = self.executions.get(&exec_arn) {
                    if e.exec.status() == Status::Running && e.exec.input() == &input_value && !sync {
                        return Ok(exec_arn);
                    }
                    return Err(ApiError::new(
                        "ExecutionAlreadyExists",
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
                    return Err(ApiError::new("ThrottlingException", "Rate exceeded"));
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
        config.max_transitions = self.max_transitions;
        // Small slices let the JS scheduler yield to the event loop during long runs.
        config.poll_slice = 1_000;
        let exec = Execution::new(machine, input_value, config);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.running.insert(seq, exec_arn.clone());
        self.executions.insert(
            exec_arn.clone(),
            ExecEntry {
                seq,
                machine_arn: arn.to_string(),
                machine_type,
                exec,
                logged: 0,
                test_case,
                mock_invocations: HashMap::new(),
            },
        );
        self.flush_logs(&exec_arn);
        Ok(exec_arn)
    }

    /// `StartExecution`'s response for a started execution: `{executionArn, startDate}`.
    pub fn start_output(&self, exec_arn: &str) -> Result<Value, ApiError> {
        let e = self.entry(exec_arn)?;
        Ok(json!({"executionArn": exec_arn, "startDate": e.exec.config().start_time}))
    }

    /// Advances an execution at time `now` (see [`Execution::poll`]) and writes its new log records.
    /// A task it returns goes to [`Simulator::dispatch`].
    pub fn poll(&mut self, exec_arn: &str, now: i64) -> Option<Poll> {
        let p = self.executions.get_mut(exec_arn)?.exec.poll(now);
        if let Poll::Task(req) = &p {
            if let Some(token) = &req.task_token {
                self.tokens.insert(token.clone(), (exec_arn.to_string(), req.id));
            }
        }
        self.settle(exec_arn);
        Some(p)
    }

    /// Answers a task of a running execution (answers to ended executions are dropped).
    pub fn complete_task(&mut self, exec_arn: &str, id: u64, result: Result<Value, Failure>, now: i64) {
        if let Some(e) = self.executions.get_mut(exec_arn) {
            if e.exec.status() == Status::Running {
                e.exec.complete_task(id, result, now);
            }
        }
        self.settle(exec_arn);
    }

    /// The executions that changed since the last call outside their own `poll` (a task answered
    /// by token or by a child's end, a nested execution started, a stop): poll them again.
    pub fn take_woken(&mut self) -> Vec<String> {
        std::mem::take(&mut self.woken)
    }

    /// After a change to an execution: writes its log records and, if it has ended, drops it from
    /// the running ones and answers the parent tasks waiting for it (and so on up the chain).
    fn settle(&mut self, exec_arn: &str) {
        let mut todo = vec![exec_arn.to_string()];
        while let Some(arn) = todo.pop() {
            self.flush_logs(&arn);
            let Some(e) = self.executions.get(&arn) else { continue };
            if e.exec.status() == Status::Running {
                continue;
            }
            let ended = driver::stop_time(&e.exec);
            self.running.remove(&e.seq);
            for w in self.waiting.remove(&arn).unwrap_or_default() {
                let result = self.nested_result(&arn, &w);
                if let Some(p) = self.executions.get_mut(&w.parent) {
                    p.exec.complete_task(w.task, result, ended);
                }
                self.woken.push(w.parent.clone());
                todo.push(w.parent);
            }
        }
    }

    /// Takes a task that [`Simulator::poll`] returned. In this order: the mock config's answer when
    /// the execution runs a test case that names the state (for a `.waitForTaskToken` task, the
    /// token's outcome, as in Step Functions Local); else [`Dispatch::CallHandler`] when the driver
    /// has a handler for the resource (`has_handler`); else [`Simulator::answer_unhandled`].
    pub fn dispatch(&mut self, exec_arn: &str, req: &TaskRequest, has_handler: bool, now: i64) -> Dispatch {
        if let Some(answer) = self.mock_answer(exec_arn, req) {
            self.complete_task(exec_arn, req.id, answer, now);
            return Dispatch::Handled;
        }
        if has_handler {
            return Dispatch::CallHandler;
        }
        self.answer_unhandled(exec_arn, req, now);
        Dispatch::Handled
    }

    /// A task with no mocked answer and no handler: a nested-workflow resource starts the child
    /// machine (see [`nested`]); a `.waitForTaskToken` task waits for its token (nobody was told the
    /// token, but it is in the task's parameters and history); any other task fails with
    /// `States.TaskFailed`.
    pub fn answer_unhandled(&mut self, exec_arn: &str, req: &TaskRequest, now: i64) {
        if let Some(how) = Integration::of(&req.resource) {
            self.start_nested(exec_arn, req, how, now);
        } else if req.task_token.is_none() {
            self.complete_task(exec_arn, req.id, Err(no_handler(req)), now);
        }
    }

    /// A handler's answer to a task that [`Simulator::dispatch`] gave it. For a `.waitForTaskToken`
    /// task the handler made the integration's request (sent the token somewhere): a result means
    /// the request went out and the task goes on waiting for its token; an error fails the task.
    /// Other tasks end with the answer (see [`handler_answer`]).
    pub fn handler_answered(&mut self, exec_arn: &str, req: &TaskRequest, answer: Result<Value, Failure>, now: i64) {
        if req.task_token.is_some() && answer.is_ok() {
            return;
        }
        self.complete_task(exec_arn, req.id, handler_answer(req, answer, now), now);
    }

    /// Starts the child execution a nested-workflow task asks for.
    fn start_nested(&mut self, parent: &str, req: &TaskRequest, how: Integration, now: i64) {
        let start = how.start_request(&req.input);
        let started = self.start(&start, now, how == Integration::SdkStartSync);
        let child = match started {
            Ok(child) => child,
            Err(e) => return self.complete_task(parent, req.id, Err(how.start_failure(&e, req.id)), now),
        };
        self.woken.push(child.clone());
        match how {
            Integration::RequestResponse => {
                let start_date = self.executions.get(&child).map_or(now, |e| e.exec.config().start_time);
                let out = nested::started_output(&child, start_date, req.id, now);
                self.complete_task(parent, req.id, Ok(out), now);
            }
            Integration::WaitForTaskToken => {}
            Integration::Sync | Integration::Sync2 | Integration::SdkStartSync => {
                let metadata_only = start.included_data.as_deref() == Some("METADATA_ONLY");
                let wait = NestedWait { parent: parent.to_string(), task: req.id, how, metadata_only };
                self.waiting.entry(child).or_default().push(wait);
            }
        }
    }

    /// The answer a waiting parent task gets when its child has ended.
    fn nested_result(&self, child: &str, w: &NestedWait) -> Result<Value, Failure> {
        let internal = |e: ApiError| Failure::new(ErrorName::TaskFailed, e.message);
        match w.how {
            Integration::SdkStartSync => {
                self.sync_output(child, w.metadata_only).map(|r| nested::sdk_start_sync_result(&r)).map_err(internal)
            }
            how => {
                let d = self
                    .describe_execution(&ExecutionInput { execution_arn: child.to_string(), included_data: None })
                    .map_err(internal)?;
                nested::sync_result(&d, how == Integration::Sync2)
            }
        }
    }

    // ------------------------------------------------------------------------- task tokens
    //
    // AWS API reference, `SendTaskSuccess` / `SendTaskFailure` / `SendTaskHeartbeat`
    // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html; the
    // service model, botocore `stepfunctions/2016-11-23/service-2.json`): `taskToken` is 1 to 2048
    // characters, `output` JSON text of at most 256 KiB, `error` at most 256 and `cause` at most
    // 32768 characters. Errors: `InvalidOutput` ("The provided JSON output data is not valid"),
    // `InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut` ("The task token has either expired or the
    // task associated with the token has already been closed"). All three answer `{}`.

    /// `SendTaskSuccess`: the `.waitForTaskToken` task with this token succeeds with `output`.
    pub fn send_task_success(&mut self, input: &SendTaskSuccessInput, now: i64) -> Result<Value, ApiError> {
        check_token(&input.task_token)?;
        if input.output.len() > crate::exec::MAX_PAYLOAD_BYTES {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length \
                 less than or equal to {}",
                crate::exec::MAX_PAYLOAD_BYTES
            )));
        }
        let output: Value = serde_json::from_str(&input.output)
            .map_err(|e| ApiError::new("InvalidOutput", format!("Invalid Output: '{e}'")))?;
        let (arn, id) = self.token_task(&input.task_token)?;
        self.complete_task(&arn, id, Ok(output), now);
        self.woken.push(arn);
        Ok(json!({}))
    }

    /// `SendTaskFailure`: the `.waitForTaskToken` task with this token fails with `error` and
    /// `cause` (Retry and Catch see them).
    pub fn send_task_failure(&mut self, input: &SendTaskFailureInput, now: i64) -> Result<Value, ApiError> {
        check_token(&input.task_token)?;
        check_error_and_cause(input.error.as_deref(), input.cause.as_deref())?;
        let (arn, id) = self.token_task(&input.task_token)?;
        let failure = Failure::custom(input.error.as_deref().unwrap_or(""), input.cause.as_deref().unwrap_or(""));
        self.complete_task(&arn, id, Err(failure), now);
        self.woken.push(arn);
        Ok(json!({}))
    }

    /// `SendTaskHeartbeat`: the task's `HeartbeatSeconds` start again from `now`.
    pub fn send_task_heartbeat(&mut self, input: &SendTaskHeartbeatInput, now: i64) -> Result<Value, ApiError> {
        check_token(&input.task_token)?;
        let (arn, id) = self.token_task(&input.task_token)?;
        if let Some(e) = self.executions.get_mut(&arn) {
            e.exec.heartbeat(id, now);
        }
        self.settle(&arn);
        self.woken.push(arn);
        Ok(json!({}))
    }

    /// The running task a token belongs to: `TaskDoesNotExist` for a token never handed out,
    /// `TaskTimedOut` for one whose task has ended (answered, timed out, its execution over).
    fn token_task(&self, token: &str) -> Result<(String, u64), ApiError> {
        let (arn, id) = match self.tokens.get(token) {
            Some(t) => t.clone(),
            // Not handed to a driver yet: look through the running executions.
            None => self
                .running
                .values()
                .find_map(|a| Some((a.clone(), self.executions.get(a)?.exec.task_for_token(token)?)))
                .ok_or_else(|| ApiError::new("TaskDoesNotExist", format!("Task Does Not Exist: '{token}'")))?,
        };
        let live = self
            .executions
            .get(&arn)
            .is_some_and(|e| e.exec.status() == Status::Running && e.exec.task_for_token(token) == Some(id));
        if !live {
            return Err(ApiError::new("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"));
        }
        Ok((arn, id))
    }

    /// The mock config's answer to a task, when the execution was started with `#TestCase` and the
    /// test case names the task's state (counting the state's invocations, from 0). A test case
    /// that names the state but has no answer for this invocation fails the task, as Step
    /// Functions Local does.
    pub fn mock_answer(&mut self, exec_arn: &str, req: &TaskRequest) -> Option<Result<Value, Failure>> {
        let e = self.executions.get_mut(exec_arn)?;
        let tc = e.test_case.as_ref()?;
        let m = self.machines.get(&e.machine_arn)?;
        let cfg = self.mocks.as_ref()?;
        let case = cfg.test_case(&m.name, tc)?;
        if !case.contains_key(&req.state_name) {
            return None;
        }
        let n = e.mock_invocations.entry(req.state_name.clone()).or_insert(0);
        let invocation = *n;
        *n += 1;
        Some(match cfg.answer(case, &req.state_name, invocation) {
            Some(Mocked::Return(v)) => Ok(v.clone()),
            Some(Mocked::Throw(f)) => Err(f.clone()),
            None => Err(Failure::new(
                ErrorName::TaskFailed,
                format!(
                    "The mock config has no response for invocation {invocation} of state '{}' (resource {}).",
                    req.state_name, req.resource
                ),
            )),
        })
    }

    /// Runs the account's executions on the virtual clock from `now`: every running execution moves
    /// as far as it can, then the clock jumps to the next timer (a Wait, a retry, a
    /// `TimeoutSeconds` or `HeartbeatSeconds` deadline), until nothing can happen before `until`
    /// (or at all). A task is answered by the mock config, else by `handler` (`None`: no handler),
    /// else as [`Simulator::answer_unhandled`] says; nested executions run along. A task that waits
    /// for its token does not stop the clock: time moves on to the next timer, and when there is
    /// none the execution stays `RUNNING` until someone sends the token
    /// ([`Simulator::send_task_success`]) or stops it, and `run_virtual` returns. Returns the time
    /// it stopped at: `until` when given, else the last time something happened.
    pub fn run_virtual(&mut self, now: i64, until: Option<i64>, handler: Handler<'_>) -> i64 {
        let now = self.drive(now, until, None, handler);
        until.map_or(now, |u| u.max(now))
    }

    /// Runs an execution to its end on the virtual clock, with the account's other executions (its
    /// nested children among them) moving along: see [`Simulator::run_virtual`]. Returns the time
    /// it ended, or, when it waits for a task token that nobody sends, the time it got stuck (it is
    /// then still `RUNNING`).
    pub fn run_to_end(&mut self, exec_arn: &str, handler: Handler<'_>) -> i64 {
        let Some(e) = self.executions.get(exec_arn) else { return 0 };
        let now = self.drive(e.exec.now(), None, Some(exec_arn), handler);
        match self.executions.get(exec_arn) {
            Some(e) if e.exec.status() != Status::Running => driver::stop_time(&e.exec),
            _ => now,
        }
    }

    /// The virtual-clock driver of [`Simulator::run_virtual`], which also stops once `target` ended.
    fn drive(&mut self, mut now: i64, until: Option<i64>, target: Option<&str>, handler: Handler<'_>) -> i64 {
        loop {
            self.woken.clear();
            let mut next: Option<i64> = None;
            let arns: Vec<String> = self.running.values().cloned().collect();
            for arn in arns {
                loop {
                    match self.poll(&arn, now) {
                        Some(Poll::Task(req)) => {
                            if self.dispatch(&arn, &req, true, now) == Dispatch::CallHandler {
                                match handler(&req) {
                                    Some(answer) => self.handler_answered(&arn, &req, answer, now),
                                    None => self.answer_unhandled(&arn, &req, now),
                                }
                            }
                        }
                        // A time not after `now`: the poll's slice of work is used up.
                        Some(Poll::WakeAt(t)) if t <= now => {}
                        Some(Poll::WakeAt(t)) => {
                            next = Some(next.map_or(t, |n| n.min(t)));
                            break;
                        }
                        Some(Poll::Idle) | Some(Poll::Done) | None => break,
                    }
                }
            }
            if target.is_some_and(|t| self.status(t) != Some(Status::Running)) {
                return now;
            }
            if !self.woken.is_empty() {
                // Something changed at `now` after its execution was polled (a child ended, a
                // child started): go round again before the clock moves.
                continue;
            }
            match next {
                Some(t) if until.map_or(true, |u| t <= u) => now = t,
                _ => return now,
            }
        }
    }

    /// `StopExecution`: the execution ends `ABORTED`; `{stopDate}`. Stopping an ended execution
    /// changes nothing. (AWS offers it for Standard executions only; the simulator for Express too.)
    pub fn stop_execution(&mut self, input: &StopExecutionInput, now: i64) -> Result<Value, ApiError> {
        check_error_and_cause(input.error.as_deref(), input.cause.as_deref())?;
        let e = self.executions.get_mut(&input.execution_arn).ok_or_else(|| does_not_exist(&input.execution_arn))?;
        e.exec.stop(input.error.as_deref(), input.cause.as_deref(), now);
        let stop = driver::stop_time(&e.exec);
        self.settle(&input.execution_arn);
        self.woken.push(input.execution_arn.clone());
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

    /// The type of the machine an execution runs.
    pub fn execution_type(&self, exec_arn: &str) -> Option<MachineType> {
        self.executions.get(exec_arn).map(|e| e.machine_type)
    }

    fn entry(&self, exec_arn: &str) -> Result<&ExecEntry, ApiError> {
        self.executions.get(exec_arn).ok_or_else(|| does_not_exist(exec_arn))
    }

    /// `StartSyncExecution`'s response for an ended execution (also what `onDone` receives):
    /// `executionArn`, `stateMachineArn`, `name`, `startDate`, `stopDate`, `status`, `input`,
    /// `inputDetails`, `output`/`outputDetails` (succeeded), `error`/`cause` (failed) and
    /// `billingDetails` (Express only, as AWS bills Express: duration rounded up to 100 ms, at
    /// least 100, and memory in 64 MB steps; Standard executions are billed per state transition).
    /// `metadata_only` (`includedData: METADATA_ONLY`) leaves out the input and output.
    pub fn sync_output(&self, exec_arn: &str, metadata_only: bool) -> Result<Value, ApiError> {
        let e = self.entry(exec_arn)?;
        let mut m = self.execution_fields(e, metadata_only);
        let cfg = e.exec.config();
        if e.machine_type == MachineType::Express {
            m.insert("billingDetails".into(), driver::billing(cfg.start_time, driver::stop_time(&e.exec)));
        }
        Ok(Value::Object(m))
    }

    /// `DescribeExecution` (AWS offers it for Standard executions; the simulator for Express too).
    pub fn describe_execution(&self, input: &ExecutionInput) -> Result<Value, ApiError> {
        let e = self.entry(&input.execution_arn)?;
        let metadata_only = input.included_data.as_deref() == Some("METADATA_ONLY");
        let mut m = self.execution_fields(e, metadata_only);
        m.insert("redriveCount".into(), json!(0));
        let redrivable = e.machine_type == MachineType::Standard
            && matches!(e.exec.status(), Status::Failed | Status::TimedOut | Status::Aborted);
        m.insert("redriveStatus".into(), json!(if redrivable { "REDRIVABLE" } else { "NOT_REDRIVABLE" }));
        Ok(Value::Object(m))
    }

    fn execution_fields(&self, e: &ExecEntry, metadata_only: bool) -> Map<String, Value> {
        let exec = &e.exec;
        let cfg = exec.config();
        let id = &cfg.identity;
        let mut m = Map::new();
        m.insert("executionArn".into(), json!(id.execution_arn));
        m.insert("stateMachineArn".into(), json!(e.machine_arn));
        m.insert("name".into(), json!(id.execution_name));
        m.insert("startDate".into(), json!(cfg.start_time));
        if exec.status() != Status::Running {
            m.insert("stopDate".into(), json!(driver::stop_time(exec)));
        }
        m.insert("status".into(), json!(exec.status().as_str()));
        if !metadata_only {
            m.insert("input".into(), json!(history::json_text(exec.input())));
        }
        m.insert("inputDetails".into(), json!({"included": !metadata_only}));
        if let Some(out) = exec.output() {
            if !metadata_only {
                m.insert("output".into(), json!(history::json_text(out)));
            }
            m.insert("outputDetails".into(), json!({"included": !metadata_only}));
        }
        if let Some(f) = exec.failure() {
            if !f.error.is_empty() {
                m.insert("error".into(), json!(f.error));
            }
            if !f.cause.is_empty() {
                m.insert("cause".into(), json!(f.cause));
            }
        }
        m
    }

    /// `GetExecutionHistory`: `{events, nextToken?}`, AWS's history events with `timestamp` in
    /// epoch ms. (AWS offers it for Standard executions; the simulator for Express too.)
    pub fn get_execution_history(&self, input: &GetExecutionHistoryInput) -> Result<Value, ApiError> {
        let e = self.entry(&input.execution_arn)?;
        let max = input.max_results.unwrap_or(100);
        if !(0..=1000).contains(&max) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy constraint: Member must \
                 have value less than or equal to 1000"
            )));
        }
        let max = if max == 0 { 100 } else { max as usize };
        let start = match &input.next_token {
            None => 0,
            Some(t) => t
                .strip_prefix("h/")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| ApiError::new("InvalidToken", format!("Invalid Token: '{t}'")))?,
        };
        let include_data = input.include_execution_data.unwrap_or(true);
        let mut events: Vec<&Event> = e.exec.events().iter().collect();
        if input.reverse_order.unwrap_or(false) {
            events.reverse();
        }
        let page: Vec<Value> = events.iter().skip(start).take(max).map(|ev| history_event(ev, include_data)).collect();
        let mut out = Map::new();
        out.insert("events".into(), Value::Array(page));
        if start + max < events.len() {
            out.insert("nextToken".into(), json!(format!("h/{}", start + max)));
        }
        Ok(Value::Object(out))
    }

    /// The simulator's `GetLogEvents`: `{events, nextForwardToken}`, the records oldest first. Pass
    /// `nextForwardToken` back to get only newer records; when nothing new has arrived the same
    /// token comes back, as CloudWatch Logs does.
    pub fn get_log_events(&self, input: &GetLogEventsInput) -> Result<Value, ApiError> {
        let limit = input.limit.unwrap_or(10_000);
        if !(1..=10_000).contains(&limit) {
            return Err(ApiError::new(
                "InvalidParameterException",
                format!("1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000"),
            ));
        }
        if let Some(g) = &input.log_group_name {
            if !self.log_groups.contains(g) {
                return Err(ApiError::new("ResourceNotFoundException", "The specified log group does not exist."));
            }
        }
        let start = match &input.next_token {
            None => 0,
            Some(t) => t
                .strip_prefix("f/")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n <= self.logs.len())
                .ok_or_else(|| ApiError::new("InvalidParameterException", "The specified nextToken is invalid."))?,
        };
        let (events, next) =
            self.log_events(input.execution_arn.as_deref(), input.log_group_name.as_deref(), start, limit as usize);
        let token = match (&input.next_token, events.is_empty()) {
            (Some(t), true) => t.clone(),
            _ => format!("f/{next}"),
        };
        let events: Vec<Value> = events.into_iter().map(|r| r.message.clone()).collect();
        Ok(json!({"events": events, "nextForwardToken": token}))
    }

    /// The log records, oldest first, optionally only one execution's or one group's, from
    /// position `start`; returns the records and the next position.
    pub fn log_events(
        &self,
        exec_arn: Option<&str>,
        log_group: Option<&str>,
        start: usize,
        limit: usize,
    ) -> (Vec<&LogEvent>, usize) {
        let mut out = Vec::new();
        let mut pos = start.min(self.logs.len());
        while pos < self.logs.len() && out.len() < limit {
            let r = &self.logs[pos];
            pos += 1;
            if exec_arn.is_some_and(|a| a != r.execution_arn) || log_group.is_some_and(|g| g != r.log_group) {
                continue;
            }
            out.push(r);
        }
        (out, pos)
    }

    /// All log records so far, oldest first.
    pub fn logs(&self) -> &[LogEvent] {
        &self.logs
    }

    fn flush_logs(&mut self, exec_arn: &str) {
        let Some(e) = self.executions.get_mut(exec_arn) else { return };
        let Some(m) = self.machines.get(&e.machine_arn) else { return };
        let events = e.exec.events();
        for ev in events.iter().skip(e.logged) {
            if !logged_at_level(ev.kind, &m.logging.level) {
                continue;
            }
            self.logs.push(LogEvent {
                log_group: m.logging.log_group.clone(),
                execution_arn: exec_arn.to_string(),
                timestamp: ev.timestamp,
                message: log_record(ev, exec_arn, m.logging.include_execution_data),
            });
        }
        e.logged = events.len();
    }
}

/// A task handler's answer as the task's result: a handler answers with what the function
/// returns, and `arn:aws:states:::lambda:invoke` wraps that payload in Lambda's Invoke response
/// (`{ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode}`), as AWS does.
/// (Mock configs give the whole response, as in Step Functions Local.)
pub fn handler_answer(req: &TaskRequest, answer: Result<Value, Failure>, now: i64) -> Result<Value, Failure> {
    answer.map(|payload| {
        if req.resource.starts_with("arn:aws:states:::lambda:invoke") {
            driver::lambda_invoke_response(payload, req.id, now)
        } else {
            payload
        }
    })
}

/// The failure of a task that nothing answers.
pub fn no_handler(req: &TaskRequest) -> Failure {
    Failure::new(
        ErrorName::TaskFailed,
        format!(
            "No task handler or mocked response for state '{}' (resource {}): register one with registerTaskHandler, or \
             start the execution with a #TestCase of the mock config.",
            req.state_name, req.resource
        ),
    )
}

/// `taskToken` is 1 to 2048 characters (the service model's `TaskToken`).
fn check_token(token: &str) -> Result<(), ApiError> {
    let n = token.chars().count();
    if n == 0 || n > 2048 {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value at 'taskToken' failed to satisfy constraint: Member must have length \
             {}",
            if n == 0 { "greater than or equal to 1" } else { "less than or equal to 2048" }
        )));
    }
    Ok(())
}

/// `error` is at most 256 characters and `cause` at most 32768 (`SensitiveError`, `SensitiveCause`).
fn check_error_and_cause(error: Option<&str>, cause: Option<&str>) -> Result<(), ApiError> {
    for (field, value, max) in [("error", error, 256), ("cause", cause, 32768)] {
        if value.is_some_and(|v| v.chars().count() > max) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length \
                 less than or equal to {max}"
            )));
        }
    }
    Ok(())
}

fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new("ExecutionDoesNotExist", format!("Execution Does Not Exist: '{arn}'"))
}

fn parse_type(t: Option<&str>) -> Result<MachineType, ApiError> {
    match t {
        None | Some("STANDARD") => Ok(MachineType::Standard),
        Some("EXPRESS") => Ok(MachineType::Express),
        Some(other) => Err(ApiError::validation(format!(
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
        return Err(ApiError::new("InvalidName", format!("Invalid Name: '{name}'")));
    }
    Ok(())
}

/// `CreateStateMachine`'s check of the definition text: `InvalidDefinition` with AWS's message
/// and the diagnostics.
fn check_definition(text: &str, machine_type: MachineType) -> Result<(), ApiError> {
    let diags = crate::validate::validate_text(text, to_validate_type(machine_type));
    if let Some(msg) = crate::validate::invalid_definition_message_for_text(&diags, text) {
        let mut e = ApiError::new("InvalidDefinition", msg);
        e.diagnostics = diags.iter().map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).collect();
        return Err(e);
    }
    Ok(())
}

/// The log group name of `arn:aws:logs:<region>:<account>:log-group:<name>:*`.
fn log_group_name(arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:")?;
    let (_, after) = rest.split_once(":log-group:")?;
    let name = after.strip_suffix(":*")?;
    (!name.is_empty() && !name.contains(':')).then(|| name.to_string())
}

/// Validates and loads a definition as `CreateStateMachine` does.
pub fn load_checked(def: &Value, machine_type: MachineType) -> Result<StateMachine, ApiError> {
    let diags = crate::validate::validate(def, to_validate_type(machine_type));
    if let Some(msg) = crate::validate::invalid_definition_message(&diags) {
        let mut e = ApiError::new("InvalidDefinition", msg);
        e.diagnostics = diags.iter().map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).collect();
        return Err(e);
    }
    StateMachine::load(def)
        .map_err(|m| ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition: '{m}'")))
}

/// The validator's machine type.
pub fn to_validate_type(t: MachineType) -> crate::validate::MachineType {
    match t {
        MachineType::Standard => crate::validate::MachineType::Standard,
        MachineType::Express => crate::validate::MachineType::Express,
    }
}

/// Whether a machine logging at `level` writes events of type `kind`: AWS's table "Log levels"
/// (developer guide, `cloudwatch-log-level.md`), plus the Map Run failures, which AWS logs at ERROR.
pub fn logged_at_level(kind: &str, level: &str) -> bool {
    const FATAL: &[&str] = &["ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"];
    const ERROR: &[&str] = &[
        "FailStateEntered",
        "LambdaFunctionFailed",
        "LambdaFunctionScheduleFailed",
        "LambdaFunctionStartFailed",
        "LambdaFunctionTimedOut",
        "MapIterationAborted",
        "MapIterationFailed",
        "MapRunAborted",
        "MapRunFailed",
        "MapStateAborted",
        "MapStateFailed",
        "ParallelStateAborted",
        "ParallelStateFailed",
        "TaskFailed",
        "TaskStartFailed",
        "TaskStateAborted",
        "TaskSubmitFailed",
        "TaskTimedOut",
        "WaitStateAborted",
    ];
    match level {
        "ALL" => true,
        "ERROR" => FATAL.contains(&kind) || ERROR.contains(&kind),
        "FATAL" => FATAL.contains(&kind),
        _ => false,
    }
}

/// A CloudWatch log record of a history event, as Step Functions writes it: top-level values are
/// strings, `details` is the body of the event's `*EventDetails` with its keys in alphabetical
/// order, and without `input`, `inputDetails`, `output` and `outputDetails` when `include_data`
/// is false.
pub fn log_record(ev: &Event, exec_arn: &str, include_data: bool) -> Value {
    let mut details: Vec<(String, Value)> = match ev.details_body() {
        Value::Object(o) => o.into_iter().collect(),
        _ => Vec::new(),
    };
    if !include_data {
        details.retain(|(k, _)| !matches!(k.as_str(), "input" | "inputDetails" | "output" | "outputDetails"));
    }
    details.sort_by(|a, b| a.0.cmp(&b.0));
    json!({
        "id": ev.id.to_string(),
        "type": ev.kind,
        "details": details.into_iter().collect::<Map<String, Value>>(),
        "previous_event_id": ev.previous_event_id.to_string(),
        "event_timestamp": ev.timestamp.to_string(),
        "execution_arn": exec_arn,
        "redrive_count": "0",
    })
}

/// A `GetExecutionHistory` event: `{timestamp (epoch ms), type, id, previousEventId, <key>EventDetails}`.
pub fn history_event(ev: &Event, include_data: bool) -> Value {
    let mut m = Map::new();
    m.insert("timestamp".into(), json!(ev.timestamp));
    m.insert("type".into(), json!(ev.kind));
    m.insert("id".into(), json!(ev.id));
    m.insert("previousEventId".into(), json!(ev.previous_event_id));
    if let Some((key, mut body)) = ev.details() {
        if let (false, Some(o)) = (include_data, body.as_object_mut()) {
            for k in ["input", "output"] {
                o.remove(k);
            }
        }
        m.insert(key.into(), body);
    }
    Value::Object(m)
}

/// ISO time of epoch ms (re-exported for the bindings).
pub fn iso(ms: i64) -> String {
    history::iso_millis(ms)
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
            assert_eq!(check_name(bad).unwrap_err().name, "InvalidName", "{bad:?}");
        }
    }

    #[test]
    fn log_group_names_come_from_arns() {
        assert_eq!(log_group_name("arn:aws:logs:us-east-1:1:log-group:my/group:*").as_deref(), Some("my/group"));
        assert_eq!(log_group_name("arn:aws:logs:us-east-1:1:log-group:g"), None);
        assert_eq!(log_group_name("g"), None);
    }

    #[test]
    fn token_buckets_refill_per_second() {
        let mut b = TokenBucket::new(2.0, 1.0);
        assert!(b.take(0));
        assert!(b.take(0));
        assert!(!b.take(500));
        assert!(b.take(1000));
        assert!(!b.take(1000));
        assert!(b.take(60_000));
        assert!(b.take(60_000));
        assert!(!b.take(60_000), "the bucket holds at most its size");
    }

    #[test]
    fn levels_follow_the_aws_table() {
        assert!(logged_at_level("PassStateEntered", "ALL"));
        assert!(!logged_at_level("PassStateEntered", "ERROR"));
        assert!(logged_at_level("FailStateEntered", "ERROR"));
        assert!(!logged_at_level("FailStateEntered", "FATAL"));
        assert!(logged_at_level("ExecutionTimedOut", "FATAL"));
        assert!(!logged_at_level("ExecutionSucceeded", "ERROR"));
        assert!(!logged_at_level("ExecutionFailed", "OFF"));
    }
}
