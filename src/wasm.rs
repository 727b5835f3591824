//! JavaScript bindings (wasm32 only). Converts at the edges; the core knows nothing of JS.
//!
//! [`Simulator`] is the JS class: a [`crate::simulator::Simulator`] account plus what only JS has
//! (task handlers, callbacks, timers) and a scheduler that drives the account's executions in the
//! background (`spawn_local`). The scheduler never holds the account's `RefCell` while it calls
//! JS, so any callback may call the simulator again. What needs no JS (mock answers, nested
//! workflows, task tokens) is the account's: the scheduler hands each task to
//! [`crate::simulator::Simulator::dispatch`] and polls again the executions the account woke.
//!
//! Payloads cross as JSON text where AWS uses JSON text (`input`, `output`, log `details`): JS
//! numbers lose integers above 2^53 and plain JS objects reorder integer-like keys, while Step
//! Functions keeps both. Every Rust error reaches JS through [`js_error`], as an `Error` whose
//! `name` is the AWS exception name, so callers can `catch (e) { if (e.name === "...") ... }`.
//! Nothing here may panic on any input: a panic reaches JS as `RuntimeError: unreachable` and can
//! leave the module unusable. (`catch_unwind` does not exist on wasm32-unknown-unknown.)
//!
//! To add a method: a `#[wasm_bindgen(js_name = camelCase)]` method taking `JsValue`s with
//! `unchecked_param_type`s and returning `Result<JsValue, JsValue>` with an
//! `unchecked_return_type`, its types in [`TS_TYPES`], a test in `tests/api/`, and a check in
//! `tests/js/npm_package.mjs`.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;
use std::future::Future;
use std::rc::{Rc, Weak};
use std::task::{Poll as TaskPoll, Waker};

use js_sys::{Array, Function, Object, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::error::{ErrorName, Failure};
use crate::exec::{Poll, Status, TaskRequest};
use crate::simulator::{self as account, ApiError, Quotas, TokenBucket, DATE_KEYS};

/// Runs once when the module is instantiated: from then on a Rust panic also prints its message
/// with `console.error`, instead of only `RuntimeError: unreachable`. `private`: not exported to JS.
#[wasm_bindgen(start, private)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The crate's version, such as `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Parses JSON text and writes it back compactly, keeping key order and exact integers, as an
/// execution's input travels through a `Pass` state. Bad JSON throws an `Error` named
/// `InvalidExecutionInput` whose message gives the line and column.
#[wasm_bindgen(js_name = jsonRoundTrip)]
pub fn json_round_trip(text: &str) -> Result<String, js_sys::Error> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| js_error("InvalidExecutionInput", e))?;
    serde_json::to_string(&value).map_err(|e| js_error("InvalidExecutionInput", e))
}

/// The one way a Rust error crosses into JS: an `Error` with the given `name` (an AWS error name
/// such as `States.Runtime` or an API error such as `InvalidDefinition`) and the error's text as
/// its `message`.
pub(crate) fn js_error(name: &str, message: impl Display) -> js_sys::Error {
    let error = js_sys::Error::new(&message.to_string());
    error.set_name(name);
    error
}

/// An API error as the AWS SDK for JavaScript throws it: `name` is the exception name, `$fault`
/// is `"client"`, and `InvalidDefinition` carries the validator's `diagnostics`.
fn api_error(e: ApiError) -> JsValue {
    let error = js_error(e.name, &e.message);
    set(&error, "$fault", &"client".into());
    if !e.diagnostics.is_empty() {
        let diagnostics = to_js(&Value::Array(e.diagnostics)).unwrap_or(JsValue::NULL);
        set(&error, "diagnostics", &diagnostics);
    }
    error.into()
}

fn validation(message: impl Display) -> JsValue {
    api_error(ApiError::validation(message.to_string()))
}

// ------------------------------------------------------------------------------- TypeScript

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
// wasm-bindgen gives every class a `[Symbol.dispose]()` method; declaring the symbol here lets the
// types check without `lib: esnext.disposable` (it merges with TypeScript's own declaration).
declare global {
  interface SymbolConstructor { readonly dispose: unique symbol; }
}

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A token bucket: at most `bucketSize` calls at once, refilled with `refillRate` calls a second. */
export interface TokenBucketConfig { bucketSize: number; refillRate: number; }

/** The account quotas the simulator can apply (all off unless `quotas` is given). */
export interface QuotasConfig {
  /** StartExecution's buckets (`StartSyncExecution` never counts against them, as on AWS). */
  startExecution?: { standard?: TokenBucketConfig; express?: TokenBucketConfig };
}

/** Options of `new Simulator(options)`. */
export interface SimulatorOptions {
  /** The account id in ARNs. Default `"123456789012"`. */
  accountId?: string;
  /** The region in ARNs. Default `"us-east-1"`. */
  region?: string;
  /** `"virtual"` (the default): waits take no time and executions run as fast as possible;
   *  `"real"`: waits take real time. */
  clock?: 'virtual' | 'real';
  /** Seed of execution names, UUIDs, `States.MathRandom` and retry jitter (an integer). Default 0. */
  seed?: number;
  /** Virtual clock only: where it starts. Default: the real time when the simulator is created. */
  startDate?: Date | number;
  /** StartExecution throttling: `true` for AWS's default token buckets in the region, or your own. */
  quotas?: boolean | QuotasConfig;
}

export type StateMachineType = 'STANDARD' | 'EXPRESS';
export type LogLevel = 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** `{cloudWatchLogsLogGroup: {logGroupArn: "arn:aws:logs:<region>:<account>:log-group:<name>:*"}}` */
export interface LogDestination { cloudWatchLogsLogGroup?: { logGroupArn?: string }; }

export interface LoggingConfiguration {
  /** Default `"OFF"`. */
  level?: LogLevel;
  /** Whether records carry `input` and `output`. Default false. */
  includeExecutionData?: boolean;
  /** Exactly one log group. Absent: the simulator's own group, `/aws/vendedlogs/states/asl-sim`. */
  destinations?: LogDestination[];
}

export interface CreateStateMachineInput {
  name: string;
  /** The ASL definition as JSON text (`JSON.stringify(definition)`), as AWS takes it. */
  definition: string;
  /** Default `"STANDARD"`. */
  type?: StateMachineType;
  roleArn?: string;
  loggingConfiguration?: LoggingConfiguration;
}
export interface CreateStateMachineOutput { stateMachineArn: string; creationDate: Date; }

export interface ValidateStateMachineDefinitionInput { definition: string; type?: StateMachineType; }
export interface ValidationDiagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
}
export interface ValidateStateMachineDefinitionOutput {
  result: 'OK' | 'FAIL';
  diagnostics: ValidationDiagnostic[];
  truncated: boolean;
}

