//! JSON text read the way AWS's parser (Jackson) reads it, for Jackson's error messages and positions.

/// A parse error: Jackson's message and its location text (`[Source: ...; line: 1, column: 4]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct JsonError {
    pub(super) message: String,
    pub(super) location: String,
}

const VALUE_LIST: &str = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const MAX_SNIPPET: usize = 500;
const MAX_TOKEN: usize = 256;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Object,
    Array,
}

struct Context {
    kind: Kind,
    line: usize,
    column: usize,
    expect_comma: bool,
}

struct Scanner {
    chars: Vec<char>,
    bytes: Vec<usize>,
    units: Vec<usize>,
    p: usize,
    row: usize,
    row_start: usize,
}

type Res<T> = Result<T, JsonError>;

/// The byte offset just past the first JSON value of `text`, `None` for an empty text, or
/// Jackson's error.
pub(super) fn first_value_end(text: &str) -> Res<Option<usize>> {
    let mut chars = Vec::new();
    let mut bytes = Vec::new();
    let mut units = Vec::new();
    let mut u = 0;
    for (b, c) in text.char_indices() {
        chars.push(c);
        bytes.push(b);
        units.push(u);
        u += c.len_utf16();
    }
    bytes.push(text.len());
    units.push(u);
    let mut s = Scanner { chars, bytes, units, p: 0, row: 1, row_start: 0 };
    s.parse()
}

