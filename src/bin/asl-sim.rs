//! `asl-sim`: run, validate or test a state machine from the command line.
//!
//! ```text
//! asl-sim run DEFINITION.json [MORE.json | DIR ...] [--input FILE | --input-json TEXT]
//!         [--mock-config FILE] [--state-machine-arn ARN[#TestCase]] [--execution-name NAME]
//!         [--role-arn ARN] [--type STANDARD|EXPRESS] [--seed N] [--history] [--s3-dir DIR] [BUDGETS]
//! asl-sim validate DEFINITION.json [--type STANDARD|EXPRESS]
//! asl-sim test-state REQUEST.json
//! asl-sim serve [--host 127.0.0.1] [--port 8083] [--mock-config FILE] [--clock real|virtual]
//!               [--account ID] [--region R] [--lambda-endpoint URL] [--seed N]
//! ```
//! `run` creates the machines in a simulated account (the first definition is the one run; the
//! others, and the `*.json` files of each folder, are there for nested workflows to start, named
//! by their file name) and runs it on the virtual clock through [`Simulator::run_to_end`], the
//! same account step every driver uses.
//! Exit status: 0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED, 2 invalid input or definition.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};

use asl_sim::exec::{MachineType, Status};
use asl_sim::simulator::{
    self, ApiError, Budgets, CreateStateMachineInput, Simulator, StartExecutionInput,
    ValidateStateMachineDefinitionInput, DATE_KEYS,
};

// The npm package's command line prints this same text (npm/cli/usage.mjs; its test compares them),
// and has no `serve`: `asl-sim serve --help` prints the server's own usage.
const USAGE: &str = "usage:
  asl-sim run DEFINITION.json [MORE.json | DIR ...] [--input FILE | --input-json TEXT]
          [--mock-config FILE] [--state-machine-arn ARN[#TestCase]] [--execution-name NAME]
          [--role-arn ARN] [--type STANDARD|EXPRESS] [--seed N] [--history] [--s3-dir DIR]
          [BUDGETS]
  asl-sim validate DEFINITION.json [--type STANDARD|EXPRESS]
  asl-sim test-state REQUEST.json

BUDGETS (each execution; past one it fails with States.Runtime): --max-transitions N (1000000),
  --max-history-bytes N (67108864), --max-log-bytes N (67108864), --state-cost-ms N (0: virtual
  milliseconds per state entered), --jsonata-memory N (134217728 bytes per evaluation),
  --jsonata-fuel N (50000000 per evaluation), --max-open-executions N (10000 running in the account;
  a start past it is ExecutionLimitExceeded). An EXPRESS run keeps its history only with --history.

run: DEFINITION.json is the machine to run; MORE.json files and the *.json files of DIRs are
created beside it, named by their file name (Child.json: Child; Child.express.json: an EXPRESS
machine named Child), for nested workflows (states:startExecution) to start.

--s3-dir DIR: the account's S3 objects are the files DIR/<bucket>/<key> (Distributed Map
ItemReaders read them, s3 and aws-sdk:s3 tasks read and write them); objects the run writes or
changes (ResultWriter files, putObject tasks) are written back there when it ends.";

/// Metered, so that JSONata evaluations run under their budgets (see `asl_sim::meter`).
#[cfg(not(target_arch = "wasm32"))] // the library's own, in wasm
#[global_allocator]
static ALLOCATOR: asl_sim::meter::Metered<std::alloc::System> = asl_sim::meter::Metered(std::alloc::System);

/// Every execution the CLI starts begins at 2024-01-01T00:00:00Z on the virtual clock.
const START: i64 = 1_704_067_200_000;

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
    more: Vec<String>,
    input: Option<String>,
    input_json: Option<String>,
    mock_config: Option<String>,
    state_machine_arn: Option<String>,
    execution_name: Option<String>,
    role_arn: Option<String>,
    machine_type: MachineType,
    seed: u64,
    history: bool,
    budgets: Budgets,
    s3_dir: Option<String>,
}

