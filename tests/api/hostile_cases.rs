//! The hostile inputs of issue 12, each with what the simulator must answer: AWS's error, or a
//! clear one of its own, in bounded time and memory. One list, run natively by `tests/hostile.rs`
//! and in wasm (Node.js and Chromium) by `tests/api/hostile.rs`.

use serde_json::{json, Value};

/// What a case must give.
pub enum Expect {
    /// The API call fails: the exception's name and message.
    Api(&'static str, String),
    /// The execution ends: status, error (empty: none), cause (empty: none) and, for a success, the
    /// output as JSON text.
    Run(&'static str, &'static str, String, &'static str),
}

/// One hostile input: a machine of a type, its input as JSON text, and the answer.
pub struct Case {
    /// What it checks.
    pub name: &'static str,
    /// `STANDARD` or `EXPRESS`.
    pub machine_type: &'static str,
    /// The definition, as JSON text.
    pub definition: String,
    /// The execution's input, as JSON text.
    pub input: String,
    /// The answer.
    pub expect: Expect,
}

fn pass(fields: Value) -> String {
    let mut state = json!({"Type": "Pass", "End": true});
    for (k, v) in fields.as_object().into_iter().flatten() {
        state[k] = v.clone();
    }
    json!({"StartAt": "P", "States": {"P": state}}).to_string()
}

fn jsonata(output: &str) -> String {
    json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": output, "End": true}}})
        .to_string()
}

fn state_failed(state: &str, detail: &str) -> String {
    format!("An error occurred while executing the state '{state}' (entered at the event id #2). {detail}")
}

/// The loop of issue 12 (a Pass and a Choice that never stops).
pub fn looping() -> String {
    json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "E"}], "Default": "A"},
        "E": {"Type": "Succeed"}}})
    .to_string()
}

