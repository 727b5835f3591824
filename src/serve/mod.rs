//! `asl-sim serve`: Step Functions and CloudWatch Logs over HTTP, a drop-in for Step Functions
//! Local (same default port, same mock config file), native only.
//!
//! A thin edge on hyper and tokio: it reads each request's `X-Amz-Target` header and body, hands
//! them to [`crate::protocol::handle`] under one lock on the account, and writes the response.
//! [`driver`] is the loop around [`crate::simulator::Simulator::advance`] that runs the
//! executions, answers waiting requests (`StartSyncExecution`, `GetActivityTask`) as soon as they
//! can be, and, with `--lambda-endpoint`, invokes Lambda functions over HTTP ([`lambda`]).
//!
//! Any `Host` is answered, so a `sync-` prefixed name that resolves to the server works; many
//! clients are served at once, and a waiting request holds nobody else up. Ctrl-C or SIGTERM
//! stops it: no new connections, open ones finish their request, and the process exits 0.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::simulator::Simulator;

mod driver;
mod lambda;

pub use driver::Clock;
use driver::Shared;

/// The largest request body read (Step Functions' largest member, a definition, is 1 MB).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// The usage of `asl-sim serve`.
pub const USAGE: &str = "asl-sim serve [--host 127.0.0.1] [--port 8083] [--mock-config FILE] [--clock real|virtual]
              [--account 123456789012] [--region us-east-1] [--lambda-endpoint http://HOST:PORT] [--seed N]
              [--retain-executions N|all] [--retain-log-records N|all]

Serves the Step Functions API (X-Amz-Target: AWSStepFunctions.*) and CloudWatch Logs' log reads
(Logs_20140328.*) on one port, for any Host. --mock-config (or the SFN_MOCK_CONFIG environment
variable) is a Step Functions Local mock config: start executions with <stateMachineArn>#<TestCase>.
--clock virtual (the default) runs waits at once; real waits for real. --lambda-endpoint invokes
Lambda functions there (as `sam local start-lambda` serves them). Port 0 picks a free port; the
first line printed names the address. Ctrl-C or SIGTERM stops the server. --retain-executions (ended
executions kept per state machine, default 1000) and --retain-log-records (default 10000) bound memory;
`all` keeps everything. Express executions keep no history (AWS's API offers none for them); their
results are in the StartSyncExecution response and in CloudWatch Logs.";

/// What `asl-sim serve` is told.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The address to listen on.
    pub host: String,
    /// The port (0: any free one).
    pub port: u16,
    /// A Step Functions Local mock config file.
    pub mock_config: Option<String>,
    /// Virtual or real time.
    pub clock: Clock,
    /// The account id in ARNs.
    pub account: String,
    /// The region in ARNs.
    pub region: String,
    /// Where to invoke Lambda functions (`http://host:port`).
    pub lambda_endpoint: Option<String>,
    /// The seed of names and random numbers.
    pub seed: u64,
    /// What the account keeps of ended executions and log records.
    pub retention: crate::simulator::Retention,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            host: "127.0.0.1".into(),
            port: 8083,
            mock_config: None,
            clock: Clock::Virtual,
            account: "123456789012".into(),
            region: "us-east-1".into(),
            lambda_endpoint: None,
            seed: 0,
            retention: crate::simulator::Retention::default(),
        }
    }
}

