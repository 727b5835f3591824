//! The schema walk over scopes (machine, branch, item processor) and states, field by field.

use serde_json::{Map, Value};

use super::map::label_problem;
use super::syntax::{is_aws_timestamp, is_jsonata_expression, path_or_intrinsic_is_valid};
use super::tables::{
    allowed_fields, COMMON_FIELDS, JSONATA_ONLY, JSONPATH_ONLY, MAX_SCOPE_DEPTH, MAX_SECONDS, STATE_TYPES_MESSAGE,
};
use super::wording::{at, field_list, indexed, object_location, type_name};
use super::{code, Diagnostic, Lang, Severity, Validator};

/// What holds a `StartAt` and `States` pair, which decides the other fields it may have.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ScopeKind {
    Root,
    Branch,
    ItemProcessor,
    Iterator,
}

impl Validator {
    pub(super) fn scope(&mut self, obj: &Map<String, Value>, base: &str, kind: ScopeKind, depth: usize) {
        if depth > MAX_SCOPE_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.schema.push(Diagnostic {
                    severity: Severity::Error,
                    code: code::TOO_DEEPLY_NESTED.into(),
                    message: "The states are too deeply nested.".into(),
                    location: object_location(base),
                });
            }
            return;
        }
        let here = object_location(base);
        let allowed: &[&str] = match kind {
            ScopeKind::Root => &["Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"],
            ScopeKind::Branch => &["Comment", "StartAt", "States"],
            ScopeKind::ItemProcessor | ScopeKind::Iterator => &["Comment", "StartAt", "States", "ProcessorConfig"],
        };
        let missing: Vec<&str> = ["StartAt", "States"].into_iter().filter(|f| !obj.contains_key(*f)).collect();
        if !missing.is_empty() {
            self.error(&here, format!("These fields are required: {}", field_list(&missing)));
        }
        for field in obj.keys() {
            if !allowed.contains(&field.as_str()) {
                self.error(&here, format!("Field '{field}' is not supported"));
            }
        }
        for (field, value) in obj {
            if !allowed.contains(&field.as_str()) {
                continue;
            }
            let loc = at(base, field);
            match field.as_str() {
                "StartAt" | "Comment" => self.expect_string(value, &loc),
                "States" => match value {
                    Value::Object(states) => {
                        if states.is_empty() {
                            self.error(&loc, "Value cannot be empty");
                        }
                        for (name, state) in states {
                            self.state(name, state, &at(&loc, name), depth);
                        }
                    }
                    _ => self.error(&loc, type_name("OBJECT")),
                },
                "Version" => match value {
                    Value::String(s) if s == "1.0" => {}
                    Value::String(_) => self.error(&loc, "Value should be one of the following: [1.0]"),
                    _ => self.error(&loc, type_name("STRING")),
                },
                "TimeoutSeconds" => self.integer_in(value, &loc, 0, MAX_SECONDS, false),
                "QueryLanguage" => self.query_language_value(value, &loc),
                "ProcessorConfig" => self.processor_config(value, &loc),
                _ => {}
            }
        }
    }

    fn query_language_value(&mut self, value: &Value, loc: &str) {
        match value {
            // A build without JSONata refuses it where it is chosen, once per definition.
            Value::String(s) if s == "JSONata" && !crate::jsonata::AVAILABLE => {
                if !std::mem::replace(&mut self.jsonata_refused, true) {
                    self.error(loc, crate::jsonata::NOT_IN_THIS_BUILD);
                }
            }
            Value::String(s) if s == "JSONPath" || s == "JSONata" => {}
            Value::String(_) => self.error(loc, "Value should be one of the following: [JSONPath, JSONata]"),
            _ => self.error(loc, type_name("STRING")),
        }
    }

    fn state(&mut self, name: &str, value: &Value, loc: &str, depth: usize) {
        if !self.seen_state_names.insert(name.to_string()) {
            self.names.push(Diagnostic {
                severity: Severity::Error,
                code: code::DUPLICATE_STATE_NAME.into(),
                message: format!("Duplicate State name: {name}"),
                location: loc.into(),
            });
        }
        if name.chars().count() > 80 {
            self.names.push(Diagnostic {
                severity: Severity::Error,
                code: code::INVALID_STATE_NAME.into(),
                message: format!("State name '{name}' exceeds the 80-character limit allowed by the service"),
                location: loc.into(),
            });
        }
        let Value::Object(st) = value else {
            return self.error(loc, type_name("OBJECT"));
        };
        let state_type = match st.get("Type") {
            None => return self.error(loc, "These fields are required: [Type]"),
            Some(Value::String(t)) if !allowed_fields(t).is_empty() => t.as_str(),
            Some(_) => return self.error(at(loc, "Type"), STATE_TYPES_MESSAGE),
        };
        let lang = Lang::of_field(st.get("QueryLanguage"), self.machine_lang);
        let downgrade =
            self.machine_lang == Lang::Jsonata && st.get("QueryLanguage").and_then(Value::as_str) == Some("JSONPath");
        let allowed = allowed_fields(state_type);

        // The state's own problems first.
        let required: &[&str] = match state_type {
            "Task" => &["Resource"],
            "Choice" => &["Choices"],
            "Parallel" => &["Branches"],
            _ => &[],
        };
        let missing: Vec<&str> = required.iter().copied().filter(|f| !st.contains_key(*f)).collect();
        if !missing.is_empty() {
            self.error(loc, format!("These fields are required: {}", field_list(&missing)));
        }
        if downgrade {
            self.error(loc, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
        }
        for field in st.keys() {
            let f = field.as_str();
            if COMMON_FIELDS.contains(&f) {
                continue;
            }
            if !allowed.contains(&f) {
                self.error(loc, format!("Field '{f}' is not supported"));
            } else if !downgrade {
                self.language_field(loc, f, lang);
            }
        }
        if matches!(state_type, "Pass" | "Task" | "Wait" | "Parallel" | "Map") {
            self.exactly_one(st, loc, &["Next", "End"]);
        }
        match state_type {
            "Wait" => self.exactly_one(st, loc, &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]),
            "Map" => self.exactly_one(st, loc, &["ItemProcessor", "Iterator"]),
            _ => {}
        }
        for (a, b) in [
            ("TimeoutSeconds", "TimeoutSecondsPath"),
            ("HeartbeatSeconds", "HeartbeatSecondsPath"),
            ("MaxConcurrency", "MaxConcurrencyPath"),
            ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
            ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            ("Error", "ErrorPath"),
            ("Cause", "CausePath"),
            ("ItemSelector", "Parameters"),
        ] {
            if st.contains_key(a) && st.contains_key(b) && allowed.contains(&a) && allowed.contains(&b) {
                self.error(
                    at(loc, a),
                    format!("There should only be one of the following fields: {}", field_list(&[a, b])),
                );
            }
        }
        if state_type == "Task" {
            self.task_parameters(st, loc, lang);
        }

        // Then each field, in document order.
        for (field, v) in st {
            let f = field.as_str();
            if !COMMON_FIELDS.contains(&f) && !allowed.contains(&f) {
                continue;
            }
            let floc = at(loc, f);
            match f {
                "Comment" | "Next" | "Default" | "Label" | "Error" | "Cause" => self.expect_string(v, &floc),
                "QueryLanguage" => self.query_language_value(v, &floc),
                "End" if !v.is_boolean() => self.error(&floc, type_name("BOOLEAN")),
                "InputPath" | "OutputPath" => self.path_field(v, &floc, true),
                "ResultPath" => self.result_path(v, &floc),
                "TimeoutSecondsPath"
                | "HeartbeatSecondsPath"
                | "SecondsPath"
                | "TimestampPath"
                | "MaxConcurrencyPath"
                | "ToleratedFailurePercentagePath"
                | "ToleratedFailureCountPath" => self.definite_path_field(v, &floc),
                "ItemsPath" => self.path_field(v, &floc, false),
                "ErrorPath" | "CausePath" => match v {
                    Value::String(s) if path_or_intrinsic_is_valid(s) => {}
                    Value::String(_) => self.error(
                        &floc,
                        format!(
                            "The value for the field '{f}' must be a valid JSONPath or a valid intrinsic function call"
                        ),
                    ),
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Parameters" | "ResultSelector" | "ItemSelector" => {
                    if f != "Parameters" && !v.is_object() && !(lang == Lang::Jsonata && v.is_string()) {
                        self.error(&floc, type_name("OBJECT"));
                    } else {
                        self.template(v, &floc, 0);
                    }
                }
                "Arguments" => {
                    if let Value::String(s) = v {
                        if !is_jsonata_expression(s) {
                            self.error(&floc, type_name("OBJECT"));
                        }
                    }
                }
                "Assign" => self.assign(v, &floc, lang),
                "Resource" => self.resource(v, &floc),
                "Credentials" => self.credentials(v, &floc),
                "Retry" => self.retriers(v, &floc),
                "Catch" => self.catchers(v, &floc, lang),
                "TimeoutSeconds" | "HeartbeatSeconds" => {
                    self.integer_in(v, &floc, 1, MAX_SECONDS, lang == Lang::Jsonata)
                }
                "Seconds" => self.integer_in(v, &floc, 0, MAX_SECONDS, lang == Lang::Jsonata),
                "Timestamp" => match v {
                    Value::String(s) if is_aws_timestamp(s) => {}
                    Value::String(s) if lang == Lang::Jsonata && is_jsonata_expression(s) => {}
                    Value::String(_) => self.error(&floc, "String does not match RFC3339 timestamp"),
                    _ => self.error(&floc, type_name("STRING")),
                },
                "Choices" => self.choices(v, &floc, lang),
                "Branches" => match v {
                    Value::Array(branches) => {
                        if branches.is_empty() {
                            self.error(&floc, "Value cannot be empty");
                        }
                        for (i, b) in branches.iter().enumerate() {
                            let bloc = indexed(&floc, i);
                            match b {
                                Value::Object(o) => self.scope(o, &bloc, ScopeKind::Branch, depth + 1),
                                _ => self.error(&bloc, type_name("OBJECT")),
                            }
                        }
                    }
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "ItemProcessor" | "Iterator" => match v {
                    Value::Object(o) => {
                        let kind = if f == "Iterator" { ScopeKind::Iterator } else { ScopeKind::ItemProcessor };
                        self.scope(o, &floc, kind, depth + 1)
                    }
                    _ => self.error(&floc, type_name("OBJECT")),
                },
                "Items" => match v {
                    Value::Array(_) => {}
                    Value::String(s) if is_jsonata_expression(s) => {}
                    _ => self.error(&floc, type_name("ARRAY")),
                },
                "MaxConcurrency" | "ToleratedFailureCount" => {
                    self.integer_in(v, &floc, 0, i64::MAX, lang == Lang::Jsonata)
                }
                "ToleratedFailurePercentage" => self.number_in(v, &floc, 0.0, 100.0, lang == Lang::Jsonata),
                "ItemReader" => self.item_reader(v, &floc, lang),
                "ItemBatcher" => self.item_batcher(v, &floc, lang),
                "ResultWriter" => self.result_writer(v, &floc, lang),
                // `Type` was checked above; `Result` and `Output` take any value.
                _ => {}
            }
            if f == "Label" {
                if let Value::String(label) = v {
                    if let Some(problem) = label_problem(label) {
                        self.labels.push(Diagnostic {
                            severity: Severity::Error,
                            code: code::INVALID_LABEL_NAME.into(),
                            message: problem,
                            location: floc.clone(),
                        });
                    }
                }
            }
        }
        if lang == Lang::Jsonata && !downgrade && crate::jsonata::AVAILABLE {
            self.jsonata_expressions(st, loc);
        }
    }

    /// A field of the other query language, reported at the state.
    pub(super) fn language_field(&mut self, loc: &str, field: &str, lang: Lang) {
        let wrong = match lang {
            Lang::JsonPath => JSONATA_ONLY.contains(&field),
            Lang::Jsonata => JSONPATH_ONLY.contains(&field),
        };
        if wrong {
            let other = if lang == Lang::JsonPath { Lang::Jsonata } else { Lang::JsonPath };
            self.error(
                loc,
                format!(
                    "The QueryLanguage is set to '{}', but field '{field}' is only supported for the '{}' QueryLanguage",
                    lang.name(),
                    other.name()
                ),
            );
        }
    }

    fn exactly_one(&mut self, obj: &Map<String, Value>, loc: &str, group: &[&str]) {
        let present = group.iter().filter(|f| obj.contains_key(**f)).count();
        if present > 1 {
            self.error(loc, format!("There should only be one of the following fields: {}", field_list(group)));
        } else if present == 0 {
            self.error(loc, format!("This object should have only one of the following fields: {}", field_list(group)));
        }
    }
}
