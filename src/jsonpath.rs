//! JSONPath as AWS Step Functions evaluates it (Jayway semantics). STUB: replaced by the real module.

use serde_json::Value;

/// A parsed JSONPath, such as `$.a.b[0]`, `$..x`, `$.items[?(@.n > 1)]`, or a context path `$$.Execution.Id`.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    text: String,
}

impl JsonPath {
    /// Parses a path. Text starting with `$$` is a context-object path.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        if !text.starts_with('$') {
            return Err(format!("invalid JSONPath {text}"));
        }
        Ok(JsonPath { text: text.to_string() })
    }
    /// The path as written.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// True for `$$...` paths, which are evaluated against the context object.
    pub fn is_context(&self) -> bool {
        self.text.starts_with("$$")
    }
    /// True when the path can match at most one value (no wildcard, deep scan, filter, slice or union).
    pub fn is_definite(&self) -> bool {
        true
    }
    /// True when the path is a reference path (only names and single indexes), usable in `ResultPath`.
    pub fn is_reference(&self) -> bool {
        true
    }
    /// A definite path's value, by reference; `None` when not found (or when the path is indefinite).
    pub fn select_ref<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        let _ = root;
        None
    }
    /// The value: for a definite path the matched value (`None` when not found); for an indefinite
    /// path always `Some(array)` of the matches, possibly empty.
    pub fn select(&self, root: &Value) -> Option<Value> {
        self.select_ref(root).cloned()
    }
    /// Writes `value` at this reference path inside `root`, creating missing objects, as `ResultPath` does.
    pub fn assign(&self, root: &mut Value, value: Value) -> Result<(), String> {
        let _ = (root, value);
        Err("unimplemented".into())
    }
}

impl JsonPath {
    /// The path in Jayway's normalized form, as AWS quotes it in errors: `$['a']['b'][0]`.
    pub fn normalized(&self) -> String {
        self.text.clone()
    }
}
