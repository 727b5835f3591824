//! The simulated CloudWatch Logs as its API reads it: `CreateLogGroup`, `DeleteLogGroup`,
//! `DescribeLogGroups`, `DescribeLogStreams`, `GetLogEvents` and `FilterLogEvents`, over the
//! records that executions write ([`super::logs`]).
//!
//! Step Functions writes each execution's records to one log stream of its machine's log group,
//! named `states/<machine>/<yyyy-MM-dd-HH-mm>/<id>` after the minute the execution started (one
//! stream per execution here). An event's `message` is the record's JSON text, its `timestamp`
//! the event's time (epoch ms), and `ingestionTime` the same.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::{ApiError, ApiErrorKind, Simulator};

/// The log groups' creation times and an index of the records by group and stream.
#[derive(Default)]
pub(crate) struct CloudWatch {
    /// Creation time of each log group, by name.
    created: HashMap<String, i64>,
    /// Each stream's records, by group, then stream name: their positions (see
    /// [`Simulator::log_end`]), which stay valid when retention drops older records.
    streams: BTreeMap<String, BTreeMap<String, Vec<usize>>>,
    /// Records before this position are in `streams`.
    indexed: usize,
    /// Positions before this one (dropped by retention) are out of `streams`.
    pruned: usize,
    /// Groups deleted with `DeleteLogGroup` (and not created again): a machine cannot log there.
    deleted: std::collections::HashSet<String>,
}

impl CloudWatch {
    /// Whether `DeleteLogGroup` removed this group (a group the account never saw exists, as the
    /// account's groups do on AWS).
    pub(crate) fn was_deleted(&self, group: &str) -> bool {
        self.deleted.contains(group)
    }
}

/// The log stream of an execution that started at `start` (epoch ms).
pub(crate) fn stream_name(machine: &str, start: i64, execution_arn: &str) -> String {
    use sha2::{Digest, Sha256};
    let minute = crate::timefmt::stream_minute(start);
    let id: String = Sha256::digest(execution_arn.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("states/{machine}/{minute}/{id}")
}

/// The requests of the CloudWatch Logs operations served (one shape for all: each reads its own
/// members).
#[derive(Debug, Clone, Default)]
pub struct LogsInput {
    /// The log group.
    pub log_group_name: Option<String>,
    /// The log group, by name or ARN.
    pub log_group_identifier: Option<String>,
    /// `GetLogEvents`: the stream.
    pub log_stream_name: Option<String>,
    /// `FilterLogEvents`: only these streams.
    pub log_stream_names: Option<Vec<String>>,
    /// Only streams whose name starts so.
    pub log_stream_name_prefix: Option<String>,
    /// `DescribeLogGroups`: only groups whose name starts so.
    pub log_group_name_prefix: Option<String>,
    /// `DescribeLogGroups`: only groups whose name contains this (case-insensitive).
    pub log_group_name_pattern: Option<String>,
    /// `DescribeLogGroups`: only these groups (names or ARNs).
    pub log_group_identifiers: Option<Vec<String>>,
    /// `DescribeLogGroups`: only groups of these accounts.
    pub account_identifiers: Option<Vec<String>>,
    /// Events at or after this time (epoch ms).
    pub start_time: Option<i64>,
    /// Events before this time (epoch ms).
    pub end_time: Option<i64>,
    /// `FilterLogEvents`: terms the message must hold.
    pub filter_pattern: Option<String>,
    /// A token of the previous answer.
    pub next_token: Option<String>,
    /// The most events, streams or groups to return.
    pub limit: Option<i64>,
    /// `GetLogEvents`: the oldest events first (default: the newest).
    pub start_from_head: Option<bool>,
    /// `DescribeLogStreams`: `LogStreamName` (default) or `LastEventTime`.
    pub order_by: Option<String>,
    /// `DescribeLogStreams`: reverse the order.
    pub descending: Option<bool>,
    /// `CreateLogGroup`: a KMS key (refused: there is no KMS).
    pub kms_key_id: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ApiErrorKind::InvalidParameterException, message)
}

fn no_group() -> ApiError {
    ApiError::new(ApiErrorKind::ResourceNotFoundException, "The specified log group does not exist.")
}

fn no_stream() -> ApiError {
    ApiError::new(ApiErrorKind::ResourceNotFoundException, "The specified log stream does not exist.")
}

/// `f/…` and `b/…` tokens: a direction and a position, written as AWS's 56 digits.
fn direction_token(dir: char, pos: usize) -> String {
    format!("{dir}/{pos:056}")
}