/** `TestState`'s request: one state (or a machine with `stateName`) and what to test it with. */
export interface TestStateInput {
  /** A state's or a state machine's definition, as JSON text. */
  definition: string;
  /** With a machine definition: the state to test. */
  stateName?: string;
  roleArn?: string;
  /** The state's input, as JSON text. */
  input?: string;
  /** `INFO` (no inspection data), `DEBUG` (the default here) or `TRACE`. */
  inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  revealSecrets?: boolean;
  /** Workflow variables, as JSON text of an object. */
  variables?: string;
  /** The context object, as JSON text. */
  context?: string;
  mock?: {
    /** The task's result, as JSON text. */
    result?: string;
    errorOutput?: { error?: string; cause?: string };
    fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
  };
  stateConfiguration?: {
    retrierRetryCount?: number;
    errorCausedByState?: string;
    mapIterationFailureCount?: number;
    /** Items a Map's ItemReader would read, as JSON text. */
    mapItemReaderData?: string;
  };
}
/** What each step of the state's data flow produced (values as JSON text). */
export interface TestStateInspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  afterItemsPath?: string;
  afterItemSelector?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
}
/** `TestState`'s response. */
export interface TestStateOutput {
  status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
  /** The state's output, as JSON text. */
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: TestStateInspectionData;
}

export interface StartExecutionInput {
  /** A machine's ARN; add `#TestCase` to answer its tasks from that test case of the mock config. */
  stateMachineArn: string;
  /** JSON text. Default `"{}"`. */
  input?: string;
  name?: string;
  traceHeader?: string;
}
export interface StartSyncExecutionInput extends StartExecutionInput {
  includedData?: 'ALL_DATA' | 'METADATA_ONLY';
}
export interface StartSyncExecutionOptions {
  /** `"sdk"` (the default) waits up to the 5-minute Express limit; `"console"` rejects after 60 s of
   *  execution time, as the Step Functions console does, while the execution goes on. */
  caller?: 'console' | 'sdk';
}
export interface StartExecutionOutput { executionArn: string; startDate: Date; }

export interface ExecutionDataDetails { included: boolean; }
export interface BillingDetails { billedMemoryUsedInMB: number; billedDurationInMilliseconds: number; }

/** `StartSyncExecution`'s response. */
export interface StartSyncExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  startDate: Date;
  stopDate: Date;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  /** JSON text. */
  input?: string;
  inputDetails?: ExecutionDataDetails;
  /** JSON text, when the execution succeeded. */
  output?: string;
  outputDetails?: ExecutionDataDetails;
  error?: string;
  cause?: string;
  billingDetails: BillingDetails;
}

/** What `startExecution`'s `onDone` receives: the `StartSyncExecution` shape, with `billingDetails`
 *  for Express executions only (AWS bills Standard executions per state transition). */
export interface ExecutionResult extends Omit<StartSyncExecutionOutput, 'billingDetails'> {
  billingDetails?: BillingDetails;
}

export interface DescribeExecutionInput { executionArn: string; includedData?: 'ALL_DATA' | 'METADATA_ONLY'; }
export interface DescribeExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input?: string;
  inputDetails?: ExecutionDataDetails;
  output?: string;
  outputDetails?: ExecutionDataDetails;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE';
}

export interface StopExecutionInput { executionArn: string; error?: string; cause?: string; }
export interface StopExecutionOutput { stopDate: Date; }

export interface GetExecutionHistoryInput {
  executionArn: string;
  /** 1 to 1000. Default 100. */
  maxResults?: number;
  reverseOrder?: boolean;
  nextToken?: string;
  /** Default true. */
  includeExecutionData?: boolean;
}
/** A history event, as in AWS's `GetExecutionHistory`: its details sit under a key such as
 *  `stateEnteredEventDetails`. */
export interface HistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [detailsKey: `${string}EventDetails`]: { [field: string]: JsonValue } | undefined;
}
export interface GetExecutionHistoryOutput { events: HistoryEvent[]; nextToken?: string; }

/** A CloudWatch Logs record of an execution, exactly as Step Functions writes it: every top-level
 *  value is a string, and `details.input` / `details.output` are JSON text. */
export interface LogRecord {
  id: string;
  type: string;
  details: { [field: string]: JsonValue };
  previous_event_id: string;
  /** Epoch milliseconds, as a string. */
  event_timestamp: string;
  execution_arn: string;
  redrive_count: string;
}
export interface GetLogEventsInput {
  executionArn?: string;
  logGroupName?: string;
  /** `nextForwardToken` of an earlier call: only newer records. */
  nextToken?: string;
  /** 1 to 10000 (the default). */
  limit?: number;
}
export interface GetLogEventsOutput {
  events: LogRecord[];
  /** Pass it back as `nextToken`; the same token comes back while nothing new has arrived. */
  nextForwardToken: string;
}

/** What a task handler learns about the task besides its input. */
export interface TaskContext {
  executionArn: string;
  stateMachineArn: string;
  stateName: string;
  resource: string;
  /** How many times this state has been retried so far. */
  retryCount: number;
  /** A `.waitForTaskToken` task's token (also `$$.Task.Token`): the handler's call is the
   *  integration's request, and the task ends when the token comes back through `sendTaskSuccess`
   *  or `sendTaskFailure`, not with the handler's return value. */
  taskToken?: string;
}
/** Answers a Task state: gets the task's input (for `arn:aws:states:::lambda:invoke`,
 *  `{FunctionName, Payload}`) and returns (or resolves to) what the function or service returns;
 *  `lambda:invoke` wraps it in Lambda's Invoke response (`{Payload, StatusCode: 200, ...}`), as AWS
 *  does. Throwing `{error, cause}`, or an `Error` with those fields, fails the task with them. */
export type TaskHandler = (input: JsonValue, context: TaskContext) => unknown;

/** `SendTaskSuccess`'s request: the task's token and its output as JSON text. */
export interface SendTaskSuccessInput { taskToken: string; output: string; }
/** `SendTaskFailure`'s request. */
export interface SendTaskFailureInput { taskToken: string; error?: string; cause?: string; }
/** `SendTaskHeartbeat`'s request. */
export interface SendTaskHeartbeatInput { taskToken: string; }
/** What the `SendTask*` calls answer: nothing, as on AWS. */
export type SendTaskOutput = Record<string, never>;

/** A Step Functions Local mock config file. */
export interface MockConfig {
  StateMachines?: { [machineName: string]: { TestCases?: { [testCase: string]: { [stateName: string]: string } } } };
  MockedResponses?: {
    [responseName: string]: {
      [invocations: string]: { Return: JsonValue } | { Throw: { Error?: string; Cause?: string } };
    };
  };
}

/** Called with each log record as it is written, and the name of its log group. */
export type LogSubscriber = (record: LogRecord, logGroupName: string) => void;

