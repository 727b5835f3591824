//! AWS's JSONata functions (`$partition`, `$range`, `$hash`, `$parse`, `$uuid`) and its versions of
//! `$random`, `$shuffle`, `$now` and `$millis`, which read the execution's seeded random source
//! and virtual clock.

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError};
use jsonata_core::parser;
use jsonata_core::value::JValue;
use serde_json::{Map, Value};

use super::messages::MEMORY_LIMIT;
use super::syntax::children_mut;

/// The longest `$range` AWS builds: `$range(1, 360145, 1)` evaluates, one item more fails.
const MAX_RANGE_ITEMS: i128 = 360_145;

type HostResult = Result<JValue, EvaluatorError>;

pub(super) fn register_aws_functions(ev: &mut Evaluator, rng: &Rc<RefCell<fastrand::Rng>>, now_iso: &str) {
    let now: Rc<str> = Rc::from(now_iso);
    let (r1, r2, r3) = (rng.clone(), rng.clone(), rng.clone());
    let n1 = now.clone();
    // Names that jsonata-core does not have.
    for (name, f) in [
        ("partition", Box::new(partition) as Box<dyn Fn(&[JValue]) -> HostResult>),
        ("range", Box::new(range)),
        ("hash", Box::new(hash)),
        ("parse", Box::new(parse_json)),
        ("uuid", Box::new(move |_: &[JValue]| uuid(&r1))),
        (SURPLUS, Box::new(surplus_call)),
    ] {
        let _ = ev.register_fn(name, move |a: &[JValue]| f(a));
    }
    // Built-ins AWS changes: the host's clock and randomness are never read.
    let _ = ev.register_fn_override("random", move |a: &[JValue]| random(a, &r2));
    let _ = ev.register_fn_override("shuffle", move |a: &[JValue]| shuffle(a, &r3));
    let _ = ev.register_fn_override("now", move |a: &[JValue]| now_fn(a, &n1));
    let _ = ev.register_fn_override("millis", move |_: &[JValue]| iso_millis(&now).map(JValue::Number));
}

fn fail(message: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(message.into())
}

fn signature(function: &str, index: usize) -> EvaluatorError {
    fail(format!("T0410: Argument {index} of function \"{function}\" does not match function signature"))
}

/// An argument, or `None` when it is missing or undefined.
fn arg(args: &[JValue], i: usize) -> Option<&JValue> {
    args.get(i).filter(|v| !v.is_undefined())
}

/// The arity of AWS's functions. A direct call with more arguments is refused (T0410 on the first
/// surplus one); the parser turns such a call into a call of [`SURPLUS`], since at run time a
/// host function cannot tell a direct call from a higher-order function's callback, which is
/// handed extra arguments (`$map(list, $parse)`).
fn aws_arity(name: &str) -> Option<usize> {
    match name {
        "parse" | "random" => Some(1),
        "partition" | "hash" => Some(2),
        "range" => Some(3),
        "uuid" | "millis" => Some(0),
        _ => None,
    }
}

/// The function a direct call with surplus arguments becomes: `(name, argument number, args...)`.
/// Its name has a space, so no expression can spell it.
pub(super) const SURPLUS: &str = "aws surplus";

fn surplus_call(args: &[JValue]) -> HostResult {
    let name = args.first().and_then(JValue::as_str).unwrap_or("");
    let index = args.get(1).and_then(JValue::as_f64).unwrap_or(1.0) as usize;
    Err(signature(name, index))
}

/// Rewrites direct calls of AWS's functions that pass too many arguments (see [`aws_arity`]).
pub(super) fn mark_surplus_calls(node: &mut AstNode) {
    if let AstNode::Function { name, args, is_builtin } = node {
        let bare = name.trim_start_matches('$').to_string();
        if let Some(max) = aws_arity(&bare) {
            if args.len() > max {
                let mut new_args = vec![AstNode::String(bare), AstNode::Number((max + 1) as f64)];
                new_args.append(args);
                *name = SURPLUS.to_string();
                *is_builtin = false;
                *args = new_args;
            }
        }
    }
    for child in children_mut(node) {
        mark_surplus_calls(child);
    }
}

