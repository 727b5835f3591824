//! Intrinsic functions. STUB: replaced by the real module.
use serde_json::Value;
use crate::error::{ErrorName, Failure};

/// A parsed intrinsic function call.
#[derive(Debug, Clone)]
pub struct Intrinsic { text: String }

/// True when the text looks like an intrinsic call.
pub fn looks_like_intrinsic(text: &str) -> bool { text.starts_with("States.") }

impl Intrinsic {
    /// Parses a call.
    pub fn parse(text: &str) -> Result<Intrinsic, String> {
        if looks_like_intrinsic(text) { Ok(Intrinsic { text: text.into() }) } else { Err(format!("not an intrinsic: {text}")) }
    }
    /// Evaluates a call.
    pub fn eval(&self, _input: &Value, _context: &Value, _rng: &mut fastrand::Rng) -> Result<Value, Failure> {
        Err(Failure::new(ErrorName::IntrinsicFailure, format!("unimplemented: {}", self.text)))
    }
    /// True when an argument reads the context object.
    pub fn uses_context(&self) -> bool { self.text.contains("$$") }
}