/** The errors the simulator throws: `name` is AWS's exception name (`InvalidDefinition`,
 *  `StateMachineDoesNotExist`, `InvalidExecutionInput`, `ExecutionDoesNotExist`,
 *  `StateMachineTypeNotSupported`, `ThrottlingException`, `ValidationException`,
 *  `TaskDoesNotExist`, `TaskTimedOut`, `InvalidOutput`, ...). */
export interface SimulatorError extends Error {
  $fault?: 'client';
  /** `InvalidDefinition`: what is wrong, as `validateStateMachineDefinition` reports it. */
  diagnostics?: ValidationDiagnostic[];
  /** `TimeoutError` of a console `startSyncExecution`: the execution, which goes on. */
  executionArn?: string;
}
"#;

// ------------------------------------------------------------------------------- the class

/// A simulated Step Functions account in one region: state machines, executions, task handlers,
/// mock configs and the CloudWatch Logs records of executions. The methods mirror the Step
/// Functions API (the AWS SDK for JavaScript v3's names and shapes, with `Date` timestamps).
#[wasm_bindgen]
pub struct Simulator {
    shared: Rc<Shared>,
}

struct Shared {
    state: RefCell<State>,
    signal: Signal,
}

#[derive(Clone, Copy)]
enum Clock {
    Virtual { now: i64 },
    Real { last: i64 },
}

struct State {
    account: account::Simulator,
    clock: Clock,
    handlers: HashMap<String, Function>,
    /// (id, callback, index of the first log record it gets)
    subscribers: Vec<(u32, Function, usize)>,
    next_subscriber: u32,
    /// Log records before this index have gone to the subscribers.
    delivered: usize,
    runs: BTreeMap<u64, Run>,
    run_of: HashMap<String, u64>,
    next_run: u64,
    completions: Vec<Completion>,
    /// JS task handlers whose promises have not settled.
    inflight: usize,
    scheduler_running: bool,
}

/// An execution the scheduler drives.
struct Run {
    arn: String,
    /// Poll it at the next step.
    ready: bool,
    /// It sleeps until then.
    wake_at: Option<i64>,
    waiters: Vec<Waiter>,
}

/// Someone waiting for an execution's end.
enum Waiter {
    /// `startExecution`'s `onDone`.
    OnDone(Function),
    /// A `startSyncExecution` promise.
    Sync { resolve: Function, reject: Function, deadline: Option<i64>, metadata_only: bool },
}

/// A JS handler's answer to a task: see [`account::Simulator::handler_answered`].
struct Completion {
    run: u64,
    request: TaskRequest,
    result: Result<Value, Failure>,
}

/// A task for a JS handler, called outside the borrow.
struct Call {
    run: u64,
    request: TaskRequest,
    handler: Function,
    context: Value,
}

/// A promise to settle or a callback to call, outside the borrow.
enum Settle {
    Resolve(Function, JsValue),
    Reject(Function, JsValue),
    OnDone(Function, JsValue),
}

/// What the scheduler does after a step.
enum Next {
    Again,
    Wait(Option<f64>),
    Exit,
}

/// The console's StartSyncExecution request elapses after 60 seconds. AWS: "If you run Step
/// Functions Express Workflows synchronously from the console, the StartSyncExecution request
/// elapses after 60 seconds." (developer guide, "Synchronous and Asynchronous Express Workflows",
/// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-express-synchronous.html)
const CONSOLE_SYNC_LIMIT_MS: i64 = 60_000;

/// Polls per scheduler step, so that one busy step cannot hold the JS event loop for long.
const POLLS_PER_STEP: usize = 256;

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Options {
    account_id: Option<String>,
    region: Option<String>,
    clock: Option<String>,
    seed: Option<f64>,
    start_date: Option<f64>,
    quotas: Option<Value>,
}