impl Options {
    /// Reads the arguments after `serve` (and `SFN_MOCK_CONFIG` when `--mock-config` is absent).
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            mock_config: std::env::var("SFN_MOCK_CONFIG").ok().filter(|v| !v.is_empty()),
            ..Options::default()
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
            match a.as_str() {
                "--host" => o.host = value("--host")?,
                "--port" => o.port = value("--port")?.parse().map_err(|_| "--port needs a number from 0 to 65535")?,
                "--mock-config" => o.mock_config = Some(value("--mock-config")?),
                "--clock" => {
                    o.clock = match value("--clock")?.as_str() {
                        "virtual" => Clock::Virtual,
                        "real" => Clock::Real,
                        other => return Err(format!("--clock must be real or virtual, not {other}")),
                    }
                }
                "--account" => {
                    o.account = value("--account")?;
                    if o.account.len() != 12 || !o.account.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(format!("--account must be 12 digits, not {}", o.account));
                    }
                }
                "--region" => o.region = value("--region")?,
                "--lambda-endpoint" => o.lambda_endpoint = Some(value("--lambda-endpoint")?),
                "--seed" => o.seed = value("--seed")?.parse().map_err(|_| "--seed needs a number")?,
                "--retain-executions" => o.retention.executions_per_machine = retain(&value("--retain-executions")?)?,
                "--retain-log-records" => o.retention.log_records = retain(&value("--retain-log-records")?)?,
                other => return Err(format!("unknown option {other}\n{USAGE}")),
            }
        }
        Ok(o)
    }
}

