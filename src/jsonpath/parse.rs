//! Parsing paths into steps, as Jayway's `PathCompiler` does.

use super::filter::parse_filter;
use super::{Compiled, Step, MAX_NESTING};

/// Parses `c`, which starts with `$` or `@`.
pub(super) fn parse_steps(c: &[char], depth: usize) -> Result<Compiled, String> {
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
            let Some(expr) = parse_filter(&c[paren..=close], depth + 1)? else {
                return Err(format!("Could not parse filter {}", c[open..=end].iter().collect::<String>()));
            };
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
pub(super) fn next_unescaped(c: &[char], from: usize, target: char) -> Option<usize> {
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
pub(super) fn closing_of(c: &[char], start: usize, open: char, close: char) -> Option<usize> {
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