/// The text with every `\uD800`-`\uDFFF` escape replaced by `\uFFFD`: Jackson takes a lone
/// surrogate, serde_json does not.
pub(super) fn replace_surrogate_escapes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 5 < chars.len() && chars[i + 1] == 'u' {
            let hex: String = chars[i + 2..i + 6].iter().collect();
            if u32::from_str_radix(&hex, 16).is_ok_and(|u| (0xD800..=0xDFFF).contains(&u)) {
                out.push_str("\\uFFFD");
                i += 6;
                continue;
            }
        }
        if chars[i] == '\\' && i + 1 < chars.len() {
            out.push(chars[i]);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_java_identifier_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_java_identifier_part(c: char) -> bool {
    let u = c as u32;
    c.is_alphanumeric() || c == '_' || c == '$' || u <= 8 || (0x0e..=0x1b).contains(&u) || (0x7f..=0x9f).contains(&u)
}

fn char_desc(c: char) -> String {
    let code = c as u32;
    if code < 0x20 || (0x7f..=0x9f).contains(&code) {
        return format!("(CTRL-CHAR, code {code})");
    }
    if code > 255 {
        return format!("'{c}' (code {code} / 0x{code:x})");
    }
    format!("'{c}' (code {code})")
}

impl Scanner {
    fn source(&self) -> String {
        let total = self.units[self.chars.len()];
        let mut out = String::from("(String)\"");
        for (i, &c) in self.chars.iter().enumerate() {
            if self.units[i] + c.len_utf16() > MAX_SNIPPET {
                break;
            }
            let code = c as u32;
            if (code < 0x20 || (0x7f..=0x9f).contains(&code)) && c != '\r' && c != '\n' {
                out.push_str(&format!("\\u{code:04X}"));
            } else {
                out.push(c);
            }
        }
        out.push('"');
        if total > MAX_SNIPPET {
            out.push_str(&format!("[truncated {} chars]", total - MAX_SNIPPET));
        }
        out
    }

    fn location_text(&self, line: usize, column: usize) -> String {
        format!("[Source: {}; line: {line}, column: {column}]", self.source())
    }

    fn column_at(&self, p: usize) -> usize {
        self.units[p] - self.units[self.row_start] + 1
    }

    fn fail_at<T>(&self, p: usize, message: impl Into<String>) -> Res<T> {
        Err(JsonError { message: message.into(), location: self.location_text(self.row, self.column_at(p)) })
    }

    fn fail<T>(&self, message: impl Into<String>) -> Res<T> {
        self.fail_at(self.p, message)
    }

    fn unexpected<T>(&self, c: char, comment: &str) -> Res<T> {
        self.fail(format!("Unexpected character ({}): {comment}", char_desc(c)))
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.chars.get(self.p).copied();
        if c.is_some() {
            self.p += 1;
        }
        c
    }

    /// The next significant character (consumed), or `None` at the end.
    fn skip_ws(&mut self) -> Res<Option<char>> {
        while let Some(c) = self.next_char() {
            match c {
                ' ' | '\t' => {}
                '\n' => {
                    self.row += 1;
                    self.row_start = self.p;
                }
                '\r' => {
                    if self.chars.get(self.p) == Some(&'\n') {
                        self.p += 1;
                    }
                    self.row += 1;
                    self.row_start = self.p;
                }
                '/' => {
                    return self.unexpected(
                        '/',
                        "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
                    )
                }
                c if (c as u32) < 0x20 => {
                    return self.fail(format!(
                        "Illegal character ({}): only regular white space (\\r, \\n, \\t) is allowed between tokens",
                        char_desc(c)
                    ))
                }
                c => return Ok(Some(c)),
            }
        }
        Ok(None)
    }

    fn eof<T>(&self, message: &str) -> Res<T> {
        self.fail(format!("Unexpected end-of-input{message}"))
    }

    fn parse(&mut self) -> Res<Option<usize>> {
        let mut stack: Vec<Context> = Vec::new();
        let Some(c) = self.skip_ws()? else {
            return Ok(None);
        };
        if c == ']' || c == '}' {
            let expected = if c == ']' { '}' } else { ']' };
            let start = self.location_text(1, 0);
            return self
                .fail(format!("Unexpected close marker '{c}': expected '{expected}' (for root starting at {start})"));
        }
        self.value(c, &mut stack)?;
        while let Some(top) = stack.last() {
            let (kind, line, column, expect_comma) = (top.kind, top.line, top.column, top.expect_comma);
            let type_desc = if kind == Kind::Object { "Object" } else { "Array" };
            let Some(mut c) = self.skip_ws()? else {
                let start = self.location_text(line, column);
                return self.eof(&format!(": expected close marker for {type_desc} (start marker at {start})"));
            };
            if c == ']' || c == '}' {
                let (actual_kind, expected) = if c == ']' { (Kind::Array, '}') } else { (Kind::Object, ']') };
                if kind != actual_kind {
                    let start = self.location_text(line, column);
                    return self.fail(format!(
                        "Unexpected close marker '{c}': expected '{expected}' (for {type_desc} starting at {start})"
                    ));
                }
                stack.pop();
                continue;
            }
            if expect_comma {
                if c != ',' {
                    return self.unexpected(c, &format!("was expecting comma to separate {type_desc} entries"));
                }
                match self.skip_ws()? {
                    Some(next) => c = next,
                    None => return self.eof(&format!(" within/between {type_desc} entries")),
                }
            }
            if let Some(top) = stack.last_mut() {
                top.expect_comma = true;
            }
            if kind == Kind::Object {
                if c != '"' {
                    return self.unexpected(c, "was expecting double-quote to start field name");
                }
                self.string(true)?;
                c = self.colon()?;
            }
            self.value(c, &mut stack)?;
        }
        Ok(Some(self.bytes[self.p]))
    }

    fn colon(&mut self) -> Res<char> {
        let mut got_colon = false;
        loop {
            let Some(c) = self.skip_ws()? else {
                return self.eof(" within/between Object entries");
            };
            match c {
                ':' if !got_colon => got_colon = true,
                c if got_colon => return Ok(c),
                c => return self.unexpected(c, "was expecting a colon to separate field name and value"),
            }
        }
    }

    fn value(&mut self, c: char, stack: &mut Vec<Context>) -> Res<()> {
        let root = stack.is_empty();
        match c {
            '"' => self.string(false),
            '[' | '{' => {
                let kind = if c == '[' { Kind::Array } else { Kind::Object };
                let column = self.units[self.p] - self.units[self.row_start];
                stack.push(Context { kind, line: self.row, column, expect_comma: false });
                Ok(())
            }
            '}' if stack.last().is_some_and(|c| c.kind == Kind::Array) => self.unexpected(c, "expected a value"),
            't' => self.word("true"),
            'f' => self.word("false"),
            'n' => self.word("null"),
            '-' => self.number(true, root),
            '0'..='9' => self.number(false, root),
            _ => self.odd_value(c),
        }
    }

    fn odd_value(&mut self, c: char) -> Res<()> {
        match c {
            'N' => {
                self.word("NaN")?;
                return self
                    .fail("Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
            }
            'I' => {
                self.word("Infinity")?;
                return self.fail(
                    "Non-standard token 'Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
                );
            }
            '+' => {
                if self.next_char().is_none() {
                    return self.eof(" in a Number value");
                }
                return self.fail(
                    "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow",
                );
            }
            _ => {}
        }
        if is_java_identifier_start(c) {
            return self.invalid_token(c.to_string());
        }
        self.unexpected(c, &format!("expected a valid value {VALUE_LIST}"))
    }

    fn invalid_token<T>(&mut self, matched: String) -> Res<T> {
        let mut token = matched;
        while let Some(&c) = self.chars.get(self.p) {
            if !is_java_identifier_part(c) {
                break;
            }
            self.p += 1;
            token.push(c);
            if token.chars().count() >= MAX_TOKEN {
                token.push_str("...");
                break;
            }
        }
        self.fail(format!("Unrecognized token '{token}': was expecting {VALUE_LIST}"))
    }

    /// `true`, `false`, `null` (and `NaN`, `Infinity`): the first letter is already read.
    fn word(&mut self, word: &str) -> Res<()> {
        let w: Vec<char> = word.chars().collect();
        for (i, &expected) in w.iter().enumerate().skip(1) {
            match self.chars.get(self.p) {
                Some(&c) if c == expected => self.p += 1,
                _ => return self.invalid_token(w[..i].iter().collect()),
            }
        }
        if let Some(&c) = self.chars.get(self.p) {
            if c >= '0' && c != ']' && c != '}' && is_java_identifier_part(c) {
                return self.invalid_token(word.to_string());
            }
        }
        Ok(())
    }

    fn string(&mut self, name: bool) -> Res<()> {
        loop {
            let Some(c) = self.next_char() else {
                return if name {
                    self.eof(" in field name")
                } else {
                    self.eof(": was expecting closing quote for a string value")
                };
            };
            match c {
                '"' => return Ok(()),
                '\\' => {
                    let Some(e) = self.next_char() else {
                        return self.eof(" in character escape sequence");
                    };
                    match e {
                        'b' | 't' | 'n' | 'f' | 'r' | '"' | '/' | '\\' => {}
                        'u' => {
                            for _ in 0..4 {
                                let Some(h) = self.next_char() else {
                                    return self.eof(" in character escape sequence");
                                };
                                if !h.is_ascii_hexdigit() {
                                    return self.unexpected(h, "expected a hex-digit for character escape sequence");
                                }
                            }
                        }
                        other => return self.fail(format!("Unrecognized character escape {}", char_desc(other))),
                    }
                }
                c if (c as u32) < 0x20 => {
                    let what = if name { "name" } else { "string value" };
                    return self.fail(format!(
                        "Illegal unquoted character ({}): has to be escaped using backslash to be included in {what}",
                        char_desc(c)
                    ));
                }
                _ => {}
            }
        }
    }

    /// A number; the sign or first digit is already read.
    fn number(&mut self, negative: bool, root: bool) -> Res<()> {
        let digit = |s: &Self, i: usize| s.chars.get(i).is_some_and(char::is_ascii_digit);
        let mut i = self.p;
        if negative {
            match self.chars.get(i) {
                None => return self.eof("No digit following minus sign"),
                Some(c) if !c.is_ascii_digit() => {
                    self.p = i + 1;
                    return self.fail(format!(
                        "Unexpected character ({}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
                        char_desc(*c)
                    ));
                }
                _ => i += 1,
            }
        }
        let first = self.chars[i - 1];
        if first == '0' && digit(self, i) {
            self.p = i;
            return self.fail("Invalid numeric value: Leading zeroes not allowed");
        }
        while digit(self, i) {
            i += 1;
        }
        // Jackson's fast path reports a bad fraction or exponent just after the character that
        // follows the integer part; its slow path (a leading zero) just after the bad character,
        // and at the end of the text the last character read.
        let report_at = if first == '0' { None } else { Some(i + 1) };
        let mut c = self.chars.get(i).copied();
        if c == Some('.') {
            i += 1;
            let from = i;
            while digit(self, i) {
                i += 1;
            }
            if i == from {
                return self.number_error(i, report_at, '.', "Decimal point not followed by a digit");
            }
            c = self.chars.get(i).copied();
        }
        if c == Some('e') || c == Some('E') {
            i += 1;
            if i >= self.chars.len() {
                self.p = i;
                return self.eof("expected a digit for number exponent");
            }
            if matches!(self.chars.get(i), Some('+') | Some('-')) {
                i += 1;
                if i >= self.chars.len() {
                    self.p = i;
                    return self.eof("expected a digit for number exponent");
                }
            }
            let from = i;
            while digit(self, i) {
                i += 1;
            }
            if i == from {
                return self.number_error(i, report_at, 'e', "Exponent indicator not followed by a digit");
            }
        }
        self.p = i;
        if root {
            if let Some(&c) = self.chars.get(i) {
                if !matches!(c, ' ' | '\t' | '\r' | '\n') {
                    self.p = i + 1;
                    return self.unexpected(c, "Expected space separating root-level values");
                }
            }
        }
        Ok(())
    }

    fn number_error(&mut self, i: usize, report_at: Option<usize>, last: char, comment: &str) -> Res<()> {
        match self.chars.get(i) {
            Some(&c) => self.fail_at(
                report_at.unwrap_or(i + 1),
                format!("Unexpected character ({}) in numeric value: {comment}", char_desc(c)),
            ),
            None => {
                self.p = i;
                let last = if last == 'e' { self.chars[i - 1] } else { last };
                self.fail(format!("Unexpected character ({}) in numeric value: {comment}", char_desc(last)))
            }
        }
    }
}
