//! Intrinsic functions of JSONPath states (`States.Format('{}', $.name)` and the 17 others):
//! parsed once when the definition loads, evaluated against the state input, the context object
//! and the variables in scope.
//!
//! ```
//! use asl_sim::intrinsics::Intrinsic;
//! use serde_json::json;
//!
//! let f = Intrinsic::parse("States.Format('Hello, {}!', $.name)").unwrap();
//! let mut rng = fastrand::Rng::with_seed(7);
//! let out = f.eval(&json!({"name": "Ada"}), &json!({}), &mut rng).unwrap();
//! assert_eq!(out, json!("Hello, Ada!"));
//! ```
//!
//! Values are rendered as the Java service renders them: `States.Format` writes objects as
//! `{a=1, b=[]}` and floats as `1.0E10`; `States.JsonToString` writes Jackson's compact JSON.
//!
//! Failures carry only AWS's own part of the cause. The executor prefixes it with
//! `An error occurred while executing the state '...' (entered at the event id #N). `.

use std::collections::HashSet;
use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::{Number, Value};

use crate::error::{ErrorName, Failure};
use crate::java::{self, json_text, write_json, write_json_string, write_value_of};
use crate::jsonpath::JsonPath;

/// Deepest nesting of calls accepted in one field (AWS documents "up to 10").
pub const MAX_NESTING: usize = 10;

/// Most items `States.ArrayRange` may return, as AWS documents.
pub const MAX_RANGE_ITEMS: i64 = 1000;

/// True when a `.$` field's text is an intrinsic call rather than a path: it starts with `States.`.
pub fn looks_like_intrinsic(text: &str) -> bool {
    text.starts_with("States.")
}

/// One of the 18 intrinsic functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `States.Format(template, args...)`: fills each `{}` with the next argument.
    Format,
    /// `States.StringToJson(text)`: parses JSON text.
    StringToJson,
    /// `States.JsonToString(value)`: compact JSON text.
    JsonToString,
    /// `States.Array(values...)`: the arguments as an array.
    Array,
    /// `States.ArrayPartition(array, size)`: chunks of `size` items.
    ArrayPartition,
    /// `States.ArrayContains(array, value)`: whether `value` is an item.
    ArrayContains,
    /// `States.ArrayRange(first, last, step)`: an arithmetic sequence, at most 1000 items.
    ArrayRange,
    /// `States.ArrayGetItem(array, index)`: one item.
    ArrayGetItem,
    /// `States.ArrayLength(array)`: the number of items.
    ArrayLength,
    /// `States.ArrayUnique(array)`: the items without repeats, first occurrences kept.
    ArrayUnique,
    /// `States.Base64Encode(text)`.
    Base64Encode,
    /// `States.Base64Decode(text)`.
    Base64Decode,
    /// `States.Hash(text, algorithm)`: lowercase hex of MD5, SHA-1, SHA-256, SHA-384 or SHA-512.
    Hash,
    /// `States.JsonMerge(left, right, false)`: a shallow merge, `right` winning.
    JsonMerge,
    /// `States.MathRandom(start, end[, seed])`: an integer in `start..end`.
    MathRandom,
    /// `States.MathAdd(a, b)`: the sum of both, each rounded to an integer first.
    MathAdd,
    /// `States.StringSplit(text, delimiters)`: the non-empty runs between delimiter characters.
    StringSplit,
    /// `States.UUID()`: a version 4 UUID.
    Uuid,
}

