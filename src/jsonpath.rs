//! JSONPath as AWS Step Functions evaluates it (Jayway JsonPath semantics), plus the writes that
//! `ResultPath` performs.
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

use std::borrow::Cow;
use std::cmp::Ordering;

use regex_lite::{Regex, RegexBuilder};
use serde_json::{Map, Number, Value};

use crate::java::{self, big_decimal_string};

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

    /// Writes `value` at this reference path inside `root`, as `ResultPath` does: `$` replaces the
    /// root; missing objects on the way are created; an existing key keeps its position and a new
    /// one is appended. `Err` (nothing written) when the path is not a reference path, crosses a
    /// value that is not an object (for a name) or not an array (for an index), or names an index
    /// past the end of an array.
    pub fn assign(&self, root: &mut Value, value: Value) -> Result<(), String> {
        if !self.is_reference() {
            return Err(format!("'{}' is not a reference path", self.text));
        }
        let steps = &self.path.steps;
        self.check_assign(root)?;
        let mut current = root;
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            match step {
                Step::Name(name) => {
                    let Value::Object(map) = current else {
                        return Err(self.assign_error(i, "an object"));
                    };
                    if last {
                        map.insert(name.clone(), value);
                        return Ok(());
                    }
                    current = map.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()));
                }
                Step::Index(index) => {
                    let Value::Array(items) = current else {
                        return Err(self.assign_error(i, "an array"));
                    };
                    let slot = usize::try_from(*index).ok().and_then(|k| items.get_mut(k));
                    let Some(slot) = slot else {
                        return Err(self.assign_error(i, "an existing index"));
                    };
                    if last {
                        *slot = value;
                        return Ok(());
                    }
                    current = slot;
                }
                _ => return Err(format!("'{}' is not a reference path", self.text)),
            }
        }
        *current = value;
        Ok(())
    }

    /// Checks, without writing, that [`JsonPath::assign`] can succeed, so a failure leaves `root` intact.
    fn check_assign(&self, root: &Value) -> Result<(), String> {
        let steps = &self.path.steps;
        let mut current = root;
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            match step {
                Step::Name(name) => {
                    let map = current.as_object().ok_or_else(|| self.assign_error(i, "an object"))?;
                    match map.get(name) {
                        Some(next) if !last => current = next,
                        Some(_) => return Ok(()),
                        // Everything below is created fresh, which only works for names.
                        None => {
                            return match steps[i + 1..].iter().position(|s| !matches!(s, Step::Name(_))) {
                                None => Ok(()),
                                Some(k) => Err(self.assign_error(i + 1 + k, "an array")),
                            }
                        }
                    }
                }
                Step::Index(index) => {
                    let items = current.as_array().ok_or_else(|| self.assign_error(i, "an array"))?;
                    let next = usize::try_from(*index).ok().and_then(|k| items.get(k));
                    current = next.ok_or_else(|| self.assign_error(i, "an existing index"))?;
                }
                _ => return Err(format!("'{}' is not a reference path", self.text)),
            }
        }
        Ok(())
    }

    fn assign_error(&self, step: usize, wanted: &str) -> String {
        format!("Unable to write at '{}': {} is not {wanted}", self.text, self.path.fragments('$', 0, step),)
    }

    /// Follows a definite path; the second part is a trailing name list still to merge.
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

    fn walk_definite<'a, 'p>(&'p self, root: &'a Value) -> Option<(&'a Value, Option<&'p [String]>)> {
        if !self.is_definite() {
            return None;
        }
        let mut current = root;
        for step in &self.path.steps {
            current = match step {
                Step::Name(name) => current.as_object()?.get(name)?,
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

// ---------------------------------------------------------------------------------------------
// Parsing paths (mirrors Jayway's PathCompiler)
// ---------------------------------------------------------------------------------------------

/// Parses `c`, which starts with `$` or `@`.
fn parse_steps(c: &[char], depth: usize) -> Result<Compiled, String> {
    if depth > MAX_NESTING {
        return Err("Path nested too deeply".into());
    }
    let mut steps = Vec::new();
    if c.len() > 1 {
        if c[1] != '.' && c[1] != '[' {
            return Err("Illegal character at position 1 expected '.' or '['".into());
        }
        if c[c.len() - 1] == '.' {
            return Err("Path must not end with a '.' or '..'".into());
        }
        let mut pos = 1;
        while pos < c.len() {
            match c[pos] {
                '[' => pos = read_bracket(c, pos, &mut steps, depth)?,
                '.' => {
                    if c.get(pos + 1) == Some(&'.') {
                        steps.push(Step::Scan);
                        pos += 2;
                    } else {
                        pos += 1;
                    }
                    match c.get(pos) {
                        None => return Err("Path must not end with a '.'".into()),
                        Some('.') => return Err(format!("Character '.' on position {pos} is not valid.")),
                        _ => {}
                    }
                }
                '*' => {
                    steps.push(Step::Wildcard);
                    pos += 1;
                }
                _ => pos = read_name(c, pos, &mut steps)?,
            }
        }
    }
    Ok(Compiled::new(steps))
}

/// A dot-notation name: everything up to the next `.` or `[`.
fn read_name(c: &[char], start: usize, steps: &mut Vec<Step>) -> Result<usize, String> {
    if c[start] == ' ' {
        return Err(format!("Could not parse token starting at position {start}"));
    }
    let mut pos = start;
    while pos < c.len() && c[pos] != '.' && c[pos] != '[' {
        if c[pos] == ' ' {
            return Err(format!(
                "Use bracket notion ['my prop'] if your property contains blank characters. position: {pos}"
            ));
        }
        pos += 1;
    }
    steps.push(Step::Name(c[start..pos].iter().collect()));
    Ok(pos)
}

/// Position of the next character after `pos` that is not a space.
fn next_significant(c: &[char], pos: usize) -> Option<usize> {
    (pos + 1..c.len()).find(|&i| c[i] != ' ')
}

fn read_bracket(c: &[char], open: usize, steps: &mut Vec<Step>, depth: usize) -> Result<usize, String> {
    let fail = || format!("Could not parse token starting at position {open}. Expected ?, ', 0-9, * ");
    let first = next_significant(c, open).ok_or_else(fail)?;
    match c[first] {
        '\'' | '"' => read_bracket_names(c, open, c[first], steps),
        d if d.is_ascii_digit() || d == '-' || d == ':' => read_array(c, open, steps)?.ok_or_else(fail),
        '*' => {
            let close = next_significant(c, first).filter(|&i| c[i] == ']');
            let close =
                close.ok_or_else(|| format!("Expected wildcard token to end with ']' on position {}", first + 1))?;
            steps.push(Step::Wildcard);
            Ok(close + 1)
        }
        '?' => {
            let paren = next_significant(c, first).ok_or_else(fail)?;
            if c[paren] != '(' {
                return Err(if c[paren] == ']' || c[paren] == ',' {
                    "Filter placeholders [?] need predicates, which inline paths cannot supply".into()
                } else {
                    fail()
                });
            }
            let close = closing_paren(c, paren).ok_or_else(fail)?;
            let end = next_significant(c, close).filter(|&i| c[i] == ']').ok_or_else(fail)?;
            let mut parser = FilterParser { c: &c[paren..=close], pos: 0, depth: depth + 1 };
            let expr = parser.or_expr()?;
            parser.skip_blanks();
            if parser.pos < parser.c.len() {
                return Err(format!("Could not parse filter {}", c[open..=end].iter().collect::<String>()));
            }
            steps.push(Step::Filter(Box::new(expr)));
            Ok(end + 1)
        }
        _ => Err(fail()),
    }
}

/// `['a']`, `["a"]`, `['a','b']`. Names are kept as written (see the module doc).
fn read_bracket_names(c: &[char], open: usize, quote: char, steps: &mut Vec<Step>) -> Result<usize, String> {
    let mut names = Vec::new();
    let (mut start, mut end) = (open + 1, open + 1);
    let (mut in_name, mut in_escape, mut after_comma) = (false, false, false);
    let mut pos = open + 1;
    while pos < c.len() {
        let ch = c[pos];
        if in_escape {
            in_escape = false;
        } else if ch == '\\' {
            in_escape = true;
        } else if ch == ']' && !in_name {
            if after_comma {
                return Err(format!("Found empty property at index {pos}"));
            }
            break;
        } else if ch == quote {
            if in_name {
                let next = next_significant(c, pos).map(|i| c[i]);
                if next != Some(']') && next != Some(',') {
                    return Err(format!(
                        "Property must be separated by comma or Property must be terminated close square bracket at index {pos}"
                    ));
                }
                end = pos;
                names.push(c[start..end].iter().collect::<String>());
                in_name = false;
            } else {
                start = pos + 1;
                in_name = true;
                after_comma = false;
            }
        } else if ch == ',' && !in_name {
            if after_comma {
                return Err(format!("Found empty property at index {pos}"));
            }
            after_comma = true;
        }
        pos += 1;
    }
    if in_name {
        return Err(format!("Property has not been closed - missing closing {quote}"));
    }
    let close = next_significant(c, end).filter(|&i| c[i] == ']');
    let close = close.ok_or_else(|| "Property has not been closed - missing closing ]".to_string())?;
    match names.len() {
        0 => return Err(format!("Could not parse token starting at position {open}")),
        1 => steps.push(Step::Name(names.remove(0))),
        _ => steps.push(Step::Names(names)),
    }
    Ok(close + 1)
}

/// `[1]`, `[-1]`, `[0,2]`, `[1:]`, `[:2]`, `[1:3]`. `Ok(None)` when the brackets hold something else.
fn read_array(c: &[char], open: usize, steps: &mut Vec<Step>) -> Result<Option<usize>, String> {
    let Some(close) = (open + 1..c.len()).find(|&i| c[i] == ']') else {
        return Ok(None);
    };
    let expr: String = c[open + 1..close].iter().collect();
    let expr = expr.trim_matches(|ch: char| ch <= ' ');
    if !expr.chars().all(|ch| ch.is_ascii_digit() || matches!(ch, ',' | '-' | ':' | ' ')) {
        return Ok(None);
    }
    let int = |text: &str, what: &str| -> Result<Option<i64>, String> {
        let text = text.trim_matches(' ');
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<i32>().map(|v| Some(i64::from(v))).map_err(|_| format!("Failed to parse {what}: {expr}"))
    };
    if expr.contains(':') {
        let parts = java_split(expr, ':');
        let from = int(parts.first().copied().unwrap_or(""), "SliceOperation")?;
        let to = int(parts.get(1).copied().unwrap_or(""), "SliceOperation")?;
        if from.is_none() && to.is_none() {
            return Err(format!("Failed to parse SliceOperation: {expr}"));
        }
        steps.push(Step::Slice(from, to));
    } else {
        let mut indexes = Vec::new();
        for part in java_split(expr, ',') {
            indexes.push(
                int(part, "ArrayIndexOperation")?
                    .ok_or_else(|| format!("Failed to parse ArrayIndexOperation: {expr}"))?,
            );
        }
        match indexes.len() {
            0 => return Err(format!("Failed to parse ArrayIndexOperation: {expr}")),
            1 => steps.push(Step::Index(indexes[0])),
            _ => steps.push(Step::Indexes(indexes)),
        }
    }
    Ok(Some(close + 1))
}

/// Java's `String.split`: trailing empty parts are dropped.
fn java_split(text: &str, sep: char) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(sep).collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}

/// Index of the next `target` after `from` that no backslash escapes.
fn next_unescaped(c: &[char], from: usize, target: char) -> Option<usize> {
    let mut escaped = false;
    for (i, &ch) in c.iter().enumerate().skip(from + 1) {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == target {
            return Some(i);
        }
    }
    None
}

/// The `)` matching the `(` at `open`, skipping quoted strings and `/regex/` literals.
fn closing_paren(c: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = open;
    while pos < c.len() {
        match c[pos] {
            '\'' | '"' | '/' => pos = next_unescaped(c, pos, c[pos])?,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(pos);
                }
            }
            _ => {}
        }
        pos += 1;
    }
    None
}

