//! JSONPath as AWS Step Functions evaluates it (Jayway JsonPath semantics), and `ResultPath` writes.
//!
//! A path is parsed once into steps; evaluation walks the document by reference, so a definite
//! path such as `$.a.b[0]` costs one map lookup per step and allocates nothing.
//!
//! ```
//! use asl_sim::jsonpath::JsonPath;
//! use serde_json::json;
//!
//! let doc = json!({"users": [{"name": "a", "age": 3}, {"name": "b", "age": 9}]});
//! let adults = JsonPath::parse("$.users[?(@.age > 5)].name").unwrap();
//! assert_eq!(adults.select(&doc), Some(json!(["b"])));
//!
//! let first = JsonPath::parse("$.users[0].name").unwrap();
//! assert_eq!(first.select_ref(&doc), Some(&json!("a")));
//! assert_eq!(JsonPath::parse("$.nope").unwrap().select(&doc), None);
//!
//! let mut input = json!({"x": 1});
//! JsonPath::parse("$.result.value").unwrap().assign(&mut input, json!(2)).unwrap();
//! assert_eq!(input, json!({"x": 1, "result": {"value": 2}}));
//! ```
//!
//! Where Jayway versions disagree, this module follows the conformance recordings from AWS first,
//! then the project notes, then current Jayway. Known choices:
//! * quoted names in brackets are taken literally (`$['a\"b']` names the key `a\"b`, backslash
//!   included), as AWS does; a backslash only stops the next character from closing the name;
//! * a missing property before an indefinite step (`$.missing[*]`) yields `[]`, not an error;
//! * function calls such as `.length()` are plain property names, so they are "not found";
//! * negative indexes count from the end; slices follow Jayway's loops (`[0:-1]` is empty);
//! * a leaf name list `$.a['b','c']` is definite and yields an object of the keys present;
//! * in filters (current Jayway): a missing field is unequal to everything (`@.x != 1` keeps
//!   items without `x`), `[?(@.x)]` keeps `"x": null`, a string equals a number whose Java text it
//!   is (`"1" == 1`), and `<` between a string and a number compares them as text.
//!
//! Stages, one file each: `parse` (paths into steps), `filter` (filter expressions), `eval`
//! (walking a document) and `write` (`ResultPath` writes).

mod eval;
mod filter;
mod parse;
#[cfg(test)]
#[rustfmt::skip]
mod tests;
mod write;

use std::borrow::Cow;

use serde_json::Value;

use eval::{array_get, merge_names, run};
use filter::Expr;
use parse::parse_steps;

/// How deeply filters, parentheses and JSON literals may nest inside one path.
const MAX_NESTING: usize = 48;

/// A parsed JSONPath, such as `$.a.b[0]`, `$..x`, `$.items[?(@.n > 1)]`, or a context path `$$.Execution.Id`.
#[derive(Debug, Clone)]
pub struct JsonPath {
    text: String,
    context: bool,
    variable: Option<String>,
    path: Compiled,
}

impl PartialEq for JsonPath {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.variable == other.variable
    }
}

