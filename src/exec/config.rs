//! How an execution runs: its [`Config`], the [`Identity`] its context object names, and the limits of AWS.

/// The most events a Standard execution's history may hold (AWS's quota); Express has no limit.
pub const MAX_STANDARD_EVENTS: u64 = 25_000;

/// The largest payload a state may pass on: 256 KiB.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// The default budget of state transitions (states entered) of one execution.
pub const DEFAULT_MAX_TRANSITIONS: u64 = 1_000_000;

/// The default budget of history bytes one execution keeps: 64 MiB.
pub const DEFAULT_MAX_HISTORY_BYTES: usize = 64 << 20;

/// Standard or Express.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType {
    /// Long-running, exactly once, with a history of at most 25,000 events.
    Standard,
    /// Short-lived (5 minutes), at least once, with logs rather than a kept history.
    Express,
}

impl MachineType {
    /// The API's name: `STANDARD` or `EXPRESS`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MachineType::Standard => "STANDARD",
            MachineType::Express => "EXPRESS",
        }
    }

    /// The type the API's name says, if it is one.
    pub fn from_api(name: &str) -> Option<MachineType> {
        match name {
            "STANDARD" => Some(MachineType::Standard),
            "EXPRESS" => Some(MachineType::Express),
            _ => None,
        }
    }
}

/// What an execution does with its history events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryMode {
    /// Keeps every event (a history made again from a tape, see [`Config::replay`]; a driver that
    /// reads the events as they come).
    Keep,
    /// Keeps events only until the driver has written their log records and calls
    /// [`Execution::forget_history`](super::Execution::forget_history): a poll returns early once
    /// they hold [`STREAM_FLUSH_BYTES`], so they stay few.
    Stream,
    /// Keeps no event (an Express execution that logs nothing, as AWS keeps nothing).
    Discard,
}

/// Which state entered and exited events carry their payload text: [`Config::state_payloads`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatePayloads {
    /// Every one: the history is kept, or the logs write every event with its data (`ALL`).
    All,
    /// A Fail state's entry only: the logs write state events at `ERROR` (`FailStateEntered`).
    FailEntries,
    /// None: nothing reads them.
    None,
}

/// The longest a Standard execution runs: one year of 365 days ("Maximum execution time: Standard
/// Workflows 1 year", the developer guide's service quotas).
pub const STANDARD_MAX_SECONDS: u64 = 365 * 24 * 3600;

/// In [`HistoryMode::Stream`], a poll returns once the unwritten events hold this many bytes.
pub const STREAM_FLUSH_BYTES: usize = 1 << 20;

/// Names and ARNs of the account, machine and execution: the context object reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// The AWS account id (12 digits).
    pub account: String,
    /// The region, such as `us-east-1`.
    pub region: String,
    /// The execution role (`$$.Execution.RoleArn`).
    pub role_arn: String,
    /// `$$.StateMachine.Name`.
    pub state_machine_name: String,
    /// `$$.StateMachine.Id`.
    pub state_machine_arn: String,
    /// `$$.Execution.Name`.
    pub execution_name: String,
    /// `$$.Execution.Id`.
    pub execution_arn: String,
}

impl Identity {
    /// An identity in the given account and region with ARNs built as AWS builds them.
    pub fn new(account: &str, region: &str, machine: &str, execution: &str, machine_type: MachineType) -> Identity {
        let state_machine_arn = format!("arn:aws:states:{region}:{account}:stateMachine:{machine}");
        let execution_arn = match machine_type {
            MachineType::Standard => format!("arn:aws:states:{region}:{account}:execution:{machine}:{execution}"),
            MachineType::Express => {
                // AWS ends an Express execution's ARN with a run id (a UUID), since names repeat;
                // here it is derived from the names, so the same identity gives the same ARN.
                let run = run_id(&format!("{region}:{account}:{machine}:{execution}"));
                format!("arn:aws:states:{region}:{account}:express:{machine}:{execution}:{run}")
            }
        };
        Identity {
            account: account.into(),
            region: region.into(),
            role_arn: format!("arn:aws:iam::{account}:role/StepFunctions-{machine}-role"),
            state_machine_name: machine.into(),
            state_machine_arn,
            execution_name: execution.into(),
            execution_arn,
        }
    }
}

