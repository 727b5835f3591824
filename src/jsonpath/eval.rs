//! Evaluating paths and filters against a document, as Jayway's `PathToken` classes do.

use std::borrow::Cow;
use std::cmp::Ordering;

use regex_lite::Regex;
use serde_json::{Map, Number, Value};

use super::filter::{Expr, Op, Operand};
use super::{Compiled, Step};
use crate::java::{self, big_decimal_string};

/// Why Jayway would throw while evaluating; only raised where Jayway throws, see [`Walk::step`].
#[derive(Debug)]
pub(super) struct Fail<'a> {
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
    pub(super) fn message(&self, path: &Compiled, root: char) -> String {
        let prefix = |to: usize| path.fragments(root, 0, to);
        // Jayway names the failing token and those after it, never the root `$` (its own token).
        let rest = || path.steps[self.step.min(path.steps.len())..].iter().map(Step::fragment).collect::<String>();
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
pub(super) fn run<'a>(
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
                Value::Object(map) => match super::field(map, name) {
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

pub(super) fn array_get(items: &[Value], index: i64) -> Option<&Value> {
    let index = if index < 0 { index.checked_add(items.len() as i64)? } else { index };
    items.get(usize::try_from(index).ok()?)
}

pub(super) fn merge_names(map: &Map<String, Value>, names: &[String]) -> Map<String, Value> {
    let mut merged = Map::new();
    for name in names {
        if let Some(value) = super::field(map, name) {
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
        Expr::Or(terms) => {
            for t in terms {
                if test(t, item, root)? {
                    return Ok(true);
                }
            }
            false
        }
        Expr::And(terms) => {
            for t in terms {
                if !test(t, item, root)? {
                    return Ok(false);
                }
            }
            true
        }
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
    let text_cmp = crate::java::compare_strings;
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

fn number_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    let int = |n: &Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    match (int(a), int(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// A number from text that Java's `BigDecimal` accepts.
pub(super) fn number_from_text(text: &str) -> Option<Number> {
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
