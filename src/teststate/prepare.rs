//! Before the state runs: find and validate it, check the mock and the context object against
//! it (with AWS's messages), and make the context object when the request has none.

use serde_json::{json, Map, Value};

use super::request::{ApiError, Request};
use super::shapes;
use super::{START_ISO, STATE_NAME};
use crate::model::{self, Kind, QueryLanguage, State};

/// Finds the tested state: the whole definition, or `stateName` in a state machine (nested
/// states too). Validates the definition as `CreateStateMachine` does. Returns the state's JSON and
/// the query language it inherits.
pub(super) fn resolve_state(req: &Request) -> Result<(Value, QueryLanguage), ApiError> {
    let def = &req.definition;
    match &req.state_name {
        Some(name) => {
            check_valid(def)?;
            let lang = QueryLanguage::of(def.get("QueryLanguage"), QueryLanguage::JsonPath);
            let found =
                find_state(def, name, 0).ok_or_else(|| ApiError::validation("State not found in definition"))?;
            Ok((found.clone(), lang))
        }
        None => {
            check_valid(&wrap(def, QueryLanguage::JsonPath))?;
            Ok((def.clone(), QueryLanguage::JsonPath))
        }
    }
}

pub(super) fn check_valid(def: &Value) -> Result<(), ApiError> {
    let diags = crate::validate::validate(def, crate::validate::MachineType::Standard);
    match crate::validate::invalid_definition_message(&diags) {
        Some(m) => Err(ApiError::definition(m)),
        None => Ok(()),
    }
}

pub(super) fn find_state<'a>(machine: &'a Value, name: &str, depth: usize) -> Option<&'a Value> {
    if depth > model::MAX_NESTING {
        return None;
    }
    let states = machine.get("States")?.as_object()?;
    if let Some(s) = states.get(name) {
        return Some(s);
    }
    for s in states.values() {
        if let Some(Value::Array(branches)) = s.get("Branches") {
            if let Some(f) = branches.iter().find_map(|b| find_state(b, name, depth + 1)) {
                return Some(f);
            }
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(f) = s.get(key).and_then(|p| find_state(p, name, depth + 1)) {
                return Some(f);
            }
        }
    }
    None
}

/// A one-state machine around the state, named `StateName` as AWS names it, with a `Succeed`
/// stand-in for every state it can go to (their names are what `nextState` reports).
pub(super) fn wrap(state: &Value, lang: QueryLanguage) -> Value {
    let mut states = Map::new();
    states.insert(STATE_NAME.into(), state.clone());
    let mut targets: Vec<String> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(s) = v.and_then(Value::as_str) {
            targets.push(s.to_string());
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for key in ["Choices", "Catch"] {
        if let Some(Value::Array(rules)) = state.get(key) {
            for r in rules {
                add(r.get("Next"));
            }
        }
    }
    for t in targets {
        if t != STATE_NAME {
            states.insert(t, json!({"Type": "Succeed"}));
        }
    }
    let mut m = json!({"StartAt": STATE_NAME, "States": states});
    if lang == QueryLanguage::Jsonata {
        m["QueryLanguage"] = json!("JSONata");
    }
    m
}

pub(super) fn type_name(st: &State) -> &'static str {
    st.kind.event_prefix()
}

/// The request's mock against the state type, in the order AWS checks them.
pub(super) fn check_mock(req: &Request, st: &State, raw: &Value) -> Result<(), ApiError> {
    let is_fanout = matches!(st.kind, Kind::Map(_) | Kind::Parallel { .. });
    match &req.mock {
        Some(mock) => {
            if req.reveal_secrets {
                return Err(ApiError::validation("TestState does not support RevealSecrets when a mock is specified."));
            }
            if !is_fanout && !matches!(st.kind, Kind::Task(_)) {
                return Err(ApiError::validation(format!(
                    "State type '{}' is not supported when a mock is specified",
                    type_name(st)
                )));
            }
            // A Map with a ResultWriter ends with the writer's summary, not the results array
            // (the recorded message names the case "without result writer").
            let writes = raw.get("ResultWriter").is_some();
            if let (true, false, Some(result)) = (is_fanout, writes, &mock.result) {
                let Value::Array(items) = result else {
                    return Err(ApiError::validation("Mocked result must be an array."));
                };
                if let Kind::Parallel { branches } = &st.kind {
                    if items.len() != branches.len() {
                        return Err(ApiError::validation(
                            "Mocked result must contain the same number of items as number of Parallel branches.",
                        ));
                    }
                }
            }
            if let (Kind::Task(task), Some(result)) = (&st.kind, &mock.result) {
                let mode = mock.field_validation_mode.as_deref().unwrap_or("STRICT");
                if let (true, Some(shape)) = (mode != "NONE", shapes::response_shape(&task.resource)) {
                    shapes::check(&shape, result, mode == "STRICT")
                        .map_err(|m| ApiError::validation(format!("Mock result schema validation error: {m}")))?;
                }
            }
            Ok(())
        }
        None if is_fanout => Err(ApiError::definition(
            "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
        )),
        None => Ok(()),
    }
}