#[wasm_bindgen]
impl Simulator {
    /// A new simulated account. Throws `ValidationException` on bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SimulatorOptions")] options: Option<JsValue>,
    ) -> Result<Simulator, JsValue> {
        let options = options.filter(|o| !o.is_undefined() && !o.is_null());
        if options.as_ref().is_some_and(|o| !o.is_object() || Array::is_array(o)) {
            return Err(validation("the options must be an object"));
        }
        let start_date = match options.as_ref().and_then(|o| get(o, "startDate")).filter(|d| !d.is_null()) {
            None => None,
            Some(d) => Some(
                d.dyn_ref::<js_sys::Date>()
                    .map(|d| d.get_time())
                    .or_else(|| d.as_f64())
                    .ok_or_else(|| validation("startDate must be a Date or epoch milliseconds"))?,
            ),
        };
        let mut opts: Options = match &options {
            Some(o) => {
                let copy = Object::assign(&Object::new(), o.unchecked_ref());
                let _ = Reflect::delete_property(&copy, &"startDate".into());
                from_js(&copy.into(), "options")?
            }
            None => Options::default(),
        };
        opts.start_date = start_date;
        let account = opts.account_id.unwrap_or_else(|| "123456789012".into());
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(validation(format!("accountId must be 12 digits, not '{account}'")));
        }
        let region = opts.region.unwrap_or_else(|| "us-east-1".into());
        if region.is_empty() || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(validation(format!("region must look like 'us-east-1', not '{region}'")));
        }
        let seed = match opts.seed {
            None => 0,
            Some(s) if s.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&s) => s as u64,
            Some(s) => return Err(validation(format!("seed must be an integer from 0 to 2^53 - 1, not {s}"))),
        };
        let clock = match opts.clock.as_deref() {
            None | Some("virtual") => {
                let start = opts.start_date.unwrap_or_else(js_sys::Date::now);
                if !start.is_finite() || start.abs() > 8.64e15 {
                    return Err(validation("startDate is not a valid date"));
                }
                Clock::Virtual { now: start as i64 }
            }
            Some("real") => {
                if opts.start_date.is_some() {
                    return Err(validation("startDate is for the virtual clock only"));
                }
                Clock::Real { last: js_sys::Date::now() as i64 }
            }
            Some(other) => return Err(validation(format!("clock must be 'virtual' or 'real', not '{other}'"))),
        };
        let mut sim = account::Simulator::new(&account, &region, seed);
        sim.quotas = quotas(opts.quotas.as_ref(), &region)?;
        let state = State {
            account: sim,
            clock,
            handlers: HashMap::new(),
            subscribers: Vec::new(),
            next_subscriber: 0,
            delivered: 0,
            runs: BTreeMap::new(),
            run_of: HashMap::new(),
            next_run: 0,
            completions: Vec::new(),
            inflight: 0,
            scheduler_running: false,
        };
        Ok(Simulator { shared: Rc::new(Shared { state: RefCell::new(state), signal: Signal::default() }) })
    }

    /// `CreateStateMachine`. An invalid definition throws `InvalidDefinition` with `diagnostics`;
    /// Express machines may not use `.sync`, `.waitForTaskToken` or activities, as on AWS.
    #[wasm_bindgen(js_name = createStateMachine, unchecked_return_type = "CreateStateMachineOutput")]
    pub fn create_state_machine(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateStateMachineInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: account::CreateStateMachineInput = from_js(&input, "CreateStateMachineInput")?;
        let mut st = self.shared.borrow()?;
        let now = st.now();
        let out = st.account.create_state_machine(&req, now).map_err(api_error)?;
        to_js_dated(&out)
    }

    /// `ValidateStateMachineDefinition`: `{result, diagnostics, truncated}`.
    #[wasm_bindgen(
        js_name = validateStateMachineDefinition,
        unchecked_return_type = "ValidateStateMachineDefinitionOutput"
    )]
    pub fn validate_state_machine_definition(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ValidateStateMachineDefinitionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: account::ValidateStateMachineDefinitionInput = from_js(&input, "ValidateStateMachineDefinitionInput")?;
        let st = self.shared.borrow()?;
        let out = st.account.validate_state_machine_definition(&req).map_err(api_error)?;
        to_js(&out)
    }

    /// `TestState`: runs one state in isolation, as the AWS console's "Test state" does, and
    /// returns AWS's response with the inspection data of each step (a simulator extra here: it
    /// needs no machine in the account). Errors are AWS's (`ValidationException`,
    /// `InvalidDefinition`).
    #[wasm_bindgen(js_name = testState, unchecked_return_type = "TestStateOutput")]
    pub fn test_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TestStateInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !input.is_object() || input.is_function() || Array::is_array(&input) {
            return Err(validation("TestStateInput must be an object"));
        }
        // Through JSON text, so numbers keep the form JS gives them.
        let text = js_sys::JSON::stringify(&input).ok().and_then(|t| t.as_string()).unwrap_or_default();
        let request: Value = serde_json::from_str(&text).map_err(|e| validation(format!("TestStateInput: {e}")))?;
        let teststate_error = |e: crate::teststate::ApiError| -> JsValue {
            let error = js_error(&e.name, &e.message);
            set(&error, "$fault", &"client".into());
            error.into()
        };
        let request = crate::teststate::Request::from_json(&request).map_err(teststate_error)?;
        let out = crate::teststate::test_state(&request).map_err(teststate_error)?;
        to_js(&out)
    }

    /// `StartSyncExecution` of an Express machine: a promise of AWS's response, settled when the
    /// execution ends (`SUCCEEDED`, `FAILED`, or `TIMED_OUT` at the 5-minute Express limit). With
    /// `{caller: 'console'}` it rejects with a `TimeoutError` after 60 s of execution time, as the
    /// console's request does, while the execution goes on and its end reaches the logs.
    #[wasm_bindgen(js_name = startSyncExecution, unchecked_return_type = "Promise<StartSyncExecutionOutput>")]
    pub fn start_sync_execution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StartSyncExecutionInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "StartSyncExecutionOptions")] options: Option<JsValue>,
    ) -> Promise {
        match self.try_start_sync(&input, options) {
            Ok(p) => p,
            Err(e) => Promise::reject(&e),
        }
    }

    fn try_start_sync(&self, input: &JsValue, options: Option<JsValue>) -> Result<Promise, JsValue> {
        let req: account::StartExecutionInput = from_js(input, "StartSyncExecutionInput")?;
        let caller = options.as_ref().and_then(|o| get(o, "caller")).filter(|c| !c.is_null());
        let console = match caller.map(|c| c.as_string()) {
            None => false,
            Some(Some(c)) if c == "console" => true,
            Some(Some(c)) if c == "sdk" => false,
            Some(c) => return Err(validation(format!("caller must be 'console' or 'sdk', not {c:?}"))),
        };
        let metadata_only = req.included_data.as_deref() == Some("METADATA_ONLY");
        let mut fns = None;
        let promise = Promise::new(&mut |resolve, reject| fns = Some((resolve, reject)));
        let (resolve, reject) = fns.ok_or_else(|| validation("could not create a Promise"))?;
        {
            let mut st = self.shared.borrow()?;
            let now = st.now();
            let arn = st.account.start_sync_execution(&req, now).map_err(api_error)?;
            let deadline = console.then_some(now + CONSOLE_SYNC_LIMIT_MS);
            let run = st.run_for(&arn);
            run.waiters.push(Waiter::Sync { resolve, reject, deadline, metadata_only });
        }
        self.shared.kick();
        Ok(promise)
    }

    /// `StartExecution`: `{executionArn, startDate}` at once, before any state runs. The execution
    /// goes on in the background (as fast as it can on the virtual clock) and writes its log
    /// records; `onDone` gets the `StartSyncExecution` response shape when it ends. Throws
    /// `ThrottlingException` when the quotas are on and the bucket is empty.
    #[wasm_bindgen(js_name = startExecution, unchecked_return_type = "StartExecutionOutput")]
    pub fn start_execution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StartExecutionInput")] input: JsValue,
        #[wasm_bindgen(js_name = onDone, unchecked_optional_param_type = "(result: ExecutionResult) => void")]
        on_done: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let req: account::StartExecutionInput = from_js(&input, "StartExecutionInput")?;
        let on_done = match on_done.filter(|f| !f.is_undefined() && !f.is_null()) {
            None => None,
            Some(f) => Some(f.dyn_into::<Function>().map_err(|_| validation("onDone must be a function"))?),
        };
        let out = {
            let mut st = self.shared.borrow()?;
            let now = st.now();
            let arn = st.account.start_execution(&req, now).map_err(api_error)?;
            let run = st.run_for(&arn);
            if let Some(f) = on_done {
                run.waiters.push(Waiter::OnDone(f));
            }
            st.account.start_output(&arn).map_err(api_error)?
        };
        self.shared.kick();
        to_js_dated(&out)
    }

    /// `DescribeExecution` (for Express executions too: a simulator extra).
    #[wasm_bindgen(js_name = describeExecution, unchecked_return_type = "DescribeExecutionOutput")]
    pub fn describe_execution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DescribeExecutionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: account::ExecutionInput = from_js(&input, "DescribeExecutionInput")?;
        let st = self.shared.borrow()?;
        to_js_dated(&st.account.describe_execution(&req).map_err(api_error)?)
    }

    /// `StopExecution`: the execution ends `ABORTED` with the given error and cause (for Express
    /// executions too: a simulator extra). Its sync promise resolves and its `onDone` runs.
    #[wasm_bindgen(js_name = stopExecution, unchecked_return_type = "StopExecutionOutput")]
    pub fn stop_execution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StopExecutionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: account::StopExecutionInput = from_js(&input, "StopExecutionInput")?;
        let out = {
            let mut st = self.shared.borrow()?;
            let now = st.now();
            let out = st.account.stop_execution(&req, now).map_err(api_error)?;
            st.wake_runs();
            out
        };
        self.shared.kick();
        to_js_dated(&out)
    }

    /// `SendTaskSuccess`: the `.waitForTaskToken` task holding `taskToken` succeeds with `output`
    /// (JSON text). A promise of `{}`; it rejects with `TaskDoesNotExist` (no task ever had the
    /// token), `TaskTimedOut` (its task has ended) or `InvalidOutput` (not JSON).
    #[wasm_bindgen(js_name = sendTaskSuccess, unchecked_return_type = "Promise<SendTaskOutput>")]
    pub fn send_task_success(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendTaskSuccessInput")] input: JsValue,
    ) -> Promise {
        self.send_task(|st, now| {
            let req: account::SendTaskSuccessInput = from_js(&input, "SendTaskSuccessInput")?;
            st.account.send_task_success(&req, now).map_err(api_error)
        })
    }

    /// `SendTaskFailure`: the `.waitForTaskToken` task holding `taskToken` fails with `error` and
    /// `cause`, which its Retry and Catch see. A promise of `{}`; rejects as `sendTaskSuccess` does.
    #[wasm_bindgen(js_name = sendTaskFailure, unchecked_return_type = "Promise<SendTaskOutput>")]
    pub fn send_task_failure(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendTaskFailureInput")] input: JsValue,
    ) -> Promise {
        self.send_task(|st, now| {
            let req: account::SendTaskFailureInput = from_js(&input, "SendTaskFailureInput")?;
            st.account.send_task_failure(&req, now).map_err(api_error)
        })
    }

    /// `SendTaskHeartbeat`: the task's `HeartbeatSeconds` start again now. A promise of `{}`.
    #[wasm_bindgen(js_name = sendTaskHeartbeat, unchecked_return_type = "Promise<SendTaskOutput>")]
    pub fn send_task_heartbeat(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendTaskHeartbeatInput")] input: JsValue,
    ) -> Promise {
        self.send_task(|st, now| {
            let req: account::SendTaskHeartbeatInput = from_js(&input, "SendTaskHeartbeatInput")?;
            st.account.send_task_heartbeat(&req, now).map_err(api_error)
        })
    }

    /// One of the `SendTask*` calls, at the clock's time, as a promise; the execution it moved
    /// goes on in the background.
    fn send_task(&self, call: impl FnOnce(&mut State, i64) -> Result<Value, JsValue>) -> Promise {
        let out = (|| {
            let mut st = self.shared.borrow()?;
            let now = st.now();
            let out = call(&mut st, now)?;
            st.wake_runs();
            to_js(&out)
        })();
        self.shared.kick();
        match out {
            Ok(v) => Promise::resolve(&v),
            Err(e) => Promise::reject(&e),
        }
    }

    /// `GetExecutionHistory`: AWS's history events, `timestamp`s as `Date`s (for Express
    /// executions too: a simulator extra; AWS keeps no history of them).
    #[wasm_bindgen(js_name = getExecutionHistory, unchecked_return_type = "GetExecutionHistoryOutput")]
    pub fn get_execution_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GetExecutionHistoryInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: account::GetExecutionHistoryInput = from_js(&input, "GetExecutionHistoryInput")?;
        let st = self.shared.borrow()?;
        let out = st.account.get_execution_history(&req).map_err(api_error)?;
        let js = to_js(&out)?;
        if let Some(events) = get(&js, "events").and_then(|e| e.dyn_into::<Array>().ok()) {
            for event in events.iter() {
                dates(&event);
            }
        }
        Ok(js)
    }

    /// The simulator's CloudWatch Logs: `{events, nextForwardToken}`, records oldest first,
    /// optionally of one execution or log group. Pass `nextForwardToken` back as `nextToken` to
    /// poll for newer records; the same token comes back while nothing new has arrived.
    #[wasm_bindgen(js_name = getLogEvents, unchecked_return_type = "GetLogEventsOutput")]
    pub fn get_log_events(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "GetLogEventsInput")] input: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let req: account::GetLogEventsInput = match input.filter(|i| !i.is_undefined() && !i.is_null()) {
            Some(i) => from_js(&i, "GetLogEventsInput")?,
            None => account::GetLogEventsInput::default(),
        };
        let st = self.shared.borrow()?;
        to_js(&st.account.get_log_events(&req).map_err(api_error)?)
    }

    /// Calls `callback(record, logGroupName)` with every log record written from now on, in order.
    /// Returns a function that unsubscribes.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn subscribe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LogSubscriber")] callback: JsValue,
    ) -> Result<JsValue, JsValue> {
        let callback = callback.dyn_into::<Function>().map_err(|_| validation("subscribe needs a function"))?;
        let id = {
            let mut st = self.shared.borrow()?;
            let id = st.next_subscriber;
            st.next_subscriber += 1;
            let from = st.account.logs().len();
            st.subscribers.push((id, callback, from));
            id
        };
        let weak: Weak<Shared> = Rc::downgrade(&self.shared);
        let unsubscribe = Closure::once_into_js(move || {
            if let Some(shared) = weak.upgrade() {
                if let Ok(mut st) = shared.state.try_borrow_mut() {
                    st.subscribers.retain(|(i, _, _)| *i != id);
                }
            }
        });
        Ok(unsubscribe)
    }

    /// Answers every Task state whose `Resource` is `resourceArn` with `handler(input, context)`,
    /// which may be async. A thrown `{error, cause}` (or an `Error` with those fields) fails the
    /// task. Passing `null` removes the handler.
    #[wasm_bindgen(js_name = registerTaskHandler)]
    pub fn register_task_handler(
        &self,
        #[wasm_bindgen(js_name = resourceArn)] resource_arn: String,
        #[wasm_bindgen(unchecked_param_type = "TaskHandler | null")] handler: JsValue,
    ) -> Result<(), JsValue> {
        let mut st = self.shared.borrow()?;
        if handler.is_null() || handler.is_undefined() {
            st.handlers.remove(&resource_arn);
            return Ok(());
        }
        let handler = handler.dyn_into::<Function>().map_err(|_| validation("a task handler must be a function"))?;
        st.handlers.insert(resource_arn, handler);
        Ok(())
    }

    /// Sets the Step Functions Local mock config (an object or its JSON text). Start an execution
    /// with `#TestCase` after the state machine ARN to answer its tasks from that test case.
    #[wasm_bindgen(js_name = setMockConfig)]
    pub fn set_mock_config(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MockConfig | string")] config: JsValue,
    ) -> Result<(), JsValue> {
        let text = match config.as_string() {
            Some(t) => t,
            None => js_sys::JSON::stringify(&config)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| validation("the mock config must be an object or JSON text"))?,
        };
        let value: Value =
            serde_json::from_str(&text).map_err(|e| validation(format!("the mock config is not JSON: {e}")))?;
        let mut st = self.shared.borrow()?;
        st.account.set_mock_config_value(&value).map_err(api_error)
    }
}