impl Function {
    /// All functions, in the order of the AWS documentation.
    pub const ALL: [Function; 18] = [
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The name as written in a definition, such as `States.Format`.
    pub const fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    /// The function of that name (case-sensitive), if any.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The fewest and the most arguments accepted (`None`: no upper bound).
    pub const fn arity(self) -> (usize, Option<usize>) {
        match self {
            Function::Format => (1, None),
            Function::Array => (0, None),
            Function::Uuid => (0, Some(0)),
            Function::StringToJson
            | Function::JsonToString
            | Function::ArrayLength
            | Function::ArrayUnique
            | Function::Base64Encode
            | Function::Base64Decode => (1, Some(1)),
            Function::ArrayPartition
            | Function::ArrayContains
            | Function::ArrayGetItem
            | Function::Hash
            | Function::MathAdd
            | Function::StringSplit => (2, Some(2)),
            Function::ArrayRange | Function::JsonMerge => (3, Some(3)),
            Function::MathRandom => (2, Some(3)),
        }
    }
}

/// A parsed intrinsic call, ready to run many times.
#[derive(Debug, Clone)]
pub struct Intrinsic {
    text: String,
    call: Call,
}

#[derive(Debug, Clone)]
struct Call {
    function: Function,
    args: Vec<Arg>,
}

#[derive(Debug, Clone)]
enum Arg {
    /// A number, `true`, `false` or `null`.
    Literal(Value),
    /// A quoted string, with the byte offsets of its unescaped `{}` pairs (for `States.Format`).
    Text { text: String, holes: Vec<usize> },
    /// `$...` on the input, or `$$...` on the context object.
    Path(JsonPath),
    /// `$name` or `$name.a[0]`: a variable, then an optional path inside it.
    Variable { written: String, name: String, path: Option<JsonPath> },
    /// A nested call.
    Call(Box<Call>),
}

/// What a running intrinsic reads: the state input, the context object, the variables in scope
/// and, for messages, the name of the field being evaluated (such as `FunctionResult.$`).
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// The document `$` paths read.
    pub input: &'a Value,
    /// The document `$$` paths read.
    pub context: &'a Value,
    /// Looks a variable up by name (without the `$`).
    pub variables: &'a dyn Fn(&str) -> Option<Value>,
    /// The field named in "could not be found" messages.
    pub field: &'a str,
}

fn no_variables(_: &str) -> Option<Value> {
    None
}

impl<'a> Scope<'a> {
    /// A scope with no variables and no field name.
    pub fn new(input: &'a Value, context: &'a Value) -> Scope<'a> {
        Scope { input, context, variables: &no_variables, field: "" }
    }
    /// The same scope reporting `field` in messages.
    pub fn with_field(self, field: &'a str) -> Scope<'a> {
        Scope { field, ..self }
    }
    /// The same scope reading variables through `variables`.
    pub fn with_variables(self, variables: &'a dyn Fn(&str) -> Option<Value>) -> Scope<'a> {
        Scope { variables, ..self }
    }
}

impl std::fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope").field("input", self.input).field("field", &self.field).finish()
    }
}

impl Intrinsic {
    /// Parses a call such as `States.MathAdd($.a, 2)`. The error says what is wrong; a definition
    /// check reports it as AWS does ("must be a valid JSONPath or a valid intrinsic function call").
    pub fn parse(text: &str) -> Result<Intrinsic, String> {
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
        Ok(Intrinsic { text: text.to_string(), call })
    }

    /// The call as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The outermost function.
    pub fn function(&self) -> Function {
        self.call.function
    }

    /// True when an argument, at any depth, reads the context object (`$$...`).
    pub fn uses_context(&self) -> bool {
        fn any(call: &Call) -> bool {
            call.args.iter().any(|a| match a {
                Arg::Path(p) => p.is_context(),
                Arg::Call(c) => any(c),
                _ => false,
            })
        }
        any(&self.call)
    }

