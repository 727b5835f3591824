//! Choice rules: JSONPath rules (`Variable` and one comparison, or `And`, `Or`, `Not`) and JSONata `Condition`s.

use serde_json::Value;

use super::syntax::{is_aws_timestamp, is_jsonata_expression, path_is_valid};
use super::tables::MAX_VALUE_DEPTH;
use super::wording::{at, field_list, indexed, type_name};
use super::{Lang, Validator};

/// The comparison operators of a JSONPath Choice rule.
const COMPARISON_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringMatches",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
];

/// The rule kinds of a JSONPath Choice rule, of which there must be exactly one.
const RULE_KINDS: &[&str] = &["And", "Or", "Not", "Variable", "Condition"];

impl Validator {
    pub(super) fn choices(&mut self, v: &Value, loc: &str, lang: Lang) {
        let Value::Array(rules) = v else {
            return self.error(loc, type_name("ARRAY"));
        };
        if rules.is_empty() {
            self.error(loc, "Value cannot be empty");
        }
        for (i, rule) in rules.iter().enumerate() {
            self.choice_rule(rule, &indexed(loc, i), true, lang, 0);
        }
    }

    fn choice_rule(&mut self, v: &Value, loc: &str, top: bool, lang: Lang, depth: usize) {
        if depth > MAX_VALUE_DEPTH {
            return;
        }
        let Value::Object(rule) = v else {
            return self.error(loc, type_name("OBJECT"));
        };
        if lang == Lang::Jsonata {
            let mut missing = vec!["Condition"];
            if top {
                missing.push("Next");
            }
            missing.retain(|f| !rule.contains_key(*f));
            if !missing.is_empty() {
                self.error(loc, format!("These fields are required: {}", field_list(&missing)));
            }
            for k in rule.keys() {
                let k = k.as_str();
                if matches!(k, "Condition" | "Next" | "Comment" | "Assign" | "Output") {
                    continue;
                }
                if k == "Variable" || k == "And" || k == "Or" || k == "Not" || COMPARISON_OPERATORS.contains(&k) {
                    self.error(
                        loc,
                        format!("The QueryLanguage is set to 'JSONata', but field '{k}' is only supported for the 'JSONPath' QueryLanguage"),
                    );
                } else {
                    self.error(loc, format!("Field '{k}' is not supported"));
                }
            }
            for (k, val) in rule {
                let floc = at(loc, k);
                match k.as_str() {
                    "Condition" => match val {
                        Value::Bool(_) => {}
                        Value::String(s) if is_jsonata_expression(s) => {}
                        _ => self.error(&floc, type_name("STRING")),
                    },
                    "Next" | "Comment" => self.expect_string(val, &floc),
                    "Assign" => self.assign(val, &floc, lang),
                    _ => {}
                }
            }
            return;
        }

        if top && !rule.contains_key("Next") {
            self.error(loc, "These fields are required: [Next]");
        }
        for k in rule.keys() {
            let k = k.as_str();
            let known = matches!(k, "Variable" | "And" | "Or" | "Not" | "Comment") || COMPARISON_OPERATORS.contains(&k);
            if known || (top && matches!(k, "Next" | "Assign")) {
                continue;
            }
            if k == "Condition" || (top && k == "Output") {
                self.language_field(loc, k, lang);
            } else {
                self.error(loc, format!("Field '{k}' is not supported"));
            }
        }
        let kinds = RULE_KINDS.iter().filter(|k| rule.contains_key(**k)).count();
        if kinds > 1 {
            self.error(loc, format!("There should only be one of the following fields: {}", field_list(RULE_KINDS)));
        } else if kinds == 0 {
            self.error(
                loc,
                format!("This object should have only one of the following fields: {}", field_list(RULE_KINDS)),
            );
        }
        let operators = COMPARISON_OPERATORS.iter().filter(|k| rule.contains_key(**k)).count();
        if rule.contains_key("Variable") && operators != 1 {
            let list = field_list(COMPARISON_OPERATORS);
            if operators > 1 {
                self.error(loc, format!("There should only be one of the following fields: {list}"));
            } else {
                self.error(loc, format!("This object should have only one of the following fields: {list}"));
            }
        }
        for (k, val) in rule {
            let floc = at(loc, k);
            let k = k.as_str();
            match k {
                "Variable" => self.rule_path(val, &floc),
                "And" | "Or" => match val {
                    Value::Array(subs) => {
                        if subs.is_empty() {
                            self.error(&floc, "Value cannot be empty");
                        }
                        for (i, sub) in subs.iter().enumerate() {
                            self.choice_rule(sub, &indexed(&floc, i), false, lang, depth + 1);
                        }
                    }
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "Not" => self.choice_rule(val, &floc, false, lang, depth + 1),
                "Next" | "Comment" if top || k == "Comment" => self.expect_string(val, &floc),
                "Assign" if top => self.assign(val, &floc, lang),
                _ if COMPARISON_OPERATORS.contains(&k) => self.comparison_value(k, val, &floc),
                _ => {}
            }
        }
    }

    fn rule_path(&mut self, v: &Value, loc: &str) {
        match v {
            Value::String(s) if !s.starts_with('$') => {
                self.error(loc, "Value is not a Reference Path: Reference path didn't start with '$'")
            }
            Value::String(s) if path_is_valid(s) => {}
            Value::String(_) => self.error(loc, "Value must be a valid JSONPath."),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    fn comparison_value(&mut self, op: &str, v: &Value, loc: &str) {
        if op.ends_with("Path") {
            return self.rule_path(v, loc);
        }
        if op.starts_with("Is") || op.starts_with("Boolean") {
            if !v.is_boolean() {
                self.error(loc, type_name("BOOLEAN"));
            }
        } else if op.starts_with("String") {
            self.expect_string(v, loc);
        } else if op.starts_with("Numeric") {
            if !v.is_number() {
                self.error(loc, type_name("NUMBER"));
            }
        } else if op.starts_with("Timestamp") {
            match v {
                Value::String(s) if is_aws_timestamp(s) => {}
                Value::String(_) => self.error(loc, "String does not match RFC3339 timestamp"),
                _ => self.error(loc, type_name("STRING")),
            }
        }
    }
}
