//! The graph of transitions: `StartAt` and `Next` targets, a terminal state, unreachable states.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{Map, Value};

use super::tables::MAX_SCOPE_DEPTH;
use super::wording::{at, indexed};
use super::{code, Diagnostic, Severity, Validator};

impl Validator {
    pub(super) fn graph_scope(&mut self, scope: &Map<String, Value>, base: &str, top: bool, depth: usize) {
        if depth > MAX_SCOPE_DEPTH {
            return;
        }
        let Some(Value::Object(states)) = scope.get("States") else {
            return;
        };
        let loc_states = at(base, "States");
        let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
        if let Some(Value::String(start)) = scope.get("StartAt") {
            if !states.contains_key(start.as_str()) {
                self.missing_target(at(base, "StartAt"), start);
            }
        }
        for (name, st) in states {
            let Value::Object(st) = st else { continue };
            let sloc = at(&loc_states, name);
            let mut targets = Vec::new();
            for (field, v) in st {
                match (field.as_str(), v) {
                    ("Next", Value::String(t)) | ("Default", Value::String(t)) => {
                        targets.push((at(&sloc, field), t.as_str()))
                    }
                    ("Choices", Value::Array(rules)) => {
                        for (i, r) in rules.iter().enumerate() {
                            if let Some(Value::String(t)) = r.get("Next") {
                                targets.push((at(&indexed(&at(&sloc, "Choices"), i), "Next"), t.as_str()));
                            }
                        }
                    }
                    ("Catch", Value::Array(catchers)) => {
                        for (i, c) in catchers.iter().enumerate() {
                            if let Some(Value::String(t)) = c.get("Next") {
                                targets.push((at(&indexed(&at(&sloc, "Catch"), i), "Next"), t.as_str()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            for (loc, t) in &targets {
                if !states.contains_key(*t) {
                    self.missing_target(loc.clone(), t);
                }
            }
            edges.insert(name.as_str(), targets.into_iter().map(|(_, t)| t).collect());
        }
        let has_terminal = states.values().any(|s| {
            s.get("End") == Some(&Value::Bool(true))
                || matches!(s.get("Type").and_then(Value::as_str), Some("Succeed" | "Fail"))
        });
        let has_start = matches!(scope.get("StartAt"), Some(Value::String(_)));
        if top && !has_terminal {
            self.graph.push(Diagnostic {
                severity: Severity::Error,
                code: code::MISSING_END_STATE.into(),
                message: "Workflow has no terminal state".into(),
                location: String::new(),
            });
        } else if has_start {
            let mut reached: HashSet<&str> = HashSet::new();
            let mut queue = VecDeque::new();
            if let Some(Value::String(start)) = scope.get("StartAt") {
                if states.contains_key(start.as_str()) {
                    reached.insert(start.as_str());
                    queue.push_back(start.as_str());
                }
            }
            while let Some(s) = queue.pop_front() {
                for t in edges.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                    if states.contains_key(*t) && reached.insert(t) {
                        queue.push_back(t);
                    }
                }
            }
            for name in states.keys() {
                if !reached.contains(name.as_str()) {
                    self.graph.push(Diagnostic {
                        severity: Severity::Error,
                        code: code::MISSING_TRANSITION_TARGET.into(),
                        message: format!("State \"{name}\" is not reachable."),
                        location: at(&loc_states, name),
                    });
                }
            }
        }
        for (name, st) in states {
            let sloc = at(&loc_states, name);
            match st.get("Type").and_then(Value::as_str) {
                Some("Parallel") => {
                    if let Some(Value::Array(branches)) = st.get("Branches") {
                        for (i, b) in branches.iter().enumerate() {
                            if let Value::Object(b) = b {
                                self.graph_scope(b, &indexed(&at(&sloc, "Branches"), i), false, depth + 1);
                            }
                        }
                    }
                }
                Some("Map") => {
                    for key in ["ItemProcessor", "Iterator"] {
                        if let Some(Value::Object(p)) = st.get(key) {
                            self.graph_scope(p, &at(&sloc, key), false, depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn missing_target(&mut self, location: String, target: &str) {
        self.graph.push(Diagnostic {
            severity: Severity::Error,
            code: code::MISSING_TRANSITION_TARGET.into(),
            message: format!("Missing 'Next' target: {target}"),
            location,
        });
    }
}
