//! Unit tests: values, AWS's functions and limits, error texts, templates and names.

use serde_json::json;

use super::messages::{MEMORY_LIMIT, STACK_OVERFLOW};
use super::syntax::nesting_estimate;
use super::*;

fn env_eval(input: Value, expr: &str) -> Result<Value, Failure> {
    let states = json!({"input": input, "context": {"Execution": {"Id": "x"}}});
    let variables = |name: &str| match name {
        "one" => Some(json!(1)),
        "obj" => Some(json!({"a": [1, 2]})),
        "nothing" => Some(Value::Null),
        _ => None,
    };
    let mut rng = fastrand::Rng::with_seed(42);
    let mut env = Env {
        states: &states,
        variables: &variables,
        now_iso: "2024-01-01T00:00:00Z",
        rng: &mut rng,
        limits: Default::default(),
    };
    Jsonata::parse(expr).map_err(|m| Failure::custom("parse", m))?.eval_field(&mut env, "Output")
}

/// `give(input, expr, output)`: the expression's value.
fn give(input: Value, expr: &str, expected: Value) {
    assert_eq!(env_eval(input, expr), Ok(expected), "{expr}");
}

/// `fails(expr, cause tail)`: the expression throws, with this text after AWS's sentence.
fn fails(expr: &str, tail: &str) {
    let e = env_eval(json!({}), expr).unwrap_err();
    assert_eq!(e.error, "States.QueryEvaluationError", "{expr}");
    let head =
        format!("The JSONata expression '{expr}' specified for the field 'Output' threw an error during evaluation");
    assert_eq!(e.cause.strip_prefix(&head), Some(tail), "{expr}: {}", e.cause);
}

fn invalid(expr: &str, message: &str) {
    assert_eq!(Jsonata::parse(expr).unwrap_err(), message, "{expr}");
}

#[test]
fn values() {
    give(json!({"a": 1}), "$states.input.a", json!(1));
    give(json!({}), "3.0", json!(3));
    give(json!({}), "-0", json!(0));
    give(json!({}), "1.5 * 2", json!(3));
    give(json!({}), "0.1 + 0.2", json!(0.30000000000000004));
    give(json!({}), "1e21", json!(1e21));
    give(json!({}), "1/0", json!("Infinity"));
    give(json!({}), "[-1/0]", json!(["-Infinity"]));
    give(json!({"n": [1, 2, 3]}), "$sum($states.input.n) + $one", json!(7));
    give(json!({}), "{'b': 1, 'a': 2}", json!({"b": 1, "a": 2}));
    give(json!({}), "{'a': $nope, 'b': [1, $nope]}", json!({"b": [1]}));
    give(json!({}), "$obj.a[1]", json!(2));
    give(json!({}), "$nothing", json!(null));
    give(json!({}), "$exists($nothing)", json!(true));
    give(json!({}), "$contains(\"hello$world\", /^hello\\$/)", json!(true));
    give(json!({}), "$states.context.Execution.Id", json!("x"));
    give(json!({}), "($x := 2; $x * 3)", json!(6));
    give(json!({"items": [{"n": 3}, {"n": 9}]}), "$states.input.items.n", json!([3, 9]));
    give(json!({}), "$exists($eval)", json!(false));
    give(json!({"bar": null}), "$exists($states.input.bar)", json!(true));
    give(json!({"bar": null}), "$type($states.input.bar)", json!("null"));
    give(json!({"name": "Ann"}), "'Hello ' & $states.input.name", json!("Hello Ann"));
    give(json!({}), "$string(1e20)", json!("100000000000000000000"));
    give(json!({}), "$string(1e21)", json!("1e+21"));
    give(json!({}), "$string(1/3)", json!("0.333333333333333"));
    give(json!({}), "$formatNumber(1234.5678, '#,##0.00')", json!("1,234.57"));
    give(json!({}), "$fromMillis(0)", json!("1970-01-01T00:00:00.000Z"));
    give(json!({"amount": 1.0}), "$states.input.amount", json!(1));
    give(json!({}), "[1,2,3][$ > 1]", json!([2, 3]));
    give(json!({}), "$single([1,2], function($x){$x = 2})", json!(2));
}

