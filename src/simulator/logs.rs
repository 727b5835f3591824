//! The simulated CloudWatch Logs of Express and logged Standard executions: logging
//! configurations, the records Step Functions writes at each level, and reading them back.

use serde_json::{json, Map, Value};

use super::{ApiError, ApiErrorKind, GetLogEventsInput, LoggingConfiguration, Simulator, DEFAULT_LOG_GROUP};
use crate::exec::Status;
use crate::history::Event;

/// A machine's logging configuration, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Logging {
    /// `ALL`, `ERROR`, `FATAL` or `OFF`.
    pub level: String,
    /// Whether records and events carry inputs and outputs.
    pub include_execution_data: bool,
    /// The CloudWatch Logs group name.
    pub log_group: String,
}

/// One record in the simulated CloudWatch Logs.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    /// The CloudWatch Logs group name.
    pub log_group: String,
    /// The execution's ARN.
    pub execution_arn: String,
    /// The CloudWatch Logs stream (one per execution: `states/<machine>/<minute>/<id>`).
    pub log_stream: std::sync::Arc<str>,
    /// Epoch ms of the event.
    pub timestamp: i64,
    /// The record: `{id, type, details, previous_event_id, event_timestamp, execution_arn, redrive_count}`.
    pub message: Value,
}

impl Simulator {
    pub(super) fn resolve_logging(&self, config: Option<&LoggingConfiguration>) -> Result<Logging, ApiError> {
        let Some(config) = config else {
            return Ok(Logging {
                level: "OFF".into(),
                include_execution_data: false,
                log_group: DEFAULT_LOG_GROUP.into(),
            });
        };
        let level = config.level.clone().unwrap_or_else(|| "OFF".into());
        if !matches!(level.as_str(), "ALL" | "ERROR" | "FATAL" | "OFF") {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{level}' at 'loggingConfiguration.level' failed to satisfy constraint: \
                 Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]"
            )));
        }
        let log_group = match &config.destinations {
            None => DEFAULT_LOG_GROUP.to_string(),
            Some(d) if d.len() > 1 || (d.is_empty() && level != "OFF") => {
                return Err(ApiError::new(
                    ApiErrorKind::InvalidLoggingConfiguration,
                    "Invalid Logging Configuration: Must specify exactly one Log Destination.",
                ))
            }
            Some(d) if d.is_empty() => DEFAULT_LOG_GROUP.to_string(),
            Some(d) => {
                let arn =
                    d[0].cloud_watch_logs_log_group.as_ref().and_then(|g| g.log_group_arn.as_deref()).unwrap_or("");
                log_group_name(arn).ok_or_else(|| {
                    ApiError::new(
                        ApiErrorKind::InvalidLoggingConfiguration,
                        format!(
                            "Invalid Logging Configuration: The CloudWatch Logs Resource Policy size was exceeded or the \
                             log group ARN is invalid: '{arn}' (expected arn:aws:logs:<region>:<account>:log-group:<name>:*)"
                        ),
                    )
                })?
            }
        };
        // AWS's answer for a group deleted before CreateStateMachine (LocalStack snapshot
        // test_sfn_api_logs.py::TestSnfApiLogs::test_deleted_log_group, validated on AWS).
        if self.api.cloudwatch.was_deleted(&log_group) {
            return Err(ApiError::new(
                ApiErrorKind::InvalidLoggingConfiguration,
                "Invalid Logging Configuration: Log Destination not found.",
            ));
        }
        Ok(Logging { level, include_execution_data: config.include_execution_data.unwrap_or(false), log_group })
    }

    /// The simulator's `GetLogEvents`: `{events, nextForwardToken}`, the records oldest first. Pass
    /// `nextForwardToken` back to get only newer records; when nothing new has arrived the same
    /// token comes back, as CloudWatch Logs does.
    pub fn get_log_events(&self, input: &GetLogEventsInput) -> Result<Value, ApiError> {
        let limit = input.limit.unwrap_or(10_000);
        if !(1..=10_000).contains(&limit) {
            return Err(ApiError::new(
                ApiErrorKind::InvalidParameterException,
                format!("1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000"),
            ));
        }
        if let Some(g) = &input.log_group_name {
            if !self.log_groups.contains(g) {
                return Err(ApiError::new(
                    ApiErrorKind::ResourceNotFoundException,
                    "The specified log group does not exist.",
                ));
            }
        }
        let start = match &input.next_token {
            None => 0,
            Some(t) => {
                t.strip_prefix("f/").and_then(|n| n.parse::<usize>().ok()).filter(|n| *n <= self.log_end()).ok_or_else(
                    || ApiError::new(ApiErrorKind::InvalidParameterException, "The specified nextToken is invalid."),
                )?
            }
        };
        let (events, next) =
            self.log_events(input.execution_arn.as_deref(), input.log_group_name.as_deref(), start, limit as usize);
        let token = match (&input.next_token, events.is_empty()) {
            (Some(t), true) => t.clone(),
            _ => format!("f/{next}"),
        };
        let events: Vec<Value> = events.into_iter().map(|r| r.message.clone()).collect();
        Ok(json!({"events": events, "nextForwardToken": token}))
    }

    /// The log records, oldest first, optionally only one execution's or one group's, from
    /// position `start` (counting every record ever written; see [`Simulator::log_end`]); returns
    /// the records and the next position.
    pub fn log_events(
        &self,
        exec_arn: Option<&str>,
        log_group: Option<&str>,
        start: usize,
        limit: usize,
    ) -> (Vec<&LogEvent>, usize) {
        match exec_arn.and_then(|a| self.executions.get(a)) {
            Some(e) => self.execution_log_events(&e.log_positions, log_group, start, limit),
            // Every record (or those of an execution retention has let go of).
            None => self.scan_log_events(exec_arn, log_group, start, limit),
        }
    }

    fn scan_log_events(
        &self,
        exec_arn: Option<&str>,
        log_group: Option<&str>,
        start: usize,
        limit: usize,
    ) -> (Vec<&LogEvent>, usize) {
        let mut out = Vec::new();
        let records = self.logs_since(start);
        let mut pos = self.log_end() - records.len();
        for r in records {
            if out.len() >= limit {
                break;
            }
            pos += 1;
            if exec_arn.is_some_and(|a| a != r.execution_arn) || log_group.is_some_and(|g| g != r.log_group) {
                continue;
            }
            out.push(r);
        }
        (out, pos)
    }

    /// [`Simulator::log_events`] of one execution, from its records' positions: the same records
    /// and next position as going through all of them.
    fn execution_log_events(
        &self,
        positions: &[usize],
        log_group: Option<&str>,
        start: usize,
        limit: usize,
    ) -> (Vec<&LogEvent>, usize) {
        let first = positions.partition_point(|&p| p < start);
        let mut out = Vec::new();
        let mut last = None;
        for &p in &positions[first..] {
            if out.len() >= limit {
                break;
            }
            // Records retention has dropped are skipped.
            let Some(r) = self.log_at(p) else { continue };
            if log_group.is_some_and(|g| g != r.log_group) {
                continue;
            }
            out.push(r);
            last = Some(p);
        }
        match last {
            // Going through every record would stop just after the last one taken.
            Some(l) if out.len() >= limit => (out, l + 1),
            _ => (out, self.log_end()),
        }
    }

    /// The log records kept, oldest first (retention may have dropped older ones).
    pub fn logs(&self) -> &[LogEvent] {
        &self.logs
    }

    /// Writes the records of an execution's new history events at its machine's level, counts
    /// their bytes against the execution's budget, and lets go of the events when the execution
    /// keeps no history.
    pub(super) fn flush_logs(&mut self, exec_arn: &str) {
        let mut over_budget = false;
        {
            let Some(e) = self.executions.get_mut(exec_arn) else { return };
            // The logging of the revision it runs (the machine may have changed, or gone, since).
            let logging = match &e.meta.revision {
                Some(r) => r.logging.clone(),
                None => match self.machines.get(&e.machine_arn) {
                    Some(m) => m.logging.clone(),
                    None => return,
                },
            };
            let events = e.exec.events();
            let redrives = e.exec.redrive_count();
            let new = events.partition_point(|ev| ev.id <= e.logged);
            if logging.level != "OFF" {
                if e.meta.log_stream.is_empty() {
                    // Named when it first writes (a SHA-256 of its ARN: a fifth of a one-state run
                    // that logs nothing, when it was named at every start).
                    let c = e.exec.config();
                    let name = super::cloudwatch::stream_name(&c.identity.state_machine_name, c.start_time, exec_arn);
                    e.meta.log_stream = name.into();
                }
                for ev in &events[new..] {
                    if !logged_at_level(ev.kind, &logging.level) {
                        continue;
                    }
                    let mut message = log_record(ev, exec_arn, logging.include_execution_data);
                    if redrives > 0 {
                        message["redrive_count"] = json!(redrives.to_string());
                    }
                    e.log_bytes = e.log_bytes.saturating_add(crate::history::value_bytes(&message));
                    e.log_positions.push(self.lifecycle.log_base + self.logs.len());
                    self.logs.push(LogEvent {
                        log_group: logging.log_group.clone(),
                        execution_arn: exec_arn.to_string(),
                        log_stream: e.meta.log_stream.clone(),
                        timestamp: ev.timestamp,
                        message,
                    });
                }
            }
            e.logged = e.exec.last_event().0;
            if e.exec.config().history != crate::exec::HistoryMode::Keep {
                // Logged; an execution that keeps no history (or makes it when read) lets go.
                e.exec.forget_history();
            }
            if e.log_bytes > self.budgets.max_log_bytes && e.exec.status() == Status::Running {
                over_budget = true;
            }
        }
        self.trim_logs();
        if over_budget {
            self.log_budget_exceeded(exec_arn);
            self.flush_logs(exec_arn);
        }
    }
}