impl JsonPath {
    /// Parses a path. Text starting with `$$` is a context-object path. `Err` gives Jayway's reason.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        if !text.starts_with('$') {
            return Err(format!("Path must start with '$': {text}"));
        }
        let context = text.starts_with("$$");
        let body = if context { &text[1..] } else { text };
        let chars: Vec<char> = body.trim_end().chars().collect();
        let path = parse_steps(&chars, 0)?;
        Ok(JsonPath { text: text.to_string(), context, variable: None, path })
    }

    /// Parses a variable reference such as `$order.items[0]` (JSONPath variables): the name, then an
    /// optional path applied to the variable's value, which the caller passes as the root.
    pub fn parse_variable(text: &str) -> Result<JsonPath, String> {
        let rest = text.strip_prefix('$').ok_or_else(|| format!("Variable reference must start with '$': {text}"))?;
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("Invalid variable name in {text}"));
        }
        let chars: Vec<char> = std::iter::once('$').chain(rest[end..].trim_end().chars()).collect();
        let path = parse_steps(&chars, 0)?;
        Ok(JsonPath { text: text.to_string(), context: false, variable: Some(name.to_string()), path })
    }

    /// The path as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True for `$$...` paths, which are evaluated against the context object.
    pub fn is_context(&self) -> bool {
        self.context
    }

    /// The variable name of a path made by [`JsonPath::parse_variable`].
    pub fn variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// True when the path yields one value rather than a list (Jayway's "definite"): only names and
    /// single indexes, plus a name list as the last step (which yields one object).
    pub fn is_definite(&self) -> bool {
        self.path.is_definite()
    }

    /// True when the path is a reference path (only names and single non-negative indexes), as
    /// `ResultPath` and `ItemsPath` require.
    pub fn is_reference(&self) -> bool {
        self.path.steps.iter().all(|s| match s {
            Step::Name(_) => true,
            Step::Index(i) => *i >= 0,
            _ => false,
        })
    }

    /// The property names of a path into the input made of names only (`$.a.b`: `["a", "b"]`,
    /// `$`: none); `None` for other paths, context and variable paths.
    pub fn names(&self) -> Option<Vec<&str>> {
        if self.context || self.variable.is_some() {
            return None;
        }
        self.path.steps.iter().map(|s| if let Step::Name(n) = s { Some(n.as_str()) } else { None }).collect()
    }

    /// A definite path's value, by reference; `None` when not found, when the path is indefinite,
    /// and for a trailing name list (which builds a new object: use [`JsonPath::select`]).
    pub fn select_ref<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        match self.walk_definite(root)? {
            (value, None) => Some(value),
            (_, Some(_)) => None,
        }
    }

    /// The value: for a definite path the matched value (`None` when not found); for an indefinite
    /// path always `Some(array)` of the matches, possibly empty.
    pub fn select(&self, root: &Value) -> Option<Value> {
        if self.is_definite() {
            return match self.walk_definite(root)? {
                (value, None) => Some(value.clone()),
                (object, Some(names)) => Some(Value::Object(merge_names(object.as_object()?, names))),
            };
        }
        let mut out = Vec::new();
        if run(&self.path, root, root, false, &mut out).is_err() {
            out.clear();
        }
        Some(Value::Array(out.into_iter().map(Cow::into_owned).collect()))
    }

    /// Like [`JsonPath::select`], but says why nothing was found, in Jayway's words
    /// (`No results for path: $['x']`, `Missing property in path $['a']`, ...), and also reports
    /// the cases where Jayway fails an indefinite path (a filter or slice applied to a string).
    pub fn try_select(&self, root: &Value) -> Result<Value, String> {
        if self.is_definite() {
            if let Some(value) = self.select(root) {
                return Ok(value);
            }
        }
        let mut out = Vec::new();
        match run(&self.path, root, root, false, &mut out) {
            Err(fail) => Err(fail.message(&self.path, '$')),
            Ok(()) if self.is_definite() => match out.pop() {
                Some(value) => Ok(value.into_owned()),
                None => Err(format!("No results for path: {}", self.path.fragments('$', 0, self.path.steps.len()))),
            },
            Ok(()) => Ok(Value::Array(out.into_iter().map(Cow::into_owned).collect())),
        }
    }

    /// Like [`JsonPath::select`], but moves the value out of an owned document instead of
    /// copying it, when the path is made of names and indexes only (the common `OutputPath`).
    /// Falls back to `select` for other paths. The document is left unusable for further reads.
    pub fn take(&self, root: &mut Value) -> Option<Value> {
        if self.is_definite() && self.path.steps.iter().all(|s| matches!(s, Step::Name(_) | Step::Index(_))) {
            let mut current = root;
            for step in &self.path.steps {
                current = match step {
                    Step::Name(name) => current.as_object_mut()?.get_mut(name)?,
                    Step::Index(index) => {
                        let items = current.as_array_mut()?;
                        let len = items.len() as i64;
                        let i = if *index < 0 { index.checked_add(len)? } else { *index };
                        items.get_mut(usize::try_from(i).ok()?)?
                    }
                    _ => return None,
                };
            }
            return Some(std::mem::take(current));
        }
        self.select(root)
    }

    /// Follows a definite path; the second part is a trailing name list still to merge.
    fn walk_definite<'a, 'p>(&'p self, root: &'a Value) -> Option<(&'a Value, Option<&'p [String]>)> {
        if !self.is_definite() {
            return None;
        }
        let mut current = root;
        for step in &self.path.steps {
            current = match step {
                Step::Name(name) => field(current.as_object()?, name)?,
                Step::Index(index) => array_get(current.as_array()?, *index)?,
                Step::Names(names) => {
                    current.as_object()?;
                    return Some((current, Some(names)));
                }
                _ => return None,
            };
        }
        Some((current, None))
    }
}

