//! `arn:aws:states:::aws-sdk:sfn:<action>` tasks answered by the account's own Step Functions API
//! when no mock or handler answers them: the task's parameters (the SDK's PascalCase members) go
//! to the operation as the wire protocol runs it ([`crate::protocol::sfn`]), and its answer comes
//! back in the SDK integration's shape: PascalCase members, dates as ISO-8601 texts, errors named
//! `Sfn.<Name>Exception` with the SDK's cause (`Invalid Token: 'Invalid token' (Service: Sfn,
//! Status Code: 400, Request ID: ...) (SDK Attempt Count: 1)`, recorded on AWS: LocalStack
//! snapshot `test_aws_sdk_task_service`, validated 2025-11). `startSyncExecution` is a nested
//! workflow ([`super::nested`]); the operations that wait (`GetActivityTask`) are refused.

use serde_json::Value;

use super::Simulator;
use crate::error::Failure;
use crate::exec::TaskId;

/// Whether this build has the wire protocol the tasks run on: every build but the lite wasm one.
const WITH_API: bool = cfg!(any(feature = "request-handler", not(target_arch = "wasm32")));

impl Simulator {
    /// The account's answer to an `aws-sdk:sfn` task, or `None` when the resource is none. The lite
    /// wasm build has no wire protocol (95 KB of code): such a task fails there, naming the build,
    /// unless a handler or a mock answers it.
    pub(super) fn answer_sfn_task(
        &mut self,
        resource: &str,
        input: &Value,
        task: TaskId,
        now: i64,
    ) -> Option<Result<Value, Failure>> {
        let action = crate::resource::integration(resource)?.strip_prefix("aws-sdk:sfn:")?;
        if action.is_empty() || action.contains('.') || !action.is_ascii() {
            return None;
        }
        if !WITH_API {
            return Some(Err(Failure::new(
                crate::error::ErrorName::TaskFailed,
                format!(
                    "aws-sdk:sfn:{action} runs on the simulator's own API, which the lite build leaves out: use the \
                     full build (the npm package's 'asl-sim' rather than 'asl-sim/lite'), a handler or a mock config."
                ),
            )));
        }
        Some(api::call(self, action, input, task, now))
    }
}

/// The call itself; with [`WITH_API`] false the compiler drops it, and the linker the protocol.
mod api {
    use serde_json::{Map, Value};

    use crate::error::{ErrorName, Failure};
    use crate::exec::TaskId;
    use crate::protocol::{sfn, Outcome};
    use crate::simulator::{ApiError, Simulator, DATE_KEYS};

    /// Runs the operation `action` (`startExecution`: `StartExecution`) with the task's input.
    pub(super) fn call(
        sim: &mut Simulator,
        action: &str,
        input: &Value,
        task: TaskId,
        now: i64,
    ) -> Result<Value, Failure> {
        let mut op = action.to_string();
        op[..1].make_ascii_uppercase();
        let body = rename_keys(input, str::to_ascii_lowercase);
        match sfn::call(sim, &op, &body, now, now) {
            Ok(Outcome::Output(v)) => Ok(rename_keys(&iso_dates(v), str::to_ascii_uppercase)),
            Ok(Outcome::Wait(_)) => Err(Failure::new(
                ErrorName::TaskFailed,
                format!("asl-sim does not run aws-sdk:sfn:{action} as a task: the operation waits for the account."),
            )),
            Err(e) => Err(sdk_failure(&e, task)),
        }
    }

    /// The failure an SDK integration reports for an API error.
    fn sdk_failure(e: &ApiError, task: TaskId) -> Failure {
        let name = e.name();
        let suffix = if name.ends_with("Exception") { "" } else { "Exception" };
        let request_id = crate::simulator::nested::request_id(task);
        Failure::custom(
            format!("Sfn.{name}{suffix}"),
            format!("{} (Service: Sfn, Status Code: 400, Request ID: {request_id}) (SDK Attempt Count: 1)", e.message),
        )
    }

    /// `v` with the first letter of every member name changed by `case` (`str::to_ascii_uppercase`
    /// for the SDK's `ExecutionArn`, `to_ascii_lowercase` for the API's `executionArn`).
    fn rename_keys(v: &Value, case: fn(&str) -> String) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| {
                        let split = k.chars().next().map_or(0, char::len_utf8);
                        (format!("{}{}", case(&k[..split]), &k[split..]), rename_keys(x, case))
                    })
                    .collect::<Map<String, Value>>(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|x| rename_keys(x, case)).collect()),
            other => other.clone(),
        }
    }

    /// The API's dates (epoch milliseconds under [`DATE_KEYS`]) as ISO-8601 texts, at any depth.
    fn iso_dates(mut v: Value) -> Value {
        fn walk(v: &mut Value) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m.iter_mut() {
                        match x.as_i64() {
                            Some(ms) if DATE_KEYS.contains(&k.as_str()) => {
                                *x = Value::String(crate::timefmt::iso_context(ms))
                            }
                            _ => walk(x),
                        }
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(walk),
                _ => {}
            }
        }
        walk(&mut v);
        v
    }
}
