//! The JSONata expressions of a JSONata state, parsed as `CreateStateMachine` parses them: AWS
//! refuses a definition whose expression does not parse (`INVALID_JSONATA_EXPRESSION`, with the
//! parser's message) or reads the context item at the top level, which a Step Functions
//! expression does not have (`UNSUPPORTED_JSONATA_EXPRESSION`), each at the field's location:
//! `Invalid State Machine Definition: 'INVALID_JSONATA_EXPRESSION: Unexpected end of expression at
//! /States/Main/Output'` (observed on AWS; floci-io/floci#2745 and #2670). `$states` offers
//! `input` and `context` everywhere, `result` only in the `Output` and `Assign` of the states that
//! have one (Task, Map, Parallel) and `errorOutput` only in a catcher's: elsewhere the field
//! "does not exist" (`UNSUPPORTED_JSONATA_EXPRESSION: Field '$states.errorOutput' does not
//! exist.` at `/States/Main/Output`, measured on AWS by floci-io/floci#2786; the developer guide's
//! workflow variables page: such uses are "caught at creation, update, or validation").

use serde_json::{Map, Value};

use super::wording::{at, indexed};
use super::{code, Diagnostic, Severity, Validator};
use crate::jsonata::{template_expr, Jsonata};

/// The fields of a state that hold no expression, or hold states of their own.
const NOT_EXPRESSIONS: &[&str] = &[
    "Type",
    "Comment",
    "Next",
    "End",
    "Default",
    "QueryLanguage",
    "Label",
    "Resource",
    "Retry",
    "Branches",
    "ItemProcessor",
    "Iterator",
];

impl Validator {
    /// Parses every `{% %}` string of a JSONata state's fields (not of the states it holds).
    pub(super) fn jsonata_expressions(&mut self, state: &Map<String, Value>, loc: &str) {
        let has_result = matches!(state.get("Type").and_then(Value::as_str), Some("Task" | "Map" | "Parallel"));
        for (field, value) in state {
            if NOT_EXPRESSIONS.contains(&field.as_str()) {
                continue;
            }
            let loc = at(loc, field);
            match (field.as_str(), value) {
                ("Catch", Value::Array(catchers)) => {
                    for (i, catcher) in catchers.iter().enumerate() {
                        let loc = indexed(&loc, i);
                        let Value::Object(fields) = catcher else { continue };
                        for (key, v) in fields.iter().filter(|(k, _)| !matches!(k.as_str(), "Next" | "ErrorEquals")) {
                            let offers: &[&str] =
                                if matches!(key.as_str(), "Output" | "Assign") { &["errorOutput"] } else { &[] };
                            self.expressions_in(v, &at(&loc, key), offers);
                        }
                    }
                }
                ("Output" | "Assign", _) if has_result => self.expressions_in(value, &loc, &["result"]),
                _ => self.expressions_in(value, &loc, &[]),
            }
        }
    }

    /// The expressions in `value`, where `$states` offers `offers` besides `input` and `context`.
    fn expressions_in(&mut self, value: &Value, loc: &str, offers: &[&str]) {
        // An explicit stack: a template may be deeply nested.
        let mut todo = vec![(value, loc.to_string())];
        while let Some((v, loc)) = todo.pop() {
            match v {
                Value::String(s) => {
                    if let Some(expr) = template_expr(s) {
                        self.expression(expr, &loc, offers);
                    }
                }
                Value::Array(items) => {
                    todo.extend(items.iter().enumerate().rev().map(|(i, item)| (item, indexed(&loc, i))));
                }
                Value::Object(fields) => {
                    let inner = fields.iter().rev().filter(|(k, _)| !matches!(k.as_str(), "Next" | "ErrorEquals"));
                    todo.extend(inner.map(|(k, item)| (item, at(&loc, k))));
                }
                _ => {}
            }
        }
    }

    fn expression(&mut self, expr: &str, loc: &str, offers: &[&str]) {
        let diagnostic = |code: &str, message: String| Diagnostic {
            severity: Severity::Error,
            code: code.into(),
            message,
            location: loc.to_string(),
        };
        match Jsonata::parse(expr) {
            Err(message) => self.schema.push(diagnostic(code::INVALID_JSONATA_EXPRESSION, message)),
            Ok(parsed) => {
                for message in parsed.unsupported_references() {
                    self.schema.push(diagnostic(code::UNSUPPORTED_JSONATA_EXPRESSION, message));
                }
                let missing = parsed
                    .states_fields()
                    .into_iter()
                    .filter(|f| !matches!(f.as_str(), "input" | "context") && !offers.contains(&f.as_str()));
                for field in missing {
                    let message = format!("Field '$states.{field}' does not exist.");
                    self.schema.push(diagnostic(code::UNSUPPORTED_JSONATA_EXPRESSION, message));
                }
            }
        }
    }
}
