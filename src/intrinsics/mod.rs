//! Intrinsic functions of JSONPath states: `States.Format('{}', $.name)` and the 17 others.
//!
//! Each call is parsed once when the definition loads, then evaluated against the state input,
//! the context object and the variables in scope.
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
//! `{a=1, b=[]}` and floats as `1.0E10`; `States.JsonToString` writes Jackson's compact JSON
//! (both from [`crate::java`]).
//!
//! Failures carry only AWS's own part of the cause. The executor prefixes it with
//! `An error occurred while executing the state '...' (entered at the event id #N). `.
//!
//! Stages, one file each: `parse` (text into a call tree) and `eval` (arguments, then functions).

mod eval;
mod parse;
#[cfg(test)]
#[rustfmt::skip]
mod tests;

use serde_json::Value;

use crate::error::Failure;
use crate::jsonpath::JsonPath;
use eval::eval_call;
use parse::parse_call;

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
    /// The field named in "could not be found" messages, followed by `field_suffix`.
    pub field: &'a str,
    /// `.$` when `field` is a payload template's key without it (see [`Scope::with_template_key`]).
    pub field_suffix: &'static str,
}

fn no_variables(_: &str) -> Option<Value> {
    None
}

impl<'a> Scope<'a> {
    /// A scope with no variables and no field name.
    pub fn new(input: &'a Value, context: &'a Value) -> Scope<'a> {
        Scope { input, context, variables: &no_variables, field: "", field_suffix: "" }
    }
    /// The same scope reporting `field` in messages.
    pub fn with_field(self, field: &'a str) -> Scope<'a> {
        Scope { field, field_suffix: "", ..self }
    }
    /// The same scope reporting the template field `key.$` in messages (the name is only built
    /// for a message).
    pub fn with_template_key(self, key: &'a str) -> Scope<'a> {
        Scope { field: key, field_suffix: ".$", ..self }
    }
    /// The field named in messages, such as `FunctionResult.$`.
    pub fn field_name(&self) -> String {
        format!("{}{}", self.field, self.field_suffix)
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
        Ok(Intrinsic { text: text.to_string(), call: parse_call(text)? })
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