// ------------------------------------------------------------------------------- the scheduler

impl Shared {
    fn borrow(&self) -> Result<RefMut<'_, State>, JsValue> {
        self.state
            .try_borrow_mut()
            .map_err(|_| js_error("SimulatorBusy", "the simulator was called while it was busy").into())
    }

    /// Makes sure the scheduler runs and sees the news.
    fn kick(self: &Rc<Self>) {
        let start = match self.state.try_borrow_mut() {
            Ok(mut st) if !st.scheduler_running => {
                st.scheduler_running = true;
                true
            }
            _ => false,
        };
        if start {
            spawn_local(schedule(self.clone()));
        } else {
            self.signal.notify();
        }
    }

    /// A JS handler's task ended.
    fn complete(&self, run: u64, request: TaskRequest, result: Result<Value, Failure>) {
        if let Ok(mut st) = self.state.try_borrow_mut() {
            st.inflight = st.inflight.saturating_sub(1);
            st.completions.push(Completion { run, request, result });
        }
        self.signal.notify();
    }
}

/// The scheduler: one task per simulator while executions run. Each step advances every execution
/// that can move at the current time; between steps it waits for JS tasks and timers, or moves the
/// virtual clock to the next timer when nothing else can happen.
async fn schedule(shared: Rc<Shared>) {
    let mut last_macrotask = js_sys::Date::now();
    loop {
        let step = match shared.state.try_borrow_mut() {
            Ok(mut st) => st.step(),
            Err(_) => Step::default(),
        };
        deliver(&step.records);
        for call in step.calls {
            call_handler(&shared, call);
        }
        settle(step.settles);
        let next = match shared.state.try_borrow_mut() {
            Ok(mut st) => st.next(),
            Err(_) => Next::Again,
        };
        match next {
            Next::Exit => break,
            Next::Again => {
                // Let the page breathe: a microtask between steps, a macrotask now and then.
                if js_sys::Date::now() - last_macrotask > 10.0 {
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    last_macrotask = js_sys::Date::now();
                } else {
                    let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
                }
            }
            Next::Wait(timeout) => {
                shared.signal.wait(timeout).await;
                last_macrotask = js_sys::Date::now();
            }
        }
    }
}