/// The fields a mocked context object may have (`Map` is refused: a tested state runs outside
/// any Map iteration).
pub(super) fn check_context(ctx: &Value) -> Result<(), ApiError> {
    let bad = |m: String| Err(ApiError::validation(format!("Invalid Context object provided: {m}")));
    let Value::Object(top) = ctx else {
        return bad("Context object must be a JSON object".into());
    };
    let allowed: &[(&str, &[&str])] = &[
        ("Execution", &["Id", "Input", "Name", "RoleArn", "StartTime", "RedriveCount", "RedriveTime"]),
        ("State", &["EnteredTime", "Name", "RetryCount"]),
        ("StateMachine", &["Id", "Name"]),
        ("Task", &["Token"]),
    ];
    for (key, value) in top {
        if key == "Map" {
            return bad("'Map' field is not supported when mocking a Context object".into());
        }
        let Some((_, fields)) = allowed.iter().find(|(k, _)| k == key) else {
            return bad(format!("Field '{key}' is not allowed"));
        };
        let Value::Object(obj) = value else {
            return bad(format!("{key} must be an object"));
        };
        for (f, v) in obj {
            if !fields.contains(&f.as_str()) {
                return bad(format!("Field '{f}' is not allowed"));
            }
            let numeric = matches!(f.as_str(), "RetryCount" | "RedriveCount");
            if f != "Input" && numeric && !v.is_number() {
                return bad(format!("{key}.{f} must be a number"));
            }
            if f != "Input" && !numeric && !v.is_string() {
                return bad(format!("{key}.{f} must be a string"));
            }
        }
    }
    Ok(())
}

pub(super) fn seed_of(req: &Request) -> u64 {
    // FNV-1a over the request's definition and input: a fixed identity per request.
    let text = format!("{}{}", req.definition, req.input);
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// The context of a fresh Express execution with a random identity, as TestState makes one.
pub(super) fn generated_context(req: &Request, state: &Value) -> Value {
    let mut rng = fastrand::Rng::with_seed(seed_of(req));
    let hex = |rng: &mut fastrand::Rng, n: usize| {
        (0..n).map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0')).collect::<String>()
    };
    let account = req
        .role_arn
        .as_deref()
        .and_then(|r| r.split(':').nth(4))
        .filter(|a| !a.is_empty())
        .unwrap_or("123456789012")
        .to_string();
    let machine = format!("TestStateMachine-{}", hex(&mut rng, 8));
    let exec = format!(
        "{}-{}-{}-{}-{}",
        hex(&mut rng, 8),
        hex(&mut rng, 4),
        hex(&mut rng, 4),
        hex(&mut rng, 4),
        hex(&mut rng, 12)
    );
    let role = req.role_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{account}:role/TestStateRole"));
    let mut ctx = json!({
        "Execution": {
            "Id": format!("arn:aws:states:us-east-1:{account}:express:{machine}:{exec}"),
            "Input": req.input,
            "Name": exec,
            "RoleArn": role,
            "StartTime": START_ISO,
        },
        "StateMachine": {"Id": format!("arn:aws:states:us-east-1:{account}:stateMachine:{machine}"), "Name": machine},
        "State": {"Name": STATE_NAME, "EnteredTime": START_ISO, "RetryCount": req.state_configuration.retrier_retry_count},
    });
    if state.get("Resource").and_then(Value::as_str).is_some_and(|r| r.ends_with(".waitForTaskToken")) {
        ctx["Task"] = json!({"Token": hex(&mut rng, 64)});
    }
    ctx
}
