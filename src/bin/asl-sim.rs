//! `asl-sim`: run or validate a state machine from the command line.
//!
//! ```text
//! asl-sim run DEFINITION.json [--input FILE | --input-json TEXT] [--mock-config FILE]
//!         [--state-machine-arn ARN] [--execution-name NAME] [--role-arn ARN]
//!         [--type STANDARD|EXPRESS] [--seed N] [--history]
//! asl-sim validate DEFINITION.json [--type STANDARD|EXPRESS]
//! asl-sim test-state REQUEST.json
//! ```
//! Exit status: 0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED, 2 invalid input or definition.

use std::process::ExitCode;

use serde_json::{json, Value};

use asl_sim::driver::{self, TaskAnswers};
use asl_sim::exec::{Config, Identity, MachineType, Status};
use asl_sim::mock::MockConfig;
use asl_sim::simulator;

const USAGE: &str = "usage:
  asl-sim run DEFINITION.json [--input FILE | --input-json TEXT] [--mock-config FILE]
          [--state-machine-arn ARN] [--execution-name NAME] [--role-arn ARN]
          [--type STANDARD|EXPRESS] [--seed N] [--history]
  asl-sim validate DEFINITION.json [--type STANDARD|EXPRESS]
  asl-sim test-state REQUEST.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match real_main(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("asl-sim: {msg}");
            ExitCode::from(2)
        }
    }
}

struct Opts {
    definition: String,
    input: Option<String>,
    input_json: Option<String>,
    mock_config: Option<String>,
    state_machine_arn: Option<String>,
    execution_name: Option<String>,
    role_arn: Option<String>,
    machine_type: MachineType,
    seed: u64,
    history: bool,
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        definition: String::new(),
        input: None,
        input_json: None,
        mock_config: None,
        state_machine_arn: None,
        execution_name: None,
        role_arn: None,
        machine_type: MachineType::Standard,
        seed: 0,
        history: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match a.as_str() {
            "--input" => o.input = Some(value("--input")?),
            "--input-json" => o.input_json = Some(value("--input-json")?),
            "--mock-config" => o.mock_config = Some(value("--mock-config")?),
            "--state-machine-arn" => o.state_machine_arn = Some(value("--state-machine-arn")?),
            "--execution-name" => o.execution_name = Some(value("--execution-name")?),
            "--role-arn" => o.role_arn = Some(value("--role-arn")?),
            "--type" => {
                o.machine_type = match value("--type")?.as_str() {
                    "STANDARD" => MachineType::Standard,
                    "EXPRESS" => MachineType::Express,
                    other => return Err(format!("--type must be STANDARD or EXPRESS, not {other}")),
                }
            }
            "--seed" => o.seed = value("--seed")?.parse().map_err(|_| "--seed needs a number".to_string())?,
            "--history" => o.history = true,
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s if o.definition.is_empty() => o.definition = s.to_string(),
            s => return Err(format!("unexpected argument {s}\n{USAGE}")),
        }
    }
    if o.definition.is_empty() {
        return Err(format!("missing DEFINITION.json\n{USAGE}"));
    }
    Ok(o)
}

fn read_json(path: &str, what: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{what} {path} is not valid JSON: {e}"))
}

fn real_main(args: &[String]) -> Result<ExitCode, String> {
    let Some(cmd) = args.first() else { return Err(USAGE.to_string()) };
    match cmd.as_str() {
        "run" => run(&parse_opts(&args[1..])?),
        "validate" => validate(&parse_opts(&args[1..])?),
        "test-state" => test_state(&args[1..]),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other}\n{USAGE}")),
    }
}

