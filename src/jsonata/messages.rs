//! AWS's wording: the `States.QueryEvaluationError` causes, and `jsonata-core`'s parse and
//! evaluation errors rewritten to the jsonata-js texts AWS quotes.

use jsonata_core::evaluator::EvaluatorError;
use serde_json::Value;

use super::causes::has_code;
use super::results::number;

/// AWS's message when an evaluation builds too much (a long sequence, a deep value).
pub(super) const MEMORY_LIMIT: &str = "Expression evaluation memory limit exceeded: Check for excessive memory usage";
/// AWS's message when an evaluation nests too deeply.
pub(super) const STACK_OVERFLOW: &str = "Stack overflow error: Check for non-terminating recursive function. \
                                         Consider rewriting as tail-recursive";
/// AWS's message when an evaluation runs too long.
const TIMEOUT: &str = "Expression evaluation timeout: Check for infinite loop";

/// AWS's `INVALID_JSONATA_EXPRESSION` text for a jsonata-core parse error: the jsonata-js message
/// without its code, tokens written as jsonata-js writes them (`"]"`, not `RightBracket`).
pub(super) fn parse_message(raw: &str) -> String {
    let mut m = raw;
    for prefix in ["Parse error: ", "Invalid syntax: ", "Invalid number: "] {
        m = m.strip_prefix(prefix).unwrap_or(m);
    }
    let code = has_code(m).then(|| &m[..5]);
    let body = if code.is_some() { &m[7.min(m.len())..] } else { m };
    let rewrite = |prefix: &str, rest: &str| format!("{prefix}{}", js_token(rest));
    match code {
        Some("S0202") => match body.strip_prefix("Expected ").and_then(|r| r.split_once(", got ")) {
            Some((expected, found)) => {
                format!("Expected {}, got {}", js_token(expected), js_token(found))
            }
            None => body.to_string(),
        },
        Some("S0203") => match body.strip_prefix("Expected ").and_then(|r| r.strip_suffix(" before end of expression"))
        {
            Some(expected) => format!("Expected {} before end of expression", js_token(expected)),
            None => body.to_string(),
        },
        Some("S0211") => {
            match body.strip_prefix("The symbol ").and_then(|r| r.strip_suffix(" cannot be used as a unary operator")) {
                Some(token) => format!("The symbol {} cannot be used as a unary operator", js_token(token)),
                None => body.to_string(),
            }
        }
        Some("S0201") => body.strip_prefix("Syntax error: ").map_or(body.to_string(), |t| rewrite("Syntax error: ", t)),
        Some("S0204") => {
            body.strip_prefix("Unknown operator: ").map_or(body.to_string(), |t| rewrite("Unknown operator: ", t))
        }
        _ => body.to_string(),
    }
}

/// A token as jsonata-js renders it in a message: `JSON.stringify` of its value.
#[rustfmt::skip]
fn js_token(token: &str) -> String {
    let symbol = match token {
        "Plus" => "+", "Minus" => "-", "Star" => "*", "StarStar" => "**", "Slash" => "/",
        "Percent" => "%", "Equal" => "=", "NotEqual" => "!=", "LessThan" => "<",
        "LessThanOrEqual" => "<=", "GreaterThan" => ">", "GreaterThanOrEqual" => ">=",
        "And" => "and", "Or" => "or", "In" => "in", "Ampersand" => "&", "Dot" => ".",
        "DotDot" => "..", "Question" | "QuestionQuestion" | "QuestionColon" => "?",
        "Colon" => ":", "ColonEqual" => ":=", "TildeArrow" => "~>", "LeftParen" => "(",
        "RightParen" => ")", "LeftBracket" => "[", "RightBracket" => "]", "LeftBrace" => "{",
        "RightBrace" => "}", "Comma" => ",", "Semicolon" => ";", "Caret" => "^", "Pipe" => "|",
        "Hash" => "#", "At" => "@", "Undefined" => "undefined",
        "True" => return "true".into(),
        "False" => return "false".into(),
        "Null" => return "null".into(),
        _ => {
            // `String("a")`, `Identifier("a")`, `Variable("a")`, `Number(1.0)`, or a bare character.
            if let Some((kind, rest)) = token.split_once('(') {
                let inner = rest.strip_suffix(')').unwrap_or(rest);
                return match kind {
                    "Number" => inner
                        .parse::<f64>()
                        .map(|n| number(n).to_string())
                        .unwrap_or_else(|_| inner.into()),
                    _ => serde_json::from_str::<String>(inner)
                        .map(|s| Value::String(s).to_string())
                        .unwrap_or_else(|_| inner.to_string()),
                };
            }
            token
        }
    };
    Value::String(symbol.to_string()).to_string()
}