/// The log group name of `arn:aws:logs:<region>:<account>:log-group:<name>:*`.
fn log_group_name(arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:")?;
    let (_, after) = rest.split_once(":log-group:")?;
    let name = after.strip_suffix(":*")?;
    (!name.is_empty() && !name.contains(':')).then(|| name.to_string())
}

/// Whether a machine logging at `level` writes events of type `kind`: AWS's table "Log levels"
/// (developer guide, `cloudwatch-log-level.md`), plus the Map Run failures, which AWS logs at ERROR.
pub fn logged_at_level(kind: &str, level: &str) -> bool {
    const FATAL: &[&str] = &["ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"];
    const ERROR: &[&str] = &[
        "ActivityFailed",
        "ActivityScheduleFailed",
        "ActivityTimedOut",
        "FailStateEntered",
        "LambdaFunctionFailed",
        "LambdaFunctionScheduleFailed",
        "LambdaFunctionStartFailed",
        "LambdaFunctionTimedOut",
        "MapIterationAborted",
        "MapIterationFailed",
        "MapRunAborted",
        "MapRunFailed",
        "MapStateAborted",
        "MapStateFailed",
        "ParallelStateAborted",
        "ParallelStateFailed",
        "TaskFailed",
        "TaskStartFailed",
        "TaskStateAborted",
        "TaskSubmitFailed",
        "TaskTimedOut",
        "WaitStateAborted",
    ];
    match level {
        "ALL" => true,
        "ERROR" => FATAL.contains(&kind) || ERROR.contains(&kind),
        "FATAL" => FATAL.contains(&kind),
        _ => false,
    }
}

