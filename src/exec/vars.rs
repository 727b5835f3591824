//! Workflow variables (a scope per Parallel branch or Map iteration, read from the inside out)
//! and the data-flow environment a frame's state evaluates its fields in.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::dataflow::{Env, Variables};
use super::{Execution, FrameId};
use crate::model::State;

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

/// The context object of a state that reads none.
static NO_CONTEXT: Value = Value::Null;

impl Execution {
    /// Runs a data-flow `step` for frame `f`'s state `st`, with the context object when the
    /// state reads it.
    pub(super) fn with_flow<R>(&mut self, f: FrameId, st: &State, step: impl FnOnce(&mut Env<'_>) -> R) -> R {
        self.with_flow_on_input(f, st, |_, env| step(env))
    }

    /// Like [`Self::with_flow`], with the frame's raw input to change in place (ResultPath).
    pub(super) fn with_flow_on_input<R>(
        &mut self,
        f: FrameId,
        st: &State,
        step: impl FnOnce(&mut Value, &mut Env<'_>) -> R,
    ) -> R {
        let ctx = st.uses_context().then(|| self.context(f));
        let fr = &mut self.frames[f];
        let mut vars = ScopeVars { scopes: &mut self.scopes, scope: fr.scope };
        let mut env = Env::new(ctx.as_ref().unwrap_or(&NO_CONTEXT), &mut vars, &mut self.rng, self.now)
            .with_jsonata(self.config.jsonata);
        step(&mut fr.input, &mut env)
    }

    /// Runs a data-flow `step` for frame `f` with the context object `ctx`.
    pub(super) fn with_context<R>(&mut self, f: FrameId, ctx: &Value, step: impl FnOnce(&mut Env<'_>) -> R) -> R {
        let mut vars = ScopeVars { scopes: &mut self.scopes, scope: self.frames[f].scope };
        let mut env = Env::new(ctx, &mut vars, &mut self.rng, self.now).with_jsonata(self.config.jsonata);
        step(&mut env)
    }
}
