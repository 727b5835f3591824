//! AWS Step Functions Local mock config files: `StateMachines.<machine>.TestCases.<case>.<state>`
//! names a response in `MockedResponses`, whose keys are invocation numbers (`"0"`) or ranges (`"1-2"`).

use std::collections::HashMap;

use serde_json::Value;

use crate::error::Failure;

/// One mocked answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Mocked {
    /// `Return`: the task succeeds with this result.
    Return(Value),
    /// `Throw`: the task fails with this `Error` and `Cause`.
    Throw(Failure),
}

/// A parsed mock config file.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// machine name -> test case -> state name -> response name
    machines: HashMap<String, HashMap<String, HashMap<String, String>>>,
    /// response name -> list of (first, last, answer)
    responses: HashMap<String, Vec<(u64, u64, Mocked)>>,
}

impl MockConfig {
    /// Parses the file's JSON text or value.
    pub fn parse(v: &Value) -> Result<MockConfig, String> {
        let obj = v.as_object().ok_or("a mock config must be a JSON object")?;
        let mut cfg = MockConfig::default();
        if let Some(sms) = obj.get("StateMachines") {
            let sms = sms.as_object().ok_or("StateMachines must be an object")?;
            for (sm, body) in sms {
                let mut cases = HashMap::new();
                if let Some(tcs) = body.get("TestCases").and_then(Value::as_object) {
                    for (tc, states) in tcs {
                        let states = states.as_object().ok_or_else(|| format!("test case {tc} must be an object"))?;
                        let map = states
                            .iter()
                            .map(|(s, r)| {
                                r.as_str()
                                    .map(|r| (s.clone(), r.to_string()))
                                    .ok_or_else(|| format!("test case {tc}: state {s} must name a response"))
                            })
                            .collect::<Result<HashMap<_, _>, String>>()?;
                        cases.insert(tc.clone(), map);
                    }
                }
                cfg.machines.insert(sm.clone(), cases);
            }
        }
        if let Some(rs) = obj.get("MockedResponses") {
            let rs = rs.as_object().ok_or("MockedResponses must be an object")?;
            for (name, body) in rs {
                let body = body.as_object().ok_or_else(|| format!("response {name} must be an object"))?;
                let mut list = Vec::new();
                for (range, answer) in body {
                    let (a, b) =
                        parse_range(range).ok_or_else(|| format!("response {name}: bad invocation range '{range}'"))?;
                    list.push((a, b, parse_answer(answer).map_err(|e| format!("response {name} {range}: {e}"))?));
                }
                crate::sort::sort_by_key(&mut list, |(a, _, _)| *a);
                cfg.responses.insert(name.clone(), list);
            }
        }
        Ok(cfg)
    }

    /// The responses of a test case for a machine, or `None` when the config does not have it.
    pub fn test_case(&self, machine: &str, case: &str) -> Option<&HashMap<String, String>> {
        self.machines.get(machine)?.get(case)
    }

    /// The answer for the `invocation`-th call (0-based) of `state` in a test case.
    pub fn answer(&self, case: &HashMap<String, String>, state: &str, invocation: u64) -> Option<&Mocked> {
        let name = case.get(state)?;
        self.responses.get(name)?.iter().find(|(a, b, _)| (*a..=*b).contains(&invocation)).map(|(_, _, m)| m)
    }
}

fn parse_range(s: &str) -> Option<(u64, u64)> {
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => {
            let n = s.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

fn parse_answer(v: &Value) -> Result<Mocked, String> {
    if let Some(r) = v.get("Return") {
        return Ok(Mocked::Return(r.clone()));
    }
    if let Some(t) = v.get("Throw") {
        let error = t.get("Error").and_then(Value::as_str).unwrap_or("").to_string();
        let cause = t.get("Cause").and_then(Value::as_str).unwrap_or("").to_string();
        return Ok(Mocked::Throw(Failure::custom(error, cause)));
    }
    Err("needs Return or Throw".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ranges_pick_answers() {
        let cfg = MockConfig::parse(&json!({
            "StateMachines": {"M": {"TestCases": {"Happy": {"Call": "R"}}}},
            "MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": "C"}}, "1-2": {"Return": {"ok": 1}}}}
        }))
        .unwrap();
        let case = cfg.test_case("M", "Happy").unwrap();
        assert_eq!(cfg.answer(case, "Call", 0), Some(&Mocked::Throw(Failure::custom("E", "C"))));
        assert_eq!(cfg.answer(case, "Call", 2), Some(&Mocked::Return(json!({"ok": 1}))));
        assert_eq!(cfg.answer(case, "Call", 3), None);
        assert_eq!(cfg.answer(case, "Other", 0), None);
        assert!(cfg.test_case("M", "Sad").is_none());
    }

    #[test]
    fn bad_configs_are_errors() {
        assert!(MockConfig::parse(&json!([])).is_err());
        assert!(MockConfig::parse(&json!({"MockedResponses": {"R": {"x": {"Return": 1}}}})).is_err());
        assert!(MockConfig::parse(&json!({"MockedResponses": {"R": {"0": {}}}})).is_err());
    }
}
