//! `Retry` and `Catch`: retriers, catchers and their `ErrorEquals` lists.

use serde_json::Value;

use super::tables::MAX_SECONDS;
use super::wording::{at, field_list, indexed, type_name};
use super::{Lang, Validator};

impl Validator {
    fn error_equals(&mut self, v: &Value, loc: &str, is_last: bool) {
        let Value::Array(names) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        if names.is_empty() {
            return self.error(loc, "Value cannot be empty");
        }
        let has_all = names.iter().any(|n| n.as_str() == Some("States.ALL"));
        if has_all && (names.len() > 1 || !is_last) {
            self.error(loc, "States.ALL must appear alone and at end of list");
        }
        for (i, n) in names.iter().enumerate() {
            if !n.is_string() {
                self.error(indexed(loc, i), type_name("STRING"));
            }
        }
    }

    pub(super) fn retriers(&mut self, v: &Value, loc: &str) {
        let Value::Array(list) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        const FIELDS: &[&str] = &[
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment",
        ];
        for (i, r) in list.iter().enumerate() {
            let rloc = indexed(loc, i);
            let Value::Object(r) = r else {
                self.error(&rloc, type_name("OBJECT"));
                continue;
            };
            if !r.contains_key("ErrorEquals") {
                self.error(&rloc, "These fields are required: [ErrorEquals]");
            }
            self.unsupported_fields(r, &rloc, FIELDS);
            for (k, val) in r {
                let floc = at(&rloc, k);
                match k.as_str() {
                    "ErrorEquals" => self.error_equals(val, &floc, i + 1 == list.len()),
                    "IntervalSeconds" | "MaxAttempts" => self.integer_in(val, &floc, 0, MAX_SECONDS, false),
                    "MaxDelaySeconds" => self.integer_in(val, &floc, 1, 31_622_400, false),
                    "BackoffRate" => match val {
                        Value::Number(n) if n.as_f64().unwrap_or(0.0) < 1.0 => {
                            self.error(&floc, "Minimum value is 1.0")
                        }
                        Value::Number(_) => {}
                        _ => self.error(&floc, type_name("NUMBER")),
                    },
                    "JitterStrategy" => match val {
                        Value::String(s) if s == "FULL" || s == "NONE" => {}
                        Value::String(_) => self.error(
                            &floc,
                            format!("Value should be one of the following: {}", field_list(&["FULL", "NONE"])),
                        ),
                        _ => self.error(&floc, type_name("STRING")),
                    },
                    "Comment" => self.expect_string(val, &floc),
                    _ => {}
                }
            }
        }
    }

    pub(super) fn catchers(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Array(list) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        const FIELDS: &[&str] = &["ErrorEquals", "Next", "ResultPath", "Comment", "Output", "Assign"];
        for (i, c) in list.iter().enumerate() {
            let cloc = indexed(loc, i);
            let Value::Object(c) = c else {
                self.error(&cloc, type_name("OBJECT"));
                continue;
            };
            let missing: Vec<&str> = ["ErrorEquals", "Next"].into_iter().filter(|f| !c.contains_key(*f)).collect();
            if !missing.is_empty() {
                self.error(&cloc, format!("These fields are required: {}", field_list(&missing)));
            }
            for k in c.keys() {
                if !FIELDS.contains(&k.as_str()) {
                    self.error(&cloc, format!("Field '{k}' is not supported"));
                } else {
                    self.language_field(&cloc, k, lang);
                }
            }
            for (k, val) in c {
                let floc = at(&cloc, k);
                match k.as_str() {
                    "ErrorEquals" => self.error_equals(val, &floc, i + 1 == list.len()),
                    "Next" | "Comment" => self.expect_string(val, &floc),
                    "ResultPath" => self.result_path(val, &floc),
                    "Assign" => self.assign(val, &floc, lang),
                    _ => {}
                }
            }
        }
    }
}