/// The text AWS quotes for a jsonata-core evaluation error: jsonata-js's template for the code,
/// with the values jsonata-core's message carries.
pub(super) fn error_message(e: &EvaluatorError, calls: &[String]) -> String {
    let m = e.message();
    if !has_code(m) {
        return m.to_string();
    }
    let (code, body) = (&m[..5], m[6..].trim_start());
    let coded = |text: &str| format!("{code}: {text}");
    let between = |before: &str, after: &str| body.strip_prefix(before).and_then(|r| r.strip_suffix(after));
    match code {
        "D1011" | "U1001" => STACK_OVERFLOW.to_string(),
        "D2014" | "D2015" => MEMORY_LIMIT.to_string(),
        "D1012" => TIMEOUT.to_string(),
        "T1006" => coded("Attempted to invoke a non-function"),
        "T1008" => coded("Attempted to partially apply a non-function"),
        "D3010" => "Second argument of replace function cannot be an empty string".to_string(),
        "D3020" => coded("Third argument of split function must evaluate to a positive number"),
        "D3001" => coded("Attempting to invoke string function on Infinity or NaN"),
        "D3138" => coded("The $single() function expected exactly 1 matching result.  Instead it matched more."),
        "D3139" => coded("The $single() function expected exactly 1 matching result.  Instead it matched 0."),
        "T2003" => coded("The left side of the range operator (..) must evaluate to an integer"),
        "T2004" => coded("The right side of the range operator (..) must evaluate to an integer"),
        "D3080" => coded("The picture string must only contain a maximum of two sub-pictures"),
        "D3081" => coded("The sub-picture must not contain more than one instance of the 'decimal-separator' character"),
        "D3082" => coded("The sub-picture must not contain more than one instance of the 'percent' character"),
        "D3083" => coded("The sub-picture must not contain more than one instance of the 'per-mille' character"),
        "D3084" => coded("The sub-picture must not contain both a 'percent' and a 'per-mille' character"),
        "D3085" => coded("The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"),
        "D3086" => coded("The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"),
        "D3087" => coded("The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"),
        "D3088" => coded("The sub-picture must not contain a 'grouping-separator' at the end of the integer part"),
        "D3089" => coded("The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"),
        "D3090" => coded("The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"),
        "D3091" => coded("The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"),
        "D3092" => coded("A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"),
        "D3093" => coded("The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"),
        "T2001" | "T2002" => {
            let side = if body.contains("left side") { ("T2001", "left") } else { ("T2002", "right") };
            let op = between(&format!("The {} side of the ", side.1), " operator must evaluate to a number");
            match op {
                Some(op) => format!("{}: The {} side of the {} operator must evaluate to a number", side.0, side.1, Value::String(op.trim_matches('"').to_string())),
                None => m.to_string(),
            }
        }
        "D3030" => match between("Cannot convert '", "' to number") {
            Some(v) => coded(&format!("Unable to cast value to a number: {}", Value::String(v.to_string()))),
            None => m.to_string(),
        },
        "T0410" | "T0411" | "T0412" => signature_message(code, body, calls),
        _ => m.to_string(),
    }
}

/// jsonata-js's signature errors name the function: `Argument 1 of function "sum" must be an
/// array of "numbers"`. jsonata-core's often do not, so the name comes from the expression's
/// calls when the message lacks it (the innermost call with that many arguments).
fn signature_message(code: &str, body: &str, calls: &[String]) -> String {
    // "Argument count mismatch: expected 1, got 2": jsonata-js names the first argument that does
    // not fit, the first surplus one or the first missing one.
    let counts: Vec<usize> = body
        .strip_prefix("Argument count mismatch: ")
        .map(|r| r.split(|c: char| !c.is_ascii_digit()).filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default();
    let index: usize = if let [expected, got] = counts[..] {
        expected.min(got) + 1
    } else {
        body.split(|c: char| !c.is_ascii_digit()).find(|s| !s.is_empty()).and_then(|s| s.parse().ok()).unwrap_or(1)
    };
    let named = body
        .split_once("of function ")
        .map(|(_, rest)| rest.split(' ').next().unwrap_or("").trim_start_matches('$').trim_matches('"').to_string())
        .filter(|n| !n.is_empty() && n != "undefined" && n != "does");
    let function = named.or_else(|| calls.first().cloned()).unwrap_or_default();
    let function = Value::String(function);
    match code {
        "T0412" => {
            let wanted = body.rsplit("array of ").next().unwrap_or("").trim().trim_matches('"').to_lowercase();
            let plural = match wanted.as_str() {
                "number" | "numbers" => "numbers",
                "string" | "strings" => "strings",
                "boolean" | "booleans" => "booleans",
                "object" | "objects" => "objects",
                "array" | "arrays" => "arrays",
                "function" | "functions" => "functions",
                other => other,
            };
            format!("T0412: Argument {index} of function {function} must be an array of \"{plural}\"")
        }
        "T0411" => {
            format!("T0411: Context value is not a compatible type with argument {index} of function {function}")
        }
        _ => format!("T0410: Argument {index} of function {function} does not match function signature"),
    }
}