fn read_direction_token(t: &str) -> Result<(char, usize), ApiError> {
    let bad = || invalid("The specified nextToken is invalid.");
    let (dir, n) = t.split_once('/').ok_or_else(bad)?;
    let dir = match dir {
        "f" => 'f',
        "b" => 'b',
        _ => return Err(bad()),
    };
    Ok((dir, n.parse().map_err(|_| bad())?))
}

/// A plain-term filter pattern: every bare term (or "quoted phrase") must appear, one of the
/// `?term`s must when there are any, and no `-term` may. JSON (`{...}`) and space-delimited
/// (`[...]`) patterns are refused.
struct Pattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, ApiError> {
        let t = text.trim();
        if t.starts_with('{') || t.starts_with('[') || t.starts_with('%') {
            return Err(invalid(format!(
                "asl-sim supports plain-term filter patterns only (terms, \"quoted phrases\", ?any, -excluded), \
                 not JSON, space-delimited or regular-expression patterns: '{text}'"
            )));
        }
        let mut p = Pattern { all: Vec::new(), any: Vec::new(), none: Vec::new() };
        let mut chars = t.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let sign = if c == '?' || c == '-' {
                chars.next();
                Some(c)
            } else {
                None
            };
            let mut term = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    term.push(c);
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    term.push(c);
                    chars.next();
                }
            }
            if term.is_empty() {
                continue;
            }
            match sign {
                Some('?') => p.any.push(term),
                Some(_) => p.none.push(term),
                None => p.all.push(term),
            }
        }
        Ok(p)
    }

    fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
    }
}

impl Simulator {
    /// Brings the stream index up to the records written so far.
    fn index_logs(&mut self) {
        let base = self.lifecycle.log_base;
        let end = self.log_end();
        let cw = &mut self.api.cloudwatch;
        if cw.pruned < base {
            // Retention dropped records: their positions go (the streams stay, as on AWS).
            for ps in cw.streams.values_mut().flat_map(|g| g.values_mut()) {
                let dropped = ps.partition_point(|&p| p < base);
                ps.drain(..dropped);
            }
            cw.pruned = base;
        }
        for (i, r) in self.logs.iter().enumerate().skip(cw.indexed.saturating_sub(base)) {
            let group = cw.streams.entry(r.log_group.clone()).or_default();
            group.entry(r.log_stream.to_string()).or_default().push(base + i);
        }
        cw.indexed = end;
    }