    /// The names of the variables the call reads (`$name` arguments, without the `$`), in order.
    pub fn variables(&self) -> Vec<&str> {
        fn collect<'c>(call: &'c Call, out: &mut Vec<&'c str>) {
            for a in &call.args {
                match a {
                    Arg::Variable { name, .. } => out.push(name),
                    Arg::Call(c) => collect(c, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.call, &mut out);
        out
    }

    /// Runs the call with no variables in scope (see [`Intrinsic::eval_in`]).
    pub fn eval(&self, input: &Value, context: &Value, rng: &mut fastrand::Rng) -> Result<Value, Failure> {
        self.eval_in(&Scope::new(input, context), rng)
    }

    /// Runs the call. `rng` serves `States.UUID` and unseeded `States.MathRandom`.
    pub fn eval_in(&self, scope: &Scope<'_>, rng: &mut fastrand::Rng) -> Result<Value, Failure> {
        eval_call(&self.call, scope, rng)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

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

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A value of an argument, with the `{}` holes of a literal template.
struct Evaluated {
    value: Value,
    holes: Option<Vec<usize>>,
}

fn eval_call(call: &Call, scope: &Scope<'_>, rng: &mut fastrand::Rng) -> Result<Value, Failure> {
    let mut args = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        args.push(eval_arg(arg, scope, rng)?);
    }
    apply(call.function, args, rng)
}

fn eval_arg(arg: &Arg, scope: &Scope<'_>, rng: &mut fastrand::Rng) -> Result<Evaluated, Failure> {
    let value = match arg {
        Arg::Literal(v) => v.clone(),
        Arg::Text { text, holes } => {
            return Ok(Evaluated { value: Value::String(text.clone()), holes: Some(holes.clone()) })
        }
        Arg::Path(path) => {
            let doc = if path.is_context() { scope.context } else { scope.input };
            path.select(doc).ok_or_else(|| not_found(path.text(), scope.field, doc))?
        }
        Arg::Variable { written, name, path } => {
            let Some(value) = (scope.variables)(name) else {
                return Err(not_found(written, scope.field, scope.input));
            };
            match path {
                None => value,
                Some(path) => path.select(&value).ok_or_else(|| not_found(written, scope.field, &value))?,
            }
        }
        Arg::Call(call) => eval_call(call, scope, rng)?,
    };
    Ok(Evaluated { value, holes: None })
}

fn not_found(path: &str, field: &str, doc: &Value) -> Failure {
    Failure::new(
        ErrorName::Runtime,
        format!(
            "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
            json_text(doc)
        ),
    )
}

fn invalid(function: Function, detail: impl std::fmt::Display) -> Failure {
    Failure::new(ErrorName::IntrinsicFailure, format!("Invalid arguments in {}: {detail}", function.name()))
}

fn apply(f: Function, mut args: Vec<Evaluated>, rng: &mut fastrand::Rng) -> Result<Value, Failure> {
    // Arity was checked when parsing; `take` turns any slip into `null` rather than a panic.
    let mut take = |i: usize| -> Value { args.get_mut(i).map(|a| std::mem::take(&mut a.value)).unwrap_or(Value::Null) };
    match f {
        Function::Format => {
            let holes = args.first_mut().and_then(|a| a.holes.take());
            let values: Vec<Value> = args.into_iter().map(|a| a.value).collect();
            format(values, holes)
        }
        Function::StringToJson => {
            let text = string_arg(f, take(0), "the argument")?;
            string_to_json(&text)
        }
        Function::JsonToString => Ok(Value::String(json_text(&take(0)))),
        Function::Array => Ok(Value::Array(args.into_iter().map(|a| a.value).collect())),
        Function::ArrayPartition => {
            let array = array_arg(f, take(0), "the first argument")?;
            let size = rounded_arg(f, &take(1), "the chunk size")?;
            if size <= 0 {
                return Err(invalid(f, format!("the chunk size must be a positive integer, but was {size}")));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::Array(array.chunks(size).map(|c| Value::Array(c.to_vec())).collect()))
        }
        Function::ArrayContains => {
            let array = array_arg(f, take(0), "the first argument")?;
            let needle = take(1);
            Ok(Value::Bool(array.contains(&needle)))
        }
        Function::ArrayRange => {
            let first = rounded_arg(f, &take(0), "the first argument")?;
            let last = rounded_arg(f, &take(1), "the second argument")?;
            let step = rounded_arg(f, &take(2), "the step")?;
            array_range(first, last, step)
        }
        Function::ArrayGetItem => {
            let array = array_arg(f, take(0), "the first argument")?;
            let index_value = take(1);
            let index = integer(&index_value).ok_or_else(|| {
                invalid(f, format!("the index must be an integer, but was {}", json_text(&index_value)))
            })?;
            usize::try_from(index).ok().and_then(|i| array.get(i)).cloned().ok_or_else(|| {
                invalid(f, format!("the index {index} is out of bounds for an array of length {}", array.len()))
            })
        }
        Function::ArrayLength => {
            let array = array_arg(f, take(0), "the argument")?;
            Ok(Value::from(array.len()))
        }
        Function::ArrayUnique => {
            let array = array_arg(f, take(0), "the argument")?;
            let mut seen = HashSet::new();
            Ok(Value::Array(array.into_iter().filter(|v| seen.insert(canonical(v))).collect()))
        }
        Function::Base64Encode => {
            let text = string_arg(f, take(0), "the argument")?;
            Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(text.as_bytes())))
        }
        Function::Base64Decode => {
            let text = string_arg(f, take(0), "the argument")?;
            let bytes =
                lenient_base64().decode(text.as_bytes()).map_err(|_| invalid(f, "the argument is not valid base64"))?;
            Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
        Function::Hash => {
            let data = string_arg(f, take(0), "the data")?;
            let algorithm = string_arg(f, take(1), "the algorithm")?;
            hash(&data, &algorithm).map(Value::String).ok_or_else(|| {
                invalid(f, format!("unsupported algorithm '{algorithm}'; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"))
            })
        }
        Function::JsonMerge => {
            let Value::Object(mut left) = take(0) else {
                return Err(invalid(f, "the first argument must be a JSON object"));
            };
            let Value::Object(right) = take(1) else {
                return Err(invalid(f, "the second argument must be a JSON object"));
            };
            match take(2) {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(invalid(f, "only shallow merging is supported; the third argument must be false"))
                }
                _ => return Err(invalid(f, "the third argument must be a boolean")),
            }
            for (k, v) in right {
                left.insert(k, v);
            }
            Ok(Value::Object(left))
        }
        Function::MathRandom => {
            let start = rounded_arg(f, &take(0), "the start")?;
            let end = rounded_arg(f, &take(1), "the end")?;
            if start >= end {
                return Err(invalid(f, format!("the start ({start}) must be less than the end ({end})")));
            }
            let n = match args.get(2) {
                Some(seed) => {
                    let seed = rounded_arg(f, &seed.value, "the seed")?;
                    fastrand::Rng::with_seed(seed as u64).i64(start..end)
                }
                None => rng.i64(start..end),
            };
            Ok(Value::from(n))
        }
        Function::MathAdd => {
            let a = rounded_arg(f, &take(0), "the first argument")?;
            let b = rounded_arg(f, &take(1), "the second argument")?;
            a.checked_add(b).map(Value::from).ok_or_else(|| invalid(f, "the sum is out of range"))
        }
        Function::StringSplit => {
            let text = string_arg(f, take(0), "the first argument")?;
            let delimiters = string_arg(f, take(1), "the delimiter")?;
            // Java's StringTokenizer: every delimiter character splits; empty pieces are dropped.
            let parts = text
                .split(|c: char| delimiters.contains(c))
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect();
            Ok(Value::Array(parts))
        }
        Function::Uuid => {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&rng.u64(..).to_le_bytes());
            bytes[8..].copy_from_slice(&rng.u64(..).to_le_bytes());
            Ok(Value::String(uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()))
        }
    }
}

