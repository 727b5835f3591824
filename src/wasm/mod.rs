//! JavaScript bindings (wasm32 only). Converts at the edges; the core knows nothing of JS.
//!
//! [`Simulator`] is the JS class: a [`crate::simulator::Simulator`] account plus what only JS has
//! (task handlers, callbacks, timers), driven in the background by [`scheduler`], a loop around the
//! account step [`crate::simulator::Simulator::advance`] that every driver shares. What needs no
//! JS (mock answers, nested workflows, task tokens) is the account's; this module only converts
//! (in [`convert`]) and holds promises and callbacks. The TypeScript declarations are in
//! `asl_sim.d.ts` beside this file.
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
//! `unchecked_return_type`, its types in `asl_sim.d.ts`, a test in `tests/api/`, and a check in
//! `tests/js/npm_package.mjs`.

use std::fmt::Display;
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Promise};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::simulator::{self as account, ApiError};

mod convert;
mod handler;
mod lifecycle;
mod s3;
mod scheduler;

#[doc(hidden)]
pub use lifecycle::panic_for_tests;

use convert::{dates, from_js, get, option_f64, option_json, option_string, quotas, set, to_js, to_js_dated};
use scheduler::{Clock, Shared, State, Waiter, CONSOLE_SYNC_LIMIT_MS};

