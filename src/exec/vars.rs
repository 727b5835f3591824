//! Workflow variables: a scope per Parallel branch or Map iteration, read from the inside out.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{eval_template, Execution, Fault, FrameId};
use crate::model::Template;

/// One scope of workflow variables: the top level, or a Parallel branch or Map iteration,
/// which reads its parents' variables and keeps its own assignments to itself.
#[derive(Debug, Default)]
pub(super) struct VarScope {
    pub(super) parent: Option<usize>,
    pub(super) vars: HashMap<String, Value>,
}

/// The workflow variables a frame sees.
#[derive(Clone, Copy)]
pub struct Vars<'a> {
    pub(super) scopes: &'a [VarScope],
    pub(super) scope: usize,
}

/// Where a template's `$name` variables come from: an execution's scopes, or a flat map
/// (TestState's `variables`).
pub trait VarLookup {
    /// The value of variable `name`.
    fn var(&self, name: &str) -> Option<&Value>;
}

impl VarLookup for Vars<'_> {
    fn var(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl VarLookup for Map<String, Value> {
    fn var(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl<'a> Vars<'a> {
    /// No variables at all.
    pub const NONE: Vars<'static> = Vars { scopes: &[], scope: 0 };

    /// A variable's value, looked up from the innermost scope out.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let mut at = Some(self.scope);
        while let Some(i) = at {
            let s = self.scopes.get(i)?;
            if let Some(v) = s.vars.get(name) {
                return Some(v);
            }
            at = s.parent;
        }
        None
    }
}

impl Execution {
    /// The variables frame `f` sees.
    pub(super) fn vars(&self, f: FrameId) -> Vars<'_> {
        Vars { scopes: &self.scopes, scope: self.frames[f].scope }
    }
    /// Evaluates `Assign` and stores the variables in the frame's scope, all values computed first.
    pub(super) fn assign(&mut self, f: FrameId, assign: &Template, doc: &Value) -> Result<(), Fault> {
        let ctx = self.context_if_needed(f);
        let value = eval_template(
            assign,
            doc,
            &ctx,
            &Vars { scopes: &self.scopes, scope: self.frames[f].scope },
            &mut self.rng,
        )?;
        if let Value::Object(map) = value {
            let scope = self.frames[f].scope;
            if let Some(s) = self.scopes.get_mut(scope) {
                s.vars.extend(map);
            }
        }
        Ok(())
    }
}