fn string_arg(f: Function, v: Value, what: &str) -> Result<String, Failure> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(invalid(f, format!("{what} must be a string, but was {}", json_text(&other)))),
    }
}

fn array_arg(f: Function, v: Value, what: &str) -> Result<Vec<Value>, Failure> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(invalid(f, format!("{what} must be an array, but was {}", json_text(&other)))),
    }
}

/// A number rounded to an integer as Java's `Math.round` does (halves toward +infinity).
fn rounded_arg(f: Function, v: &Value, what: &str) -> Result<i64, Failure> {
    let n = match v {
        Value::Number(n) => n,
        other => return Err(invalid(f, format!("{what} must be a number, but was {}", json_text(other)))),
    };
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    if n.is_u64() {
        return Ok(i64::MAX);
    }
    Ok(java::round(n.as_f64().unwrap_or(0.0)))
}
/// An integer-valued number (`3`, `3.0`), without rounding.
fn integer(v: &Value) -> Option<i64> {
    let n = v.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let x = n.as_f64()?;
    (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
}

fn array_range(first: i64, last: i64, step: i64) -> Result<Value, Failure> {
    let f = Function::ArrayRange;
    if step == 0 {
        return Err(invalid(f, "the step must not be zero"));
    }
    let (first, last, step) = (i128::from(first), i128::from(last), i128::from(step));
    let count = if (step > 0 && first <= last) || (step < 0 && first >= last) { (last - first) / step + 1 } else { 0 };
    if count > i128::from(MAX_RANGE_ITEMS) {
        return Err(invalid(
            f,
            format!("the range would have {count} items, more than the limit of {MAX_RANGE_ITEMS}"),
        ));
    }
    // `count` <= 1000, so every item fits in an i64 (both ends do).
    Ok(Value::Array((0..count).map(|i| Value::from((first + i * step) as i64)).collect()))
}

fn format(values: Vec<Value>, holes: Option<Vec<usize>>) -> Result<Value, Failure> {
    let f = Function::Format;
    let mut values = values.into_iter();
    let template = match values.next() {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(invalid(f, format!("the first argument must be a string, but was {}", json_text(&other))))
        }
        None => return Err(invalid(f, "a template string is required")),
    };
    // A template from a path has no escapes: every `{}` is a hole.
    let holes = holes.unwrap_or_else(|| template.match_indices("{}").map(|(i, _)| i).collect());
    let values: Vec<Value> = values.collect();
    if holes.len() != values.len() {
        return Err(invalid(
            f,
            format!("the template has {} placeholder(s) but {} value(s) were given", holes.len(), values.len()),
        ));
    }
    let mut out = String::with_capacity(template.len());
    let mut from = 0;
    for (&at, value) in holes.iter().zip(&values) {
        out.push_str(template.get(from..at).unwrap_or(""));
        write_value_of(&mut out, value);
        from = at + 2;
    }
    out.push_str(template.get(from..).unwrap_or(""));
    Ok(Value::String(out))
}

