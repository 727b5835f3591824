//! Choice rules in JSONPath mode: comparison operators, `*Path` operands, `Is*` tests, `And`/`Or`/`Not`.

use std::cmp::Ordering;

use serde_json::Value;

use crate::jsonpath::JsonPath;
use crate::model::parse_timestamp;

/// A parsed Choice rule.
#[derive(Debug, Clone)]
pub enum ChoiceRule {
    /// `And`: true when every rule in it is true.
    And(Vec<ChoiceRule>),
    /// `Or`: true when any rule in it is true.
    Or(Vec<ChoiceRule>),
    /// `Not`: true when its rule is false.
    Not(Box<ChoiceRule>),
    /// A comparison, such as `{"Variable": "$.n", "NumericLessThanPath": "$.max"}`.
    Compare {
        /// The `Variable` path: the value tested.
        variable: JsonPath,
        /// The operator, without its `Path` suffix.
        op: Op,
        /// The operator's value, or the path its `Path` form names.
        operand: Operand,
    },
}

/// What a comparison compares against.
#[derive(Debug, Clone)]
pub enum Operand {
    /// A literal, such as `"x"` in `"StringEquals": "x"`.
    Value(Value),
    /// A path read when the rule is evaluated, from an operator ending in `Path`.
    Path(JsonPath),
}

/// The comparison operators (without their `Path` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `StringEquals`: both are strings and equal.
    StringEquals,
    /// `StringLessThan`: both are strings and the value sorts before the operand.
    StringLessThan,
    /// `StringGreaterThan`: both are strings and the value sorts after the operand.
    StringGreaterThan,
    /// `StringLessThanEquals`: both are strings and the value does not sort after the operand.
    StringLessThanEquals,
    /// `StringGreaterThanEquals`: both are strings and the value does not sort before the operand.
    StringGreaterThanEquals,
    /// `StringMatches`: the string fits a pattern in which `*` stands for any run of characters ([`string_matches`]).
    StringMatches,
    /// `NumericEquals`: both are numbers and equal.
    NumericEquals,
    /// `NumericLessThan`: both are numbers and the value is less than the operand.
    NumericLessThan,
    /// `NumericGreaterThan`: both are numbers and the value is greater than the operand.
    NumericGreaterThan,
    /// `NumericLessThanEquals`: both are numbers and the value is not greater than the operand.
    NumericLessThanEquals,
    /// `NumericGreaterThanEquals`: both are numbers and the value is not less than the operand.
    NumericGreaterThanEquals,
    /// `BooleanEquals`: both are booleans and equal.
    BooleanEquals,
    /// `TimestampEquals`: both are timestamps (RFC 3339 as ASL wants it) of the same instant.
    TimestampEquals,
    /// `TimestampLessThan`: both are timestamps and the value is before the operand.
    TimestampLessThan,
    /// `TimestampGreaterThan`: both are timestamps and the value is after the operand.
    TimestampGreaterThan,
    /// `TimestampLessThanEquals`: both are timestamps and the value is not after the operand.
    TimestampLessThanEquals,
    /// `TimestampGreaterThanEquals`: both are timestamps and the value is not before the operand.
    TimestampGreaterThanEquals,
    /// `IsNull`: whether the value is null equals the operand (`true` or `false`).
    IsNull,
    /// `IsPresent`: whether the `Variable` path selects anything equals the operand.
    IsPresent,
    /// `IsNumeric`: whether the value is a number equals the operand.
    IsNumeric,
    /// `IsString`: whether the value is a string equals the operand.
    IsString,
    /// `IsBoolean`: whether the value is a boolean equals the operand.
    IsBoolean,
    /// `IsTimestamp`: whether the value is a timestamp string equals the operand.
    IsTimestamp,
}

const OPS: &[(&str, Op)] = &[
    ("StringEquals", Op::StringEquals),
    ("StringLessThan", Op::StringLessThan),
    ("StringGreaterThan", Op::StringGreaterThan),
    ("StringLessThanEquals", Op::StringLessThanEquals),
    ("StringGreaterThanEquals", Op::StringGreaterThanEquals),
    ("StringMatches", Op::StringMatches),
    ("NumericEquals", Op::NumericEquals),
    ("NumericLessThan", Op::NumericLessThan),
    ("NumericGreaterThan", Op::NumericGreaterThan),
    ("NumericLessThanEquals", Op::NumericLessThanEquals),
    ("NumericGreaterThanEquals", Op::NumericGreaterThanEquals),
    ("BooleanEquals", Op::BooleanEquals),
    ("TimestampEquals", Op::TimestampEquals),
    ("TimestampLessThan", Op::TimestampLessThan),
    ("TimestampGreaterThan", Op::TimestampGreaterThan),
    ("TimestampLessThanEquals", Op::TimestampLessThanEquals),
    ("TimestampGreaterThanEquals", Op::TimestampGreaterThanEquals),
    ("IsNull", Op::IsNull),
    ("IsPresent", Op::IsPresent),
    ("IsNumeric", Op::IsNumeric),
    ("IsString", Op::IsString),
    ("IsBoolean", Op::IsBoolean),
    ("IsTimestamp", Op::IsTimestamp),
];

