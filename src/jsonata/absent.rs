//! The lite build's stand-in for the JSONata engine (the crate feature `jsonata` off): no
//! expression parses, so no JSONata state is ever loaded. The validator refuses such definitions
//! first, with [`NOT_IN_THIS_BUILD`]; this module keeps the rest of the crate compiling unchanged.

use serde_json::Value;

use super::{Env, NOT_IN_THIS_BUILD};
use crate::error::{ErrorName, Failure};

/// A JSONata expression. In this build none can be made: [`Jsonata::parse`] always fails.
#[derive(Debug, Clone)]
pub struct Jsonata {
    pub(super) text: String,
    pub(super) variables: Vec<String>,
}

impl Jsonata {
    /// Always `Err(NOT_IN_THIS_BUILD)`: this build has no JSONata engine.
    pub fn parse(_text: &str) -> Result<Jsonata, String> {
        Err(NOT_IN_THIS_BUILD.to_string())
    }

    /// None (no expression exists in this build).
    pub fn unsupported_references(&self) -> Vec<String> {
        Vec::new()
    }

    /// None (no expression exists in this build).
    pub fn states_fields(&self) -> Vec<String> {
        Vec::new()
    }

    /// Fails with [`NOT_IN_THIS_BUILD`].
    pub fn eval(&self, _env: &mut Env<'_>) -> Result<Option<Value>, String> {
        Err(NOT_IN_THIS_BUILD.to_string())
    }

    /// Fails with `States.Runtime` and [`NOT_IN_THIS_BUILD`].
    pub fn eval_field(&self, _env: &mut Env<'_>, _field: &str) -> Result<Value, Failure> {
        Err(Failure::new(ErrorName::Runtime, NOT_IN_THIS_BUILD))
    }
}