/// Jackson's `readTree`: the first JSON value of the text; blank text is `null`.
fn string_to_json(text: &str) -> Result<Value, Failure> {
    let text = if text.contains("-0") { integer_minus_zero_as_zero(text) } else { text.to_string() };
    let mut values = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
    match values.next() {
        None => Ok(Value::Null),
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(invalid(Function::StringToJson, format!("the argument is not valid JSON ({e})"))),
    }
}

/// Jackson reads the integer `-0` as `0`, serde_json as the float `-0.0`: drop its sign.
fn integer_minus_zero_as_zero(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '-'
            && b.get(i + 1) == Some(&b'0')
            && !matches!(b.get(i + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))
            && !matches!(i.checked_sub(1).and_then(|j| b.get(j)), Some(b'e' | b'E'))
        {
            continue;
        }
        out.push(c);
    }
    out
}

fn lenient_base64() -> base64::engine::GeneralPurpose {
    // Java's Base64 decoder: padding optional, trailing bits ignored.
    let config = base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, config)
}

fn hash(data: &str, algorithm: &str) -> Option<String> {
    use sha2::Digest;
    fn hex(bytes: &[u8]) -> String {
        let mut s = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
    let d = data.as_bytes();
    Some(match algorithm {
        "MD5" => hex(&md5::Md5::digest(d)),
        "SHA-1" => hex(&sha1::Sha1::digest(d)),
        "SHA-256" => hex(&sha2::Sha256::digest(d)),
        "SHA-384" => hex(&sha2::Sha384::digest(d)),
        "SHA-512" => hex(&sha2::Sha512::digest(d)),
        _ => return None,
    })
}

/// A key equal for equal JSON values (object key order ignored, `1` and `1.0` kept apart).
fn canonical(v: &Value) -> String {
    fn write(out: &mut String, v: &Value) {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (k, v) in entries {
                    write_json_string(out, k);
                    out.push(':');
                    write(out, v);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for v in a {
                    write(out, v);
                    out.push(',');
                }
                out.push(']');
            }
            Value::Number(n) if n.is_f64() => {
                out.push('f');
                out.push_str(&n.to_string());
            }
            other => write_json(out, other),
        }
    }
    let mut out = String::new();
    write(&mut out, v);
    out
}