#[test]
fn aws_functions() {
    give(json!({}), "$partition([1,2,3,4,5], 2)", json!([[1, 2], [3, 4], [5]]));
    give(json!({}), "$partition([0], 1)", json!([[0]]));
    give(json!({}), "$partition([1,2,3])", json!([[1, 2, 3]]));
    give(json!({}), "$partition([1,2,3,4,5], 2.9)", json!([[1, 2], [3, 4], [5]]));
    give(json!({}), "$range(0, 9, 3)", json!([0, 3, 6, 9]));
    give(json!({}), "$range(1, 9, 9)", json!(1));
    give(json!({}), "$range(10, 0, -2)", json!([10, 8, 6, 4, 2, 0]));
    give(json!({}), "$range(-1.7, 2, 1)", json!([-1, 0, 1, 2]));
    give(json!({}), "$count($range(-9223372036854775808, 9223372036854775807, 9223372036854775807))", json!(3));
    give(json!({}), "$hash('Hello', 'MD5')", json!("8b1a9953c4611296a827abf8c47804d7"));
    give(json!({}), "$hash('Hello', 'SHA-1')", json!("f7ff9e8b7bb2e09b70935a5d785e0cc5d9d0abf0"));
    give(
        json!({}),
        "$hash('Hello', 'SHA-256')",
        json!("185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969"),
    );
    give(json!({}), "$hash('ñ', 'MD5')", json!("94e9342ecbb1458b6043ecd3bfcbc192"));
    give(json!({}), "$parse('{\"b\":1,\"a\":[2.5,\"x\"]}')", json!({"b": 1, "a": [2.5, "x"]}));
    give(json!({}), "$parse('-0')", json!(0));
    give(json!({}), "$parse('1.0')", json!(1));
    give(json!({}), "$exists($parse('null'))", json!(true));
    give(json!({}), "$map(['{\"a\":1}', '{\"a\":2}'], $parse).a", json!([1, 2]));
    give(json!({}), "$random(42)", json!(0.7275636800328681));
    give(json!({}), "$random(0)", json!(0.730967787376657));
    give(json!({}), "$random(7)", json!(0.7306990420600421));
    give(json!({}), "$random(0.9) = $random(0)", json!(true));
    give(json!({}), "$random() < 1", json!(true));
    give(json!({}), "$uuid() = $uuid()", json!(false));
    give(json!({}), "$now()", json!("2024-01-01T00:00:00.000Z"));
    give(json!({}), "$millis()", json!(1704067200000i64));
    give(json!({}), "$now('[Y0001]-[M01]-[D01]')", json!("2024-01-01"));
    give(json!({}), "$count($shuffle([1,2,3]))", json!(3));
    // The execution's seeded source shuffles (jsonata-core's own `$shuffle` is never reached: its
    // `rand` is shims/rand, which reads no host randomness).
    give(json!({}), "$shuffle([1,2,3,4,5,6,7,8])", json!([5, 3, 2, 7, 1, 4, 6, 8]));
}

#[test]
fn aws_function_errors() {
    fails("$partition([1,2,3], -1)", ". D3137: Second argument must be zero or greater");
    fails(
        "$hash('Hello', 'md5')",
        ". D3137: Hash algorithm 'md5' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5",
    );
    fails("$hash(42, 'MD5')", ". T0410: Argument 1 of function \"hash\" does not match function signature");
    fails("$parse('{\"a\":1,\"a\":2}')", ". D3137: Invalid JSON");
    fails("$parse('[1] [2]')", ". D3137: Invalid JSON");
    fails("$parse('')", ". D3137: Invalid JSON");
    fails("$parse('1e400')", ". D3137: Invalid JSON");
    fails("$parse(null)", ". T0410: Argument 1 of function \"parse\" does not match function signature");
    fails("$range(1, 5, 1, 'x')", ". T0410: Argument 4 of function \"range\" does not match function signature");
    fails("$uuid('seed')", ". T0410: Argument 1 of function \"uuid\" does not match function signature");
    fails("$parse('{}', 'x')", ". T0410: Argument 2 of function \"parse\" does not match function signature");
    fails(
        "$partition([1,2,3], 2, 'x')",
        ". T0410: Argument 3 of function \"partition\" does not match function signature",
    );
    fails("$hash('a', 'MD5', 'x')", ". T0410: Argument 3 of function \"hash\" does not match function signature");
    fails("$uppercase(1)", ". T0410: Argument 1 of function \"uppercase\" does not match function signature");
    fails("$random(1, 2)", ". T0410: Argument 2 of function \"random\" does not match function signature");
    fails("$range(1, 360146, 1)", ": Expression evaluation memory limit exceeded: Check for excessive memory usage");
    fails("$eval('1+1')", ". T1006: Attempted to invoke a non-function");
    fails("$randomSeeded(1)", ". T1006: Attempted to invoke a non-function");
}

