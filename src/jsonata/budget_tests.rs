//! Unit tests of the evaluation budgets: what would build gigabytes or never end stops, with the
//! simulator's `States.Runtime` cause, and ordinary expressions are not affected.

use serde_json::json;

use super::*;

fn eval_with(expr: &str, limits: Limits) -> Result<Value, Failure> {
    let states = json!({"input": {"big": "x".repeat(100_000)}, "context": {}});
    let mut rng = fastrand::Rng::with_seed(1);
    let mut env = Env { states: &states, variables: &|_| None, now_iso: "2024-01-01T00:00:00Z", rng: &mut rng, limits };
    Jsonata::parse(expr).map_err(|m| Failure::custom("parse", m))?.eval_field(&mut env, "Output")
}

fn eval(expr: &str) -> Result<Value, Failure> {
    eval_with(expr, Limits::default())
}

/// The expression stops on the memory budget, with the cause that names it.
fn out_of_memory(expr: &str) {
    let e = eval(expr).unwrap_err();
    assert_eq!(e.error, "States.Runtime", "{expr}: {}", e.cause);
    assert_eq!(
        e.cause,
        format!(
            "The JSONata expression '{expr}' specified for the field 'Output' exceeded the simulator's JSONata memory \
             budget of 134217728 bytes (raise it with the Simulator option jsonataMemory, the CLI flag \
             --jsonata-memory or Budgets::jsonata)."
        )
    );
}

/// The expression stops on the work budget.
fn out_of_fuel(expr: &str, limits: Limits) {
    let e = eval_with(expr, limits).unwrap_err();
    assert_eq!(e.error, "States.Runtime", "{expr}: {}", e.cause);
    assert!(
        e.cause.contains(&format!("exceeded the simulator's JSONata work budget of {} units", limits.fuel)),
        "{}",
        e.cause
    );
}

#[test]
fn single_calls_that_would_build_gigabytes_stop_before_they_start() {
    out_of_memory("$pad(\"x\", 9e18)");
    out_of_memory("$pad(\"x\", -1e9, \"ab\")");
    out_of_memory("$join([1..873782].($states.input.big))");
    out_of_memory("$join([1..2000].($states.input.big), \",\")");
    out_of_memory("$join([1..100000].('x'), $states.input.big)");
    out_of_memory("$replace($states.input.big, 'x', $states.input.big)");
    out_of_memory("$replace($states.input.big, /x/, $states.input.big)");
    // A value that repeats one part, written out: `$string`, `&`, or the result itself.
    let nest = "($a := $states.input.big; $b := [$a,$a,$a,$a,$a,$a,$a,$a,$a,$a]; \
                $c := [$b,$b,$b,$b,$b,$b,$b,$b,$b,$b]; $d := [$c,$c,$c,$c,$c,$c,$c,$c,$c,$c]; $e := [$d,$d,$d,$d,$d,$d,$d,$d,$d,$d]; ";
    out_of_memory(&format!("{nest}$string($e))"));
    out_of_memory(&format!("{nest}$e & 'x')"));
    out_of_memory(&format!("{nest}$e)"));
}

#[test]
fn evaluations_that_grow_or_never_end_stop_on_their_budgets() {
    // 873,782 squared: gigabytes within the 10-second timeout, stopped by the meter at 64 MiB.
    out_of_memory("$count([1..873782].[1..873782])");
    // Tail recursion never ends and holds nothing: the work budget ends it.
    let small = Limits { fuel: 2_000_000, ..Limits::default() };
    out_of_fuel("($f := function($n){ $f($n + 1) }; $f(0))", small);
    // $distinct compares every pair.
    out_of_fuel("$count($distinct([1..873782]))", Limits::default());
    // A string that doubles each time.
    out_of_memory("$reduce([1..40], function($acc, $i){ $acc & $acc }, 'ab')");
}