/// The `close` matching the `open` at `start`, skipping quoted strings.
fn closing_of(c: &[char], start: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = start;
    while pos < c.len() {
        let ch = c[pos];
        if ch == '\'' || ch == '"' {
            pos = next_unescaped(c, pos, ch)?;
        } else if ch == open {
            depth += 1;
        } else if ch == close {
            depth -= 1;
            if depth == 0 {
                return Some(pos);
            }
        }
        pos += 1;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Filters (mirrors Jayway's FilterCompiler and EvaluatorFactory)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `@.x` (or `!@.x` when `negate`).
    Exists {
        path: FilterPath,
        negate: bool,
    },
    Compare(Operand, Op, Operand),
}

/// A path inside a filter: from the current item (`@`) or from the root (`$`).
#[derive(Debug, Clone)]
struct FilterPath {
    from_root: bool,
    path: Compiled,
}

#[derive(Debug, Clone)]
enum Operand {
    Path(FilterPath),
    /// A string, `true`, `false`, `null`, or a JSON array or object.
    Literal(Value),
    /// A number, with Java's `BigDecimal` rendering of the literal (compared with strings as text).
    Number(Number, String),
    Pattern(Regex),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
    In,
    Nin,
    Contains,
    Size,
    Empty,
    SubsetOf,
    AnyOf,
    NoneOf,
    /// `all`, `matches`, `type`: they need Java objects an inline filter cannot write; always false.
    Unusable,
    Exists,
}

struct FilterParser<'c> {
    c: &'c [char],
    pos: usize,
    depth: usize,
}

impl FilterParser<'_> {
    fn peek(&self) -> Option<char> {
        self.c.get(self.pos).copied()
    }

    /// Jayway skips spaces only, not tabs or newlines.
    fn skip_blanks(&mut self) {
        while self.peek() == Some(' ') {
            self.pos += 1;
        }
    }

    fn at(&self, text: &str) -> bool {
        text.chars().enumerate().all(|(i, ch)| self.c.get(self.pos + i) == Some(&ch))
    }

    fn nest(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("Filter nested too deeply".into());
        }
        Ok(())
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        self.nest()?;
        let mut expr = self.and_expr()?;
        loop {
            self.skip_blanks();
            if !self.at("||") {
                break;
            }
            self.pos += 2;
            expr = Expr::Or(Box::new(expr), Box::new(self.and_expr()?));
        }
        self.depth -= 1;
        Ok(expr)
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut expr = self.operand()?;
        loop {
            self.skip_blanks();
            if !self.at("&&") {
                break;
            }
            self.pos += 2;
            expr = Expr::And(Box::new(expr), Box::new(self.operand()?));
        }
        Ok(expr)
    }

    fn operand(&mut self) -> Result<Expr, String> {
        self.skip_blanks();
        match self.peek() {
            Some('!') => {
                let bang = self.pos;
                self.pos += 1;
                self.skip_blanks();
                if matches!(self.peek(), Some('$' | '@')) {
                    // Jayway: `!` before a path negates an existence test and is ignored before a comparison.
                    self.pos = bang;
                    return self.relation();
                }
                self.nest()?;
                let inner = self.operand()?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            Some('(') => {
                self.pos += 1;
                let inner = self.or_expr()?;
                self.skip_blanks();
                if self.peek() != Some(')') {
                    return Err(format!("Expected ')' at position {} of filter", self.pos));
                }
                self.pos += 1;
                Ok(inner)
            }
            _ => self.relation(),
        }
    }

    fn relation(&mut self) -> Result<Expr, String> {
        self.skip_blanks();
        let negated = self.peek() == Some('!');
        let left = self.value()?;
        self.skip_blanks();
        if self.peek().is_none() || self.peek() == Some(')') || self.at("&&") || self.at("||") {
            return match left {
                Operand::Path(path) => Ok(Expr::Exists { path, negate: negated }),
                _ => Err("Expected a path before the end of the filter expression".into()),
            };
        }
        let op = self.operator()?;
        let right = self.value()?;
        Ok(Expr::Compare(left, op, right))
    }

    fn operator(&mut self) -> Result<Op, String> {
        self.skip_blanks();
        let start = self.pos;
        let is_op_char = |ch: char| matches!(ch, '<' | '>' | '=' | '~' | '!');
        if self.peek().is_some_and(is_op_char) {
            while self.peek().is_some_and(is_op_char) {
                self.pos += 1;
            }
        } else {
            while self.peek().is_some_and(|ch| ch != ' ') {
                self.pos += 1;
            }
        }
        let text: String = self.c[start..self.pos].iter().collect();
        Ok(match text.to_ascii_uppercase().as_str() {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "===" => Op::StrictEq,
            "!==" => Op::StrictNe,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "=~" => Op::Regex,
            "IN" => Op::In,
            "NIN" => Op::Nin,
            "CONTAINS" => Op::Contains,
            "SIZE" => Op::Size,
            "EMPTY" => Op::Empty,
            "SUBSETOF" => Op::SubsetOf,
            "ANYOF" => Op::AnyOf,
            "NONEOF" => Op::NoneOf,
            "ALL" | "MATCHES" | "TYPE" => Op::Unusable,
            "EXISTS" => Op::Exists,
            _ => return Err(format!("Filter operator {text} is not supported!")),
        })
    }

    fn value(&mut self) -> Result<Operand, String> {
        self.skip_blanks();
        match self.peek() {
            Some('$' | '@') => self.path(),
            Some('!') => {
                self.pos += 1;
                self.skip_blanks();
                match self.peek() {
                    Some('$' | '@') => self.path(),
                    _ => Err("Unexpected character: !".into()),
                }
            }
            Some(quote @ ('\'' | '"')) => {
                let end = next_unescaped(self.c, self.pos, quote)
                    .ok_or_else(|| format!("String not closed. Expected {quote}"))?;
                let text = java_unescape(&self.c[self.pos + 1..end])?;
                self.pos = end + 1;
                Ok(Operand::Literal(Value::String(text)))
            }
            Some('t') => self.word("true", Value::Bool(true)),
            Some('f') => self.word("false", Value::Bool(false)),
            Some('n') => self.word("null", Value::Null),
            Some(open @ ('[' | '{')) => {
                let close = if open == '[' { ']' } else { '}' };
                let end =
                    closing_of(self.c, self.pos, open, close).ok_or_else(|| format!("Expected {close} in filter"))?;
                let mut json = LooseJson { c: &self.c[self.pos..=end], pos: 0 };
                let value = json.value(self.depth)?;
                self.pos = end + 1;
                Ok(Operand::Literal(value))
            }
            Some('/') => self.pattern(),
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|ch| ch.is_ascii_digit() || matches!(ch, '-' | '+' | '.' | 'e' | 'E')) {
                    self.pos += 1;
                }
                let text: String = self.c[start..self.pos].iter().collect();
                match (number_from_text(&text), big_decimal_string(&text)) {
                    (Some(number), Some(java)) => Ok(Operand::Number(number, java)),
                    _ => Err(format!("Could not read a value at position {start} of filter")),
                }
            }
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Operand, String> {
        if !self.at(word) {
            return Err(format!("Expected <{word}> value"));
        }
        self.pos += word.chars().count();
        Ok(Operand::Literal(value))
    }

    /// A path runs until a space, a comparison character, or a `)` that does not close a call.
    fn path(&mut self) -> Result<Operand, String> {
        let begin = self.pos;
        self.pos += 1;
        while let Some(ch) = self.peek() {
            if ch == '[' {
                let close = closing_of(self.c, self.pos, '[', ']').ok_or("Square brackets does not match in filter")?;
                self.pos = close + 1;
                continue;
            }
            if ch == ' ' || matches!(ch, '<' | '>' | '=' | '~' | '!') || (ch == ')' && !self.closes_call(begin)) {
                break;
            }
            self.pos += 1;
        }
        let chars = &self.c[begin..self.pos];
        let path = parse_steps(chars, self.depth + 1)?;
        Ok(Operand::Path(FilterPath { from_root: chars[0] == '$', path }))
    }

    /// True when the `)` at the current position closes `name(` written inside the path.
    fn closes_call(&self, begin: usize) -> bool {
        let before = (begin..self.pos).rev().find(|&i| self.c[i] != ' ');
        match before {
            Some(open) if self.c[open] == '(' => self.c[begin + 1..open].contains(&'.'),
            _ => false,
        }
    }

    /// `/regex/flags`; Java's `matches()` needs the whole text to match.
    fn pattern(&mut self) -> Result<Operand, String> {
        let end = next_unescaped(self.c, self.pos, '/').ok_or("Pattern not closed. Expected / in filter")?;
        let body: String = self.c[self.pos + 1..end].iter().collect();
        self.pos = end + 1;
        let mut builder_flags = String::new();
        while let Some(flag) = self.peek().filter(char::is_ascii_alphabetic) {
            builder_flags.push(flag);
            self.pos += 1;
        }
        let build = |pattern: &str| {
            RegexBuilder::new(pattern)
                .case_insensitive(builder_flags.contains('i'))
                .multi_line(builder_flags.contains('m'))
                .dot_matches_new_line(builder_flags.contains('s'))
                .ignore_whitespace(builder_flags.contains('x'))
                .build()
                .map_err(|e| format!("Invalid regular expression /{body}/: {e}"))
        };
        // Compile alone first, so that `a)(b` cannot pair up with the anchoring group.
        build(&body)?;
        Ok(Operand::Pattern(build(&format!(r"\A(?:{body})\z"))?))
    }
}