/// Runs once when the module is instantiated: from then on a Rust panic also prints its message
/// with `console.error`, instead of only `RuntimeError: unreachable`, and the simulator it hit
/// reports it (see [`lifecycle`]). `private`: not exported to JS.
#[wasm_bindgen(start, private)]
fn start() {
    lifecycle::install_panic_hook();
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
pub(crate) fn api_error(e: ApiError) -> JsValue {
    let error = js_error(e.name(), &e.message);
    set(&error, "$fault", &"client".into());
    if !e.diagnostics.is_empty() {
        let diagnostics = to_js(&Value::Array(e.diagnostics)).unwrap_or(JsValue::NULL);
        set(&error, "diagnostics", &diagnostics);
    }
    error.into()
}

pub(crate) fn validation(message: impl Display) -> JsValue {
    api_error(ApiError::validation(message.to_string()))
}

/// Why a build without the crate feature `test-state` or `request-handler` (the lite build)
/// refuses `method`: an `UnknownOperationException` naming the full build.
pub(crate) fn not_in_this_build(method: &str) -> JsValue {
    api_error(ApiError::new(
        crate::error::ApiErrorKind::UnknownOperationException,
        format!(
            "{method} is not in this build of asl-sim (the lite build leaves out TestState and the SDK request \
             handler): use the full build (the npm package's 'asl-sim' rather than 'asl-sim/lite', or the crate \
             with its default features)"
        ),
    ))
}

/// `sim.free()`: the account and everything JS gave it go at once (see [`lifecycle`]).
impl Drop for Simulator {
    fn drop(&mut self) {
        let rejects = match self.shared.state.try_borrow_mut() {
            Ok(mut st) => st.free(),
            Err(_) => return,
        };
        if rejects.is_empty() {
            // A JS Error captures a stack trace: none is made when nobody waits.
            return;
        }
        let freed: JsValue =
            js_error("SimulatorFreed", "the Simulator was freed (sim.free()) before the execution ended").into();
        for reject in rejects {
            let _ = reject.call1(&JsValue::UNDEFINED, &freed);
        }
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("asl_sim.d.ts");

// ------------------------------------------------------------------------------- the class

/// A simulated Step Functions account in one region: state machines, executions, task handlers,
/// mock configs and the CloudWatch Logs records of executions. The methods mirror the Step
/// Functions API (the AWS SDK for JavaScript v3's names and shapes, with `Date` timestamps).
#[wasm_bindgen]
pub struct Simulator {
    shared: Rc<Shared>,
}

#[wasm_bindgen]
impl Simulator {
    /// A new simulated account. Throws `ValidationException` on bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SimulatorOptions")] options: Option<JsValue>,
    ) -> Result<Simulator, JsValue> {
        lifecycle::install_panic_hook();
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
        let o = options.as_ref();
        let account = option_string(o, "accountId")?.unwrap_or_else(|| "123456789012".into());
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(validation(format!("accountId must be 12 digits, not '{account}'")));
        }
        let region = option_string(o, "region")?.unwrap_or_else(|| "us-east-1".into());
        if region.is_empty() || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(validation(format!("region must look like 'us-east-1', not '{region}'")));
        }
        let seed = match option_f64(o, "seed")? {
            None => 0,
            Some(s) if s.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&s) => s as u64,
            Some(s) => return Err(validation(format!("seed must be an integer from 0 to 2^53 - 1, not {s}"))),
        };
        let clock = match option_string(o, "clock")?.as_deref() {
            None | Some("virtual") => {
                let start = start_date.unwrap_or_else(js_sys::Date::now);
                if !start.is_finite() || start.abs() > 8.64e15 {
                    return Err(validation("startDate is not a valid date"));
                }
                (Clock::Virtual, start as i64)
            }
            Some("real") => {
                if start_date.is_some() {
                    return Err(validation("startDate is for the virtual clock only"));
                }
                (Clock::Real, js_sys::Date::now() as i64)
            }
            Some(other) => return Err(validation(format!("clock must be 'virtual' or 'real', not '{other}'"))),
        };
        let mut sim = account::Simulator::new(&account, &region, seed);
        sim.quotas = quotas(option_json(o, "quotas")?.as_ref(), &region)?;
        (sim.budgets, sim.retention) = convert::LimitOptions::read(o)?.resolve()?;
        let (clock, start) = clock;
        sim.set_now(start);
        let state = State::new(sim, clock);
        Ok(Simulator { shared: Rc::new(Shared::new(state)) })
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
    /// `InvalidDefinition`). The lite build (without the crate feature `test-state`) throws
    /// [`not_in_this_build`]'s error instead.
    #[wasm_bindgen(js_name = testState, unchecked_return_type = "TestStateOutput")]
    pub fn test_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TestStateInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !cfg!(feature = "test-state") {
            return Err(not_in_this_build("sim.testState()"));
        }
        if !input.is_object() || input.is_function() || Array::is_array(&input) {
            return Err(validation("TestStateInput must be an object"));
        }
        // Through JSON text, so numbers keep the form JS gives them.
        let text = js_sys::JSON::stringify(&input).ok().and_then(|t| t.as_string()).unwrap_or_default();
        let request: Value = serde_json::from_str(&text).map_err(|e| validation(format!("TestStateInput: {e}")))?;
        let request = crate::teststate::Request::from_json(&request).map_err(api_error)?;
        let out = crate::teststate::test_state(&request).map_err(api_error)?;
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
        let on_start =
            match options.as_ref().and_then(|o| get(o, "onStart")).filter(|f| !f.is_undefined() && !f.is_null()) {
                None => None,
                Some(f) => Some(f.dyn_into::<Function>().map_err(|_| validation("onStart must be a function"))?),
            };
        let metadata_only = req.included_data.as_deref() == Some("METADATA_ONLY");
        let mut fns = None;
        let promise = Promise::new(&mut |resolve, reject| fns = Some((resolve, reject)));
        let (resolve, reject) = fns.ok_or_else(|| validation("could not create a Promise"))?;
        let arn = {
            let mut st = self.shared.borrow()?;
            let now = st.now();
            let arn = st.account.start_sync_execution(&req, now).map_err(api_error)?;
            let deadline = console.then_some(now + CONSOLE_SYNC_LIMIT_MS);
            st.wait_for(&arn, Waiter::Sync { resolve, reject, deadline, metadata_only });
            arn
        };
        // Before any state runs, as startExecution's answer comes.
        if let Some(f) = on_start {
            if let Err(e) = f.call1(&JsValue::UNDEFINED, &JsValue::from_str(&arn)) {
                web_sys::console::error_2(&"asl-sim: an onStart callback threw".into(), &e);
            }
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
            if let Some(f) = on_done {
                st.wait_for(&arn, Waiter::OnDone(f));
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
            st.account.stop_execution(&req, now).map_err(api_error)?
        };
        self.shared.kick();
        to_js_dated(&out)
    }

    /// `SendTaskSuccess`: the `.waitForTaskToken` task holding `taskToken` succeeds with `output`
    /// (JSON text). A promise of `{}`; it rejects with `InvalidToken` (not a token),
    /// `TaskDoesNotExist` (no task ever had the token), `TaskTimedOut` (its task has ended) or
    /// `InvalidOutput` (not JSON).
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
            let from = st.account.log_end();
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

#[cfg(test)]
mod tests {
    use super::scheduler::{failure_from_js, value_from_js};
    use super::*;
    use crate::error::Failure;
    use serde_json::json;
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