#[test]
fn ordinary_expressions_are_within_the_budgets() {
    assert_eq!(eval("$count([1..873782])"), Ok(json!(873782)));
    assert_eq!(eval("$length($pad('x', 1000000))"), Ok(json!(1000000)));
    assert_eq!(eval("$length($join([1..50].($states.input.big)))"), Ok(json!(5_000_000)));
    assert_eq!(eval("$pad('ab', -5, '#')"), Ok(json!("###ab")));
    assert_eq!(eval("$join(['a', 'b'], '-') & $string([1, {'k': true}])"), Ok(json!("a-b[1,{\"k\":true}]")));
    assert_eq!(eval("$replace('banana', 'an', '[$0]')"), Ok(json!("b[$0][$0]a")));
    assert_eq!(eval("$count($distinct([1..5000].($ % 7)))"), Ok(json!(7)));
    assert_eq!(eval("$map(['a', 'b'], $string)"), Ok(json!(["a", "b"])));
    assert_eq!(eval("$join(?, '+')(['1', '2'])"), Ok(json!("1+2")));
    assert_eq!(
        eval("($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, $acc + $n) }; $f(100000, 0))"),
        Ok(json!(5000050000u64))
    );
}

/// Found by the `jsonata` fuzz target: a range bound past i64 made jsonata-core's size arithmetic
/// overflow (a panic in a debug build, a trap in wasm). It is AWS's "too many elements" now.
#[test]
fn huge_range_bounds_are_too_many_elements() {
    for expr in [
        "{'a': [0..3333333333333333333333333333333333333333333333333333333333333].($ % 4)}.a",
        "[-1e300..5]",
        "[0..1e20]",
    ] {
        let e = eval(expr).unwrap_err();
        assert_eq!(e.error, "States.QueryEvaluationError", "{expr}");
        assert!(
            e.cause.ends_with("threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage"),
            "{expr}: {}",
            e.cause
        );
    }
    assert_eq!(eval("[9007199254740990..9007199254740991]"), Ok(json!([9007199254740990u64, 9007199254740991u64])));
}

/// Found by the `jsonata` fuzz target: a character outside ASCII in a lambda's signature made
/// jsonata-core's signature parser slice a string inside a character (a panic, a trap in wasm).
/// jsonata-js skips a character it does not know in a signature; so do we.
#[test]
fn signatures_with_characters_outside_ascii_do_not_panic() {
    let found = "($I(-nn := function()<nnotn\u{111}\u{50f}a:?+V93))(f";
    assert!(Jsonata::parse(found).is_err());
    assert_eq!(eval("(function($x)<né:n>{ $x + 1 })(2)"), Ok(json!(3)));
    assert_eq!(eval("$count(['é', 'function(x)<é>'])"), Ok(json!(2)));
    assert_eq!(eval("($xfunction := function($v){ $v }; $xfunction(1) < 2 ? 'é>' : 'b')"), Ok(json!("é>")));
    assert_eq!(super::syntax::ascii_signatures("λ($x)<é:n>{1} & 'é'"), "λ($x)<:n>{1} & 'é'");
}

/// Found by the `jsonata` fuzz target: a date/time picture whose component is not ASCII made
/// jsonata-core slice inside a character. It gets the unknown component's error now.
#[test]
fn date_pictures_with_a_component_outside_ascii_do_not_panic() {
    for expr in ["$now(\"ht$..]h[\u{54d}\u{324}]z\")", "$fromMillis(0, '[ \u{54d}]')", "$toMillis('2020', '[\u{54d}]')"]
    {
        let e = eval(expr).unwrap_err();
        assert_eq!(e.error, "States.QueryEvaluationError", "{expr}");
        assert!(e.cause.contains("D3132"), "{expr}: {}", e.cause);
    }
    assert_eq!(eval("$fromMillis(0, '[Y]-[[é]]')"), Ok(json!("1970-[é]")));
    assert_eq!(eval("$fromMillis(0, '[D1é]')"), Ok(json!("1é")));
}

/// Found by the `jsonata` fuzz target: a width modifier of 10^27 made jsonata-core allocate the
/// padding and run out of memory. Past the text budget it stops on the memory budget; ordinary
/// widths pad as before.
#[test]
fn date_picture_widths_past_the_text_budget_stop_on_the_memory_budget() {
    out_of_memory("$fromMillis(0, '[Y,0000000000205052565846374626]')");
    out_of_memory("$now('[s,1-99999999999]')");
    assert_eq!(eval("$fromMillis(0, '[Y,6]')"), Ok(json!("001970")));
    assert_eq!(eval("$fromMillis(0, '[M01,2-2]')"), Ok(json!("01")));
}
