//! Workflow variables (a scope per Parallel branch or Map iteration, read from the inside out)
//! and the data-flow environment a frame's state evaluates its fields in.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::dataflow::{Env, Variables};
use super::{Execution, FrameId};

/// One scope of workflow variables: the top level, or a Parallel branch or Map iteration,
/// which reads its parents' variables and keeps its own assignments to itself.
#[derive(Debug, Default)]
pub(super) struct VarScope {
    pub(super) parent: Option<usize>,
    pub(super) vars: HashMap<String, Value>,
}

/// The variables of one frame: its scope and the scopes around it.
struct ScopeVars<'a> {
    scopes: &'a mut [VarScope],
    scope: usize,
}

impl Variables for ScopeVars<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
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

    fn assign(&mut self, values: Map<String, Value>) {
        if let Some(s) = self.scopes.get_mut(self.scope) {
            s.vars.extend(values);
        }
    }
}

impl Execution {
    /// Runs a data-flow `step` for frame `f`'s state, with the context object when the state
    /// reads it.
    pub(super) fn with_flow<R>(&mut self, f: FrameId, step: impl FnOnce(&mut Env<'_>) -> R) -> R {
        let ctx = if self.state(f).uses_context() { self.context(f) } else { Value::Null };
        self.with_context(f, &ctx, step)
    }

    /// Runs a data-flow `step` for frame `f` with the context object `ctx`.
    pub(super) fn with_context<R>(&mut self, f: FrameId, ctx: &Value, step: impl FnOnce(&mut Env<'_>) -> R) -> R {
        let mut vars = ScopeVars { scopes: &mut self.scopes, scope: self.frames[f].scope };
        let mut env = Env::new(ctx, &mut vars, &mut self.rng, self.now);
        step(&mut env)
    }
}