#[derive(Default)]
struct Step {
    records: Vec<(Function, JsValue, JsValue)>,
    calls: Vec<Call>,
    settles: Vec<Settle>,
}

impl State {
    fn now(&mut self) -> i64 {
        match &mut self.clock {
            Clock::Virtual { now } => *now,
            Clock::Real { last } => {
                *last = (*last).max(js_sys::Date::now() as i64);
                *last
            }
        }
    }

    /// The run of an execution, made if new.
    fn run_for(&mut self, arn: &str) -> &mut Run {
        let seq = match self.run_of.get(arn) {
            Some(s) => *s,
            None => {
                let s = self.next_run;
                self.next_run += 1;
                self.run_of.insert(arn.to_string(), s);
                s
            }
        };
        self.runs.entry(seq).or_insert_with(|| Run {
            arn: arn.to_string(),
            ready: true,
            wake_at: None,
            waiters: Vec::new(),
        })
    }

    fn step(&mut self) -> Step {
        let mut step = Step::default();
        let now = self.now();
        for c in std::mem::take(&mut self.completions) {
            if let Some(run) = self.runs.get_mut(&c.run) {
                run.ready = true;
                let arn = run.arn.clone();
                self.account.handler_answered(&arn, &c.request, c.result, now);
            }
        }
        let mut polls = 0;
        let seqs: Vec<u64> = self.runs.keys().copied().collect();
        for seq in seqs {
            let Some(run) = self.runs.get_mut(&seq) else { continue };
            if run.wake_at.is_some_and(|t| t <= now) {
                run.ready = true;
            }
            if !run.ready || polls >= POLLS_PER_STEP {
                continue;
            }
            run.ready = false;
            let arn = run.arn.clone();
            loop {
                polls += 1;
                match self.account.poll(&arn, now) {
                    Some(Poll::Task(req)) => self.dispatch(seq, &arn, req, now, &mut step),
                    Some(Poll::WakeAt(t)) => {
                        if let Some(run) = self.runs.get_mut(&seq) {
                            run.wake_at = Some(t);
                        }
                        break;
                    }
                    Some(Poll::Idle) => {
                        if let Some(run) = self.runs.get_mut(&seq) {
                            run.wake_at = None;
                        }
                        break;
                    }
                    Some(Poll::Done) | None => break,
                }
            }
        }
        self.wake_runs();
        self.finish_runs(now, &mut step);
        self.collect_records(&mut step);
        step
    }

    /// Executions the account moved outside their own poll (a token sent, a child ended or
    /// started): poll them at the next step. A nested child gets its run here.
    fn wake_runs(&mut self) {
        for arn in self.account.take_woken() {
            if self.account.status(&arn) == Some(Status::Running) || self.run_of.contains_key(&arn) {
                self.run_for(&arn).ready = true;
            }
        }
    }

    /// Hands a task to the account (mock config, nested executions, token waits, failures) or to
    /// the JS handler registered for its resource.
    fn dispatch(&mut self, seq: u64, arn: &str, req: TaskRequest, now: i64, step: &mut Step) {
        let handler = self.handlers.get(&req.resource).cloned();
        if self.account.dispatch(arn, &req, handler.is_some(), now) == account::Dispatch::Handled {
            return;
        }
        let Some(handler) = handler else { return };
        let machine = self.account.execution(arn).map(|e| e.config().identity.state_machine_arn.clone());
        let mut context = json!({
            "executionArn": arn,
            "stateMachineArn": machine,
            "stateName": req.state_name,
            "resource": req.resource,
            "retryCount": req.retry_count,
        });
        if let Some(token) = &req.task_token {
            context["taskToken"] = json!(token);
        }
        step.calls.push(Call { run: seq, handler, request: req, context });
        self.inflight += 1;
    }

