//! Definition validation. STUB: replaced by the real module.
use serde_json::Value;

/// Diagnostic severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity { Error, Warning }

/// One diagnostic, as `ValidateStateMachineDefinition` returns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic { pub severity: Severity, pub code: String, pub message: String, pub location: String }

/// Standard or Express.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType { Standard, Express }

/// All problems in a definition.
pub fn validate(_definition: &Value, _machine_type: MachineType) -> Vec<Diagnostic> { Vec::new() }

/// The InvalidDefinition message for the diagnostics, if any is an error.
pub fn invalid_definition_message(diags: &[Diagnostic]) -> Option<String> {
    diags.iter().find(|d| d.severity == Severity::Error).map(|d| format!("Invalid State Machine Definition: '{}: {} at {}'", d.code, d.message, d.location))
}

/// Validates definition text (reports invalid JSON too).
pub fn validate_text(text: &str, machine_type: MachineType) -> Vec<Diagnostic> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => validate(&v, machine_type),
        Err(e) => vec![Diagnostic { severity: Severity::Error, code: "INVALID_JSON_DESCRIPTION".into(), message: e.to_string(), location: String::new() }],
    }
}