/// A number argument rounded toward zero, as AWS does (`-1.7` is `-1`).
fn integer(args: &[JValue], i: usize, function: &str) -> Result<Option<i64>, EvaluatorError> {
    match arg(args, i) {
        None => Ok(None),
        Some(JValue::Number(n)) if n.is_finite() => Ok(Some(n.trunc().clamp(i64::MIN as f64, i64::MAX as f64) as i64)),
        Some(_) => Err(signature(function, i + 1)),
    }
}

/// `$partition(array, size)`: chunks of `size`, the last one shorter.
fn partition(args: &[JValue]) -> HostResult {
    let items: Vec<JValue> = match arg(args, 0) {
        None => return Ok(JValue::Undefined),
        Some(JValue::Array(items)) => items.iter().cloned().collect(),
        Some(_) => return Err(fail("T0412: Argument 1 of function \"partition\" must be an array of undefined")),
    };
    if items.is_empty() {
        return Ok(JValue::Undefined);
    }
    let size = match integer(args, 1, "partition")? {
        None => return Ok(JValue::array(vec![JValue::array(items)])),
        Some(size) if size < 0 => return Err(fail("D3137: Second argument must be zero or greater")),
        Some(0) => return Ok(JValue::Undefined),
        Some(size) => usize::try_from(size).unwrap_or(usize::MAX),
    };
    Ok(JValue::array(items.chunks(size).map(|c| JValue::array(c.to_vec())).collect()))
}

/// `$range(start, end, step)`: `start`, `start + step`, ... up to `end`; one item is that item.
fn range(args: &[JValue]) -> HostResult {
    let start = integer(args, 0, "range")?.ok_or_else(|| signature("range", 1))?;
    let end = integer(args, 1, "range")?.ok_or_else(|| signature("range", 2))?;
    let Some(step) = integer(args, 2, "range")? else {
        return Ok(JValue::Undefined);
    };
    if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
        return Ok(JValue::Undefined);
    }
    let count = (end as i128 - start as i128) / step as i128 + 1;
    if count > MAX_RANGE_ITEMS {
        return Err(fail(MEMORY_LIMIT));
    }
    if count == 1 {
        return Ok(JValue::Number(start as f64));
    }
    Ok(JValue::array((0..count).map(|i| JValue::Number((start as i128 + i * step as i128) as f64)).collect()))
}