/// Java's string unescaping (`\n`, `\t`, `\'`, `\uXXXX`, ...; any other escaped character stands for itself).
fn java_unescape(c: &[char]) -> Result<String, String> {
    let mut units: Vec<u16> = Vec::with_capacity(c.len());
    let mut buf = [0u16; 2];
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        i += 1;
        if ch != '\\' {
            units.extend_from_slice(ch.encode_utf16(&mut buf));
            continue;
        }
        let Some(&next) = c.get(i) else {
            units.push(u16::from(b'\\'));
            break;
        };
        i += 1;
        let unit = match next {
            'r' => '\r',
            'f' => '\u{c}',
            't' => '\t',
            'n' => '\n',
            'b' => '\u{8}',
            'u' => {
                let hex: String = c.get(i..i + 4).ok_or("Unable to parse unicode value")?.iter().collect();
                let value =
                    u16::from_str_radix(&hex, 16).map_err(|_| format!("Unable to parse unicode value: {hex}"))?;
                units.push(value);
                i += 4;
                continue;
            }
            other => other,
        };
        units.extend_from_slice(unit.encode_utf16(&mut buf));
    }
    Ok(String::from_utf16_lossy(&units))
}

/// The permissive JSON that Jayway accepts in filters: single-quoted strings and bare words too.
struct LooseJson<'c> {
    c: &'c [char],
    pos: usize,
}

