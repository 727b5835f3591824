//! Unit tests of the intrinsic functions: one line per case through `give`, `fail` and `reject`.

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
    // The developer guide's intrinsic functions page: Base64Encode/Base64Decode take "a data string
    // of up to 10,000 characters", Hash data "containing 10,000 characters or less".
    let (at_limit, past) = ("é".repeat(10_000), "a".repeat(10_001));
    assert!(run(json!({"s": at_limit}), "States.Hash($.s, 'MD5')").is_ok());
    assert!(run(json!({"s": "QUFB".repeat(2_500)}), "States.Base64Decode($.s)").is_ok());
    for f in ["States.Base64Encode($.s)", "States.Base64Decode($.s)", "States.Hash($.s, 'MD5')"] {
        let (name, what) = f.split_once('(').map(|(n, _)| (n, if n == "States.Hash" { "the data" } else { "the argument" })).unwrap();
        fail(json!({"s": past}), f, IF, &format!("Invalid arguments in {name}: {what} has 10001 characters, more than the limit of 10000"));
    }
}

#[test]
fn math() {
    give(json!({"a": 1.49, "b": 1.5}), "States.MathAdd($.a, $.b)", json!(3));
    give(json!({}), "States.MathAdd(-1.49, -1.5)", json!(-2));
    give(json!({}), "States.MathAdd(-2.5, 0)", json!(-2));
    give(json!({}), "States.MathAdd(-0.5, 0.5)", json!(1));
    give(json!({}), "States.MathAdd($n, -1)", json!(4));
    fail(json!({}), "States.MathAdd('1', 2)", IF, "Invalid arguments in States.MathAdd: the first argument must be a number, but was \"1\"");
    // "You must specify integer values in the range of -2147483648 and 2147483647" (the developer
    // guide's intrinsic functions page); the sum of two such values may go past it.
    give(json!({}), "States.MathAdd(2147483647, 1)", json!(2147483648i64));
    give(json!({}), "States.MathAdd(-2147483648, -1)", json!(-2147483649i64));
    fail(json!({"v": 2147483648i64}), "States.MathAdd($.v, -1)", IF, "Invalid arguments in States.MathAdd: the first argument must be an integer between -2147483648 and 2147483647, but was 2147483648");
    fail(json!({}), "States.MathAdd(0, -2147483649)", IF, "Invalid arguments in States.MathAdd: the second argument must be an integer between -2147483648 and 2147483647, but was -2147483649");
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