/// A runtime problem while evaluating a rule: the path that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidPath(pub String);

impl ChoiceRule {
    /// Parses one rule object (a top-level rule may carry `Next`, which the caller reads).
    pub fn parse(v: &Value, at: &str) -> Result<ChoiceRule, String> {
        let obj = v.as_object().ok_or_else(|| format!("a Choice rule must be an object at {at}"))?;
        let list = |key: &str| -> Result<Vec<ChoiceRule>, String> {
            match obj.get(key) {
                Some(Value::Array(rules)) => {
                    rules.iter().enumerate().map(|(i, r)| ChoiceRule::parse(r, &format!("{at}/{key}/{i}"))).collect()
                }
                _ => Err(format!("{key} must be an array at {at}")),
            }
        };
        if obj.contains_key("And") {
            return Ok(ChoiceRule::And(list("And")?));
        }
        if obj.contains_key("Or") {
            return Ok(ChoiceRule::Or(list("Or")?));
        }
        if let Some(n) = obj.get("Not") {
            return Ok(ChoiceRule::Not(Box::new(ChoiceRule::parse(n, &format!("{at}/Not"))?)));
        }
        let variable =
            obj.get("Variable").and_then(Value::as_str).ok_or_else(|| format!("Variable is required at {at}"))?;
        let variable = crate::model::parse_path(variable).map_err(|e| format!("invalid Variable at {at}: {e}"))?;
        for (name, op) in OPS {
            if let Some(v) = obj.get(*name) {
                return Ok(ChoiceRule::Compare { variable, op: *op, operand: Operand::Value(v.clone()) });
            }
            if let Some(p) = obj.get(&format!("{name}Path")) {
                let p = p.as_str().ok_or_else(|| format!("{name}Path must be a string at {at}"))?;
                let p = crate::model::parse_path(p).map_err(|e| format!("invalid {name}Path at {at}: {e}"))?;
                return Ok(ChoiceRule::Compare { variable, op: *op, operand: Operand::Path(p) });
            }
        }
        Err(format!("a Choice rule needs a comparison operator at {at}"))
    }

    /// True when evaluating the rule may read the context object.
    pub fn uses_context(&self) -> bool {
        match self {
            ChoiceRule::And(r) | ChoiceRule::Or(r) => r.iter().any(ChoiceRule::uses_context),
            ChoiceRule::Not(r) => r.uses_context(),
            ChoiceRule::Compare { variable, operand, .. } => {
                variable.is_context() || matches!(operand, Operand::Path(p) if p.is_context())
            }
        }
    }

    /// Evaluates the rule; `root` gives the document a path reads (input, context or a variable).
    pub fn eval<'a>(&self, root: &dyn Fn(&JsonPath) -> Option<&'a Value>) -> Result<bool, InvalidPath> {
        match self {
            ChoiceRule::And(rules) => {
                for r in rules {
                    if !r.eval(root)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            ChoiceRule::Or(rules) => {
                for r in rules {
                    if r.eval(root)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            ChoiceRule::Not(r) => Ok(!r.eval(root)?),
            ChoiceRule::Compare { variable, op, operand } => {
                let found = root(variable).and_then(|doc| select(variable, doc));
                if *op == Op::IsPresent {
                    return Ok(found.is_some() == operand_bool(operand));
                }
                let Some(value) = found else {
                    return Err(InvalidPath(variable.text().to_string()));
                };
                let rhs_owned;
                let rhs: &Value = match operand {
                    Operand::Value(v) => v,
                    Operand::Path(p) => match root(p).and_then(|doc| select(p, doc)) {
                        Some(v) => {
                            rhs_owned = v;
                            rhs_owned.as_ref()
                        }
                        None => return Err(InvalidPath(p.text().to_string())),
                    },
                };
                Ok(compare(*op, value.as_ref(), rhs))
            }
        }
    }
}

/// A path's value, borrowed when the path is definite.
enum Found<'a> {
    Ref(&'a Value),
    Owned(Value),
}

impl AsRef<Value> for Found<'_> {
    fn as_ref(&self) -> &Value {
        match self {
            Found::Ref(v) => v,
            Found::Owned(v) => v,
        }
    }
}

fn select<'a>(path: &JsonPath, doc: &'a Value) -> Option<Found<'a>> {
    if path.is_definite() {
        path.select_ref(doc).map(Found::Ref)
    } else {
        path.select(doc).map(Found::Owned)
    }
}

fn operand_bool(operand: &Operand) -> bool {
    matches!(operand, Operand::Value(Value::Bool(true)))
}

