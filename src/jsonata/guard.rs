//! Guards for the built-in functions that can build a huge value in one call, before the
//! evaluation's next step could stop it: `$pad` (a width of 9e18), `$string` and `&` (a value that
//! repeats one large part many times), `$join`, `$replace` and `$distinct` (quadratic time), and
//! the bounds of a range (`[0..1e60]`), which jsonata-core's arithmetic cannot take, and
//! date/time pictures whose component is not ASCII, which its picture parser cannot.
//!
//! At load, each such call gets its arguments wrapped in a host function that passes them
//! through unchanged after checking what the call will build against the evaluation's budgets
//! ([`super::Limits`]); past one, the evaluation ends with the budget's error. The wrapped call is
//! otherwise the same call, so its results and error messages do not change. A guard's name has a
//! space, so no expression can spell it. (Calls through a function value, such as
//! `$map(list, $string)`, are not wrapped; the allocation meter still stops what follows them.)

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::ast::{AstNode, BinaryOp};
use jsonata_core::evaluator::{Evaluator, EvaluatorError};
use jsonata_core::value::JValue;

use super::syntax::children_mut;
use super::Limits;
use crate::meter::{self, Trip};

const WIDTH: &str = "aws guard width";
const TEXT: &str = "aws guard text";
const JOIN: &str = "aws guard join";
const PUSH: &str = "aws guard push";
const PATTERN: &str = "aws guard pattern";
const JOIN_SEPARATOR: &str = "aws guard join separator";
const REPLACEMENT: &str = "aws guard replacement";
const DISTINCT: &str = "aws guard distinct";
const RANGE_BOUND: &str = "aws guard range bound";
const PICTURE: &str = "aws guard date picture";

/// The message of a guard's error; the evaluation reports the budget instead.
const OVER_BUDGET: &str = "U9001: over the simulator's budget";

/// Wraps the arguments of the guarded calls below `node`.
pub(super) fn add_guards(node: &mut AstNode) {
    // An explicit stack: expressions may nest deeply.
    let mut todo = vec![node];
    while let Some(node) = todo.pop() {
        guard_node(node);
        todo.extend(children_mut(node));
    }
}

fn guard_node(node: &mut AstNode) {
    match node {
        AstNode::Function { name, args, .. } => {
            if args.iter().any(|a| matches!(a, AstNode::Placeholder)) {
                return;
            }
            let wraps: &[(usize, &str)] = match (name.trim_start_matches('$'), args.len()) {
                ("pad", 2..) => &[(1, WIDTH)],
                ("string", 1..) => &[(0, TEXT)],
                ("join", 1) => &[(0, JOIN)],
                ("join", 2..) => &[(0, PUSH), (1, JOIN_SEPARATOR)],
                ("replace", 3..) => &[(0, PUSH), (1, PATTERN), (2, REPLACEMENT)],
                ("distinct", 1..) => &[(0, DISTINCT)],
                ("fromMillis" | "toMillis", 2..) => &[(1, PICTURE)],
                ("now", 1..) => &[(0, PICTURE)],
                _ => &[],
            };
            for (i, guard) in wraps {
                wrap(&mut args[*i], guard);
            }
        }
        AstNode::Binary { op: BinaryOp::Concatenate, lhs, rhs } => {
            wrap(lhs, TEXT);
            wrap(rhs, TEXT);
        }
        AstNode::Binary { op: BinaryOp::Range, lhs, rhs } => {
            wrap(lhs, RANGE_BOUND);
            wrap(rhs, RANGE_BOUND);
        }
        _ => {}
    }
}

fn wrap(arg: &mut AstNode, guard: &str) {
    let inner = std::mem::replace(arg, AstNode::Null);
    *arg = AstNode::Function { name: guard.to_string(), args: vec![inner], is_builtin: false };
}

/// What a guarded call with several arguments has seen so far: its text and its pattern.
#[derive(Default)]
struct Pending {
    text: Option<JValue>,
    pattern: Option<JValue>,
}