/// Every case.
pub fn cases() -> Vec<Case> {
    let empty = String::new();
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut deep_parallel = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#.to_string();
    for _ in 0..2000 {
        deep_parallel = format!(
            r#"{{"StartAt":"P","States":{{"P":{{"Type":"Parallel","Branches":[{deep_parallel}],"End":true}}}}}}"#
        );
    }
    let brackets = format!("${}", "[".repeat(100_000));
    let indexes = format!("${}", "[0]".repeat(100_000));
    let parens = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let big = json!({"x": "y".repeat(200_000)}).to_string();
    let format_10mb = format!("States.Format('{}', {})", "{}".repeat(50), vec!["$.x"; 50].join(", "));
    let array_4gb = format!("States.Array({})", vec!["$.x"; 20_000].join(", "));
    let long_name = "N".repeat(10_000);
    let stars = format!("{}b", "a*".repeat(200));
    let jsonata_memory = "exceeded the simulator's JSONata memory budget of 134217728 bytes (raise it with the \
                          Simulator option jsonataMemory, the CLI flag --jsonata-memory or Budgets::jsonata).";
    vec![
        Case {
            name: "JSON input nested 100,000 deep",
            machine_type: "EXPRESS",
            definition: pass(json!({})),
            input: deep_json.clone(),
            expect: Expect::Api(
                "InvalidExecutionInput",
                "Invalid State Machine Execution Input: 'recursion limit exceeded at line 1 column 128'".into(),
            ),
        },
        Case {
            name: "2,000 nested Parallel states",
            machine_type: "STANDARD",
            definition: deep_parallel,
            input: "{}".into(),
            expect: Expect::Api(
                "InvalidDefinition",
                "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: recursion limit exceeded at line 1 column \
                 1920 at null'"
                    .into(),
            ),
        },
        Case {
            name: "a JSONPath of 100,000 open brackets",
            machine_type: "EXPRESS",
            definition: pass(json!({"InputPath": brackets})),
            input: "{}".into(),
            expect: Expect::Api(
                "InvalidDefinition",
                "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. at \
                 /States/P/InputPath'"
                    .into(),
            ),
        },
        Case {
            name: "a JSONPath of 100,000 indexes",
            machine_type: "EXPRESS",
            definition: pass(json!({"Parameters": {"a.$": indexes}})),
            input: "{}".into(),
            expect: Expect::Run(
                "FAILED",
                "States.Runtime",
                state_failed(
                    "P",
                    &format!("The JSONPath '{indexes}' specified for the field 'a.$' could not be found in the input '{{}}'"),
                ),
                "",
            ),
        },
        Case {
            name: "a JSONPath filter of 30,000 conditions",
            machine_type: "EXPRESS",
            definition: pass(json!({"Parameters": {"a.$": format!("$[?(@.a == 1{})]", " && @.a == 1".repeat(30_000))}})),
            input: r#"[{"a": 1}, {"a": 2}]"#.into(),
            expect: Expect::Run("SUCCEEDED", "", empty.clone(), r#"{"a":[{"a":1}]}"#),
        },
        Case {
            name: "a JSONata expression in 100,000 parentheses",
            machine_type: "EXPRESS",
            definition: jsonata(&format!("{{% {parens} %}}")),
            input: "{}".into(),
            expect: Expect::Run(
                "FAILED",
                "States.QueryEvaluationError",
                state_failed(
                    "P",
                    &format!(
                        "The JSONata expression '{parens}' specified for the field 'Output' threw an error during \
                         evaluation: Stack overflow error: Check for non-terminating recursive function. Consider \
                         rewriting as tail-recursive"
                    ),
                ),
                "",
            ),
        },
        Case {
            name: "States.ArrayRange with a billion elements",
            machine_type: "EXPRESS",
            definition: pass(json!({"Parameters": {"a.$": "States.ArrayRange(1, 1000000000, 1)"}})),
            input: "{}".into(),
            expect: Expect::Run(
                "FAILED",
                "States.IntrinsicFailure",
                "Invalid arguments in States.ArrayRange: the range would have 1000000000 items, more than the limit of \
                 1000"
                    .into(),
                "",
            ),
        },
        Case {
            name: "States.Format building 10 MB",
            machine_type: "EXPRESS",
            definition: pass(json!({"Parameters": {"a.$": format_10mb}})),
            input: big.clone(),
            expect: Expect::Run(
                "FAILED",
                "States.DataLimitExceeded",
                "The state/task 'P' returned a result with a size exceeding the maximum number of bytes service limit."
                    .into(),
                "",
            ),
        },
        Case {
            name: "States.Array of 20,000 copies of a 200 KB input",
            machine_type: "EXPRESS",
            definition: pass(json!({"Parameters": {"a.$": array_4gb}})),
            input: big.clone(),
            expect: Expect::Run(
                "FAILED",
                "States.Runtime",
                state_failed(
                    "P",
                    "The arguments of States.Array specified for the field 'a.$' exceeded the simulator's limit of \
                     16777216 bytes for one intrinsic function call.",
                ),
                "",
            ),
        },
        Case {
            name: "a state name of 10,000 characters",
            machine_type: "STANDARD",
            definition: json!({"StartAt": long_name, "States": {long_name.clone(): {"Type": "Pass", "End": true}}})
                .to_string(),
            input: "{}".into(),
            expect: Expect::Api(
                "InvalidDefinition",
                format!(
                    "Invalid State Machine Definition: 'INVALID_STATE_NAME: State name '{long_name}' exceeds the \
                     80-character limit allowed by the service at /States/{long_name}'"
                ),
            ),
        },
        Case {
            name: "StringMatches with 200 wildcards against 100 KB",
            machine_type: "EXPRESS",
            definition: json!({"StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringMatches": stars, "Next": "Y"}], "Default": "N"},
                "Y": {"Type": "Pass", "Result": "matched", "End": true},
                "N": {"Type": "Pass", "Result": "no match", "End": true}}})
            .to_string(),
            input: json!({"s": "a".repeat(100_000)}).to_string(),
            expect: Expect::Run("SUCCEEDED", "", empty.clone(), r#""no match""#),
        },
        Case {
            name: "a 2 MB definition",
            machine_type: "STANDARD",
            definition: pass(json!({"Result": "x".repeat(2_000_000)})),
            input: "{}".into(),
            expect: Expect::Api(
                "ValidationException",
                "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have \
                 length less than or equal to 1048576"
                    .into(),
            ),
        },
        Case {
            name: "an input of 300,000 characters",
            machine_type: "EXPRESS",
            definition: pass(json!({})),
            input: json!({"x": "y".repeat(300_000)}).to_string(),
            expect: Expect::Api(
                "ValidationException",
                "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length \
                 less than or equal to 262144"
                    .into(),
            ),
        },
        Case {
            name: "1e400",
            machine_type: "EXPRESS",
            definition: pass(json!({})),
            input: "[1e400]".into(),
            expect: Expect::Api(
                "InvalidExecutionInput",
                "Invalid State Machine Execution Input: 'number out of range at line 1 column 6'".into(),
            ),
        },
        Case {
            name: "-0 and a 30-digit integer",
            machine_type: "EXPRESS",
            definition: pass(json!({})),
            input: "[-0, -0.0, 123456789012345678901234567890]".into(),
            expect: Expect::Run("SUCCEEDED", "", empty.clone(), "[0,-0.0,1.2345678901234568e+29]"),
        },
        Case {
            name: "JSONata $pad to 9e18 characters",
            machine_type: "EXPRESS",
            definition: jsonata("{% $pad('x', 9e18) %}"),
            input: "{}".into(),
            expect: Expect::Run(
                "FAILED",
                "States.Runtime",
                state_failed(
                    "P",
                    &format!(
                        "The JSONata expression '$pad('x', 9e18)' specified for the field 'Output' {jsonata_memory}"
                    ),
                ),
                "",
            ),
        },
        Case {
            name: "JSONata [1..873782].[1..873782]",
            machine_type: "EXPRESS",
            definition: jsonata("{% $count([1..873782].[1..873782]) %}"),
            input: "{}".into(),
            expect: Expect::Run(
                "FAILED",
                "States.Runtime",
                state_failed(
                    "P",
                    &format!(
                        "The JSONata expression '$count([1..873782].[1..873782])' specified for the field 'Output' \
                         {jsonata_memory}"
                    ),
                ),
                "",
            ),
        },
        Case {
            name: "a JSONata expression that never ends, caught by its own Catch",
            machine_type: "EXPRESS",
            definition: json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": "{% ($f := function($s){ $f($s & $s) }; $f('x')) %}",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "P"}], "End": true}}})
            .to_string(),
            input: "{}".into(),
            expect: Expect::Run(
                "FAILED",
                "States.Runtime",
                state_failed(
                    "P",
                    &format!(
                        "The JSONata expression '($f := function($s){{ $f($s & $s) }}; $f('x'))' specified for the \
                         field 'Arguments' {jsonata_memory}"
                    ),
                ),
                "",
            ),
        },
        Case {
            name: "a Standard loop over a 60 KB input (25,000 events would hold 1.5 GB unshared)",
            machine_type: "STANDARD",
            definition: looping(),
            input: json!({"blob": "x".repeat(60_000)}).to_string(),
            expect: Expect::Run(
                "FAILED",
                "States.Runtime",
                "The execution reached the maximum number of history events (25000).".into(),
                "",
            ),
        },
    ]
}