#[cfg(test)]
#[rustfmt::skip]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(input: Value, expr: &str) -> Result<Value, Failure> {
        let f = Intrinsic::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let context = json!({"Execution": {"Id": "arn:exec", "Input": input.clone()}, "StateMachine": {"Name": "sm-one-two"}});
        let vars = |name: &str| match name {
            "n" => Some(json!(5)),
            "obj" => Some(json!({"a": [1, 2]})),
            _ => None,
        };
        let scope = Scope::new(&input, &context).with_field("out.$").with_variables(&vars);
        f.eval_in(&scope, &mut fastrand::Rng::with_seed(42))
    }

    fn give(input: Value, expr: &str, expected: Value) {
        assert_eq!(run(input, expr), Ok(expected), "{expr}");
    }

    fn fail(input: Value, expr: &str, error: &str, cause: &str) {
        assert_eq!(run(input, expr), Err(Failure::custom(error, cause)), "{expr}");
    }

    fn reject(expr: &str) {
        assert!(Intrinsic::parse(expr).is_err(), "{expr} should not parse");
    }

    const IF: &str = "States.IntrinsicFailure";

    #[test]
    fn format() {
        give(json!({"a": "x"}), "States.Format('a {} b', $.a)", json!("a x b"));
        give(json!({}), "States.Format('none')", json!("none"));
        give(json!({"a": null}), "States.Format('{}', $.a)", json!("null"));
        give(json!({"a": 1.0}), "States.Format('{}', $.a)", json!("1.0"));
        give(json!({"a": 1e10}), "States.Format('{}', $.a)", json!("1.0E10"));
        give(json!({"a": {"k": "v", "l": [1, "s"]}}), "States.Format('{}', $.a)", json!("{k=v, l=[1, s]}"));
        give(json!({"t": "Hi {}!", "n": 3}), "States.Format($.t, $.n)", json!("Hi 3!"));
        give(json!({}), r"States.Format('\{}{}', 1)", json!("{}1"));
        give(json!({}), r"States.Format('it\'s {} \\ ok', true)", json!("it's true \\ ok"));
        give(json!({}), "States.Format('{}', States.Array(1, 'a'))", json!("[1, a]"));
        fail(json!({}), "States.Format('{} {}', 1)", IF, "Invalid arguments in States.Format: the template has 2 placeholder(s) but 1 value(s) were given");
        fail(json!({"a": 1}), "States.Format($.a)", IF, "Invalid arguments in States.Format: the first argument must be a string, but was 1");
    }

    #[test]
    fn json_text() {
        give(json!({"s": "{\"a\": [1, 2.5]}"}), "States.StringToJson($.s)", json!({"a": [1, 2.5]}));
        give(json!({"s": "  "}), "States.StringToJson($.s)", json!(null));
        give(json!({"s": ""}), "States.StringToJson($.s)", json!(null));
        give(json!({"s": "-0"}), "States.StringToJson($.s)", json!(0));
        give(json!({"s": "[-0, -0.0, \"-0\", 1e-0]"}), "States.StringToJson($.s)", json!([0, -0.0, "-0", 1.0]));
        give(json!({}), "States.StringToJson('{\"a\": 1}')", json!({"a": 1}));
        fail(json!({"s": 1}), "States.StringToJson($.s)", IF, "Invalid arguments in States.StringToJson: the argument must be a string, but was 1");
        assert!(run(json!({"s": "{"}), "States.StringToJson($.s)").is_err());
        give(json!({"o": {"b": [1, 1.5, "q\"\n"], "a": null}}), "States.JsonToString($.o)", json!("{\"b\":[1,1.5,\"q\\\"\\n\"],\"a\":null}"));
        give(json!({"o": 1e-5}), "States.JsonToString($.o)", json!("1.0E-5"));
        give(json!({"o": "\u{1}"}), "States.JsonToString($.o)", json!("\"\\u0001\""));
        give(json!({"a": {"x": 1, "y": 1}, "b": {"y": 2, "z": 3}}), "States.JsonMerge($.a, $.b, false)", json!({"x": 1, "y": 2, "z": 3}));
        fail(json!({"a": {}, "b": {}}), "States.JsonMerge($.a, $.b, true)", IF, "Invalid arguments in States.JsonMerge: only shallow merging is supported; the third argument must be false");
        fail(json!({"a": [], "b": {}}), "States.JsonMerge($.a, $.b, false)", IF, "Invalid arguments in States.JsonMerge: the first argument must be a JSON object");
    }

    #[test]
    fn arrays() {
        give(json!({"a": 1}), "States.Array($.a, 'x', 2.5, true, null)", json!([1, "x", 2.5, true, null]));
        give(json!({}), "States.Array()", json!([]));
        give(json!({"a": [1, 2, 3, 4, 5]}), "States.ArrayPartition($.a, 2)", json!([[1, 2], [3, 4], [5]]));
        give(json!({"a": [1, 2, 3]}), "States.ArrayPartition($.a, 1.5)", json!([[1, 2], [3]]));
        fail(json!({"a": [1]}), "States.ArrayPartition($.a, 0)", IF, "Invalid arguments in States.ArrayPartition: the chunk size must be a positive integer, but was 0");
        give(json!({"a": [{"x": 1, "y": 2}]}), "States.ArrayContains($.a, States.StringToJson('{\"y\":2,\"x\":1}'))", json!(true));
        give(json!({"a": [1.0]}), "States.ArrayContains($.a, 1)", json!(false));
        give(json!({}), "States.ArrayRange(1, 9, 2)", json!([1, 3, 5, 7, 9]));
        give(json!({}), "States.ArrayRange(10, 1, -4)", json!([10, 6, 2]));
        give(json!({}), "States.ArrayRange(5, 1, 1)", json!([]));
        give(json!({}), "States.ArrayRange(0, 999, 1)", Value::Array((0..1000).map(Value::from).collect()));
        fail(json!({}), "States.ArrayRange(0, 1000, 1)", IF, "Invalid arguments in States.ArrayRange: the range would have 1001 items, more than the limit of 1000");
        fail(json!({}), "States.ArrayRange(0, 9223372036854775807, 1)", IF, "Invalid arguments in States.ArrayRange: the range would have 9223372036854775808 items, more than the limit of 1000");
        fail(json!({}), "States.ArrayRange(1, 2, 0)", IF, "Invalid arguments in States.ArrayRange: the step must not be zero");
        give(json!({"a": [1, 2, 3]}), "States.ArrayGetItem($.a, 2)", json!(3));
        fail(json!({"a": [1, 2, 3]}), "States.ArrayGetItem($.a, 3)", IF, "Invalid arguments in States.ArrayGetItem: the index 3 is out of bounds for an array of length 3");
        fail(json!({"a": [1]}), "States.ArrayGetItem($.a, -1)", IF, "Invalid arguments in States.ArrayGetItem: the index -1 is out of bounds for an array of length 1");
        fail(json!({"a": [1]}), "States.ArrayGetItem($.a, 'x')", IF, "Invalid arguments in States.ArrayGetItem: the index must be an integer, but was \"x\"");
        give(json!({"a": [1, 2, 3]}), "States.ArrayLength($.a)", json!(3));
        fail(json!({"a": "abc"}), "States.ArrayLength($.a)", IF, "Invalid arguments in States.ArrayLength: the argument must be an array, but was \"abc\"");
        give(json!({"a": [1, 1, 1.0, null, null, {"a": 1, "b": 2}, {"b": 2, "a": 1}, [], []]}), "States.ArrayUnique($.a)", json!([1, 1.0, null, {"a": 1, "b": 2}, []]));
    }

    #[test]
    fn encodings_and_hashes() {
        give(json!({"s": "Data to encode"}), "States.Base64Encode($.s)", json!("RGF0YSB0byBlbmNvZGU="));
        give(json!({"s": "RGF0YSB0byBlbmNvZGU="}), "States.Base64Decode($.s)", json!("Data to encode"));
        give(json!({"s": "RGF0YSB0byBlbmNvZGU"}), "States.Base64Decode($.s)", json!("Data to encode"));
        fail(json!({"s": "***"}), "States.Base64Decode($.s)", IF, "Invalid arguments in States.Base64Decode: the argument is not valid base64");
        give(json!({}), "States.Hash('input data', 'MD5')", json!("812f45842bc6d66ee14572ce20db8e86"));
        give(json!({}), "States.Hash('input data', 'SHA-1')", json!("aaff4a450a104cd177d28d18d74485e8cae074b7"));
        fail(json!({}), "States.Hash('x', 'SHA-3')", IF, "Invalid arguments in States.Hash: unsupported algorithm 'SHA-3'; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
        fail(json!({}), "States.Hash(1, 'MD5')", IF, "Invalid arguments in States.Hash: the data must be a string, but was 1");
    }

    #[test]
    fn math() {
        give(json!({"a": 1.49, "b": 1.5}), "States.MathAdd($.a, $.b)", json!(3));
        give(json!({}), "States.MathAdd(-1.49, -1.5)", json!(-2));
        give(json!({}), "States.MathAdd(-2.5, 0)", json!(-2));
        give(json!({}), "States.MathAdd(-0.5, 0.5)", json!(1));
        give(json!({}), "States.MathAdd($n, -1)", json!(4));
        fail(json!({}), "States.MathAdd('1', 2)", IF, "Invalid arguments in States.MathAdd: the first argument must be a number, but was \"1\"");
        fail(json!({}), "States.MathAdd(9223372036854775807, 1)", IF, "Invalid arguments in States.MathAdd: the sum is out of range");
        let r = run(json!({}), "States.MathRandom(5, 8)").unwrap().as_i64().unwrap();
        assert!((5..8).contains(&r));
        let seeded = |seed| run(json!({}), &format!("States.MathRandom(0, 1000000, {seed})")).unwrap();
        assert_eq!(seeded(3), seeded(3));
        assert_ne!(seeded(3), seeded(4));
        give(json!({}), "States.MathRandom(7, 8)", json!(7));
        fail(json!({}), "States.MathRandom(8, 8)", IF, "Invalid arguments in States.MathRandom: the start (8) must be less than the end (8)");
    }

    #[test]
    fn strings_and_uuid() {
        give(json!({"s": "This.is+a,test=string"}), "States.StringSplit($.s, '.+,=')", json!(["This", "is", "a", "test", "string"]));
        give(json!({"s": ",,a,,"}), "States.StringSplit($.s, ',')", json!(["a"]));
        give(json!({"s": "ab"}), "States.StringSplit($.s, '')", json!(["ab"]));
        give(json!({}), "States.StringSplit('Hello\nWorld', '\n')", json!(["Hello", "World"]));
        let id = run(json!({}), "States.UUID()").unwrap();
        let id = id.as_str().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_eq!(run(json!({}), "States.UUID()"), run(json!({}), "States.UUID()"));
    }

    #[test]
    fn paths_context_variables_nesting() {
        give(json!({}), "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))", json!("two"));
        give(json!({"a": [10, 20]}), "States.Array($.a[1], $)", json!([20, {"a": [10, 20]}]));
        give(json!({}), "States.Array($obj.a[1], $n)", json!([2, 5]));
        give(json!({}), "States.Array( 1 ,'a' )", json!([1, "a"]));
        fail(json!({"a": 1}), "States.Array($.b)", "States.Runtime", "The JSONPath '$.b' specified for the field 'out.$' could not be found in the input '{\"a\":1}'");
        fail(json!({}), "States.Array($nope)", "States.Runtime", "The JSONPath '$nope' specified for the field 'out.$' could not be found in the input '{}'");
    }

    #[test]
    fn syntax() {
        reject("States.Nope(1)");
        reject("States.UUID(1)");
        reject("States.MathAdd(1)");
        reject("States.MathRandom(1, 2, 3, 4)");
        reject("States.Format()");
        reject("States.Array(1");
        reject("States.Array('abc)");
        reject(r#"States.Format('He said \"hi\"')"#);
        reject(r"States.Format('\n')");
        reject("States.Array(1) x");
        reject("States.Array(1,)");
        reject("States.Array(abc)");
        reject("States.Array(1x)");
        reject("States.Array(-)");
        let deep = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
        assert!(Intrinsic::parse(&deep(MAX_NESTING)).is_ok());
        reject(&deep(MAX_NESTING + 1));
        reject(&deep(100_000));
        let f = Intrinsic::parse("States.Array($a, States.Format('{}', $$.Execution.Id), $b.c)").unwrap();
        assert!(f.uses_context());
        assert_eq!(f.variables(), ["a", "b"]);
        assert!(!Intrinsic::parse("States.Array($.a, '$$')").unwrap().uses_context());
        assert!(looks_like_intrinsic("States.Array()"));
        assert!(!looks_like_intrinsic("$.a"));
    }
}
