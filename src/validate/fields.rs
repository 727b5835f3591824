//! Checks of one field value: its type and range, paths, payload templates and `Assign`.

use serde_json::{Map, Value};

use super::syntax::{
    is_integer, is_jsonata_expression, path_is_valid, path_or_intrinsic_is_valid, reference_path_problem,
    variable_name_is_valid,
};
use super::tables::MAX_VALUE_DEPTH;
use super::wording::{at, indexed, type_name};
use super::{code, Diagnostic, Lang, Severity, Validator};
use crate::jsonpath::JsonPath;

impl Validator {
    pub(super) fn expect_string(&mut self, v: &Value, loc: &str) {
        if !v.is_string() {
            self.error(loc, type_name("STRING"));
        }
    }

    pub(super) fn enum_value(&mut self, v: &Value, loc: &str, values: &[&str]) {
        match v {
            Value::String(s) if values.contains(&s.as_str()) => {}
            Value::String(_) => {
                self.error(loc, format!("Value should be one of the following: [{}]", values.join(", ")))
            }
            _ => self.error(loc, type_name("STRING")),
        }
    }

    pub(super) fn integer_in(&mut self, v: &Value, loc: &str, min: i64, max: i64, jsonata: bool) {
        match v {
            Value::String(s) if jsonata && is_jsonata_expression(s) => {}
            Value::Number(n) if is_integer(v) => {
                if n.as_i64().is_some_and(|x| x < min) {
                    self.error(loc, format!("Minimum value is {min}"));
                } else if n.as_i64().map_or(n.as_u64().is_some_and(|x| x > max as u64), |x| x > max) {
                    self.error(loc, format!("Maximum value is {max}"));
                }
            }
            _ => self.error(loc, type_name("INTEGER")),
        }
    }

    pub(super) fn number_in(&mut self, v: &Value, loc: &str, min: f64, max: f64, jsonata: bool) {
        match v {
            Value::String(s) if jsonata && is_jsonata_expression(s) => {}
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(0.0);
                if x < min {
                    self.error(loc, format!("Minimum value is {}", min as i64));
                } else if x > max {
                    self.error(loc, format!("Maximum value is {}", max as i64));
                }
            }
            _ => self.error(loc, type_name("NUMBER")),
        }
    }

    pub(super) fn path_field(&mut self, v: &Value, loc: &str, nullable: bool) {
        match v {
            Value::Null if nullable => {}
            Value::String(s) if path_is_valid(s) => {}
            Value::String(_) => self.error(loc, "Value must be a valid JSONPath."),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    /// A path that must select a single value (`TimeoutSecondsPath` and the like).
    pub(super) fn definite_path_field(&mut self, v: &Value, loc: &str) {
        match v {
            Value::String(s) if path_is_valid(s) => {
                let is_variable = s[1..].chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
                if !is_variable && !JsonPath::parse(s).is_ok_and(|p| p.is_definite()) {
                    self.error(loc, "Value must be a valid JSONPath.");
                }
            }
            Value::String(_) => self.error(loc, "Value must be a valid JSONPath."),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    pub(super) fn result_path(&mut self, v: &Value, loc: &str) {
        match v {
            Value::Null => {}
            Value::String(s) => {
                if let Some(problem) = reference_path_problem(s) {
                    self.error(loc, problem);
                }
            }
            _ => self.error(loc, type_name("STRING")),
        }
    }

    /// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`): every `.$` field
    /// holds a path or an intrinsic call. Reported at the object holding the field.
    pub(super) fn template(&mut self, v: &Value, loc: &str, depth: usize) {
        if depth > MAX_VALUE_DEPTH {
            return;
        }
        match v {
            Value::Object(o) => {
                for (k, val) in o {
                    if k.ends_with(".$") {
                        let ok = matches!(val, Value::String(s) if path_or_intrinsic_is_valid(s));
                        if !ok {
                            self.error(
                                loc,
                                format!("The value for the field '{k}' must be a valid JSONPath or a valid intrinsic function call"),
                            );
                        }
                    } else if val.is_object() || val.is_array() {
                        self.template(val, &at(loc, k), depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.is_object() || item.is_array() {
                        self.template(item, &indexed(loc, i), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn assign(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Object(vars) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        for (key, val) in vars {
            let (name, is_path) = match key.strip_suffix(".$") {
                Some(n) if lang == Lang::JsonPath => (n, true),
                _ => (key.as_str(), false),
            };
            if name == "states" {
                self.names.push(Diagnostic {
                    severity: Severity::Error,
                    code: code::RESERVED_VARIABLE_NAME.into(),
                    message: "Cannot assign to reserved variable '$states'.".into(),
                    location: loc.into(),
                });
            } else if !variable_name_is_valid(name) {
                self.names.push(Diagnostic {
                    severity: Severity::Error,
                    code: code::INVALID_VARIABLE_NAME.into(),
                    message: format!("Invalid variable name '{name}': the variable name contains invalid characters."),
                    location: loc.into(),
                });
            }
            if is_path {
                if !matches!(val, Value::String(s) if path_or_intrinsic_is_valid(s)) {
                    self.error(
                        loc,
                        format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"),
                    );
                }
            } else if lang == Lang::JsonPath && (val.is_object() || val.is_array()) {
                self.template(val, &at(loc, key), 1);
            }
        }
    }

    /// `Field 'X' is not supported` for each key of `obj` outside `allowed`.
    pub(super) fn unsupported_fields(&mut self, obj: &Map<String, Value>, loc: &str, allowed: &[&str]) {
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                self.error(loc, format!("Field '{k}' is not supported"));
            }
        }
    }
}