fn compare(op: Op, v: &Value, rhs: &Value) -> bool {
    use Op::*;
    match op {
        StringEquals | StringLessThan | StringGreaterThan | StringLessThanEquals | StringGreaterThanEquals => {
            match (v.as_str(), rhs.as_str()) {
                (Some(a), Some(b)) => ordering_holds(op, crate::java::compare_strings(a, b)),
                _ => false,
            }
        }
        StringMatches => match (v.as_str(), rhs.as_str()) {
            (Some(a), Some(pattern)) => string_matches(a, pattern),
            _ => false,
        },
        NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
            match (v, rhs) {
                (Value::Number(a), Value::Number(b)) => match cmp_numbers(a, b) {
                    Some(o) => ordering_holds(op, o),
                    None => false,
                },
                _ => false,
            }
        }
        BooleanEquals => matches!((v, rhs), (Value::Bool(a), Value::Bool(b)) if a == b),
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => {
            match (v.as_str().and_then(parse_timestamp_nanos), rhs.as_str().and_then(parse_timestamp_nanos)) {
                (Some(a), Some(b)) => ordering_holds(op, a.cmp(&b)),
                _ => false,
            }
        }
        IsNull => v.is_null() == (rhs == &Value::Bool(true)),
        IsNumeric => v.is_number() == (rhs == &Value::Bool(true)),
        IsString => v.is_string() == (rhs == &Value::Bool(true)),
        IsBoolean => v.is_boolean() == (rhs == &Value::Bool(true)),
        IsTimestamp => v.as_str().and_then(parse_timestamp_nanos).is_some() == (rhs == &Value::Bool(true)),
        IsPresent => true,
    }
}

fn parse_timestamp_nanos(s: &str) -> Option<(i64, u32)> {
    parse_timestamp(s)?;
    let d = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    Some((d.timestamp(), d.timestamp_subsec_nanos()))
}

fn ordering_holds(op: Op, o: Ordering) -> bool {
    use Op::*;
    match op {
        StringEquals | NumericEquals | TimestampEquals => o == Ordering::Equal,
        StringLessThan | NumericLessThan | TimestampLessThan => o == Ordering::Less,
        StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => o == Ordering::Greater,
        StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => o != Ordering::Greater,
        StringGreaterThanEquals | NumericGreaterThanEquals | TimestampGreaterThanEquals => o != Ordering::Less,
        _ => false,
    }
}

fn cmp_numbers(a: &serde_json::Number, b: &serde_json::Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// `StringMatches`: `*` matches any run of characters; `\*` is a literal star and `\\` a backslash.
///
/// Linear in the lengths of the text and the pattern, however many stars: the literal runs between
/// stars are found left to right, each at its first place after the previous one (the first run
/// must start the text and the last must end it), which is where a match puts them if there is one.
pub fn string_matches(text: &str, pattern: &str) -> bool {
    // The literal runs between the stars.
    let mut runs = vec![String::new()];
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => runs.last_mut().map_or((), |r| r.push(it.next().unwrap_or('\\'))),
            '*' => runs.push(String::new()),
            c => runs.last_mut().map_or((), |r| r.push(c)),
        }
    }
    let (first, last) = (&runs[0], &runs[runs.len() - 1]);
    if runs.len() == 1 {
        return text == first.as_str();
    }
    if text.len() < first.len() + last.len() || !text.starts_with(first.as_str()) || !text.ends_with(last.as_str()) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for run in &runs[1..runs.len() - 1] {
        match rest.find(run.as_str()) {
            Some(at) => rest = &rest[at + run.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(string_matches("log-2024.txt", "log-*.txt"));
        assert!(string_matches("abc", "*"));
        assert!(string_matches("", "*"));
        assert!(!string_matches("abc", "ab"));
        assert!(string_matches("a*c", r"a\*c"));
        assert!(!string_matches("abc", r"a\*c"));
        assert!(string_matches(r"a\c", r"a\\c"));
        assert!(string_matches("aXbXc", "*b*c"));
        assert!(!string_matches("aXbXd", "*b*c"));
        assert!(string_matches("abab", "a*b"));
        assert!(!string_matches("ab", "ab*b"));
        assert!(string_matches("abb", "ab*b"));
        assert!(string_matches("x*y", "x\\*y"));
        assert!(string_matches("é-日本", "é*本"));
        assert!(string_matches(r"a\", r"a\"));
        assert!(string_matches("aaa", "a**a"));
        assert!(!string_matches("a", "a*a"));
    }

    /// 200 stars against 100 KB, a pattern of 100 KB against 200 KB: milliseconds, not seconds.
    #[test]
    fn wildcards_are_linear() {
        let text = "a".repeat(100_000);
        let stars = format!("{}b", "a*".repeat(200));
        let started = std::time::Instant::now();
        assert!(!string_matches(&text, &stars));
        assert!(string_matches(&text, &"a*".repeat(200)));
        let long = format!("{}*b", "a".repeat(50_000)).repeat(2);
        assert!(!string_matches(&"a".repeat(200_000), &long));
        assert!(started.elapsed().as_millis() < 1_000, "{:?}", started.elapsed());
    }
}