fn validate(o: &Opts) -> Result<ExitCode, String> {
    let text =
        std::fs::read_to_string(&o.definition).map_err(|e| format!("cannot read definition {}: {e}", o.definition))?;
    let diags = asl_sim::validate::validate_text(&text, simulator::to_validate_type(o.machine_type));
    let ok = !diags.iter().any(|d| d.severity == asl_sim::validate::Severity::Error);
    let out = json!({"result": if ok { "OK" } else { "FAIL" }, "diagnostics": diags, "truncated": false});
    println!("{out}");
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn identity(o: &Opts) -> (Identity, Option<String>) {
    let (arn, test_case) = match &o.state_machine_arn {
        Some(a) => match a.split_once('#') {
            Some((arn, tc)) => (Some(arn.to_string()), Some(tc.to_string())),
            None => (Some(a.clone()), None),
        },
        None => (None, None),
    };
    let default_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine".to_string();
    let arn = arn.unwrap_or(default_arn);
    let parts: Vec<&str> = arn.split(':').collect();
    let region = parts.get(3).copied().filter(|s| !s.is_empty()).unwrap_or("us-east-1");
    let account = parts.get(4).copied().filter(|s| !s.is_empty()).unwrap_or("123456789012");
    let machine = parts.get(6).copied().filter(|s| !s.is_empty()).unwrap_or("StateMachine");
    let exec_name = o.execution_name.clone().unwrap_or_else(|| "execution".to_string());
    let mut id = Identity::new(account, region, machine, &exec_name, o.machine_type);
    id.state_machine_arn = arn.clone();
    if let Some(r) = &o.role_arn {
        id.role_arn = r.clone();
    }
    (id, test_case)
}

fn run(o: &Opts) -> Result<ExitCode, String> {
    let def = read_json(&o.definition, "definition")?;
    let input = match (&o.input, &o.input_json) {
        (Some(p), _) => read_json(p, "input")?,
        (None, Some(t)) => serde_json::from_str(t).map_err(|e| format!("--input-json is not valid JSON: {e}"))?,
        (None, None) => json!({}),
    };
    let sm = match simulator::load_checked(&def, o.machine_type) {
        Ok(sm) => sm,
        Err(e) => {
            eprintln!("asl-sim: {}: {}", e.name, e.message);
            for d in &e.diagnostics {
                eprintln!("{d}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let (id, test_case) = identity(o);
    let mock_cfg = match &o.mock_config {
        Some(p) => Some(MockConfig::parse(&read_json(p, "mock config")?)?),
        None => None,
    };
    let mut answers = TaskAnswers::none();
    if let (Some(cfg), Some(tc)) = (&mock_cfg, &test_case) {
        let case = cfg.test_case(&id.state_machine_name, tc).ok_or_else(|| {
            format!("the mock config has no test case {tc} for state machine {}", id.state_machine_name)
        })?;
        answers = answers.with_mocks(cfg, case.clone());
    }
    let mut config = Config::new(id, o.machine_type);
    config.seed = o.seed;
    let exec = driver::run(&sm, input, config, &mut answers);
    let mut resp = driver::sync_response(&exec);
    if o.history {
        resp["events"] = serde_json::to_value(exec.events()).unwrap_or(Value::Null);
    }
    println!("{}", serde_json::to_string(&resp).unwrap_or_default());
    Ok(if exec.status() == Status::Succeeded { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `test-state REQUEST.json`: a `TestState` request in AWS's shape; prints the response. Exit
/// status 0 for SUCCEEDED, 1 for FAILED, RETRIABLE or CAUGHT_ERROR, 2 for an API error (its
/// name and message on stderr, as `{"__type", "message"}`).
fn test_state(args: &[String]) -> Result<ExitCode, String> {
    let [path] = args else { return Err(format!("test-state takes one REQUEST.json\n{USAGE}")) };
    let req = read_json(path, "request")?;
    let answer = asl_sim::teststate::Request::from_json(&req).and_then(|r| asl_sim::teststate::test_state(&r));
    match answer {
        Ok(resp) => {
            println!("{resp}");
            Ok(if resp["status"] == "SUCCEEDED" { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Err(e) => {
            eprintln!("{}", json!({"__type": e.name, "message": e.message}));
            Ok(ExitCode::from(2))
        }
    }
}