/// A CloudWatch log record of a history event, as Step Functions writes it: top-level values are
/// strings, `details` is the body of the event's `*EventDetails` with its keys in alphabetical
/// order, and without `input`, `inputDetails`, `output` and `outputDetails` when `include_data`
/// is false.
pub fn log_record(ev: &Event, exec_arn: &str, include_data: bool) -> Value {
    let mut details: Vec<(String, Value)> = match ev.details_body() {
        Value::Object(o) => o.into_iter().collect(),
        _ => Vec::new(),
    };
    if !include_data {
        details.retain(|(k, _)| !matches!(k.as_str(), "input" | "inputDetails" | "output" | "outputDetails"));
    }
    crate::sort::sort_by(&mut details, |a, b| a.0.cmp(&b.0));
    json!({
        "id": ev.id.to_string(),
        "type": ev.kind,
        "details": details.into_iter().collect::<Map<String, Value>>(),
        "previous_event_id": ev.previous_event_id.to_string(),
        "event_timestamp": ev.timestamp.to_string(),
        "execution_arn": exec_arn,
        "redrive_count": "0",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One execution's records read through its positions are the records, and the next position,
    /// that going through every record gives: interleaved executions, two groups, any start and
    /// limit, with retention dropping the oldest records.
    #[test]
    fn one_executions_records_by_position_are_those_of_a_full_pass() {
        use crate::simulator::{CreateStateMachineInput, LogDestination, LoggingConfiguration, StartExecutionInput};
        let mut sim = Simulator::new("123456789012", "us-east-1", 0);
        sim.retention.log_records = Some(40);
        let def = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 1, "Next": "B"}, "B": {"Type": "Pass", "End": true}}}"#;
        let mut arns = Vec::new();
        for (name, group) in [("M1", "/g/one"), ("M2", "/g/two")] {
            let destination = LogDestination {
                cloud_watch_logs_log_group: Some(crate::simulator::CloudWatchLogsLogGroup {
                    log_group_arn: Some(format!("arn:aws:logs:us-east-1:123456789012:log-group:{group}:*")),
                }),
            };
            let logging = LoggingConfiguration {
                level: Some("ALL".into()),
                include_execution_data: Some(true),
                destinations: Some(vec![destination]),
            };
            let m = CreateStateMachineInput {
                name: name.into(),
                definition: def.into(),
                machine_type: Some("EXPRESS".into()),
                logging_configuration: Some(logging),
                ..Default::default()
            };
            let machine = sim.create_state_machine(&m, 0).unwrap()["stateMachineArn"].as_str().unwrap().to_string();
            for _ in 0..3 {
                let start = StartExecutionInput { state_machine_arn: machine.clone(), ..Default::default() };
                arns.push(sim.start_execution(&start, 0).unwrap());
            }
        }
        for arn in arns.clone() {
            sim.run_to_end(&arn, &mut |_| None);
        }
        let end = sim.log_end();
        assert!(end > 40, "retention dropped records: {end}");
        let key = |(rs, next): (Vec<&LogEvent>, usize)| -> (Vec<*const LogEvent>, usize) {
            (rs.into_iter().map(|r| r as *const LogEvent).collect(), next)
        };
        let mut compared = 0;
        for arn in &arns {
            let positions = &sim.executions[arn].log_positions;
            assert_eq!(positions.len(), 8, "{arn}");
            for group in [None, Some("/g/one"), Some("/g/two")] {
                for start in [0, 1, end - 40, end - 25, end - 3, end] {
                    for limit in [1, 2, 3, 5, 10_000] {
                        let indexed = sim.execution_log_events(positions, group, start, limit);
                        let scanned = sim.scan_log_events(Some(arn), group, start, limit);
                        assert_eq!(key(indexed), key(scanned), "{arn} {group:?} {start} {limit}");
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 6 * 3 * 6 * 5);
        // Some interleaving happened, so positions matter.
        let first = &sim.executions[&arns[0]].log_positions;
        assert!(first.windows(2).any(|w| w[1] > w[0] + 1));
    }

    #[test]
    fn log_group_names_come_from_arns() {
        assert_eq!(log_group_name("arn:aws:logs:us-east-1:1:log-group:my/group:*").as_deref(), Some("my/group"));
        assert_eq!(log_group_name("arn:aws:logs:us-east-1:1:log-group:g"), None);
        assert_eq!(log_group_name("g"), None);
    }

    #[test]
    fn levels_follow_the_aws_table() {
        assert!(logged_at_level("PassStateEntered", "ALL"));
        assert!(!logged_at_level("PassStateEntered", "ERROR"));
        assert!(logged_at_level("FailStateEntered", "ERROR"));
        assert!(!logged_at_level("FailStateEntered", "FATAL"));
        assert!(logged_at_level("ExecutionTimedOut", "FATAL"));
        assert!(!logged_at_level("ExecutionSucceeded", "ERROR"));
        assert!(!logged_at_level("ExecutionFailed", "OFF"));
    }
}