/// A version 4 style UUID derived from `seed` (SHA-256), for deterministic run ids.
pub(super) fn run_id(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

/// How an execution runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Names and ARNs, as the context object shows them.
    pub identity: Identity,
    /// Standard or Express: the history limit, `RedriveCount` and the default time limit differ.
    pub machine_type: MachineType,
    /// Epoch milliseconds of the start.
    pub start_time: i64,
    /// Seed of the random source (UUIDs, `States.MathRandom`, retry jitter).
    pub seed: u64,
    /// The most states one execution may enter before it fails with `States.Runtime` (runaway
    /// machines): a budget of the simulator, [`DEFAULT_MAX_TRANSITIONS`] by default.
    pub max_transitions: u64,
    /// The most bytes of history the execution may keep (each event's fixed size plus its payload
    /// text; a payload that one state's exit and the next state's entry share counts once). Past it
    /// the execution fails with `States.Runtime`. [`DEFAULT_MAX_HISTORY_BYTES`] by default.
    pub max_history_bytes: usize,
    /// What the execution keeps of its history: [`HistoryMode::Keep`] by default.
    pub history: HistoryMode,
    /// With [`HistoryMode::Stream`] or [`HistoryMode::Discard`]: whether the execution records what
    /// went in (the times it was polled at, its tasks' answers), to make its whole history again
    /// when someone reads it ([`Execution::history`](super::Execution::history)). False by default.
    pub replay: bool,
    /// Which state entered and exited events carry the state's input or output as text (all of
    /// them by default). Fewer when nobody can read the others: an execution that keeps no history
    /// and logs at `ERROR` writes only a Fail state's entry with its input, and without
    /// `includeExecutionData` (or at `FATAL`) none. The 256 KiB check measures outputs instead.
    pub state_payloads: StatePayloads,
    /// Virtual milliseconds each state entry takes (0 by default, so timestamps are exact). With a
    /// cost, a runaway Express loop reaches its 5-minute limit and times out, as on AWS.
    pub state_cost_ms: u64,
    /// The budgets of each JSONata evaluation (memory and work).
    pub jsonata: crate::jsonata::Limits,
    /// The execution times out after this many seconds (besides the machine's `TimeoutSeconds`):
    /// 300 for Express. (A Standard execution's year, [`STANDARD_MAX_SECONDS`], is kept apart:
    /// it ends a run only when the clock passes it for another reason.)
    pub timeout_seconds: Option<u64>,
    /// The most states one call of [`Execution::poll`](super::Execution::poll) enters before it returns
    /// `Poll::WakeAt(now)`, so a driver on a single thread (a browser) can yield in between.
    pub poll_slice: u64,
    /// Whether `$$.Execution.RedriveCount` is in the context object: for Standard executions, and
    /// for Express ones started with `StartExecution` (0), not with `StartSyncExecution` (as
    /// recorded on AWS).
    pub redrive_count_in_context: bool,
}

impl Config {
    /// Defaults for an identity: start at 2024-01-01T00:00:00Z, seed 0, the default budgets, no cost
    /// per state, and the 5-minute limit for Express.
    pub fn new(identity: Identity, machine_type: MachineType) -> Config {
        Config {
            identity,
            machine_type,
            start_time: 1_704_067_200_000,
            seed: 0,
            max_transitions: DEFAULT_MAX_TRANSITIONS,
            max_history_bytes: DEFAULT_MAX_HISTORY_BYTES,
            history: HistoryMode::Keep,
            replay: false,
            state_payloads: StatePayloads::All,
            state_cost_ms: 0,
            jsonata: crate::jsonata::Limits::default(),
            poll_slice: 10_000,
            redrive_count_in_context: machine_type == MachineType::Standard,
            timeout_seconds: match machine_type {
                MachineType::Express => Some(300),
                MachineType::Standard => None,
            },
        }
    }
}