fn parse_opts(args: &[String], multi: bool) -> Result<Opts, String> {
    let mut o = Opts {
        definition: String::new(),
        more: Vec::new(),
        input: None,
        input_json: None,
        mock_config: None,
        state_machine_arn: None,
        execution_name: None,
        role_arn: None,
        machine_type: MachineType::Standard,
        seed: 0,
        history: false,
        budgets: Budgets::default(),
        s3_dir: None,
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
            "--s3-dir" => o.s3_dir = Some(value("--s3-dir")?),
            "--type" => {
                let name = value("--type")?;
                o.machine_type = MachineType::from_api(&name)
                    .ok_or_else(|| format!("--type must be STANDARD or EXPRESS, not {name}"))?;
            }
            "--seed" => o.seed = value("--seed")?.parse().map_err(|_| "--seed needs a number".to_string())?,
            "--history" => o.history = true,
            s if budget_flag(&mut o.budgets, s, None)? => {
                budget_flag(&mut o.budgets, s, Some(&value(s)?))?;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s if o.definition.is_empty() => o.definition = s.to_string(),
            s => o.more.push(s.to_string()),
        }
    }
    if o.definition.is_empty() {
        return Err(format!("missing DEFINITION.json\n{USAGE}"));
    }
    if let Some(extra) = o.more.first().filter(|_| !multi) {
        return Err(format!("unexpected argument {extra}\n{USAGE}"));
    }
    Ok(o)
}

/// Whether `flag` is a budget flag; with a value, sets that budget.
fn budget_flag(b: &mut Budgets, flag: &str, value: Option<&str>) -> Result<bool, String> {
    let number = |v: &str| v.parse::<u64>().map_err(|_| format!("{flag} needs a whole number, not {v}"));
    let size = |v: &str| number(v).map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    let Some(v) = value else {
        let flags = ["--max-transitions", "--max-history-bytes", "--max-log-bytes", "--state-cost-ms"];
        return Ok(
            flags.contains(&flag) || ["--jsonata-memory", "--jsonata-fuel", "--max-open-executions"].contains(&flag)
        );
    };
    match flag {
        "--max-transitions" => b.max_transitions = number(v)?,
        "--max-history-bytes" => b.max_history_bytes = size(v)?,
        "--max-log-bytes" => b.max_log_bytes = size(v)?,
        "--state-cost-ms" => b.state_cost_ms = number(v)?,
        "--jsonata-memory" => b.jsonata.memory = size(v)?,
        "--max-open-executions" => b.max_open_executions = size(v)?,
        _ => b.jsonata.fuel = number(v)?,
    }
    Ok(true)
}

/// `--s3-dir DIR`: the account's S3 store as files, `DIR/<bucket>/<key>`.
mod s3_dir {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};

    use asl_sim::s3::Store;

    /// Each object loaded, with its ETag, so that only new or changed objects are written back.
    pub type Loaded = HashMap<(String, String), String>;

    /// Puts every file under `DIR/<bucket>/` into the store, keyed by its path below the bucket.
    pub fn load(store: &mut Store, dir: &Path) -> Result<Loaded, String> {
        let mut loaded = Loaded::new();
        let buckets = std::fs::read_dir(dir).map_err(|e| format!("cannot read --s3-dir {}: {e}", dir.display()))?;
        for b in buckets {
            let b = b.map_err(|e| e.to_string())?.path();
            let Some(bucket) = b.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
            if !b.is_dir() {
                continue;
            }
            store.create_bucket(&bucket);
            let mut todo = vec![b.clone()];
            while let Some(d) = todo.pop() {
                for entry in std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))? {
                    let path = entry.map_err(|e| e.to_string())?.path();
                    if path.is_dir() {
                        todo.push(path);
                        continue;
                    }
                    let rel = path.strip_prefix(&b).map_err(|e| e.to_string())?;
                    let key: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
                    let key = key.join("/");
                    let body = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    let etag = store
                        .put(&bucket, &key, body, None, super::START)
                        .map_err(|e| format!("--s3-dir {}: s3://{bucket}/{key}: {}", dir.display(), e.message))?;
                    loaded.insert((bucket.clone(), key), etag);
                }
            }
        }
        Ok(loaded)
    }

    /// Writes the objects that are not as loaded back under `dir` (keys that would leave it,
    /// with `..` or an empty segment, are refused).
    pub fn write_back(store: &Store, dir: &Path, loaded: &Loaded) -> Result<(), String> {
        for (bucket, key, o) in store.objects() {
            if loaded.get(&(bucket.to_string(), key.to_string())) == Some(&o.etag) {
                continue;
            }
            if key.split('/').any(|s| s.is_empty() || s == "." || s == "..") || bucket.contains(['/', '\\']) {
                return Err(format!("cannot write s3://{bucket}/{key} under --s3-dir: the key is no plain path"));
            }
            let path: PathBuf = dir.join(bucket).join(key);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(&path, &o.body).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    }
}