/// A retention flag's value: a count, or `all` for no limit.
fn retain(value: &str) -> Result<Option<usize>, String> {
    match value {
        "all" => Ok(None),
        n => n.parse().map(Some).map_err(|_| format!("a retention needs a number or all, not {n}")),
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(options: Options) -> Result<(), String> {
    let sim = account(&options)?;
    let lambda = options.lambda_endpoint.as_deref().map(lambda::Lambda::new).transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(serve(options, sim, lambda))
}

/// The account the server serves.
fn account(options: &Options) -> Result<Simulator, String> {
    let mut sim = Simulator::new(&options.account, &options.region, options.seed);
    sim.retention = options.retention;
    // Over AWS's API an Express execution's history cannot be read (GetExecutionHistory and
    // DescribeExecution refuse its ARN, as on AWS): the server keeps none, and builds no history
    // text for an Express execution that logs nothing.
    sim.budgets.express_history = false;
    if let Some(path) = &options.mock_config {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the mock config {path}: {e}"))?;
        let value = serde_json::from_str(&text).map_err(|e| format!("the mock config {path} is not JSON: {e}"))?;
        sim.set_mock_config_value(&value).map_err(|e| e.message)?;
    }
    Ok(sim)
}

async fn serve(options: Options, sim: Simulator, lambda: Option<lambda::Lambda>) -> Result<(), String> {
    let listener = TcpListener::bind((options.host.as_str(), options.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.host, options.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "asl-sim serve: listening on http://{addr} (clock {}, account {}, region {})",
        options.clock.as_str(),
        options.account,
        options.region
    );
    let shared = Arc::new(Shared::new(sim, options.clock, lambda));
    let (stop_tx, stop_rx) = watch::channel(false);
    let driver = tokio::spawn(driver::drive(shared.clone(), stop_rx.clone()));
    let mut connections = tokio::task::JoinSet::new();
    let mut signal = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                connections.spawn(connection(shared.clone(), stream, stop_rx.clone()));
            }
            _ = &mut signal => break,
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    shared.wake();
    // Open requests get a moment to finish; long polls were answered by the driver.
    let drain = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(Duration::from_secs(5), drain).await;
    let _ = tokio::time::timeout(Duration::from_secs(1), driver).await;
    println!("asl-sim serve: stopped");
    Ok(())
}

async fn connection(shared: Arc<Shared>, stream: tokio::net::TcpStream, mut stop: watch::Receiver<bool>) {
    let service = hyper::service::service_fn(move |req| handle(shared.clone(), req));
    let conn =
        hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    let stopped = async move {
        loop {
            let now_stopped = *stop.borrow();
            if now_stopped || stop.changed().await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stopped => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// One HTTP request: AWS's JSON protocol on `POST /` (any path and host).
async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != hyper::Method::POST {
        return Ok(plain(405, "asl-sim serve speaks AWS's JSON protocol: POST with an X-Amz-Target header\n"));
    }
    let target = req.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).map(String::from);
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(plain(413, "the request body is too large\n")),
    };
    let response = shared.request(target.as_deref(), &body).await;
    let mut out = Response::builder().status(response.status);
    for (k, v) in &response.headers {
        out = out.header(k.as_str(), v.as_str());
    }
    Ok(out.body(Full::new(Bytes::from(response.body))).unwrap_or_else(|_| plain(500, "bad response\n")))
}

fn plain(status: u16, text: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn options_read_as_step_functions_local_takes_them() {
        let o = parse(&[
            "--port",
            "0",
            "--clock",
            "real",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "--lambda-endpoint",
            "http://127.0.0.1:3001",
        ])
        .unwrap();
        assert_eq!(
            (o.port, o.clock, o.account.as_str(), o.region.as_str()),
            (0, Clock::Real, "111111111111", "eu-west-1")
        );
        assert_eq!(o.lambda_endpoint.as_deref(), Some("http://127.0.0.1:3001"));
        assert_eq!(parse(&[]).map(|o| (o.host, o.port)), Ok(("127.0.0.1".to_string(), 8083)));
        assert!(parse(&["--clock", "fast"]).unwrap_err().contains("real or virtual"));
        assert!(parse(&["--account", "12"]).unwrap_err().contains("12 digits"));
        assert!(parse(&["--port"]).unwrap_err().contains("--port needs a value"));
        assert!(parse(&["--bogus"]).unwrap_err().contains("unknown option --bogus"));
    }

    /// An Express execution run through the server's account keeps no history (nobody can read
    /// it over AWS's API) and its sync response is whole; a Standard one has a history (made when
    /// it is read).
    #[test]
    fn the_served_account_keeps_no_express_history() {
        let mut sim = account(&parse(&[]).unwrap()).unwrap();
        let call = |sim: &mut Simulator, op: &str, body: Value| {
            let target = format!("AWSStepFunctions.{op}");
            let response = match crate::protocol::handle(sim, Some(&target), body.to_string().as_bytes(), 0, 0) {
                crate::protocol::Reply::Done(r) => r,
                // StartSyncExecution: the server runs the account until the execution ends.
                crate::protocol::Reply::Wait(wait) => {
                    if let crate::protocol::WaitKind::Execution { arn, .. } = &wait.kind {
                        sim.run_to_end(arn, &mut |_| None);
                    }
                    crate::protocol::resume(sim, &wait, 0, 0).expect("the execution ended")
                }
            };
            serde_json::from_slice::<Value>(&response.body).unwrap()
        };
        let definition = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"n": 1}, "End": true}}}"#;
        let role = "arn:aws:iam::123456789012:role/r";
        for (kind, kept) in [("EXPRESS", false), ("STANDARD", true)] {
            let created = call(
                &mut sim,
                "CreateStateMachine",
                json!({"name": kind, "definition": definition, "roleArn": role, "type": kind}),
            );
            let machine = created["stateMachineArn"].as_str().unwrap().to_string();
            let arn = if kind == "EXPRESS" {
                let out = call(&mut sim, "StartSyncExecution", json!({"stateMachineArn": machine}));
                assert_eq!((out["status"].as_str(), out["output"].as_str()), (Some("SUCCEEDED"), Some(r#"{"n":1}"#)));
                out["executionArn"].as_str().unwrap().to_string()
            } else {
                let arn = call(&mut sim, "StartExecution", json!({"stateMachineArn": machine}))["executionArn"]
                    .as_str()
                    .unwrap()
                    .to_string();
                sim.run_to_end(&arn, &mut |_| None);
                arn
            };
            let e = sim.execution(&arn).unwrap();
            assert!(e.events().is_empty(), "{kind}: no event held as it ran");
            assert_eq!((e.replays_history(), !e.history().unwrap().is_empty()), (kept, kept), "{kind}");
        }
    }
}