    /// Ended executions: settle their waiters and drop them; console deadlines that passed: reject.
    fn finish_runs(&mut self, now: i64, step: &mut Step) {
        let seqs: Vec<u64> = self.runs.keys().copied().collect();
        for seq in seqs {
            let Some(run) = self.runs.get_mut(&seq) else { continue };
            let running = self.account.status(&run.arn) == Some(Status::Running);
            if running {
                let arn = run.arn.clone();
                let mut kept = Vec::new();
                for w in std::mem::take(&mut run.waiters) {
                    match w {
                        Waiter::Sync { reject, deadline: Some(d), .. } if d <= now => {
                            step.settles.push(Settle::Reject(reject, console_timeout(&arn)));
                        }
                        other => kept.push(other),
                    }
                }
                run.waiters = kept;
                continue;
            }
            let Some(run) = self.runs.remove(&seq) else { continue };
            self.run_of.remove(&run.arn);
            for w in run.waiters {
                match w {
                    Waiter::OnDone(f) => {
                        let out =
                            self.account.sync_output(&run.arn, false).map_err(api_error).and_then(|v| to_js_dated(&v));
                        step.settles.push(Settle::OnDone(f, out.unwrap_or_else(|e| e)));
                    }
                    Waiter::Sync { resolve, reject, metadata_only, .. } => {
                        match self
                            .account
                            .sync_output(&run.arn, metadata_only)
                            .map_err(api_error)
                            .and_then(|v| to_js_dated(&v))
                        {
                            Ok(out) => step.settles.push(Settle::Resolve(resolve, out)),
                            Err(e) => step.settles.push(Settle::Reject(reject, e)),
                        }
                    }
                }
            }
        }
    }

    /// New log records for the subscribers.
    fn collect_records(&mut self, step: &mut Step) {
        let logs = self.account.logs();
        if self.subscribers.is_empty() {
            self.delivered = logs.len();
            return;
        }
        for (i, r) in logs.iter().enumerate().skip(self.delivered) {
            let (Ok(record), group) = (to_js(&r.message), JsValue::from_str(&r.log_group)) else { continue };
            for (_, f, from) in &self.subscribers {
                if i >= *from {
                    step.records.push((f.clone(), record.clone(), group.clone()));
                }
            }
        }
        self.delivered = logs.len();
    }

    /// What to do after a step.
    fn next(&mut self) -> Next {
        if !self.completions.is_empty() || self.runs.values().any(|r| r.ready) {
            return Next::Again;
        }
        if self.delivered < self.account.logs().len() && !self.subscribers.is_empty() {
            return Next::Again;
        }
        let deadlines = self.runs.values().flat_map(|r| {
            r.waiters.iter().filter_map(|w| match w {
                Waiter::Sync { deadline, .. } => *deadline,
                _ => None,
            })
        });
        let next_time = self.runs.values().filter_map(|r| r.wake_at).chain(deadlines).min();
        match (self.clock, next_time) {
            (Clock::Virtual { .. }, _) if self.inflight > 0 => Next::Wait(None),
            (Clock::Virtual { now }, Some(t)) => {
                self.clock = Clock::Virtual { now: now.max(t) };
                Next::Again
            }
            (Clock::Real { .. }, Some(t)) => {
                let now = self.now();
                if t <= now {
                    Next::Again
                } else {
                    Next::Wait(Some((t - now) as f64))
                }
            }
            (_, None) if self.runs.is_empty() && self.inflight == 0 => {
                self.scheduler_running = false;
                Next::Exit
            }
            (_, None) => Next::Wait(None),
        }
    }
}

/// The error of a console `startSyncExecution` whose execution ran past 60 s.
fn console_timeout(arn: &str) -> JsValue {
    let e = js_error(
        "TimeoutError",
        format!(
            "The console's StartSyncExecution request elapsed after 60 seconds of execution time. The execution goes \
             on: its end will appear in its logs ({arn}). Call startSyncExecution with {{caller: 'sdk'}} to wait up to \
             the 5-minute Express limit."
        ),
    );
    set(&e, "executionArn", &arn.into());
    e.into()
}

/// Calls a JS task handler; its (possibly async) answer becomes a completion.
fn call_handler(shared: &Rc<Shared>, call: Call) {
    let input = js_sys::JSON::parse(&call.request.input.to_string()).unwrap_or(JsValue::NULL);
    let context = to_js(&call.context).unwrap_or(JsValue::NULL);
    match call.handler.call2(&JsValue::UNDEFINED, &input, &context) {
        Err(thrown) => shared.complete(call.run, call.request, Err(failure_from_js(&thrown))),
        Ok(v) if is_thenable(&v) => {
            let shared = shared.clone();
            spawn_local(async move {
                let result = match JsFuture::from(Promise::resolve(&v)).await {
                    Ok(v) => value_from_js(&v),
                    Err(thrown) => Err(failure_from_js(&thrown)),
                };
                shared.complete(call.run, call.request, result);
            });
        }
        Ok(v) => shared.complete(call.run, call.request, value_from_js(&v)),
    }
}

fn deliver(records: &[(Function, JsValue, JsValue)]) {
    for (f, record, group) in records {
        if let Err(e) = f.call2(&JsValue::UNDEFINED, record, group) {
            web_sys::console::error_2(&"asl-sim: a log subscriber threw".into(), &e);
        }
    }
}

fn settle(settles: Vec<Settle>) {
    for s in settles {
        let r = match &s {
            Settle::Resolve(f, v) | Settle::Reject(f, v) => f.call1(&JsValue::UNDEFINED, v),
            Settle::OnDone(f, v) => f.call1(&JsValue::UNDEFINED, v),
        };
        if let Err(e) = r {
            web_sys::console::error_2(&"asl-sim: an onDone callback threw".into(), &e);
        }
    }
}

fn is_thenable(v: &JsValue) -> bool {
    v.is_instance_of::<Promise>() || (v.is_object() && get(v, "then").is_some_and(|t| t.is_function()))
}

/// A handler's answer as a JSON value (`undefined` is `null`).
fn value_from_js(v: &JsValue) -> Result<Value, Failure> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Failure::new(ErrorName::TaskFailed, "The task handler's result cannot be written as JSON."))?;
    serde_json::from_str(&text)
        .map_err(|e| Failure::new(ErrorName::TaskFailed, format!("The task handler's result is not JSON: {e}")))
}

/// What a thrown value means: `{error, cause}` (or an `Error` with those fields) names the
/// failure; another `Error` fails with its `name` and `message`.
fn failure_from_js(v: &JsValue) -> Failure {
    let text = |v: JsValue| -> String {
        match v.as_string() {
            Some(s) => s,
            None if v.is_undefined() || v.is_null() => String::new(),
            None => js_sys::JSON::stringify(&v).ok().and_then(|s| s.as_string()).unwrap_or_default(),
        }
    };
    if v.is_object() {
        let error = get(v, "error").filter(|e| !e.is_undefined() && !e.is_null());
        let is_error = v.is_instance_of::<js_sys::Error>();
        let message = || v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        if let Some(error) = error {
            let cause = get(v, "cause").filter(|c| !c.is_undefined()).map(text);
            let cause = cause.unwrap_or_else(|| if is_error { message() } else { String::new() });
            return Failure::custom(text(error), cause);
        }
        if let Some(e) = v.dyn_ref::<js_sys::Error>() {
            return Failure::custom(String::from(e.name()), String::from(e.message()));
        }
        return Failure::custom("Error", text(v.clone()));
    }
    Failure::custom("Error", v.as_string().unwrap_or_else(|| format!("{v:?}")))
}

