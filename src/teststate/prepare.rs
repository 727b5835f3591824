//! Before the state runs: find and validate it, and make the context object when the request has
//! none.

use serde_json::{json, Map, Value};

use super::request::{ApiError, Request};
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

pub(super) fn seed_of(req: &Request) -> u64 {
    // FNV-1a over the request's definition and input: a fixed identity per request.
    let text = format!("{}{}", req.definition, req.input);
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// The context of a fresh Express execution with a random identity, as TestState makes one.
///
/// `Execution.RoleArn` is the request's `roleArn`, null without one (recorded on AWS:
/// test_state_with_variables, a request with no role). `State.RetryCount` is there for the
/// states that can retry (Task, Map, Parallel), as in an execution's context object: recorded
/// with it for mocked Map and Task states, without it for a Pass state.
pub(super) fn generated_context(req: &Request, st: &State, state: &Value) -> Value {
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
    let role = req.role_arn.as_deref().map_or(Value::Null, |r| json!(r));
    let mut ctx = json!({
        "Execution": {
            "Id": format!("arn:aws:states:us-east-1:{account}:express:{machine}:{exec}"),
            "Input": req.input,
            "Name": exec,
            "RoleArn": role,
            "StartTime": START_ISO,
        },
        "StateMachine": {"Id": format!("arn:aws:states:us-east-1:{account}:stateMachine:{machine}"), "Name": machine},
        "State": {"Name": STATE_NAME, "EnteredTime": START_ISO},
    });
    if matches!(st.kind, Kind::Task(_) | Kind::Map(_) | Kind::Parallel { .. }) {
        ctx["State"]["RetryCount"] = json!(req.state_configuration.retrier_retry_count);
    }
    if state.get("Resource").and_then(Value::as_str).is_some_and(|r| r.ends_with(".waitForTaskToken")) {
        ctx["Task"] = json!({"Token": hex(&mut rng, 64)});
    }
    ctx
}