/// Registers the guards of one evaluation, with its budgets.
pub(super) fn register_guards(ev: &mut Evaluator, limits: Limits) {
    // The longest string a call may build, so that what later calls make of it stays bounded.
    let max_text = (limits.memory / 16).max(1024);
    let max_pairs = limits.fuel.saturating_mul(20);
    let stack: Rc<RefCell<Vec<Pending>>> = Rc::default();
    let (s1, s2, s3, s4) = (stack.clone(), stack.clone(), stack.clone(), stack);
    let _ = ev.register_fn(WIDTH, move |a: &[JValue]| {
        let v = first(a);
        match v {
            JValue::Number(n) if n.abs() >= (max_text / 4) as f64 => over(Trip::Memory),
            _ => Ok(v),
        }
    });
    let _ = ev.register_fn(TEXT, move |a: &[JValue]| {
        let v = first(a);
        check(text_size(&v, max_text) <= max_text, v)
    });
    let _ = ev.register_fn(JOIN, move |a: &[JValue]| {
        let v = first(a);
        check(items_length(&v) <= max_text, v)
    });
    let _ = ev.register_fn(PUSH, move |a: &[JValue]| {
        let v = first(a);
        s1.borrow_mut().push(Pending { text: Some(v.clone()), pattern: None });
        Ok(v)
    });
    let _ = ev.register_fn(PATTERN, move |a: &[JValue]| {
        let v = first(a);
        if let Some(p) = s2.borrow_mut().last_mut() {
            p.pattern = Some(v.clone());
        }
        Ok(v)
    });
    let _ = ev.register_fn(JOIN_SEPARATOR, move |a: &[JValue]| {
        let v = first(a);
        let list = s3.borrow_mut().pop().and_then(|p| p.text).unwrap_or(JValue::Undefined);
        let separator = match &v {
            JValue::String(s) => s.len(),
            _ => 0,
        };
        let count = match &list {
            JValue::Array(items) => items.len(),
            _ => 1,
        };
        let size = items_length(&list).saturating_add(count.saturating_mul(separator));
        check(size <= max_text, v)
    });
    let _ = ev.register_fn(REPLACEMENT, move |a: &[JValue]| {
        let v = first(a);
        let pending = s4.borrow_mut().pop().unwrap_or_default();
        let (Some(JValue::String(text)), JValue::String(replacement)) = (pending.text, &v) else { return Ok(v) };
        if replacement.len() <= 1 || text.len().saturating_mul(replacement.len()) <= max_text {
            return Ok(v);
        }
        let matches = match pending.pattern {
            Some(JValue::String(p)) if !p.is_empty() => text.matches(&*p).count(),
            Some(JValue::Regex { pattern, flags }) => regex_matches(&text, &pattern, &flags),
            _ => 0,
        };
        check(text.len().saturating_add(matches.saturating_mul(replacement.len())) <= max_text, v)
    });
    // jsonata-core computes a range's size as `end - start + 1` in i64, which overflows (a panic in
    // a debug build) for bounds such as 1e60 (found by the `jsonata` fuzz target). Past 2^53 a
    // bound is as good as 2^53: the range is too long either way (D2014, as AWS).
    let _ = ev.register_fn(RANGE_BOUND, |a: &[JValue]| {
        const LARGEST: f64 = 9_007_199_254_740_992.0;
        Ok(match first(a) {
            JValue::Number(n) if n.fract() == 0.0 && n.abs() > LARGEST => JValue::Number(LARGEST.copysign(n)),
            v => v,
        })
    });
    // jsonata-core slices a date/time picture's component marker (`[Y]`) after its first byte,
    // and before its last comma, which panics when that character is not ASCII or that comma is
    // first (found by the `jsonata` fuzz target). A component is a letter: any other marker gets
    // the error an unknown component gets, before jsonata-core reads it.
    // A marker's width modifier (`[Y,4-6]`) pads to as many characters as it says: one past the
    // text budget goes over it before jsonata-core allocates the padding (a width of 10^27 ran a
    // fuzz run out of memory).
    let _ = ev.register_fn(PICTURE, move |a: &[JValue]| {
        let v = first(a);
        if let JValue::String(picture) = &v {
            if let Some(c) = unknown_component(picture) {
                return Err(EvaluatorError::EvaluationError(format!("D3132: {c}")));
            }
            if widest_width(picture) > max_text as u64 {
                return over(Trip::Memory);
            }
        }
        Ok(v)
    });
    let _ = ev.register_fn(DISTINCT, move |a: &[JValue]| {
        let v = first(a);
        let n = match &v {
            JValue::Array(items) => items.len() as u64,
            _ => 0,
        };
        if n.saturating_mul(n) / 2 > max_pairs {
            return over(Trip::Fuel);
        }
        Ok(v)
    });
}