fn read_json(path: &str, what: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{what} {path} is not valid JSON: {e}"))
}

fn real_main(args: &[String]) -> Result<ExitCode, String> {
    let Some(cmd) = args.first() else { return Err(USAGE.to_string()) };
    if args[1..].iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", if cmd == "serve" { serve_usage() } else { USAGE });
        return Ok(ExitCode::SUCCESS);
    }
    match cmd.as_str() {
        "run" => run(&parse_opts(&args[1..], true)?),
        "validate" => validate(&parse_opts(&args[1..], false)?),
        "test-state" => test_state(&args[1..]),
        "serve" => serve(&args[1..]),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other}\n{USAGE}")),
    }
}

/// `asl-sim serve`: the AWS API over HTTP (native builds only).
#[cfg(not(target_arch = "wasm32"))]
fn serve(args: &[String]) -> Result<ExitCode, String> {
    asl_sim::serve::run(asl_sim::serve::Options::parse(args)?)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(target_arch = "wasm32")]
fn serve(_args: &[String]) -> Result<ExitCode, String> {
    Err("serve needs a native build of asl-sim".into())
}

#[cfg(not(target_arch = "wasm32"))]
fn serve_usage() -> &'static str {
    asl_sim::serve::USAGE
}

#[cfg(target_arch = "wasm32")]
fn serve_usage() -> &'static str {
    "asl-sim serve needs a native build of asl-sim"
}

