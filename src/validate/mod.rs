//! Validation of an Amazon States Language definition as AWS does it, with AWS's codes and messages.
//!
//! `CreateStateMachine` refuses a bad definition with `InvalidDefinition` and one message,
//! `ValidateStateMachineDefinition` answers a list of diagnostics. Both come from [`validate`] (or
//! [`validate_text`] for the raw request text); [`invalid_definition_message`] turns the
//! diagnostics into the exception message.
//!
//! ```
//! use asl_sim::validate::{validate, invalid_definition_message, MachineType};
//! let def = serde_json::json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}});
//! let diags = validate(&def, MachineType::Standard);
//! assert_eq!(diags[0].message, "Missing 'Next' target: B");
//! assert_eq!(
//!     invalid_definition_message(&diags).unwrap(),
//!     "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next, \
//!      MISSING_END_STATE: Workflow has no terminal state at null'"
//! );
//! ```
//!
//! What AWS checks comes in three passes, and diagnostics keep that order: the schema walk (each
//! object's own problems, then its fields in document order), the graph of transitions (missing
//! targets, no terminal state, unreachable states), and the Map `Label` check. Locations are
//! AWS's: `/States/P/Branches[0]/States/X/Next`, `/States/C/Choices[1]/Next`, `/` for the root.
//! Lists of field names in messages follow the iteration order of a Java `HashSet`, as AWS's do.

mod choice;
mod fields;
mod graph;
mod jackson;
mod jsonata;
mod map;
mod resources;
mod retry;
mod states;
mod syntax;
mod tables;
#[cfg(test)]
mod tests;
mod wording;

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use states::ScopeKind;
use wording::python_repr;

/// How bad a diagnostic is: an `ERROR` makes `CreateStateMachine` fail, a `WARNING` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    /// The definition cannot be created.
    #[serde(rename = "ERROR")]
    Error,
    /// A likely mistake that AWS still accepts.
    #[serde(rename = "WARNING")]
    Warning,
}

/// One problem, in the shape of a `ValidateStateMachineDefinition` diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `ERROR` or `WARNING`.
    pub severity: Severity,
    /// AWS's code, one of the constants in [`code`].
    pub code: String,
    /// AWS's message, without the location.
    pub message: String,
    /// Where: a path such as `/States/Foo/Next`, `/` for the root, empty when AWS gives none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub location: String,
}

/// The type of the state machine, which changes what a definition may contain (Express: no
/// activities, no `.sync` or `.waitForTaskToken` integrations). The one `MachineType` of the crate.
pub use crate::exec::MachineType;

/// The diagnostic codes this module emits.
pub mod code {
    /// The text is not JSON.
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    /// A field is missing, unknown, of the wrong type or out of range.
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    /// A `StartAt`, `Next`, `Default` or `Catch` target does not exist, or a state is unreachable.
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    /// No top-level state ends the execution.
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    /// Two states share a name somewhere in the machine.
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    /// A state name is longer than 80 characters.
    pub const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    /// A Map `Label` is empty, too long or has a forbidden character.
    pub const INVALID_LABEL_NAME: &str = "INVALID_LABEL_NAME";
    /// An `Assign` key is not a valid variable name.
    pub const INVALID_VARIABLE_NAME: &str = "INVALID_VARIABLE_NAME";
    /// An `Assign` key is the reserved `states`.
    pub const RESERVED_VARIABLE_NAME: &str = "RESERVED_VARIABLE_NAME";
    /// Branches and processors are nested deeper than this validator follows.
    pub const TOO_DEEPLY_NESTED: &str = "TOO_DEEPLY_NESTED";
    /// A JSONata expression does not parse.
    pub const INVALID_JSONATA_EXPRESSION: &str = "INVALID_JSONATA_EXPRESSION";
    /// A JSONata expression reads what Step Functions does not offer (the context item, `$$`).
    pub const UNSUPPORTED_JSONATA_EXPRESSION: &str = "UNSUPPORTED_JSONATA_EXPRESSION";
}

/// Every problem in `definition`: errors first, in a stable order (see the module doc).
pub fn validate(definition: &Value, machine_type: MachineType) -> Vec<Diagnostic> {
    let mut v = Validator::new(machine_type);
    v.run(definition);
    v.finish()
}

/// Why `text` is not a JSON value, in AWS's words for an execution input (`StartExecution`'s
/// `InvalidExecutionInput`): Jackson's message (`Unrecognized token 'not': was expecting ...`), or
/// `Invalid execution input.` for an empty text; `fallback` when Jackson would read it.
pub fn input_parse_message(text: &str, fallback: impl std::fmt::Display) -> String {
    match jackson::first_value_end(text) {
        Err(e) => e.message,
        Ok(None) => "Invalid execution input.".into(),
        Ok(Some(_)) => fallback.to_string(),
    }
}

/// Like [`validate`], for the request text: invalid JSON gives AWS's (Jackson's) parse message.
/// As AWS's parser does, only the first JSON value of the text is read.
pub fn validate_text(definition_text: &str, machine_type: MachineType) -> Vec<Diagnostic> {
    match jackson::first_value_end(definition_text) {
        Err(e) => vec![Diagnostic {
            severity: Severity::Error,
            code: code::INVALID_JSON_DESCRIPTION.into(),
            message: format!("{}\n at {}", e.message, e.location),
            location: e.location,
        }],
        Ok(None) => vec![not_an_object()],
        Ok(Some(end)) => match serde_json::from_str::<Value>(&definition_text[..end]).or_else(|e| {
            serde_json::from_str::<Value>(&jackson::replace_surrogate_escapes(&definition_text[..end])).map_err(|_| e)
        }) {
            Ok(value) => validate(&value, machine_type),
            Err(e) => vec![Diagnostic {
                severity: Severity::Error,
                code: code::INVALID_JSON_DESCRIPTION.into(),
                message: e.to_string(),
                location: String::new(),
            }],
        },
    }
}