fn first(a: &[JValue]) -> JValue {
    a.first().cloned().unwrap_or(JValue::Undefined)
}

fn check(ok: bool, v: JValue) -> Result<JValue, EvaluatorError> {
    if ok {
        Ok(v)
    } else {
        over(Trip::Memory)
    }
}

fn over(which: Trip) -> Result<JValue, EvaluatorError> {
    meter::trip(which);
    Err(EvaluatorError::EvaluationError(OVER_BUDGET.to_string()))
}

/// The component of the first marker of a date/time picture whose component (its first character
/// after `[`, spaces aside) is not an ASCII letter.
fn unknown_component(picture: &str) -> Option<char> {
    let mut chars = picture.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '[' {
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            continue;
        }
        let component = chars.by_ref().take_while(|c| *c != ']').find(|c| !c.is_whitespace());
        if let Some(c) = component.filter(|c| !c.is_ascii_alphabetic()) {
            return Some(c);
        }
    }
    None
}

/// The largest number in the width modifiers (after a marker's last comma) of a date/time
/// picture's markers, saturating.
fn widest_width(picture: &str) -> u64 {
    let mut widest = 0u64;
    for marker in picture.split('[').skip(1) {
        let inside = marker.split(']').next().unwrap_or_default();
        let Some((_, width)) = inside.rsplit_once(',') else { continue };
        for digits in width.split(|c: char| !c.is_ascii_digit()) {
            let n = digits.bytes().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')));
            widest = widest.max(n);
        }
    }
    widest
}

/// Whether an evaluation error is a guard's (the budget is then reported instead).
pub(super) fn is_over_budget(message: &str) -> bool {
    message.contains(OVER_BUDGET)
}

/// How many matches of a JSONata regex the text has, as `$replace` will find them (0 when the
/// pattern is not one the `regex` crate reads: the call then goes unguarded).
fn regex_matches(text: &str, pattern: &str, flags: &str) -> usize {
    let mut builder = regex::RegexBuilder::new(pattern);
    builder.case_insensitive(flags.contains('i')).multi_line(flags.contains('m'));
    builder.build().map_or(0, |re| re.find_iter(text).count())
}

/// The length of the strings of a list (or of one string), as `$join` concatenates them.
fn items_length(v: &JValue) -> usize {
    match v {
        JValue::String(s) => s.len(),
        JValue::Array(items) => items.iter().map(|i| if let JValue::String(s) = i { s.len() } else { 0 }).sum(),
        _ => 0,
    }
}

/// An upper bound of the length of a value's JSON text, indented (`$string(v, true)`) or not, or
/// a number past `limit` once it passes it: a value may repeat one part many times, so the walk
/// stops early rather than visit every repetition.
fn text_size(v: &JValue, limit: usize) -> usize {
    let mut todo: Vec<(&JValue, usize)> = vec![(v, 0)];
    let mut size = 0usize;
    while let Some((v, depth)) = todo.pop() {
        // Indentation and separators, and the value itself.
        size = size.saturating_add(2 + 2 * depth);
        match v {
            JValue::String(s) => size = size.saturating_add(s.len() * 2),
            JValue::Number(_) => size = size.saturating_add(24),
            JValue::Array(items) => todo.extend(items.iter().map(|i| (i, depth + 1))),
            JValue::Object(map) => {
                for (k, item) in map.iter() {
                    size = size.saturating_add(k.len() * 2 + 4);
                    todo.push((item, depth + 1));
                }
            }
            _ => size = size.saturating_add(8),
        }
        if size > limit {
            return size;
        }
    }
    size
}
