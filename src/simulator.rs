//! A simulated Step Functions account: state machines, executions and their CloudWatch log
//! records, with the API names and shapes of AWS (`CreateStateMachine`, `StartExecution`,
//! `StartSyncExecution`, `DescribeExecution`, ...). Pure Rust: the JS bindings and native
//! callers drive it; it never reads a clock itself (callers pass `now`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::driver::{self, StateMachine, TaskAnswers};
use crate::error::Failure;
use crate::exec::{Config, Execution, Identity, MachineType, Poll, Status};
use crate::history::{self, logged_at_level};
use crate::mock::MockConfig;

/// An API error with AWS's exception name (`InvalidDefinition`, `StateMachineDoesNotExist`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub name: &'static str,
    pub message: String,
    /// For `InvalidDefinition`: the diagnostics.
    pub diagnostics: Vec<Value>,
}

impl ApiError {
    fn new(name: &'static str, message: impl Into<String>) -> Self {
        ApiError { name, message: message.into(), diagnostics: Vec::new() }
    }
}

/// A machine's logging configuration.
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
    machine_arn: String,
    exec: Execution,
    logged: usize,
    test_case: Option<String>,
}

/// The default log group of machines whose logging configuration names none.
pub const DEFAULT_LOG_GROUP: &str = "/aws/vendedlogs/states/asl-sim";

/// The simulated account.
pub struct Simulator {
    pub account: String,
    pub region: String,
    rng: fastrand::Rng,
    seed: u64,
    machines: BTreeMap<String, MachineEntry>,
    executions: BTreeMap<String, ExecEntry>,
    logs: Vec<LogEvent>,
    mocks: Option<MockConfig>,
    /// The most states one execution may enter.
    pub max_transitions: u64,
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
            executions: BTreeMap::new(),
            logs: Vec::new(),
            mocks: None,
            max_transitions: 10_000_000,
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