    /// The group a request names (by name or identifier), which must exist.
    fn group_of(&mut self, input: &LogsInput, required: bool) -> Result<Option<String>, ApiError> {
        let name = match (&input.log_group_name, &input.log_group_identifier) {
            (Some(_), Some(_)) => {
                return Err(invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters."))
            }
            (Some(n), None) => n.clone(),
            (None, Some(id)) => group_name_of(id),
            (None, None) if required => {
                return Err(invalid("Either logGroupName or logGroupIdentifier must be specified."))
            }
            (None, None) => return Ok(None),
        };
        if !self.log_groups.contains(&name) {
            return Err(no_group());
        }
        self.index_logs();
        Ok(Some(name))
    }

    /// `CreateLogGroup`.
    pub fn create_log_group(&mut self, input: &LogsInput, now: i64) -> Result<Value, ApiError> {
        if input.kms_key_id.is_some() {
            return Err(invalid("asl-sim has no KMS: CreateLogGroup with kmsKeyId is not supported"));
        }
        let name = input.log_group_name.clone().unwrap_or_default();
        if self.log_groups.contains(&name) {
            return Err(ApiError::new(
                ApiErrorKind::ResourceAlreadyExistsException,
                "The specified log group already exists",
            ));
        }
        self.log_groups.push(name.clone());
        self.api.cloudwatch.deleted.remove(&name);
        self.api.cloudwatch.created.insert(name, now);
        Ok(Value::Null)
    }

    /// `DeleteLogGroup`: the group and its records go.
    pub fn delete_log_group(&mut self, input: &LogsInput) -> Result<Value, ApiError> {
        let name = input.log_group_name.clone().unwrap_or_default();
        if !self.log_groups.contains(&name) {
            return Err(no_group());
        }
        self.index_logs();
        self.log_groups.retain(|g| *g != name);
        self.api.cloudwatch.created.remove(&name);
        self.api.cloudwatch.deleted.insert(name.clone());
        self.api.cloudwatch.streams.remove(&name);
        Ok(Value::Null)
    }

    /// `DescribeLogGroups`: by name.
    pub fn describe_log_groups(&mut self, input: &LogsInput) -> Result<Value, ApiError> {
        if input.log_group_name_prefix.is_some() && input.log_group_name_pattern.is_some() {
            return Err(invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."));
        }
        self.index_logs();
        let now = self.now;
        let mut names: Vec<String> = self.log_groups.clone();
        crate::sort::sort_by(&mut names, String::cmp);
        let account = self.account.clone();
        let pattern = input.log_group_name_pattern.as_ref().map(|p| p.to_lowercase());
        let wanted: Option<Vec<String>> =
            input.log_group_identifiers.as_ref().map(|ids| ids.iter().map(|i| group_name_of(i)).collect());
        let other_account = input.account_identifiers.as_ref().is_some_and(|a| !a.is_empty() && !a.contains(&account));
        names.retain(|n| {
            !other_account
                && input.log_group_name_prefix.as_ref().map_or(true, |p| n.starts_with(p.as_str()))
                && pattern.as_ref().map_or(true, |p| n.to_lowercase().contains(p.as_str()))
                && wanted.as_ref().map_or(true, |w| w.contains(n))
        });
        let start = match &input.next_token {
            None => 0,
            Some(t) => names.iter().position(|n| n > t).unwrap_or(names.len()),
        };
        let limit = input.limit.unwrap_or(50).clamp(1, 50) as usize;
        let page: Vec<String> = names.iter().skip(start).take(limit).cloned().collect();
        let mut groups = Vec::new();
        for name in &page {
            let created = *self.api.cloudwatch.created.entry(name.clone()).or_insert(now);
            let arn = format!("arn:aws:logs:{}:{}:log-group:{name}", self.region, self.account);
            let bytes = self.group_bytes(name);
            groups.push(json!({"logGroupName": name, "creationTime": created, "metricFilterCount": 0,
                "arn": format!("{arn}:*"), "storedBytes": bytes, "logGroupClass": "STANDARD", "logGroupArn": arn,
                "deletionProtectionEnabled": false}));
        }
        let mut out = json!({"logGroups": groups});
        if start + page.len() < names.len() {
            if let Some(last) = page.last() {
                out["nextToken"] = json!(last);
            }
        }
        Ok(out)
    }

    fn group_bytes(&self, group: &str) -> usize {
        let Some(streams) = self.api.cloudwatch.streams.get(group) else { return 0 };
        streams.values().flatten().map(|&i| self.log_at(i).map_or(0, |r| r.message.to_string().len())).sum()
    }

    /// `DescribeLogStreams`: by name (or by last event time), 50 at most a page.
    pub fn describe_log_streams(&mut self, input: &LogsInput) -> Result<Value, ApiError> {
        let group = self.group_of(input, true)?.unwrap_or_default();
        let by_time = input.order_by.as_deref() == Some("LastEventTime");
        if by_time && input.log_stream_name_prefix.is_some() {
            return Err(invalid("Cannot order by LastEventTime with a logStreamNamePrefix."));
        }
        let streams = self.api.cloudwatch.streams.get(&group).cloned().unwrap_or_default();
        let mut list: Vec<(String, i64, i64, usize)> = streams
            .iter()
            .filter(|(name, _)| input.log_stream_name_prefix.as_ref().map_or(true, |p| name.starts_with(p.as_str())))
            .map(|(name, positions)| {
                let ts = |i: Option<&usize>| i.and_then(|&i| self.log_at(i)).map_or(0, |r| r.timestamp);
                let bytes = positions.iter().map(|&i| self.log_at(i).map_or(0, |r| r.message.to_string().len())).sum();
                (name.clone(), ts(positions.first()), ts(positions.last()), bytes)
            })
            .collect();
        if by_time {
            crate::sort::sort_by(&mut list, |a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
        }
        if input.descending.unwrap_or(false) {
            list.reverse();
        }
        let start = match &input.next_token {
            None => 0,
            Some(t) => list
                .iter()
                .position(|s| s.0 == *t)
                .map(|p| p + 1)
                .ok_or_else(|| invalid("The specified nextToken is invalid."))?,
        };
        let limit = input.limit.unwrap_or(50).clamp(1, 50) as usize;
        let page: Vec<_> = list.iter().skip(start).take(limit).collect();
        let streams: Vec<Value> = page
            .iter()
            .map(|(name, first, last, _bytes)| {
                json!({"logStreamName": name, "creationTime": first, "firstEventTimestamp": first,
                    "lastEventTimestamp": last, "lastIngestionTime": last,
                    "uploadSequenceToken": format!("{:056}", last),
                    "arn": format!("arn:aws:logs:{}:{}:log-group:{group}:log-stream:{name}", self.region, self.account),
                    "storedBytes": 0})
            })
            .collect();
        let mut out = json!({"logStreams": streams});
        if start + page.len() < list.len() {
            if let Some(last) = page.last() {
                out["nextToken"] = json!(last.0);
            }
        }
        Ok(out)
    }

    /// `GetLogEvents`: one stream's events in time order, a page from the newest (or, with
    /// `startFromHead`, the oldest), with `nextForwardToken` and `nextBackwardToken`; at the end of
    /// the stream the token given comes back.
    pub fn get_stream_events(&mut self, input: &LogsInput) -> Result<Value, ApiError> {
        let group = self.group_of(input, true)?.unwrap_or_default();
        let stream = input.log_stream_name.clone().unwrap_or_default();
        let positions =
            self.api.cloudwatch.streams.get(&group).and_then(|s| s.get(&stream)).cloned().ok_or_else(no_stream)?;
        let in_time = |i: &&usize| {
            let t = self.log_at(**i).map_or(0, |r| r.timestamp);
            input.start_time.map_or(true, |s| t >= s) && input.end_time.map_or(true, |e| t < e)
        };
        let events: Vec<usize> = positions.iter().filter(in_time).copied().collect();
        let n = events.len();
        let limit = input.limit.unwrap_or(10_000).clamp(1, 10_000) as usize;
        let (from, to) = match input.next_token.as_deref().map(read_direction_token).transpose()? {
            Some(('f', p)) => (p.min(n), p.saturating_add(limit).min(n)),
            Some((_, p)) => (p.min(n).saturating_sub(limit), p.min(n)),
            None if input.start_from_head.unwrap_or(false) => (0, limit.min(n)),
            None => (n.saturating_sub(limit), n),
        };
        let list: Vec<Value> = events[from..to]
            .iter()
            .filter_map(|&i| self.log_at(i))
            .map(|r| json!({"timestamp": r.timestamp, "message": r.message.to_string(), "ingestionTime": r.timestamp}))
            .collect();
        // At an end of the stream, the token given comes back (how SDK paginators know to stop).
        let (forward, backward) = match input.next_token.as_deref() {
            Some(t) if list.is_empty() && t.starts_with('f') => (t.to_string(), direction_token('b', from)),
            Some(t) if list.is_empty() => (direction_token('f', to), t.to_string()),
            _ => (direction_token('f', to), direction_token('b', from)),
        };
        Ok(json!({"events": list, "nextForwardToken": forward, "nextBackwardToken": backward}))
    }

    /// `FilterLogEvents`: the group's events (of some streams, in a time range, matching a
    /// plain-term pattern) in the order they were written, `limit` at a time.
    pub fn filter_log_events(&mut self, input: &LogsInput) -> Result<Value, ApiError> {
        let group = self.group_of(input, true)?.unwrap_or_default();
        if input.log_stream_names.is_some() && input.log_stream_name_prefix.is_some() {
            return Err(invalid("Cannot specify both logStreamNames and logStreamNamePrefix."));
        }
        let pattern = Pattern::parse(input.filter_pattern.as_deref().unwrap_or(""))?;
        let after = match &input.next_token {
            None => None,
            Some(t) => Some(t.parse::<usize>().map_err(|_| invalid("The specified nextToken is invalid."))?),
        };
        let streams = self.api.cloudwatch.streams.get(&group).cloned().unwrap_or_default();
        let mut positions: Vec<(usize, &String)> = streams
            .iter()
            .filter(|(name, _)| {
                input.log_stream_names.as_ref().map_or(true, |n| n.contains(name))
                    && input.log_stream_name_prefix.as_ref().map_or(true, |p| name.starts_with(p.as_str()))
            })
            .flat_map(|(name, ps)| ps.iter().map(move |&p| (p, name)))
            .filter(|(p, _)| after.map_or(true, |a| *p > a))
            .collect();
        crate::sort::sort_by_key(&mut positions, |(p, _)| *p);
        let limit = input.limit.unwrap_or(10_000).clamp(1, 10_000) as usize;
        let mut events = Vec::new();
        let mut last = None;
        let mut more = false;
        for (p, stream) in positions {
            let Some(r) = self.log_at(p) else { continue };
            if input.start_time.is_some_and(|s| r.timestamp < s) || input.end_time.is_some_and(|e| r.timestamp >= e) {
                continue;
            }
            let message = r.message.to_string();
            if !pattern.matches(&message) {
                continue;
            }
            if events.len() == limit {
                more = true;
                break;
            }
            events.push(json!({"logStreamName": stream, "timestamp": r.timestamp, "message": message,
                "ingestionTime": r.timestamp, "eventId": format!("{p:056}")}));
            last = Some(p);
        }
        let mut out = json!({"events": events, "searchedLogStreams": []});
        if let (true, Some(p)) = (more, last) {
            out["nextToken"] = json!(p.to_string());
        }
        Ok(out)
    }
}

/// A log group's name from its name or ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`).
fn group_name_of(identifier: &str) -> String {
    match identifier.split_once(":log-group:") {
        Some((_, rest)) => rest.strip_suffix(":*").unwrap_or(rest).to_string(),
        None => identifier.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Retention drops the oldest records from the front of the account's buffer: a stream's
    /// events stay its own (positions, not indices into the buffer), the dropped ones go, and
    /// event ids do not move.
    #[test]
    fn streams_keep_their_own_events_when_retention_drops_old_records() {
        use crate::simulator::{CreateStateMachineInput, LoggingConfiguration, StartExecutionInput};
        let mut sim = Simulator::new("123456789012", "us-east-1", 0);
        sim.retention.log_records = Some(20);
        let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
        let logging = LoggingConfiguration {
            level: Some("ALL".into()),
            include_execution_data: Some(true),
            ..Default::default()
        };
        let m = CreateStateMachineInput {
            name: "M".into(),
            definition: def.into(),
            machine_type: Some("EXPRESS".into()),
            logging_configuration: Some(logging),
            ..Default::default()
        };
        let machine = sim.create_state_machine(&m, 0).unwrap()["stateMachineArn"].as_str().unwrap().to_string();
        let run = |sim: &mut Simulator, i: i64| {
            let start = StartExecutionInput { state_machine_arn: machine.clone(), ..Default::default() };
            let arn = sim.start_execution(&start, i * 60_000).unwrap();
            sim.run_to_end(&arn, &mut |_| None);
            arn
        };
        let stream_of = |sim: &Simulator, arn: &str| sim.executions[arn].meta.log_stream.to_string();
        let first = run(&mut sim, 0);
        let first_stream = stream_of(&sim, &first);
        let group = sim.logs()[0].log_group.clone();
        let events = |sim: &mut Simulator, stream: &str| {
            let input = LogsInput {
                log_group_name: Some(group.clone()),
                log_stream_name: Some(stream.to_string()),
                start_from_head: Some(true),
                ..Default::default()
            };
            sim.get_stream_events(&input).unwrap()["events"].as_array().unwrap().clone()
        };
        // Indexed before the drop: four records (started, entered, exited, succeeded).
        assert_eq!(events(&mut sim, &first_stream).len(), 4);
        let arns: Vec<String> = (1..40).map(|i| run(&mut sim, i)).collect();
        let dropped = sim.log_end() - sim.logs().len();
        assert!(dropped >= 60, "retention dropped {dropped} records");
        // The first execution's records are gone; the last's are its own, all four.
        assert_eq!(events(&mut sim, &first_stream), Vec::<Value>::new());
        let last = arns.last().unwrap();
        let last_stream = stream_of(&sim, last);
        let mine = events(&mut sim, &last_stream);
        assert_eq!(mine.len(), 4);
        for e in &mine {
            let message: Value = serde_json::from_str(e["message"].as_str().unwrap()).unwrap();
            assert_eq!(message["execution_arn"], json!(last));
        }
    }

    #[test]
    fn plain_terms_match_as_cloudwatch_does() {
        let p = Pattern::parse(r#"ExecutionSucceeded "my machine" ?alpha ?beta -secret"#).unwrap();
        assert!(p.matches("ExecutionSucceeded in my machine: alpha"));
        assert!(!p.matches("ExecutionSucceeded in my machine"), "needs one of ?alpha ?beta");
        assert!(!p.matches("ExecutionSucceeded in my machine: beta secret"));
        assert!(Pattern::parse("").unwrap().matches("anything"));
        assert_eq!(
            Pattern::parse("{ $.type = \"X\" }").err().map(|e| e.kind),
            Some(ApiErrorKind::InvalidParameterException)
        );
    }

    #[test]
    fn streams_are_named_by_machine_and_minute() {
        let name = stream_name("Hello", 1_704_067_260_000, "arn:x");
        assert!(name.starts_with("states/Hello/2024-01-01-00-01/"), "{name}");
        assert_eq!(name.len(), "states/Hello/2024-01-01-00-01/".len() + 8);
        assert_eq!(group_name_of("arn:aws:logs:us-east-1:1:log-group:/a/b:*"), "/a/b");
        assert_eq!(read_direction_token(&direction_token('b', 7)).unwrap(), ('b', 7));
    }
}