#[test]
fn limits() {
    give(json!({}), &format!("1{}", "+1".repeat(99)), json!(100));
    fails(&format!("1{}", "+1".repeat(100)), &format!(": {STACK_OVERFLOW}"));
    give(json!({}), &format!("{}1{}", "(".repeat(99), ")".repeat(99)), json!(1));
    let recursion = |n: u32| format!("($f := function($x){{ $x <= 0 ? 0 : 1 + $f($x-1) }}; $f({n}))");
    give(json!({}), &recursion(31), json!(31));
    fails(&recursion(32), &format!(": {STACK_OVERFLOW}"));
    give(json!({}), "[1..873782] ~> $count()", json!(873782));
    fails("[1..873783] ~> $count()", &format!(": {MEMORY_LIMIT}"));
    fails("$sum([1..900000])", &format!(": {MEMORY_LIMIT}"));
}

#[test]
fn jsonata_error_texts() {
    fails("$split('a','b',-1)", ". D3020: Third argument of split function must evaluate to a positive number");
    fails("$sum(['a'])", ". T0412: Argument 1 of function \"sum\" must be an array of \"numbers\"");
    fails("$each('x', function($v){$v})", ". T0410: Argument 1 of function \"each\" does not match function signature");
    fails(
        "$reduce([1,2], function($a){$a})",
        ". D3050: The second argument of reduce function must be a function with at least two arguments",
    );
    fails(
        "$single([1,2], function($x){true})",
        ". D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.",
    );
    fails("$sqrt(-1)", ". D3060: The sqrt function cannot be applied to a negative number: -1");
    fails("1 + {}", ". T2002: The right side of the \"+\" operator must evaluate to a number");
    fails("$replace('a','','b')", ": Second argument of replace function cannot be an empty string");
    fails("$formatNumber(1, 'x')", ". D3086: The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character");
}

#[test]
fn undefined_and_types() {
    let e = env_eval(json!({}), "$doesNotExist").unwrap_err();
    assert_eq!(
        e.cause,
        "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."
    );
    assert_eq!(
        unexpected_type_cause("{'foo': 'bar'}", "Items", "array", &json!({"foo": "bar"})),
        "The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"
    );
    assert_eq!(type_name(&json!("s")), "string");
    let e = env_eval(json!({}), "$sum").unwrap_err();
    assert!(e.cause.ends_with("returned an unsupported result type."), "{}", e.cause);
}

#[test]
fn parse_errors() {
    invalid("a[1,2)", "Expected \"]\", got \",\"");
    invalid("\"unterminated", "String literal must be terminated by a matching quote");
    invalid("1 +", "Unexpected end of expression");
    invalid("{\"a\":}", "The symbol \"}\" cannot be used as a unary operator");
    invalid("$x :=", "Unexpected end of expression");
    invalid("$match(\"a\", /abc", "No terminating / in regular expression");
    invalid("$match('/', /abc", "No terminating / in regular expression");
    invalid("phone %.other", "The symbol \".\" cannot be used as a unary operator");
    invalid("", "Unexpected end of expression");
    invalid("$x ?? 1", "The symbol \"?\" cannot be used as a unary operator");
    invalid("$x ?: 1", "The symbol \":\" cannot be used as a unary operator");
    invalid("(1; 2", "Expected \")\" before end of expression");
    assert_eq!(nesting_estimate("'((' & \"[[\" & `{{` /* ((( */ & [1]"), 2 + 2 * 3 + 2);
    assert_eq!(nesting_estimate("{'a': 1, 'b': 2 and 3}"), 2 + 2 + 2 * 2);
    let deep = format!("{}1{}", "(".repeat(300), ")".repeat(300));
    assert!(env_eval(json!({}), &deep).unwrap_err().cause.ends_with(STACK_OVERFLOW));
}