    /// `CreateStateMachine`.
    pub fn create_state_machine(
        &mut self,
        name: &str,
        definition: &str,
        machine_type: MachineType,
        role_arn: Option<&str>,
        logging: Option<Logging>,
        now: i64,
    ) -> Result<(String, i64), ApiError> {
        if name.is_empty() || name.len() > 80 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(ApiError::new("InvalidName", format!("Invalid Name: '{name}'")));
        }
        let def: Value = serde_json::from_str(definition).map_err(|e| {
            ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {e}'"))
        })?;
        let sm = load_checked(&def, machine_type)?;
        let arn = format!("arn:aws:states:{}:{}:stateMachine:{name}", self.region, self.account);
        if self.machines.contains_key(&arn) {
            return Err(ApiError::new("StateMachineAlreadyExists", format!("State Machine Already Exists: '{arn}'")));
        }
        let logging = logging.unwrap_or(Logging {
            level: "OFF".into(),
            include_execution_data: false,
            log_group: DEFAULT_LOG_GROUP.into(),
        });
        if !matches!(logging.level.as_str(), "ALL" | "ERROR" | "FATAL" | "OFF") {
            return Err(ApiError::new("InvalidLoggingConfiguration", format!("Invalid logging level: '{}'", logging.level)));
        }
        let role_arn =
            role_arn.map(str::to_string).unwrap_or_else(|| format!("arn:aws:iam::{}:role/StepFunctions-{name}-role", self.account));
        self.machines.insert(
            arn.clone(),
            MachineEntry { name: name.into(), arn: arn.clone(), machine_type, role_arn, logging, creation_date: now, sm },
        );
        Ok((arn, now))
    }

    /// The machines, by ARN.
    pub fn machine(&self, arn: &str) -> Option<&MachineEntry> {
        self.machines.get(arn)
    }

    /// Sets the Step Functions Local mock config used by start calls with `#TestCase`.
    pub fn set_mock_config(&mut self, cfg: MockConfig) {
        self.mocks = Some(cfg);
    }

    /// `StartExecution` / `StartSyncExecution` up to the start: checks, creates the execution, returns its ARN.
    pub fn start(&mut self, state_machine_arn: &str, input: Option<&str>, name: Option<&str>, now: i64, sync: bool) -> Result<String, ApiError> {
        let (arn, test_case) = match state_machine_arn.split_once('#') {
            Some((a, t)) => (a, Some(t.to_string())),
            None => (state_machine_arn, None),
        };
        let entry = self
            .machines
            .get(arn)
            .ok_or_else(|| ApiError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'")))?;
        if sync && entry.machine_type != MachineType::Express {
            return Err(ApiError::new(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            ));
        }
        let input_text = input.unwrap_or("{}");
        if input_text.len() > crate::exec::MAX_PAYLOAD_BYTES {
            return Err(ApiError::new(
                "InvalidExecutionInput",
                format!("Invalid input: exceeds the maximum size of {} bytes", crate::exec::MAX_PAYLOAD_BYTES),
            ));
        }
        let input: Value = serde_json::from_str(input_text)
            .map_err(|e| ApiError::new("InvalidExecutionInput", format!("Invalid State Machine Execution Input: '{e}'")))?;
        if let (Some(tc), Some(cfg)) = (&test_case, &self.mocks) {
            if cfg.test_case(&entry.name, tc).is_none() {
                return Err(ApiError::new(
                    "InvalidExecutionInput",
                    format!("The mock config has no test case '{tc}' for state machine '{}'", entry.name),
                ));
            }
        }
        let machine_type = entry.machine_type;
        let mname = entry.name.clone();
        let role = entry.role_arn.clone();
        let sm = entry.sm.machine.clone();
        let exec_name = match name {
            Some(n) => n.to_string(),
            None => self.uuid(),
        };
        if exec_name.is_empty() || exec_name.len() > 80 {
            return Err(ApiError::new("InvalidName", format!("Invalid Name: '{exec_name}'")));
        }
        let mut id = Identity::new(&self.account, &self.region, &mname, &exec_name, machine_type);
        if machine_type == MachineType::Express {
            let run = self.uuid();
            id.execution_arn = format!("arn:aws:states:{}:{}:express:{mname}:{exec_name}:{run}", self.region, self.account);
        } else if self.executions.contains_key(&id.execution_arn) {
            return Err(ApiError::new("ExecutionAlreadyExists", format!("Execution Already Exists: '{}'", id.execution_arn)));
        }
        id.role_arn = role;
        let exec_arn = id.execution_arn.clone();
        let mut config = Config::new(id, machine_type);
        config.start_time = now;
        config.seed = self.seed ^ self.rng.u64(..);
        config.max_transitions = self.max_transitions;
        let exec = Execution::new(sm, input, config);
        self.executions.insert(exec_arn.clone(), ExecEntry { machine_arn: arn.to_string(), exec, logged: 0, test_case });
        self.flush_logs(&exec_arn);
        Ok(exec_arn)
    }

    /// Advances an execution at time `now` (see [`Execution::poll`]) and writes its new log records.
    pub fn poll(&mut self, exec_arn: &str, now: i64) -> Option<Poll> {
        let p = self.executions.get_mut(exec_arn)?.exec.poll(now);
        self.flush_logs(exec_arn);
        Some(p)
    }

    /// Answers a task of an execution.
    pub fn complete_task(&mut self, exec_arn: &str, id: u64, result: Result<Value, Failure>, now: i64) {
        if let Some(e) = self.executions.get_mut(exec_arn) {
            e.exec.complete_task(id, result, now);
        }
        self.flush_logs(exec_arn);
    }

    /// The mocked answer for a task, when the execution was started with `#TestCase` and the config has one.
    pub fn mock_answer(&self, exec_arn: &str, state: &str, invocation: u64) -> Option<Result<Value, Failure>> {
        let e = self.executions.get(exec_arn)?;
        let tc = e.test_case.as_ref()?;
        let m = self.machines.get(&e.machine_arn)?;
        let cfg = self.mocks.as_ref()?;
        let case = cfg.test_case(&m.name, tc)?;
        match cfg.answer(case, state, invocation)? {
            crate::mock::Mocked::Return(v) => Some(Ok(v.clone())),
            crate::mock::Mocked::Throw(f) => Some(Err(f.clone())),
        }
    }

    /// Runs an execution to its end on the virtual clock, answering tasks from the mock config
    /// (or `handler`, asked first). Returns the time it ended.
    pub fn run_virtual(
        &mut self,
        exec_arn: &str,
        now: i64,
        handler: Option<&mut dyn FnMut(&crate::exec::TaskRequest) -> Option<Result<Value, Failure>>>,
    ) -> i64 {
        let Some(e) = self.executions.get_mut(exec_arn) else { return now };
        let mut answers = TaskAnswers::none();
        let case;
        if let (Some(tc), Some(cfg)) = (&e.test_case, &self.mocks) {
            let name = self.machines.get(&e.machine_arn).map(|m| m.name.clone()).unwrap_or_default();
            case = cfg.test_case(&name, tc).cloned().unwrap_or_default();
            answers = answers.with_mocks(cfg, case);
        }
        if let Some(h) = handler {
            answers = answers.with_handler(h);
        }
        driver::run_virtual(&mut e.exec, &mut answers);
        let end = driver::stop_time(&e.exec);
        self.flush_logs(exec_arn);
        end
    }

    /// `StopExecution`.
    pub fn stop_execution(&mut self, exec_arn: &str, error: Option<&str>, cause: Option<&str>, now: i64) -> Result<i64, ApiError> {
        let e = self.executions.get_mut(exec_arn).ok_or_else(|| does_not_exist(exec_arn))?;
        e.exec.stop(error, cause, now);
        self.flush_logs(exec_arn);
        Ok(now)
    }

    /// The execution, if it exists.
    pub fn execution(&self, exec_arn: &str) -> Option<&Execution> {
        self.executions.get(exec_arn).map(|e| &e.exec)
    }

    /// `StartSyncExecution`'s response for a finished execution.
    pub fn sync_response(&self, exec_arn: &str) -> Result<Value, ApiError> {
        let e = self.executions.get(exec_arn).ok_or_else(|| does_not_exist(exec_arn))?;
        Ok(driver::sync_response(&e.exec))
    }

    /// `DescribeExecution`.
    pub fn describe_execution(&self, exec_arn: &str) -> Result<Value, ApiError> {
        let e = self.executions.get(exec_arn).ok_or_else(|| does_not_exist(exec_arn))?;
        let mut v = driver::sync_response(&e.exec);
        if let Some(o) = v.as_object_mut() {
            o.remove("billingDetails");
            o.insert("redriveCount".into(), json!(0));
            o.insert("redriveStatus".into(), json!("NOT_REDRIVABLE"));
        }
        Ok(v)
    }

    /// `GetExecutionHistory` (for Express executions too: a simulator extra).
    pub fn get_execution_history(&self, exec_arn: &str) -> Result<Value, ApiError> {
        let e = self.executions.get(exec_arn).ok_or_else(|| does_not_exist(exec_arn))?;
        Ok(json!({"events": serde_json::to_value(e.exec.events()).unwrap_or(Value::Null)}))
    }

    /// The log records, oldest first, optionally only one execution's or one group's, from
    /// position `start`; returns the records and the next position.
    pub fn log_events(&self, exec_arn: Option<&str>, log_group: Option<&str>, start: usize, limit: usize) -> (Vec<&LogEvent>, usize) {
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

    /// All log records so far.
    pub fn logs(&self) -> &[LogEvent] {
        &self.logs
    }

    fn flush_logs(&mut self, exec_arn: &str) {
        let Some(e) = self.executions.get_mut(exec_arn) else { return };
        let Some(m) = self.machines.get(&e.machine_arn) else { return };
        let events = e.exec.events();
        for ev in &events[e.logged..] {
            if !logged_at_level(&ev.kind, &m.logging.level) {
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

    /// Status of an execution.
    pub fn status(&self, exec_arn: &str) -> Option<Status> {
        self.executions.get(exec_arn).map(|e| e.exec.status())
    }
}

fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new("ExecutionDoesNotExist", format!("Execution Does Not Exist: '{arn}'"))
}

/// Validates and loads a definition as `CreateStateMachine` does.
pub fn load_checked(def: &Value, machine_type: MachineType) -> Result<StateMachine, ApiError> {
    let diags = crate::validate::validate(def, to_validate_type(machine_type));
    if let Some(msg) = crate::validate::invalid_definition_message(&diags) {
        let mut e = ApiError::new("InvalidDefinition", msg);
        e.diagnostics = diags.iter().map(|d| serde_json::to_value(d).unwrap_or(Value::Null)).collect();
        return Err(e);
    }
    StateMachine::load(def).map_err(|m| ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition: '{m}'")))
}

/// The validator's machine type.
pub fn to_validate_type(t: MachineType) -> crate::validate::MachineType {
    match t {
        MachineType::Standard => crate::validate::MachineType::Standard,
        MachineType::Express => crate::validate::MachineType::Express,
    }
}

/// An Express log record of a history event, as CloudWatch stores it.
pub fn log_record(ev: &crate::history::Event, exec_arn: &str, include_data: bool) -> Value {
    let mut details = match ev.details_body() {
        Value::Object(o) => o.clone(),
        _ => Map::new(),
    };
    if !include_data {
        for k in ["input", "inputDetails", "output", "outputDetails"] {
            details.remove(k);
        }
    }
    json!({
        "id": ev.id.to_string(),
        "type": ev.kind,
        "details": details,
        "previous_event_id": ev.previous_event_id.to_string(),
        "event_timestamp": ev.timestamp.to_string(),
        "execution_arn": exec_arn,
        "redrive_count": "0",
    })
}

/// ISO time of epoch ms (re-exported for the bindings).
pub fn iso(ms: i64) -> String {
    history::iso_millis(ms)
}