/// `$hash(text, algorithm)`: the lower-case hex digest of the UTF-8 bytes.
fn hash(args: &[JValue]) -> HostResult {
    use sha2::Digest;
    let Some(JValue::String(text)) = arg(args, 0) else {
        return Err(signature("hash", 1));
    };
    let algorithm = match arg(args, 1) {
        None => return Ok(JValue::Undefined),
        Some(JValue::String(a)) => a.to_string(),
        Some(_) => return Err(signature("hash", 2)),
    };
    let bytes = text.as_bytes();
    let digest: Vec<u8> = match algorithm.as_str() {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => {
            return Err(fail(format!(
                "D3137: Hash algorithm '{algorithm}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"
            )))
        }
    };
    Ok(JValue::string(digest.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// `$parse(text)`: JSON text to a value, refusing what AWS's strict parser refuses (trailing
/// text, a repeated key, a number out of range, nothing at all).
fn parse_json(args: &[JValue]) -> HostResult {
    let text = match arg(args, 0) {
        None => return Ok(JValue::Undefined),
        Some(JValue::String(s)) => s.clone(),
        Some(_) => return Err(signature("parse", 1)),
    };
    match serde_json::from_str::<Strict>(&text) {
        Ok(Strict(value)) => Ok(JValue::from(value)),
        Err(_) => Err(fail("D3137: Invalid JSON")),
    }
}

/// A JSON value that refuses duplicate keys.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Strict;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Strict, E> {
                Ok(Strict(Value::Bool(b)))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Strict, E> {
                Ok(Strict(Value::from(n)))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Strict, E> {
                Ok(Strict(Value::from(n)))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Strict, E> {
                serde_json::Number::from_f64(n).map(|n| Strict(Value::Number(n))).ok_or_else(|| E::custom("range"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Strict, E> {
                Ok(Strict(Value::String(s.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Strict, E> {
                Ok(Strict(Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
                let mut out = Vec::new();
                while let Some(Strict(v)) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Strict(Value::Array(out)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
                let mut out = Map::new();
                while let Some((k, Strict(v))) = map.next_entry::<String, Strict>()? {
                    if out.insert(k, v).is_some() {
                        return Err(serde::de::Error::custom("duplicate key"));
                    }
                }
                Ok(Strict(Value::Object(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// `$random(seed)`: seeded, the first `nextDouble()` of `java.util.Random(seed)`, which is what
/// AWS answers; unseeded, a draw from the execution's random source.
fn random(args: &[JValue], rng: &RefCell<fastrand::Rng>) -> HostResult {
    Ok(JValue::Number(match integer(args, 0, "random")? {
        Some(seed) => java_random_double(seed),
        None => rng.borrow_mut().f64(),
    }))
}

fn java_random_double(seed: i64) -> f64 {
    const MULTIPLIER: u64 = 0x5DEE_CE66D;
    const MASK: u64 = (1 << 48) - 1;
    let mut state = (seed as u64 ^ MULTIPLIER) & MASK;
    let mut next = |bits: u32| {
        state = (state.wrapping_mul(MULTIPLIER).wrapping_add(0xB)) & MASK;
        state >> (48 - bits)
    };
    let high = next(26);
    let low = next(27);
    ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `$uuid()`: a version 4 UUID from the execution's random source.
fn uuid(rng: &RefCell<fastrand::Rng>) -> HostResult {
    let mut bytes = [0u8; 16];
    rng.borrow_mut().fill(&mut bytes);
    Ok(JValue::string(uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()))
}

/// `$shuffle(array)` from the execution's random source.
fn shuffle(args: &[JValue], rng: &RefCell<fastrand::Rng>) -> HostResult {
    let mut items: Vec<JValue> = match arg(args, 0) {
        None => return Ok(JValue::Undefined),
        Some(JValue::Array(items)) => items.iter().cloned().collect(),
        Some(other) => vec![other.clone()],
    };
    rng.borrow_mut().shuffle(&mut items);
    Ok(JValue::array(items))
}

/// `$now(picture, timezone)`: the virtual clock, formatted as `$fromMillis` formats.
fn now_fn(args: &[JValue], now_iso: &str) -> HostResult {
    let millis = iso_millis(now_iso)?;
    let picture = arg(args, 0).cloned().unwrap_or(JValue::Undefined);
    let zone = arg(args, 1).cloned().unwrap_or(JValue::Undefined);
    helper("$fromMillis($m, $p, $z)", vec![("m", JValue::Number(millis)), ("p", picture), ("z", zone)])
}

/// Milliseconds since the epoch of an ISO 8601 timestamp, read by JSONata's own `$toMillis`.
fn iso_millis(iso: &str) -> Result<f64, EvaluatorError> {
    helper("$toMillis($t)", vec![("t", JValue::string(iso))])?.as_f64().ok_or_else(|| {
        fail(format!(
            "D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"{iso}\""
        ))
    })
}

/// Evaluates a fixed helper expression with plain jsonata-core.
fn helper(expr: &str, bindings: Vec<(&str, JValue)>) -> HostResult {
    let ast = parser::parse(expr).map_err(|e| fail(e.to_string()))?;
    let mut context = Context::new();
    for (name, value) in bindings {
        context.bind(name.to_string(), value);
    }
    Evaluator::with_context(context).evaluate(&ast, &JValue::Undefined)
}