impl LooseJson<'_> {
    fn skip(&mut self) {
        while self.c.get(self.pos).is_some_and(|ch| ch.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_NESTING {
            return Err("JSON literal nested too deeply".into());
        }
        self.skip();
        let bad = || "Invalid JSON literal in filter".to_string();
        match self.c.get(self.pos).copied().ok_or_else(bad)? {
            '[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip();
                    if self.c.get(self.pos) == Some(&']') {
                        self.pos += 1;
                        return Ok(Value::Array(items));
                    }
                    if !items.is_empty() {
                        if self.c.get(self.pos) != Some(&',') {
                            return Err(bad());
                        }
                        self.pos += 1;
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            '{' => {
                self.pos += 1;
                let mut map = Map::new();
                loop {
                    self.skip();
                    if self.c.get(self.pos) == Some(&'}') {
                        self.pos += 1;
                        return Ok(Value::Object(map));
                    }
                    if !map.is_empty() {
                        if self.c.get(self.pos) != Some(&',') {
                            return Err(bad());
                        }
                        self.pos += 1;
                        self.skip();
                    }
                    let key = match self.value(depth + 1)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.skip();
                    if self.c.get(self.pos) != Some(&':') {
                        return Err(bad());
                    }
                    self.pos += 1;
                    let value = self.value(depth + 1)?;
                    map.insert(key, value);
                }
            }
            quote @ ('"' | '\'') => {
                let end = next_unescaped(self.c, self.pos, quote).ok_or_else(bad)?;
                let text = java_unescape(&self.c[self.pos + 1..end])?;
                self.pos = end + 1;
                Ok(Value::String(text))
            }
            _ => {
                let start = self.pos;
                while self
                    .c
                    .get(self.pos)
                    .is_some_and(|&ch| !ch.is_whitespace() && !matches!(ch, ',' | ']' | '}' | ':'))
                {
                    self.pos += 1;
                }
                let word: String = self.c[start..self.pos].iter().collect();
                Ok(match word.as_str() {
                    "" => return Err(bad()),
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => number_from_text(&word).map(Value::Number).unwrap_or(Value::String(word)),
                })
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation (mirrors Jayway's PathToken classes)
// ---------------------------------------------------------------------------------------------

/// Why Jayway would throw while evaluating; only raised where Jayway throws, see [`Walk::step`].
#[derive(Debug)]
struct Fail<'a> {
    step: usize,
    kind: FailKind,
    value: &'a Value,
}

#[derive(Debug, PartialEq)]
enum FailKind {
    MissingProperty,
    NotObject,
    ArrayIsNull,
    NotArray,
    /// The one that also fails a filter expression as a whole (Jayway's `InvalidPathException`).
    FilterOnPrimitive,
}

impl Fail<'_> {
    fn message(&self, path: &Compiled, root: char) -> String {
        let prefix = |to: usize| path.fragments(root, 0, to);
        let rest = || path.fragments(root, self.step, path.steps.len());
        let fragment = path.steps.get(self.step).map(Step::fragment).unwrap_or_default();
        match self.kind {
            FailKind::MissingProperty => format!("Missing property in path {}", prefix(self.step + 1)),
            FailKind::NotObject => format!(
                "Expected to find an object with property {fragment} in path {} but found '{}'. This is not a json \
                 object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.",
                prefix(self.step),
                java::json_smart_class(self.value),
            ),
            FailKind::ArrayIsNull => format!("The path {} is null", prefix(self.step)),
            FailKind::NotArray => format!(
                "Filter: {} can only be applied to arrays. Current context is: {}",
                rest(),
                java::json_smart_to_string(self.value)
            ),
            FailKind::FilterOnPrimitive => format!(
                "Filter: {} can not be applied to primitives. Current context is: {}",
                rest(),
                java::json_smart_to_string(self.value)
            ),
        }
    }
}

/// Evaluates `path` from `start`; `root` is what `$` means inside filters. `strict` is Jayway's
/// `REQUIRE_PROPERTIES`, used for existence tests: any missing property fails.
fn run<'a>(
    path: &'a Compiled,
    start: &'a Value,
    root: &'a Value,
    strict: bool,
    out: &mut Vec<Cow<'a, Value>>,
) -> Result<(), Fail<'a>> {
    Walk { path, root, strict, out }.step(0, start)
}

struct Walk<'a, 'o> {
    path: &'a Compiled,
    root: &'a Value,
    strict: bool,
    out: &'o mut Vec<Cow<'a, Value>>,
}

impl<'a> Walk<'a, '_> {
    /// Applies step `i` and the ones after it to `node`. Recursion depth is bounded by the number
    /// of steps; deep scans walk the document with an explicit stack.
    fn step(&mut self, i: usize, node: &'a Value) -> Result<(), Fail<'a>> {
        let steps = &self.path.steps;
        let Some(step) = steps.get(i) else {
            self.out.push(Cow::Borrowed(node));
            return Ok(());
        };
        let upstream_definite = i <= self.path.first_indefinite;
        let leaf = i + 1 == steps.len();
        let fail = |kind| Err(Fail { step: i, kind, value: node });
        let skip_or = |kind| {
            if upstream_definite {
                fail(kind)
            } else {
                Ok(())
            }
        };
        match step {
            Step::Name(name) => match node {
                Value::Object(map) => match map.get(name) {
                    Some(value) => self.step(i + 1, value),
                    // Jayway throws for a missing inner property only when the whole path is definite.
                    None if self.strict || (!leaf && self.path.is_definite()) => fail(FailKind::MissingProperty),
                    None => Ok(()),
                },
                _ => skip_or(FailKind::NotObject),
            },
            Step::Names(names) => {
                let Value::Object(map) = node else {
                    return skip_or(FailKind::NotObject);
                };
                if self.strict && names.iter().any(|n| !map.contains_key(n)) {
                    return fail(FailKind::MissingProperty);
                }
                if leaf {
                    self.out.push(Cow::Owned(Value::Object(merge_names(map, names))));
                    return Ok(());
                }
                for value in names.iter().filter_map(|n| map.get(n)) {
                    self.step(i + 1, value)?;
                }
                Ok(())
            }
            Step::Index(_) | Step::Indexes(_) | Step::Slice(..) => {
                let items = match node {
                    Value::Array(items) => items,
                    Value::Null => return skip_or(FailKind::ArrayIsNull),
                    _ => return skip_or(FailKind::NotArray),
                };
                match step {
                    Step::Index(index) => match array_get(items, *index) {
                        Some(value) => self.step(i + 1, value),
                        None => Ok(()),
                    },
                    Step::Indexes(indexes) => {
                        for value in indexes.iter().filter_map(|&k| array_get(items, k)) {
                            self.step(i + 1, value)?;
                        }
                        Ok(())
                    }
                    Step::Slice(from, to) => {
                        for k in slice_indexes(items.len(), *from, *to) {
                            if let Some(value) = array_get(items, k) {
                                self.step(i + 1, value)?;
                            }
                        }
                        Ok(())
                    }
                    _ => Ok(()),
                }
            }
            Step::Wildcard => {
                match node {
                    Value::Object(map) => map.values().try_for_each(|v| self.step(i + 1, v))?,
                    Value::Array(items) => items.iter().try_for_each(|v| self.step(i + 1, v))?,
                    _ => {}
                }
                Ok(())
            }
            Step::Filter(expr) => match node {
                // Jayway tests an object itself rather than its members.
                Value::Object(_) if self.accepts(expr, node) => self.step(i + 1, node),
                Value::Object(_) => Ok(()),
                Value::Array(items) => {
                    for item in items {
                        if self.accepts(expr, item) {
                            self.step(i + 1, item)?;
                        }
                    }
                    Ok(())
                }
                _ => skip_or(FailKind::FilterOnPrimitive),
            },
            Step::Scan => self.scan(i, node),
        }
    }

    /// `..` followed by step `i + 1`: Jayway's ScanPathToken, pre-order, containers only.
    fn scan(&mut self, i: usize, node: &'a Value) -> Result<(), Fail<'a>> {
        let target = i + 1;
        let Some(step) = self.path.steps.get(target) else {
            return Ok(());
        };
        let target_is_leaf = target + 1 == self.path.steps.len();
        let mut stack = vec![node];
        while let Some(current) = stack.pop() {
            match current {
                Value::Object(map) => {
                    if self.scan_matches(step, target_is_leaf, current) {
                        self.step(target, current)?;
                    }
                    stack.extend(map.values().rev());
                }
                Value::Array(items) => {
                    if self.scan_matches(step, target_is_leaf, current) {
                        if target_is_leaf {
                            self.step(target, current)?;
                        } else {
                            // Jayway skips the target step here and applies the rest to each element.
                            for item in items {
                                self.step(target + 1, item)?;
                            }
                        }
                    }
                    stack.extend(items.iter().rev());
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn scan_matches(&self, step: &'a Step, is_leaf: bool, node: &'a Value) -> bool {
        match step {
            Step::Name(name) => node.as_object().is_some_and(|m| self.strict || m.contains_key(name)),
            Step::Names(names) => {
                node.as_object().is_some_and(|m| self.strict || !is_leaf || names.iter().all(|n| m.contains_key(n)))
            }
            Step::Index(_) | Step::Indexes(_) | Step::Slice(..) => node.is_array(),
            Step::Wildcard => true,
            Step::Filter(expr) => self.accepts(expr, node),
            Step::Scan => false,
        }
    }

    fn accepts(&self, expr: &'a Expr, item: &'a Value) -> bool {
        test(expr, item, self.root).unwrap_or(false)
    }
}

/// Jayway's slice loops. Out-of-range positions are skipped later; negative ones count from the end.
fn slice_indexes(len: usize, from: Option<i64>, to: Option<i64>) -> std::ops::Range<i64> {
    let len = len as i64;
    match (from, to) {
        (Some(from), None) => {
            let from = if from < 0 { (len + from).max(0) } else { from };
            from.min(len)..len
        }
        (Some(from), Some(to)) => {
            let to = to.min(len);
            if from >= to || len == 0 {
                0..0
            } else {
                // Positions below -len find nothing; clamping keeps `[-2147483648:1]` from looping for long.
                from.max(-len)..to
            }
        }
        (None, Some(to)) => {
            let to = if to < 0 { len + to } else { to }.min(len);
            0..to.max(0)
        }
        (None, None) => 0..0,
    }
}

fn array_get(items: &[Value], index: i64) -> Option<&Value> {
    let index = if index < 0 { index.checked_add(items.len() as i64)? } else { index };
    items.get(usize::try_from(index).ok()?)
}

fn merge_names(map: &Map<String, Value>, names: &[String]) -> Map<String, Value> {
    let mut merged = Map::new();
    for name in names {
        if let Some(value) = map.get(name) {
            merged.insert(name.clone(), value.clone());
        }
    }
    merged
}

/// A filter expression was abandoned as a whole (Jayway's `InvalidPathException`): the item is rejected.
struct Abort;

/// A value inside a filter, as Jayway's ValueNode classes see it.
enum Node<'a> {
    Undefined,
    Null,
    Bool(bool),
    Str(&'a str),
    /// A number, and for literals the text Java would print for it.
    Num(Number, Option<&'a str>),
    /// An array or object.
    Json(Cow<'a, Value>),
    /// What an indefinite path found (Jayway treats it as a JSON array).
    List(Vec<Cow<'a, Value>>),
    Pattern(&'a Regex),
}

impl<'a> Node<'a> {
    fn of(value: Cow<'a, Value>) -> Node<'a> {
        match value {
            Cow::Borrowed(value) => Node::of_ref(value),
            Cow::Owned(value) => match value {
                Value::Null => Node::Null,
                Value::Bool(b) => Node::Bool(b),
                Value::Number(n) => Node::Num(n, None),
                // Owned values are built objects; strings never come out owned.
                other => Node::Json(Cow::Owned(other)),
            },
        }
    }

    fn of_ref(value: &'a Value) -> Node<'a> {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Num(n.clone(), None),
            Value::String(s) => Node::Str(s),
            Value::Array(_) | Value::Object(_) => Node::Json(Cow::Borrowed(value)),
        }
    }

    /// Which Jayway class the node is, for `===`.
    fn class(&self) -> u8 {
        match self {
            Node::Undefined => 0,
            Node::Null => 1,
            Node::Bool(_) => 2,
            Node::Str(_) => 3,
            Node::Num(..) => 4,
            Node::Json(_) | Node::List(_) => 5,
            Node::Pattern(_) => 6,
        }
    }

    /// The elements when the node is a JSON array; `None` for anything else.
    fn items(&self) -> Option<Vec<&Value>> {
        match self {
            Node::Json(value) => value.as_array().map(|a| a.iter().collect()),
            Node::List(items) => Some(items.iter().map(|v| v.as_ref()).collect()),
            _ => None,
        }
    }

    fn is_json(&self) -> bool {
        matches!(self, Node::Json(_) | Node::List(_))
    }

    /// The node as one JSON value, for structural equality.
    fn json(&self) -> Option<Cow<'_, Value>> {
        match self {
            Node::Json(value) => Some(Cow::Borrowed(value.as_ref())),
            Node::List(items) => Some(Cow::Owned(Value::Array(items.iter().map(|v| v.as_ref().clone()).collect()))),
            _ => None,
        }
    }
}

fn test<'a>(expr: &'a Expr, item: &'a Value, root: &'a Value) -> Result<bool, Abort> {
    Ok(match expr {
        Expr::Or(a, b) => test(a, item, root)? || test(b, item, root)?,
        Expr::And(a, b) => test(a, item, root)? && test(b, item, root)?,
        Expr::Not(inner) => !test(inner, item, root)?,
        Expr::Exists { path, negate } => {
            let start = if path.from_root { root } else { item };
            let mut out = Vec::new();
            let found = match run(&path.path, start, root, true, &mut out) {
                Ok(()) => !path.path.is_definite() || !out.is_empty(),
                Err(fail) if fail.kind == FailKind::FilterOnPrimitive => return Err(Abort),
                Err(_) => false,
            };
            found != *negate
        }
        Expr::Compare(left, op, right) => {
            let left = operand(left, item, root)?;
            let right = operand(right, item, root)?;
            compare(&left, *op, &right)?
        }
    })
}

fn operand<'a>(operand: &'a Operand, item: &'a Value, root: &'a Value) -> Result<Node<'a>, Abort> {
    Ok(match operand {
        Operand::Literal(value) => Node::of_ref(value),
        Operand::Number(number, java) => Node::Num(number.clone(), Some(java)),
        Operand::Pattern(regex) => Node::Pattern(regex),
        Operand::Path(path) => {
            let start = if path.from_root { root } else { item };
            let mut out = Vec::new();
            match run(&path.path, start, root, false, &mut out) {
                Err(fail) if fail.kind == FailKind::FilterOnPrimitive => return Err(Abort),
                Err(_) => Node::Undefined,
                Ok(()) if !path.path.is_definite() => Node::List(out),
                Ok(()) => out.pop().map(Node::of).unwrap_or(Node::Undefined),
            }
        }
    })
}

fn compare(left: &Node, op: Op, right: &Node) -> Result<bool, Abort> {
    Ok(match op {
        Op::Eq => equals(left, right),
        Op::Ne => !equals(left, right),
        Op::StrictEq => left.class() == right.class() && equals(left, right),
        Op::StrictNe => !(left.class() == right.class() && equals(left, right)),
        Op::Lt => order(left, right).is_some_and(Ordering::is_lt),
        Op::Le => order(left, right).is_some_and(Ordering::is_le),
        Op::Gt => order(left, right).is_some_and(Ordering::is_gt),
        Op::Ge => order(left, right).is_some_and(Ordering::is_ge),
        Op::Regex => match (left, right) {
            (Node::Pattern(re), other) | (other, Node::Pattern(re)) if !matches!(other, Node::Pattern(_)) => {
                match other.items() {
                    Some(items) => items.into_iter().any(|v| re.is_match(&regex_input(&Node::of_ref(v)))),
                    None => re.is_match(&regex_input(other)),
                }
            }
            _ => false,
        },
        Op::In | Op::Nin => {
            let found = match list_operand(right)? {
                Some(items) => items.into_iter().any(|v| equals(left, &Node::of_ref(v))),
                None => false,
            };
            found == (op == Op::In)
        }
        Op::Contains => match (left, right) {
            (Node::Str(text), Node::Str(part)) => text.contains(part),
            _ => left.items().is_some_and(|items| items.into_iter().any(|v| equals(right, &Node::of_ref(v)))),
        },
        Op::Size => {
            let Node::Num(expected, _) = right else {
                return Ok(false);
            };
            let expected = expected.as_f64().map(|f| f.trunc() as i64);
            let actual = match left {
                Node::Str(text) => text.encode_utf16().count() as i64,
                _ if left.is_json() => left.items().map(|items| items.len() as i64).unwrap_or(-1),
                _ => return Ok(false),
            };
            Some(actual) == expected
        }
        Op::Empty => {
            let empty = match left {
                Node::Str(text) => text.is_empty(),
                _ if left.is_json() => match left.json().as_deref() {
                    Some(Value::Array(a)) => a.is_empty(),
                    Some(Value::Object(m)) => m.is_empty(),
                    _ => true,
                },
                _ => return Ok(false),
            };
            match right {
                Node::Bool(wanted) => empty == *wanted,
                _ => return Err(Abort),
            }
        }
        Op::SubsetOf | Op::AnyOf | Op::NoneOf => {
            // Jayway looks at the right side first.
            let Some(rights) = list_operand(right)? else {
                return Ok(false);
            };
            let Some(lefts) = list_operand(left)? else {
                return Ok(false);
            };
            let member = |l: &Value| rights.iter().any(|r| equals(&Node::of_ref(l), &Node::of_ref(r)));
            match op {
                Op::SubsetOf => lefts.iter().all(|l| member(l)),
                Op::AnyOf => lefts.iter().any(|l| member(l)),
                _ => !lefts.iter().any(|l| member(l)),
            }
        }
        Op::Exists => match (left, right) {
            (Node::Bool(a), Node::Bool(b)) => a == b,
            _ => return Err(Abort),
        },
        Op::Unusable => return Err(Abort),
    })
}

/// The elements of a list operand: `Ok(None)` for JSON that is not an array (false), `Err` for a
/// value that is not JSON at all (Jayway gives up on the whole filter).
fn list_operand<'n>(node: &'n Node) -> Result<Option<Vec<&'n Value>>, Abort> {
    if node.is_json() {
        Ok(node.items())
    } else {
        Err(Abort)
    }
}

/// Jayway's `left.equals(right)`: strings and numbers compare across types, the receiver deciding how.
fn equals(left: &Node, right: &Node) -> bool {
    match (left, right) {
        (Node::Str(a), Node::Str(b)) => a == b,
        (Node::Str(a), Node::Num(n, lit)) => *a == number_java_string(n, *lit),
        (Node::Num(a, _), Node::Num(b, _)) => number_cmp(a, b) == Some(Ordering::Equal),
        (Node::Num(a, _), Node::Str(b)) => {
            big_decimal_string(b).is_some()
                && number_from_text(b).is_some_and(|b| number_cmp(a, &b) == Some(Ordering::Equal))
        }
        (Node::Bool(a), Node::Bool(b)) => a == b,
        (Node::Null, Node::Null) => true,
        (l, r) if l.is_json() && r.is_json() => l.json() == r.json(),
        _ => false,
    }
}

/// Order for `<`, `<=`, `>`, `>=`: numbers by value, strings by UTF-16 units, and a string against a
/// number by Java's text of the number.
fn order(left: &Node, right: &Node) -> Option<Ordering> {
    let text_cmp = |a: &str, b: &str| a.encode_utf16().cmp(b.encode_utf16());
    match (left, right) {
        (Node::Num(a, _), Node::Num(b, _)) => number_cmp(a, b),
        (Node::Str(a), Node::Str(b)) => Some(text_cmp(a, b)),
        (Node::Str(a), Node::Num(n, lit)) => Some(text_cmp(a, &number_java_string(n, *lit))),
        (Node::Num(n, lit), Node::Str(b)) => Some(text_cmp(&number_java_string(n, *lit), b)),
        _ => None,
    }
}

fn regex_input(node: &Node) -> String {
    match node {
        Node::Str(s) => s.to_string(),
        Node::Num(n, lit) => number_java_string(n, *lit),
        Node::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers as Jayway compares them (Java's renderings are in `crate::java`)
// ---------------------------------------------------------------------------------------------

fn number_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    let int = |n: &Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    match (int(a), int(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// A number from text that Java's `BigDecimal` accepts.
fn number_from_text(text: &str) -> Option<Number> {
    big_decimal_string(text)?;
    let integral = !text.contains(['.', 'e', 'E']);
    if integral {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::from(i));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Some(Number::from(u));
        }
    }
    Number::from_f64(text.parse::<f64>().ok()?)
}

/// `new BigDecimal(n.toString()).toString()` for a number Jayway read from a document (or the
/// literal's own rendering).
fn number_java_string(n: &Number, literal: Option<&str>) -> String {
    match literal {
        Some(text) => text.to_string(),
        None => java::number_to_big_decimal_string(n),
    }
}

#[cfg(test)]
#[rustfmt::skip]
mod tests {
    use super::*;
    use serde_json::json;

    fn sel(doc: Value, path: &str) -> Option<Value> {
        JsonPath::parse(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .select(&doc)
    }

    fn why(doc: Value, path: &str) -> String {
        JsonPath::parse(path).unwrap().try_select(&doc).unwrap_err()
    }

    fn bad(path: &str) -> bool {
        JsonPath::parse(path).is_err()
    }

    fn asg(mut doc: Value, path: &str, value: Value) -> Result<Value, String> {
        JsonPath::parse(path)
            .unwrap()
            .assign(&mut doc, value)
            .map(|()| doc)
    }

    fn store() -> Value {
        json!({
            "items": [{"k": 0, "tag": "a"}, {"k": 1, "tag": "b"}, {"k": 2}, {"k": 3, "tag": null}],
            "obj": {"x": 1, "y": "two", "z": [1, 2]},
            "min": 1,
            "a-b": 5,
            "é": "accent",
            "a b": 6,
            "nul": null,
            "str": "text"
        })
    }

    #[test]
    fn definite_paths() {
        assert_eq!(sel(store(), "$"), Some(store()));
        assert_eq!(sel(store(), "$.min"), Some(json!(1)));
        assert_eq!(sel(store(), "$.obj.y"), Some(json!("two")));
        assert_eq!(sel(store(), "$.obj.z[1]"), Some(json!(2)));
        assert_eq!(sel(store(), "$.items[1].tag"), Some(json!("b")));
        assert_eq!(sel(store(), "$.items[-1].k"), Some(json!(3)));
        assert_eq!(sel(store(), "$.items[-4].k"), Some(json!(0)));
        assert_eq!(sel(store(), "$.a-b"), Some(json!(5)));
        assert_eq!(sel(store(), "$.é"), Some(json!("accent")));
        assert_eq!(sel(store(), "$['a b']"), Some(json!(6)));
        assert_eq!(sel(store(), "$[\"a b\"]"), Some(json!(6)));
        assert_eq!(sel(store(), "$[ 'obj' ][ 'x' ]"), Some(json!(1)));
        assert_eq!(sel(store(), "$.['obj'].x"), Some(json!(1)));
        assert_eq!(sel(store(), "$['obj']x"), Some(json!(1)));
        assert_eq!(sel(store(), "$.items[ 0 ].k"), Some(json!(0)));
        assert_eq!(sel(store(), "$.items[0,].k"), Some(json!(0)));
        assert_eq!(sel(store(), "$.nul"), Some(json!(null)));
        assert_eq!(sel(store(), "$.items[3].tag"), Some(json!(null)));
        assert_eq!(sel(json!([1, 2, 3]), "$[0]"), Some(json!(1)));
        assert_eq!(sel(json!("s"), "$"), Some(json!("s")));
        assert_eq!(sel(store(), "$.min "), Some(json!(1)));
    }

    #[test]
    fn definite_not_found() {
        assert_eq!(sel(store(), "$.nope"), None);
        assert_eq!(sel(store(), "$.nope.deeper"), None);
        assert_eq!(sel(store(), "$.nul.x"), None);
        assert_eq!(sel(store(), "$.nul[0]"), None);
        assert_eq!(sel(store(), "$.items.k"), None);
        assert_eq!(sel(store(), "$.obj[0]"), None);
        assert_eq!(sel(store(), "$.items['0']"), None);
        assert_eq!(sel(store(), "$.str.length"), None);
        assert_eq!(sel(store(), "$.items[4]"), None);
        assert_eq!(sel(store(), "$.items[-5]"), None);
        assert_eq!(sel(store(), "$.items.length()"), None);
        assert_eq!(sel(store(), "$.obj.z.length()"), None);
        assert_eq!(sel(json!({"length()": 1}), "$.length()"), Some(json!(1)));
        assert_eq!(sel(json!("s"), "$.x"), None);
    }

    #[test]
    fn jayway_messages() {
        assert_eq!(why(json!({"int-literal": 0}), "$.NoSuchInputPath"), "No results for path: $['NoSuchInputPath']");
        assert_eq!(why(json!({}), "$.no.such.result.path"), "Missing property in path $['no']");
        assert_eq!(why(json!({"a": {}}), "$.a.b.c"), "Missing property in path $['a']['b']");
        assert_eq!(why(json!({"a": [1]}), "$.a[5]"), "No results for path: $['a'][5]");
        assert_eq!(why(json!({"b": null}), "$.b[0]"), "The path $['b'] is null");
        assert_eq!(why(json!({"b": "s"}), "$.b[1:]"), "Filter: [1:] can only be applied to arrays. Current context is: s");
        assert_eq!(why(json!({"b": "s"}), "$.b[?(@.x)]"), "Filter: [?] can not be applied to primitives. Current context is: s");
        assert!(why(json!({"a": "s"}), "$.a.b").starts_with("Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.String'"));
        let path = JsonPath::parse("$.items[*].k").unwrap();
        assert_eq!(path.try_select(&store()), Ok(json!([0, 1, 2, 3])));
        assert_eq!(JsonPath::parse("$.min").unwrap().try_select(&store()), Ok(json!(1)));
    }

    #[test]
    fn indefinite_paths() {
        assert_eq!(sel(store(), "$.items[*].k"), Some(json!([0, 1, 2, 3])));
        assert_eq!(sel(store(), "$.items[*].tag"), Some(json!(["a", "b", null])));
        assert_eq!(sel(store(), "$.obj.*"), Some(json!([1, "two", [1, 2]])));
        assert_eq!(sel(store(), "$.obj[*]"), Some(json!([1, "two", [1, 2]])));
        assert_eq!(sel(store(), "$.items[0,2].k"), Some(json!([0, 2])));
        assert_eq!(sel(store(), "$.items[0,9,-1].k"), Some(json!([0, 3])));
        assert_eq!(sel(store(), "$.str[*]"), Some(json!([])));
        assert_eq!(sel(store(), "$.str[*].x"), Some(json!([])));
        assert_eq!(sel(json!({"a": [[1, 2], [3]]}), "$.a[*][1]"), Some(json!([2])));
        assert_eq!(sel(json!({"a": {"b": {"c": 1}}}), "$.a.*.c"), Some(json!([1])));
        assert_eq!(sel(json!({"a": 1}), "$.*"), Some(json!([1])));
        assert_eq!(sel(json!({"a": 1}), "$.*x"), Some(json!([])));
    }

    #[test]
    fn indefinite_on_missing_input_is_empty() {
        // Recorded on AWS: each of these yields [] on an empty input.
        for path in [
            "$.items[*]",
            "$.item.items[*]",
            "$.item.items[1:5]",
            "$.item.items[1:5].itemValue",
            "$.items[1:]",
            "$.items[1:].itemValue",
            "$.item.items[:1]",
            "$[*]",
        ] {
            assert_eq!(sel(json!({}), path), Some(json!([])), "{path}");
        }
        // Jayway throws for a filter applied to a string right under a definite prefix.
        assert_eq!(sel(json!({"b": "s"}), "$.b[?(@.x)]"), Some(json!([])));
    }

    #[test]
    fn slices() {
        let doc = json!({"a": [1, 2, 3, 4]});
        assert_eq!(sel(doc.clone(), "$.a[1:3]"), Some(json!([2, 3])));
        assert_eq!(sel(doc.clone(), "$.a[:2]"), Some(json!([1, 2])));
        assert_eq!(sel(doc.clone(), "$.a[1:]"), Some(json!([2, 3, 4])));
        assert_eq!(sel(doc.clone(), "$.a[-2:]"), Some(json!([3, 4])));
        assert_eq!(sel(doc.clone(), "$.a[-9:]"), Some(json!([1, 2, 3, 4])));
        assert_eq!(sel(doc.clone(), "$.a[:-1]"), Some(json!([1, 2, 3])));
        assert_eq!(sel(doc.clone(), "$.a[:-9]"), Some(json!([])));
        assert_eq!(sel(doc.clone(), "$.a[0:-1]"), Some(json!([])));
        assert_eq!(sel(doc.clone(), "$.a[-3:-1]"), Some(json!([2, 3])));
        assert_eq!(sel(doc.clone(), "$.a[-2147483648:1]"), Some(json!([1, 2, 3, 4, 1])));
        assert_eq!(sel(doc.clone(), "$.a[-5:2]"), Some(json!([1, 2, 3, 4, 1, 2])));
        assert_eq!(sel(doc.clone(), "$.a[1:9]"), Some(json!([2, 3, 4])));
        assert_eq!(sel(doc.clone(), "$.a[2:1]"), Some(json!([])));
        assert_eq!(sel(doc.clone(), "$.a[9:]"), Some(json!([])));
        assert_eq!(sel(doc.clone(), "$.a[1:2:3]"), Some(json!([2])));
        assert_eq!(sel(doc.clone(), "$.a[ 1 : 2 ]"), Some(json!([2])));
        assert_eq!(sel(json!({"a": []}), "$.a[:1]"), Some(json!([])));
        assert_eq!(sel(json!({"a": {"x": 1}}), "$.z.a[1:]"), Some(json!([])));
    }

    #[test]
    fn name_lists() {
        let doc = json!({"a": {"b": 1, "x": 2, "c": 3}, "l": [{"b": 1}, {"b": 2}, {"c": 1}, 5]});
        assert_eq!(sel(doc.clone(), "$.a['b','x']"), Some(json!({"b": 1, "x": 2})));
        assert_eq!(sel(doc.clone(), "$.a['x','b']"), Some(json!({"x": 2, "b": 1})));
        assert_eq!(sel(doc.clone(), "$.a['b','nope']"), Some(json!({"b": 1})));
        assert_eq!(sel(doc.clone(), "$.a['p','q']"), Some(json!({})));
        assert_eq!(sel(doc.clone(), "$.l['b','c']"), None);
        assert_eq!(sel(doc.clone(), "$.l[*]['b','c']"), Some(json!([{"b": 1}, {"b": 2}, {"c": 1}])));
        assert_eq!(sel(doc.clone(), "$['a','l'].b"), Some(json!([1])));
        assert_eq!(sel(doc.clone(), "$[ 'a' , 'l' ][0]"), Some(json!([{"b": 1}])));
        let path = JsonPath::parse("$.a['b','x']").unwrap();
        assert!(path.is_definite() && !path.is_reference());
        assert_eq!(path.select_ref(&doc), None);
        assert!(!JsonPath::parse("$['a','l'].b").unwrap().is_definite());
    }

    #[test]
    fn quoted_names_are_literal() {
        // Recorded on AWS: the backslash stays part of the key.
        let doc = json!({"Test\\\"\"Name\"": "Value\"\\"});
        assert_eq!(sel(doc, r#"$['Test\""Name"']"#), Some(json!("Value\"\\")));
        assert_eq!(sel(json!({"a\\'b": 1}), r"$['a\'b']"), Some(json!(1)));
        assert_eq!(sel(json!({"a]b": 1, "c.d": 2}), "$['a]b']"), Some(json!(1)));
        assert_eq!(sel(json!({"a]b": 1, "c.d": 2}), "$['c.d']"), Some(json!(2)));
        assert_eq!(sel(json!({"it's": 1}), "$[\"it's\"]"), Some(json!(1)));
    }

    #[test]
    fn deep_scan() {
        let doc = json!({"a": [{"x": 1}, {"x": 2}], "b": {"x": 3}});
        assert_eq!(sel(doc.clone(), "$..x"), Some(json!([1, 2, 3])));
        assert_eq!(sel(doc.clone(), "$.a..x"), Some(json!([1, 2])));
        assert_eq!(sel(doc.clone(), "$..[0]"), Some(json!([{"x": 1}])));
        // Jayway quirk: for an array, `..[0].x` applies `.x` to every element.
        assert_eq!(sel(doc.clone(), "$..[0].x"), Some(json!([1, 2])));
        assert_eq!(sel(doc.clone(), "$..*"), Some(json!([[{"x": 1}, {"x": 2}], {"x": 3}, {"x": 1}, {"x": 2}, 1, 2, 3])));
        assert_eq!(sel(doc.clone(), "$..[?(@.x)]"), Some(json!([{"x": 1}, {"x": 2}, {"x": 3}])));
        assert_eq!(sel(doc.clone(), "$..[?(@.x)].x"), Some(json!([1, 2, 3])));
        assert_eq!(sel(json!({"a": [[1, 2], [3, 4]]}), "$..[1]"), Some(json!([[3, 4], 2, 4])));
        assert_eq!(sel(json!({"a": [[1, 2], [3, 4]]}), "$..[0:1]"), Some(json!([[1, 2], 1, 3])));
        assert_eq!(sel( json!({"b": {"x": 3, "y": 4}, "c": {"x": 5}}), "$..['x','y']" ), Some(json!([{"x": 3, "y": 4}])));
        assert_eq!(sel(json!({"a": 1}), "$..a"), Some(json!([1])));
        assert_eq!(sel(json!({"a": [1, 2, 3]}), "$..length()"), Some(json!([])));
        assert_eq!(sel(json!(5), "$..x"), Some(json!([])));
    }

    #[test]
    fn filters_basic() {
        let users = json!({"users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}]});
        assert_eq!(sel(users, "$.users[?(@.status == 0)]"), Some(json!([{"year": 1997, "status": 0}])));
        let doc = json!({"a": [{"x": 1, "y": 2}, {"x": 3}, {"y": 4}, {"x": null}, {"x": "1"}, {"x": 1.0}]});
        assert_eq!(sel(doc.clone(), "$.a[?(@.x == 1)].y"), Some(json!([2])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x == 1)]"), Some(json!([{"x": 1, "y": 2}, {"x": "1"}, {"x": 1.0}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x === 1)]"), Some(json!([{"x": 1, "y": 2}, {"x": 1.0}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x > 1)]"), Some(json!([{"x": 3}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x>=3)]"), Some(json!([{"x": 3}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x < 3 && @.y)]"), Some(json!([{"x": 1, "y": 2}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x == 3 || @.y == 4)]"), Some(json!([{"x": 3}, {"y": 4}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x)]").map(|v| v.as_array().unwrap().len()), Some(5));
        assert_eq!(sel(doc.clone(), "$.a[?(!@.x)]"), Some(json!([{"y": 4}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.x == null)]"), Some(json!([{"x": null}])));
        assert_eq!(sel(doc.clone(), "$.a[?(@.y != 2)]"), Some(json!([{"x": 3}, {"y": 4}, {"x": null}, {"x": "1"}, {"x": 1.0}])));
        assert_eq!(sel(doc.clone(), "$.a[?(!(@.x == 1))].y"), Some(json!([4])));
        assert_eq!(sel(doc.clone(), "$.a[?((@.x == 3 || @.y == 2) && @.x > 0)]"), Some(json!([{"x": 1, "y": 2}, {"x": 3}])));
        assert_eq!(sel(doc, "$.a[?(@.x == 1 || @.x == 3 && @.y)]"), Some(json!([{"x": 1, "y": 2}, {"x": "1"}, {"x": 1.0}])));
    }

    #[test]
    fn filters_values() {
        let nums = json!({"a": [1, 2, 3]});
        assert_eq!(sel(nums.clone(), "$.a[?(@ > 1)]"), Some(json!([2, 3])));
        assert_eq!(sel(nums.clone(), "$.a[?(@==2)]"), Some(json!([2])));
        assert_eq!(sel(nums.clone(), "$.a[?(@ == 1 || @ == 2 && @ == 3)]"), Some(json!([1])));
        assert_eq!(sel(nums.clone(), "$.a[?(@.x)]"), Some(json!([])));
        assert_eq!(sel(nums, "$.a[?(@)]"), Some(json!([1, 2, 3])));
        let doc =
            json!({"l": [{"x": "10"}, {"x": 9}, {"x": "b"}, {"x": true}, {"x": [1]}], "m": 9});
        assert_eq!(sel(doc.clone(), "$.l[?(@.x < '9')].x"), Some(json!(["10"])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x < 9)].x"), Some(json!(["10"])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x == \"b\")].x"), Some(json!(["b"])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x == 'b')].x"), Some(json!(["b"])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x == true)].x"), Some(json!([true])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x == [1])].x"), Some(json!([[1]])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x == $.m)].x"), Some(json!([9])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x >= $.m)].x"), Some(json!([9, "b"])));
        assert_eq!(sel(doc.clone(), "$.l[?(@.x == -9)].x"), Some(json!([])));
        assert_eq!(sel( json!({"l": [{"x": 1e20}, {"x": 0.5}]}), "$.l[?(@.x > 1E+19)].x" ), Some(json!([1e20])));
        assert_eq!(sel( json!({"l": [{"x": "1.0"}, {"x": 1.0}]}), "$.l[?(@.x == 1)].x" ), Some(json!([1.0])));
        assert_eq!(sel( json!({"l": [{"x": "1.0"}, {"x": 1.0}]}), "$.l[?(@.x == '1')].x" ), Some(json!([1.0])));
        assert_eq!(sel(json!({"l": [{"x": "1.50"}]}), "$.l[?(@.x == 1.50)].x"), Some(json!(["1.50"])));
        assert_eq!(sel(json!({"l": [{"x": "it's"}]}), r"$.l[?(@.x == 'it\'s')].x"), Some(json!(["it's"])));
        assert_eq!(sel(json!({"l": [{"x": "a\nb"}]}), r"$.l[?(@.x == 'a\nb')].x"), Some(json!(["a\nb"])));
    }

    #[test]
    fn filter_on_object_tests_object() {
        let doc = json!({"obj": {"x": 1}, "b": {"x": 3}});
        assert_eq!(sel(doc.clone(), "$.obj[?(@.x == 1)]"), Some(json!([{"x": 1}])));
        assert_eq!(sel(doc.clone(), "$.obj[?(@.x == 2)]"), Some(json!([])));
        assert_eq!(sel(doc.clone(), "$.b[?(@.x == 3)].x"), Some(json!([3])));
        assert_eq!(sel(doc, "$[?(@.obj)].b.x"), Some(json!([3])));
    }

    #[test]
    fn filter_operators() {
        let doc = json!({"l": [
            {"n": "a", "x": 1, "t": [1, 2], "s": "abc"},
            {"n": "b", "x": 3, "t": [3], "s": ""},
            {"n": "c", "x": "1", "t": [], "s": "xyz"},
            {"n": "d"}
        ]});
        let names = |path: &str| sel(doc.clone(), path);
        assert_eq!(names("$.l[?(@.x in [1,2])].n"), Some(json!(["a", "c"])));
        assert_eq!(names("$.l[?(@.n in ['a','d'])].n"), Some(json!(["a", "d"])));
        assert_eq!(names("$.l[?(@.n IN [\"b\"])].n"), Some(json!(["b"])));
        assert_eq!(names("$.l[?(@.x nin [1,2])].n"), Some(json!(["b", "d"])));
        assert_eq!(names("$.l[?(@.x in 'abc')].n"), Some(json!([])));
        assert_eq!(names("$.l[?(@.x nin 'abc')].n"), Some(json!([])));
        assert_eq!(names("$.l[?(@.t contains 1)].n"), Some(json!(["a"])));
        assert_eq!(names("$.l[?(@.s contains 'b')].n"), Some(json!(["a"])));
        assert_eq!(names("$.l[?(@.t size 1)].n"), Some(json!(["b"])));
        assert_eq!(names("$.l[?(@.s size 3)].n"), Some(json!(["a", "c"])));
        assert_eq!(names("$.l[?(@.t empty true)].n"), Some(json!(["c"])));
        assert_eq!(names("$.l[?(@.s empty false)].n"), Some(json!(["a", "c"])));
        assert_eq!(names("$.l[?(@.t subsetof [1,2,3])].n"), Some(json!(["a", "b", "c"])));
        assert_eq!(names("$.l[?(@.t anyof [2,3])].n"), Some(json!(["a", "b"])));
        assert_eq!(names("$.l[?(@.t noneof [2])].n"), Some(json!(["b", "c"])));
        assert_eq!(names("$.l[?(@.s =~ /a.*/)].n"), Some(json!(["a"])));
        assert_eq!(names("$.l[?(@.s =~ /b/)].n"), Some(json!([])));
        assert_eq!(names("$.l[?(@.s =~ /ABC/i)].n"), Some(json!(["a"])));
        assert_eq!(names("$.l[?(@.x =~ /\\d+/)].n"), Some(json!(["a", "b", "c"])));
        assert_eq!(names("$.l[?(@.n =~ /a|d/)].n"), Some(json!(["a", "d"])));
        assert_eq!(names("$.l[?(@.t all [1])].n"), Some(json!([])));
        assert_eq!(names("$.l[?(@.x !== 1)].n"), Some(json!(["b", "c", "d"])));
        assert_eq!(names("$.l[?(@.x != 1)].n"), Some(json!(["b", "d"])));
    }

    #[test]
    fn filter_syntax_errors() {
        assert!(bad("$.a[?(@.x ==)]"));
        assert!(bad("$.a[?(@.x == 1]"));
        assert!(bad("$.a[?(@.x <> 1)]"));
        assert!(bad("$.a[?(@.x foo 1)]"));
        assert!(bad("$.a[?(1)]"));
        assert!(bad("$.a[?(@.x == 'a)]"));
        assert!(bad("$.a[?(@.x =~ /(/)]"));
        assert!(bad("$.a[?(@.x =~ /a)(b/)]"));
        assert!(bad("$.a[?(@.x == tru)]"));
        assert!(bad("$.a[?(@.x == 1.2.3)]"));
        assert!(bad("$.a[?(@.x)] x"));
        assert!(bad("$.a[?]"));
        assert!(bad("$.a[?(@.x) && (@.y)]"));
        assert!(!bad("$.a[?(@.x && @.y)]"));
        assert!(!bad("$.a[?( @.x == 1 )]"));
        assert!(!bad("$.a[ ?(@.x == 1) ]"));
    }

    #[test]
    fn syntax_errors() {
        for path in [
            "",
            "a",
            "$a",
            "$.",
            "$..",
            "$.a.",
            "$.a b",
            "$[",
            "$[]",
            "$['a'",
            "$['a',]",
            "$['a',,'b']",
            "$['a' 'b']",
            "$[a]",
            "$[0",
            "$[:]",
            "$[1-2]",
            "$[*",
            "$[* 1]",
            "$...a",
            "$$$",
            "$x.y",
            "$[9999999999]",
            "$. a",
        ] {
            assert!(bad(path), "{path:?} should not parse");
        }
    }

    #[test]
    fn properties() {
        let p = |t: &str| JsonPath::parse(t).unwrap();
        assert!(p("$").is_definite() && p("$").is_reference());
        assert!(p("$.a.b[0]").is_definite() && p("$.a.b[0]").is_reference());
        assert!(p("$['a b'][2]").is_reference());
        assert!(p("$.a[-1]").is_definite() && !p("$.a[-1]").is_reference());
        for t in [
            "$.a[*]",
            "$..a",
            "$.a[0,1]",
            "$.a[1:]",
            "$.a[?(@.x)]",
            "$.*",
            "$['a','b'].c",
        ] {
            assert!(!p(t).is_definite() && !p(t).is_reference(), "{t}");
        }
        assert!(p("$$.Execution.Id").is_context() && !p("$.a").is_context());
        assert_eq!(p("$$.Execution.Id").text(), "$$.Execution.Id");
        assert_eq!(p("$$.Execution.Id").select(&json!({"Execution": {"Id": "x"}})), Some(json!("x")));
        assert_eq!(p("$$").select(&json!(1)), Some(json!(1)));
        assert_eq!(p("$.a"), p("$.a"));
        assert_ne!(p("$.a"), p("$.b"));
    }

    #[test]
    fn variables() {
        let v = JsonPath::parse_variable("$order.items[0]").unwrap();
        assert_eq!(v.variable(), Some("order"));
        assert_eq!(v.text(), "$order.items[0]");
        assert_eq!(v.select(&json!({"items": [7]})), Some(json!(7)));
        assert_eq!(JsonPath::parse_variable("$x").unwrap().select(&json!(3)), Some(json!(3)));
        assert!(JsonPath::parse_variable("$.x").is_err());
        assert!(JsonPath::parse_variable("$x y").is_err());
        assert!(JsonPath::parse("$x").is_err());
    }

    #[test]
    fn select_ref_borrows() {
        let doc = store();
        let path = JsonPath::parse("$.obj.z").unwrap();
        assert!(std::ptr::eq(path.select_ref(&doc).unwrap(), &doc["obj"]["z"]));
        assert_eq!(JsonPath::parse("$.items[*]").unwrap().select_ref(&doc), None);
        assert_eq!(JsonPath::parse("$.nope").unwrap().select_ref(&doc), None);
    }

    #[test]
    fn assign_writes() {
        assert_eq!(asg(json!({"a": 1}), "$", json!(2)), Ok(json!(2)));
        assert_eq!(asg(json!("s"), "$", json!({"r": 1})), Ok(json!({"r": 1})));
        assert_eq!(asg(json!({"a": 1}), "$.b", json!(2)), Ok(json!({"a": 1, "b": 2})));
        assert_eq!(asg(json!({}), "$.a.b.c", json!(1)), Ok(json!({"a": {"b": {"c": 1}}})));
        assert_eq!(asg(json!({"a": {"x": 0}}), "$.a.b", json!(1)), Ok(json!({"a": {"x": 0, "b": 1}})));
        assert_eq!(asg(json!({"l": [1, 2]}), "$.l[1]", json!(9)), Ok(json!({"l": [1, 9]})));
        assert_eq!(asg(json!({"l": [{"a": 1}]}), "$.l[0].b", json!(2)), Ok(json!({"l": [{"a": 1, "b": 2}]})));
        assert_eq!(asg(json!({"a b": {}}), "$['a b'].c", json!(1)), Ok(json!({"a b": {"c": 1}})));
        assert_eq!(asg(json!({"a": 1}), "$$.a", json!(2)), Ok(json!({"a": 2})));
    }

    #[test]
    fn assign_keeps_key_order() {
        let out = asg(json!({"a": 1, "b": 2, "c": 3}), "$.b", json!("new")).unwrap();
        assert_eq!(serde_json::to_string(&out).unwrap(), r#"{"a":1,"b":"new","c":3}"#);
        let out = asg(json!({"z": 1, "a": 2}), "$.m", json!(0)).unwrap();
        assert_eq!(serde_json::to_string(&out).unwrap(), r#"{"z":1,"a":2,"m":0}"#);
    }

    #[test]
    fn assign_failures_leave_input_alone() {
        assert!(asg(json!("s"), "$.x", json!(1)).is_err());
        assert!(asg(json!({"a": "s"}), "$.a.b", json!(1)).is_err());
        assert!(asg(json!({"a": 5}), "$.a.b.c", json!(1)).is_err());
        assert!(asg(json!({"a": null}), "$.a.b", json!(1)).is_err());
        assert!(asg(json!({"a": [1]}), "$.a.b", json!(1)).is_err());
        assert!(asg(json!({"a": [1]}), "$.a[1]", json!(1)).is_err());
        assert!(asg(json!({"a": {}}), "$.a[0]", json!(1)).is_err());
        assert!(asg(json!({}), "$.a[*]", json!(1)).is_err());
        assert!(asg(json!({}), "$.a[-1]", json!(1)).is_err());
        assert!(asg(json!({}), "$..a", json!(1)).is_err());
        let mut doc = json!({"keep": 1});
        assert!(JsonPath::parse("$.x.y[0]")
            .unwrap()
            .assign(&mut doc, json!(1))
            .is_err());
        assert_eq!(doc, json!({"keep": 1}));
    }

    #[test]
    fn deep_documents_do_not_overflow() {
        let mut doc = json!({"x": 1});
        for _ in 0..20_000 {
            doc = Value::Array(vec![doc]);
        }
        let path = JsonPath::parse("$..x").unwrap();
        assert_eq!(path.select(&doc), Some(json!([1])));
        assert_eq!(JsonPath::parse("$..[?(@.x)]").unwrap().select(&doc), Some(json!([{"x": 1}])));
        // Take the document apart iteratively: serde_json drops nested values recursively.
        let mut stack = vec![doc];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
                _ => {}
            }
        }
    }

    #[test]
    fn nesting_limits() {
        let deep = format!("$.a[?({}@.x{})]", "(".repeat(10_000), ")".repeat(10_000));
        assert!(bad(&deep));
        let nots = format!("$.a[?({}(@.x))]", "!".repeat(10_000));
        assert!(bad(&nots));
        let json = format!("$.a[?(@.x in {}{})]", "[".repeat(10_000), "]".repeat(10_000));
        assert!(bad(&json));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let alphabet: Vec<char> = "$@.[]()?*:,'\"\\ -01a=!<>~&|/{}$é".chars().collect();
        let doc = json!({"a": [1, {"a": [2, "x"]}, null], "0": {"a": 1}});
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..40_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 14) as usize;
            let mut text = String::from("$");
            let mut s = seed;
            for _ in 0..len {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(s >> 33) as usize % alphabet.len()]);
            }
            if let Ok(path) = JsonPath::parse(&text) {
                let _ = path.select(&doc);
                let _ = path.try_select(&doc);
                let _ = path.select_ref(&doc);
                let mut copy = doc.clone();
                let _ = path.assign(&mut copy, json!(1));
            }
        }
    }
}