/// The `InvalidDefinition` message of `CreateStateMachine`, or `None` when there is no error:
/// `Invalid State Machine Definition: 'CODE: message at location, CODE: message at location'`
/// (`at null` when AWS has no location). A `Label` error alone is worded differently and quotes
/// the request text: use [`invalid_definition_message_for_text`] for it.
pub fn invalid_definition_message(diags: &[Diagnostic]) -> Option<String> {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.severity == Severity::Error).collect();
    if errors.is_empty() {
        return None;
    }
    let non_label: Vec<&Diagnostic> = errors.iter().copied().filter(|d| d.code != code::INVALID_LABEL_NAME).collect();
    let shown = if non_label.is_empty() { errors } else { non_label };
    let parts: Vec<String> = shown
        .iter()
        .map(|d| {
            let location = if d.location.is_empty() { "null" } else { d.location.as_str() };
            format!("{}: {} at {}", d.code, d.message, location)
        })
        .collect();
    Some(format!("Invalid State Machine Definition: '{}'", parts.join(", ")))
}

/// [`invalid_definition_message`] for a request whose definition text is `definition_text`. When
/// the only errors are Map `Label` errors, AWS answers with another validator's words, which quote
/// the text: `Error=ValueError Args=['Label cannot be empty'] in definition '<text>'.`
pub fn invalid_definition_message_for_text(diags: &[Diagnostic], definition_text: &str) -> Option<String> {
    let mut errors = diags.iter().filter(|d| d.severity == Severity::Error).peekable();
    errors.peek()?;
    let errors: Vec<&Diagnostic> = errors.collect();
    if errors.iter().all(|d| d.code == code::INVALID_LABEL_NAME) {
        return Some(format!(
            "Error=ValueError Args=[{}] in definition '{}'.",
            python_repr(&errors[0].message),
            definition_text
        ));
    }
    invalid_definition_message(diags)
}

/// The `InvalidLoggingConfiguration` message of `CreateStateMachine` for the request's
/// `loggingConfiguration`, or `None` when it is acceptable: any level but `OFF` needs exactly one
/// destination.
pub fn logging_configuration_error(config: &Value) -> Option<String> {
    let level = config.get("level").and_then(Value::as_str).unwrap_or("OFF");
    let destinations = config.get("destinations").and_then(Value::as_array).map_or(0, Vec::len);
    if destinations > 1 || (level != "OFF" && destinations != 1) {
        return Some("Invalid Logging Configuration: Must specify exactly one Log Destination.".into());
    }
    None
}

/// What AWS answers for an empty text or a definition that is not a JSON object.
fn not_an_object() -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: code::SCHEMA_VALIDATION_FAILED.into(),
        message: "Definition must be a valid JSON object".into(),
        location: String::new(),
    }
}

/// The query language of a state: JSONPath or JSONata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    JsonPath,
    Jsonata,
}

impl Lang {
    fn name(self) -> &'static str {
        match self {
            Lang::JsonPath => "JSONPath",
            Lang::Jsonata => "JSONata",
        }
    }
    /// The language a `QueryLanguage` value selects: JSONPath only for the exact string.
    fn of_field(value: Option<&Value>, inherited: Lang) -> Lang {
        match value {
            None => inherited,
            Some(Value::String(s)) if s == "JSONPath" => Lang::JsonPath,
            Some(_) => Lang::Jsonata,
        }
    }
}

/// One walk over a definition: what each pass found so far, kept apart to be put in AWS's order.
struct Validator {
    machine_type: MachineType,
    machine_lang: Lang,
    schema: Vec<Diagnostic>,
    graph: Vec<Diagnostic>,
    names: Vec<Diagnostic>,
    labels: Vec<Diagnostic>,
    seen_state_names: HashSet<String>,
    too_deep: bool,
    /// A build without JSONata has refused the definition already (see `crate::jsonata::AVAILABLE`).
    jsonata_refused: bool,
}

impl Validator {
    fn new(machine_type: MachineType) -> Self {
        Validator {
            machine_type,
            machine_lang: Lang::JsonPath,
            schema: Vec::new(),
            graph: Vec::new(),
            names: Vec::new(),
            labels: Vec::new(),
            seen_state_names: HashSet::new(),
            too_deep: false,
            jsonata_refused: false,
        }
    }

    fn finish(self) -> Vec<Diagnostic> {
        let mut all = self.schema;
        all.extend(self.graph);
        all.extend(self.names);
        all.extend(self.labels);
        crate::sort::sort_by_key(&mut all, |d| d.severity != Severity::Error);
        all
    }

    fn error(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.schema.push(Diagnostic {
            severity: Severity::Error,
            code: code::SCHEMA_VALIDATION_FAILED.into(),
            message: message.into(),
            location: location.into(),
        });
    }

    fn run(&mut self, definition: &Value) {
        match definition {
            Value::Object(root) => {
                self.machine_lang = Lang::of_field(root.get("QueryLanguage"), Lang::JsonPath);
                self.scope(root, "", ScopeKind::Root, 0);
                self.graph_scope(root, "", true, 0);
            }
            _ => self.schema.push(not_an_object()),
        }
    }
}
