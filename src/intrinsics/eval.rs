//! Evaluating a [`Call`]: its arguments against a [`Scope`], then each function as AWS runs it.

use std::collections::HashSet;
use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::Value;

use super::{Arg, Call, Function, Scope, MAX_RANGE_ITEMS};
use crate::error::{ErrorName, Failure};
use crate::java::{self, json_text, write_json, write_json_string, write_value_of};

/// A value of an argument, with the `{}` holes of a literal template.
struct Evaluated {
    value: Value,
    holes: Option<Vec<usize>>,
}

/// The most bytes the arguments of one call may hold (about): a definition of 1 MB can name a
/// 256 KiB input thousands of times (`States.Array($.x, $.x, ...)`), which would be gigabytes.
/// AWS would refuse any such value as a state's data (256 KiB) anyway.
pub(crate) const MAX_ARGUMENT_BYTES: usize = 16 << 20;

pub(super) fn eval_call(call: &Call, scope: &Scope<'_>, rng: &mut fastrand::Rng) -> Result<Value, Failure> {
    let mut args = Vec::with_capacity(call.args.len());
    let mut bytes = 0usize;
    for arg in &call.args {
        let arg = eval_arg(arg, scope, rng)?;
        bytes = bytes.saturating_add(crate::history::value_bytes(&arg.value));
        if bytes > MAX_ARGUMENT_BYTES {
            return Err(Failure::new(
                ErrorName::Runtime,
                format!(
                    "The arguments of {} specified for the field '{}' exceeded the simulator's limit of \
                     {MAX_ARGUMENT_BYTES} bytes for one intrinsic function call.",
                    call.function.name(),
                    scope.field_name()
                ),
            ));
        }
        args.push(arg);
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
            path.select(doc).ok_or_else(|| not_found(path.text(), &scope.field_name(), doc))?
        }
        Arg::Variable { written, name, path } => {
            let Some(value) = (scope.variables)(name) else {
                return Err(not_found(written, &scope.field_name(), scope.input));
            };
            match path {
                None => value,
                Some(path) => path.select(&value).ok_or_else(|| not_found(written, &scope.field_name(), &value))?,
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
            let text = at_most_10k(f, string_arg(f, take(0), "the argument")?, "the argument")?;
            Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(text.as_bytes())))
        }
        Function::Base64Decode => {
            let text = at_most_10k(f, string_arg(f, take(0), "the argument")?, "the argument")?;
            let bytes =
                lenient_base64().decode(text.as_bytes()).map_err(|_| invalid(f, "the argument is not valid base64"))?;
            Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
        Function::Hash => {
            let data = at_most_10k(f, string_arg(f, take(0), "the data")?, "the data")?;
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
            // "You must specify integer values in the range of -2147483648 and 2147483647"
            // (the developer guide's intrinsic functions page, States.MathAdd).
            let int32 = |what: &str, n: i64| {
                i32::try_from(n).map(i64::from).map_err(|_| {
                    invalid(f, format!("{what} must be an integer between -2147483648 and 2147483647, but was {n}"))
                })
            };
            let a = int32("the first argument", rounded_arg(f, &take(0), "the first argument")?)?;
            let b = int32("the second argument", rounded_arg(f, &take(1), "the second argument")?)?;
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

/// A string of at most 10,000 characters, the limit of the data of `States.Base64Encode`,
/// `States.Base64Decode` ("a data string of up to 10,000 characters") and `States.Hash` ("10,000
/// characters or less"), as the developer guide's intrinsic functions page gives them.
fn at_most_10k(f: Function, s: String, what: &str) -> Result<String, Failure> {
    let n = s.chars().count();
    if n > 10_000 {
        return Err(invalid(f, format!("{what} has {n} characters, more than the limit of 10000")));
    }
    Ok(s)
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
                crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
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
