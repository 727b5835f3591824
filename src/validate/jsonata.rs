//! The JSONata expressions of a JSONata state, parsed as `CreateStateMachine` parses them: AWS
//! refuses a definition whose expression does not parse (`INVALID_JSONATA_EXPRESSION`, with the
//! parser's message) or reads the context item at the top level, which a Step Functions
//! expression does not have (`UNSUPPORTED_JSONATA_EXPRESSION`), each at the field's location:
//! `Invalid State Machine Definition: 'INVALID_JSONATA_EXPRESSION: Unexpected end of expression at
//! /States/Main/Output'` (observed on AWS; floci-io/floci#2745 and #2670).

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
        for (field, value) in state {
            if !NOT_EXPRESSIONS.contains(&field.as_str()) {
                self.expressions_in(value, &at(loc, field));
            }
        }
    }

    fn expressions_in(&mut self, value: &Value, loc: &str) {
        // An explicit stack: a template may be deeply nested.
        let mut todo = vec![(value, loc.to_string())];
        while let Some((v, loc)) = todo.pop() {
            match v {
                Value::String(s) => {
                    if let Some(expr) = template_expr(s) {
                        self.expression(expr, &loc);
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

    fn expression(&mut self, expr: &str, loc: &str) {
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
            }
        }
    }
}