#[test]
fn templates() {
    assert_eq!(template_expr("{% $x %}"), Some("$x"));
    assert_eq!(template_expr("{%$x%}"), Some("$x"));
    assert_eq!(template_expr(" {% $x %}"), None);
    assert_eq!(template_expr("{% $x %} "), None);
    assert_eq!(template_expr("{%}"), None);
    assert_eq!(template_expr("Hello {% $x %}!"), None);
    let t = Template::parse(&json!({"a": [1, {"b": "{% $states.input.missing %}"}]})).unwrap();
    let states = json!({"input": {}});
    let mut rng = fastrand::Rng::with_seed(1);
    let mut env = Env {
        states: &states,
        variables: &|_| None,
        now_iso: "2024-01-01T00:00:00Z",
        rng: &mut rng,
        limits: Default::default(),
    };
    let e = t.eval(&mut env, "Arguments").unwrap_err();
    assert_eq!(e.cause, "The JSONata expression '$states.input.missing' specified for the field 'Arguments/a[1]/b' returned nothing (undefined).");
    let err = Template::parse_at(&json!({"a": {"b/c": ["x", "{% 1 + %}"]}})).unwrap_err();
    assert_eq!(err, TemplateError { pointer: "/a/b~1c/1".into(), message: "Unexpected end of expression".into() });
    assert!(matches!(Template::parse(&json!({"k": [" {% x %} ", "$x"]})).unwrap(), Template::Literal(_)));
}

#[test]
fn names() {
    let e = Jsonata::parse(
        "($y := $x + $states.input.a; $f := function($p){ $p + $z }; $f($y) + $one + $count($map([1], $string)))",
    )
    .unwrap();
    assert_eq!(e.variables(), vec!["x", "z", "one"]);
    assert_eq!(e.states_fields(), vec!["input"]);
    let refs = |s: &str| Jsonata::parse(s).unwrap().unsupported_references();
    assert_eq!(refs("phone[0]"), vec!["Reference to 'phone' at the top level is not supported."]);
    assert_eq!(refs("$states.input.items[value > 3].name"), Vec::<String>::new());
    assert_eq!(refs("$$"), vec!["Reference to '$$' is not supported."]);
    assert_eq!(
        refs("$map($states.input.a, function($x){ b })"),
        vec!["Reference to 'b' at the top level is not supported."]
    );
    assert_eq!(Jsonata::parse("$states.errorOutput.Cause").unwrap().states_fields(), vec!["errorOutput"]);
}

#[test]
fn the_random_source_advances() {
    let states = json!({"input": {}});
    let mut rng = fastrand::Rng::with_seed(5);
    let e = Jsonata::parse("$uuid()").unwrap();
    let mut env = Env {
        states: &states,
        variables: &|_| None,
        now_iso: "2024-01-01T00:00:00Z",
        rng: &mut rng,
        limits: Default::default(),
    };
    let (a, b) = (e.eval(&mut env).unwrap(), e.eval(&mut env).unwrap());
    assert_ne!(a, b);
    let mut again = fastrand::Rng::with_seed(5);
    let mut env = Env {
        states: &states,
        variables: &|_| None,
        now_iso: "2024-01-01T00:00:00Z",
        rng: &mut again,
        limits: Default::default(),
    };
    assert_eq!(e.eval(&mut env).unwrap(), a);
}

/// The nesting estimate is one pass: 200,000 parentheses cost a few milliseconds, not seconds.
#[test]
fn the_nesting_estimate_is_linear() {
    let deep = format!("{}1{}", "(".repeat(200_000), ")".repeat(200_000));
    assert_eq!(nesting_estimate(&deep), 2 + 2 * 200_000);
    assert_eq!(nesting_estimate("(1+2, 3) + [4]"), 2 + 2 + 2);
    let started = std::time::Instant::now();
    let parsed = Jsonata::parse(&deep).unwrap();
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    let states = json!({"input": {}, "context": {}});
    let mut rng = fastrand::Rng::with_seed(0);
    let mut env = Env {
        states: &states,
        variables: &|_| None,
        now_iso: "2024-01-01T00:00:00Z",
        rng: &mut rng,
        limits: Default::default(),
    };
    let failure = parsed.eval_field(&mut env, "Output").unwrap_err();
    assert_eq!(failure.error, "States.QueryEvaluationError");
    assert!(
        failure.cause.ends_with(
            "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive"
        ),
        "{}",
        failure.cause
    );
}