// ------------------------------------------------------------------------------- conversions

fn get(v: &JsValue, key: &str) -> Option<JsValue> {
    if !v.is_object() && !v.is_function() {
        return None;
    }
    Reflect::get(v, &JsValue::from_str(key)).ok().filter(|x| !x.is_undefined())
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A request object as its Rust shape; a wrong shape is a `ValidationException`.
fn from_js<T: DeserializeOwned>(v: &JsValue, what: &str) -> Result<T, JsValue> {
    if !v.is_object() || v.is_function() || Array::is_array(v) {
        return Err(validation(format!("{what} must be an object")));
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| {
        let hint = if e.to_string().contains("expected a string") {
            " (input and definition are JSON text: use JSON.stringify)"
        } else {
            ""
        };
        validation(format!("{what}: {e}{hint}"))
    })
}

/// A JSON value as a plain JS object.
fn to_js(v: &Value) -> Result<JsValue, JsValue> {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error("InternalError", format!("cannot convert the response for JS: {e}")).into())
}

/// A response as a plain JS object, its [`DATE_KEYS`] as `Date`s.
fn to_js_dated(v: &Value) -> Result<JsValue, JsValue> {
    let js = to_js(v)?;
    dates(&js);
    Ok(js)
}

fn dates(obj: &JsValue) {
    for key in DATE_KEYS {
        if let Some(ms) = get(obj, key).and_then(|v| v.as_f64()) {
            set(obj, key, &js_sys::Date::new(&JsValue::from_f64(ms)).into());
        }
    }
}

fn quotas(v: Option<&Value>, region: &str) -> Result<Option<Quotas>, JsValue> {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(Quotas::aws_defaults(region))),
        Some(Value::Object(o)) => {
            let mut q = Quotas::aws_defaults(region);
            let start = o.get("startExecution").cloned().unwrap_or(Value::Null);
            for (key, bucket) in
                [("standard", &mut q.start_execution_standard), ("express", &mut q.start_execution_express)]
            {
                if let Some(b) = start.get(key) {
                    let size = b.get("bucketSize").and_then(Value::as_f64);
                    let rate = b.get("refillRate").and_then(Value::as_f64);
                    match (size, rate) {
                        (Some(s), Some(r)) if s >= 0.0 && r >= 0.0 && s.is_finite() && r.is_finite() => {
                            *bucket = TokenBucket::new(s, r)
                        }
                        _ => {
                            return Err(validation(format!(
                                "quotas.startExecution.{key} needs a bucketSize and a refillRate (numbers, 0 or more)"
                            )))
                        }
                    }
                }
            }
            Ok(Some(q))
        }
        Some(_) => Err(validation("quotas must be true, false or {startExecution: {standard?, express?}}")),
    }
}

// ------------------------------------------------------------------------------- waiting

/// Wakes the scheduler: a JS task settled or an API call changed something.
#[derive(Default)]
struct Signal {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Signal {
    fn notify(&self) {
        self.fired.set(true);
        if let Some(w) = self.waker.try_borrow_mut().ok().and_then(|mut w| w.take()) {
            w.wake();
        }
    }

    /// Until `notify`, or until `timeout_ms` has passed.
    async fn wait(&self, timeout_ms: Option<f64>) {
        // setTimeout takes at most 2^31 - 1 ms; longer sleeps wake early and sleep again.
        let mut timer = timeout_ms
            .map(|ms| Box::pin(gloo_timers::future::TimeoutFuture::new(ms.clamp(0.0, 2_147_483_647.0) as u32)));
        std::future::poll_fn(|cx| {
            if self.fired.replace(false) {
                return TaskPoll::Ready(());
            }
            if let Some(t) = timer.as_mut() {
                if t.as_mut().poll(cx).is_ready() {
                    return TaskPoll::Ready(());
                }
            }
            if let Ok(mut w) = self.waker.try_borrow_mut() {
                *w = Some(cx.waker().clone());
            }
            TaskPoll::Pending
        })
        .await;
    }
}

/// Run in Node.js by `wasm-pack test --node -- --lib` (part of `make test`): these call the bindings
/// as Rust functions. The JS API's behaviour is tested in `tests/api/` (Node and Chromium).
#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn version_is_the_crate_version() {
        assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    }

    #[wasm_bindgen_test]
    fn round_trip_keeps_key_order_and_big_integers() {
        let text = r#"{"z":1,"a":[true,null,"x"],"10":{"2":2,"1":1},"big":18446744073709551615}"#;
        assert_eq!(json_round_trip(text).unwrap(), text);
        assert_eq!(json_round_trip(" [1, 2.5, -3] ").unwrap(), "[1,2.5,-3]");
    }

    #[wasm_bindgen_test]
    fn bad_json_is_a_named_js_error() {
        let error = json_round_trip(r#"{"a": }"#).unwrap_err();
        assert_eq!(String::from(error.name()), "InvalidExecutionInput");
        let message = String::from(error.message());
        assert!(message.contains("line 1 column 7"), "{message}");
    }

    #[wasm_bindgen_test]
    fn js_error_is_an_instance_of_error() {
        let error = js_error("States.Runtime", "a cause");
        let value: JsValue = error.into();
        assert!(value.is_instance_of::<js_sys::Error>());
        let error: js_sys::Error = value.into();
        assert_eq!(String::from(error.to_string()), "States.Runtime: a cause");
    }

    #[wasm_bindgen_test]
    fn thrown_values_become_failures() {
        let obj = js_sys::JSON::parse(r#"{"error": "E", "cause": "C"}"#).unwrap();
        assert_eq!(failure_from_js(&obj), Failure::custom("E", "C"));
        let err: JsValue = js_error("TypeError", "bad").into();
        assert_eq!(failure_from_js(&err), Failure::custom("TypeError", "bad"));
        set(&err, "error", &"Custom".into());
        assert_eq!(failure_from_js(&err), Failure::custom("Custom", "bad"));
        assert_eq!(failure_from_js(&"plain".into()), Failure::custom("Error", "plain"));
        let detailed = js_sys::JSON::parse(r#"{"error": "E", "cause": {"why": 1}}"#).unwrap();
        assert_eq!(failure_from_js(&detailed), Failure::custom("E", r#"{"why":1}"#));
    }

    #[wasm_bindgen_test]
    fn results_become_json() {
        assert_eq!(value_from_js(&JsValue::UNDEFINED), Ok(Value::Null));
        let v = js_sys::JSON::parse(r#"{"b": [1, "x"], "a": null}"#).unwrap();
        assert_eq!(value_from_js(&v), Ok(json!({"b": [1, "x"], "a": null})));
        let big = js_sys::BigInt::from(1u64);
        assert_eq!(value_from_js(&big.into()).unwrap_err().error, "States.TaskFailed");
    }
}
