//! Parsing a call such as `States.Format('{}', $.a)` into a [`Call`] tree.

use serde_json::{Number, Value};

use super::{Arg, Call, Function, MAX_NESTING};
use crate::jsonpath::JsonPath;

/// Parses `text`, a whole call with optional blanks around it.
pub(super) fn parse_call(text: &str) -> Result<Call, String> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    let call = p.call(1).map_err(|e| format!("Invalid intrinsic function call '{text}': {e}"))?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(format!(
            "Invalid intrinsic function call '{text}': unexpected text after the call at offset {}",
            p.pos
        ));
    }
    Ok(call)
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Parser<'t> {
    fn rest(&self) -> &'t str {
        let text: &'t str = self.text;
        text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if !c.is_whitespace() {
                break;
            }
            self.pos += c.len_utf8();
        }
    }

    fn call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_NESTING {
            return Err(format!("more than {MAX_NESTING} nested intrinsic functions"));
        }
        let start = self.pos;
        if !self.rest().starts_with("States.") {
            return Err("an intrinsic function call must start with 'States.'".into());
        }
        self.pos += "States.".len();
        while let Some(c) = self.peek() {
            if !c.is_ascii_alphanumeric() {
                break;
            }
            self.pos += 1;
        }
        let name = &self.text[start..self.pos];
        let function = Function::from_name(name).ok_or_else(|| format!("unknown function '{name}'"))?;
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(format!("expected '(' after {name}"));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                args.push(self.arg(depth)?);
                self.skip_ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(c) => return Err(format!("expected ',' or ')' in {name}, found '{c}'")),
                    None => return Err(format!("missing ')' to close {name}")),
                }
            }
        }
        let (min, max) = function.arity();
        if args.len() < min || max.is_some_and(|max| args.len() > max) {
            let expected = match max {
                Some(max) if max == min => format!("{min}"),
                Some(max) => format!("{min} to {max}"),
                None => format!("at least {min}"),
            };
            return Err(format!("{name} takes {expected} argument(s), but {} were given", args.len()));
        }
        Ok(Call { function, args })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, String> {
        match self.peek() {
            Some('\'') => self.string(),
            Some('$') => self.path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(_) if self.rest().starts_with("States.") => Ok(Arg::Call(Box::new(self.call(depth + 1)?))),
            Some(_) => {
                for (word, value) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)]
                {
                    if self.rest().starts_with(word) {
                        let after = self.rest()[word.len()..].chars().next();
                        if after.map_or(true, |c| c == ',' || c == ')' || c.is_whitespace()) {
                            self.pos += word.len();
                            return Ok(Arg::Literal(value));
                        }
                    }
                }
                let word: String = self.rest().chars().take_while(|c| *c != ',' && *c != ')').collect();
                Err(format!("invalid argument '{}'", word.trim()))
            }
            None => Err("missing argument".into()),
        }
    }

    /// A single-quoted string; the only escapes are `\'`, `\{`, `\}` and `\\`.
    fn string(&mut self) -> Result<Arg, String> {
        self.pos += 1; // the opening quote
        let mut text = String::new();
        let mut holes = Vec::new();
        // Offset in `text` of the last character when it was an unescaped `{`.
        let mut open_brace: Option<usize> = None;
        let mut chars = self.rest().char_indices();
        loop {
            let Some((i, c)) = chars.next() else {
                return Err("unterminated string literal".into());
            };
            match c {
                '\'' => {
                    self.pos += i + 1;
                    return Ok(Arg::Text { text, holes });
                }
                '\\' => {
                    let escaped = chars.next().map(|(_, c)| c);
                    match escaped {
                        Some(e @ ('\'' | '{' | '}' | '\\')) => text.push(e),
                        Some(e) => return Err(format!("invalid escape sequence '\\{e}' in a string literal")),
                        None => return Err("unterminated string literal".into()),
                    }
                    open_brace = None;
                }
                '{' => {
                    open_brace = Some(text.len());
                    text.push(c);
                }
                '}' => {
                    if let Some(at) = open_brace.take() {
                        holes.push(at);
                    }
                    text.push(c);
                }
                _ => {
                    open_brace = None;
                    text.push(c);
                }
            }
        }
    }

    fn number(&mut self) -> Result<Arg, String> {
        let rest = self.rest();
        let b = rest.as_bytes();
        let mut i = 0;
        let digits = |b: &[u8], mut i: usize| {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            i
        };
        if b.first() == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        i = digits(b, i);
        if i == int_start {
            return Err("invalid number".into());
        }
        let mut float = false;
        if b.get(i) == Some(&b'.') {
            let frac_start = i + 1;
            i = digits(b, frac_start);
            if i == frac_start {
                return Err("invalid number".into());
            }
            float = true;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let exp_end = digits(b, j);
            if exp_end == j {
                return Err("invalid number".into());
            }
            i = exp_end;
            float = true;
        }
        if b.get(i).is_some_and(|c| !(*c == b',' || *c == b')' || c.is_ascii_whitespace())) {
            let word: String = rest.chars().take_while(|c| *c != ',' && *c != ')').collect();
            return Err(format!("invalid argument '{}'", word.trim()));
        }
        let literal = &rest[..i];
        self.pos += i;
        if !float {
            if let Ok(n) = literal.parse::<i64>() {
                return Ok(Arg::Literal(Value::from(n)));
            }
            if let Ok(n) = literal.parse::<u64>() {
                return Ok(Arg::Literal(Value::from(n)));
            }
        }
        literal
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(|n| Arg::Literal(Value::Number(n)))
            .ok_or_else(|| format!("invalid number '{literal}'"))
    }

    /// A path runs to the next `,`, `)` or space outside brackets and quotes.
    fn path(&mut self) -> Result<Arg, String> {
        let rest = self.rest();
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut end = rest.len();
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' if depth > 0 => depth -= 1,
                '\'' | '"' if depth > 0 => quote = Some(c),
                ',' | ')' if depth == 0 => {
                    end = i;
                    break;
                }
                c if c.is_whitespace() && depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let written = &rest[..end];
        self.pos += end;
        let second = written[1..].chars().next();
        let is_variable = second.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !is_variable {
            return JsonPath::parse(written).map(Arg::Path);
        }
        let name_end = written.find(['.', '[']).unwrap_or(written.len());
        let name = written[1..name_end].to_string();
        let path =
            if name_end < written.len() { Some(JsonPath::parse(&format!("${}", &written[name_end..]))?) } else { None };
        Ok(Arg::Variable { written: written.to_string(), name, path })
    }
}