/// A member of an object by name. Small objects (the usual state data) are scanned, which is
/// cheaper than hashing the name.
pub(crate) fn field<'a>(map: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        map.get(name)
    }
}

/// One step of a path.
#[derive(Debug, Clone)]
enum Step {
    /// `.name` or `['name']`.
    Name(String),
    /// `['a','b']`: merged into one object when last, otherwise each name in turn.
    Names(Vec<String>),
    /// `[3]` or `[-1]` (from the end).
    Index(i64),
    /// `[0,2]`.
    Indexes(Vec<i64>),
    /// `[from:to]`, either bound optional.
    Slice(Option<i64>, Option<i64>),
    /// `*` or `[*]`.
    Wildcard,
    /// `..`: the following step applies at every depth.
    Scan,
    /// `[?(...)]`.
    Filter(Box<Expr>),
}

impl Step {
    fn fragment(&self) -> String {
        let join = |items: Vec<String>| items.join(",");
        match self {
            Step::Name(name) => format!("['{}']", escape_name(name)),
            Step::Names(names) => {
                format!("[{}]", join(names.iter().map(|n| format!("'{}'", escape_name(n))).collect()))
            }
            Step::Index(i) => format!("[{i}]"),
            Step::Indexes(list) => format!("[{}]", join(list.iter().map(i64::to_string).collect())),
            Step::Slice(from, to) => {
                let bound = |b: &Option<i64>| b.map(|v| v.to_string()).unwrap_or_default();
                format!("[{}:{}]", bound(from), bound(to))
            }
            Step::Wildcard => "[*]".to_string(),
            Step::Scan => "..".to_string(),
            Step::Filter(_) => "[?]".to_string(),
        }
    }
}

fn escape_name(name: &str) -> String {
    name.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Parsed steps, with where the path stops being definite.
#[derive(Debug, Clone)]
struct Compiled {
    steps: Vec<Step>,
    /// Index of the first step that can yield several values; `steps.len()` for a definite path.
    first_indefinite: usize,
}

impl Compiled {
    fn new(steps: Vec<Step>) -> Compiled {
        let last = steps.len().saturating_sub(1);
        let first_indefinite = steps
            .iter()
            .enumerate()
            .position(|(i, s)| match s {
                Step::Name(_) | Step::Index(_) => false,
                Step::Names(_) => i != last,
                _ => true,
            })
            .unwrap_or(steps.len());
        Compiled { steps, first_indefinite }
    }

    fn is_definite(&self) -> bool {
        self.first_indefinite == self.steps.len()
    }

    /// Jayway's rendering of steps `from..to`, such as `$['a'][0]`.
    fn fragments(&self, root: char, from: usize, to: usize) -> String {
        let mut text = if from == 0 { root.to_string() } else { String::new() };
        for step in self.steps.get(from..to).unwrap_or(&[]) {
            text.push_str(&step.fragment());
        }
        text
    }
}