fn validate(o: &Opts) -> Result<ExitCode, String> {
    let text =
        std::fs::read_to_string(&o.definition).map_err(|e| format!("cannot read definition {}: {e}", o.definition))?;
    // The account's ValidateStateMachineDefinition: AWS's diagnostics, and what the simulator
    // refuses to run (as `run` would refuse it), with the field named.
    let input = ValidateStateMachineDefinitionInput {
        definition: text,
        machine_type: Some(o.machine_type.as_str().to_string()),
    };
    let out = Simulator::new("123456789012", "us-east-1", 0)
        .validate_state_machine_definition(&input)
        .map_err(|e| format!("{}: {}", e.name(), e.message))?;
    println!("{out}");
    Ok(if out["result"] == "OK" { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

/// The account, machine name and test case that `--state-machine-arn` names.
struct Target {
    account: String,
    region: String,
    machine: String,
    test_case: Option<String>,
}

fn target(o: &Opts) -> Target {
    let given =
        o.state_machine_arn.as_deref().unwrap_or("arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine");
    let (arn, test_case) = match given.split_once('#') {
        Some((arn, tc)) => (arn, Some(tc.to_string())),
        None => (given, None),
    };
    let parts: Vec<&str> = arn.split(':').collect();
    let part = |i: usize, default: &str| parts.get(i).copied().filter(|s| !s.is_empty()).unwrap_or(default).to_string();
    Target {
        region: part(3, "us-east-1"),
        account: part(4, "123456789012"),
        machine: part(6, "StateMachine"),
        test_case,
    }
}

/// The definition files of the MORE.json and DIR arguments, with the name and type of each.
fn more_machines(o: &Opts) -> Result<Vec<(String, PathBuf, MachineType)>, String> {
    let mut files = Vec::new();
    for arg in &o.more {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).map_err(|e| format!("cannot read folder {arg}: {e}"))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .filter(|p| !same_file(p, Path::new(&o.definition)))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path);
        }
    }
    let mut out = Vec::new();
    for path in files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let (name, machine_type) = match stem.rsplit_once('.') {
            Some((n, "express")) => (n.to_string(), MachineType::Express),
            Some((n, "standard")) => (n.to_string(), MachineType::Standard),
            _ => (stem, o.machine_type),
        };
        out.push((name, path, machine_type));
    }
    Ok(out)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Prints an API error (and an invalid definition's diagnostics) and gives exit status 2.
fn api_failure(what: &str, e: &ApiError) -> ExitCode {
    eprintln!("asl-sim: {what}: {}: {}", e.name(), e.message);
    for d in &e.diagnostics {
        eprintln!("{d}");
    }
    ExitCode::from(2)
}

fn run(o: &Opts) -> Result<ExitCode, String> {
    let read =
        |path: &str, what: &str| std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {path}: {e}"));
    let t = target(o);
    let mut sim = Simulator::new(&t.account, &t.region, o.seed);
    // An Express run keeps its history only when it is to be printed, as AWS keeps none.
    sim.budgets = Budgets { express_history: o.history, ..o.budgets };
    let main = CreateStateMachineInput {
        name: t.machine.clone(),
        definition: read(&o.definition, "definition")?,
        machine_type: Some(o.machine_type.as_str().into()),
        role_arn: o.role_arn.clone(),
        logging_configuration: None,
    };
    let machine_arn = match sim.create_state_machine(&main, START) {
        Ok(out) => out["stateMachineArn"].as_str().unwrap_or_default().to_string(),
        Err(e) => return Ok(api_failure(&o.definition, &e)),
    };
    for (name, path, machine_type) in more_machines(o)? {
        let shown = path.display().to_string();
        let more = CreateStateMachineInput {
            name,
            definition: read(&shown, "definition")?,
            machine_type: Some(machine_type.as_str().into()),
            ..Default::default()
        };
        if let Err(e) = sim.create_state_machine(&more, START) {
            return Ok(api_failure(&shown, &e));
        }
    }
    if let Some(p) = &o.mock_config {
        let cfg = read_json(p, "mock config")?;
        if let Err(e) = sim.set_mock_config_value(&cfg) {
            return Ok(api_failure(p, &e));
        }
    }
    let loaded = match &o.s3_dir {
        Some(dir) => s3_dir::load(&mut sim.s3, Path::new(dir))?,
        None => Default::default(),
    };
    let input = match (&o.input, &o.input_json) {
        (Some(p), _) => read(p, "input")?,
        (None, Some(text)) => text.clone(),
        (None, None) => "{}".to_string(),
    };
    let start = StartExecutionInput {
        state_machine_arn: match &t.test_case {
            Some(tc) => format!("{machine_arn}#{tc}"),
            None => machine_arn,
        },
        input: Some(input),
        name: o.execution_name.clone(),
        ..Default::default()
    };
    let started = match o.machine_type {
        MachineType::Express => sim.start_sync_execution(&start, START),
        MachineType::Standard => sim.start_execution(&start, START),
    };
    let arn = match started {
        Ok(arn) => arn,
        Err(e) => return Ok(api_failure("start", &e)),
    };
    sim.run_to_end(&arn, &mut |_| None);
    if let Some(dir) = &o.s3_dir {
        s3_dir::write_back(&sim.s3, Path::new(dir), &loaded)?;
    }
    let mut resp = sim.sync_output(&arn, false).map_err(|e| e.to_string())?;
    for key in DATE_KEYS {
        if let Some(ms) = resp.get(*key).and_then(Value::as_i64) {
            resp[*key] = json!(simulator::responses::iso(ms));
        }
    }
    let exec = sim.execution(&arn).ok_or("the execution is gone")?;
    // Written as it is serialized: a long history is never built as one JSON value in memory.
    #[derive(serde::Serialize)]
    struct Printed<'a> {
        #[serde(flatten)]
        response: &'a Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        events: Option<&'a [asl_sim::history::Event]>,
    }
    let history = if o.history { Some(exec.history()?) } else { None };
    let printed = Printed { response: &resp, events: history.as_deref() };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, &printed).map_err(|e| format!("cannot write the result: {e}"))?;
    std::io::Write::write_all(&mut out, b"\n").map_err(|e| format!("cannot write the result: {e}"))?;
    drop(out);
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
            eprintln!("{}", json!({"__type": e.name(), "message": e.message}));
            Ok(ExitCode::from(2))
        }
    }
}
