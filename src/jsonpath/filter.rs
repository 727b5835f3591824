//! Filters (`[?(@.n > 1)]`) parsed as Jayway's `FilterCompiler` and `EvaluatorFactory` read them.

use regex_lite::{Regex, RegexBuilder};
use serde_json::{Map, Number, Value};

use super::eval::number_from_text;
use super::parse::{closing_of, next_unescaped, parse_steps};
use super::{Compiled, MAX_NESTING};
use crate::java::big_decimal_string;

#[derive(Debug, Clone)]
pub(super) enum Expr {
    /// `a || b || ...`: a chain is one node, so that a long one nests nothing (as Jayway keeps a
    /// list), whatever its length.
    Or(Vec<Expr>),
    /// `a && b && ...`.
    And(Vec<Expr>),
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
pub(super) struct FilterPath {
    pub(super) from_root: bool,
    pub(super) path: Compiled,
}

#[derive(Debug, Clone)]
pub(super) enum Operand {
    Path(FilterPath),
    /// A string, `true`, `false`, `null`, or a JSON array or object.
    Literal(Value),
    /// A number, with Java's `BigDecimal` rendering of the literal (compared with strings as text).
    Number(Number, String),
    Pattern(Regex),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Op {
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

/// Parses the filter `(...)` that `c` holds; `Ok(None)` when text is left after it.
pub(super) fn parse_filter(c: &[char], depth: usize) -> Result<Option<Expr>, String> {
    let mut parser = FilterParser { c, pos: 0, depth };
    let expr = parser.or_expr()?;
    parser.skip_blanks();
    Ok((parser.pos >= parser.c.len()).then_some(expr))
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
        let mut terms = vec![self.and_expr()?];
        loop {
            self.skip_blanks();
            if !self.at("||") {
                break;
            }
            self.pos += 2;
            terms.push(self.and_expr()?);
        }
        self.depth -= 1;
        Ok(if terms.len() == 1 { terms.pop().unwrap_or(Expr::Or(Vec::new())) } else { Expr::Or(terms) })
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut terms = vec![self.operand()?];
        loop {
            self.skip_blanks();
            if !self.at("&&") {
                break;
            }
            self.pos += 2;
            terms.push(self.operand()?);
        }
        Ok(if terms.len() == 1 { terms.pop().unwrap_or(Expr::And(Vec::new())) } else { Expr::And(terms) })
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
            Some(ch) if ch.is_ascii_alphabetic() || ch == '_' => self.bare_word(),
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

    /// `true`, `false`, `null`, or an unquoted word, which is a string: AWS runs published machines
    /// that compare with one (`$[?(@.TargetLanguageCode==es)]`, in three of AWS's sample
    /// translation workflows by different authors), and Jayway (2.0.0, checked with Debian's
    /// libjsonpath-java) reads `@.lang==es` as `@.lang=='es'`.
    fn bare_word(&mut self) -> Result<Operand, String> {
        let start = self.pos;
        while self.peek().is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
            self.pos += 1;
        }
        let word: String = self.c[start..self.pos].iter().collect();
        Ok(Operand::Literal(match word.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => Value::String(word),
        }))
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
